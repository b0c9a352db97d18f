"""Checks that mamba_models.py (the JAX and PyTorch peers' model definition) computes what seqc's .seq models do:
small random weights in the checkpoints' names, `seqc run` of models/mamba_block.seq, mamba_lm.seq and
mamba2_lm.seq, compared with the float64 NumPy forward (relative error ≤ 1e-5).

  python3 bench/peers/check_models.py [.build/debug/seqc]
"""
import os
import subprocess
import sys
import tempfile

import numpy as np

import mamba_models as mm

SMALL1 = ["--set", "d_model=32", "--set", "dt_rank=4"]
SMALL_LM = ["--set", "n_layer=2", "--set", "vocab_size=100", "--set", "d_model=32"]


def mamba_names(p, pre=""):
    return {pre + "in_proj.weight": p["in_proj"], pre + "conv1d.weight": p["conv_w"][:, None, :],
            pre + "conv1d.bias": p["conv_b"], pre + "x_proj.weight": p["x_proj"], pre + "dt_proj.weight": p["dt_w"],
            pre + "dt_proj.bias": p["dt_b"], pre + "A_log": p["A_log"], pre + "D": p["D"],
            pre + "out_proj.weight": p["out_proj"]}


def mamba2_names(p, pre=""):
    return {pre + "in_proj.weight": p["in_proj"], pre + "conv1d.weight": p["conv_w"][:, None, :],
            pre + "conv1d.bias": p["conv_b"], pre + "dt_bias": p["dt_bias"], pre + "A_log": p["A_log"],
            pre + "D": p["D"], pre + "norm.weight": p["norm_w"], pre + "out_proj.weight": p["out_proj"]}


def lm_names(w, names):
    out = {"backbone.embeddings.weight": w["emb"], "backbone.norm_f.weight": w["norm_f"]}
    layers = w["layers"]
    for i in range(layers["norm"].shape[0]):
        out[f"backbone.layers.{i}.norm.weight"] = layers["norm"][i]
        out.update(names({k: v[i] for k, v in layers.items() if k != "norm"}, f"backbone.layers.{i}.mixer."))
    return out


def run(seqc, tmp, model, settings, weights, input_name, x, output):
    wpath, xpath, ypath = (os.path.join(tmp, n) for n in ("w.npz", "x.npy", "y.npy"))
    np.savez(wpath, **weights)
    np.save(xpath, x[None])
    subprocess.run([seqc, "run", model] + settings + ["--weights", wpath, "--input", f"{input_name}={xpath}",
                                                      "--output", f"{output}={ypath}"], check=True, stdout=subprocess.DEVNULL)
    return np.load(ypath)[0]


def main():
    seqc = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/seqc"
    rng = np.random.default_rng(3)
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        d = mm.w8_data(rng, 40, small=True)
        cases = [("W8", run(seqc, tmp, "models/mamba_block.seq", SMALL1, mamba_names(d["p"]), "x", d["x"], "y"),
                  mm.np_block(d["x"], d["p"], 1))]
        d = mm.lm_data(rng, 40, 1, small=True)
        cases.append(("LM1", run(seqc, tmp, "models/mamba_lm.seq", SMALL_LM + ["--set", "dt_rank=4"],
                                 lm_names(d["w"], mamba_names), "input_ids", d["ids"], "logits"),
                      mm.np_lm(d["ids"], d["w"], 1)))
        d = mm.lm_data(rng, 40, 2, small=True)
        cases.append(("LM2", run(seqc, tmp, "models/mamba2_lm.seq", SMALL_LM + ["--set", "headdim=16", "--set", "d_state=16"],
                                 lm_names(d["w"], mamba2_names), "input_ids", d["ids"], "logits"),
                      mm.np_lm(d["ids"], d["w"], 2)))
    for name, got, want in cases:
        err = float(np.max(np.abs(got - want)) / np.max(np.abs(want)))
        ok = got.shape == want.shape and err <= 1e-5
        failed += not ok
        print(f"{'PASS' if ok else 'FAIL'}  {name}: seqc vs mamba_models.py (float64 NumPy) rel err {err:.2e}")
    print(f"{len(cases) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
