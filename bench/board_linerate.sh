#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The SystemC board model's line-rate report for examples/router.p4: 64, 512 and 1518-byte frames
# (FCS included) offered back to back on two ports at 100 Gb/s, pipeline clock 250 MHz,
# DATA_W=512; port 1's traffic is routed to port 2 and port 2's to port 1
# (bench/board_router.commands). For each size: offered, forwarded, dropped per reason (input
# FIFOs, the pipeline's counters read through the CSR socket, output queues) and the FIFO and
# queue high-water marks, per port.
#
#   bench/board_linerate.sh [BUILD_DIR] [extra `board linerate` options, e.g. --clock-mhz 400]
#
# Builds what it needs in BUILD_DIR (default build/: hopsim-board and the Verilated model of
# router.p4 at DATA_W=512, the RTL engine's, cached in BUILD_DIR/rtl-cache). HOP_BENCH_FRAMES
# sets the frames per port (default 20000). The report's `simulation:` line gives the wall time
# the traffic took and the simulation's speed (offered frames and pipeline clocks a wall second).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
    build=$1
    shift
fi
frames=${HOP_BENCH_FRAMES:-20000}
if [ ! -f "$build/build.ninja" ]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
ninja -C "$build" hopsim-board hop_rtl_model_router_w512 >/dev/null
for size in 64 512 1518; do
    echo "=== router.p4, two ports at 100 Gb/s, $size-byte frames"
    "$build/bin/hopsim-board" board linerate "$root/examples/router.p4" \
        --rtl-cache "$build/rtl-cache" --ports 1,2 --rate 100G --frame-size "$size" \
        --frames "$frames" --commands "$root/bench/board_router.commands" "$@"
    echo
done
