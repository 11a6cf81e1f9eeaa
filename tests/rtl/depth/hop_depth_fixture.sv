// SPDX-License-Identifier: Apache-2.0
// A block that is too deep on purpose, for rtl.depth.fixture_is_caught: the popcount of one
// 64-bit register compared with another register, into a flip-flop. The adder tree of a
// 64-bit $countones plus the compare is well over 8 LUT levels, so the depth check must
// reject it; if it passes, the check is not looking at the logic.
module hop_depth_fixture (
    input  logic        clk,
    input  logic [63:0] a,
    input  logic [6:0]  limit,
    output logic        over
);
  logic [63:0] a_q;
  logic [6:0]  limit_q;
  always_ff @(posedge clk) begin
    a_q     <= a;
    limit_q <= limit;
    over    <= $countones(a_q) > limit_q;
  end
endmodule
