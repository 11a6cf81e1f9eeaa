// SPDX-License-Identifier: Apache-2.0
// One LPM trie memory: a block-RAM shaped true dual port, port A a registered lookup read,
// port B the CSR side (synchronous write, registered read-back). DEPTH words exactly (not
// rounded up to 2^AW): a write to an address >= DEPTH is ignored; a read of one (either port)
// returns an unspecified word (hop_table_lpm zeroes such a CSR read-back, and a pointer a
// lookup follows always lies inside the words the image builder filled).
`default_nettype none

module hop_lpm_ram #(
    parameter int W     = 32,
    parameter int DEPTH = 16,  // words
    parameter int AW    = DEPTH > 1 ? $clog2(DEPTH) : 1
) (
    input  wire          clk,
    input  wire [AW-1:0] a_addr,
    output logic [W-1:0] a_rdata,
    input  wire          b_we,
    input  wire [AW-1:0] b_addr,
    input  wire  [W-1:0] b_wdata,
    output logic [W-1:0] b_rdata
);
    initial begin
        if (W < 1) $fatal(1, "%m: W must be at least 1");
        if (DEPTH < 1 || DEPTH > (1 << 24)) $fatal(1, "%m: DEPTH must be 1..2^24");
        if (AW != (DEPTH > 1 ? $clog2(DEPTH) : 1)) $fatal(1, "%m: AW must be $clog2(DEPTH)");
    end

    logic [W-1:0] mem[DEPTH];
    wire b_in = DEPTH == (1 << AW) || 32'(b_addr) < DEPTH;

    // A read during a write to the same word returns the old word: a lookup sees the old or
    // the new entry, never a mix.
    always_ff @(posedge clk) begin
        if (b_we && b_in) mem[b_addr] <= b_wdata;
        a_rdata <= mem[a_addr];
        b_rdata <= mem[b_addr];
    end
endmodule

`resetall
