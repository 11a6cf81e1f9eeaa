// SPDX-License-Identifier: Apache-2.0
// P4Info JSON from hand-built IR programs: ids equal p4c's, names/aliases as p4c writes them,
// and the protobuf JSON mapping's conventions (int64 as string, defaults left out).
#include "p4info/p4info.hpp"

#include <gtest/gtest.h>

namespace hop {
namespace {

using nlohmann::json;

// The IR of the P4 tutorials' basic.p4 tables and actions (no parser/controls needed here).
ir::Program basicTables() {
    ir::Program p;
    p.name = "basic";
    auto h = p.addHeader(ir::Header::Kind::Packet, "hdr.ipv4", "ipv4_t");
    auto dst = p.addField(h, "hdr.ipv4.dstAddr", 32);
    p.computePhvOffsets();

    ir::Action noAction;
    noAction.name = noAction.localName = "NoAction";
    noAction.annotations = {"@noWarn(\"unused\")"};
    ir::Action drop;
    drop.name = "MyIngress.drop";
    drop.localName = "drop";
    ir::Action fwd;
    fwd.name = "MyIngress.ipv4_forward";
    fwd.localName = "ipv4_forward";
    fwd.params = {{"dstAddr", 48}, {"port", 9}};
    p.actions = {noAction, drop, fwd};

    ir::Table t;
    t.name = "MyIngress.ipv4_lpm";
    t.localName = "ipv4_lpm";
    t.control = "MyIngress";
    t.keys.push_back({ir::fieldRef(dst, 32), 32, ir::MatchKind::Lpm, "hdr.ipv4.dstAddr", {}});
    t.actions = {{2, ir::ActionRef::Scope::TableAndDefault, {}},
                 {1, ir::ActionRef::Scope::TableAndDefault, {}},
                 {0, ir::ActionRef::Scope::TableAndDefault, {}}};
    t.defaultAction = {1, {}};
    t.size = 1024;
    t.hasSize = true;
    p.tables.push_back(t);
    return p;
}

TEST(P4Info, NameHashMatchesP4c) {
    // Ids p4c gave the P4 tutorials' programs (prefix << 24 | hash & 0xffffff).
    EXPECT_EQ((0x02u << 24) | (p4info::nameHash("MyIngress.ipv4_lpm") & 0xffffff), 37375156u);
    EXPECT_EQ((0x02u << 24) | (p4info::nameHash("MyIngress.myTunnel_exact") & 0xffffff), 35862311u);
    EXPECT_EQ((0x01u << 24) | (p4info::nameHash("NoAction") & 0xffffff), 21257015u);
    EXPECT_EQ((0x01u << 24) | (p4info::nameHash("MyIngress.drop") & 0xffffff), 25652968u);
    EXPECT_EQ((0x01u << 24) | (p4info::nameHash("MyIngress.ipv4_forward") & 0xffffff), 28792405u);
}

TEST(P4Info, BasicTablesAndActions) {
    json j = p4info::p4infoJson(basicTables());
    EXPECT_EQ(j["pkgInfo"]["arch"], "v1model");
    ASSERT_EQ(j["tables"].size(), 1u);
    const json& t = j["tables"][0];
    EXPECT_EQ(t["preamble"]["id"], 37375156u);
    EXPECT_EQ(t["preamble"]["name"], "MyIngress.ipv4_lpm");
    EXPECT_EQ(t["preamble"]["alias"], "ipv4_lpm");
    EXPECT_EQ(
        t["matchFields"][0],
        (json{{"id", 1}, {"name", "hdr.ipv4.dstAddr"}, {"bitwidth", 32}, {"matchType", "LPM"}}));
    EXPECT_EQ(t["actionRefs"],
              (json::array({{{"id", 28792405u}}, {{"id", 25652968u}}, {{"id", 21257015u}}})));
    EXPECT_EQ(t["size"], "1024");  // int64 -> string in protobuf's JSON mapping
    EXPECT_FALSE(t.contains("constDefaultActionId"));
    EXPECT_FALSE(t.contains("isConstTable"));

    ASSERT_EQ(j["actions"].size(), 3u);
    EXPECT_EQ(j["actions"][0]["preamble"], (json{{"id", 21257015u},
                                                 {"name", "NoAction"},
                                                 {"alias", "NoAction"},
                                                 {"annotations", {"@noWarn(\"unused\")"}}}));
    EXPECT_FALSE(j["actions"][1].contains("params"));
    EXPECT_EQ(j["actions"][2]["params"],
              (json::array({{{"id", 1}, {"name", "dstAddr"}, {"bitwidth", 48}},
                            {{"id", 2}, {"name", "port"}, {"bitwidth", 9}}})));
    EXPECT_FALSE(j.contains("controllerPacketMetadata"));
    EXPECT_FALSE(j.contains("counters"));
}

TEST(P4Info, ConstDefaultConstEntriesScopesAndIdAnnotation) {
    ir::Program p = basicTables();
    auto& t = p.tables[0];
    t.defaultActionIsConst = true;
    t.entriesConst = true;
    t.actions[2].scope = ir::ActionRef::Scope::DefaultOnly;
    t.actions[2].annotations = {"@defaultonly"};
    t.actions[0].scope = ir::ActionRef::Scope::TableOnly;
    t.actions[0].annotations = {"@tableonly"};
    p.actions[1].id = 7;  // @id(7) on drop: the prefix is added
    json j = p4info::p4infoJson(p);
    const json& jt = j["tables"][0];
    EXPECT_EQ(jt["constDefaultActionId"], 0x01000007u);
    EXPECT_EQ(jt["isConstTable"], true);
    EXPECT_EQ(
        jt["actionRefs"][2],
        (json{{"id", 21257015u}, {"scope", "DEFAULT_ONLY"}, {"annotations", {"@defaultonly"}}}));
    EXPECT_EQ(jt["actionRefs"][0]["scope"], "TABLE_ONLY");
    EXPECT_EQ(j["actions"][1]["preamble"]["id"], 0x01000007u);
}

TEST(P4Info, CollisionsProbeLinearlyInNameOrder) {
    // Two tables whose names hash to the same low 24 bits: the first name in sorted order keeps
    // the hash, the second takes the next free value.
    ir::Program p;
    ir::Table a, b;
    a.name = "c.t1";
    b.name = "c.t0";
    p.tables = {a, b};
    // Force a collision with an explicit id equal to t0's hashed id.
    uint32_t t0 = (0x02u << 24) | (p4info::nameHash("c.t0") & 0xffffff);
    p.tables[0].id = t0;
    p4info::Symbols s = p4info::assignIds(p);
    EXPECT_EQ(s.id(p4info::IdPrefix::Table, "c.t1"), t0);
    EXPECT_EQ(s.id(p4info::IdPrefix::Table, "c.t0"),
              (0x02u << 24) | ((p4info::nameHash("c.t0") + 1) & 0xffffff));
}

TEST(P4Info, AliasesAreShortestUniqueSuffixes) {
    ir::Program p;
    ir::Table a, b, c;
    a.name = "MyIngress.t";
    b.name = "MyEgress.t";
    c.name = "MyEgress.u";
    p.tables = {a, b, c};
    p4info::Symbols s = p4info::assignIds(p);
    EXPECT_EQ(s.alias("MyIngress.t"), "MyIngress.t");
    EXPECT_EQ(s.alias("MyEgress.t"), "MyEgress.t");
    EXPECT_EQ(s.alias("MyEgress.u"), "u");
}

TEST(P4Info, ControllerHeadersAndExterns) {
    ir::Program p = basicTables();
    ir::ControllerHeader in;
    in.name = "packet_in";
    in.typeName = "packet_in_h";
    in.fields = {{"ingress_port", 9}, {"reason", 7}};
    in.annotations = {"@controller_header(\"packet_in\")"};
    p.controllerHeaders.push_back(in);
    ir::ExternObject c;
    c.kind = ir::ExternObject::Kind::Counter;
    c.name = "MyIngress.pkts";
    c.size = 64;
    c.unit = ir::ExternObject::Unit::Both;
    ir::ExternObject d;
    d.kind = ir::ExternObject::Kind::DirectCounter;
    d.name = "MyIngress.lpm_hits";
    d.table = 0;
    ir::ExternObject r;
    r.kind = ir::ExternObject::Kind::Register;
    r.name = "MyIngress.last_seen";
    r.size = 16;
    r.width = 48;
    p.externs = {c, d, r};
    p.tables[0].directExterns = {1};
    json j = p4info::p4infoJson(p);
    const json& m = j["controllerPacketMetadata"][0];
    EXPECT_EQ(m["preamble"]["name"], "packet_in");
    EXPECT_EQ(m["preamble"]["id"].get<uint32_t>() >> 24, 0x04u);
    EXPECT_EQ(m["preamble"]["annotations"][0], "@controller_header(\"packet_in\")");
    EXPECT_EQ(m["metadata"][1], (json{{"id", 2}, {"name", "reason"}, {"bitwidth", 7}}));
    EXPECT_EQ(j["counters"][0]["spec"]["unit"], "BOTH");
    EXPECT_EQ(j["counters"][0]["size"], "64");
    EXPECT_EQ(j["counters"][0]["preamble"]["id"].get<uint32_t>() >> 24, 0x12u);
    EXPECT_EQ(j["directCounters"][0]["directTableId"], 37375156u);
    EXPECT_EQ(j["tables"][0]["directResourceIds"][0], j["directCounters"][0]["preamble"]["id"]);
    EXPECT_EQ(j["registers"][0]["size"], 16);  // int32 -> a number
    EXPECT_EQ(j["registers"][0]["typeSpec"]["bitstring"]["bit"]["bitwidth"], 48);
    EXPECT_EQ(j["registers"][0]["preamble"]["id"].get<uint32_t>() >> 24, 0x16u);
}

}  // namespace
}  // namespace hop
