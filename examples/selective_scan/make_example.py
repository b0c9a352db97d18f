"""Writes the demo inputs and weights for models/selective_scan.seq (seeded, so the files are reproducible).

    python3 examples/selective_scan/make_example.py

inputs.npz: u, delta, z (batch 2, dim 8, seqlen 64) and B, C (batch 2, d_state 4, seqlen 64), float32.
weights.safetensors: A (8, 4) negative, D (8,), delta_bias (8,), float32 — written by hand to the safetensors layout.
"""
import json
import os
import struct

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(2026)
batch, dim, d_state, seqlen = 2, 8, 4, 64

inputs = {
    "u": rng.standard_normal((batch, dim, seqlen)),
    "delta": rng.uniform(-3.0, 1.0, (batch, dim, seqlen)),
    "B": rng.standard_normal((batch, d_state, seqlen)),
    "C": rng.standard_normal((batch, d_state, seqlen)),
    "z": rng.standard_normal((batch, dim, seqlen)),
}
np.savez(os.path.join(here, "inputs.npz"), **{k: v.astype(np.float32) for k, v in inputs.items()})

# S4D-real style init: A[d, n] = -(n + 1).
weights = {
    "A": -np.tile(np.arange(1, d_state + 1, dtype=np.float32), (dim, 1)),
    "D": np.ones(dim, dtype=np.float32),
    "delta_bias": rng.uniform(-1.0, 0.0, dim).astype(np.float32),
}
header, blobs, offset = {}, [], 0
for name in sorted(weights):
    data = np.ascontiguousarray(weights[name]).tobytes()
    header[name] = {"dtype": "F32", "shape": list(weights[name].shape), "data_offsets": [offset, offset + len(data)]}
    blobs.append(data)
    offset += len(data)
text = json.dumps(header, separators=(",", ":"), sort_keys=True).encode()
text += b" " * (-len(text) % 8)
with open(os.path.join(here, "weights.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))
