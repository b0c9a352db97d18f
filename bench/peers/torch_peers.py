"""PyTorch (CPU, eager) peers for W8, LM1, LM2: the Mamba block and the Mamba / Mamba-2 LMs of mamba_models.py (one
definition shared with the JAX peer and the float64 NumPy reference), run as HF Transformers' slow path and
mamba_ssm's selective_scan_ref run them without the CUDA kernels: eager ops, the recurrence as a Python loop over
time (torch.compile is left out: 2-10 s of compile on a cold cache, PERF-NOTES.md).

Each workload is verified at a small size against float64 NumPy, then warmed up and timed under
torch.inference_mode(); one JSON line per workload on stdout, the schema shared with seqc-bench and the other peers.
--threads sets torch.set_num_threads (bench/run.sh also pins the process with taskset).

  python3 bench/peers/torch_peers.py --threads 1 --runs 5 [--workload W8,LM1,LM2]
"""
import argparse
import json
import sys
import time

import numpy as np
import torch

import mamba_models as mm
from peer_result import report


def torch_s6(dt, A, B, C, u):
    h = torch.zeros(A.shape, dtype=A.dtype)
    du = dt * u
    ys = []
    for t in range(dt.shape[0]):
        h = torch.exp(dt[t][:, None] * A) * h + du[t][:, None] * B[t][None, :]
        ys.append(h @ C[t])
    return torch.stack(ys)


def torch_ssd(x, dt, A, B, C):
    h = torch.zeros(x.shape[1:] + (B.shape[1],), dtype=x.dtype)
    a = torch.exp(dt * A)
    ys = []
    for t in range(x.shape[0]):
        h = a[t][:, None, None] * h + (dt[t][:, None] * x[t])[:, :, None] * B[t][None, None, :]
        ys.append(h @ C[t])
    return torch.stack(ys)


def w8_torch(x, p):
    return mm.mamba_mixer(torch, torch_s6, x, p)


def lm_torch(kind):
    mixer, scan = (mm.mamba_mixer, torch_s6) if kind == 1 else (mm.mamba2_mixer, torch_ssd)

    def forward(ids, w):
        h = w["emb"][ids]
        layers = w["layers"]
        for i in range(layers["norm"].shape[0]):
            h = mm.layer(torch, mixer, scan, h, {k: v[i] for k, v in layers.items()})
        return mm.lm_head(torch, h, w)

    return forward


WORKLOADS = {
    "W8": (lambda rng, L, small: mm.w8_data(rng, L, small), w8_torch, lambda d: mm.np_block(d["x"], d["p"], 1),
           lambda d: (d["x"], d["p"])),
    "LM1": (lambda rng, L, small: mm.lm_data(rng, L, 1, small), lm_torch(1), lambda d: mm.np_lm(d["ids"], d["w"], 1),
            lambda d: (d["ids"], d["w"])),
    "LM2": (lambda rng, L, small: mm.lm_data(rng, L, 2, small), lm_torch(2), lambda d: mm.np_lm(d["ids"], d["w"], 2),
            lambda d: (d["ids"], d["w"])),
}


def to_torch(a):
    if isinstance(a, dict):
        return {k: to_torch(v) for k, v in a.items()}
    return torch.from_numpy(np.ascontiguousarray(a)).long() if a.dtype == np.int32 else torch.from_numpy(a)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workload", default="W8,LM1,LM2")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--length", type=int, default=2048)
    ap.add_argument("--lm-runs", type=int, default=3, help="timed runs of LM1 and LM2 (a forward takes seconds)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    for wl in args.workload.upper().split(","):
        if wl not in WORKLOADS:
            continue
        make, fn, ref, argsof = WORKLOADS[wl]
        with torch.inference_mode():
            small = make(np.random.default_rng(11), 48, True)
            want = ref(small)
            got = fn(*(to_torch(a) for a in argsof(small))).numpy()
            err = float(np.max(np.abs(got - want)) / np.max(np.abs(want)))
            print(f"{wl} torch: L=48 max rel err vs float64 NumPy {err:.2e}", file=sys.stderr)
            if not err < 1e-4:
                print(json.dumps({"workload": wl, "impl": "torch", "threads": args.threads,
                                  "error": f"verification failed: rel err {err:.3e}"}), flush=True)
                continue
            xs = [to_torch(a) for a in argsof(make(np.random.default_rng(0x5EC0), args.length, False))]
            fn(*xs)
            times = []
            for _ in range(args.lm_runs if wl.startswith("LM") else args.runs):
                t0 = time.perf_counter()
                fn(*xs)
                times.append((time.perf_counter() - t0) * 1e3)
        report(wl, "torch", args.threads, times, torch_version=torch.__version__)


if __name__ == "__main__":
    main()
