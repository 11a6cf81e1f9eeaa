// SPDX-License-Identifier: Apache-2.0
// The pipeline CSR block: an instance of rtl/hop_pipeline_csr.sv with the program's hash,
// DATA_W, latency and maximum frame, counting the admission's and the deparser's events; and
// the CSR read-data OR of every block.
#include "verilog/generator.hpp"

namespace hop::verilog {

void Generator::csrInstance(const std::string& module, const Connections& params,
                            const std::string& name, Connections ports, const std::string& rdata) {
    decl_.line(fmt::format("logic [31:0] {};", rdata));
    for (const char* p : {"csr_wr", "csr_rd", "csr_addr", "csr_wdata"}) ports.emplace_back(p, p);
    ports.emplace_back("csr_rdata", rdata);
    instance(body_, module, params, name, ports);
    csrRdata_.push_back(rdata);
}

void Generator::pipelineCsr() {
    // The map is final here (latency and store-and-forward are known), so its hash is too.
    map_.latency = latency_;
    map_.maxFrameBytes = sf_ ? kMaxFrameBytes : 0;
    const uint64_t hash = regmap::contentHash(map_);
    decl_.line("logic [31:0] pl_rdata;");
    decl_.line("logic cnt_rx_q, cnt_too_long_q;");
    // The admission's and the capture's strobes count a cycle late, as the deparser's do, so
    // that the counters' adders start at a register.
    body_.open("always_ff @(posedge clk) begin");
    body_.line("cnt_rx_q <= !rst && in_fire && !cap_mid_q;");
    body_.line(std::string("cnt_too_long_q <= ") +
               (sf_ ? "!rst && win_fire && cap_long;" : "1'b0;"));
    body_.close("end");
    std::string tx = "pkt_sent", dropped = "pkt_dropped";
    if (fTruncate_ >= 0) {
        // truncate(): frames leave hop_axis_truncate, which drops those cut to 0 bytes. Its
        // drops and the deparser's may fall in one cycle: one counts, the other waits.
        decl_.line("logic [3:0] drop_pend_q;");
        decl_.line("logic cnt_dropped, unused_pkt_sent;");
        body_.line("assign unused_pkt_sent = pkt_sent;  // the frames leave hop_axis_truncate");
        body_.line("assign cnt_dropped = pkt_dropped || trunc_dropped || drop_pend_q != 4'd0;");
        body_.open("always_ff @(posedge clk) begin");
        body_.line("if (rst) drop_pend_q <= 4'd0;");
        body_.line(
            "else drop_pend_q <= drop_pend_q + 4'(pkt_dropped) + 4'(trunc_dropped) - "
            "4'(cnt_dropped);");
        body_.close("end");
        tx = "trunc_sent";
        dropped = "cnt_dropped";
    }
    body_.line("// Pipeline CSR block (regmap.json \"pipeline\"): identification and counters.");
    instance(body_, "hop_pipeline_csr",
             {{"BASE", fmt::format("32'h{:x}", map_.pipelineBase)},
              {"HASH", fmt::format("64'h{:016x}", hash)},
              {"DATA_W", std::to_string(opt_.dataWidth)},
              {"LATENCY", std::to_string(latency_)},
              {"MAX_FRAME", std::to_string(map_.maxFrameBytes)}},
             "u_pipeline_csr",
             {{"clk", "clk"},
              {"rst", "rst"},
              {"cnt_rx", "cnt_rx_q"},
              {"cnt_tx", tx},
              {"cnt_dropped", dropped},
              {"cnt_too_long", "cnt_too_long_q"},
              {"csr_wr", "csr_wr"},
              {"csr_rd", "csr_rd"},
              {"csr_addr", "csr_addr"},
              {"csr_wdata", "csr_wdata"},
              {"csr_rdata", "pl_rdata"}});
    std::string rd = "pl_rdata";
    for (const auto& r : csrRdata_) rd += " | " + r;
    body_.line("assign csr_rdata = " + rd + ";");
}

}  // namespace hop::verilog
