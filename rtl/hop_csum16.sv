// SPDX-License-Identifier: Apache-2.0
// Internet checksum (RFC 1071) of a HDR_BYTES-byte header: a pipelined adder tree with STAGES
// register stages, giving the ones'-complement sum, the checksum and a verify flag.
`default_nettype none

// Byte order: in_hdr holds the header as the compiler's header vector presents it, byte 0 (the
// first byte on the wire) in the high bits: byte k is in_hdr[8*(HDR_BYTES-1-k) +: 8], so the
// 16-bit word i is {byte 2i, byte 2i+1} (network order); an odd last byte is padded with a zero
// low byte, as RFC 1071 does.
//
// Uses: verify (the header with its checksum field: out_verify_ok when the sum is 0xFFFF),
// full update (the header with the checksum field zeroed: out_csum is the value to write).
//
// Structure: ceil(log2(words)) levels of pairwise adds that keep the carries (level l sums are
// 16+l bits wide), then one fold level (the end-around carry back into 16 bits, one adder
// delay by carry select). STAGES pipeline registers are spread evenly over those LEVELS =
// ceil(log2(words)) + 1 levels, the last one always registered; latency STAGES cycles from
// in_valid to out_valid, one header per clock. Two adder levels (16..21 bits) per stage is
// the budget for 250 MHz: STAGES = 3 for a 60-byte IPv4 header (6 levels), 3 for 20 bytes
// (5 levels). out_csum and out_verify_ok are the last register inverted / compared (no adder
// after it). A register loads only with a header (the valid that travels beside it), so the
// outputs hold the last header's sum while out_valid is low.
module hop_csum16 #(
    parameter int HDR_BYTES = 20,
    parameter int STAGES = 3,
    localparam int WORDS = (HDR_BYTES + 1) / 2,
    localparam int LEVELS = $clog2(WORDS) + 1
) (
    input  wire                   clk,
    input  wire                   rst,
    input  wire                   in_valid,
    input  wire [8*HDR_BYTES-1:0] in_hdr,
    output wire                   out_valid,
    output wire [           15:0] out_sum,
    output wire [           15:0] out_csum,
    output wire                   out_verify_ok
);
    initial begin
        if (HDR_BYTES < 3) $fatal(1, "%m: HDR_BYTES must be at least 3");
        if (STAGES < 1 || STAGES > LEVELS) $fatal(1, "%m: STAGES must be in 1..%0d", LEVELS);
    end

    // Header bytes padded to whole words, byte 0 still in the high bits.
    wire [16*WORDS-1:0] padded = (16 * WORDS)'(in_hdr) << (16 * WORDS - 8 * HDR_BYTES);

    // Every partial sum is a signal of its own (g_lvl[l].g_e[i].v), not a field of one wide
    // vector: a simulator adds and copies each as a machine word.
    for (genvar l = 0; l <= LEVELS; l++) begin : g_lvl
        // Level l: CNT partial sums of SW bits each; the last level is the folded 16-bit sum.
        localparam int CNT = l == LEVELS ? 1 : (WORDS + (1 << l) - 1) >> l;
        localparam int SW = l == LEVELS ? 16 : 16 + l;
        // A register after level l when the even spread of STAGES over LEVELS says so.
        localparam bit REG = l > 0 && ((l * STAGES) / LEVELS) > (((l - 1) * STAGES) / LEVELS);
        logic vld;

        if (l == 0) begin : g_in
            assign vld = in_valid;
        end else if (REG) begin : g_reg
            always_ff @(posedge clk) begin
                if (rst) vld <= 1'b0;
                else vld <= g_lvl[l-1].vld;
            end
        end else begin : g_wire
            assign vld = g_lvl[l-1].vld;
        end

        for (genvar i = 0; i < CNT; i++) begin : g_e
            logic [SW-1:0] v;
            if (l == 0) begin : g_word
                assign v = padded[16*(WORDS-1-i)+:16];
            end else begin : g_op
                localparam int PCNT = (WORDS + (1 << (l - 1)) - 1) >> (l - 1);
                localparam int PSW = 16 + l - 1;
                logic [SW-1:0] c;
                if (l == LEVELS) begin : g_fold
                    // End-around carry of the PSW - 16 <= 16 carry bits in one adder delay
                    // (carry select): if low + high overflows 16 bits, the result is low + high
                    // + 1 mod 2^16, which cannot overflow again.
                    wire [15:0] low = g_lvl[l-1].g_e[0].v[15:0];
                    wire [PSW-17:0] high = g_lvl[l-1].g_e[0].v[PSW-1:16];
                    wire [16:0] plain = 17'(low) + 17'(high);
                    wire [15:0] plus_one = 16'(low + 16'(high) + 16'd1);
                    assign c = plain[16] ? plus_one : plain[15:0];
                end else if (2 * i + 1 < PCNT) begin : g_sum
                    assign c = SW'(g_lvl[l-1].g_e[2*i].v) + SW'(g_lvl[l-1].g_e[2*i+1].v);
                end else begin : g_carry
                    assign c = SW'(g_lvl[l-1].g_e[2*i].v);
                end
                if (REG) begin : g_reg
                    // Only with a header: a simulator adds nothing in idle cycles.
                    always_ff @(posedge clk) if (g_lvl[l-1].vld) v <= c;
                end else begin : g_wire
                    assign v = c;
                end
            end
        end
    end

    assign out_valid = g_lvl[LEVELS].vld;
    assign out_sum = g_lvl[LEVELS].g_e[0].v;
    assign out_csum = ~g_lvl[LEVELS].g_e[0].v;
    assign out_verify_ok = g_lvl[LEVELS].g_e[0].v == 16'hffff;
endmodule

`resetall
