// SPDX-License-Identifier: Apache-2.0
// v1model's truncate(length) on a frame stream: each frame leaves with at most its limit of
// bytes. The limit rides in the frame's tuser above the port, on every beat:
// s_axis_tuser = {on, limit[15:0], port[USER_W-1:0]}; with `on` clear the frame passes whole.
// The beat that reaches the limit leaves with its tkeep cut to the limit and tlast set; the
// rest of the frame is taken and dropped. A limit of 0 drops the whole frame (there is no
// frame of no bytes to send); the model drops it too. m_axis_tuser is the port. frame_sent and
// frame_dropped count the frames out and the frames dropped whole (the pipeline's counters).
//
// Combinational from input to output (like hop_axis_demux): one lane count (hop_keep_lanes)
// and a compare per beat; the bytes the frame may still send are the only state, so a frame a
// beat per clock passes at a beat per clock.
//
// Parameters: DATA_W (a multiple of 16: KEEP_W a power of two >= 2), USER_W.
`default_nettype none

module hop_axis_truncate #(
    parameter int DATA_W = 512,
    parameter int KEEP_W = DATA_W / 8,
    parameter int USER_W = 9
) (
    input  wire                  clk,
    input  wire                  rst,
    input  wire  [   DATA_W-1:0] s_axis_tdata,
    input  wire  [   KEEP_W-1:0] s_axis_tkeep,
    input  wire                  s_axis_tvalid,
    output logic                 s_axis_tready,
    input  wire                  s_axis_tlast,
    input  wire  [USER_W+16:0]   s_axis_tuser,
    output logic [   DATA_W-1:0] m_axis_tdata,
    output logic [   KEEP_W-1:0] m_axis_tkeep,
    output logic                 m_axis_tvalid,
    input  wire                  m_axis_tready,
    output logic                 m_axis_tlast,
    output logic [   USER_W-1:0] m_axis_tuser,
    // Per frame, one pulse: frame_sent when its last beat leaves, frame_dropped when the last
    // beat of a frame that sent nothing (a limit of 0) is taken. For the pipeline's counters.
    output logic                 frame_sent,
    output logic                 frame_dropped
);
    localparam int LANE_W = $clog2(KEEP_W) + 1;

    logic        first_q;  // the next beat taken is a frame's first
    logic [16:0] left_q;   // bytes the frame may still send (after its first beat)
    logic        cut_q;    // the frame was cut: the rest is dropped
    logic        sent_q;   // a beat of the frame has left

    logic [LANE_W-1:0] lanes;
    hop_keep_lanes #(
        .KEEP_W(KEEP_W)
    ) u_lanes (
        .tkeep(s_axis_tkeep),
        .lanes(lanes)
    );

    wire        on = s_axis_tuser[USER_W+16];
    // Bytes of this frame that may still leave, this beat included: the limit on the first
    // beat, what the beats before left over afterwards. The subtract that keeps it is in front
    // of left_q, so a beat sees only a mux and a compare.
    wire [16:0] room = first_q ? {1'b0, s_axis_tuser[USER_W+:16]} : left_q;
    wire        reaches = on && 17'(lanes) >= room;
    wire        drop = cut_q || (on && room == 17'd0);

    always_comb begin
        m_axis_tdata = s_axis_tdata;
        m_axis_tuser = s_axis_tuser[USER_W-1:0];
        m_axis_tvalid = s_axis_tvalid && !drop;
        s_axis_tready = m_axis_tready || drop;
        m_axis_tlast = s_axis_tlast || reaches;
        m_axis_tkeep = s_axis_tkeep;
        if (reaches)
            for (int i = 0; i < KEEP_W; i++) if (17'(i) >= room) m_axis_tkeep[i] = 1'b0;
    end

    assign frame_sent = m_axis_tvalid && m_axis_tready && m_axis_tlast;
    assign frame_dropped = s_axis_tvalid && s_axis_tready && s_axis_tlast && !sent_q &&
                           !m_axis_tvalid;

    always_ff @(posedge clk) begin
        if (rst) begin
            first_q <= 1'b1;
            left_q <= '0;
            cut_q <= 1'b0;
            sent_q <= 1'b0;
        end else if (s_axis_tvalid && s_axis_tready) begin
            if (s_axis_tlast) begin
                first_q <= 1'b1;
                cut_q <= 1'b0;
                sent_q <= 1'b0;
            end else begin
                first_q <= 1'b0;
                // Only read while the frame is not cut, and then room > lanes.
                left_q <= room - 17'(lanes);
                if (reaches) cut_q <= 1'b1;
                if (m_axis_tvalid) sent_q <= 1'b1;
            end
        end
    end
endmodule

`resetall
