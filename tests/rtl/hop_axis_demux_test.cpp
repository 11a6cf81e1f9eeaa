// SPDX-License-Identifier: Apache-2.0
// hop_axis_demux: under every mix of idle input cycles and backpressure on each output, every
// frame reaches the port its first beat's tuser names, whole and in order; frames for port 511
// or any port >= PORTS are dropped and counted (also on the CSR bus); one beat per clock when
// nothing stalls.
#include <gtest/gtest.h>

#include <deque>
#include <random>

#include VMODEL_HEADER
#include "verilator_util.hpp"

namespace {

using hop::rtltest::AxisBeat;
using hop::rtltest::frameToBeats;
using hop::rtltest::getBytesAt;
using hop::rtltest::getField;
using hop::rtltest::putBytes;
using hop::rtltest::randomFrame;
using hop::rtltest::Sim;

#ifndef DEMUX_PORTS
#define DEMUX_PORTS 4
#endif
#ifndef DEMUX_BASE
#define DEMUX_BASE 0
#endif
constexpr uint32_t kBase = DEMUX_BASE;
constexpr int kPorts = DEMUX_PORTS;
constexpr size_t kLanes = sizeof(VMODEL::s_axis_tdata);
constexpr unsigned kUserW = 9;

// One CSR read through the internal bus: strobe, then data the cycle after.
uint32_t csrRead(Sim<VMODEL>& sim, uint32_t addr) {
    sim->csr_rd = 1;
    sim->csr_addr = addr;
    sim.tick();
    sim->csr_rd = 0;
    sim.settle();
    return sim->csr_rdata;
}

struct RunResult {
    std::vector<std::vector<AxisBeat>> expected, received;
    uint32_t expectedDrops = 0, drops = 0, csrDrops = 0;
    size_t beatsIn = 0, beatsExpected = 0, beatsOut = 0;
    uint64_t cycles = 0;
};

RunResult run(double idle, double stall, int frames, size_t maxBeats, double dropShare,
              uint32_t seed) {
    Sim<VMODEL> sim;
    sim->csr_wr = 0;
    sim->csr_rd = 0;
    std::mt19937 rng(seed);
    std::bernoulli_distribution isIdle(idle), isStall(stall), isDrop(dropShare);
    std::uniform_int_distribution<int> anyPort(0, kPorts - 1);
    RunResult out;
    out.expected.resize(kPorts);
    out.received.resize(kPorts);
    std::deque<AxisBeat> toSend;
    for (int f = 0; f < frames; ++f) {
        uint32_t egress = anyPort(rng);
        if (isDrop(rng)) egress = (rng() & 1) ? 511 : kPorts + rng() % 3;
        auto beats = frameToBeats(randomFrame(rng, 1, maxBeats * kLanes), kLanes, egress);
        // Only the first beat's tuser counts: scribble on the rest.
        for (size_t i = 1; i < beats.size(); ++i) beats[i].user = rng() & 511;
        for (auto& b : beats) {
            toSend.push_back(b);
            if (egress < uint32_t(kPorts)) {
                b.user = egress;
                out.expected[egress].push_back(b);
                ++out.beatsExpected;
            }
        }
        if (egress >= uint32_t(kPorts)) ++out.expectedDrops;
    }
    const size_t total = toSend.size();
    out.beatsIn = total;
    size_t sent = 0;
    bool valid = false;
    for (size_t guard = total * 60 + 100; guard > 0 && sent < total; --guard) {
        if (!valid && !toSend.empty() && !isIdle(rng)) valid = true;
        if (valid) {
            const AxisBeat& b = toSend.front();
            putBytes(sim->s_axis_tdata, b.data.data(), kLanes);
            sim->s_axis_tkeep = b.keep;
            sim->s_axis_tlast = b.last;
            sim->s_axis_tuser = b.user;
        }
        sim->s_axis_tvalid = valid;
        uint32_t ready = 0;
        for (int p = 0; p < kPorts; ++p)
            if (!isStall(rng)) ready |= 1u << p;
        sim->m_axis_tready = ready;
        sim.settle();
        const bool accepted = valid && sim->s_axis_tready;
        int validPorts = 0;
        for (int p = 0; p < kPorts; ++p) {
            if (!getField(sim->m_axis_tvalid, p, 1)) continue;
            ++validPorts;
            if (!((ready >> p) & 1)) continue;
            AxisBeat r;
            r.data.resize(kLanes);
            getBytesAt(sim->m_axis_tdata, p * kLanes, r.data.data(), kLanes);
            r.keep = getField(sim->m_axis_tkeep, p * kLanes, kLanes);
            r.last = getField(sim->m_axis_tlast, p, 1);
            r.user = getField(sim->m_axis_tuser, p * kUserW, kUserW);
            out.received[p].push_back(r);
            ++out.beatsOut;
        }
        EXPECT_LE(validPorts, 1);
        sim.tick();
        if (accepted) {
            toSend.pop_front();
            valid = false;
            ++sent;
        }
    }
    sim->s_axis_tvalid = 0;
    sim->m_axis_tready = (1u << kPorts) - 1;
    for (int i = 0; i < 4; ++i) {
        sim.settle();
        for (int p = 0; p < kPorts; ++p) {
            if (!getField(sim->m_axis_tvalid, p, 1)) continue;
            AxisBeat r;
            r.data.resize(kLanes);
            getBytesAt(sim->m_axis_tdata, p * kLanes, r.data.data(), kLanes);
            r.keep = getField(sim->m_axis_tkeep, p * kLanes, kLanes);
            r.last = getField(sim->m_axis_tlast, p, 1);
            r.user = getField(sim->m_axis_tuser, p * kUserW, kUserW);
            out.received[p].push_back(r);
            ++out.beatsOut;
        }
        sim.tick();
    }
    sim.settle();
    EXPECT_EQ(sim->m_axis_tvalid, 0u) << "sinks not empty";
    out.drops = sim->drop_frames;
    out.cycles = sim.cycles();
    out.csrDrops = csrRead(sim, kBase + 0x0);
    EXPECT_EQ(csrRead(sim, kBase + 0x4), uint32_t(kPorts));
    EXPECT_EQ(csrRead(sim, kBase + 0x8), 0u);  // past the window
    EXPECT_EQ(csrRead(sim, kBase + 0x1000), 0u);
    return out;
}

TEST(AxisDemux, EveryMixOfIdleAndBackpressureRoutesAndDropsWholeFrames) {
    uint32_t seed = 1;
    for (double idle : {0.0, 0.3, 0.7})
        for (double stall : {0.0, 0.3, 0.7}) {
            RunResult r = run(idle, stall, 300, 4, 0.2, seed++);
            ASSERT_EQ(r.beatsOut, r.beatsExpected) << "idle " << idle << " stall " << stall;
            for (int p = 0; p < kPorts; ++p)
                ASSERT_EQ(r.received[p], r.expected[p]) << "port " << p;
            EXPECT_EQ(r.drops, r.expectedDrops);
            EXPECT_EQ(r.csrDrops, r.expectedDrops);
        }
}

TEST(AxisDemux, OneBeatPerClockWithoutStalls) {
    RunResult r = run(0.0, 0.0, 300, 2, 0.1, 5);
    ASSERT_EQ(r.beatsOut, r.beatsExpected);
    EXPECT_GT(r.expectedDrops, 0u);
    // Every input beat, dropped or not, takes one clock: reset, one cycle of latency and the
    // four drain cycles on top.
    EXPECT_LE(r.cycles, 4u + r.beatsIn + 1u + 4u);
}

}  // namespace
