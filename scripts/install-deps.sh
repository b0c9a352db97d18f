#!/usr/bin/env bash
# Installs what seqc needs on Debian 12 beyond Swift 6.3: LLVM 19's C API (llvm-19-dev). Safe to run again.
set -euo pipefail
if [ -e /usr/lib/llvm-19/include/llvm-c/Core.h ] && [ -e /usr/lib/llvm-19/lib/libLLVM-19.so ] ; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "seqc: installing llvm-19-dev (LLVM 19 C API) with apt-get" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq llvm-19-dev >/dev/null
