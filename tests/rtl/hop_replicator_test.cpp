// SPDX-License-Identifier: Apache-2.0
// hop_replicator against a reference written from BMv2 simple_switch's replication: a packet
// for multicast group g leaves as one copy per port of each of g's nodes, nodes in order, ports
// in increasing order, each copy with its node's replication id; a packet whose group ends
// without a copy (empty, unknown, or its last node without a port) ends with an out_copy=0 beat.
// Checked under random idle input cycles and output backpressure, at one copy per clock when
// nothing waits, across a group rewritten while its packets flow (each packet gets the old list or
// the new one, never a mix), and for every CSR command, refused ones included. Every beat carries
// its group's copies word (what the traffic manager counts reads against). Word offsets and
// commands come from compiler/src/regmap/replicator_words.hpp.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <random>
#include <vector>

#include VMODEL_HEADER
#include "compiler/src/regmap/replicator_words.hpp"
#include "verilator_util.hpp"

namespace {

using hop::rtltest::Sim;
namespace regmap = hop::regmap;

constexpr uint32_t kPorts = RP_PORTS;
constexpr uint32_t kGroups = RP_GROUPS;
constexpr uint32_t kNodes = RP_NODES;
constexpr uint32_t kTagW = RP_TAG_W;
constexpr uint32_t kBase = RP_BASE;

struct Node {
    uint32_t rid = 0;
    uint32_t ports = 0;
};
struct Group {
    uint32_t base = 0, count = 0, copies = 0;
};
struct Beat {
    bool copy = false, last = false;
    uint32_t port = 0, rid = 0, tag = 0, copies = 0;
    bool operator==(const Beat&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Beat& b) {
    return os << (b.copy ? "copy" : "none") << " port " << b.port << " rid " << b.rid << " tag "
              << b.tag << " copies " << b.copies << (b.last ? " last" : "");
}

class Bench {
  public:
    explicit Bench(uint32_t seed) : rng_(seed), nodes_(kNodes), groups_(kGroups) {
        idle();
        // After reset the group table is cleared, one entry a cycle, busy meanwhile.
        EXPECT_TRUE(read(regmap::kReplWordInfo) >> 23 & 1) << "busy after reset";
        for (uint32_t i = 0; i < kGroups + 8 && read(regmap::kReplWordInfo) >> 23 & 1; ++i) {
        }
        EXPECT_FALSE(read(regmap::kReplWordInfo) >> 23 & 1) << "the init walk ended";
    }

    void idle() {
        auto& m = sim_.model();
        m.csr_wr = m.csr_rd = 0;
        m.csr_addr = m.csr_wdata = 0;
    }

    // One clock: the input offers its next packet unless idle, the output is ready unless
    // stalled; beats that leave are collected.
    void tick() {
        auto& m = sim_.model();
        const bool offer = !pending_.empty() && !std::bernoulli_distribution(idleIn)(rng_);
        m.in_valid = offer;
        if (offer) {
            m.in_group = pending_.front().group;
            m.in_tag = pending_.front().tag;
            m.in_direct = pending_.front().direct;
            m.in_port = pending_.front().port;
        }
        m.out_ready = !std::bernoulli_distribution(stallOut)(rng_);
        sim_.settle();
        const bool inFire = offer && m.in_ready;
        const bool outFire = m.out_valid && m.out_ready;
        if (m.out_valid && !m.out_ready) ++outStalls;
        if (outFire)
            out.push_back(Beat{static_cast<bool>(m.out_copy), static_cast<bool>(m.out_last),
                               m.out_port, m.out_rid, m.out_tag, m.out_copies});
        sim_.tick();
        if (inFire) pending_.pop_front();
        m.in_valid = 0;
        idle();
    }

    void write(uint32_t word, uint32_t value) {
        auto& m = sim_.model();
        m.csr_wr = 1;
        m.csr_addr = kBase + 4 * word;
        m.csr_wdata = value;
        tick();
        tick();  // the bus never writes in back-to-back cycles
    }
    uint32_t read(uint32_t word) {
        auto& m = sim_.model();
        tick();
        tick();  // at least 3 cycles after the last write
        m.csr_rd = 1;
        m.csr_addr = kBase + 4 * word;
        tick();
        return m.csr_rdata;
    }
    // A command; true when the block took it (status 0).
    bool command(uint32_t index, uint32_t op, uint32_t d0, uint32_t d1) {
        write(regmap::kReplWordIndex, index);
        write(regmap::kReplWordData0, d0);
        write(regmap::kReplWordData1, d1);
        write(regmap::kReplWordCmd, op);
        return read(regmap::kReplWordCmd) == 0;
    }
    bool setNode(uint32_t n, Node v) {
        const bool ok = command(n, regmap::kReplWriteNode, v.rid, v.ports);
        if (ok) nodes_[n] = v;
        return ok;
    }
    bool setGroup(uint32_t g, Group v) {
        const bool ok = command(g, regmap::kReplWriteGroup, v.base | v.copies << 16, v.count);
        if (ok) groups_[g] = v;
        return ok;
    }
    std::pair<uint32_t, uint32_t> readBack(uint32_t index, uint32_t op) {
        write(regmap::kReplWordIndex, index);
        write(regmap::kReplWordCmd, op);
        return {read(regmap::kReplWordData0), read(regmap::kReplWordData1)};
    }

    // The reference: the beats of a packet for `group` with `tag`. The block marks the last
    // beat on the last node's last copy, so when that node has no port the copies end with a
    // no-copy beat.
    std::vector<Beat> expected(uint32_t group, uint32_t tag) const {
        std::vector<Beat> beats;
        bool lastNodeEmpty = true;
        const uint32_t copies = nodeCount(group) ? groups_[group].copies : 0;
        if (group < kGroups) {
            const Group& g = groups_[group];
            for (uint32_t i = 0; i < g.count; ++i) {
                const Node& n = nodes_[g.base + i];
                for (uint32_t p = 0; p < kPorts; ++p)
                    if (n.ports >> p & 1) beats.push_back(Beat{true, false, p, n.rid, tag, copies});
                lastNodeEmpty = n.ports == 0;
            }
        }
        if (lastNodeEmpty) beats.push_back(Beat{false, false, 0, 0, 0, copies});
        beats.back().last = true;
        return beats;
    }

    uint32_t nodeCount(uint32_t group) const { return group < kGroups ? groups_[group].count : 0; }
    // What the runtime stores as a group's copies: the sizes of its nodes' port sets, summed.
    uint32_t copiesOf(uint32_t base, uint32_t count) const {
        uint32_t c = 0;
        for (uint32_t i = 0; i < count; ++i) c += std::popcount(nodes_[base + i].ports);
        return c;
    }
    void send(uint32_t group, uint32_t tag) { pending_.push_back({group, tag, false, 0}); }
    // A direct packet: one copy to `port`, rid 0, copies word 0.
    void sendDirect(uint32_t port, uint32_t tag) { pending_.push_back({0, tag, true, port}); }
    // Runs until every packet went in and `beats` beats came out (or a limit).
    void runUntil(size_t beats, uint64_t limit = 1000000) {
        for (uint64_t i = 0; i < limit && (!pending_.empty() || out.size() < beats); ++i) tick();
        for (int i = 0; i < 20; ++i) tick();  // nothing more may come
    }
    // The beats that left, with the tag and port of a no-copy beat normalised (don't care).
    std::vector<Beat> outputs() const {
        std::vector<Beat> o = out;
        for (auto& b : o)
            if (!b.copy) b.port = b.rid = b.tag = 0;
        return o;
    }

    std::mt19937& rng() { return rng_; }
    Sim<VMODEL>& sim() { return sim_; }

    double idleIn = 0, stallOut = 0;
    std::vector<Beat> out;
    uint64_t outStalls = 0;

  private:
    Sim<VMODEL> sim_;
    std::mt19937 rng_;
    struct Packet {
        uint32_t group = 0, tag = 0;
        bool direct = false;
        uint32_t port = 0;
    };
    std::deque<Packet> pending_;
    std::vector<Node> nodes_;
    std::vector<Group> groups_;
};

uint32_t randomPorts(std::mt19937& rng) {
    const uint32_t mask = kPorts == 32 ? 0xffffffffu : (1u << kPorts) - 1;
    switch (rng() % 4) {
        case 0:
            return 1u << (rng() % kPorts);  // one port
        case 1:
            return 0;  // none (BMv2 allows an empty node)
        default:
            return static_cast<uint32_t>(rng()) & mask;
    }
}

// Random nodes, groups made of runs of them (some empty, some past the table's end refused),
// random packets (known groups, group 0, ids past the table) with idle input and backpressure.
TEST(Replicator, RandomGroupsAndTrafficAsTheReference) {
    Bench b(11);
    for (uint32_t n = 0; n < kNodes; ++n)
        ASSERT_TRUE(
            b.setNode(n, Node{static_cast<uint32_t>(b.rng()() & 0xffff), randomPorts(b.rng())}));
    for (uint32_t g = 0; g < kGroups; ++g) {
        const uint32_t base = b.rng()() % kNodes;
        const uint32_t count =
            g % 5 == 0 ? 0 : 1 + b.rng()() % std::min<uint32_t>(4, kNodes - base);
        ASSERT_TRUE(b.setGroup(g, Group{base, count, b.copiesOf(base, count)})) << "group " << g;
    }
    b.idleIn = 0.3;
    b.stallOut = 0.3;
    std::vector<Beat> want;
    const uint32_t tagMask = kTagW >= 32 ? 0xffffffffu : (1u << kTagW) - 1;
    uint32_t noCopy = 0, copies = 0;
    constexpr int kPackets = 3000;
    for (int i = 0; i < kPackets; ++i) {
        uint32_t group = b.rng()() % (kGroups + 4);  // a few past the table
        if (i % 97 == 0) group = 0xffff;
        const uint32_t tag = static_cast<uint32_t>(i) & tagMask;
        b.send(group, tag);
        for (const Beat& x : b.expected(group, tag)) {
            want.push_back(x);
            copies += x.copy;
        }
        noCopy += b.nodeCount(group) == 0;
    }
    b.runUntil(want.size());
    const std::vector<Beat> got = b.outputs();
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) ASSERT_EQ(got[i], want[i]) << "beat " << i;
    EXPECT_GT(b.outStalls, 0u);
    EXPECT_EQ(b.read(regmap::kReplWordPackets), static_cast<uint32_t>(kPackets));
    EXPECT_EQ(b.read(regmap::kReplWordCopies), copies);
    EXPECT_EQ(b.read(regmap::kReplWordNoCopy), noCopy);
}

// Nothing waits: one copy per clock whether the copies come from one node's ports, from one
// port of each of several nodes, or from back-to-back packets of one copy each.
TEST(Replicator, OneCopyPerClock) {
    Bench b(5);
    const uint32_t four = std::min<uint32_t>(4, kPorts);
    const uint32_t allFour = (1u << four) - 1;
    ASSERT_TRUE(b.setNode(0, Node{7, allFour}));  // group 1: one node, four ports
    for (uint32_t i = 0; i < four; ++i)           // group 2: four nodes of one port
        ASSERT_TRUE(b.setNode(1 + i, Node{10 + i, 1u << i}));
    ASSERT_TRUE(b.setGroup(1, Group{0, 1}));
    ASSERT_TRUE(b.setGroup(2, Group{1, four}));
    ASSERT_TRUE(b.setGroup(3, Group{1, 1}));  // group 3: one copy
    for (uint32_t group : {1u, 2u, 3u}) {
        b.out.clear();
        constexpr int kPackets = 200;
        size_t beats = 0;
        for (int i = 0; i < kPackets; ++i) {
            b.send(group, static_cast<uint32_t>(i) & 0x7f);
            beats += b.expected(group, 0).size();
        }
        // Count the cycles from the first beat out to the last.
        uint64_t first = 0, last = 0;
        for (uint64_t c = 0; c < 100000 && b.out.size() < beats; ++c) {
            const size_t before = b.out.size();
            b.tick();
            if (b.out.size() > before) {
                if (before == 0) first = c;
                last = c;
            }
        }
        ASSERT_EQ(b.out.size(), beats) << "group " << group;
        EXPECT_EQ(last - first + 1, beats) << "group " << group << ": a copy every clock";
    }
}

// Direct packets (the traffic manager's unicast) among group packets: each leaves as one copy
// to its port with replication id 0 and copies word 0, in its place among the others, still
// one copy per clock.
TEST(Replicator, DirectPacketsKeepTheirPlace) {
    Bench b(13);
    ASSERT_TRUE(b.setNode(0, Node{5, kPorts > 2 ? 0x6u : 0x1u}));
    ASSERT_TRUE(b.setGroup(1, Group{0, 1, b.copiesOf(0, 1)}));
    std::vector<Beat> want;
    const uint32_t tagMask = kTagW >= 32 ? 0xffffffffu : (1u << kTagW) - 1;
    for (uint32_t i = 0; i < 300; ++i) {
        const uint32_t tag = i & tagMask;
        if (i % 3 == 0) {
            b.send(1, tag);
            for (const Beat& x : b.expected(1, tag)) want.push_back(x);
        } else {
            const uint32_t port = (i * 7) % kPorts;
            b.sendDirect(port, tag);
            want.push_back(Beat{true, true, port, 0, tag, 0});
        }
    }
    uint64_t first = 0, last = 0;
    for (uint64_t c = 0; c < 10000 && b.out.size() < want.size(); ++c) {
        const size_t before = b.out.size();
        b.tick();
        if (b.out.size() > before) {
            if (before == 0) first = c;
            last = c;
        }
    }
    EXPECT_EQ(b.outputs(), want);
    EXPECT_EQ(last - first + 1, want.size()) << "a copy every clock";
}

// A group rewritten while its packets flow, the way the runtime does it (the new list in free
// nodes, then the group's word): every packet gets the old list or the new one, whole, and
// once one got the new list no later packet gets the old.
TEST(Replicator, GroupChangeIsHitless) {
    if (kNodes < 8) GTEST_SKIP() << "needs 8 nodes";
    Bench b(9);
    const uint32_t mask = kPorts == 32 ? 0xffffffffu : (1u << kPorts) - 1;
    ASSERT_TRUE(b.setNode(0, Node{1, 0x5 & mask}));
    ASSERT_TRUE(b.setNode(1, Node{2, 0x3 & mask}));
    ASSERT_TRUE(b.setNode(4, Node{3, 0x6 & mask}));
    ASSERT_TRUE(b.setNode(5, Node{4, 0x1}));
    ASSERT_TRUE(b.setNode(6, Node{5, 0x1}));
    ASSERT_TRUE(b.setGroup(1, Group{0, 2, b.copiesOf(0, 2)}));
    const std::vector<Beat> oldList = b.expected(1, 0);
    b.stallOut = 0.2;
    for (int i = 0; i < 400; ++i) b.send(1, 0);
    for (int i = 0; i < 100; ++i) b.tick();
    // The new list written while packets are in flight and waiting.
    ASSERT_TRUE(b.setGroup(1, Group{4, 3, b.copiesOf(4, 3)}));
    const std::vector<Beat> newList = b.expected(1, 0);
    b.runUntil(0);
    const std::vector<Beat> got = b.outputs();
    size_t at = 0, olds = 0, news = 0;
    while (at < got.size()) {
        const bool isNew = got[at] == newList[0];
        const std::vector<Beat>& l = isNew ? newList : oldList;
        ASSERT_LE(at + l.size(), got.size());
        for (size_t i = 0; i < l.size(); ++i) ASSERT_EQ(got[at + i], l[i]) << "beat " << at + i;
        if (isNew)
            ++news;
        else {
            ASSERT_EQ(news, 0u) << "an old list after a new one";
            ++olds;
        }
        at += l.size();
    }
    EXPECT_EQ(olds + news, 400u);
    EXPECT_GT(olds, 0u);
    EXPECT_GT(news, 0u);
}

// The CSR: INFO, reads back of what was written, every refused command (status 1, the entry
// unchanged), and windows elsewhere left alone.
TEST(Replicator, CommandsAndRefusals) {
    Bench b(3);
    uint32_t nodeBits = 0, groupBits = 0;
    while ((1u << nodeBits) < kNodes) ++nodeBits;
    while ((1u << groupBits) < kGroups) ++groupBits;
    EXPECT_EQ(b.read(regmap::kReplWordInfo), kPorts << 16 | groupBits << 8 | nodeBits);
    const uint32_t top = kPorts == 32 ? 0x80000000u : 1u << (kPorts - 1);
    ASSERT_TRUE(b.setNode(kNodes - 1, Node{0xffff, top | 1}));
    const uint32_t twoPorts = kPorts > 1 ? 2 : 1;
    ASSERT_TRUE(b.setGroup(kGroups - 1, Group{kNodes - 1, 1, twoPorts}));
    ASSERT_TRUE(b.setGroup(0, Group{0, kNodes}));  // the whole node table
    EXPECT_EQ(b.readBack(kNodes - 1, regmap::kReplReadNode), std::make_pair(0xffffu, top | 1));
    EXPECT_EQ(b.readBack(kGroups - 1, regmap::kReplReadGroup),
              std::make_pair(twoPorts << 16 | (kNodes - 1), 1u));
    ASSERT_TRUE(b.setGroup(2, Group{1, 1, 0xffff}));  // copies: 16 bits, whatever the nodes
    EXPECT_EQ(b.readBack(2, regmap::kReplReadGroup), std::make_pair(0xffff0001u, 1u));
    EXPECT_EQ(b.readBack(0, regmap::kReplReadGroup), std::make_pair(0u, kNodes));
    // Refused: past the tables, a list past the node table, a 17-bit rid, a port >= PORTS, an
    // unknown command; each leaves the entry as it was.
    EXPECT_FALSE(b.setNode(kNodes, Node{1, 1}));
    EXPECT_FALSE(b.setGroup(kGroups, Group{0, 1}));
    EXPECT_FALSE(b.setGroup(1, Group{kNodes - 1, 2}));
    EXPECT_FALSE(b.setGroup(1, Group{kNodes, 0}));
    EXPECT_FALSE(b.setGroup(1, Group{0, kNodes + 1}));
    EXPECT_FALSE(b.setNode(kNodes - 1, Node{0x10000, 1}));
    if constexpr (kPorts < 32) {
        EXPECT_FALSE(b.setNode(kNodes - 1, Node{1, uint32_t{1} << (kPorts % 32)}));
    }
    EXPECT_FALSE(b.command(0, 9, 0, 0));
    EXPECT_FALSE(b.command(kNodes, regmap::kReplReadNode, 0, 0));
    EXPECT_EQ(b.readBack(kNodes - 1, regmap::kReplReadNode), std::make_pair(0xffffu, top | 1));
    EXPECT_EQ(b.readBack(1, regmap::kReplReadGroup), std::make_pair(0u, 0u));
    // Another window: nothing changes, nothing answers.
    auto& m = b.sim().model();
    m.csr_wr = 1;
    m.csr_addr = (kBase ^ 0x1000) | 4 * regmap::kReplWordCmd;
    m.csr_wdata = regmap::kReplWriteGroup;
    b.tick();
    m.csr_rd = 1;
    m.csr_addr = kBase ^ 0x1000;
    b.tick();
    EXPECT_EQ(m.csr_rdata, 0u);
    EXPECT_EQ(b.readBack(0, regmap::kReplReadGroup), std::make_pair(0u, kNodes));
    // And the tables still replicate: group kGroups-1 gives ports 0 and PORTS-1 with rid 0xffff
    // (and its copies word).
    b.send(kGroups - 1, 1);
    b.runUntil(kPorts > 1 ? 2 : 1);
    const std::vector<Beat> want = b.expected(kGroups - 1, 1);
    EXPECT_EQ(b.outputs(), want);
}

}  // namespace
