// SPDX-License-Identifier: Apache-2.0
// v1model's digests (ir.hpp's Digest) into rtl/hop_digest_fifo.sv, at the header assembly's
// cycle: the packet's digest number and the values its last digest call copied (bundle fields
// `$digest.<T>.<member>`, which only ingress writes) form one entry (regmap/digest_block.hpp's
// layout), pushed for every packet whose number is not 0, whatever happens to the packet after
// ingress (dropped too), as simple_switch's learning engine sends it.
#include "verilog/generator.hpp"

namespace hop::verilog {

void Generator::digestFifo() {
    if (!map_.digest) return;
    const regmap::DigestBlock& blk = *map_.digest;
    const ir::FieldId id = p_.findField(ir::kDigestIdField);
    if (id < 0 || blk.types.size() != p_.digests.size()) {
        diags_.error({}, "internal: the digest block does not match the program's digests");
        failed_ = true;
        return;
    }
    const std::string number = fieldOf(cur_, id);
    decl_.line("logic dg_valid_q;");
    decl_.line(fmt::format("logic [{}:0] dg_data_q;", blk.dataWidth - 1));
    body_.line(
        "// Digests (regmap.json \"digests\"): the packet's, after ingress, whatever its fate.");
    body_.open("always_ff @(posedge clk) begin");
    body_.open(fmt::format("if ({}) begin", curValid_));
    body_.open(fmt::format("case ({})", number));
    for (size_t d = 0; d < p_.digests.size(); ++d) {
        std::string bits = fmt::format("16'd{}", d + 1);
        for (const auto& f : p_.digests[d].fields) bits = fieldOf(cur_, f.field) + ", " + bits;
        body_.line(fmt::format("16'd{}: dg_data_q <= {}'({{{}}});", d + 1, blk.dataWidth, bits));
    }
    body_.line("default: dg_data_q <= '0;");
    body_.close("endcase");
    body_.close("end");
    body_.line(fmt::format("dg_valid_q <= !rst && {} && {} != 16'd0;", curValid_, number));
    body_.close("end");
    csrInstance(
        "hop_digest_fifo",
        {{"BASE", fmt::format("32'h{:x}", blk.base)},
         {"DATA_W", std::to_string(blk.dataWidth)},
         {"DEPTH", std::to_string(blk.depth)},
         {"SPAN", fmt::format("32'h{:x}", blk.span)}},
        "u_digest_fifo",
        {{"clk", "clk"}, {"rst", "rst"}, {"in_valid", "dg_valid_q"}, {"in_data", "dg_data_q"}},
        "dg_csr_rdata");
}

}  // namespace hop::verilog
