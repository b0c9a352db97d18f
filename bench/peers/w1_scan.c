// W1: Mamba selective scan (mixers.md §d.1), D=1536 channels, L=2048, N=16, B and C shared by all channels,
// delta_bias + softplus, D skip, silu(z) gate. Layout (channel, time), time fastest, as selective_scan_ref.
// The kernel is in selective_scan.h (shared with the W8 Mamba block).
#include "selective_scan.h"

static void w1_run_ctx(void *p, int nt) { w1_run((struct w1 *)p, nt); }

static struct w1 w1_make(int D, int L, uint64_t seed, int maxthreads) {
    uint64_t s = seed;
    struct w1 w = {.D = D, .L = L};
    w.u = frand((size_t)D * L, &s, -1, 1);
    w.delta = frand((size_t)D * L, &s, -0.5f, 0.5f);
    w.B = frand((size_t)NS * L, &s, -1, 1);
    w.C = frand((size_t)NS * L, &s, -1, 1);
    w.z = frand((size_t)D * L, &s, -1, 1);
    float *A = falloc((size_t)D * NS);
    for (int i = 0; i < D * NS; i++) A[i] = -(float)(i % NS + 1);   // S4D-real, Mamba's init
    w.A = A;
    w.Dskip = frand(D, &s, 0.5f, 1.5f);
    w.bias = dt_bias_init(D, &s);
    w.BT = falloc((size_t)NS * L);
    w.CT = falloc((size_t)NS * L);
    w.y = falloc((size_t)D * L);
    w.state = NULL;
    w.scratch = falloc((size_t)maxthreads * 3 * L * 8);
    return w;
}

/// selective_scan_ref in double, with PyTorch's softplus.
static void w1_reference(const struct w1 *w, double *out) {
    const int D = w->D, L = w->L;
    double h[NS];
    for (int d = 0; d < D; d++) {
        for (int n = 0; n < NS; n++) h[n] = 0;
        for (int t = 0; t < L; t++) {
            size_t o = (size_t)d * L + t;
            double x = (double)w->delta[o] + w->bias[d];
            double dt = x > 20 ? x : log1p(exp(x));
            double y = 0;
            for (int n = 0; n < NS; n++) {
                h[n] = exp(dt * w->A[d * NS + n]) * h[n] + dt * w->B[(size_t)n * L + t] * w->u[o];
                y += h[n] * w->C[(size_t)n * L + t];
            }
            double z = w->z[o];
            out[o] = (y + w->Dskip[d] * (double)w->u[o]) * (z / (1 + exp(-z)));
        }
    }
}

int main(int argc, char **argv) {
    struct options o = parse_options(argc, argv);
    // Verify at a small size (all code paths: two channel blocks, both passes, every thread count).
    {
        struct w1 w = w1_make(32, 64, 11, 8);
        double *want = (double *)malloc(sizeof(double) * 32 * 64);
        w1_reference(&w, want);
        for (int k = 0; k < o.nthreads; k++) {
            memset(w.y, 0, sizeof(float) * 32 * 64);
            w1_run(&w, o.threads[k]);
            char what[64];
            snprintf(what, sizeof what, "D=32 L=64 threads=%d", o.threads[k]);
            check("W1", what, rel_err(w.y, want, 32 * 64), 1e-4);
        }
    }
    struct w1 w = w1_make(1536, 2048, 0x5EC0, 8);
    bench(&o, "W1", "c", w1_run_ctx, &w);
    return 0;
}
