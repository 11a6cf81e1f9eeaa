// SPDX-License-Identifier: Apache-2.0
// AXI4-Stream register slice with a skid buffer: every output is a flop, tready included, and
// it still passes one beat per clock.
`default_nettype none

module hop_axis_register #(
    parameter int DATA_W = 64,
    parameter int KEEP_W = DATA_W / 8,
    parameter int USER_W = 1
) (
    input  wire              clk,
    input  wire              rst,
    input  wire [DATA_W-1:0] s_axis_tdata,
    input  wire [KEEP_W-1:0] s_axis_tkeep,
    input  wire              s_axis_tvalid,
    output wire              s_axis_tready,
    input  wire              s_axis_tlast,
    input  wire [USER_W-1:0] s_axis_tuser,
    output wire [DATA_W-1:0] m_axis_tdata,
    output wire [KEEP_W-1:0] m_axis_tkeep,
    output wire              m_axis_tvalid,
    input  wire              m_axis_tready,
    output wire              m_axis_tlast,
    output wire [USER_W-1:0] m_axis_tuser
);
    localparam int W = DATA_W + KEEP_W + 1 + USER_W;

    initial begin
        if (DATA_W < 8 || DATA_W % 8 != 0) $fatal(1, "%m: DATA_W must be a multiple of 8");
        if (KEEP_W != DATA_W / 8) $fatal(1, "%m: KEEP_W must be DATA_W / 8");
    end

    logic [W-1:0] out_q, out_d, skid_q, skid_d;
    logic out_valid_q, out_valid_d, skid_valid_q, skid_valid_d;
    wire [W-1:0] in_beat = {s_axis_tdata, s_axis_tkeep, s_axis_tlast, s_axis_tuser};

    always_comb begin
        out_d = out_q;
        out_valid_d = out_valid_q;
        skid_d = skid_q;
        skid_valid_d = skid_valid_q;
        if (!out_valid_q || m_axis_tready) begin
            // The output is free this cycle: the skid beat goes first, else the input.
            if (skid_valid_q) begin
                out_d = skid_q;
                out_valid_d = 1'b1;
                skid_valid_d = 1'b0;
            end else begin
                out_d = in_beat;
                out_valid_d = s_axis_tvalid;
            end
        end else if (s_axis_tvalid && !skid_valid_q) begin
            // The output is stalled: park the beat accepted this cycle.
            skid_d = in_beat;
            skid_valid_d = 1'b1;
        end
    end

    always_ff @(posedge clk) begin
        out_q <= out_d;
        skid_q <= skid_d;
        if (rst) begin
            out_valid_q <= 1'b0;
            skid_valid_q <= 1'b0;
        end else begin
            out_valid_q <= out_valid_d;
            skid_valid_q <= skid_valid_d;
        end
    end

    assign s_axis_tready = !skid_valid_q;
    assign {m_axis_tdata, m_axis_tkeep, m_axis_tlast, m_axis_tuser} = out_q;
    assign m_axis_tvalid = out_valid_q;
endmodule

`resetall
