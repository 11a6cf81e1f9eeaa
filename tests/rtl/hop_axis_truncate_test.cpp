// SPDX-License-Identifier: Apache-2.0
// hop_axis_truncate: under every mix of idle input cycles and output backpressure, each frame
// leaves with at most its limit of bytes (its tkeep cut on the beat that reaches the limit,
// tlast there, the rest of the frame dropped), whole when `on` is clear or the limit is past
// its end, and not at all for a limit of 0; the port in tuser; one beat per clock when nothing
// stalls. The expected frames are the input frames cut with std::vector, beat by beat from the
// lane convention (byte i of a beat in lane i, tkeep contiguous from lane 0).
#include <gtest/gtest.h>

#include <deque>
#include <random>

#include VMODEL_HEADER
#include "verilator_util.hpp"

namespace {

using hop::rtltest::AxisBeat;
using hop::rtltest::frameToBeats;
using hop::rtltest::getBytesAt;
using hop::rtltest::putBytes;
using hop::rtltest::randomFrame;
using hop::rtltest::Sim;

constexpr size_t kLanes = sizeof(VMODEL::s_axis_tdata);
constexpr unsigned kUserW = 9;

struct Frame {
    std::vector<uint8_t> bytes;
    uint32_t port = 0;
    bool operator==(const Frame&) const = default;
};

struct RunResult {
    std::vector<Frame> expected, received;
    size_t beatsIn = 0;
    uint64_t cycles = 0;
};

RunResult run(double idle, double stall, int frames, uint32_t seed) {
    Sim<VMODEL> sim;
    std::mt19937 rng(seed);
    std::bernoulli_distribution isIdle(idle), isStall(stall);
    RunResult out;
    std::deque<AxisBeat> toSend;
    for (int f = 0; f < frames; ++f) {
        Frame in{randomFrame(rng, 1, 5 * kLanes), static_cast<uint32_t>(rng() % 512)};
        const size_t n = in.bytes.size();
        // Limits around the frame's end and its beat boundaries, 0, and none.
        bool on = rng() % 5 != 0;
        uint32_t limit = 0;
        switch (rng() % 6) {
            case 0:
                limit = 0;
                break;
            case 1:
                limit = static_cast<uint32_t>(n);
                break;
            case 2:
                limit = static_cast<uint32_t>(n + rng() % 100);
                break;
            case 3:
                limit = static_cast<uint32_t>(rng() % (n + 1));
                break;
            case 4:
                limit = static_cast<uint32_t>((rng() % 5 + 1) * kLanes);
                break;
            default:
                limit = static_cast<uint32_t>(rng() % 65536);
                break;
        }
        const uint32_t user = (uint32_t(on) << (kUserW + 16)) | (limit << kUserW) | in.port;
        for (const auto& b : frameToBeats(in.bytes, kLanes, user)) toSend.push_back(b);
        Frame exp = in;
        if (on && limit < n) exp.bytes.resize(limit);
        if (!exp.bytes.empty()) out.expected.push_back(exp);
    }
    const size_t total = toSend.size();
    out.beatsIn = total;
    size_t sent = 0;
    bool valid = false;
    Frame cur;
    auto take = [&]() {
        const uint64_t keep = sim->m_axis_tkeep;
        std::vector<uint8_t> data(kLanes);
        getBytesAt(sim->m_axis_tdata, 0, data.data(), kLanes);
        for (size_t i = 0; i < kLanes; ++i)
            if ((keep >> i) & 1) cur.bytes.push_back(data[i]);
        // Lanes contiguous from lane 0.
        EXPECT_EQ(keep & (keep + 1), 0u) << "tkeep " << keep;
        cur.port = sim->m_axis_tuser;
        if (sim->m_axis_tlast) {
            out.received.push_back(cur);
            cur = Frame{};
        }
    };
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
        const bool ready = !isStall(rng);
        sim->m_axis_tready = ready;
        sim.settle();
        const bool accepted = valid && sim->s_axis_tready;
        if (sim->m_axis_tvalid && ready) take();
        sim.tick();
        if (accepted) {
            toSend.pop_front();
            valid = false;
            ++sent;
        }
    }
    sim->s_axis_tvalid = 0;
    sim.settle();
    EXPECT_EQ(sim->m_axis_tvalid, 0u);
    EXPECT_TRUE(cur.bytes.empty()) << "a frame without its last beat";
    out.cycles = sim.cycles();
    return out;
}

TEST(AxisTruncate, EveryMixOfIdleAndBackpressureCutsFramesAtTheirLimits) {
    uint32_t seed = 1;
    for (double idle : {0.0, 0.3, 0.7})
        for (double stall : {0.0, 0.3, 0.7}) {
            RunResult r = run(idle, stall, 400, seed++);
            ASSERT_EQ(r.received.size(), r.expected.size())
                << "idle " << idle << " stall " << stall;
            for (size_t i = 0; i < r.expected.size(); ++i)
                ASSERT_EQ(r.received[i], r.expected[i]) << "frame " << i;
        }
}

TEST(AxisTruncate, OneBeatPerClockWithoutStalls) {
    RunResult r = run(0.0, 0.0, 400, 9);
    ASSERT_EQ(r.received, r.expected);
    // Every input beat, cut or not, takes one clock (reset and one settle cycle on top).
    EXPECT_LE(r.cycles, r.beatsIn + 4u);
}

}  // namespace
