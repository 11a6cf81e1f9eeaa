#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# analyzer_test.sh LOGIC_DEPTH_PY NETLIST: logic_depth.py on analyzer.json, a hand-written
# netlist whose depths are known: from register r0, 9 LUT1 into luts9_q (9 levels), the same
# and a MUXF7 into muxf7_q (9.5), 3 chained CARRY8 into carry3_q (1.5); a blackbox block
# (module `blk`, as read_verilog -lib leaves it) whose input u_box.a is 3 LUTs after r0 (an
# endpoint at 3) and whose output starts a path (1 LUT into box_q = 1). Then the limit: 9.5
# fails --max-levels 9 (exit 1, naming the design) and passes --max-levels 9.5.
set -uo pipefail
ld=$1 json=$2
fail=0
out=$(python3 "$ld" "$json" --top-n 10 --name analyzer 2>&1)
rc=$?
printf '%s\n' "$out"
((rc == 0)) || { echo "FAIL: exit $rc without a limit"; fail=1; }
for want in "9.5 muxf7_q (D)" "9 luts9_q (D)" "3 u_box.a (a)" "1.5 carry3_q (D)" "1 box_q (D)"; do
    lvl=${want%% *} rest=${want#* }
    if ! grep -qE "^ +${lvl//./\\.} +${rest//[()]/.}\$" <<<"$out"; then
        echo "FAIL: no line '$want'"
        fail=1
    fi
done
grep -q "deepest 9.5 levels at muxf7_q" <<<"$out" || { echo "FAIL: summary"; fail=1; }
out=$(python3 "$ld" "$json" --name analyzer --max-levels 9 2>&1)
rc=$?
if ((rc != 1)) || ! grep -q "FAIL: 1 endpoint(s) deeper than 9 levels in analyzer" <<<"$out"; then
    echo "FAIL: --max-levels 9 gave exit $rc:"
    printf '%s\n' "$out" | tail -n 3
    fail=1
fi
python3 "$ld" "$json" --max-levels 9.5 >/dev/null 2>&1 || { echo "FAIL: --max-levels 9.5 did not pass"; fail=1; }
((fail)) && exit 1
echo "analyzer ok"
