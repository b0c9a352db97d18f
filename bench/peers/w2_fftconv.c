// W2: causal long convolution, H=768 channels, L=8192, kernel length L, D skip (mixers.md §i):
//     y[c, t] = Σ_{s ≤ t} k[c, s] · u[c, t - s] + D[c] · u[c, t]
// on FFTW3f (single precision, FFTW_MEASURE plans), fused per channel (fftconv.h). Channels are split across
// pthreads. The kernel is a weight, but its spectrum is computed inside the timed call, per channel, as seqc does.
// A second variant, c-fftw-cached, computes every channel's kernel spectrum once before the timed runs (what seqc does
// with bound weights) and then makes one forward and one inverse transform per channel and run.
//
// Verified first against a naive double-precision direct convolution at H=4, L=300.
#include "fftconv.h"

struct w2 {
    int H, L;
    const float *u, *k, *D;
    float *y;
    struct fftconv conv;
};

static void w2_kernel(void *p, int tid, int nt) {
    struct w2 *w = (struct w2 *)p;
    const int L = w->L;
    const int c0 = (int)((long)w->H * tid / nt), c1 = (int)((long)w->H * (tid + 1) / nt);
    for (int c = c0; c < c1; c++) {
        const size_t o = (size_t)c * L;
        fftconv_channel(&w->conv, tid, w->u + o, w->k + o, w->D[c], w->y + o);
    }
}

static void w2_run(void *p, int nthreads) { run_parallel(nthreads, w2_kernel, p); }

/// A decaying kernel (trained long-convolution kernels decay), so the output keeps the input's scale.
static float *kernel_init(int H, int L, uint64_t *s) {
    float *k = falloc((size_t)H * L);
    for (int c = 0; c < H; c++)
        for (int t = 0; t < L; t++) k[(size_t)c * L + t] = urand(s, -1, 1) * expf(-(float)t / 1000) / 30;
    return k;
}

static void verify(void) {
    const int H = 4, L = 300;
    uint64_t s = 7;
    float *u = frand((size_t)H * L, &s, -1, 1), *k = kernel_init(H, L, &s), *D = frand(H, &s, 0.5f, 1.5f);
    float *y = falloc((size_t)H * L);
    struct w2 w = {H, L, u, k, D, y, fftconv_make(L, 2)};
    double *want = malloc(sizeof(double) * H * L);
    for (int c = 0; c < H; c++)
        for (int t = 0; t < L; t++) {
            double acc = (double)D[c] * u[c * L + t];
            for (int j = 0; j <= t; j++) acc += (double)k[c * L + t - j] * u[c * L + j];
            want[c * L + t] = acc;
        }
    for (int nt = 1; nt <= 2; nt++) {
        memset(y, 0, sizeof(float) * H * L);
        w2_run(&w, nt);
        check("W2", nt == 1 ? "FFTW conv, 1 thread" : "FFTW conv, 2 threads", rel_err(y, want, (size_t)H * L), 1e-5);
    }
    struct fftconv_cached c = fftconv_cache(&w.conv, H, k, u, D, y);
    memset(y, 0, sizeof(float) * H * L);
    fftconv_cached_run(&c, 2);
    check("W2", "FFTW conv, kept spectra, 2 threads", rel_err(y, want, (size_t)H * L), 1e-5);
    fftwf_free(c.spectra);
    fftconv_free(&w.conv);
    free(u); free(k); free(D); free(y); free(want);
}

int main(int argc, char **argv) {
    struct options o = parse_options(argc, argv);
    verify();
    const int H = 768, L = 8192;
    uint64_t s = 0x5EC0;
    float *u = frand((size_t)H * L, &s, -1, 1), *k = kernel_init(H, L, &s), *D = frand(H, &s, 0.5f, 1.5f);
    float *y = falloc((size_t)H * L);
    int maxThreads = 1;
    for (int i = 0; i < o.nthreads; i++) if (o.threads[i] > maxThreads) maxThreads = o.threads[i];
    double t0 = now_ms();
    struct w2 w = {H, L, u, k, D, y, fftconv_make(L, maxThreads)};
    fprintf(stderr, "W2 c-fftw: FFTW_MEASURE planning %.0f ms\n", now_ms() - t0);
    bench(&o, "W2", "c-fftw", w2_run, &w);
    struct fftconv_cached c = fftconv_cache(&w.conv, H, k, u, D, y);
    bench(&o, "W2", "c-fftw-cached", fftconv_cached_run, &c);
    fftwf_free(c.spectra);
    fftconv_free(&w.conv);
    return 0;
}
