// SPDX-License-Identifier: Apache-2.0
// Stage: header assembly and the descriptor register.
#include "verilog/generator.hpp"

namespace hop::verilog {

// Header assembly: the valid headers in deparser order packed from byte 0 (lane order), their
// byte count, and the descriptor register.

void Generator::headerAssembly() {
    if (!pending_.empty()) {
        // The last statements (e.g. the update_checksum write) run in the assembly's cycle.
        decl_.line("logic [BUNDLE_W-1:0] fin_b;");
        body_.line("// Last statements, in the header assembly's cycle.");
        body_.open("always_comb begin");
        body_.line("fin_b = " + cur_ + ";");
        for (const auto& f : pending_) f(body_, "fin_b");
        body_.close("end");
        pending_.clear();
        cur_ = "fin_b";
    }
    int total = 0;
    for (ir::HeaderId h : p_.deparser) {
        const ir::Header& hd = p_.headers[h];
        if (hd.width % 8 != 0) {
            diags_.unsupported({}, "emitting " + hd.name + " (not whole bytes)");
            failed_ = true;
        }
        total += hd.width / 8;
    }
    emitBytes_ = std::max(1, total);
    decl_.line(fmt::format("localparam int HDR_BYTES = {};", emitBytes_));
    decl_.line("logic [8*HDR_BYTES-1:0] asm_hdr, desc_hdr_q;");
    decl_.line("logic [15:0] asm_len, desc_elen_q, desc_skip_q;");
    decl_.line("logic asm_drop, desc_valid_q, desc_drop_q;");
    decl_.line("logic [USER_W-1:0] desc_port_q;");
    body_.line("// Header assembly: valid headers in emit order, byte 0 in lane 0.");
    body_.open("always_comb begin");
    body_.line("asm_hdr = '0;");
    body_.line("asm_len = 16'd0;");
    for (ir::HeaderId h : p_.deparser) {
        const ir::Header& hd = p_.headers[h];
        const int nb = hd.width / 8;
        if (hd.validBit < 0 || nb == 0) continue;
        // A varbit's value is right-aligned in its field: move its `length` bits to the top, so
        // the bytes past the length are zero in the lanes.
        const auto vs = varSlot_.find(h);
        const std::string vlen =
            vs == varSlot_.end() ? "" : fmt::format("{}[{}:{}]", cur_, vs->second + 15, vs->second);
        std::string bits;
        for (ir::FieldId f : hd.fields) {
            std::string v = fieldOf(cur_, f);
            if (!vlen.empty() && f == hd.fields.back())
                v = fmt::format("{}'({} << (16'd{} - {}))", p_.fields[f].width, v,
                                p_.fields[f].width, vlen);
            bits += (bits.empty() ? "" : ", ") + v;
        }
        std::string lanes;
        for (int j = nb - 1; j >= 0; --j)
            lanes += fmt::format("{}hv[{}:{}]", j == nb - 1 ? "" : ", ", hd.width - 1 - 8 * j,
                                 hd.width - 8 - 8 * j);
        const std::string hv = names_.get("hv:" + hd.name, "hv_" + hd.name);
        decl_.line(fmt::format("logic [{}:0] {};", hd.width - 1, hv));
        body_.open(
            fmt::format("if ({}[{}]) begin  // {}", cur_, validBase_ + hd.validBit, hd.name));
        body_.line(fmt::format("{} = {{{}}};", hv, bits));
        body_.line(fmt::format("asm_hdr = asm_hdr | ((8*HDR_BYTES)'({{{}}}) << (8 * asm_len));",
                               replaceAll(lanes, "hv[", hv + "[")));
        if (vlen.empty())
            body_.line(fmt::format("asm_len = asm_len + 16'd{};", nb));
        else
            body_.line(fmt::format("asm_len = asm_len + 16'd{} + ({} >> 3);",
                                   (hd.width - p_.fields[hd.fields.back()].width) / 8, vlen));
        body_.dedent().open("end else begin");
        body_.line(fmt::format("{} = '0;", hv));
        body_.close("end");
    }
    const std::string spec = fEgressSpec_ >= 0 ? fieldOf(cur_, fEgressSpec_) : "9'd0";
    if (sf_)  // a frame longer than MAX_FRAME is dropped whatever the program says
        body_.line(fmt::format("asm_drop = {}[{}] || {} == 9'd511 || {}[{}];", cur_, dropOff_, spec,
                               cur_, longOff_));
    else
        body_.line(fmt::format("asm_drop = {}[{}] || {} == 9'd511;", cur_, dropOff_, spec));
    body_.close("end");
    body_.open("always_ff @(posedge clk) begin");
    body_.line("desc_hdr_q <= asm_hdr;");
    decl_.line("logic [BUNDLE_W-1:0] unused_bundle;  // fields nobody reads after the last stage");
    body_.line("unused_bundle <= " + cur_ + ";");
    body_.line("desc_elen_q <= asm_len;");
    body_.line(fmt::format("desc_skip_q <= {}[{}:{}];", cur_, consumedOff_ + 15, consumedOff_));
    body_.line("desc_drop_q <= asm_drop;");
    body_.line(
        fmt::format("desc_port_q <= {};", fEgressPort_ >= 0 ? fieldOf(cur_, fEgressPort_) : spec));
    body_.line("if (rst) desc_valid_q <= 1'b0;");
    body_.line(fmt::format("else desc_valid_q <= {};", curValid_));
    body_.close("end");
    body_.line();
    ++latency_;
}
}  // namespace hop::verilog
