#!/usr/bin/env bash
# W7 at 1 thread by CPU time rather than wall time: on a shared machine a single-threaded run's CPU time counts the
# cycles it actually ran, while its wall time also counts the time the neighbours' load kept it off the core.
# Per implementation, CPU seconds of a process with 11 timed runs minus one with 1 (same set-up, compile and check),
# divided by 10: the time of one run of both W7 shapes, W7a then W7b. Prints seqc's speed as a share of OpenBLAS's.
#
#   bench/w7_cpu_time.sh [REPEATS]     # default 4 paired samples; needs bench/run.sh's tools (gcc, OpenBLAS)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-$PWD/bench/out}
mkdir -p "$OUT"
gcc -O3 -march=native -ffp-contract=fast -fno-math-errno -pthread -I/usr/include/x86_64-linux-gnu \
    -o "$OUT/w7_gemm" bench/peers/w7_gemm.c -lopenblas -lm
swift build -c release --package-path Benchmarks >&2
BENCH="$(swift build -c release --package-path Benchmarks --show-bin-path)/seqc-bench"
cpu() { /usr/bin/time -f "%U %S" "$@" 2>&1 >/dev/null | tail -1 | awk '{print $1 + $2}'; }
per_run_ms() {
    local one eleven
    one=$(cpu "$@" --runs 1 --warmup 1)
    eleven=$(cpu "$@" --runs 11 --warmup 1)
    python3 -c "print(round(($eleven - $one) / 10 * 1e3))"
}
for _ in $(seq "${1:-4}"); do
    o=$(OPENBLAS_NUM_THREADS=1 per_run_ms "$OUT/w7_gemm" --threads 1)
    s=$(per_run_ms "$BENCH" --workload W7 --threads 1)
    echo "W7a+W7b, 1 thread, CPU ms per run: openblas $o  seqc $s  seqc/openblas speed $((100 * o / s))%"
done
