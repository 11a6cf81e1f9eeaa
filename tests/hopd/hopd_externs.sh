#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Counters and registers from the control plane, end to end: hopctl -> hopd -> the device socket
# -> a `hopsim serve` board's hop_register blocks. The program is examples/router.p4 with two
# externs added (by sed, so it follows router.p4): every IPv4 frame that passes the router's
# layer-2 admission counts in `ipv4_in` (packets_and_bytes) at its ingress port and adds 1 to
# the register `ipv4_seen` at that index. Checked against BMv2's semantics and CLI text:
#   - register write through hopctl (short name), read back (full name), BMv2's `NAME[I]= V`;
#   - as root with /dev/net/tun: port 1 is a TAP in a namespace of the test's own
#     (192.0.2.0/24, IPv6 off so nothing else is sent); 3 pings of the router's address are 3
#     IPv4 frames of 98 bytes on port 1: the counter reads `packets=3, bytes=294` and the
#     register 1000 + 3 (the ARP exchange is not IPv4; hopd's replies come from the CPU and
#     leave before the count);
#   - counter_reset / register_reset, register_read of the whole array;
#   - `hopctl load commands` with extern lines (their output in the reply) and a located error;
#   - bad commands (unknown name, index past the end, value too wide, wrong kind, usage) are
#     one-line errors with exit code 1, and hopd keeps running;
#   - `hopsim load` on a fresh board: the same lines through the device socket, the lines before
#     a bad one applied and printed, then its located error.
# Usage: hopd_externs.sh HOPSIM HOPD HOPCTL SOURCE_DIR RTL_CACHE
set -u
HOPSIM=$1 HOPD=$2 HOPCTL=$3 SRC=$4 CACHE=$5
NS=hopxt$$
TAP=hopxt$$
source "$(dirname "$0")/lib.sh"
lib_init hopd-externs

P4=$T/router_externs.p4
sed -e '/^    action drop() {$/i\
    counter(512, CounterType.packets_and_bytes) ipv4_in;\
    register<bit<32>>(512) ipv4_seen;\
' -e '/^        if (hdr.ipv4.ihl > 5) {$/i\
        ipv4_in.count((bit<32>)standard_metadata.ingress_port);\
        bit<32> seen;\
        ipv4_seen.read(seen, (bit<32>)standard_metadata.ingress_port);\
        ipv4_seen.write((bit<32>)standard_metadata.ingress_port, seen + 1);\
' "$SRC/examples/router.p4" > "$P4"
[ "$(grep -c 'ipv4_in\|ipv4_seen' "$P4")" = 5 ] || fail "router.p4 changed: the sed anchors moved"

WITH_NS=0
if [ "$(id -u)" = 0 ] && [ -c /dev/net/tun ] && command -v ip >/dev/null; then WITH_NS=1; fi
TAPS=()
[ $WITH_NS = 1 ] && TAPS=(--tap "1=$TAP")

# Verilate into the cache first: a new program takes longer than a board's start may.
: > "$T/empty.stf"
"$HOPSIM" stf --engine rtl --data-width 64 --rtl-cache "$CACHE" "$P4" "$T/empty.stf" \
    > "$T/build.log" 2>&1 || { cat "$T/build.log"; fail "the program does not build"; }
start_board "$P4" --data-width 64 --rtl-cache "$CACHE" "${TAPS[@]}"

if [ $WITH_NS = 1 ]; then
    ip netns add "$NS" || fail "ip netns add"
    ip link set "$TAP" netns "$NS" || fail "moving $TAP"
    ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
    ip netns exec "$NS" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
    ip netns exec "$NS" sysctl -qw "net.ipv6.conf.$TAP.disable_ipv6=1"
    ip -n "$NS" link set "$TAP" address 02:00:00:00:01:01
    ip -n "$NS" addr add 192.0.2.1/24 dev "$TAP"
    ip -n "$NS" link set "$TAP" up
    ip -n "$NS" link set lo up
fi

cat > "$T/interfaces" <<'X'
1 192.0.2.254/24 02:00:00:00:01:fe
2 198.51.100.254/24 02:00:00:00:02:fe
X
"$HOPD" --device "sim:$T/board.sock" --program "$P4" --interfaces "$T/interfaces" \
    --control "$T/hopd.sock" >> "$T/hopd.log" 2>&1 &
HOPD_PID=$!
wait_ready "$T/hopd.log" $HOPD_PID || fail "hopd did not start"

expect_out() {  # expect_out EXPECTED COMMAND...: the output must be exactly EXPECTED
    local out
    out=$(ctl "${@:2}" 2>&1) || fail "$*: $out"
    [ "$out" = "$1" ] || fail "$*: got '$out', expected '$1'"
}
expect_error() {  # expect_error MESSAGE COMMAND...: exit code 1, stderr contains MESSAGE
    local rc
    ctl "${@:2}" > "$T/out" 2> "$T/err"
    rc=$?
    [ $rc = 1 ] || fail "$*: exit code $rc, expected 1 ($(cat "$T/out" "$T/err"))"
    grep -qF -- "$1" "$T/err" || fail "$*: error '$(cat "$T/err")', expected '$1'"
}

# Every cell starts at 0; a write through hopctl reads back (BMv2: `NAME[I]= V`, the name as
# given).
expect_out "RouterIngress.ipv4_in[1]=  BmCounterValue(bytes=0, packets=0)" \
    counter read RouterIngress.ipv4_in 1
expect_out "" register write ipv4_seen 1 1000
expect_out "RouterIngress.ipv4_seen[1]= 1000" register_read RouterIngress.ipv4_seen 1
expect_out "ipv4_seen[0]= 0" register read ipv4_seen 0

if [ $WITH_NS = 1 ]; then
    ip netns exec "$NS" ping -c 3 -i 0.2 -W 2 192.0.2.254 > "$T/ping" 2>&1 ||
        fail "ping of the router: $(cat "$T/ping")"
    # 3 echo requests of 98 bytes (14 Ethernet + 20 IPv4 + 8 ICMP + 56 data) on port 1.
    expect_out "ipv4_in[1]=  BmCounterValue(bytes=294, packets=3)" counter_read ipv4_in 1
    expect_out "ipv4_seen[1]= 1003" register_read ipv4_seen 1
    # Nothing else was counted: not on port 2, not from the CPU (hopd's replies).
    expect_out "ipv4_in[510]=  BmCounterValue(bytes=0, packets=0)" counter_read ipv4_in 510
    expect_out "ipv4_in[2]=  BmCounterValue(bytes=0, packets=0)" counter_read ipv4_in 2
fi

# Resets: every cell to 0.
expect_out "" counter reset ipv4_in
expect_out "ipv4_in[1]=  BmCounterValue(bytes=0, packets=0)" counter_read ipv4_in 1
expect_out "" register_write ipv4_seen 511 0xffffffff
expect_out "ipv4_seen[511]= 4294967295" register read ipv4_seen 511
expect_out "" register reset ipv4_seen
expect_out "ipv4_seen[1]= 0" register_read ipv4_seen 1
ctl register read ipv4_seen > "$T/all" || fail "register read of every cell"
[ "$(grep -o ', 0' "$T/all" | wc -l)" = 511 ] && grep -q '^ipv4_seen= 0, 0, ' "$T/all" ||
    fail "register read of every cell: $(head -c 200 "$T/all")"

# A command file at run time: extern lines in order with table lines, their output returned.
cat > "$T/cmds" <<'X'
register_write ipv4_seen 2 7
# a comment
register_read ipv4_seen 2
counter_read RouterIngress.ipv4_in 2
X
ctl load commands "$T/cmds" > "$T/out" || fail "load commands: $(cat "$T/out")"
grep -qx "ipv4_seen\[2\]= 7" "$T/out" || fail "load commands: $(cat "$T/out")"
grep -qx "RouterIngress.ipv4_in\[2\]=  BmCounterValue(bytes=0, packets=0)" "$T/out" ||
    fail "load commands: $(cat "$T/out")"
printf 'register_write ipv4_seen 3 1\nregister_write ipv4_seen 512 1\n' > "$T/bad"
expect_error "$T/bad:2:26: error: index 512 is past the end of register RouterIngress.ipv4_seen (size 512)" \
    load commands "$T/bad"
expect_out "ipv4_seen[3]= 1" register_read ipv4_seen 3  # the line before the error stays

# Bad commands: one-line errors, hopd keeps running.
expect_error "the program has no counter named 'nope'" counter read nope 1
expect_error "index 512 is past the end of counter RouterIngress.ipv4_in (size 512)" \
    counter_read ipv4_in 512
expect_error "value '0x100000000' does not fit in 32 bits" register write ipv4_seen 0 0x100000000
expect_error "RouterIngress.ipv4_seen is a register, not a counter" counter_reset ipv4_seen
expect_error "RouterIngress.ipv4_in is a counter, not a meter" meter array-set-rates ipv4_in 1:10 2:20
expect_error "the program has no meter named 'm'" meter_set_rates m 0 1:10 2:20
ctl counter read ipv4_in > "$T/out" 2> "$T/err"
[ $? = 2 ] && grep -q "usage: counter read NAME INDEX" "$T/err" || fail "usage: $(cat "$T/err")"
kill -0 $HOPD_PID || fail "hopd stopped"
ctl stats > /dev/null || fail "stats after the errors"

# `hopsim load`: the same lines through the device socket of a fresh board, without hopd.
kill $HOPD_PID && wait $HOPD_PID 2>/dev/null
HOPD_PID=
kill $BOARD_PID && wait $BOARD_PID 2>/dev/null
BOARD_PID=
start_board "$P4" --data-width 64 --rtl-cache "$CACHE"
# The lines before a bad one run (the board keeps them), then the located error, exit code 1.
printf 'register_write ipv4_seen 5 9\nregister_read RouterIngress.ipv4_seen 5\ncounter_read ipv4_in 5\ncounter_read ipv4_in 600\n' \
    > "$T/load"
"$HOPSIM" load "$P4" --socket "$T/board.sock" "$T/load" > "$T/out" 2>&1
rc=$?
grep -qx "RouterIngress.ipv4_seen\[5\]= 9" "$T/out" &&
    grep -qx "ipv4_in\[5\]=  BmCounterValue(bytes=0, packets=0)" "$T/out" ||
    fail "hopsim load: $(cat "$T/out")"
[ $rc = 1 ] &&
    grep -qF "$T/load:4:22: error: index 600 is past the end of counter RouterIngress.ipv4_in" "$T/out" ||
    fail "hopsim load of a bad line (exit code $rc): $(cat "$T/out")"
echo PASS
