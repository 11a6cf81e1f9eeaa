// SPDX-License-Identifier: Apache-2.0
// The P4_16 parser: one test per production family asserting the AST's shape (errors, recovery,
// pathological inputs and the real programs: parser_errors_test.cpp).
#include "parser/parser.hpp"

#include <gtest/gtest.h>

#include "tests/compiler/parser_test_util.hpp"

namespace hop {
namespace {

using namespace ast;
using namespace parsertest;

// ---- expressions

TEST(ParserExpr, MultiplicationBindsTighterThanAddition) {
    EXPECT_EQ(expr("a + b * c"), "(+ a (* b c))");
    EXPECT_EQ(expr("a * b + c"), "(+ (* a b) c)");
    EXPECT_EQ(expr("a - b - c"), "(- (- a b) c)");
    EXPECT_EQ(expr("a / b % c"), "(% (/ a b) c)");
}

TEST(ParserExpr, BitwiseOperatorsFollowTheP4Table) {
    EXPECT_EQ(expr("a | b & c"), "(| a (& b c))");
    EXPECT_EQ(expr("a ^ b | c & d"), "(| (^ a b) (& c d))");
    // Unlike C, comparisons bind looser than the bitwise operators.
    EXPECT_EQ(expr("a & b == c"), "(== (& a b) c)");
    EXPECT_EQ(expr("a < b == c > d"), "(== (< a b) (> c d))");
    EXPECT_EQ(expr("a << 2 + b"), "(<< a (+ 2 b))");
    EXPECT_EQ(expr("a >> b >= c"), "(>= (>> a b) c)");
    EXPECT_EQ(expr("a |+| b |-| c"), "(|-| (|+| a b) c)");
}

TEST(ParserExpr, ConcatenationBindsLikeAddition) {
    EXPECT_EQ(expr("a ++ b + c"), "(+ (++ a b) c)");
    EXPECT_EQ(expr("a + b ++ c"), "(++ (+ a b) c)");
    EXPECT_EQ(expr("a ++ b * c"), "(++ a (* b c))");
}

TEST(ParserExpr, LogicalAndTernary) {
    EXPECT_EQ(expr("a < b && c > d || e"), "(|| (&& (< a b) (> c d)) e)");
    EXPECT_EQ(expr("a ? b : c ? d : e"), "(? a b (? c d e))");
    EXPECT_EQ(expr("a || b ? c + 1 : d"), "(? (|| a b) (+ c 1) d)");
}

TEST(ParserExpr, UnaryOperators) {
    EXPECT_EQ(expr("!a && ~b"), "(&& (! a) (~ b))");
    EXPECT_EQ(expr("-a * +b"), "(* (neg a) (pos b))");
    EXPECT_EQ(expr("- - a"), "(neg (neg a))");
    EXPECT_EQ(expr("-8s3"), "(neg 8s3)");
    EXPECT_EQ(expr("a != !b"), "(!= a (! b))");
}

TEST(ParserExpr, IntegerLiterals) {
    Parsed p = parseOk("const bit<32> c = 32w0xFFFF_0000;");
    auto* lit = as<IntLiteral>(as<ConstDecl>(p.program.decls[0])->init);
    ASSERT_NE(lit, nullptr);
    EXPECT_EQ(lit->width, 32);
    EXPECT_FALSE(lit->isSigned);
    EXPECT_EQ(lit->value, BigInt(0xFFFF0000u));
    struct Case {
        const char* text;
        int width;
        bool isSigned;
        long value;
    };
    for (const Case& c :
         {Case{"8w5", 8, false, 5}, Case{"16s3", 16, true, 3}, Case{"0x1F", 0, false, 31},
          Case{"0X1f", 0, false, 31}, Case{"0b101", 0, false, 5}, Case{"0B1_1", 0, false, 3},
          Case{"0o17", 0, false, 15}, Case{"0d10", 0, false, 10}, Case{"1_000", 0, false, 1000},
          Case{"4w0b1010", 4, false, 10}}) {
        Parsed q = parseOk(std::string("const int c = ") + c.text + ";");
        auto* l = as<IntLiteral>(as<ConstDecl>(q.program.decls[0])->init);
        ASSERT_NE(l, nullptr) << c.text;
        EXPECT_EQ(l->width, c.width) << c.text;
        EXPECT_EQ(l->isSigned, c.isSigned) << c.text;
        EXPECT_EQ(l->value, BigInt(c.value)) << c.text;
        EXPECT_EQ(l->text, c.text);
    }
}

TEST(ParserExpr, BooleanAndStringLiterals) {
    EXPECT_EQ(expr("true && false"), "(&& true false)");
    EXPECT_EQ(expr(R"("a\"b\\c\n")"), "\"a\"b\\c\n\"");
}

TEST(ParserExpr, NamesMembersAndErrorConstants) {
    EXPECT_EQ(expr(".a + b"), "(+ .a b)");
    EXPECT_EQ(expr("this"), "this");
    EXPECT_EQ(expr("error.NoError"), "(. error NoError)");
    EXPECT_EQ(expr("hdr.ipv4.ttl"), "(. (. hdr ipv4) ttl)");
    EXPECT_EQ(expr("MyEnum.A"), "(. MyEnum A)");
    // Keywords only match whole words.
    EXPECT_EQ(expr("bitfield + default_action + int_x"), "(+ (+ bitfield default_action) int_x)");
}

TEST(ParserExpr, IndexVersusSlice) {
    EXPECT_EQ(expr("x[7:0]"), "(slice x 7 0)");
    EXPECT_EQ(expr("x[3]"), "(index x 3)");
    EXPECT_EQ(expr("hs[i + 1].f[15:8]"), "(slice (. (index hs (+ i 1)) f) 15 8)");
}

TEST(ParserExpr, CastsBindTighterThanBinaryOperators) {
    EXPECT_EQ(expr("(bit<8>) x + 1"), "(+ (cast bit<8> x) 1)");
    EXPECT_EQ(expr("(bit<16>)hdr.ihl << 2"), "(<< (cast bit<16> (. hdr ihl)) 2)");
    EXPECT_EQ(expr("(int<8>) -1"), "(cast int<8> (neg 1))");
    EXPECT_EQ(expr("(T) x"), "(cast T x)");
    EXPECT_EQ(expr("(T) (x)"), "(cast T x)");
    EXPECT_EQ(expr("(bool) !x"), "(cast bool (! x))");
    EXPECT_EQ(expr("(E) {1, 2}"), "(cast E {1 2})");
    // A plain name followed by something that can continue a binary expression is a
    // parenthesised expression.
    EXPECT_EQ(expr("(a) - b"), "(- a b)");
    EXPECT_EQ(expr("(a) + b"), "(+ a b)");
    EXPECT_EQ(expr("((a))"), "a");
    EXPECT_EQ(expr("(a + b) * c"), "(* (+ a b) c)");
}

TEST(ParserExpr, CallsWithNamedDontCareAndTypeArguments) {
    EXPECT_EQ(expr("f(x = 1, y = _)"), "(call f x=1 y=_)");
    EXPECT_EQ(expr("f(_, 2)"), "(call f _ 2)");
    EXPECT_EQ(expr("f<bit<8>>(x)"), "(call f<bit<8>> x)");
    EXPECT_EQ(expr("pkt.extract<H>(h)"), "(call (. pkt extract)<H> h)");
    EXPECT_EQ(expr("h.isValid()"), "(call (. h isValid))");
    EXPECT_EQ(expr("t.apply().hit"), "(. (call (. t apply)) hit)");
    EXPECT_EQ(expr("a < b"), "(< a b)");
    EXPECT_EQ(expr("a < b && c > d"), "(&& (< a b) (> c d))");
}

TEST(ParserExpr, ListStructAndInvalidHeaderExpressions) {
    EXPECT_EQ(expr("{a, b + 1}"), "{a (+ b 1)}");
    EXPECT_EQ(expr("{}"), "{}");
    EXPECT_EQ(expr("{f = 1, g = 2,}"), "{f=1 g=2}");
    EXPECT_EQ(expr("{#}"), "{#}");
    EXPECT_EQ(expr("{a == 1}"), "{(== a 1)}");
}

TEST(ParserExpr, LocationsPointAtTheFirstCharacter) {
    std::string text = "const bit<8> c = (bit<8>) a.b + f(x)[1:0];";
    Parsed p = parseOk(text);
    auto* c = as<ConstDecl>(p.program.decls[0]);
    EXPECT_EQ(c->loc.offset, 0u);
    EXPECT_EQ(c->name.loc.offset, text.find("c ="));
    auto* add = as<BinaryExpr>(c->init);
    ASSERT_NE(add, nullptr);
    EXPECT_EQ(add->loc.offset, text.find("(bit"));
    auto* cast = as<CastExpr>(add->lhs);
    ASSERT_NE(cast, nullptr);
    EXPECT_EQ(cast->target->loc.offset, text.find("bit<8>)"));
    EXPECT_EQ(cast->operand->loc.offset, text.find("a.b"));
    EXPECT_EQ(as<MemberExpr>(cast->operand)->member.loc.offset, text.find("b +"));
    auto* slice = as<SliceExpr>(add->rhs);
    ASSERT_NE(slice, nullptr);
    EXPECT_EQ(slice->loc.offset, text.find("f(x)"));
    EXPECT_EQ(slice->lo->loc.offset, text.find("0]"));
}

// ---- types and type declarations

TEST(ParserTypes, HeadersStructsAndUnions) {
    Parsed p = parseOk(R"(
        header ethernet_t { bit<48> dst; bit<48> src; bit<16> type; }
        header opt_t { varbit<320> data; bit b; int<8> s; }
        struct pair<T> { T first; tuple<T, bool> second; }
        header_union ip_t { ipv4_t v4; ipv6_t v6; }
        struct headers { ethernet_t eth; mpls_t[4] mpls; .top_t t; Reg<bit<8>, _> r; }
    )");
    ASSERT_EQ(p.program.decls.size(), 5u);
    auto& eth = declAt<StructLikeDecl>(p, 0);
    EXPECT_EQ(eth.kind, StructLikeDecl::Kind::Header);
    EXPECT_EQ(eth.name.text, "ethernet_t");
    ASSERT_EQ(eth.fields.size(), 3u);
    EXPECT_EQ(eth.fields[2].name.text, "type");  // soft keyword as a field name
    auto& opt = declAt<StructLikeDecl>(p, 1);
    EXPECT_EQ(show(opt.fields[0].typeRef), "varbit<320>");
    EXPECT_EQ(show(opt.fields[1].typeRef), "bit<1>");
    EXPECT_EQ(show(opt.fields[2].typeRef), "int<8>");
    auto& pair = declAt<StructLikeDecl>(p, 2);
    ASSERT_EQ(pair.typeParams.names.size(), 1u);
    EXPECT_EQ(pair.typeParams.names[0].text, "T");
    EXPECT_EQ(show(pair.fields[1].typeRef), "tuple<T,bool>");
    EXPECT_EQ(declAt<StructLikeDecl>(p, 3).kind, StructLikeDecl::Kind::HeaderUnion);
    auto& hs = declAt<StructLikeDecl>(p, 4);
    EXPECT_EQ(hs.kind, StructLikeDecl::Kind::Struct);
    EXPECT_EQ(show(hs.fields[1].typeRef), "mpls_t[4]");
    EXPECT_EQ(show(hs.fields[2].typeRef), ".top_t");
    EXPECT_EQ(show(hs.fields[3].typeRef), "Reg<bit<8>,_>");
}

TEST(ParserTypes, NestedTypeArgumentsCloseWithShiftToken) {
    Parsed p = parseOk("Register<bit<32>, bit<8>>(8) r; const bit<(W + 1)> w = 0;");
    auto& r = declAt<InstanceDecl>(p, 0);
    EXPECT_EQ(show(r.typeRef), "Register<bit<32>,bit<8>>");
    EXPECT_EQ(showArgs(r.args), " 8");
    EXPECT_EQ(show(declAt<ConstDecl>(p, 1).typeRef), "bit<(+ W 1)>");
    EXPECT_EQ(expr("a >> 2"), "(>> a 2)");
}

TEST(ParserTypes, Enums) {
    Parsed p = parseOk(R"(
        enum Color { Red, Green, Blue, }
        enum bit<8> Proto { TCP = 6, UDP = 17 }
    )");
    auto& color = declAt<EnumDecl>(p, 0);
    EXPECT_EQ(color.underlying, nullptr);
    ASSERT_EQ(color.members.size(), 3u);
    EXPECT_EQ(color.members[2].name.text, "Blue");
    auto& proto = declAt<EnumDecl>(p, 1);
    EXPECT_EQ(show(proto.underlying), "bit<8>");
    ASSERT_EQ(proto.members.size(), 2u);
    EXPECT_EQ(proto.members[1].name.text, "UDP");
    EXPECT_EQ(show(proto.members[1].value), "17");
}

TEST(ParserTypes, ErrorMatchKindTypedefAndType) {
    Parsed p = parseOk(R"(
        error { NoError, PacketTooShort }
        match_kind { exact, ternary, lpm }
        typedef bit<9> port_t;
        type bit<32> ip_t;
        typedef ethernet_t[2] eths;
    )");
    auto& err = declAt<ErrorDecl>(p, 0);
    ASSERT_EQ(err.members.size(), 2u);
    EXPECT_EQ(err.members[1].text, "PacketTooShort");
    EXPECT_EQ(declAt<MatchKindDecl>(p, 1).members.size(), 3u);
    auto& td = declAt<TypedefDecl>(p, 2);
    EXPECT_FALSE(td.isNewType);
    EXPECT_EQ(td.name.text, "port_t");
    EXPECT_EQ(show(td.typeRef), "bit<9>");
    EXPECT_TRUE(declAt<TypedefDecl>(p, 3).isNewType);
    EXPECT_EQ(show(declAt<TypedefDecl>(p, 4).typeRef), "ethernet_t[2]");
}

TEST(ParserTypes, ConstantsAndEmptyDeclarations) {
    Parsed p = parseOk("const bit<16> TYPE_IPV4 = 0x800;; const bool B = true;");
    ASSERT_EQ(p.program.decls.size(), 2u);
    auto& c = declAt<ConstDecl>(p, 0);
    EXPECT_EQ(c.name.text, "TYPE_IPV4");
    EXPECT_EQ(show(c.typeRef), "bit<16>");
    EXPECT_EQ(show(c.init), "0x800");
}

// ---- externs, functions, prototypes, instantiations

TEST(ParserDecls, ExternObjectsAndFunctions) {
    Parsed p = parseOk(R"(
        extern Checksum16 { Checksum16(); void clear(); bit<16> get(); }
        extern register<T, I> {
            register(bit<32> size);
            @noSideEffects void read(out T result, in I index);
            void write(in I index, in T value);
            abstract bit<16> hash<D>(in D data);
        }
        extern void verify(in bool check, in error toSignal);
        extern T mux<T>(in bool c, in T a, in T b = 0);
    )");
    auto& ck = declAt<ExternDecl>(p, 0);
    EXPECT_FALSE(ck.isFunction);
    ASSERT_EQ(ck.methods.size(), 3u);
    EXPECT_TRUE(ck.methods[0].isConstructor);
    EXPECT_EQ(ck.methods[0].returnType, nullptr);
    EXPECT_EQ(show(ck.methods[1].returnType), "void");
    auto& reg = declAt<ExternDecl>(p, 1);
    ASSERT_EQ(reg.typeParams.names.size(), 2u);
    ASSERT_EQ(reg.methods.size(), 4u);
    EXPECT_EQ(reg.methods[1].annotations.at(0).name.text, "noSideEffects");
    EXPECT_EQ(reg.methods[1].params.at(0)->direction, Direction::Out);
    EXPECT_EQ(reg.methods[1].params.at(1)->direction, Direction::In);
    EXPECT_TRUE(reg.methods[3].isAbstract);
    EXPECT_EQ(reg.methods[3].typeParams.names.at(0).text, "D");
    auto& verify = declAt<ExternDecl>(p, 2);
    EXPECT_TRUE(verify.isFunction);
    EXPECT_EQ(verify.name.text, "verify");
    EXPECT_EQ(show(verify.function.params.at(1)->type), "error");
    auto& mux = declAt<ExternDecl>(p, 3);
    EXPECT_EQ(mux.typeParams.names.at(0).text, "T");
    EXPECT_EQ(show(mux.function.params.at(2)->defaultValue), "0");
}

TEST(ParserDecls, FunctionsAndPrototypes) {
    Parsed p = parseOk(R"(
        bit<16> max(in bit<16> a, in bit<16> b) { return a > b ? a : b; }
        T id<T>(in T x) { return x; }
        parser Parser<H, M>(packet_in b, out H parsedHdr, inout M meta);
        control Ingress<H, M>(inout H hdr, inout M meta);
        package V1Switch<H, M>(Parser<H, M> p, Ingress<H, M> ig);
    )");
    auto& max = declAt<FunctionDecl>(p, 0);
    EXPECT_EQ(max.name.text, "max");
    EXPECT_EQ(show(max.returnType), "bit<16>");
    ASSERT_EQ(max.params.size(), 2u);
    ASSERT_EQ(max.body->stmts.size(), 1u);
    EXPECT_EQ(show(as<ReturnStmt>(max.body->stmts[0])->value), "(? (> a b) a b)");
    EXPECT_EQ(declAt<FunctionDecl>(p, 1).typeParams.names.at(0).text, "T");
    auto& parser = declAt<BlockTypeDecl>(p, 2);
    EXPECT_EQ(parser.kind, BlockTypeDecl::Kind::Parser);
    EXPECT_EQ(parser.params.at(1)->direction, Direction::Out);
    EXPECT_EQ(parser.params.at(0)->direction, Direction::None);
    EXPECT_EQ(declAt<BlockTypeDecl>(p, 3).kind, BlockTypeDecl::Kind::Control);
    auto& pkg = declAt<BlockTypeDecl>(p, 4);
    EXPECT_EQ(pkg.kind, BlockTypeDecl::Kind::Package);
    EXPECT_EQ(show(pkg.params.at(0)->type), "Parser<H,M>");
}

TEST(ParserDecls, Instantiations) {
    Parsed p = parseOk(R"(
        V1Switch(MyParser(), MyVerify(), MyIngress()) main;
        Hash<bit<16>>(HashAlgorithm.crc16) h = {
            bit<16> compute(in bit<16> x) { return x; }
            Inner() inner;
        };
    )");
    auto& main = declAt<InstanceDecl>(p, 0);
    EXPECT_EQ(main.name.text, "main");
    EXPECT_EQ(showArgs(main.args), " (call MyParser) (call MyVerify) (call MyIngress)");
    auto& h = declAt<InstanceDecl>(p, 1);
    EXPECT_EQ(show(h.typeRef), "Hash<bit<16>>");
    ASSERT_EQ(h.initializer.size(), 2u);
    EXPECT_NE(as<FunctionDecl>(h.initializer[0]), nullptr);
    EXPECT_NE(as<InstanceDecl>(h.initializer[1]), nullptr);
}

TEST(ParserDecls, AnnotationsInAllThreeForms) {
    Parsed p = parseOk(R"P4(
        @controller_header("packet_in") @hidden
        header packet_in_t { @padding bit<7> pad; }
        @pragma_like(some raw (tokens) here, "x)") struct s_t { bit<8> a; }
        @structured[k = 1, name = "n"] @list[1, 2,] const bit<8> c = 1;
    )P4");
    auto& h = declAt<StructLikeDecl>(p, 0);
    ASSERT_EQ(h.annotations.size(), 2u);
    EXPECT_EQ(h.annotations[0].name.text, "controller_header");
    EXPECT_EQ(h.annotations[0].body, "\"packet_in\"");
    ASSERT_EQ(h.annotations[0].args.size(), 1u);
    EXPECT_EQ(show(h.annotations[0].args[0]), "\"packet_in\"");
    EXPECT_EQ(h.annotations[1].name.text, "hidden");
    EXPECT_EQ(h.fields[0].annotations.at(0).name.text, "padding");
    EXPECT_EQ(h.loc.offset, p.source->text().find("@controller_header"));
    auto& s = declAt<StructLikeDecl>(p, 1);
    ASSERT_EQ(s.annotations.size(), 1u);
    EXPECT_EQ(s.annotations[0].body, "some raw (tokens) here, \"x)\"");
    EXPECT_TRUE(s.annotations[0].args.empty());
    auto& c = declAt<ConstDecl>(p, 2);
    ASSERT_EQ(c.annotations.size(), 2u);
    ASSERT_EQ(c.annotations[0].kvs.size(), 2u);
    EXPECT_EQ(c.annotations[0].kvs[1].first.text, "name");
    EXPECT_EQ(show(c.annotations[0].kvs[1].second), "\"n\"");
    EXPECT_EQ(c.annotations[1].args.size(), 2u);
}

// ---- parsers

TEST(ParserBlocks, ParserLocalsStatesAndSelect) {
    Parsed p = parseOk(R"(
        parser MyParser(packet_in packet, out headers hdr)(bit<8> ctorArg) {
            const bit<8> K = 1;
            bit<8> tmp;
            Checksum16() ck;
            value_set<bit<16>>(4) pvs;
            @name("start") state start {
                packet.extract(hdr.eth);
                tmp = 1;
                transition select(hdr.eth.type, tmp) {
                    (0x0800, 1): parse_ipv4;
                    (0x86dd &&& 0xFFFF, _): parse_ipv6;
                    (1..5, default): accept;
                    pvs: accept;
                    default: reject;
                }
            }
            state parse_ipv4 { transition accept; }
            state parse_ipv6 { }
        }
    )");
    auto& parser = declAt<ParserDecl>(p, 0);
    EXPECT_EQ(parser.ctorParams.size(), 1u);
    ASSERT_EQ(parser.locals.size(), 4u);
    EXPECT_NE(as<ConstDecl>(parser.locals[0]), nullptr);
    EXPECT_NE(as<VarDecl>(parser.locals[1]), nullptr);
    EXPECT_NE(as<InstanceDecl>(parser.locals[2]), nullptr);
    auto* pvs = as<ValueSetDecl>(parser.locals[3]);
    ASSERT_NE(pvs, nullptr);
    EXPECT_EQ(show(pvs->elementType), "bit<16>");
    EXPECT_EQ(show(pvs->size), "4");
    ASSERT_EQ(parser.states.size(), 3u);
    auto& start = *parser.states[0];
    EXPECT_EQ(start.annotations.at(0).name.text, "name");
    ASSERT_EQ(start.stmts.size(), 2u);
    EXPECT_NE(as<CallStmt>(start.stmts[0]), nullptr);
    EXPECT_NE(as<AssignStmt>(start.stmts[1]), nullptr);
    ASSERT_TRUE(start.transition.has_value());
    const Transition& t = *start.transition;
    EXPECT_FALSE(t.next.has_value());
    ASSERT_EQ(t.selectExprs.size(), 2u);
    ASSERT_EQ(t.cases.size(), 5u);
    EXPECT_EQ(show(t.cases[0].keyset), "{0x0800 1}");
    EXPECT_EQ(t.cases[0].next.text, "parse_ipv4");
    EXPECT_EQ(show(t.cases[1].keyset), "{(&&& 0x86dd 0xFFFF) _}");
    EXPECT_EQ(show(t.cases[2].keyset), "{(.. 1 5) default}");
    EXPECT_EQ(show(t.cases[3].keyset), "pvs");
    EXPECT_EQ(show(t.cases[4].keyset), "default");
    EXPECT_EQ(parser.states[1]->transition->next->text, "accept");
    EXPECT_FALSE(parser.states[2]->transition.has_value());
}

// ---- controls, actions, tables

TEST(ParserBlocks, ControlWithActionsAndTables) {
    Parsed p = parseOk(R"(
        control MyIngress(inout headers hdr, inout standard_metadata_t sm) {
            counter(8, CounterType.packets) c;
            action drop() { mark_to_drop(sm); }
            action forward(bit<9> port, @name("mac") bit<48> dst) {
                sm.egress_spec = port;
            }
            @name("ipv4_lpm") table ipv4_lpm {
                key = {
                    hdr.ipv4.dstAddr : lpm @name("dst");
                    hdr.ipv4.ttl & 0xF0 : ternary;
                }
                actions = { forward; @defaultonly drop; .NoAction; forward(1, 2); }
                const default_action = drop();
                size = 1024;
                implementation = action_profile(4);
                @my_anno const entries = {
                    (10, 0x0F &&& 0xFF) : forward(1, 2);
                    priority = 10 : (_, default) : drop() @entry_anno;
                    const priority = (1 + 2) : (1..2, _) : drop();
                }
                entries = { 5 : drop; }
            }
            apply { ipv4_lpm.apply(); }
        }
    )");
    auto& ctl = declAt<ControlDecl>(p, 0);
    ASSERT_EQ(ctl.locals.size(), 4u);
    EXPECT_NE(as<InstanceDecl>(ctl.locals[0]), nullptr);
    auto* fwd = as<ActionDecl>(ctl.locals[2]);
    ASSERT_NE(fwd, nullptr);
    ASSERT_EQ(fwd->params.size(), 2u);
    EXPECT_EQ(fwd->params[1]->annotations.at(0).name.text, "name");
    auto* table = as<TableDecl>(ctl.locals[3]);
    ASSERT_NE(table, nullptr);
    EXPECT_EQ(table->annotations.at(0).name.text, "name");
    ASSERT_EQ(table->properties.size(), 7u);
    const auto& key = table->properties[0];
    EXPECT_EQ(key.kind, TableProperty::Kind::Key);
    ASSERT_EQ(key.keys.size(), 2u);
    EXPECT_EQ(show(key.keys[0].expr), "(. (. hdr ipv4) dstAddr)");
    EXPECT_EQ(key.keys[0].matchKind.text, "lpm");
    EXPECT_EQ(key.keys[0].annotations.at(0).name.text, "name");
    EXPECT_EQ(show(key.keys[1].expr), "(& (. (. hdr ipv4) ttl) 0xF0)");
    const auto& actions = table->properties[1];
    EXPECT_EQ(actions.kind, TableProperty::Kind::Actions);
    ASSERT_EQ(actions.actions.size(), 4u);
    EXPECT_EQ(show(actions.actions[0].expr), "forward");
    EXPECT_EQ(actions.actions[1].annotations.at(0).name.text, "defaultonly");
    EXPECT_EQ(show(actions.actions[2].expr), ".NoAction");
    EXPECT_EQ(show(actions.actions[3].expr), "(call forward 1 2)");
    const auto& def = table->properties[2];
    EXPECT_EQ(def.kind, TableProperty::Kind::Value);
    EXPECT_TRUE(def.isConst);
    EXPECT_EQ(def.name.text, "default_action");
    EXPECT_EQ(show(def.value), "(call drop)");
    EXPECT_EQ(table->properties[3].name.text, "size");
    EXPECT_EQ(show(table->properties[3].value), "1024");
    EXPECT_EQ(show(table->properties[4].value), "(call action_profile 4)");
    const auto& entries = table->properties[5];
    EXPECT_EQ(entries.kind, TableProperty::Kind::Entries);
    EXPECT_TRUE(entries.isConst);
    EXPECT_EQ(entries.annotations.at(0).name.text, "my_anno");
    ASSERT_EQ(entries.entries.size(), 3u);
    ASSERT_EQ(entries.entries[0].keyset.size(), 2u);
    EXPECT_EQ(show(entries.entries[0].keyset[1]), "(&&& 0x0F 0xFF)");
    EXPECT_EQ(show(entries.entries[0].action.expr), "(call forward 1 2)");
    EXPECT_EQ(entries.entries[0].priority, nullptr);
    EXPECT_TRUE(entries.entries[0].isConst);
    EXPECT_EQ(show(entries.entries[1].priority), "10");
    EXPECT_EQ(show(entries.entries[1].keyset[0]), "_");
    EXPECT_EQ(show(entries.entries[1].keyset[1]), "default");
    EXPECT_EQ(entries.entries[1].annotations.at(0).name.text, "entry_anno");
    EXPECT_EQ(show(entries.entries[2].priority), "(+ 1 2)");
    const auto& mutableEntries = table->properties[6];
    EXPECT_FALSE(mutableEntries.isConst);
    ASSERT_EQ(mutableEntries.entries.size(), 1u);
    EXPECT_EQ(show(mutableEntries.entries[0].keyset.at(0)), "5");
    EXPECT_FALSE(mutableEntries.entries[0].isConst);
    ASSERT_EQ(ctl.apply->stmts.size(), 1u);
}

// ---- statements

TEST(ParserStmts, AssignmentsAndCalls) {
    auto s = stmts("a = b + 1; hdr.x[7:0] = 3; f(x); t.apply(); pkt.extract<H>(h); C.apply(x);");
    ASSERT_EQ(s.size(), 6u);
    auto* a = as<AssignStmt>(s[0]);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(show(a->lhs), "a");
    EXPECT_EQ(show(a->rhs), "(+ b 1)");
    EXPECT_EQ(show(as<AssignStmt>(s[1])->lhs), "(slice (. hdr x) 7 0)");
    EXPECT_EQ(show(as<CallStmt>(s[2])->call), "(call f x)");
    EXPECT_EQ(show(as<CallStmt>(s[3])->call), "(call (. t apply))");
    EXPECT_EQ(show(as<CallStmt>(s[4])->call), "(call (. pkt extract)<H> h)");
    EXPECT_EQ(show(as<CallStmt>(s[5])->call), "(call (. C apply) x)");
}

// `a op= e` is `a = a op e` with the one target node on both sides; `<=` and `>=` stay
// comparisons.
TEST(ParserStmts, CompoundAssignments) {
    auto s = stmts(
        "a += 1; a -= 1; a *= 2; a /= 2; a %= 3; a &= m; a |= m; a ^= m; a <<= 1; a >>= 1; "
        "a |+|= b; a |-|= b; h.x[3:0] += 1; a = b <= c; a = b >= c;");
    ASSERT_EQ(s.size(), 15u);
    const char* rhs[] = {"(+ a 1)",
                         "(- a 1)",
                         "(* a 2)",
                         "(/ a 2)",
                         "(% a 3)",
                         "(& a m)",
                         "(| a m)",
                         "(^ a m)",
                         "(<< a 1)",
                         "(>> a 1)",
                         "(|+| a b)",
                         "(|-| a b)",
                         "(+ (slice (. h x) 3 0) 1)",
                         "(<= b c)",
                         "(>= b c)"};
    for (size_t i = 0; i < s.size(); ++i) {
        auto* a = as<AssignStmt>(s[i]);
        ASSERT_NE(a, nullptr) << i;
        EXPECT_EQ(show(a->rhs), rhs[i]) << i;
        if (i < 13) {
            EXPECT_EQ(as<BinaryExpr>(a->rhs)->lhs, a->lhs) << i;
        }
    }
    EXPECT_EQ(errorsOf("control C() { apply { a += ; } }\n"),
              std::vector<std::string>{"t.p4:1:28: error: expected an expression"});
}

// P4_16 1.2.5's loops: init and update lists without their `;`, an omitted condition, ranges
// and lists after `in`, and `break` / `continue` (which stay names elsewhere).
TEST(ParserStmts, ForLoops) {
    auto s = stmts(R"(
        for (bit<8> i = 0, j = 1; i < 4; i = i + 1, j += 2) { break; }
        for (i = 0; ; ) continue;
        for (bit<8> v in 1 .. n) { }
        @unroll for (bit<8> v in {a, 3}) ;
        break = 1;
    )");
    ASSERT_EQ(s.size(), 5u);
    auto* f = as<ast::ForStmt>(s[0]);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->init.size(), 2u);
    EXPECT_TRUE(as<DeclStmt>(f->init[0]));
    EXPECT_TRUE(f->cond);
    EXPECT_EQ(f->update.size(), 2u);
    ASSERT_TRUE(as<BlockStmt>(f->body));
    EXPECT_TRUE(as<ast::BreakStmt>(as<BlockStmt>(f->body)->stmts.at(0)));
    auto* g = as<ast::ForStmt>(s[1]);
    ASSERT_NE(g, nullptr);
    EXPECT_TRUE(as<AssignStmt>(g->init.at(0)));
    EXPECT_FALSE(g->cond);
    EXPECT_TRUE(g->update.empty());
    EXPECT_TRUE(as<ast::ContinueStmt>(g->body));
    auto* r = as<ast::ForInStmt>(s[2]);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->var->name.text, "v");
    ASSERT_TRUE(as<BinaryExpr>(r->collection));
    EXPECT_EQ(as<BinaryExpr>(r->collection)->op, ast::BinaryOp::Range);
    auto* l = as<ast::ForInStmt>(s[3]);
    ASSERT_NE(l, nullptr);
    EXPECT_EQ(l->annotations.size(), 1u);
    EXPECT_TRUE(as<ast::ListExpr>(l->collection));
    EXPECT_TRUE(as<AssignStmt>(s[4]));
    EXPECT_EQ(errorsOf("control C() { apply { for (bit<8> i = 0; i < 4 i = i + 1) { } } }\n"),
              std::vector<std::string>{"t.p4:1:48: error: expected ';'"});
}

TEST(ParserStmts, IfElseBlocksExitReturnEmpty) {
    auto s = stmts(R"(
        if (a == 1) b = 2; else if (c) { exit; } else { return; }
        @atomic { ; }
        return x + 1;
    )");
    ASSERT_EQ(s.size(), 3u);
    auto* i = as<IfStmt>(s[0]);
    ASSERT_NE(i, nullptr);
    EXPECT_EQ(show(i->cond), "(== a 1)");
    EXPECT_NE(as<AssignStmt>(i->then), nullptr);
    auto* inner = as<IfStmt>(i->otherwise);
    ASSERT_NE(inner, nullptr);
    EXPECT_NE(as<ExitStmt>(as<BlockStmt>(inner->then)->stmts.at(0)), nullptr);
    auto* ret = as<ReturnStmt>(as<BlockStmt>(inner->otherwise)->stmts.at(0));
    ASSERT_NE(ret, nullptr);
    EXPECT_EQ(ret->value, nullptr);
    auto* block = as<BlockStmt>(s[1]);
    ASSERT_NE(block, nullptr);
    EXPECT_EQ(block->annotations.at(0).name.text, "atomic");
    EXPECT_NE(as<EmptyStmt>(block->stmts.at(0)), nullptr);
    EXPECT_EQ(show(as<ReturnStmt>(s[2])->value), "(+ x 1)");
}

TEST(ParserStmts, SwitchWithFallThroughAndDefault) {
    auto s = stmts(R"(
        switch (t.apply().action_run) {
            a: b: { x = 1; }
            c: {}
            default: { x = 2; }
        }
    )");
    ASSERT_EQ(s.size(), 1u);
    auto* sw = as<SwitchStmt>(s[0]);
    ASSERT_NE(sw, nullptr);
    EXPECT_EQ(show(sw->subject), "(. (call (. t apply)) action_run)");
    ASSERT_EQ(sw->cases.size(), 4u);
    EXPECT_EQ(show(sw->cases[0].labels.at(0)), "a");
    EXPECT_EQ(sw->cases[0].body, nullptr);
    EXPECT_EQ(show(sw->cases[1].labels.at(0)), "b");
    ASSERT_NE(sw->cases[1].body, nullptr);
    EXPECT_EQ(sw->cases[1].body->stmts.size(), 1u);
    EXPECT_NE(sw->cases[2].body, nullptr);
    EXPECT_NE(as<DefaultExpr>(sw->cases[3].labels.at(0)), nullptr);
}

TEST(ParserStmts, LocalDeclarations) {
    auto s = stmts(R"(
        const bit<8> K = 3;
        bit<8> x;
        bit<8> y = x + K;
        h_t[2] stack;
        T z = {1, 2};
        Checksum16() ck;
        @name("v") bool flag = true;
    )");
    ASSERT_EQ(s.size(), 7u);
    auto decl = [&](size_t i) { return as<DeclStmt>(s[i])->decl; };
    EXPECT_NE(as<ConstDecl>(decl(0)), nullptr);
    auto* x = as<VarDecl>(decl(1));
    ASSERT_NE(x, nullptr);
    EXPECT_EQ(x->init, nullptr);
    EXPECT_EQ(show(as<VarDecl>(decl(2))->init), "(+ x K)");
    EXPECT_EQ(show(as<VarDecl>(decl(3))->typeRef), "h_t[2]");
    EXPECT_EQ(show(as<VarDecl>(decl(4))->init), "{1 2}");
    EXPECT_NE(as<InstanceDecl>(decl(5)), nullptr);
    EXPECT_EQ(decl(6)->annotations.at(0).name.text, "name");
}

TEST(ParserStmts, CommentsAreSkipped) {
    auto s = stmts("a /* inline */ = // line\n b; /* multi\n line */ c = d;");
    EXPECT_EQ(s.size(), 2u);
}

}  // namespace
}  // namespace hop
