#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The full Internet table into a live board: `hopsim serve examples/router.p4` (DATA_W=512) on a
# temporary socket, then hopd loads every prefix of ../shared/data/tier1-full-table-2023.txt.gz
# (901,899) via one gateway with --exit-after-load: the node image is built in software and
# written in WRITE_LISTs over the board's AXI4-Lite bus. Prints hopd's progress and report
# (routes, wall time, CSR writes, node memory per memory and % of capacity), the LPM RAM
# hop_table_lpm instantiates (words x width from the parameters of the Verilog hopc generates for
# router.p4, next to the bytes in use) and the board's statistics. Target (issue 6): under 30 s
# of wall time, CSR traffic included.
#
#   bench/full_table.sh [BUILD_DIR] [PREFIX_FILE]
#
# Builds what it needs in BUILD_DIR (default build/: hopsim, hopd, hopc and the Verilated model of
# router.p4 at DATA_W=512, cached in BUILD_DIR/rtl-cache).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
table=${2:-$root/../shared/data/tier1-full-table-2023.txt.gz}
if [ ! -f "$build/build.ninja" ]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
ninja -C "$build" hopsim hopd hopc hop_rtl_model_router_w512 >/dev/null
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
    --control "$tmp/hopd.sock" --exit-after-load 2>&1 | tee "$tmp/hopd.log"
end=$(date +%s%N)
ms=$(((end - start) / 1000000))
echo "hopd: $((ms / 1000)).$(printf %03d $((ms % 1000))) s wall from start to exit (compiling router.p4 included)"
kill "$board"
wait "$board" || true
board=
echo "=== ipv4_lpm's RAM as instantiated (hopc examples/router.p4 --data-width 512)"
"$build/bin/hopc" "$root/examples/router.p4" -o "$tmp/hopc" --data-width 512 >/dev/null
python3 - "$tmp/hopc/rtl/router_pipeline.sv" RouterIngress.ipv4_lpm "$tmp/hopd.log" <<'PY'
# Words x width of every memory of the hop_table_lpm instance, from its parameters (the widths
# as rtl/hop_table_lpm.sv computes them; regmap::lpmMemories in C++).
import re, sys
text, table = open(sys.argv[1]).read(), sys.argv[2]
at = text.index("// table %s (hop_table_lpm" % table)
inst = text[text.index("hop_table_lpm #(", at):text.index(") u_", at)]
p = dict(re.findall(r"\.(\w+)\(([^)]*)\)", inst))
def fields(v, bits):
    v = v.split("'h")[-1].replace("_", "")
    d = bits // 4
    return [int(v[max(0, e - d):e], 16) for e in range(len(v), 0, -d)]
L = int(p["LEVELS"])
st, aw, nd = fields(p["STRIDES"], 8), fields(p["NODE_AW"], 8), fields(p["NODE_DEPTH"], 32)
ra, rd = int(p["RES_AW"]), int(p["RES_DEPTH"])
mems = [("L0 direct", 1 << st[0], st[0], ra + 2 + aw[1])]
for k in range(1, L):
    w = ra + (1 << (st[k] + 1)) - 2 + (aw[k + 1] + (1 << st[k]) if k < L - 1 else 0)
    mems.append(("level %d nodes" % k, nd[k], aw[k], w))
mems.append(("results", rd, ra, int(p["ACTION_W"]) + int(p["PARAM_W"])))
for name, words, a, w in mems:
    print("  %-15s %8d words x %3d bits = %9d bytes (2^AW = %d words)"
          % (name, words, w, (words * w + 7) // 8, 1 << a))
inst = (sum(words * w for _, words, _, w in mems) + 7) // 8
pow2 = (sum((1 << a) * w for _, _, a, w in mems) + 7) // 8
m = re.search(r"node memory (\d+) of (\d+) bytes", open(sys.argv[3]).read())
used = "%s bytes (%.2f MiB)" % (m.group(1), int(m.group(1)) / 2**20) if m else "? (no hopd report)"
print("node memory in use %s; instantiated %d bytes (%.2f MiB; 2^AW words per memory would be "
      "%d bytes, %.2f MiB)" % (used, inst, inst / 2**20, pow2, pow2 / 2**20))
PY
echo "=== the board"
grep -E "^clients:|cycles" "$tmp/board.log"
