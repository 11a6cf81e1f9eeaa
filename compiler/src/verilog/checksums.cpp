// SPDX-License-Identifier: Apache-2.0
// Stage: verify / update checksum units.
#include "hash/hash.hpp"
#include "verilog/generator.hpp"

namespace hop::verilog {

// Checksums: hop_csum16 over the field list (the bundle waits beside it), then the compare
// (verify: checksum_error) or the write (update).

// A CRC checksum unit: the CRC of the field list (hash.cpp's function), registered for the
// `stages` cycles a hop_csum16 takes, so that every unit's result is ready together.
std::string Generator::crcChecksum(const ir::ChecksumUnit& u, const std::string& un, int stages) {
    int bits = 0;
    std::string data;
    for (const auto& e : u.data) {
        bits += e->width;
        data += (data.empty() ? "" : ", ") + emitExpr(e, cur_, u.loc);
    }
    const int out = hash::outputWidth(u.algorithm);
    const int padded = (bits + 7) / 8 * 8;
    std::string value = literal(hash::compute(u.algorithm, {}), out);
    if (padded > 0) {
        if (padded > bits) data += fmt::format(", {}'d0", padded - bits);
        value = fmt::format("{}({{{}}})", hashFunction(un + "_crc", u.algorithm, padded), data);
    }
    const int w = u.checksum->width;
    for (int i = 0; i < stages; ++i) decl_.line(fmt::format("logic [{}:0] {}_s{};", w - 1, un, i));
    decl_.line(fmt::format("logic [{}:0] {}_out;", w - 1, un));
    body_.open("always_ff @(posedge clk) begin");
    body_.line(fmt::format("{}_s0 <= {}'({});", un, w, value));
    for (int i = 1; i < stages; ++i) body_.line(fmt::format("{}_s{} <= {}_s{};", un, i, un, i - 1));
    body_.close("end");
    body_.line(fmt::format("assign {}_out = {}_s{};", un, un, stages - 1));
    return un;
}

void Generator::checksums(const std::vector<ir::ChecksumUnit>& units, bool verify) {
    if (units.empty()) return;
    if (!pending_.empty()) {
        // The statements before the unit get a cycle of their own: the unit's first adders
        // after them would not fit in one.
        flushPending(verify ? "before verify_checksum" : "before update_checksum");
        delay(1,
              verify ? "statements before verify_checksum" : "statements before update_checksum");
    }
    constexpr int kStages = 2;
    std::vector<std::string> results;
    std::map<std::string, int> widths;  // a result's bits when not 16
    int n = 0;
    for (const auto& u : units) {
        const std::string un = fmt::format("{}_csum{}", verify ? "vfy" : "upd", n++);
        if (hash::crcOf(u.algorithm) && u.checksum && u.checksum->kind == ir::ExprKind::Field &&
            !u.withPayload) {
            results.push_back(crcChecksum(u, un, kStages));
            widths[results.back()] = u.checksum->width;
            continue;
        }
        if (u.algorithm != ir::ChecksumAlgorithm::Csum16 || !u.checksum ||
            u.checksum->kind != ir::ExprKind::Field || u.checksum->width != 16) {
            diags_.unsupported(u.loc,
                               "this checksum (csum16 into a bit<16> field, or crc16 / crc32 "
                               "over the fields only) in the Verilog backend");
            failed_ = true;
            continue;
        }
        int bits = 0;
        std::string data;
        for (const auto& e : u.data) {
            bits += e->width;
            data += (data.empty() ? "" : ", ") + emitExpr(e, cur_, u.loc);
        }
        if (bits % 8 != 0 || (bits == 0 && !u.withPayload)) {
            diags_.unsupported(u.loc, "a checksum over a field list that is not whole bytes");
            failed_ = true;
            continue;
        }
        if (u.withPayload) {
            // The payload's sum (aligned to its first byte) as one more word after the fields:
            // at an odd offset in the data it is swapped, as the payload's bytes would be.
            bits += 16;
            data += (data.empty() ? "" : ", ") + rd(cur_, psumOff_, 16);
        }
        if (bits < 24) {  // hop_csum16 takes at least 3 bytes: a zero byte after is neutral
            data += fmt::format(", {}'d0", 24 - bits);
            bits = 24;
        }
        decl_.line(fmt::format("logic [{}:0] {}_in;", bits - 1, un));
        decl_.line(fmt::format("logic [15:0] {}_out, unused_{}_sum;", un, un));
        decl_.line(fmt::format("logic unused_{}_valid, unused_{}_ok;", un, un));
        body_.line(fmt::format("assign {}_in = {{{}}};", un, data));
        body_.open("hop_csum16 #(");
        body_.line(fmt::format(".HDR_BYTES({}),", bits / 8));
        body_.line(fmt::format(".STAGES({})", kStages));
        body_.dedent().open(fmt::format(") u_{} (", un));
        body_.line(".clk(clk),");
        body_.line(".rst(rst),");
        body_.line(fmt::format(".in_valid({}),", curValid_));
        body_.line(fmt::format(".in_hdr({}_in),", un));
        body_.line(fmt::format(".out_valid(unused_{}_valid),", un));
        body_.line(fmt::format(".out_sum(unused_{}_sum),", un));
        body_.line(fmt::format(".out_csum({}_out),", un));
        body_.line(fmt::format(".out_verify_ok(unused_{}_ok)", un));
        body_.close(");");
        results.push_back(un);
    }
    delay(kStages, verify ? "verify_checksum" : "update_checksum");
    for (const auto& r : results)
        pendingResults_.push_back({r + "_out", widths.count(r) ? widths[r] : 16});
    std::vector<const ir::ChecksumUnit*> ok;
    for (const auto& u : units) ok.push_back(&u);
    pending_.push_back([this, units = ok, results, verify](CodeBuilder& cb, const std::string& b) {
        for (size_t i = 0; i < results.size() && i < units.size(); ++i) {
            const ir::ChecksumUnit& u = *units[i];
            const std::string cond = emitExpr(u.condition, b, u.loc);
            if (verify) {
                if (fChecksumError_ < 0) continue;
                const std::string err = fieldLhs(b, fChecksumError_);
                if (err.empty()) continue;
                cb.line(fmt::format("if ({} && {}_out{} != {}) {} = 1'b1;", cond, results[i],
                                    resultSuffix_, fieldOf(b, u.checksum->index), err));
            } else {
                const std::string sum = fieldLhs(b, u.checksum->index);
                if (sum.empty()) continue;
                cb.line(
                    fmt::format("if ({}) {} = {}_out{};", cond, sum, results[i], resultSuffix_));
            }
        }
    });
    // The compare / write joins the next stage's statements (no stage of its own).
}
}  // namespace hop::verilog
