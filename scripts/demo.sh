#!/usr/bin/env bash
# The main demo: installs what is missing, builds everything, compiles every example and prints
# a summary of each program's tables and actions, runs STF tests on the reference model (one
# traced) and on the Verilated RTL of router.p4.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/deps.sh"
"$root/scripts/build.sh"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for p4 in "$root"/examples/*.p4; do
    name=$(basename "$p4" .p4)
    echo "== $name.p4"
    "$root/build/bin/hopc" "$p4" -o "$out/$name" --emit ir --summary
    echo "   wrote $(cd "$out/$name" && ls | tr '\n' ' ')"
done

echo
echo "== hopsim: the P4 tutorials' basic behaviours on examples/basic.p4 (reference model)"
"$root/build/bin/hopsim" stf "$root/examples/basic.p4" "$root/tests/stf/basic-lpm-longest.stf"
echo
echo "== hopsim: why was this packet punted? (router.p4, TTL 1, traced)"
"$root/build/bin/hopsim" stf "$root/examples/router.p4" "$root/tests/stf/router-punt-ttl.stf" \
    --trace-packets | head -n 40
echo
echo "== hopsim --engine rtl: router.p4's generated pipeline (DATA_W=512), Verilated, on the"
echo "   router's STF tests (the model is built once, about 30 s, then cached in build/rtl-cache)"
for stf in "$root"/tests/stf/router-*.stf; do
    "$root/build/bin/hopsim" stf "$root/examples/router.p4" "$stf" --engine rtl \
        --data-width 512 --rtl-cache "$root/build/rtl-cache"
done
echo
echo "== hopsim --engine rtl --trace-packets: cycles in and out of a routed frame"
"$root/build/bin/hopsim" stf "$root/examples/router.p4" "$root/tests/stf/router-forward.stf" \
    --engine rtl --rtl-cache "$root/build/rtl-cache" --trace-packets | head -n 20
