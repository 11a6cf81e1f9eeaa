// SPDX-License-Identifier: Apache-2.0
// The Verilog backend's pieces: the code builder, name legalisation, expression widths, the
// register map (basic.p4, router.p4) and what generate() / hopc produce or refuse.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "driver/compile.hpp"
#include "regmap/regmap.hpp"
#include "source/preprocess.hpp"
#include "verilog/backend.hpp"
#include "verilog/code_builder.hpp"
#include "verilog/expr.hpp"
#include "verilog/names.hpp"

namespace hop {
namespace {

using namespace verilog;

std::unique_ptr<Frontend> compilePath(const std::string& path) {
    PreprocessOptions pp;
    pp.p4includeDir = std::string(HOP_SOURCE_DIR) + "/p4include";
    std::string error;
    auto source = preprocess(path, pp, error);
    EXPECT_TRUE(source.has_value()) << error;
    if (!source) return nullptr;
    auto fe = runFrontend(std::move(*source), {.languageOnly = false, .name = programName(path)});
    std::ostringstream d;
    fe->diags->print(d);
    EXPECT_TRUE(fe->ok) << d.str();
    return fe;
}

std::unique_ptr<Frontend> compileExample(const std::string& name) {
    return compilePath(std::string(HOP_SOURCE_DIR) + "/examples/" + name + ".p4");
}

std::string printed(const Diagnostics& d) {
    std::ostringstream os;
    d.print(os);
    return os.str();
}

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

TEST_F(ExprFixture, SaturatingAddKeepsTheCarry) {
    auto u = ir::fieldRef(2, 8);
    EXPECT_EQ(emit(ir::binary(ir::BinaryOp::AddSat, u, u)),
              "8'(9'({1'b0, f2} + {1'b0, f2})[8] ? 8'hff : 9'({1'b0, f2} + {1'b0, f2})[7:0])");
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
    EXPECT_EQ(t.module, "hop_table_ternary");
    EXPECT_TRUE(t.lpmAsTernary);
    EXPECT_EQ(t.keyWidth, 32);
    EXPECT_EQ(t.actionWidth, 2);    // ipv4_forward, drop, NoAction
    EXPECT_EQ(t.paramWidth, 57);    // dstAddr 48 + port 9
    EXPECT_EQ(t.defaultAction, 1);  // drop
    EXPECT_EQ(t.depth, 1024);
    EXPECT_EQ(t.latency, 7);
    EXPECT_EQ(regmap::tableWords(t), 8 + 2 + 2);
    EXPECT_EQ(t.span, 0x40u);
    EXPECT_EQ(t.base, 0x40u);
    EXPECT_EQ(map->mapBytes, 0x1000u);
    EXPECT_EQ(map->addrWidth, 12);

    const auto j = regmap::toJson(*map);
    EXPECT_EQ(j["program"], "basic");
    EXPECT_EQ(j["tables"][0]["base"], 0x40);
    EXPECT_EQ(j["tables"][0]["kind"], "ternary");
    EXPECT_EQ(j["pipeline"]["registers"]["RX_PACKETS"], 12);
    const std::string h = regmap::toHeader(*map);
    EXPECT_NE(h.find("namespace hop::regmap::basic {"), std::string::npos);
    EXPECT_NE(h.find("namespace MyIngress_ipv4_lpm {  // MyIngress.ipv4_lpm\n"
                     "inline constexpr uint32_t kBase = 0x40;"),
              std::string::npos);
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

TEST(Regmap, RouterLpmIsTooBigForTheTernaryStandIn) {
    auto fe = compileExample("router");
    ASSERT_TRUE(fe && fe->ok);
    Diagnostics d(fe->source.get());
    EXPECT_FALSE(regmap::build(*fe->ir, 512, d).has_value());
    const std::string out = printed(d);
    EXPECT_NE(out.find("router.p4:"), std::string::npos) << out;  // located
    EXPECT_NE(out.find("table RouterIngress.ipv4_lpm with 1048576 entries"), std::string::npos)
        << out;
    EXPECT_NE(out.find("is not supported by hopline"), std::string::npos) << out;
}

// --- whole backend -------------------------------------------------------------------------

TEST(Backend, BasicGeneratesPipelineDeparserAndTop) {
    auto fe = compileExample("basic");
    ASSERT_TRUE(fe && fe->ok);
    for (int w : {64, 512}) {
        Diagnostics d;
        auto out = generate(*fe->ir, {.dataWidth = w}, d);
        ASSERT_TRUE(out.has_value()) << printed(d);
        EXPECT_EQ(out->files.size(), 3u);
        const std::string& p = out->files.at("basic_pipeline.sv");
        EXPECT_NE(p.find("module basic_pipeline #("), std::string::npos);
        EXPECT_NE(p.find("parameter int DATA_W = " + std::to_string(w)), std::string::npos);
        EXPECT_NE(p.find("hop_table_ternary #("), std::string::npos);
        EXPECT_NE(p.find(".BASE(32'h40)"), std::string::npos);
        EXPECT_NE(p.find("hop_csum16 #("), std::string::npos);
        EXPECT_NE(p.find("hop_axis_fifo #("), std::string::npos);
        EXPECT_NE(p.find("`default_nettype none"), std::string::npos);
        EXPECT_NE(p.find("`resetall"), std::string::npos);
        EXPECT_EQ(p.find("always @"), std::string::npos);  // always_comb / always_ff only
        EXPECT_NE(out->files.at("basic_top.sv").find("hop_axil_csr #("), std::string::npos);
        EXPECT_NE(out->files.at("basic_deparser.sv").find("module basic_deparser"),
                  std::string::npos);
        EXPECT_EQ(out->windowBytes, 34);  // Ethernet + IPv4
        EXPECT_EQ(out->emitBytes, 34);
        EXPECT_GT(out->latency, 7);  // at least the table's
    }
    Diagnostics d;
    EXPECT_FALSE(generate(*fe->ir, {.dataWidth = 100}, d).has_value());
}

TEST(Backend, WhatTheWindowCannotKnowIsALocatedError) {
    const std::string path =
        ::testing::TempDir() + "/verilog_test_plen_" + std::to_string(getpid()) + ".p4";
    std::ofstream(path) << R"(#include <core.p4>
#include <v1model.p4>
header h_t { bit<8> a; }
struct headers { h_t h; }
struct metadata { }
parser P(packet_in p, out headers hdr, inout metadata m, inout standard_metadata_t sm) {
    state start { p.extract(hdr.h); transition accept; }
}
control VC(inout headers hdr, inout metadata m) { apply { } }
control I(inout headers hdr, inout metadata m, inout standard_metadata_t sm) {
    apply { if (sm.packet_length > 100) { mark_to_drop(sm); } }
}
control E(inout headers hdr, inout metadata m, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata m) { apply { } }
control D(packet_out p, in headers hdr) { apply { p.emit(hdr.h); } }
V1Switch(P(), VC(), I(), E(), CC(), D()) main;
)";
    auto fe = compilePath(path);
    ASSERT_TRUE(fe && fe->ok);
    Diagnostics d(fe->source.get());
    EXPECT_FALSE(generate(*fe->ir, {}, d).has_value());
    const std::string out = printed(d);
    EXPECT_NE(out.find(":11:17: error: standard_metadata.packet_length in the Verilog backend is "
                       "not supported by hopline"),
              std::string::npos)
        << out;
    std::remove(path.c_str());
}

// --- hopc ------------------------------------------------------------------------------------

struct Run {
    int status;
    std::string output;
};

Run hopc(const std::string& args) {
    const std::string cmd = std::string(HOP_HOPC) + " " + args + " 2>&1";
    FILE* f = popen(cmd.c_str(), "r");
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    const int rc = pclose(f);
    return {WEXITSTATUS(rc), out};
}

std::filesystem::path tempDir(const std::string& tag) {
    auto dir = std::filesystem::path(::testing::TempDir()) /
               ("verilog_test_" + tag + "_" + std::to_string(getpid()));
    std::filesystem::remove_all(dir);
    return dir;
}

TEST(Hopc, WritesRtlAndRegmap) {
    const auto dir = tempDir("basic");
    auto r = hopc(std::string(HOP_SOURCE_DIR) + "/examples/basic.p4 -o " + dir.string() +
                  " --data-width 64");
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(r.output, "");
    for (const char* f : {"rtl/basic_pipeline.sv", "rtl/basic_deparser.sv", "rtl/basic_top.sv",
                          "regmap.json", "regmap.hpp", "basic.p4info.json"})
        EXPECT_TRUE(std::filesystem::exists(dir / f)) << f;
    std::ifstream in(dir / "rtl/basic_pipeline.sv");
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_NE(ss.str().find("parameter int DATA_W = 64"), std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST(Hopc, UnsupportedProgramsWarnByDefaultAndFailWithEmitVerilog) {
    const auto dir = tempDir("router");
    const std::string args = std::string(HOP_SOURCE_DIR) + "/examples/router.p4 -o " + dir.string();
    auto r = hopc(args);
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("warning: table RouterIngress.ipv4_lpm"), std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("no RTL written for router"), std::string::npos) << r.output;
    EXPECT_TRUE(std::filesystem::exists(dir / "router.p4info.json"));
    EXPECT_FALSE(std::filesystem::exists(dir / "rtl"));
    EXPECT_FALSE(std::filesystem::exists(dir / "regmap.json"));
    r = hopc(args + " --emit verilog");
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("router.p4:238:5: error: table RouterIngress.ipv4_lpm"),
              std::string::npos)
        << r.output;
    r = hopc(args + " --data-width 100");
    EXPECT_EQ(r.status, 2) << r.output;
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace hop
