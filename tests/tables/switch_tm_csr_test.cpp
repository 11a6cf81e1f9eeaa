// SPDX-License-Identifier: Apache-2.0
// The switch top's traffic-manager driver (runtime/tables/switch_tm_csr.hpp) on a CSR port that
// records: set_queue_depth writes each priority queue's LIMIT of the port (the CPU port is the
// traffic manager's last), port_pause / port_resume the PAUSE word of every paused port, mc_*
// lines go to the replication engine; a port the switch lacks, a depth past its queues' size
// and a rate are refused with nothing written and the TrafficManager unchanged.
#include "runtime/tables/switch_tm_csr.hpp"

#include <gtest/gtest.h>

#include "regmap/queue_words.hpp"
#include "regmap/replicator_words.hpp"
#include "regmap/tm_words.hpp"
#include "runtime/tables/table_csr.hpp"

namespace hop::tables {
namespace {

namespace rm = hop::regmap;

constexpr uint32_t kBase = 0x1000;
constexpr uint32_t kQueues = kBase + rm::kTmQueuesOffset;
constexpr uint32_t kPause = kBase + rm::kTmOwnOffset + 4 * rm::kTmWordPause;

struct Board {
    SwitchTmGeometry geo{.base = kBase,
                         .ports = 4,
                         .cpuPort = 64,
                         .prios = 2,
                         .queueDepth = 16,
                         .groups = 16,
                         .nodes = 16};
    CsrWrites writes;
    uint32_t tmInfo = 5 | 2 << 8;  // 5 ports (4 and the CPU port), 2 priorities
    SwitchTmCsr csr{geo, port()};
    TrafficManager tm;

    CsrPort port() {
        return {[this](uint32_t addr, std::string&) -> std::optional<uint32_t> {
                    if (addr == kBase + rm::kTmOwnOffset + 4 * rm::kTmWordInfo) return tmInfo;
                    if (addr == kBase + rm::kTmReplicatorOffset + 4 * rm::kReplWordInfo)
                        return 4 | 4 << 8 | 5 << 16;  // 16 nodes, 16 groups, 5 ports
                    return 0;
                },
                [this](uint32_t addr, uint32_t value, std::string&) {
                    writes.push_back({addr, value});
                    return true;
                }};
    }
    std::string run(const std::string& line) {
        writes.clear();
        ParseError pe;
        auto cmd = parseTmCommand(line, {"cmds.txt", 1, 0}, pe);
        if (!cmd) return pe.str();
        std::vector<std::string> out;
        std::string error;
        return csr.run(tm, *cmd, out, error) ? "" : error;
    }
};

CsrWrites limits(uint32_t tmPort, uint32_t limit) {
    CsrWrites w;
    for (uint32_t prio = 0; prio < 2; ++prio) {
        w.push_back({kQueues + 4 * rm::kQueueWordIndex, tmPort * 2 + prio});
        w.push_back({kQueues + 4 * rm::kQueueWordLimit, limit});
    }
    return w;
}

TEST(SwitchTmCsr, QueueDepthWritesEachPriorityQueuesLimit) {
    Board b;
    std::string error;
    EXPECT_TRUE(b.csr.checkInfo(error)) << error;
    EXPECT_EQ(b.run("set_queue_depth 5 2"), "");
    EXPECT_EQ(b.writes, limits(2, 5));
    EXPECT_EQ(b.run("set_queue_depth 7 64"), "");  // the CPU port: the traffic manager's port 4
    EXPECT_EQ(b.writes, limits(4, 7));
    EXPECT_EQ(b.run("set_queue_depth 16"), "");  // every port
    CsrWrites all;
    for (uint32_t p = 0; p < 5; ++p) {
        const CsrWrites one = limits(p, 16);
        all.insert(all.end(), one.begin(), one.end());
    }
    EXPECT_EQ(b.writes, all);
    EXPECT_EQ(b.tm.queueDepth(2, 0), 5u);
    EXPECT_EQ(b.tm.queueDepth(1, 0), 16u);
}

TEST(SwitchTmCsr, PauseWritesThePausedPorts) {
    Board b;
    EXPECT_EQ(b.run("port_pause 3"), "");
    EXPECT_EQ(b.writes, (CsrWrites{{kPause, 1u << 3}}));
    EXPECT_EQ(b.run("port_pause 64"), "");
    EXPECT_EQ(b.writes, (CsrWrites{{kPause, 1u << 3 | 1u << 4}}));
    EXPECT_EQ(b.run("port_resume 3"), "");
    EXPECT_EQ(b.writes, (CsrWrites{{kPause, 1u << 4}}));
    EXPECT_EQ(b.csr.pauseMask(b.tm), 1u << 4);
}

TEST(SwitchTmCsr, RefusalsWriteNothingAndChangeNothing) {
    Board b;
    EXPECT_EQ(b.run("port_pause 5"),
              "port_pause: port 5 is not a port of the switch (0 to 3, and the CPU port 64)");
    EXPECT_EQ(b.run("set_queue_depth 4 9"),
              "set_queue_depth: port 9 is not a port of the switch (0 to 3, and the CPU port 64)");
    EXPECT_EQ(b.run("set_queue_depth 17"),
              "set_queue_depth: the switch's queues hold at most 16 packets (not 17)");
    EXPECT_EQ(b.run("set_queue_rate 100 1"),
              "set_queue_rate: the switch top's queues have no rate limiter yet (issue 16)");
    EXPECT_EQ(b.writes, CsrWrites{});
    EXPECT_TRUE(b.tm.pausedPorts().empty());
    EXPECT_TRUE(b.tm.queueDepths().empty());
    // The replication engine's commands reach it.
    EXPECT_EQ(b.run("mc_mgrp_create 1"), "");
    EXPECT_EQ(b.run("mc_node_create 0 1 2"), "");
    EXPECT_EQ(b.run("mc_node_associate 1 0"), "");
    EXPECT_FALSE(b.writes.empty());
    EXPECT_GE(b.writes.front().addr, kBase + rm::kTmReplicatorOffset);
}

TEST(SwitchTmCsr, InfoOfAnotherSwitchIsRefused) {
    Board b;
    b.tmInfo = 9 | 8 << 8;
    std::string error;
    EXPECT_FALSE(b.csr.checkInfo(error));
    EXPECT_EQ(error,
              "the traffic manager at 0x1000 has 9 ports and 8 priorities; the driver was given 4 "
              "(and the CPU port) and 2");
}

}  // namespace
}  // namespace hop::tables
