// W3: causal softmax attention, 12 heads, head dim 64, L=2048 (mixers.md §a): per head
// y = softmax(q kᵀ/√64 with key j > query i masked) v. Layout as the seqc workload: q, k, v, y [L][heads][64].
//
// Kernel: FlashAttention's forward on the CPU. Per head, K is packed transposed (kT[d][j], keys in the lanes).
// Query tiles of BR=32 rows walk key tiles of BC=64 up to the diagonal: S = q·kT by a 4-row × 16-key register
// tile of FMAs, the online softmax (running max m, denominator l, rescale of the accumulator O), then O += P·V by
// a 4-row × 16-channel register tile; O / l at the end. Only the diagonal tiles are masked. Heads are split
// across threads (12 heads: equal work per thread for 1, 2, 3, 4, 6 threads).
#include "common.h"

enum { HEADS = 12, DH = 64, BR = 32, BC = 64 };

struct w3 {
    int L;
    const float *q, *k, *v;
    float *y;
    float *scratch;   // per thread: kT [DH][L], S [BR][BC], O [BR][DH], m, l [BR]
};

static size_t w3_scratch_floats(int L) { return (size_t)DH * L + BR * BC + BR * DH + 2 * BR; }

static void w3_head(const struct w3 *w, int h, float *kT, float *S, float *O, float *m, float *l) {
    const int L = w->L, ld = HEADS * DH;
    const float scale = 0.125f;   // 1/sqrt(64)
    for (int j = 0; j < L; j++)
        for (int d = 0; d < DH; d++) kT[(size_t)d * L + j] = w->k[(size_t)j * ld + h * DH + d];
    for (int i0 = 0; i0 < L; i0 += BR) {
        for (int r = 0; r < BR; r++) { m[r] = -INFINITY; l[r] = 0; }
        memset(O, 0, sizeof(float) * BR * DH);
        for (int j0 = 0; j0 <= i0 + BR - 1 && j0 < L; j0 += BC) {
            // S = q kᵀ for the tile.
            for (int r0 = 0; r0 < BR; r0 += 4) {
                const float *q0 = w->q + (size_t)(i0 + r0) * ld + h * DH;
                for (int c0 = 0; c0 < BC; c0 += 16) {
                    __m256 acc[4][2];
                    for (int r = 0; r < 4; r++) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
                    const float *kc = kT + j0 + c0;
                    for (int d = 0; d < DH; d++) {
                        __m256 k0 = _mm256_loadu_ps(kc + (size_t)d * L), k1 = _mm256_loadu_ps(kc + (size_t)d * L + 8);
                        for (int r = 0; r < 4; r++) {
                            __m256 qb = _mm256_broadcast_ss(q0 + (size_t)r * ld + d);
                            acc[r][0] = _mm256_fmadd_ps(qb, k0, acc[r][0]);
                            acc[r][1] = _mm256_fmadd_ps(qb, k1, acc[r][1]);
                        }
                    }
                    for (int r = 0; r < 4; r++) {
                        _mm256_store_ps(S + (r0 + r) * BC + c0, acc[r][0]);
                        _mm256_store_ps(S + (r0 + r) * BC + c0 + 8, acc[r][1]);
                    }
                }
            }
            // Online softmax per row; mask only where the tile crosses the diagonal.
            const int masked = j0 + BC - 1 > i0;
            for (int r = 0; r < BR; r++) {
                float *s = S + r * BC;
                const int i = i0 + r;
                __m256 mx = _mm256_set1_ps(-INFINITY);
                for (int c = 0; c < BC; c += 8) {
                    __m256 v = _mm256_mul_ps(_mm256_load_ps(s + c), _mm256_set1_ps(scale));
                    if (masked) {
                        __m256 j = _mm256_add_ps(_mm256_set1_ps((float)(j0 + c)), _mm256_setr_ps(0, 1, 2, 3, 4, 5, 6, 7));
                        v = _mm256_blendv_ps(v, _mm256_set1_ps(-INFINITY), _mm256_cmp_ps(j, _mm256_set1_ps((float)i), _CMP_GT_OQ));
                    }
                    _mm256_store_ps(s + c, v);
                    mx = _mm256_max_ps(mx, v);
                }
                const float mnew = fmaxf(m[r], hmax256(mx));
                const float alpha = expf(m[r] - mnew);
                __m256 sum = _mm256_setzero_ps(), mv = _mm256_set1_ps(mnew);
                for (int c = 0; c < BC; c += 8) {
                    __m256 p = exp256(_mm256_sub_ps(_mm256_load_ps(s + c), mv));
                    _mm256_store_ps(s + c, p);
                    sum = _mm256_add_ps(sum, p);
                }
                l[r] = l[r] * alpha + hsum256(sum);
                m[r] = mnew;
                if (alpha != 1.0f)
                    for (int c = 0; c < DH; c += 8)
                        _mm256_store_ps(O + r * DH + c, _mm256_mul_ps(_mm256_load_ps(O + r * DH + c), _mm256_set1_ps(alpha)));
            }
            // O += P V.
            const int jn = j0 + BC <= L ? BC : L - j0;
            for (int r0 = 0; r0 < BR; r0 += 4) {
                for (int c0 = 0; c0 < DH; c0 += 16) {
                    __m256 acc[4][2];
                    for (int r = 0; r < 4; r++) {
                        acc[r][0] = _mm256_load_ps(O + (r0 + r) * DH + c0);
                        acc[r][1] = _mm256_load_ps(O + (r0 + r) * DH + c0 + 8);
                    }
                    for (int j = 0; j < jn; j++) {
                        const float *vr = w->v + (size_t)(j0 + j) * ld + h * DH + c0;
                        __m256 v0 = _mm256_loadu_ps(vr), v1 = _mm256_loadu_ps(vr + 8);
                        for (int r = 0; r < 4; r++) {
                            __m256 p = _mm256_broadcast_ss(S + (r0 + r) * BC + j);
                            acc[r][0] = _mm256_fmadd_ps(p, v0, acc[r][0]);
                            acc[r][1] = _mm256_fmadd_ps(p, v1, acc[r][1]);
                        }
                    }
                    for (int r = 0; r < 4; r++) {
                        _mm256_store_ps(O + (r0 + r) * DH + c0, acc[r][0]);
                        _mm256_store_ps(O + (r0 + r) * DH + c0 + 8, acc[r][1]);
                    }
                }
            }
        }
        for (int r = 0; r < BR; r++) {
            const __m256 inv = _mm256_set1_ps(1.0f / l[r]);
            float *out = w->y + (size_t)(i0 + r) * ld + h * DH;
            for (int c = 0; c < DH; c += 8) _mm256_storeu_ps(out + c, _mm256_mul_ps(_mm256_load_ps(O + r * DH + c), inv));
        }
    }
}

static void w3_kernel(void *p, int tid, int nt) {
    const struct w3 *w = (const struct w3 *)p;
    float *kT = w->scratch + (size_t)tid * w3_scratch_floats(w->L);
    float *S = kT + (size_t)DH * w->L, *O = S + BR * BC, *m = O + BR * DH, *l = m + BR;
    for (int h = tid; h < HEADS; h += nt) w3_head(w, h, kT, S, O, m, l);
}

static void w3_run(void *p, int nt) { run_parallel(nt, w3_kernel, p); }

static struct w3 w3_make(int L, uint64_t seed, int maxthreads) {
    uint64_t s = seed;
    size_t n = (size_t)L * HEADS * DH;
    struct w3 w = {.L = L};
    w.q = frand(n, &s, -1, 1);
    w.k = frand(n, &s, -1, 1);
    w.v = frand(n, &s, -1, 1);
    w.y = falloc(n);
    w.scratch = falloc((size_t)maxthreads * w3_scratch_floats(L));
    return w;
}

/// softmax(q kᵀ/8 + causal mask) v in double, two passes per row.
static void w3_reference(const struct w3 *w, double *out) {
    const int L = w->L, ld = HEADS * DH;
    double *s = (double *)malloc(sizeof(double) * L);
    for (int h = 0; h < HEADS; h++)
        for (int i = 0; i < L; i++) {
            double mx = -INFINITY, sum = 0;
            for (int j = 0; j <= i; j++) {
                double d = 0;
                for (int c = 0; c < DH; c++) d += (double)w->q[(size_t)i * ld + h * DH + c] * w->k[(size_t)j * ld + h * DH + c];
                s[j] = d / 8.0;
                if (s[j] > mx) mx = s[j];
            }
            for (int j = 0; j <= i; j++) { s[j] = exp(s[j] - mx); sum += s[j]; }
            for (int c = 0; c < DH; c++) {
                double acc = 0;
                for (int j = 0; j <= i; j++) acc += s[j] * w->v[(size_t)j * ld + h * DH + c];
                out[(size_t)i * ld + h * DH + c] = acc / sum;
            }
        }
    free(s);
}

int main(int argc, char **argv) {
    struct options o = parse_options(argc, argv);
    {
        const int L = 160;   // several query and key tiles, a partial last key tile
        struct w3 w = w3_make(L, 11, 8);
        double *want = (double *)malloc(sizeof(double) * L * HEADS * DH);
        w3_reference(&w, want);
        for (int k = 0; k < o.nthreads; k++) {
            memset(w.y, 0, sizeof(float) * L * HEADS * DH);
            w3_run(&w, o.threads[k]);
            char what[64];
            snprintf(what, sizeof what, "L=%d threads=%d", L, o.threads[k]);
            check("W3", what, rel_err(w.y, want, (size_t)L * HEADS * DH), 1e-4);
        }
    }
    struct w3 w = w3_make(2048, 0x5EC0, 8);
    bench(&o, "W3", "c", w3_run, &w);
    return 0;
}
