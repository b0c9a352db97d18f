// W7: one GEMM as `linear` computes it, y[l][o] = Σ_k x[l][k] · w[o][k] (x [L][in], w [out][in], y [L][out]), by
// OpenBLAS's sgemm (row-major, B transposed) at Mamba-130m's projection shapes, L=2048:
//   W7a (2048×768)·(768×3072)   W7b (2048×1536)·(1536×768)
// Threads: OpenBLAS's own pool. bench/run.sh runs this once per thread count with OPENBLAS_NUM_THREADS set to it,
// and each call also sets the count (openblas_set_num_threads), so a run never uses more threads than it reports.
#include "common.h"

#include <cblas.h>

void openblas_set_num_threads(int);

struct w7 {
    int L, in, out;
    const float *x, *w;
    float *y;
};

static struct w7 w7_make(int L, int in, int out, uint64_t seed) {
    uint64_t s = seed;
    struct w7 g = {L, in, out, NULL, NULL, NULL};
    g.x = frand((size_t)L * in, &s, -1, 1);
    g.w = frand((size_t)out * in, &s, -0.05f, 0.05f);
    g.y = falloc((size_t)L * out);
    return g;
}

static void w7_run(void *ctx, int nthreads) {
    struct w7 *g = (struct w7 *)ctx;
    openblas_set_num_threads(nthreads);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, g->L, g->out, g->in, 1.0f, g->x, g->in, g->w, g->in, 0.0f,
                g->y, g->out);
}

static void w7_reference(const struct w7 *g, double *want) {
    for (int l = 0; l < g->L; l++)
        for (int o = 0; o < g->out; o++) {
            double acc = 0;
            for (int k = 0; k < g->in; k++) acc += (double)g->x[(size_t)l * g->in + k] * g->w[(size_t)o * g->in + k];
            want[(size_t)l * g->out + o] = acc;
        }
}

int main(int argc, char **argv) {
    struct options o = parse_options(argc, argv);
    {
        // Sizes that are multiples of no register tile, against a double reference.
        struct w7 g = w7_make(67, 301, 45, 11);
        double *want = (double *)malloc(sizeof(double) * 67 * 45);
        w7_reference(&g, want);
        for (int k = 0; k < o.nthreads; k++) {
            memset(g.y, 0, sizeof(float) * 67 * 45);
            w7_run(&g, o.threads[k]);
            char what[64];
            snprintf(what, sizeof what, "67x301x45 threads=%d", o.threads[k]);
            check("W7", what, rel_err(g.y, want, (size_t)67 * 45), 1e-5);
        }
    }
    struct w7 a = w7_make(2048, 768, 3072, 0x5EC0);
    bench(&o, "W7a", "openblas", w7_run, &a);
    struct w7 b = w7_make(2048, 1536, 768, 0x5EC1);
    bench(&o, "W7b", "openblas", w7_run, &b);
    return 0;
}
