// SPDX-License-Identifier: Apache-2.0
// The replication engine's driver (runtime/tables/replicator_csr) on the Verilated
// hop_replicator (replicator.cmake's models): random BMv2 mc_* lines, parsed and run by
// tables::TrafficManager through the driver into the block's CSR, and packets whose copies
// (port, rid, order) must be TrafficManager::replicate(group) exactly, with each group's copies
// read back from its group word; traffic flowing while groups are rewritten (each packet gets
// some list its group had, whole, and never an older one after a newer); a full node table
// refused with replication unchanged; the block busy after reset refused.
#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <map>
#include <random>
#include <string>
#include <vector>

#include VMODEL_HEADER
#include "compiler/src/regmap/replicator_words.hpp"
#include "runtime/tables/replicator_csr.hpp"
#include "verilator_util.hpp"

namespace hop::tables {
void PrintTo(const Replica& r, std::ostream* os) {
    *os << "{rid " << r.rid << " port " << r.port << "}";
}
void PrintTo(const ReplicatorGroup& g, std::ostream* os) {
    *os << "{base " << g.base << " count " << g.count << " copies " << g.copies << "}";
}
void PrintTo(const ReplicatorNode& n, std::ostream* os) {
    *os << "{rid " << n.rid << " ports 0x" << std::hex << n.ports << std::dec << "}";
}
}  // namespace hop::tables

namespace {

using hop::rtltest::Sim;
using namespace hop::tables;

constexpr uint32_t kPorts = RP_PORTS;
constexpr uint32_t kGroups = RP_GROUPS;
constexpr uint32_t kNodes = RP_NODES;
constexpr uint32_t kTagMask = RP_TAG_W >= 32 ? 0xffffffffu : (1u << RP_TAG_W) - 1;
constexpr uint32_t kBase = RP_BASE;

// One packet as it left: its copies, the tag of its beats and the copies word they carried.
struct Out {
    std::vector<Replica> copies;
    std::vector<uint32_t> tags;
    std::vector<uint32_t> words;
};

// The block with packets offered while the CSR is driven (every CSR access clocks it).
class Bench {
  public:
    explicit Bench(uint32_t seed) : rng_(seed) { idle(); }

    void idle() {
        auto& m = sim_.model();
        m.csr_wr = m.csr_rd = 0;
        m.csr_addr = m.csr_wdata = 0;
    }
    void tick() {
        auto& m = sim_.model();
        const bool offer = !pending_.empty() && !std::bernoulli_distribution(idleIn)(rng_);
        m.in_valid = offer;
        m.in_direct = 0;  // multicast only: the unicast path is not the driver's
        if (offer) {
            m.in_group = pending_.front().first;
            m.in_tag = pending_.front().second;
        }
        m.out_ready = !std::bernoulli_distribution(stallOut)(rng_);
        sim_.settle();
        const bool inFire = offer && m.in_ready;
        if (m.out_valid && m.out_ready) {
            if (!open_) out.emplace_back(), open_ = true;
            if (m.out_copy) {
                out.back().copies.push_back({m.out_rid, m.out_port});
                out.back().tags.push_back(m.out_tag);
            }
            out.back().words.push_back(m.out_copies);
            if (m.out_last) open_ = false;
        }
        sim_.tick();
        if (inFire) pending_.pop_front();
        m.in_valid = 0;
        idle();
    }
    // The CSR bus as the block expects it: a write, an idle cycle; a read three cycles after.
    CsrPort port() {
        return {[this](uint32_t addr, std::string&) -> std::optional<uint32_t> {
                    auto& m = sim_.model();
                    tick();
                    tick();
                    m.csr_rd = 1;
                    m.csr_addr = addr;
                    tick();
                    ++csrReads;
                    return m.csr_rdata;
                },
                [this](uint32_t addr, uint32_t value, std::string&) {
                    auto& m = sim_.model();
                    m.csr_wr = 1;
                    m.csr_addr = addr;
                    m.csr_wdata = value;
                    tick();
                    tick();
                    ++csrWrites;
                    return true;
                }};
    }
    void send(uint32_t group, uint32_t tag) { pending_.push_back({group, tag & kTagMask}); }
    size_t pending() const { return pending_.size(); }
    // Until every packet went in and `packets` packets came out whole (or a limit).
    void runUntil(size_t packets, uint64_t limit = 2000000) {
        for (uint64_t i = 0; i < limit && (!pending_.empty() || out.size() < packets || open_); ++i)
            tick();
        for (int i = 0; i < 20; ++i) tick();  // nothing more may come
    }

    std::mt19937& rng() { return rng_; }
    double idleIn = 0, stallOut = 0;
    std::vector<Out> out;
    uint64_t csrReads = 0, csrWrites = 0;

  private:
    Sim<VMODEL> sim_;
    std::mt19937 rng_;
    std::deque<std::pair<uint32_t, uint32_t>> pending_;
    bool open_ = false;
};

ReplicatorGeometry geometry() { return {kBase, kPorts, kGroups, kNodes}; }

// A random mc_* line: mostly one that fits the state (a node without a group associated to an
// existing group, a node dissociated from its own), sometimes not (unknown handles and groups,
// groups past the block's, ports past its ports); nodes are created faster than destroyed, so
// the node table fills up.
std::string randomLine(std::mt19937& rng, const TrafficManager& tm) {
    auto pick = [&](uint32_t n) { return static_cast<uint32_t>(rng() % n); };
    auto word = [](uint32_t v) { return " " + std::to_string(v); };
    // A few groups (so that they fill up with nodes), now and then one past the block's.
    auto group = [&] {
        return pick(12) == 0 ? kGroups + pick(3) : 1 + pick(std::min<uint32_t>(kGroups - 1, 8));
    };
    // A node (with a group or without, as asked when there is one), or now and then any number.
    auto node = [&](int grouped) -> const std::pair<const int, TrafficManager::Node>* {
        std::vector<const std::pair<const int, TrafficManager::Node>*> fit;
        for (const auto& n : tm.nodes())
            if (grouped < 0 || n.second.group.has_value() == (grouped > 0)) fit.push_back(&n);
        return fit.empty() || pick(10) == 0 ? nullptr
                                            : fit[pick(static_cast<uint32_t>(fit.size()))];
    };
    auto handle = [&](int grouped) {
        auto n = node(grouped);
        return word(n ? static_cast<uint32_t>(n->first) : pick(1000));
    };
    auto ports = [&] {
        std::string s;
        const uint32_t n = 1 + pick(std::min<uint32_t>(kPorts, 5));
        for (uint32_t i = 0; i < n; ++i) s += word(pick(40) == 0 ? kPorts : pick(kPorts));
        return s;
    };
    switch (pick(12)) {
        case 0:
            return "mc_mgrp_create" + word(group());
        case 1:  // rarely: it empties a group at once
            return (pick(4) == 0 ? "mc_mgrp_destroy" : "mc_mgrp_create") + word(group());
        case 2:
        case 3:
        case 4:
            return "mc_node_create" + word(pick(65536)) + ports();
        case 5:
        case 6:
            return "mc_node_update" + handle(-1) + ports();
        case 7:
            return "mc_node_destroy" + handle(-1);
        case 8:
        case 9:
        case 10: {
            // Mostly to a group that exists.
            uint32_t g = group();
            if (!tm.groups().empty() && pick(4) != 0) {
                auto it = tm.groups().begin();
                std::advance(it, pick(static_cast<uint32_t>(tm.groups().size())));
                g = it->first;
            }
            return "mc_node_associate" + word(g) + handle(0);
        }
        default: {
            auto n = node(1);
            if (!n) return "mc_node_dissociate" + word(group()) + handle(-1);
            return "mc_node_dissociate" + word(*n->second.group) + word(n->first);
        }
    }
}

// What the TrafficManager says about every group the block can hold.
std::map<uint32_t, std::vector<Replica>> lists(const TrafficManager& tm) {
    std::map<uint32_t, std::vector<Replica>> m;
    for (uint32_t g = 0; g < kGroups; ++g) m[g] = tm.replicate(g);
    return m;
}

// Every group word and every used node read back from the block equals the driver's view, and
// each group's copies equal the TrafficManager's copies of it.
void expectTablesRead(const ReplicatorCsr& csr, const TrafficManager& tm) {
    std::string error;
    for (uint32_t g = 0; g < kGroups; ++g) {
        auto w = csr.readGroup(g, error);
        ASSERT_TRUE(w) << error;
        EXPECT_EQ(*w, csr.group(g)) << "group " << g;
        EXPECT_EQ(w->copies, tm.replicate(g).size()) << "group " << g;
    }
    for (uint32_t n = 0; n < kNodes; ++n) {
        if (!csr.nodeUsed(n)) continue;
        auto v = csr.readNode(n, error);
        ASSERT_TRUE(v) << error;
        EXPECT_EQ(*v, csr.node(n)) << "node " << n;
    }
}

// Packets for every group (and a few ids past the table) leave as `tm` replicates them.
void expectTraffic(Bench& b, const TrafficManager& tm, int rounds) {
    b.out.clear();
    std::vector<uint32_t> sent;
    for (int r = 0; r < rounds; ++r)
        for (uint32_t g = 0; g < kGroups + 2; ++g) {
            b.send(g, static_cast<uint32_t>(sent.size()));
            sent.push_back(g);
        }
    b.runUntil(sent.size());
    ASSERT_EQ(b.out.size(), sent.size());
    for (size_t i = 0; i < sent.size(); ++i) {
        EXPECT_EQ(b.out[i].copies, tm.replicate(sent[i])) << "packet " << i << " group " << sent[i];
        for (uint32_t t : b.out[i].tags) EXPECT_EQ(t, i & kTagMask) << "packet " << i;
        // The traffic manager's reference count: every beat carries the group's copies.
        for (uint32_t w : b.out[i].words)
            EXPECT_EQ(w, b.out[i].copies.size()) << "packet " << i << " group " << sent[i];
    }
}

TEST(ReplicatorDriver, GeometryAndBusyAfterReset) {
    Bench b(1);
    ReplicatorCsr csr(geometry(), b.port());
    TrafficManager tm;
    std::vector<std::string> out;
    std::string error;
    // Straight after reset the block clears its groups (GROUPS cycles): a command that writes
    // is refused and changes nothing; one that writes nothing is taken.
    ParseError pe;
    for (const char* line : {"mc_mgrp_create 1", "mc_node_create 7 0"})
        ASSERT_TRUE(csr.run(tm, *parseTmCommand(line, {"t", 1, 0}, pe), out, error)) << error;
    EXPECT_FALSE(
        csr.run(tm, *parseTmCommand("mc_node_associate 1 0", {"t", 1, 0}, pe), out, error));
    EXPECT_EQ(error,
              "the replication engine is busy (clearing its groups after a reset); try again");
    EXPECT_TRUE(tm.replicate(1).empty());
    EXPECT_EQ(csr.group(1), ReplicatorGroup{});
    EXPECT_EQ(b.csrWrites, 0u);
    for (uint32_t i = 0; i < kGroups; ++i) b.tick();
    ASSERT_TRUE(csr.checkInfo(error)) << error;
    ASSERT_TRUE(csr.run(tm, *parseTmCommand("mc_node_associate 1 0", {"t", 1, 0}, pe), out, error))
        << error;
    expectTablesRead(csr, tm);
    expectTraffic(b, tm, 2);
    // A driver told another geometry says so.
    ReplicatorCsr wrong({kBase, kPorts, kGroups, kNodes * 2}, b.port());
    EXPECT_FALSE(wrong.checkInfo(error));
    EXPECT_NE(error.find("the driver was given"), std::string::npos) << error;
}

// Random command sequences; after each one the block's tables read back as the driver's view,
// and traffic for every group is the TrafficManager's replication; a refused command (the
// TrafficManager's, or the driver's: a port or group the block lacks, the node table full)
// changes neither.
TEST(ReplicatorDriver, RandomCommandsReplicateAsTheTrafficManager) {
    Bench b(7);
    for (uint32_t i = 0; i < kGroups + 4; ++i) b.tick();
    ReplicatorCsr csr(geometry(), b.port());
    TrafficManager tm;
    b.idleIn = 0.2;
    b.stallOut = 0.3;
    std::map<std::string, int> refusals;
    int taken = 0;
    constexpr int kCommands = 25 * kNodes;  // enough for the node table to fill up
    for (int i = 0; i < kCommands; ++i) {
        const std::string line = randomLine(b.rng(), tm);
        ParseError pe;
        auto cmd = parseTmCommand(line, {"random", i + 1, 0}, pe);
        ASSERT_TRUE(cmd) << pe.str();
        const auto before = lists(tm);
        const auto nodesBefore = tm.nodes().size();
        std::vector<std::string> out;
        std::string error;
        if (csr.run(tm, *cmd, out, error)) {
            ++taken;
        } else {
            const bool past = error.find("is past the replication engine's") != std::string::npos;
            refusals[error.rfind("node table full", 0) == 0                ? "node table full"
                     : past && error.find(" groups ") != std::string::npos ? "group past"
                     : past && error.find(" ports ") != std::string::npos  ? "port past"
                                                                           : "other"]++;
            EXPECT_EQ(lists(tm), before) << line << ": " << error;
            EXPECT_EQ(tm.nodes().size(), nodesBefore) << line;
        }
        if (i % 8 == 0 || error.rfind("node table full", 0) == 0) {
            expectTablesRead(csr, tm);
            expectTraffic(b, tm, 1);
            if (HasFailure()) FAIL() << "after command " << i << ": " << line;
        }
    }
    expectTablesRead(csr, tm);
    expectTraffic(b, tm, 3);
    for (const auto& [what, n] : refusals) std::printf("refused %5d: %s\n", n, what.c_str());
    std::printf("taken %d of %d; CSR writes %llu, reads %llu\n", taken, kCommands,
                static_cast<unsigned long long>(b.csrWrites),
                static_cast<unsigned long long>(b.csrReads));
    EXPECT_GT(taken, kCommands / 3);
    EXPECT_GT(refusals["node table full"], 0);
    EXPECT_GT(refusals["port past"], 0);
    EXPECT_GT(refusals["group past"], 0);
}

// Packets flow while the driver rewrites their groups: each packet's copies are a list its
// group had at some point, whole, and never an older list after a newer one.
TEST(ReplicatorDriver, TrafficWhileGroupsAreRewritten) {
    Bench b(21);
    for (uint32_t i = 0; i < kGroups + 4; ++i) b.tick();
    ReplicatorCsr csr(geometry(), b.port());
    TrafficManager tm;
    constexpr uint32_t kUsed = 3;  // groups 1..3
    std::map<uint32_t, std::vector<std::vector<Replica>>> history;
    auto run = [&](const std::string& line) {
        ParseError pe;
        auto cmd = parseTmCommand(line, {"t", 1, 0}, pe);
        std::vector<std::string> out;
        std::string error;
        const bool ok = cmd && csr.run(tm, *cmd, out, error);
        for (uint32_t g = 1; g <= kUsed; ++g)
            if (history[g].empty() || history[g].back() != tm.replicate(g))
                history[g].push_back(tm.replicate(g));
        return ok;
    };
    for (uint32_t g = 1; g <= kUsed; ++g) ASSERT_TRUE(run("mc_mgrp_create " + std::to_string(g)));
    b.idleIn = 0.1;
    b.stallOut = 0.3;
    std::vector<uint32_t> sent;
    int changes = 0;
    for (int i = 0; i < 400; ++i) {
        // Packets always wait, so every command is written under traffic.
        while (b.pending() < 64) {
            const uint32_t g = 1 + static_cast<uint32_t>(b.rng()() % kUsed);
            b.send(g, static_cast<uint32_t>(sent.size()));
            sent.push_back(g);
        }
        const std::string line = randomLine(b.rng(), tm);
        if (line.find("mc_mgrp_") == 0) continue;  // the groups stay
        changes += run(line);
    }
    b.runUntil(sent.size());
    ASSERT_EQ(b.out.size(), sent.size());
    std::map<uint32_t, size_t> at;  // the oldest version a packet of the group may still get
    std::map<uint32_t, size_t> seen;
    for (size_t i = 0; i < sent.size(); ++i) {
        const auto& versions = history[sent[i]];
        size_t v = at[sent[i]];
        while (v < versions.size() && versions[v] != b.out[i].copies) ++v;
        if (v >= versions.size()) {
            auto str = [](const std::vector<Replica>& l) {
                std::string o;
                for (const Replica& r : l)
                    o += " " + std::to_string(r.rid) + ":" + std::to_string(r.port);
                return o;
            };
            std::printf("got:%s\n", str(b.out[i].copies).c_str());
            for (size_t k = 0; k < versions.size(); ++k)
                std::printf("v%zu%s:%s\n", k, k == at[sent[i]] ? "*" : "",
                            str(versions[k]).c_str());
        }
        ASSERT_LT(v, versions.size()) << "packet " << i << " for group " << sent[i]
                                      << " got a list its group never had (or an older one)";
        for (uint32_t w : b.out[i].words)
            ASSERT_EQ(w, b.out[i].copies.size()) << "packet " << i << ": its copies word";
        at[sent[i]] = v;
        seen[sent[i]] = std::max(seen[sent[i]], v);
    }
    size_t versionsSeen = 0;
    for (const auto& [g, v] : seen) versionsSeen += v;
    std::printf("%d changes; packets saw %zu list changes\n", changes, versionsSeen);
    EXPECT_GT(changes, 50);
    EXPECT_GT(versionsSeen, 30u);
}

// Groups fill the node table; the list that does not fit is refused with the error, and the
// block's tables and its replication stay exactly as they were.
TEST(ReplicatorDriver, FullNodeTableChangesNothing) {
    Bench b(5);
    for (uint32_t i = 0; i < kGroups + 4; ++i) b.tick();
    ReplicatorCsr csr(geometry(), b.port());
    TrafficManager tm;
    std::vector<std::string> out;
    std::string error;
    auto run = [&](const std::string& line) {
        ParseError pe;
        auto cmd = parseTmCommand(line, {"t", 1, 0}, pe);
        EXPECT_TRUE(cmd) << pe.str();
        error.clear();
        return csr.run(tm, *cmd, out, error);
    };
    // Groups of three nodes each until the table refuses one.
    uint32_t g = 1;
    int handle = 0;
    bool full = false;
    for (; g < kGroups && !full; ++g) {
        ASSERT_TRUE(run("mc_mgrp_create " + std::to_string(g))) << error;
        for (int k = 0; k < 3 && !full; ++k) {
            ASSERT_TRUE(run("mc_node_create " + std::to_string(100 + handle) + " " +
                            std::to_string(handle % kPorts) + " " +
                            std::to_string((handle * 3 + 1) % kPorts)))
                << error;
            full = !run("mc_node_associate " + std::to_string(g) + " " + std::to_string(handle));
            ++handle;
        }
    }
    if (!full) GTEST_SKIP() << "the node table holds every group";
    EXPECT_EQ(error.rfind("node table full: multicast group ", 0), 0u) << error;
    EXPECT_EQ(csr.freeNodes(), 0u);
    std::vector<ReplicatorGroup> words;
    for (uint32_t i = 0; i < kGroups; ++i) words.push_back(csr.group(i));
    const auto before = lists(tm);
    // A second refusal of another kind of change: a node update that needs a new run.
    EXPECT_FALSE(run("mc_node_update 0 " + std::to_string(kPorts - 1)));
    EXPECT_EQ(error.rfind("node table full", 0), 0u) << error;
    EXPECT_EQ(lists(tm), before);
    for (uint32_t i = 0; i < kGroups; ++i) EXPECT_EQ(csr.group(i), words[i]) << i;
    b.idleIn = 0.2;
    b.stallOut = 0.2;
    expectTablesRead(csr, tm);
    expectTraffic(b, tm, 3);
    // Room again: one group destroyed (its run held until packets have passed), the refused
    // association now fits.
    ASSERT_TRUE(run("mc_mgrp_destroy 1")) << error;
    expectTraffic(b, tm, 1);
    ASSERT_TRUE(
        run("mc_node_associate " + std::to_string(g - 1) + " " + std::to_string(handle - 1)))
        << error;
    expectTablesRead(csr, tm);
    expectTraffic(b, tm, 2);
}

// A packet held mid-walk by output backpressure while its group moves to a new run: the freed
// run is not given to another group while the block says it drains (the packet may still read
// it), and the held packet gets its old list whole.
TEST(ReplicatorDriver, FreedRunHeldWhileAPacketMayWalkIt) {
    Bench b(3);
    for (uint32_t i = 0; i < kGroups + 4; ++i) b.tick();
    ReplicatorCsr csr(geometry(), b.port());
    TrafficManager tm;
    std::vector<std::string> out;
    std::string error;
    const uint32_t half = kNodes / 2, wide = std::min<uint32_t>(kPorts, 8);
    TmCommand one;
    one.kind = TmCommand::Kind::GroupOf;
    one.group = 1;
    for (uint32_t r = 0; r < half; ++r)
        for (uint32_t p = 0; p < wide; ++p) one.replicas.push_back({r, p});
    ASSERT_TRUE(csr.run(tm, one, out, error)) << error;  // nodes 0 .. half-1
    const std::vector<Replica> oldList = tm.replicate(1);
    b.stallOut = 1.0;
    b.send(1, 0);
    for (int i = 0; i < 50; ++i) b.tick();  // taken; the walk waits on the output
    ParseError pe;
    ASSERT_TRUE(csr.run(
        tm, *parseTmCommand("mc_node_update " + std::to_string(half / 2) + " 0", {"t", 1, 0}, pe),
        out, error))
        << error;  // group 1 to nodes half .. 2*half-1; 0 .. half-1 held
    EXPECT_EQ(csr.group(1).base, half);
    EXPECT_EQ(csr.heldNodes(), half);
    TmCommand two = one;
    two.group = 2;
    for (Replica& r : two.replicas) r.rid += 1000;
    EXPECT_FALSE(csr.run(tm, two, out, error));
    EXPECT_NE(error.find("more were freed by changes that packets may still be reading"),
              std::string::npos)
        << error;
    EXPECT_FALSE(tm.hasGroup(2));
    b.stallOut = 0;
    b.runUntil(1);
    ASSERT_EQ(b.out.size(), 1u);
    EXPECT_EQ(b.out[0].copies, oldList);
    // The packet has read its nodes: the run is free again, with no other packet needed.
    ASSERT_TRUE(csr.run(tm, two, out, error)) << error;
    EXPECT_EQ(csr.group(2).base, 0u);
    expectTablesRead(csr, tm);
    expectTraffic(b, tm, 2);
}

}  // namespace
