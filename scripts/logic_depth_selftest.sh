#!/usr/bin/env bash
# logic_depth_selftest.sh: checks scripts/logic_depth.py on designs whose depth is known.
# Hand-written netlists pin the weights exactly (LUT 1, MUXF7 0.5, CARRY8 0.5, CARRY4 0.25,
# unregistered DSP48E2 2; a registered DSP48E2 ends and starts paths),
# a loop and an unknown cell give their exit codes; two small synthesized designs check the
# Yosys side: a 64-bit add between registers (1 LUT + 16 CARRY4 = 5 levels) and a 64-bit XOR
# reduction (a LUT6 tree is 3 levels; Yosys 0.23 maps it as two rounds of LUT6 + MUXF7 +
# MUXF8, 4 levels, so 3 to 4 is accepted); rtl-depth.sh's -P (every parameter applied, also to
# a top with a parameterized submodule) and -L (a blackbox library block: its output starts a
# path, its input ends one). Prints "selftest ok" or says what failed (exit 1).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
expect() { # expect NAME WANTED_RC OUTPUT_REGEX COMMAND...
    local name=$1 want=$2 re=$3
    shift 3
    local out rc
    out=$("$@" 2>&1)
    rc=$?
    if [ "$rc" != "$want" ] || ! grep -qE -- "$re" <<<"$out"; then
        echo "FAIL $name: exit $rc (wanted $want), output does not match /$re/:"
        echo "$out" | head -n 20
        fail=1
    else
        echo "ok   $name"
    fi
}

# Netlist generator: FD r0 -> a chain of cells -> FD r1. Chain items are cell types; each
# takes the previous net on its first input pin and drives the next net.
python3 - "$tmp" <<'PY'
import json, sys
tmp = sys.argv[1]
PINS = {"LUT1": ("I0", "O"), "MUXF7": ("I0", "O"), "CARRY8": ("CI", "CO"),
        "CARRY4": ("CI", "CO"), "INV": ("I", "O"), "FOO": ("A", "Y"), "DSP48E2": ("A", "P"),
        "DSP48E2_REG": ("A", "P")}
def netlist(chain, loop=False):
    cells, net = {}, 10
    cells["r0"] = {"type": "FDRE", "port_directions": {"C": "input", "D": "input",
                   "CE": "input", "R": "input", "Q": "output"},
                   "connections": {"C": [2], "D": [3], "CE": ["1"], "R": ["0"], "Q": [net]}}
    first = net
    for i, t in enumerate(chain):
        i_pin, o_pin = PINS[t]
        ins = [net] + ([99] if loop and i == 0 else [])
        params = {"AREG": "0", "PREG": "1" if t.endswith("_REG") else "0"}
        cells[f"c{i}"] = {"type": t.replace("_REG", ""), "parameters": params,
                          "port_directions": {i_pin: "input", "I1": "input",
                          o_pin: "output"},
                          "connections": {i_pin: [net], "I1": [99 if loop and i == 0 else "0"],
                                          o_pin: [net + 1]}}
        net += 1
    if loop:
        cells["back"] = {"type": "LUT1", "port_directions": {"I0": "input", "O": "output"},
                         "connections": {"I0": [net], "O": [99]}}
    cells["r1"] = {"type": "FDRE", "port_directions": {"C": "input", "D": "input",
                   "CE": "input", "R": "input", "Q": "output"},
                   "connections": {"C": [2], "D": [net], "CE": ["1"], "R": ["0"], "Q": [4]}}
    ports = {"clk": {"direction": "input", "bits": [2]}, "d": {"direction": "input", "bits": [3]},
             "q": {"direction": "output", "bits": [4]}}
    nets = {"r0_q": {"hide_name": 0, "bits": [first]}, "u_blk.r1_q": {"hide_name": 0, "bits": [4]}}
    return {"modules": {"t": {"attributes": {"top": "00000000000000000000000000000001"},
                              "ports": ports, "cells": cells, "netnames": nets}}}
cases = {"luts9": ["LUT1"] * 9, "luts9_muxf7": ["LUT1"] * 9 + ["MUXF7"],
         "carry8x3": ["CARRY8"] * 3, "carry4x4_inv": ["CARRY4"] * 4 + ["INV"],
         "unknown": ["LUT1", "FOO"], "dsp_comb": ["LUT1", "DSP48E2", "LUT1"],
         "dsp_reg": ["LUT1", "LUT1", "DSP48E2_REG", "LUT1"]}
for name, chain in cases.items():
    json.dump(netlist(chain), open(f"{tmp}/{name}.json", "w"))
json.dump(netlist(["LUT1"] * 3, loop=True), open(f"{tmp}/loop.json", "w"))
PY

ld="python3 $here/logic_depth.py"
expect "9 LUTs = 9 levels" 0 "deepest 9 levels at u_blk.r1_q \(D\)" $ld "$tmp/luts9.json"
expect "9 LUTs + MUXF7 = 9.5" 0 "deepest 9.5 levels" $ld "$tmp/luts9_muxf7.json"
expect "3 CARRY8 = 1.5" 0 "deepest 1.5 levels" $ld "$tmp/carry8x3.json"
expect "4 CARRY4 + INV = 2" 0 "deepest 2 levels" $ld "$tmp/carry4x4_inv.json"
expect "block of u_blk.r1_q" 0 "^u_blk +1 +1 +9 +u_blk.r1_q" $ld "$tmp/luts9.json"
expect "--max-levels 8 fails on 9" 1 "FAIL: 1 endpoint\(s\) deeper than 8" \
    $ld "$tmp/luts9.json" --max-levels 8
expect "--max-levels 9 passes on 9" 0 "deepest 9 levels" $ld "$tmp/luts9.json" --max-levels 9
expect "unregistered DSP = 2" 0 "deepest 4 levels" $ld "$tmp/dsp_comb.json"
expect "registered DSP cuts the path" 0 "deepest 2 levels" \
    $ld "$tmp/dsp_reg.json"
expect "unknown cell type" 2 "type FOO not known" $ld "$tmp/unknown.json"
expect "combinational loop" 3 "combinational loop" $ld "$tmp/loop.json"

cat >"$tmp/add64.sv" <<'SV'
module add64 (input logic clk, input logic [63:0] a, b, output logic [63:0] s);
  logic [63:0] a_q, b_q;
  always_ff @(posedge clk) begin a_q <= a; b_q <= b; s <= a_q + b_q; end
endmodule
SV
cat >"$tmp/xor64.sv" <<'SV'
module xor64 (input logic clk, input logic [63:0] a, output logic p);
  logic [63:0] a_q;
  always_ff @(posedge clk) begin a_q <= a; p <= ^a_q; end
endmodule
SV
expect "64-bit add between registers = 5" 0 "deepest 5 levels at s\[6[0-3]\] \(D\)" \
    "$here/rtl-depth.sh" -t add64 "$tmp/add64.sv"
expect "64-bit add fails --max-levels 4" 1 "FAIL" \
    "$here/rtl-depth.sh" -t add64 --max-levels 4 "$tmp/add64.sv"
expect "64-bit XOR reduction = 3 to 4" 0 "deepest (3|3.5|4) levels at p \(D\)" \
    "$here/rtl-depth.sh" -t xor64 "$tmp/xor64.sv"
cat >"$tmp/params.sv" <<'SV'
module params_sub #(parameter int W = 1) (input logic clk, input logic [W-1:0] d, output logic [W-1:0] q);
  always_ff @(posedge clk) q <= d;
endmodule
module params #(parameter int A = 1, parameter int B = 1) (input logic clk, input logic [A+B-1:0] d,
                                                           output logic [A+B-1:0] q);
  params_sub #(.W(A)) u_a (.clk(clk), .d(d[A-1:0]), .q(q[A-1:0]));
  params_sub #(.W(B)) u_b (.clk(clk), .d(d[A+B-1:A]), .q(q[A+B-1:A]));
endmodule
SV
expect "-P A=5 -P B=7: both applied (12 FF)" 0 "^== params: LUT 0 +FF 12 " \
    "$here/rtl-depth.sh" -t params -P A=5 -P B=7 "$tmp/params.sv"
cat >"$tmp/box.sv" <<'SV'
module box #(parameter int W = 4) (input logic clk, input logic [W-1:0] a, output logic [W-1:0] y);
  always_ff @(posedge clk) y <= a + 1'b1;
endmodule
SV
cat >"$tmp/boxtop.sv" <<'SV'
module boxtop (input logic clk, input logic [7:0] x, output logic [7:0] z);
  logic [7:0] a_q, y;
  always_ff @(posedge clk) a_q <= x;
  box #(.W(8)) u_box (.clk(clk), .a(a_q ^ 8'h5a ^ {a_q[0], a_q[7:1]}), .y(y));
  always_ff @(posedge clk) z <= y ^ a_q;
endmodule
SV
out=$("$here/rtl-depth.sh" -t boxtop -L "$tmp/box.sv" --top-n 20 "$tmp/boxtop.sv" 2>&1)
expect "-L: one blackbox, no logic of its own mapped" 0 "blackboxes 1$" echo "$out"
expect "-L: the block's input is an endpoint (1 level)" 0 "^ +1 +u_box.a \(a\)$" echo "$out"
expect "-L: the block's output starts a path (z = 1 level)" 0 "deepest 1 levels" echo "$out"

((fail)) && exit 1
echo "selftest ok"
