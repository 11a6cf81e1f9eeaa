// SPDX-License-Identifier: Apache-2.0
// The traffic manager's packet buffer: frames in one shared memory of CELLS cells of one beat
// each, chained, taken from and returned to a free list; a frame is written as it streams in
// and read back by its handle (its first cell) as often as the traffic manager asks, the last
// read (or a discard) returning its cells. One beat per clock in and one out, back to back.
//
// Write side: AXI4-Stream in (the contract's thermometer tkeep). Every beat takes a free cell;
// a frame that finds no free cell is dropped whole (its cells so far are returned by an
// internal discard walk, during which s_axis_tready is low: the only time it is). At a
// frame's last beat, the next cycle: w_done with w_handle, w_bytes and w_dropped.
// Read side: a request (r_valid/r_ready) names a handle and what to do: stream the frame out
// (m_axis_*, one beat per clock, tlast on its last beat) and keep it (r_free 0, another copy
// will be read), stream it and free it (r_free 1), or free it without streaming (r_discard 1,
// one cell per clock). A request is taken in the cycle the previous walk's last cell leaves,
// so frames follow each other without a gap. A handle must name a frame whose w_done said
// it was written and that was not freed; freeing twice corrupts the free list.
// After reset the free list is filled (CELLS cycles, INFO bit 23 busy): nothing moves.
//
// CSR map (span 0x20 at BASE; compiler/src/regmap/buffer_words.hpp):
//   0x00 INFO [7:0] log2 CELLS, [15:8] DATA_W / 8, [23] busy   0x04 FREE cells free now
//   0x08 FRAMES written   0x0C DROPPED frames dropped for lack of cells   0x10 READS streamed
//   0x14 FREED frames whose cells were returned (by a read or a discard) (counters wrap)
`default_nettype none

module hop_packet_buffer #(
    parameter int DATA_W = 512,
    parameter int KEEP_W = DATA_W / 8,
    parameter int CELLS = 16,  // a power of two
    parameter int CAW = $clog2(CELLS),  // derived: a handle's width
    parameter logic [31:0] BASE = 32'h0
) (
    input  wire               clk,
    input  wire               rst,
    input  wire  [DATA_W-1:0] s_axis_tdata,
    input  wire  [KEEP_W-1:0] s_axis_tkeep,
    input  wire               s_axis_tvalid,
    output logic              s_axis_tready,
    input  wire               s_axis_tlast,
    output logic              w_done,
    output logic              w_dropped,
    output logic [   CAW-1:0] w_handle,
    output logic [      15:0] w_bytes,
    input  wire               r_valid,
    output logic              r_ready,
    input  wire  [   CAW-1:0] r_handle,
    input  wire               r_free,
    input  wire               r_discard,
    output logic [DATA_W-1:0] m_axis_tdata,
    output logic [KEEP_W-1:0] m_axis_tkeep,
    output logic              m_axis_tvalid,
    input  wire               m_axis_tready,
    output logic              m_axis_tlast,
    output logic [     CAW:0] free_cells,
    input  wire               csr_wr,
    input  wire               csr_rd,
    input  wire  [      31:0] csr_addr,
    input  wire  [      31:0] csr_wdata,
    output logic [      31:0] csr_rdata
);
    localparam int LW = $clog2(KEEP_W) + 1;  // lanes in a beat, 0..KEEP_W
    localparam logic [2:0] W_INFO = 3'd0, W_FREE = 3'd1, W_FRAMES = 3'd2, W_DROPPED = 3'd3,
        W_READS = 3'd4, W_FREED = 3'd5;

    initial begin
        if (KEEP_W * 8 != DATA_W || KEEP_W < 2 || (KEEP_W & (KEEP_W - 1)) != 0)
            $fatal(1, "%m: DATA_W must be 16, 32, ... bits (KEEP_W a power of two)");
        if (CELLS < 4 || (CELLS & (CELLS - 1)) != 0)
            $fatal(1, "%m: CELLS must be a power of two, at least 4");
        if (CAW != $clog2(CELLS)) $fatal(1, "%m: CAW is derived; do not set it");
        if ((BASE & 32'h1f) != 0) $fatal(1, "%m: BASE must be aligned to the span (0x20)");
    end

    // ---- the free list: a FIFO of cells, its head in a register (shown ahead) ----
    logic init_q;
    logic [CAW-1:0] init_idx_q;
    logic [CAW-1:0] fmem[CELLS];
    logic [CAW-1:0] f_wr_q, f_rd_q, f_head_q;
    logic [CAW:0] f_cnt_q;  // cells in fmem (the head not counted)
    logic f_head_valid_q, f_pop, f_push;
    logic [CAW-1:0] f_push_cell;
    wire f_load = (!f_head_valid_q || f_pop) && f_cnt_q != '0;
    always_ff @(posedge clk) begin
        if (f_load) f_head_q <= fmem[f_rd_q];
        if (init_q) fmem[init_idx_q] <= init_idx_q;
        else if (f_push) fmem[f_wr_q] <= f_push_cell;
    end
    always_ff @(posedge clk) begin
        if (rst) begin
            init_q <= 1'b1;
            init_idx_q <= '0;
            f_wr_q <= '0;
            f_rd_q <= '0;
            f_cnt_q <= '0;
            f_head_valid_q <= 1'b0;
        end else if (init_q) begin
            init_idx_q <= init_idx_q + 1'b1;
            if (init_idx_q == CAW'(CELLS - 1)) begin
                init_q <= 1'b0;
                f_cnt_q <= (CAW + 1)'(CELLS);  // f_wr_q wraps to 0: full
            end
        end else begin
            if (f_push) f_wr_q <= f_wr_q + 1'b1;
            if (f_load) f_rd_q <= f_rd_q + 1'b1;
            if (f_push != f_load) f_cnt_q <= f_push ? f_cnt_q + 1'b1 : f_cnt_q - 1'b1;
            if (f_load) f_head_valid_q <= 1'b1;
            else if (f_pop) f_head_valid_q <= 1'b0;
        end
    end
    assign free_cells = f_cnt_q + (CAW + 1)'(f_head_valid_q);

    // ---- the cells: a beat and how many lanes it has (and whether it ends its frame); beside
    // them, the link to the next cell (or `term`: a dropped frame's walk ends here) ----
    logic [DATA_W+LW:0] cmem[CELLS];  // {last, lanes, data}
    logic [CAW:0] nmem[CELLS];  // {term, next}

    // ---- write side ----
    logic w_mid_q, w_drop_q, disc_pend_q;
    logic [CAW-1:0] w_first_q, w_prev_q, disc_handle_q;
    logic [15:0] w_bytes_q;
    logic [LW-1:0] last_lanes;
    hop_keep_lanes #(
        .KEEP_W(KEEP_W)
    ) u_lanes (
        .tkeep(s_axis_tkeep),
        .lanes(last_lanes)
    );
    assign s_axis_tready = !init_q && !disc_pend_q;
    wire beat = s_axis_tvalid && s_axis_tready;
    wire need = beat && !w_drop_q;
    wire got = need && f_head_valid_q;  // this beat has its cell: f_head_q
    wire fail = need && !f_head_valid_q;  // no free cell: the frame is dropped
    assign f_pop = got;
    wire [LW-1:0] lanes = s_axis_tlast ? last_lanes : LW'(KEEP_W);
    wire [15:0] bytes = (w_mid_q ? w_bytes_q : 16'd0) + 16'(lanes);
    always_ff @(posedge clk) begin
        if (got) cmem[f_head_q] <= {s_axis_tlast, lanes, s_axis_tdata};
        // The previous cell's link: to this beat's cell, or the end of a dropped frame's walk.
        if (w_mid_q && (got || fail)) nmem[w_prev_q] <= {fail, f_head_q};
    end
    always_ff @(posedge clk) begin
        if (rst) begin
            w_mid_q <= 1'b0;
            w_drop_q <= 1'b0;
            w_done <= 1'b0;
        end else begin
            if (beat) w_mid_q <= !s_axis_tlast;
            if (beat) w_drop_q <= !s_axis_tlast && (w_drop_q || fail);
            w_done <= beat && s_axis_tlast;
        end
        if (got) begin
            w_prev_q <= f_head_q;
            if (!w_mid_q) w_first_q <= f_head_q;
        end
        if (beat) w_bytes_q <= bytes;
        if (beat && s_axis_tlast) begin
            w_dropped <= w_drop_q || fail;
            w_handle <= w_mid_q ? w_first_q : f_head_q;
            w_bytes <= bytes;
        end
    end

    // ---- read side: a walk reads a cell per clock; its words sit in c_rd / n_rd while it is
    // shown (or, discarding, for one cycle) ----
    logic [DATA_W+LW:0] c_rd;
    logic [CAW:0] n_rd;
    logic [CAW-1:0] rd_cell_q;
    logic o_valid_q, rd_free_q, rd_disc_q;
    wire c_last = c_rd[DATA_W+LW];
    wire [LW-1:0] c_lanes = c_rd[DATA_W+:LW];
    wire end_of_walk = c_last || n_rd[CAW];
    wire adv = o_valid_q && (rd_disc_q || m_axis_tready);
    wire idle = !o_valid_q || (adv && end_of_walk);
    wire start = idle && !init_q && (disc_pend_q || r_valid);
    wire issue = start || (adv && !end_of_walk);
    wire [CAW-1:0] addr = !start ? n_rd[CAW-1:0] : disc_pend_q ? disc_handle_q : r_handle;
    assign r_ready = idle && !init_q && !disc_pend_q;
    always_ff @(posedge clk) begin
        if (issue) begin
            c_rd <= cmem[addr];
            n_rd <= nmem[addr];
            rd_cell_q <= addr;
        end
    end
    always_ff @(posedge clk) begin
        if (rst) o_valid_q <= 1'b0;
        else if (issue) o_valid_q <= 1'b1;
        else if (adv) o_valid_q <= 1'b0;
        if (start) begin
            rd_free_q <= disc_pend_q || r_free || r_discard;
            rd_disc_q <= disc_pend_q || r_discard;
        end
        // A dropped frame's cells wait for the reader (the input holds meanwhile).
        if (rst) disc_pend_q <= 1'b0;
        else if (fail && w_mid_q) disc_pend_q <= 1'b1;
        else if (start) disc_pend_q <= 1'b0;
        if (fail && w_mid_q) disc_handle_q <= w_first_q;
    end
    assign f_push = adv && rd_free_q;
    assign f_push_cell = rd_cell_q;
    assign m_axis_tvalid = o_valid_q && !rd_disc_q;
    assign m_axis_tdata = c_rd[DATA_W-1:0];
    assign m_axis_tlast = end_of_walk;
    always_comb
        for (int i = 0; i < KEEP_W; i++) m_axis_tkeep[i] = LW'(i) < c_lanes;

    // ---- CSR ----
    logic [31:0] frames_q, dropped_q, reads_q, freed_q, rdata_q;
    wire hit = csr_addr[31:5] == BASE[31:5];
    logic unused_csr;
    assign unused_csr = ^{csr_wr, csr_wdata, csr_addr[1:0]};
    always_ff @(posedge clk) begin
        if (rst) begin
            frames_q <= '0;
            dropped_q <= '0;
            reads_q <= '0;
            freed_q <= '0;
        end else begin
            if (w_done && !w_dropped) frames_q <= frames_q + 1'b1;
            if (w_done && w_dropped) dropped_q <= dropped_q + 1'b1;
            if (adv && end_of_walk && !rd_disc_q) reads_q <= reads_q + 1'b1;
            if (adv && end_of_walk && rd_free_q) freed_q <= freed_q + 1'b1;
        end
        rdata_q <= '0;
        if (csr_rd && hit)
            case (csr_addr[4:2])
                W_INFO: rdata_q <= {8'd0, init_q, 7'd0, 8'(KEEP_W), 8'(CAW)};
                W_FREE: rdata_q <= 32'(free_cells);
                W_FRAMES: rdata_q <= frames_q;
                W_DROPPED: rdata_q <= dropped_q;
                W_READS: rdata_q <= reads_q;
                W_FREED: rdata_q <= freed_q;
                default: rdata_q <= '0;
            endcase
    end
    assign csr_rdata = rdata_q;
endmodule

`resetall
