#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# hopd --fib-sync: hopd runs inside a network namespace of the test's own whose Linux routing
# table drives the board (`hopsim serve examples/router.p4`, the prebuilt DATA_W=512 model):
#   - the namespace has two veth pairs carrying the router's addresses (192.0.2.254/24 on port
#     1, 198.51.100.254/24 on port 2, found by subnet; no --fib-port needed);
#   - routes there before hopd starts come in with the initial dump; routes of other tables,
#     blackholes and the kernel's connected routes do not (hopd has those from its file);
#   - `ip route add` appears in `hopctl route show` as "(kernel)" and in ipv4_lpm, read back
#     from the board; `ip route change` / `replace` move it to another gateway in place;
#   - `ip route del` removes it; hopctl cannot delete a kernel route;
#   - a batch of 500 routes comes and goes;
#   - an interface set down (the kernel drops its routes without a message): gone too;
#   - hopd killed with SIGKILL, the table changed while it is down, hopd started again: the
#     board ends up as the kernel's table says, every word reads back.
# Exit 77 (skipped) without root, /dev/net/tun or ip.
# Usage: fib_sync.sh HOPSIM HOPD HOPCTL SOURCE_DIR RTL_CACHE
set -u
HOPSIM=$1 HOPD=$2 HOPCTL=$3 SRC=$4 CACHE=$5
if [ "$(id -u)" != 0 ] || [ ! -c /dev/net/tun ] || ! command -v ip >/dev/null; then
    echo "SKIP: needs root, /dev/net/tun and ip"
    exit 77
fi
NS=hopdfib$$
source "$(dirname "$0")/lib.sh"
lib_init hopd-fib
nsip() { ip -n "$NS" "$@"; }
shows() { ctl route show | grep -qx -- "$1"; }
lacks() { ! ctl route show | grep -q -- "^$1 "; }
lpm_entries() { ctl table dump ipv4_lpm | sed -n 's/^RouterIngress.ipv4_lpm: \([0-9]*\) entries$/\1/p'; }
has_entries() { [ "$(lpm_entries)" = "$1" ]; }
check_lpm() {  # check_lpm ENTRIES: that many entries, every committed word reads back
    until_true 100 has_entries "$1" || fail "ipv4_lpm: $(ctl table dump ipv4_lpm | head -20)"
    ctl table dump ipv4_lpm > "$T/dump" || fail "table dump"
    grep -q "^hardware: .* 0 differ$" "$T/dump" || fail "ipv4_lpm read back: $(cat "$T/dump")"
}
lpm_line() {  # lpm_line A.B.C.D/LEN: its entry in `table dump` (keys are written in hex)
    local IFS=./
    set -- $1
    ctl table dump ipv4_lpm | grep -F "$(printf 'dstAddr=0x%02x%02x%02x%02x/%s ' "$@")"
}

start_board "$SRC/examples/router.p4" --rtl-cache "$CACHE"

ip netns add "$NS" || fail "ip netns add"
nsip link set lo up
for i in 1 2; do
    nsip link add "fa$i" type veth peer name "fb$i" || fail "veth"
    nsip link set "fb$i" up
    nsip link set "fa$i" up
done
nsip addr add 192.0.2.254/24 dev fa1
nsip addr add 198.51.100.254/24 dev fa2
# Before hopd: taken from the initial dump (or left out).
nsip route add 203.0.113.128/25 via 192.0.2.1 || fail "route before hopd"
nsip route add 198.51.100.128/25 dev fa2 || fail "dev route before hopd"
nsip route add 203.0.113.64/26 via 198.51.100.1 table 100 || fail "route in table 100"
nsip route add blackhole 203.0.113.32/27 || fail "blackhole"

cat > "$T/interfaces" <<'X'
1 192.0.2.254/24 02:00:00:00:01:fe
2 198.51.100.254/24 02:00:00:00:02:fe
X
start_hopd() {
    ip netns exec "$NS" "$HOPD" --device "sim:$T/board.sock" --program "$SRC/examples/router.p4" \
        --interfaces "$T/interfaces" --control "$T/hopd.sock" --fib-sync >> "$T/hopd.log" 2>&1 &
    HOPD_PID=$!
    wait_ready "$T/hopd.log" $HOPD_PID || fail "hopd did not start"
}
start_hopd
grep -q "fib-sync: .* routes in the kernel's main table" "$T/hopd.log" || fail "no dump"

# The initial dump.
shows "203.0.113.128/25 via 192.0.2.1 (kernel)" || fail "route from the dump: $(ctl route show)"
shows "198.51.100.128/25 dev 2 (kernel)" || fail "dev route from the dump: $(ctl route show)"
shows "192.0.2.0/24 dev 1 (connected)" || fail "connected: $(ctl route show)"
lacks 203.0.113.64/26 || fail "a route of table 100 was taken"
lacks 203.0.113.32/27 || fail "a blackhole was taken"
[ "$(ctl route show | tail -1)" = "4 routes" ] || fail "route count: $(ctl route show)"
check_lpm 4

# ip route add / change / replace / del.
nsip route add 203.0.113.0/24 via 198.51.100.1 || fail "ip route add"
until_true 50 shows "203.0.113.0/24 via 198.51.100.1 (kernel)" || fail "added: $(ctl route show)"
check_lpm 5
before=$(lpm_line 203.0.113.0/24)
[ -n "$before" ] || fail "203.0.113.0/24 not in ipv4_lpm: $(ctl table dump ipv4_lpm)"
nsip route change 203.0.113.0/24 via 198.51.100.2 || fail "ip route change"
until_true 50 shows "203.0.113.0/24 via 198.51.100.2 (kernel)" || fail "changed: $(ctl route show)"
check_lpm 5
after=$(lpm_line 203.0.113.0/24)
[ -n "$after" ] && [ "$after" != "$before" ] || fail "ipv4_lpm entry not changed: '$before' '$after'"
# modified in place (the same handle): no moment without a route
[ "$(echo "$before" | awk '{print $1}')" = "$(echo "$after" | awk '{print $1}')" ] ||
    fail "ipv4_lpm entry not modified in place: '$before' '$after'"
nsip route replace 203.0.113.0/24 via 198.51.100.3 || fail "ip route replace"
until_true 50 shows "203.0.113.0/24 via 198.51.100.3 (kernel)" || fail "replaced: $(ctl route show)"
check_lpm 5
out=$(ctl route del 203.0.113.0/24 2>&1); rc=$?
[ $rc = 1 ] && [ "$out" = "hopctl: error: 203.0.113.0/24 is a kernel route (--fib-sync): delete it in Linux, \`ip route del\`" ] ||
    fail "hopctl route del of a kernel route: rc $rc '$out'"
nsip route del 203.0.113.0/24 || fail "ip route del"
until_true 50 lacks 203.0.113.0/24 || fail "deleted: $(ctl route show)"
check_lpm 4
# A gateway on no subnet of the router's interfaces (onlink in Linux): failed, not taken.
nsip route add 203.0.113.16/28 via 203.0.113.1 dev fa2 onlink || fail "ip route add onlink"
failed_one() { ctl stats | grep -q "^fib-sync: .* failed 1,"; }
until_true 50 failed_one || fail "onlink route not counted as failed: $(ctl stats | grep fib)"
lacks 203.0.113.16/28 || fail "onlink route taken: $(ctl route show)"
grep -q "fib-sync: 203.0.113.16/28 via 203.0.113.1: .*gateway 203.0.113.1 is not on the subnet" \
    "$T/hopd.log" || fail "no log line for the failed route"
nsip route del 203.0.113.16/28

# A batch of 500 /32s and back.
for i in $(seq 0 499); do
    echo "route add 203.0.113.$((i % 250))/32 via 198.51.100.$((1 + i / 250)) metric $((i / 250))"
done > "$T/batch"
nsip -batch "$T/batch" || fail "ip -batch"
until_true 600 has_entries $((4 + 250)) || fail "batch: $(lpm_entries) entries"
check_lpm 254
shows "203.0.113.7/32 via 198.51.100.1 (kernel)" || fail "metric: lowest wins"
sed 's/^route add/route del/' "$T/batch" | head -250 > "$T/unbatch"
nsip -batch "$T/unbatch" || fail "ip -batch del"
until_true 100 shows "203.0.113.7/32 via 198.51.100.2 (kernel)" || fail "metric: next one"
sed 's/^route add/route del/' "$T/batch" | tail -250 > "$T/unbatch"
nsip -batch "$T/unbatch" || fail "ip -batch del"
check_lpm 4

# An interface set down: the kernel flushes its routes without RTM_DELROUTE; hopd dumps again.
nsip link set fa1 down
until_true 50 lacks 203.0.113.128/25 || fail "routes of a downed link: $(ctl route show)"
nsip link set fa1 up
shows "192.0.2.0/24 dev 1 (connected)" || fail "connected route lost"
nsip route add 203.0.113.128/25 via 192.0.2.1 || fail "route add after link up"
until_true 50 shows "203.0.113.128/25 via 192.0.2.1 (kernel)" || fail "re-added: $(ctl route show)"

ctl stats > "$T/stats" || fail "stats"
grep -q "^fib-sync: 2 kernel routes held, .* malformed 0, netlink errors 0, overruns 0," "$T/stats" ||
    fail "stats: $(grep fib-sync "$T/stats")"

# hopd killed; the table changes while it is down; a new hopd makes the board agree.
kill -9 $HOPD_PID; wait $HOPD_PID 2>/dev/null; HOPD_PID=
nsip route del 198.51.100.128/25
nsip route add 203.0.113.0/24 via 198.51.100.1
: > "$T/hopd.log"
start_hopd
grep -q "continuing from" "$T/hopd.log" || fail "no continuation"
shows "203.0.113.0/24 via 198.51.100.1 (kernel)" || fail "added while down: $(ctl route show)"
shows "203.0.113.128/25 via 192.0.2.1 (kernel)" || fail "kept: $(ctl route show)"
lacks 198.51.100.128/25 || fail "deleted while down: $(ctl route show)"
check_lpm 4
grep -q " 2 entries written, [1-9][0-9]* already there" "$T/hopd.log" ||
    fail "restart wrote more than the difference: $(grep 'tables as configured' "$T/hopd.log")"

kill $HOPD_PID; wait $HOPD_PID; rc=$?; HOPD_PID=
[ $rc = 0 ] || fail "hopd did not stop cleanly ($rc)"
echo "PASS"
