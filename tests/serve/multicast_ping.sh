#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Multicast on the live board: the P4 tutorials' multicast.p4, unmodified, served as the v1model
# switch top (`hopsim serve --rtl-top switch`: its traffic manager and replication engine in
# RTL) with ports 1-4 on TAP interfaces, one Linux host in a network namespace of its own on
# each (192.0.2.1-4/24, one subnet). `hopsim load --rtl-ports` gives the switch the tutorial's
# configuration (solution_s1-runtime.json's: the four hosts' MACs, group 1 = ports 1-4, through
# tables::ReplicatorCsr). Then host 1 sends one ping to the subnet's broadcast address
# 192.0.2.255: multicast.p4 floods it to group 1, egress drops the copy back to port 1, and each
# other host must have received exactly one echo request and sent one reply (its own ICMP
# InEchos and OutEchoReps counters); host 1 only the one its own stack loops back locally (a copy
# from the switch would make two). ARP between the hosts crosses the same group.
# With HOPD and HOPCTL, hopd (--no-router --switch-ports 8) configures the switch instead: the
# MACs from a command file, the group through hopctl's mc_* lines (tables::SwitchTmCsr in hopd);
# and `hopctl port_pause 2` holds what the switch has for host 2 (a ping to it gets no answer)
# until `hopctl port_resume 2` (pings answered again).
#
# usage: multicast_ping.sh HOPSIM SOURCE_DIR RTL_CACHE [HOPD HOPCTL]
# Exit 0 pass, 1 fail, 77 skipped (not root, no /dev/net/tun, no network namespaces).
set -u

hopsim=$1
source_dir=$2
rtl_cache=$3
hopd=${4:-}
hopctl=${5:-}
hopd_pid=
program=$source_dir/../shared/p4-tutorials/multicast/multicast.p4

source "$source_dir/tests/serve/lib.sh"

id=$$
work=$(mktemp -d "${TMPDIR:-/tmp}/hop_mc_ping.XXXXXX")
sock=$work/board.sock
serve_pid=
ns=("" "hopmc1_$id" "hopmc2_$id" "hopmc3_$id" "hopmc4_$id")
tap=("" "hopm1_$id" "hopm2_$id" "hopm3_$id" "hopm4_$id")

cleanup() {
    [ -n "$hopd_pid" ] && kill -TERM "$hopd_pid" 2>/dev/null && wait "$hopd_pid" 2>/dev/null
    if [ -n "$serve_pid" ] && kill -0 "$serve_pid" 2>/dev/null; then
        kill -TERM "$serve_pid" 2>/dev/null
        for _ in $(seq 100); do kill -0 "$serve_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$serve_pid" 2>/dev/null
    fi
    local n
    for n in 1 2 3 4; do
        ip netns del "${ns[$n]}" 2>/dev/null
        ip link del "${tap[$n]}" 2>/dev/null
    done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ip netns add "${ns[1]}" 2>/dev/null || skip "cannot create network namespaces here"
for n in 2 3 4; do ip netns add "${ns[$n]}" || fail "ip netns add ${ns[$n]}"; done

# 1. The board: the switch top, eight front-panel ports, DATA_W=64 (the model tests/stf builds).
args=()
for n in 1 2 3 4; do args+=(--tap "$n=${tap[$n]}"); done
"$hopsim" serve "$program" --socket "$sock" "${args[@]}" --rtl-top switch --rtl-ports 8 \
    --data-width 64 --rtl-cache "$rtl_cache" >"$work/serve.out" 2>"$work/serve.err" &
serve_pid=$!
wait_board "$serve_pid" "$sock" 120
cat "$work/serve.out"

# 2. The switch's configuration: solution_s1-runtime.json's, as BMv2 CLI lines.
cat >"$work/macs.txt" <<'EOF'
table_add MyIngress.mac_lookup MyIngress.mac_forward 08:00:00:00:01:11 => 1
table_add MyIngress.mac_lookup MyIngress.mac_forward 08:00:00:00:02:22 => 2
table_add MyIngress.mac_lookup MyIngress.mac_forward 08:00:00:00:03:33 => 3
table_add MyIngress.mac_lookup MyIngress.mac_forward 08:00:00:00:04:44 => 4
EOF
group=("mc_mgrp_create 1" "mc_node_create 1 1 2 3 4" "mc_node_associate 1 0")
ctl() { "$hopctl" --socket "$work/hopd.sock" "$@"; }
if [ -z "$hopd" ]; then
    cp "$work/macs.txt" "$work/s1.txt"
    printf '%s\n' "${group[@]}" >>"$work/s1.txt"
    "$hopsim" load "$program" --socket "$sock" --rtl-ports 8 "$work/s1.txt" >"$work/load.txt" 2>&1 ||
        fail "hopsim load: $(cat "$work/load.txt")"
    cat "$work/load.txt"
else
    "$hopd" --device "sim:$sock" --program "$program" --no-router --switch-ports 8 \
        --commands "$work/macs.txt" --control "$work/hopd.sock" >"$work/hopd.log" 2>&1 &
    hopd_pid=$!
    for _ in $(seq 300); do
        grep -q "; ready$" "$work/hopd.log" && break
        kill -0 "$hopd_pid" 2>/dev/null || fail "hopd stopped: $(cat "$work/hopd.log")"
        sleep 0.1
    done
    grep -q "; ready$" "$work/hopd.log" || fail "hopd did not start: $(cat "$work/hopd.log")"
    for line in "${group[@]}"; do
        # shellcheck disable=SC2086
        ctl $line || fail "hopctl $line"
    done
    out=$(ctl mc_node_associate 9 0 2>&1) && fail "an unknown group was taken: $out"
    echo "hopctl mc_node_associate 9 0: $out"
    out=$(ctl port_pause 9 2>&1) && fail "port 9 was paused: $out"
    echo "hopctl port_pause 9: $out"
fi

# 3. One host per port, all in 192.0.2.0/24, answering broadcast pings.
for n in 1 2 3 4; do
    ip link set "${tap[$n]}" netns "${ns[$n]}" || fail "moving ${tap[$n]} into ${ns[$n]}"
    ip -n "${ns[$n]}" link set lo up
    ip -n "${ns[$n]}" link set "${tap[$n]}" address "08:00:00:00:0$n:${n}${n}"
    ip netns exec "${ns[$n]}" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 >/dev/null 2>&1
    ip netns exec "${ns[$n]}" sysctl -qw net.ipv4.icmp_echo_ignore_broadcasts=0 ||
        fail "icmp_echo_ignore_broadcasts in ${ns[$n]}"
    ip -n "${ns[$n]}" addr add "192.0.2.$n/24" dev "${tap[$n]}"
    ip -n "${ns[$n]}" link set "${tap[$n]}" up || fail "bringing ${tap[$n]} up"
done

# A counter of a host's ICMP (its namespace's /proc/net/snmp): icmp N InEchos|OutEchoReps.
icmp() {
    ip netns exec "${ns[$1]}" awk -v k="$2" '/^Icmp:/ { if (!h) { for (i = 1; i <= NF; i++) if ($i == k) c = i; h = 1 } else print $c }' /proc/net/snmp
}
# A unicast ping first (ARP through the group, then a unicast reply): the switch works.
timeout 30 ip netns exec "${ns[1]}" ping -c 2 -i 0.3 -W 3 192.0.2.2 >"$work/uni.txt" 2>&1
cat "$work/uni.txt"
grep -q "2 packets transmitted, 2 received" "$work/uni.txt" || fail "host 1 cannot ping host 2"

declare -a req rep
for n in 1 2 3 4; do
    req[$n]=$(icmp "$n" InEchos)
    rep[$n]=$(icmp "$n" OutEchoReps)
done
# 4. One echo request to the broadcast address.
echo "--- ping -b -c 1 -W 3 192.0.2.255 from host 1"
timeout 30 ip netns exec "${ns[1]}" ping -b -c 1 -W 3 192.0.2.255 >"$work/bcast.txt" 2>&1
cat "$work/bcast.txt"
grep -q "1 packets transmitted, 1 received" "$work/bcast.txt" || fail "no reply to the broadcast ping"
sleep 1  # the other replies
for n in 1 2 3 4; do
    got=$(( $(icmp "$n" InEchos) - req[n] ))
    sent=$(( $(icmp "$n" OutEchoReps) - rep[n] ))
    # Host 1's own stack answers its broadcast locally (one request, one reply, never on the
    # wire); a copy sent back to port 1 by the switch would make two.
    want=1
    echo "host $n (port $n): $got echo request(s) received, $sent reply(ies) sent"
    [ "$got" = "$want" ] || fail "host $n received $got echo requests, not $want"
    [ "$sent" = "$want" ] || fail "host $n sent $sent echo replies, not $want"
done

if [ -n "$hopd" ]; then
    # 5. Port 2 paused: what the switch has for host 2 waits (no answer); resumed, it goes.
    ctl port_pause 2 || fail "hopctl port_pause 2"
    timeout 30 ip netns exec "${ns[1]}" ping -c 1 -W 2 192.0.2.2 >"$work/paused.txt" 2>&1
    cat "$work/paused.txt"
    grep -q "1 packets transmitted, 0 received" "$work/paused.txt" ||
        fail "host 2 answered while its port was paused"
    ctl port_resume 2 || fail "hopctl port_resume 2"
    timeout 30 ip netns exec "${ns[1]}" ping -c 2 -i 0.3 -W 3 192.0.2.2 >"$work/resumed.txt" 2>&1
    cat "$work/resumed.txt"
    grep -q "2 packets transmitted, 2 received" "$work/resumed.txt" ||
        fail "host 2 does not answer after port_resume"
    kill -TERM "$hopd_pid"
    wait "$hopd_pid"
    hopd_pid=
fi
stop_board
echo "PASS"
exit 0
