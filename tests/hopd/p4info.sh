#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# hopd given a hopc output directory reads the packet_in / packet_out layout and the table
# names from its <prog>.p4info.json (checked against the source compiled again), and programs
# a `hopsim serve` board with it; a P4Info that is missing, malformed, lacks a controller
# header field or no longer describes the source is refused with one error naming the file
# (exit 1, before the board is touched).
# Usage: p4info.sh HOPC HOPSIM HOPD HOPCTL SOURCE_DIR RTL_CACHE
set -u
HOPC=$1 HOPSIM=$2 HOPD=$3 HOPCTL=$4 SRC=$5 CACHE=$6
T=$(mktemp -d /tmp/hopd-p4info.XXXXXX)
BOARD_PID=
fail() { echo "FAIL: $*"; exit 1; }
cleanup() {
    [ -n "$BOARD_PID" ] && kill "$BOARD_PID" 2>/dev/null && wait "$BOARD_PID" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT

"$HOPC" "$SRC/examples/router.p4" -o "$T/out" > "$T/hopc.log" 2>&1 || fail "hopc: $(cat "$T/hopc.log")"
[ -f "$T/out/router.p4info.json" ] || fail "hopc wrote no router.p4info.json: $(ls "$T/out")"
cat > "$T/interfaces" <<'X'
1 192.0.2.254/24 02:00:00:00:01:fe
2 198.51.100.254/24 02:00:00:00:02:fe
X

# Refused before the board (there is none at this path).
refused() {  # refused DIR MESSAGE: hopd exits 1 with exactly MESSAGE
    local out rc
    out=$("$HOPD" --device "sim:$T/none.sock" --program "$1" --control "$T/none.ctl" 2>&1)
    rc=$?
    [ $rc = 1 ] && [ "$out" = "$2" ] || fail "$1: rc $rc, '$out' (expected '$2')"
}
variant() {  # variant NAME SED-SCRIPT: a copy of the output directory with its P4Info edited
    cp -r "$T/out" "$T/$1"
    sed -i "$2" "$T/$1/router.p4info.json"
}
variant noreason 's/"name": "reason"/"name": "why"/'
refused "$T/noreason" "$T/noreason/router.p4info.json: error: controllerPacketMetadata packet_in {ingress_port:9, why:7} has no field 'reason'"
variant nometa 's/"controllerPacketMetadata"/"somethingElse"/'
refused "$T/nometa" "$T/nometa/router.p4info.json: error: no controllerPacketMetadata 'packet_in' (hopd needs a header annotated @controller_header(\"packet_in\"); router.p4's are packet_in {ingress_port:9, reason:7} and packet_out {egress_port:9, _pad:7})"
variant badjson '1s/^{/[/'
refused "$T/badjson" "$T/badjson/router.p4info.json: error: malformed JSON"
variant stale 's/"alias": "egress_mtu"/"alias": "mtu"/'
refused "$T/stale" "$T/stale/router.p4info.json: error: does not describe $SRC/examples/router.p4 as it compiles now (packet_in {ingress_port:9, reason:7}, packet_out {egress_port:9, _pad:7}; compile the program again with hopc)"
cp -r "$T/out" "$T/none" && rm "$T/none/router.p4info.json"
refused "$T/none" "$T/none: error: no PROGRAM.p4info.json in this hopc output directory (hopd reads the packet_in / packet_out layout from it); compile the program again with hopc"

# The output directory on a board: its P4Info is what hopd uses.
"$HOPSIM" serve "$SRC/examples/router.p4" --socket "$T/board.sock" --rtl-cache "$CACHE" \
    > "$T/board.log" 2>&1 &
BOARD_PID=$!
for _ in $(seq 1 600); do
    [ -S "$T/board.sock" ] && break
    kill -0 $BOARD_PID 2>/dev/null || break
    sleep 0.1
done
[ -S "$T/board.sock" ] || fail "the board did not start: $(cat "$T/board.log")"
"$HOPD" --device "sim:$T/board.sock" --program "$T/out" --interfaces "$T/interfaces" \
    --control "$T/hopd.ctl" --exit-after-load > "$T/hopd.log" 2>&1 || fail "hopd: $(cat "$T/hopd.log")"
grep -qx "hopd: $T/out/router.p4info.json: packet_in {ingress_port:9, reason:7}, packet_out {egress_port:9, _pad:7}" \
    "$T/hopd.log" || fail "P4Info not read: $(cat "$T/hopd.log")"
grep -q "tables as configured: 2 interfaces, 2 routes, 8 entries written" "$T/hopd.log" ||
    fail "tables: $(cat "$T/hopd.log")"
echo "PASS"
