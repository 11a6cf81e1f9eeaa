#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The live board end to end: `hopsim serve examples/basic.p4` with ports 1 and 2 on TAP
# interfaces, each TAP moved into a network namespace of its own, ipv4_lpm entries loaded through
# the device socket (`hopsim load`), and Linux ping crossing the Verilated pipeline. Then a client
# that keeps reading CSRs is killed with SIGKILL while a ping runs, and pings still cross.
#
# usage: tap_ping.sh HOPSIM DEVICE_CLIENT SOURCE_DIR RTL_CACHE
# Exit 0 pass, 1 fail, 77 skipped (not root, no /dev/net/tun, no network namespaces).
set -u

hopsim=$1
client=$2
source_dir=$3
rtl_cache=$4

source "$source_dir/tests/serve/lib.sh"

# Names unique per process: namespaces and interfaces (at most 15 characters).
id=$$
ns1=hopsrv1_$id
ns2=hopsrv2_$id
tap1=hopt1_$id
tap2=hopt2_$id
work=$(mktemp -d "${TMPDIR:-/tmp}/hop_tap_ping.XXXXXX")
sock=$work/board.sock
serve_pid=
client_pid=
ping_pid=

cleanup() {
    [ -n "$ping_pid" ] && kill "$ping_pid" 2>/dev/null
    [ -n "$client_pid" ] && kill -KILL "$client_pid" 2>/dev/null
    if [ -n "$serve_pid" ] && kill -0 "$serve_pid" 2>/dev/null; then
        kill -TERM "$serve_pid" 2>/dev/null
        for _ in $(seq 100); do kill -0 "$serve_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$serve_pid" 2>/dev/null
    fi
    ip netns del "$ns1" 2>/dev/null
    ip netns del "$ns2" 2>/dev/null
    # The TAPs belong to hopsim's file descriptors and vanish with it; left in the root namespace
    # only when the test failed before moving them.
    ip link del "$tap1" 2>/dev/null
    ip link del "$tap2" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ip netns add "$ns1" 2>/dev/null || skip "cannot create network namespaces here"
ip netns add "$ns2" || fail "ip netns add $ns2"

# 1. The board.
"$hopsim" serve "$source_dir/examples/basic.p4" --socket "$sock" --tap "1=$tap1" --tap "2=$tap2" \
    --data-width 512 --rtl-cache "$rtl_cache" >"$work/serve.out" 2>"$work/serve.err" &
serve_pid=$!
wait_board "$serve_pid" "$sock" 60
cat "$work/serve.out"

# 2. One namespace per port: 192.0.2.1/24 behind port 1, 198.51.100.1/24 behind port 2, each
# with the board as its gateway (.254) and a static ARP entry for it.
setup_ns() {  # ns tap mac address gateway gateway_mac
    local ns=$1 tap=$2 mac=$3 addr=$4 gw=$5 gwmac=$6
    ip link set "$tap" netns "$ns" || fail "moving $tap into $ns"
    ip -n "$ns" link set lo up
    ip -n "$ns" link set "$tap" address "$mac"
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 >/dev/null 2>&1
    ip -n "$ns" addr add "$addr/24" dev "$tap"
    ip -n "$ns" link set "$tap" up || fail "bringing $tap up in $ns"
    ip -n "$ns" route add default via "$gw" dev "$tap" || fail "default route in $ns"
    ip -n "$ns" neigh replace "$gw" lladdr "$gwmac" dev "$tap" nud permanent ||
        fail "static ARP entry in $ns"
}
setup_ns "$ns1" "$tap1" 02:00:00:00:01:01 192.0.2.1 192.0.2.254 02:00:00:00:01:fe
setup_ns "$ns2" "$tap2" 02:00:00:00:02:02 198.51.100.1 198.51.100.254 02:00:00:00:02:fe

# 3. Routes through the socket: basic.p4 rewrites the destination MAC to the entry's and
# decrements the TTL.
cat >"$work/routes.txt" <<'EOF'
# basic.p4: ipv4_forward(dstAddr, port)
table_add MyIngress.ipv4_lpm ipv4_forward 198.51.100.1/32 => 02:00:00:00:02:02 2
table_add MyIngress.ipv4_lpm ipv4_forward 192.0.2.1/32 => 02:00:00:00:01:01 1
EOF
"$hopsim" load "$source_dir/examples/basic.p4" --socket "$sock" "$work/routes.txt" ||
    fail "hopsim load"

# 4. ping across the pipeline.
echo "--- ping -c 3 198.51.100.1 from $ns1"
timeout 30 ip netns exec "$ns1" ping -c 3 -i 0.2 -W 2 198.51.100.1 >"$work/ping1.txt" 2>&1
rc=$?
cat "$work/ping1.txt"
[ $rc -eq 0 ] || fail "ping did not cross the board"
grep -q "3 packets transmitted, 3 received" "$work/ping1.txt" || fail "ping lost packets"
# The reply came back through the board: TTL 64 - 1.
grep -q "ttl=63" "$work/ping1.txt" || fail "the replies did not cross the pipeline (TTL)"

# 5. A client that keeps reading CSRs, killed with SIGKILL while a ping runs.
"$client" "sim:$sock" read-loop 0 60 >"$work/client.txt" 2>&1 &
client_pid=$!
for _ in $(seq 100); do grep -q connected "$work/client.txt" 2>/dev/null && break; sleep 0.1; done
grep -q connected "$work/client.txt" || fail "the CSR client did not connect: $(cat "$work/client.txt")"
echo "--- ping -c 20 while the CSR client is killed"
timeout 60 ip netns exec "$ns1" ping -c 20 -i 0.1 -W 2 198.51.100.1 >"$work/ping2.txt" 2>&1 &
ping_pid=$!
sleep 0.5
kill -KILL "$client_pid"
wait "$client_pid" 2>/dev/null
client_pid=
echo "CSR client killed with SIGKILL"
wait "$ping_pid"
rc=$?
ping_pid=
cat "$work/ping2.txt"
[ $rc -eq 0 ] || fail "ping failed while the client was killed"
grep -q "20 packets transmitted, 20 received" "$work/ping2.txt" ||
    fail "pings were lost around the client's death"

echo "--- ping -c 3 after the client's death"
timeout 30 ip netns exec "$ns2" ping -c 3 -i 0.2 -W 2 192.0.2.1 >"$work/ping3.txt" 2>&1
rc=$?
cat "$work/ping3.txt"
[ $rc -eq 0 ] && grep -q "3 packets transmitted, 3 received" "$work/ping3.txt" ||
    fail "ping no longer crosses after the client was killed"

# 6. Idle with TAPs attached, and after one TAP's namespace (and with it the interface) is
# deleted: no busy loop. utime + stime over 2 s, in clock ticks (100 per second here).
cpu_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$serve_pid/stat"; }
idle_check() {  # what
    sleep 0.5
    local before after hz
    hz=$(getconf CLK_TCK)
    before=$(cpu_ticks)
    sleep 2
    after=$(cpu_ticks)
    echo "idle board, $1: $((after - before)) ticks of CPU in 2 s ($hz per second)"
    # A busy loop costs about 2 s of CPU in 2 s; allow 5 %.
    [ $((after - before)) -le $((hz / 10)) ] || fail "the board is not idle ($1)"
}
idle_check "TAPs attached"
ip netns del "$ns2"
idle_check "the TAP of port 2 deleted with its namespace"
grep -q "TAP interface $tap2 (port 2) is gone" "$work/serve.err" ||
    fail "the board did not notice that $tap2 is gone"

# 7. A new client reads the statistics; then a clean stop.
"$client" "sim:$sock" stats >"$work/stats.txt" 2>&1 || fail "stats: $(cat "$work/stats.txt")"
cat "$work/stats.txt"
stop_board
[ -e "$sock" ] && fail "the socket file is left behind"
echo "PASS"
exit 0
