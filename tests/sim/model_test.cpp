// SPDX-License-Identifier: Apache-2.0
// The reference interpreter on hand-made packets: basic.p4 and inline programs for the corners of
// v1model and P4 arithmetic (model_examples_test.cpp: router, tunnel, acl). Checksums are
// checked against an RFC 1071 computation written independently of the model
// (model_test_util.hpp).
#include "sim/model/model.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "driver/compile.hpp"
#include "runtime/tables/entry.hpp"
#include "source/preprocess.hpp"
#include "tests/sim/model_test_util.hpp"

namespace hop::sim {
namespace {

using namespace modeltest;
using Bytes = std::vector<uint8_t>;

// --- the RFC 1071 reference itself -------------------------------------------------------

TEST(ModelChecksum, ReferenceMatchesRfc1071Example) {
    // RFC 1071 section 3: the sum of 00 01 f2 03 f4 f5 f6 f7 is ddf2; the checksum its
    // complement.
    Bytes data = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    EXPECT_EQ(rfc1071(data, 0, data.size()), 0x220d);
    // An odd byte count pads with zero.
    Bytes odd = {0x12, 0x34, 0x56};
    EXPECT_EQ(rfc1071(odd, 0, 3), static_cast<uint16_t>(~(0x1234 + 0x5600)));
}

// --- basic.p4: the P4 tutorials' basic exercise ------------------------------------------

class BasicTest : public ::testing::Test {
  protected:
    void SetUp() override {
        fe_ = compileExample("basic");
        ASSERT_TRUE(fe_ && fe_->ir);
        model_ = std::make_unique<Model>(*fe_->ir);
    }
    std::unique_ptr<Frontend> fe_;
    std::unique_ptr<Model> model_;
};

TEST_F(BasicTest, EmptyTableDropsByDefault) {
    Result r = model_->process({1, ipv4Packet({})}, true);
    EXPECT_EQ(r.decision.kind, Decision::Kind::Drop);
    EXPECT_EQ(r.decision.reason, "mark_to_drop in ingress");
    EXPECT_TRUE(r.outputs.empty());
    const std::string t = traceText(r);
    EXPECT_NE(t.find("table MyIngress.ipv4_lpm: key hdr.ipv4.dstAddr=0xc6336405 -> miss"),
              std::string::npos)
        << t;
    EXPECT_NE(t.find("action MyIngress.drop()"), std::string::npos) << t;
    EXPECT_NE(t.find("drop after ingress: mark_to_drop in ingress (by action MyIngress.drop"),
              std::string::npos)
        << t;
}

TEST_F(BasicTest, ForwardRewritesMacsDecrementsTtlAndFixesChecksum) {
    stf(*model_, {"add ipv4_lpm dstAddr:198.51.100.0/24 "
                  "ipv4_forward(dstAddr:02:00:00:00:00:0c, port:3)"});
    Bytes in = ipv4Packet({.ttl = 64});
    Result r = model_->process({1, in}, true);
    ASSERT_EQ(r.decision.kind, Decision::Kind::Forward) << traceText(r);
    ASSERT_EQ(r.outputs.size(), 1u);
    const Bytes& out = r.outputs[0].bytes;
    EXPECT_EQ(r.outputs[0].port, 3u);
    ASSERT_EQ(out.size(), in.size());
    EXPECT_EQ(Bytes(out.begin(), out.begin() + 6), (Bytes{2, 0, 0, 0, 0, 0x0c}));
    EXPECT_EQ(Bytes(out.begin() + 6, out.begin() + 12), kMacA);  // old destination
    EXPECT_EQ(out[14 + 8], 63);
    EXPECT_TRUE(ipv4ChecksumOk(out));
    EXPECT_NE(get16(out, 24), get16(in, 24));
    // Payload untouched.
    EXPECT_EQ(Bytes(out.begin() + 34, out.end()), Bytes(in.begin() + 34, in.end()));
}

TEST_F(BasicTest, LongerPrefixWinsWhateverTheOrder) {
    stf(*model_, {"add ipv4_lpm dstAddr:198.51.100.0/24 ipv4_forward(dstAddr:0x1, port:3)",
                  "add ipv4_lpm dstAddr:198.51.0.0/16 ipv4_forward(dstAddr:0x2, port:2)",
                  "add ipv4_lpm dstAddr:0x******** ipv4_forward(dstAddr:0x3, port:1)"});
    EXPECT_EQ(model_->process({0, ipv4Packet({.dst = 0xc6336405})}).outputs.at(0).port, 3u);
    EXPECT_EQ(model_->process({0, ipv4Packet({.dst = 0xc6330105})}).outputs.at(0).port, 2u);
    EXPECT_EQ(model_->process({0, ipv4Packet({.dst = 0x0a000001})}).outputs.at(0).port, 1u);
}

TEST_F(BasicTest, NonIpv4LeavesPacketUnchangedOnPortZero) {
    Bytes arp = ethernet(kMacA, kMacB, 0x0806);
    for (int i = 0; i < 28; ++i) arp.push_back(static_cast<uint8_t>(i));
    Result r = model_->process({4, arp});
    ASSERT_EQ(r.outputs.size(), 1u);
    EXPECT_EQ(r.outputs[0].port, 0u);  // egress_spec starts at 0
    EXPECT_EQ(r.outputs[0].bytes, arp);
}

TEST_F(BasicTest, SetDefaultAndTableCommands) {
    int h = bmv2(*model_,
                 "table_add MyIngress.ipv4_lpm ipv4_forward 198.51.100.0/24 => "
                 "02:00:00:00:00:0c 7");
    EXPECT_EQ(h, 0);
    EXPECT_EQ(model_->process({0, ipv4Packet({})}).outputs.at(0).port, 7u);
    bmv2(*model_, "table_modify ipv4_lpm ipv4_forward 0 => 02:00:00:00:00:0c 8");
    EXPECT_EQ(model_->process({0, ipv4Packet({})}).outputs.at(0).port, 8u);
    bmv2(*model_, "table_delete ipv4_lpm 0");
    EXPECT_EQ(model_->process({0, ipv4Packet({})}).decision.kind, Decision::Kind::Drop);
    bmv2(*model_, "table_set_default ipv4_lpm ipv4_forward 02:00:00:00:00:0d 9");
    EXPECT_EQ(model_->process({0, ipv4Packet({})}).outputs.at(0).port, 9u);
    model_->clear();
    EXPECT_EQ(model_->process({0, ipv4Packet({})}).decision.kind, Decision::Kind::Drop);
}

TEST_F(BasicTest, TutorialRuntimeJson) {
    auto doc = nlohmann::json::parse(R"({
        "target": "bmv2",
        "table_entries": [
            {"table": "MyIngress.ipv4_lpm", "default_action": true,
             "action_name": "MyIngress.drop", "action_params": {}},
            {"table": "MyIngress.ipv4_lpm", "match": {"hdr.ipv4.dstAddr": ["198.51.100.5", 32]},
             "action_name": "MyIngress.ipv4_forward",
             "action_params": {"dstAddr": "08:00:00:00:01:11", "port": 1}}
        ]
    })");
    tables::ParseError pe;
    auto cmds = tables::parseRuntimeJson(model_->program(), doc, "s1-runtime.json", pe);
    ASSERT_TRUE(cmds) << pe.str();
    for (const auto& c : *cmds) {
        std::string error;
        ASSERT_TRUE(model_->apply(c, error)) << error;
    }
    Result r = model_->process({2, ipv4Packet({})}, true);
    ASSERT_EQ(r.outputs.size(), 1u);
    EXPECT_EQ(r.outputs[0].port, 1u);
    EXPECT_NE(traceText(r).find("-> hit entry 0 [hdr.ipv4.dstAddr=0xc6336405/32 -> "
                                "MyIngress.ipv4_forward(dstAddr=0x80000000111, port=1)]"),
              std::string::npos)
        << traceText(r);
    EXPECT_EQ(model_->process({2, ipv4Packet({.dst = 0xc6336406})}).decision.kind,
              Decision::Kind::Drop);
}

TEST_F(BasicTest, TableStateErrors) {
    const ir::Program& p = model_->program();
    auto add = [&](const std::string& line, std::string& error) {
        tables::ParseError pe;
        auto cmd = tables::parseBmv2Command(p, line, {}, pe);
        EXPECT_TRUE(cmd) << pe.str();
        return model_->apply(*cmd, error);
    };
    std::string error;
    EXPECT_TRUE(add("table_add ipv4_lpm drop 10.0.0.0/8 =>", error)) << error;
    EXPECT_FALSE(add("table_add ipv4_lpm NoAction 10.0.0.0/8 =>", error));
    EXPECT_EQ(error, "duplicate entry in table 'MyIngress.ipv4_lpm' (same match as entry 0)");
    EXPECT_FALSE(add("table_delete ipv4_lpm 5", error));
    EXPECT_EQ(error, "table 'MyIngress.ipv4_lpm' has no entry with handle 5");
    EXPECT_FALSE(add("table_modify ipv4_lpm drop 3 =>", error));
    EXPECT_EQ(error, "table 'MyIngress.ipv4_lpm' has no entry with handle 3");
    // Handles are reused lowest first, as BMv2 does.
    EXPECT_TRUE(add("table_add ipv4_lpm drop 10.1.0.0/16 =>", error));
    EXPECT_TRUE(add("table_delete ipv4_lpm 0", error));
    int h = bmv2(*model_, "table_add ipv4_lpm drop 10.2.0.0/16 =>");
    EXPECT_EQ(h, 0);
    EXPECT_EQ(model_->entries(p.findTable("MyIngress.ipv4_lpm")).size(), 2u);
}

TEST_F(BasicTest, FullTableIsAnError) {
    ir::Program p = *fe_->ir;
    p.tables[p.findTable("MyIngress.ipv4_lpm")].size = 2;
    Model m(p);
    bmv2(m, "table_add ipv4_lpm drop 10.0.0.0/8 =>");
    bmv2(m, "table_add ipv4_lpm drop 11.0.0.0/8 =>");
    tables::ParseError pe;
    auto cmd = tables::parseBmv2Command(p, "table_add ipv4_lpm drop 12.0.0.0/8 =>", {}, pe);
    ASSERT_TRUE(cmd);
    std::string error;
    EXPECT_FALSE(m.apply(*cmd, error));
    EXPECT_EQ(error, "table 'MyIngress.ipv4_lpm' is full (size 2)");
}

TEST_F(BasicTest, TruncatedIpv4RejectsButIngressRuns) {
    // The parser fails in parse_ipv4 (PacketTooShort); ingress runs with ipv4 invalid, so the
    // table is not applied and the packet goes to port 0 unchanged, as on BMv2.
    Bytes in = ipv4Packet({});
    in.resize(14 + 10);
    Result r = model_->process({2, in}, true);
    ASSERT_EQ(r.outputs.size(), 1u) << traceText(r);
    EXPECT_EQ(r.outputs[0].bytes, in);
    EXPECT_NE(traceText(r).find("reject with error.PacketTooShort"), std::string::npos);
}

// --- inline programs ---------------------------------------------------------------------

const char* kPrelude = R"(
#include <core.p4>
#include <v1model.p4>
)";

// A one-header program whose ingress is `body`; the header holds operands and results.
std::string inlineProgram(const std::string& headerFields, const std::string& ingressLocals,
                          const std::string& ingressApply, const std::string& parserExtra = "",
                          const std::string& egressApply = "") {
    return std::string(kPrelude) + "header h_t {\n" + headerFields +
           "\n}\n"
           "struct headers { h_t h; }\n"
           "struct metadata { bit<8> m; }\n"
           "parser P(packet_in pkt, out headers hdr, inout metadata meta,\n"
           "         inout standard_metadata_t sm) {\n"
           "    state start { pkt.extract(hdr.h); " +
           parserExtra +
           " transition accept; }\n"
           "}\n"
           "control VC(inout headers hdr, inout metadata meta) { apply { } }\n"
           "control I(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) {\n" +
           ingressLocals + "\n    apply {\n" + ingressApply +
           "\n    }\n"
           "}\n"
           "control E(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) {\n"
           "    apply { " +
           egressApply +
           " }\n"
           "}\n"
           "control CC(inout headers hdr, inout metadata meta) { apply { } }\n"
           "control D(packet_out pkt, in headers hdr) { apply { pkt.emit(hdr.h); } }\n"
           "V1Switch(P(), VC(), I(), E(), CC(), D()) main;\n";
}

TEST(ModelArithmetic, SaturatingAndSignedOperations) {
    auto fe = compileText(inlineProgram(R"(
        bit<8> a; bit<8> b; int<8> c; int<8> d;
        bit<8> r1; bit<8> r2; int<8> r3; int<8> r4; int<8> r5; bit<8> r6; bit<8> r7;
        bit<16> r8; bit<8> r9; bit<16> r10; bit<8> r11; bit<8> r12;)",
                                        "",
                                        R"(
        hdr.h.r1 = hdr.h.a |+| hdr.h.b;
        hdr.h.r2 = hdr.h.b |-| hdr.h.a;
        hdr.h.r3 = hdr.h.c |+| hdr.h.d;
        hdr.h.r4 = hdr.h.c |-| 8s100;
        hdr.h.r5 = hdr.h.c >> 2;
        hdr.h.r6 = (hdr.h.c < hdr.h.d) ? 8w1 : 8w0;
        hdr.h.r7 = hdr.h.a + hdr.h.b;
        hdr.h.r8 = hdr.h.a ++ hdr.h.b;
        hdr.h.r9 = hdr.h.a[3:0] ++ hdr.h.b[7:4];
        hdr.h.r10 = (bit<16>)(int<16>)hdr.h.c;
        hdr.h.r11 = hdr.h.a << hdr.h.b;
        hdr.h.r12 = (bit<8>)(-hdr.h.c);
        sm.egress_spec = 1;)"));
    ASSERT_TRUE(fe && fe->ir);
    Model m(*fe->ir);
    // a=200 b=100 c=-100 d=-50
    Bytes in = {200, 100, 0x9c, 0xce, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    Result r = m.process({0, in});
    ASSERT_EQ(r.outputs.size(), 1u) << r.error;
    const Bytes& o = r.outputs[0].bytes;
    EXPECT_EQ(o[4], 255);                        // 200 |+| 100 saturates
    EXPECT_EQ(o[5], 0);                          // 100 |-| 200 saturates at 0
    EXPECT_EQ(o[6], 0x80);                       // -100 |+| -50 = -128
    EXPECT_EQ(o[7], 0x80);                       // -100 |-| 100 = -128
    EXPECT_EQ(o[8], static_cast<uint8_t>(-25));  // -100 >> 2 is arithmetic
    EXPECT_EQ(o[9], 1);                          // -100 < -50 as signed
    EXPECT_EQ(o[10], 44);                        // 300 wraps
    EXPECT_EQ(get16(o, 11), 0xc864);             // concat
    EXPECT_EQ(o[13], 0x86);                      // a[3:0] ++ b[7:4] = 8 ++ 6
    EXPECT_EQ(get16(o, 14), 0xff9c);             // sign extension
    EXPECT_EQ(o[16], 0);                         // shift by 100 >= width gives 0
    EXPECT_EQ(o[17], 100);                       // -(-100)
}

TEST(ModelArithmetic, SignedShiftBeyondWidthFillsWithSign) {
    auto fe = compileText(inlineProgram("int<8> c; bit<8> n; int<8> r1; int<8> r2; bit<8> r3;", "",
                                        R"(
        hdr.h.r1 = hdr.h.c >> hdr.h.n;
        hdr.h.r2 = hdr.h.c << hdr.h.n;
        hdr.h.r3 = ((bit<8>)hdr.h.c) >> hdr.h.n;
        sm.egress_spec = 1;)"));
    ASSERT_TRUE(fe && fe->ir);
    Model m(*fe->ir);
    Result r = m.process({0, {0x80, 9, 0, 0, 0}});
    ASSERT_EQ(r.outputs.size(), 1u) << r.error;
    EXPECT_EQ(r.outputs[0].bytes[2], 0xff);
    EXPECT_EQ(r.outputs[0].bytes[3], 0);
    EXPECT_EQ(r.outputs[0].bytes[4], 0);
    r = m.process({0, {0x40, 9, 0, 0, 0}});
    EXPECT_EQ(r.outputs[0].bytes[2], 0);
}

TEST(ModelParser, RejectSetsParserErrorAndIngressStillRuns) {
    auto fe = compileText(inlineProgram("bit<8> a; bit<8> b;", "", R"(
        if (sm.parser_error == error.PacketTooShort) {
            sm.egress_spec = 5;
        } else {
            sm.egress_spec = 1;
        })"));
    ASSERT_TRUE(fe && fe->ir);
    Model m(*fe->ir);
    Result r = m.process({0, {1}});
    ASSERT_EQ(r.outputs.size(), 1u);
    EXPECT_EQ(r.outputs[0].port, 5u);
    EXPECT_EQ(r.outputs[0].bytes, (Bytes{1}));  // nothing extracted: all payload
    r = m.process({0, {1, 2, 3}});
    EXPECT_EQ(r.outputs.at(0).port, 1u);
    EXPECT_EQ(r.outputs[0].bytes, (Bytes{1, 2, 3}));
}

TEST(ModelParser, VerifyAndSelectNoMatch) {
    auto fe = compileText(inlineProgram("bit<8> a; bit<8> b;", "", R"(
        if (sm.parser_error == error.NoMatch) { sm.egress_spec = 2; }
        else if (sm.parser_error == error.HeaderTooShort) { sm.egress_spec = 3; }
        else { sm.egress_spec = 1; })",
                                        R"(verify(hdr.h.b != 0xee, error.HeaderTooShort);
        transition select(hdr.h.a) { 1: accept; 2: accept; 0x10 &&& 0xf0: accept; 5 .. 9: accept; }
    }
    state unused {)"));
    ASSERT_TRUE(fe && fe->ir);
    Model m(*fe->ir);
    EXPECT_EQ(m.process({0, {1, 0}}).outputs.at(0).port, 1u);
    EXPECT_EQ(m.process({0, {0x1c, 0}}).outputs.at(0).port, 1u);  // ternary case
    EXPECT_EQ(m.process({0, {7, 0}}).outputs.at(0).port, 1u);     // range case
    Result r = m.process({0, {3, 0}}, true);
    EXPECT_EQ(r.outputs.at(0).port, 2u);
    EXPECT_NE(traceText(r).find("select (3) -> no case matched"), std::string::npos)
        << traceText(r);
    EXPECT_EQ(m.process({0, {1, 0xee}}).outputs.at(0).port, 3u);
}

TEST(ModelParser, LookaheadAdvanceAndVarbit) {
    auto fe = compileText(std::string(kPrelude) + R"(
header h_t { bit<8> kind; bit<8> len; }
header opt_t { varbit<64> data; }
header tail_t { bit<8> v; }
struct headers { h_t h; opt_t opt; tail_t t; }
struct metadata { bit<8> peek; }
parser P(packet_in pkt, out headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    state start {
        meta.peek = pkt.lookahead<bit<8>>();
        pkt.extract(hdr.h);
        transition select(hdr.h.kind) { 1: parse_opt; 2: skip; default: accept; }
    }
    state parse_opt { pkt.extract(hdr.opt, (bit<32>)hdr.h.len * 8); transition parse_tail; }
    state skip { pkt.advance(16); transition parse_tail; }
    state parse_tail { pkt.extract(hdr.t); transition accept; }
}
control VC(inout headers hdr, inout metadata meta) { apply { } }
control I(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    apply { sm.egress_spec = (bit<9>)meta.peek; hdr.t.v = hdr.t.v + 1; }
}
control E(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata meta) { apply { } }
control D(packet_out pkt, in headers hdr) {
    apply { pkt.emit(hdr.h); pkt.emit(hdr.opt); pkt.emit(hdr.t); }
}
V1Switch(P(), VC(), I(), E(), CC(), D()) main;
)");
    ASSERT_TRUE(fe && fe->ir);
    Model m(*fe->ir);
    // Varbit of 3 bytes, then the tail byte, then payload; the varbit keeps its length.
    Result r = m.process({0, {1, 3, 0xa, 0xb, 0xc, 0x10, 0xee}});
    ASSERT_EQ(r.outputs.size(), 1u) << r.error;
    EXPECT_EQ(r.outputs[0].port, 1u);  // lookahead saw the first byte
    EXPECT_EQ(r.outputs[0].bytes, (Bytes{1, 3, 0xa, 0xb, 0xc, 0x11, 0xee}));
    // advance skips two bytes, which are not emitted again (they are before the cursor).
    r = m.process({0, {2, 0, 0x55, 0x66, 0x20, 0xee}});
    ASSERT_EQ(r.outputs.size(), 1u) << r.error;
    EXPECT_EQ(r.outputs[0].port, 2u);
    EXPECT_EQ(r.outputs[0].bytes, (Bytes{2, 0, 0x21, 0xee}));
    // A varbit longer than the packet: PacketTooShort, header h still emitted, rest payload.
    r = m.process({0, {1, 7, 0xa}}, true);
    ASSERT_EQ(r.outputs.size(), 1u) << r.error;
    EXPECT_EQ(r.outputs[0].bytes, (Bytes{1, 7, 0xa}));
    EXPECT_NE(traceText(r).find("reject with error.PacketTooShort"), std::string::npos);
}

TEST(ModelTables, TernaryPrioritiesStfLargerWinsBmv2SmallerWins) {
    auto fe = compileText(inlineProgram("bit<8> a; bit<8> b;", R"(
        action fwd(bit<9> port) { sm.egress_spec = port; }
        table t {
            key = { hdr.h.a: ternary; }
            actions = { fwd; NoAction; }
            default_action = NoAction();
        })",
                                        "t.apply();"));
    ASSERT_TRUE(fe && fe->ir);
    Model m(*fe->ir);
    stf(m, {"add t 10 a:0x1* fwd(port:1)", "add t 20 a:0x12 fwd(port:2)",
            "add t 5 a:0x** fwd(port:3)"});
    EXPECT_EQ(m.process({0, {0x12, 0}}).outputs.at(0).port, 2u);
    EXPECT_EQ(m.process({0, {0x13, 0}}).outputs.at(0).port, 1u);
    EXPECT_EQ(m.process({0, {0x23, 0}}).outputs.at(0).port, 3u);

    Model b(*fe->ir);
    bmv2(b, "table_add t fwd 0x10&&&0xf0 => 1 20");
    bmv2(b, "table_add t fwd 0x12&&&0xff => 2 10");
    EXPECT_EQ(b.process({0, {0x12, 0}}).outputs.at(0).port, 2u);  // 10 beats 20 in BMv2
    // Same match, same priority: a duplicate; another priority: a new entry.
    tables::ParseError pe;
    std::string error;
    auto dup = tables::parseBmv2Command(*fe->ir, "table_add t fwd 0x12&&&0xff => 3 10", {}, pe);
    ASSERT_TRUE(dup);
    EXPECT_FALSE(b.apply(*dup, error));
    auto other = tables::parseBmv2Command(*fe->ir, "table_add t fwd 0x12&&&0xff => 3 5", {}, pe);
    ASSERT_TRUE(other);
    EXPECT_TRUE(b.apply(*other, error)) << error;
    EXPECT_EQ(b.process({0, {0x12, 0}}).outputs.at(0).port, 3u);
}

TEST(ModelTables, RangeAndExactKeys) {
    auto fe = compileText(inlineProgram("bit<8> a; bit<16> b;", R"(
        action fwd(bit<9> port) { sm.egress_spec = port; }
        table t {
            key = { hdr.h.a: exact; hdr.h.b: range; }
            actions = { fwd; NoAction; }
            default_action = fwd(9);
        })",
                                        "t.apply();"));
    ASSERT_TRUE(fe && fe->ir);
    Model m(*fe->ir);
    bmv2(m, "table_add t fwd 1 1000->2000 => 1 1");
    bmv2(m, "table_add t fwd 1 1500->1600 => 2 0");
    EXPECT_EQ(m.process({0, {1, 0x03, 0xe8}}).outputs.at(0).port, 1u);  // 1000
    EXPECT_EQ(m.process({0, {1, 0x05, 0xdc}}).outputs.at(0).port, 2u);  // 1500
    EXPECT_EQ(m.process({0, {1, 0x07, 0xd1}}).outputs.at(0).port, 9u);  // 2001: default
    EXPECT_EQ(m.process({0, {2, 0x03, 0xe8}}).outputs.at(0).port, 9u);
}

TEST(ModelTables, ConstEntriesEarlierWinsAndCannotChange) {
    auto fe = compileText(inlineProgram("bit<8> a; bit<8> b;", R"(
        action fwd(bit<9> port) { sm.egress_spec = port; }
        table t {
            key = { hdr.h.a: ternary; }
            actions = { fwd; NoAction; }
            const entries = {
                0x10 &&& 0xf0: fwd(1);
                0x12: fwd(2);
                _: fwd(3);
            }
            const default_action = NoAction();
        })",
                                        "t.apply();"));
    ASSERT_TRUE(fe && fe->ir);
    Model m(*fe->ir);
    EXPECT_EQ(m.process({0, {0x12, 0}}).outputs.at(0).port, 1u);
    EXPECT_EQ(m.process({0, {0x22, 0}}).outputs.at(0).port, 3u);
    tables::ParseError pe;
    std::string error;
    auto add = tables::parseBmv2Command(*fe->ir, "table_add t fwd 0x12&&&0xff => 2 1", {}, pe);
    ASSERT_TRUE(add) << pe.str();
    EXPECT_FALSE(m.apply(*add, error));
    EXPECT_EQ(error, "table 'I.t' has const entries: entries cannot be added");
    auto def = tables::parseBmv2Command(*fe->ir, "table_set_default t fwd 4", {}, pe);
    EXPECT_FALSE(def);
    EXPECT_EQ(pe.message, "the default action of table 'I.t' is const");
}

TEST(ModelControl, ExitSkipsTheRestAndActionRunSwitch) {
    auto fe = compileText(inlineProgram("bit<8> a; bit<8> b;", R"(
        action stop() { sm.egress_spec = 4; exit; }
        action go() { }
        table t {
            key = { hdr.h.a: exact; }
            actions = { stop; go; }
            default_action = go();
        })",
                                        R"(
        sm.egress_spec = 1;
        switch (t.apply().action_run) {
            go: { hdr.h.b = 0x77; }
        }
        sm.egress_spec = 2;)"));
    ASSERT_TRUE(fe && fe->ir);
    Model m(*fe->ir);
    bmv2(m, "table_add t stop 5 =>");
    Result r = m.process({0, {5, 0}});
    EXPECT_EQ(r.outputs.at(0).port, 4u);
    EXPECT_EQ(r.outputs[0].bytes, (Bytes{5, 0}));
    r = m.process({0, {6, 0}});
    EXPECT_EQ(r.outputs.at(0).port, 2u);
    EXPECT_EQ(r.outputs[0].bytes, (Bytes{6, 0x77}));
}

TEST(ModelControl, MarkToDropInEgressDropsAfterEgress) {
    auto fe = compileText(inlineProgram("bit<8> a; bit<8> b;", "", "sm.egress_spec = 3;", "",
                                        "if (hdr.h.a == 1) { mark_to_drop(sm); }"));
    ASSERT_TRUE(fe && fe->ir);
    Model m(*fe->ir);
    Result r = m.process({0, {1, 0}});
    EXPECT_EQ(r.decision.kind, Decision::Kind::Drop);
    EXPECT_EQ(r.decision.reason, "mark_to_drop in egress");
    EXPECT_EQ(m.process({0, {2, 0}}).outputs.at(0).port, 3u);
}

TEST(ModelControl, EgressSpec511ByAssignmentDrops) {
    auto fe = compileText(inlineProgram("bit<8> a; bit<8> b;", "", "sm.egress_spec = 511;"));
    ASSERT_TRUE(fe && fe->ir);
    Model m(*fe->ir);
    Result r = m.process({0, {1, 0}});
    EXPECT_EQ(r.decision.kind, Decision::Kind::Drop);
    EXPECT_EQ(r.decision.reason, "egress_spec 511");
}

TEST(ModelChecksum, VerifyWithPayloadAndUpdate) {
    // csum16 over a 12-bit + 4-bit field pair and the payload; the update writes it back.
    std::string text = std::string(kPrelude) + R"(
header h_t { bit<12> x; bit<4> y; bit<16> csum; }
struct headers { h_t h; }
struct metadata { }
parser P(packet_in pkt, out headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    state start { pkt.extract(hdr.h); transition accept; }
}
control VC(inout headers hdr, inout metadata meta) {
    apply {
        verify_checksum_with_payload(hdr.h.isValid(), { hdr.h.x, hdr.h.y }, hdr.h.csum,
                                     HashAlgorithm.csum16);
    }
}
control I(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    apply {
        sm.egress_spec = (bit<9>)sm.checksum_error + 1;
        hdr.h.y = 0;
    }
}
control E(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata meta) {
    apply {
        update_checksum_with_payload(hdr.h.isValid(), { hdr.h.x, hdr.h.y }, hdr.h.csum,
                                     HashAlgorithm.csum16);
    }
}
control D(packet_out pkt, in headers hdr) { apply { pkt.emit(hdr.h); } }
V1Switch(P(), VC(), I(), E(), CC(), D()) main;
)";
    auto fe = compileText(text);
    ASSERT_TRUE(fe && fe->ir);
    Model m(*fe->ir);
    Bytes in = {0xab, 0xc5, 0, 0, 0x11, 0x22, 0x33};
    Bytes data = {0xab, 0xc5, 0x11, 0x22, 0x33};
    put16(in, 2, rfc1071(data, 0, data.size()));
    Result r = m.process({0, in}, true);
    ASSERT_EQ(r.outputs.size(), 1u) << r.error;
    EXPECT_EQ(r.outputs[0].port, 1u) << traceText(r);  // checksum_error 0
    Bytes expect = {0xab, 0xc0, 0, 0, 0x11, 0x22, 0x33};
    Bytes expectData = {0xab, 0xc0, 0x11, 0x22, 0x33};
    put16(expect, 2, rfc1071(expectData, 0, expectData.size()));
    EXPECT_EQ(r.outputs[0].bytes, expect);
    in[6] ^= 1;  // payload corrupted
    r = m.process({0, in}, true);
    EXPECT_EQ(r.outputs.at(0).port, 2u);
    EXPECT_NE(traceText(r).find("MISMATCH"), std::string::npos);
}

}  // namespace
}  // namespace hop::sim
