// SPDX-License-Identifier: Apache-2.0
// hop_axis_fifo: every beat comes out once, in order, unchanged, under every mix of idle input
// cycles and output backpressure; `fill` equals the beats inside; one beat per clock when
// nothing stalls; the FIFO fills to DEPTH + 1 and holds its input off when full.
#include <gtest/gtest.h>

#include <deque>
#include <random>

#include VMODEL_HEADER
#include "verilator_util.hpp"

namespace {

using hop::rtltest::AxisBeat;
using hop::rtltest::frameToBeats;
using hop::rtltest::getBytes;
using hop::rtltest::putBytes;
using hop::rtltest::randomFrame;
using hop::rtltest::Sim;

constexpr size_t kLanes = sizeof(VMODEL::s_axis_tdata);
#ifndef FIFO_DEPTH
#define FIFO_DEPTH 16
#endif
constexpr uint64_t kCapacity = FIFO_DEPTH + 1;  // the RAM plus the output register

struct RunResult {
    std::vector<AxisBeat> expected, received;
    uint64_t cycles = 0;
    uint64_t maxFill = 0;
    bool fillMatched = true;
};

RunResult run(double idle, double stall, int frames, uint32_t seed) {
    Sim<VMODEL> sim;
    std::mt19937 rng(seed);
    std::bernoulli_distribution isIdle(idle), isStall(stall);
    std::deque<AxisBeat> toSend;
    for (int i = 0; i < frames; ++i)
        for (auto& b : frameToBeats(randomFrame(rng, 1, 4 * kLanes), kLanes, rng() & 1))
            toSend.push_back(b);
    RunResult out;
    out.expected.assign(toSend.begin(), toSend.end());
    const size_t total = toSend.size();
    uint64_t inside = 0;
    bool valid = false;
    for (size_t guard = total * 50 + 100; guard > 0 && out.received.size() < total; --guard) {
        if (!valid && !toSend.empty() && !isIdle(rng)) valid = true;
        if (valid) {
            const AxisBeat& b = toSend.front();
            putBytes(sim->s_axis_tdata, b.data.data(), kLanes);
            sim->s_axis_tkeep = b.keep;
            sim->s_axis_tlast = b.last;
            sim->s_axis_tuser = b.user;
        }
        sim->s_axis_tvalid = valid;
        sim->m_axis_tready = !isStall(rng);
        sim.settle();
        if (sim->fill != inside) out.fillMatched = false;
        out.maxFill = std::max<uint64_t>(out.maxFill, sim->fill);
        const bool accepted = valid && sim->s_axis_tready;
        if (sim->m_axis_tvalid && sim->m_axis_tready) {
            AxisBeat r;
            r.data.resize(kLanes);
            getBytes(sim->m_axis_tdata, r.data.data(), kLanes);
            r.keep = sim->m_axis_tkeep;
            r.last = sim->m_axis_tlast;
            r.user = sim->m_axis_tuser;
            out.received.push_back(r);
            --inside;
        }
        sim.tick();
        if (accepted) {
            toSend.pop_front();
            valid = false;
            ++inside;
        }
    }
    // Drained: nothing left inside, nothing more comes out.
    sim->m_axis_tready = 1;
    sim->s_axis_tvalid = 0;
    for (int i = 0; i < 4; ++i) sim.tick();
    sim.settle();
    EXPECT_FALSE(sim->m_axis_tvalid);
    EXPECT_EQ(sim->fill, 0u);
    out.cycles = sim.cycles();
    return out;
}

TEST(AxisFifo, EveryMixOfIdleAndBackpressurePreservesTheStream) {
    uint32_t seed = 1;
    for (double idle : {0.0, 0.3, 0.7})
        for (double stall : {0.0, 0.3, 0.7, 0.95}) {
            RunResult r = run(idle, stall, 200, seed++);
            ASSERT_EQ(r.received.size(), r.expected.size())
                << "idle " << idle << " stall " << stall;
            for (size_t i = 0; i < r.expected.size(); ++i)
                ASSERT_EQ(r.received[i], r.expected[i]) << "beat " << i;
            EXPECT_TRUE(r.fillMatched) << "fill differs from the beats inside";
            EXPECT_LE(r.maxFill, kCapacity);
        }
}

TEST(AxisFifo, FillsToCapacityUnderHeavyBackpressure) {
    RunResult r = run(0.0, 0.95, 60, 99);
    EXPECT_EQ(r.maxFill, kCapacity);
}

TEST(AxisFifo, OneBeatPerClockWithoutStalls) {
    Sim<VMODEL> sim;
    sim->m_axis_tready = 1;
    sim->s_axis_tvalid = 1;
    sim->s_axis_tlast = 1;
    int out = 0;
    for (int i = 0; i < 1000; ++i) {
        sim.settle();
        ASSERT_TRUE(sim->s_axis_tready) << "cycle " << i;
        if (sim->m_axis_tvalid) ++out;
        sim.tick();
    }
    // Two cycles of latency, then a beat every clock.
    EXPECT_EQ(out, 1000 - 2);
}

}  // namespace
