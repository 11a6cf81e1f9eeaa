// SPDX-License-Identifier: Apache-2.0
// Stage: header assembly and the descriptor register.
#include "verilog/generator.hpp"

namespace hop::verilog {

// Header assembly: the valid headers in deparser order packed from byte 0 (lane order), their
// byte count, and the descriptor register.

// A header whose offset depends on more headers' validity than this is shifted into place.
constexpr size_t kMaxCaseHeaders = 8;

// The header's bytes at its offset, which the validity of the fixed-size headers before it
// decides: a case over those bits, each offset a constant part-select (no 8*HDR_BYTES-bit
// shifter; a simulator runs one branch). Within the headers' bytes nothing is set past the
// current offset, so an assignment is the OR.
void Generator::placeAtFixedOffset(const std::vector<std::pair<std::string, int>>& before,
                                   int bytes, const std::string& lanes) {
    const std::string put = "asm_hdr[8*{}+:{}] = {{{}}};";
    if (before.empty()) {
        body_.line(fmt::format(fmt::runtime(put), 0, 8 * bytes, lanes));
        return;
    }
    const size_t k = before.size();
    std::map<int, std::vector<uint32_t>> byOffset;
    for (uint32_t m = 0; m < (1u << k); ++m) {
        int off = 0;
        for (size_t i = 0; i < k; ++i)
            if (m >> i & 1) off += before[i].second;
        byOffset[off].push_back(m);
    }
    std::string sel;
    for (size_t i = k; i-- > 0;) sel += (sel.empty() ? "" : ", ") + before[i].first;
    body_.open(fmt::format("case ({{{}}})", sel));
    for (const auto& [off, masks] : byOffset) {
        std::string labels;
        for (uint32_t m : masks) {
            std::string bin;
            for (size_t i = k; i-- > 0;) bin += (m >> i & 1) ? '1' : '0';
            labels += fmt::format("{}{}'b{}", labels.empty() ? "" : ", ", k, bin);
        }
        body_.line(labels + ": " + fmt::format(fmt::runtime(put), off, 8 * bytes, lanes));
    }
    body_.close("endcase");
}

void Generator::headerAssembly() {
    bypass();
    if (!pending_.empty()) {
        // The last statements (e.g. the update_checksum write) run in the assembly's cycle.
        auto bodies = std::move(pending_);
        const auto results = std::move(pendingResults_);
        pending_.clear();
        pendingResults_.clear();
        cur_ = combBundle(bodies, cur_, "Last statements, in the header assembly's cycle.", {},
                          "fin_b");
        sinkResults(results, "");
        closeRegisterStage(cur_);
    }
    rec_.end = cur_;
    rec_.endStage = stage_;
    if (!opt_.split) digestFifo();  // the split's ingress feeds it (split.cpp)
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
    decl_.line("logic [8*HDR_BYTES-1:0] desc_hdr_q;");
    decl_.line("logic [15:0] desc_elen_q, desc_skip_q;");
    decl_.line("logic desc_valid_q, desc_drop_q;");
    decl_.line("logic [USER_W-1:0] desc_port_q;");
    if (fTruncate_ >= 0) decl_.line("logic [16:0] desc_trunc_q;  // truncate(): {on, limit}");
    // The descriptor FIFO takes the descriptor only with desc_valid_q: its registers load only
    // a valid bundle, so a simulator assembles headers only for packets (the enable is a
    // register's, no logic level in front of the data).
    body_.line("// Header assembly: valid headers in emit order, byte 0 in lane 0.");
    body_.open("always_ff @(posedge clk) begin");
    body_.open(fmt::format("if ({}) begin : asm", curValid_));
    body_.line("logic [8*HDR_BYTES-1:0] asm_hdr;");
    body_.line("logic [15:0] asm_len;");
    body_.line("logic asm_drop;");
    for (ir::HeaderId h : p_.deparser) {
        const ir::Header& hd = p_.headers[h];
        if (hd.validBit < 0 || hd.width / 8 == 0) continue;
        body_.line(fmt::format("logic [{}:0] {};", hd.width - 1,
                               names_.get("hv:" + hd.name, "hv_" + hd.name)));
    }
    body_.line("asm_hdr = '0;");
    body_.line("asm_len = 16'd0;");
    // The fixed-size headers before the current one (validity bit, bytes): while only those
    // come first, a header's offset is one of a few constants chosen by their validity bits.
    std::vector<std::pair<std::string, int>> before;
    bool fixedOffset = true;
    for (ir::HeaderId h : p_.deparser) {
        const ir::Header& hd = p_.headers[h];
        const int nb = hd.width / 8;
        if (hd.validBit < 0 || nb == 0) continue;
        // A varbit's value is right-aligned in its field: move its `length` bits to the top, so
        // the bytes past the length are zero in the lanes.
        const auto vs = varSlot_.find(h);
        const std::string vlen = vs == varSlot_.end() ? "" : rd(cur_, vs->second, 16);
        std::string bits;
        for (ir::FieldId f : hd.fields) {
            std::string v = fieldOf(cur_, f);
            if (!vlen.empty() && f == hd.fields.back())
                v = fmt::format("{}'({} << (16'd{} - {}))", p_.fields[f].width, v,
                                p_.fields[f].width, vlen);
            bits += (bits.empty() ? "" : ", ") + v;
        }
        const std::string hv = names_.get("hv:" + hd.name, "hv_" + hd.name);
        std::string lanes;
        for (int j = nb - 1; j >= 0; --j)
            lanes += fmt::format("{}{}[{}:{}]", j == nb - 1 ? "" : ", ", hv, hd.width - 1 - 8 * j,
                                 hd.width - 8 - 8 * j);
        const std::string valid = rd(cur_, validBase_ + hd.validBit, 1);
        body_.open(fmt::format("if ({}) begin  // {}", valid, hd.name));
        body_.line(fmt::format("{} = {{{}}};", hv, bits));
        if (fixedOffset && before.size() <= kMaxCaseHeaders)
            placeAtFixedOffset(before, nb, lanes);
        else
            body_.line(fmt::format("asm_hdr = asm_hdr | ((8*HDR_BYTES)'({{{}}}) << (8 * asm_len));",
                                   lanes));
        if (vlen.empty())
            body_.line(fmt::format("asm_len = asm_len + 16'd{};", nb));
        else
            body_.line(fmt::format("asm_len = asm_len + 16'd{} + ({} >> 3);",
                                   (hd.width - p_.fields[hd.fields.back()].width) / 8, vlen));
        body_.dedent().open("end else begin");
        body_.line(fmt::format("{} = '0;", hv));
        body_.close("end");
        if (!vlen.empty()) fixedOffset = false;
        before.emplace_back(valid, nb);
    }
    const std::string spec = fEgressSpec_ >= 0 ? fieldOf(cur_, fEgressSpec_) : "9'd0";
    if (sf_)  // a frame longer than MAX_FRAME is dropped whatever the program says
        body_.line(fmt::format("asm_drop = {} || {} == 9'd511 || {};", rd(cur_, dropOff_, 1), spec,
                               rd(cur_, longOff_, 1)));
    else
        body_.line(fmt::format("asm_drop = {} || {} == 9'd511;", rd(cur_, dropOff_, 1), spec));
    body_.line("desc_hdr_q <= asm_hdr;");
    body_.line("desc_elen_q <= asm_len;");
    body_.line(fmt::format("desc_skip_q <= {};", rd(cur_, consumedOff_, 16)));
    body_.line("desc_drop_q <= asm_drop;");
    body_.line(
        fmt::format("desc_port_q <= {};", fEgressPort_ >= 0 ? fieldOf(cur_, fEgressPort_) : spec));
    if (fTruncate_ >= 0) {
        // A limit past 65,535 bytes cuts no frame.
        // (Bit ranges of the bundle read separately: Yosys takes no select of a select.)
        const int off = p_.fields[fTruncateLength_].phvOffset;
        body_.line(fmt::format("desc_trunc_q <= {{{} && {} == 16'd0, {}}};",
                               fieldOf(cur_, fTruncate_), rd(cur_, off + 16, 16),
                               rd(cur_, off, 16)));
    }
    body_.close("end");
    if (!narrowed_) {
        decl_.line(
            "logic [BUNDLE_W-1:0] unused_bundle;  // fields nobody reads after the last stage");
        body_.line("unused_bundle <= " + cur_ + ";");
    }
    body_.line("if (rst) desc_valid_q <= 1'b0;");
    body_.line(fmt::format("else desc_valid_q <= {};", curValid_));
    body_.close("end");
    body_.line();
    ++latency_;
}
}  // namespace hop::verilog
