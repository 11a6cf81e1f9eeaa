#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# hopd given a hopc output directory reads the packet_in / packet_out layout and the table
# names from its <prog>.p4info.json, and programs a `hopsim serve` board with it. Refused with
# one error naming the file (exit 1, before the board is touched): a P4Info edited after hopc
# wrote it (the manifest's hash of it differs), missing; and, edited with the manifest made to
# agree, one that is malformed, lacks a controller header field, or names hopd's tables
# otherwise.
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
rehash() {  # rehash DIR: the manifest's hash of router.p4info.json (FNV-1a 64) made the file's
    python3 - "$1" <<'PY'
import json, sys
d = sys.argv[1]
h = 0xcbf29ce484222325
for c in open(d + "/router.p4info.json", "rb").read():
    h = ((h ^ c) * 0x100000001b3) & 0xffffffffffffffff
m = json.load(open(d + "/manifest.json"))
m["files"]["router.p4info.json"] = "0x%016x" % h
json.dump(m, open(d + "/manifest.json", "w"), indent=2)
PY
}
variant() {  # variant NAME SED-SCRIPT: a copy of the output directory with its P4Info edited
    cp -r "$T/out" "$T/$1"
    sed -i "$2" "$T/$1/router.p4info.json"
    rehash "$T/$1"
}
# Edited behind hopc's back: the manifest says so.
cp -r "$T/out" "$T/edited"
sed -i 's/"alias": "egress_mtu"/"alias": "mtu"/' "$T/edited/router.p4info.json"
out=$("$HOPD" --device "sim:$T/none.sock" --program "$T/edited" --control "$T/none.ctl" 2>&1)
rc=$?
[ $rc = 1 ] && [[ "$out" == "$T/edited/router.p4info.json: error: differs from what hopc wrote ("*"); compile the program again" ]] ||
    fail "edited P4Info: rc $rc, '$out'"
variant noreason 's/"name": "reason"/"name": "why"/'
refused "$T/noreason" "$T/noreason/router.p4info.json: error: controllerPacketMetadata packet_in {ingress_port:9, why:7} has no field 'reason'"
variant nometa 's/"controllerPacketMetadata"/"somethingElse"/'
refused "$T/nometa" "$T/nometa/router.p4info.json: error: no controllerPacketMetadata 'packet_in' (hopd needs a header annotated @controller_header(\"packet_in\"); router.p4's are packet_in {ingress_port:9, reason:7} and packet_out {egress_port:9, _pad:7})"
variant badjson '1s/^{/[/'
out=$("$HOPD" --device "sim:$T/none.sock" --program "$T/badjson" --control "$T/none.ctl" 2>&1)
rc=$?
[ $rc = 1 ] && [ "$(echo "$out" | wc -l)" = 1 ] &&
    [[ "$out" == "$T/badjson/router.p4info.json: error: malformed JSON"* ]] ||
    fail "$T/badjson: rc $rc, '$out'"
variant stale 's/"alias": "egress_mtu"/"alias": "mtu"/'
out=$("$HOPD" --device "sim:$T/none.sock" --program "$T/stale" --control "$T/none.ctl" 2>&1)
rc=$?
[ $rc = 1 ] && [ "$(echo "$out" | tail -1)" = "hopd: error: $T/stale/router.p4info.json has no table 'egress_mtu' (hopd runs router.p4's tables: port_mac, local_addr, ipv4_lpm, nexthop, egress_mtu)" ] ||
    fail "$T/stale: rc $rc, '$out'"
cp -r "$T/out" "$T/none" && rm "$T/none/router.p4info.json"
refused "$T/none" "$T/none: error: router.p4info.json is missing (not a complete hopc output directory)"

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
