#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# hopd on a `hopsim serve` board running examples/router.p4 (DATA_W=512, the model tests/stf
# prebuilds), checked through hopctl:
#   - the tables hopd writes from the interface and route files are there, read back through the
#     device (`table dump`: every committed word read back, none differs);
#   - hopctl: route add / del, BMv2 lines, located one-line errors and exit codes;
#   - hopctl load routes / commands / runtime-json at run time, with located errors;
#   - the slow path's limits from hopd's options (shown by stats; as root: ICMP rate limit);
#   - as root with /dev/net/tun: port 1 on a TAP in a network namespace of the test's own
#     (192.0.2.0/24); the namespace pings the router's address with no static ARP: the ARP
#     request and the echo request are punted, hopd answers both; the router learns the host;
#   - hopd killed with SIGKILL and started again continues from its state file: no table
#     written again, every word still reads back, and (as root) pings still answered.
# Without root or /dev/net/tun the namespace parts are left out (the rest still runs).
# Usage: hopd_sim.sh HOPSIM HOPD HOPCTL SOURCE_DIR RTL_CACHE
set -u
HOPSIM=$1 HOPD=$2 HOPCTL=$3 SRC=$4 CACHE=$5
NS=hopdt$$
TAP=hopdt$$
source "$(dirname "$0")/lib.sh"
lib_init hopd-test

WITH_NS=0
if [ "$(id -u)" = 0 ] && [ -c /dev/net/tun ] && command -v ip >/dev/null; then WITH_NS=1; fi
TAPS=()
[ $WITH_NS = 1 ] && TAPS=(--tap "1=$TAP")

start_board "$SRC/examples/router.p4" --rtl-cache "$CACHE" "${TAPS[@]}"

if [ $WITH_NS = 1 ]; then
    ip netns add "$NS" || fail "ip netns add"
    ip link set "$TAP" netns "$NS" || fail "moving $TAP"
    ip -n "$NS" link set "$TAP" address 02:00:00:00:01:01
    ip -n "$NS" addr add 192.0.2.1/24 dev "$TAP"
    ip -n "$NS" link set "$TAP" up
    ip -n "$NS" link set lo up
    ip -n "$NS" route add default via 192.0.2.254
fi

cat > "$T/interfaces" <<'X'
# port address/len mac [mtu]
1 192.0.2.254/24 02:00:00:00:01:fe
2 198.51.100.254/24 02:00:00:00:02:fe mtu 1280
X
cat > "$T/routes" <<'X'
203.0.113.0/24 via 198.51.100.1   # behind the router on port 2
X
start_hopd() {
    "$HOPD" --device "sim:$T/board.sock" --program "$SRC/examples/router.p4" \
        --interfaces "$T/interfaces" --routes "$T/routes" --control "$T/hopd.sock" \
        --icmp-rate 0 --icmp-burst 3 --reassembly-timeout 2.5 --arp-entries 500 \
        >> "$T/hopd.log" 2>&1 &
    HOPD_PID=$!
    # the socket of a killed hopd stays: wait for the ready line
    wait_ready "$T/hopd.log" $HOPD_PID || fail "hopd did not start"
}
start_hopd

# Tables as configured, read back through the device.
ctl route show > "$T/out" || fail "route show"
grep -q '^192.0.2.0/24 dev 1 (connected)$' "$T/out" || fail "connected route: $(cat "$T/out")"
grep -q '^203.0.113.0/24 via 198.51.100.1 (file)$' "$T/out" || fail "file route"
check_dump() {  # check_dump TABLE ENTRIES
    ctl table dump "$1" > "$T/dump" || fail "table dump $1"
    grep -q "^RouterIngress.$1: $2 entries$" "$T/dump" || fail "table $1: $(cat "$T/dump")"
    grep -q "^hardware: .* 0 differ$" "$T/dump" || fail "table $1 read back: $(cat "$T/dump")"
}
check_dump port_mac 2
check_dump egress_mtu 2
check_dump local_addr 2
check_dump ipv4_lpm 3
ctl table dump port_mac | grep -q "hardware: 2 entries valid of" || fail "port_mac not valid in hw"
ctl intf show | grep -q "port 2 198.51.100.254/24 02:00:00:00:02:fe mtu 1280" || fail "intf show"

# hopctl: routes at run time, BMv2 lines, errors.
ctl route add 198.51.100.128/25 dev 2 || fail "route add"
check_dump ipv4_lpm 4
ctl route del 198.51.100.128/25 || fail "route del"
check_dump ipv4_lpm 3
out=$(ctl route del 198.51.100.128/25 2>&1); rc=$?
[ $rc = 1 ] && [ "$out" = "hopctl: error: no route 198.51.100.128/25 to delete" ] ||
    fail "route del twice: rc $rc '$out'"
out=$(ctl table_add nosuch x 1 '=>' 2>&1); rc=$?
[ $rc = 1 ] && [ "$(echo "$out" | wc -l)" = 1 ] || fail "unknown table: rc $rc '$out'"
out=$(ctl route add 10.0.0.0/8 2>&1); rc=$?
[ $rc = 2 ] || fail "usage error: rc $rc '$out'"
# The traffic manager's lines need the switch top (hopd --switch-ports): this is the pipeline.
out=$(ctl mc_mgrp_create 1 2>&1); rc=$?
[ $rc = 1 ] && [ "$out" = "hopctl: error: the traffic manager's commands need the switch top (hopd --switch-ports N, for a board built with hopc --ports N)" ] ||
    fail "mc_mgrp_create on the pipeline top: rc $rc '$out'"
ctl table_add local_addr local_hit 203.0.113.254 '=>' > "$T/out" || fail "table_add"
grep -q "entry handle" "$T/out" || fail "table_add handle: $(cat "$T/out")"
check_dump local_addr 3
ctl stats | grep -q "^board: " || fail "stats"
ctl stats | grep -qF "hopd: limits: ICMP errors 0/s burst 3; reassembly 2.5 s, 4194304 bytes; ARP 500 entries, 3 requests 1 s apart, reachable 60 s" ||
    fail "the slow path's limits: $(ctl stats | grep limits)"
out=$("$HOPD" --device "sim:$T/board.sock" --program x.p4 --icmp-burst -1 2>&1); rc=$?
[ $rc = 2 ] || fail "a negative --icmp-burst: rc $rc '$out'"
ctl counters | grep -q "arp" || fail "counters"

if [ $WITH_NS = 1 ]; then
    ip netns exec "$NS" ping -c 3 -i 0.3 -W 2 192.0.2.254 > "$T/ping" 2>&1 ||
        fail "ping to the router: $(cat "$T/ping")"
    ctl arp show | grep -q "^192.0.2.1 port 1 02:00:00:00:01:01" ||
        fail "arp show: $(ctl arp show)"
    check_dump nexthop 1  # the host, resolved: its next hop and /32 are in hardware
    # ICMP errors are rate limited as configured: rate 0, burst 3 -> 3 of 6 expiring pings
    # get "Time to live exceeded", the other 3 nothing.
    ip netns exec "$NS" ping -n -c 6 -i 0.2 -t 1 -W 1 198.51.100.9 > "$T/ping" 2>&1
    n=$(grep -c "Time to live exceeded" "$T/ping")
    [ "$n" = 3 ] || fail "time exceeded with --icmp-rate 0 --icmp-burst 3: $n, $(cat "$T/ping")"
    ctl counters | grep -qx "slowpath.rate_limited 3" ||
        fail "rate_limited: $(ctl counters | grep rate)"
    check_dump ipv4_lpm 4
fi

# Kill hopd and start it again: it continues from the state file, writes nothing again.
kill -9 $HOPD_PID; wait $HOPD_PID 2>/dev/null; HOPD_PID=
out=$(ctl stats 2>&1); rc=$?
[ $rc = 3 ] || fail "hopctl with hopd down: rc $rc '$out'"
: > "$T/hopd.log"
start_hopd
grep -q "continuing from" "$T/hopd.log" || fail "no continuation"
grep -q "as written" "$T/hopd.log" || fail "no read back at restart"
grep -q " 0 entries written, " "$T/hopd.log" || fail "tables written again at restart"
check_dump port_mac 2
check_dump local_addr 3
# the host route of 192.0.2.1 (learnt from its ARP request) is kept: forwarding goes on
check_dump ipv4_lpm $((3 + WITH_NS))
if [ $WITH_NS = 1 ]; then
    ctl arp show | grep -q "^192.0.2.1 port 1 02:00:00:00:01:01 in hardware from an earlier" ||
        fail "inherited neighbour: $(ctl arp show)"
    ip netns exec "$NS" ping -c 2 -i 0.3 -W 2 192.0.2.254 > "$T/ping" 2>&1 ||
        fail "ping to the router after the restart: $(cat "$T/ping")"
fi
# Files loaded at run time (`hopctl load`, read by hopd; a relative path is hopctl's).
cat > "$T/more-routes" <<'X'
# at run time
198.51.100.64/26 dev 2
203.0.113.128/25 via 198.51.100.2
X
lpm_before=$((3 + WITH_NS))
out=$(cd "$T" && ctl load routes more-routes) || fail "load routes: $out"
[ "$out" = "2 routes added" ] || fail "load routes: '$out'"
ctl route show | grep -q '^203.0.113.128/25 via 198.51.100.2 (runtime)$' || fail "loaded route"
check_dump ipv4_lpm $((lpm_before + 2))
out=$(ctl load routes "$T/more-routes") || fail "load routes again: $out"
[ "$out" = "0 routes added" ] || fail "the same routes again: '$out'"
printf '198.51.100.64/26 dev 1\n' > "$T/clash"
out=$(ctl load routes "$T/clash" 2>&1); rc=$?
[ $rc = 1 ] && [ "$out" = "hopctl: error: $T/clash: error: 198.51.100.64/26 is already routed (198.51.100.64/26 dev 2, runtime)" ] ||
    fail "clashing route file: rc $rc '$out'"
printf '# two entries, the second wrong\ntable_add local_addr local_hit 203.0.113.250 =>\ntable_add local_addr no_such_action 203.0.113.251 =>\n' > "$T/cmds"
out=$(ctl load commands "$T/cmds" 2>&1); rc=$?
[ $rc = 1 ] && [[ "$out" == "hopctl: error: $T/cmds:3:"*"no_such_action"* ]] ||
    fail "commands file with a mistake on line 3: rc $rc '$out'"
check_dump local_addr 4  # line 2 went in before line 3 stopped the load
cat > "$T/entries.json" <<'X'
{"target": "bmv2", "table_entries": [
  {"table": "RouterIngress.local_addr", "match": {"hdr.ipv4.dstAddr": "203.0.113.250"},
   "action_name": "RouterIngress.local_hit", "action_params": {}},
  {"table": "RouterIngress.local_addr", "match": {"hdr.ipv4.dstAddr": "203.0.113.251"},
   "action_name": "RouterIngress.local_hit", "action_params": {}}]}
X
out=$(ctl load runtime-json "$T/entries.json") || fail "load runtime-json: $out"
[ "$out" = "1 table commands applied, 1 identical entries skipped" ] || fail "runtime-json: '$out'"
check_dump local_addr 5
out=$(ctl load runtime-json "$T/nosuch.json" 2>&1); rc=$?
[ $rc = 1 ] && [ "$out" = "hopctl: error: $T/nosuch.json: error: cannot read the file" ] ||
    fail "missing file: rc $rc '$out'"
out=$(ctl load tables "$T/cmds" 2>&1); rc=$?
[ $rc = 2 ] || fail "load of an unknown kind: rc $rc '$out'"
ctl stats > /dev/null || fail "hopd is not answering after the failed loads"

kill $HOPD_PID; wait $HOPD_PID; rc=$?; HOPD_PID=
[ $rc = 0 ] || fail "hopd did not stop cleanly ($rc)"
# --switch-ports on a board that runs the pipeline top: refused before anything is written.
out=$("$HOPD" --device "sim:$T/board.sock" --program "$SRC/examples/router.p4" \
    --switch-ports 8 --control "$T/switch.sock" --exit-after-load 2>&1); rc=$?
[ $rc = 1 ] && echo "$out" | grep -qF "is it the switch top with --switch-ports 8?" ||
    fail "--switch-ports on the pipeline top: rc $rc '$out'"
echo "PASS (namespace parts: $WITH_NS)"
