// SPDX-License-Identifier: Apache-2.0
// The traffic manager's configuration as BMv2 simple_switch's control plane sets it: multicast
// groups of replication nodes (simple_switch's two-level packet replication engine) and
// mirroring (clone) sessions; and the BMv2 runtime-CLI lines that change it, which STF files and
// command files share (STF passes them to simple_switch_CLI unchanged):
//   mc_mgrp_create GRP                  a multicast group, 1..65535 (0 means no multicast)
//   mc_mgrp_destroy GRP                 its nodes stay, dissociated
//   mc_node_create RID PORT...          a node: replication id 0..65535, ports 0..510; prints
//                                       `Created node with handle N` (handles count from 0)
//   mc_node_update HANDLE PORT...       the node's new port set
//   mc_node_destroy HANDLE              also leaves its group
//   mc_node_associate GRP HANDLE        a node belongs to at most one group
//   mc_node_dissociate GRP HANDLE
//   mirroring_add SESSION PORT          a clone session (0..32767) to a port
//   mirroring_add_mc SESSION GRP        ... or to a multicast group (replaces the session)
//   mirroring_delete SESSION
//   mirroring_get SESSION               prints the session
//   set_queue_depth DEPTH [PORT]        stored only: queues are the RTL switch top's (issue 16)
//   set_queue_rate RATE [PORT]
//   port_pause PORT                     hopline's: the port's queues stop being served (as an
//   port_resume PORT                    802.1Qbb pause would stop them); copies for it wait,
//                                       and enq_qdepth / deq_qdepth show them (issue 16)
// The P4 tutorials' runtime JSON gives groups as P4Runtime does, `"multicast_group_entries":
// [{"multicast_group_id": G, "replicas": [{"egress_port": P, "instance": RID}, ...]}]`: a group
// with one node per distinct instance (in the order they first appear) holding its ports.
// A group replicates to its nodes in the order they were associated, each node to its ports in
// increasing order, one copy per port per node (BMv2's McSimplePre). BMv2's LAG list (`| LAGS`)
// is not supported. Every command that is malformed or does not fit the state (unknown group or
// handle, node already in a group, port out of range) is an error and changes nothing.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "runtime/tables/entry.hpp"

namespace hop::tables {

inline constexpr uint32_t kTmMaxPort = 510;  // 511 is v1model's drop port
inline constexpr uint32_t kTmMaxGroup = 65535;
inline constexpr uint32_t kTmMaxRid = 65535;
inline constexpr uint32_t kTmMaxSession = 32767;

// One copy the replication engine makes: the node's replication id and a port.
struct Replica {
    uint32_t rid = 0;
    uint32_t port = 0;
    bool operator==(const Replica&) const = default;
};

struct MirrorSession {
    std::optional<uint32_t> port;   // mirroring_add
    std::optional<uint32_t> group;  // mirroring_add_mc
};

class TrafficManager {
  public:
    struct Node {
        uint32_t rid = 0;
        std::vector<uint32_t> ports;  // increasing, no duplicates
        std::optional<uint32_t> group;
    };

    // Each returns false with `error` (one line) and changes nothing when the command does not
    // fit the state.
    bool createGroup(uint32_t group, std::string& error);
    bool destroyGroup(uint32_t group, std::string& error);
    bool createNode(uint32_t rid, const std::vector<uint32_t>& ports, int& handle,
                    std::string& error);
    bool updateNode(int handle, const std::vector<uint32_t>& ports, std::string& error);
    bool destroyNode(int handle, std::string& error);
    bool associate(uint32_t group, int handle, std::string& error);
    bool dissociate(uint32_t group, int handle, std::string& error);
    // A new group with one node per distinct rid of `replicas` (first appearance order).
    bool createGroupOf(uint32_t group, const std::vector<Replica>& replicas, std::string& error);
    bool addMirror(uint32_t session, const MirrorSession& to, std::string& error);
    bool deleteMirror(uint32_t session, std::string& error);
    std::optional<MirrorSession> mirror(uint32_t session) const;
    void setQueueDepth(std::optional<uint32_t> port, uint64_t depth);
    void setQueueRate(std::optional<uint32_t> port, uint64_t rate);
    // What set_queue_depth stored, by port (none: every port).
    const std::map<std::optional<uint32_t>, uint64_t>& queueDepths() const { return queueDepth_; }
    // The queue limit set_queue_depth gave `port` (its own, else every port's), else `fallback`.
    uint64_t queueDepth(uint32_t port, uint64_t fallback) const;
    void setPaused(uint32_t port, bool paused);
    bool paused(uint32_t port) const { return paused_.count(port) != 0; }
    const std::set<uint32_t>& pausedPorts() const { return paused_; }

    // The copies of a packet multicast to `group` (none when the group does not exist).
    std::vector<Replica> replicate(uint32_t group) const;
    bool hasGroup(uint32_t group) const { return groups_.count(group) != 0; }
    const std::map<int, Node>& nodes() const { return nodes_; }
    // Each group's node handles in association order.
    const std::map<uint32_t, std::vector<int>>& groups() const { return groups_; }
    void clear() { *this = TrafficManager{}; }

  private:
    using GroupIt = std::map<uint32_t, std::vector<int>>::iterator;
    using NodeIt = std::map<int, Node>::iterator;
    bool checkPorts(const std::vector<uint32_t>& ports, std::string& error) const;
    // Both exist (else false with `error` naming the one that does not).
    bool findGroupAndNode(uint32_t group, int handle, GroupIt& g, NodeIt& n, std::string& error);
    std::map<uint32_t, std::vector<int>> groups_;  // group -> node handles, association order
    std::map<int, Node> nodes_;
    int nextHandle_ = 0;
    std::map<uint32_t, MirrorSession> sessions_;
    // set_queue_depth / set_queue_rate, by port (none: every port); for the switch top.
    std::map<std::optional<uint32_t>, uint64_t> queueDepth_, queueRate_;
    std::set<uint32_t> paused_;  // port_pause
};

// A checked traffic-manager line.
struct TmCommand {
    enum class Kind {
        GroupCreate,
        GroupDestroy,
        NodeCreate,
        NodeUpdate,
        NodeDestroy,
        NodeAssociate,
        NodeDissociate,
        MirrorAdd,
        MirrorAddMc,
        MirrorDelete,
        MirrorGet,
        QueueDepth,
        QueueRate,
        PortPause,
        PortResume,
        GroupOf,  // runtime JSON: a group and its replicas
    } kind = Kind::GroupCreate;
    uint32_t group = 0;
    uint32_t rid = 0;
    int handle = -1;
    uint32_t session = 0;
    std::optional<uint32_t>
        port;  // MirrorAdd, PortPause, PortResume; QueueDepth / QueueRate when given
    std::vector<uint32_t> ports;    // NodeCreate, NodeUpdate
    uint64_t value = 0;             // QueueDepth, QueueRate
    std::vector<Replica> replicas;  // GroupOf
};

// Is the line's first word one of the verbs above?
bool isTmCommand(const std::string& line);
// The verbs above.
std::vector<std::string> tmCommandVerbs();
// The line parsed and its numbers range-checked: nullopt with a located `error` (an empty
// message for a blank or comment line).
std::optional<TmCommand> parseTmCommand(const std::string& line, const Origin& origin,
                                        ParseError& error);
// The runtime JSON's "multicast_group_entries", range-checked: one GroupOf command each (none
// when the key is absent); nullopt with `error` naming the entry otherwise.
std::optional<std::vector<TmCommand>> parseRuntimeJsonGroups(const nlohmann::json& doc,
                                                             const std::string& file,
                                                             ParseError& error);
// Runs the command; what BMv2's CLI prints goes to `out`. False with `error` (the state is then
// unchanged).
bool runTmCommand(TrafficManager& tm, const TmCommand& command, std::vector<std::string>& out,
                  std::string& error);

}  // namespace hop::tables
