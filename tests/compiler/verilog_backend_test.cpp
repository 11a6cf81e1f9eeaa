// SPDX-License-Identifier: Apache-2.0
// The whole Verilog backend (verilog_test.cpp has its pieces): what generate() and hopc produce
// for the examples and feature programs, and what they refuse, with its location.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <sstream>

#include "driver/compile.hpp"
#include "regmap/regmap.hpp"
#include "source/preprocess.hpp"
#include "tests/common/lpm_verilog.hpp"
#include "tests/compiler/verilog_test_util.hpp"
#include "verilog/backend.hpp"
#include "verilog/code_builder.hpp"
#include "verilog/expr.hpp"
#include "verilog/names.hpp"

namespace hop {
namespace {

using namespace verilog;
using namespace verilogtest;

// --- whole backend -------------------------------------------------------------------------

TEST(Backend, BasicGeneratesPipelineDeparserAndTop) {
    auto fe = compileExample("basic");
    ASSERT_TRUE(fe && fe->ok);
    for (int w : {64, 512}) {
        Diagnostics d;
        auto out = generate(*fe->ir, {.dataWidth = w}, d);
        ASSERT_TRUE(out.has_value()) << printed(d);
        EXPECT_EQ(out->files.size(), 3u);
        const std::string& p = out->files.at("basic_pipeline.sv");
        EXPECT_NE(p.find("module basic_pipeline #("), std::string::npos);
        EXPECT_NE(p.find("parameter int DATA_W = " + std::to_string(w)), std::string::npos);
        EXPECT_NE(p.find("hop_table_lpm #("), std::string::npos);
        EXPECT_NE(p.find(".BASE(32'h400)"), std::string::npos);
        EXPECT_NE(p.find("hop_csum16 #("), std::string::npos);
        EXPECT_NE(p.find("hop_axis_fifo #("), std::string::npos);
        EXPECT_NE(p.find("`default_nettype none"), std::string::npos);
        EXPECT_NE(p.find("`resetall"), std::string::npos);
        EXPECT_EQ(p.find("always @"), std::string::npos);  // always_comb / always_ff only
        EXPECT_NE(out->files.at("basic_top.sv").find("hop_axil_csr #("), std::string::npos);
        EXPECT_NE(out->files.at("basic_deparser.sv").find("module basic_deparser"),
                  std::string::npos);
        EXPECT_EQ(out->windowBytes, 34);  // Ethernet + IPv4
        EXPECT_EQ(out->emitBytes, 34);
        EXPECT_GT(out->latency, 14);  // at least the table's
    }
    Diagnostics d;
    EXPECT_FALSE(generate(*fe->ir, {.dataWidth = 100}, d).has_value());
}

// The queue metadata builds: on the pipeline top (no queue) egress reads enq_qdepth,
// deq_qdepth and deq_timedelta as 0 (written at the end of ingress, whatever ingress wrote, as
// BMv2's traffic manager writes them) and enq_timestamp as the arrival; the switch top's traffic
// manager gives its own (tests/stf: ecn-congestion, mri-congestion).
TEST(Backend, QueueMetadataIsTheEmptyQueuesOnThePipelineTop) {
    const std::string path =
        ::testing::TempDir() + "/verilog_test_qdepth_" + std::to_string(getpid()) + ".p4";
    std::ofstream(path) << R"(#include <core.p4>
#include <v1model.p4>
header h_t { bit<8> a; }
struct headers { h_t h; }
struct metadata { }
parser P(packet_in p, out headers hdr, inout metadata m, inout standard_metadata_t sm) {
    state start { p.extract(hdr.h); transition accept; }
}
control VC(inout headers hdr, inout metadata m) { apply { } }
control I(inout headers hdr, inout metadata m, inout standard_metadata_t sm) {
    apply { sm.deq_qdepth = 5; }
}
control E(inout headers hdr, inout metadata m, inout standard_metadata_t sm) {
    apply { if (sm.enq_qdepth > 100 || sm.deq_qdepth != 0) { mark_to_drop(sm); } }
}
control CC(inout headers hdr, inout metadata m) { apply { } }
control D(packet_out p, in headers hdr) { apply { p.emit(hdr.h); } }
V1Switch(P(), VC(), I(), E(), CC(), D()) main;
)";
    auto fe = compilePath(path);
    ASSERT_TRUE(fe && fe->ok);
    Diagnostics d(fe->source.get());
    const auto out = generate(*fe->ir, {}, d);
    ASSERT_TRUE(out.has_value()) << printed(d);
    std::string rtl;
    for (const auto& [file, text] : out->files) rtl += text;
    EXPECT_NE(rtl.find("// v1model: drop after ingress"), std::string::npos);
    // The ingress write of deq_qdepth does not reach egress: the end of ingress zeroes it.
    const size_t end = rtl.find("// v1model: drop after ingress");
    EXPECT_NE(rtl.find("= '0;", end), std::string::npos) << rtl.substr(end, 400);
    std::remove(path.c_str());
}

// `extract<T>(_)` and `advance(n)` by a constant move the parser's cursor and build; an advance
// by a run-time amount is a located error.
TEST(Backend, AdvanceByAConstantBuildsByARunTimeAmountIsALocatedError) {
    {
        auto fe = compilePath(std::string(HOP_SOURCE_DIR) + "/tests/stf/dontcare_extract.p4");
        ASSERT_TRUE(fe && fe->ok);
        Diagnostics d(fe->source.get());
        EXPECT_TRUE(generate(*fe->ir, {}, d).has_value()) << printed(d);
    }
    const std::string path =
        ::testing::TempDir() + "/verilog_test_adv_" + std::to_string(getpid()) + ".p4";
    std::ofstream(path) << R"(#include <core.p4>
#include <v1model.p4>
header h_t { bit<8> n; }
struct headers { h_t h; }
struct metadata { }
parser P(packet_in p, out headers hdr, inout metadata m, inout standard_metadata_t sm) {
    state start {
        p.extract(hdr.h);
        p.advance((bit<32>)hdr.h.n);
        transition accept;
    }
}
control VC(inout headers hdr, inout metadata m) { apply { } }
control I(inout headers hdr, inout metadata m, inout standard_metadata_t sm) { apply { } }
control E(inout headers hdr, inout metadata m, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata m) { apply { } }
control D(packet_out p, in headers hdr) { apply { p.emit(hdr.h); } }
V1Switch(P(), VC(), I(), E(), CC(), D()) main;
)";
    auto fe = compilePath(path);
    ASSERT_TRUE(fe && fe->ok);
    Diagnostics d(fe->source.get());
    EXPECT_FALSE(generate(*fe->ir, {}, d).has_value());
    const std::string out = printed(d);
    EXPECT_NE(out.find(":9:9: error: advance by a run-time amount in the Verilog backend"),
              std::string::npos)
        << out;
    std::remove(path.c_str());
}

// Unrolled for loops are logic chained in one stage: a loop nest of more than 4096 iterations
// (here 256 + 256 * 256 tests, bounded only by the bit<8> loop variables) is a located error; the
// model runs it.
TEST(Backend, ForLoopOfTooManyIterationsIsALocatedError) {
    const std::string path =
        ::testing::TempDir() + "/verilog_test_loop_" + std::to_string(getpid()) + ".p4";
    std::ofstream(path) << R"(#include <core.p4>
#include <v1model.p4>
header h_t { bit<8> n; bit<8> c; }
struct headers { h_t h; }
struct metadata { }
parser P(packet_in p, out headers hdr, inout metadata m, inout standard_metadata_t sm) {
    state start { p.extract(hdr.h); transition accept; }
}
control VC(inout headers hdr, inout metadata m) { apply { } }
control I(inout headers hdr, inout metadata m, inout standard_metadata_t sm) {
    apply {
        for (bit<8> i = 0; i < hdr.h.n; i = i + 1) {
            for (bit<8> j = 0; j < hdr.h.n; j = j + 1) { hdr.h.c = hdr.h.c + 1; }
        }
    }
}
control E(inout headers hdr, inout metadata m, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata m) { apply { } }
control D(packet_out p, in headers hdr) { apply { p.emit(hdr.h); } }
V1Switch(P(), VC(), I(), E(), CC(), D()) main;
)";
    auto fe = compilePath(path);
    ASSERT_TRUE(fe && fe->ok);
    Diagnostics d(fe->source.get());
    EXPECT_FALSE(generate(*fe->ir, {}, d).has_value());
    const std::string out = printed(d);
    EXPECT_NE(out.find(":12:9: error: a for loop of 65792 iterations in the Verilog backend"),
              std::string::npos)
        << out;
    std::remove(path.c_str());
}

// A varbit of any length builds: BMv2 extracts varbits in whole bytes, so a length that may
// not be whole bytes gets a run-time check (ParserInvalidArgument, the first check of the
// extraction) and one that is whole bytes by construction gets none. A varbit header whose
// maximum is not whole bytes is a located error.
TEST(Backend, VarbitLengthOfAnyBitsBuildsWithARunTimeCheck) {
    struct Case {
        std::string field, length;
        bool builds, checked;
    };
    for (const auto& c : std::vector<Case>{{"varbit<256>", "(bit<32>)hdr.h.n", true, true},
                                           {"varbit<256>", "(bit<32>)hdr.h.n << 3", true, false},
                                           {"varbit<256>", "(bit<32>)hdr.h.n * 32", true, false},
                                           {"varbit<256>", "(bit<32>)hdr.h.n + 8", true, true},
                                           {"varbit<12>", "(bit<32>)hdr.h.n", false, false}}) {
        const std::string path =
            ::testing::TempDir() + "/verilog_test_vb_" + std::to_string(getpid()) + ".p4";
        std::ofstream(path) << R"(#include <core.p4>
#include <v1model.p4>
header h_t { bit<8> n; }
header v_t { )" + c.field + R"( data; }
struct headers { h_t h; v_t v; }
struct metadata { }
parser P(packet_in p, out headers hdr, inout metadata m, inout standard_metadata_t sm) {
    state start {
        p.extract(hdr.h);
        p.extract(hdr.v, )" + c.length +
                                   R"();
        transition accept;
    }
}
control VC(inout headers hdr, inout metadata m) { apply { } }
control I(inout headers hdr, inout metadata m, inout standard_metadata_t sm) { apply { } }
control E(inout headers hdr, inout metadata m, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata m) { apply { } }
control D(packet_out p, in headers hdr) { apply { p.emit(hdr.h); p.emit(hdr.v); } }
V1Switch(P(), VC(), I(), E(), CC(), D()) main;
)";
        auto fe = compilePath(path);
        ASSERT_TRUE(fe && fe->ok) << c.length;
        Diagnostics d(fe->source.get());
        auto out = generate(*fe->ir, {}, d);
        EXPECT_EQ(out.has_value(), c.builds) << c.length << "\n" << printed(d);
        if (!c.builds) {
            EXPECT_NE(printed(d).find(":10:9: error: a varbit header whose fixed part or maximum "
                                      "width is not a whole number of bytes"),
                      std::string::npos)
                << printed(d);
        } else if (out) {
            EXPECT_EQ(out->windowBytes, 1 + 32);  // sized for the maximum
            bool hasCheck = false;
            for (const auto& [name, text] : out->files)
                hasCheck = hasCheck || text.find("& 32'd7) == 32'd0") != std::string::npos;
            EXPECT_EQ(hasCheck, c.checked) << c.length;
        }
        std::remove(path.c_str());
    }
}

// A checksum over the payload needs the whole frame before the headers leave: store-and-forward.
TEST(Backend, PayloadChecksumMakesTheProgramStoreAndForward) {
    auto fe = compilePath(std::string(HOP_SOURCE_DIR) + "/tests/stf/payloadcsum.p4");
    ASSERT_TRUE(fe && fe->ok);
    Diagnostics d;
    auto out = generate(*fe->ir, {.dataWidth = 64}, d);
    ASSERT_TRUE(out.has_value()) << printed(d);
    EXPECT_EQ(out->regmap.maxFrameBytes, 9216);
    EXPECT_NE(out->files.at("payloadcsum_pipeline.sv").find("win_psum_q"), std::string::npos);
}

// hop_table_lpm instantiates exactly the capacities of the register map: the depths in the
// generated Verilog (read back from the instance's parameters) are regmap.json's node_capacity
// and result_capacity, so the RAM it instantiates is the sum of capacity x word width, not 2^AW
// words per level.
TEST(Backend, RouterLpmInstantiatesItsRegmapCapacities) {
    auto fe = compileExample("router");
    ASSERT_TRUE(fe && fe->ok);
    Diagnostics d;
    auto out = generate(*fe->ir, {.dataWidth = 512}, d);
    ASSERT_TRUE(out.has_value()) << printed(d);
    const std::string name = "RouterIngress.ipv4_lpm";
    const nlohmann::json j = regmap::toJson(out->regmap);
    const nlohmann::json* lpm = nullptr;
    for (const auto& t : j["tables"])
        if (t["name"] == name) lpm = &t["lpm"];
    ASSERT_NE(lpm, nullptr);
    const auto strides = (*lpm)["strides"].get<std::vector<int>>();
    const auto caps = (*lpm)["node_capacity"].get<std::vector<uint64_t>>();
    const auto aws = (*lpm)["node_addr_width"].get<std::vector<int>>();
    const auto resCap = (*lpm)["result_capacity"].get<uint64_t>();
    const auto want = regmap::lpmMemories(strides, aws, caps, (*lpm)["result_addr_width"], resCap,
                                          (*lpm)["result_width"]);
    ASSERT_EQ(want.size(), strides.size() + 1);

    std::string error;
    const auto got =
        hop::testutil::lpmMemoriesInVerilog(out->files.at("router_pipeline.sv"), name, error);
    ASSERT_TRUE(got.has_value()) << error;
    ASSERT_EQ(got->size(), want.size());
    uint64_t bits = 0;
    for (size_t m = 0; m < want.size(); ++m) {
        const uint64_t cap = m < caps.size() ? caps[m] : resCap;
        EXPECT_EQ((*got)[m].words, cap) << "memory " << m;
        EXPECT_EQ((*got)[m].width, want[m].width) << "memory " << m;
        bits += cap * static_cast<uint64_t>(want[m].width);
    }
    const uint64_t instantiated = regmap::lpmBytes(*got);
    EXPECT_EQ(instantiated, (bits + 7) / 8);
    EXPECT_EQ(instantiated, regmap::lpmBytes(regmap::lpmMemories(*out->regmap.find(name))));
    // 2^20 prefixes with 25 % headroom over the measured full table: the results alone are
    // 1,048,636 words, not 2^21.
    EXPECT_EQ(got->back().words, 1048576u + 60);
    std::printf("router.p4 %s: %llu bytes of LPM RAM instantiated (%.2f MiB)\n", name.c_str(),
                static_cast<unsigned long long>(instantiated), instantiated / 1048576.0);
}

// A program that reads packet_length is store-and-forward: the window fires at the frame's last
// beat with the byte count, and frames longer than the maximum are dropped; the others stay
// cut-through.
TEST(Backend, PacketLengthMakesTheProgramStoreAndForward) {
    auto router = compileExample("router");
    ASSERT_TRUE(router && router->ok);
    auto basic = compileExample("basic");
    ASSERT_TRUE(basic && basic->ok);
    for (int w : {64, 512}) {
        Diagnostics d;
        auto out = generate(*router->ir, {.dataWidth = w}, d);
        ASSERT_TRUE(out.has_value()) << printed(d);
        EXPECT_EQ(out->regmap.maxFrameBytes, 9216);
        const std::string& p = out->files.at("router_pipeline.sv");
        EXPECT_NE(p.find("localparam int MAX_FRAME = 9216;"), std::string::npos);
        // The window's fire rule lives in hop_header_capture (store-and-forward when MAX_FRAME is
        // not 0: it fires at the frame's last beat or past the maximum; rtl.hop_header_capture_*
        // test it); the pipeline instantiates it with the program's maximum frame.
        const size_t capture = p.find("hop_header_capture #(");
        ASSERT_NE(capture, std::string::npos);
        EXPECT_NE(p.find(".MAX_FRAME(MAX_FRAME)", capture), std::string::npos);
        EXPECT_NE(p.find("= 32'(win_plen_q);"), std::string::npos);
        EXPECT_NE(p.find("hop_table_lpm #("), std::string::npos);
        EXPECT_NE(p.find(".STRIDES(128'h04040404040c)"), std::string::npos);
        EXPECT_NE(p.find(".NODE_AW(128'h0a0a12100d00)"), std::string::npos) << p;
        EXPECT_NE(p.find(".RES_AW(21)"), std::string::npos);
        EXPECT_NE(p.find(".LATENCY(14)"), std::string::npos);
        // The FIFO holds a maximum frame (plus the frames in flight).
        const int beats = 9216 / (w / 8) + 1;
        const size_t at = p.find("localparam int FRAME_DEPTH = ");
        ASSERT_NE(at, std::string::npos);
        EXPECT_GE(std::stoi(p.substr(at + 29)), beats);
        EXPECT_EQ(regmap::toJson(out->regmap)["max_frame_bytes"], 9216);
        Diagnostics db;
        auto ob = generate(*basic->ir, {.dataWidth = w}, db);
        ASSERT_TRUE(ob.has_value()) << printed(db);
        EXPECT_EQ(ob->regmap.maxFrameBytes, 0);
        EXPECT_EQ(ob->files.at("basic_pipeline.sv").find("win_plen_q"), std::string::npos);
    }
}

// The statements between two lookups run inside the second one's latency, from registered
// copies of the first one's results (<table>_hit_q ...), so lookups cost no more cycles than
// their blocks' latencies; only the update checksum's statements take a cycle of their own.
TEST(Backend, StatementsBeforeALookupRunInsideItsLatency) {
    const auto out = generateExample("router", 512);
    ASSERT_TRUE(out.has_value());
    const std::string& p = out->files.at("router_pipeline.sv");
    int lookups = 0;
    for (const auto& t : out->regmap.tables) lookups += t.latency;
    // parser 1, verify checksum 2, lookups, update checksum 1 + 2, header assembly 1
    EXPECT_EQ(out->latency, 1 + 2 + lookups + 3 + 1);
    for (const char* t : {"port_mac", "local_addr", "ipv4_lpm", "nexthop"}) {
        const std::string r = std::string("t_RouterIngress_") + t;
        EXPECT_NE(p.find(r + "_hit_q <= " + r + "_hit;"), std::string::npos) << t;
        EXPECT_NE(p.find("case (" + r + "_action_q)"), std::string::npos) << t;
    }
    // The action data is registered only where an action takes parameters (local_addr's
    // local_hit and NoAction take none).
    for (const char* t : {"port_mac", "ipv4_lpm", "nexthop"}) {
        const std::string r = std::string("t_RouterIngress_") + t;
        EXPECT_NE(p.find(r + "_data_q <= " + r + "_data;"), std::string::npos) << t;
    }
    EXPECT_EQ(p.find("t_RouterIngress_local_addr_data_q"), std::string::npos);
    EXPECT_NE(p.find("vfy_csum0_out_q <= vfy_csum0_out;"), std::string::npos);
}

// Header assembly puts a fixed-size header at one of the constant offsets its predecessors'
// validity allows (router's IPv4 after packet_in, Ethernet and ARP: 44 bytes at most); only
// headers after a varbit are shifted into place by the running length.
TEST(Backend, HeadersAreAssembledAtConstantOffsets) {
    const auto out = generateExample("router", 512);
    ASSERT_TRUE(out.has_value());
    const std::string& p = out->files.at("router_pipeline.sv");
    EXPECT_NE(p.find("3'b111: asm_hdr[8*44+:160] = "), std::string::npos);
    EXPECT_NE(p.find("2'b10: asm_hdr[8*14+:224] = "), std::string::npos);
    EXPECT_EQ(p.find("<< (8 * asm_len)"), std::string::npos);
    auto vb = compilePath(std::string(HOP_SOURCE_DIR) + "/tests/stf/varbit.p4");
    ASSERT_TRUE(vb && vb->ok);
    Diagnostics d;
    auto vout = generate(*vb->ir, {.dataWidth = 64}, d);
    ASSERT_TRUE(vout.has_value()) << printed(d);
    const std::string& v = vout->files.at("varbit_pipeline.sv");
    EXPECT_NE(v.find("1'b1: asm_hdr[8*1+:64] = "), std::string::npos);  // opts after len
    EXPECT_NE(v.find("({hv_hdr_tail[7:0]}) << (8 * asm_len))"), std::string::npos);
}

// Each stage carries only the bundle bits read after it (compiler/src/verilog/liveness.cpp):
// router's stages are narrower than the whole bundle and narrow towards the end, a lookup's
// issue cycle holds only its key's cone, what no stage reads (ARP, the bytes consumed) skips
// the stages in one delay line, and a write nobody reads (mark_to_drop's mcast_grp) is gone.
TEST(Backend, StagesCarryOnlyTheBitsReadAfterThem) {
    const auto out = generateExample("router", 512);
    ASSERT_TRUE(out.has_value());
    const std::string& p = out->files.at("router_pipeline.sv");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(p, m, std::regex(R"(bundle bits read after it \(of (\d+)\))")));
    const int whole = std::stoi(m[1]);
    std::map<std::string, int> width;
    const std::regex decl(R"(logic \[(\d+):0\] ((s\d+_q|c\d+_b|fin_b));)");
    for (auto it = std::sregex_iterator(p.begin(), p.end(), decl); it != std::sregex_iterator();
         ++it)
        width[(*it)[2]] = std::stoi((*it)[1]) + 1;
    ASSERT_TRUE(width.count("s3_q") && width.count("s30_q") && width.count("c1_b"));
    for (const auto& [name, w] : width) EXPECT_LT(w, whole) << name;
    EXPECT_LT(width["s30_q"], width["s3_q"]);
    EXPECT_LE(width["s30_q"], whole / 2);
    // port_mac's key (ingress_port) and whether it applies, nothing else.
    EXPECT_NE(p.find("// statements before RouterIngress.port_mac: for its key and valid "
                     "(issue cycle)\n    always_comb begin\n        c1_b = "),
              std::string::npos);
    EXPECT_LE(width["c1_b"], 32);
    EXPECT_NE(p.find("hop_delay #(\n        .W("), std::string::npos);
    EXPECT_NE(p.find(") u_bypass ("), std::string::npos);
    EXPECT_NE(p.find("hv_hdr_arp = {byp_q["), std::string::npos);
    EXPECT_NE(p.find("desc_skip_q <= byp_q["), std::string::npos);
    EXPECT_FALSE(std::regex_search(p, std::regex(R"(_b\[\d+:\d+\] = '0;)")));
}

// What runs in every cycle of a Verilated model: the issue-cycle bundles hold only the bits their
// statements write (the rest is read from their register), and a bundle only the next register
// reads, the parser and the header assembly run in an always_ff under the valid bit.
TEST(Backend, OnlyValidBundlesAreComputedInRegisters) {
    const auto out = generateExample("router", 512);
    ASSERT_TRUE(out.has_value());
    const std::string& p = out->files.at("router_pipeline.sv");
    std::smatch m;
    // local_addr's issue bundle writes port_mac's hit and data and its own predicates.
    ASSERT_TRUE(std::regex_search(p, m, std::regex(R"(logic \[(\d+):0\] c3_b;)")));
    EXPECT_LE(std::stoi(m[1]) + 1, 64);
    EXPECT_TRUE(std::regex_search(p, std::regex(R"(if \(c\d+_b\[\d+\] && \(s5_q\[)")) ||
                std::regex_search(p, std::regex(R"(= \(s5_q\[\d+\] && c3_b\[)")));
    EXPECT_NE(p.find("always_ff @(posedge clk) begin\n        if (win_valid_q) begin : g_parse\n"),
              std::string::npos);
    EXPECT_TRUE(std::regex_search(  // parse_b is local to the block
        p,
        std::regex(
            R"(begin : g_parse\n +/\* verilator lint_off UNUSEDSIGNAL \*/ logic \[\d+:0\] parse_b;)")));
    EXPECT_TRUE(std::regex_search(p, std::regex(R"(if \(v\d+_q\) begin : g_c\d+_b\n)")));
    EXPECT_TRUE(
        std::regex_search(p, std::regex(R"(\n            s\d+_q <= c\d+_b(\[\d+:0\])?;\n)")));
    EXPECT_TRUE(std::regex_search(p, std::regex(R"(if \(v\d+_q\) begin : asm\n)")));
    EXPECT_EQ(p.find("always_comb begin\n        asm_hdr = '0;"), std::string::npos);
}

// --- hopc ------------------------------------------------------------------------------------

struct Run {
    int status;
    std::string output;
};

Run hopc(const std::string& args) {
    const std::string cmd = std::string(HOP_HOPC) + " " + args + " 2>&1";
    FILE* f = popen(cmd.c_str(), "r");
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    const int rc = pclose(f);
    return {WEXITSTATUS(rc), out};
}

std::filesystem::path tempDir(const std::string& tag) {
    auto dir = std::filesystem::path(::testing::TempDir()) /
               ("verilog_test_" + tag + "_" + std::to_string(getpid()));
    std::filesystem::remove_all(dir);
    return dir;
}

TEST(Hopc, WritesRtlAndRegmap) {
    const auto dir = tempDir("basic");
    auto r = hopc(std::string(HOP_SOURCE_DIR) + "/examples/basic.p4 -o " + dir.string() +
                  " --data-width 64");
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(r.output, "");
    for (const char* f : {"rtl/basic_pipeline.sv", "rtl/basic_deparser.sv", "rtl/basic_top.sv",
                          "regmap.json", "regmap.hpp", "basic.p4info.json"})
        EXPECT_TRUE(std::filesystem::exists(dir / f)) << f;
    std::ifstream in(dir / "rtl/basic_pipeline.sv");
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_NE(ss.str().find("parameter int DATA_W = 64"), std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST(Hopc, UnsupportedProgramsWarnByDefaultAndFailWithEmitVerilog) {
    const auto dir = tempDir("unsupported");
    std::filesystem::create_directories(dir);
    const auto src = dir / "stamp.p4";
    std::ofstream(src) << R"(#include <core.p4>
#include <v1model.p4>
header h_t { bit<8> a; }
struct headers { h_t h; }
struct metadata { }
parser P(packet_in p, out headers hdr, inout metadata m, inout standard_metadata_t sm) {
    state start { p.extract(hdr.h); p.advance((bit<32>)hdr.h.a); transition accept; }
}
control VC(inout headers hdr, inout metadata m) { apply { } }
control I(inout headers hdr, inout metadata m, inout standard_metadata_t sm) { apply { } }
control E(inout headers hdr, inout metadata m, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata m) { apply { } }
control D(packet_out p, in headers hdr) { apply { p.emit(hdr.h); } }
V1Switch(P(), VC(), I(), E(), CC(), D()) main;
)";
    const auto out = dir / "out";
    const std::string args = src.string() + " -o " + out.string();
    auto r = hopc(args);
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("warning: advance by a run-time amount"), std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("no RTL written for stamp"), std::string::npos) << r.output;
    EXPECT_TRUE(std::filesystem::exists(out / "stamp.p4info.json"));
    EXPECT_FALSE(std::filesystem::exists(out / "rtl"));
    EXPECT_FALSE(std::filesystem::exists(out / "regmap.json"));
    r = hopc(args + " --emit verilog");
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("stamp.p4:7:37: error: advance by a run-time amount"),
              std::string::npos)
        << r.output;
    r = hopc(args + " --data-width 100");
    EXPECT_EQ(r.status, 2) << r.output;
    std::filesystem::remove_all(dir);
}

// router.p4 (a 1M-prefix LPM table, packet_length) gets RTL.
TEST(Hopc, RouterGetsRtl) {
    const auto dir = tempDir("router");
    auto r = hopc(std::string(HOP_SOURCE_DIR) + "/examples/router.p4 -o " + dir.string() +
                  " --emit verilog --data-width 512");
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(r.output, "");
    for (const char* f : {"rtl/router_pipeline.sv", "rtl/router_deparser.sv", "rtl/router_top.sv",
                          "regmap.json", "regmap.hpp"})
        EXPECT_TRUE(std::filesystem::exists(dir / f)) << f;
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace hop
