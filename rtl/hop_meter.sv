// SPDX-License-Identifier: Apache-2.0
// A v1model meter array (two-rate three-colour marking, RFC 2698, colour-blind) at one packet
// per clock, exactly as BMv2's Meter::execute with the rates in fixed point: each cell is a word
// of an hop_register (its forwarding gives back-to-back packets on one cell every earlier
// update), and the marking is the read-modify-write between its read and its write.
//
// Pipeline port. Cycle 0: `in_valid` with `in_idx`, `in_units` (1 for a packets meter, the
// frame's length for a bytes meter) and `in_time_us` (the packet's arrival time in whole
// microseconds). Cycle 1: `out_colour` (GREEN 0, YELLOW 1, RED 2) with `out_valid`, and the
// pipeline's `commit`: the marking is written back to the cell only when it is 1 (a packet whose
// execute_meter does not run under its predicate reads the cell and leaves it). A cell whose
// rates were never set (configured bit 0), and an index at or past DEPTH, mark GREEN; the latter
// changes nothing (the pipeline leaves its destination as it was, as BMv2 does).
//
// Marking, per bucket, the peak one (RED when short) first, then the committed one (YELLOW):
//   earned = floor(time_us * RATE / 2^32)    (RATE: units per microsecond, unsigned Q32.32)
//   fresh  = earned - last if earned > last, else 0; last = max(last, earned)
//   tokens = burst if fresh >= burst - min(tokens, burst), else tokens + fresh
//   short when tokens < units; else tokens -= units.
// A peak bucket that is short leaves the committed bucket as it was.
//
// Cell word (bit 0 first): [0] configured; then the peak bucket, then the committed bucket, each
// {last (64), tokens (32), burst (32), rate (64)} from its low bit: rate at +0, burst at +64,
// tokens at +96, last at +128 (BUCKET_W = 192 bits). WIDTH = 385. Setting rates writes a cell
// (CSR WRITE) with configured 1, both buckets full (tokens = burst) and last 0; READ gives the
// whole state; RESET unconfigures every cell. CSR: hop_register's (INFO, WIDTH, INDEX, CMD,
// DATA), at BASE.
`default_nettype none

module hop_meter #(
    parameter int DEPTH = 16,
    parameter int IDX_W = 32,
    parameter logic [31:0] BASE = 32'h0,
    parameter int SPAN = 128
) (
    input  wire              clk,
    input  wire              rst,
    input  wire              in_valid,
    input  wire  [IDX_W-1:0] in_idx,
    input  wire  [     31:0] in_units,
    input  wire  [     63:0] in_time_us,
    output logic             out_valid,
    output logic [      1:0] out_colour,
    input  wire              commit,
    input  wire              csr_wr,
    input  wire              csr_rd,
    input  wire  [     31:0] csr_addr,
    input  wire  [     31:0] csr_wdata,
    output logic [     31:0] csr_rdata
);
    localparam int RATE_W = 64, FRAC_W = 32, BURST_W = 32, LAST_W = 64;
    localparam int BUCKET_W = RATE_W + 2 * BURST_W + LAST_W;
    localparam int WIDTH = 1 + 2 * BUCKET_W;
    localparam int PEAK = 1, COMMITTED = 1 + BUCKET_W;

    logic [WIDTH-1:0] rd_data, wr_data;
    logic valid_q;
    logic [IDX_W-1:0] idx_q;
    logic [31:0] units_q;
    logic [63:0] time_q;

    always_ff @(posedge clk) begin
        if (rst) valid_q <= 1'b0;
        else valid_q <= in_valid;
        idx_q <= in_idx;
        units_q <= in_units;
        time_q <= in_time_us;
    end

    hop_register #(
        .WIDTH(WIDTH),
        .DEPTH(DEPTH),
        .IDX_W(IDX_W),
        .BASE (BASE),
        .SPAN (SPAN)
    ) u_cells (
        .clk      (clk),
        .rst      (rst),
        .rd_valid (in_valid),
        .rd_idx   (in_idx),
        .rd_data  (rd_data),
        .wr_en    (valid_q && commit),
        .wr_idx   (idx_q),
        .wr_data  (wr_data),
        .csr_wr   (csr_wr),
        .csr_rd   (csr_rd),
        .csr_addr (csr_addr),
        .csr_wdata(csr_wdata),
        .csr_rdata(csr_rdata)
    );

    // A bucket with the tokens earned up to `now` added (capped at its burst). The product's
    // bits past the earned count are dropped (a 64-bit count of tokens, as BMv2's).
    /* verilator lint_off UNUSEDSIGNAL */
    function automatic logic [BUCKET_W-1:0] refill(input logic [BUCKET_W-1:0] b,
                                                    input logic [63:0] now);
        logic [RATE_W-1:0] rate;
        logic [BURST_W-1:0] burst, tokens, room;
        logic [LAST_W-1:0] last, earned, fresh;
        logic [127:0] product;
        rate = b[0+:RATE_W];
        burst = b[RATE_W+:BURST_W];
        tokens = b[RATE_W+BURST_W+:BURST_W];
        last = b[RATE_W+2*BURST_W+:LAST_W];
        product = 128'(now) * 128'(rate);
        earned = product[FRAC_W+:LAST_W];
        fresh = earned > last ? earned - last : '0;
        if (earned > last) last = earned;
        room = burst - (tokens < burst ? tokens : burst);
        tokens = fresh >= 64'(room) ? burst : tokens + fresh[BURST_W-1:0];
        refill = {last, tokens, burst, rate};
    endfunction

    function automatic logic [BURST_W-1:0] tokens_of(input logic [BUCKET_W-1:0] b);
        tokens_of = b[RATE_W+BURST_W+:BURST_W];
    endfunction
    /* verilator lint_on UNUSEDSIGNAL */

    logic [BUCKET_W-1:0] peak, committed;
    always_comb begin
        wr_data = rd_data;
        out_colour = 2'd0;
        peak = refill(rd_data[PEAK+:BUCKET_W], time_q);
        committed = refill(rd_data[COMMITTED+:BUCKET_W], time_q);
        if (rd_data[0]) begin
            if (tokens_of(peak) < units_q) begin
                out_colour = 2'd2;
            end else begin
                peak[RATE_W+BURST_W+:BURST_W] = tokens_of(peak) - units_q;
                if (tokens_of(committed) < units_q) begin
                    out_colour = 2'd1;
                end else begin
                    committed[RATE_W+BURST_W+:BURST_W] = tokens_of(committed) - units_q;
                end
                wr_data[COMMITTED+:BUCKET_W] = committed;
            end
            wr_data[PEAK+:BUCKET_W] = peak;
        end
    end
    assign out_valid = valid_q;
endmodule

`resetall
