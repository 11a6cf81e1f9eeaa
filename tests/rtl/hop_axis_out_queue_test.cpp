// SPDX-License-Identifier: Apache-2.0
// hop_axis_out_queue: under every mix of idle input cycles and output backpressure the output
// is exactly the frames a reference model of the store-and-forward tail drop keeps (whole, in
// order, unchanged), never a partial frame; FILL tracks the RAM, and the CSR counters (packets,
// bytes, drops, high-water mark) agree with the model. The window answers only its own
// addresses and reads 0 elsewhere.
#include <gtest/gtest.h>

#include <bit>
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

#ifndef OQ_DEPTH
#define OQ_DEPTH 16
#endif
#ifndef OQ_BASE
#define OQ_BASE 0
#endif
constexpr uint32_t kDepth = OQ_DEPTH;
constexpr uint32_t kBase = OQ_BASE;
constexpr size_t kLanes = sizeof(VMODEL::s_axis_tdata);

enum Reg : uint32_t {
    kPktsLo = 0x00,
    kPktsHi = 0x04,
    kBytesLo = 0x08,
    kBytesHi = 0x0c,
    kDrops = 0x10,
    kFill = 0x14,
    kHwm = 0x18,
    kDepthReg = 0x1c
};

// One CSR read through the internal bus: strobe, then data the cycle after.
uint32_t csrRead(Sim<VMODEL>& sim, uint32_t addr) {
    sim->csr_rd = 1;
    sim->csr_addr = addr;
    sim.tick();
    sim->csr_rd = 0;
    sim.settle();
    const uint32_t v = sim->csr_rdata;
    sim.tick();  // and back to 0 the cycle after
    sim.settle();
    EXPECT_EQ(sim->csr_rdata, 0u) << "rdata not cleared after a read of " << addr;
    return v;
}

void csrWrite(Sim<VMODEL>& sim, uint32_t addr, uint32_t data) {
    sim->csr_wr = 1;
    sim->csr_addr = addr;
    sim->csr_wdata = data;
    sim.tick();
    sim->csr_wr = 0;
}

// Reference model of the queue's write side. RAM occupancy is what the model has written
// (tentatively) minus what has left the RAM: the beats received plus the one in the output
// register.
struct Model {
    uint64_t written = 0;     // beats in the RAM or gone from it, rewinds undone
    uint64_t frameBeats = 0;  // beats of the frame being written
    bool dropping = false;
    std::vector<AxisBeat> frame;  // the frame being written
    std::vector<AxisBeat> expected;
    uint64_t pkts = 0, bytes = 0, drops = 0, hwm = 0;

    void beat(const AxisBeat& b, uint64_t used) {
        if (dropping) {
            dropping = !b.last;
        } else if (used == kDepth) {
            written -= frameBeats;
            frameBeats = 0;
            frame.clear();
            dropping = !b.last;
            ++drops;
        } else {
            ++written;
            ++frameBeats;
            frame.push_back(b);
            if (b.last) {
                for (auto& x : frame) {
                    expected.push_back(x);
                    bytes += std::popcount(x.keep);
                }
                ++pkts;
                frame.clear();
                frameBeats = 0;
            }
        }
    }
};

struct RunResult {
    Model model;
    std::vector<AxisBeat> received;
    bool fillMatched = true;
    uint64_t cycles = 0;  // until the last beat left
};

RunResult run(double idle, double stall, int frames, size_t maxBytes, uint32_t seed) {
    Sim<VMODEL> sim;
    sim->csr_wr = 0;
    sim->csr_rd = 0;
    std::mt19937 rng(seed);
    std::bernoulli_distribution isIdle(idle), isStall(stall);
    std::deque<AxisBeat> toSend;
    for (int i = 0; i < frames; ++i)
        for (auto& b : frameToBeats(randomFrame(rng, 1, maxBytes), kLanes, rng() & 511))
            toSend.push_back(b);
    RunResult out;
    Model& m = out.model;
    for (size_t guard = toSend.size() * 60 + 100; guard > 0; --guard) {
        // The queue never backpressures: a beat offered is a beat taken.
        const bool valid = !toSend.empty() && !isIdle(rng);
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
        EXPECT_TRUE(sim->s_axis_tready);
        const uint64_t used = m.written - out.received.size() - (sim->m_axis_tvalid ? 1 : 0);
        if (sim->fill != used) out.fillMatched = false;
        m.hwm = std::max(m.hwm, used);
        if (sim->m_axis_tvalid && sim->m_axis_tready) {
            AxisBeat r;
            r.data.resize(kLanes);
            getBytes(sim->m_axis_tdata, r.data.data(), kLanes);
            r.keep = sim->m_axis_tkeep;
            r.last = sim->m_axis_tlast;
            r.user = sim->m_axis_tuser;
            out.received.push_back(r);
        }
        if (valid) {
            m.beat(toSend.front(), used);
            toSend.pop_front();
        }
        sim.tick();
        if (toSend.empty() && out.received.size() == m.expected.size()) break;
    }
    out.cycles = sim.cycles();
    sim->s_axis_tvalid = 0;
    sim->m_axis_tready = 1;
    for (int i = 0; i < 4; ++i) sim.tick();
    sim.settle();
    EXPECT_FALSE(sim->m_axis_tvalid) << "sink not empty";
    EXPECT_EQ(sim->fill, 0u);
    // The counters, through the CSR window.
    EXPECT_EQ(csrRead(sim, kBase + kPktsLo), uint32_t(m.pkts));
    EXPECT_EQ(csrRead(sim, kBase + kPktsHi), uint32_t(m.pkts >> 32));
    EXPECT_EQ(csrRead(sim, kBase + kBytesLo), uint32_t(m.bytes));
    EXPECT_EQ(csrRead(sim, kBase + kBytesHi), uint32_t(m.bytes >> 32));
    EXPECT_EQ(csrRead(sim, kBase + kDrops), uint32_t(m.drops));
    EXPECT_EQ(csrRead(sim, kBase + kFill), 0u);
    EXPECT_EQ(csrRead(sim, kBase + kHwm), uint32_t(m.hwm));
    EXPECT_EQ(csrRead(sim, kBase + kDepthReg), kDepth);
    csrWrite(sim, kBase + kHwm, 0);
    EXPECT_EQ(csrRead(sim, kBase + kHwm), 0u);
    return out;
}

TEST(AxisOutQueue, EveryMixOfIdleAndBackpressureMatchesTheTailDropModel) {
    uint32_t seed = 1;
    uint64_t drops = 0, pkts = 0;
    for (double idle : {0.0, 0.3, 0.7})
        for (double stall : {0.0, 0.3, 0.7, 0.95}) {
            // Frames up to 1.5 x DEPTH beats: some never fit.
            RunResult r = run(idle, stall, 300, kDepth * kLanes * 3 / 2, seed++);
            SCOPED_TRACE(testing::Message() << "idle " << idle << " stall " << stall);
            EXPECT_TRUE(r.fillMatched);
            ASSERT_EQ(r.received.size(), r.model.expected.size());
            for (size_t i = 0; i < r.received.size(); ++i)
                ASSERT_EQ(r.received[i], r.model.expected[i]) << "beat " << i;
            drops += r.model.drops;
            pkts += r.model.pkts;
        }
    EXPECT_GT(drops, 100u);  // the sweep exercises the drop path ...
    EXPECT_GT(pkts, 500u);   // ... and the forwarding path
}

TEST(AxisOutQueue, NoDropsWhenFramesFitAndTheOutputKeepsUp) {
    RunResult r = run(0.0, 0.0, 300, kDepth * kLanes / 2, 42);
    EXPECT_EQ(r.model.drops, 0u);
    EXPECT_EQ(r.received, r.model.expected);
}

TEST(AxisOutQueue, OneBeatFramesBackToBackAtOneBeatPerClock) {
    // Frames of one beat (64-byte frames at DATA_W=512): one in and one out every clock.
    RunResult r = run(0.0, 0.0, 500, kLanes, 8);
    EXPECT_EQ(r.model.drops, 0u);
    EXPECT_EQ(r.received, r.model.expected);
    // Four reset cycles, two of latency (commit, then the RAM read into the output register).
    EXPECT_LE(r.cycles, 4u + 500u + 2u);
}

TEST(AxisOutQueue, WindowAnswersOnlyItsOwnAddresses) {
    Sim<VMODEL> sim;
    sim->csr_wr = 0;
    sim->s_axis_tvalid = 0;
    EXPECT_EQ(csrRead(sim, kBase + kDepthReg), kDepth);
    EXPECT_EQ(csrRead(sim, kBase + 0x20 + kDepthReg), 0u);  // just past the window
    EXPECT_EQ(csrRead(sim, kBase + 0x1000 + kDepthReg), 0u);
    if (kBase != 0) {
        EXPECT_EQ(csrRead(sim, kDepthReg), 0u);
    }
}

}  // namespace
