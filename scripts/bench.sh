#!/usr/bin/env bash
# Builds hopline (scripts/build.sh) and runs every benchmark in bench/ in turn: lpm_bench,
# hopc_bench, pipeline_bench, then the SystemC board's line-rate report (bench/board_linerate.sh),
# the full-table run (bench/full_table.sh) and the logic depth of the examples at DATA_W=512
# (bench/timing_report.sh: Yosys, about 7-11 minutes per program; HOP_BENCH_TIMING=0 skips it).
# Extra arguments go to pipeline_bench (frames, programs).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh"
rc=0
for bench in lpm_bench hopc_bench pipeline_bench; do
    echo "=== $bench"
    args=()
    if [ "$bench" = pipeline_bench ]; then args=("$@"); fi
    "$root/build/bin/$bench" "${args[@]}" || rc=1
    echo
done
echo "=== board_linerate"
"$root/bench/board_linerate.sh" "$root/build" || rc=1
echo "=== full_table"; "$root/bench/full_table.sh" "$root/build" || rc=1
if [ "${HOP_BENCH_TIMING:-1}" != 0 ]; then
    echo "=== timing_report"; "$root/bench/timing_report.sh" "$root/build" || rc=1
fi
exit $rc
