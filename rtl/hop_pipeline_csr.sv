// SPDX-License-Identifier: Apache-2.0
// The CSR block of a generated pipeline (regmap.json "pipeline"): what the board is (ID,
// DATA_W, the header pipeline's LATENCY, MAX_FRAME and the register map's content HASH) and
// the packet counters.
//
// CSR map (span 0x40 at BASE; read-only, writes are ignored; words not listed read 0). The word
// offsets are compiler/src/regmap/regmap.hpp's PipelineWord enum; rtl.hop_pipeline_csr_* reads
// every word through that enum, so the two cannot differ without a failing test.
//   0x00 ID         0x484f504c ("HOPL")
//   0x04 DATA_W     the stream width the pipeline was generated for
//   0x08 LATENCY    cycles from the header window register to the descriptor register
//   0x0C RX_PACKETS frames accepted (cnt_rx), wraps
//   0x10 TX_PACKETS frames sent (cnt_tx), wraps
//   0x14 DROPPED    frames dropped (cnt_dropped), wraps
//   0x18 TOO_LONG   frames longer than MAX_FRAME (cnt_too_long), wraps; 0 when MAX_FRAME = 0
//   0x1C MAX_FRAME  the longest frame a store-and-forward pipeline takes; 0 = cut-through
//   0x20 HASH_LO    HASH[31:0]  (regmap::contentHash of the program's register map)
//   0x24 HASH_HI    HASH[63:32]
// A read answers the cycle after csr_rd (csr_rdata is a flop, 0 when not addressed). The
// counters reset to 0 and count one per cycle their input is high.
`default_nettype none

module hop_pipeline_csr #(
    parameter logic [31:0] BASE = 32'h0,
    parameter logic [63:0] HASH = 64'h0,
    parameter int DATA_W = 512,
    parameter int LATENCY = 0,
    parameter int MAX_FRAME = 0
) (
    input  wire         clk,
    input  wire         rst,
    input  wire         cnt_rx,
    input  wire         cnt_tx,
    input  wire         cnt_dropped,
    input  wire         cnt_too_long,
    input  wire         csr_wr,
    input  wire         csr_rd,
    input  wire  [31:0] csr_addr,
    input  wire  [31:0] csr_wdata,
    output logic [31:0] csr_rdata
);
    localparam logic [31:0] ID = 32'h484f504c;
    localparam logic [3:0] WORD_ID = 4'd0;
    localparam logic [3:0] WORD_DATA_W = 4'd1;
    localparam logic [3:0] WORD_LATENCY = 4'd2;
    localparam logic [3:0] WORD_RX_PACKETS = 4'd3;
    localparam logic [3:0] WORD_TX_PACKETS = 4'd4;
    localparam logic [3:0] WORD_DROPPED = 4'd5;
    localparam logic [3:0] WORD_TOO_LONG = 4'd6;
    localparam logic [3:0] WORD_MAX_FRAME = 4'd7;
    localparam logic [3:0] WORD_HASH_LO = 4'd8;
    localparam logic [3:0] WORD_HASH_HI = 4'd9;

    initial begin
        if (BASE[5:0] != 6'd0) $fatal(1, "%m: BASE must be aligned to the span (0x40)");
        if (DATA_W < 8 || LATENCY < 0 || MAX_FRAME < 0) $fatal(1, "%m: bad parameters");
    end

    logic [31:0] rx_q, tx_q, dropped_q, too_long_q, rdata_q;
    logic        unused_csr;
    assign unused_csr = ^{csr_wr, csr_wdata, csr_addr[1:0]};

    always_ff @(posedge clk) begin
        if (rst) begin
            rx_q <= '0;
            tx_q <= '0;
            dropped_q <= '0;
            too_long_q <= '0;
        end else begin
            if (cnt_rx) rx_q <= rx_q + 32'd1;
            if (cnt_tx) tx_q <= tx_q + 32'd1;
            if (cnt_dropped) dropped_q <= dropped_q + 32'd1;
            if (cnt_too_long && MAX_FRAME != 0) too_long_q <= too_long_q + 32'd1;
        end
    end

    always_ff @(posedge clk) begin
        rdata_q <= 32'd0;
        if (csr_rd && csr_addr[31:6] == BASE[31:6]) begin
            case (csr_addr[5:2])
                WORD_ID: rdata_q <= ID;
                WORD_DATA_W: rdata_q <= 32'(DATA_W);
                WORD_LATENCY: rdata_q <= 32'(LATENCY);
                WORD_RX_PACKETS: rdata_q <= rx_q;
                WORD_TX_PACKETS: rdata_q <= tx_q;
                WORD_DROPPED: rdata_q <= dropped_q;
                WORD_TOO_LONG: rdata_q <= too_long_q;
                WORD_MAX_FRAME: rdata_q <= 32'(MAX_FRAME);
                WORD_HASH_LO: rdata_q <= HASH[31:0];
                WORD_HASH_HI: rdata_q <= HASH[63:32];
                default: rdata_q <= 32'd0;
            endcase
        end
    end

    assign csr_rdata = rdata_q;
endmodule

`resetall
