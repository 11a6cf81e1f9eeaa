#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The full Internet table into a live board: `hopsim serve examples/router.p4` (DATA_W=512) on a
# temporary socket, then hopd loads every prefix of ../shared/data/tier1-full-table-2023.txt.gz
# (901,899) via one gateway with --exit-after-load: the node image is built in software and
# written in WRITE_LISTs over the board's AXI4-Lite bus. Prints hopd's progress and report
# (routes, wall time, CSR writes, node memory per memory and % of capacity; the capacities are
# the RAMs hop_table_lpm instantiates, words x width, which hop_full_table_tests checks against
# the parameters of the Verilog hopc generates) and the board's statistics, then a summary:
# hopd's peak resident memory (VmHWM, measured by /usr/bin/time around hopd) and the load's time
# split into software (reading the prefix file, the entries, the node image: hopd's own timers)
# and bus (the CSR writes into the board). Targets: under 30 s of wall time, CSR traffic included
# (issue 6); a peak of at most 200 MB and reading + building the image in at most 1 s (issue 12).
#
#   bench/full_table.sh [BUILD_DIR] [PREFIX_FILE]
#
# Builds what it needs in BUILD_DIR (default build/: hopsim, hopd and the Verilated model of
# router.p4 at DATA_W=512, cached in BUILD_DIR/rtl-cache). RTL_CACHE=DIR takes the model from
# another build's cache instead (it is then neither built nor written here).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
table=${2:-$root/../shared/data/tier1-full-table-2023.txt.gz}
if [ ! -f "$build/build.ninja" ]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
rtl_cache=${RTL_CACHE:-}
if [ -n "$rtl_cache" ]; then
    ninja -C "$build" hopsim hopd >/dev/null
else
    rtl_cache=$build/rtl-cache
    ninja -C "$build" hopsim hopd hop_rtl_model_router_w512 >/dev/null
fi
tmp=$(mktemp -d /tmp/hop-full-table.XXXXXX)
board=
cleanup() {
    if [ -n "$board" ]; then kill "$board" 2>/dev/null || true; wait "$board" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT
"$build/bin/hopsim" serve "$root/examples/router.p4" --socket "$tmp/board.sock" \
    --rtl-cache "$rtl_cache" > "$tmp/board.log" 2>&1 &
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
# run_hopd NAME: hopd loads the full table (--exit-after-load) under /usr/bin/time; its peak
# resident memory (KiB) goes to $tmp/NAME.rss, its report to $tmp/NAME.log (shown once hopd is
# done: a process substitution would leave a tee behind that the script could not wait for), its
# wall time in ms to $ms.
run_hopd() {
    local status=0 start end
    start=$(date +%s%N)
    /usr/bin/time -f "%M" -o "$tmp/$1.rss" \
        "$build/bin/hopd" --device "sim:$tmp/board.sock" --program "$root/examples/router.p4" \
        --interfaces "$tmp/interfaces" --full-table "$table" --full-table-via 198.51.100.1 \
        --control "$tmp/hopd.sock" --exit-after-load 2> "$tmp/$1.log" || status=$?
    end=$(date +%s%N)
    cat "$tmp/$1.log" >&2
    [ "$status" = 0 ] || { echo "hopd failed ($1, exit $status)" >&2; exit 1; }
    ms=$(((end - start) / 1000000))
}
echo "=== hopd --full-table $(basename "$table") into hopsim serve examples/router.p4"
run_hopd hopd
echo "hopd: $((ms / 1000)).$(printf %03d $((ms % 1000))) s wall from start to exit (compiling router.p4 included)"
echo "=== hopd again on the same board and state file: a restart"
run_hopd restart
restart_ms=$ms
kill "$board"
wait "$board" || true
board=
echo "=== the board"
grep -E "^clients:|cycles" "$tmp/board.log"
split=$(grep -E "^hopd: full table: software " "$tmp/hopd.log" | tail -1)
rss_kib=$(grep -E "^[0-9]+$" "$tmp/hopd.rss" | tail -1)
echo "=== summary"
echo "hopd peak memory (VmHWM): $((rss_kib * 1024 / 1000000)) MB ($rss_kib KiB)"
echo "${split#hopd: }"
restart_rss=$(grep -E "^[0-9]+$" "$tmp/restart.rss" | tail -1)
echo "restart: $((restart_ms / 1000)).$(printf %03d $((restart_ms % 1000))) s wall from start to exit, peak $((restart_rss * 1024 / 1000000)) MB; $(grep -oE "[0-9]+ CSR words written since it started" "$tmp/restart.log" | tail -1)"
grep -E "^hopd: continuing from" "$tmp/restart.log" | sed 's/^hopd: /restart: /'
