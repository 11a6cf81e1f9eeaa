// SPDX-License-Identifier: Apache-2.0
// Sub-parsers and lookahead<T>(): what the lowering makes of them (inlined states, slices of
// one lookahead) and what the Verilog backend builds or refuses. Their behaviour is checked on
// both engines by tests/stf/subparser*.stf and lookahead_agg*.stf.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "driver/compile.hpp"
#include "ir/dump.hpp"
#include "source/preprocess.hpp"
#include "tests/compiler/compile_file.hpp"
#include "verilog/backend.hpp"
#include "verilog/expr.hpp"

namespace hop {
namespace {

using testing_support::compileFile;

std::unique_ptr<Frontend> compileText(const std::string& text) {
    const std::string path =
        ::testing::TempDir() + "/subparser_test_" + std::to_string(getpid()) + ".p4";
    std::ofstream(path) << text;
    auto fe = compileFile(path);
    std::remove(path.c_str());
    return fe;
}

std::string printed(const Diagnostics& d) {
    std::ostringstream os;
    d.print(os);
    return os.str();
}

const ir::ParserState* state(const ir::Program& p, const std::string& name) {
    for (const auto& s : p.parser.states)
        if (s.name == name) return &s;
    return nullptr;
}

// A v1model program around a parser body and its declarations.
std::string program(const std::string& decls, const std::string& parser) {
    return R"(#include <core.p4>
#include <v1model.p4>
header h_t { bit<8> a; bit<8> n; }
header v_t { varbit<64> data; }
struct headers { h_t h; h_t g; v_t v; }
struct metadata { }
)" + decls +
           R"(
parser P(packet_in p, out headers hdr, inout metadata m, inout standard_metadata_t sm) {
)" + parser +
           R"(
}
control VC(inout headers hdr, inout metadata m) { apply { } }
control I(inout headers hdr, inout metadata m, inout standard_metadata_t sm) { apply { } }
control E(inout headers hdr, inout metadata m, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata m) { apply { } }
control D(packet_out p, in headers hdr) { apply { p.emit(hdr.h); p.emit(hdr.g); p.emit(hdr.v); } }
V1Switch(P(), VC(), I(), E(), CC(), D()) main;
)";
}

// Each apply has its own copy of the callee's states, named under the instance; the callee's
// accept goes to the state after the apply, its reject rejects.
TEST(SubParser, EachApplyInlinesTheStatesUnderTheInstance) {
    auto fe = compileFile(std::string(HOP_SOURCE_DIR) + "/tests/stf/subparser.p4");
    ASSERT_TRUE(fe && fe->ok) << printed(*fe->diags);
    const ir::Program& p = *fe->ir;
    EXPECT_EQ(p.parser.states[0].name, "start");
    for (const char* name : {"first.start", "first.heavy", "first.check", "first#2.start",
                             "second.start", "second#2.check", "start.after_first",
                             "again.after_first", "again.after_first.after_second"})
        EXPECT_NE(state(p, name), nullptr) << name;
    // start ends in first's start; first's check accepts into start.after_first, which has
    // start's select.
    const ir::ParserState* start = state(p, "start");
    ASSERT_EQ(start->cases.size(), 1u);
    EXPECT_EQ(p.parser.states[start->cases[0].next].name, "first.start");
    const ir::ParserState* check = state(p, "first.check");
    ASSERT_EQ(check->cases.size(), 1u);
    EXPECT_EQ(p.parser.states[check->cases[0].next].name, "start.after_first");
    EXPECT_EQ(state(p, "start.after_first")->selectKeys.size(), 1u);
    const ir::ParserState* first = state(p, "first.start");
    ASSERT_FALSE(first->cases.empty());
    EXPECT_EQ(first->cases[0].next, ir::kReject);  // 0xff: reject
}

TEST(SubParser, ConstructorParametersAreALocatedError) {
    auto fe = compileText(program(R"(
parser Sub(packet_in p, out h_t h)(bit<8> k) {
    state start { p.extract(h); transition accept; }
})",
                                  R"(    Sub(8w1) s;
    state start { s.apply(p, hdr.h); transition accept; })"));
    ASSERT_TRUE(fe);
    EXPECT_FALSE(fe->ok);
    EXPECT_NE(
        printed(*fe->diags)
            .find(":12:5: error: a parser with constructor parameters is not supported by hopline"),
        std::string::npos)
        << printed(*fe->diags);
}

// A field of lookahead<T>() is a slice of one lookahead of all of T's bits, so the whole of T
// must be in the packet.
TEST(Lookahead, AFieldIsASliceOfAllOfTheType) {
    auto fe = compileText(program("", R"(    state start {
        transition select(p.lookahead<h_t>().n) { 0: accept; default: more; }
    }
    state more {
        hdr.g = p.lookahead<h_t>();
        p.extract(hdr.h);
        transition accept;
    })"));
    ASSERT_TRUE(fe && fe->ok) << printed(*fe->diags);
    const ir::Program& p = *fe->ir;
    const ir::ParserState* start = state(p, "start");
    ASSERT_EQ(start->selectKeys.size(), 1u);
    const ir::ExprPtr& key = start->selectKeys[0];
    ASSERT_EQ(key->kind, ir::ExprKind::Slice);
    EXPECT_EQ(key->hi, 7);
    EXPECT_EQ(key->lo, 0);
    EXPECT_EQ(key->args[0]->kind, ir::ExprKind::Lookahead);
    EXPECT_EQ(key->args[0]->width, 16);
    // The whole header: both fields, and the header valid.
    const auto& more = state(p, "more")->stmts;
    ASSERT_GE(more.size(), 3u);
    EXPECT_EQ(more[0].kind, ir::StmtKind::Assign);
    EXPECT_EQ(more[1].kind, ir::StmtKind::Assign);
    EXPECT_EQ(more[2].kind, ir::StmtKind::SetValid);
    EXPECT_EQ(more[2].header, p.findHeader("hdr.g"));

    // On RTL the window covers the lookahead past the extract.
    Diagnostics d;
    auto out = verilog::generate(p, {}, d);
    ASSERT_TRUE(out.has_value()) << printed(d);
    EXPECT_EQ(out->windowBytes, 2);
}

// A type with a varbit has no fixed width to look ahead: one located error, not a second one
// for the select's cases.
TEST(Lookahead, ATypeWithoutAFixedWidthIsALocatedError) {
    auto fe = compileText(program("", R"(    state start {
        transition select(p.lookahead<v_t>().data) { default: accept; }
    })"));
    ASSERT_TRUE(fe);
    EXPECT_FALSE(fe->ok);
    const std::string out = printed(*fe->diags);
    EXPECT_NE(out.find(":10:27: error: lookahead of a type with no fixed width is not supported "
                       "by hopline"),
              std::string::npos)
        << out;
    EXPECT_EQ(fe->diags->errorCount(), 1) << out;
}

// A scalar lookahead keeps its type: int<W> compares signed, bool is a bool.
TEST(Lookahead, ScalarsKeepTheirType) {
    auto fe = compileText(program("", R"(    state start {
        transition select(p.lookahead<int<8>>() < 0, p.lookahead<bool>()) {
            (true, true): accept;
            default: reject;
        }
    })"));
    ASSERT_TRUE(fe && fe->ok) << printed(*fe->diags);
    const auto& keys = state(*fe->ir, "start")->selectKeys;
    ASSERT_EQ(keys.size(), 2u);
    ASSERT_EQ(keys[0]->kind, ir::ExprKind::Binary);
    EXPECT_TRUE(keys[0]->args[0]->isSigned);
    EXPECT_EQ(keys[0]->args[0]->args[0]->kind, ir::ExprKind::Lookahead);
    EXPECT_TRUE(keys[1]->isBool);
}

// The calculator tutorial looks 16 bytes ahead after the Ethernet header: a 30-byte window.
TEST(Lookahead, TheWindowCoversTheWidestLookahead) {
    const std::string calc = std::string(HOP_SOURCE_DIR) + "/../shared/p4-tutorials/calc/calc.p4";
    if (!std::ifstream(calc)) GTEST_SKIP() << calc << " is absent";
    auto fe = compileFile(calc);
    ASSERT_TRUE(fe && fe->ok) << printed(*fe->diags);
    Diagnostics d;
    auto out = verilog::generate(*fe->ir, {}, d);
    ASSERT_TRUE(out.has_value()) << printed(d);
    EXPECT_EQ(out->windowBytes, 30);
    std::string rtl;
    for (const auto& [name, text] : out->files) rtl += text;
    EXPECT_NE(rtl.find("win_wire[8*WIN_BYTES-1-112 -: 128]"), std::string::npos);
}

// Division and modulo by a constant power of two are a shift and a mask; by anything else they
// stay a located error.
TEST(VerilogExpr, DivisionByAPowerOfTwoIsAShift) {
    ir::Program program;
    Diagnostics diags;
    verilog::ExprLeaves l;
    l.field = [](ir::FieldId f) { return "f" + std::to_string(f); };
    verilog::ExprEmitter em(program, l, diags);
    auto x = ir::fieldRef(1, 9);
    EXPECT_EQ(em.emit(ir::binary(ir::BinaryOp::Div, x, ir::constant(64, 9)), {}), "9'(f1 >> 6)");
    EXPECT_EQ(em.emit(ir::binary(ir::BinaryOp::Mod, x, ir::constant(64, 9)), {}), "9'(f1 & 9'h3f)");
    EXPECT_FALSE(diags.hasErrors());
    EXPECT_EQ(em.emit(ir::binary(ir::BinaryOp::Mod, x, ir::constant(10, 9)), {}), "9'h0");
    EXPECT_TRUE(diags.hasErrors());
}

// A varbit length that is a constant on its parse path (computed from constants in the parser)
// needs no run-time check when it is whole bytes, and rejects the path outright
// (ParserInvalidArgument, as BMv2) when it is not; one read from the packet gets the check.
TEST(VerilogParser, AVarbitLengthConstantOnThePathBuilds) {
    struct Case {
        std::string init;
        bool checked, extracts;
    };
    for (const auto& c : std::vector<Case>{{"(64 - (m2 % 64)) % 64", false, true},
                                           {"m2 - 8", false, true},
                                           {"m2 - 4", false, false},
                                           {"(bit<9>)hdr.h.n", true, true}}) {
        auto fe = compileText(program("", R"(    state start {
        bit<9> m2 = 32;
        p.extract(hdr.h);
        m2 = m2 + 32;
        bit<9> len = )" + c.init + R"(;
        p.extract(hdr.v, (bit<32>)len);
        transition accept;
    })"));
        ASSERT_TRUE(fe && fe->ok) << printed(*fe->diags);
        Diagnostics d(fe->source.get());
        auto out = verilog::generate(*fe->ir, {}, d);
        ASSERT_TRUE(out.has_value()) << c.init << "\n" << printed(d);
        std::string rtl;
        for (const auto& [name, text] : out->files) rtl += text;
        EXPECT_EQ(rtl.find("& 32'd7) == 32'd0") != std::string::npos, c.checked) << c.init;
        EXPECT_EQ(rtl.find("vb_len_0 = 16'(") != std::string::npos, c.extracts) << c.init;
    }
}

}  // namespace
}  // namespace hop
