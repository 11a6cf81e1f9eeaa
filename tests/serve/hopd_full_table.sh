#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# hopd's --full-table bulk load into a `hopsim serve` board (router.p4, DATA_W=64, the model
# tests/stf prebuilds): 2,506 real prefixes (every 360th IPv4 prefix of ../shared/data/
# tier1-full-table-2023.txt.gz) go into ipv4_lpm in one bulk update, with a report (routes, wall
# time, CSR writes, node memory per memory); every word hopd committed reads back from the board
# as written (`hopctl table dump`); afterwards one route add and one route del write a handful
# of CSR words (not the table); the state file is then a snapshot (every driver's placement, the
# words the board holds) and a few lines after it, not the bulk update's 2,506 lines; hopd killed
# and started again restores the snapshot, replays the lines after it and writes no entry again;
# a snapshot altered on disk is refused with the state file's line, and nothing is written.
# Usage: hopd_full_table.sh HOPSIM HOPD HOPCTL SOURCE_DIR RTL_CACHE SHARED_DATA
set -u
HOPSIM=$1 HOPD=$2 HOPCTL=$3 SRC=$4 CACHE=$5 DATA=$6
source "$SRC/tests/hopd/lib.sh"
lib_init hopd-full-table-test
csr_words() { ctl stats | sed -n 's/.*CSR words \([0-9]*\),.*/\1/p'; }

start_board "$SRC/examples/router.p4" --rtl-cache "$CACHE" --data-width 64
zcat "$DATA/tier1-full-table-2023.txt.gz" | tr -d '\r' | grep -E '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+/[0-9]+$' |
    awk 'NR % 360 == 1' > "$T/prefixes"
N=$(wc -l < "$T/prefixes")
cat > "$T/interfaces" <<'X'
1 192.0.2.254/24 02:00:00:00:01:fe
2 198.51.100.254/24 02:00:00:00:02:fe
X
start_hopd() {
    "$HOPD" --device "sim:$T/board.sock" --program "$SRC/examples/router.p4" \
        --interfaces "$T/interfaces" --full-table "$T/prefixes" --full-table-via 198.51.100.1 \
        --control "$T/hopd.sock" >> "$T/hopd.log" 2>&1 &
    HOPD_PID=$!
    wait_ready "$T/hopd.log" $HOPD_PID || fail "hopd did not start"
}
start_hopd
grep -q "full table: $N prefixes: $N added in one bulk update" "$T/hopd.log" ||
    fail "no bulk update of $N prefixes"
grep -q "full table: .* CSR writes in .* wall in all" "$T/hopd.log" || fail "no report"
grep -q "node memory results .* words x .* bytes (" "$T/hopd.log" || fail "no memory report"
grep -q "full table: $((N + 2)) prefixes in RouterIngress.ipv4_lpm, node memory" "$T/hopd.log" ||
    fail "prefix count"
ctl table dump ipv4_lpm > "$T/dump" || fail "table dump"
grep -q "^RouterIngress.ipv4_lpm: $((N + 2)) entries$" "$T/dump" || fail "entries: $(head -1 "$T/dump")"
grep -q "^hardware: .* 0 differ$" "$T/dump" || fail "read back: $(grep hardware "$T/dump")"

# Single changes after the bulk load: incremental.
before=$(csr_words)
ctl route add 203.0.113.0/24 via 198.51.100.1 || fail "route add"
added=$(( $(csr_words) - before ))
ctl route del 203.0.113.0/24 || fail "route del"
removed=$(( $(csr_words) - before - added ))
echo "after the bulk load of $N prefixes: route add wrote $added CSR words, route del $removed"
[ "$added" -gt 0 ] && [ "$added" -le 40 ] || fail "route add wrote $added CSR words"
[ "$removed" -gt 0 ] && [ "$removed" -le 40 ] || fail "route del wrote $removed CSR words"

# The state file: the snapshot hopd took at the end of the load, then only the lines since.
STATE=$T/hopd.sock.state
grep -q "^@snapshot hopd.sock.state.snap.[0-9a-f]* [0-9]* [0-9a-f]*$" "$STATE" ||
    fail "no snapshot: $(head -3 "$STATE")"
grep -q "^@bulk" "$STATE" && fail "the bulk update is still in the state file"
[ "$(wc -l < "$STATE")" -lt 20 ] || fail "the state file has $(wc -l < "$STATE") lines"
grep -q "hopd: state file .*: snapshot .* written in" "$T/hopd.log" || fail "no snapshot report"

# Restart: the bulk update comes back from the snapshot, nothing is written again.
kill -9 $HOPD_PID; wait $HOPD_PID 2>/dev/null; HOPD_PID=
: > "$T/hopd.log"
start_hopd
grep -q "continuing from .*: the snapshot .* and [0-9] table commands restored" "$T/hopd.log" ||
    fail "not restored from the snapshot: $(grep continuing "$T/hopd.log")"
grep -q "as written" "$T/hopd.log" || fail "no read back at restart"
grep -q "full table: $N prefixes: 0 added, $N already in the table" "$T/hopd.log" ||
    fail "full table again at restart"
grep -q " 0 entries written, " "$T/hopd.log" || fail "tables written again at restart"
ctl table dump ipv4_lpm | grep -q "^hardware: .* 0 differ$" || fail "read back after restart"
grep -E "full table: (image|$N prefixes:)|continuing from" "$T/hopd.log" | head -3

# An altered snapshot: hopd stops at the state file's @snapshot line and writes nothing.
kill $HOPD_PID; wait $HOPD_PID 2>/dev/null; HOPD_PID=
SNAP=$T/$(sed -n 's/^@snapshot \([^ ]*\) .*/\1/p' "$STATE")
[ -f "$SNAP" ] || fail "no snapshot file $SNAP"
cp "$SNAP" "$T/snap.good"
printf '\x5a' | dd of="$SNAP" bs=1 seek=100 conv=notrunc status=none
timeout 60 "$HOPD" --device "sim:$T/board.sock" --program "$SRC/examples/router.p4" \
    --interfaces "$T/interfaces" --full-table "$T/prefixes" --full-table-via 198.51.100.1 \
    --control "$T/hopd.sock" > "$T/bad.log" 2>&1 && fail "hopd started on an altered snapshot"
grep -q "^$STATE:2: error: the snapshot $SNAP is [0-9]* bytes with hash" "$T/bad.log" ||
    fail "altered snapshot: $(cat "$T/bad.log")"
cp "$T/snap.good" "$SNAP"
: > "$T/hopd.log"
start_hopd
grep -q " 0 entries written, " "$T/hopd.log" || fail "tables written after the snapshot came back"
grep -q "^hopd: 0 CSR words written since it started$" "$T/hopd.log" ||
    fail "a restart after a stop wrote: $(grep "CSR words written since" "$T/hopd.log")"
echo "PASS"
