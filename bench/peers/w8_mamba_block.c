// W8: one Mamba block (mamba_ssm `Mamba.forward`, mixers.md §d.2) as models/mamba_block.seq computes it: d_model 768,
// d_inner 1536, N=16, d_conv 4, dt_rank 48, L=2048, batch 1, no projection biases. Input x [L][d_model]; outputs
// y [L][d_model], the conv state [d_inner][d_conv] and the SSM state [d_inner][N].
//
// The hand-written C a performance engineer writes: OpenBLAS sgemm for the four projections, laid out so that every
// intermediate is channel-major ([channels][L], time fastest) with no transposes: xz^T = W_in · x^T (sgemm with
// x transposed in place of a copy), a vectorized causal depthwise conv + silu per channel, (Δ_low, B, C)^T = W_x · u,
// Δ^T = W_dt · Δ_low^T, the fused AVX2 selective scan of W1 (selective_scan.h: softplus(Δ + bias), the recurrence,
// D skip and silu(z) gate), and y = (scan output)^T · W_out^T (sgemm reading the scan's output transposed).
// Threads: OpenBLAS's own pool for the GEMMs (openblas_set_num_threads), run_parallel for the conv and the scan.
#include <cblas.h>

#include "selective_scan.h"

void openblas_set_num_threads(int);

struct w8 {
    int dm, di, dc, R, L;     // d_model, d_inner, d_conv, dt_rank, length (N is NS = 16)
    const float *x;           // [L][dm]
    const float *in_proj, *conv_w, *conv_b, *x_proj, *dt_w, *dt_b, *A_log, *Dskip, *out_proj;
    float *xzT;               // [2 di][L]: x^T then z^T
    float *uT;                // [di][L]: silu(conv(x))
    float *dbcT;              // [R + 2N][L]: Δ_low, B, C
    float *deltaT;            // [di][L]
    float *A;                 // [di][N] = -exp(A_log)
    float *yT;                // [di][L]: the gated scan output
    float *y;                 // [L][dm]
    float *conv_state;        // [di][dc]
    float *ssm_state;         // [di][N]
    struct w1 scan;
};

/// u = silu(conv1d(x) + bias) per channel, causal (zero history), d_conv taps; the channels split across threads.
static void w8_conv(void *p, int tid, int nt) {
    struct w8 *w = (struct w8 *)p;
    const int L = w->L, dc = w->dc;
    const int c0 = (int)((long)w->di * tid / nt), c1 = (int)((long)w->di * (tid + 1) / nt);
    for (int c = c0; c < c1; c++) {
        const float *xc = w->xzT + (size_t)c * L, *k = w->conv_w + (size_t)c * dc;
        float *u = w->uT + (size_t)c * L;
        int t = 0;
        for (; t < dc - 1 && t < L; t++) {                  // the first steps reach before t = 0
            float s = w->conv_b[c];
            for (int j = 0; j < dc; j++) {
                int i = t - (dc - 1) + j;
                if (i >= 0) s += k[j] * xc[i];
            }
            u[t] = s / (1 + expf(-s));
        }
        for (; t + 8 <= L; t += 8) {
            __m256 s = _mm256_set1_ps(w->conv_b[c]);
            for (int j = 0; j < dc; j++)
                s = _mm256_fmadd_ps(_mm256_set1_ps(k[j]), _mm256_loadu_ps(xc + t - (dc - 1) + j), s);
            _mm256_storeu_ps(u + t, silu256(s));
        }
        for (; t < L; t++) {
            float s = w->conv_b[c];
            for (int j = 0; j < dc; j++) s += k[j] * xc[t - (dc - 1) + j];
            u[t] = s / (1 + expf(-s));
        }
        // The conv state: the last d_conv inputs, zero-left-padded when L < d_conv.
        for (int j = 0; j < dc; j++) {
            int i = L - dc + j;
            w->conv_state[(size_t)c * dc + j] = i >= 0 ? xc[i] : 0;
        }
    }
}

static void w8_run(struct w8 *w, int nt) {
    const int dm = w->dm, di = w->di, R = w->R, L = w->L;
    openblas_set_num_threads(nt);
    // xz^T [2di][L] = W_in [2di][dm] · x^T.
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, 2 * di, L, dm, 1, w->in_proj, dm, w->x, dm, 0, w->xzT, L);
    run_parallel(nt, w8_conv, w);
    // (Δ_low, B, C)^T [R+2N][L] = W_x [R+2N][di] · u^T; Δ^T [di][L] = W_dt [di][R] · Δ_low^T.
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, R + 2 * NS, L, di, 1, w->x_proj, di, w->uT, L, 0, w->dbcT, L);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, di, L, R, 1, w->dt_w, R, w->dbcT, L, 0, w->deltaT, L);
    for (int i = 0; i < di * NS; i++) w->A[i] = -expf(w->A_log[i]);
    w1_run(&w->scan, nt);
    // y [L][dm] = (y^T)^T · W_out^T.
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasTrans, L, dm, di, 1, w->yT, L, w->out_proj, di, 0, w->y, dm);
}

static void w8_run_ctx(void *p, int nt) { w8_run((struct w8 *)p, nt); }

/// Random data as `seqc bench` draws it in spirit: x uniform in [-1, 1), matrices uniform in ±1/√fan-in, vectors
/// (biases, D, the Δ bias) in [0.5, 1.5), A_log [di][N] as a matrix (so A = -exp(A_log) is near -1).
static struct w8 w8_make(int dm, int di, int dc, int R, int L, uint64_t seed, int maxthreads) {
    uint64_t s = seed;
    struct w8 w = {.dm = dm, .di = di, .dc = dc, .R = R, .L = L};
    float bin = 1 / sqrtf((float)dm), bconv = 1 / sqrtf((float)dc), bx = 1 / sqrtf((float)di), bdt = 1 / sqrtf((float)R);
    w.x = frand((size_t)L * dm, &s, -1, 1);
    w.in_proj = frand((size_t)2 * di * dm, &s, -bin, bin);
    w.conv_w = frand((size_t)di * dc, &s, -bconv, bconv);
    w.conv_b = frand(di, &s, 0.5f, 1.5f);
    w.x_proj = frand((size_t)(R + 2 * NS) * di, &s, -bx, bx);
    w.dt_w = frand((size_t)di * R, &s, -bdt, bdt);
    w.dt_b = frand(di, &s, 0.5f, 1.5f);
    w.A_log = frand((size_t)di * NS, &s, -0.25f, 0.25f);
    w.Dskip = frand(di, &s, 0.5f, 1.5f);
    w.out_proj = frand((size_t)dm * di, &s, -bx, bx);
    w.xzT = falloc((size_t)2 * di * L);
    w.uT = falloc((size_t)di * L);
    w.dbcT = falloc((size_t)(R + 2 * NS) * L);
    w.deltaT = falloc((size_t)di * L);
    w.A = falloc((size_t)di * NS);
    w.yT = falloc((size_t)di * L);
    w.y = falloc((size_t)L * dm);
    w.conv_state = falloc((size_t)di * dc);
    w.ssm_state = falloc((size_t)di * NS);
    w.scan = (struct w1){
        .D = di, .L = L, .u = w.uT, .delta = w.deltaT, .B = w.dbcT + (size_t)R * L, .C = w.dbcT + (size_t)(R + NS) * L,
        .z = w.xzT + (size_t)di * L, .A = w.A, .Dskip = w.Dskip, .bias = w.dt_b, .BT = falloc((size_t)NS * L),
        .CT = falloc((size_t)NS * L), .y = w.yT, .state = w.ssm_state, .scratch = falloc((size_t)maxthreads * 3 * L * 8)};
    return w;
}

/// The block in double, straight from its definition (time-major, as mamba_ssm writes it): y, then the conv and
/// SSM states appended.
static void w8_reference(const struct w8 *w, double *y, double *conv_state, double *ssm_state) {
    const int dm = w->dm, di = w->di, dc = w->dc, R = w->R, L = w->L;
    double *xz = calloc((size_t)L * 2 * di, sizeof(double)), *u = calloc((size_t)L * di, sizeof(double));
    double *dbc = calloc((size_t)L * (R + 2 * NS), sizeof(double)), *g = calloc((size_t)L * di, sizeof(double));
    for (int t = 0; t < L; t++)
        for (int o = 0; o < 2 * di; o++) {
            double s = 0;
            for (int i = 0; i < dm; i++) s += (double)w->in_proj[(size_t)o * dm + i] * w->x[(size_t)t * dm + i];
            xz[(size_t)t * 2 * di + o] = s;
        }
    for (int t = 0; t < L; t++)
        for (int c = 0; c < di; c++) {
            double s = w->conv_b[c];
            for (int j = 0; j < dc; j++) {
                int i = t - (dc - 1) + j;
                if (i >= 0) s += (double)w->conv_w[c * dc + j] * xz[(size_t)i * 2 * di + c];
            }
            u[(size_t)t * di + c] = s / (1 + exp(-s));
        }
    for (int c = 0; c < di; c++)
        for (int j = 0; j < dc; j++) {
            int i = L - dc + j;
            conv_state[c * dc + j] = i >= 0 ? xz[(size_t)i * 2 * di + c] : 0;
        }
    for (int t = 0; t < L; t++)
        for (int o = 0; o < R + 2 * NS; o++) {
            double s = 0;
            for (int c = 0; c < di; c++) s += (double)w->x_proj[(size_t)o * di + c] * u[(size_t)t * di + c];
            dbc[(size_t)t * (R + 2 * NS) + o] = s;
        }
    for (int c = 0; c < di; c++) {
        double h[NS] = {0};
        for (int t = 0; t < L; t++) {
            const double *row = dbc + (size_t)t * (R + 2 * NS);
            double x = w->dt_b[c];
            for (int r = 0; r < R; r++) x += (double)w->dt_w[c * R + r] * row[r];
            double dt = x > 20 ? x : log1p(exp(x)), uu = u[(size_t)t * di + c], acc = 0;
            for (int n = 0; n < NS; n++) {
                h[n] = exp(dt * -exp((double)w->A_log[c * NS + n])) * h[n] + dt * row[R + n] * uu;
                acc += h[n] * row[R + NS + n];
            }
            double z = xz[(size_t)t * 2 * di + di + c];
            g[(size_t)t * di + c] = (acc + w->Dskip[c] * uu) * (z / (1 + exp(-z)));
        }
        for (int n = 0; n < NS; n++) ssm_state[c * NS + n] = h[n];
    }
    for (int t = 0; t < L; t++)
        for (int o = 0; o < dm; o++) {
            double s = 0;
            for (int c = 0; c < di; c++) s += (double)w->out_proj[(size_t)o * di + c] * g[(size_t)t * di + c];
            y[(size_t)t * dm + o] = s;
        }
    free(xz), free(u), free(dbc), free(g);
}

int main(int argc, char **argv) {
    struct options o = parse_options(argc, argv);
    // Verify at a small size with every output (two scan channel blocks per thread, both state passes).
    {
        const int dm = 32, di = 64, dc = 4, R = 4, L = 64;
        struct w8 w = w8_make(dm, di, dc, R, L, 11, 8);
        double *y = malloc(sizeof(double) * L * dm), *cs = malloc(sizeof(double) * di * dc);
        double *ss = malloc(sizeof(double) * di * NS);
        w8_reference(&w, y, cs, ss);
        for (int k = 0; k < o.nthreads; k++) {
            memset(w.y, 0, sizeof(float) * L * dm);
            w8_run(&w, o.threads[k]);
            char what[96];
            snprintf(what, sizeof what, "y, d_model=%d d_inner=%d L=%d threads=%d", dm, di, L, o.threads[k]);
            check("W8", what, rel_err(w.y, y, (size_t)L * dm), 1e-4);
            snprintf(what, sizeof what, "conv state, threads=%d", o.threads[k]);
            check("W8", what, rel_err(w.conv_state, cs, (size_t)di * dc), 1e-6);
            snprintf(what, sizeof what, "ssm state, threads=%d", o.threads[k]);
            check("W8", what, rel_err(w.ssm_state, ss, (size_t)di * NS), 1e-4);
        }
    }
    struct w8 w = w8_make(768, 1536, 4, 48, 2048, 0x5EC0, 8);
    bench(&o, "W8", "c", w8_run_ctx, &w);
    return 0;
}
