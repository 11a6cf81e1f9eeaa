#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The full Internet table into a live board: `hopsim serve examples/router.p4` (DATA_W=512) on a
# temporary socket, then hopd loads every prefix of ../shared/data/tier1-full-table-2023.txt.gz
# (901,899) via one gateway with --exit-after-load: the node image is built in software and
# written in WRITE_LISTs over the board's AXI4-Lite bus. Prints hopd's progress and report
# (routes, wall time, CSR writes, node memory per memory and % of capacity; the capacities are
# the RAMs hop_table_lpm instantiates, words x width, which hop_full_table_tests checks against
# the parameters of the Verilog hopc generates) and the board's statistics. Target (issue 6):
# under 30 s of wall time, CSR traffic included.
#
#   bench/full_table.sh [BUILD_DIR] [PREFIX_FILE]
#
# Builds what it needs in BUILD_DIR (default build/: hopsim, hopd and the Verilated model of
# router.p4 at DATA_W=512, cached in BUILD_DIR/rtl-cache).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
table=${2:-$root/../shared/data/tier1-full-table-2023.txt.gz}
if [ ! -f "$build/build.ninja" ]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
ninja -C "$build" hopsim hopd hop_rtl_model_router_w512 >/dev/null
tmp=$(mktemp -d /tmp/hop-full-table.XXXXXX)
board=
cleanup() {
    if [ -n "$board" ]; then kill "$board" 2>/dev/null || true; wait "$board" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT
"$build/bin/hopsim" serve "$root/examples/router.p4" --socket "$tmp/board.sock" \
    --rtl-cache "$build/rtl-cache" > "$tmp/board.log" 2>&1 &
board=$!
for _ in $(seq 1 600); do
    grep -q "; ready$" "$tmp/board.log" && break
    kill -0 "$board" 2>/dev/null || { cat "$tmp/board.log"; exit 1; }
    sleep 0.1
done
cat > "$tmp/interfaces" <<'X'
1 192.0.2.254/24 02:00:00:00:01:fe
2 198.51.100.254/24 02:00:00:00:02:fe
X
echo "=== hopd --full-table $(basename "$table") into hopsim serve examples/router.p4"
start=$(date +%s%N)
"$build/bin/hopd" --device "sim:$tmp/board.sock" --program "$root/examples/router.p4" \
    --interfaces "$tmp/interfaces" --full-table "$table" --full-table-via 198.51.100.1 \
    --control "$tmp/hopd.sock" --exit-after-load
end=$(date +%s%N)
ms=$(((end - start) / 1000000))
echo "hopd: $((ms / 1000)).$(printf %03d $((ms % 1000))) s wall from start to exit (compiling router.p4 included)"
kill "$board"
wait "$board" || true
board=
echo "=== the board"
grep -E "^clients:|cycles" "$tmp/board.log"
