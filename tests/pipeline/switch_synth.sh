#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The generated v1model switch top (hopc --ports N) through Yosys: elaboration, proc and coarse
# synthesis (`synth -run begin:fine`: memory inference, no mapping to gates) with no latch
# anywhere, and the traffic manager's storage inferred as memories, not registers: the packet
# buffer, the queues and the replication tables each keep at least one $mem_v2 (rtl.memories.*
# maps each block's to block RAM / UltraRAM for UltraScale+).
#
# usage: switch_synth.sh TOP GENERATED_RTL_DIR LIBRARY_RTL_DIR WORK_DIR
set -eu
top=$1 gen=$2 lib=$3 work=$4
mkdir -p "$work"
files=$(ls "$gen"/*.sv "$lib"/*.sv | tr '\n' ' ')
yosys -q -p "read_verilog -sv $files; hierarchy -check -top $top; proc; opt;
    select -assert-none t:\$dlatch t:\$adlatch t:\$dlatchsr;
    synth -top $top -run begin:fine; select -assert-none t:\$_DLATCH_* t:\$_DLATCHSR_*;
    tee -q -o $work/stat.txt stat" > "$work/yosys.log" 2>&1 || {
    tail -20 "$work/yosys.log"
    echo "FAIL: Yosys (a latch, or an elaboration error)"
    exit 1
}
status=0
for block in hop_packet_buffer hop_queue_set hop_replicator; do
    n=$(awk -v b="$block" '/^=== /{m = ($2 ~ ("\\\\" b "$"))} m && /\$mem_v2/{s += $2} END{print s + 0}' "$work/stat.txt")
    echo "$block: $n memories"
    [ "$n" -ge 1 ] || { echo "FAIL: $block's storage is not a memory"; status=1; }
done
[ $status -eq 0 ] && echo "PASS: $top has no latch, and its buffer, queues and replication tables are memories"
exit $status
