// SPDX-License-Identifier: Apache-2.0
// hopd's routes and neighbours: the router's interfaces, routes from files, hopctl, the kernel
// (--fib-sync) and a full table, and the next hops ARP resolves, each kept in the software
// route table the slow path looks up and written into router.p4's tables (RouterTables)
// through the table writer:
//   connected subnets and `dev` routes: ipv4_lpm -> the port's link id (never in `nexthop`, so
//   the pipeline punts NO_NEXTHOP and the slow path resolves the host); `via` routes: the
//   gateway's id; resolved on-link hosts: a /32 to the host's own id; `nexthop`: written when
//   ARP resolves a gateway or an on-link host, removed when the neighbour is gone.
// The ids and run-time routes are journalled in the state file (StateRecord) and come back
// from it on a restart (replay()).
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "runtime/hopd/config.hpp"
#include "runtime/hopd/fib_sync.hpp"
#include "runtime/hopd/router_tables.hpp"
#include "runtime/hopd/state_file.hpp"
#include "runtime/hopd/table_writer.hpp"
#include "runtime/router/slow_path.hpp"

namespace hop::hopd {

class RouteManager {
  public:
    struct Neighbour {
        uint16_t id = 0;
        bool host = false;  // an on-link host with a /32 of its own (else a gateway)
        int hwHandle = -1;  // its nexthop entry
        router::MacAddr mac;
        router::Port port = 0;
        bool inherited = false;  // in hardware from an earlier hopd, not yet re-learnt
    };
    struct Route {
        RouteSpec spec;
        std::string origin;  // file, runtime, connected, host, kernel, full-table
    };
    using Key = std::pair<uint32_t, int>;  // prefix, length

    // Every route in {prefix, length} order, each as a {Key, Route} pair (made on the fly: the
    // full table's routes are held as keys only, see fullTable_).
    class RouteList {
      public:
        class Iterator {
          public:
            using value_type = std::pair<Key, Route>;
            using difference_type = std::ptrdiff_t;
            Iterator() = default;
            Iterator(const RouteList* list, std::map<Key, Route>::const_iterator it, size_t full)
                : list_(list), it_(it), full_(full) {}
            value_type operator*() const;
            Iterator& operator++();
            bool operator==(const Iterator& o) const { return it_ == o.it_ && full_ == o.full_; }

          private:
            bool fromMap() const;
            const RouteList* list_ = nullptr;
            std::map<Key, Route>::const_iterator it_;
            size_t full_ = 0;
        };
        explicit RouteList(const RouteManager& m) : m_(m) {}
        Iterator begin() const { return {this, m_.routes_.begin(), 0}; }
        Iterator end() const { return {this, m_.routes_.end(), m_.fullTable_.size()}; }
        size_t size() const { return m_.routes_.size() + m_.fullTable_.size(); }

      private:
        const RouteManager& m_;
    };

    RouteManager(const RouterTables& tables, TableWriter& writer, StateJournal& journal,
                 std::vector<router::Interface> interfaces);

    // A record of the state file (ids and run-time routes of an earlier hopd).
    void replay(const StateRecord& record);
    // The records that make replay() give today's ids and run-time routes (the lines after a
    // snapshot of the state file).
    std::vector<StateRecord> stateRecords() const;

    // What the configuration asks, written where it is not there yet: the interfaces (port
    // MACs, MTUs, local addresses, connected subnets), `fileRoutes`, the run-time routes of the
    // state file, then `beforeFullTable` (the kernel's routes), the full table when `fullTable`
    // names a file, the next hops the hardware holds from an earlier hopd (kept, re-learnt by
    // the slow path), and last the removal of ipv4_lpm entries with hopd's ids no longer asked
    // for. Throws Failure(1). Prints the summary.
    void reconcile(const std::vector<RouteSpec>& fileRoutes,
                   const std::function<void()>& beforeFullTable, const std::string& fullTable,
                   router::Ipv4Addr fullTableVia);

    bool addRoute(const RouteSpec& spec, const std::string& origin, std::string& error);
    bool removeRoute(router::Ipv4Addr prefix, int length, std::string& error);
    // hopctl's `route add` / `route del` (journalled, kept across restarts).
    bool addRuntimeRoute(const RouteSpec& spec, std::string& error);
    bool deleteRuntimeRoute(router::Ipv4Addr prefix, int length, std::string& error);
    // `hopctl load routes FILE`: every route of a route file, added as `route add` would; the
    // whole file is checked before any route is added. Throws Failure(1).
    uint64_t loadRouteFile(const std::string& path);
    // --fib-sync's hook: hold `spec` as the prefix's kernel route (null: drop it).
    fib::Outcome kernelRoute(router::Ipv4Addr prefix, int length, const RouteSpec* spec,
                             std::string& error);

    void neighbourEvent(const router::NeighbourEvent& e);
    // `arp flush`: the first neighbour inherited from an earlier hopd, gone.
    void flushInherited();

    std::optional<router::Route> lookup(router::Ipv4Addr destination) const {
        return softwareRoutes_.lookup(destination);
    }
    const std::vector<router::Interface>& interfaces() const { return interfaces_; }
    RouteList routes() const { return RouteList(*this); }
    // The route of exactly `key`, or nullopt.
    std::optional<Route> route(const Key& key) const;
    const std::map<uint32_t, Neighbour>& neighbours() const { return neighbours_; }
    uint64_t neighboursInstalled() const { return neighboursInstalled_; }
    uint64_t neighboursRemoved() const { return neighboursRemoved_; }

  private:
    void loadFullTable(const std::string& file, router::Ipv4Addr gateway);
    void inheritNeighbours();
    void removeUnasked();
    const router::Interface* interfaceOn(router::Port port) const;
    const router::Interface* subnetOf(router::Ipv4Addr address) const;
    uint16_t allocateId();
    uint16_t linkId(router::Port port);
    uint16_t gatewayId(router::Ipv4Addr gateway);
    bool deleteRouteEntry(router::Ipv4Addr prefix, int length, std::string& error);
    // The route table (routes_ and fullTable_ as one): a key is in one of them at most.
    bool hasRoute(const Key& key) const;
    void setRoute(const Key& key, Route route);
    void eraseRoute(const Key& key);
    static uint64_t packed(const Key& key) { return (uint64_t{key.first} << 8) | key.second; }
    static Key unpacked(uint64_t k) { return {static_cast<uint32_t>(k >> 8), int(k & 0xff)}; }
    Route fullTableRoute(const Key& key) const;

    const RouterTables& tables_;
    TableWriter& writer_;
    StateJournal& journal_;
    std::vector<router::Interface> interfaces_;
    std::map<std::string, RouteSpec> runtimeRoutes_;  // from the state file / hopctl
    std::map<Key, Route> routes_;
    // The routes of --full-table that hold one next hop (all of them but those modified one by
    // one): packed keys {prefix << 8 | length}, sorted, all via fullTableVia_ (a million routes
    // would cost a map node, a RouteSpec and an origin string each).
    std::vector<uint64_t> fullTable_;
    router::Ipv4Addr fullTableVia_;
    router::RouteTable softwareRoutes_;
    std::map<uint32_t, Neighbour> neighbours_;  // by IP
    std::map<router::Port, uint16_t> linkIds_;
    std::set<uint16_t> usedIds_;
    uint64_t neighboursInstalled_ = 0, neighboursRemoved_ = 0;
};

}  // namespace hop::hopd
