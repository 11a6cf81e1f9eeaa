// SPDX-License-Identifier: Apache-2.0
// The Verilog backend's pieces: the code builder, name legalisation, expression widths and the
// register map (basic.p4, router.p4); what generate() / hopc produce or refuse is in
// verilog_backend_test.cpp.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <sstream>

#include "driver/compile.hpp"
#include "regmap/regmap.hpp"
#include "source/preprocess.hpp"
#include "tests/common/lpm_verilog.hpp"
#include "tests/compiler/verilog_test_util.hpp"
#include "verilog/backend.hpp"
#include "verilog/code_builder.hpp"
#include "verilog/expr.hpp"
#include "verilog/names.hpp"

namespace hop {
namespace {

using namespace verilog;
using namespace verilogtest;

// --- code builder ----------------------------------------------------------------------------

TEST(CodeBuilder, IndentsBlocks) {
    CodeBuilder cb;
    cb.open("always_comb begin").line("a = b;").open("if (c) begin").line("d = e;").close("end");
    cb.close("end").line();
    EXPECT_EQ(cb.str(),
              "always_comb begin\n    a = b;\n    if (c) begin\n        d = e;\n    end\nend\n\n");
    EXPECT_EQ(cb.depth(), 0);
}

TEST(CodeBuilder, RawTextKeepsRelativeIndentation) {
    CodeBuilder cb;
    cb.indent().raw("x;\n    y;\n\nz;");
    EXPECT_EQ(cb.str(), "    x;\n        y;\n\n    z;\n");
    EXPECT_THROW(CodeBuilder().dedent(), std::logic_error);
}

// --- names -----------------------------------------------------------------------------------

TEST(Names, KeywordsAreRecognised) {
    for (const char* k : {"module", "always_ff", "logic", "begin", "end", "table", "bit", "int",
                          "wire", "assign", "xor", "priority"})
        EXPECT_TRUE(isKeyword(k)) << k;
    for (const char* k : {"hdr", "ipv4", "Module", "tables", "u_tbl"})
        EXPECT_FALSE(isKeyword(k)) << k;
}

TEST(Names, SanitizeMakesLegalIdentifiers) {
    EXPECT_EQ(sanitize("MyIngress.ipv4_lpm"), "MyIngress_ipv4_lpm");
    EXPECT_EQ(sanitize("hdr.vlan[0].vid"), "hdr_vlan_0_vid");
    EXPECT_EQ(sanitize("9lives"), "_9lives");
    EXPECT_EQ(sanitize("module"), "module_");
    EXPECT_EQ(sanitize("table"), "table_");
    EXPECT_EQ(sanitize("a..b"), "a_b");
    EXPECT_EQ(sanitize(""), "_");
    EXPECT_EQ(sanitize("$cond0"), "_cond0");
}

TEST(Names, CollisionsGetSuffixes) {
    NameTable names;
    names.reserve("clk");
    EXPECT_EQ(names.get("field:clk", "clk"), "clk_2");
    EXPECT_EQ(names.get("a.b"), "a_b");
    EXPECT_EQ(names.get("a_b"), "a_b_2");
    EXPECT_EQ(names.get("a-b"), "a_b_3");
    EXPECT_EQ(names.get("a.b"), "a_b");  // stable per key
    EXPECT_EQ(names.get("kw", "begin"), "begin_");
    EXPECT_TRUE(names.taken("a_b_3"));
}

// --- expressions -----------------------------------------------------------------------------

struct ExprFixture : ::testing::Test {
    ir::Program program;
    Diagnostics diags;
    ExprLeaves leaves() {
        ExprLeaves l;
        l.field = [](ir::FieldId f) { return "f" + std::to_string(f); };
        l.valid = [](ir::HeaderId h) { return "v" + std::to_string(h); };
        l.param = [](int i) { return "p" + std::to_string(i); };
        l.tableHit = [](ir::TableId t) { return "hit" + std::to_string(t); };
        l.actionRun = [](ir::TableId t, ir::ActionId a) {
            return "run" + std::to_string(t) + "_" + std::to_string(a);
        };
        return l;
    }
    std::string emit(const ir::ExprPtr& e) {
        ExprEmitter em(program, leaves(), diags);
        return em.emit(e, {});
    }
};

TEST_F(ExprFixture, LiteralsAreSized) {
    EXPECT_EQ(literal(0x800, 16), "16'h800");
    EXPECT_EQ(literal(1, 1), "1'b1");
    EXPECT_EQ(literal(0, 1), "1'b0");
    EXPECT_EQ(literal(ir::BigInt(1) << 100, 128), "128'h10000000000000000000000000");
}

TEST_F(ExprFixture, ArithmeticIsCastToTheResultWidth) {
    auto ttl = ir::fieldRef(3, 8);
    EXPECT_EQ(emit(ir::binary(ir::BinaryOp::Sub, ttl, ir::constant(1, 8))), "8'(f3 - 8'h1)");
    EXPECT_EQ(emit(ir::binary(ir::BinaryOp::Add, ttl, ttl)), "8'(f3 + f3)");
    EXPECT_EQ(emit(ir::unary(ir::UnaryOp::BitNot, ttl)), "8'(~f3)");
    EXPECT_EQ(emit(ir::binary(ir::BinaryOp::Shl, ttl, ir::constant(2, 4))), "8'(f3 << 4'h2)");
}

TEST_F(ExprFixture, SlicesConcatsAndCasts) {
    auto a = ir::fieldRef(1, 32);
    EXPECT_EQ(emit(ir::slice(a, 15, 8)), "8'(f1 >> 8)");
    EXPECT_EQ(emit(ir::slice(a, 7, 0)), "8'(f1)");
    auto cat = ir::binary(ir::BinaryOp::Concat, ir::fieldRef(2, 4), ir::fieldRef(3, 4));
    EXPECT_EQ(cat->width, 8);
    EXPECT_EQ(emit(cat), "{f2, f3}");
    EXPECT_EQ(emit(ir::cast(a, 16, false)), "16'(f1)");
    EXPECT_EQ(emit(ir::cast(ir::fieldRef(4, 8, true), 16, true)), "16'($signed(f4))");
    EXPECT_EQ(emit(ir::cast(ir::fieldRef(5, 8, false), 16, false)), "16'(f5)");
}

TEST_F(ExprFixture, ComparisonsFollowSignedness) {
    auto s = ir::fieldRef(1, 8, true);
    auto u = ir::fieldRef(2, 8, false);
    EXPECT_EQ(emit(ir::binary(ir::BinaryOp::Lt, s, s)), "($signed(f1) < $signed(f1))");
    EXPECT_EQ(emit(ir::binary(ir::BinaryOp::Lt, u, u)), "(f2 < f2)");
    EXPECT_EQ(emit(ir::binary(ir::BinaryOp::Shr, s, ir::constant(1, 3))),
              "8'($signed(f1) >>> 3'h1)");
    EXPECT_EQ(emit(ir::binary(ir::BinaryOp::Eq, u, ir::constant(5, 8))), "(f2 == 8'h5)");
}

// One bit wider, then clamped; never a bit-select of a cast (not SystemVerilog: Verilator
// rejects it). The behaviour is checked on RTL by the STF files of arith.p4 and signed.p4.
TEST_F(ExprFixture, SaturatingAddKeepsTheCarry) {
    auto u = ir::fieldRef(2, 8);
    EXPECT_EQ(emit(ir::binary(ir::BinaryOp::AddSat, u, u)),
              "8'((9'(9'(f2) + 9'(f2)) > 9'(8'hff)) ? 8'hff : 8'(9'(9'(f2) + 9'(f2))))");
    auto s = ir::fieldRef(2, 8, /*isSigned=*/true);
    const std::string sat = emit(ir::binary(ir::BinaryOp::SubSat, s, s));
    EXPECT_NE(sat.find("$signed"), std::string::npos) << sat;
    EXPECT_EQ(sat.find(")["), std::string::npos) << sat;
    EXPECT_FALSE(diags.hasErrors());
}

TEST_F(ExprFixture, LeavesAndUnsupported) {
    EXPECT_EQ(emit(ir::validRef(2)), "v2");
    EXPECT_EQ(emit(ir::tableHit(1)), "hit1");
    EXPECT_EQ(emit(ir::actionRun(1, 4)), "run1_4");
    EXPECT_EQ(emit(ir::paramRef(0, 9)), "p0");
    EXPECT_FALSE(diags.hasErrors());
    EXPECT_EQ(emit(ir::binary(ir::BinaryOp::Div, ir::fieldRef(1, 8), ir::fieldRef(2, 8))), "8'h0");
    EXPECT_TRUE(diags.hasErrors());
    EXPECT_NE(diags.all().back().message.find("is not supported by hopline"), std::string::npos);
}

// --- register map ----------------------------------------------------------------------------

TEST(Regmap, BasicHasThePipelineBlockAndItsLpmTable) {
    auto fe = compileExample("basic");
    ASSERT_TRUE(fe && fe->ok);
    Diagnostics d;
    auto map = regmap::build(*fe->ir, 512, d);
    ASSERT_TRUE(map.has_value()) << printed(d);
    EXPECT_EQ(map->pipelineBase, 0u);
    ASSERT_EQ(map->tables.size(), 1u);
    const auto& t = map->tables[0];
    EXPECT_EQ(t.name, "MyIngress.ipv4_lpm");
    EXPECT_EQ(t.module, "hop_table_lpm");
    EXPECT_EQ(t.kind, regmap::TableKind::Lpm);
    EXPECT_FALSE(t.lpmAsTernary);
    EXPECT_EQ(t.keyWidth, 32);
    EXPECT_EQ(t.actionWidth, 2);    // ipv4_forward, drop, NoAction
    EXPECT_EQ(t.paramWidth, 57);    // dstAddr 48 + port 9
    EXPECT_EQ(t.defaultAction, 1);  // drop
    EXPECT_EQ(t.depth, 1024);       // prefixes
    EXPECT_EQ(t.latency, 14);       // 2 * 6 levels + 2
    EXPECT_EQ(regmap::tableWords(t), 0x100);
    EXPECT_EQ(t.span, 0x400u);
    EXPECT_EQ(t.base, 0x400u);  // aligned to its span
    EXPECT_EQ(map->mapBytes, 0x1000u);
    EXPECT_EQ(map->addrWidth, 12);
    EXPECT_EQ(map->maxFrameBytes, 0);  // set by the backend for store-and-forward programs
    // 1024 prefixes, worst case: min(2^depth, size) nodes per level plus one child array.
    EXPECT_EQ(t.lpm.strides, (std::vector<int>{12, 4, 4, 4, 4, 4}));
    EXPECT_EQ(t.lpm.resultWidth, 59);
    EXPECT_EQ(t.lpm.size, 1024u);
    EXPECT_EQ(t.lpm.nodeCapacity, (std::vector<uint32_t>{0, 1026, 1056, 1056, 1056, 1056}));
    EXPECT_EQ(t.lpm.resultCapacity, 1024u + 2 * 30);
    EXPECT_EQ(regmap::lpmNodeAddrWidth(t, 0), 12);
    for (int k = 1; k < 6; ++k) EXPECT_EQ(regmap::lpmNodeAddrWidth(t, k), 11) << k;
    EXPECT_EQ(regmap::lpmResultAddrWidth(t), 11);
    EXPECT_TRUE(t.lpm.validate().empty());

    const auto j = regmap::toJson(*map);
    EXPECT_EQ(j["program"], "basic");
    EXPECT_EQ(j["store_and_forward"], false);
    EXPECT_EQ(j["tables"][0]["base"], 0x400);
    EXPECT_EQ(j["tables"][0]["kind"], "lpm");
    EXPECT_EQ(j["tables"][0]["module"], "hop_table_lpm");
    EXPECT_EQ(j["tables"][0]["lpm"]["levels"], 6);
    EXPECT_EQ(j["tables"][0]["lpm"]["strides"], nlohmann::json({12, 4, 4, 4, 4, 4}));
    EXPECT_EQ(j["tables"][0]["lpm"]["node_capacity"],
              nlohmann::json({4096, 1026, 1056, 1056, 1056, 1056}));
    EXPECT_EQ(j["tables"][0]["lpm"]["node_addr_width"], nlohmann::json({12, 11, 11, 11, 11, 11}));
    EXPECT_EQ(j["tables"][0]["lpm"]["result_capacity"], 1084);
    EXPECT_EQ(j["tables"][0]["lpm"]["result_addr_width"], 11);
    EXPECT_EQ(j["pipeline"]["registers"]["RX_PACKETS"], 12);
    EXPECT_EQ(j["pipeline"]["registers"]["TOO_LONG"], 24);
    const std::string h = regmap::toHeader(*map);
    EXPECT_NE(h.find("namespace hop::regmap::basic {"), std::string::npos);
    EXPECT_NE(h.find("namespace MyIngress_ipv4_lpm {  // MyIngress.ipv4_lpm\n"
                     "inline constexpr uint32_t kBase = 0x400;"),
              std::string::npos);
    EXPECT_NE(h.find("{\"MyIngress.ipv4_lpm\", \"hop_table_lpm\", 4, false, 0x400, 0x400, 32, 2, "
                     "57, 1024, 1, 14, 1,\n     6, 59, 1084, 11, {12, 4, 4, 4, 4, 4}, {4096, "
                     "1026, 1056, 1056, 1056, 1056}, {12, 11, 11, 11, 11, 11}},"),
              std::string::npos)
        << h;
}

TEST(Regmap, BlocksAreAlignedToTheirSpans) {
    for (const char* name : {"basic", "tunnel", "acl"}) {
        auto fe = compileExample(name);
        ASSERT_TRUE(fe && fe->ok);
        Diagnostics d;
        auto map = regmap::build(*fe->ir, 64, d);
        ASSERT_TRUE(map.has_value()) << name << printed(d);
        uint32_t end = regmap::kPipelineSpan;
        for (const auto& t : map->tables) {
            EXPECT_EQ(t.base % t.span, 0u) << t.name;
            EXPECT_GE(t.base, end) << t.name;  // no overlap, program order
            EXPECT_EQ(t.span & (t.span - 1), 0u);
            EXPECT_GE(t.span, 4u * regmap::tableWords(t));
            end = t.base + t.span;
        }
        EXPECT_LE(end, map->mapBytes);
    }
}

TEST(Regmap, RouterLpmHoldsTheInternetTable) {
    auto fe = compileExample("router");
    ASSERT_TRUE(fe && fe->ok);
    Diagnostics d(fe->source.get());
    auto map = regmap::build(*fe->ir, 512, d);
    ASSERT_TRUE(map.has_value()) << printed(d);
    const regmap::TableBlock* t = map->find("RouterIngress.ipv4_lpm");
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->kind, regmap::TableKind::Lpm);
    EXPECT_EQ(t->module, "hop_table_lpm");
    EXPECT_EQ(t->lpm.resultWidth, 17);  // 1-bit action id + 16-bit next hop id
    EXPECT_EQ(t->lpm.size, 1048576u);
    // Sized by kIpv4InternetNodesPerPrefix (size > 65536), not the worst case.
    EXPECT_EQ(t->lpm.nodeCapacity[1], 4096u + 2);
    EXPECT_LT(t->lpm.nodeCapacity[3], 262144u);
    EXPECT_EQ(t->lpm.resultCapacity, 1048576u + 60);
    EXPECT_EQ(regmap::lpmResultAddrWidth(*t), 21);
    EXPECT_EQ(t->latency, 14);
    // 901,899 prefixes fit: every level's capacity covers the measured nodes of the full table.
    const double measured[] = {2928, 25398, 140640, 451, 595};
    for (int k = 1; k < 6; ++k) EXPECT_GE(t->lpm.nodeCapacity[k], measured[k - 1]) << k;
    // The other tables: exact (direct when the key is narrow).
    EXPECT_EQ(map->find("RouterIngress.port_mac")->kind, regmap::TableKind::Direct);
    EXPECT_EQ(map->find("RouterIngress.local_addr")->kind, regmap::TableKind::Exact);
    EXPECT_EQ(map->find("RouterIngress.nexthop")->kind, regmap::TableKind::Exact);
    EXPECT_EQ(map->find("RouterIngress.egress_mtu")->kind, regmap::TableKind::Direct);
    for (const auto& b : map->tables) EXPECT_EQ(b.base % b.span, 0u) << b.name;
}

TEST(Regmap, LpmStridesForOtherKeyWidths) {
    EXPECT_EQ(regmap::lpmStrides(32), (std::vector<int>{12, 4, 4, 4, 4, 4}));
    EXPECT_EQ(regmap::lpmStrides(16), (std::vector<int>{8, 4, 4}));
    EXPECT_EQ(regmap::lpmStrides(10), (std::vector<int>{5, 4, 1}));
    EXPECT_EQ(regmap::lpmStrides(2), (std::vector<int>{1, 1}));
    EXPECT_EQ(regmap::lpmStrides(48), (std::vector<int>{12, 4, 4, 4, 4, 4, 4, 4, 4, 4}));
    // 128 bits: 4-bit strides would need 29 levels; 8-bit ones fit the block's 16.
    EXPECT_EQ(regmap::lpmStrides(128),
              (std::vector<int>{12, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 4}));
    EXPECT_TRUE(regmap::lpmStrides(1).empty());
    for (int w = 2; w <= 128; ++w) {
        const auto s = regmap::lpmStrides(w);
        ASSERT_FALSE(s.empty()) << w;
        EXPECT_LE(static_cast<int>(s.size()), regmap::kLpmMaxLevels) << w;
        auto c = tables::LpmConfig::forSize(w, s, 100, 20);
        EXPECT_EQ(c.validate(), "") << w;
    }
}

// An lpm key whose result does not fit 64 bits, or combined with another key: the ternary
// block (priority = prefix length) up to 4096 entries, a located error above.
TEST(Regmap, LpmFallsBackToTernary) {
    auto program = [](int hugeSize) {
        const std::string path = ::testing::TempDir() + "/verilog_test_lpmwide_" +
                                 std::to_string(getpid()) + "_" + std::to_string(hugeSize) + ".p4";
        std::ofstream(path) << R"(#include <core.p4>
#include <v1model.p4>
header h_t { bit<32> a; bit<8> b; }
struct headers { h_t h; }
struct metadata { }
parser P(packet_in p, out headers hdr, inout metadata m, inout standard_metadata_t sm) {
    state start { p.extract(hdr.h); transition accept; }
}
control VC(inout headers hdr, inout metadata m) { apply { } }
control I(inout headers hdr, inout metadata m, inout standard_metadata_t sm) {
    action wide(bit<48> x, bit<48> y) { hdr.h.a = x[31:0] ^ y[31:0]; }
    action narrow(bit<9> port) { sm.egress_spec = port; }
    table t_wide { key = { hdr.h.a : lpm; } actions = { wide; NoAction; } size = 1000; }
    table t_mixed { key = { hdr.h.a : lpm; hdr.h.b : exact; } actions = { narrow; NoAction; }
                    size = 100; }
    table t_small { key = { hdr.h.b : lpm; } actions = { narrow; NoAction; } size = 16; }
    table t_huge { key = { hdr.h.a : lpm; } actions = { wide; NoAction; } size = )"
                            << hugeSize << R"(; }
    apply { t_wide.apply(); t_mixed.apply(); t_small.apply(); t_huge.apply(); }
}
control E(inout headers hdr, inout metadata m, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata m) { apply { } }
control D(packet_out p, in headers hdr) { apply { p.emit(hdr.h); } }
V1Switch(P(), VC(), I(), E(), CC(), D()) main;
)";
        auto fe = compilePath(path);
        std::remove(path.c_str());
        return fe;
    };
    auto fe = program(5000);
    ASSERT_TRUE(fe && fe->ok);
    Diagnostics d(fe->source.get());
    EXPECT_FALSE(regmap::build(*fe->ir, 64, d).has_value());
    const std::string out = printed(d);
    EXPECT_NE(out.find(":17:5: error: table I.t_huge with 5000 entries and a 97-bit result "
                       "(action id + parameters; at most 64) (the ternary fallback holds at "
                       "most 4096) is not supported by hopline"),
              std::string::npos)
        << out;
    EXPECT_EQ(out.find("t_wide"), std::string::npos) << out;

    fe = program(4096);
    ASSERT_TRUE(fe && fe->ok);
    Diagnostics d2;
    auto map = regmap::build(*fe->ir, 64, d2);
    ASSERT_TRUE(map.has_value()) << printed(d2);
    const auto* wide = map->find("I.t_wide");
    EXPECT_EQ(wide->kind, regmap::TableKind::Ternary);
    EXPECT_TRUE(wide->lpmAsTernary);
    EXPECT_EQ(wide->depth, 1000);
    EXPECT_EQ(map->find("I.t_huge")->depth, 4096);
    const auto* mixed = map->find("I.t_mixed");
    EXPECT_EQ(mixed->kind, regmap::TableKind::Ternary);
    EXPECT_TRUE(mixed->lpmAsTernary);
    const auto* small = map->find("I.t_small");
    EXPECT_EQ(small->kind, regmap::TableKind::Lpm);
    EXPECT_EQ(small->lpm.strides, (std::vector<int>{4, 4}));
    EXPECT_EQ(small->latency, 6);
}

}  // namespace
}  // namespace hop
