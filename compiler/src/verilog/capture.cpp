// SPDX-License-Identifier: Apache-2.0
// Stage: the header window capture.
#include "verilog/generator.hpp"

namespace hop::verilog {

// Header window capture: the first WIN_BYTES bytes of each frame (or the whole frame when it is
// shorter) into win_q, with the number of bytes present and the ingress port.
//
// Cut-through (the default): the window fires at the beat that completes it (or the frame's
// last beat). Store-and-forward (sf_, programs that read packet_length): the window fires at
// the frame's last beat, with the frame's byte count (win_plen_q). A frame longer than
// kMaxFrameBytes fires at the beat that crosses the limit with win_long_q set (the descriptor
// drops it); that beat goes into the payload FIFO as the frame's last, and the rest of the frame
// is taken and discarded (cap_drop_q), so the FIFO (sized for one maximum frame) never holds an
// unfinished frame it cannot complete.

void Generator::capture() {
    const int K = keepW_, H = windowBytes_;
    const int beats = (H + K - 1) / K;
    // Store-and-forward counts one beat past the window (beats: past it, nothing captured).
    const int bw = std::max(1, clog2(sf_ ? beats + 1 : beats));
    decl_.line(fmt::format("localparam int WIN_BYTES = {};", H));
    decl_.line(fmt::format("logic [{}:0] cap_beat_q, cap_beat_d;", bw - 1));
    decl_.line("logic cap_mid_q, cap_mid_d, cap_done_q, cap_done_d;");
    decl_.line("logic [USER_W-1:0] cap_port_q, cap_port_d;");
    decl_.line("logic [8*WIN_BYTES-1:0] cap_acc_q, cap_acc_d;");
    decl_.line("logic win_fire;");
    decl_.line("logic [15:0] in_beat_n, win_len;");
    decl_.line("logic win_valid_q;");
    decl_.line("logic [8*WIN_BYTES-1:0] win_q, win_wire;");
    decl_.line("logic [15:0] win_len_q;");
    decl_.line("logic [USER_W-1:0] win_port_q;");
    if (sf_) {
        decl_.line(fmt::format("localparam int MAX_FRAME = {};", kMaxFrameBytes));
        decl_.line("logic [15:0] cap_bytes_q, cap_bytes_d, cap_plen, win_plen_q;");
        decl_.line("logic cap_drop_q, cap_drop_d, cap_long, win_long_q;");
    }
    if (payloadCsum_) {
        // RFC 1071 sum of the frame's bytes past the window (byte k of the frame in the high half
        // of a word when k is even), folded every beat.
        decl_.line("logic [15:0] cap_psum_q, cap_psum_d, win_psum_q;");
        decl_.line("logic [31:0] cap_beat_sum;");
        decl_.open("function automatic logic [15:0] fold16(input logic [31:0] x);");
        decl_.line("logic [16:0] y;");
        decl_.line("y = 17'(x[15:0]) + 17'(x[31:16]);");
        decl_.line("return y[15:0] + 16'(y[16]);");
        decl_.close("endfunction");
    }
    body_.line(sf_ ? "// Header window capture (store-and-forward: fires at the frame's last beat)."
                   : "// Header window capture.");
    body_.open("always_comb begin");
    body_.line("in_beat_n = 16'($countones(s_axis_tkeep));");
    body_.line("cap_beat_d = cap_beat_q;");
    body_.line("cap_mid_d = cap_mid_q;");
    body_.line("cap_done_d = cap_done_q;");
    body_.line("cap_port_d = cap_mid_q ? cap_port_q : s_axis_tuser;");
    body_.line("cap_acc_d = cap_acc_q;");
    for (int b = 0; b < beats; ++b) {
        const int n = std::min(K, H - b * K);
        body_.line(fmt::format("if (cap_beat_q == {}) cap_acc_d[{}:{}] = s_axis_tdata[{}:0];",
                               literal(b, bw), 8 * (b * K + n) - 1, 8 * b * K, 8 * n - 1));
    }
    const std::string lastWin = literal(sf_ ? beats : beats - 1, bw);
    if (sf_) {
        body_.line("cap_bytes_d = cap_bytes_q;");
        body_.line("cap_drop_d = cap_drop_q;");
        body_.line("cap_plen = cap_bytes_q + in_beat_n;");
        if (payloadCsum_) {
            body_.line("cap_beat_sum = 32'd0;");
            body_.open("for (int i = 0; i < KEEP_W; i++) begin");
            body_.line(
                "if (s_axis_tkeep[i] && 32'(cap_bytes_q) + 32'(i) >= 32'(WIN_BYTES)) "
                "cap_beat_sum = cap_beat_sum + (i % 2 == 0 ? {16'd0, s_axis_tdata[8*i +: 8], "
                "8'd0} : {24'd0, s_axis_tdata[8*i +: 8]});");
            body_.close("end");
            body_.line(
                "cap_psum_d = in_fire ? fold16(32'(cap_psum_q) + cap_beat_sum) : cap_psum_q;");
        }
        body_.line("cap_long = cap_plen > 16'(MAX_FRAME);");
        body_.line("win_fire = in_fire && !cap_drop_q && (s_axis_tlast || cap_long);");
        body_.line(fmt::format("win_len = cap_plen > 16'd{} ? 16'd{} : cap_plen;", H, H));
    } else {
        body_.line(
            fmt::format("win_fire = in_fire && !cap_done_q && (cap_beat_q == {} || "
                        "s_axis_tlast);",
                        lastWin));
        body_.line(fmt::format(
            "win_len = !s_axis_tlast ? 16'd{} : 16'(cap_beat_q) * 16'd{} + in_beat_n > 16'd{} ? "
            "16'd{} : 16'(cap_beat_q) * 16'd{} + in_beat_n;",
            H, K, H, H, K));
    }
    body_.open("if (in_fire) begin");
    body_.line("cap_mid_d = !s_axis_tlast;");
    body_.line("cap_done_d = !s_axis_tlast && (cap_done_q || win_fire);");
    if (sf_) {
        body_.line("cap_bytes_d = s_axis_tlast ? 16'd0 : cap_drop_q ? cap_bytes_q : cap_plen;");
        body_.line("cap_drop_d = !s_axis_tlast && (cap_drop_q || cap_long);");
    }
    if (payloadCsum_) body_.line("if (s_axis_tlast) cap_psum_d = 16'd0;");
    if (beats > 1 || sf_)
        body_.line(
            fmt::format("cap_beat_d = s_axis_tlast ? '0 : cap_beat_q == {} ? cap_beat_q "
                        ": cap_beat_q + 1'b1;",
                        lastWin));
    else
        body_.line("cap_beat_d = '0;");
    body_.close("end");
    body_.close("end");
    body_.open("always_ff @(posedge clk) begin");
    body_.line("cap_acc_q <= cap_acc_d;");
    body_.line("cap_port_q <= cap_port_d;");
    body_.line("win_q <= cap_acc_d;");
    body_.line("win_len_q <= win_len;");
    body_.line("win_port_q <= cap_port_d;");
    if (sf_) {
        body_.line("win_plen_q <= cap_plen;");
        body_.line("win_long_q <= cap_long;");
    }
    if (payloadCsum_) body_.line("win_psum_q <= fold16(32'(cap_psum_q) + cap_beat_sum);");
    body_.open("if (rst) begin");
    body_.line("cap_beat_q <= '0;");
    body_.line("cap_mid_q <= 1'b0;");
    body_.line("cap_done_q <= 1'b0;");
    body_.line("win_valid_q <= 1'b0;");
    if (sf_) {
        body_.line("cap_bytes_q <= '0;");
        body_.line("cap_drop_q <= 1'b0;");
    }
    if (payloadCsum_) body_.line("cap_psum_q <= 16'd0;");
    body_.dedent().open("end else begin");
    body_.line("cap_beat_q <= cap_beat_d;");
    body_.line("cap_mid_q <= cap_mid_d;");
    body_.line("cap_done_q <= cap_done_d;");
    body_.line("win_valid_q <= win_fire;");
    if (sf_) {
        body_.line("cap_bytes_q <= cap_bytes_d;");
        body_.line("cap_drop_q <= cap_drop_d;");
    }
    if (payloadCsum_) body_.line("cap_psum_q <= cap_psum_d;");
    body_.close("end");
    body_.close("end");
    // Wire order: bit 0 of the first byte on the wire is the top bit.
    body_.open("always_comb begin");
    body_.line(
        "for (int i = 0; i < WIN_BYTES; i++) win_wire[8*(WIN_BYTES-1-i) +: 8] = "
        "win_q[8*i +: 8];");
    body_.close("end");
    body_.line();
    cur_ = "win_q";
    curValid_ = "win_valid_q";
}
}  // namespace hop::verilog
