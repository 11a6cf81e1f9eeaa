// SPDX-License-Identifier: Apache-2.0
// The model runs the IR after the passes: a structured statement (a whole-header copy, a stack
// shift) that reaches it unexpanded is an internal error, not a silently skipped statement.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>
#include <string>

#include "driver/compile.hpp"
#include "ir/lower.hpp"
#include "ir/passes.hpp"
#include "sim/model/model.hpp"
#include "source/preprocess.hpp"

namespace hop::sim {
namespace {

constexpr const char* kCopy = R"(
#include <core.p4>
#include <v1model.p4>
header h_t { bit<8> x; }
struct H { h_t a; h_t b; }
struct M { }
parser P(packet_in pk, out H hdr, inout M meta, inout standard_metadata_t sm) {
    state start { pk.extract(hdr.a); transition accept; }
}
control VC(inout H hdr, inout M meta) { apply { } }
control I(inout H hdr, inout M meta, inout standard_metadata_t sm) {
    apply { hdr.b = hdr.a; sm.egress_spec = 1; }
}
control E(inout H hdr, inout M meta, inout standard_metadata_t sm) { apply { } }
control CC(inout H hdr, inout M meta) { apply { } }
control D(packet_out pk, in H hdr) { apply { pk.emit(hdr.a); pk.emit(hdr.b); } }
V1Switch(P(), VC(), I(), E(), CC(), D()) main;
)";

TEST(ModelStructured, UnexpandedStatementIsAnInternalError) {
    const std::string path =
        ::testing::TempDir() + "/model_structured_" + std::to_string(getpid()) + ".p4";
    std::ofstream(path) << kCopy;
    PreprocessOptions pp;
    pp.p4includeDir = std::string(HOP_SOURCE_DIR) + "/p4include";
    std::string error;
    auto source = preprocess(path, pp, error);
    ASSERT_TRUE(source.has_value()) << error;
    auto fe = runFrontend(std::move(*source));
    ASSERT_TRUE(fe->ok);
    EXPECT_NO_THROW(Model{*fe->ir});  // after the passes

    auto lowered = ir::lower(fe->checked, *fe->diags, "inline");
    ASSERT_TRUE(lowered.has_value());
    ASSERT_NE(ir::findStructured(*lowered), nullptr);
    try {
        Model m(*lowered);
        FAIL() << "the model accepted an unexpanded header copy";
    } catch (const std::logic_error& e) {
        EXPECT_NE(std::string(e.what()).find(
                      "internal error: a whole-header copy reached the model unexpanded"),
                  std::string::npos)
            << e.what();
    }
}

}  // namespace
}  // namespace hop::sim
