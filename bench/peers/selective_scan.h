// The fused AVX2 selective scan (Mamba's S6, mixers.md §d.1) shared by the C peers of W1 (the scan alone) and
// W8 (a whole Mamba block): D channels, L steps, N=16 states, B and C shared by all channels, delta_bias +
// softplus, D skip, silu(z) gate. Layout (channel, time), time fastest, as selective_scan_ref.
//
// Kernel: 8 channels in the lanes of an AVX2 vector. Per block of 8 channels, Δ = softplus(delta + bias) and Δ·u
// are computed on 8×8 register-transposed tiles into time-major scratch ([L][8], in L2); then the recurrence runs
// over time with 8 of the 16 states in registers (AVX2 has 16 vector registers, so the states go in two passes of
// 8: register pressure, not the algorithm), one vectorized exp per state and step, and y accumulates in scratch.
// The epilogue transposes y back and applies (y + D·u)·silu(z). Channel blocks are split across threads.
#pragma once
#include "common.h"

enum { NS = 16, NH = 8 };   // states, states per pass

struct w1 {
    int D, L;
    const float *u, *delta, *B, *C, *z, *A, *Dskip, *bias;
    float *BT, *CT;          // [L][NS] time-major copies of B and C
    float *y;
    float *state;            // [D][NS]: the last state h_L, or NULL when not wanted
    float *scratch;          // per thread: dt, du, y tiles, 3 × L × 8
};

static void w1_kernel(void *p, int tid, int nt) {
    struct w1 *w = (struct w1 *)p;
    const int D = w->D, L = w->L, nblocks = D / 8;
    float *dtT = w->scratch + (size_t)tid * 3 * L * 8, *duT = dtT + (size_t)L * 8, *yT = duT + (size_t)L * 8;
    const int b0 = (int)((long)nblocks * tid / nt), b1 = (int)((long)nblocks * (tid + 1) / nt);
    for (int blk = b0; blk < b1; blk++) {
        const int d0 = blk * 8;
        const __m256 bias = _mm256_loadu_ps(w->bias + d0);
        // Δ and Δ·u, time-major, from 8×8 tiles.
        for (int t0 = 0; t0 < L; t0 += 8) {
            __m256 dl[8], uu[8];
            for (int c = 0; c < 8; c++) {
                dl[c] = _mm256_loadu_ps(w->delta + (size_t)(d0 + c) * L + t0);
                uu[c] = _mm256_loadu_ps(w->u + (size_t)(d0 + c) * L + t0);
            }
            transpose8(dl);
            transpose8(uu);
            for (int r = 0; r < 8; r++) {
                __m256 dt = softplus256(_mm256_add_ps(dl[r], bias));
                _mm256_store_ps(dtT + (size_t)(t0 + r) * 8, dt);
                _mm256_store_ps(duT + (size_t)(t0 + r) * 8, _mm256_mul_ps(dt, uu[r]));
            }
        }
        // The recurrence, states in two passes of NH.
        for (int pass = 0; pass < NS / NH; pass++) {
            const int n0 = pass * NH;
            __m256 A[NH], h[NH];
            for (int n = 0; n < NH; n++) {
                A[n] = _mm256_set_ps(w->A[(d0 + 7) * NS + n0 + n], w->A[(d0 + 6) * NS + n0 + n],
                                     w->A[(d0 + 5) * NS + n0 + n], w->A[(d0 + 4) * NS + n0 + n],
                                     w->A[(d0 + 3) * NS + n0 + n], w->A[(d0 + 2) * NS + n0 + n],
                                     w->A[(d0 + 1) * NS + n0 + n], w->A[(d0 + 0) * NS + n0 + n]);
                h[n] = _mm256_setzero_ps();
            }
            for (int t = 0; t < L; t++) {
                const __m256 dt = _mm256_load_ps(dtT + (size_t)t * 8), du = _mm256_load_ps(duT + (size_t)t * 8);
                const float *Bt = w->BT + (size_t)t * NS + n0, *Ct = w->CT + (size_t)t * NS + n0;
                __m256 y = pass ? _mm256_load_ps(yT + (size_t)t * 8) : _mm256_setzero_ps();
                for (int n = 0; n < NH; n++) {
                    __m256 a = exp256(_mm256_mul_ps(dt, A[n]));
                    h[n] = _mm256_fmadd_ps(a, h[n], _mm256_mul_ps(du, _mm256_broadcast_ss(Bt + n)));
                    y = _mm256_fmadd_ps(h[n], _mm256_broadcast_ss(Ct + n), y);
                }
                _mm256_store_ps(yT + (size_t)t * 8, y);
            }
            if (w->state) {
                float lanes[8];
                for (int n = 0; n < NH; n++) {
                    _mm256_storeu_ps(lanes, h[n]);
                    for (int c = 0; c < 8; c++) w->state[(size_t)(d0 + c) * NS + n0 + n] = lanes[c];
                }
            }
        }
        // out = (y + D·u)·silu(z), back to channel-major.
        const float *Dk = w->Dskip + d0;
        for (int t0 = 0; t0 < L; t0 += 8) {
            __m256 yy[8];
            for (int r = 0; r < 8; r++) yy[r] = _mm256_load_ps(yT + (size_t)(t0 + r) * 8);
            transpose8(yy);
            for (int c = 0; c < 8; c++) {
                size_t o = (size_t)(d0 + c) * L + t0;
                __m256 u = _mm256_loadu_ps(w->u + o), z = _mm256_loadu_ps(w->z + o);
                __m256 v = _mm256_fmadd_ps(_mm256_set1_ps(Dk[c]), u, yy[c]);
                _mm256_storeu_ps(w->y + o, _mm256_mul_ps(v, silu256(z)));
            }
        }
    }
}

/// One call: B and C to time-major (serial, 64K floats), then the channel blocks on nt threads.
static void w1_run(struct w1 *w, int nt) {
    for (int n = 0; n < NS; n++)
        for (int t = 0; t < w->L; t++) {
            w->BT[(size_t)t * NS + n] = w->B[(size_t)n * w->L + t];
            w->CT[(size_t)t * NS + n] = w->C[(size_t)n * w->L + t];
        }
    run_parallel(nt, w1_kernel, w);
}

