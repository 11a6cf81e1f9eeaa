// SPDX-License-Identifier: Apache-2.0
// Semantic checker: programs as raw strings, parsed and checked; exact diagnostics and the
// annotations sema leaves in the AST (names, types, widths, lvalues, externs, tables;
// sema_v1model_test.cpp: the rest and the v1model binding).
#include "sema/sema.hpp"

#include <gtest/gtest.h>

#include "tests/compiler/sema_test_util.hpp"

namespace hop {
namespace {

using namespace hop::ast;
using namespace hop::sematest;

// ---------------------------------------------------------------------------------------------
// Names and scopes

// Loops: `break` and `continue` only inside one; a loop variable is scoped to its loop; a for-in
// collection is a range, a list or a header stack.
TEST(Sema, ForLoops) {
    auto c = lang(R"(control C(inout bit<8> x) {
    apply {
        for (bit<8> i = 0; i < 4; i = i + 1) { x = x + i; if (x == 9) { break; } }
        for (bit<8> v in 1 .. x) { continue; }
        x = i;
        break;
        for (bit<8> w in x) { }
        for (bit<8> k = 0; k; k = k + 1) { }
    }
}
)");
    EXPECT_ERRORS(c, "t.p4:5:13: error: 'i' is not declared",
                  "t.p4:6:9: error: 'break' outside a loop",
                  "t.p4:7:26: error: cannot iterate over bit<8>",
                  "t.p4:8:28: error: condition must be bool, not bit<8>");
}

TEST(Sema, UndeclaredName) {
    auto c = lang(R"(control C(inout bit<8> x) {
    apply { x = y; }
}
)");
    EXPECT_ERRORS(c, "t.p4:2:17: error: 'y' is not declared");
}

TEST(Sema, DuplicateDeclaration) {
    auto c = lang(R"(const bit<8> A = 1;
const bit<8> A = 2;
struct S { bit<8> f; bit<4> f; }
)");
    EXPECT_ERRORS(c, "t.p4:2:14: error: 'A' is already declared",
                  "t.p4:3:29: error: field 'f' is already declared in struct S");
}

TEST(Sema, ResolvesPathsToDeclarationsAndParameters) {
    auto c = lang(R"(const bit<8> K = 3;
control C(inout bit<8> x) {
    bit<8> v = K;
    apply { x = v; }
}
)");
    EXPECT_CLEAN(c);
    auto* ctl = as<const ControlDecl>(c->decl("C"));
    ASSERT_TRUE(ctl);
    auto* v = as<VarDecl>(ctl->locals.at(0));
    auto* init = as<PathExpr>(v->init);
    EXPECT_EQ(init->decl, c->decl("K"));
    auto* assign = as<AssignStmt>(ctl->apply->stmts.at(0));
    auto* lhs = as<PathExpr>(assign->lhs);
    EXPECT_EQ(lhs->decl, nullptr);
    EXPECT_EQ(c->checked.paramOf(lhs), ctl->params.at(0).get());
    EXPECT_EQ(as<PathExpr>(assign->rhs)->decl, v);
    EXPECT_EQ(assign->rhs->type, c->checked.types->bits(8));
}

TEST(Sema, ErrorAndMatchKindDeclarationsMerge) {
    auto c = lang(R"(error { A }
error { B }
match_kind { exact }
match_kind { lpm }
const error e = error.B;
const error f = error.C;
)");
    EXPECT_ERRORS(c, "t.p4:6:23: error: error has no member 'C'");
    EXPECT_EQ(c->checked.types->errorType()->members, (std::vector<std::string>{"A", "B"}));
    EXPECT_EQ(c->checked.types->matchKindType()->members,
              (std::vector<std::string>{"exact", "lpm"}));
}

// ---------------------------------------------------------------------------------------------
// Types and implicit conversions

TEST(Sema, WidthMismatch) {
    auto c = lang(R"(control C(inout bit<8> a, in bit<16> b) {
    apply {
        a = b;
        a = a + b[7:0];
        a = a + b;
    }
}
)");
    EXPECT_ERRORS(c, "t.p4:3:13: error: cannot assign bit<16> to bit<8>",
                  "t.p4:5:13: error: type mismatch: bit<8> vs bit<16>");
}

TEST(Sema, ConstantTooLarge) {
    auto c = lang(R"(const bit<8> A = 255;
const bit<8> B = 256;
const int<4> C = -8;
const int<4> D = 8;
const bit<8> E = 8w256;
)");
    EXPECT_ERRORS(c, "t.p4:2:18: error: 256 does not fit in bit<8>",
                  "t.p4:4:18: error: 8 does not fit in int<4>",
                  "t.p4:5:18: error: 8w256 does not fit in bit<8>");
}

// As p4c: a negative constant given an unsigned type, and an operand given the other operand's
// width, wrap modulo 2^W with a warning; an initializer that is too large stays an error.
TEST(Sema, NegativeConstantsWrapWithAWarning) {
    auto c = lang(R"(const bit<8> A = -3;
const bit<4> B = 4w8 > -1 ? 4w1 : 4w0;
const bit<8> C = 8w1 + 257;
const int<8> D = -3;
)");
    EXPECT_CLEAN(c);
    EXPECT_EQ(c->warnings(), (std::vector<std::string>{
                                 "t.p4:1:18: warning: -3 does not fit in bit<8>: it wraps to 253",
                                 "t.p4:2:24: warning: -1 does not fit in bit<4>: it wraps to 15",
                                 "t.p4:3:24: warning: 257 does not fit in bit<8>: it wraps to 1"}));
    EXPECT_EQ(as<const ConstDecl>(c->decl("A"))->value, BigInt(253));
    EXPECT_EQ(as<const ConstDecl>(c->decl("B"))->value, BigInt(0));
    EXPECT_EQ(as<const ConstDecl>(c->decl("C"))->value, BigInt(2));
    EXPECT_EQ(as<const ConstDecl>(c->decl("D"))->value, BigInt(-3));
}

TEST(Sema, NoImplicitBoolBitConversion) {
    auto c = lang(R"(control C(inout bit<1> b, inout bool f) {
    apply {
        b = f;
        f = b;
        if (b) { }
        b = (bit<1>)f;
        f = (bool)b;
    }
}
)");
    EXPECT_ERRORS(c, "t.p4:3:13: error: cannot assign bool to bit<1>",
                  "t.p4:4:13: error: cannot assign bit<1> to bool",
                  "t.p4:5:13: error: condition must be bool, not bit<1>");
}

TEST(Sema, CastsFollowTheSpecTable) {
    auto c = lang(R"(control C(inout bit<8> a, inout int<8> s, inout bit<16> w) {
    apply {
        s = (int<8>)a;
        w = (bit<16>)a;
        w = (bit<16>)s;
    }
}
)");
    EXPECT_ERRORS(c, "t.p4:5:13: error: cannot cast int<8> to bit<16>");
}

TEST(Sema, SliceAndConcatenationWidths) {
    auto c = lang(R"(const bit<16> X = 16w0xABCD;
const bit<4> HI = X[15:12];
const bit<24> CAT = X ++ 8w0xEF;
const bit<8> BAD = X[16:9];
)");
    EXPECT_ERRORS(c, "t.p4:4:22: error: slice [16:9] is out of range for bit<16>");
    EXPECT_EQ(as<const ConstDecl>(c->decl("HI"))->value, BigInt(0xA));
    EXPECT_EQ(as<const ConstDecl>(c->decl("CAT"))->value, BigInt(0xABCDEF));
    EXPECT_EQ(as<const ConstDecl>(c->decl("CAT"))->init->type, c->checked.types->bits(24));
}

TEST(Sema, TypedefsResolveAndNewTypesStayDistinct) {
    auto c = lang(R"(typedef bit<9> port_t;
type bit<32> id_t;
control C(inout port_t p, inout bit<9> q, inout id_t i, inout bit<32> j) {
    apply {
        p = q;
        i = j;
        i = (id_t)j;
    }
}
)");
    EXPECT_ERRORS(c, "t.p4:6:13: error: cannot assign bit<32> to id_t");
}

TEST(Sema, RecursiveTypedefIsUndeclared) {
    auto c = lang(R"(typedef A B;
typedef B A;
struct S { S inner; }
)");
    EXPECT_ERRORS(c, "t.p4:1:9: error: 'A' is not declared",
                  "t.p4:3:12: error: 'S' is not declared");
}

TEST(Sema, HugeWidthsAreCapped) {
    auto c = lang(R"(header H { bit<100000000> f; }
header G { bit<8>[100000000] s; }
)");
    EXPECT_ERRORS(c, "t.p4:1:16: error: width 100000000 is out of range (1..2048)",
                  "t.p4:2:19: error: header stack size 100000000 is out of range (1..4096)");
}

TEST(Sema, HeaderFieldsAndOffsets) {
    auto c = lang(kHeaders + R"(enum bit<8> Proto { TCP = 6, UDP = 17 }
header ip_t { bit<4> version; bit<4> ihl; Proto proto; varbit<320> options; }
struct inner_t { bit<3> a; bool b; }
struct outer_t { bit<8> x; inner_t y; }
header bad_t { inner_t s; }
)");
    EXPECT_ERRORS(c, "t.p4:7:16: error: header field 's' cannot have type struct inner_t");
    const sema::Type* eth = c->decl("eth_t")->type;
    ASSERT_TRUE(eth);
    EXPECT_EQ(eth->width, 112);
    EXPECT_EQ(eth->field("type")->bitOffset, 96);
    const sema::Type* ip = c->decl("ip_t")->type;
    EXPECT_EQ(ip->field("proto")->bitOffset, 8);
    EXPECT_EQ(ip->field("options")->bitOffset, 16);
    EXPECT_EQ(ip->width, 16 + 320);
    const sema::Type* outer = c->decl("outer_t")->type;
    EXPECT_EQ(outer->width, 12);
    EXPECT_EQ(outer->field("y")->bitOffset, 8);
    EXPECT_EQ(c->decl("headers_t")->type->width, 0);  // holds a header: no fixed layout
}

TEST(Sema, UnknownField) {
    auto c = lang(kHeaders + R"(control C(inout headers_t h) {
    apply { h.eth.tpye = 1; }
}
)");
    EXPECT_ERRORS(c, "t.p4:4:19: error: header eth_t has no field 'tpye'");
}

TEST(Sema, EnumsAndSerializableEnums) {
    auto c = lang(R"(enum Color { Red, Green }
enum bit<8> Proto { TCP = 6, UDP = 17, BIG = 300 }
const bit<8> P = Proto.UDP;
const Color K = Color.Blue;
control C(inout bit<8> x) {
    apply { x = Proto.TCP + 1; }
}
)");
    EXPECT_ERRORS(c, "t.p4:2:46: error: 300 does not fit in bit<8>",
                  "t.p4:4:23: error: enum Color has no member 'Blue'");
    EXPECT_EQ(as<const ConstDecl>(c->decl("P"))->value, BigInt(17));
}

TEST(Sema, ListAndStructExpressionsTakeTheirTypeFromContext) {
    auto c = lang(kHeaders + R"(struct pair_t { bit<8> a; bit<16> b; }
control C(inout pair_t p, inout headers_t h) {
    apply {
        p = { 1, 2 };
        p = { a = 1, b = 2 };
        p = { 1 };
        p = { a = 1, c = 2 };
        h.eth = { 1, 2, 3 };
    }
}
)");
    EXPECT_ERRORS(c, "t.p4:8:13: error: 1 elements given for struct pair_t, which has 2",
                  "t.p4:9:22: error: struct pair_t has no field 'c'",
                  "t.p4:9:13: error: field 'b' of struct pair_t is not initialized");
}

// ---------------------------------------------------------------------------------------------
// Directions and l-values

TEST(Sema, AssignmentToInParameterAndConstant) {
    auto c = lang(R"(const bit<8> K = 1;
control C(in bit<8> a, inout bit<8> b) {
    apply {
        a = 1;
        K = 2;
        b = a;
    }
}
)");
    EXPECT_ERRORS(c, "t.p4:4:9: error: cannot assign to in parameter 'a'",
                  "t.p4:5:9: error: cannot assign to constant 'K'");
}

TEST(Sema, OutArgumentMustBeAnLValue) {
    auto c = lang(R"(extern void f(out bit<8> r);
control C(in bit<8> a, inout bit<8> b) {
    apply {
        f(b);
        f(b[7:0]);
        f(a);
        f(8w1);
    }
}
)");
    EXPECT_ERRORS(
        c,
        "t.p4:6:11: error: argument for out parameter 'r' must be an l-value, not in parameter 'a'",
        "t.p4:7:11: error: argument for out parameter 'r' must be an l-value, not an expression "
        "that is not an l-value");
}

TEST(Sema, ActionDataParametersComeLast) {
    auto c = lang(R"(action a(bit<8> data, inout bit<8> x) { x = data; }
action b(inout bit<8> x, bit<8> data) { x = data; }
)");
    EXPECT_ERRORS(c,
                  "t.p4:1:17: error: action data parameter 'data' must come after the directional "
                  "parameters");
}

// ---------------------------------------------------------------------------------------------
// Calls

TEST(Sema, ExternOverloadsAndArgumentCounts) {
    auto c = lang(R"(struct sm_t { bit<9> egress_spec; }
extern void mark_to_drop();
extern void mark_to_drop(inout sm_t sm);
extern void two(in bit<8> a, in bit<8> b);
control C(inout sm_t sm) {
    apply {
        mark_to_drop();
        mark_to_drop(sm);
        two(1);
        mark_to_drop(sm, sm);
    }
}
)");
    EXPECT_ERRORS(c, "t.p4:9:9: error: wrong number of arguments to 'two': expected 2, got 1",
                  "t.p4:10:9: error: no overload of 'mark_to_drop' takes 2 argument(s)");
    auto* ctl = as<const ControlDecl>(c->decl("C"));
    auto* call = as<CallStmt>(ctl->apply->stmts.at(1))->call.get();
    const sema::CallTarget* t = c->checked.callOf(call);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->kind, sema::CallTarget::Kind::ExternFunction);
    EXPECT_EQ(as<const ExternDecl>(t->decl)->function.params.size(), 1u);
}

TEST(Sema, GenericExternInferenceWithTuples) {
    auto c = lang(R"(enum HashAlgorithm { crc16, csum16 }
extern void hash<O, T, D, M>(out O result, in HashAlgorithm algo, in T base, in D data, in M max);
control C(inout bit<16> r, in bit<32> a, in bit<8> b) {
    apply {
        hash(r, HashAlgorithm.crc16, 16w0, { a, b }, 32w1024);
        hash(1, HashAlgorithm.crc16, 16w0, { a, b }, 32w1024);
    }
}
)");
    EXPECT_ERRORS(c,
                  "t.p4:6:14: error: argument for out parameter 'result' must be an l-value, "
                  "not an expression that is not an l-value");
    auto* ctl = as<const ControlDecl>(c->decl("C"));
    auto* call = as<CallStmt>(ctl->apply->stmts.at(0))->call.get();
    const sema::CallTarget* t = c->checked.callOf(call);
    ASSERT_TRUE(t);
    ASSERT_EQ(t->typeArgs.size(), 4u);
    EXPECT_EQ(t->typeArgs[0], c->checked.types->bits(16));
    EXPECT_EQ(t->typeArgs[2]->str(), "tuple<bit<32>, bit<8>>");
}

TEST(Sema, PacketMethodsHeaderMethodsAndStacks) {
    auto c = lang(R"(extern packet_in {
    void extract<T>(out T hdr);
    void extract<T>(out T hdr, in bit<32> bits);
    T lookahead<T>();
    void advance(in bit<32> bits);
}
header h_t { bit<8> f; }
header v_t { bit<8> len; varbit<64> opts; }
struct hs_t { h_t[4] stack; h_t one; v_t v; }
parser P(packet_in pkt, out hs_t hs) {
    state start {
        pkt.extract(hs.stack.next);
        pkt.extract(hs.v, 16);
        bit<8> peek = pkt.lookahead<bit<8>>();
        pkt.advance(8);
        transition select(hs.stack.last.f, hs.one.isValid()) {
            (1, true): accept;
            (2 &&& 3, _): start;
            default: reject;
        }
    }
}
control C(inout hs_t hs) {
    apply {
        hs.stack.push_front(1);
        hs.stack[0].setValid();
        hs.one.setInvalid();
        bit<32> n = hs.stack.size;
        hs.stack[4].f = 1;
    }
}
)");
    EXPECT_ERRORS(c, "t.p4:29:18: error: index 4 is out of bounds for h_t[4]");
    auto* p = as<const ParserDecl>(c->decl("P"));
    ASSERT_TRUE(p);
    auto* extract = as<CallStmt>(p->states.at(0)->stmts.at(0))->call.get();
    const sema::CallTarget* t = c->checked.callOf(extract);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->kind, sema::CallTarget::Kind::ExternMethod);
    EXPECT_EQ(t->method->params.size(), 1u);
    ASSERT_EQ(t->typeArgs.size(), 1u);
    EXPECT_EQ(t->typeArgs[0], c->decl("h_t")->type);
}

TEST(Sema, UnknownStateInTransition) {
    auto c = lang(R"(parser P() {
    state start { transition parse_ip; }
    state other { transition select(8w1) { 1: nowhere; default: accept; } }
}
parser Q() { state begin { transition accept; } }
)");
    EXPECT_ERRORS(c, "t.p4:2:30: error: 'parse_ip' is not a parser state",
                  "t.p4:3:47: error: 'nowhere' is not a parser state",
                  "t.p4:5:8: error: parser 'Q' has no 'start' state");
}

// ---------------------------------------------------------------------------------------------
// Tables

const std::string kTablePrelude = R"(match_kind { exact, ternary, lpm }
action NoAction() {}
action set(inout bit<8> x, bit<8> v) { x = v; }
)";

TEST(Sema, TableKeysActionsAndDefaults) {
    auto c = lang(kTablePrelude + R"(control C(inout bit<8> k) {
    table t {
        key = { k : exakt; k : exact; }
        actions = { NoAction; set(k); }
        default_action = set(k, 3);
        size = 1024;
    }
    table u {
        key = { k : exact; }
        actions = { NoAction; }
        default_action = set(k, 1);
    }
    apply {
        switch (t.apply().action_run) {
            NoAction: { }
            set: { }
        }
        if (u.apply().hit) { }
    }
}
)");
    EXPECT_ERRORS(
        c, "t.p4:6:21: error: 'exakt' is not a match kind",
        "t.p4:14:26: error: default action 'set' is not in the actions list of table 'u'");
    const sema::Type* t = c->decl("C") ? nullptr : nullptr;
    (void)t;
}

TEST(Sema, TableSizeAndDefaultActionArguments) {
    auto c = lang(kTablePrelude + R"(control C(inout bit<8> k, in bit<32> n) {
    table t {
        key = { k : exact; }
        actions = { set(k); }
        default_action = set(k);
        size = n;
    }
    table u {
        key = { k : lpm; }
        actions = { set(k); }
        size = -1;
    }
    apply { }
}
)");
    EXPECT_ERRORS(c, "t.p4:8:26: error: wrong number of arguments to 'set': expected 2, got 1",
                  "t.p4:9:16: error: table size must be a compile-time integer constant",
                  "t.p4:14:16: error: table size must not be negative");
}

TEST(Sema, ConstEntriesAreTypedAgainstKeys) {
    auto c = lang(kTablePrelude + R"(control C(inout bit<8> k, inout bit<16> w) {
    table t {
        key = { k : ternary; w : lpm; }
        actions = { set(k); NoAction; }
        const entries = {
            (1, 0x0A00 &&& 0xFF00) : set(k, 5);
            (_, _) : NoAction();
            (0x1FF, 1) : NoAction();
            (1) : NoAction();
        }
    }
    apply { t.apply(); }
}
)");
    EXPECT_ERRORS(c, "t.p4:11:14: error: 0x1FF does not fit in bit<8>",
                  "t.p4:12:13: error: entry has 1 key value(s), the table has 2 key(s)");
}

TEST(Sema, ActionLabelsNeedActionRun) {
    auto c = lang(kTablePrelude + R"(control C(inout bit<8> k) {
    table t { key = { k : exact; } actions = { NoAction; } }
    apply {
        switch (k) {
            NoAction: { }
            1: { }
        }
    }
}
)");
    EXPECT_ERRORS(c,
                  "t.p4:8:13: error: action label 'NoAction' needs a switch on a table's "
                  "action_run");
}

}  // namespace
}  // namespace hop
