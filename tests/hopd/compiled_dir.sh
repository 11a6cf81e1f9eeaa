#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The compiled program as the contract (README, "The compiled program"):
#   - router.p4 compiled by hopc into a directory, then the .p4 removed: `hopsim serve` runs the
#     directory, hopd programs the board from it, `hopsim stf` passes on both engines;
#   - the board identifies the directory exactly: its HASH words are the manifest's
#     regmap_hash, and hopd given another compile of router (another table size, so another
#     register map) refuses the board with both hashes, before writing anything.
# Usage: compiled_dir.sh HOPC HOPSIM HOPD HOPCTL SOURCE_DIR RTL_CACHE
set -u
HOPC=$1 HOPSIM=$2 HOPD=$3 HOPCTL=$4 SRC=$5 CACHE=$6
source "$(dirname "$0")/lib.sh"
lib_init hopd-compiled

hash_of() { sed -n 's/.*"regmap_hash": "\(0x[0-9a-f]*\)".*/\1/p' "$1/manifest.json"; }

mkdir -p "$T/src"
cp "$SRC/examples/router.p4" "$T/src/router.p4"
"$HOPC" "$T/src/router.p4" -o "$T/out" > "$T/hopc.log" 2>&1 || fail "hopc: $(cat "$T/hopc.log")"
# The same program with a smaller next-hop table: another register map, another hash.
mkdir -p "$T/src/other"
sed 's/size = 65536;/size = 32768;/' "$T/src/router.p4" > "$T/src/other/router.p4"
"$HOPC" "$T/src/other/router.p4" -o "$T/other" > "$T/hopc.log" 2>&1 || fail "hopc: $(cat "$T/hopc.log")"
rm -r "$T/src"
ours=$(hash_of "$T/out")
theirs=$(hash_of "$T/other")
[ -n "$ours" ] && [ -n "$theirs" ] && [ "$ours" != "$theirs" ] ||
    fail "manifest hashes: '$ours' and '$theirs'"

# The STF files of router.p4 on the directory alone, on both engines.
for engine in model rtl; do
    for stf in router-forward router-punt-arp; do
        "$HOPSIM" stf "$T/out" "$SRC/tests/stf/$stf.stf" --engine $engine --rtl-cache "$CACHE" \
            > "$T/stf.log" 2>&1 || fail "hopsim stf $stf on $engine: $(cat "$T/stf.log")"
    done
done

cat > "$T/interfaces" <<'X'
1 192.0.2.254/24 02:00:00:00:01:fe
2 198.51.100.254/24 02:00:00:00:02:fe
X
start_board "$T/out" --rtl-cache "$CACHE"

# Another compile of router: refused with both hashes, nothing written.
"$HOPD" --device "sim:$T/board.sock" --program "$T/other" --interfaces "$T/interfaces" \
    --control "$T/hopd.sock" --exit-after-load > "$T/hopd.log" 2>&1
rc=$?
[ $rc = 1 ] || fail "hopd with another compile of router: exit $rc"
grep -q "$theirs" "$T/hopd.log" && grep -q "$ours" "$T/hopd.log" ||
    fail "the refusal does not name both hashes ($ours, $theirs)"

# The directory the board was built from: accepted, tables written.
"$HOPD" --device "sim:$T/board.sock" --program "$T/out" --interfaces "$T/interfaces" \
    --control "$T/hopd.sock" --exit-after-load > "$T/hopd.log" 2>&1 ||
    fail "hopd on the directory without its source: exit $?"
grep -q "runs router at DATA_W=512, CPU port [0-9]*, 0 CSR words written by earlier clients" \
    "$T/hopd.log" || fail "the refused hopd wrote to the board, or no board line"
grep -q "entries written" "$T/hopd.log" || fail "no tables written"
echo "PASS"
