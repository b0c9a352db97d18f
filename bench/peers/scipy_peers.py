"""SciPy peers for the long-convolution workloads: the formulations a NumPy/SciPy user writes.

  W2: causal long convolution H=768, L=8192, kernel length L, D skip, as irfft(rfft(u, 2L)·rfft(k, 2L))[:L] + D·u
      with scipy.fft (pocketfft; `workers` = the thread count).
  W6: S4D, H=768, 64 complex modes, L=8192: the ZOH Vandermonde kernel (s4d.py's formula, 403 M complex
      exponentials), then the W2 convolution.

Each workload is verified at a small size against a float64 NumPy direct-convolution reference, then timed.
One JSON line per workload on stdout, the schema shared with seqc-bench and the C peers.

  python3 bench/peers/scipy_peers.py --threads 1 --runs 5 [--workload W2,W6]
"""
import argparse
import json
import sys
import time

import numpy as np
import scipy
import scipy.fft
from peer_result import report

H, L_FULL, MODES = 768, 8192, 64


def w2_data(rng, H, L):
    f = lambda *s, lo=-1.0, hi=1.0: rng.uniform(lo, hi, s).astype(np.float32)
    k = (f(H, L) * np.exp(-np.arange(L) / 1000)[None, :] / 30).astype(np.float32)
    return dict(u=f(H, L), k=k, D=f(H, lo=0.5, hi=1.5))


def fftconv(u, k, D, workers):
    L = u.shape[-1]
    n = 2 * L
    U = scipy.fft.rfft(u, n=n, workers=workers)
    K = scipy.fft.rfft(k, n=n, workers=workers)
    return scipy.fft.irfft(U * K, n=n, workers=workers)[..., :L] + D[:, None] * u


def w2_scipy(d, workers):
    return fftconv(d["u"], d["k"], d["D"], workers)


def direct_conv(u, k, D):
    u, k, D = (a.astype(np.float64) for a in (u, k, D))
    L = u.shape[-1]
    y = np.stack([np.convolve(u[c], k[c])[:L] for c in range(u.shape[0])])
    return y + D[:, None] * u


def w2_ref(d):
    return direct_conv(d["u"], d["k"], d["D"])


def w6_data(rng, H, L):
    f = lambda *s, lo=-1.0, hi=1.0: rng.uniform(lo, hi, s).astype(np.float32)
    # s4d.py's initialisation (S4D-Lin): log_dt uniform in [log 1e-3, log 1e-1], A = -1/2 + iπn, C ~ N(0, ½) pairs.
    log_dt = rng.uniform(np.log(1e-3), np.log(1e-1), H).astype(np.float32)
    log_A_real = np.full((H, MODES), np.log(0.5), np.float32)
    A_imag = np.tile(np.pi * np.arange(MODES, dtype=np.float32), (H, 1))
    C = (rng.standard_normal((H, MODES, 2)) * np.sqrt(0.5)).astype(np.float32)
    return dict(u=f(H, L), log_dt=log_dt, log_A_real=log_A_real, A_imag=A_imag, C=C, D=f(H, lo=0.5, hi=1.5))


def s4d_kernel(d, L, xp=np, dtype=np.complex64):
    """s4d.py S4DKernel (ZOH): K = 2·Re Σ_n C·(exp(ΔA) − 1)/A · exp(ΔA·l)."""
    dt = xp.exp(d["log_dt"].astype(dtype.__name__ == "complex128" and np.float64 or np.float32))
    A = -xp.exp(d["log_A_real"]) + 1j * d["A_imag"]
    C = d["C"][..., 0] + 1j * d["C"][..., 1]
    dtA = (dt[:, None] * A).astype(dtype)
    Cp = (C * (xp.exp(dtA) - 1.0) / A).astype(dtype)
    vandermonde = xp.exp(dtA[:, :, None] * xp.arange(L).astype(dtA.real.dtype))   # [H, N, L]
    return 2.0 * xp.einsum("hn,hnl->hl", Cp, vandermonde).real


def w6_scipy(d, workers):
    L = d["u"].shape[-1]
    k = s4d_kernel(d, L).astype(np.float32)
    return fftconv(d["u"], k, d["D"], workers)


def w6_ref(d):
    L = d["u"].shape[-1]
    d64 = {n: v.astype(np.float64) for n, v in d.items()}
    return direct_conv(d["u"], s4d_kernel(d64, L, dtype=np.complex128), d["D"])


WORKLOADS = {"W2": (w2_data, w2_scipy, w2_ref), "W6": (w6_data, w6_scipy, w6_ref)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workload", default="W2,W6")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    for wl in args.workload.upper().split(","):
        if wl not in WORKLOADS:
            continue
        make, fn, ref = WORKLOADS[wl]
        small = make(np.random.default_rng(11), 4, 300)
        want = ref(small)
        err = float(np.max(np.abs(fn(small, args.threads) - want)) / np.max(np.abs(want)))
        print(f"{wl} scipy: H=4 L=300 max rel err vs float64 direct convolution {err:.2e}", file=sys.stderr)
        if not err < 1e-4:
            print(json.dumps({"workload": wl, "impl": "scipy", "threads": args.threads,
                              "error": f"verification failed: rel err {err:.3e}"}), flush=True)
            continue
        d = make(np.random.default_rng(0x5EC0), H, L_FULL)
        # W6's Vandermonde ([H, N, L] complex, 3 GiB) takes minutes per run on a busy 2-core machine: one run, cold.
        slow = wl == "W6"
        if not slow:
            fn(d, args.threads)
        times = []
        for _ in range(1 if slow else args.runs):
            t0 = time.perf_counter()
            fn(d, args.threads)
            times.append((time.perf_counter() - t0) * 1e3)
        report(wl, "scipy", args.threads, times, scipy_version=scipy.__version__)


if __name__ == "__main__":
    main()
