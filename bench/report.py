"""Writes docs/PERFORMANCE.md (to stdout) from bench/run.sh's results.jsonl and meta.env.

  python3 bench/report.py bench/out/results.jsonl bench/out/meta.env > docs/PERFORMANCE.md
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "peers"))
import mamba_models as mm  # noqa: E402  (the whole models' shapes and FLOP counts)

L = 2048
# FLOP counts (one exp or log counted as 8 FLOPs, as PERF-NOTES.md does), from docs/shared mixers.md.
FLOPS = {
    # §d.5: about 6 flops + 1 exp per (d, l, n); the per-(d, l) softplus, skip and gate are left out (≈ +13%).
    "W1": (1536 * L * 16 * (6 + 8), "D·L·N·(6 + 8): 6 flops + 1 exp per (channel, step, state), §d.5"),
    # §a: QKᵀ 2L²d + PV 2L²d + softmax ≈ L² exps + 4L² flops, per head; causal: half.
    "W3": (12 * (L * L // 2) * (4 * 64 + 8 + 4), "H·(L²/2)·(4d + 12): QKᵀ and PV, 2L²d each, plus the softmax (1 exp + 4 flops per score), causal half, §a"),
    # §e.2: the recurrence needs about 5·L·N·P flops per head.
    "W4": (5 * L * 24 * 128 * 64, "5·L·H·N·P: the recurrence's h = a·h + Δx·B (3) and y += h·C (2) per state and head channel, §e.2"),
    "W5": (2 * 5 * L * 24 * 128 * 64, "2 × W4: one recurrence per direction, §f"),
    # §i: per channel three real FFTs of N = 2·8192 points (2.5·N·log2 N each, the usual count), the spectrum
    # product (6 per bin) and the skip (2 per step).
    "W2": (768 * (3 * 2.5 * 16384 * 14 + 6 * 8193 + 2 * 8192),
           "H·(3 · 2.5·N·log2 N + 6·(N/2 + 1) + 2L), N = 2L = 16384: three real FFTs, the product and the skip, §i"),
    # §c: the kernel as the chunked Vandermonde product (4·N·L per channel: Re of a complex [L/64, N]·[N, 64]
    # product) plus W2's convolution; the naive evaluation's H·N·L complex exps would count 20× more.
    "W6": (768 * (4 * 64 * 8192 + 3 * 2.5 * 16384 * 14 + 6 * 8193 + 2 * 8192),
           "H·(4·N·L + W2's per-channel count): the kernel as a chunked Vandermonde matrix product, then the FFT conv, §c"),
    "W7a": (2 * L * 768 * 3072, "2·M·K·N: one multiply-add per (row, inner, column), M = L, K = 768, N = 3072"),
    "W7b": (2 * L * 1536 * 768, "2·M·K·N, M = L, K = 1536, N = 768"),
    # Whole models: the projections (2·M·N·K) dominate; the recurrences at 5 flops per state element and step (+2
    # for S6's per-element decay); conv, norms and gates left out (< 1%).
    "W8": (mm.block_flops(L, 1), "projections 2·L·(768·3072 + 1536·80 + 48·1536 + 1536·768) + S6 7·L·1536·16"),
    "LM1": (mm.lm_flops(L, 1), "24 × W8 + LM head 2·L·768·50280"),
    "LM2": (mm.lm_flops(L, 2), "24 × (projections 2·L·768·(2·1536 + 2·128 + 24) + 2·L·1536·768 + SSD 5·L·1536·128) + LM head 2·L·768·50288"),
}
# Workloads that are whole models: their tables also compare with JAX and PyTorch at the same thread count.
MODELS = ["W8", "LM1", "LM2"]
TITLES = {
    "W1": "W1 — Mamba selective scan, D=1536, L=2048, N=16 (softplus(Δ+bias), D skip, silu(z) gate)",
    "W3": "W3 — causal softmax attention, 12 heads, L=2048, d=64",
    "W4": "W4 — Mamba-2 SSD, 24 heads, head dim 64, N=128, L=2048",
    "W5": "W5 — Hydra bidirectional SSD, W4's sizes, both directions",
    "W2": "W2 — causal long convolution, H=768, L=8192, kernel length L, D skip",
    "W6": "W6 — S4D, H=768, 64 complex modes, L=8192: kernel generation + causal FFT convolution + D skip",
    "W7a": "W7a — GEMM (2048×768)·(768×3072), `linear` with the weight [out, in] (Mamba-130m's in_proj)",
    "W7b": "W7b — GEMM (2048×1536)·(1536×768), `linear` with the weight [out, in] (Mamba-130m's out_proj)",
    "W8": "W8 — one Mamba block, d_model 768, d_inner 1536, N=16, d_conv 4, dt_rank 48, L=2048 (whole model)",
    "LM1": "LM1 — Mamba-130m-shaped LM forward: 24 layers, vocab 50280, d_model 768, L=2048, random weights",
    "LM2": "LM2 — Mamba-2-130m-shaped LM forward: 24 layers, vocab 50288, d_model 768, headdim 64, N=128, L=2048",
}
IMPLS = {
    "c": "hand-written C (AVX2+FMA intrinsics, pthreads; W8: OpenBLAS sgemm + W1's fused scan)",
    "c-fftw": "hand-written C on FFTW3f (FFTW_MEASURE plans, fused per channel, pthreads)",
    "c-fftw-cached": "the same C with every channel's kernel (and for W6 its generation) and spectrum made once before"
                     " the timed runs",
    "openblas": "OpenBLAS `cblas_sgemm` from C (row-major, B transposed; OPENBLAS_NUM_THREADS = threads)",
    "numpy": "NumPy `x @ w.T` (its bundled BLAS; OPENBLAS_NUM_THREADS = threads)",
    "scipy": "SciPy (`scipy.fft` rfft/irfft, `workers` = threads)",
    "jax": "JAX on CPU (jit; `lax.scan` / einsum+softmax / `jnp.fft` / matmul)",
    "torch": "PyTorch on CPU, eager (the recurrence as a Python loop over time, as HF's slow path)",
    "seqc": "seqc JIT, the workload's structured-mixer model",
    "seqc-bound": "seqc JIT with the weights bound (`CompiledModel.bind`): the warm-up run makes what depends only on"
                  " the weights and L (kernel generation, kernel spectra), the timed runs reuse it",
    "seqc-scanop": "seqc JIT, W1 with the plain `scan` primitive (Ā, B̄u materialized)",
}
ORDER = ["c", "c-fftw", "c-fftw-cached", "openblas", "numpy", "scipy", "jax", "torch", "seqc", "seqc-bound", "seqc-scanop"]


def main():
    rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip().startswith("{")]
    meta = {}
    if len(sys.argv) > 2:
        for line in open(sys.argv[2]):
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                meta[k] = v
    # The roofline runs at the start and at the end of bench/run.sh; the better of the two is the machine's.
    peak, triad = {}, {}
    for r in rows:
        if r.get("impl") == "fma_peak":
            peak[r["threads"]] = max(peak.get(r["threads"], 0), r["gflops"])
        elif r.get("impl") == "stream_triad":
            triad[r["threads"]] = max(triad.get(r["threads"], 0), r["gbs"])
    out = []
    w = out.append

    w("# Performance")
    w("")
    load = meta.get("load_start", "?")
    try:
        quiet = float(load.split()[0]) < 2
    except ValueError:
        quiet = False
    if quiet:
        w("> **A quiet run.** No other work on the 2-core VM while it ran (load average "
          f"{load} at the start, {meta.get('load_end', '?')} at the end). The host is still shared and drifts by")
        w("> ±10–20% between runs: compare implementations within this run, as ratios.")
    else:
        w("> **A noisy run.** Other work shared the 2-core VM (load average "
          f"{load} at the start, {meta.get('load_end', '?')} at the end). Single runs swing by 20% or more and")
        w("> 2-thread numbers are the least reliable. Compare implementations within this run, as ratios.")
    w("")
    w(f"Measured {meta.get('date', '?')} at commit `{meta.get('commit', '?')}`; float32, batch 1; median of "
      f"{meta.get('runs', '?')} timed runs after a warm-up (seqc-scanop: {meta.get('slow_runs', '?')}); whole run "
      f"{meta.get('wall_s', '?')} s.")
    if "remeasured" in meta:
        # Rows re-measured later by a partial run (WORKLOADS=…), replacing those workloads' rows of the run above.
        w("")
        w(f"**Re-measured:** {meta['remeasured']}")
    w("")
    w("Reproduce (from the repository root; installs `jax[cpu]` with pip and gcc with apt if missing):")
    w("")
    w("```sh")
    w("bench/run.sh                         # RUNS=9 SLOW_RUNS=5 LM_RUNS=3 by default; writes this file")
    w("# this file: RUNS=5 SLOW_RUNS=3 WORKLOADS=W1,W2,W3,W4,W5,W6,W7,W8, then LM_RUNS=1 LM_WARMUP=0 THREADS=1")
    w("# WORKLOADS=LM1,LM2 (NO_REPORT=1 OUT=… each), results concatenated and passed to bench/report.py")
    w("swift run -c release --package-path Benchmarks seqc-bench --workload W4 --threads 1,2 --runs 9 --json")
    w("```")
    w("")
    w("## Machine")
    w("")
    w(f"- CPU: {meta.get('cpu', '?')}, {meta.get('cores', '?')} cores (KVM guest), ISA flags: "
      f"{meta.get('isa', '?').strip()}; gcc's `-march=native` is `{meta.get('gcc_march', '?')}` (AVX2, no AVX-512).")
    w(f"- Caches: L1d {meta.get('l1d', '?')}, L2 {meta.get('l2', '?')}, L3 {meta.get('l3', '?')}; memory "
      f"{meta.get('mem', '?')}.")
    w(f"- Toolchains: {meta.get('swift', '?')}; {meta.get('gcc', '?')}; JAX {meta.get('jax', '?')}; PyTorch "
      f"{meta.get('torch', '?')}; OpenBLAS {meta.get('openblas', '?')}.")
    w("")
    w("## Roofline of this machine (`bench/peers/roofline.c`)")
    w("")
    w("Best of the two roofline runs (start and end of the script), each the best of 5 (FMA) or 10 (triad) bursts.")
    w("")
    w("| threads | peak FMA GFLOP/s (256-bit, 12 independent chains) | STREAM triad GB/s |")
    w("|---|---|---|")
    for t in sorted(set(peak) | set(triad)):
        w(f"| {t} | {peak.get(t, float('nan')):.1f} | {triad.get(t, float('nan')):.1f} |")
    w("")
    w("FLOP counts used for \"% of roofline\" (one exp counted as 8 FLOPs, as in PERF-NOTES.md; mixers.md sections):")
    w("")
    w("| workload | GFLOP | count |")
    w("|---|---|---|")
    for k, (f, how) in FLOPS.items():
        w(f"| {k} | {f / 1e9:.3f} | {how} |")
    w("")
    w("% of roofline = (FLOPs / peak at the same thread count) / median. Every workload is compute-bound at these")
    w("sizes by this count (its inputs and outputs move in well under a millisecond at the triad bandwidth).")
    w("")

    for wl in ["W1", "W2", "W3", "W4", "W5", "W6", "W7a", "W7b"] + MODELS:
        rs = [r for r in rows if r.get("workload") == wl]
        if not rs:
            continue
        model = wl in MODELS
        w(f"## {TITLES[wl]}")
        w("")
        # The C peer: hand-written C (on FFTW for W2, W6), or OpenBLAS for the GEMMs (W7).
        cs = [r["median_ms"] for r in rs if r.get("impl") in ("c", "c-fftw", "openblas") and "median_ms" in r]
        best_c = min(cs) if cs else None
        w("Implementations: " + "; ".join(f"**{k}** = {IMPLS[k]}" for k in ORDER if any(r["impl"] == k for r in rs)) + ".")
        w("")
        # A whole model is also compared with JAX and PyTorch at the same thread count (goal: seqc ≥ 2× faster).
        peer = {(r["impl"], r["threads"]): r["median_ms"] for r in rs if "median_ms" in r}
        extra = " × JAX | × PyTorch |" if model else ""
        best = "OpenBLAS" if wl.startswith("W7") else "C"
        w(f"| impl | threads | median ms | min–max ms | runs | × best {best} |" + extra + " % of roofline | compile |")
        w("|---|---|---|---|---|---|" + ("---|---|" if model else "") + "---|---|")
        rs.sort(key=lambda r: (ORDER.index(r["impl"]) if r["impl"] in ORDER else 99, r["threads"]))
        shown = set()
        for r in rs:
            if "error" in r:
                msg = r["error"].replace("; run with the interpreter (--interpret)", "")
                if (r["impl"], msg) in shown:
                    continue
                shown.add((r["impl"], msg))
                ts = ",".join(str(x["threads"]) for x in rs if x["impl"] == r["impl"] and x.get("error") == r["error"])
                w(f"| {r['impl']} | {ts} | — | — | — | — |" + (" — | — |" if model else "") + f" — | **not timed**: {msg} |")
                continue
            # Rows that keep their weight-only work between runs compare with the C that does the same.
            cached = [x["median_ms"] for x in rs if x.get("impl") == "c-fftw-cached" and "median_ms" in x]
            base = min(cached) if r["impl"] in ("seqc-bound", "c-fftw-cached") and cached else best_c
            ratio = f"{r['median_ms'] / base:.2f}" if base else "—"
            p = peak.get(r["threads"])
            pct = FLOPS[wl][0] / (p * 1e9) * 1e3 / r["median_ms"] * 100 if p else None
            roof = "—" if pct is None else f"{pct:.0f}%" if pct >= 10 else f"{pct:.1f}%"
            comp = f"{r['compile_ms'] / 1e3:.2f} s" if "compile_ms" in r else "—"
            if "compile_split_ms" in r:
                comp += " (" + ", ".join(f"{k} {v / 1e3:.2f}" for k, v in r["compile_split_ms"].items()) + ")"
            cols = ""
            if model:
                for other in ["jax", "torch"]:
                    o = peer.get((other, r["threads"]))
                    # > 1: this row is faster than the peer.
                    cols += f" {o / r['median_ms']:.2f} |" if o and r["impl"] != other else " — |"
            w(f"| {r['impl']} | {r['threads']} | {r['median_ms']:.1f} | {r['min_ms']:.1f}–{r['max_ms']:.1f} | "
              f"{r['runs']} | {ratio} |{cols} {roof} | {comp} |")
        if wl.startswith("W7"):
            # The GEMM goal is relative to OpenBLAS at the same thread count.
            same = []
            for t in sorted({r["threads"] for r in rs}):
                ob = [r["median_ms"] for r in rs if r["impl"] == "openblas" and r["threads"] == t and "median_ms" in r]
                sq = [r["median_ms"] for r in rs if r["impl"] == "seqc" and r["threads"] == t and "median_ms" in r]
                if ob and sq:
                    same.append(f"{ob[0] / sq[0] * 100:.0f}% at {t} thread(s)")
            if same:
                w("")
                w("seqc's speed as a share of OpenBLAS's at the same thread count: " + ", ".join(same) + ".")
        if model:
            w("")
            w("× JAX, × PyTorch: that peer's median at the same thread count over this row's (above 1: this row is")
            w("faster; the goal for seqc on the LMs is ≥ 2). Compile: seconds, seqc's split into frontend, passes,")
            w("LLVM and JIT.")
        if wl in FLOPS and peak:
            w("")
            w("Roofline time: " + ", ".join(f"{FLOPS[wl][0] / (peak[t] * 1e9) * 1e3:.1f} ms at {t} thread(s)"
                                            for t in sorted(peak)) + ".")
        w("")

    # The issues' goals, computed from the rows above (1 thread unless said).
    def med(wl, impl, t):
        xs = [r["median_ms"] for r in rows if r.get("workload") == wl and r.get("impl") == impl
              and r.get("threads") == t and "median_ms" in r]
        return xs[0] if xs else None
    goals = []
    for wl, ours, peer in [("W1", "seqc", "c"), ("W2", "seqc", "c-fftw"), ("W2", "seqc-bound", "c-fftw-cached"),
                           ("W3", "seqc", "c"), ("W4", "seqc", "c"), ("W5", "seqc", "c"), ("W6", "seqc", "c-fftw"),
                           ("W6", "seqc-bound", "c-fftw-cached"), ("W7a", "seqc", "openblas"),
                           ("W7b", "seqc", "openblas"), ("W8", "seqc", "c")]:
        s1, p1, s2 = med(wl, ours, 1), med(wl, peer, 1), med(wl, ours, 2)
        if s1 and p1:
            line = f"| {wl} | {ours} {s1:.1f} ms vs {peer} {p1:.1f} ms: **{s1 / p1:.2f}×** the peer's time"
            line += f" | {s1 / s2:.2f}× |" if s2 else " | — |"
            goals.append(line)
    for wl in ["LM1", "LM2"]:
        s1, j1, t1 = med(wl, "seqc", 1), med(wl, "jax", 1), med(wl, "torch", 1)
        if s1:
            parts = [f"{n} {o / s1:.2f}×" for n, o in [("JAX", j1), ("PyTorch", t1)] if o]
            goals.append(f"| {wl} | seqc {s1 / 1e3:.2f} s; speed-up over " + ", ".join(parts) + " | — |")
    if goals:
        w("## Against the goals")
        w("")
        w("Goals: seqc at or below the C peer at 1 thread (W1–W6, W8), ≥ 85% of OpenBLAS's speed (W7), ≥ 1.8× from")
        w("2 threads (W1, W4, W5), the LMs ≥ 2× faster than JAX and PyTorch.")
        w("")
        w("| workload | 1 thread | seqc 2-thread speed-up |")
        w("|---|---|---|")
        for g in goals:
            w(g)
        w("")

    w("## The implementations")
    w("")
    w("- **C** (`bench/peers/`): W1 puts 8 channels in the AVX2 lanes, computes softplus(Δ+bias) and Δ·u on 8×8")
    w("  register-transposed tiles, runs the recurrence with 8 of the 16 states in registers per pass (AVX2 has 16")
    w("  vector registers, so two passes) and its own vectorized exp (Cody–Waite, degree-6 polynomial). W3 is")
    w("  FlashAttention's forward: K packed transposed per head, 32×64 tiles, 4×16 register tiles of FMAs, online")
    w("  softmax, heads across threads. W4/W5 run the plain recurrence per (head, 32-channel slice): the 128×32")
    w("  state (16 KB) stays in L1, head channels in the lanes. Each peer checks itself against a naive")
    w("  double-precision reference at a small size (relative error ≤ 1e-4) before it is timed. Threads are")
    w("  pthreads spawned and joined per call (nothing spins between calls; no OpenMP runtime, so no")
    w("  `KMP_BLOCKTIME` issue). Built with `-O3 -march=native -ffp-contract=fast -fno-math-errno`, no `-ffast-math`.")
    w("- **W2 peers**: `bench/peers/w2_fftconv.c` runs FFTW3f's r2c/c2r transforms of length 2L (plans made once with")
    w("  `FFTW_MEASURE`, outside the timed call) fused per channel — forward of u and of the kernel, product, inverse,")
    w("  skip — in per-thread buffers, channels across pthreads; `bench/peers/scipy_peers.py` is the NumPy user's")
    w("  `scipy.fft` version, batched over channels. Both check themselves against a float64 direct convolution.")
    w("- **W6 peers**: `bench/peers/w6_s4d.c` builds each channel's kernel from powers of exp(ΔA) by repeated")
    w("  multiplication in double, in chunks of 64 steps, as one real matrix product, then runs W2's FFTW convolution;")
    w("  SciPy and JAX evaluate s4d.py's Vandermonde as written ([H, N, L] complex exponentials). seqc's")
    w("  `w6_s4d.seq` uses the same chunked Vandermonde as the C peer, written in the language (exps of the chunk")
    w("  starts and of the steps within a chunk, two matmuls), then `toeplitz_fft`.")
    w("- **JAX**: `jax.jit` of `lax.scan` recurrences (W1, W4, W5; W5 scans twice, once with `reverse=True`) and of")
    w("  einsum + mask + softmax (W3); checked against float64 NumPy at L=48; timed with `block_until_ready`.")
    w("  1 thread: `taskset -c 0` and `XLA_FLAGS=--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1`.")
    w("- **OpenBLAS / NumPy** (W7): `bench/peers/w7_gemm.c` calls `cblas_sgemm` (row-major, B transposed, as")
    w("  `linear` stores its weight) and checks itself against a double reference at 67×301×45; `numpy_peers.py` times")
    w("  `np.matmul(x, w.T, out=y)`. Both run once per thread count with `OPENBLAS_NUM_THREADS` set to it. JAX's W7 is")
    w("  `jit(x @ w.T)` at full f32 precision.")
    w("- **Whole models (W8, LM1, LM2)**: C = OpenBLAS `sgemm` for the four projections (channel-major, no transposes)")
    w("  + a vectorized conv + silu + W1's fused scan (`bench/peers/selective_scan.h`), checked against a double")
    w("  reference; JAX and PyTorch run one shared definition (`bench/peers/mamba_models.py`, checked against float64")
    w("  NumPy, which agrees with `seqc run` of the `.seq` models): JAX with `lax.scan` recurrences and the 24 layers")
    w("  scanned over stacked weights, PyTorch eager with the recurrence as a Python loop over time (HF's slow path).")
    w("  seqc runs `models/mamba_block.seq`, `models/mamba_lm.seq`, `models/mamba2_lm.seq` with the benchmark's")
    w("  parameters and `RandomTensors` weights; its compile column splits frontend, passes, LLVM and JIT seconds.")
    w("- **seqc**: `Benchmarks/workloads/*.seq` through `Model.compile(optLevel: 3)` (compile time in the table), checked")
    w("  against the f64 reference interpreter at L=64 (relative error < 1e-3) before timing; the timed region is")
    w("  one `CompiledModel.run` call, including the API's copies of inputs and outputs. `threads` is")
    w("  `CompiledModel.threads`. A workload whose mixer the JIT cannot lower yet is reported as an error, not timed.")
    w("")
    w("## Caveats")
    w("")
    w("- The machine was shared and loaded during this run (see the note at the top); medians of a few runs, one run")
    w("  of the script. The roofline is the best of several short bursts, so it is the machine's capability, not what")
    w("  the busy cores gave the workloads: \"% of roofline\" understates every implementation alike.")
    w("- The peers are an afternoon's expert code for AVX2, not tuned libraries. PERF-NOTES.md's numbers are from a")
    w("  Zen 5 AVX-512 machine type and are not comparable in absolute terms (this host has half the vector width).")
    w("- The FLOP counts leave out the per-step elementwise work (softplus, the skip, the gate, the decay exps of")
    w("  W4/W5), which is small next to the state updates but not zero.")
    w("- JAX is slower at 2 threads than at 1 here: its scans do not speed up on two cores (PERF-NOTES.md says the")
    w("  same of the Zen 5 machine type), and its 2-thread runs share the cores with the neighbours' load.")
    w("- What seqc runs (goals: at or below the C time at 1 thread; ≥ 1.8× from 2 threads on W1, W4, W5; W8 at or")
    w("  below C; the LMs ≥ 2× faster than JAX and PyTorch; a 24-layer LM compiled in ≤ 0.5 s — compare the tables):")
    w("  - W1: the fused S6 kernel (`fuse-ssm-decay` → `ssm_scan_exp`: channels in the SIMD lanes, the N states in")
    w("    registers, an in-register exp, fused multiply-adds; nothing of size B×L×D×N in memory); softplus and silu")
    w("    in registers, fused with their neighbours (docs/RUNTIME.md); the [B, D, L] ↔ [B, L, D] permutes as 16×16")
    w("    register transposes. `seqc-scanop` is W1 through the plain `scan` primitive, which materializes [D, L, N]")
    w("    tensors: the cost the structured mixer and its fusion remove.")
    w("  - W3: flash attention (no L×L buffer): a key tile's scores and the output row in SIMD registers, the")
    w("    softmax exps vectorized in registers; the C peer's 4×16 register tiles over several query rows are not")
    w("    matched yet (one query row per pass here).")
    w("  - W4/W5: the SSD lane kernel (head dim in the lanes, the [N, P] state in L1, y and x in registers, fused")
    w("    multiply-adds); W5's backward scan runs right to left (`fold-reversed-scans`), no flipped copies.")
    w("  - W2/W6: `toeplitz_fft` (docs/FFT.md): seqc's own radix-4 Stockham FFT generated through LLVM, the half-length")
    w("    real trick, the kernel's spectrum once per channel, the D skip in the inverse pass, channels across threads.")
    w("  - W7 and the projections of W8/LM1/LM2: the generated GEMM (docs/GEMM.md: packed B panels, a 6×16 register")
    w("    tile on AVX2, KC/NC cache blocks, threads over output columns).")
    w("  - Whole models: shared kernels per identical layer, elementwise fusion, one memory arena per run")
    w("    (docs/RUNTIME.md); the compile column splits frontend, passes, LLVM and JIT seconds.")
    print("\n".join(out))


if __name__ == "__main__":
    main()
