// This machine's roofline: peak single-precision FMA throughput and STREAM-triad bandwidth, at 1 and 2 threads.
//
// FMA peak: 12 independent chains of vfmadd on the widest vectors the host has (512-bit when built with AVX-512,
// else 256-bit AVX2), enough to cover FMA latency × pipes (Zen 3/4: 4 cycles × 2 pipes = 8). Each thread runs the
// same loop; GFLOP/s = threads × iterations × chains × lanes × 2 / wall time. Best of 5.
// STREAM triad: a[i] = b[i] + s·c[i] over 3 × 128 MiB float arrays (≫ L3), counted as 12 bytes per element
// (no write-allocate traffic, as STREAM counts); threads take contiguous halves. Best of 10.
//
// Output: {"workload":"roofline","impl":"fma_peak"|"stream_triad","threads":T,"gflops"|"gbs":X,"vector_bits":B}
#include "common.h"

#if defined(__AVX512F__)
typedef __m512 vec;
#define VBITS 512
#define vfma(a, b, c) _mm512_fmadd_ps(a, b, c)
#define vset(x) _mm512_set1_ps(x)
static float vsum(vec v) { return _mm512_reduce_add_ps(v); }
#else
typedef __m256 vec;
#define VBITS 256
#define vfma(a, b, c) _mm256_fmadd_ps(a, b, c)
#define vset(x) _mm256_set1_ps(x)
static float vsum(vec v) { return hsum256(v); }
#endif

enum { CHAINS = 12 };
static const long FMA_ITERS = 100000000L;
static volatile float sink;

static void fma_task(void *p, int tid, int nt) {
    (void)p; (void)tid; (void)nt;
    vec acc[CHAINS];
    for (int i = 0; i < CHAINS; i++) acc[i] = vset(1.0f + i * 1e-3f);
    const vec a = vset(0.999999f), b = vset(1e-7f);
    for (long it = 0; it < FMA_ITERS; it++) {
        for (int i = 0; i < CHAINS; i++) acc[i] = vfma(acc[i], a, b);
        __asm__ volatile("" : "+x"(acc[0]), "+x"(acc[1]), "+x"(acc[2]), "+x"(acc[3]), "+x"(acc[4]), "+x"(acc[5]),
                         "+x"(acc[6]), "+x"(acc[7]), "+x"(acc[8]), "+x"(acc[9]), "+x"(acc[10]), "+x"(acc[11]));
    }
    float s = 0;
    for (int i = 0; i < CHAINS; i++) s += vsum(acc[i]);
    sink = s;
}

struct triad { float *a, *b, *c; size_t n; };
static void triad_task(void *p, int tid, int nt) {
    struct triad *t = (struct triad *)p;
    size_t i0 = t->n * tid / nt, i1 = t->n * (tid + 1) / nt;
    float *restrict a = t->a;
    const float *restrict b = t->b, *restrict c = t->c;
    for (size_t i = i0; i < i1; i++) a[i] = b[i] + 3.0f * c[i];
}
static void triad_init(void *p, int tid, int nt) {   // first touch by the thread that will use the pages
    struct triad *t = (struct triad *)p;
    size_t i0 = t->n * tid / nt, i1 = t->n * (tid + 1) / nt;
    for (size_t i = i0; i < i1; i++) { t->a[i] = 0; t->b[i] = 1; t->c[i] = 2; }
}

int main(int argc, char **argv) {
    struct options o = parse_options(argc, argv);
    for (int k = 0; k < o.nthreads; k++) {
        int t = o.threads[k];
        double best = 0;
        for (int rep = 0; rep < 5; rep++) {
            double s = now_ms();
            run_parallel(t, fma_task, NULL);
            double g = (double)t * FMA_ITERS * CHAINS * (VBITS / 32) * 2 / ((now_ms() - s) * 1e-3) * 1e-9;
            if (g > best) best = g;
        }
        fprintf(stderr, "FMA peak, %d-bit vectors, %d thread(s): %.1f GFLOP/s\n", VBITS, t, best);
        printf("{\"workload\":\"roofline\",\"impl\":\"fma_peak\",\"threads\":%d,\"gflops\":%.2f,\"vector_bits\":%d}\n", t,
               best, VBITS);
        fflush(stdout);
    }
    struct triad tr = {NULL, NULL, NULL, (size_t)32 << 20};
    if (posix_memalign((void **)&tr.a, 64, tr.n * 4) || posix_memalign((void **)&tr.b, 64, tr.n * 4) ||
        posix_memalign((void **)&tr.c, 64, tr.n * 4)) return 1;
    for (int k = 0; k < o.nthreads; k++) {
        int t = o.threads[k];
        run_parallel(t, triad_init, &tr);
        double best = 0;
        for (int rep = 0; rep < 10; rep++) {
            double s = now_ms();
            run_parallel(t, triad_task, &tr);
            double g = 12.0 * tr.n / ((now_ms() - s) * 1e-3) * 1e-9;
            if (g > best) best = g;
        }
        fprintf(stderr, "STREAM triad, %d thread(s): %.1f GB/s\n", t, best);
        printf("{\"workload\":\"roofline\",\"impl\":\"stream_triad\",\"threads\":%d,\"gbs\":%.2f}\n", t, best);
        fflush(stdout);
    }
    return 0;
}
