#!/usr/bin/env bash
# One command for seqc's benchmark: builds the C peers and seqc-bench, runs this machine's roofline, the C peers,
# the JAX peers, the PyTorch peers (whole models) and seqc at 1 and 2 threads, collects one JSON line per
# (workload, impl, threads) in bench/out/results.jsonl and writes docs/PERFORMANCE.md from them.
#
#   bench/run.sh                       # RUNS=9 timed runs per entry (5 for the slow seqc-scanop form of W1)
#   RUNS=11 SLOW_RUNS=5 bench/run.sh   # more runs
#   NO_REPORT=1 bench/run.sh           # results only, docs/PERFORMANCE.md untouched
#   WORKLOADS=W1,W4 NO_REPORT=1 bench/run.sh   # a subset (the report needs the full run)
#   WORKLOADS=W8,LM1,LM2 LM_RUNS=1 LM_WARMUP=0 NO_REPORT=1 bench/run.sh   # whole models, one cold run of each LM
#
# Workloads: W1, W3, W4, W5 (mixers); W2, W6 (long convolutions); W7 (GEMMs); W8 (one Mamba block), LM1 (Mamba-130m-shaped LM), LM2 (Mamba-2-130m-shaped
# LM): whole models at L=2048. The LMs run LM_RUNS (default 3) timed runs after LM_WARMUP (default 1) warm-ups.
#
# Needs: Swift 6.3 and llvm-19-dev (scripts/install-deps.sh), gcc, OpenBLAS, libfftw3-dev, Python 3 with NumPy, SciPy and jax[cpu], and
# PyTorch's CPU wheel; they are installed here when missing (apt-get for gcc, FFTW and libopenblas-dev, pip for jax, SciPy and for
# a `+cpu` torch wheel found in pip's find-links; without one the PyTorch peers are skipped). No other network access.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=${OUT:-$ROOT/bench/out}
RUNS=${RUNS:-9}
SLOW_RUNS=${SLOW_RUNS:-5}
THREADS=${THREADS:-1,2}
WORKLOADS=${WORKLOADS:-W1,W2,W3,W4,W5,W6,W7,W8,LM1,LM2}
LM_RUNS=${LM_RUNS:-3}
LM_WARMUP=${LM_WARMUP:-1}
# want W3 → true when W3 is selected.
want() { [[ ",$WORKLOADS," == *",$1,"* ]]; }
mkdir -p "$OUT"
RESULTS=$OUT/results.jsonl
: > "$RESULTS"
log() { echo "== $*" >&2; }
START=$(date +%s)

# --- dependencies -------------------------------------------------------------------------------------------------
if ! command -v gcc >/dev/null 2>&1; then
    log "installing gcc (apt)"
    apt-get update -qq && apt-get install -y -qq gcc libc6-dev >&2
fi
if ! [[ -f /usr/include/fftw3.h ]]; then
    log "installing libfftw3-dev (apt; the W2 C peer)"
    apt-get update -qq && apt-get install -y -qq libfftw3-dev >&2
fi
if ! python3 -c 'import scipy' 2>/dev/null; then
    log "installing scipy (pip)"
    python3 -m pip install --quiet scipy >&2
fi
if ! python3 -c 'import jax, numpy' 2>/dev/null; then
    log "installing jax[cpu] (pip)"
    python3 -m pip install --quiet "jax[cpu]" numpy >&2
fi
if ! gcc -xc -E - <<< '#include <cblas.h>' >/dev/null 2>&1; then
    log "installing OpenBLAS (apt)"
    apt-get update -qq && apt-get install -y -qq libopenblas-dev >&2
fi
# PyPI's default torch wheel pulls CUDA: install the CPU-only wheel from pip's find-links when there is one.
if ! python3 -c 'import torch' 2>/dev/null; then
    links=${PIP_FIND_LINKS:-$(python3 -m pip config get global.find-links 2>/dev/null || true)}
    wheel=$(ls "$links"/torch-*+cpu-*.whl 2>/dev/null | sort -V | tail -1 || true)
    if [[ -n "$wheel" ]]; then
        log "installing $(basename "$wheel") (pip)"
        python3 -m pip install --quiet "$wheel" >&2 || log "torch did not install; PyTorch peers skipped"
    else
        log "no CPU-only torch wheel in pip's find-links; PyTorch peers skipped"
    fi
fi

# --- build --------------------------------------------------------------------------------------------------------
# -O3 -march=native (AVX2+FMA here) -ffp-contract=fast -fno-math-errno, no -ffast-math: the kernels are vectorized
# with intrinsics, and the naive double-precision references they check themselves against stay IEEE.
CFLAGS="-O3 -march=native -ffp-contract=fast -fno-math-errno -pthread"
for p in roofline w1_scan w3_attention w4_ssd w5_hydra; do
    gcc $CFLAGS -o "$OUT/$p" "bench/peers/$p.c" -lm
done
want W7 && gcc $CFLAGS -I/usr/include/x86_64-linux-gnu -o "$OUT/w7_gemm" bench/peers/w7_gemm.c -lopenblas -lm
want W8 && gcc $CFLAGS -I/usr/include/x86_64-linux-gnu -o "$OUT/w8_mamba_block" bench/peers/w8_mamba_block.c -lopenblas -lm
for p in w2_fftconv w6_s4d; do
    want "$(echo "${p%%_*}" | tr a-z A-Z)" || continue
    gcc $CFLAGS -o "$OUT/$p" "bench/peers/$p.c" -lfftw3f -lm
done
log "swift build -c release --package-path Benchmarks"
swift build -c release --package-path Benchmarks >&2
BENCH="$(swift build -c release --package-path Benchmarks --show-bin-path)/seqc-bench"

# --- machine ------------------------------------------------------------------------------------------------------
{
    echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
    echo "cores=$(nproc)"
    echo "isa=$(grep -o -w -E 'avx2|fma|avx512f' /proc/cpuinfo | sort -u | tr '\n' ' ')"
    echo "gcc_march=$(gcc -march=native -Q --help=target 2>/dev/null | sed -n 's/^ *-march= *//p' | head -1 | tr -d '[:space:]')"
    echo "l1d=$(lscpu | sed -n 's/^L1d cache: *//p')"
    echo "l2=$(lscpu | sed -n 's/^L2 cache: *//p')"
    echo "l3=$(lscpu | sed -n 's/^L3 cache: *//p')"
    echo "mem=$(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
    echo "gcc=$(gcc --version | head -1)"
    echo "swift=$(swift --version 2>&1 | head -1)"
    echo "jax=$(python3 -c 'import jax; print(jax.__version__)')"
    echo "torch=$(python3 -c 'import torch; print(torch.__version__)' 2>/dev/null || echo none)"
    echo "openblas=$(dpkg-query -W -f='${Version}' libopenblas0-pthread 2>/dev/null || echo '?')"
    echo "commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- Sources Benchmarks bench || echo ' (modified)')"
    echo "load_start=$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "runs=$RUNS"
    echo "slow_runs=$SLOW_RUNS"
} > "$OUT/meta.env"

# --- runs ---------------------------------------------------------------------------------------------------------
# A peer that fails its own check prints an error line and exits non-zero; the run goes on.
log "roofline"
"$OUT/roofline" --threads "$THREADS" --json >> "$RESULTS" || log "roofline failed"
log "C peers"
for p in w1_scan w2_fftconv w3_attention w4_ssd w5_hydra w6_s4d w8_mamba_block; do
    want "$(echo "${p%%_*}" | tr a-z A-Z)" || continue
    "$OUT/$p" --threads "$THREADS" --runs "$RUNS" --json >> "$RESULTS" || log "$p failed"
done
if want W7; then
    # OpenBLAS (from C) and NumPy size their thread pools when they start: one process per thread count.
    log "OpenBLAS and NumPy peers (W7)"
    for t in ${THREADS//,/ }; do
        OPENBLAS_NUM_THREADS=$t OMP_NUM_THREADS=$t "$OUT/w7_gemm" --threads "$t" --runs "$RUNS" --json >> "$RESULTS" \
            || log "w7_gemm $t failed"
        OPENBLAS_NUM_THREADS=$t OMP_NUM_THREADS=$t python3 bench/peers/numpy_peers.py --threads "$t" --runs "$RUNS" \
            >> "$RESULTS" || log "numpy $t failed"
    done
fi
log "JAX peers (1 thread: XLA intra-op threading off and pinned to one core; 2 threads: both cores)"
XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1" \
    taskset -c 0 python3 bench/peers/jax_peers.py --workload "$WORKLOADS" --threads 1 --runs "$RUNS" --lm-runs "$LM_RUNS" >> "$RESULTS" || log "jax 1T failed"
if [[ ",$THREADS," == *",2,"* ]]; then
    taskset -c 0,1 python3 bench/peers/jax_peers.py --workload "$WORKLOADS" --threads 2 --runs "$RUNS" --lm-runs "$LM_RUNS" >> "$RESULTS" || log "jax 2T failed"
fi
# PyTorch: whole models only (W8, LM1, LM2).
TORCH_WL=$(echo "$WORKLOADS" | tr ',' '\n' | grep -E '^(W8|LM1|LM2)$' | paste -sd, - || true)
if [[ -n "$TORCH_WL" ]] && python3 -c 'import torch' 2>/dev/null; then
    log "PyTorch peers (torch.set_num_threads; pinned like JAX)"
    taskset -c 0 python3 bench/peers/torch_peers.py --workload "$TORCH_WL" --threads 1 --runs "$RUNS" --lm-runs "$LM_RUNS" >> "$RESULTS" || log "torch 1T failed"
    if [[ ",$THREADS," == *",2,"* ]]; then
        taskset -c 0,1 python3 bench/peers/torch_peers.py --workload "$TORCH_WL" --threads 2 --runs "$RUNS" --lm-runs "$LM_RUNS" >> "$RESULTS" || log "torch 2T failed"
    fi
fi
log "SciPy peers (W2, W6; scipy.fft's workers = threads; W6's Vandermonde takes minutes: one run)"
for t in ${THREADS//,/ }; do
    want W2 && { python3 bench/peers/scipy_peers.py --workload W2 --threads "$t" --runs "$RUNS" >> "$RESULTS" || log "scipy W2 ${t}T failed"; }
    # W6's SciPy peer spends minutes per run on the Vandermonde: one thread only.
    want W6 && [[ $t == 1 ]] && { python3 bench/peers/scipy_peers.py --workload W6 --threads "$t" --runs 1 >> "$RESULTS" || log "scipy W6 ${t}T failed"; }
done
log "seqc"
for wl in ${WORKLOADS//,/ }; do
    runs=$RUNS; warmup=1
    [[ $wl == W1 ]] && runs=$SLOW_RUNS  # W1's slow scan-op form
    [[ $wl == LM* ]] && runs=$LM_RUNS && warmup=$LM_WARMUP
    "$BENCH" --workload "$wl" --threads "$THREADS" --runs "$runs" --warmup "$warmup" --json >> "$RESULTS" || log "seqc-bench $wl failed"
done
# The roofline again at the end: the report takes the better of the two (the neighbours' load varies).
log "roofline (again)"
"$OUT/roofline" --threads "$THREADS" --json >> "$RESULTS" || log "roofline failed"

echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/meta.env"
echo "wall_s=$(( $(date +%s) - START ))" >> "$OUT/meta.env"
log "results: $RESULTS ($(wc -l < "$RESULTS") lines)"

if [[ -z "${NO_REPORT:-}" ]]; then
    python3 bench/report.py "$RESULTS" "$OUT/meta.env" > docs/PERFORMANCE.md
    log "wrote docs/PERFORMANCE.md"
fi
