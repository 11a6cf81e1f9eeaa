#!/usr/bin/env bash
# The layering DESIGN.md fixes ("The compiled program is the contract"): runtime/ includes
# nothing from sim/, and a host-runtime binary links neither the reference model, nor the
# Verilator harness, nor libpcap.
#   check_layering.sh SOURCE_DIR BINARY...   exit 0 when every check holds, 1 (naming each
#                                            violation) otherwise
set -uo pipefail
src=$1
shift
bad=0
violation() {
    echo "layering: $*" >&2
    bad=1
}

# runtime/ sources: no #include of sim/ (quoted or angled).
while IFS= read -r hit; do
    violation "runtime/ includes sim/: $hit"
done < <(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](\.\./)*sim/' \
    "$src/runtime" --include='*.cpp' --include='*.hpp' --include='*.h' 2>/dev/null)

for bin in "$@"; do
    [ -x "$bin" ] || {
        violation "$bin: not an executable"
        continue
    }
    name=$(basename "$bin")
    if ldd "$bin" 2>/dev/null | grep -q 'libpcap'; then
        violation "$name links libpcap"
    fi
    # Symbols of the reference model and the engines (hop::sim::...), the Verilator harness
    # (hop_rtl_*) and libpcap (pcap_*), defined or referenced.
    syms=$(nm -C "$bin" 2>/dev/null | grep -E ' hop::sim::| hop_rtl_[a-z_]+$| pcap_[a-z_]+(@|$)' |
        head -5)
    if [ -n "$syms" ]; then
        violation "$name contains simulator code, e.g.:"
        echo "$syms" | sed 's/^/    /' >&2
    fi
done
exit $bad
