#!/usr/bin/env bash
# The main demo: installs what is missing, builds everything, compiles every example (a summary
# of each program's tables and actions), traces a packet through router.p4 on the reference
# model, then runs the router end to end: examples/router.p4 on a simulated board (hopsim serve,
# the Verilated pipeline) with three Linux hosts in network namespaces on its TAP ports and hopd
# on its socket, and real traffic through it (ping, traceroute, fragmentation, reassembly, ICMP
# errors, a hopd restart), with hopctl's statistics; everything it made is removed at the end.
# The router part needs root (it uses sudo when it is not root); scripts/router_lab.sh has it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/build/bin

router_lab() {
    source "$root/scripts/router_lab.sh"
    lab_init "$bin/hopsim" "$bin/hopd" "$bin/hopctl" "$root" "$root/build/rtl-cache"
    trap lab_down EXIT
    echo "== the router end to end: router.p4 on a simulated board, three hosts, hopd"
    echo "   host 1 ${LAB_HOST[1]}/24    -- port 1 ${LAB_ROUTER[1]}/24"
    echo "   host 2 ${LAB_HOST[2]}/24 -- port 2 ${LAB_ROUTER[2]}/24 (MTU 1280 on both sides)"
    echo "   host 3 ${LAB_HOST[3]}/25  -- port 3 ${LAB_ROUTER[3]}/25 (203.0.113.128/25: no route)"
    echo "   (each host in a network namespace of its own; no static ARP anywhere)"
    if ! lab_up; then
        echo "the router lab did not come up"
        return 1
    fi
    echo "   board, hosts and hopd up; hopctl route show:"
    lab_ctl route show | sed 's/^/    /'
    lab_run
}

if [ "${1:-}" = --router-lab ]; then  # the router part alone (what sudo runs)
    router_lab
    exit
fi

"$root/scripts/deps.sh"
"$root/scripts/build.sh"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for p4 in "$root"/examples/*.p4; do
    name=$(basename "$p4" .p4)
    echo "== $name.p4"
    "$bin/hopc" "$p4" -o "$out/$name" --emit ir --summary
    echo "   wrote $(cd "$out/$name" && ls | tr '\n' ' ')"
done

echo
echo "== hopsim: why was this packet punted? (router.p4, TTL 1, traced)"
"$bin/hopsim" stf "$root/examples/router.p4" "$root/tests/stf/router-punt-ttl.stf" \
    --trace-packets | head -n 40
rm -rf "$out"
trap - EXIT
echo
if [ "$(id -u)" = 0 ]; then
    router_lab
elif command -v sudo > /dev/null; then
    sudo "$0" --router-lab
else
    echo "== the router end to end needs root (network namespaces and TAP interfaces): skipped"
fi
