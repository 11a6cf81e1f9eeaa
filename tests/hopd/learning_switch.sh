#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# examples/learning_switch.p4 learning MAC addresses through digests, end to end: two hosts in
# network namespaces of the test's own (192.0.2.1 and 192.0.2.2, IPv6 off), each on a TAP port
# of a `hopsim serve` board (ports 1 and 2, the RTL at DATA_W 64), and hopd --no-router with
# two --on-digest templates (smac learns the source, dmac forwards to its port):
#   - bad templates (a member no digest has, a lone '{', a line that does not parse), a
#     template for a program without digests and --no-router with router options are errors
#     at start-up (located for templates: --on-digest:N:COLUMN), exit code 1;
#   - h1 pings h2: the first frames (ARP, flooded to the other port) send digests, hopd adds
#     the entries, the pings are answered;
#   - `hopctl digests` lists h1's digest, then h2's (`digest N: TYPE member=0x... ...`, in
#     order, and the totals: none dropped);
#     `hopctl table dump dmac` holds both MACs on their ports, read back from the hardware;
#   - once learned, more pings send no digest (smac hits);
#   - a host that lags: with hopd stopped (SIGSTOP), 80 frames from new source MACs fill the
#     board's 64-entry digest FIFO; once hopd runs again, `hopctl digests` has 64 more and
#     "16 dropped by the board".
# Root and /dev/net/tun only (else skipped: exit code 77).
# Usage: learning_switch.sh HOPSIM HOPD HOPCTL SOURCE_DIR RTL_CACHE
set -u
HOPSIM=$1 HOPD=$2 HOPCTL=$3 SRC=$4 CACHE=$5
if [ "$(id -u)" != 0 ] || [ ! -c /dev/net/tun ] || ! command -v ip > /dev/null; then
    echo "SKIP: needs root, /dev/net/tun and ip"
    exit 77
fi
NSA=hopls$$a NSB=hopls$$b
NS="$NSA $NSB"
TAPA=hoplsa$$ TAPB=hoplsb$$
source "$(dirname "$0")/lib.sh"
lib_init hopd-learning
P4=$SRC/examples/learning_switch.p4
LEARN=(--on-digest 'table_add smac NoAction {srcAddr} =>'
       --on-digest 'table_add dmac forward {srcAddr} => {ingress_port}')

# A bad template: located, before the board is touched.
out=$("$HOPD" --device "sim:$T/none.sock" --program "$P4" --no-router --control "$T/none.ctl" \
    --on-digest 'table_add dmac forward {dstAddr} => {ingress_port}' 2>&1)
rc=$?
expected="--on-digest:1:25: error: unknown digest field 'dstAddr' (mac_learn_digest_t has srcAddr ingress_port)"
[ $rc = 1 ] && [ "$(echo "$out" | tail -1)" = "$expected" ] || fail "bad template: rc $rc, '$out'"
refused() {  # refused EXPECTED-LAST-LINE HOPD-ARGS...: exit code 1 and that line, no board
    local out rc
    out=$("$HOPD" --device "sim:$T/none.sock" --control "$T/none.ctl" "${@:2}" 2>&1)
    rc=$?
    [ $rc = 1 ] && [ "$(echo "$out" | tail -1)" = "$1" ] || fail "${*:2}: rc $rc, '$out'"
}
refused "--on-digest:2:25: error: '{' without its '}'" --program "$P4" --no-router \
    --on-digest 'table_add smac NoAction {srcAddr} =>' --on-digest 'table_add smac NoAction {srcAddr =>'
refused "--on-digest:1:11: error: unknown table 'nosuch'" --program "$P4" --no-router \
    --on-digest 'table_add nosuch NoAction {srcAddr} =>'
refused "hopd: error: --on-digest: router sends no digests" --program "$SRC/examples/router.p4" \
    --on-digest 'table_add smac NoAction {srcAddr} =>'
refused "hopd: error: --no-router takes no --interfaces, --routes, --full-table or --fib-sync (they program router.p4's tables)" \
    --program "$P4" --no-router --interfaces /dev/null

"$HOPSIM" build "$P4" --data-width 64 --rtl-cache "$CACHE" > "$T/build.log" 2>&1 ||
    { cat "$T/build.log"; fail "the program does not build"; }
start_board "$P4" --data-width 64 --rtl-cache "$CACHE" --tap "1=$TAPA" --tap "2=$TAPB"
host() {  # host NS TAP ADDRESS MAC
    ip netns add "$1" || fail "ip netns add $1"
    ip link set "$2" netns "$1" || fail "moving $2"
    ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
    ip netns exec "$1" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
    ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1"
    ip -n "$1" link set "$2" address "$4"
    ip -n "$1" addr add "$3/24" dev "$2"
    ip -n "$1" link set "$2" up
    ip -n "$1" link set lo up
}
host "$NSA" "$TAPA" 192.0.2.1 02:00:00:00:01:01
host "$NSB" "$TAPB" 192.0.2.2 02:00:00:00:02:02

"$HOPD" --device "sim:$T/board.sock" --program "$P4" --no-router --control "$T/hopd.sock" \
    "${LEARN[@]}" >> "$T/hopd.log" 2>&1 &
HOPD_PID=$!
wait_ready "$T/hopd.log" $HOPD_PID || fail "hopd did not start"

ip netns exec "$NSA" ping -c 3 -i 0.2 -W 2 192.0.2.2 > "$T/ping" 2>&1 ||
    fail "h1 cannot ping h2: $(cat "$T/ping")"
ctl digests > "$T/digests" 2>&1 || fail "hopctl digests: $(cat "$T/digests")"
# h1's ARP request comes first, then h2's reply (frames the TAPs sent before the test set
# their MACs may come before them).
first() { grep -n ": mac_learn_digest_t srcAddr=$1 ingress_port=$2\$" "$T/digests" | head -1 | cut -d: -f1; }
h1=$(first 0x20000000101 0x1) h2=$(first 0x20000000202 0x2)
[ -n "$h1" ] && [ -n "$h2" ] && [ "$h1" -lt "$h2" ] ||
    fail "h1's and h2's digests, in this order: $(cat "$T/digests")"
grep -q ' digests received (.* shown), 0 dropped by the board$' "$T/digests" ||
    fail "hopctl digests totals: $(cat "$T/digests")"
ctl table dump dmac > "$T/dmac" 2>&1 || fail "table dump dmac: $(cat "$T/dmac")"
grep -q 'dstAddr=0x20000000101 -> LsIngress.forward(port=1)$' "$T/dmac" &&
    grep -q 'dstAddr=0x20000000202 -> LsIngress.forward(port=2)$' "$T/dmac" &&
    grep -q '^hardware: .* read back, 0 differ$' "$T/dmac" ||
    fail "dmac does not hold h1 on port 1 and h2 on port 2 as written: $(cat "$T/dmac")"

# Learned: more pings send no digest.
before=$(tail -1 "$T/digests")
ip netns exec "$NSB" ping -c 3 -i 0.2 -W 2 192.0.2.1 > "$T/ping" 2>&1 ||
    fail "h2 cannot ping h1: $(cat "$T/ping")"
after=$(ctl digests | tail -1)
[ "$before" = "$after" ] || fail "digests after learning: '$before' then '$after'"

# A host that lags: hopd stopped (everything popped before), 80 frames from new source MACs
# (raw, from h1) reach h2 flooded; the FIFO keeps 64 digests and the board counts 16 dropped.
received() { ctl digests | tail -1 | cut -d' ' -f1; }
n0=$(received)
kill -STOP "$HOPD_PID"
rx() { ip netns exec "$NSB" cat "/sys/class/net/$TAPB/statistics/rx_packets"; }
rx0=$(rx)
ip netns exec "$NSA" python3 - "$TAPA" <<'PY' || { kill -CONT "$HOPD_PID"; fail "raw frames"; }
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
for i in range(80):
    s.send(bytes.fromhex("ffffffffffff020000001000")[:11] + bytes([i]) + b"\x88\xb5" + bytes(46))
PY
until_true 200 [ $(($(rx) - rx0)) -ge 80 ] ||
    { kill -CONT "$HOPD_PID"; fail "h2 received $(($(rx) - rx0)) of the 80 flooded frames"; }
kill -CONT "$HOPD_PID"
last=$(ctl digests | tail -1)
[ "$last" = "$((n0 + 64)) digests received ($((n0 + 64)) shown), 16 dropped by the board" ] ||
    fail "after 80 digests while hopd was stopped: '$last' (had $n0)"
echo "learning_switch: $after; then $last; dmac: $(head -1 "$T/dmac")"
echo PASS
