// SPDX-License-Identifier: Apache-2.0
#include "runtime/hopd/router_tables.hpp"

#include <fmt/format.h>

#include "runtime/hopd/failure.hpp"

namespace hop::hopd {

namespace {

constexpr const char* kRouterTables =
    "hopd runs router.p4's tables: port_mac, local_addr, ipv4_lpm, nexthop, egress_mtu";

tables::BigInt ones(int width) { return (tables::BigInt(1) << width) - 1; }

}  // namespace

tables::BigInt macValue(const router::MacAddr& mac) {
    tables::BigInt v = 0;
    for (uint8_t b : mac.bytes) v = (v << 8) | b;
    return v;
}

router::MacAddr macOf(const tables::BigInt& value) {
    router::MacAddr mac;
    for (int b = 0; b < 6; ++b) {
        mac.bytes[b] = static_cast<uint8_t>(static_cast<unsigned>(value >> (8 * (5 - b)) & 0xff));
    }
    return mac;
}

RouterTables::RouterTables(const ir::Program& program, const ProgramInfo& info)
    : program_(program) {
    auto table = [&](const std::string& alias, ir::MatchKind kind) {
        // By the P4Info's alias, then the full name it gives.
        ir::TableId id = -1;
        if (auto it = info.tables.find(alias); it != info.tables.end()) {
            for (size_t i = 0; i < program.tables.size(); ++i) {
                if (program.tables[i].name == it->second) id = static_cast<ir::TableId>(i);
            }
        }
        if (id < 0) {
            throw Failure(1, fmt::format("hopd: error: {} has no table '{}' ({})", info.file, alias,
                                         kRouterTables));
        }
        const ir::Table& t = program.tables[static_cast<size_t>(id)];
        if (t.keys.size() != 1 || t.keys[0].matchKind != kind) {
            throw Failure(
                1, fmt::format("hopd: error: {}: table {} does not have the one {} key "
                               "hopd writes ({})",
                               info.file, t.name, kind == ir::MatchKind::Lpm ? "lpm" : "exact",
                               kRouterTables));
        }
        return id;
    };
    auto action = [&](ir::TableId id, const std::string& localName, size_t params) {
        const ir::Table& t = program.tables[static_cast<size_t>(id)];
        for (const auto& ref : t.actions) {
            const ir::Action& a = program.actions.at(static_cast<size_t>(ref.action));
            if (a.localName == localName || a.name == localName ||
                a.name.ends_with("." + localName)) {
                if (a.params.size() != params) break;
                return ref.action;
            }
        }
        throw Failure(1, fmt::format("hopd: error: {}: table {} has no action {} with {} "
                                     "parameter{} ({})",
                                     info.file, t.name, localName, params, params == 1 ? "" : "s",
                                     kRouterTables));
    };
    portMac = table("port_mac", ir::MatchKind::Exact);
    localAddr = table("local_addr", ir::MatchKind::Exact);
    lpm = table("ipv4_lpm", ir::MatchKind::Lpm);
    nexthop = table("nexthop", ir::MatchKind::Exact);
    mtu = table("egress_mtu", ir::MatchKind::Exact);
    setPortMac = action(portMac, "set_port_mac", 1);
    localHit = action(localAddr, "local_hit", 0);
    setNexthop = action(lpm, "set_nexthop", 1);
    setNexthopL2 = action(nexthop, "set_nexthop_l2", 3);
    setMtu = action(mtu, "set_mtu", 1);
    lpmWidth_ = program.tables[static_cast<size_t>(lpm)].keys[0].width;
    if (lpmWidth_ != 32) {
        throw Failure(
            1, fmt::format("hopd: error: {}: the key of {} has {} bits, not an IPv4 "
                           "address's 32",
                           info.file, program.tables[static_cast<size_t>(lpm)].name, lpmWidth_));
    }
}

std::optional<tables::Command> RouterTables::add(ir::TableId table, ir::ActionId action,
                                                 const tables::BigInt& key,
                                                 std::initializer_list<tables::BigInt> args,
                                                 std::string& error) const {
    const ir::Table& t = program_.tables[static_cast<size_t>(table)];
    const ir::Action& a = program_.actions[static_cast<size_t>(action)];
    const ir::TableKey& k = t.keys[0];
    if (key > ones(k.width)) {
        error = fmt::format("value 0x{} does not fit in {} bits (key {} of {})",
                            key.str(0, std::ios_base::hex), k.width, k.name, t.name);
        return std::nullopt;
    }
    tables::Command cmd;
    cmd.kind = tables::Command::Kind::Add;
    cmd.entry.table = table;
    tables::KeyMatch m;
    m.kind = ir::Match::Kind::Exact;
    m.value = key;
    cmd.entry.keys.push_back(std::move(m));
    cmd.entry.action.action = action;
    size_t i = 0;
    for (const auto& arg : args) {
        const ir::ActionParam& p = a.params[i++];
        if (arg > ones(p.width)) {
            error = fmt::format("value 0x{} does not fit in {} bits (parameter {} of {})",
                                arg.str(0, std::ios_base::hex), p.width, p.name, a.name);
            return std::nullopt;
        }
        cmd.entry.action.args.push_back(arg);
    }
    return cmd;
}

std::optional<tables::Command> RouterTables::portMacEntry(router::Port port,
                                                          const router::MacAddr& mac,
                                                          std::string& error) const {
    return add(portMac, setPortMac, port, {macValue(mac)}, error);
}

std::optional<tables::Command> RouterTables::mtuEntry(router::Port port, uint16_t value,
                                                      std::string& error) const {
    return add(mtu, setMtu, port, {value}, error);
}

std::optional<tables::Command> RouterTables::localEntry(router::Ipv4Addr address,
                                                        std::string& error) const {
    return add(localAddr, localHit, address.value, {}, error);
}

tables::Entry RouterTables::routeMatch(router::Ipv4Addr prefix, int length) const {
    tables::Entry e;
    e.table = lpm;
    tables::KeyMatch m;
    m.kind = ir::Match::Kind::Lpm;
    m.prefixLen = length;
    m.mask = ones(lpmWidth_) ^ ones(lpmWidth_ - length);
    m.value = tables::BigInt(prefix.value) & m.mask;
    e.keys.push_back(std::move(m));
    return e;
}

void RouterTables::setRouteMatch(tables::Entry& entry, router::Ipv4Addr prefix, int length) const {
    if (entry.keys.size() != 1 || entry.keys[0].kind != ir::Match::Kind::Lpm || lpmWidth_ > 32) {
        entry.keys = routeMatch(prefix, length).keys;
        return;
    }
    entry.table = lpm;
    tables::KeyMatch& m = entry.keys[0];
    const uint64_t all = (uint64_t{1} << lpmWidth_) - 1;
    const uint64_t mask = all ^ ((uint64_t{1} << (lpmWidth_ - length)) - 1);
    m.prefixLen = length;
    m.mask = mask;
    m.value = prefix.value & mask;
}

std::optional<tables::Command> RouterTables::routeEntry(router::Ipv4Addr prefix, int length,
                                                        uint16_t id, std::string& error) const {
    auto cmd = add(lpm, setNexthop, 0, {id}, error);
    if (!cmd) return std::nullopt;
    cmd->entry.keys = routeMatch(prefix, length).keys;
    return cmd;
}

std::optional<tables::Command> RouterTables::nexthopEntry(uint16_t id, const router::MacAddr& dmac,
                                                          const router::MacAddr& smac,
                                                          router::Port port,
                                                          std::string& error) const {
    return add(nexthop, setNexthopL2, id, {macValue(dmac), macValue(smac), port}, error);
}

std::pair<uint64_t, int> RouterTables::lpmKey(const tables::KeyMatch& key, int width) {
    return {static_cast<uint64_t>(key.value),
            key.kind == ir::Match::Kind::Lpm ? key.prefixLen : width};
}

}  // namespace hop::hopd
