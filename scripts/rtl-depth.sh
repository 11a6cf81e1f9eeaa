#!/usr/bin/env bash
# rtl-depth.sh -t TOP [-P NAME=VALUE]... [-L FILE]... [-o OUTDIR] [-n NAME] [logic_depth.py options]
#              FILES...
# Synthesizes TOP from the SystemVerilog FILES for UltraScale+ with Yosys (flattened, so the
# logic of every block is mapped together and cross-block paths are seen), then reports the
# logic depth in front of every register and RAM input with scripts/logic_depth.py. Files of
# modules TOP does not instantiate are dropped by Yosys, so passing the whole rtl/ library is
# fine. -L FILE (repeatable) reads FILE as a blackbox library (`read_verilog -lib`): the modules
# it defines stay unmapped boxes whose outputs start paths and whose inputs end them, so only
# the logic around them is measured (a generated pipeline without the library blocks it uses;
# each block is measured on its own). OUTDIR (default: a temporary directory) keeps TOP.json, TOP.stat and yosys.log.
# Exit status is logic_depth.py's (1 when --max-levels is exceeded), or 4 when Yosys fails.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top= out= name=
params=()
depth_opts=()
files=()
libs=()
while (($#)); do
    case $1 in
    -t) top=$2; shift 2 ;;
    -P) params+=("$2"); shift 2 ;;
    -L) libs+=("$2"); shift 2 ;;
    -o) out=$2; shift 2 ;;
    -n) name=$2; shift 2 ;;
    --max-levels|--top-n|--paths|--group-depth|--threshold) depth_opts+=("$1" "$2"); shift 2 ;;
    -*) echo "rtl-depth.sh: unknown option $1" >&2; exit 2 ;;
    *) files+=("$1"); shift ;;
    esac
done
[ -n "$top" ] && ((${#files[@]})) || {
    echo "usage: rtl-depth.sh -t TOP [-P NAME=VALUE]... [-L FILE]... [-o OUTDIR] [-n NAME]" \
        "[--max-levels N] FILES..." >&2
    exit 2
}
if [ -z "$out" ]; then
    out=$(mktemp -d)
    trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"
for f in "${files[@]}" "${libs[@]+"${libs[@]}"}"; do
    [ -r "$f" ] || { echo "rtl-depth.sh: cannot read $f" >&2; exit 2; }
done
readlib=
((${#libs[@]})) && readlib="read_verilog -sv -lib ${libs[*]};"
# One chparam for every parameter, then `rename -top`: a top whose submodules Yosys reprocesses
# after a chparam is left named $paramod$<hash>\TOP, and synth_xilinx -top TOP would not find it.
chparam=
# Yosys reads the values as constants that may not contain Verilog's `_` digit separators.
for p in "${params[@]+"${params[@]}"}"; do
    v=${p#*=}
    [[ $v =~ ^[0-9]*\'[sS]?[bBoOdDhH][0-9a-fA-FxXzZ_]+$ ]] && v=${v//_/}
    chparam+=" -set ${p%%=*} $v"
done
[ -n "$chparam" ] && chparam="chparam$chparam $top;"
# -noiopad/-noclkbuf: the blocks are measured as cores inside a shell, not as a chip.
# -uram: memories marked ram_style="ultra" map to URAM288 as they would in Vivado.
if ! yosys -q -l "$out/yosys.log" -p "read_verilog -sv ${files[*]}; $readlib $chparam hierarchy -top $top; rename -top $top; \
        synth_xilinx -family xcup -flatten -noiopad -noclkbuf -uram -top $top; \
        tee -q -o $out/$top.stat stat; write_json $out/$top.json" >/dev/null 2>&1; then
    echo "rtl-depth.sh: yosys failed for $top, see $out/yosys.log:" >&2
    tail -n 20 "$out/yosys.log" >&2
    exit 4
fi
python3 "$here/logic_depth.py" "$out/$top.json" --name "${name:-$top}" \
    "${depth_opts[@]+"${depth_opts[@]}"}"
