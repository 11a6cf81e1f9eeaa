// SPDX-License-Identifier: Apache-2.0
// The pipeline CSR block: identification, the program's hash, latency and the packet counters.
#include "verilog/generator.hpp"

namespace hop::verilog {

void Generator::pipelineCsr() {
    // The map is final here (latency and store-and-forward are known), so its hash is too.
    map_.latency = latency_;
    map_.maxFrameBytes = sf_ ? kMaxFrameBytes : 0;
    const uint64_t hash = regmap::contentHash(map_);
    CodeBuilder& b = body_;
    b.line("// Pipeline CSR block (regmap.json \"pipeline\"): identification and counters.");
    b.open("always_ff @(posedge clk) begin");
    b.line("pl_rdata_q <= 32'd0;");
    b.open(fmt::format("if (csr_rd && csr_addr[31:6] == 26'h{:x}) begin", map_.pipelineBase >> 6));
    b.open("case (csr_addr[5:2])");
    b.line(fmt::format("4'd{}: pl_rdata_q <= 32'h{:x};", static_cast<int>(regmap::kWordId),
                       regmap::kPipelineId));
    b.line(fmt::format("4'd{}: pl_rdata_q <= 32'd{};", static_cast<int>(regmap::kWordDataWidth),
                       opt_.dataWidth));
    b.line(fmt::format("4'd{}: pl_rdata_q <= 32'd{};", static_cast<int>(regmap::kWordLatency),
                       latency_));
    b.line(fmt::format("4'd{}: pl_rdata_q <= rx_q;", static_cast<int>(regmap::kWordRxPackets)));
    b.line(fmt::format("4'd{}: pl_rdata_q <= tx_q;", static_cast<int>(regmap::kWordTxPackets)));
    b.line(fmt::format("4'd{}: pl_rdata_q <= dropped_q;", static_cast<int>(regmap::kWordDropped)));
    b.line(fmt::format("4'd{}: pl_rdata_q <= 32'h{:08x};", static_cast<int>(regmap::kWordHashLo),
                       static_cast<uint32_t>(hash)));
    b.line(fmt::format("4'd{}: pl_rdata_q <= 32'h{:08x};", static_cast<int>(regmap::kWordHashHi),
                       static_cast<uint32_t>(hash >> 32)));
    if (sf_) {
        b.line(fmt::format("4'd{}: pl_rdata_q <= too_long_q;",
                           static_cast<int>(regmap::kWordTooLong)));
        b.line(fmt::format("4'd{}: pl_rdata_q <= 32'd{};", static_cast<int>(regmap::kWordMaxFrame),
                           kMaxFrameBytes));
    }
    b.line("default: pl_rdata_q <= 32'd0;");
    b.close("endcase");
    b.close("end");
    b.close("end");
    std::string rd = "pl_rdata_q";
    for (const auto& r : csrRdata_) rd += " | " + r;
    b.line("assign csr_rdata = " + rd + ";");
    if (csrRdata_.empty()) {
        decl_.line("logic unused_csr;");
        b.line("assign unused_csr = ^{csr_wr, csr_wdata, csr_addr[1:0]};");
    } else {
        decl_.line("logic [1:0] unused_csr_addr;");
        b.line("assign unused_csr_addr = csr_addr[1:0];");
    }
}

}  // namespace hop::verilog
