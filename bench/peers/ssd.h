// The SSD recurrence shared by W4 (Mamba-2 SSD) and W5 (Hydra, both directions): mixers.md §e.1, §f.
// Layout as the seqc workloads: x, y [L][H][P]; dt [L][H]; B, C [L][N] (one group); A, D, dt_bias [H].
//
// Kernel: the plain recurrence, one (head, slice of PT=32 head channels) per unit: the state N×PT = 128×32 floats
// (16 KB) stays in L1 (a whole head's 128×64 = 32 KB would fill Zen 3's L1d by itself); the head channels go in
// the lanes (4 AVX2 vectors), so a step is, per state n, h[n] = a·h[n] + (Δx)·B[n] and y += h[n]·C[n] with B[n],
// C[n] and a broadcast. Units are split across threads.
#pragma once
#include "common.h"

enum { SSD_H = 24, SSD_P = 64, SSD_N = 128, PT = 32, PV = PT / 8 };

struct ssd_dir {          // one direction's inputs
    const float *dt, *B, *C;
};

struct ssd {
    int L, H, ndir;       // ndir = 1 (W4, causal, y = SSD + D x) or 2 (W5, Hydra: shifted forward + backward + D x)
    const float *x, *A, *D, *bias;
    struct ssd_dir dir[2];
    float *y;
    float *scratch;       // per thread: state N×PT, Δ [L], a [L]
};

/// One direction over one unit. fw: t = 0..L-1; else t = L-1..0. shift: Hydra's (the output at t is the state
/// read at the previous step of the direction, with that step's C); accumulate: add into y instead of storing.
static void ssd_unit(const struct ssd *s, const struct ssd_dir *d, int h, int p0, int fw, int shift, float *hs,
                     float *dts, float *as) {
    const int L = s->L, H = s->H;
    const float A = s->A[h], bias = s->bias[h];
    // Δ = softplus(dt + bias) and a = exp(Δ·A) for this head, 8 steps at a time (gathered from stride H).
    for (int t0 = 0; t0 < L; t0 += 8) {
        __m256 v = _mm256_i32gather_ps(d->dt + (size_t)t0 * H + h, _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32(H)), 4);
        __m256 dt = softplus256(_mm256_add_ps(v, _mm256_set1_ps(bias)));
        _mm256_storeu_ps(dts + t0, dt);
        _mm256_storeu_ps(as + t0, exp256(_mm256_mul_ps(dt, _mm256_set1_ps(A))));
    }
    memset(hs, 0, sizeof(float) * SSD_N * PT);
    const __m256 Dh = _mm256_set1_ps(s->D[h]);
    __m256 prev[PV];                                       // shift: the output owed to the next step
    for (int v = 0; v < PV; v++) prev[v] = _mm256_setzero_ps();
    for (int k = 0; k < L; k++) {
        const int t = fw ? k : L - 1 - k;
        const size_t row = ((size_t)t * H + h) * SSD_P + p0;
        const float *Bt = d->B + (size_t)t * SSD_N, *Ct = d->C + (size_t)t * SSD_N;
        const int tp = fw ? t + 4 : t - 4;   // software prefetch: the hardware prefetchers do poorly on these
        if (tp >= 0 && tp < L) {             // strided streams (6 KB apart), worst when they run backwards
            const size_t rp = ((size_t)tp * H + h) * SSD_P + p0;
            _mm_prefetch((const char *)(s->x + rp), _MM_HINT_T0);
            _mm_prefetch((const char *)(s->x + rp + 16), _MM_HINT_T0);
            _mm_prefetch((const char *)(s->y + rp), _MM_HINT_T0);
            _mm_prefetch((const char *)(s->y + rp + 16), _MM_HINT_T0);
            for (int c = 0; c < SSD_N; c += 16) {
                _mm_prefetch((const char *)(d->B + (size_t)tp * SSD_N + c), _MM_HINT_T0);
                _mm_prefetch((const char *)(d->C + (size_t)tp * SSD_N + c), _MM_HINT_T0);
            }
        }
        const __m256 a = _mm256_set1_ps(as[t]), dt = _mm256_set1_ps(dts[t]);
        __m256 xd[PV], y[PV];
        for (int v = 0; v < PV; v++) {
            xd[v] = _mm256_mul_ps(dt, _mm256_loadu_ps(s->x + row + 8 * v));
            y[v] = _mm256_setzero_ps();
        }
        float *hn = hs;
        for (int n = 0; n < SSD_N; n++, hn += PT) {
            const __m256 b = _mm256_broadcast_ss(Bt + n), c = _mm256_broadcast_ss(Ct + n);
            for (int v = 0; v < PV; v++) {
                __m256 hv = _mm256_fmadd_ps(xd[v], b, _mm256_mul_ps(a, _mm256_load_ps(hn + 8 * v)));
                _mm256_store_ps(hn + 8 * v, hv);
                y[v] = _mm256_fmadd_ps(hv, c, y[v]);
            }
        }
        float *out = s->y + row;
        if (!shift) {                                      // W4: y = SSD + D·x
            for (int v = 0; v < PV; v++)
                _mm256_storeu_ps(out + 8 * v, _mm256_fmadd_ps(Dh, _mm256_loadu_ps(s->x + row + 8 * v), y[v]));
        } else {                                           // W5: y[t] gets the previous step's output
            if (fw) {                                      // first pass: y = D·x + shifted forward
                for (int v = 0; v < PV; v++)
                    _mm256_storeu_ps(out + 8 * v, _mm256_fmadd_ps(Dh, _mm256_loadu_ps(s->x + row + 8 * v), prev[v]));
            } else {                                       // second pass: += shifted backward
                for (int v = 0; v < PV; v++)
                    _mm256_storeu_ps(out + 8 * v, _mm256_add_ps(_mm256_loadu_ps(out + 8 * v), prev[v]));
            }
            for (int v = 0; v < PV; v++) prev[v] = y[v];
        }
    }
}

static void ssd_kernel(void *p, int tid, int nt) {
    const struct ssd *s = (const struct ssd *)p;
    float *hs = s->scratch + (size_t)tid * (SSD_N * PT + 2 * s->L + 16);
    float *dts = hs + SSD_N * PT, *as = dts + s->L + 8;
    const int units = s->H * (SSD_P / PT);
    for (int u = tid; u < units; u += nt) {               // interleaved: equal work per unit
        const int h = u / (SSD_P / PT), p0 = (u % (SSD_P / PT)) * PT;
        ssd_unit(s, &s->dir[0], h, p0, 1, s->ndir == 2, hs, dts, as);
        if (s->ndir == 2) ssd_unit(s, &s->dir[1], h, p0, 0, 1, hs, dts, as);
    }
}

static void ssd_run(void *p, int nt) { run_parallel(nt, ssd_kernel, p); }

static struct ssd ssd_make(int L, int ndir, uint64_t seed, int maxthreads) {
    uint64_t r = seed;
    struct ssd s = {.L = L, .H = SSD_H, .ndir = ndir};
    s.x = frand((size_t)L * SSD_H * SSD_P, &r, -1, 1);
    for (int k = 0; k < ndir; k++) {
        s.dir[k].dt = frand((size_t)L * SSD_H, &r, -0.5f, 0.5f);
        s.dir[k].B = frand((size_t)L * SSD_N, &r, -1, 1);
        s.dir[k].C = frand((size_t)L * SSD_N, &r, -1, 1);
    }
    s.A = frand(SSD_H, &r, -16, -1);
    s.D = frand(SSD_H, &r, 0.5f, 1.5f);
    s.bias = dt_bias_init(SSD_H, &r);
    s.y = falloc((size_t)L * SSD_H * SSD_P);
    s.scratch = falloc((size_t)maxthreads * (SSD_N * PT + 2 * L + 16));
    return s;
}

/// The naive recurrence in double: per head, h [P][N]; Hydra's shifts as mixers.md §f states them.
static void ssd_reference(const struct ssd *s, double *out) {
    const int L = s->L, H = s->H, P = SSD_P, N = SSD_N;
    double *hs = (double *)malloc(sizeof(double) * P * N);
    double *yd = (double *)malloc(sizeof(double) * L * P);
    for (size_t i = 0; i < (size_t)L * H * P; i++) out[i] = 0;
    for (int dir = 0; dir < s->ndir; dir++) {
        const struct ssd_dir *d = &s->dir[dir];
        for (int h = 0; h < H; h++) {
            memset(hs, 0, sizeof(double) * P * N);
            for (int k = 0; k < L; k++) {
                int t = dir == 0 ? k : L - 1 - k;
                double x = (double)d->dt[(size_t)t * H + h] + s->bias[h];
                double dt = x > 20 ? x : log1p(exp(x));
                double a = exp(dt * s->A[h]);
                for (int p = 0; p < P; p++) {
                    double y = 0, xv = s->x[((size_t)t * H + h) * P + p];
                    for (int n = 0; n < N; n++) {
                        hs[p * N + n] = a * hs[p * N + n] + dt * xv * d->B[(size_t)t * N + n];
                        y += hs[p * N + n] * d->C[(size_t)t * N + n];
                    }
                    yd[(size_t)t * P + p] = y;
                }
            }
            for (int t = 0; t < L; t++)
                for (int p = 0; p < P; p++) {
                    size_t o = ((size_t)t * H + h) * P + p;
                    if (s->ndir == 1) out[o] += yd[(size_t)t * P + p];
                    else if (dir == 0 && t >= 1) out[o] += yd[(size_t)(t - 1) * P + p];      // C_fw[t-1]·h_fw[t-1]
                    else if (dir == 1 && t + 1 < L) out[o] += yd[(size_t)(t + 1) * P + p];   // C_bw[t+1]·h_bw[t+1]
                    if (dir == 0) out[o] += s->D[h] * (double)s->x[o];
                }
        }
    }
    free(hs);
    free(yd);
}

static int ssd_main(int argc, char **argv, const char *workload, int ndir) {
    struct options o = parse_options(argc, argv);
    {
        const int L = 40;
        struct ssd s = ssd_make(L, ndir, 11, 8);
        double *want = (double *)malloc(sizeof(double) * L * SSD_H * SSD_P);
        ssd_reference(&s, want);
        for (int k = 0; k < o.nthreads; k++) {
            memset(s.y, 0, sizeof(float) * L * SSD_H * SSD_P);
            ssd_run(&s, o.threads[k]);
            char what[64];
            snprintf(what, sizeof what, "L=%d threads=%d", L, o.threads[k]);
            check(workload, what, rel_err(s.y, want, (size_t)L * SSD_H * SSD_P), 1e-4);
        }
    }
    struct ssd s = ssd_make(2048, ndir, 0x5EC0, 8);
    bench(&o, workload, "c", ssd_run, &s);
    return 0;
}
