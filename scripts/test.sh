#!/usr/bin/env bash
# Installs what is missing, builds everything (and the libFuzzer target with clang), checks the
# formatting, and runs the whole test suite through CTest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/deps.sh"
jobs=${HOP_JOBS:-$(nproc)}

echo "== clang-format check"
cd "$root"
mapfile -t sources < <(git ls-files '*.cpp' '*.hpp' '*.h' '*.cc')
if ((${#sources[@]})); then
    clang-format --dry-run --Werror "${sources[@]}"
fi

echo "== build the fuzz target (clang, libFuzzer + ASan/UBSan)"
cmake -S "$root" -B "$root/build-fuzz" -G Ninja -DHOP_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ >/dev/null
ninja -C "$root/build-fuzz" -j "$jobs" hopc_fuzz_frontend

echo "== build"
"$root/scripts/build.sh" -DHOP_FUZZ_BINARY="$root/build-fuzz/bin/hopc_fuzz_frontend"

echo "== test"
cd "$root/build"
# Tests labelled "slow" (p4c's corpus on RTL, the depth checks of the deepest blocks, ...) are left
# to `ctest -L slow`.
ctest --output-on-failure -j "$jobs" --timeout 900 -LE slow
