#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Logic depth of the generated hardware (issue 13: at most 8 LUT levels in front of every
# register and RAM input). For each program: hopc at DATA_W=512, then scripts/rtl-depth.sh
# synthesizes <prog>_top (the manifest's top module) with the generated files and the rtl/
# library for UltraScale+ (Yosys synth_xilinx -family xcup -flatten -uram) and
# scripts/logic_depth.py weighs every path (LUT 1, MUXF7/8/9 and CARRY8 0.5; Yosys's CARRY4
# 0.25). One at a time, under `nice`, into BUILD_DIR/bench/timing/<prog>/ (report.txt is the
# full report: per-block table, deepest endpoints, the worst path cell by cell). Ends with one
# summary line per program.
#
#   bench/timing_report.sh [BUILD_DIR] [PROGRAM...]     (default: basic tunnel acl router)
#
# HOPC=path overrides BUILD_DIR/bin/hopc (not built here); TIMEOUT=seconds limits each
# synthesis (default 1800; router is by far the slowest: about 1,500 BRAM and abc on the whole
# design).
#
# Baseline (main at abfef14, Yosys 0.23, DATA_W=512, measured 2026-12-06):
#   see the BASELINE block at the end of this file.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
(($#)) && shift
progs=("$@")
((${#progs[@]})) || progs=(basic tunnel acl router)
hopc=${HOPC:-$build/bin/hopc}
[ -x "$hopc" ] || { echo "timing_report.sh: no hopc at $hopc (build it or set HOPC)" >&2; exit 2; }
limit=${TIMEOUT:-1800}
out=$build/bench/timing
mkdir -p "$out"
summary=()
rc=0
for p in "${progs[@]}"; do
    dir=$out/$p
    rm -rf "$dir"
    if ! "$hopc" "$root/examples/$p.p4" -o "$dir" --emit verilog --data-width 512 \
            >"$out/$p.hopc.log" 2>&1; then
        summary+=("$p: hopc failed, see $out/$p.hopc.log")
        rc=1
        continue
    fi
    top=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["top_module"])' \
        "$dir/manifest.json")
    echo "=== $p ($top)"
    start=$(date +%s)
    nice timeout "$limit" "$root/scripts/rtl-depth.sh" -t "$top" -o "$dir/synth" -n "$p" \
        --top-n 20 --paths 3 "$dir"/rtl/*.sv "$root"/rtl/*.sv >"$dir/report.txt" 2>&1
    status=$?
    secs=$(($(date +%s) - start))
    if ((status == 124)); then
        summary+=("$p: synthesis did not finish in ${limit} s")
        rc=1
        continue
    fi
    sed -n '1,/^deepest [0-9]* endpoints/p' "$dir/report.txt" | sed '$d'
    if ((status != 0 && status != 1)); then
        summary+=("$p: failed (exit $status), see $dir/report.txt")
        rc=1
        continue
    fi
    line=$(grep -m1 '^== ' "$dir/report.txt" | sed 's/^== //')
    deep=$(grep -m1 '^endpoints ' "$dir/report.txt")
    summary+=("$line | $deep | ${secs} s")
done
echo "=== summary (DATA_W=512)"
printf '%s\n' "${summary[@]}"
exit $rc

# BASELINE: main at abfef14, Yosys 0.23, DATA_W=512, 2026-12-06 (before any issue-13 RTL change).
# Weights: LUT 1, MUXF7/8/9 0.5, CARRY4 0.25, unregistered DSP48E2 2. ">8" = register/RAM
# endpoints (one per register bit, one per RAM cell) deeper than 8 levels. Yosys wall time.
#   basic : LUT 38,680  FF 5,650  RAMB36 19  RAMB18 12  URAM 0    DSP 1  (~7 min)
#           deepest 34.5 at u_deparser.acc_q; 1,955 of 5,872 endpoints >8
#   tunnel: LUT 45,974  FF 6,926  RAMB36 19  RAMB18 52  URAM 0    DSP 1  (~11 min)
#           deepest 34.5 at u_deparser.acc_q; 2,135 of 7,493 endpoints >8
#   router: LUT 55,995  FF 8,479  RAMB36 613 RAMB18 54  URAM 168  DSP 1  (~11 min)
#           deepest 35 at u_deparser.acc_q; 2,725 of 10,916 endpoints >8
#           (-uram already puts LPM level 3, 112, and nexthop's 8 memories, 56, in URAM288;
#           the LPM results memory, 1M x 17, is 514 RAMB36)
# Per block, worst level (endpoints >8), all under u_pipeline:
#   block              basic         tunnel        router
#   u_deparser         34.5 (1728)   34.5 (1728)   35    (1151)
#   u_pipeline_csr     24.75 (64)    24.25 (64)    24.75 (96)
#   u_payload_fifo     15.5 (7)      15.5 (7)      15.5  (26)   rd_ptr_q (the deparser's tready)
#   u_capture          13.25 (16)    13.25 (16)    16    (34)
#   ipv4_lpm           13.5 (123)    13.5 (133)    14.5  (947)  u_level.u_ram.b_wdata, CSR side
#   exact tables       -             13 (187)      local_addr 16 (131), nexthop 15 (242),
#                                                  port_mac 8, egress_mtu 8 (u_csr.miss_cnt_q)
#   u_upd_csum0        8.75 (11)     7.25 (0)      12.25 (11)
#   u_delayN (cN_b)    5.25 (0)      6.25 (0)      u_delay8 14 (23), u_delay5 10 (16)
#   u_desc_fifo        4 (0)         6.25 (0)      9     (41)
#   inflight_q         8.5 (6)       7.5 (0)       8.5   (7)
