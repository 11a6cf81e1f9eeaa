#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# hopd on the pcie device with a file-backed BAR (a sysfs tree of the test's own, no interface,
# --exit-after-load; no root needed):
#   - a BAR smaller than router.p4's register map: one-line error, exit 3;
#   - a BAR that does not identify as a pipeline, a malformed device string: one-line errors;
#   - program=basic on the device string while --program is router.p4: refused (exit 1);
#   - a BAR with the identification words of a DATA_W=512 (then 64) pipeline: hopd trusts
#     --program (the BAR cannot name it), writes router.p4's tables into the file (the words
#     change) and starts a state file naming the device;
#   - started again with that state file and csr_writes=0 (the default): refused with the advice
#     to add csr_writes=1 or remove the file.
# Usage: hopd_pcie.sh HOPD SOURCE_DIR HOPC
set -u
HOPD=$1 SRC=$2 HOPC=$3
T=$(mktemp -d /tmp/hopd-pcie.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; [ -f "$T/out" ] && sed 's/^/  hopd: /' "$T/out"; exit 1; }
DEV=$T/sys/bus/pci/devices/0000:01:00.0
mkdir -p "$DEV"

# The register-map hash of router.p4 at a DATA_W (the manifest's regmap_hash) as the eight
# little-endian bytes of the HASH_LO / HASH_HI words.
hash_bytes() {
    "$HOPC" "$SRC/examples/router.p4" -o "$T/router$1" --data-width "$1" > /dev/null 2>&1 ||
        fail "hopc router.p4 --data-width $1"
    local h
    h=$(sed -n 's/.*"regmap_hash": "0x\([0-9a-f]*\)".*/\1/p' "$T/router$1/manifest.json")
    [ ${#h} = 16 ] || fail "no regmap_hash in $T/router$1/manifest.json"
    local out= i
    for i in 14 12 10 8 6 4 2 0; do out+="\\x${h:$i:2}"; done
    echo "$out"
}
# bar SIZE ID_HEX_BYTES WIDTH_HEX_BYTES [HASH_HEX_BYTES]: a resource0 of SIZE bytes with the
# pipeline block's ID, DATA_W (words 0, 1) and HASH_LO / HASH_HI (words 8, 9), little-endian.
bar() {
    rm -f "$DEV/resource0"
    printf "$2$3" > "$DEV/resource0"
    if [ -n "${4:-}" ]; then
        truncate -s 32 "$DEV/resource0"
        printf "$4" >> "$DEV/resource0"
    fi
    truncate -s "$1" "$DEV/resource0"
}
HOPL='\x4c\x50\x4f\x48'  # regmap::kPipelineId, "HOPL"
W512='\x00\x02\x00\x00'
W64='\x40\x00\x00\x00'
H512=$(hash_bytes 512)
H64=$(hash_bytes 64)

cat > "$T/interfaces" <<'X'
1 192.0.2.254/24 02:00:00:00:01:fe
2 198.51.100.254/24 02:00:00:00:02:fe mtu 1280
X
cat > "$T/routes" <<'X'
203.0.113.0/24 via 198.51.100.1
X
# run_hopd EXPECTED_EXIT DEVICE_OPTIONS...: hopd's output in $T/out
run_hopd() {
    local want=$1
    shift
    rm -f "$T/out"
    "$HOPD" --device "pcie:0000:01:00.0,sysfs=$T/sys$1" --program "$SRC/examples/router.p4" \
        --interfaces "$T/interfaces" --routes "$T/routes" --control "$T/hopd.sock" \
        --exit-after-load > "$T/out" 2>&1
    local got=$?
    [ "$got" = "$want" ] || fail "pcie:...$1: exit $got, expected $want"
}
expect_line() {  # expect_line TEXT: one line of $T/out contains TEXT
    grep -qF -- "$1" "$T/out" || fail "expected a line with: $1"
}

bar 64 "$HOPL" "$W512" "$H512"
run_hopd 3 ""
expect_line "hopd: error: the register map of router at DATA_W=512 needs 0x"
expect_line "bytes of CSR space: pcie:0000:01:00.0,sysfs=$T/sys: address 0x"
expect_line "is outside the BAR ($DEV/resource0 holds 0x40 bytes of CSR space from offset 0x0)"

bar 65536 '\x12\x34\x56\x78' "$W512"
run_hopd 3 ""
expect_line "hopd: error: pcie:0000:01:00.0,sysfs=$T/sys: BAR 0 does not hold a hopline pipeline"

run_hopd 3 ",resource=9"
expect_line "resource=9: a BAR number is 0 to 5"
[ "$(grep -c error "$T/out")" = 1 ] || fail "more than one error line for a malformed device string"

bar 65536 "$HOPL" "$W512" "$H512"
run_hopd 1 ",program=basic"
expect_line "hopd: error: pcie:0000:01:00.0,sysfs=$T/sys runs basic, not router"

cp "$DEV/resource0" "$T/before"
run_hopd 0 ""
expect_line "does not name its program: trusting --program (router)"
expect_line "runs router at DATA_W=512"
cmp -s "$DEV/resource0" "$T/before" && fail "no CSR word was written into the BAR"
[ "$(stat -c %s "$DEV/resource0")" = 65536 ] || fail "the BAR file changed size"
head -1 "$T/hopd.sock.state" | grep -qxF "@hopd-state 1 router 512 pcie:0000:01:00.0,sysfs=$T/sys" ||
    fail "state file header: $(head -1 "$T/hopd.sock.state")"
grep -q "^table_add RouterIngress.port_mac " "$T/hopd.sock.state" || fail "no port_mac entry"

run_hopd 1 ""
expect_line "hopd: error: $T/hopd.sock.state holds the state of an earlier hopd: add csr_writes=1"

rm -f "$T/hopd.sock.state"
bar 65536 "$HOPL" "$W64" "$H64"
run_hopd 0 ",program=router,cpu_port=510"
expect_line "runs router at DATA_W=64, CPU port 510"
echo "PASS"
