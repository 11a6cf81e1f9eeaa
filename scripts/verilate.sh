#!/usr/bin/env bash
# Builds a Verilated model for a test at build time: `verilator --cc --build ARGS...` with its
# output in LOG (printed when it fails), and ccache for the model's C++ when there is one.
#   verilate.sh LOG ARGS...
set -euo pipefail
log=$1
shift
if command -v ccache >/dev/null; then export OBJCACHE=ccache; fi
verilator --cc --build "$@" >"$log" 2>&1 || {
    cat "$log"
    exit 1
}
