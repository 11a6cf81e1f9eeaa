// SPDX-License-Identifier: Apache-2.0
// The tables hopd owns (router.p4's, found by their P4Info aliases) and their entries built as
// typed values (tables::Command), checked once against the program when hopd starts:
//   port_mac   PORT -> set_port_mac(MAC)                  one per interface port
//   local_addr ADDRESS -> local_hit                       one per interface address
//   egress_mtu PORT -> set_mtu(MTU)                       one per interface port
//   ipv4_lpm   PREFIX -> set_nexthop(ID)                  routes (runtime/hopd/routes.hpp)
//   nexthop    ID -> set_nexthop_l2(DMAC, SMAC, PORT)     resolved gateways and on-link hosts
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "runtime/hopd/program_info.hpp"
#include "runtime/router/types.hpp"
#include "runtime/tables/entry.hpp"

namespace hop::hopd {

class RouterTables {
  public:
    // Throws Failure(1) naming the P4Info when a table, its key or an action is missing or
    // shaped otherwise than hopd writes it.
    RouterTables(const ir::Program& program, const ProgramInfo& info);

    ir::TableId portMac = -1, localAddr = -1, lpm = -1, nexthop = -1, mtu = -1;
    ir::ActionId setPortMac = -1, localHit = -1, setNexthop = -1, setNexthopL2 = -1, setMtu = -1;

    // Add commands; nullopt with `error` when a value does not fit its key or parameter.
    std::optional<tables::Command> portMacEntry(router::Port port, const router::MacAddr& mac,
                                                std::string& error) const;
    std::optional<tables::Command> mtuEntry(router::Port port, uint16_t mtu,
                                            std::string& error) const;
    std::optional<tables::Command> localEntry(router::Ipv4Addr address, std::string& error) const;
    std::optional<tables::Command> routeEntry(router::Ipv4Addr prefix, int length, uint16_t id,
                                              std::string& error) const;
    std::optional<tables::Command> nexthopEntry(uint16_t id, const router::MacAddr& dmac,
                                                const router::MacAddr& smac, router::Port port,
                                                std::string& error) const;

    // ipv4_lpm's match of `prefix/length` (for finding and deleting entries).
    tables::Entry routeMatch(router::Ipv4Addr prefix, int length) const;
    // The same written into `entry`'s one key in place (a full table's million lookups and adds
    // reuse one entry: no allocation each).
    void setRouteMatch(tables::Entry& entry, router::Ipv4Addr prefix, int length) const;
    // {value, prefix length} of an ipv4_lpm key (an exact key counts as a full-length prefix).
    static std::pair<uint64_t, int> lpmKey(const tables::KeyMatch& key, int width);
    int lpmWidth() const { return lpmWidth_; }

    const ir::Program& program() const { return program_; }

  private:
    std::optional<tables::Command> add(ir::TableId table, ir::ActionId action,
                                       const tables::BigInt& key,
                                       std::initializer_list<tables::BigInt> args,
                                       std::string& error) const;
    const ir::Program& program_;
    int lpmWidth_ = 32;
};

tables::BigInt macValue(const router::MacAddr& mac);
router::MacAddr macOf(const tables::BigInt& value);

}  // namespace hop::hopd
