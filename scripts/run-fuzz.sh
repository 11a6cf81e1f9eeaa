#!/usr/bin/env bash
# Runs the front-end fuzz target for a bounded time from a seed corpus made of the examples, the
# test programs, the STF feature programs (header stacks, sub-controls, structured values, ...),
# p4c's STF corpus and the P4 tutorials' solutions from ../shared when present (preprocessed, so
# every seed is self-contained). Fails on any finding.
set -euo pipefail
fuzzer=$1
seconds=${2:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/artifacts"
for p4 in "$root"/examples/*.p4 "$root"/tests/programs/*/*.p4 "$root"/tests/stf/*.p4 \
    "$root"/../shared/p4c-stf/*.p4 "$root"/../shared/p4-tutorials/*/*.p4; do
    [ -f "$p4" ] || continue
    name=$(echo "$p4" | sed "s|$root/||; s|\.\./||g; s|/|_|g")
    cpp -C -undef -nostdinc -x assembler-with-cpp -I "$root/p4include" -I "$(dirname "$p4")" "$p4" \
        >"$work/corpus/$name" 2>/dev/null || cp "$p4" "$work/corpus/$name"
done
echo "fuzzing for ${seconds}s from $(ls "$work/corpus" | wc -l) seeds"
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$work/corpus" 2>"$work/log" || {
    tail -n 60 "$work/log"
    for a in "$work"/artifacts/*; do
        [ -f "$a" ] && { echo "== finding: $(basename "$a")"; head -c 2000 "$a" | od -c | head -40; }
    done
    exit 1
}
grep -E '^(stat::number_of_executed_units|#[0-9]+ +DONE)' "$work/log" || tail -n 3 "$work/log"
echo "fuzz: no findings"
