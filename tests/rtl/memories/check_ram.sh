#!/usr/bin/env bash
# check_ram.sh RTL_DEPTH_SH RTL_DIR MODULE BITS [URAM] [+OTHER.sv...] PARAM=VALUE...: synthesizes
# MODULE (rtl/MODULE.sv, and the rtl/ files it instantiates named with a +) with the parameters for UltraScale+ with Yosys (scripts/rtl-depth.sh, which
# keeps the statistics) and checks that its memories are in RAM: block RAM (RAMB18E2/RAMB36E2)
# or UltraRAM (URAM288) primitives hold at least BITS bits, no memory is left unmapped, and the
# flip-flops are far fewer than BITS. With URAM (the word "uram" as the fifth argument), some of
# it must be UltraRAM. hop_register's cells (a register array, a counter's cells) and
# hop_replicator's group and node tables are checked this way.
# Prints what it found; exit 1 when the memory is not in RAM, 2 on a usage or synthesis error.
set -euo pipefail
[ $# -ge 4 ] || { echo "usage: check_ram.sh RTL_DEPTH_SH RTL_DIR MODULE BITS [uram] [+OTHER.sv...] PARAM=VALUE..." >&2; exit 2; }
depth_sh=$1 rtl=$2 module=$3 bits=$4
shift 4
want_uram=0
if [ "${1:-}" = uram ]; then want_uram=1; shift; fi
params=() files=("$rtl/$module.sv")
for p in "$@"; do
    case $p in
        +*) files+=("$rtl/${p#+}") ;;
        *) params+=(-P "$p") ;;
    esac
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# The depth report itself does not matter here (a high limit): only the statistics.
"$depth_sh" -t "$module" "${params[@]}" --max-levels 1000 -o "$out" "${files[@]}" \
    >"$out/depth.txt" 2>&1 || { echo "synthesis failed:"; tail -n 20 "$out/depth.txt"; exit 2; }
stat=$out/$module.stat
[ -r "$stat" ] || { echo "no statistics from Yosys"; exit 2; }
count() { awk -v c="$1" '$1 == c { n += $2 } END { print n + 0 }' "$stat"; }
b18=$(count RAMB18E2) b36=$(count RAMB36E2) uram=$(count URAM288)
ffs=$(( $(count FDRE) + $(count FDSE) + $(count FDCE) + $(count FDPE) ))
unmapped=$(awk '/Number of memories:/ { print $NF; exit }' "$stat")
capacity=$((b18 * 18432 + b36 * 36864 + uram * 294912))
echo "$module $* ($bits bits): RAMB18E2 $b18, RAMB36E2 $b36, URAM288 $uram" \
    "($capacity bits), flip-flops $ffs, unmapped memories ${unmapped:-?}"
fail=0
if ((capacity < bits)); then echo "FAIL: the RAM primitives hold fewer bits than the memories"; fail=1; fi
if [ "${unmapped:-0}" != 0 ]; then echo "FAIL: a memory is left unmapped"; fail=1; fi
if ((ffs * 8 > bits)); then echo "FAIL: flip-flops ($ffs) hold the memories"; fail=1; fi
if ((want_uram && uram == 0)); then echo "FAIL: no UltraRAM"; fail=1; fi
exit $fail
