// SPDX-License-Identifier: Apache-2.0
// The Verilog backend's meters (compiler/src/verilog/meters.cpp, registers.cpp): meters.p4 (an
// indexed packets meter, an indexed bytes meter and a direct meter) builds with an hop_meter
// each and their regmap blocks; what is a located refusal: a meter executed twice in a packet,
// execute_meter inside a table's action, a direct meter read outside its table's action.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "driver/compile.hpp"
#include "regmap/meter_cell.hpp"
#include "source/preprocess.hpp"
#include "tests/compiler/compile_file.hpp"
#include "verilog/backend.hpp"

namespace hop {
namespace {

using testing_support::compileFile;

struct Built {
    std::optional<verilog::Output> out;
    std::string errors;
};

Built build(const std::string& path) {
    Built b;
    auto fe = compileFile(path);
    EXPECT_TRUE(fe && fe->ok) << path;
    if (!fe || !fe->ok) return b;
    Diagnostics d(fe->source.get());
    b.out = verilog::generate(*fe->ir, {.dataWidth = 64}, d);
    std::ostringstream os;
    d.print(os);
    b.errors = os.str();
    return b;
}

size_t count(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

TEST(Meters, MetersP4BuildsAnHopMeterEach) {
    const Built b = build(std::string(HOP_SOURCE_DIR) + "/tests/stf/meters.p4");
    ASSERT_TRUE(b.out) << b.errors;
    const std::string& sv = b.out->files.at("meters_pipeline.sv");
    EXPECT_EQ(count(sv, "hop_meter #("), 3u) << sv;
    int meters = 0;
    for (const regmap::ExternBlock& x : b.out->regmap.externs) {
        if (x.kind != "meter") continue;
        ++meters;
        EXPECT_EQ(x.width, regmap::kMeterCellBits) << x.name;
        EXPECT_EQ(x.latency, regmap::kMeterLatency) << x.name;
        EXPECT_EQ(x.depth, x.name == "I.by_packets" ? 4
                           : x.name == "I.by_bytes" ? 2
                                                    : 1024)
            << x.name;
        if (x.name == "I.per_entry") EXPECT_EQ(x.table, "I.classify");
    }
    EXPECT_EQ(meters, 3);
    // The bytes meter counts the frame's length: store-and-forward, as a counter.
    EXPECT_GT(b.out->regmap.maxFrameBytes, 0);
    // The meter's commit comes from the statement's predicate; the direct meter commits on
    // every hit; the table's results wait for its colour.
    EXPECT_NE(sv.find(".commit(1'b1)"), std::string::npos);
    EXPECT_NE(sv.find("t_I_classify_m_hit"), std::string::npos);
    // Latency: capture, parser, the meters' register stage (the block's latency), classify (2),
    // its direct meter (the block's latency), the header assembly.
    EXPECT_EQ(b.out->latency, 4 + 2 * regmap::kMeterLatency);
}

// A meter under a predicate in a register's stage, a direct meter on an LPM table whose actions
// take parameters (they wait for the colour too), a meter in egress: all build. (This program's
// RTL lints and synthesizes clean, and `hopsim run` gave the model's frames and state on 3,000
// frames when this was written; the model-vs-RTL tests run meters.p4.)
TEST(Meters, PredicatedBesideARegisterOnAnLpmTableAndInEgress) {
    const std::string path =
        ::testing::TempDir() + "/meters_build_" + std::to_string(getpid()) + ".p4";
    std::ofstream(path) << R"(#include <core.p4>
#include <v1model.p4>
header h_t { bit<8> a; bit<8> b; bit<8> c; bit<8> d; }
struct headers { h_t h; }
struct metadata { bit<8> col; }
parser P(packet_in p, out headers hdr, inout metadata m, inout standard_metadata_t sm) {
    state start { p.extract(hdr.h); transition accept; }
}
control VC(inout headers hdr, inout metadata m) { apply { } }
control I(inout headers hdr, inout metadata m, inout standard_metadata_t sm) {
    meter(64, MeterType.bytes) mt;
    register<bit<16>>(8) r;
    direct_meter<bit<8>>(MeterType.packets) dm;
    action fwd(bit<9> port, bit<8> tag) { sm.egress_spec = port; hdr.h.d = tag; dm.read(hdr.h.c); }
    action drop() { mark_to_drop(sm); }
    table t { key = { hdr.h.a: lpm; } actions = { fwd; drop; } meters = dm; size = 100; }
    apply {
        bit<16> x;
        r.read(x, (bit<32>)hdr.h.a & 7);
        if (hdr.h.b > 3) {
            mt.execute_meter((bit<32>)hdr.h.b, m.col);
        }
        r.write((bit<32>)hdr.h.a & 7, x + 1);
        t.apply();
        hdr.h.b = m.col;
    }
}
control E(inout headers hdr, inout metadata m, inout standard_metadata_t sm) {
    meter(4, MeterType.packets) em;
    apply { em.execute_meter((bit<32>)hdr.h.a, hdr.h.a); }
}
control CC(inout headers hdr, inout metadata m) { apply { } }
control D(packet_out p, in headers hdr) { apply { p.emit(hdr.h); } }
V1Switch(P(), VC(), I(), E(), CC(), D()) main;
)";
    const Built b = build(path);
    ASSERT_TRUE(b.out) << b.errors;
    std::string all;
    for (const auto& [name, text] : b.out->files) all += text;
    EXPECT_EQ(count(all, "hop_meter #("), 3u);
    // The register and the predicated meter share one stage: the meter commits under the
    // predicate's bundle bit, the register writes back beside it.
    EXPECT_NE(all.find("m_I_mt_commit = "), std::string::npos);
    EXPECT_NE(all.find("t_I_t_m_data"), std::string::npos) << "the parameters wait for the colour";
}

std::string refusal(const std::string& apply, const std::string& decls = "") {
    const std::string path =
        ::testing::TempDir() + "/meters_test_" + std::to_string(getpid()) + ".p4";
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
    meter(4, MeterType.packets) mt;
    direct_meter<bit<8>>(MeterType.packets) dm;
    action mark() { dm.read(hdr.h.b); }
    action run() { mt.execute_meter(32w1, hdr.h.b); }
    table t { key = { hdr.h.a: exact; } actions = { mark; run; } meters = dm; }
)" + decls + R"(
    apply {
)" + apply + R"(
    }
}
control E(inout headers hdr, inout metadata m, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata m) { apply { } }
control D(packet_out p, in headers hdr) { apply { p.emit(hdr.h); } }
V1Switch(P(), VC(), I(), E(), CC(), D()) main;
)";
    const Built b = build(path);
    EXPECT_FALSE(b.out) << "built: " << apply;
    return b.errors;
}

TEST(Meters, WhatOneReadModifyWriteCannotDoIsALocatedRefusal) {
    std::string e = refusal(
        "        mt.execute_meter((bit<32>)hdr.h.a, hdr.h.b);\n"
        "        mt.execute_meter((bit<32>)hdr.h.a, hdr.h.a);");
    EXPECT_NE(e.find(":19:9: error: I.mt executed twice in a packet"), std::string::npos) << e;
    e = refusal("        t.apply();");
    EXPECT_NE(e.find(":14:20: error: a meter's execute_meter inside a table's action"),
              std::string::npos)
        << e;
    e = refusal("        dm.read(hdr.h.b);");
    EXPECT_NE(e.find(":18:9: error: direct_meter I.dm.read outside an action of its table I.t"),
              std::string::npos)
        << e;
}

}  // namespace
}  // namespace hop
