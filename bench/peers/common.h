// Shared pieces of the hand-written C peers (bench/peers/*.c): AVX2+FMA math (exp, log, softplus, silu), a
// seeded generator, a pthreads fork/join, a timing loop and the JSON line shared with seqc-bench:
//   {"workload","impl","threads","median_ms","min_ms","max_ms","runs"}
//
// Threads: every timed call spawns its worker threads and joins them, so no thread spins between calls and no
// OpenMP runtime is involved (nothing like KMP_BLOCKTIME to tune); spawning costs ~20-50 µs against runs of
// milliseconds.
//
// Built with -O3 -march=native -ffp-contract=fast -fno-math-errno and without -ffast-math: the kernels are
// vectorized explicitly with intrinsics, and the naive references in the same files stay IEEE (double).
#pragma once
#define _GNU_SOURCE
#include <immintrin.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

// ---------------------------------------------------------------------------------------------------------------
// Vector math, 8 floats per __m256.

/// e^x: Cody–Waite reduction x = n·ln2 + r, |r| ≤ ln2/2, degree-6 polynomial (Cephes expf), 2^n through the
/// exponent bits. Relative error ~2 ulp; inputs clamped to [-87.3, 88.3] (so e^-inf gives ~1e-38, not 0).
static inline __m256 exp256(__m256 x) {
    x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.3f)), _mm256_set1_ps(88.3f));
    __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                               _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.9875691500E-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507E-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073E-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894E-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459E-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201E-1f));
    p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

/// ln x for positive normal x (Cephes logf): x = m·2^e with m in [√½, √2), degree-8 polynomial in m-1.
static inline __m256 log256(__m256 x) {
    __m256i xi = _mm256_castps_si256(x);
    __m256i ei = _mm256_sub_epi32(_mm256_srli_epi32(xi, 23), _mm256_set1_epi32(127));
    __m256 m = _mm256_castsi256_ps(_mm256_or_si256(_mm256_and_si256(xi, _mm256_set1_epi32(0x007fffff)),
                                                   _mm256_set1_epi32(0x3f800000)));       // [1, 2)
    __m256 big = _mm256_cmp_ps(m, _mm256_set1_ps(1.41421356237f), _CMP_GT_OQ);
    m = _mm256_blendv_ps(m, _mm256_mul_ps(m, _mm256_set1_ps(0.5f)), big);
    __m256 e = _mm256_add_ps(_mm256_cvtepi32_ps(ei), _mm256_and_ps(big, _mm256_set1_ps(1.0f)));
    __m256 f = _mm256_sub_ps(m, _mm256_set1_ps(1.0f));
    __m256 z = _mm256_mul_ps(f, f);
    __m256 p = _mm256_set1_ps(7.0376836292E-2f);
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(-1.1514610310E-1f));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(1.1676998740E-1f));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(-1.2420140846E-1f));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(1.4249322787E-1f));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(-1.6668057665E-1f));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(2.0000714765E-1f));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(-2.4999993993E-1f));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(3.3333331174E-1f));
    __m256 y = _mm256_mul_ps(_mm256_mul_ps(p, f), z);
    y = _mm256_fmadd_ps(e, _mm256_set1_ps(-2.12194440e-4f), y);
    y = _mm256_fnmadd_ps(z, _mm256_set1_ps(0.5f), y);
    return _mm256_fmadd_ps(e, _mm256_set1_ps(0.693359375f), _mm256_add_ps(f, y));
}

/// PyTorch's softplus as max(x, 0) + log1p(e^-|x|); log1p(y) = log(u) - ((u-1)-y)/u with u = 1+y keeps the
/// relative accuracy for small y. (For x > 20 the sum rounds to x, like PyTorch's threshold.)
static inline __m256 softplus256(__m256 x) {
    __m256 ax = _mm256_andnot_ps(_mm256_set1_ps(-0.0f), x);
    __m256 y = exp256(_mm256_sub_ps(_mm256_setzero_ps(), ax));
    __m256 u = _mm256_add_ps(y, _mm256_set1_ps(1.0f));
    __m256 corr = _mm256_div_ps(_mm256_sub_ps(_mm256_sub_ps(u, _mm256_set1_ps(1.0f)), y), u);
    __m256 l = _mm256_sub_ps(log256(u), corr);
    return _mm256_add_ps(_mm256_max_ps(x, _mm256_setzero_ps()), l);
}

/// silu(z) = z / (1 + e^-z).
static inline __m256 silu256(__m256 z) {
    __m256 e = exp256(_mm256_sub_ps(_mm256_setzero_ps(), z));
    return _mm256_div_ps(z, _mm256_add_ps(e, _mm256_set1_ps(1.0f)));
}

static inline float hsum256(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

static inline float hmax256(__m256 v) {
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    s = _mm_max_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

/// In-register transpose of 8 rows of 8 floats.
static inline void transpose8(__m256 r[8]) {
    __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
    __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
    __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
    __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
    __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xEE);
    __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    r[0] = _mm256_permute2f128_ps(s0, s4, 0x20); r[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
    r[2] = _mm256_permute2f128_ps(s2, s6, 0x20); r[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
    r[4] = _mm256_permute2f128_ps(s0, s4, 0x31); r[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
    r[6] = _mm256_permute2f128_ps(s2, s6, 0x31); r[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
}

// ---------------------------------------------------------------------------------------------------------------
// Data, threads, timing.

static inline uint64_t splitmix64(uint64_t *s) {
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static inline float urand(uint64_t *s, float lo, float hi) {
    return lo + (hi - lo) * (float)((splitmix64(s) >> 40) * (1.0 / 16777216.0));
}
static inline float *falloc(size_t n) {
    void *p = NULL;
    if (posix_memalign(&p, 64, n * sizeof(float) + 64)) { perror("posix_memalign"); exit(1); }
    memset(p, 0, n * sizeof(float));
    return (float *)p;
}
static inline float *frand(size_t n, uint64_t *s, float lo, float hi) {
    float *p = falloc(n);
    for (size_t i = 0; i < n; i++) p[i] = urand(s, lo, hi);
    return p;
}
/// Mamba's Δ-bias initialisation: softplus⁻¹ of a step log-uniform in [0.001, 0.1].
static inline float *dt_bias_init(size_t n, uint64_t *s) {
    float *p = falloc(n);
    for (size_t i = 0; i < n; i++) {
        float dt = expf(urand(s, logf(0.001f), logf(0.1f)));
        p[i] = dt + logf(-expm1f(-dt));
    }
    return p;
}

typedef void (*task_fn)(void *ctx, int tid, int nthreads);
struct task_arg { task_fn fn; void *ctx; int tid, n; };
static void *task_trampoline(void *a) {
    struct task_arg *t = (struct task_arg *)a;
    t->fn(t->ctx, t->tid, t->n);
    return NULL;
}
/// fn(ctx, tid, n) on n threads (the caller is thread 0); returns when all are done.
static void run_parallel(int n, task_fn fn, void *ctx) {
    if (n <= 1) { fn(ctx, 0, 1); return; }
    pthread_t th[64];
    struct task_arg args[64];
    for (int i = 1; i < n; i++) {
        args[i] = (struct task_arg){fn, ctx, i, n};
        pthread_create(&th[i], NULL, task_trampoline, &args[i]);
    }
    fn(ctx, 0, n);
    for (int i = 1; i < n; i++) pthread_join(th[i], NULL);
}

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}
static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

struct options { int threads[8]; int nthreads; int runs; int warmup; int json; };
static inline struct options parse_options(int argc, char **argv) {
    struct options o = {{1, 2}, 2, 5, 1, 0};
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) o.json = 1;
        else if (!strcmp(argv[i], "--runs") && i + 1 < argc) o.runs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--warmup") && i + 1 < argc) o.warmup = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc) {
            o.nthreads = 0;
            for (char *t = strtok(argv[++i], ","); t && o.nthreads < 8; t = strtok(NULL, ",")) o.threads[o.nthreads++] = atoi(t);
        } else { fprintf(stderr, "usage: %s [--threads 1,2] [--runs N] [--warmup N] [--json]\n", argv[0]); exit(2); }
    }
    if (o.runs < 1) o.runs = 1;
    return o;
}

/// One whole call of a workload on nthreads threads (serial set-up, then run_parallel).
typedef void (*run_fn)(void *ctx, int nthreads);

/// Times run(ctx, t) at each thread count t (warm-up, then runs); prints the shared JSON line with --json.
static inline void bench(const struct options *o, const char *workload, const char *impl, run_fn run, void *ctx) {
    for (int k = 0; k < o->nthreads; k++) {
        int t = o->threads[k];
        for (int i = 0; i < o->warmup; i++) run(ctx, t);
        double *ms = (double *)malloc(sizeof(double) * o->runs);
        for (int i = 0; i < o->runs; i++) {
            double s = now_ms();
            run(ctx, t);
            ms[i] = now_ms() - s;
        }
        qsort(ms, o->runs, sizeof(double), cmp_double);
        int n = o->runs;
        double med = n % 2 ? ms[n / 2] : 0.5 * (ms[n / 2 - 1] + ms[n / 2]);
        fprintf(stderr, "%s %s threads=%d: median %.3f ms (min %.3f, max %.3f, %d runs)\n", workload, impl, t, med,
                ms[0], ms[n - 1], n);
        if (o->json)
            printf("{\"workload\":\"%s\",\"impl\":\"%s\",\"threads\":%d,\"median_ms\":%.3f,\"min_ms\":%.3f,"
                   "\"max_ms\":%.3f,\"runs\":%d}\n", workload, impl, t, med, ms[0], ms[n - 1], n);
        fflush(stdout);
        free(ms);
    }
}

/// max |got - want| / max |want|.
static inline double rel_err(const float *got, const double *want, size_t n) {
    double num = 0, den = 0;
    for (size_t i = 0; i < n; i++) {
        double e = fabs((double)got[i] - want[i]);
        if (!(e <= num)) num = isnan(e) ? INFINITY : e;
        if (fabs(want[i]) > den) den = fabs(want[i]);
    }
    return den > 0 ? num / den : num;
}

/// Exits non-zero (and prints an error line) when a kernel disagrees with its naive reference.
static inline void check(const char *workload, const char *what, double err, double tol) {
    fprintf(stderr, "%s: %s: max rel err %.2e (tolerance %.0e)\n", workload, what, err, tol);
    if (!(err <= tol)) {
        printf("{\"workload\":\"%s\",\"impl\":\"c\",\"threads\":0,\"error\":\"verification failed: %s rel err %.3e\"}\n",
               workload, what, err);
        exit(1);
    }
}
