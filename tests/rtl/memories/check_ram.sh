#!/usr/bin/env bash
# check_ram.sh RTL_DEPTH_SH RTL_DIR WIDTH DEPTH IDX_W: synthesizes hop_register (a register
# array, or a counter's cells: 64 bits, 128 for packets_and_bytes) for UltraScale+ with Yosys
# (scripts/rtl-depth.sh, which keeps the statistics) and checks that its cells are in RAM:
# block RAM (RAMB18E2/RAMB36E2) or UltraRAM (URAM288) primitives hold at least WIDTH x DEPTH
# bits, no memory is left unmapped, and the flip-flops are far fewer than the cells' bits.
# Prints what it found; exit 1 when the memory is not in RAM, 2 on a usage or synthesis error.
set -euo pipefail
[ $# -eq 5 ] || { echo "usage: check_ram.sh RTL_DEPTH_SH RTL_DIR WIDTH DEPTH IDX_W" >&2; exit 2; }
depth_sh=$1 rtl=$2 width=$3 depth=$4 idx_w=$5
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# The depth report itself does not matter here (a high limit): only the statistics.
"$depth_sh" -t hop_register -P "WIDTH=$width" -P "DEPTH=$depth" -P "IDX_W=$idx_w" -P BASE=0 \
    -P SPAN=32 --max-levels 1000 -o "$out" "$rtl/hop_register.sv" >"$out/depth.txt" 2>&1 || {
    echo "synthesis failed:"; tail -n 20 "$out/depth.txt"; exit 2; }
stat=$out/hop_register.stat
[ -r "$stat" ] || { echo "no statistics from Yosys"; exit 2; }
count() { awk -v c="$1" '$1 == c { n += $2 } END { print n + 0 }' "$stat"; }
b18=$(count RAMB18E2) b36=$(count RAMB36E2) uram=$(count URAM288)
ffs=$(( $(count FDRE) + $(count FDSE) + $(count FDCE) + $(count FDPE) ))
unmapped=$(awk '/Number of memories:/ { print $NF; exit }' "$stat")
bits=$((width * depth))
capacity=$((b18 * 18432 + b36 * 36864 + uram * 294912))
echo "hop_register ${width}x${depth} ($bits bits): RAMB18E2 $b18, RAMB36E2 $b36, URAM288 $uram" \
    "($capacity bits), flip-flops $ffs, unmapped memories ${unmapped:-?}"
fail=0
if ((capacity < bits)); then echo "FAIL: the RAM primitives hold fewer bits than the cells"; fail=1; fi
if [ "${unmapped:-0}" != 0 ]; then echo "FAIL: a memory is left unmapped"; fail=1; fi
if ((ffs * 8 > bits)); then echo "FAIL: flip-flops ($ffs) hold the cells"; fail=1; fi
if ((depth >= 16384 && uram == 0)); then echo "FAIL: $depth cells and no UltraRAM"; fail=1; fi
exit $fail
