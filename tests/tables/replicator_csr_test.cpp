// SPDX-License-Identifier: Apache-2.0
// The replication engine's driver (runtime/tables/replicator_csr.hpp) alone, on a CSR port that
// records: the exact CSR writes of small BMv2 command sequences (a group whose list does not
// change is not written; an appended node is one node write, a removed first or last node none;
// a changed node goes to a free entry before the group word), and every refusal (group id, port,
// node table full, too many copies, busy, the block refusing a command) leaving the
// TrafficManager, the driver's view and the block's visible tables as they were.
#include "runtime/tables/replicator_csr.hpp"

#include <gtest/gtest.h>

#include <map>

#include "regmap/replicator_words.hpp"
#include "runtime/tables/table_csr.hpp"

namespace hop::tables {
namespace {

namespace rm = hop::regmap;

constexpr uint32_t kBase = 0x100;

// A CSR port that records every access. CMD reads 1 (refused) after the `refuseAt`-th command
// (counting from 1), INFO reads `info`.
struct Recorder {
    std::vector<CsrWrite> writes;
    int reads = 0;
    uint32_t info = 0;
    int commands = 0, refuseAt = 0;
    CsrPort port() {
        return {[this](uint32_t addr, std::string&) -> std::optional<uint32_t> {
                    ++reads;
                    if (addr == kBase + 4 * rm::kReplWordInfo) return info;
                    if (addr == kBase + 4 * rm::kReplWordCmd) return commands == refuseAt ? 1 : 0;
                    return 0;
                },
                [this](uint32_t addr, uint32_t value, std::string&) {
                    writes.push_back({addr - kBase, value});
                    if (addr == kBase + 4 * rm::kReplWordCmd) ++commands;
                    return true;
                }};
    }
};

// The four writes of one table entry.
CsrWrites entry(uint32_t op, uint32_t index, uint32_t data0, uint32_t data1) {
    return {{4 * rm::kReplWordIndex, index},
            {4 * rm::kReplWordData0, data0},
            {4 * rm::kReplWordData1, data1},
            {4 * rm::kReplWordCmd, op}};
}
CsrWrites node(uint32_t index, uint32_t rid, uint32_t ports) {
    return entry(rm::kReplWriteNode, index, rid, ports);
}
CsrWrites group(uint32_t g, uint32_t base, uint32_t count, uint32_t copies) {
    return entry(rm::kReplWriteGroup, g, base | copies << 16, count);
}
CsrWrites cat(std::initializer_list<CsrWrites> parts) {
    CsrWrites out;
    for (const CsrWrites& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

class Driver {
  public:
    explicit Driver(ReplicatorGeometry g = {kBase, 8, 16, 16}) : csr(g, rec.port()) {}
    // Runs a CLI line; "" when it was taken, else the error. `writes` gets the CSR writes.
    std::string run(const std::string& line, CsrWrites* writes = nullptr) {
        rec.writes.clear();
        ParseError pe;
        auto cmd = parseTmCommand(line, {"cmds.txt", 1, 0}, pe);
        if (!cmd) return pe.str();
        return run(*cmd, writes);
    }
    std::string run(const TmCommand& cmd, CsrWrites* writes = nullptr) {
        rec.writes.clear();
        std::string error;
        std::vector<std::string> out;
        const bool ok = csr.run(tm, cmd, out, error);
        printed = out;
        if (writes) *writes = rec.writes;
        return ok ? "" : error;
    }
    Recorder rec;
    ReplicatorCsr csr;
    TrafficManager tm;
    std::vector<std::string> printed;
};

// Everything the driver and the TrafficManager hold, to check a refusal changed nothing.
struct State {
    std::vector<ReplicatorGroup> groups;
    std::vector<ReplicatorNode> nodes;
    std::vector<bool> used;
    std::map<uint32_t, std::vector<Replica>> copies;
    std::map<int, std::vector<uint32_t>> nodePorts;
    bool operator==(const State&) const = default;
};
State state(const Driver& d) {
    State s;
    const ReplicatorGeometry& g = d.csr.geometry();
    for (uint32_t i = 0; i < g.groups; ++i) {
        s.groups.push_back(d.csr.group(i));
        if (d.tm.hasGroup(i)) s.copies[i] = d.tm.replicate(i);
    }
    for (uint32_t i = 0; i < g.nodes; ++i) {
        s.used.push_back(d.csr.nodeUsed(i));
        s.nodes.push_back(d.csr.nodeUsed(i) ? d.csr.node(i) : ReplicatorNode{});
    }
    for (const auto& [h, n] : d.tm.nodes()) s.nodePorts[h] = n.ports;
    return s;
}

TEST(ReplicatorCsr, WritesOnlyWhatChanges) {
    Driver d;
    CsrWrites w;
    // Nothing reaches the block until a group has a node: an empty group is the reset state.
    EXPECT_EQ(d.run("mc_mgrp_create 1", &w), "");
    EXPECT_EQ(w, CsrWrites{});
    EXPECT_EQ(d.rec.reads, 0);
    EXPECT_EQ(d.run("mc_node_create 5 3 1", &w), "");
    EXPECT_EQ(d.printed, std::vector<std::string>{"Created node with handle 0"});
    EXPECT_EQ(w, CsrWrites{});
    // The node into a free entry, then the group word: base 0, one node, two copies. Reads:
    // INFO (busy?) once, then each command's status.
    EXPECT_EQ(d.run("mc_node_associate 1 0", &w), "");
    EXPECT_EQ(w, cat({node(0, 5, 0b1010), group(1, 0, 1, 2)}));
    EXPECT_EQ(d.rec.reads, 3);
    // Appending writes the one new node after the run, then the group word.
    EXPECT_EQ(d.run("mc_node_create 6 0", &w), "");
    EXPECT_EQ(d.run("mc_node_associate 1 1", &w), "");
    EXPECT_EQ(w, cat({node(1, 6, 0b1), group(1, 0, 2, 3)}));
    // The same ports again: no change, no write, no read.
    d.rec.reads = 0;
    EXPECT_EQ(d.run("mc_node_update 0 1 3", &w), "");
    EXPECT_EQ(w, CsrWrites{});
    EXPECT_EQ(d.rec.reads, 0);
    // Mirroring and queue commands do not touch the replication engine.
    EXPECT_EQ(d.run("mirroring_add 3 2", &w), "");
    EXPECT_EQ(d.run("mirroring_add_mc 4 1", &w), "");
    EXPECT_EQ(d.run("set_queue_depth 64", &w), "");
    EXPECT_EQ(w, CsrWrites{});
    // Removing the first node: the group word alone (base 1), then entry 0 is free.
    EXPECT_EQ(d.run("mc_node_dissociate 1 0", &w), "");
    EXPECT_EQ(w, group(1, 1, 1, 1));
    EXPECT_FALSE(d.csr.nodeUsed(0));
    // A changed node in a group: the new list in a free entry (next-fit, after the last run
    // placed at 0: entry 1 is taken, so 2), the group word, and entry 1 freed.
    EXPECT_EQ(d.run("mc_node_update 1 2 4 7", &w), "");
    EXPECT_EQ(w, cat({node(2, 6, 0b10010100), group(1, 2, 1, 3)}));
    EXPECT_FALSE(d.csr.nodeUsed(1));
    // A second group: its run is placed next-fit, after the last one (3), not in entry 0 or 1
    // that were just freed.
    EXPECT_EQ(d.run("mc_mgrp_create 15", &w), "");
    EXPECT_EQ(d.run("mc_node_associate 15 0", &w), "");
    EXPECT_EQ(w, cat({node(3, 5, 0b1010), group(15, 3, 1, 2)}));
    // Destroying a node takes it out of its group: the group word alone, empty.
    EXPECT_EQ(d.run("mc_node_destroy 0", &w), "");
    EXPECT_EQ(w, group(15, 0, 0, 0));
    // Destroying a group empties its word.
    EXPECT_EQ(d.run("mc_mgrp_destroy 1", &w), "");
    EXPECT_EQ(w, group(1, 0, 0, 0));
    EXPECT_EQ(d.csr.freeNodes() + d.csr.heldNodes(), 16u);
}

// A freed run is held while INFO says the engine drains (a packet that read the old group word
// may still be walking it), and given out again once it does not.
TEST(ReplicatorCsr, FreedRunHeldWhileTheEngineDrains) {
    Driver d;
    d.rec.info = 1u << rm::kReplInfoDrainingBit;
    ASSERT_EQ(d.run("mc_mgrp_create 1"), "");
    ASSERT_EQ(d.run("mc_mgrp_create 2"), "");
    TmCommand c;
    c.kind = TmCommand::Kind::GroupOf;
    c.group = 3;
    for (uint32_t rid = 0; rid < 8; ++rid) c.replicas.push_back({rid, 0});
    ASSERT_EQ(d.run(c), "");  // entries 0..7
    for (int i = 0; i < 8; ++i) {
        ASSERT_EQ(d.run("mc_node_create 9 1"), "");
        ASSERT_EQ(d.run("mc_node_associate 1 " + std::to_string(8 + i)), "");  // 8..15
    }
    CsrWrites w;
    EXPECT_EQ(d.run("mc_mgrp_destroy 3", &w), "");
    EXPECT_EQ(w, group(3, 0, 0, 0));
    EXPECT_EQ(d.csr.heldNodes(), 8u);
    EXPECT_EQ(d.csr.freeNodes(), 0u);
    ASSERT_EQ(d.run("mc_node_create 4 2"), "");
    const State before = state(d);
    EXPECT_EQ(d.run("mc_node_associate 2 16", &w),
              "node table full: multicast group 2 needs 1 consecutive node entries of the "
              "replication engine's 16; 0 are free, the longest free run is 0; 8 more were freed "
              "by changes that packets may still be reading (free once the engine has no "
              "packet left that read the old group words)");
    EXPECT_EQ(w, CsrWrites{});
    EXPECT_EQ(state(d), before);
    d.rec.info = 0;  // drained: the run is free
    EXPECT_EQ(d.run("mc_node_associate 2 16", &w), "");
    EXPECT_EQ(w, cat({node(0, 4, 0b100), group(2, 0, 1, 1)}));
}

TEST(ReplicatorCsr, RemovingANode) {
    Driver d;
    CsrWrites w;
    ASSERT_EQ(d.run("mc_mgrp_create 2"), "");
    for (int i = 0; i < 3; ++i) {
        ASSERT_EQ(d.run("mc_node_create " + std::to_string(10 + i) + " " + std::to_string(i)), "");
        ASSERT_EQ(d.run("mc_node_associate 2 " + std::to_string(i)), "");
    }
    EXPECT_EQ(d.csr.group(2), (ReplicatorGroup{0, 3, 3}));
    // A middle node out: the run cannot stay (entry 1 is read by packets), so the new list
    // goes to free entries (next-fit from entry 1: 3 and 4).
    EXPECT_EQ(d.run("mc_node_dissociate 2 1", &w), "");
    EXPECT_EQ(w, cat({node(3, 10, 0b1), node(4, 12, 0b100), group(2, 3, 2, 2)}));
    for (uint32_t e : {0u, 1u, 2u}) EXPECT_FALSE(d.csr.nodeUsed(e)) << e;
    // The last node out: the group word alone.
    EXPECT_EQ(d.run("mc_node_dissociate 2 2", &w), "");
    EXPECT_EQ(w, group(2, 3, 1, 1));
    EXPECT_FALSE(d.csr.nodeUsed(4));
}

TEST(ReplicatorCsr, RuntimeJsonGroupIsOneRun) {
    Driver d;
    TmCommand c;
    c.kind = TmCommand::Kind::GroupOf;
    c.group = 7;
    c.replicas = {{1, 2}, {2, 3}, {1, 4}, {2, 1}};  // {rid, port}: two nodes
    CsrWrites w;
    EXPECT_EQ(d.run(c, &w), "");
    EXPECT_EQ(w, cat({node(0, 1, 0b10100), node(1, 2, 0b1010), group(7, 0, 2, 4)}));
    EXPECT_EQ(d.tm.replicate(7), (std::vector<Replica>{{1, 2}, {1, 4}, {2, 1}, {2, 3}}));
}

TEST(ReplicatorCsr, GroupAndPortRefusalsChangeNothing) {
    Driver d;
    ASSERT_EQ(d.run("mc_mgrp_create 1"), "");
    ASSERT_EQ(d.run("mc_node_create 1 2"), "");
    ASSERT_EQ(d.run("mc_node_associate 1 0"), "");
    const State before = state(d);
    CsrWrites w;
    EXPECT_EQ(d.run("mc_mgrp_create 16", &w),
              "multicast group 16 is past the replication engine's 16 groups (1 to 15)");
    EXPECT_EQ(d.run("mc_node_create 1 3 8", &w),
              "port 8 is past the replication engine's 8 ports (0 to 7)");
    EXPECT_EQ(d.run("mc_node_update 0 3 9", &w),
              "port 9 is past the replication engine's 8 ports (0 to 7)");
    TmCommand c;
    c.kind = TmCommand::Kind::GroupOf;
    c.group = 3;
    c.replicas = {{1, 2}, {4, 40}};
    EXPECT_EQ(d.run(c, &w),
              "multicast group 3, node 2: port 40 is past the replication engine's 8 ports (0 "
              "to 7)");
    EXPECT_EQ(d.run("mirroring_add_mc 1 20", &w),
              "multicast group 20 is past the replication engine's 16 groups (1 to 15)");
    EXPECT_FALSE(d.tm.mirror(1).has_value());
    // The TrafficManager's own refusals pass through unchanged.
    EXPECT_EQ(d.run("mc_node_associate 1 7", &w), "unknown node handle 7");
    EXPECT_EQ(w, CsrWrites{});
    EXPECT_EQ(state(d), before);
    // The refused create used no handle.
    EXPECT_EQ(d.run("mc_node_create 1 3"), "");
    EXPECT_EQ(d.printed, std::vector<std::string>{"Created node with handle 1"});
}

// 16 entries: four groups of four fill the table; freeing one entry in two groups leaves two
// free entries, apart: a list of two does not fit, and says why.
TEST(ReplicatorCsr, NodeTableFullChangesNothing) {
    Driver d;
    for (int g = 1; g <= 4; ++g) {
        ASSERT_EQ(d.run("mc_mgrp_create " + std::to_string(g)), "");
        for (int i = 0; i < 4; ++i) {
            const int h = static_cast<int>(d.tm.nodes().size());
            ASSERT_EQ(d.run("mc_node_create " + std::to_string(h) + " " + std::to_string(i)), "");
            ASSERT_EQ(d.run("mc_node_associate " + std::to_string(g) + " " + std::to_string(h)),
                      "");
        }
    }
    EXPECT_EQ(d.csr.freeNodes(), 0u);
    ASSERT_EQ(d.run("mc_node_create 99 7"), "");
    ASSERT_EQ(d.run("mc_mgrp_create 5"), "");
    State before = state(d);
    CsrWrites w;
    EXPECT_EQ(d.run("mc_node_associate 5 16", &w),
              "node table full: multicast group 5 needs 1 consecutive node entries of the "
              "replication engine's 16; 0 are free, the longest free run is 0");
    EXPECT_EQ(w, CsrWrites{});
    EXPECT_EQ(state(d), before);
    ASSERT_EQ(d.run("mc_node_dissociate 1 3"), "");   // entry 3
    ASSERT_EQ(d.run("mc_node_dissociate 3 11"), "");  // entry 11
    before = state(d);
    TmCommand c;
    c.kind = TmCommand::Kind::GroupOf;
    c.group = 6;
    c.replicas = {{1, 1}, {2, 2}};
    EXPECT_EQ(d.run(c, &w),
              "node table full: multicast group 6 needs 2 consecutive node entries of the "
              "replication engine's 16; 2 are free, the longest free run is 1");
    EXPECT_EQ(w, CsrWrites{});
    EXPECT_EQ(state(d), before);
    // A node update that makes a group's list change needs a new run too: refused, the node's
    // ports as they were.
    EXPECT_EQ(d.run("mc_node_update 5 6", &w).substr(0, 16), "node table full:");
    EXPECT_EQ(state(d), before);
    // One entry fits.
    EXPECT_EQ(d.run("mc_node_associate 5 16", &w), "");
    // (next-fit from entry 13, after group 4's first run: 13 to 15 are taken, then entry 3)
    EXPECT_EQ(w, cat({node(3, 99, 0x80), group(5, 3, 1, 1)}));
}

// A group's copies are counted in 16 bits: 2,047 nodes of 32 ports and one of 31 make 65,535,
// one port more is refused.
TEST(ReplicatorCsr, TooManyCopiesRefused) {
    Driver d({kBase, 32, 16, 4096});
    TmCommand c;
    c.kind = TmCommand::Kind::GroupOf;
    c.group = 1;
    for (uint32_t rid = 0; rid < 2048; ++rid)
        for (uint32_t p = 0; p < (rid == 2047 ? 31u : 32u); ++p) c.replicas.push_back({rid, p});
    ASSERT_EQ(d.run(c), "");
    EXPECT_EQ(d.csr.group(1), (ReplicatorGroup{0, 2048, 65535}));
    EXPECT_EQ(d.rec.writes.size(), 4u * 2049);
    EXPECT_EQ(d.rec.writes.back().value, rm::kReplWriteGroup);
    const State before = state(d);
    std::vector<std::string> all;
    for (uint32_t p = 0; p < 32; ++p) all.push_back(std::to_string(p));
    CsrWrites w;
    std::string line = "mc_node_update 2047";
    for (const std::string& p : all) line += " " + p;
    EXPECT_EQ(d.run(line, &w),
              "multicast group 1 would make 65536 copies of a packet; the replication engine "
              "counts at most 65535");
    EXPECT_EQ(w, CsrWrites{});
    EXPECT_EQ(state(d), before);
}

TEST(ReplicatorCsr, BusyRefusedBeforeAnyWrite) {
    Driver d;
    ASSERT_EQ(d.run("mc_mgrp_create 1"), "");
    ASSERT_EQ(d.run("mc_node_create 1 2"), "");
    const State before = state(d);
    d.rec.info = 1u << 23;
    CsrWrites w;
    EXPECT_EQ(d.run("mc_node_associate 1 0", &w),
              "the replication engine is busy (clearing its groups after a reset); try again");
    EXPECT_EQ(w, CsrWrites{});
    EXPECT_EQ(state(d), before);
    d.rec.info = 0;
    EXPECT_EQ(d.run("mc_node_associate 1 0", &w), "");
    EXPECT_EQ(w, cat({node(0, 1, 0b100), group(1, 0, 1, 1)}));
}

// The block refuses a command (it should not: the driver checked everything it checks): a
// refused node write stops before any group word; a refused group word after others of the same
// plan puts those back. The TrafficManager and the driver's view stay as they were.
TEST(ReplicatorCsr, BlockRefusalRollsBack) {
    Driver d;
    ASSERT_EQ(d.run("mc_mgrp_create 1"), "");
    ASSERT_EQ(d.run("mc_mgrp_create 2"), "");
    ASSERT_EQ(d.run("mc_node_create 1 2"), "");
    ASSERT_EQ(d.run("mc_node_create 2 3"), "");
    const State before = state(d);
    CsrWrites w;
    d.rec.commands = 0;
    d.rec.refuseAt = 1;
    EXPECT_EQ(d.run("mc_node_associate 1 0", &w), "the replication engine refused WRITE_NODE 0");
    EXPECT_EQ(w, node(0, 1, 0b100));
    EXPECT_EQ(state(d), before);
    // sync of two groups whose second group word is refused: the first is written back.
    TrafficManager next = d.tm;
    std::string error;
    ASSERT_TRUE(next.associate(1, 0, error));
    ASSERT_TRUE(next.associate(2, 1, error));
    d.rec.writes.clear();
    d.rec.commands = 0;
    d.rec.refuseAt = 4;  // node, node, group 1, group 2
    EXPECT_FALSE(d.csr.sync(next, error));
    EXPECT_EQ(error, "the replication engine refused WRITE_GROUP 2");
    EXPECT_EQ(d.rec.writes, cat({node(0, 1, 0b100), node(1, 2, 0b1000), group(1, 0, 1, 1),
                                 group(2, 1, 1, 1), group(1, 0, 0, 0)}));
    EXPECT_EQ(state(d), before);
    d.rec.refuseAt = 0;
    d.rec.writes.clear();
    EXPECT_TRUE(d.csr.sync(next, error)) << error;
    EXPECT_EQ(d.rec.writes,
              cat({node(0, 1, 0b100), node(1, 2, 0b1000), group(1, 0, 1, 1), group(2, 1, 1, 1)}));
}

}  // namespace
}  // namespace hop::tables
