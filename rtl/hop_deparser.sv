// SPDX-License-Identifier: Apache-2.0
// Deparser output of a generated pipeline: joins each packet's descriptor (emitted header
// bytes, bytes the parser consumed, egress port, drop) with its frame from the payload FIFO and
// sends the emitted headers followed by the frame bytes after the consumed ones, realigned to
// the output lanes.
//
// Per cycle, with the output register free: one header chunk (KEEP_W bytes, or the last part
// of the headers) and at most one frame beat are appended to an accumulator of at most KEEP_W
// bytes; a full beat (or the end of the packet) leaves. A frame beat made only of consumed
// bytes is skipped. A full beat that ends the headers with no payload yet, while consumed bytes
// are still to come, stays in the accumulator (full) until a payload byte or the frame's end
// arrives: if the rest of the frame is consumed bytes, it is the packet's last beat and carries
// tlast. The next descriptor is started in the cycle the previous packet finishes, so packets
// that neither grow nor shrink by a beat pass at one beat per clock. A dropped packet's frame
// is consumed without output, and so is a packet with nothing to send (no header emitted and
// every frame byte consumed): it counts as dropped, as the model does.
//
// Parameters: DATA_W, KEEP_W, USER_W; HDR_BYTES, the most header bytes a descriptor carries
// (desc_hdr byte i = emitted byte i, byte 0 in the low bits; desc_emit_len <= HDR_BYTES).
// Descriptor: desc_valid / desc_ready, taken when both are high (desc_ready depends on
// desc_valid and m_axis_tready). pkt_sent pulses once per packet sent, in the cycle its last
// beat enters the output register; pkt_dropped once per packet dropped, in the cycle its frame's
// last beat is taken. m_axis_* are flops. No CSR.
`default_nettype none

module hop_deparser #(
    parameter int DATA_W = 512,
    parameter int KEEP_W = DATA_W / 8,
    parameter int USER_W = 9,
    parameter int HDR_BYTES = 64
) (
    input  wire                   clk,
    input  wire                   rst,
    input  wire                   desc_valid,
    output logic                  desc_ready,
    input  wire                   desc_drop,
    input  wire  [    USER_W-1:0] desc_port,
    input  wire  [          15:0] desc_emit_len,
    input  wire  [          15:0] desc_skip_len,
    input  wire  [8*HDR_BYTES-1:0] desc_hdr,
    input  wire  [    DATA_W-1:0] s_axis_tdata,
    input  wire  [    KEEP_W-1:0] s_axis_tkeep,
    input  wire                   s_axis_tvalid,
    output logic                  s_axis_tready,
    input  wire                   s_axis_tlast,
    output wire  [    DATA_W-1:0] m_axis_tdata,
    output wire  [    KEEP_W-1:0] m_axis_tkeep,
    output wire                   m_axis_tvalid,
    input  wire                   m_axis_tready,
    output wire                   m_axis_tlast,
    output wire  [    USER_W-1:0] m_axis_tuser,
    output logic                  pkt_sent,
    output logic                  pkt_dropped
);
    localparam logic [15:0] W = 16'(KEEP_W);
    localparam int SW = 2 * DATA_W;

    initial begin
        if (KEEP_W * 8 != DATA_W) $fatal(1, "%m: KEEP_W must be DATA_W / 8");
        if (HDR_BYTES < 1) $fatal(1, "%m: HDR_BYTES must be at least 1");
    end

    // The packet in progress (busy_q) and where it stands.
    logic                   busy_q, busy_d;
    logic                   drop_q, drop_d;
    logic [     USER_W-1:0] port_q, port_d;
    logic [           15:0] elen_q, elen_d, skip_q, skip_d;
    logic [8*HDR_BYTES-1:0] hdr_q, hdr_d;
    logic [           15:0] hpos_q, hpos_d;  // header bytes appended
    logic [           15:0] ipos_q, ipos_d;  // frame byte of the beat at the FIFO head
    logic                   idone_q, idone_d;  // the frame's last beat was taken
    logic                   sent_q, sent_d;  // a beat of the packet went out
    logic [     DATA_W-1:0] acc_q, acc_d;
    logic [           15:0] accn_q, accn_d;
    logic [     DATA_W-1:0] out_data_q, out_data_d;
    logic [     KEEP_W-1:0] out_keep_q, out_keep_d;
    logic                   out_valid_q, out_valid_d;
    logic                   out_last_q, out_last_d;
    logic [     USER_W-1:0] out_user_q, out_user_d;

    // This cycle's packet: the latched one, or the descriptor at the head of the queue.
    logic                   c_drop;
    logic [     USER_W-1:0] c_port;
    logic [           15:0] c_elen, c_skip, c_hpos, c_ipos, c_accn;
    logic [8*HDR_BYTES-1:0] c_hdr;
    logic                   c_idone, c_sent;
    logic                   adv, have;
    logic [           15:0] beat_n, hdr_n, pay_n, cut, sumn, out_n;
    logic [     DATA_W-1:0] hdr_chunk, pay_data, acc_m, hdr_m, pay_m;
    logic [8*HDR_BYTES-1:0] hdr_sh;
    logic                   unused_hdr_sh;  // only the low KEEP_W bytes of the shifted headers
    assign unused_hdr_sh = ^hdr_sh;
    logic [         SW-1:0] sum;
    logic                   take_in, hdr_final, all_in, done, emit, hold;
    logic [           15:0] ipos_n;

    assign beat_n = 16'($countones(s_axis_tkeep));

    always_comb begin
        busy_d = busy_q;
        drop_d = drop_q;
        port_d = port_q;
        elen_d = elen_q;
        skip_d = skip_q;
        hdr_d = hdr_q;
        hpos_d = hpos_q;
        ipos_d = ipos_q;
        idone_d = idone_q;
        sent_d = sent_q;
        acc_d = acc_q;
        accn_d = accn_q;
        out_data_d = out_data_q;
        out_keep_d = out_keep_q;
        out_last_d = out_last_q;
        out_user_d = out_user_q;
        out_valid_d = out_valid_q && !m_axis_tready;

        adv = !out_valid_q || m_axis_tready;
        have = busy_q || desc_valid;
        c_drop = busy_q ? drop_q : desc_drop;
        c_port = busy_q ? port_q : desc_port;
        c_elen = busy_q ? elen_q : desc_emit_len;
        c_skip = busy_q ? skip_q : desc_skip_len;
        c_hdr = busy_q ? hdr_q : desc_hdr;
        c_hpos = busy_q ? hpos_q : 16'd0;
        c_ipos = busy_q ? ipos_q : 16'd0;
        c_idone = busy_q ? idone_q : 1'b0;
        c_sent = busy_q ? sent_q : 1'b0;
        c_accn = busy_q ? accn_q : 16'd0;

        take_in = 1'b0;
        hdr_n = 16'd0;
        pay_n = 16'd0;
        cut = 16'd0;
        hdr_chunk = '0;
        hdr_sh = '0;
        pay_data = '0;
        hdr_final = 1'b1;
        if (have && adv && !c_drop) begin
            if (c_elen > c_hpos) begin
                hdr_n = (c_elen - c_hpos) < W ? c_elen - c_hpos : W;
                hdr_sh = c_hdr >> (8 * c_hpos);
                hdr_chunk = DATA_W'(hdr_sh);
                hdr_final = (c_elen - c_hpos) <= W;
            end
            if (!c_idone && s_axis_tvalid) begin
                if (c_ipos + beat_n <= c_skip) begin
                    take_in = 1'b1;  // only bytes the parser consumed
                end else if (hdr_final) begin
                    take_in = 1'b1;
                    cut = c_skip > c_ipos ? c_skip - c_ipos : 16'd0;
                    pay_n = beat_n - cut;
                    pay_data = s_axis_tdata >> (8 * cut);
                end
            end
        end else if (have && adv) begin
            take_in = s_axis_tvalid && !c_idone;
        end
        // Keep only the valid bytes of each part, then stack them after the accumulator.
        acc_m = acc_q & ~({DATA_W{1'b1}} << (8 * c_accn));
        hdr_m = hdr_chunk & ~({DATA_W{1'b1}} << (8 * hdr_n));
        pay_m = pay_data & ~({DATA_W{1'b1}} << (8 * pay_n));
        sum = {{DATA_W{1'b0}}, acc_m} | ({{DATA_W{1'b0}}, hdr_m} << (8 * c_accn)) |
              ({{DATA_W{1'b0}}, pay_m} << (8 * (c_accn + hdr_n)));
        sumn = c_accn + hdr_n + pay_n;
        all_in = (c_idone || (take_in && s_axis_tlast)) && c_hpos + hdr_n == c_elen;
        ipos_n = take_in ? (c_ipos > 16'hffff - W ? 16'hffff : c_ipos + W) : c_ipos;
        // Exactly one full beat, the headers all in it, no payload yet and consumed bytes still
        // ahead: the frame may end without payload, so whether this beat is the last is not
        // known yet. It stays in the accumulator (accn = W) until a payload byte or the frame's
        // end arrives.
        hold = !all_in && sumn == W && c_hpos + hdr_n == c_elen && ipos_n < c_skip;
        emit = !c_drop && !hold && (sumn >= W || (all_in && sumn != 16'd0));
        out_n = sumn < W ? sumn : W;
        done = c_drop ? take_in && s_axis_tlast : all_in && sumn <= W;

        desc_ready = !busy_q && desc_valid && adv;
        s_axis_tready = take_in;
        pkt_sent = 1'b0;
        pkt_dropped = 1'b0;
        if (have && adv) begin
            busy_d = !done;
            drop_d = c_drop;
            port_d = c_port;
            elen_d = c_elen;
            skip_d = c_skip;
            hdr_d = c_hdr;
            hpos_d = c_hpos + hdr_n;
            ipos_d = ipos_n;
            idone_d = c_idone || (take_in && s_axis_tlast);
            sent_d = c_sent || emit;
            acc_d = emit ? DATA_W'(sum >> (8 * out_n)) : sum[DATA_W-1:0];
            accn_d = emit ? sumn - out_n : sumn;
            if (emit) begin
                out_valid_d = 1'b1;
                out_data_d = sum[DATA_W-1:0];
                out_keep_d = ~({KEEP_W{1'b1}} << out_n);
                out_last_d = all_in && sumn <= W;
                out_user_d = c_port;
            end
            pkt_sent = done && !c_drop && (c_sent || emit);
            pkt_dropped = done && (c_drop || !(c_sent || emit));
        end
    end

    always_ff @(posedge clk) begin
        drop_q <= drop_d;
        port_q <= port_d;
        elen_q <= elen_d;
        skip_q <= skip_d;
        hdr_q <= hdr_d;
        hpos_q <= hpos_d;
        ipos_q <= ipos_d;
        idone_q <= idone_d;
        sent_q <= sent_d;
        acc_q <= acc_d;
        accn_q <= accn_d;
        out_data_q <= out_data_d;
        out_keep_q <= out_keep_d;
        out_last_q <= out_last_d;
        out_user_q <= out_user_d;
        if (rst) begin
            busy_q <= 1'b0;
            out_valid_q <= 1'b0;
        end else begin
            busy_q <= busy_d;
            out_valid_q <= out_valid_d;
        end
    end

    assign m_axis_tdata = out_data_q;
    assign m_axis_tkeep = out_keep_q;
    assign m_axis_tvalid = out_valid_q;
    assign m_axis_tlast = out_last_q;
    assign m_axis_tuser = out_user_q;
endmodule

`resetall
