"""JAX (XLA CPU) peers for W1-W7, W8, LM1, LM2: the formulations a JAX user writes.

  W1, W4, W5: `lax.scan` over time (the recurrence; PERF-NOTES.md: associative scans are 80-200x slower here).
  W3: einsum → causal mask → softmax → einsum (XLA fuses the softmax; there is no flash tiling on CPU).
  W2: irfft(rfft(u, 2L)·rfft(k, 2L))[:L] + D·u (jnp.fft), at its own length L = 8192, H = 768.
  W6: s4d.py's ZOH kernel (Vandermonde by complex exponentials, [H, N, L]) then W2's convolution; L = 8192.
  W7: x @ w.T (XLA's CPU dot, Eigen's GEMM); W7 selects both shapes, W7a and W7b.
  W8, LM1, LM2: the Mamba block and the Mamba / Mamba-2 LMs of mamba_models.py (one definition shared with the
  PyTorch peer and the float64 NumPy reference), recurrences by `lax.scan`, the 24 layers by `lax.scan` over
  stacked weights (as JAX LMs scan their layers; one layer body to compile).

Each workload is verified at a small size against a float64 NumPy reference, then jitted once (compile time
reported), warmed up, and timed with block_until_ready. One JSON line per workload on stdout, the schema shared
with seqc-bench and the C peers. The thread count is the process's: bench/run.sh runs this under `taskset -c 0`
with XLA's intra-op threading off for 1 thread, and on both cores for 2; --threads only labels the output.

  python3 bench/peers/jax_peers.py --threads 1 --runs 5 [--workload W1,W3,W4,W5,W7]
"""
import argparse
import json
import os
import sys
import time

import numpy as np

import jax
import jax.numpy as jnp
from jax import lax

import mamba_models as mm
from peer_result import report

jax.config.update("jax_enable_x64", False)

H, P, N = 24, 64, 128


def softplus(x):
    return jnp.where(x > 20, x, jnp.log1p(jnp.exp(x)))


def np_softplus(x):
    return np.where(x > 20, x, np.log1p(np.exp(np.minimum(x, 20))))


def dt_bias(rng, n):
    dt = np.exp(rng.uniform(np.log(1e-3), np.log(1e-1), n))
    return (dt + np.log(-np.expm1(-dt))).astype(np.float32)


# ---------------------------------------------------------------------------------------------------------------
# W1: selective scan, layout (D, L) as selective_scan_ref (batch 1).

def w1_data(rng, D, L, Ns=16):
    f = lambda *s, lo=-1.0, hi=1.0: rng.uniform(lo, hi, s).astype(np.float32)
    A = -np.tile(np.arange(1, Ns + 1, dtype=np.float32), (D, 1))
    return dict(u=f(D, L), delta=f(D, L, lo=-0.5, hi=0.5), B=f(Ns, L), C=f(Ns, L), z=f(D, L),
                A=A, Dk=f(D, lo=0.5, hi=1.5), bias=dt_bias(rng, D))


@jax.jit
def w1_jax(u, delta, B, C, z, A, Dk, bias):
    dt = softplus(delta + bias[:, None])                      # (D, L)
    du = dt * u

    def step(h, xs):                                          # h (D, N)
        dt_t, du_t, b_t, c_t = xs                             # (D,), (D,), (N,), (N,)
        h = jnp.exp(dt_t[:, None] * A) * h + du_t[:, None] * b_t[None, :]
        return h, h @ c_t

    h0 = jnp.zeros(A.shape, jnp.float32)
    _, ys = lax.scan(step, h0, (dt.T, du.T, B.T, C.T))       # ys (L, D)
    return (ys.T + Dk[:, None] * u) * (z * jax.nn.sigmoid(z))


def w1_ref(d):
    d = {k: v.astype(np.float64) for k, v in d.items()}
    dt = np_softplus(d["delta"] + d["bias"][:, None])
    Dn, L = dt.shape
    h = np.zeros(d["A"].shape)
    y = np.zeros((Dn, L))
    for t in range(L):
        h = np.exp(dt[:, t:t + 1] * d["A"]) * h + (dt[:, t] * d["u"][:, t])[:, None] * d["B"][None, :, t]
        y[:, t] = h @ d["C"][:, t]
    z = d["z"]
    return (y + d["Dk"][:, None] * d["u"]) * (z / (1 + np.exp(-z)))


# ---------------------------------------------------------------------------------------------------------------
# W3: causal attention, q, k, v (L, 12, 64).

def w3_data(rng, L):
    f = lambda: rng.uniform(-1, 1, (L, 12, 64)).astype(np.float32)
    return dict(q=f(), k=f(), v=f())


@jax.jit
def w3_jax(q, k, v):
    L = q.shape[0]
    s = jnp.einsum("ihd,jhd->hij", q, k) * (1.0 / 8.0)
    s = jnp.where(jnp.tril(jnp.ones((L, L), bool))[None], s, -jnp.inf)
    return jnp.einsum("hij,jhd->ihd", jax.nn.softmax(s, axis=-1), v)


def w3_ref(d):
    q, k, v = (d[n].astype(np.float64) for n in "qkv")
    L = q.shape[0]
    s = np.einsum("ihd,jhd->hij", q, k) / 8.0
    s = np.where(np.tril(np.ones((L, L), bool))[None], s, -np.inf)
    s = np.exp(s - s.max(-1, keepdims=True))
    return np.einsum("hij,jhd->ihd", s / s.sum(-1, keepdims=True), v)


# ---------------------------------------------------------------------------------------------------------------
# W4 / W5: SSD, x (L, H, P), dt (L, H), B, C (L, N).

def ssd_data(rng, L, ndir):
    f = lambda *s, lo=-1.0, hi=1.0: rng.uniform(lo, hi, s).astype(np.float32)
    d = dict(x=f(L, H, P), A=f(H, lo=-16, hi=-1), Dh=f(H, lo=0.5, hi=1.5), bias=dt_bias(rng, H))
    for k in range(ndir):
        d[f"dt{k}"], d[f"B{k}"], d[f"C{k}"] = f(L, H, lo=-0.5, hi=0.5), f(L, N), f(L, N)
    return d


def ssd_scan(x, dt, A, B, C, reverse=False):
    """y_t = C_t · h_t, h_t = exp(Δ_t A) h_{t-1} + Δ_t x_t ⊗ B_t; state (H, P, N)."""
    a = jnp.exp(dt * A)                                       # (L, H)

    def step(h, xs):
        a_t, dt_t, x_t, b_t, c_t = xs
        h = a_t[:, None, None] * h + (dt_t[:, None] * x_t)[:, :, None] * b_t[None, None, :]
        return h, h @ c_t

    _, ys = lax.scan(step, jnp.zeros((H, P, N), jnp.float32), (a, dt, x, B, C), reverse=reverse)
    return ys                                                 # (L, H, P)


@jax.jit
def w4_jax(x, dt0, B0, C0, A, Dh, bias):
    dt = softplus(dt0 + bias)
    return ssd_scan(x, dt, A, B0, C0) + Dh[:, None] * x


@jax.jit
def w5_jax(x, dt0, B0, C0, dt1, B1, C1, A, Dh, bias):
    yf = ssd_scan(x, softplus(dt0 + bias), A, B0, C0)
    yb = ssd_scan(x, softplus(dt1 + bias), A, B1, C1, reverse=True)
    zero = jnp.zeros_like(x[:1])
    # Hydra's shifts: the forward output at t is the scan's at t-1, the backward one at t is the scan's at t+1.
    return jnp.concatenate([zero, yf[:-1]]) + jnp.concatenate([yb[1:], zero]) + Dh[:, None] * x


def ssd_ref(d, ndir):
    d = {k: v.astype(np.float64) for k, v in d.items()}
    x = d["x"]
    L = x.shape[0]
    out = d["Dh"][:, None] * x
    for k in range(ndir):
        dt = np_softplus(d[f"dt{k}"] + d["bias"])
        h = np.zeros((H, P, N))
        ys = np.zeros_like(x)
        for t in (range(L) if k == 0 else range(L - 1, -1, -1)):
            h = np.exp(dt[t] * d["A"])[:, None, None] * h + (dt[t][:, None] * x[t])[:, :, None] * d[f"B{k}"][t]
            ys[t] = h @ d[f"C{k}"][t]
        if ndir == 1:
            out = out + ys
        elif k == 0:
            out[1:] += ys[:-1]                                # C_fw[t-1]·h_fw[t-1]
        else:
            out[:-1] += ys[1:]                                # C_bw[t+1]·h_bw[t+1]
    return out


# ---------------------------------------------------------------------------------------------------------------
# W7: one GEMM as `linear`, y = x · wᵀ with x (L, in), w (out, in); W7a in=768 out=3072, W7b in=1536 out=768.

def w7_data(rng, L, d_in, d_out):
    return dict(x=rng.uniform(-1, 1, (L, d_in)).astype(np.float32),
                w=rng.uniform(-0.05, 0.05, (d_out, d_in)).astype(np.float32))


@jax.jit
def w7_jax(x, w):
    return jnp.matmul(x, w.T, precision=lax.Precision.HIGHEST)


def w7_ref(d):
    return d["x"].astype(np.float64) @ d["w"].astype(np.float64).T


# W8, LM1, LM2: whole models (mamba_models.py) with the recurrences as lax.scan.

def jax_s6(dt, A, B, C, u):
    def step(h, xs):
        dt_t, du_t, b_t, c_t = xs
        h = jnp.exp(dt_t[:, None] * A) * h + du_t[:, None] * b_t[None, :]
        return h, h @ c_t

    _, ys = lax.scan(step, jnp.zeros(A.shape, jnp.float32), (dt, dt * u, B, C))
    return ys


def jax_ssd(x, dt, A, B, C):
    def step(h, xs):
        a_t, dt_t, x_t, b_t, c_t = xs
        h = a_t[:, None, None] * h + (dt_t[:, None] * x_t)[:, :, None] * b_t[None, None, :]
        return h, h @ c_t

    h0 = jnp.zeros(x.shape[1:] + (B.shape[1],), jnp.float32)
    _, ys = lax.scan(step, h0, (jnp.exp(dt * A), dt, x, B, C))
    return ys


@jax.jit
def w8_jax(x, p):
    return mm.mamba_mixer(jnp, jax_s6, x, p)


def lm_jax(kind):
    mixer, scan = (mm.mamba_mixer, jax_s6) if kind == 1 else (mm.mamba2_mixer, jax_ssd)

    @jax.jit
    def forward(ids, w):
        h = w["emb"][ids]
        h, _ = lax.scan(lambda h, p: (mm.layer(jnp, mixer, scan, h, p), None), h, w["layers"])
        return mm.lm_head(jnp, h, w)

    return forward


# ---------------------------------------------------------------------------------------------------------------
# W2: causal long convolution, u and k (H, L), D skip; always L = 8192 when timed.

def w2_data(rng, L):
    H = 768 if L > 100 else 4
    f = lambda *s, lo=-1.0, hi=1.0: rng.uniform(lo, hi, s).astype(np.float32)
    k = (f(H, L) * np.exp(-np.arange(L) / 1000)[None, :] / 30).astype(np.float32)
    return dict(u=f(H, L), k=k, D=f(H, lo=0.5, hi=1.5))


@jax.jit
def w2_jax(u, k, D):
    L = u.shape[-1]
    y = jnp.fft.irfft(jnp.fft.rfft(u, n=2 * L) * jnp.fft.rfft(k, n=2 * L), n=2 * L)[..., :L]
    return y + D[:, None] * u


def w2_ref(d):
    u, k, D = (d[n].astype(np.float64) for n in ("u", "k", "D"))
    L = u.shape[-1]
    return np.stack([np.convolve(u[c], k[c])[:L] for c in range(u.shape[0])]) + D[:, None] * u


# ---------------------------------------------------------------------------------------------------------------
# W6: S4D kernel (ZOH, 64 complex modes) + causal FFT convolution + D skip, u (H, L).

def w6_data(rng, L):
    H, M = (768 if L > 100 else 4), 64
    f = lambda *s, lo=-1.0, hi=1.0: rng.uniform(lo, hi, s).astype(np.float32)
    return dict(u=f(H, L), log_dt=f(H, lo=np.log(1e-3), hi=np.log(1e-1)),
                log_A_real=np.full((H, M), np.log(0.5), np.float32),
                A_imag=np.tile(np.pi * np.arange(M, dtype=np.float32), (H, 1)), C=f(H, M, 2, lo=-0.7, hi=0.7),
                D=f(H, lo=0.5, hi=1.5))


@jax.jit
def w6_jax(u, log_dt, log_A_real, A_imag, C, D):
    L = u.shape[-1]
    dtA = jnp.exp(log_dt)[:, None] * (-jnp.exp(log_A_real) + 1j * A_imag)
    Cp = (C[..., 0] + 1j * C[..., 1]) * (jnp.exp(dtA) - 1.0) / (-jnp.exp(log_A_real) + 1j * A_imag)
    K = 2 * jnp.einsum("hn,hnl->hl", Cp, jnp.exp(dtA[:, :, None] * jnp.arange(L))).real
    y = jnp.fft.irfft(jnp.fft.rfft(u, n=2 * L) * jnp.fft.rfft(K, n=2 * L), n=2 * L)[..., :L]
    return y + D[:, None] * u


def w6_ref(d):
    d = {k: v.astype(np.float64) for k, v in d.items()}
    A = -np.exp(d["log_A_real"]) + 1j * d["A_imag"]
    dtA = np.exp(d["log_dt"])[:, None] * A
    Cp = (d["C"][..., 0] + 1j * d["C"][..., 1]) * (np.exp(dtA) - 1.0) / A
    L = d["u"].shape[-1]
    K = 2 * np.einsum("hn,hnl->hl", Cp, np.exp(dtA[:, :, None] * np.arange(L))).real
    u = d["u"]
    return np.stack([np.convolve(u[c], K[c])[:L] for c in range(u.shape[0])]) + d["D"][:, None] * u


# ---------------------------------------------------------------------------------------------------------------

# At most this many timed runs (W6's Vandermonde takes 20-50 s per run here).
MAX_RUNS = {"W6": 1}

# Workloads timed at their own length, whatever --length says.
FIXED_LENGTH = {"W2": 8192, "W6": 8192}

WORKLOADS = {
    "W2": (w2_data, w2_jax, w2_ref, lambda d: (d["u"], d["k"], d["D"])),
    "W6": (w6_data, w6_jax, w6_ref, lambda d: (d["u"], d["log_dt"], d["log_A_real"], d["A_imag"], d["C"], d["D"])),
    "W1": (lambda rng, L: w1_data(rng, 1536 if L > 100 else 64, L), w1_jax, w1_ref,
           lambda d: (d["u"], d["delta"], d["B"], d["C"], d["z"], d["A"], d["Dk"], d["bias"])),
    "W3": (w3_data, w3_jax, w3_ref, lambda d: (d["q"], d["k"], d["v"])),
    "W4": (lambda rng, L: ssd_data(rng, L, 1), w4_jax, lambda d: ssd_ref(d, 1),
           lambda d: (d["x"], d["dt0"], d["B0"], d["C0"], d["A"], d["Dh"], d["bias"])),
    "W5": (lambda rng, L: ssd_data(rng, L, 2), w5_jax, lambda d: ssd_ref(d, 2),
           lambda d: (d["x"], d["dt0"], d["B0"], d["C0"], d["dt1"], d["B1"], d["C1"], d["A"], d["Dh"], d["bias"])),
    "W7a": (lambda rng, L: w7_data(rng, L, 768, 3072), w7_jax, w7_ref, lambda d: (d["x"], d["w"])),
    "W7b": (lambda rng, L: w7_data(rng, L, 1536, 768), w7_jax, w7_ref, lambda d: (d["x"], d["w"])),
    "W8": (lambda rng, L: mm.w8_data(rng, L, small=L <= 100), w8_jax, lambda d: mm.np_block(d["x"], d["p"], 1),
           lambda d: (d["x"], d["p"])),
    "LM1": (lambda rng, L: mm.lm_data(rng, L, 1, small=L <= 100), lm_jax(1), lambda d: mm.np_lm(d["ids"], d["w"], 1),
            lambda d: (d["ids"], d["w"])),
    "LM2": (lambda rng, L: mm.lm_data(rng, L, 2, small=L <= 100), lm_jax(2), lambda d: mm.np_lm(d["ids"], d["w"], 2),
            lambda d: (d["ids"], d["w"])),
}
# Workload families: W7 is both GEMM shapes.
FAMILIES = {"W7": ["W7a", "W7b"]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workload", default="W1,W3,W4,W5")
    ap.add_argument("--threads", type=int, default=0, help="label only: the process's affinity decides")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--length", type=int, default=2048)
    ap.add_argument("--lm-runs", type=int, default=3, help="timed runs of LM1 and LM2 (a forward takes seconds)")
    args = ap.parse_args()
    threads = args.threads or len(os.sched_getaffinity(0))
    names = {k.upper(): k for k in list(WORKLOADS) + list(FAMILIES)}
    for wl in [k for w in args.workload.split(",") if w.upper() in names
               for k in FAMILIES.get(names[w.upper()], [names[w.upper()]])]:
        make, fn, ref, argsof = WORKLOADS[wl]
        small = make(np.random.default_rng(11), 48)
        want = ref(small)
        err = float(np.max(np.abs(np.asarray(fn(*argsof(small))) - want)) / np.max(np.abs(want)))
        print(f"{wl} jax: L=48 max rel err vs float64 NumPy {err:.2e}", file=sys.stderr)
        if not err < 1e-4:
            print(json.dumps({"workload": wl, "impl": "jax", "threads": threads,
                              "error": f"verification failed: rel err {err:.3e}"}), flush=True)
            continue
        d = make(np.random.default_rng(0x5EC0), FIXED_LENGTH.get(wl, args.length))
        xs = [jax.tree_util.tree_map(jnp.asarray, a) for a in argsof(d)]
        t0 = time.perf_counter()
        compiled = fn.lower(*xs).compile()
        compile_ms = (time.perf_counter() - t0) * 1e3
        compiled(*xs).block_until_ready()
        times = []
        for _ in range(args.lm_runs if wl.startswith("LM") else min(args.runs, MAX_RUNS.get(wl, args.runs))):
            t0 = time.perf_counter()
            compiled(*xs).block_until_ready()
            times.append((time.perf_counter() - t0) * 1e3)
        report(wl, "jax", threads, times, note=f"; compile {compile_ms:.0f} ms", compile_ms=round(compile_ms, 1),
               jax_version=jax.__version__)


if __name__ == "__main__":
    main()
