#!/usr/bin/env bash
# The README's first command: install what is missing, build seqc, and run a real model end to end —
# Mamba's selective scan on the bundled inputs, JIT-compiled, checked against the reference interpreter.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
echo "seqc: building (swift build)…" >&2
swift build --product seqc 2>&1 | grep -E "error|warning: unre|Compiling seqc|Build" >&2 || true
BIN="$(swift build --product seqc --show-bin-path)/seqc"
"$BIN" check models/selective_scan.seq
"$BIN" run models/selective_scan.seq \
  --weights examples/selective_scan/weights.safetensors \
  --input examples/selective_scan/inputs.npz \
  --compare
