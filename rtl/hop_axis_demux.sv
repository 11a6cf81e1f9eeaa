// SPDX-License-Identifier: Apache-2.0
// AXI4-Stream demux: one stream to PORTS outputs by the egress port in tuser, taken from the
// first beat of each frame; a port >= PORTS (511, v1model's drop port) drops the frame.
`default_nettype none

// The input goes through hop_axis_register (s_axis_tready is a flop); the outputs are decoded
// from that register and the frame state only, so no combinational path runs from s_axis to
// m_axis. Output p's tdata/tkeep/tlast/tuser are slices p of flat vectors (the same beat fans
// out to every port; only m_axis_tvalid[p] tells which one it is for). A frame for a stalled
// port waits (head-of-line): put hop_axis_out_queue behind each port to absorb bursts.
// Latency: one cycle. drop_frames counts dropped frames (wraps at 2^32); it is also readable
// on the CSR bus, window [BASE, BASE+SPAN):
//   0x00 DROPS  frames dropped (egress port >= PORTS)
//   0x04 PORTS  number of output ports (read-only)
// Other offsets read 0; writes are ignored.
module hop_axis_demux #(
    parameter int PORTS  = 4,
    parameter int DATA_W = 64,
    parameter int KEEP_W = DATA_W / 8,
    parameter int USER_W = 9,
    parameter logic [31:0] BASE = 32'h0,
    parameter int SPAN = 8
) (
    input  wire                     clk,
    input  wire                     rst,
    input  wire  [      DATA_W-1:0] s_axis_tdata,
    input  wire  [      KEEP_W-1:0] s_axis_tkeep,
    input  wire                     s_axis_tvalid,
    output wire                     s_axis_tready,
    input  wire                     s_axis_tlast,
    input  wire  [      USER_W-1:0] s_axis_tuser,
    output wire  [PORTS*DATA_W-1:0] m_axis_tdata,
    output wire  [PORTS*KEEP_W-1:0] m_axis_tkeep,
    output logic [       PORTS-1:0] m_axis_tvalid,
    input  wire  [       PORTS-1:0] m_axis_tready,
    output wire  [       PORTS-1:0] m_axis_tlast,
    output wire  [PORTS*USER_W-1:0] m_axis_tuser,
    output wire  [            31:0] drop_frames,
    input  wire                     csr_wr,
    input  wire                     csr_rd,
    input  wire  [            31:0] csr_addr,
    input  wire  [            31:0] csr_wdata,
    output wire  [            31:0] csr_rdata
);
    localparam int SPAN_W = $clog2(SPAN);

    initial begin
        if (PORTS < 1) $fatal(1, "%m: PORTS must be at least 1");
        if (DATA_W < 8 || DATA_W % 8 != 0) $fatal(1, "%m: DATA_W must be a multiple of 8");
        if (KEEP_W != DATA_W / 8) $fatal(1, "%m: KEEP_W must be DATA_W / 8");
        if (USER_W < 1 || USER_W > 31 || PORTS > (1 << USER_W))
            $fatal(1, "%m: USER_W must hold every port index");
        if (SPAN < 8 || (SPAN & (SPAN - 1)) != 0) $fatal(1, "%m: SPAN must be a power of two >= 8");
        if ((BASE & 32'(SPAN - 1)) != 0) $fatal(1, "%m: BASE must be aligned to SPAN");
    end

    wire [DATA_W-1:0] beat_data;
    wire [KEEP_W-1:0] beat_keep;
    wire beat_valid, beat_last;
    wire [USER_W-1:0] beat_user;
    logic beat_ready;

    // in_frame_q: the frame's first beat has gone, port_q is its egress port.
    logic in_frame_q, in_frame_d;
    logic [USER_W-1:0] port_q, port_d, port;
    logic [31:0] drops_q, drops_d;
    logic drop;
    logic [31:0] rdata_q, rdata_d;

    hop_axis_register #(
        .DATA_W(DATA_W),
        .KEEP_W(KEEP_W),
        .USER_W(USER_W)
    ) u_in (
        .clk          (clk),
        .rst          (rst),
        .s_axis_tdata (s_axis_tdata),
        .s_axis_tkeep (s_axis_tkeep),
        .s_axis_tvalid(s_axis_tvalid),
        .s_axis_tready(s_axis_tready),
        .s_axis_tlast (s_axis_tlast),
        .s_axis_tuser (s_axis_tuser),
        .m_axis_tdata (beat_data),
        .m_axis_tkeep (beat_keep),
        .m_axis_tvalid(beat_valid),
        .m_axis_tready(beat_ready),
        .m_axis_tlast (beat_last),
        .m_axis_tuser (beat_user)
    );

    always_comb begin
        in_frame_d = in_frame_q;
        port_d = port_q;
        drops_d = drops_q;
        port = in_frame_q ? port_q : beat_user;
        drop = 32'(port) >= PORTS;
        beat_ready = drop;
        m_axis_tvalid = '0;
        for (int p = 0; p < PORTS; p++) begin
            if (port == USER_W'(p)) begin
                m_axis_tvalid[p] = beat_valid;
                beat_ready = m_axis_tready[p];
            end
        end
        if (beat_valid && beat_ready) begin
            in_frame_d = !beat_last;
            port_d = port;
            if (drop && !in_frame_q) drops_d = drops_q + 1'b1;
        end
    end

    // CSR window: read-only.
    wire csr_hit = (csr_addr & ~32'(SPAN - 1)) == BASE;
    wire [SPAN_W-3:0] csr_word = csr_addr[SPAN_W-1:2];
    wire unused_csr = ^{csr_wr, csr_addr[1:0], csr_wdata};

    always_comb begin
        rdata_d = '0;
        if (csr_rd && csr_hit) begin
            case (csr_word)
                (SPAN_W - 2)'(0): rdata_d = drops_q;
                (SPAN_W - 2)'(1): rdata_d = 32'(PORTS);
                default: rdata_d = '0;
            endcase
        end
    end

    always_ff @(posedge clk) begin
        port_q <= port_d;
        if (rst) begin
            in_frame_q <= 1'b0;
            drops_q <= '0;
            rdata_q <= '0;
        end else begin
            in_frame_q <= in_frame_d;
            drops_q <= drops_d;
            rdata_q <= rdata_d;
        end
    end

    assign m_axis_tdata = {PORTS{beat_data}};
    assign m_axis_tkeep = {PORTS{beat_keep}};
    assign m_axis_tlast = {PORTS{beat_last}};
    assign m_axis_tuser = {PORTS{port}};
    assign drop_frames = drops_q;
    assign csr_rdata = rdata_q;
endmodule

`resetall
