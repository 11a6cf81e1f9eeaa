// SPDX-License-Identifier: Apache-2.0
// The reference interpreter's random, log_msg, assert and assume (README: "random, log_msg,
// assert, assume"): random's values stay in their bounds and cover them evenly, repeat from one
// model to the next, and follow the documented definition (the CRC-32 of the sequence number
// and the call's number, checked against the catalogue's CRC-32 through zlib's crc32, which
// hopline does not use); log_msg shows in the trace with its values; a failed assert or assume
// drops the packet with its location and the model goes on.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "driver/compile.hpp"
#include "sim/model/model.hpp"
#include "source/preprocess.hpp"
#include "tests/sim/compile_text.hpp"

namespace hop::sim {
namespace {

using Bytes = std::vector<uint8_t>;

using test::compileText;

// One 4-byte header `a b c d`; BODY is the ingress apply block's statements.
std::string program(const std::string& body) {
    return R"(#include <core.p4>
#include <v1model.p4>
header h_t { bit<8> a; bit<8> b; bit<8> c; bit<8> d; }
struct headers_t { h_t h; }
struct meta_t { }
parser P(packet_in pkt, out headers_t hdr, inout meta_t m, inout standard_metadata_t sm) {
    state start { pkt.extract(hdr.h); transition accept; }
}
control VC(inout headers_t hdr, inout meta_t m) { apply { } }
control I(inout headers_t hdr, inout meta_t m, inout standard_metadata_t sm) {
    apply {
        sm.egress_spec = 1;
)" + body + R"(
    }
}
control E(inout headers_t hdr, inout meta_t m, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t hdr, inout meta_t m) { apply { } }
control D(packet_out pkt, in headers_t hdr) { apply { pkt.emit(hdr.h); } }
V1Switch(P(), VC(), I(), E(), CC(), D()) main;
)";
}

// The documented R: CRC-32/ISO-HDLC over the sequence number (4 bytes) and the call (2 bytes).
uint32_t documentedR(uint32_t seq, uint16_t call) {
    const Bytes b{static_cast<uint8_t>(seq >> 24), static_cast<uint8_t>(seq >> 16),
                  static_cast<uint8_t>(seq >> 8),  static_cast<uint8_t>(seq),
                  static_cast<uint8_t>(call >> 8), static_cast<uint8_t>(call)};
    return static_cast<uint32_t>(crc32(0, b.data(), static_cast<uInt>(b.size())));
}

TEST(ModelRandom, BoundsEvenCoverageAndTheDocumentedDefinition) {
    auto fe = compileText(program(R"(
        random(hdr.h.a, 8w10, 8w12);
        random(hdr.h.b, 8w0, 8w255);
        random(hdr.h.c, 8w7, 8w7);
        random(hdr.h.d, 8w200, 8w100);)"));
    ASSERT_TRUE(fe);
    Model m(*fe->ir), again(*fe->ir);
    std::map<int, int> seen;
    constexpr int kPackets = 3000;
    for (uint32_t seq = 0; seq < kPackets; ++seq) {
        const Result r = m.process({0, Bytes(4, 0), 0});
        ASSERT_EQ(r.outputs.size(), 1u) << r.error;
        const Bytes& o = r.outputs[0].bytes;
        ASSERT_GE(o[0], 10);
        ASSERT_LE(o[0], 12);
        ++seen[o[0]];
        EXPECT_EQ(o[0], 10 + documentedR(seq, 0) % 3) << "packet " << seq;
        EXPECT_EQ(o[1], documentedR(seq, 1) % 256) << "packet " << seq;
        EXPECT_EQ(o[2], 7);
        EXPECT_EQ(o[3], 200);                                                  // lo > hi: lo
        EXPECT_EQ(again.process({0, Bytes(4, 0), 0}).outputs.at(0).bytes, o);  // repeatable
    }
    // Even: each of the three values about a third of the time.
    for (int v = 10; v <= 12; ++v) {
        EXPECT_GT(seen[v], kPackets / 3 - kPackets / 20) << v;
        EXPECT_LT(seen[v], kPackets / 3 + kPackets / 20) << v;
    }
}

TEST(ModelRandom, RunTimeBounds) {
    auto fe = compileText(program("random(hdr.h.c, hdr.h.a, hdr.h.b);"));
    ASSERT_TRUE(fe);
    Model m(*fe->ir);
    for (uint32_t seq = 0; seq < 500; ++seq) {
        const uint8_t lo = static_cast<uint8_t>(seq * 37), hi = static_cast<uint8_t>(seq * 91);
        const Result r = m.process({0, Bytes{lo, hi, 0, 0}, 0});
        ASSERT_EQ(r.outputs.size(), 1u) << r.error;
        const uint8_t c = r.outputs[0].bytes[2];
        if (lo > hi) {
            EXPECT_EQ(c, lo);
        } else {
            EXPECT_EQ(c, lo + documentedR(seq, 0) % (hi - lo + 1)) << "packet " << seq;
        }
    }
}

TEST(ModelLog, MessageWithValuesInTheTrace) {
    auto fe = compileText(program(R"(
        log_msg("plain");
        log_msg("a={} b={} extra {}", { hdr.h.a, hdr.h.b });
        log_msg("one {}", hdr.h.c);)"));
    ASSERT_TRUE(fe);
    Model m(*fe->ir);
    const Result r = m.process({0, Bytes{1, 200, 3, 4}, 0}, /*trace=*/true);
    std::string notes;
    for (const auto& e : r.trace) notes += e.text + "\n";
    EXPECT_NE(notes.find("log_msg: plain\n"), std::string::npos) << notes;
    EXPECT_NE(notes.find("log_msg: a=1 b=200 extra {}\n"), std::string::npos) << notes;
    EXPECT_NE(notes.find("log_msg: one 3\n"), std::string::npos) << notes;
    ASSERT_EQ(r.outputs.size(), 1u);
}

TEST(ModelCheck, FailedAssertDropsWithItsLocationAndTheModelGoesOn) {
    auto fe = compileText(program(R"(
        assert(hdr.h.a != 1);
        assume(hdr.h.b != 2);)"));
    ASSERT_TRUE(fe);
    Model m(*fe->ir);
    Result ok = m.process({0, Bytes{0, 0, 0, 0}, 0});
    EXPECT_EQ(ok.error, "");
    EXPECT_EQ(ok.outputs.size(), 1u);
    Result bad = m.process({0, Bytes{1, 0, 0, 0}, 0});
    EXPECT_TRUE(bad.outputs.empty());
    EXPECT_EQ(bad.decision.kind, Decision::Kind::Drop);
    EXPECT_NE(bad.error.find("assert at "), std::string::npos) << bad.error;
    EXPECT_NE(bad.error.find(".p4:14:"), std::string::npos) << bad.error;  // its line
    EXPECT_NE(bad.error.find(" failed"), std::string::npos) << bad.error;
    Result bad2 = m.process({0, Bytes{0, 2, 0, 0}, 0});
    EXPECT_NE(bad2.error.find("assume at "), std::string::npos) << bad2.error;
    Result after = m.process({0, Bytes{0, 0, 0, 0}, 0});
    EXPECT_EQ(after.error, "");
    EXPECT_EQ(after.outputs.size(), 1u);
}

}  // namespace
}  // namespace hop::sim
