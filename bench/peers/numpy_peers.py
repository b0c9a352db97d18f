"""NumPy peer for W7: y = x @ w.T (x (L, in), w (out, in)), NumPy's matmul on its bundled BLAS.

The BLAS reads its thread count when NumPy is imported, so bench/run.sh starts this once per thread count with
OPENBLAS_NUM_THREADS (and OMP_NUM_THREADS) set; --threads labels the output. Verified at L=48 against float64,
then timed; one JSON line per workload on stdout, the schema shared with seqc-bench and the C peers.

  OPENBLAS_NUM_THREADS=1 python3 bench/peers/numpy_peers.py --threads 1 --runs 5
"""
import argparse
import json
import sys
import time

import numpy as np
from peer_result import report

SHAPES = {"W7a": (768, 3072), "W7b": (1536, 768)}


def data(rng, L, d_in, d_out):
    return (rng.uniform(-1, 1, (L, d_in)).astype(np.float32), rng.uniform(-0.05, 0.05, (d_out, d_in)).astype(np.float32))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, required=True, help="label only: OPENBLAS_NUM_THREADS decides")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--length", type=int, default=2048)
    args = ap.parse_args()
    for wl, (d_in, d_out) in SHAPES.items():
        x, w = data(np.random.default_rng(11), 48, d_in, d_out)
        want = x.astype(np.float64) @ w.astype(np.float64).T
        err = float(np.max(np.abs(x @ w.T - want)) / np.max(np.abs(want)))
        print(f"{wl} numpy: L=48 max rel err vs float64 {err:.2e}", file=sys.stderr)
        if not err < 1e-5:
            print(json.dumps({"workload": wl, "impl": "numpy", "threads": args.threads,
                              "error": f"verification failed: rel err {err:.3e}"}), flush=True)
            continue
        x, w = data(np.random.default_rng(0x5EC0), args.length, d_in, d_out)
        wt = w.T
        y = np.empty((args.length, d_out), np.float32)
        np.matmul(x, wt, out=y)
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            np.matmul(x, wt, out=y)
            times.append((time.perf_counter() - t0) * 1e3)
        report(wl, "numpy", args.threads, times, numpy_version=np.__version__)


if __name__ == "__main__":
    main()
