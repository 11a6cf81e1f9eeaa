// SPDX-License-Identifier: Apache-2.0
// hop_axis_register: every beat comes out once, in order, unchanged, under every mix of idle
// input cycles and output backpressure; one beat per clock when nothing stalls.
#include <gtest/gtest.h>

#include <deque>
#include <random>

#include VMODEL_HEADER
#include "verilator_util.hpp"

namespace {

using hop::rtltest::getBytes;
using hop::rtltest::putBytes;
using hop::rtltest::Sim;

struct Beat {
    std::vector<uint8_t> data;
    uint64_t keep = 0;
    bool last = false;
    uint32_t user = 0;
    bool operator==(const Beat&) const = default;
};

// One byte lane per tdata byte.
constexpr size_t kLanes = sizeof(VMODEL::s_axis_tdata);

Beat randomBeat(std::mt19937& rng) {
    Beat b;
    b.data.resize(kLanes);
    for (auto& x : b.data) x = static_cast<uint8_t>(rng());
    uint64_t r = (static_cast<uint64_t>(rng()) << 32) | rng();
    b.keep = kLanes >= 64 ? r : (r & ((1ull << kLanes) - 1));
    b.last = rng() & 1;
    b.user = rng() & 1;
    return b;
}

struct RunResult {
    std::vector<Beat> expected, received;
    uint64_t cycles = 0;
};

RunResult run(double idle, double stall, int beats, uint32_t seed) {
    Sim<VMODEL> sim;
    std::mt19937 rng(seed);
    std::bernoulli_distribution isIdle(idle), isStall(stall);
    std::deque<Beat> toSend;
    for (int i = 0; i < beats; ++i) toSend.push_back(randomBeat(rng));
    RunResult out;
    out.expected.assign(toSend.begin(), toSend.end());
    bool valid = false;
    for (int guard = beats * 50 + 100; guard > 0 && out.received.size() < size_t(beats); --guard) {
        // AXI-Stream: once tvalid is up it stays up, with the same beat, until accepted.
        if (!valid && !toSend.empty() && !isIdle(rng)) valid = true;
        if (valid) {
            const Beat& b = toSend.front();
            putBytes(sim->s_axis_tdata, b.data.data(), kLanes);
            sim->s_axis_tkeep = b.keep;
            sim->s_axis_tlast = b.last;
            sim->s_axis_tuser = b.user;
        }
        sim->s_axis_tvalid = valid;
        sim->m_axis_tready = !isStall(rng);
        sim.settle();
        const bool accepted = valid && sim->s_axis_tready;
        if (sim->m_axis_tvalid && sim->m_axis_tready) {
            Beat r;
            r.data.resize(kLanes);
            getBytes(sim->m_axis_tdata, r.data.data(), kLanes);
            r.keep = sim->m_axis_tkeep;
            r.last = sim->m_axis_tlast;
            r.user = sim->m_axis_tuser;
            out.received.push_back(r);
        }
        sim.tick();
        if (accepted) {
            toSend.pop_front();
            valid = false;
        }
    }
    out.cycles = sim.cycles();
    return out;
}

TEST(AxisRegister, EveryMixOfIdleAndBackpressurePreservesTheStream) {
    uint32_t seed = 1;
    for (double idle : {0.0, 0.3, 0.7})
        for (double stall : {0.0, 0.3, 0.7}) {
            RunResult r = run(idle, stall, 400, seed++);
            ASSERT_EQ(r.received.size(), r.expected.size())
                << "idle " << idle << " stall " << stall;
            for (size_t i = 0; i < r.expected.size(); ++i)
                ASSERT_EQ(r.received[i], r.expected[i]) << "beat " << i;
        }
}

TEST(AxisRegister, OneBeatPerClockWithoutStalls) {
    RunResult r = run(0.0, 0.0, 1000, 7);
    ASSERT_EQ(r.received.size(), 1000u);
    // Four reset cycles, one cycle of register latency, then a beat every clock.
    EXPECT_LE(r.cycles, 4u + 1000u + 2u);
}

}  // namespace
