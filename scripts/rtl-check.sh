#!/usr/bin/env bash
# rtl-check.sh lint|synth DIR [FILES...]: checks every module in DIR (one module per file,
# named after the file). lint: `verilator --lint-only -Wall` must print nothing. synth: Yosys
# must synthesize the module with no latch. Fails on the first module that does not pass and
# says which. Modules may instantiate others from DIR.
set -euo pipefail
mode=$1
dir=$2
shift 2
files=("$@")
((${#files[@]})) || files=("$dir"/*.sv)
all=("$dir"/*.sv)
[ -e "${all[0]}" ] || { echo "no .sv files in $dir"; exit 0; }
status=0
for f in "${files[@]}"; do
    top=$(basename "$f" .sv)
    case $mode in
    lint)
        out=$(verilator --lint-only -Wall --top-module "$top" -y "$dir" "$f" 2>&1) || true
        if [ -n "$out" ]; then
            echo "== $top: lint warnings"
            echo "$out"
            status=1
        else
            echo "lint ok: $top"
        fi
        ;;
    synth)
        log=$(mktemp)
        if ! yosys -q -l "$log" -p "read_verilog -sv ${all[*]}; hierarchy -check -top $top; \
                proc; opt; select -assert-none t:\$dlatch t:\$adlatch t:\$dlatchsr; \
                synth -top $top; select -assert-none t:\$_DLATCH_* t:\$_DLATCHSR_*; stat" \
                >/dev/null 2>&1; then
            echo "== $top: synthesis failed or inferred a latch"
            tail -n 30 "$log"
            status=1
        else
            cells=$(grep -m1 -E 'Number of cells' "$log" | awk '{print $NF}')
            echo "synth ok: $top (${cells:-?} cells, no latches)"
        fi
        rm -f "$log"
        ;;
    *)
        echo "usage: rtl-check.sh lint|synth DIR [FILES...]" >&2
        exit 2
        ;;
    esac
done
exit $status
