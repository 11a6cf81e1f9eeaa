// SPDX-License-Identifier: Apache-2.0
// v1model's digest on the reference interpreter, as v1model.p4 documents it for BMv2
// simple_switch: the values are those at the time of the call, even when ingress changes them
// later; simple_switch keeps one learn list per packet (the last call's) and sends it after
// ingress whatever happens to the packet; only ingress may call digest. The P4Info entry is
// p4c's: a digest named by its struct type, whose members type_info lists.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "driver/compile.hpp"
#include "p4info/p4info.hpp"
#include "sim/model/model.hpp"
#include "source/preprocess.hpp"
#include "tests/sim/compile_text.hpp"

namespace hop::sim {
namespace {

using Bytes = std::vector<uint8_t>;

using test::compileText;
using test::diagnostics;

// One 4-byte header `a b c d`; INGRESS and EGRESS are the apply blocks' statements.
std::string program(const std::string& ingress, const std::string& egress = "") {
    return R"(#include <core.p4>
#include <v1model.p4>
header h_t { bit<8> a; bit<8> b; bit<8> c; bit<8> d; }
struct headers_t { h_t h; }
struct meta_t { bit<8> x; }
struct ab_t { bit<8> a; bit<8> b; }
struct cd_t { bit<8> c; bit<9> port; }
parser P(packet_in pkt, out headers_t hdr, inout meta_t m, inout standard_metadata_t sm) {
    state start { pkt.extract(hdr.h); transition accept; }
}
control VC(inout headers_t hdr, inout meta_t m) { apply { } }
control I(inout headers_t hdr, inout meta_t m, inout standard_metadata_t sm) {
    apply {
        sm.egress_spec = 1;
)" + ingress +
           R"(
    }
}
control E(inout headers_t hdr, inout meta_t m, inout standard_metadata_t sm) { apply { )" +
           egress + R"( } }
control CC(inout headers_t hdr, inout meta_t m) { apply { } }
control D(packet_out pkt, in headers_t hdr) { apply { pkt.emit(hdr.h); } }
V1Switch(P(), VC(), I(), E(), CC(), D()) main;
)";
}

TEST(ModelDigest, ValuesAsOfTheCall) {
    auto fe = compileText(program(R"(
        digest<ab_t>(1, {hdr.h.a, hdr.h.b});
        hdr.h.a = 99;)"));
    ASSERT_TRUE(fe);
    Model m(*fe->ir);
    const Result r = m.process({3, Bytes{1, 2, 3, 4}, 0});
    ASSERT_EQ(r.outputs.size(), 1u) << r.error;
    EXPECT_EQ(r.outputs[0].bytes[0], 99);
    ASSERT_EQ(r.digests.size(), 1u);
    EXPECT_EQ(fe->ir->digests.at(r.digests[0].digest).name, "ab_t");
    EXPECT_EQ(r.digests[0].values, (std::vector<ir::BigInt>{1, 2}));
    EXPECT_EQ(digestLine(*fe->ir, r.digests[0]), "ab_t a=0x1 b=0x2");
}

TEST(ModelDigest, OnlyWhenCalledAndTheLastCallWins) {
    auto fe = compileText(program(R"(
        if (hdr.h.a == 1) {
            digest<ab_t>(1, {hdr.h.a, hdr.h.b});
        }
        if (hdr.h.c == 1) {
            digest<cd_t>(2, {c = hdr.h.d, port = sm.ingress_port});
        })"));
    ASSERT_TRUE(fe);
    Model m(*fe->ir);
    EXPECT_TRUE(m.process({3, Bytes{0, 2, 0, 4}, 0}).digests.empty());
    Result one = m.process({3, Bytes{1, 2, 0, 4}, 0});
    ASSERT_EQ(one.digests.size(), 1u);
    EXPECT_EQ(digestLine(*fe->ir, one.digests[0]), "ab_t a=0x1 b=0x2");
    Result last = m.process({3, Bytes{1, 2, 1, 4}, 0});
    ASSERT_EQ(last.digests.size(), 1u);  // simple_switch: one learn list per packet
    EXPECT_EQ(digestLine(*fe->ir, last.digests[0]), "cd_t c=0x4 port=0x3");
}

TEST(ModelDigest, SentWhenThePacketIsDroppedAndFromAStructValue) {
    auto fe = compileText(program(R"(
        ab_t v = {a = hdr.h.d, b = 7};
        digest(32w0, v);
        mark_to_drop(sm);)"));
    ASSERT_TRUE(fe);
    Model m(*fe->ir);
    const Result r = m.process({0, Bytes{1, 2, 3, 4}, 0});
    EXPECT_TRUE(r.outputs.empty());
    ASSERT_EQ(r.digests.size(), 1u);
    EXPECT_EQ(digestLine(*fe->ir, r.digests[0]), "ab_t a=0x4 b=0x7");
}

TEST(ModelDigest, OnlyInIngressAndOnlyOfAStruct) {
    auto egress = compileText(program("", "digest<ab_t>(1, {hdr.h.a, hdr.h.b});"), false);
    ASSERT_TRUE(egress);
    EXPECT_FALSE(egress->ok);
    EXPECT_NE(diagnostics(*egress).find(":18:"),  // the call's line, in E
              std::string::npos)
        << diagnostics(*egress);
    EXPECT_NE(diagnostics(*egress).find("digest is only supported in the ingress control"),
              std::string::npos);
    auto scalar = compileText(program("digest(1, hdr.h.a);"), false);
    ASSERT_TRUE(scalar);
    EXPECT_FALSE(scalar->ok);
    EXPECT_NE(diagnostics(*scalar).find("a digest whose type bit<8> is not a struct"),
              std::string::npos)
        << diagnostics(*scalar);
}

TEST(ModelDigest, P4InfoAsP4cWritesIt) {
    auto fe = compileText(program(R"(
        digest<cd_t>(1, {hdr.h.c, sm.ingress_port});
        digest<cd_t>(1, {hdr.h.d, sm.ingress_port});)"));
    ASSERT_TRUE(fe);
    ASSERT_EQ(fe->ir->digests.size(), 1u);  // one digest per type, however many calls
    const nlohmann::json info = p4info::p4infoJson(*fe->ir);
    ASSERT_EQ(info["digests"].size(), 1u);
    const auto& d = info["digests"][0];
    EXPECT_EQ(d["preamble"]["name"], "cd_t");
    EXPECT_EQ(d["preamble"]["alias"], "cd_t");
    EXPECT_EQ(d["preamble"]["id"].get<uint32_t>() >> 24, 0x17u);  // P4Ids.Prefix DIGEST
    EXPECT_EQ(d["preamble"]["id"].get<uint32_t>() & 0xffffffu,
              p4info::nameHash("cd_t") & 0xffffffu);
    EXPECT_EQ(d["typeSpec"], nlohmann::json::parse(R"({"struct": {"name": "cd_t"}})"));
    EXPECT_EQ(info["typeInfo"]["structs"]["cd_t"], nlohmann::json::parse(R"({"members": [
        {"name": "c", "typeSpec": {"bitstring": {"bit": {"bitwidth": 8}}}},
        {"name": "port", "typeSpec": {"bitstring": {"bit": {"bitwidth": 9}}}}]})"));
}

}  // namespace
}  // namespace hop::sim
