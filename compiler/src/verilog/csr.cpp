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
    // The map is final here (latency and store-and-forward are known), so its hash is too. The
    // split's is the whole pipeline's (Generator's constructor).
    if (!opt_.split) {
        map_.latency = latency_;
        map_.maxFrameBytes = sf_ ? kMaxFrameBytes : 0;
    }
    const uint64_t hash = regmap::contentHash(map_);
    decl_.line("logic [31:0] pl_rdata;");
    decl_.line("logic cnt_rx_q, cnt_too_long_q;");
    // The admission's and the capture's strobes count a cycle late, as the deparser's do, so
    // that the counters' adders start at a register. The split's come from its ingress.
    body_.open("always_ff @(posedge clk) begin");
    if (opt_.split) {
        body_.line("cnt_rx_q <= !rst && s_cnt_rx;");
        body_.line("cnt_too_long_q <= !rst && s_cnt_too_long;");
    } else {
        body_.line("cnt_rx_q <= !rst && in_fire && !cap_mid_q;");
        body_.line(std::string("cnt_too_long_q <= ") +
                   (sf_ ? "!rst && win_fire && cap_long;" : "1'b0;"));
    }
    body_.close("end");
    std::string tx = "pkt_sent", dropped = "pkt_dropped";
    std::vector<std::string> drops = {"pkt_dropped"};
    if (fTruncate_ >= 0) {
        // truncate(): frames leave hop_axis_truncate, which drops those cut to 0 bytes.
        decl_.line("logic [3:0] drop_pend_q;");
        decl_.line("logic cnt_dropped, unused_pkt_sent;");
        body_.line("assign unused_pkt_sent = pkt_sent;  // the frames leave hop_axis_truncate");
        tx = "trunc_sent";
        drops.push_back("trunc_dropped");
    }
    // The split's traffic manager drops too (s_cnt_dropped).
    if (opt_.split) drops.push_back("s_cnt_dropped");
    if (drops.size() > 1) {
        // Drops from several places may fall in one cycle: one counts, the others wait.
        if (fTruncate_ < 0) {
            decl_.line("logic [3:0] drop_pend_q;");
            decl_.line("logic cnt_dropped;");
        }
        std::string any, add;
        for (const auto& d : drops) {
            any += d + " || ";
            add += fmt::format(" + 4'({})", d);
        }
        body_.line("assign cnt_dropped = " + any + "drop_pend_q != 4'd0;");
        body_.open("always_ff @(posedge clk) begin");
        body_.line("if (rst) drop_pend_q <= 4'd0;");
        body_.line("else drop_pend_q <= drop_pend_q" + add + " - 4'(cnt_dropped);");
        body_.close("end");
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
