// SPDX-License-Identifier: Apache-2.0
#include "driver/summary.hpp"

#include <gtest/gtest.h>

namespace hop {
namespace {

TEST(Summary, ListsTablesActionsAndControllerHeaders) {
    auto p4info = nlohmann::json::parse(R"({
      "tables": [{"preamble": {"id": 33554433, "name": "MyIngress.ipv4_lpm"},
                  "matchFields": [{"id": 1, "name": "hdr.ipv4.dstAddr", "bitwidth": 32,
                                   "matchType": "LPM"}],
                  "actionRefs": [{"id": 16777217}, {"id": 16777218}], "size": "1024"}],
      "actions": [{"preamble": {"id": 16777217, "name": "MyIngress.ipv4_forward"},
                   "params": [{"id": 1, "name": "dstAddr", "bitwidth": 48},
                              {"id": 2, "name": "port", "bitwidth": 9}]},
                  {"preamble": {"id": 16777218, "name": "MyIngress.drop"}}],
      "controllerPacketMetadata": [{"preamble": {"id": 67146229, "name": "packet_in"},
                                    "metadata": [{"id": 1, "name": "ingress_port",
                                                  "bitwidth": 9}]}]
    })");
    EXPECT_EQ(summarizeP4Info(p4info),
              "  1 table\n"
              "    MyIngress.ipv4_lpm  key [hdr.ipv4.dstAddr: lpm bit<32>]  actions "
              "[MyIngress.ipv4_forward, MyIngress.drop]  size 1024\n"
              "  2 actions\n"
              "    MyIngress.ipv4_forward(dstAddr: bit<48>, port: bit<9>)\n"
              "    MyIngress.drop()\n"
              "  controller header packet_in (ingress_port: bit<9>)\n");
}

TEST(Summary, EmptyP4Info) {
    EXPECT_EQ(summarizeP4Info(nlohmann::json::object()), "  0 tables\n  0 actions\n");
}

}  // namespace
}  // namespace hop
