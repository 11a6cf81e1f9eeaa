#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A --full-table's routes as hopctl sees them (hopd holds them compactly, as keys sharing one
# gateway): on a `hopsim serve` board running examples/router.p4 (DATA_W=512, the model tests/stf
# prebuilds), hopd loads 204 prefixes (201 new, one held by a file route, one by a connected
# subnet, one listed twice) via 198.51.100.1:
#   - `route show` lists every route in {prefix, length} order, the full table's as
#     "(full-table)" among the others, and counts them;
#   - a full-table prefix is refused to `route add` (already routed, naming its route), deleted
#     by `route del` (from the list and from ipv4_lpm), refused to a second `route del`;
#   - hopd killed and started again: the deleted prefix comes back, the others are already in
#     the table, the list is as before; every committed word reads back as written.
# Usage: full_table_routes.sh HOPSIM HOPD HOPCTL SOURCE_DIR RTL_CACHE
set -u
HOPSIM=$1 HOPD=$2 HOPCTL=$3 SRC=$4 CACHE=$5
source "$(dirname "$0")/lib.sh"
lib_init hopd-full-table-routes

start_board "$SRC/examples/router.p4" --rtl-cache "$CACHE"
cat > "$T/interfaces" <<'X'
1 192.0.2.254/24 02:00:00:00:01:fe
2 198.51.100.254/24 02:00:00:00:02:fe
X
echo "203.0.113.0/24 via 198.51.100.2" > "$T/routes"
{
    echo "# the full table"
    echo "203.0.113.16/28"
    echo "203.0.113.0/24"
    for n in $(seq 199 -1 0); do echo "203.0.113.$n/32"; done
    echo "198.51.100.0/24"
    echo "203.0.113.16/28"
} > "$T/prefixes"
# The list hopctl should show: {prefix, length} order.
{
    echo "192.0.2.0/24 dev 1 (connected)"
    echo "198.51.100.0/24 dev 2 (connected)"
    echo "203.0.113.0/24 via 198.51.100.2 (file)"
    for n in $(seq 0 199); do
        echo "203.0.113.$n/32 via 198.51.100.1 (full-table)"
        [ "$n" = 15 ] && echo "203.0.113.16/28 via 198.51.100.1 (full-table)"
    done
    echo "204 routes"
} > "$T/expected"
start_hopd() {
    "$HOPD" --device "sim:$T/board.sock" --program "$SRC/examples/router.p4" \
        --interfaces "$T/interfaces" --routes "$T/routes" --full-table "$T/prefixes" \
        --full-table-via 198.51.100.1 --control "$T/hopd.sock" >> "$T/hopd.log" 2>&1 &
    HOPD_PID=$!
    wait_ready "$T/hopd.log" $HOPD_PID || fail "hopd did not start"
}
check_dump() {  # check_dump ENTRIES
    ctl table dump ipv4_lpm > "$T/dump" || fail "table dump"
    grep -q "^RouterIngress.ipv4_lpm: $1 entries$" "$T/dump" || fail "ipv4_lpm: $(head -1 "$T/dump")"
    grep -q "^hardware: .* 0 differ$" "$T/dump" || fail "read back: $(grep hardware "$T/dump")"
}
start_hopd
grep -q "full table: 204 prefixes: 201 added in one bulk update, 0 already in the table, 0 changed, 3 held by other routes or listed twice" \
    "$T/hopd.log" || fail "the full table's load"
ctl route show > "$T/shown" || fail "route show"
diff "$T/expected" "$T/shown" > "$T/diff" || fail "route show: $(head -20 "$T/diff")"
check_dump 204

out=$(ctl route add 203.0.113.9/32 dev 2 2>&1); rc=$?
[ $rc = 1 ] && [ "$out" = "hopctl: error: 203.0.113.9/32 is already routed (203.0.113.9/32 via 198.51.100.1)" ] ||
    fail "route add over a full-table route: rc $rc '$out'"
ctl route del 203.0.113.7/32 || fail "route del of a full-table route"
ctl route show > "$T/shown" || fail "route show"
grep -v "^203.0.113.7/32 " "$T/expected" | sed 's/^204 routes$/203 routes/' > "$T/expected-del"
diff "$T/expected-del" "$T/shown" > "$T/diff" || fail "route show after del: $(head -20 "$T/diff")"
check_dump 203
out=$(ctl route del 203.0.113.7/32 2>&1); rc=$?
[ $rc = 1 ] && [ "$out" = "hopctl: error: no route 203.0.113.7/32 to delete" ] ||
    fail "route del twice: rc $rc '$out'"
ctl route del 203.0.113.16/28 || fail "route del of the prefix listed twice"
ctl route add 203.0.113.16/28 via 198.51.100.2 || fail "route add after its del"
grep -q "^203.0.113.16/28 via 198.51.100.2 (runtime)$" <(ctl route show) || fail "runtime route"

# Restart: the deleted /32 is the file's again, the rest is in the table already.
kill -9 $HOPD_PID; wait $HOPD_PID 2>/dev/null; HOPD_PID=
: > "$T/hopd.log"
start_hopd
grep -q "continuing from" "$T/hopd.log" || fail "no continuation"
grep -q "full table: 204 prefixes: 1 added, 199 already in the table, 0 changed, 4 held by other routes or listed twice" \
    "$T/hopd.log" || fail "the full table at restart: $(grep 'full table: 204' "$T/hopd.log")"
ctl route show > "$T/shown" || fail "route show after the restart"
sed 's|^203.0.113.16/28 via 198.51.100.1 (full-table)$|203.0.113.16/28 via 198.51.100.2 (runtime)|' \
    "$T/expected" > "$T/expected-restart"
diff "$T/expected-restart" "$T/shown" > "$T/diff" ||
    fail "route show after the restart: $(head -20 "$T/diff")"
check_dump 204

kill $HOPD_PID; wait $HOPD_PID; rc=$?; HOPD_PID=
[ $rc = 0 ] || fail "hopd did not stop cleanly ($rc)"
echo "PASS"
