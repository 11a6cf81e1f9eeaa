// SPDX-License-Identifier: Apache-2.0
// Stage: admission, payload and descriptor FIFOs, the deparser.
#include "verilog/generator.hpp"

namespace hop::verilog {

namespace {

const char* kDeparserTemplate =
#include "verilog/deparser_sv.inc"
    ;

}  // namespace

std::string deparserModule(const std::string& name) {
    return replaceAll(kDeparserTemplate, "@PROG@", name);
}

// Payload and descriptor FIFOs, admission (credits) and the deparser.
void Generator::fifosAndDeparser() {
    const int descRaw = 1 + 9 + 16 + 16 + 8 * emitBytes_;
    const int descW = (descRaw + 7) / 8 * 8;
    const int descDepth = static_cast<int>(pow2AtLeast(latency_ + 8));
    // Cut-through: the frames in flight while their descriptors are computed. Store-and-
    // forward: also one whole frame of the maximum size (plus the beat that crosses it), which
    // must fit before its descriptor can leave.
    const int maxFrameBeats = (kMaxFrameBytes + keepW_ - 1) / keepW_ + 1;
    const int frameDepth = static_cast<int>(
        sf_ ? pow2AtLeast(maxFrameBeats + 2 * (latency_ + 4))
            : pow2AtLeast(std::max(32, 2 * (latency_ + windowBytes_ / keepW_ + 4))));
    CodeBuilder& b = body_;
    decl_.line(fmt::format("localparam int DESC_W = {};", descW));
    decl_.line(fmt::format("localparam int DESC_DEPTH = {};", descDepth));
    decl_.line(fmt::format("localparam int FRAME_DEPTH = {};", frameDepth));
    decl_.line("logic in_fire, in_ready, frame_s_ready, credit_ok;");
    decl_.line("logic [$clog2(DESC_DEPTH):0] inflight_q;");
    decl_.line("logic [DESC_W-1:0] dq_in, dq_out;");
    decl_.line("logic dq_valid, dq_ready, unused_dq_s_ready, unused_dq_last;");
    decl_.line("logic [DESC_W/8-1:0] unused_dq_keep;");
    decl_.line("logic unused_dq_user, unused_fq_user;");
    decl_.line("logic [DATA_W-1:0] fq_tdata;");
    decl_.line("logic [KEEP_W-1:0] fq_tkeep;");
    decl_.line("logic fq_tvalid, fq_tready, fq_tlast, pkt_sent, pkt_dropped;");
    decl_.line("logic [31:0] rx_q, tx_q, dropped_q, pl_rdata_q;");
    if (sf_) decl_.line("logic [31:0] too_long_q;");

    b.line("// Admission: a frame starts only when its descriptor is sure to find room.");
    b.line("assign credit_ok = inflight_q < ($clog2(DESC_DEPTH)+1)'(DESC_DEPTH);");
    if (sf_) {
        // The rest of a frame that became too long is taken without the FIFO.
        b.line("assign in_ready = cap_drop_q || (frame_s_ready && (cap_mid_q || credit_ok));");
    } else {
        b.line("assign in_ready = frame_s_ready && (cap_mid_q || credit_ok);");
    }
    b.line("assign s_axis_tready = in_ready;");
    b.line("assign in_fire = s_axis_tvalid && in_ready;");
    b.open("always_ff @(posedge clk) begin");
    b.open("if (rst) begin");
    b.line("inflight_q <= '0;");
    b.line("rx_q <= '0;");
    b.line("tx_q <= '0;");
    b.line("dropped_q <= '0;");
    if (sf_) b.line("too_long_q <= '0;");
    b.dedent().open("end else begin");
    b.line(
        "inflight_q <= inflight_q + ($clog2(DESC_DEPTH)+1)'(in_fire && !cap_mid_q) - "
        "($clog2(DESC_DEPTH)+1)'(dq_valid && dq_ready);");
    b.line("if (in_fire && !cap_mid_q) rx_q <= rx_q + 32'd1;");
    b.line("if (pkt_sent) tx_q <= tx_q + 32'd1;");
    b.line("if (pkt_dropped) dropped_q <= dropped_q + 32'd1;");
    if (sf_) b.line("if (win_fire && cap_long) too_long_q <= too_long_q + 32'd1;");
    b.close("end");
    b.close("end");
    b.line();
    auto fifo = [&](const std::string& inst, const std::string& dataW, const std::string& depth,
                    const std::vector<std::pair<std::string, std::string>>& ports) {
        b.open("hop_axis_fifo #(");
        b.line(".DATA_W(" + dataW + "),");
        b.line(".USER_W(1),");
        b.line(".DEPTH(" + depth + ")");
        b.dedent().open(") " + inst + " (");
        for (size_t i = 0; i < ports.size(); ++i)
            b.line(fmt::format(".{}({}){}", ports[i].first, ports[i].second,
                               i + 1 < ports.size() ? "," : ""));
        b.close(");");
    };
    b.line(
        "// Payload FIFO: every beat of the frame; the deparser skips what the parser consumed.");
    decl_.line("logic [FILL_W_FQ-1:0] unused_fq_fill;");
    decl_.line("logic [FILL_W_DQ-1:0] unused_dq_fill;");
    decl_.line("localparam int FILL_W_FQ = $clog2(FRAME_DEPTH) + 1;");
    decl_.line("localparam int FILL_W_DQ = $clog2(DESC_DEPTH) + 1;");
    fifo("u_payload_fifo", "DATA_W", "FRAME_DEPTH",
         {{"clk", "clk"},
          {"rst", "rst"},
          {"s_axis_tdata", "s_axis_tdata"},
          {"s_axis_tkeep", "s_axis_tkeep"},
          {"s_axis_tvalid",
           sf_ ? "s_axis_tvalid && in_ready && !cap_drop_q" : "s_axis_tvalid && in_ready"},
          {"s_axis_tready", "frame_s_ready"},
          {"s_axis_tlast", sf_ ? "s_axis_tlast || cap_long" : "s_axis_tlast"},
          {"s_axis_tuser", "1'b0"},
          {"m_axis_tdata", "fq_tdata"},
          {"m_axis_tkeep", "fq_tkeep"},
          {"m_axis_tvalid", "fq_tvalid"},
          {"m_axis_tready", "fq_tready"},
          {"m_axis_tlast", "fq_tlast"},
          {"m_axis_tuser", "unused_fq_user"},
          {"fill", "unused_fq_fill"}});
    b.line("// Descriptor FIFO: never full (admission counts descriptors in flight).");
    b.line(
        "assign dq_in = DESC_W'({desc_drop_q, desc_port_q, desc_elen_q, desc_skip_q, "
        "desc_hdr_q});");
    fifo("u_desc_fifo", "DESC_W", "DESC_DEPTH",
         {{"clk", "clk"},
          {"rst", "rst"},
          {"s_axis_tdata", "dq_in"},
          {"s_axis_tkeep", "'1"},
          {"s_axis_tvalid", "desc_valid_q"},
          {"s_axis_tready", "unused_dq_s_ready"},
          {"s_axis_tlast", "1'b1"},
          {"s_axis_tuser", "1'b0"},
          {"m_axis_tdata", "dq_out"},
          {"m_axis_tkeep", "unused_dq_keep"},
          {"m_axis_tvalid", "dq_valid"},
          {"m_axis_tready", "dq_ready"},
          {"m_axis_tlast", "unused_dq_last"},
          {"m_axis_tuser", "unused_dq_user"},
          {"fill", "unused_dq_fill"}});
    b.open(fmt::format("{}_deparser #(", name_));
    b.line(".DATA_W(DATA_W),");
    b.line(".USER_W(USER_W),");
    b.line(".HDR_BYTES(HDR_BYTES)");
    b.dedent().open(") u_deparser (");
    const int hb = 8 * emitBytes_;
    const std::vector<std::pair<std::string, std::string>> dp = {
        {"clk", "clk"},
        {"rst", "rst"},
        {"desc_valid", "dq_valid"},
        {"desc_ready", "dq_ready"},
        {"desc_drop", fmt::format("dq_out[{}]", hb + 41)},
        {"desc_port", fmt::format("dq_out[{}:{}]", hb + 40, hb + 32)},
        {"desc_emit_len", fmt::format("dq_out[{}:{}]", hb + 31, hb + 16)},
        {"desc_skip_len", fmt::format("dq_out[{}:{}]", hb + 15, hb)},
        {"desc_hdr", fmt::format("dq_out[{}:0]", hb - 1)},
        {"s_axis_tdata", "fq_tdata"},
        {"s_axis_tkeep", "fq_tkeep"},
        {"s_axis_tvalid", "fq_tvalid"},
        {"s_axis_tready", "fq_tready"},
        {"s_axis_tlast", "fq_tlast"},
        {"m_axis_tdata", "m_axis_tdata"},
        {"m_axis_tkeep", "m_axis_tkeep"},
        {"m_axis_tvalid", "m_axis_tvalid"},
        {"m_axis_tready", "m_axis_tready"},
        {"m_axis_tlast", "m_axis_tlast"},
        {"m_axis_tuser", "m_axis_tuser"},
        {"pkt_sent", "pkt_sent"},
        {"pkt_dropped", "pkt_dropped"}};
    for (size_t i = 0; i < dp.size(); ++i)
        b.line(fmt::format(".{}({}){}", dp[i].first, dp[i].second, i + 1 < dp.size() ? "," : ""));
    b.close(");");
    if (descW > descRaw) {
        decl_.line(fmt::format("logic [{}:0] unused_dq_pad;", descW - descRaw - 1));
        b.line(fmt::format("assign unused_dq_pad = dq_out[DESC_W-1:{}];", descRaw));
    }
    b.line();
}

}  // namespace hop::verilog
