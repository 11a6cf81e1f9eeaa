// SPDX-License-Identifier: Apache-2.0
// The reference interpreter on hand-made packets: the examples (basic, router, tunnel, acl) and
// inline programs for the corners of v1model and P4 arithmetic. Checksums are checked against
// an RFC 1071 computation written here independently of the model.
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

namespace hop::sim {
namespace {

using Bytes = std::vector<uint8_t>;

// --- programs ----------------------------------------------------------------------------

std::unique_ptr<Frontend> compileFile(const std::string& path) {
    PreprocessOptions pp;
    pp.p4includeDir = std::string(HOP_SOURCE_DIR) + "/p4include";
    std::string error;
    auto source = preprocess(path, pp, error);
    EXPECT_TRUE(source.has_value()) << error;
    if (!source) return nullptr;
    auto fe = runFrontend(std::move(*source), {.languageOnly = false, .name = programName(path)});
    std::ostringstream diags;
    fe->diags->print(diags);
    EXPECT_TRUE(fe->ok) << diags.str();
    return fe;
}

std::unique_ptr<Frontend> compileExample(const std::string& name) {
    return compileFile(std::string(HOP_SOURCE_DIR) + "/examples/" + name + ".p4");
}

std::unique_ptr<Frontend> compileText(const std::string& text) {
    static int counter = 0;
    std::string path = ::testing::TempDir() + "/model_test_" + std::to_string(getpid()) + "_" +
                       std::to_string(++counter) + ".p4";
    std::ofstream(path) << text;
    return compileFile(path);
}

// Applies STF `add`/`setdefault` lines; fails the test on any error.
void stf(Model& m, const std::vector<std::string>& lines) {
    for (const auto& line : lines) {
        tables::ParseError err;
        auto cmd = tables::parseStfTableCommand(m.program(), line, {"test.stf", 1, 1}, err);
        ASSERT_TRUE(cmd.has_value()) << err.str();
        std::string error;
        ASSERT_TRUE(m.apply(*cmd, error)) << line << ": " << error;
    }
}

int bmv2(Model& m, const std::string& line) {
    tables::ParseError err;
    auto cmd = tables::parseBmv2Command(m.program(), line, {"cmds.txt", 1, 1}, err);
    EXPECT_TRUE(cmd.has_value()) << err.str();
    if (!cmd) return -1;
    std::string error;
    int handle = -1;
    EXPECT_TRUE(m.apply(*cmd, error, &handle)) << line << ": " << error;
    return handle;
}

// --- packets -----------------------------------------------------------------------------

// RFC 1071, written as the RFC's sample code does it: a 32-bit accumulator of 16-bit words,
// folded once at the end.
uint16_t rfc1071(const Bytes& data, size_t from, size_t count) {
    uint32_t sum = 0;
    size_t i = from;
    for (; count > 1; count -= 2, i += 2) sum += (data[i] << 8) | data[i + 1];
    if (count > 0) sum += data[i] << 8;
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(~sum);
}

void put16(Bytes& b, size_t at, uint16_t v) {
    b[at] = static_cast<uint8_t>(v >> 8);
    b[at + 1] = static_cast<uint8_t>(v);
}
uint16_t get16(const Bytes& b, size_t at) {
    return static_cast<uint16_t>((b[at] << 8) | b[at + 1]);
}

struct Ipv4Options {
    uint8_t ttl = 64;
    uint8_t protocol = 17;
    uint32_t src = 0xc0000201;  // 192.0.2.1
    uint32_t dst = 0xc6336405;  // 198.51.100.5
    uint8_t version = 4;
    uint8_t ihl = 5;
    size_t payload = 8;
    bool badChecksum = false;
    int totalLenDelta = 0;
};

const Bytes kMacA = {0x02, 0, 0, 0, 0, 0x0a};
const Bytes kMacB = {0x02, 0, 0, 0, 0, 0x0b};

Bytes ethernet(const Bytes& dst, const Bytes& src, uint16_t type) {
    Bytes b(dst);
    b.insert(b.end(), src.begin(), src.end());
    b.push_back(static_cast<uint8_t>(type >> 8));
    b.push_back(static_cast<uint8_t>(type));
    return b;
}

Bytes ipv4Packet(const Ipv4Options& o, const Bytes& dstMac = kMacA, const Bytes& srcMac = kMacB) {
    Bytes b = ethernet(dstMac, srcMac, 0x0800);
    const size_t ip = b.size();
    const size_t hlen = o.ihl * 4u < 20 ? 20 : o.ihl * 4u;
    b.resize(ip + hlen, 0);
    b[ip] = static_cast<uint8_t>((o.version << 4) | o.ihl);
    put16(b, ip + 2, static_cast<uint16_t>(hlen + o.payload + o.totalLenDelta));
    put16(b, ip + 4, 0x1234);
    b[ip + 8] = o.ttl;
    b[ip + 9] = o.protocol;
    for (int i = 0; i < 4; ++i) {
        b[ip + 12 + i] = static_cast<uint8_t>(o.src >> (24 - 8 * i));
        b[ip + 16 + i] = static_cast<uint8_t>(o.dst >> (24 - 8 * i));
    }
    put16(b, ip + 10, static_cast<uint16_t>(rfc1071(b, ip, hlen) ^ (o.badChecksum ? 0x55 : 0)));
    for (size_t i = 0; i < o.payload; ++i) b.push_back(static_cast<uint8_t>(0xa0 + i));
    return b;
}

// The IPv4 header checksum is right when the sum over the header, checksum included, is 0.
bool ipv4ChecksumOk(const Bytes& b, size_t ip = 14) { return rfc1071(b, ip, 20) == 0; }

std::string traceText(const Result& r) {
    std::string out;
    for (const auto& e : r.trace) out += e.text + "\n";
    return out;
}

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

// --- router.p4 ---------------------------------------------------------------------------

class RouterTest : public ::testing::Test {
  protected:
    void SetUp() override {
        fe_ = compileExample("router");
        ASSERT_TRUE(fe_ && fe_->ir);
        model_ = std::make_unique<Model>(*fe_->ir);
        stf(*model_, {"add port_mac ingress_port:1 set_port_mac(mac:02:00:00:00:00:0a)",
                      "add port_mac ingress_port:2 set_port_mac(mac:02:00:00:00:00:0b)",
                      "add local_addr dstAddr:192.0.2.254 local_hit()",
                      "add ipv4_lpm dstAddr:198.51.100.0/24 set_nexthop(nexthop_id:7)",
                      "add ipv4_lpm dstAddr:203.0.113.0/24 set_nexthop(nexthop_id:9)",
                      "add nexthop nexthop_id:7 set_nexthop_l2(dmac:02:00:00:00:00:77, "
                      "smac:02:00:00:00:00:0b, port:2)"});
    }
    // Runs a packet that must be punted; checks packet_in and that the frame follows intact.
    void expectPunt(const Bytes& in, int reason) {
        Result r = model_->process({1, in}, true);
        ASSERT_EQ(r.decision.kind, Decision::Kind::Punt) << traceText(r);
        EXPECT_EQ(r.decision.reason, std::to_string(reason));
        EXPECT_EQ(r.decision.egressPort, 510u);
        ASSERT_EQ(r.outputs.size(), 1u);
        const Bytes& out = r.outputs[0].bytes;
        ASSERT_EQ(out.size(), in.size() + 2);
        EXPECT_EQ(get16(out, 0), (1u << 7) | reason);  // ingress_port 1, reason
        EXPECT_EQ(Bytes(out.begin() + 2, out.end()), in);
    }
    std::unique_ptr<Frontend> fe_;
    std::unique_ptr<Model> model_;
};

TEST_F(RouterTest, RoutesWithTtlAndChecksum) {
    Bytes in = ipv4Packet({.ttl = 10});
    Result r = model_->process({1, in}, true);
    ASSERT_EQ(r.decision.kind, Decision::Kind::Forward) << traceText(r);
    const Bytes& out = r.outputs.at(0).bytes;
    EXPECT_EQ(r.outputs[0].port, 2u);
    EXPECT_EQ(Bytes(out.begin(), out.begin() + 6), (Bytes{2, 0, 0, 0, 0, 0x77}));
    EXPECT_EQ(Bytes(out.begin() + 6, out.begin() + 12), kMacB);
    EXPECT_EQ(out[22], 9);
    EXPECT_TRUE(ipv4ChecksumOk(out));
}

TEST_F(RouterTest, PuntsArp) {
    Bytes arp = ethernet({0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, kMacB, 0x0806);
    for (int i = 0; i < 28; ++i) arp.push_back(static_cast<uint8_t>(i));
    expectPunt(arp, 1);
}

TEST_F(RouterTest, PuntsLocal) { expectPunt(ipv4Packet({.dst = 0xc00002fe}), 2); }

TEST_F(RouterTest, PuntsTtlExpiry) { expectPunt(ipv4Packet({.ttl = 1}), 3); }

TEST_F(RouterTest, PuntsNoRoute) { expectPunt(ipv4Packet({.dst = 0x0a000001}), 4); }

TEST_F(RouterTest, PuntsUnresolvedNexthop) { expectPunt(ipv4Packet({.dst = 0xcb007105}), 5); }

TEST_F(RouterTest, PuntsAboveMtu) {
    stf(*model_, {"add egress_mtu out_port:2 set_mtu(mtu:100)"});
    expectPunt(ipv4Packet({.payload = 100}), 6);
    EXPECT_EQ(model_->process({1, ipv4Packet({.payload = 80})}).decision.kind,
              Decision::Kind::Forward);
}

TEST_F(RouterTest, PuntsOptions) {
    // IHL 6: the checksum is not verified by the pipeline (options stay in the payload).
    expectPunt(ipv4Packet({.ihl = 6}), 7);
}

TEST_F(RouterTest, PacketOutGoesToTheNamedPortWithoutItsHeader) {
    Bytes frame = ipv4Packet({});
    Bytes in = {static_cast<uint8_t>(3 >> 1), static_cast<uint8_t>((3 & 1) << 7)};
    in.insert(in.end(), frame.begin(), frame.end());
    Result r = model_->process({510, in});
    ASSERT_EQ(r.decision.kind, Decision::Kind::Forward);
    EXPECT_EQ(r.outputs.at(0).port, 3u);
    EXPECT_EQ(r.outputs[0].bytes, frame);
}

TEST_F(RouterTest, DropsMalformedIpv4) {
    for (const Ipv4Options& o : {Ipv4Options{.badChecksum = true}, Ipv4Options{.version = 6},
                                 Ipv4Options{.ihl = 4}, Ipv4Options{.totalLenDelta = 10}}) {
        Result r = model_->process({1, ipv4Packet(o)}, true);
        EXPECT_EQ(r.decision.kind, Decision::Kind::Drop) << traceText(r);
        EXPECT_EQ(r.decision.reason, "mark_to_drop in ingress");
    }
}

TEST_F(RouterTest, DropsFramesNotForUs) {
    Result r = model_->process({1, ipv4Packet({}, kMacB, kMacA)});
    EXPECT_EQ(r.decision.kind, Decision::Kind::Drop);
    r = model_->process({3, ipv4Packet({})});  // no port_mac entry for port 3
    EXPECT_EQ(r.decision.kind, Decision::Kind::Drop);
}

// --- tunnel.p4 ---------------------------------------------------------------------------

TEST(TunnelTest, EncapThenDecapGivesTheOriginal) {
    auto fe = compileExample("tunnel");
    ASSERT_TRUE(fe && fe->ir);
    Model entry(*fe->ir), exit(*fe->ir);
    stf(entry, {"add ipv4_lpm dstAddr:198.51.100.0/24 myTunnel_ingress(dst_id:5)",
                "add myTunnel_exact dst_id:5 myTunnel_forward(port:2)"});
    stf(exit, {"add myTunnel_exact dst_id:5 myTunnel_egress(dstAddr:02:00:00:00:00:0a, port:3)"});
    Bytes original = ipv4Packet({});
    Result r1 = entry.process({1, original}, true);
    ASSERT_EQ(r1.outputs.size(), 1u) << traceText(r1);
    const Bytes& tunnelled = r1.outputs[0].bytes;
    EXPECT_EQ(r1.outputs[0].port, 2u);
    ASSERT_EQ(tunnelled.size(), original.size() + 4);
    EXPECT_EQ(get16(tunnelled, 12), 0x1212);
    EXPECT_EQ(get16(tunnelled, 14), 0x0800);  // proto_id
    EXPECT_EQ(get16(tunnelled, 16), 5);       // dst_id
    Result r2 = exit.process({2, tunnelled}, true);
    ASSERT_EQ(r2.outputs.size(), 1u) << traceText(r2);
    EXPECT_EQ(r2.outputs[0].port, 3u);
    EXPECT_EQ(r2.outputs[0].bytes, original);
}

// --- acl.p4 ------------------------------------------------------------------------------

class AclTest : public ::testing::Test {
  protected:
    void SetUp() override {
        fe_ = compileExample("acl");
        ASSERT_TRUE(fe_ && fe_->ir);
        model_ = std::make_unique<Model>(*fe_->ir);
        stf(*model_, {"add ipv4_lpm dstAddr:0x******** ipv4_forward(dstAddr:0x1, port:1)"});
    }
    // A TCP or UDP packet with the given ports.
    Result send(uint8_t proto, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport) {
        Bytes b = ipv4Packet(
            {.protocol = proto, .src = src, .dst = dst, .payload = proto == 6 ? 20u : 8u});
        put16(b, 34, sport);
        put16(b, 36, dport);
        return model_->process({0, b}, true);
    }
    std::unique_ptr<Frontend> fe_;
    std::unique_ptr<Model> model_;
};

TEST_F(AclTest, HigherConstPriorityWins) {
    // SSH to 192.0.2.0/24: permitted from 198.51.100.0/24 (priority 100), denied otherwise (90).
    Result r = send(6, 0xc6336407, 0xc0000209, 40000, 22);
    EXPECT_EQ(r.decision.kind, Decision::Kind::Forward) << traceText(r);
    r = send(6, 0x0a000001, 0xc0000209, 40000, 22);
    EXPECT_EQ(r.decision.kind, Decision::Kind::Drop) << traceText(r);
}

TEST_F(AclTest, RangesOfUdpPorts) {
    EXPECT_EQ(send(17, 0x0a000001, 0x0a000002, 5000, 53).decision.kind, Decision::Kind::Forward);
    EXPECT_EQ(send(17, 0x0a000001, 0x0a000002, 5000, 80).decision.kind, Decision::Kind::Drop);
    EXPECT_EQ(send(17, 0x0a000001, 0x0a000002, 5000, 8080).decision.kind, Decision::Kind::Forward);
    EXPECT_EQ(send(6, 0xcb007101, 0x0a000002, 5000, 8080).decision.kind, Decision::Kind::Drop);
}

TEST_F(AclTest, ClassifyFirstConstEntryWins) {
    // TCP to port 80 is class 1; the hit sets the low diffserv bit.
    Result r = send(6, 0x0a000001, 0x0a000002, 5000, 80);
    ASSERT_EQ(r.outputs.size(), 1u);
    EXPECT_EQ(r.outputs[0].bytes[15], 1);
    EXPECT_TRUE(ipv4ChecksumOk(r.outputs[0].bytes));
    EXPECT_NE(traceText(r).find("MyIngress.set_class(cls=1)"), std::string::npos) << traceText(r);
}

}  // namespace
}  // namespace hop::sim
