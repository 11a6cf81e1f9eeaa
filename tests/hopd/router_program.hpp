// SPDX-License-Identifier: Apache-2.0
// router.p4's tables as hopd sees them (names, keys, actions; no bodies) and the P4Info aliases
// of them: for tests of hopd's parts without compiling the program.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "ir/ir.hpp"
#include "runtime/hopd/program_info.hpp"

namespace hop::hopd::testing {

// router.p4's tables as hopd sees them (names, keys, actions; no bodies).
inline ir::Program routerTables() {
    ir::Program p;
    p.name = "router";
    auto action = [&](const std::string& local, std::vector<std::pair<std::string, int>> params) {
        ir::Action a;
        a.name = "RouterIngress." + local;
        a.localName = local;
        for (auto& [name, width] : params) a.params.push_back({name, width});
        p.actions.push_back(a);
        return static_cast<ir::ActionId>(p.actions.size() - 1);
    };
    const ir::ActionId none = action("NoAction", {});
    auto table = [&](const std::string& local, const std::string& key, int width,
                     ir::MatchKind kind, ir::ActionId a) {
        ir::Table t;
        t.name = "RouterIngress." + local;
        t.localName = local;
        t.keys.push_back({nullptr, width, kind, key, {}});
        t.actions.push_back({a});
        t.actions.push_back({none});
        t.defaultAction.action = none;
        t.size = 4096;
        p.tables.push_back(t);
    };
    table("port_mac", "standard_metadata.egress_port", 9, ir::MatchKind::Exact,
          action("set_port_mac", {{"mac", 48}}));
    table("local_addr", "hdr.ipv4.dstAddr", 32, ir::MatchKind::Exact, action("local_hit", {}));
    table("ipv4_lpm", "hdr.ipv4.dstAddr", 32, ir::MatchKind::Lpm,
          action("set_nexthop", {{"nexthop_id", 16}}));
    table("nexthop", "meta.nexthop_id", 16, ir::MatchKind::Exact,
          action("set_nexthop_l2", {{"dmac", 48}, {"smac", 48}, {"port", 9}}));
    table("egress_mtu", "standard_metadata.egress_port", 9, ir::MatchKind::Exact,
          action("set_mtu", {{"mtu", 16}}));
    return p;
}

inline ProgramInfo routerInfo() {
    ProgramInfo info;
    info.file = "router.p4info.json";
    for (const char* t : {"port_mac", "local_addr", "ipv4_lpm", "nexthop", "egress_mtu"}) {
        info.tables[t] = std::string("RouterIngress.") + t;
    }
    return info;
}

}  // namespace hop::hopd::testing
