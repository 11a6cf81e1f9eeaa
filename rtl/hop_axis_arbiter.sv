// SPDX-License-Identifier: Apache-2.0
// AXI4-Stream arbiter: PORTS input streams into one, frame by frame in round-robin order,
// one beat per clock with no bubble between frames; tuser out is the input port index.
`default_nettype none

// Input ports are flat vectors: port p's tdata is s_axis_tdata[p*DATA_W +: DATA_W], its tkeep
// s_axis_tkeep[p*KEEP_W +: KEEP_W], its tvalid/tready/tlast bit p. The inputs have no tuser:
// the port index is the tuser of the merged stream. A frame is never interleaved with another:
// once its first beat is taken the grant stays until its tlast beat. Between frames the next
// port is chosen in the same cycle the previous frame's last beat leaves (round robin, starting
// after the port granted last), so back-to-back frames from different ports still move one
// beat per clock. Output through hop_axis_register: every m_axis signal is a flop; latency one
// cycle. s_axis_tready[p] depends combinationally on the s_axis_tvalid of the other ports (the
// round-robin choice), never on m_axis_tready.
module hop_axis_arbiter #(
    parameter int PORTS  = 4,
    parameter int DATA_W = 64,
    parameter int KEEP_W = DATA_W / 8,
    parameter int USER_W = 9,
    localparam int SEL_W = PORTS > 1 ? $clog2(PORTS) : 1
) (
    input  wire                     clk,
    input  wire                     rst,
    input  wire  [PORTS*DATA_W-1:0] s_axis_tdata,
    input  wire  [PORTS*KEEP_W-1:0] s_axis_tkeep,
    input  wire  [       PORTS-1:0] s_axis_tvalid,
    output logic [       PORTS-1:0] s_axis_tready,
    input  wire  [       PORTS-1:0] s_axis_tlast,
    output wire  [      DATA_W-1:0] m_axis_tdata,
    output wire  [      KEEP_W-1:0] m_axis_tkeep,
    output wire                     m_axis_tvalid,
    input  wire                     m_axis_tready,
    output wire                     m_axis_tlast,
    output wire  [      USER_W-1:0] m_axis_tuser
);
    initial begin
        if (PORTS < 1) $fatal(1, "%m: PORTS must be at least 1");
        if (DATA_W < 8 || DATA_W % 8 != 0) $fatal(1, "%m: DATA_W must be a multiple of 8");
        if (KEEP_W != DATA_W / 8) $fatal(1, "%m: KEEP_W must be DATA_W / 8");
        if (USER_W < SEL_W) $fatal(1, "%m: USER_W too narrow for a port index");
    end

    // locked_q: inside a frame of port sel_q. last_q: the port granted last (round-robin base).
    logic locked_q, locked_d;
    logic [SEL_W-1:0] sel_q, sel_d, last_q, last_d;
    logic [SEL_W-1:0] pick, sel;
    logic found;
    logic [PORTS-1:0] after_last;
    logic [DATA_W-1:0] beat_data;
    logic [KEEP_W-1:0] beat_keep;
    logic beat_valid, beat_last;
    wire beat_ready;

    // Round robin: the lowest requesting port above last_q, else the lowest requesting port.
    always_comb begin
        for (int p = 0; p < PORTS; p++) after_last[p] = s_axis_tvalid[p] && (SEL_W'(p) > last_q);
        found = |s_axis_tvalid;
        pick = '0;
        for (int p = PORTS - 1; p >= 0; p--) if (s_axis_tvalid[p]) pick = SEL_W'(p);
        for (int p = PORTS - 1; p >= 0; p--) if (after_last[p]) pick = SEL_W'(p);
    end

    always_comb begin
        locked_d = locked_q;
        sel_d = sel_q;
        last_d = last_q;
        sel = locked_q ? sel_q : pick;
        beat_valid = locked_q ? s_axis_tvalid[sel_q] : found;
        beat_data = '0;
        beat_keep = '0;
        beat_last = 1'b0;
        s_axis_tready = '0;
        for (int p = 0; p < PORTS; p++) begin
            if (sel == SEL_W'(p)) begin
                beat_data = s_axis_tdata[p*DATA_W+:DATA_W];
                beat_keep = s_axis_tkeep[p*KEEP_W+:KEEP_W];
                beat_last = s_axis_tlast[p];
                s_axis_tready[p] = beat_ready && beat_valid;
            end
        end
        if (beat_valid && beat_ready) begin
            if (!locked_q) last_d = sel;
            locked_d = !beat_last;
            sel_d = sel;
        end
    end

    always_ff @(posedge clk) begin
        sel_q <= sel_d;
        if (rst) begin
            locked_q <= 1'b0;
            last_q <= SEL_W'(PORTS - 1);
        end else begin
            locked_q <= locked_d;
            last_q <= last_d;
        end
    end

    hop_axis_register #(
        .DATA_W(DATA_W),
        .KEEP_W(KEEP_W),
        .USER_W(USER_W)
    ) u_out (
        .clk          (clk),
        .rst          (rst),
        .s_axis_tdata (beat_data),
        .s_axis_tkeep (beat_keep),
        .s_axis_tvalid(beat_valid),
        .s_axis_tready(beat_ready),
        .s_axis_tlast (beat_last),
        .s_axis_tuser (USER_W'(sel)),
        .m_axis_tdata (m_axis_tdata),
        .m_axis_tkeep (m_axis_tkeep),
        .m_axis_tvalid(m_axis_tvalid),
        .m_axis_tready(m_axis_tready),
        .m_axis_tlast (m_axis_tlast),
        .m_axis_tuser (m_axis_tuser)
    );
endmodule

`resetall
