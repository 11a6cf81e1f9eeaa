#!/usr/bin/env bash
# rtl-check-program.sh HOPC PROGRAM.p4 OUTDIR [DATA_W]: compiles PROGRAM.p4 to RTL (hopc --emit
# verilog, DATA_W 64 unless given), then checks the generated files with the rtl/ library:
# `verilator --lint-only -Wall` must print nothing, and Yosys (proc, then coarse synthesis
# `synth -run begin:fine`) must infer no latch in the generated modules; the library blocks are
# read as black boxes (`read_verilog -lib`): each has its own lint and synthesis test
# (tests/rtl). For the feature programs of tests/stf, so that every construct the backend
# builds is checked as the examples are (tests/pipeline).
set -euo pipefail
hopc=$1
p4=$2
out=$3
width=${4:-64}
root=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$out"
"$hopc" "$p4" -o "$out" --emit verilog --data-width "$width" -I "$(dirname "$p4")" >/dev/null
top=$(sed -n 's/.*"top_module": *"\([^"]*\)".*/\1/p' "$out/manifest.json")
[ -n "$top" ] || { echo "no top module in $out/manifest.json"; exit 1; }
gen=("$out"/rtl/*.sv)
lint=$(verilator --lint-only -Wall --top-module "$top" -y "$root/rtl" "${gen[@]}" 2>&1) || true
if [ -n "$lint" ]; then
    echo "== $top: lint warnings"
    echo "$lint"
    exit 1
fi
echo "lint ok: $top"
lib=("$root"/rtl/*.sv)
log="$out/yosys.log"
if ! yosys -q -l "$log" -p "read_verilog -sv -lib ${lib[*]}; read_verilog -sv ${gen[*]}; \
        hierarchy -check -top $top; \
        proc; opt; select -assert-none t:\$dlatch t:\$adlatch t:\$dlatchsr; \
        synth -top $top -run begin:fine; select -assert-none t:\$_DLATCH_* t:\$_DLATCHSR_*" \
        >/dev/null 2>&1; then
    echo "== $top: synthesis failed or inferred a latch"
    tail -n 30 "$log"
    exit 1
fi
echo "synth ok: $top (no latches)"
