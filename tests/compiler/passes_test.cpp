// SPDX-License-Identifier: Apache-2.0
// The IR passes (compiler/src/ir/passes.hpp): their list, the structured statements lowering
// emits, what the expand-structured pass makes of them, and the internal error of a backend that
// is given one unexpanded.
#include "ir/passes.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "driver/compile.hpp"
#include "ir/dump.hpp"
#include "ir/lower.hpp"
#include "verilog/backend.hpp"

namespace hop {
namespace {

using namespace ir;

// A whole-header copy, a stack copy and push_front / pop_front, each under a condition.
constexpr const char* kStructured = R"(
#include <core.p4>
#include <v1model.p4>
header h_t { bit<8> x; bit<16> y; }
struct H { h_t a; h_t b; h_t[3] s; }
struct M { }
parser P(packet_in pk, out H hdr, inout M meta, inout standard_metadata_t sm) {
    state start { pk.extract(hdr.a); pk.extract(hdr.b); transition accept; }
}
control VC(inout H hdr, inout M meta) { apply { } }
control I(inout H hdr, inout M meta, inout standard_metadata_t sm) {
    apply {
        h_t[3] saved;
        if (hdr.a.x == 1) {
            hdr.b = hdr.a;
        } else if (hdr.a.x == 2) {
            hdr.s.push_front(1);
        } else if (hdr.a.x == 3) {
            hdr.s.pop_front(2);
        } else {
            saved = hdr.s;
            hdr.s = saved;
        }
    }
}
control E(inout H hdr, inout M meta, inout standard_metadata_t sm) { apply { } }
control CC(inout H hdr, inout M meta) { apply { } }
control D(packet_out pk, in H hdr) { apply { pk.emit(hdr.a); pk.emit(hdr.b); pk.emit(hdr.s); } }
V1Switch(P(), VC(), I(), E(), CC(), D()) main;
)";

struct Compiled {
    std::unique_ptr<Frontend> fe;
    std::optional<Program> lowered;  // lowering's own output, before the passes
    std::string diagnostics;
};

Compiled compile(const std::string& text, const std::string& dumpIrAfter = {}) {
    Compiled out;
    const std::string path =
        ::testing::TempDir() + "/passes_test_input_" + std::to_string(getpid()) + ".p4";
    std::ofstream(path) << text;
    PreprocessOptions pp;
    pp.p4includeDir = std::string(HOP_SOURCE_DIR) + "/p4include";
    std::string error;
    auto source = preprocess(path, pp, error);
    EXPECT_TRUE(source.has_value()) << error;
    if (!source) return out;
    out.fe = runFrontend(std::move(*source),
                         {.languageOnly = false, .name = "inline", .dumpIrAfter = dumpIrAfter});
    if (out.fe->ok) out.lowered = lower(out.fe->checked, *out.fe->diags, "inline");
    std::ostringstream os;
    out.fe->diags->print(os);
    out.diagnostics = os.str();
    return out;
}

std::vector<StmtKind> kinds(const std::vector<Stmt>& stmts) {
    std::vector<StmtKind> out;
    for (const Stmt& s : stmts) out.push_back(s.kind);
    return out;
}

const Stmt* findKind(const std::vector<Stmt>& stmts, StmtKind kind) {
    auto it =
        std::find_if(stmts.begin(), stmts.end(), [&](const Stmt& s) { return s.kind == kind; });
    return it == stmts.end() ? nullptr : &*it;
}

TEST(IrPasses, OrderAndNames) {
    std::vector<std::string> names;
    for (const Pass& pass : passes()) names.push_back(pass.name);
    EXPECT_EQ(names, std::vector<std::string>({"expand-structured"}));
}

TEST(IrPasses, LoweringKeepsStructuredStatements) {
    Compiled c = compile(kStructured);
    ASSERT_TRUE(c.lowered) << c.diagnostics;
    const Program& p = *c.lowered;
    const auto& stmts = p.ingress.stmts;

    const Stmt* copy = findKind(stmts, StmtKind::HeaderCopy);
    ASSERT_NE(copy, nullptr);
    EXPECT_EQ(copy->header, p.findHeader("hdr.b"));
    EXPECT_EQ(copy->from, p.findHeader("hdr.a"));
    EXPECT_EQ(copy->scratch.size(), 1u);
    EXPECT_FALSE(isTrue(copy->pred));  // under the if's condition

    const Stmt* push = findKind(stmts, StmtKind::StackPushFront);
    ASSERT_NE(push, nullptr);
    ASSERT_GE(push->stack, 0);
    EXPECT_EQ(p.stacks[push->stack].name, "hdr.s");
    EXPECT_EQ(push->count, 1);
    EXPECT_EQ(push->scratch.size(), 2u);  // elements 2 and 1 are copied, 0 is invalidated

    const Stmt* pop = findKind(stmts, StmtKind::StackPopFront);
    ASSERT_NE(pop, nullptr);
    EXPECT_EQ(pop->count, 2);
    EXPECT_EQ(pop->scratch.size(), 1u);

    const std::vector<StmtKind> all = kinds(stmts);
    EXPECT_EQ(std::count(all.begin(), all.end(), StmtKind::StackCopy), 2);
    // No per-field statement writes hdr.b before the passes.
    for (const Stmt& s : stmts)
        if (s.kind == StmtKind::Assign && s.dst->kind == ExprKind::Field)
            EXPECT_NE(p.fields[s.dst->index].header, p.findHeader("hdr.b"));
    EXPECT_NE(findStructured(p), nullptr);

    const std::string dump = dumpIr(p);
    EXPECT_NE(dump.find("copy hdr.b = hdr.a valid via I.$valid"), std::string::npos) << dump;
    EXPECT_NE(dump.find("hdr.s.push_front(1) valid via "), std::string::npos) << dump;
    EXPECT_NE(dump.find("hdr.s.pop_front(2) valid via "), std::string::npos) << dump;
    EXPECT_NE(dump.find("copy hdr.s = I.saved valid via "), std::string::npos) << dump;
}

// A whole-union copy is one HeaderCopy per member until the pass: the IR says what it is.
TEST(IrPasses, AUnionCopyIsAHeaderCopyPerMember) {
    Compiled c = compile(R"(
#include <core.p4>
#include <v1model.p4>
header a_t { bit<8> x; }
header b_t { bit<16> y; }
header_union u_t { a_t a; b_t b; }
struct H { u_t u; u_t v; }
struct M { }
parser P(packet_in pk, out H hdr, inout M meta, inout standard_metadata_t sm) {
    state start { pk.extract(hdr.v.a); transition accept; }
}
control VC(inout H hdr, inout M meta) { apply { } }
control I(inout H hdr, inout M meta, inout standard_metadata_t sm) { apply { hdr.u = hdr.v; } }
control E(inout H hdr, inout M meta, inout standard_metadata_t sm) { apply { } }
control CC(inout H hdr, inout M meta) { apply { } }
control D(packet_out pk, in H hdr) { apply { pk.emit(hdr.u); } }
V1Switch(P(), VC(), I(), E(), CC(), D()) main;
)");
    ASSERT_TRUE(c.lowered) << c.diagnostics;
    const Program& p = *c.lowered;
    std::vector<std::pair<HeaderId, HeaderId>> copies;
    for (const Stmt& s : p.ingress.stmts) {
        EXPECT_NE(s.kind, StmtKind::Assign);  // no field statement before the pass
        if (s.kind == StmtKind::HeaderCopy) copies.push_back({s.header, s.from});
    }
    EXPECT_EQ(copies, (std::vector<std::pair<HeaderId, HeaderId>>{
                          {p.findHeader("hdr.u.a"), p.findHeader("hdr.v.a")},
                          {p.findHeader("hdr.u.b"), p.findHeader("hdr.v.b")}}));
    ASSERT_TRUE(c.fe->ok);
    EXPECT_EQ(findStructured(*c.fe->ir), nullptr);
}

TEST(IrPasses, ExpandStructuredWritesFieldStatements) {
    Compiled c = compile(kStructured);
    ASSERT_TRUE(c.fe && c.fe->ok) << c.diagnostics;
    const Program& p = *c.fe->ir;  // after the passes
    EXPECT_EQ(findStructured(p), nullptr);
    const HeaderId a = p.findHeader("hdr.a"), b = p.findHeader("hdr.b");
    const auto& stmts = p.ingress.stmts;
    // hdr.b = hdr.a: x, y, the snapshot of a's validity, then b's validity from it.
    auto first = std::find_if(stmts.begin(), stmts.end(), [&](const Stmt& s) {
        return s.kind == StmtKind::Assign && s.dst->kind == ExprKind::Field &&
               s.dst->index == p.findField("hdr.b.x");
    });
    ASSERT_NE(first, stmts.end());
    ASSERT_GE(stmts.end() - first, 5);
    EXPECT_EQ(first->src->index, p.findField("hdr.a.x"));
    EXPECT_EQ(first[1].dst->index, p.findField("hdr.b.y"));
    EXPECT_EQ(first[1].src->index, p.findField("hdr.a.y"));
    ASSERT_EQ(first[2].kind, StmtKind::Assign);
    EXPECT_TRUE(isTrue(first[2].pred));
    EXPECT_EQ(first[2].src->kind, ExprKind::Valid);
    EXPECT_EQ(first[2].src->index, a);
    EXPECT_EQ(first[3].kind, StmtKind::SetValid);
    EXPECT_EQ(first[3].header, b);
    EXPECT_EQ(first[4].kind, StmtKind::SetInvalid);
    EXPECT_EQ(first[4].header, b);
    // push_front(1) invalidates element 0 under its predicate; the stack's nextIndex is written.
    const HeaderId s0 = p.findHeader("hdr.s[0]");
    EXPECT_TRUE(std::any_of(stmts.begin(), stmts.end(), [&](const Stmt& s) {
        return s.kind == StmtKind::SetInvalid && s.header == s0 && !isTrue(s.pred);
    }));
    const auto stack = std::find_if(p.stacks.begin(), p.stacks.end(),
                                    [](const HeaderStack& st) { return st.name == "hdr.s"; });
    ASSERT_NE(stack, p.stacks.end());
    const FieldId next = stack->nextIndex;
    EXPECT_EQ(std::count_if(stmts.begin(), stmts.end(),
                            [&](const Stmt& s) {
                                return s.kind == StmtKind::Assign &&
                                       s.dst->kind == ExprKind::Field && s.dst->index == next;
                            }),
              2);
    // The layout does not change: the validity temporaries were allocated by the lowering.
    ASSERT_TRUE(c.lowered);
    EXPECT_EQ(c.lowered->fields.size(), p.fields.size());
    EXPECT_EQ(c.lowered->phvWidth, p.phvWidth);
}

TEST(IrPasses, DumpsBeforeAndAfterThePasses) {
    Compiled c = compile(kStructured, "all");
    ASSERT_TRUE(c.fe && c.fe->ok) << c.diagnostics;
    ASSERT_EQ(c.fe->irDumps.size(), 2u);
    EXPECT_EQ(c.fe->irDumps[0].first, "lower");
    EXPECT_EQ(c.fe->irDumps[1].first, "expand-structured");
    EXPECT_NE(c.fe->irDumps[0].second.find("copy hdr.b = hdr.a"), std::string::npos);
    EXPECT_EQ(c.fe->irDumps[1].second.find("copy hdr.b = hdr.a"), std::string::npos);
    EXPECT_NE(c.fe->irDumps[1].second.find("hdr.b.x = hdr.a.x"), std::string::npos);
    EXPECT_EQ(c.fe->irDumps[1].second, dumpIr(*c.fe->ir));

    Compiled one = compile(kStructured, "lower");
    ASSERT_TRUE(one.fe && one.fe->ok) << one.diagnostics;
    ASSERT_EQ(one.fe->irDumps.size(), 1u);
    EXPECT_EQ(one.fe->irDumps[0].first, "lower");
    EXPECT_TRUE(compile(kStructured).fe->irDumps.empty());
}

TEST(IrPasses, UnexpandedStatementIsAnInternalErrorOfTheBackend) {
    Compiled c = compile(kStructured);
    ASSERT_TRUE(c.lowered) << c.diagnostics;
    Diagnostics diags(c.fe->source.get());
    verilog::Options options;
    options.dataWidth = 64;
    EXPECT_FALSE(verilog::generate(*c.lowered, options, diags).has_value());
    std::ostringstream os;
    diags.print(os);
    EXPECT_NE(os.str().find("internal error: a whole-header copy reached the Verilog backend "
                            "unexpanded (the IR pass 'expand-structured' must run first"),
              std::string::npos)
        << os.str();

    // After the pass the same program builds.
    Program expanded = *c.lowered;
    Diagnostics ok(c.fe->source.get());
    EXPECT_TRUE(runPasses(expanded, ok));
    EXPECT_TRUE(verilog::generate(expanded, options, ok).has_value());
    EXPECT_FALSE(ok.hasErrors());
}

TEST(IrPasses, MalformedStructuredStatementIsReported) {
    Compiled c = compile(kStructured);
    ASSERT_TRUE(c.lowered) << c.diagnostics;
    Program p = *c.lowered;
    for (Stmt& s : p.ingress.stmts)
        if (s.kind == StmtKind::HeaderCopy) s.scratch.clear();
    Diagnostics diags(c.fe->source.get());
    EXPECT_FALSE(expandStructured(p, diags));
    std::ostringstream os;
    diags.print(os);
    EXPECT_NE(os.str().find("internal error: a structured copy with 0 validity temporaries"),
              std::string::npos)
        << os.str();
}

}  // namespace
}  // namespace hop
