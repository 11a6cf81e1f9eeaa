// SPDX-License-Identifier: Apache-2.0
// The v1model switch top (hopc --ports N, issue 16): <name>_switch puts <name>_ingress and
// <name>_egress (split.cpp) on either side of rtl/hop_switch.sv, which holds the front-panel
// ports, the CPU port, the traffic manager, the demux and the output queues; <name>_switch_top
// adds the AXI4-Lite slave. The switch's CSR window comes after the pipeline's register map
// (Output::switchBase), so every address regmap.json gives keeps its meaning.
#include "verilog/generator.hpp"

namespace hop::verilog {

namespace {

// The switch's sizes for a data width: an output queue (and the CPU port's punt buffer) keeps
// room for the 16 copies the traffic manager may still send a port that stopped, and 8 more in
// the egress pipeline, of 1,518-byte frames; twice that in all.
struct SwitchSizes {
    int outReserve = 0, outDepth = 0;
    static constexpr int kCells = 16384, kQueueDepth = 256, kGroups = 4096, kNodes = 4096,
                         kPrios = 8, kInjectDepth = 64;
    explicit SwitchSizes(int dataWidth) {
        const int beats = (1518 + dataWidth / 8 - 1) / (dataWidth / 8);
        outReserve = 24 * beats;
        outDepth = static_cast<int>(pow2AtLeast(2 * outReserve));
    }
};

constexpr const char* kSwitchPorts = R"(input  wire                     clk,
input  wire                     rst,
input  wire  [            31:0] now,
input  wire  [PORTS*DATA_W-1:0] s_port_tdata,
input  wire  [PORTS*KEEP_W-1:0] s_port_tkeep,
input  wire  [       PORTS-1:0] s_port_tvalid,
output wire  [       PORTS-1:0] s_port_tready,
input  wire  [       PORTS-1:0] s_port_tlast,
output wire  [PORTS*DATA_W-1:0] m_port_tdata,
output wire  [PORTS*KEEP_W-1:0] m_port_tkeep,
output wire  [       PORTS-1:0] m_port_tvalid,
input  wire  [       PORTS-1:0] m_port_tready,
output wire  [       PORTS-1:0] m_port_tlast,
output wire  [      DATA_W-1:0] m_host_tdata,
output wire  [      KEEP_W-1:0] m_host_tkeep,
output wire                     m_host_tvalid,
input  wire                     m_host_tready,
output wire                     m_host_tlast,
input  wire  [      DATA_W-1:0] s_host_tdata,
input  wire  [      KEEP_W-1:0] s_host_tkeep,
input  wire                     s_host_tvalid,
output wire                     s_host_tready,
input  wire                     s_host_tlast,
)";

const std::vector<const char*> kPortSignals = {
    "now",          "s_port_tdata", "s_port_tkeep", "s_port_tvalid", "s_port_tready",
    "s_port_tlast", "m_port_tdata", "m_port_tkeep", "m_port_tvalid", "m_port_tready",
    "m_port_tlast", "m_host_tdata", "m_host_tkeep", "m_host_tvalid", "m_host_tready",
    "m_host_tlast", "s_host_tdata", "s_host_tkeep", "s_host_tvalid", "s_host_tready",
    "s_host_tlast"};

// The module's first line and parameters (`more`: another parameter follows).
void header(CodeBuilder& m, const std::string& module, const Options& o, const SwitchSizes& z,
            bool more) {
    m.open(fmt::format("module {} #(", module));
    m.line(fmt::format("parameter int DATA_W = {},", o.dataWidth));
    m.line("parameter int KEEP_W = DATA_W / 8,");
    m.line(fmt::format("parameter int PORTS = {},", o.switchPorts));
    m.line(fmt::format("parameter int CPU_PORT = {},", o.cpuPort));
    m.line(fmt::format("parameter int PRIOS = {},", SwitchSizes::kPrios));
    m.line(fmt::format("parameter int CELLS = {},", SwitchSizes::kCells));
    m.line(fmt::format("parameter int QDEPTH = {},", SwitchSizes::kQueueDepth));
    m.line(fmt::format("parameter int GROUPS = {},", SwitchSizes::kGroups));
    m.line(fmt::format("parameter int NODES = {},", SwitchSizes::kNodes));
    m.line(fmt::format("parameter int OUT_DEPTH = {},", z.outDepth));
    m.line(fmt::format("parameter int OUT_RESERVE = {},", z.outReserve));
    m.line(fmt::format("parameter int PUNT_DEPTH = {},", z.outDepth));
    m.line(
        fmt::format("parameter int INJ_DEPTH = {}{}", SwitchSizes::kInjectDepth, more ? "," : ""));
}

}  // namespace

bool addSwitch(Output& out, const Options& o, Diagnostics& diags) {
    if (o.switchPorts < 1 || o.switchPorts > 30) {
        diags.error({}, fmt::format("--ports must be 1..30 (not {})", o.switchPorts));
        return false;
    }
    if (o.cpuPort < o.switchPorts || o.cpuPort > 510) {
        diags.error({}, fmt::format("--cpu-port must be {}..510, past the front-panel ports (not "
                                    "{})",
                                    o.switchPorts, o.cpuPort));
        return false;
    }
    const std::string name = out.ingressModule.substr(0, out.ingressModule.size() - 8);
    const SwitchSizes z(o.dataWidth);
    // The switch's window: aligned to its span, past the pipeline's map.
    const int64_t span = pow2AtLeast(0x200 + 0x20 * o.switchPorts);
    const int64_t base = std::max<int64_t>(int64_t{1} << out.regmap.addrWidth, span);
    out.switchBase = static_cast<uint32_t>(base);
    out.switchAddrWidth = clog2(base + span);
    out.switchModule = name + "_switch";
    out.switchTopModule = name + "_switch_top";
    out.switchParams = {{"ports", o.switchPorts},
                        {"cpu_port", o.cpuPort},
                        {"base", base},
                        {"addr_width", out.switchAddrWidth},
                        {"prios", SwitchSizes::kPrios},
                        {"cells", SwitchSizes::kCells},
                        {"qdepth", SwitchSizes::kQueueDepth},
                        {"groups", SwitchSizes::kGroups},
                        {"nodes", SwitchSizes::kNodes},
                        {"out_depth", z.outDepth},
                        {"out_reserve", z.outReserve}};

    CodeBuilder m;
    m.line("// SPDX-License-Identifier: Apache-2.0");
    m.line(
        fmt::format("// The {} switch (generated by hopc --ports {}; do not edit): {} "
                    "front-panel ports (v1model",
                    name, o.switchPorts, o.switchPorts));
    m.line(
        fmt::format("// ports 0..{}) and the CPU port ({}) through {}_ingress, "
                    "rtl/hop_switch.sv (the traffic",
                    o.switchPorts - 1, o.cpuPort, name));
    m.line(
        fmt::format("// manager, its CSR window at 0x{:x}) and {}_egress. `now` is the clock "
                    "of v1model's timestamps",
                    base, name));
    m.line(
        "// (ingress's ttime and the traffic manager's), BMv2's microseconds: a board drives "
        "it from a");
    m.line("// free-running microsecond counter.");
    m.line("`default_nettype none");
    m.line();
    header(m, out.switchModule, o, z, false);
    m.dedent().open(") (");
    m.raw(std::string(kSwitchPorts) + kCsrPorts);
    m.close(");");
    m.indent();
    m.line(fmt::format("localparam int CUT_W = {};", out.cutWidth));
    m.line(fmt::format("localparam logic [31:0] SWITCH_BASE = 32'h{:x};", base));
    m.line("logic [DATA_W-1:0] ing_tdata, ig_frame_tdata, eg_frame_tdata, eg_tdata;");
    m.line("logic [KEEP_W-1:0] ing_tkeep, ig_frame_tkeep, eg_frame_tkeep, eg_tkeep;");
    m.line("logic ing_tvalid, ing_tready, ing_tlast, eg_tvalid, eg_tready, eg_tlast;");
    m.line("logic ig_frame_tvalid, ig_frame_tready, ig_frame_tlast;");
    m.line("logic eg_frame_tvalid, eg_frame_tready, eg_frame_tlast;");
    m.line("logic [8:0] ing_tuser, eg_tuser, ig_dec_egress_spec, eg_dec_egress_port;");
    m.line("logic [63:0] ing_ttime;");
    m.line("logic ig_dec_valid, ig_dec_ready, eg_dec_valid, eg_dec_ready;");
    m.line("logic [CUT_W-1:0] ig_dec_bundle, eg_dec_bundle;");
    m.line("logic [15:0] ig_dec_mcast_grp, eg_dec_egress_rid;");
    m.line("logic [2:0] ig_dec_priority;");
    m.line("logic [31:0] eg_dec_instance_type, eg_dec_enq_timestamp, eg_dec_deq_timedelta;");
    m.line("logic [18:0] eg_dec_enq_qdepth, eg_dec_deq_qdepth;");
    m.line("logic cnt_rx, cnt_too_long;");
    m.line("logic [31:0] ig_rdata, sw_rdata, eg_rdata;");
    m.line();

    const Connections ig = ingressConnections("ing_", "ig_frame_", "ig_dec_");
    m.line("// Ingress: a decision per admitted frame, and the frame's beats.");
    instance(m, out.ingressModule, {{"DATA_W", "DATA_W"}, {"USER_W", "9"}}, "u_ingress", ig);

    Connections sw = {{"clk", "clk"}, {"rst", "rst"}};
    for (const char* s : kPortSignals) sw.emplace_back(s, s);
    for (const char* s : {"tdata", "tkeep", "tvalid", "tready", "tlast", "tuser", "ttime"})
        sw.emplace_back(std::string("m_ing_") + s, std::string("ing_") + s);
    for (const char* s : {"tdata", "tkeep", "tvalid", "tready", "tlast"})
        sw.emplace_back(std::string("s_ing_frame_") + s, std::string("ig_frame_") + s);
    for (const char* s : {"valid", "ready", "egress_spec", "mcast_grp", "priority"})
        sw.emplace_back(std::string("s_ing_dec_") + s, std::string("ig_dec_") + s);
    sw.emplace_back("s_ing_dec_desc", "ig_dec_bundle");
    for (const char* s : {"valid", "ready"})
        sw.emplace_back(std::string("m_egr_dec_") + s, std::string("eg_dec_") + s);
    sw.emplace_back("m_egr_dec_desc", "eg_dec_bundle");
    for (const auto& [field, input] : kTrafficManagerFields)
        sw.emplace_back(std::string("m_egr_dec_") + input, std::string("eg_dec_") + input);
    for (const char* s : {"tdata", "tkeep", "tvalid", "tready", "tlast"})
        sw.emplace_back(std::string("m_egr_frame_") + s, std::string("eg_frame_") + s);
    for (const char* s : {"tdata", "tkeep", "tvalid", "tready", "tlast", "tuser"})
        sw.emplace_back(std::string("s_egr_") + s, std::string("eg_") + s);
    for (const char* s : {"csr_wr", "csr_rd", "csr_addr", "csr_wdata"}) sw.emplace_back(s, s);
    sw.emplace_back("csr_rdata", "sw_rdata");
    m.line("// The ports, the traffic manager, the demux, the output queues, the CPU port.");
    Connections params;
    for (const char* p : {"DATA_W", "KEEP_W", "PORTS", "CPU_PORT", "PRIOS", "CELLS", "QDEPTH",
                          "GROUPS", "NODES", "OUT_DEPTH", "OUT_RESERVE", "PUNT_DEPTH", "INJ_DEPTH"})
        params.emplace_back(p, p);
    params.emplace_back("DESC_W", "CUT_W");
    params.emplace_back("BASE", "SWITCH_BASE");
    instance(m, "hop_switch", params, "u_switch", sw);

    // Frames the traffic manager drops are counted in its own words (DROPPED_SPEC, NO_BUFFER,
    // the queues' DROPS), not in the pipeline's DROPPED.
    const Connections eg = egressConnections("eg_dec_", "eg_frame_", "eg_", "1'b0");
    m.line("// Egress: the copies the traffic manager sends, out by their egress port.");
    instance(m, out.egressModule, {{"DATA_W", "DATA_W"}, {"USER_W", "9"}, {"TM_CLOCK", "1'b1"}},
             "u_egress", eg);
    m.line("assign csr_rdata = ig_rdata | sw_rdata | eg_rdata;");
    m.dedent();
    m.line("endmodule");
    m.line();
    m.line("`resetall");
    out.files[out.switchModule + ".sv"] = m.str();

    // <name>_switch_top: the same ports, the CSR bus behind one AXI4-Lite slave.
    CodeBuilder t;
    t.line("// SPDX-License-Identifier: Apache-2.0");
    t.line(
        fmt::format("// Top of the {} switch (generated by hopc --ports {}): {}_switch and "
                    "one AXI4-Lite slave",
                    name, o.switchPorts, name));
    t.line("// for every CSR (the pipeline's as regmap.json gives them, the switch's after).");
    t.line("`default_nettype none");
    t.line();
    header(t, out.switchTopModule, o, z, true);
    t.line(fmt::format("parameter int ADDR_W = {}", out.switchAddrWidth));
    t.dedent().open(") (");
    t.raw(std::string(kSwitchPorts) + kAxilPorts);
    t.close(");");
    t.raw(kAxilCsr);
    Connections top = {{"clk", "clk"}, {"rst", "rst"}};
    for (const char* s : kPortSignals) top.emplace_back(s, s);
    for (const char* s : {"csr_wr", "csr_rd", "csr_addr", "csr_wdata", "csr_rdata"})
        top.emplace_back(s, s);
    Connections topParams;
    for (const char* p : {"DATA_W", "PORTS", "CPU_PORT", "PRIOS", "CELLS", "QDEPTH", "GROUPS",
                          "NODES", "OUT_DEPTH", "OUT_RESERVE", "PUNT_DEPTH", "INJ_DEPTH"})
        topParams.emplace_back(p, p);
    t.indent();
    instance(t, out.switchModule, topParams, "u_switch", top);
    t.dedent();
    t.line("endmodule");
    t.line();
    t.line("`resetall");
    out.files[out.switchTopModule + ".sv"] = t.str();
    return true;
}

}  // namespace hop::verilog
