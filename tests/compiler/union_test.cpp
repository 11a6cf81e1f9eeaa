// SPDX-License-Identifier: Apache-2.0
// Header unions and stacks of them in the IR (compiler/src/ir/lower_union.cpp): the layout, the
// stack extract of a member, and the invalidation of the other members that making one valid
// implies (P4_16 8.20, 8.21).
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "driver/compile.hpp"
#include "ir/dump.hpp"
#include "ir/ir.hpp"
#include "ir/lower.hpp"

namespace hop {
namespace {

using namespace ir;

struct Lowered {
    std::unique_ptr<Frontend> fe;
    std::optional<Program> program;
    std::string diagnostics;
};

// The v1model skeleton around a header declaration, the headers struct, a parser body and an
// ingress body.
Lowered lowerProgram(const std::string& types, const std::string& parser,
                     const std::string& ingress) {
    const std::string text = "#include <core.p4>\n#include <v1model.p4>\n" + types + R"(
struct M { }
parser P(packet_in pk, out H hdr, inout M meta, inout standard_metadata_t sm) {
)" + parser + R"(
}
control V(inout H hdr, inout M meta) { apply { } }
control I(inout H hdr, inout M meta, inout standard_metadata_t sm) { apply {
)" + ingress + R"(
} }
control E(inout H hdr, inout M meta, inout standard_metadata_t sm) { apply { } }
control C(inout H hdr, inout M meta) { apply { } }
control D(packet_out pk, in H hdr) { apply { pk.emit(hdr); } }
V1Switch(P(), V(), I(), E(), C(), D()) main;
)";
    Lowered out;
    std::string path =
        ::testing::TempDir() + "/union_test_input_" + std::to_string(getpid()) + ".p4";
    std::ofstream(path) << text;
    PreprocessOptions pp;
    pp.p4includeDir = std::string(HOP_SOURCE_DIR) + "/p4include";
    std::string error;
    auto source = preprocess(path, pp, error);
    if (!source) {
        out.diagnostics = error;
        return out;
    }
    out.fe = runFrontend(std::move(*source));
    // After the IR passes (a header copy into a member is one statement until then).
    if (out.fe->ok) out.program = out.fe->ir;
    std::ostringstream os;
    out.fe->diags->print(os);
    out.diagnostics = os.str();
    return out;
}

const char* kTypes = R"(
header a_t { bit<8> v; bit<8> next; }
header b_t { bit<16> w; }
header i_t { bit<8> i; }
header_union ab_t { a_t a; b_t b; }
struct H { i_t x; ab_t u; ab_t v; ab_t[2] s; }
)";

// The statements of `stmts` that set `header` valid or invalid, as "+name" / "-name" with the
// predicate's text.
std::vector<std::string> validity(const Program& p, const std::vector<Stmt>& stmts,
                                  const std::string& header) {
    std::vector<std::string> out;
    for (const auto& s : stmts)
        if ((s.kind == StmtKind::SetValid || s.kind == StmtKind::SetInvalid) &&
            p.headers[s.header].name == header)
            out.push_back(std::string(s.kind == StmtKind::SetValid ? "+" : "-") +
                          (s.pred ? exprToString(p, s.pred) : "true"));
    return out;
}

TEST(IrUnion, StackOfUnionsIsAStackWhoseElementsAreUnions) {
    Lowered l = lowerProgram(kTypes, R"(
    state start { pk.extract(hdr.s.next.a); pk.extract(hdr.s.next.b); transition accept; }
)",
                             "");
    ASSERT_TRUE(l.program) << l.diagnostics;
    const Program& p = *l.program;
    ASSERT_EQ(p.stacks.size(), 1u);
    const HeaderStack& st = p.stacks[0];
    EXPECT_EQ(st.name, "hdr.s");
    EXPECT_TRUE(st.elements.empty());
    ASSERT_EQ(st.unions.size(), 2u);
    EXPECT_EQ(st.size(), 2u);
    for (int i = 0; i < 2; ++i) {
        const HeaderUnion& u = p.unions[st.unions[i]];
        EXPECT_EQ(u.name, "hdr.s[" + std::to_string(i) + "]");
        EXPECT_EQ(u.stack, 0);
        EXPECT_EQ(u.stackIndex, i);
        ASSERT_EQ(u.members.size(), 2u);
        EXPECT_EQ(p.headers[u.members[1]].name, u.name + ".b");
        EXPECT_EQ(p.headers[u.members[1]].headerUnion, st.unions[i]);
    }
    // Each extract names the stack and the member; the element is the stack's nextIndex.
    const auto& stmts = p.parser.states.at(0).stmts;
    ASSERT_EQ(stmts.size(), 2u);
    EXPECT_EQ(stmts[0].stack, 0);
    EXPECT_EQ(stmts[0].member, 0);
    EXPECT_EQ(stmts[1].member, 1);
    EXPECT_EQ(p.nextTarget(stmts[1], 1), p.findHeader("hdr.s[1].b"));
    EXPECT_EQ(p.unionSiblings(p.findHeader("hdr.s[1].b")),
              std::vector<HeaderId>{p.findHeader("hdr.s[1].a")});
    // The deparser emits every member of every element, in layout order.
    std::vector<std::string> emitted;
    for (HeaderId h : p.deparser) emitted.push_back(p.headers[h].name);
    EXPECT_EQ(emitted,
              (std::vector<std::string>{"hdr.x", "hdr.u.a", "hdr.u.b", "hdr.v.a", "hdr.v.b",
                                        "hdr.s[0].a", "hdr.s[0].b", "hdr.s[1].a", "hdr.s[1].b"}));
}

// P4_16 8.20: u.m.setValid() makes the other members invalid, and u.m.setInvalid() leaves no
// member valid (whichever one was).
TEST(IrUnion, SetValidAndSetInvalidLeaveNoOtherMemberValid) {
    Lowered l = lowerProgram(kTypes, "    state start { pk.extract(hdr.x); transition accept; }",
                             "hdr.u.a.setValid(); hdr.v.b.setInvalid(); "
                             "hdr.s[hdr.x.i].b.setValid();");
    ASSERT_TRUE(l.program) << l.diagnostics;
    const Program& p = *l.program;
    EXPECT_EQ(validity(p, p.ingress.stmts, "hdr.u.b"), std::vector<std::string>{"-true"});
    EXPECT_EQ(validity(p, p.ingress.stmts, "hdr.v.a"), std::vector<std::string>{"-true"});
    // Through a run-time index: per element, the other member under the same condition.
    for (int i = 0; i < 2; ++i) {
        const std::string el = "hdr.s[" + std::to_string(i) + "]";
        auto on = validity(p, p.ingress.stmts, el + ".b");
        auto off = validity(p, p.ingress.stmts, el + ".a");
        ASSERT_EQ(on.size(), 1u) << el;
        ASSERT_EQ(off.size(), 1u) << el;
        EXPECT_NE(on[0], "+true") << el << " is made valid unconditionally";
        EXPECT_EQ(on[0].substr(1), off[0].substr(1)) << el;
        EXPECT_EQ(off[0][0], '-');
    }
}

TEST(IrUnion, AssigningAUnionCopiesEveryMemberWithItsValidity) {
    Lowered l = lowerProgram(kTypes, "    state start { transition accept; }",
                             "hdr.u = hdr.v; hdr.s[1] = hdr.s[0]; hdr.v = {#};");
    ASSERT_TRUE(l.program) << l.diagnostics;
    const Program& p = *l.program;
    // Each member valid exactly when the source's same member is: a whole-union copy does not
    // apply the member rule (which would invalidate the member copied first).
    for (const char* dst : {"hdr.u.a", "hdr.u.b", "hdr.s[1].a", "hdr.s[1].b"}) {
        auto v = validity(p, p.ingress.stmts, dst);
        ASSERT_EQ(v.size(), 2u) << dst;
        EXPECT_EQ(v[0][0], '+') << dst;
        EXPECT_EQ(v[1][0], '-') << dst;
    }
    int copied = 0;
    for (const auto& s : p.ingress.stmts)
        if (s.kind == StmtKind::Assign && exprToString(p, s.dst) == "hdr.u.b.w" &&
            exprToString(p, s.src) == "hdr.v.b.w")
            ++copied;
    EXPECT_EQ(copied, 1);
    // {#}: both members invalid.
    EXPECT_EQ(validity(p, p.ingress.stmts, "hdr.v.a").back(), "-true");
    EXPECT_EQ(validity(p, p.ingress.stmts, "hdr.v.b").back(), "-true");
}

// Assigning a header to a member: the member rule, whether the header is valid or not.
TEST(IrUnion, AssigningAHeaderToAMemberInvalidatesTheOthers) {
    Lowered l =
        lowerProgram(kTypes, "    state start { transition accept; }", "hdr.u.a = hdr.s[0].a;");
    ASSERT_TRUE(l.program) << l.diagnostics;
    const Program& p = *l.program;
    EXPECT_EQ(validity(p, p.ingress.stmts, "hdr.u.b"), std::vector<std::string>{"-true"});
    EXPECT_EQ(validity(p, p.ingress.stmts, "hdr.u.a").size(), 2u);
}

TEST(IrUnion, EqualityAndLocalUnions) {
    Lowered l = lowerProgram(kTypes, "    state start { pk.extract(hdr.x); transition accept; }",
                             "ab_t t; t.b = hdr.u.b; if (t == hdr.s[0]) { hdr.x.i = 1; } "
                             "if (hdr.s[hdr.x.i].isValid()) { hdr.x.i = 2; }");
    ASSERT_TRUE(l.program) << l.diagnostics;
    const Program& p = *l.program;
    EXPECT_GE(p.findHeader("I.t.a"), 0);
    EXPECT_GE(p.findHeader("I.t.b"), 0);
}

TEST(IrUnion, AssigningATupleIsStillRefusedWhereItIsWritten) {
    Lowered l = lowerProgram(kTypes, "    state start { transition accept; }",
                             "tuple<bit<8>, bit<8>> t = {1, 2};\nt = {3, 4};");
    EXPECT_FALSE(l.program);
    // Located at the assignment (the start of its line).
    EXPECT_TRUE(std::regex_search(
        l.diagnostics,
        std::regex(
            R"(:\d+:1: error: assigning a whole tuple or list is not supported by hopline)")))
        << l.diagnostics;
}

}  // namespace
}  // namespace hop
