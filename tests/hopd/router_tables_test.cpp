// SPDX-License-Identifier: Apache-2.0
// The entries hopd writes into router.p4's tables, built as typed values
// (runtime/hopd/router_tables.hpp): the same commands as the BMv2 lines users write, values
// that do not fit refused, programs without hopd's tables refused naming the P4Info.
#include "runtime/hopd/router_tables.hpp"

#include <gtest/gtest.h>

#include "runtime/hopd/failure.hpp"
#include "tests/hopd/router_program.hpp"

namespace hop::hopd {
namespace {

tables::Command parsed(const ir::Program& program, const std::string& line) {
    tables::ParseError pe;
    auto cmd = tables::parseBmv2Command(program, line, {}, pe);
    EXPECT_TRUE(cmd) << line << ": " << pe.message;
    return cmd.value_or(tables::Command{});
}

void expectSame(const tables::Command& a, const tables::Command& b) {
    EXPECT_EQ(a.kind, b.kind);
    EXPECT_EQ(a.entry.table, b.entry.table);
    EXPECT_TRUE(tables::sameMatch(a.entry, b.entry));
    EXPECT_EQ(a.entry.action.action, b.entry.action.action);
    EXPECT_EQ(a.entry.action.args, b.entry.action.args);
}

TEST(RouterTables, EntriesAreTheParsedLines) {
    const auto program = testing::routerTables();
    const RouterTables t(program, testing::routerInfo());
    std::string error;
    const auto mac = *router::MacAddr::parse("02:00:00:00:02:fe");
    const auto host = *router::MacAddr::parse("02:00:00:00:01:01");
    expectSame(*t.portMacEntry(2, mac, error),
               parsed(program, "table_add port_mac set_port_mac 2 => 02:00:00:00:02:fe"));
    expectSame(*t.mtuEntry(2, 1280, error),
               parsed(program, "table_add egress_mtu set_mtu 2 => 1280"));
    expectSame(*t.localEntry(router::Ipv4Addr(0xc00002fe), error),
               parsed(program, "table_add local_addr local_hit 192.0.2.254 =>"));
    expectSame(*t.routeEntry(router::Ipv4Addr(0xcb007100), 24, 3, error),
               parsed(program, "table_add ipv4_lpm set_nexthop 203.0.113.0/24 => 3"));
    expectSame(*t.routeEntry(router::Ipv4Addr(0), 0, 3, error),
               parsed(program, "table_add ipv4_lpm set_nexthop 0.0.0.0/0 => 3"));
    expectSame(*t.routeEntry(router::Ipv4Addr(0xc0000201), 32, 9, error),
               parsed(program, "table_add ipv4_lpm set_nexthop 192.0.2.1/32 => 9"));
    expectSame(*t.nexthopEntry(9, host, mac, 1, error),
               parsed(program,
                      "table_add nexthop set_nexthop_l2 9 => 02:00:00:00:01:01 "
                      "02:00:00:00:02:fe 1"));
    EXPECT_EQ(RouterTables::lpmKey(t.routeMatch(router::Ipv4Addr(0xcb007100), 24).keys[0], 32),
              (std::pair<uint64_t, int>{0xcb007100, 24}));
    EXPECT_EQ(macOf(macValue(mac)), mac);
}

TEST(RouterTables, ValuesThatDoNotFit) {
    const auto program = testing::routerTables();
    const RouterTables t(program, testing::routerInfo());
    std::string error;
    EXPECT_FALSE(t.mtuEntry(512, 1500, error));
    EXPECT_EQ(error,
              "value 0x200 does not fit in 9 bits (key standard_metadata.egress_port of "
              "RouterIngress.egress_mtu)");
    EXPECT_FALSE(t.nexthopEntry(1, {}, {}, 600, error));
    EXPECT_EQ(error,
              "value 0x258 does not fit in 9 bits (parameter port of "
              "RouterIngress.set_nexthop_l2)");
}

std::string refusal(const ir::Program& program, const ProgramInfo& info) {
    try {
        RouterTables t(program, info);
    } catch (const Failure& f) {
        EXPECT_EQ(f.code, 1);
        return f.what();
    }
    return "accepted";
}

TEST(RouterTables, OtherProgramsRefused) {
    auto info = testing::routerInfo();
    info.tables.erase("nexthop");
    EXPECT_EQ(refusal(testing::routerTables(), info),
              "hopd: error: router.p4info.json has no table 'nexthop' (hopd runs router.p4's "
              "tables: port_mac, local_addr, ipv4_lpm, nexthop, egress_mtu)");
    auto program = testing::routerTables();
    program.tables[2].keys[0].matchKind = ir::MatchKind::Ternary;
    EXPECT_EQ(refusal(program, testing::routerInfo()),
              "hopd: error: router.p4info.json: table RouterIngress.ipv4_lpm does not have the "
              "one lpm key hopd writes (hopd runs router.p4's tables: port_mac, local_addr, "
              "ipv4_lpm, nexthop, egress_mtu)");
    program = testing::routerTables();
    program.actions[4].params.pop_back();  // set_nexthop_l2 without its port
    EXPECT_EQ(refusal(program, testing::routerInfo()),
              "hopd: error: router.p4info.json: table RouterIngress.nexthop has no action "
              "set_nexthop_l2 with 3 parameters (hopd runs router.p4's tables: port_mac, "
              "local_addr, ipv4_lpm, nexthop, egress_mtu)");
}

}  // namespace
}  // namespace hop::hopd
