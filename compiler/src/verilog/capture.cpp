// SPDX-License-Identifier: Apache-2.0
// Stage: the header window capture, an instance of rtl/hop_header_capture.sv.
#include "verilog/generator.hpp"

namespace hop::verilog {

// The first WIN_BYTES bytes of each frame (the deepest parse) into win_q, with the number of
// bytes present and the ingress port. Store-and-forward programs (they read packet_length, or
// a checksum covers the payload) fire at the frame's last beat with its length, and drop frames
// longer than kMaxFrameBytes (win_long_q); the block's header has the whole contract. The
// admission (output.cpp) reads cap_mid_q / cap_drop_q, the payload FIFO cap_long, the
// TOO_LONG counter win_fire && cap_long.
void Generator::capture() {
    // What only store-and-forward, or only the payload sum, reads goes to an unused_capture_*
    // sink otherwise.
    auto sig = [](bool read, const std::string& name, const std::string& sink) {
        return read ? name : "unused_capture_" + sink;
    };
    const std::string drop = sig(sf_, "cap_drop_q", "drop"), lng = sig(sf_, "cap_long", "long"),
                      fire = sig(sf_, "win_fire", "fire"), wlong = sig(sf_, "win_long_q", "wlong"),
                      plen = sig(sf_, "win_plen_q", "plen"),
                      psum = sig(payloadCsum_, "win_psum_q", "psum"),
                      win = sig(payloadCsum_, "win_q", "data");
    if (sf_) decl_.line(fmt::format("localparam int MAX_FRAME = {};", kMaxFrameBytes));
    decl_.line(fmt::format("localparam int WIN_BYTES = {};", windowBytes_));
    decl_.line(
        fmt::format("logic cap_mid_q, {}, {}, {}, win_valid_q, {};", drop, lng, fire, wlong));
    // An advance (or extract<T>(_)) skips bits no extract reads, so parts of the window may
    // be read by nothing: say so to lint there (only there: other programs read every bit).
    bool skips = false;
    for (const auto& st : p_.parser.states)
        for (const auto& s : st.stmts) skips = skips || s.kind == ir::StmtKind::Advance;
    if (skips) decl_.line("/* verilator lint_off UNUSEDSIGNAL */");
    decl_.line(fmt::format("logic [8*WIN_BYTES-1:0] {}, win_wire;", win));
    if (skips) decl_.line("/* verilator lint_on UNUSEDSIGNAL */");
    decl_.line(fmt::format("logic [15:0] win_len_q, {}, {};", plen, psum));
    decl_.line("logic [USER_W-1:0] win_port_q;");
    // The arrival time rides with tuser: sampled at the first beat, given with the window.
    decl_.line("logic [63:0] win_time_q;");
    body_.line(sf_ ? "// Header window capture (store-and-forward: fires at the frame's last beat)."
                   : "// Header window capture.");
    instance(body_, "hop_header_capture",
             {{"DATA_W", "DATA_W"},
              {"USER_W", "USER_W + 64"},
              {"WIN_BYTES", "WIN_BYTES"},
              {"MAX_FRAME", sf_ ? "MAX_FRAME" : "0"},
              {"PAYLOAD_SUM", payloadCsum_ ? "1'b1" : "1'b0"}},
             "u_capture",
             {{"clk", "clk"},
              {"rst", "rst"},
              {"s_axis_tdata", "s_axis_tdata"},
              {"s_axis_tkeep", "s_axis_tkeep"},
              {"s_axis_tlast", "s_axis_tlast"},
              {"s_axis_tuser", "{s_axis_ttime, s_axis_tuser}"},
              {"in_fire", "in_fire"},
              {"frame_mid", "cap_mid_q"},
              {"frame_drop", drop},
              {"beat_long", lng},
              {"win_fire", fire},
              {"win_valid", "win_valid_q"},
              {"win_data", win},
              {"win_wire", "win_wire"},
              {"win_len", "win_len_q"},
              {"win_port", "{win_time_q, win_port_q}"},
              {"win_plen", plen},
              {"win_long", wlong},
              {"win_psum", psum}});
    body_.line();
    cur_ = win;
    curValid_ = "win_valid_q";
}

}  // namespace hop::verilog
