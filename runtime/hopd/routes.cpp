// SPDX-License-Identifier: Apache-2.0
#include "runtime/hopd/routes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>

#include "runtime/hopd/failure.hpp"

namespace hop::hopd {

using router::Ipv4Addr;
using router::Port;
using Kind = StateRecord::Kind;

RouteManager::RouteManager(const RouterTables& tables, TableWriter& writer, StateJournal& journal,
                           std::vector<router::Interface> interfaces)
    : tables_(tables), writer_(writer), journal_(journal), interfaces_(std::move(interfaces)) {}

void RouteManager::replay(const StateRecord& r) {
    switch (r.kind) {
        case Kind::Nexthop:
        case Kind::Host: {
            Neighbour n;
            n.id = r.id;
            n.host = r.kind == Kind::Host;
            neighbours_[r.ip.value] = n;
            usedIds_.insert(n.id);
            return;
        }
        case Kind::NexthopFree:
            if (auto it = neighbours_.find(r.ip.value); it != neighbours_.end()) {
                usedIds_.erase(it->second.id);
                neighbours_.erase(it);
            }
            return;
        case Kind::Link:
            linkIds_[r.port] = r.id;
            usedIds_.insert(r.id);
            return;
        case Kind::Route:
            runtimeRoutes_[fmt::format("{}/{}", r.route.prefix.str(), r.route.length)] = r.route;
            return;
        case Kind::RouteDel:
            runtimeRoutes_.erase(fmt::format("{}/{}", r.route.prefix.str(), r.route.length));
            return;
    }
}

// ---- the route table: routes_ and the full table's compact keys as one ---------------------

bool RouteManager::RouteList::Iterator::fromMap() const {
    const auto& full = list_->m_.fullTable_;
    if (full_ == full.size()) return true;
    return it_ != list_->m_.routes_.end() && it_->first < unpacked(full[full_]);
}

RouteManager::RouteList::Iterator::value_type RouteManager::RouteList::Iterator::operator*() const {
    if (fromMap()) return *it_;
    const Key key = unpacked(list_->m_.fullTable_[full_]);
    return {key, list_->m_.fullTableRoute(key)};
}

RouteManager::RouteList::Iterator& RouteManager::RouteList::Iterator::operator++() {
    if (fromMap()) {
        ++it_;
    } else {
        ++full_;
    }
    return *this;
}

RouteManager::Route RouteManager::fullTableRoute(const Key& key) const {
    return {RouteSpec{Ipv4Addr(key.first), key.second, fullTableVia_, std::nullopt}, "full-table"};
}

std::optional<RouteManager::Route> RouteManager::route(const Key& key) const {
    if (auto it = routes_.find(key); it != routes_.end()) return it->second;
    if (std::binary_search(fullTable_.begin(), fullTable_.end(), packed(key))) {
        return fullTableRoute(key);
    }
    return std::nullopt;
}

bool RouteManager::hasRoute(const Key& key) const {
    return routes_.count(key) ||
           std::binary_search(fullTable_.begin(), fullTable_.end(), packed(key));
}

void RouteManager::setRoute(const Key& key, Route route) {
    eraseRoute(key);
    routes_[key] = std::move(route);
}

void RouteManager::eraseRoute(const Key& key) {
    if (routes_.erase(key)) return;
    auto it = std::lower_bound(fullTable_.begin(), fullTable_.end(), packed(key));
    if (it != fullTable_.end() && *it == packed(key)) fullTable_.erase(it);
}

const router::Interface* RouteManager::interfaceOn(Port port) const {
    for (const auto& i : interfaces_) {
        if (i.port == port) return &i;
    }
    return nullptr;
}

const router::Interface* RouteManager::subnetOf(Ipv4Addr address) const {
    const router::Interface* on = nullptr;
    for (const auto& i : interfaces_) {
        if (i.contains(address)) on = &i;
    }
    return on;
}

uint16_t RouteManager::allocateId() {
    for (uint32_t id = 1; id < 65536; ++id) {
        if (!usedIds_.count(static_cast<uint16_t>(id))) {
            usedIds_.insert(static_cast<uint16_t>(id));
            return static_cast<uint16_t>(id);
        }
    }
    throw Failure(3, "hopd: error: all 65,535 next-hop ids are in use");
}

uint16_t RouteManager::linkId(Port port) {
    auto it = linkIds_.find(port);
    if (it != linkIds_.end()) return it->second;
    StateRecord r{.kind = Kind::Link, .id = allocateId(), .port = port};
    linkIds_[port] = r.id;
    journal_.record(r);
    return r.id;
}

uint16_t RouteManager::gatewayId(Ipv4Addr gateway) {
    auto it = neighbours_.find(gateway.value);
    if (it != neighbours_.end()) return it->second.id;
    Neighbour n;
    n.id = allocateId();
    neighbours_[gateway.value] = n;
    journal_.record({.kind = Kind::Nexthop, .ip = gateway, .id = n.id});
    return n.id;
}

bool RouteManager::addRoute(const RouteSpec& spec, const std::string& origin, std::string& error) {
    router::Route r;
    uint16_t id = 0;
    if (spec.gateway) {
        const router::Interface* on = subnetOf(*spec.gateway);
        if (!on) {
            error = fmt::format("{}: gateway {} is not on the subnet of any interface", spec.str(),
                                spec.gateway->str());
            return false;
        }
        r.port = on->port;
        r.gateway = *spec.gateway;
        id = gatewayId(*spec.gateway);
    } else {
        if (!interfaceOn(*spec.port)) {
            error = fmt::format("{}: port {} has no interface (no MAC address to send from)",
                                spec.str(), *spec.port);
            return false;
        }
        r.port = *spec.port;
        id = linkId(*spec.port);
    }
    auto cmd = tables_.routeEntry(spec.prefix, spec.length, id, error);
    if (!cmd || writer_.ensure(std::move(*cmd), error) == TableWriter::Outcome::Failed) {
        return false;
    }
    setRoute({spec.prefix.value, spec.length}, {spec, origin});
    softwareRoutes_.add(spec.prefix, spec.length, r.port, r.gateway);
    return true;
}

bool RouteManager::deleteRouteEntry(Ipv4Addr prefix, int length, std::string& error) {
    auto existing = writer_.find(tables_.lpm, tables_.routeMatch(prefix, length));
    if (!existing) return true;
    tables::Command del{tables::Command::Kind::Delete, existing->second, existing->first};
    return writer_.apply(del, error);
}

bool RouteManager::removeRoute(Ipv4Addr prefix, int length, std::string& error) {
    const auto existing = route({prefix.value, length});
    if (!existing || existing->origin == "connected" || existing->origin == "host") {
        error = fmt::format("no route {}/{} to delete{}", prefix.str(), length,
                            !existing ? "" : " (it is " + existing->origin + ")");
        return false;
    }
    if (!deleteRouteEntry(prefix, length, error)) return false;
    softwareRoutes_.remove(prefix, length);
    eraseRoute({prefix.value, length});
    return true;
}

bool RouteManager::addRuntimeRoute(const RouteSpec& spec, std::string& error) {
    if (auto existing = route({spec.prefix.value, spec.length})) {
        error = fmt::format("{}/{} is already routed ({})", spec.prefix.str(), spec.length,
                            existing->spec.str());
        return false;
    }
    if (!addRoute(spec, "runtime", error)) return false;
    journal_.record({.kind = Kind::Route, .route = spec});
    return true;
}

bool RouteManager::deleteRuntimeRoute(Ipv4Addr prefix, int length, std::string& error) {
    if (auto k = route({prefix.value, length}); k && k->origin == "kernel") {
        error =
            fmt::format("{}/{} is a kernel route (--fib-sync): delete it in Linux, `ip route del`",
                        prefix.str(), length);
        return false;
    }
    if (!removeRoute(prefix, length, error)) return false;
    journal_.record({.kind = Kind::RouteDel, .route = {prefix, length, {}, {}}});
    return true;
}

uint64_t RouteManager::loadRouteFile(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw Failure(1, path + ": error: cannot read the file");
    std::string error;
    auto list = parseRoutes(in, path, error);
    if (!list) throw Failure(1, error);
    for (const auto& spec : *list) {
        auto existing = route({spec.prefix.value, spec.length});
        if (existing && existing->spec.str() != spec.str()) {
            throw Failure(1, fmt::format("{}: error: {}/{} is already routed ({}, {})", path,
                                         spec.prefix.str(), spec.length, existing->spec.str(),
                                         existing->origin));
        }
    }
    uint64_t added = 0;
    for (const auto& spec : *list) {
        if (hasRoute({spec.prefix.value, spec.length})) continue;  // the same route
        if (!addRoute(spec, "runtime", error)) throw Failure(1, path + ": error: " + error);
        journal_.record({.kind = Kind::Route, .route = spec});
        ++added;
    }
    return added;
}

fib::Outcome RouteManager::kernelRoute(Ipv4Addr prefix, int length, const RouteSpec* spec,
                                       std::string& error) {
    const auto existing = route({prefix.value, length});
    const bool ours = existing && existing->origin == "kernel";
    if (existing && !ours) {  // connected, file, hopctl, host, full-table: kept
        error = existing->origin;
        return spec ? fib::Outcome::Shadowed : fib::Outcome::Done;
    }
    if (!spec) {
        if (!ours) return fib::Outcome::Done;
        return removeRoute(prefix, length, error) ? fib::Outcome::Done : fib::Outcome::Failed;
    }
    // A changed route is modified in place (ensure()): no moment without a route.
    return addRoute(*spec, "kernel", error) ? fib::Outcome::Done : fib::Outcome::Failed;
}

void RouteManager::reconcile(const std::vector<RouteSpec>& fileRoutes,
                             const std::function<void()>& beforeFullTable,
                             const std::string& fullTable, Ipv4Addr fullTableVia) {
    using Clock = std::chrono::steady_clock;
    const auto t0 = Clock::now();
    const uint64_t before = writer_.counters.commands;
    std::string error;
    auto must = [&](std::optional<tables::Command> cmd) {
        if (!cmd || writer_.ensure(std::move(*cmd), error) == TableWriter::Outcome::Failed) {
            throw Failure(1, "hopd: error: " + error);
        }
    };
    // Interfaces: port MACs, MTUs, local addresses; connected subnets to the port's link id.
    for (const auto& i : interfaces_) {
        must(tables_.portMacEntry(i.port, i.mac, error));
        must(tables_.mtuEntry(i.port, i.mtu, error));
        must(tables_.localEntry(i.address, error));
        const Ipv4Addr subnet(i.address.value & router::prefixMask(i.prefixLength));
        must(tables_.routeEntry(subnet, i.prefixLength, linkId(i.port), error));
        setRoute({subnet.value, i.prefixLength},
                 {RouteSpec{subnet, i.prefixLength, std::nullopt, i.port}, "connected"});
    }
    for (const auto& r : fileRoutes) {
        if (!addRoute(r, "file", error)) throw Failure(1, "hopd: error: " + error);
    }
    for (const auto& [key, r] : runtimeRoutes_) {
        if (!addRoute(r, "runtime", error)) {
            std::cerr << "hopd: warning: route from the state file: " << error << "\n";
        }
    }
    if (beforeFullTable) beforeFullTable();  // (before the cleanup below: a restart keeps them)
    if (!fullTable.empty()) loadFullTable(fullTable, fullTableVia);
    inheritNeighbours();
    removeUnasked();
    std::cerr << fmt::format(
        "hopd: tables as configured: {} interfaces, {} routes, {} entries written, {} already "
        "there, {:.2f} s; LPM node memory written: {}\n",
        interfaces_.size(), routes().size(), writer_.counters.commands - before,
        writer_.counters.identical, std::chrono::duration<double>(Clock::now() - t0).count(),
        writer_.nodeMemory(tables_.lpm));
}

void RouteManager::inheritNeighbours() {
    // Host routes and next hops the hardware holds from an earlier run are kept (forwarding
    // goes on); the slow path re-learns them.
    for (const auto& [handle, entry] : writer_.entries(tables_.nexthop)) {
        const auto id = static_cast<uint16_t>(entry.keys[0].value);
        for (auto& [ip, n] : neighbours_) {
            if (n.id != id) continue;
            n.hwHandle = handle;
            n.inherited = true;
            const auto& a = entry.action.args;
            n.mac = macOf(a[0]);
            n.port = static_cast<Port>(a[2]);
            if (n.host) {
                setRoute({ip, 32}, {RouteSpec{Ipv4Addr(ip), 32, std::nullopt, n.port}, "host"});
            }
        }
    }
}

void RouteManager::removeUnasked() {
    // LPM entries that point at hopd's ids but are no longer asked for go (after the adds).
    // Gateways without a route left keep their id (cheap) until hopd restarts on a fresh board.
    // The deletes are found first (a walk over the entries, not a copy of a full table), then
    // made.
    std::vector<tables::Command> deletes;
    writer_.forEachEntry(tables_.lpm, [&](int handle, const tables::Entry& entry) {
        const auto id = static_cast<uint16_t>(entry.action.args.empty() ? 0 : entry.action.args[0]);
        const auto& key = entry.keys[0];
        const Key k{static_cast<uint32_t>(key.value), key.prefixLen};
        if (key.kind == ir::Match::Kind::Exact) return;
        if (!usedIds_.count(id) || hasRoute(k)) return;
        deletes.push_back({tables::Command::Kind::Delete, entry, handle});
    });
    std::string error;
    for (const auto& del : deletes) {
        if (!writer_.apply(del, error)) throw Failure(1, "hopd: error: " + error);
    }
}

void RouteManager::neighbourEvent(const router::NeighbourEvent& e) {
    std::string error;
    if (e.kind == router::NeighbourEvent::Kind::Resolved) {
        const router::Interface* on = interfaceOn(e.port);
        if (!on) return;
        auto it = neighbours_.find(e.ip.value);
        bool newHost = false;
        if (it == neighbours_.end()) {
            // An on-link host: its own id and a /32, unless a route already names it exactly.
            if (hasRoute({e.ip.value, 32})) return;
            Neighbour n;
            n.id = allocateId();
            n.host = true;
            it = neighbours_.emplace(e.ip.value, n).first;
            journal_.record({.kind = Kind::Host, .ip = e.ip, .id = n.id});
            newHost = true;
        }
        Neighbour& n = it->second;
        n.inherited = false;
        if (n.hwHandle >= 0 && n.mac == e.mac && n.port == e.port) return;
        auto cmd = tables_.nexthopEntry(n.id, e.mac, on->mac, e.port, error);
        if (!cmd) {
            std::cerr << "hopd: warning: " << error << "\n";
            return;
        }
        if (n.hwHandle >= 0) {
            cmd->kind = tables::Command::Kind::Modify;
            cmd->handle = n.hwHandle;
        }
        int handle = -1;
        if (!writer_.apply(*cmd, error, &handle)) {
            std::cerr << "hopd: warning: neighbour " << e.ip.str() << ": " << error << "\n";
            return;
        }
        n.hwHandle = handle;
        n.mac = e.mac;
        n.port = e.port;
        ++neighboursInstalled_;
        if (newHost) {
            auto route = tables_.routeEntry(e.ip, 32, n.id, error);
            if (!route ||
                writer_.ensure(std::move(*route), error) == TableWriter::Outcome::Failed) {
                std::cerr << "hopd: warning: host route " << e.ip.str() << ": " << error << "\n";
            } else {
                setRoute({e.ip.value, 32}, {RouteSpec{e.ip, 32, std::nullopt, e.port}, "host"});
            }
        }
        return;
    }
    auto it = neighbours_.find(e.ip.value);
    if (it == neighbours_.end()) return;
    Neighbour& n = it->second;
    if (n.host) {  // the /32 first, so nothing looks up a missing next hop
        auto r = routes_.find({e.ip.value, 32});  // (host routes are never the full table's)
        if (r != routes_.end() && r->second.origin == "host") {
            deleteRouteEntry(e.ip, 32, error);
            routes_.erase(r);
        }
    }
    if (n.hwHandle >= 0) {
        tables::Command del;
        del.kind = tables::Command::Kind::Delete;
        del.entry.table = tables_.nexthop;
        del.handle = n.hwHandle;
        writer_.apply(del, error);
        n.hwHandle = -1;
        ++neighboursRemoved_;
    }
    if (n.host) {
        journal_.record({.kind = Kind::NexthopFree, .ip = e.ip});
        usedIds_.erase(n.id);
        neighbours_.erase(it);
    }
}

void RouteManager::flushInherited() {
    for (auto& [ip, n] : neighbours_) {
        if (n.inherited) {
            router::NeighbourEvent gone;
            gone.kind = router::NeighbourEvent::Kind::Gone;
            gone.ip = Ipv4Addr(ip);
            neighbourEvent(gone);
            return;  // the map may have changed; the next flush takes the rest
        }
    }
}

}  // namespace hop::hopd
