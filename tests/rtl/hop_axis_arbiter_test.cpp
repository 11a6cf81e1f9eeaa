// SPDX-License-Identifier: Apache-2.0
// hop_axis_arbiter: under every mix of idle input cycles and output backpressure each port's
// frames come out whole (never interleaved), in order, tagged with the port index; with every
// port busy the grant rotates frame by frame and the output moves one beat per clock.
#include <gtest/gtest.h>

#include <deque>
#include <random>

#include VMODEL_HEADER
#include "verilator_util.hpp"

namespace {

using hop::rtltest::AxisBeat;
using hop::rtltest::frameToBeats;
using hop::rtltest::getBytes;
using hop::rtltest::getField;
using hop::rtltest::putBytesAt;
using hop::rtltest::putField;
using hop::rtltest::randomFrame;
using hop::rtltest::Sim;

#ifndef ARB_PORTS
#define ARB_PORTS 4
#endif
constexpr int kPorts = ARB_PORTS;
constexpr size_t kLanes = sizeof(VMODEL::m_axis_tdata);

struct Port {
    std::deque<AxisBeat> toSend;
    bool valid = false;
};

struct RunResult {
    std::vector<std::vector<AxisBeat>> expected, received;  // per port
    std::vector<int> frameOrder;                            // port of each output frame
    size_t beatsOut = 0, totalBeats = 0;
    uint64_t cycles = 0;
    bool interleaved = false;
};

// Frames of 1 .. maxBeats beats per port; `idle` is the chance a source holds back a beat.
RunResult run(double idle, double stall, int framesPerPort, size_t maxBeats, uint32_t seed) {
    Sim<VMODEL> sim;
    std::mt19937 rng(seed);
    std::bernoulli_distribution isIdle(idle), isStall(stall);
    std::vector<Port> ports(kPorts);
    RunResult out;
    out.expected.resize(kPorts);
    out.received.resize(kPorts);
    for (int p = 0; p < kPorts; ++p)
        for (int f = 0; f < framesPerPort; ++f)
            for (auto& b : frameToBeats(randomFrame(rng, 1, maxBeats * kLanes), kLanes, p)) {
                ports[p].toSend.push_back(b);
                out.expected[p].push_back(b);
                ++out.totalBeats;
            }
    int currentPort = -1;  // port of the frame being received, -1 between frames
    for (size_t guard = out.totalBeats * 60 + 100; guard > 0 && out.beatsOut < out.totalBeats;
         --guard) {
        for (int p = 0; p < kPorts; ++p) {
            Port& port = ports[p];
            if (!port.valid && !port.toSend.empty() && !isIdle(rng)) port.valid = true;
            if (port.valid) {
                const AxisBeat& b = port.toSend.front();
                putBytesAt(sim->s_axis_tdata, p * kLanes, b.data.data(), kLanes);
                putField(sim->s_axis_tkeep, p * kLanes, kLanes, b.keep);
                putField(sim->s_axis_tlast, p, 1, b.last);
            }
            putField(sim->s_axis_tvalid, p, 1, port.valid);
        }
        sim->m_axis_tready = !isStall(rng);
        sim.settle();
        std::vector<bool> accepted(kPorts);
        for (int p = 0; p < kPorts; ++p)
            accepted[p] = ports[p].valid && getField(sim->s_axis_tready, p, 1);
        if (sim->m_axis_tvalid && sim->m_axis_tready) {
            AxisBeat r;
            r.data.resize(kLanes);
            getBytes(sim->m_axis_tdata, r.data.data(), kLanes);
            r.keep = sim->m_axis_tkeep;
            r.last = sim->m_axis_tlast;
            r.user = sim->m_axis_tuser;
            const int p = static_cast<int>(r.user);
            EXPECT_LT(p, kPorts);
            if (p >= kPorts) break;
            if (currentPort == -1) {
                currentPort = p;
                out.frameOrder.push_back(p);
            } else if (currentPort != p) {
                out.interleaved = true;
            }
            if (r.last) currentPort = -1;
            out.received[p].push_back(r);
            ++out.beatsOut;
        }
        sim.tick();
        for (int p = 0; p < kPorts; ++p)
            if (accepted[p]) {
                ports[p].toSend.pop_front();
                ports[p].valid = false;
            }
    }
    sim->m_axis_tready = 1;
    sim->s_axis_tvalid = 0;
    for (int i = 0; i < 4; ++i) sim.tick();
    sim.settle();
    EXPECT_FALSE(sim->m_axis_tvalid) << "a beat nobody sent";
    out.cycles = sim.cycles();
    return out;
}

TEST(AxisArbiter, EveryMixOfIdleAndBackpressureKeepsFramesWholeAndInOrder) {
    uint32_t seed = 1;
    for (double idle : {0.0, 0.3, 0.7, 0.95})
        for (double stall : {0.0, 0.3, 0.7}) {
            RunResult r = run(idle, stall, 100, 4, seed++);
            EXPECT_FALSE(r.interleaved) << "idle " << idle << " stall " << stall;
            ASSERT_EQ(r.beatsOut, r.totalBeats) << "idle " << idle << " stall " << stall;
            for (int p = 0; p < kPorts; ++p)
                ASSERT_EQ(r.received[p], r.expected[p]) << "port " << p;
        }
}

TEST(AxisArbiter, BusyPortsRotateFrameByFrameAtOneBeatPerClock) {
    for (size_t maxBeats : {1, 3}) {
        RunResult r = run(0.0, 0.0, 50, maxBeats, 77);
        ASSERT_EQ(r.beatsOut, r.totalBeats);
        EXPECT_FALSE(r.interleaved);
        ASSERT_EQ(r.frameOrder.size(), size_t(50 * kPorts));
        for (size_t i = 0; i < r.frameOrder.size(); ++i)
            ASSERT_EQ(r.frameOrder[i], int(i % kPorts)) << "frame " << i;
        // Four reset cycles, one cycle of register latency, then a beat every clock.
        EXPECT_LE(r.cycles, 4u + r.totalBeats + 1u + 4u) << "max beats " << maxBeats;
    }
}

}  // namespace
