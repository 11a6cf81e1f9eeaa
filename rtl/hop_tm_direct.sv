// SPDX-License-Identifier: Apache-2.0
// The simplest traffic manager between a generated ingress and egress (hopc --emit split):
// unicast only, no queue. Each decision of ingress (s_dec_*) is paired with its frame
// (s_frame_*, the frames in the decisions' order); a decision with egress_spec == 511 and
// mcast_grp == 0 is dropped with its frame and counted, every other one goes to egress with
// egress_port = egress_spec, egress_rid = 0, instance_type = 0 (normal) and the queue fields 0,
// and its frame's beats follow (a frame never leaves before its decision was taken).
//
// Decisions and frames move independently, so a frame per clock passes: a decision taken (sent
// or dropped) leaves its fate in a small FIFO, and the frame at the head of the frame FIFO goes
// out or is discarded by the fate at the head of that one. Frames wait in a FIFO of FRAME_DEPTH
// beats: ingress sends a frame's beats as it takes them and its decision only when the header
// pipeline has run, so it must hold what ingress takes before the decision comes (a frame's
// first beats when cut-through, a whole frame when store-and-forward), or ingress stops.
// Decisions wait in a FIFO of DEC_DEPTH, and so do the fates. mcast_grp != 0 is not
// replicated here: the decision goes to egress_spec like any other (priority is not used).
//
// `pkt_dropped` is high one cycle per dropped frame (the cycle after its decision left the FIFO),
// `dropped` counts them (a cycle later).
`default_nettype none

module hop_tm_direct #(
    parameter int DATA_W = 64,
    parameter int KEEP_W = DATA_W / 8,
    parameter int BUNDLE_W = 8,
    parameter int FRAME_DEPTH = 32,
    parameter int DEC_DEPTH = 4
) (
    input  wire                 clk,
    input  wire                 rst,
    input  wire                 s_dec_valid,
    output wire                 s_dec_ready,
    input  wire  [BUNDLE_W-1:0] s_dec_bundle,
    input  wire  [         8:0] s_dec_egress_spec,
    input  wire  [        15:0] s_dec_mcast_grp,
    input  wire  [         2:0] s_dec_priority,
    input  wire  [  DATA_W-1:0] s_frame_tdata,
    input  wire  [  KEEP_W-1:0] s_frame_tkeep,
    input  wire                 s_frame_tvalid,
    output wire                 s_frame_tready,
    input  wire                 s_frame_tlast,
    output wire                 m_dec_valid,
    input  wire                 m_dec_ready,
    output wire  [BUNDLE_W-1:0] m_dec_bundle,
    output wire  [         8:0] m_dec_egress_port,
    output wire  [        15:0] m_dec_egress_rid,
    output wire  [        31:0] m_dec_instance_type,
    output wire  [        31:0] m_dec_enq_timestamp,
    output wire  [        18:0] m_dec_enq_qdepth,
    output wire  [        31:0] m_dec_deq_timedelta,
    output wire  [        18:0] m_dec_deq_qdepth,
    output wire  [  DATA_W-1:0] m_frame_tdata,
    output wire  [  KEEP_W-1:0] m_frame_tkeep,
    output wire                 m_frame_tvalid,
    input  wire                 m_frame_tready,
    output wire                 m_frame_tlast,
    output logic                pkt_dropped,
    output logic [        31:0] dropped
);
    // The decision FIFO's word: {drop, egress_spec, bundle}, padded to whole bytes.
    localparam int DEC_RAW = BUNDLE_W + 10;
    localparam int DEC_W = (DEC_RAW + 7) / 8 * 8;

    initial begin
        if (DATA_W < 8 || DATA_W % 8 != 0) $fatal(1, "%m: DATA_W must be a multiple of 8");
        if (KEEP_W != DATA_W / 8) $fatal(1, "%m: KEEP_W must be DATA_W / 8");
        if (BUNDLE_W < 1) $fatal(1, "%m: BUNDLE_W must be at least 1");
        if (FRAME_DEPTH < 2 || (FRAME_DEPTH & (FRAME_DEPTH - 1)) != 0)
            $fatal(1, "%m: FRAME_DEPTH must be a power of two >= 2");
        if (DEC_DEPTH < 2 || (DEC_DEPTH & (DEC_DEPTH - 1)) != 0)
            $fatal(1, "%m: DEC_DEPTH must be a power of two >= 2");
    end

    logic [DEC_W-1:0] dq_in, dq_out;
    logic dq_valid, dq_ready, dq_drop;
    logic [7:0] fate_out;
    logic fate_s_ready, fate_valid, fate_ready, taken;
    logic unused_fate_last, unused_fate_user, unused_fate_keep;
    logic [6:0] unused_fate;
    logic [$clog2(DEC_DEPTH):0] unused_fate_fill;
    logic [DATA_W-1:0] fq_tdata;
    logic [KEEP_W-1:0] fq_tkeep;
    logic fq_tvalid, fq_tready, fq_tlast;
    logic unused_dq_last, unused_dq_user, unused_fq_user;
    logic [DEC_W/8-1:0] unused_dq_keep;
    logic [$clog2(DEC_DEPTH):0] unused_dq_fill;
    logic [$clog2(FRAME_DEPTH):0] unused_fq_fill;
    logic [18:0] unused_in;

    assign dq_in = DEC_W'({s_dec_egress_spec == 9'd511 && s_dec_mcast_grp == 16'd0,
                           s_dec_egress_spec, s_dec_bundle});
    assign unused_in = {s_dec_mcast_grp, s_dec_priority};

    hop_axis_fifo #(
        .DATA_W(DEC_W),
        .USER_W(1),
        .DEPTH (DEC_DEPTH)
    ) u_dec_fifo (
        .clk(clk),
        .rst(rst),
        .s_axis_tdata(dq_in),
        .s_axis_tkeep('1),
        .s_axis_tvalid(s_dec_valid),
        .s_axis_tready(s_dec_ready),
        .s_axis_tlast(1'b1),
        .s_axis_tuser(1'b0),
        .m_axis_tdata(dq_out),
        .m_axis_tkeep(unused_dq_keep),
        .m_axis_tvalid(dq_valid),
        .m_axis_tready(dq_ready),
        .m_axis_tlast(unused_dq_last),
        .m_axis_tuser(unused_dq_user),
        .fill(unused_dq_fill)
    );

    hop_axis_fifo #(
        .DATA_W(DATA_W),
        .USER_W(1),
        .DEPTH (FRAME_DEPTH)
    ) u_frame_fifo (
        .clk(clk),
        .rst(rst),
        .s_axis_tdata(s_frame_tdata),
        .s_axis_tkeep(s_frame_tkeep),
        .s_axis_tvalid(s_frame_tvalid),
        .s_axis_tready(s_frame_tready),
        .s_axis_tlast(s_frame_tlast),
        .s_axis_tuser(1'b0),
        .m_axis_tdata(fq_tdata),
        .m_axis_tkeep(fq_tkeep),
        .m_axis_tvalid(fq_tvalid),
        .m_axis_tready(fq_tready),
        .m_axis_tlast(fq_tlast),
        .m_axis_tuser(unused_fq_user),
        .fill(unused_fq_fill)
    );

    assign dq_drop = dq_out[BUNDLE_W+9];
    generate
        if (DEC_W > DEC_RAW) begin : g_pad
            logic [DEC_W-DEC_RAW-1:0] unused_pad;
            assign unused_pad = dq_out[DEC_W-1:DEC_RAW];
        end
    endgenerate

    // The decision at the head goes out (or is dropped) when its fate finds room.
    assign m_dec_valid = dq_valid && !dq_drop && fate_s_ready;
    assign dq_ready = fate_s_ready && (dq_drop || m_dec_ready);
    assign taken = dq_valid && dq_ready;
    assign m_dec_bundle = dq_out[BUNDLE_W-1:0];
    assign m_dec_egress_port = dq_out[BUNDLE_W+8:BUNDLE_W];
    assign m_dec_egress_rid = 16'd0;
    assign m_dec_instance_type = 32'd0;
    assign m_dec_enq_timestamp = 32'd0;
    assign m_dec_enq_qdepth = 19'd0;
    assign m_dec_deq_timedelta = 32'd0;
    assign m_dec_deq_qdepth = 19'd0;

    // Each taken decision's fate (bit 0: dropped), in the frames' order.
    hop_axis_fifo #(
        .DATA_W(8),
        .USER_W(1),
        .DEPTH (DEC_DEPTH)
    ) u_fate_fifo (
        .clk(clk),
        .rst(rst),
        .s_axis_tdata({7'd0, dq_drop}),
        .s_axis_tkeep(1'b1),
        .s_axis_tvalid(taken),
        .s_axis_tready(fate_s_ready),
        .s_axis_tlast(1'b1),
        .s_axis_tuser(1'b0),
        .m_axis_tdata(fate_out),
        .m_axis_tkeep(unused_fate_keep),
        .m_axis_tvalid(fate_valid),
        .m_axis_tready(fate_ready),
        .m_axis_tlast(unused_fate_last),
        .m_axis_tuser(unused_fate_user),
        .fill(unused_fate_fill)
    );
    assign unused_fate = fate_out[7:1];

    // The frame at the head goes out or is discarded by its fate, which leaves with its last beat.
    assign m_frame_tdata = fq_tdata;
    assign m_frame_tkeep = fq_tkeep;
    assign m_frame_tlast = fq_tlast;
    assign m_frame_tvalid = fq_tvalid && fate_valid && !fate_out[0];
    assign fq_tready = fate_valid && (fate_out[0] || m_frame_tready);
    assign fate_ready = fq_tvalid && fq_tready && fq_tlast;

    always_ff @(posedge clk) begin
        if (rst) begin
            pkt_dropped <= 1'b0;
            dropped <= 32'd0;
        end else begin
            pkt_dropped <= taken && dq_drop;
            // A cycle after the drop, so that the adder starts at a register.
            dropped <= dropped + 32'(pkt_dropped);
        end
    end
endmodule

`resetall
