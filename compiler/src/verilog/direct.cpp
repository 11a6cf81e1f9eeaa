// SPDX-License-Identifier: Apache-2.0
// Stage: a table's direct counters (rtl/hop_register.sv), counted at the lookup's result.
//
// An entry's cell index rides in its action data (regmap/direct_cells.hpp: the loader writes
// the entry's handle, or a const entry's position, above the parameters). In the cycle the
// lookup's result meets its bundle the block reads the cell (on a hit of an applied table; a
// miss counts nothing, as BMv2), and the next cycle writes the read value plus one packet and
// the frame's length back (both, whatever the counter's type, as BMv2 keeps them); the block
// forwards that write to the next packet's read, so hits of the same entry back to back count at
// one packet per clock. The bundle does not wait for it: nothing in the program reads a direct
// counter.
#include "verilog/generator.hpp"

namespace hop::verilog {

void Generator::directCounters(const ir::Table& t, const regmap::TableBlock& blk,
                               const std::string& tn, const TableSlots& ts) {
    for (int d : t.directExterns) {
        const ir::ExternObject& x = p_.externs[d];
        if (x.kind != ir::ExternObject::Kind::DirectCounter) continue;
        const regmap::ExternBlock* eb = map_.findExtern(d);
        if (!eb || blk.cellWidth < 1) {
            diags_.unsupported(t.loc, "direct counter " + x.name + " without a block");
            failed_ = true;
            continue;
        }
        const std::string n = names_.get("register:" + x.name, "dc_" + x.name);
        // The frame's length, as the model counts it (BMv2's ingress length); reading it makes
        // the program store-and-forward, as an indexed counter does.
        const std::string len =
            fPacketLength_ >= 0
                ? fmt::format("64'({})", emitExpr(ir::fieldRef(fPacketLength_,
                                                               p_.fields[fPacketLength_].width),
                                                  cur_, t.loc))
                : "64'd0";
        decl_.line(fmt::format("logic {}_rd_valid, {}_wr_en_q;", n, n));
        decl_.line(fmt::format("logic [31:0] {}_rd_idx, {}_wr_idx_q;", n, n));
        decl_.line(fmt::format("logic [{}:0] {}_rd_data, {}_wr_data;", eb->width - 1, n, n));
        decl_.line(fmt::format("logic [63:0] {}_len_q;", n));
        body_.line(
            fmt::format("// direct_counter {} of table {}: the hit entry's cell, read at "
                        "the result, written back the next cycle",
                        x.name, t.name));
        body_.line(fmt::format("assign {}_rd_valid = {} && {} && {}_hit;", n, curValid_,
                               rd(cur_, ts.applied, 1), tn));
        body_.line(fmt::format("assign {}_rd_idx = 32'({}_data[{}:{}]);", n, tn,
                               blk.cellOffset + blk.cellWidth - 1, blk.cellOffset));
        body_.open("always_ff @(posedge clk) begin");
        body_.line(fmt::format("if (rst) {}_wr_en_q <= 1'b0;", n));
        body_.line(fmt::format("else {}_wr_en_q <= {}_rd_valid;", n, n));
        body_.line(fmt::format("{}_wr_idx_q <= {}_rd_idx;", n, n));
        body_.line(fmt::format("{}_len_q <= {};", n, len));
        body_.close("end");
        // Packets in the low 64 bits, bytes in the high 64, whatever the type (BMv2 counts both).
        body_.line(fmt::format(
            "assign {}_wr_data = {{{}_rd_data[127:64] + {}_len_q, {}_rd_data[63:0] + 64'd1}};", n,
            n, n, n));
        csrInstance("hop_register",
                    {{"WIDTH", std::to_string(eb->width)},
                     {"DEPTH", std::to_string(eb->depth)},
                     {"IDX_W", "32"},
                     {"BASE", fmt::format("32'h{:x}", eb->base)},
                     {"SPAN", std::to_string(eb->span)}},
                    "u_" + n,
                    {{"clk", "clk"},
                     {"rst", "rst"},
                     {"hold", "1'b0"},
                     {"rd_valid", n + "_rd_valid"},
                     {"rd_idx", n + "_rd_idx"},
                     {"rd_data", n + "_rd_data"},
                     {"wr_en", n + "_wr_en_q"},
                     {"wr_idx", n + "_wr_idx_q"},
                     {"wr_data", n + "_wr_data"}},
                    n + "_csr_rdata");
    }
}

}  // namespace hop::verilog
