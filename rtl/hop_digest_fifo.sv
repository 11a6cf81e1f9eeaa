// SPDX-License-Identifier: Apache-2.0
// v1model's digests on their way to the host: one entry of DATA_W bits per digest (the digest's
// number and its fields, as the pipeline captured them after ingress), pushed whole in one
// cycle, read through the CSR in order.
//
// CSR map (span SPAN at BASE; compiler/src/regmap/digest_words.hpp's DigestWord enum):
//   0x00 COUNT   digests waiting
//   0x04 DROPS   digests lost because the FIFO was full (wraps)
//   0x08 POP     write (any value): removes the oldest digest; reads 0
//   0x0C WORDS   32-bit data words per digest: (DATA_W + 31) / 32
//   0x10 + 4i    DATA[i] = bits [32i+31:32i] of the oldest digest (0 when there is none)
// An entry is written whole in the cycle in_valid is high and becomes visible (COUNT) only
// then, and the oldest entry changes only on POP, so the host reads DATA words of one entry,
// never a half-written one; entries leave in the order they came. A push and a POP in the same
// cycle both happen (a full FIFO with a POP takes the push). A read answers the cycle after
// csr_rd (csr_rdata is a flop, 0 when not addressed).
`default_nettype none

module hop_digest_fifo #(
    parameter logic [31:0] BASE = 32'h0,
    parameter int DATA_W = 64,
    parameter int DEPTH = 16,  // a power of two
    parameter int SPAN = 32'h20  // regmap::digestSpan(DATA_W)
) (
    input  wire               clk,
    input  wire               rst,
    input  wire               in_valid,
    input  wire  [DATA_W-1:0] in_data,
    input  wire               csr_wr,
    input  wire               csr_rd,
    input  wire  [31:0]       csr_addr,
    input  wire  [31:0]       csr_wdata,
    output logic [31:0]       csr_rdata
);
    localparam int WORDS = (DATA_W + 31) / 32;
    localparam int AW = $clog2(DEPTH);
    localparam int SW = $clog2(SPAN);

    initial begin
        if (DEPTH < 2 || (DEPTH & (DEPTH - 1)) != 0) $fatal(1, "%m: DEPTH must be a power of two");
        if (SPAN < 4 * (4 + WORDS) || (SPAN & (SPAN - 1)) != 0)
            $fatal(1, "%m: SPAN must be a power of two holding every word");
        if ((BASE & (SPAN - 1)) != 0) $fatal(1, "%m: BASE must be aligned to SPAN");
    end

    logic [WORDS*32-1:0] mem[DEPTH];
    logic [AW-1:0] rd_q, wr_q;
    logic [AW:0] count_q;
    logic [31:0] drops_q, rdata_q;
    logic hit, pop, push;
    logic unused_csr;
    assign unused_csr = ^{csr_wdata, csr_addr[1:0]};

    assign hit = csr_addr[31:SW] == BASE[31:SW];
    assign pop = csr_wr && hit && csr_addr[SW-1:2] == (SW - 2)'(2) && count_q != '0;
    // Full: a push goes in only when a pop frees a slot in the same cycle.
    assign push = in_valid && (count_q != (AW + 1)'(DEPTH) || pop);

    always_ff @(posedge clk) begin
        if (push) mem[wr_q] <= {{(WORDS * 32 - DATA_W) {1'b0}}, in_data};
    end

    always_ff @(posedge clk) begin
        if (rst) begin
            rd_q <= '0;
            wr_q <= '0;
            count_q <= '0;
            drops_q <= '0;
        end else begin
            if (push) wr_q <= wr_q + AW'(1);
            if (pop) rd_q <= rd_q + AW'(1);
            if (push && !pop) count_q <= count_q + (AW + 1)'(1);
            if (pop && !push) count_q <= count_q - (AW + 1)'(1);
            if (in_valid && !push) drops_q <= drops_q + 32'd1;
        end
    end

    logic [SW-3:0] word;
    assign word = csr_addr[SW-1:2];
    always_ff @(posedge clk) begin
        rdata_q <= 32'd0;
        if (csr_rd && hit) begin
            if (word == (SW - 2)'(0)) rdata_q <= 32'(count_q);
            else if (word == (SW - 2)'(1)) rdata_q <= drops_q;
            else if (word == (SW - 2)'(3)) rdata_q <= 32'(WORDS);
            else if (word >= (SW - 2)'(4) && word < (SW - 2)'(4 + WORDS) && count_q != '0)
                rdata_q <= mem[rd_q][32*(32'(word)-4)+:32];
        end
    end
    assign csr_rdata = rdata_q;
endmodule

`default_nettype wire
