// SPDX-License-Identifier: Apache-2.0
// Semantic checker, continued (sema_test.cpp): constant folding, functions, switches, unions,
// entries, stacks, parsers, pathological nesting, several errors in one run, and the v1model
// binding.
#include <gtest/gtest.h>

#include "tests/compiler/sema_test_util.hpp"

namespace hop {
namespace {

using namespace hop::ast;
using namespace hop::sematest;

// ---------------------------------------------------------------------------------------------
// Constant folding

TEST(Sema, ConstantFolding) {
    auto c = lang(R"(const bit<32> W = 8;
const bit<8> WRAP = 8w200 + 8w100;
const int<8> NEG = -8s1 - 8s127;
const bit<8> SAT = 8w200 |+| 8w100;
const int<8> SSAT = 8s100 |-| -8s100;
const int BIG = 1 << 100;
const bit<8> SHR = (bit<8>)(BIG >> 95) + 1;
const bool CMP = 3 > 2 && !(W == 7);
const bit<8> TER = W > 4 ? 8w1 : 8w2;
const int<8> CAST = (int<8>)8w255;
const bit<4> NIB = (bit<4>)8w0xAB;
typedef bit<(W + 1)> wide_t;
const wide_t MAXW = 9w511;
const bit<16> ROT = 16w1 << 15;
const int<8> TWOS = 8s0b1010_1010;
const int<8> MIN = -8s128;
)");
    EXPECT_CLEAN(c);
    auto v = [&](const char* n) { return *as<const ConstDecl>(c->decl(n))->value; };
    EXPECT_EQ(v("WRAP"), 44);
    EXPECT_EQ(v("NEG"), -128);
    EXPECT_EQ(v("SAT"), 255);
    EXPECT_EQ(v("SSAT"), 127);
    EXPECT_EQ(v("BIG"), BigInt(1) << 100);
    EXPECT_EQ(v("SHR"), 33);
    EXPECT_EQ(v("CMP"), 1);
    EXPECT_EQ(v("TER"), 1);
    EXPECT_EQ(v("CAST"), -1);
    EXPECT_EQ(v("NIB"), 0xB);
    EXPECT_EQ(v("MAXW"), 511);
    EXPECT_EQ(v("ROT"), 0x8000);
    EXPECT_EQ(v("TWOS"), -86);
    EXPECT_EQ(v("MIN"), -128);
    EXPECT_EQ(c->decl("wide_t")->type, c->checked.types->bits(9));
}

TEST(Sema, DivisionByZeroInConstant) {
    auto c = lang(R"(const bit<8> Z = 0;
const bit<8> A = 8w10 / Z;
const bit<8> B = 8w10 % 8w0;
)");
    EXPECT_ERRORS(c, "t.p4:2:25: error: division by zero", "t.p4:3:25: error: division by zero");
}

TEST(Sema, NonConstantWidth) {
    auto c = lang(R"(control C(in bit<8> n) {
    apply { bit<(n)> x; }
}
)");
    EXPECT_ERRORS(c, "t.p4:2:18: error: width must be a compile-time integer constant");
}

TEST(Sema, FunctionsReturnTheirType) {
    // P4_16 functions have no `function` keyword: `T name(params) { body }`.
    auto c = lang(R"(bit<8> inc(in bit<8> x) { return x + 1; }
bit<8> bad(in bit<8> x) { return x == 1; }
void nothing() { return; }
control C(inout bit<8> a) {
    apply { a = inc(a); a = inc(inc(a)); }
}
)");
    ASSERT_TRUE(c->parsed);
    EXPECT_ERRORS(c, "t.p4:2:34: error: cannot convert bool to bit<8>");
}

TEST(Sema, SwitchOnEnumsAndDuplicateLabels) {
    auto c = lang(R"(enum Color { Red, Green, Blue }
control C(in Color k, inout bit<8> x) {
    apply {
        switch (k) {
            Color.Red: { x = 1; }
            Color.Green:
            Color.Red: { x = 2; }
            default: { }
        }
    }
}
)");
    EXPECT_ERRORS(c, "t.p4:7:13: error: duplicate switch label");
}

TEST(Sema, HeaderUnionsAndInvalidHeaders) {
    auto c = lang(R"(header a_t { bit<8> x; }
header b_t { bit<16> y; }
header_union u_t { a_t a; b_t b; }
struct hs_t { u_t u; a_t a; }
control C(inout hs_t hs) {
    apply {
        if (hs.u.isValid() && hs.u.a.isValid()) { hs.u.b.setValid(); }
        hs.a = {#};
        hs.u.a.x = hs.u.b.y[7:0];
    }
}
header_union bad_t { a_t a; bit<8> z; }
)");
    EXPECT_ERRORS(c, "t.p4:12:29: error: header_union field 'z' cannot have type bit<8>");
}

TEST(Sema, RangesAndPrioritiesInEntries) {
    auto c = lang(R"(match_kind { exact, ternary, range }
action a(bit<8> v) { }
control C(in bit<8> k) {
    table t {
        key = { k : range; }
        actions = { a; }
        const entries = {
            priority = 10 : 1 .. 9 : a(1);
            10 .. 20 : a(2);
            1 &&& 3 : a(3);
            k : a(4);
            5 : a(k);
        }
    }
    apply { t.apply(); }
}
)");
    EXPECT_ERRORS(c, "t.p4:10:13: error: a mask ('&&&') cannot be used with a range key",
                  "t.p4:11:13: error: keyset value must be a compile-time constant",
                  "t.p4:12:19: error: action data argument 'v' must be a compile-time constant");
}

TEST(Sema, TableApplyResultType) {
    auto c = lang(R"(action NoAction() {}
control C() {
    table t { actions = { NoAction; } }
    apply { bool h = t.apply().hit; }
}
)");
    EXPECT_CLEAN(c);
    const sema::Type* tt = nullptr;
    auto* ctl = as<const ControlDecl>(c->decl("C"));
    tt = ctl->locals.at(0)->type;
    ASSERT_TRUE(tt && tt->returnType);
    EXPECT_EQ(tt->kind, sema::TypeKind::Table);
    EXPECT_EQ(tt->members, (std::vector<std::string>{"NoAction"}));
    EXPECT_EQ(tt->returnType->field("action_run")->type->kind, sema::TypeKind::ActionEnum);
}

TEST(Sema, SerializableEnumsConvertToTheirUnderlyingType) {
    auto c = lang(R"(enum bit<16> EtherType { IPV4 = 0x0800, ARP = 0x0806 }
header eth_t { bit<48> dst; bit<48> src; EtherType type; }
control C(inout eth_t e, inout bit<16> t, inout bit<8> n) {
    apply {
        t = e.type;
        e.type = EtherType.ARP;
        e.type = (EtherType)t;
        if (e.type == EtherType.IPV4 || t == EtherType.ARP) { t = t + 1; }
        n = e.type;
        e.type = t;
    }
}
)");
    EXPECT_ERRORS(c, "t.p4:9:13: error: cannot assign enum EtherType to bit<8>",
                  "t.p4:10:18: error: cannot assign bit<16> to enum EtherType");
    EXPECT_EQ(c->decl("eth_t")->type->width, 112);
}

TEST(Sema, StackNextOnlyInParsersAndMethodsMustBeCalled) {
    auto c = lang(R"(header h_t { bit<8> f; }
struct hs_t { h_t[2] s; h_t one; }
control C(inout hs_t hs) {
    apply {
        hs.s.next.f = 1;
        bool v = hs.one.isValid;
        hs.s.size = 3;
    }
}
)");
    EXPECT_ERRORS(c, "t.p4:5:14: error: 'next' can only be used in a parser",
                  "t.p4:6:25: error: method 'isValid' must be called",
                  "t.p4:7:9: error: cannot assign to 'size' of a header stack");
}

TEST(Sema, VerifyAndErrorsInParsers) {
    auto c = lang(R"(error { NoError, BadVersion }
extern void verify(in bool check, in error toSignal);
header h_t { bit<4> version; bit<4> len; }
struct hs_t { h_t h; }
parser P(inout hs_t hs) {
    state start {
        verify(hs.h.version == 4, error.BadVersion);
        verify(hs.h.version, error.BadVersion);
        verify(true, error.Missing);
        transition accept;
    }
}
)");
    EXPECT_ERRORS(c, "t.p4:8:16: error: cannot convert bit<4> to bool",
                  "t.p4:9:28: error: error has no member 'Missing'");
}

// ---------------------------------------------------------------------------------------------
// Robustness: nonsense must give errors, never crashes.

TEST(Sema, DeepNestingIsReported) {
    // A flat chain parses without recursion but nests the AST 3000 deep.
    std::string e = "1";
    for (int i = 0; i < 3000; ++i) e += " + 1";
    auto c = lang("const int X = " + e + ";\n");
    ASSERT_TRUE(c->parsed);
    ASSERT_EQ(c->errors().size(), 1u);
    EXPECT_NE(c->errors()[0].find("error: expression is nested too deeply"), std::string::npos);
}

TEST(Sema, LongButReasonableExpressionsFold) {
    std::string e = "1";
    for (int i = 0; i < 500; ++i) e += " + 1";
    auto c = lang("const int X = " + e + ";\n");
    EXPECT_CLEAN(c);
    EXPECT_EQ(as<const ConstDecl>(c->decl("X"))->value, BigInt(501));
}

TEST(Sema, SeveralErrorsInOneRun) {
    auto c = lang(R"(control C(inout bit<8> a) {
    apply {
        a = b;
        a = c;
        a = true;
    }
}
)");
    EXPECT_ERRORS(c, "t.p4:3:13: error: 'b' is not declared",
                  "t.p4:4:13: error: 'c' is not declared",
                  "t.p4:5:13: error: cannot assign bool to bit<8>");
}

// ---------------------------------------------------------------------------------------------
// v1model binding and unsupported externs (with the real architecture files)

TEST(SemaV1Model, BindsTheSixBlocks) {
    auto c = full(v1(R"(apply { mark_to_drop(sm); })"));
    EXPECT_CLEAN(c);
    const auto& b = c->checked.v1model;
    ASSERT_TRUE(b.main);
    ASSERT_TRUE(b.parser);
    EXPECT_EQ(b.parser->name.text, "P");
    ASSERT_TRUE(b.ingress && b.egress && b.deparser && b.verifyChecksum && b.computeChecksum);
    EXPECT_EQ(b.ingress->name.text, "I");
    EXPECT_EQ(b.deparser->name.text, "D");
    ASSERT_TRUE(b.headersType && b.metadataType);
    EXPECT_EQ(b.headersType->str(), "struct headers_t");
    EXPECT_EQ(b.metadataType->str(), "struct meta_t");
}

TEST(SemaV1Model, MissingMain) {
    auto c = full(v1("apply { }", ""));
    ASSERT_EQ(c->errors().size(), 1u);
    EXPECT_NE(c->errors()[0].find("error: no 'main' package instantiation"), std::string::npos);
}

TEST(SemaV1Model, MainWithWrongBlock) {
    auto c = full(v1("apply { }", "V1Switch(P(), VC(), I(), E(), CC(), CC()) main;"));
    EXPECT_ERRORS(c,
                  "t.p4:16:37: error: cannot convert control CC to control Deparser: "
                  "parameter 'h' is inout, expected directionless");
}

TEST(SemaV1Model, TypeArgumentsMustAgreeAcrossBlocks) {
    std::string text = v1("apply { }");
    text.replace(text.find("control E(inout headers_t h"), 27, "control E(inout meta_t h   ");
    auto c = full(text);
    EXPECT_ERRORS(c,
                  "t.p4:16:26: error: cannot convert control E to control Egress: parameter "
                  "'h' has type struct meta_t, expected struct headers_t");
}

TEST(SemaV1Model, UnsupportedExterns) {
    auto c = full(v1(R"(action_profile(16) ap;
    action_profile(8) ap2;
    apply {
        bit<32> v;
        clone(CloneType.I2E, v);  // the model's traffic manager runs it (tests/sim/model_tm_test)
        mark_to_drop(sm);
    })"));
    EXPECT_ERRORS(c, "t.p4:11:5: error: action_profile is not supported by hopline",
                  "t.p4:12:5: error: action_profile is not supported by hopline");
}

// The stateful externs pass the front end (the model runs them; the Verilog backend refuses
// them with its own located error until it builds them).
TEST(SemaV1Model, StatefulExternsAccepted) {
    auto c = full(v1(R"(register<bit<32>>(16) r;
    counter(8, CounterType.packets) cnt;
    meter(4, MeterType.bytes) mtr;
    direct_counter(CounterType.packets_and_bytes) dc;
    direct_meter<bit<2>>(MeterType.packets) dm;
    action a() { bit<2> c; dm.read(c); }
    table t { key = { h.eth.dst: exact; } actions = { a; } counters = dc; meters = dm; }
    apply {
        bit<32> v;
        r.read(v, 0);
        r.write(1, v + 1);
        cnt.count(2);
        bit<2> colour;
        mtr.execute_meter(32w3, colour);
        t.apply();
        mark_to_drop(sm);
    })"));
    EXPECT_CLEAN(c);
}

TEST(SemaV1Model, LanguageOnlyModeAcceptsAllOfV1Model) {
    fs::path dir = fs::temp_directory_path() / ("hop_sema_test_lo_" + std::to_string(getpid()));
    fs::create_directories(dir);
    std::ofstream(dir / "t.p4") << v1(R"(register<bit<32>>(16) r;
    apply { bit<32> v; r.read(v, 0); log_msg("x"); log_msg("y {}", { v }); })");
    PreprocessOptions o;
    o.p4includeDir = std::string(HOP_SOURCE_DIR) + "/p4include";
    std::string err;
    auto src = preprocess((dir / "t.p4").string(), o, err);
    ASSERT_TRUE(src) << err;
    auto c = run(std::make_unique<SourceBuffer>(std::move(*src)), false);
    EXPECT_CLEAN(c);
}

}  // namespace
}  // namespace hop
