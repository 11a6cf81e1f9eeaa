// SPDX-License-Identifier: Apache-2.0
// RouteManager's state as state-file records: what a compacted state file keeps after its
// snapshot (runtime/hopd/state_file.hpp).
#include "runtime/hopd/routes.hpp"

namespace hop::hopd {

std::vector<StateRecord> RouteManager::stateRecords() const {
    std::vector<StateRecord> out;
    for (const auto& [port, id] : linkIds_) {
        StateRecord r;
        r.kind = StateRecord::Kind::Link;
        r.port = port;
        r.id = id;
        out.push_back(r);
    }
    for (const auto& [ip, n] : neighbours_) {
        StateRecord r;
        r.kind = n.host ? StateRecord::Kind::Host : StateRecord::Kind::Nexthop;
        r.ip = router::Ipv4Addr(ip);
        r.id = n.id;
        out.push_back(r);
    }
    for (const auto& [name, spec] : runtimeRoutes_) {
        StateRecord r;
        r.kind = StateRecord::Kind::Route;
        r.route = spec;
        out.push_back(r);
    }
    return out;
}

}  // namespace hop::hopd
