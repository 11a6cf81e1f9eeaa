// SPDX-License-Identifier: Apache-2.0
// The driver of the traffic manager's replication engine (rtl/hop_replicator.sv): it keeps the
// block's group and node tables equal to the multicast groups of a tables::TrafficManager
// (BMv2's mc_* state), through the block's CSR words (regmap/replicator_words.hpp) and a
// CsrPort (hopd: a runtime/device Device; tests: a Verilated block).
//
//   - Group ids are the hardware's: a packet's mcast_grp indexes GROUP[] directly (the pipeline
//     hands the block mcast_grp itself), so a group id of GROUPS or more cannot replicate and
//     is refused when it is created; a mapping table would need a translation in the pipeline.
//   - A group's nodes are one contiguous run of NODE entries in association order, each node
//     {rid, ports as a bit mask}; a port >= PORTS is refused (the error names it). Its group
//     word holds {base, count} and the group's copies (the sum over its nodes of their ports),
//     which the block hands the traffic manager for its reference count; a group of more than
//     65535 copies is refused.
//   - Hitless: a group whose list changes gets its new run where the old run's unchanged
//     entries and free entries can hold it, the free ones written first (no packet reads a free
//     entry), then its one group word (a packet reads the old word or the new one, and so the
//     old list or the new one, whole); the old run's entries the new run does not keep are
//     freed only after that word. A group whose list did not change is not written.
//   - Freed entries are held, not free, until the block's PACKETS counter has advanced by two
//     past its value read after the group word: a packet that read the old word may be held
//     mid-walk by output backpressure for any time, but the block takes a new packet only when
//     the one before has moved on to its walk, and that only when the walk before it is done.
//     Without traffic they stay held (the block has no signal saying no walk is left).
//   - Placement: the new run that writes the fewest entries, among those overlapping the old
//     run (an appended node is one write, a removed first or last node none) and a free run found
//     next-fit (the search starts after the last run placed). No compaction: when no free run is
//     long enough the command is refused as "node table full", naming the free entries, the
//     longest free run and the entries held.
//   - All or nothing: run() applies a command to a copy of the TrafficManager, plans the writes,
//     checks them, and only then writes; a refusal (busy after reset, a group id, a port, the
//     table full, too many copies, the block refusing a command) leaves the TrafficManager,
//     the block's visible tables and the driver's view as they were.
// The driver's view starts from the block's reset state (every group empty); a driver attached
// to a block programmed before must first be given the state it holds (not done here).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/tables/extern_csr.hpp"
#include "runtime/tables/traffic_manager.hpp"

namespace hop::tables {

// The block's parameters (its INFO word says the same; checkInfo compares).
struct ReplicatorGeometry {
    uint32_t base = 0;  // byte address of the block's CSR window
    uint32_t ports = 8;
    uint32_t groups = 16;
    uint32_t nodes = 16;
    // A switch's CPU port (hop_switch numbers it PORTS, after the front-panel ports): when not
    // 0, port `cpuPort` is the block's last port (ports - 1), and only 0 .. ports - 2 are
    // front-panel ports.
    uint32_t cpuPort = 0;
};

struct ReplicatorNode {
    uint32_t rid = 0;
    uint32_t ports = 0;  // bit p: port p
    bool operator==(const ReplicatorNode&) const = default;
};

struct ReplicatorGroup {
    uint32_t base = 0;
    uint32_t count = 0;
    uint32_t copies = 0;
    bool operator==(const ReplicatorGroup&) const = default;
};

// DATA0 of a group: [15:0] base, [31:16] copies; DATA1: count.
inline constexpr uint32_t kReplCopiesShift = 16;
inline constexpr uint32_t kReplMaxCopies = 0xffff;

class ReplicatorCsr {
  public:
    ReplicatorCsr(ReplicatorGeometry geometry, CsrPort port);

    // Runs a traffic-manager command on `tm` and on the block, all or nothing: false with
    // `error` (one line) and nothing changed when the TrafficManager refuses it or the block
    // cannot hold the result. `out` gets what BMv2's CLI prints.
    bool run(TrafficManager& tm, const TmCommand& command, std::vector<std::string>& out,
             std::string& error);
    // Brings the block's groups `groups` to `tm`'s lists (a group `tm` does not have becomes
    // empty); false with `error` and nothing changed when it cannot.
    bool sync(const TrafficManager& tm, const std::vector<uint32_t>& groups, std::string& error);
    // ... every group of `tm` and of the block.
    bool sync(const TrafficManager& tm, std::string& error);
    // Reads INFO: false with `error` when the block's parameters are not `geometry`'s.
    bool checkInfo(std::string& error) const;
    // Reads a group word back from the block (READ_GROUP).
    std::optional<ReplicatorGroup> readGroup(uint32_t group, std::string& error) const;
    std::optional<ReplicatorNode> readNode(uint32_t node, std::string& error) const;

    // The driver's view of the block.
    const ReplicatorGroup& group(uint32_t g) const { return groups_.at(g); }
    const ReplicatorNode& node(uint32_t n) const { return nodes_.at(n); }
    bool nodeUsed(uint32_t n) const { return owner_.at(n) != 0 && owner_.at(n) != kHeld; }
    uint32_t freeNodes() const;
    // Entries freed but not yet written again: a packet may still be reading them.
    uint32_t heldNodes() const;
    const ReplicatorGeometry& geometry() const { return geo_; }

  private:
    // One table entry to write: a node, or a group word.
    struct Write {
        bool group = false;
        uint32_t index = 0;
        ReplicatorNode node;
        ReplicatorGroup word;
        bool operator==(const Write&) const = default;
    };

    struct Plan;
    bool planGroups(const TrafficManager& tm, const std::vector<uint32_t>& groups, Plan& plan,
                    std::string& error) const;
    bool checkGroupId(uint32_t group, std::string& error) const;
    bool portMask(const std::vector<uint32_t>& ports, uint32_t& mask, std::string& error) const;
    bool command(uint32_t index, uint32_t op, uint32_t data0, uint32_t data1,
                 std::string& error) const;
    bool writeEntry(const Write& w, std::string& error) const;
    // Freed entries wait (owner kHeld) until INFO's draining bit says no packet may still walk
    // them.
    void hold(const std::vector<uint32_t>& entries);
    void release();

    static constexpr uint32_t kHeld = 0xffffffff;

    ReplicatorGeometry geo_;
    CsrPort port_;
    std::vector<ReplicatorGroup> groups_;  // by hardware group index
    std::vector<ReplicatorNode> nodes_;    // what a used entry holds
    std::vector<uint32_t> owner_;          // the group using a node entry (0: free, kHeld)
    std::vector<uint32_t> held_;
    uint32_t rover_ = 0;  // next-fit: where the search for a free run starts
};

}  // namespace hop::tables
