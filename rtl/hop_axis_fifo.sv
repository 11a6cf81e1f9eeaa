// SPDX-License-Identifier: Apache-2.0
// Synchronous AXI4-Stream FIFO: DEPTH beats in a RAM plus one output register, one beat per
// clock in and out, registered outputs, and the fill level.
`default_nettype none

// Latency: two cycles, a beat accepted in cycle c is offered on m_axis from cycle c+2 (RAM
// write, then the synchronous RAM read into the output register). Capacity: DEPTH beats in the RAM plus one in the output
// register; `fill` counts both. `s_axis_tready` is a function of the pointers only (registered
// state), so no combinational path runs from m_axis_tready to s_axis_tready.
module hop_axis_fifo #(
    parameter int DATA_W = 64,
    parameter int KEEP_W = DATA_W / 8,
    parameter int USER_W = 1,
    parameter int DEPTH  = 16,
    localparam int PTR_W = $clog2(DEPTH),
    localparam int FILL_W = PTR_W + 1
) (
    input  wire               clk,
    input  wire               rst,
    input  wire  [DATA_W-1:0] s_axis_tdata,
    input  wire  [KEEP_W-1:0] s_axis_tkeep,
    input  wire               s_axis_tvalid,
    output wire               s_axis_tready,
    input  wire               s_axis_tlast,
    input  wire  [USER_W-1:0] s_axis_tuser,
    output wire  [DATA_W-1:0] m_axis_tdata,
    output wire  [KEEP_W-1:0] m_axis_tkeep,
    output wire               m_axis_tvalid,
    input  wire               m_axis_tready,
    output wire               m_axis_tlast,
    output wire  [USER_W-1:0] m_axis_tuser,
    output logic [FILL_W-1:0] fill
);
    localparam int SIDE_W = 1 + USER_W;

    initial begin
        if (DATA_W < 8 || DATA_W % 8 != 0) $fatal(1, "%m: DATA_W must be a multiple of 8");
        if (KEEP_W != DATA_W / 8) $fatal(1, "%m: KEEP_W must be DATA_W / 8");
        if (DEPTH < 2 || (DEPTH & (DEPTH - 1)) != 0) $fatal(1, "%m: DEPTH must be a power of two >= 2");
    end

    // tdata, tkeep and {tlast, tuser} in memories of their own (one address): each word is
    // stored and read as it is, without packing into one entry at unaligned bit offsets.
    logic [DATA_W-1:0] mem_data[DEPTH];
    logic [KEEP_W-1:0] mem_keep[DEPTH];
    logic [SIDE_W-1:0] mem_side[DEPTH];
    logic [DATA_W-1:0] out_data_q;
    logic [KEEP_W-1:0] out_keep_q;
    logic [SIDE_W-1:0] out_side_q;
    // Pointers carry one extra wrap bit so that full and empty differ.
    logic [PTR_W:0] wr_ptr_q, rd_ptr_q;
    logic out_valid_q;
    logic free, do_write, do_read;

    wire empty = wr_ptr_q == rd_ptr_q;
    wire full = wr_ptr_q == {~rd_ptr_q[PTR_W], rd_ptr_q[PTR_W-1:0]};

    always_comb begin
        do_write = s_axis_tvalid && !full;
        // The output register is free (or being emptied): refill it from the RAM.
        free = !out_valid_q || m_axis_tready;
        do_read = free && !empty;
    end

    always_ff @(posedge clk) begin
        if (do_write) begin
            mem_data[wr_ptr_q[PTR_W-1:0]] <= s_axis_tdata;
            mem_keep[wr_ptr_q[PTR_W-1:0]] <= s_axis_tkeep;
            mem_side[wr_ptr_q[PTR_W-1:0]] <= {s_axis_tlast, s_axis_tuser};
        end
        if (do_read) begin
            out_data_q <= mem_data[rd_ptr_q[PTR_W-1:0]];
            out_keep_q <= mem_keep[rd_ptr_q[PTR_W-1:0]];
            out_side_q <= mem_side[rd_ptr_q[PTR_W-1:0]];
        end
        if (rst) begin
            wr_ptr_q <= '0;
            rd_ptr_q <= '0;
            out_valid_q <= 1'b0;
        end else begin
            // Registers change only when they must (no copy of each to itself every cycle).
            if (do_write) wr_ptr_q <= wr_ptr_q + 1'b1;
            if (do_read) rd_ptr_q <= rd_ptr_q + 1'b1;
            if (free) out_valid_q <= !empty;
        end
    end

    always_comb fill = FILL_W'(wr_ptr_q - rd_ptr_q) + FILL_W'(out_valid_q);

    assign s_axis_tready = !full;
    assign m_axis_tdata = out_data_q;
    assign m_axis_tkeep = out_keep_q;
    assign {m_axis_tlast, m_axis_tuser} = out_side_q;
    assign m_axis_tvalid = out_valid_q;
endmodule

`resetall
