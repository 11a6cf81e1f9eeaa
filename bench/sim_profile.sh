#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Where the simulation's time goes, per Verilog module (issue 13: at most 3,000 instructions per
# simulated router cycle, for 2 M packets/s). Runs pipeline_bench under callgrind, counting only
# inside hop_rtl_cycle (the harness's one clock: the model's eval and the port copies), twice:
#  1. on the plain model (the build's rtl-cache, as pipeline_bench runs it): instructions (Ir)
#     per simulated cycle, the figure the README quotes;
#  2. on a profiling model built with Verilator's --prof-cfuncs, whose C++ functions each hold
#     one always block or assignment and are named after their module and line: the Ir per
#     module and per source line (each statement with the runtime helpers it calls), from the
#     callgrind output's call graph. The split model runs about 30 % more instructions, mostly
#     the calls of the split functions, which stay outside the modules; the per-module figures
#     are also given scaled to run 1's total (the shares are what matters).
# The profiling model is built by hopsim's own build (sim/rtl/rtl_build.cpp) through a Verilator
# wrapper in HOPSIM_VERILATOR, into its own cache (HOPSIM_RTL_CACHE): the wrapper reports a
# different --version, which is part of the cache key, so a profiling model never stands in for
# a plain one. Callgrind's counts are deterministic: compare runs by them, not by wall time.
#
#   bench/sim_profile.sh [BUILD_DIR] [PROGRAM] [FRAMES]   (default build, router, 20000)
#
# Output files stay in BUILD_DIR/bench/sim_profile/<program>/ (callgrind.out.*, annotate.*.txt).
# Needs valgrind (callgrind_annotate) and pipeline_bench built (ninja pipeline_bench).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
prog=${2:-router}
frames=${3:-20000}
bench=$build/bin/pipeline_bench
[ -x "$bench" ] || { echo "sim_profile.sh: no $bench (ninja -C $build pipeline_bench)" >&2; exit 2; }
command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null ||
    { echo "sim_profile.sh: needs valgrind and callgrind_annotate" >&2; exit 2; }
out=$build/bench/sim_profile/$prog
mkdir -p "$out"
verilator=$(command -v "${HOPSIM_VERILATOR:-verilator}")

# The wrapper: --prof-cfuncs, without the -pg it would also add (VM_PROFC): gprof's mcount
# calls would be counted as the model's work. GCC would inline the functions called once back
# into their caller, which loses their names: -fno-inline-functions-called-once and
# -fno-inline-small-functions keep them apart (Verilator's own `static inline` helpers still
# inline). Its --version names the flags, so changing them changes the cache key.
extra="--prof-cfuncs -MAKEFLAGS VM_PROFC=0 -CFLAGS -fno-inline-functions-called-once -CFLAGS -fno-inline-small-functions"
wrapper=$out/verilator-prof
cat >"$wrapper" <<SH
#!/bin/sh
if [ "\$1" = --version ]; then
    "$verilator" --version | sed 's/\$/ ($extra)/'
    exit
fi
exec "$verilator" $extra "\$@"
SH
chmod +x "$wrapper"

# run NAME ENV...: pipeline_bench under callgrind with ENV; leaves callgrind.out.NAME and
# annotate.NAME.txt (callgrind_annotate's table of functions, for reading by hand).
run() {
    local name=$1
    shift
    rm -f "$out/callgrind.out.$name"
    env "$@" valgrind --tool=callgrind --collect-atstart=no --toggle-collect=hop_rtl_cycle \
        --callgrind-out-file="$out/callgrind.out.$name" "$bench" "$frames" "$prog" \
        >"$out/bench.$name.txt" 2>"$out/valgrind.$name.txt" || true
    grep -q "^$prog " "$out/bench.$name.txt" && ! grep -q "error:" "$out/bench.$name.txt" || {
        echo "sim_profile.sh: pipeline_bench did not run under callgrind ($name):" >&2
        tail -n 20 "$out/bench.$name.txt" "$out/valgrind.$name.txt" >&2
        exit 1
    }
    callgrind_annotate --threshold=100 --inclusive=no "$out/callgrind.out.$name" \
        >"$out/annotate.$name.txt" 2>/dev/null
}

# A model is built (minutes) outside callgrind first, so the profile does not wait for it.
# (Its exit status says whether the targets are met; only "error:" means no model.)
echo "== building the models if needed (plain, then --prof-cfuncs)"
for env in "HOPSIM_VERILATOR=$verilator" \
    "HOPSIM_VERILATOR=$wrapper HOPSIM_RTL_CACHE=$build/bench/sim_profile/rtl-cache"; do
    # shellcheck disable=SC2086 # two assignments in one word list
    env $env "$bench" 100 "$prog" >"$out/build.txt" 2>&1 || true
    if ! grep -q "^$prog " "$out/build.txt" || grep -q "error:" "$out/build.txt"; then
        echo "sim_profile.sh: no model ($env):" >&2
        tail -n 20 "$out/build.txt" >&2
        exit 1
    fi
done

echo "== callgrind: $bench $frames $prog (plain model)"
run plain HOPSIM_VERILATOR="$verilator"
echo "== callgrind: the same on the --prof-cfuncs model"
run prof HOPSIM_VERILATOR="$wrapper" HOPSIM_RTL_CACHE="$build/bench/sim_profile/rtl-cache"

python3 - "$out" <<'PY'
import collections, re, sys
out = sys.argv[1]

def parse(name):
    """Self cost per function, inclusive cost per call arc, calls into hop_rtl_cycle, total."""
    names, self_ir = {}, collections.Counter()
    arcs = collections.defaultdict(collections.Counter)
    calls_in = collections.Counter()
    cur = callee = None
    in_call = False
    total = 0

    def resolve(ref):
        m = re.match(r"\((\d+)\)(?: (.*))?$", ref)
        if not m:
            return ref
        if m.group(2):
            names[m.group(1)] = m.group(2)
        return names.get(m.group(1), ref)

    for line in open(f"{out}/callgrind.out.{name}"):
        line = line.rstrip("\n")
        if line.startswith("fn="):
            cur = resolve(line[3:])
        elif line.startswith("cfn="):
            callee = resolve(line[4:])
        elif line.startswith("calls="):
            in_call = True
            calls_in[callee] += int(line[6:].split()[0])
        elif line[:1] and line[0] in "0123456789+-*":
            parts = line.split()
            ir = int(parts[1]) if len(parts) > 1 else 0
            if in_call:
                arcs[cur][callee] += ir
                in_call = False
            else:
                self_ir[cur] += ir
                total += ir
    cycles = sum(n for f, n in calls_in.items() if f.split("(")[0] == "hop_rtl_cycle")
    return self_ir, arcs, cycles, total

_, _, cyc0, ir0 = parse("plain")
self_ir, arcs, cyc1, ir1 = parse("prof")
print(f"plain model: {ir0:,} Ir in {cyc0:,} cycles = {ir0 / max(cyc0, 1):,.0f} Ir per cycle")
print(f"--prof-cfuncs model: {ir1:,} Ir in {cyc1:,} cycles = {ir1 / max(cyc1, 1):,.0f} Ir per cycle")

# Verilator names a --prof-cfuncs function ...__PROF__<module>__l<line>. Each gets its own
# instructions and everything it calls that is not another such function (Verilator's runtime
# helpers for wide words, memcpy): the cost of the statement.
PROF = re.compile(r"__PROF__([A-Za-z0-9_]+?)__l(\d+)")
per_mod, per_line = collections.Counter(), collections.Counter()
for fn, ir in self_ir.items():
    m = PROF.search(fn)
    if not m:
        continue
    ir += sum(c for g, c in arcs[fn].items() if not PROF.search(g))
    per_mod[m.group(1)] += ir
    per_line[f"{m.group(1)}:{m.group(2)}"] += ir
outside = ir1 - sum(per_mod.values())
called = {g for f, cs in arcs.items() if PROF.search(f) for g in cs}
other = collections.Counter({re.sub(r"\(.*", "", f): ir for f, ir in self_ir.items()
                             if not PROF.search(f) and f not in called})
scale = ir0 / ir1 if ir1 else 0
cyc = max(cyc1, 1)
print()
print(f"{'module':<34} {'Ir/cycle':>9} {'share':>6} {'scaled':>9}")
rows = list(per_mod.items()) + [("(no module: harness, eval, runtime)", outside)]
for mod, ir in sorted(rows, key=lambda kv: -kv[1]):
    print(f"{mod:<34} {ir / cyc:>9,.0f} {100 * ir / max(ir1, 1):>5.1f}% {ir * scale / cyc:>9,.0f}")
print(f"{'total':<34} {ir1 / cyc:>9,.0f} {'100%':>6} {ir0 / max(cyc0, 1):>9,.0f}")
print("(scaled: the share of the plain model's Ir per cycle)")
print()
print("costliest statements (module:line, Ir per cycle, with the helpers they call):")
for k, ir in per_line.most_common(20):
    print(f"  {k:<40} {ir / cyc:>8,.0f}")
print("outside the modules (self Ir per cycle; _eval_nba's is mostly the calls of the split")
print("functions, which the plain model does not make):")
for k, ir in other.most_common(8):
    print(f"  {k[:70]:<70} {ir / cyc:>8,.0f}")
PY
