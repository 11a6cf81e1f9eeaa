#!/usr/bin/env bash
# Configures and builds hopline into build/ (Ninja, ccache). Extra arguments go to cmake.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=${HOP_JOBS:-$(nproc)}
# -g1 (line tables and function names: backtraces, sanitizer reports, perf) rather than -g: full
# debug info of the Spirit X3 and Boost templates costs 30 % more compile time (the CI budget).
# A build for a debugger: -DCMAKE_BUILD_TYPE=Debug, or -DCMAKE_CXX_FLAGS_RELWITHDEBINFO=...
cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" \
    "$@" >/dev/null
ninja -C "$root/build" -j "$jobs"
