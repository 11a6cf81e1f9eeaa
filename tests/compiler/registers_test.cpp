// SPDX-License-Identifier: Apache-2.0
// The Verilog backend's register stages (compiler/src/verilog/registers.cpp): what builds (the
// firewall tutorial's two Bloom-filter registers, written in one branch and read in the other at
// indices from hashes) and what is a located refusal (one counter at two indices in a packet,
// p4c's issue1566; a register accessed across a table apply).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "driver/compile.hpp"
#include "source/preprocess.hpp"
#include "tests/compiler/compile_file.hpp"
#include "verilog/backend.hpp"

namespace hop {
namespace {

using testing_support::compileFile;

// The backend's diagnostics for the program at `path` (empty when it builds).
std::string backendErrors(const std::string& path, bool& built) {
    auto fe = compileFile(path);
    EXPECT_TRUE(fe && fe->ok) << path;
    built = false;
    if (!fe || !fe->ok) return "no front end";
    Diagnostics d(fe->source.get());
    built = verilog::generate(*fe->ir, {.dataWidth = 64}, d).has_value();
    std::ostringstream os;
    d.print(os);
    return os.str();
}

TEST(RegisterStages, TheFirewallTutorialBuilds) {
    const std::string path =
        std::string(HOP_SOURCE_DIR) + "/../shared/p4-tutorials/firewall/firewall.p4";
    if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is absent";
    bool built = false;
    const std::string errors = backendErrors(path, built);
    EXPECT_TRUE(built) << errors;
}

TEST(RegisterStages, TwoIndicesOrATableBetweenAreLocatedRefusals) {
    const std::string p1566 = std::string(HOP_SOURCE_DIR) + "/../shared/p4c-stf/issue1566-bmv2.p4";
    if (std::filesystem::exists(p1566)) {
        bool built = true;
        const std::string errors = backendErrors(p1566, built);
        EXPECT_FALSE(built);
        EXPECT_NE(errors.find(":35:9: error: cIngress.E.c1.stats accessed again"),
                  std::string::npos)
            << errors;
    }
    const std::string path =
        ::testing::TempDir() + "/registers_test_" + std::to_string(getpid()) + ".p4";
    std::ofstream(path) << R"(#include <core.p4>
#include <v1model.p4>
header h_t { bit<8> a; bit<8> b; }
struct headers { h_t h; }
struct metadata { }
parser P(packet_in p, out headers hdr, inout metadata m, inout standard_metadata_t sm) {
    state start { p.extract(hdr.h); transition accept; }
}
control VC(inout headers hdr, inout metadata m) { apply { } }
control I(inout headers hdr, inout metadata m, inout standard_metadata_t sm) {
    register<bit<8>>(4) r;
    action set(bit<8> v) { hdr.h.b = v; }
    table t { key = { hdr.h.a: exact; } actions = { set; } }
    apply {
        r.read(hdr.h.b, 0);
        t.apply();
        r.write(0, hdr.h.b);
    }
}
control E(inout headers hdr, inout metadata m, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata m) { apply { } }
control D(packet_out p, in headers hdr) { apply { p.emit(hdr.h); } }
V1Switch(P(), VC(), I(), E(), CC(), D()) main;
)";
    bool built = true;
    const std::string errors = backendErrors(path, built);
    EXPECT_FALSE(built);
    EXPECT_NE(errors.find(":17:9: error: I.r accessed again after its index or the stage changed"),
              std::string::npos)
        << errors;
    std::remove(path.c_str());
}

}  // namespace
}  // namespace hop
