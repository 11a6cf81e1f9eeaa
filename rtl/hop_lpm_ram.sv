// SPDX-License-Identifier: Apache-2.0
// One LPM trie memory: a dual port RAM, port A a registered lookup read, port B the CSR side
// (synchronous write, registered read-back). DEPTH words exactly (not rounded up to 2^AW): a
// write to an address >= DEPTH is ignored; a read of one (either port) returns an unspecified
// word (hop_table_lpm zeroes such a CSR read-back, and a pointer a lookup follows always lies
// inside the words the image builder filled).
//
// Port B is "no change": in a cycle with b_we it writes and b_rdata keeps its value; it reads
// only in a cycle with b_re and no b_we, and b_rdata holds between reads. That is the port
// UltraRAM has (URAM288 ports are read or write, not both), and a Verilated model does not copy
// a word on every clock. Port A reads in a cycle with a_en (a lookup's address) and a_rdata holds
// in every other cycle, so a Verilated model copies no word while no lookup passes; a port-A read
// of the word port B writes in the same cycle returns the old word (a lookup sees the old or the
// new entry, never a mix).
//
// DEPTH >= 16384 (ULTRA): the memory carries ram_style = "ultra", so Vivado and
// `synth_xilinx -uram` build it from URAM288 (4K x 72) instead of a deep cascade of block RAMs.
`default_nettype none

module hop_lpm_ram #(
    parameter int W     = 32,
    parameter int DEPTH = 16,  // words
    parameter int AW    = DEPTH > 1 ? $clog2(DEPTH) : 1
) (
    input  wire          clk,
    input  wire          a_en,
    input  wire [AW-1:0] a_addr,
    output logic [W-1:0] a_rdata,
    input  wire          b_we,
    input  wire          b_re,
    input  wire [AW-1:0] b_addr,
    input  wire  [W-1:0] b_wdata,
    output logic [W-1:0] b_rdata
);
    localparam bit ULTRA = DEPTH >= 16384;

    initial begin
        if (W < 1) $fatal(1, "%m: W must be at least 1");
        if (DEPTH < 1 || DEPTH > (1 << 24)) $fatal(1, "%m: DEPTH must be 1..2^24");
        if (AW != (DEPTH > 1 ? $clog2(DEPTH) : 1)) $fatal(1, "%m: AW must be $clog2(DEPTH)");
    end

    wire b_in = DEPTH == (1 << AW) || 32'(b_addr) < DEPTH;

    if (ULTRA) begin : gen_ultra
        (* ram_style = "ultra" *) logic [W-1:0] mem[DEPTH];
        always_ff @(posedge clk) begin
            if (a_en) a_rdata <= mem[a_addr];
            if (b_we) begin
                if (b_in) mem[b_addr] <= b_wdata;
            end else if (b_re) begin
                b_rdata <= mem[b_addr];
            end
        end
    end else begin : gen_block
        logic [W-1:0] mem[DEPTH];
        always_ff @(posedge clk) begin
            if (a_en) a_rdata <= mem[a_addr];
            if (b_we) begin
                if (b_in) mem[b_addr] <= b_wdata;
            end else if (b_re) begin
                b_rdata <= mem[b_addr];
            end
        end
    end
endmodule

`resetall
