// SPDX-License-Identifier: Apache-2.0
// A fixed delay line: out_data is in_data from CYCLES clocks earlier, out_valid likewise (reset
// clears the valid bits only; data is never reset). The generated pipeline puts the packet's
// bundle through one of these beside every lookup and checksum unit (compiler/src/verilog).
//
// CYCLES < RING_MIN: a chain of registers. Otherwise a ring of CYCLES-1 words read and written at
// one pointer each clock (the read returns the word written CYCLES-1 clocks earlier) into an
// output register, which is what a shift register of that length maps to anyway (distributed
// RAM / SRLs); it also costs a Verilated model one write and one read of a W-bit word per clock
// instead of CYCLES copies. No stall: one word in and one word out every clock.
//
// HOLD = 1: a data register loads only a valid word (its valid bit set), so out_data is
// in_data from CYCLES clocks earlier while out_valid is high and holds its last valid word
// while it is low. Where bubbles are frequent a simulator then copies the word only when a
// valid one moves. Same registers and depth as HOLD = 0 (the valid bit becomes an enable).
`default_nettype none

module hop_delay #(
    parameter int W      = 8,
    parameter int CYCLES = 1,
    // From this many cycles on, a ring (below, a register per stage).
    parameter int RING_MIN = 5,
    // Data registers load valid words only (see above).
    parameter bit HOLD = 1'b0
) (
    input  wire          clk,
    input  wire          rst,
    input  wire          in_valid,
    input  wire  [W-1:0] in_data,
    output logic         out_valid,
    output logic [W-1:0] out_data
);
    initial begin
        if (W < 1) $fatal(1, "%m: W must be at least 1");
        if (CYCLES < 1) $fatal(1, "%m: CYCLES must be at least 1");
    end

    // The valid bits: a shift register (reset).
    logic [CYCLES-1:0] valid_q, valid_next;
    if (CYCLES == 1) begin : gen_valid1
        assign valid_next = in_valid;
    end else begin : gen_valid
        assign valid_next = {valid_q[CYCLES-2:0], in_valid};
    end
    always_ff @(posedge clk) begin
        if (rst) valid_q <= '0;
        else valid_q <= valid_next;
    end
    assign out_valid = valid_q[CYCLES-1];

    if (CYCLES < RING_MIN) begin : gen_regs
        // One plain register per stage (no array: a Verilated model copies each once).
        for (genvar i = 0; i < CYCLES; i++) begin : gen_stage
            logic [W-1:0] q;
            if (i == 0) begin : gen_first
                always_ff @(posedge clk) if (!HOLD || in_valid) q <= in_data;
            end else begin : gen_next
                always_ff @(posedge clk) if (!HOLD || valid_q[i-1]) q <= gen_stage[i-1].q;
            end
        end
        assign out_data = gen_stage[CYCLES-1].q;
    end else begin : gen_ring
        localparam int N = CYCLES - 1;
        localparam int PW = $clog2(N);
        logic [W-1:0] ring[N];
        logic [PW-1:0] ptr_q;
        logic [W-1:0] out_q;
        // The word at ptr_q went in N clocks ago, with valid_q[N-1].
        always_ff @(posedge clk) begin
            if (!HOLD || valid_q[N-1]) out_q <= ring[ptr_q];
            if (!HOLD || in_valid) ring[ptr_q] <= in_data;
            ptr_q <= ptr_q == PW'(N - 1) ? '0 : ptr_q + 1'b1;
        end
        assign out_data = out_q;
    end
endmodule

`resetall
