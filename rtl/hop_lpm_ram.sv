// SPDX-License-Identifier: Apache-2.0
// One LPM trie memory: a block-RAM shaped true dual port, port A a registered lookup read,
// port B the CSR side (synchronous write, registered read-back).
`default_nettype none

module hop_lpm_ram #(
    parameter int W  = 32,
    parameter int AW = 4
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
        if (AW < 1 || AW > 24) $fatal(1, "%m: AW must be 1..24");
    end

    logic [W-1:0] mem[2**AW];

    // A read during a write to the same word returns the old word: a lookup sees the old or
    // the new entry, never a mix.
    always_ff @(posedge clk) begin
        if (b_we) mem[b_addr] <= b_wdata;
        a_rdata <= mem[a_addr];
        b_rdata <= mem[b_addr];
    end
endmodule

`resetall
