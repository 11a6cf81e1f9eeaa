#!/usr/bin/env bash
# Installs the Debian packages hopline needs, only those missing (idempotent).
set -euo pipefail
packages=(
    build-essential cmake ninja-build ccache pkg-config git
    clang clang-format libclang-rt-14-dev
    libboost-dev nlohmann-json3-dev libcli11-dev libfmt-dev
    libgtest-dev libgmock-dev libbenchmark-dev libpcap-dev libsystemc-dev
    verilator yosys tshark iproute2 iputils-ping traceroute protobuf-compiler python3-protobuf
    zlib1g-dev
)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "hopline: installing missing Debian packages: ${missing[*]}"
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    export DEBIAN_FRONTEND=noninteractive
    "${sudo_cmd[@]}" apt-get update -qq
    echo "wireshark-common wireshark-common/install-setuid boolean false" |
        "${sudo_cmd[@]}" debconf-set-selections
    "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
