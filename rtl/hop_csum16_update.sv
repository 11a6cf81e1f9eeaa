// SPDX-License-Identifier: Apache-2.0
// Incremental Internet checksum update (RFC 1624 eqn. 3): HC' = ~(~HC + ~m + m') when one
// 16-bit word of the covered data changes from m to m'; combinational or one register stage.
`default_nettype none

// Eqn. 3, unlike eqn. 2, never produces 0xFFFF from a header whose other words are not all
// zero (RFC 1624 section 3). Several changed words: chain instances (or fold the sums of the
// old and the new words into m and m' first). STAGES = 0: combinational, clk and rst unused;
// STAGES = 1: out_* registered, latency one cycle. All values in network order (bit 15 =
// first byte's MSB).
module hop_csum16_update #(
    parameter int STAGES = 1
) (
    input  wire        clk,
    input  wire        rst,
    input  wire        in_valid,
    input  wire [15:0] in_csum,
    input  wire [15:0] in_old,
    input  wire [15:0] in_new,
    output wire        out_valid,
    output wire [15:0] out_csum
);
    initial begin
        if (STAGES != 0 && STAGES != 1) $fatal(1, "%m: STAGES must be 0 or 1");
    end

    // Three 16-bit terms: at most 2 carry bits, added back in (end-around carry) with a carry
    // select, so the fold costs one adder delay: if it overflows 16 bits, +1 cannot again.
    // The complements at 16 bits: inside a wider expression ~ would also set the upper bits.
    wire [15:0] not_csum = ~in_csum;
    wire [15:0] not_old = ~in_old;
    wire [17:0] total = 18'(not_csum) + 18'(not_old) + 18'(in_new);
    wire [16:0] plain = 17'(total[15:0]) + 17'(total[17:16]);
    wire [15:0] plus_one = total[15:0] + 16'(total[17:16]) + 16'd1;
    wire [15:0] sum = plain[16] ? plus_one : plain[15:0];
    wire [15:0] csum = ~sum;

    if (STAGES == 0) begin : g_comb
        wire unused_clock = clk ^ rst;
        assign out_valid = in_valid;
        assign out_csum = csum;
    end else begin : g_reg
        logic valid_q;
        logic [15:0] csum_q;
        always_ff @(posedge clk) begin
            csum_q <= csum;
            if (rst) valid_q <= 1'b0;
            else valid_q <= in_valid;
        end
        assign out_valid = valid_q;
        assign out_csum = csum_q;
    end
endmodule

`resetall
