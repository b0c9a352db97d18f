// W2: causal long convolution, H=768 channels, L=8192, kernel length L, D skip (mixers.md §i):
//     y[c, t] = Σ_{s ≤ t} k[c, s] · u[c, t - s] + D[c] · u[c, t]
// on FFTW3f (single precision, FFTW_MEASURE plans), fused per channel as PERF-NOTES.md describes: zero-pad u and k
// to N = 2L, forward real transforms of both, pointwise product (with the 1/N of the unnormalized inverse), inverse
// transform, then the D skip on the first L outputs — all in per-thread buffers that stay in L2. Channels are
// split across threads (pthreads; the plans are made once, then run with fftwf_execute_dft_r2c/c2r on each
// thread's own arrays, which FFTW allows). The kernel is a weight, but its spectrum is computed inside the timed
// call, per channel, as seqc does.
//
// Verified first against a naive double-precision direct convolution at H=4, L=300.
#include <fftw3.h>

#include "common.h"

struct w2 {
    int H, L, N;
    const float *u, *k, *D;
    float *y;
    fftwf_plan fwd, inv;
    float **re;              // per thread: padded real buffer [N]
    fftwf_complex **cu, **ck; // per thread: spectra [N/2 + 1]
};

static void w2_kernel(void *p, int tid, int nt) {
    struct w2 *w = (struct w2 *)p;
    const int L = w->L, N = w->N, bins = N / 2 + 1;
    float *re = w->re[tid];
    fftwf_complex *cu = w->cu[tid], *ck = w->ck[tid];
    const int c0 = (int)((long)w->H * tid / nt), c1 = (int)((long)w->H * (tid + 1) / nt);
    const float scale = 1.0f / (float)N;
    for (int c = c0; c < c1; c++) {
        const float *u = w->u + (size_t)c * L, *k = w->k + (size_t)c * L;
        memcpy(re, k, sizeof(float) * L);
        memset(re + L, 0, sizeof(float) * (N - L));
        fftwf_execute_dft_r2c(w->fwd, re, ck);
        memcpy(re, u, sizeof(float) * L);
        memset(re + L, 0, sizeof(float) * (N - L));
        fftwf_execute_dft_r2c(w->fwd, re, cu);
        for (int f = 0; f < bins; f++) {
            float ar = cu[f][0], ai = cu[f][1], br = ck[f][0], bi = ck[f][1];
            cu[f][0] = (ar * br - ai * bi) * scale;
            cu[f][1] = (ar * bi + ai * br) * scale;
        }
        fftwf_execute_dft_c2r(w->inv, cu, re);
        float *y = w->y + (size_t)c * L;
        const float d = w->D[c];
        for (int t = 0; t < L; t++) y[t] = re[t] + d * u[t];
    }
}

static void w2_run(void *p, int nthreads) { run_parallel(nthreads, w2_kernel, p); }

/// Sets up plans and per-thread buffers for up to `maxThreads` threads.
static struct w2 w2_make(int H, int L, const float *u, const float *k, const float *D, float *y, int maxThreads) {
    struct w2 w = {H, L, 2 * L, u, k, D, y, 0, 0, 0, 0, 0};
    const int N = w.N, bins = N / 2 + 1;
    w.re = malloc(sizeof(float *) * maxThreads);
    w.cu = malloc(sizeof(fftwf_complex *) * maxThreads);
    w.ck = malloc(sizeof(fftwf_complex *) * maxThreads);
    for (int t = 0; t < maxThreads; t++) {
        w.re[t] = fftwf_malloc(sizeof(float) * N);
        w.cu[t] = fftwf_malloc(sizeof(fftwf_complex) * bins);
        w.ck[t] = fftwf_malloc(sizeof(fftwf_complex) * bins);
    }
    w.fwd = fftwf_plan_dft_r2c_1d(N, w.re[0], w.cu[0], FFTW_MEASURE);
    w.inv = fftwf_plan_dft_c2r_1d(N, w.cu[0], w.re[0], FFTW_MEASURE);
    return w;
}

static void w2_free(struct w2 *w, int maxThreads) {
    for (int t = 0; t < maxThreads; t++) { fftwf_free(w->re[t]); fftwf_free(w->cu[t]); fftwf_free(w->ck[t]); }
    free(w->re); free(w->cu); free(w->ck);
    fftwf_destroy_plan(w->fwd);
    fftwf_destroy_plan(w->inv);
}

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
    struct w2 w = w2_make(H, L, u, k, D, y, 2);
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
    w2_free(&w, 2);
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
    struct w2 w = w2_make(H, L, u, k, D, y, maxThreads);
    fprintf(stderr, "W2 c-fftw: FFTW_MEASURE planning %.0f ms\n", now_ms() - t0);
    bench(&o, "W2", "c-fftw", w2_run, &w);
    w2_free(&w, maxThreads);
    return 0;
}
