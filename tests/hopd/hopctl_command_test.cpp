// SPDX-License-Identifier: Apache-2.0
// hopctl's command parsing: every command to its request line, and the one-line errors.
#include <gtest/gtest.h>

#include <filesystem>

#include "runtime/hopctl/command.hpp"
#include "runtime/tables/traffic_manager.hpp"

namespace hop::hopctl {
namespace {

std::string request(std::vector<std::string> args) {
    std::string error;
    auto r = buildRequest(args, error);
    EXPECT_TRUE(r) << error;
    return r.value_or("");
}

std::string failure(std::vector<std::string> args) {
    std::string error;
    auto r = buildRequest(args, error);
    EXPECT_FALSE(r) << *r;
    EXPECT_EQ(error.find('\n'), std::string::npos);
    return error;
}

TEST(HopctlCommand, Tables) {
    EXPECT_EQ(request({"table", "add", "ipv4_lpm", "set_nexthop", "203.0.113.0/24", "=>", "3"}),
              "table_add ipv4_lpm set_nexthop 203.0.113.0/24 => 3");
    EXPECT_EQ(request({"table", "delete", "ipv4_lpm", "4"}), "table_delete ipv4_lpm 4");
    EXPECT_EQ(request({"table", "set-default", "egress_mtu", "set_mtu", "1400"}),
              "table_set_default egress_mtu set_mtu 1400");
    EXPECT_EQ(request({"table", "modify", "nexthop", "set_nexthop_l2", "0", "=>", "1", "2", "3"}),
              "table_modify nexthop set_nexthop_l2 0 => 1 2 3");
    EXPECT_EQ(request({"table", "dump", "nexthop"}), "table_dump nexthop");
    EXPECT_EQ(request({"table", "clear", "nexthop"}), "table_clear nexthop");
}

// The traffic manager's BMv2 lines go to hopd as they are (hopd checks them).
TEST(HopctlCommand, TrafficManagerLines) {
    EXPECT_EQ(request({"mc_mgrp_create", "1"}), "mc_mgrp_create 1");
    EXPECT_EQ(request({"mc_node_create", "7", "1", "2", "510"}), "mc_node_create 7 1 2 510");
    EXPECT_EQ(request({"port_pause", "3"}), "port_pause 3");
    EXPECT_EQ(request({"set_queue_depth", "64"}), "set_queue_depth 64");
    EXPECT_EQ(failure({"mc_mgrp_create"}),
              "mc_mgrp_create: expected its arguments (BMv2's simple_switch_CLI syntax)");
}

// hopctl's list of them is the tables library's (hopctl does not link it).
TEST(HopctlCommand, TmVerbsAreTheTablesLibrarys) { EXPECT_EQ(kTmVerbs, tables::tmCommandVerbs()); }

TEST(HopctlCommand, Bmv2Lines) {
    EXPECT_EQ(request({"table_add", "local_addr", "local_hit", "192.0.2.1", "=>"}),
              "table_add local_addr local_hit 192.0.2.1 =>");
    EXPECT_EQ(request({"table_delete", "local_addr", "0"}), "table_delete local_addr 0");
    EXPECT_EQ(request({"table_set_default", "ipv4_lpm", "NoAction"}),
              "table_set_default ipv4_lpm NoAction");
    EXPECT_EQ(request({"table_dump", "ipv4_lpm"}), "table_dump ipv4_lpm");
}

// Counters, meters and registers: hopctl's spelling and BMv2's, to BMv2's line (hopd checks the
// names, indexes and values against the program).
TEST(HopctlCommand, Externs) {
    EXPECT_EQ(request({"counter", "read", "MyIngress.c", "3"}), "counter_read MyIngress.c 3");
    EXPECT_EQ(request({"counter", "reset", "c"}), "counter_reset c");
    EXPECT_EQ(request({"register", "read", "r", "1"}), "register_read r 1");
    EXPECT_EQ(request({"register", "read", "r"}), "register_read r");
    EXPECT_EQ(request({"register", "write", "r", "1", "0x2a"}), "register_write r 1 0x2a");
    EXPECT_EQ(request({"register", "reset", "r"}), "register_reset r");
    EXPECT_EQ(request({"meter", "set-rates", "m", "0", "1:10", "2:20"}),
              "meter_set_rates m 0 1:10 2:20");
    EXPECT_EQ(request({"meter", "array-set-rates", "m", "1:10", "2:20"}),
              "meter_array_set_rates m 1:10 2:20");
    EXPECT_EQ(request({"counter_read", "c", "3"}), "counter_read c 3");
    EXPECT_EQ(request({"register_write", "r", "1", "5"}), "register_write r 1 5");
    EXPECT_EQ(request({"meter_array_set_rates", "m", "1:10", "2:20"}),
              "meter_array_set_rates m 1:10 2:20");

    EXPECT_EQ(failure({"counter", "read", "c"}),
              "usage: counter read NAME INDEX (BMv2: counter_read ...)");
    EXPECT_EQ(failure({"register_write", "r", "1"}),
              "usage: register write NAME INDEX VALUE (BMv2: register_write ...)");
    EXPECT_EQ(failure({"counter", "write", "c", "1"}),
              "counter: unknown subcommand 'write' (read, reset)");
    EXPECT_EQ(failure({"meter"}), "meter: expected set-rates, array-set-rates");
}

TEST(HopctlCommand, Others) {
    EXPECT_EQ(request({"route", "add", "203.0.113.0/24", "via", "198.51.100.1"}),
              "route add 203.0.113.0/24 via 198.51.100.1");
    EXPECT_EQ(request({"route", "add", "default", "dev", "2"}), "route add 0.0.0.0/0 dev 2");
    EXPECT_EQ(request({"route", "del", "203.0.113.0/24"}), "route del 203.0.113.0/24");
    EXPECT_EQ(request({"route", "show"}), "route show");
    EXPECT_EQ(request({"arp", "show"}), "arp show");
    EXPECT_EQ(request({"arp", "flush"}), "arp flush");
    EXPECT_EQ(request({"intf", "show"}), "intf show");
    EXPECT_EQ(request({"stats"}), "stats");
    EXPECT_EQ(request({"digests"}), "digests");
    EXPECT_EQ(request({"counters"}), "counters");
}

TEST(HopctlCommand, LoadSendsAnAbsolutePath) {
    EXPECT_EQ(request({"load", "routes", "/etc/hop/routes"}), "load routes /etc/hop/routes");
    EXPECT_EQ(request({"load", "commands", "/a/b/../c.txt"}), "load commands /a/c.txt");
    const std::string here = std::filesystem::current_path().string();
    EXPECT_EQ(request({"load", "runtime-json", "x.json"}), "load runtime-json " + here + "/x.json");
    EXPECT_EQ(failure({"load", "tables", "x"}), "usage: load commands|runtime-json|routes FILE");
    EXPECT_EQ(failure({"load", "routes"}), "usage: load commands|runtime-json|routes FILE");
    EXPECT_EQ(failure({"load", "routes", "a", "b"}),
              "usage: load commands|runtime-json|routes FILE");
}

TEST(HopctlCommand, Errors) {
    EXPECT_EQ(failure({}), "no command (try --help)");
    EXPECT_EQ(failure({"frobnicate"}), "unknown command 'frobnicate' (try --help)");
    EXPECT_EQ(failure({"table"}),
              "table: expected add, modify, delete, set-default, clear or dump");
    EXPECT_EQ(failure({"table", "insert", "t"}),
              "table: unknown subcommand 'insert' (add, modify, delete, set-default, clear, dump)");
    EXPECT_EQ(failure({"table", "add", "ipv4_lpm"}),
              "usage: table add TABLE ACTION KEY... => PARAM... [PRIO]");
    EXPECT_EQ(failure({"table", "add", "ipv4_lpm", "set_nexthop", "203.0.113.0/24", "3"}),
              "table add: '=>' must separate the keys from the action's parameters");
    EXPECT_EQ(failure({"table", "delete", "ipv4_lpm", "x"}), "table delete: invalid handle 'x'");
    EXPECT_EQ(failure({"table", "dump"}), "usage: table dump TABLE");
    EXPECT_EQ(failure({"table_frob", "x"}), "unknown BMv2 command 'table_frob'");
    EXPECT_EQ(failure({"route", "add", "203.0.113.1/24", "via", "198.51.100.1"}),
              "route add: '203.0.113.1/24' has host bits set (the prefix is 203.0.113.0/24)");
    EXPECT_EQ(failure({"route", "add", "203.0.113.0/24", "via"}),
              "route add: expected PREFIX via GATEWAY or PREFIX dev PORT");
    EXPECT_EQ(failure({"route", "del"}), "usage: route del PREFIX");
    EXPECT_EQ(failure({"route", "del", "x"}), "route del: invalid prefix 'x'");
    EXPECT_EQ(failure({"route"}),
              "usage: route add PREFIX via GATEWAY | route add PREFIX dev PORT | route del PREFIX "
              "| route show");
    EXPECT_EQ(failure({"arp", "show", "all"}), "usage: arp show | arp flush");
    EXPECT_EQ(failure({"intf"}), "usage: intf show");
    EXPECT_EQ(failure({"stats", "now"}), "usage: stats (no arguments)");
    EXPECT_EQ(failure({"digests", "all"}), "usage: digests (no arguments)");
    EXPECT_EQ(failure({"route", "add", "a b"}),
              "invalid word 'a b' (words may not be empty or contain blanks)");
    std::vector<std::string> longLine = {"table_add", "t", "a", "=>"};
    for (int i = 0; i < 500; ++i) longLine.push_back("0x12345678");
    EXPECT_EQ(failure(longLine), "the command is longer than 4095 bytes");
}

}  // namespace
}  // namespace hop::hopctl
