// SPDX-License-Identifier: Apache-2.0
// The pipeline cut after ingress (hopc --emit split; issue 16's traffic manager sits in the cut).
// run() emits the same stages as for <name>_pipeline; at the end of ingress cutAfterIngress()
// registers the bundle (the cut register: the atoms live after ingress, liveness.cpp puts them
// in the lowest bits, CUT_W in all), sets the stages so far aside as <name>_ingress and lets
// the egress stages start from that register, which in <name>_egress is the input s_dec_bundle.
//
// <name>_ingress: capture, parser, verify checksums, ingress, the digest FIFO; per admitted
//   frame one decision (m_dec_*: the cut bundle and standard_metadata's egress_spec, mcast_grp,
//   priority) through a decision FIFO, and every beat of the frame as it came (m_frame_*). A
//   frame is taken only when its decision is sure to find room (credits); m_frame backpressure
//   stops s_axis. No drop at 511 here: the traffic manager decides.
// <name>_egress: per decision the traffic manager sends (s_dec_*, with the copy's
//   standard_metadata) and its frame (s_frame_*, after or while the decision is taken): egress,
//   update checksums, header assembly, payload and descriptor FIFOs, the deparser, the pipeline
//   CSR block (counting ingress's and the traffic manager's strobes s_cnt_*).
// <name>_split: <name>_pipeline's ports, the two joined by rtl/hop_tm_direct.sv (unicast).
#include "verilog/generator.hpp"

namespace hop::verilog {

namespace {

// One port line in the column layout of kClockAndStreamIn.
std::string port(const char* dir, int width, const std::string& name) {
    const std::string range =
        width == 1 ? "" : fmt::format("[{:>10}]", fmt::format("{}:0", width - 1));
    return fmt::format("{:<6} wire  {:<12} {},\n", dir, range, name);
}

}  // namespace

Connections ingressConnections(const std::string& in, const std::string& frame,
                               const std::string& dec) {
    Connections ig = {{"clk", "clk"}, {"rst", "rst"}};
    for (const char* s : {"tdata", "tkeep", "tvalid", "tready", "tlast", "tuser", "ttime"})
        ig.emplace_back(std::string("s_axis_") + s, in + s);
    for (const char* s : {"tdata", "tkeep", "tvalid", "tready", "tlast"})
        ig.emplace_back(std::string("m_frame_") + s, frame + s);
    for (const char* s : {"valid", "ready", "bundle", "egress_spec", "mcast_grp", "priority"})
        ig.emplace_back(std::string("m_dec_") + s, dec + s);
    ig.insert(ig.end(), {{"m_cnt_rx", "cnt_rx"}, {"m_cnt_too_long", "cnt_too_long"}});
    for (const char* s : {"csr_wr", "csr_rd", "csr_addr", "csr_wdata"}) ig.emplace_back(s, s);
    ig.emplace_back("csr_rdata", "ig_rdata");
    return ig;
}

Connections egressConnections(const std::string& dec, const std::string& frame,
                              const std::string& out, const std::string& dropped) {
    Connections eg = {{"clk", "clk"}, {"rst", "rst"}};
    for (const char* s : {"valid", "ready", "bundle"})
        eg.emplace_back(std::string("s_dec_") + s, dec + s);
    for (const auto& [field, input] : kTrafficManagerFields)
        eg.emplace_back(std::string("s_dec_") + input, dec + input);
    for (const char* s : {"tdata", "tkeep", "tvalid", "tready", "tlast"})
        eg.emplace_back(std::string("s_frame_") + s, frame + s);
    for (const char* s : {"tdata", "tkeep", "tvalid", "tready", "tlast", "tuser"})
        eg.emplace_back(std::string("m_axis_") + s, out + s);
    eg.insert(
        eg.end(),
        {{"s_cnt_rx", "cnt_rx"}, {"s_cnt_too_long", "cnt_too_long"}, {"s_cnt_dropped", dropped}});
    for (const char* s : {"csr_wr", "csr_rd", "csr_addr", "csr_wdata"}) eg.emplace_back(s, s);
    eg.emplace_back("csr_rdata", "eg_rdata");
    return eg;
}

void Generator::cutAfterIngress() {
    flushPending("the end of ingress");
    // A digest leaves after ingress whatever the packet's fate (the traffic manager may drop
    // it), as simple_switch's learning engine sends it.
    digestFifo();
    const std::string from = cur_;
    auto value = [&](const char* field, int width) {
        const ir::FieldId f = p_.findField(std::string("standard_metadata.") + field);
        return f < 0 ? fmt::format("{}'d0", width)
                     : fmt::format("{}'({})", width, fieldOf(from, f));
    };
    decl_.line("logic [8:0] dec_spec_q;");
    decl_.line("logic [15:0] dec_mcast_q;");
    decl_.line("logic [2:0] dec_prio_q;");
    body_.line("// The end of ingress: standard_metadata's decision, beside the cut register.");
    body_.open("always_ff @(posedge clk) begin");
    body_.open(fmt::format("if ({}) begin", curValid_));
    body_.line("dec_spec_q <= " + value("egress_spec", 9) + ";");
    body_.line("dec_mcast_q <= " + value("mcast_grp", 16) + ";");
    body_.line("dec_prio_q <= " + value("priority", 3) + ";");
    body_.close("end");
    body_.close("end");
    delay(1, "the cut after ingress: what egress reads");
    cutVar_ = cur_;
    cutValid_ = curValid_;
    cutLatency_ = latency_;
    rec_.cut = cutVar_;
    ingressOutputs();
    ingDecl_ = std::exchange(decl_, CodeBuilder{});
    ingBody_ = std::exchange(body_, CodeBuilder{});
    ingRdata_ = std::exchange(csrRdata_, {});
    // A function is declared in the module that calls it: egress declares its own.
    hashIds_.clear();
    modIds_.clear();

    // Egress starts from the decision the traffic manager sends.
    decl_.line(fmt::format("{}logic [CUT_W-1:0] {};{}",
                           narrowed_ ? "/* verilator lint_off UNUSEDSIGNAL */ " : "", cutVar_,
                           narrowed_ ? " /* verilator lint_on UNUSEDSIGNAL */" : ""));
    decl_.line(fmt::format("logic {};", cutValid_));
    decl_.line("logic unused_tm;");
    body_.line(
        "// The decision the traffic manager sends, taken when its descriptor is sure to find "
        "room.");
    body_.line(fmt::format("assign {} = s_dec_bundle;", cutVar_));
    body_.line(fmt::format("assign {} = s_dec_valid && s_dec_ready;", cutValid_));
    std::string tm;
    for (const auto& [field, input] : kTrafficManagerFields)
        tm += (tm.empty() ? "" : ", ") + std::string("s_dec_") + input;
    body_.line("assign unused_tm = ^{" + tm + "};  // what the program does not read");
    body_.line();
}

void Generator::ingressOutputs() {
    const int cutW = bundleWidth(cutVar_);
    const int decRaw = cutW + 9 + 16 + 3;
    const int decW = (decRaw + 7) / 8 * 8;
    const int decDepth = static_cast<int>(pow2AtLeast(latency_ + 8));
    CodeBuilder& b = body_;
    decl_.line(fmt::format("localparam int CUT_W = {};", cutW));
    decl_.line(fmt::format("localparam int DEC_W = {};", decW));
    decl_.line(fmt::format("localparam int DEC_DEPTH = {};", decDepth));
    decl_.line("logic in_fire, in_ready, credit_ok, cnt_rx_q, cnt_too_long_q;");
    decl_.line("logic [$clog2(DEC_DEPTH):0] inflight_q, unused_dec_fill;");
    decl_.line("logic [DEC_W-1:0] dec_in, dec_out;");
    decl_.line("logic unused_dec_s_ready, unused_dec_last, unused_dec_user;");
    decl_.line("logic [DEC_W/8-1:0] unused_dec_keep;");
    b.line("// Admission: a frame starts only when its decision is sure to find room.");
    b.line("assign credit_ok = inflight_q < ($clog2(DEC_DEPTH)+1)'(DEC_DEPTH);");
    if (sf_) {
        // The rest of a frame that became too long is taken and not passed on.
        b.line("assign in_ready = cap_drop_q || (m_frame_tready && (cap_mid_q || credit_ok));");
        b.line("assign m_frame_tvalid = s_axis_tvalid && !cap_drop_q && (cap_mid_q || credit_ok);");
        b.line("assign m_frame_tlast = s_axis_tlast || cap_long;");
    } else {
        b.line("assign in_ready = m_frame_tready && (cap_mid_q || credit_ok);");
        b.line("assign m_frame_tvalid = s_axis_tvalid && (cap_mid_q || credit_ok);");
        b.line("assign m_frame_tlast = s_axis_tlast;");
    }
    b.line("assign s_axis_tready = in_ready;");
    b.line("assign in_fire = s_axis_tvalid && in_ready;");
    b.line(
        "// Every beat of the frame as it came: egress's deparser skips what the parser consumed.");
    b.line("assign m_frame_tdata = s_axis_tdata;");
    b.line("assign m_frame_tkeep = s_axis_tkeep;");
    b.open("always_ff @(posedge clk) begin");
    b.open("if (rst) begin");
    b.line("inflight_q <= '0;");
    b.dedent().open("end else begin");
    b.line(
        "inflight_q <= inflight_q + ($clog2(DEC_DEPTH)+1)'(in_fire && !cap_mid_q) - "
        "($clog2(DEC_DEPTH)+1)'(m_dec_valid && m_dec_ready);");
    b.close("end");
    b.close("end");
    b.line("// Decision FIFO: never full (admission counts decisions in flight).");
    b.line(fmt::format("assign dec_in = DEC_W'({{dec_prio_q, dec_mcast_q, dec_spec_q, {}}});",
                       cutVar_));
    instance(b, "hop_axis_fifo", {{"DATA_W", "DEC_W"}, {"USER_W", "1"}, {"DEPTH", "DEC_DEPTH"}},
             "u_dec_fifo",
             {{"clk", "clk"},
              {"rst", "rst"},
              {"s_axis_tdata", "dec_in"},
              {"s_axis_tkeep", "'1"},
              {"s_axis_tvalid", cutValid_},
              {"s_axis_tready", "unused_dec_s_ready"},
              {"s_axis_tlast", "1'b1"},
              {"s_axis_tuser", "1'b0"},
              {"m_axis_tdata", "dec_out"},
              {"m_axis_tkeep", "unused_dec_keep"},
              {"m_axis_tvalid", "m_dec_valid"},
              {"m_axis_tready", "m_dec_ready"},
              {"m_axis_tlast", "unused_dec_last"},
              {"m_axis_tuser", "unused_dec_user"},
              {"fill", "unused_dec_fill"}});
    b.line("assign m_dec_bundle = dec_out[CUT_W-1:0];");
    b.line("assign m_dec_egress_spec = dec_out[CUT_W+8:CUT_W];");
    b.line("assign m_dec_mcast_grp = dec_out[CUT_W+24:CUT_W+9];");
    b.line("assign m_dec_priority = dec_out[CUT_W+27:CUT_W+25];");
    if (decW > decRaw) {
        decl_.line(fmt::format("logic [{}:0] unused_dec_pad;", decW - decRaw - 1));
        b.line("assign unused_dec_pad = dec_out[DEC_W-1:CUT_W+28];");
    }
    b.line("// The pipeline CSR block's strobes (in the egress): frames taken, frames too long.");
    b.open("always_ff @(posedge clk) begin");
    b.line("cnt_rx_q <= !rst && in_fire && !cap_mid_q;");
    b.line(std::string("cnt_too_long_q <= ") + (sf_ ? "!rst && win_fire && cap_long;" : "1'b0;"));
    b.close("end");
    b.line("assign m_cnt_rx = cnt_rx_q;");
    b.line("assign m_cnt_too_long = cnt_too_long_q;");
    if (csrRdata_.empty()) {
        decl_.line("logic unused_csr;");
        b.line("assign csr_rdata = 32'd0;  // no block of ingress is on the bus");
        b.line("assign unused_csr = ^{csr_wr, csr_rd, csr_addr, csr_wdata};");
    } else {
        std::string rd;
        for (const auto& r : csrRdata_) rd += (rd.empty() ? "" : " | ") + r;
        b.line("assign csr_rdata = " + rd + ";");
    }
}

std::string Generator::atomName(int atom) const {
    const auto [off, width] = atoms_[atom];
    for (const auto& f : p_.fields)
        if (f.phvOffset == off && f.width == width) return f.name;
    for (const auto& h : p_.headers)
        if (h.validBit >= 0 && validBase_ + h.validBit == off) return "valid(" + h.name + ")";
    for (const auto& [t, s] : tslots_) {
        const std::string& tn = p_.tables[t].name;
        if (off == s.applied) return tn + ".$applied";
        if (off == s.hit) return tn + ".$hit";
        if (off == s.action) return tn + ".$action";
    }
    for (const auto& [x, s] : rslots_) {
        const std::string& xn = p_.externs[x].name;
        if (off == s.wen) return xn + ".$write_enable";
        if (off == s.widx) return xn + ".$write_index";
        if (off == s.wdata) return xn + ".$write_data";
    }
    for (const auto& [h, slot] : varSlot_)
        if (off == slot) return p_.headers[h].name + ".$varbit_length";
    if (off == consumedOff_) return "$consumed_bytes";
    if (off == dropOff_) return "$drop";
    if (off == longOff_) return "$too_long";
    if (off == psumOff_) return "$payload_sum";
    return fmt::format("$bits_{}", off);
}

std::vector<CutAtom> Generator::cutLayout() const {
    std::vector<CutAtom> out;
    if (!narrowed_) {  // the whole bundle
        for (size_t a = 0; a < atoms_.size(); ++a)
            out.push_back({atomName(static_cast<int>(a)), atoms_[a].first, atoms_[a].second});
        return out;
    }
    const Liveness::Var& v = live_.vars.at(cutVar_);
    for (int a : v.layout) out.push_back({atomName(a), v.pos[a], atoms_[a].second});
    return out;
}

namespace {

// The frame every generated module shares: header, parameters, ports, the DATA_W check, the
// declarations and the body.
std::string moduleText(const std::string& header, const std::string& module, int dataWidth,
                       const std::string& ports, const std::string& decl, const std::string& body,
                       const std::string& first, const std::string& params = "") {
    CodeBuilder m;
    m.raw(header);
    m.line("`default_nettype none");
    m.line();
    m.open(fmt::format("module {} #(", module));
    m.line(fmt::format("parameter int DATA_W = {},", dataWidth));
    m.line("parameter int KEEP_W = DATA_W / 8,");
    m.line(std::string("parameter int USER_W = 9") + (params.empty() ? "" : ","));
    if (!params.empty()) m.raw(params);
    m.dedent().open(") (");
    m.raw(ports);
    m.close(");");
    m.indent();
    m.raw(first);
    m.open("initial begin");
    m.line(fmt::format("if (DATA_W != {}) $fatal(1, \"%m: generated for DATA_W = {}\");", dataWidth,
                       dataWidth));
    m.line("if (USER_W != 9) $fatal(1, \"%m: USER_W must be 9\");");
    m.close("end");
    m.raw(decl);
    m.line();
    m.raw(body);
    m.dedent();
    m.line("endmodule");
    m.line();
    m.line("`resetall");
    return m.str();
}

}  // namespace

std::string Generator::ingressModule() const {
    const int cutW = bundleWidth(cutVar_);
    std::string h = fmt::format(
        "// SPDX-License-Identifier: Apache-2.0\n"
        "// The {} pipeline's ingress (generated by hopc --emit split; do not edit): header "
        "window,\n"
        "// parser, verify checksums, ingress; per admitted frame a decision (m_dec_*) and its "
        "beats (m_frame_*).\n"
        "// Header pipeline latency: {} cycles from the window register to the cut register.\n",
        p_.name, cutLatency_);
    h += fmt::format("// m_dec_bundle (CUT_W = {} bits), what egress reads:\n", cutW);
    for (const auto& a : cutLayout())
        h += fmt::format("//   [{}+:{}] {}\n", a.lsb, a.width, a.name);
    const std::string ports =
        std::string(kClockAndStreamIn) +
        "output wire  [DATA_W-1:0] m_frame_tdata,\n"
        "output wire  [KEEP_W-1:0] m_frame_tkeep,\n"
        "output wire               m_frame_tvalid,\n"
        "input  wire               m_frame_tready,\n"
        "output wire               m_frame_tlast,\n"
        "output wire               m_dec_valid,\n"
        "input  wire               m_dec_ready,\n" +
        port("output", cutW, "m_dec_bundle") + port("output", 9, "m_dec_egress_spec") +
        port("output", 16, "m_dec_mcast_grp") + port("output", 3, "m_dec_priority") +
        port("output", 1, "m_cnt_rx") + port("output", 1, "m_cnt_too_long") + kCsrPorts;
    std::string first;
    if (!narrowed_) first = fmt::format("localparam int BUNDLE_W = {};\n", bw_);
    return moduleText(h, name_ + "_ingress", opt_.dataWidth, ports, ingDecl_.str(), ingBody_.str(),
                      first);
}

std::string Generator::egressModule() const {
    const int cutW = bundleWidth(cutVar_);
    std::string h = fmt::format(
        "// SPDX-License-Identifier: Apache-2.0\n"
        "// The {} pipeline's egress (generated by hopc --emit split; do not edit): per decision "
        "of the\n"
        "// traffic manager (s_dec_*) and its frame (s_frame_*): egress, update checksums, header "
        "assembly,\n"
        "// payload FIFO, deparser. s_dec_bundle is {}_ingress's m_dec_bundle (CUT_W = {}; its "
        "layout is there).\n",
        p_.name, name_, cutW);
    std::string tm;
    const std::map<std::string, int> widths = {
        {"egress_port", 9}, {"egress_rid", 16},    {"instance_type", 32}, {"enq_timestamp", 32},
        {"enq_qdepth", 19}, {"deq_timedelta", 32}, {"deq_qdepth", 19}};
    for (const auto& [field, input] : kTrafficManagerFields)
        tm += port("input", widths.at(input), std::string("s_dec_") + input);
    const std::string ports = std::string(
                                  "input  wire               clk,\n"
                                  "input  wire               rst,\n"
                                  "input  wire               s_dec_valid,\n"
                                  "output wire               s_dec_ready,\n") +
                              port("input", cutW, "s_dec_bundle") + tm +
                              "input  wire  [DATA_W-1:0] s_frame_tdata,\n"
                              "input  wire  [KEEP_W-1:0] s_frame_tkeep,\n"
                              "input  wire               s_frame_tvalid,\n"
                              "output wire               s_frame_tready,\n"
                              "input  wire               s_frame_tlast,\n" +
                              kStreamOut + port("input", 1, "s_cnt_rx") +
                              port("input", 1, "s_cnt_too_long") +
                              port("input", 1, "s_cnt_dropped") + kCsrPorts;
    std::string first = fmt::format("localparam int CUT_W = {};\n", cutW);
    if (!narrowed_) first += fmt::format("localparam int BUNDLE_W = {};\n", bw_);
    // The switch top's traffic manager has a clock (its `now`): egress starts at the copy's
    // dequeue; hop_tm_direct (the split top) has none: egress starts at the arrival.
    return moduleText(h, name_ + "_egress", opt_.dataWidth, ports, decl_.str(), body_.str(), first,
                      "/* verilator lint_off UNUSEDPARAM */  // a program may not read it\n"
                      "parameter bit TM_CLOCK = 1'b0  // egress_global_timestamp: the dequeue "
                      "time (1) or the arrival\n"
                      "/* verilator lint_on UNUSEDPARAM */\n");
}

std::string Generator::splitModule() const {
    const int cutW = bundleWidth(cutVar_);
    // The direct glue holds each frame until its decision: the frames in flight in ingress
    // (cut-through) or a whole frame of the maximum size (store-and-forward).
    const int maxFrameBeats = (kMaxFrameBytes + keepW_ - 1) / keepW_ + 1;
    const int frameDepth = static_cast<int>(
        sf_ ? pow2AtLeast(maxFrameBeats + 2 * (cutLatency_ + 4))
            : pow2AtLeast(std::max(32, 2 * (cutLatency_ + windowBytes_ / keepW_ + 4))));
    CodeBuilder d, b;
    d.line(fmt::format("localparam int CUT_W = {};", cutW));
    d.line("logic [DATA_W-1:0] ig_frame_tdata, tm_frame_tdata;");
    d.line("logic [KEEP_W-1:0] ig_frame_tkeep, tm_frame_tkeep;");
    d.line("logic ig_frame_tvalid, ig_frame_tready, ig_frame_tlast;");
    d.line("logic tm_frame_tvalid, tm_frame_tready, tm_frame_tlast;");
    d.line("logic ig_dec_valid, ig_dec_ready, tm_dec_valid, tm_dec_ready;");
    d.line("logic [CUT_W-1:0] ig_dec_bundle, tm_dec_bundle;");
    d.line("logic [8:0] ig_dec_egress_spec, tm_dec_egress_port;");
    d.line("logic [15:0] ig_dec_mcast_grp, tm_dec_egress_rid;");
    d.line("logic [2:0] ig_dec_priority;");
    d.line("logic [31:0] tm_dec_instance_type, tm_dec_enq_timestamp, tm_dec_deq_timedelta;");
    d.line("logic [18:0] tm_dec_enq_qdepth, tm_dec_deq_qdepth;");
    d.line("logic cnt_rx, cnt_too_long, cnt_tm_dropped;");
    d.line("logic [31:0] ig_rdata, eg_rdata, unused_tm_dropped;");
    const Connections ig = ingressConnections("s_axis_", "ig_frame_", "ig_dec_");
    b.line("// Ingress: a decision per admitted frame, and the frame's beats.");
    instance(b, name_ + "_ingress", {{"DATA_W", "DATA_W"}, {"USER_W", "USER_W"}}, "u_ingress", ig);
    Connections tm = {{"clk", "clk"}, {"rst", "rst"}};
    for (const char* s : {"valid", "ready", "bundle", "egress_spec", "mcast_grp", "priority"})
        tm.emplace_back(std::string("s_dec_") + s, std::string("ig_dec_") + s);
    for (const char* s : {"tdata", "tkeep", "tvalid", "tready", "tlast"})
        tm.emplace_back(std::string("s_frame_") + s, std::string("ig_frame_") + s);
    for (const char* s : {"valid", "ready", "bundle"})
        tm.emplace_back(std::string("m_dec_") + s, std::string("tm_dec_") + s);
    for (const auto& [field, input] : kTrafficManagerFields)
        tm.emplace_back(std::string("m_dec_") + input, std::string("tm_dec_") + input);
    for (const char* s : {"tdata", "tkeep", "tvalid", "tready", "tlast"})
        tm.emplace_back(std::string("m_frame_") + s, std::string("tm_frame_") + s);
    tm.insert(tm.end(), {{"pkt_dropped", "cnt_tm_dropped"}, {"dropped", "unused_tm_dropped"}});
    b.line("// Unicast between them: egress_port = egress_spec, the drop at 511 (no multicast).");
    instance(
        b, "hop_tm_direct",
        {{"DATA_W", "DATA_W"}, {"BUNDLE_W", "CUT_W"}, {"FRAME_DEPTH", std::to_string(frameDepth)}},
        "u_tm", tm);
    const Connections eg = egressConnections("tm_dec_", "tm_frame_", "m_axis_", "cnt_tm_dropped");
    b.line("// Egress: the decisions and frames the traffic manager sends.");
    instance(b, name_ + "_egress", {{"DATA_W", "DATA_W"}, {"USER_W", "USER_W"}}, "u_egress", eg);
    b.line("assign csr_rdata = ig_rdata | eg_rdata;");
    const std::string h = fmt::format(
        "// SPDX-License-Identifier: Apache-2.0\n"
        "// The {} pipeline cut after ingress (generated by hopc --emit split): {}_ingress and "
        "{}_egress\n"
        "// joined by rtl/hop_tm_direct.sv, with {}_pipeline's ports, to test the cut.\n",
        p_.name, name_, name_, name_);
    return moduleText(h, name_ + "_split", opt_.dataWidth,
                      std::string(kClockAndStreamIn) + kStreamOut + kCsrPorts, d.str(), b.str(),
                      "");
}

}  // namespace hop::verilog
