// The FFTW3f causal convolution shared by the W2 and W6 C peers, fused per channel as PERF-NOTES.md describes:
// zero-pad u and k to N = 2L, forward real transforms of both, pointwise product (with the 1/N of FFTW's
// unnormalized inverse), inverse transform, and the D skip on the first L outputs — all in per-thread buffers that
// stay in L2. The plans are made once (FFTW_MEASURE) and run on each thread's own arrays with the new-array
// execute functions, which FFTW allows from several threads.
#pragma once
#include <fftw3.h>

#include "common.h"

struct fftconv {
    int L, N, threads;
    fftwf_plan fwd, inv;
    float **re;                 // per thread: padded real buffer [N]
    fftwf_complex **cu, **ck;   // per thread: spectra [N/2 + 1]
};

static struct fftconv fftconv_make(int L, int threads) {
    struct fftconv f = {L, 2 * L, threads, 0, 0, 0, 0, 0};
    const int bins = f.N / 2 + 1;
    f.re = malloc(sizeof(float *) * threads);
    f.cu = malloc(sizeof(fftwf_complex *) * threads);
    f.ck = malloc(sizeof(fftwf_complex *) * threads);
    for (int t = 0; t < threads; t++) {
        f.re[t] = fftwf_malloc(sizeof(float) * f.N);
        f.cu[t] = fftwf_malloc(sizeof(fftwf_complex) * bins);
        f.ck[t] = fftwf_malloc(sizeof(fftwf_complex) * bins);
    }
    f.fwd = fftwf_plan_dft_r2c_1d(f.N, f.re[0], f.cu[0], FFTW_MEASURE);
    f.inv = fftwf_plan_dft_c2r_1d(f.N, f.cu[0], f.re[0], FFTW_MEASURE);
    return f;
}

static void fftconv_free(struct fftconv *f) {
    for (int t = 0; t < f->threads; t++) { fftwf_free(f->re[t]); fftwf_free(f->cu[t]); fftwf_free(f->ck[t]); }
    free(f->re); free(f->cu); free(f->ck);
    fftwf_destroy_plan(f->fwd);
    fftwf_destroy_plan(f->inv);
}

/// The spectrum [N/2 + 1] of the kernel k [L], zero-padded, on thread `tid`'s buffers.
static void fftconv_kernel_spectrum(const struct fftconv *f, int tid, const float *k, fftwf_complex *out) {
    float *re = f->re[tid];
    memcpy(re, k, sizeof(float) * f->L);
    memset(re + f->L, 0, sizeof(float) * (f->N - f->L));
    fftwf_execute_dft_r2c(f->fwd, re, out);
}

/// y[t] = Σ_{s ≤ t} k[s]·u[t − s] + d·u[t] for t < L from the kernel's spectrum, on thread `tid`'s buffers.
static void fftconv_channel_spectrum(const struct fftconv *f, int tid, const float *u, const fftwf_complex *spectrum,
                                     float d, float *y) {
    const int L = f->L, N = f->N, bins = N / 2 + 1;
    float *re = f->re[tid];
    memcpy(re, u, sizeof(float) * L);
    memset(re + L, 0, sizeof(float) * (N - L));
    fftwf_execute_dft_r2c(f->fwd, re, f->cu[tid]);
    // (re, im) float pairs: fftwf_complex is float[2], or float _Complex when <complex.h> came first.
    float *su = (float *)f->cu[tid];
    const float *sk = (const float *)spectrum, scale = 1.0f / (float)N;
    for (int b = 0; b < bins; b++) {
        float ar = su[2 * b], ai = su[2 * b + 1], br = sk[2 * b], bi = sk[2 * b + 1];
        su[2 * b] = (ar * br - ai * bi) * scale;
        su[2 * b + 1] = (ar * bi + ai * br) * scale;
    }
    fftwf_execute_dft_c2r(f->inv, f->cu[tid], re);
    for (int t = 0; t < L; t++) y[t] = re[t] + d * u[t];
}

/// y[t] = Σ_{s ≤ t} k[s]·u[t − s] + d·u[t] for t < L, on thread `tid`'s buffers.
static void fftconv_channel(const struct fftconv *f, int tid, const float *u, const float *k, float d, float *y) {
    fftconv_kernel_spectrum(f, tid, k, f->ck[tid]);
    fftconv_channel_spectrum(f, tid, u, f->ck[tid], d, y);
}

/// The "cached" peers (W2, W6 against seqc with bound weights): every channel's kernel spectrum computed once,
/// outside the timed runs, which then make one forward and one inverse transform per channel.
struct fftconv_cached {
    const struct fftconv *conv;
    int H;
    const float *u, *D;
    float *y;
    fftwf_complex *spectra;  // [H][N/2 + 1]
};

static struct fftconv_cached fftconv_cache(const struct fftconv *f, int H, const float *kernels, const float *u,
                                           const float *D, float *y) {
    const int bins = f->N / 2 + 1;
    struct fftconv_cached c = {f, H, u, D, y, fftwf_malloc(sizeof(fftwf_complex) * (size_t)H * bins)};
    for (int h = 0; h < H; h++) fftconv_kernel_spectrum(f, 0, kernels + (size_t)h * f->L, c.spectra + (size_t)h * bins);
    return c;
}

static void fftconv_cached_kernel(void *p, int tid, int nt) {
    const struct fftconv_cached *c = (const struct fftconv_cached *)p;
    const int L = c->conv->L, bins = c->conv->N / 2 + 1;
    const int c0 = (int)((long)c->H * tid / nt), c1 = (int)((long)c->H * (tid + 1) / nt);
    for (int h = c0; h < c1; h++) {
        const size_t o = (size_t)h * L;
        fftconv_channel_spectrum(c->conv, tid, c->u + o, c->spectra + (size_t)h * bins, c->D[h], c->y + o);
    }
}

static void fftconv_cached_run(void *p, int nthreads) { run_parallel(nthreads, fftconv_cached_kernel, p); }
