#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs every example through `hopsim run` with the packets of its STF tests as pcap input, then
# has tshark decode every pcap hopsim wrote: no malformed frame, no bad IPv4 checksum, no
# error-level expert info. Frames on the CPU port start with the 2-byte packet_in header of
# router.p4; it is cut off (editcap -C) so tshark sees the Ethernet frame behind it.
# tshark only reads files here (-r); it never captures.
# With RTL_CACHE, every example also runs on the Verilated pipeline (DATA_W 512, models from that
# cache) and those pcaps are checked too.
# usage: tshark_check.sh HOPSIM SOURCE_DIR WORK_DIR [RTL_CACHE]
set -eu
hopsim=$1
src=$2
work=$3
rtl_cache=${4:-}
rm -rf "$work"
mkdir -p "$work"

failures=0
frames=0

# pcap_from_stf NAME STF... : writes $work/NAME/in<PORT>.pcap from the STF `packet` lines.
pcap_from_stf() {
    dir=$work/$1
    shift
    mkdir -p "$dir"
    for stf in "$@"; do
        grep '^packet' "$stf" | while read -r _ port hex; do
            printf '%s\n' "$hex" | tr -d ' ' | sed 's/../& /g; s/^/000000 /' >>"$dir/in$port.txt"
        done
    done
    for txt in "$dir"/in*.txt; do
        text2pcap -q "$txt" "${txt%.txt}.pcap" >/dev/null 2>&1
    done
}

# check_pcap FILE : every frame decodes cleanly.
check_pcap() {
    # Fields: frame, IPv4 checksum status (0 = bad), malformed marker, expert severities.
    bad=$(tshark -Q -n -r "$1" -o ip.check_checksum:TRUE -T fields -e frame.number \
              -e ip.checksum.status -e _ws.malformed -e _ws.expert.severity \
              -e _ws.expert.message 2>/dev/null |
          awk -F'\t' '$3 != "" || $2 ~ /(^|,)0(,|$)/ || $4 ~ /8388608/')
    count=$(tshark -n -r "$1" 2>/dev/null | wc -l)
    frames=$((frames + count))
    if [ -n "$bad" ]; then
        echo "FAIL: $1:"
        echo "$bad"
        failures=$((failures + 1))
    else
        echo "ok: $1 ($count frames)"
    fi
}

# run_engine NAME DIR OUT ENGINE_OPTIONS... -- PROGRAM TABLE_OPTION TABLE_FILE
run_engine() {
    dir=$1
    out_dir=$2
    shift 2
    set -- "$@" --out-dir "$out_dir"
    for pcap in "$dir"/in*.pcap; do
        port=${pcap##*/in}
        set -- "$@" --in "${port%.pcap}=$pcap"
    done
    "$hopsim" run "$@" >"$out_dir.summary.txt"
    cat "$out_dir.summary.txt"
    for out in "$out_dir"/port*.pcap; do
        if [ "${out##*/}" = port510.pcap ]; then
            editcap -F pcap -C 2 "$out" "$out_dir/cpu-frames.pcap" >/dev/null
            check_pcap "$out_dir/cpu-frames.pcap"
        else
            check_pcap "$out"
        fi
    done
}

# run_example NAME PROGRAM TABLE_OPTION TABLE_FILE
run_example() {
    name=$1
    dir=$work/$name
    pcap_from_stf "$name" "$src"/tests/stf/"$name"-*.stf
    run_engine "$dir" "$dir/out" "$2" --engine model "$3" "$4"
    if [ -n "$rtl_cache" ]; then
        mkdir -p "$dir/rtl"
        run_engine "$dir" "$dir/rtl/out" "$2" --engine rtl --data-width 512 \
            --rtl-cache "$rtl_cache" "$3" "$4"
    fi
}

run_example basic "$src/examples/basic.p4" --runtime-json "$src/tests/stf/run/basic.runtime.json"
run_example router "$src/examples/router.p4" --commands "$src/tests/stf/run/router.commands"
run_example tunnel "$src/examples/tunnel.p4" --commands "$src/tests/stf/run/tunnel.commands"
run_example acl "$src/examples/acl.p4" --commands "$src/tests/stf/run/acl.commands"

echo "$frames frames decoded, $failures pcap files with errors"
if [ "$frames" -lt 20 ]; then
    echo "FAIL: too few frames were written to check anything"
    exit 1
fi
[ "$failures" -eq 0 ]
