#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# End to end (issue 6): examples/router.p4 on a `hopsim serve` board (DATA_W=512) with ports 1,
# 2 and 3 on TAPs in three network namespaces of the test's own, one Linux host in each, and
# hopd on the board's socket; no static ARP anywhere (scripts/router_lab.sh sets it up and runs
# the traffic; the demo runs the same). Each step is a checked assertion:
#   1. host 1 pings host 2 across the router (hopd resolves host 2 by ARP);
#   2. host 1 pings the router's address;
#   3. traceroute -n from host 1 to host 3: hop 1 the router (time exceeded from hopd), hop 2
#      host 3;
#   4. a ping to 203.0.113.200, which the router has no route for: "Destination Net
#      Unreachable" from the router;
#   5. ping -s 4000 to host 2 behind the MTU-1280 link arrives (hopd fragments, Linux
#      reassembles);
#   6. ping -M do -s 1400 to host 2: "Frag needed and DF set (mtu = 1280)" from the router;
#   7. ping -s 3000 to the router's address is answered (hopd reassembles);
#   8. hopd killed with SIGKILL and restarted during a 40-packet ping from host 1 to host 2:
#      no more packets lost than the board punted while hopd was down (forwarding between
#      resolved hosts is in hardware: 0 expected);
# and hopctl counters (ARP, ICMP errors, fragments, reassembly) moved, before and after the
# restart, and the board saw every punt reason but options.
# Needs root and /dev/net/tun (exit 77, skipped, otherwise).
# Usage: router_e2e.sh HOPSIM HOPD HOPCTL SOURCE_DIR RTL_CACHE
set -u
if [ "$(id -u)" != 0 ] || [ ! -c /dev/net/tun ]; then
    echo "SKIP: needs root and /dev/net/tun"
    exit 77
fi
for tool in ip ping traceroute; do
    command -v $tool > /dev/null || { echo "SKIP: $tool is not installed (scripts/deps.sh)"; exit 77; }
done
source "$4/scripts/router_lab.sh"
lab_init "$@"
trap lab_down EXIT
t0=$SECONDS
if ! lab_up; then
    echo "FAIL: the lab did not come up"
    exit 1
fi
echo "lab up in $((SECONDS - t0)) s: board, 3 namespaces, hopd"
lab_run || exit 1
echo "PASS ($((SECONDS - t0)) s)"
