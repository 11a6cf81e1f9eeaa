// SPDX-License-Identifier: Apache-2.0
// The Verilog backend's hash with a run-time max (compiler/src/verilog/runtime_modulo.cpp):
// the load_balance tutorial builds, and the division adds its stages (two remainder bits a
// stage); a result the same action uses again after the hash and a 64-bit identity hash are
// located refusals. And what the backend says of log_msg, assert and assume (warnings: left
// out, compiled out), and random and truncate building.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "driver/compile.hpp"
#include "source/preprocess.hpp"
#include "verilog/backend.hpp"

namespace hop {
namespace {

struct Built {
    bool ok = false;
    int latency = 0;
    std::string diagnostics;
};

Built build(const std::string& path) {
    PreprocessOptions pp;
    pp.p4includeDir = std::string(HOP_SOURCE_DIR) + "/p4include";
    std::string error;
    auto source = preprocess(path, pp, error);
    EXPECT_TRUE(source.has_value()) << error;
    Built b;
    if (!source) return b;
    auto fe = runFrontend(std::move(*source), {.languageOnly = false, .name = programName(path)});
    EXPECT_TRUE(fe && fe->ok) << path;
    if (!fe || !fe->ok) return b;
    Diagnostics d(fe->source.get());
    auto out = verilog::generate(*fe->ir, {.dataWidth = 64}, d);
    b.ok = out.has_value();
    if (out) b.latency = out->latency;
    std::ostringstream os;
    d.print(os);
    b.diagnostics = os.str();
    return b;
}

// A program whose ingress is `body` (locals and apply), written to a temporary file.
std::string program(const std::string& name, const std::string& body) {
    const std::string path = ::testing::TempDir() + "/runtime_modulo_test_" + name + "_" +
                             std::to_string(getpid()) + ".p4";
    std::ofstream(path) << R"(#include <core.p4>
#include <v1model.p4>
header h_t { bit<16> a; bit<16> b; bit<32> c; }
struct headers { h_t h; }
struct metadata { }
parser P(packet_in p, out headers hdr, inout metadata m, inout standard_metadata_t sm) {
    state start { p.extract(hdr.h); transition accept; }
}
control VC(inout headers hdr, inout metadata m) { apply { } }
control I(inout headers hdr, inout metadata m, inout standard_metadata_t sm) {
)" + body + R"(
}
control E(inout headers hdr, inout metadata m, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata m) { apply { } }
control D(packet_out p, in headers hdr) { apply { p.emit(hdr.h); } }
V1Switch(P(), VC(), I(), E(), CC(), D()) main;
)";
    return path;
}

TEST(RuntimeModulo, TheLoadBalanceTutorialBuilds) {
    const std::string path =
        std::string(HOP_SOURCE_DIR) + "/../shared/p4-tutorials/load_balance/load_balance.p4";
    if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is absent";
    const Built b = build(path);
    EXPECT_TRUE(b.ok) << b.diagnostics;
}

TEST(RuntimeModulo, TheDivisionTakesTwoRemainderBitsAStage) {
    // The same hash by a constant max and by a field: crc16's 16 bits are 8 stages more.
    const Built k = build(program("const", R"(apply {
        hash(hdr.h.b, HashAlgorithm.crc16, 16w0, { hdr.h.c }, 16w7);
    })"));
    const Built f = build(program("field", R"(apply {
        hash(hdr.h.b, HashAlgorithm.crc16, 16w0, { hdr.h.c }, hdr.h.a);
    })"));
    ASSERT_TRUE(k.ok) << k.diagnostics;
    ASSERT_TRUE(f.ok) << f.diagnostics;
    EXPECT_EQ(f.latency - k.latency, 8);
}

TEST(RuntimeModulo, LocatedRefusals) {
    const Built reuse = build(program("reuse", R"(action a(bit<16> n) {
        hash(hdr.h.b, HashAlgorithm.crc16, 16w0, { hdr.h.c }, n);
        hdr.h.a = hdr.h.b + 1;
    }
    table t { key = { hdr.h.a: exact; } actions = { a; } }
    apply { t.apply(); })"));
    EXPECT_FALSE(reuse.ok);
    EXPECT_NE(reuse.diagnostics.find(":12:9: error: a hash with a run-time max whose result the "
                                     "same action uses again"),
              std::string::npos)
        << reuse.diagnostics;
    const Built identity = build(program("identity", R"(apply {
        hash(hdr.h.c, HashAlgorithm.identity, 32w0, { hdr.h.a }, hdr.h.c);
    })"));
    EXPECT_FALSE(identity.ok);
    EXPECT_NE(identity.diagnostics.find(
                  ":12:9: error: a 64-bit hash with a run-time max in the Verilog backend"),
              std::string::npos)
        << identity.diagnostics;
}

TEST(DebugExterns, LogAndChecksAreLeftOutWithWarningsRandomAndTruncateBuild) {
    const Built b = build(program("debug", R"(apply {
        random(hdr.h.a, 16w1, 16w6);
        random(hdr.h.b, 16w0, hdr.h.a);
        log_msg("a = {}", { hdr.h.a });
        assert(hdr.h.a != 0);
        assume(hdr.h.a < 7);
        truncate(32w20);
    })"));
    EXPECT_TRUE(b.ok) << b.diagnostics;
    EXPECT_NE(b.diagnostics.find(":14:9: warning: log_msg is left out of the hardware"),
              std::string::npos)
        << b.diagnostics;
    EXPECT_NE(b.diagnostics.find(":15:9: warning: assert is compiled out of the hardware"),
              std::string::npos)
        << b.diagnostics;
    EXPECT_NE(b.diagnostics.find(":16:9: warning: assume is compiled out of the hardware"),
              std::string::npos)
        << b.diagnostics;
}

}  // namespace
}  // namespace hop
