// SPDX-License-Identifier: Apache-2.0
// The pipeline cut after ingress (hopc --emit split, compiler/src/verilog/split.cpp): the files,
// the cut's layout, that <name>_pipeline and <name>_top do not change, that the split lints
// clean, and that ingress's decision carries what the program wrote. Its behaviour is tested
// on the Verilated split (tests/stf: stf.split64.*, and tests/diff).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "tests/compiler/verilog_test_util.hpp"
#include "verilog/backend.hpp"

namespace hop {
namespace {

using namespace verilog;
using namespace verilogtest;

std::optional<Output> generateFile(const std::string& path, int width, bool split,
                                   std::string* diags = nullptr) {
    auto fe = compilePath(path);
    if (!fe || !fe->ok) return std::nullopt;
    Diagnostics d(fe->source.get());
    auto out = generate(*fe->ir, {.dataWidth = width, .split = split}, d);
    if (diags) *diags = printed(d);
    return out;
}

std::string example(const std::string& name) {
    return std::string(HOP_SOURCE_DIR) + "/examples/" + name + ".p4";
}

// A program of our own: ingress sets egress_spec (and priority) from the header, egress writes
// a header field from egress_port.
std::filesystem::path writeProgram(const std::filesystem::path& dir) {
    std::filesystem::create_directories(dir);
    const auto src = dir / "cutprog.p4";
    std::ofstream(src) << R"(#include <core.p4>
#include <v1model.p4>
header h_t { bit<8> port; bit<8> seen; bit<16> pad; }
struct headers { h_t h; }
struct metadata { }
parser P(packet_in p, out headers hdr, inout metadata m, inout standard_metadata_t sm) {
    state start { p.extract(hdr.h); transition accept; }
}
control VC(inout headers hdr, inout metadata m) { apply { } }
control I(inout headers hdr, inout metadata m, inout standard_metadata_t sm) {
    apply { sm.egress_spec = (bit<9>)hdr.h.port; sm.priority = 3w5; }
}
control E(inout headers hdr, inout metadata m, inout standard_metadata_t sm) {
    apply { hdr.h.seen = (bit<8>)sm.egress_port; }
}
control CC(inout headers hdr, inout metadata m) { apply { } }
control D(packet_out p, in headers hdr) { apply { p.emit(hdr.h); } }
V1Switch(P(), VC(), I(), E(), CC(), D()) main;
)";
    return src;
}

std::filesystem::path tempDir(const std::string& tag) {
    auto dir = std::filesystem::path(::testing::TempDir()) /
               ("verilog_split_" + tag + "_" + std::to_string(getpid()));
    std::filesystem::remove_all(dir);
    return dir;
}

TEST(Split, EmitsIngressEgressAndTheJoinedTopBesideTheUnchangedPipeline) {
    for (int width : {64, 512}) {
        auto whole = generateFile(example("router"), width, false);
        auto split = generateFile(example("router"), width, true);
        ASSERT_TRUE(whole && split);
        // Everything the whole build writes is there, unchanged.
        for (const auto& [file, text] : whole->files) {
            ASSERT_TRUE(split->files.count(file)) << file;
            EXPECT_EQ(split->files.at(file), text) << file;
        }
        EXPECT_EQ(whole->cutWidth, 0);
        EXPECT_TRUE(whole->ingressModule.empty());
        for (const char* f :
             {"router_ingress.sv", "router_egress.sv", "router_split.sv", "router_split_top.sv"})
            EXPECT_TRUE(split->files.count(f)) << f;
        EXPECT_EQ(split->ingressModule, "router_ingress");
        EXPECT_EQ(split->egressModule, "router_egress");
        EXPECT_EQ(split->splitTopModule, "router_split_top");
        // The layout covers CUT_W from bit 0, without gaps, and both files say CUT_W.
        int at = 0;
        for (const auto& a : split->cutLayout) {
            EXPECT_EQ(a.lsb, at) << a.name;
            at += a.width;
        }
        EXPECT_EQ(at, split->cutWidth);
        const std::string cutW = "localparam int CUT_W = " + std::to_string(split->cutWidth);
        EXPECT_NE(split->files.at("router_ingress.sv").find(cutW), std::string::npos);
        EXPECT_NE(split->files.at("router_egress.sv").find(cutW), std::string::npos);
        // What egress reads of ingress's work crosses; what only ingress reads does not.
        auto has = [&](const std::string& name) {
            for (const auto& a : split->cutLayout)
                if (a.name == name) return true;
            return false;
        };
        EXPECT_TRUE(has("hdr.ipv4.ttl"));     // updated by ingress, emitted after egress
        EXPECT_TRUE(has("$consumed_bytes"));  // the deparser skips the parsed bytes
        EXPECT_FALSE(has("meta.nexthop_id")) << "read only by ingress's nexthop table";
        // Written at egress's start before anything reads them (the traffic manager's port, the
        // drop flag): not live at the cut, so not in it, not even riding below live atoms.
        EXPECT_FALSE(has("standard_metadata.egress_port"));
        EXPECT_FALSE(has("$drop"));
        EXPECT_LT(split->cutWidth, 1000);
    }
}

TEST(Split, TheCutCarriesWhatIngressWroteAndEgressReadsTheTrafficManagersPort) {
    const auto dir = tempDir("prog");
    auto out = generateFile(writeProgram(dir).string(), 64, true);
    ASSERT_TRUE(out);
    const std::string& ig = out->files.at("cutprog_ingress.sv");
    const std::string& eg = out->files.at("cutprog_egress.sv");
    // The decision's egress_spec and priority are the values ingress wrote (from the header,
    // and the constant), not the 0 of a program that never writes them.
    std::smatch m;
    ASSERT_TRUE(
        std::regex_search(ig, m, std::regex(R"(dec_spec_q <= 9'\((\w+)\[(\d+):(\d+)\]\);)")))
        << ig;
    EXPECT_NE(ig.find("dec_prio_q <= 3'("), std::string::npos);
    EXPECT_EQ(ig.find("dec_prio_q <= 3'd0;"), std::string::npos);
    EXPECT_NE(ig.find("dec_mcast_q <= 16'("), std::string::npos);
    EXPECT_NE(ig.find("assign m_dec_egress_spec = dec_out[CUT_W+8:CUT_W];"), std::string::npos);
    // egress_port comes from the traffic manager, not from egress_spec: egress_spec is not
    // what egress reads, so only the drop check at the end of egress could want it.
    EXPECT_NE(eg.find("= 9'(s_dec_egress_port);"), std::string::npos) << eg;
    EXPECT_NE(eg.find("// v1model: standard_metadata from the traffic manager"), std::string::npos);
    // The drop at 511 after ingress is the traffic manager's: neither module makes it.
    for (const std::string* text : {&ig, &eg})
        EXPECT_EQ(text->find("drop after ingress"), std::string::npos);
    EXPECT_EQ(ig.find("9'd511"), std::string::npos) << "ingress does not drop at 511";
    std::filesystem::remove_all(dir);
}

// hopc --emit split writes the four files; every module lints clean with the rtl/ library.
TEST(Split, HopcWritesTheFilesAndTheyLintClean) {
    const auto dir = tempDir("hopc");
    const std::string cmd = std::string(HOP_HOPC) + " " + example("basic") + " -o " + dir.string() +
                            " --data-width 64 --emit split 2>&1";
    FILE* f = popen(cmd.c_str(), "r");
    std::string out;
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
    ASSERT_EQ(WEXITSTATUS(pclose(f)), 0) << out;
    std::string files;
    for (const char* m : {"basic_pipeline", "basic_top", "basic_deparser", "basic_ingress",
                          "basic_egress", "basic_split", "basic_split_top"}) {
        const auto p = dir / "rtl" / (std::string(m) + ".sv");
        EXPECT_TRUE(std::filesystem::exists(p)) << p;
        files += " " + p.string();
    }
    for (const char* top : {"basic_ingress", "basic_egress", "basic_split_top"}) {
        const std::string lint = std::string("verilator --lint-only -Wall -y ") + HOP_SOURCE_DIR +
                                 "/rtl --top-module " + top + files + " 2>&1";
        FILE* l = popen(lint.c_str(), "r");
        std::string text;
        for (size_t n; (n = fread(buf, 1, sizeof buf, l)) > 0;) text.append(buf, n);
        EXPECT_EQ(WEXITSTATUS(pclose(l)), 0) << top << "\n" << text;
        EXPECT_EQ(text, "") << top;
    }
    std::filesystem::remove_all(dir);
}

// hopc --ports N writes the switch top: <name>_switch puts ingress and egress around
// rtl/hop_switch.sv for N ports and the CPU port, <name>_switch_top adds the AXI4-Lite slave with
// an address width that reaches the switch's window, past the pipeline's map; it lints clean.
// Bad port numbers are refused.
TEST(Split, HopcWritesTheSwitchTopAndItLintsClean) {
    const auto dir = tempDir("switch");
    auto run = [&](const std::string& args, std::string& out) {
        const std::string cmd = std::string(HOP_HOPC) + " " + example("basic") + " -o " +
                                dir.string() + " --data-width 64 " + args + " 2>&1";
        FILE* f = popen(cmd.c_str(), "r");
        out.clear();
        char buf[4096];
        for (size_t n; (n = fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
        return WEXITSTATUS(pclose(f));
    };
    std::string out;
    ASSERT_EQ(run("--ports 4", out), 0) << out;
    std::string files;
    for (const char* m :
         {"basic_deparser", "basic_ingress", "basic_egress", "basic_switch", "basic_switch_top"}) {
        const auto p = dir / "rtl" / (std::string(m) + ".sv");
        ASSERT_TRUE(std::filesystem::exists(p)) << p;
        files += " " + p.string();
    }
    std::ifstream in(dir / "rtl" / "basic_switch.sv");
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_NE(text.str().find("parameter int PORTS = 4,"), std::string::npos);
    EXPECT_NE(text.str().find("parameter int CPU_PORT = 510,"), std::string::npos);
    EXPECT_NE(text.str().find("hop_switch #("), std::string::npos);
    EXPECT_NE(text.str().find(".s_egr_tuser(eg_tuser)"), std::string::npos);
    // The switch's window is after the pipeline's map, aligned to its span.
    auto whole = generateFile(example("basic"), 64, false);
    ASSERT_TRUE(whole);
    std::smatch m;
    const std::string sw = text.str();
    ASSERT_TRUE(std::regex_search(sw, m, std::regex(R"(SWITCH_BASE = 32'h([0-9a-f]+);)")));
    const uint32_t base = static_cast<uint32_t>(std::stoul(m[1].str(), nullptr, 16));
    EXPECT_GE(base, 1u << whole->regmap.addrWidth);
    EXPECT_EQ(base % 0x400, 0u) << "aligned to the span of four ports' window";
    for (const char* top : {"basic_switch_top"}) {
        const std::string lint = std::string("verilator --lint-only -Wall -y ") + HOP_SOURCE_DIR +
                                 "/rtl --top-module " + top + files + " 2>&1";
        FILE* l = popen(lint.c_str(), "r");
        std::string lintOut;
        char buf[4096];
        for (size_t n; (n = fread(buf, 1, sizeof buf, l)) > 0;) lintOut.append(buf, n);
        EXPECT_EQ(WEXITSTATUS(pclose(l)), 0) << top << "\n" << lintOut;
        EXPECT_EQ(lintOut, "") << top;
    }
    // A CPU port among the front-panel ports, and port counts the switch cannot have.
    EXPECT_EQ(run("--ports 4 --cpu-port 2", out), 1) << out;
    EXPECT_NE(out.find("--cpu-port must be 4..510"), std::string::npos) << out;
    EXPECT_NE(run("--ports 0", out), 0);
    EXPECT_NE(run("--ports 31", out), 0);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace hop
