// SPDX-License-Identifier: Apache-2.0
// hop_tm_direct: random decisions and frames, sent on their two streams independently (a frame
// before, with or after its decision) with idle cycles, and backpressure on both outputs. Every
// decision with egress_spec 511 and mcast_grp 0 is dropped with its frame and counted; every
// other one leaves in order with egress_port = egress_spec, the other standard_metadata fields
// 0 and its bundle unchanged, and its frame leaves whole, in order, never before its decision.
// With no stall, a frame of one beat passes every clock.
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

constexpr size_t kLanes = sizeof(VMODEL::s_frame_tdata);
constexpr int kBundleW = TM_BUNDLE_W;

struct Decision {
    uint32_t bundle = 0;
    uint32_t spec = 0, mcast = 0, prio = 0;
    bool drop() const { return spec == 511 && mcast == 0; }
};

struct Result {
    std::vector<Decision> sent, out;
    std::vector<std::vector<uint8_t>> frames, framesOut;
    uint32_t strobes = 0, counted = 0;
    bool orderOk = true;
    std::string orderError;
};

Result run(int n, double idle, double stall, uint32_t seed) {
    Sim<VMODEL> sim;
    std::mt19937 rng(seed);
    std::bernoulli_distribution isIdle(idle), isStall(stall), coin(0.5);
    Result r;
    std::deque<Decision> decs;
    std::deque<AxisBeat> beats;
    for (int i = 0; i < n; ++i) {
        Decision d;
        d.bundle = rng() & ((1u << kBundleW) - 1);
        const uint32_t specs[] = {1, 2, 511, 7, 511, 300};
        d.spec = specs[rng() % 6];
        d.mcast = rng() % 4 == 0 ? 1 + rng() % 100 : 0;  // a group is not replicated: unicast
        d.prio = rng() & 7;
        r.sent.push_back(d);
        decs.push_back(d);
        r.frames.push_back(randomFrame(rng, 1, 3 * kLanes + 5));
        for (auto& b : frameToBeats(r.frames.back(), kLanes)) beats.push_back(b);
    }
    bool decValid = false, frameValid = false;
    std::vector<uint8_t> cur;
    // How many decisions went out, and how many of their frames are complete: a beat leaves
    // only when its decision did.
    size_t decsOut = 0, framesDone = 0;
    size_t keptFrames = 0;
    for (const auto& d : r.sent) keptFrames += !d.drop();
    for (int guard = n * 200 + 1000; guard > 0; --guard) {
        if (!decValid && !decs.empty() && !isIdle(rng)) decValid = true;
        if (!frameValid && !beats.empty() && !isIdle(rng)) frameValid = true;
        sim->s_dec_valid = decValid;
        if (decValid) {
            const Decision& d = decs.front();
            sim->s_dec_bundle = d.bundle;
            sim->s_dec_egress_spec = d.spec;
            sim->s_dec_mcast_grp = d.mcast;
            sim->s_dec_priority = d.prio;
        }
        sim->s_frame_tvalid = frameValid;
        if (frameValid) {
            const AxisBeat& b = beats.front();
            putBytes(sim->s_frame_tdata, b.data.data(), kLanes);
            sim->s_frame_tkeep = b.keep;
            sim->s_frame_tlast = b.last;
        }
        const bool decReady = !isStall(rng), frameReady = !isStall(rng);
        sim->m_dec_ready = decReady;
        sim->m_frame_tready = frameReady;
        sim.settle();
        const bool decIn = decValid && sim->s_dec_ready;
        const bool frameIn = frameValid && sim->s_frame_tready;
        if (sim->m_dec_valid && decReady) {
            Decision d;
            d.bundle = sim->m_dec_bundle;
            d.spec = sim->m_dec_egress_port;
            r.out.push_back(d);
            EXPECT_EQ(sim->m_dec_egress_rid, 0u);
            EXPECT_EQ(sim->m_dec_instance_type, 0u);
            EXPECT_EQ(sim->m_dec_enq_timestamp, 0u);
            EXPECT_EQ(sim->m_dec_enq_qdepth, 0u);
            EXPECT_EQ(sim->m_dec_deq_timedelta, 0u);
            EXPECT_EQ(sim->m_dec_deq_qdepth, 0u);
            ++decsOut;
        }
        if (sim->m_frame_tvalid && frameReady) {
            if (decsOut < framesDone + 1 && r.orderOk) {
                r.orderOk = false;
                r.orderError = "a frame's beat left before its decision";
            }
            uint8_t bytes[64];
            getBytes(sim->m_frame_tdata, bytes, kLanes);
            for (size_t i = 0; i < kLanes; ++i)
                if ((static_cast<uint64_t>(sim->m_frame_tkeep) >> i) & 1) cur.push_back(bytes[i]);
            if (sim->m_frame_tlast) {
                r.framesOut.push_back(std::move(cur));
                cur.clear();
                ++framesDone;
            }
        }
        r.strobes += sim->pkt_dropped;
        sim.tick();
        if (decIn) {
            decs.pop_front();
            decValid = false;
        }
        if (frameIn) {
            beats.pop_front();
            frameValid = false;
        }
        if (decs.empty() && beats.empty() && framesDone == keptFrames) {
            for (int i = 0; i < 8; ++i) {
                r.strobes += sim->pkt_dropped;
                sim.tick();
            }
            break;
        }
    }
    r.counted = sim->dropped;
    EXPECT_FALSE(sim->m_dec_valid) << "a decision left over";
    EXPECT_FALSE(sim->m_frame_tvalid) << "a beat left over";
    return r;
}

void check(const Result& r) {
    ASSERT_TRUE(r.orderOk) << r.orderError;
    std::vector<Decision> kept;
    std::vector<std::vector<uint8_t>> keptFrames;
    uint32_t drops = 0;
    for (size_t i = 0; i < r.sent.size(); ++i) {
        if (r.sent[i].drop()) {
            ++drops;
            continue;
        }
        kept.push_back(r.sent[i]);
        keptFrames.push_back(r.frames[i]);
    }
    EXPECT_GT(drops, 0u);
    ASSERT_EQ(r.out.size(), kept.size());
    for (size_t i = 0; i < kept.size(); ++i) {
        EXPECT_EQ(r.out[i].bundle, kept[i].bundle) << "decision " << i;
        EXPECT_EQ(r.out[i].spec, kept[i].spec) << "decision " << i << ": egress_port";
    }
    ASSERT_EQ(r.framesOut.size(), keptFrames.size());
    for (size_t i = 0; i < keptFrames.size(); ++i)
        EXPECT_EQ(r.framesOut[i], keptFrames[i]) << "frame " << i;
    EXPECT_EQ(r.strobes, drops) << "pkt_dropped strobes";
    EXPECT_EQ(r.counted, drops) << "the dropped counter";
}

TEST(HopTmDirect, NoStalls) { check(run(300, 0, 0, 1)); }

TEST(HopTmDirect, IdleInputsAndBackpressure) {
    for (uint32_t seed = 2; seed < 6; ++seed) check(run(300, 0.4, 0.4, seed));
}

TEST(HopTmDirect, HeavyBackpressure) { check(run(200, 0.1, 0.8, 7)); }

// One-beat frames back to back, every decision kept, no stall: one frame per clock.
TEST(HopTmDirect, OneFramePerClock) {
    Sim<VMODEL> sim;
    constexpr int kFrames = 200;
    int in = 0, decIn = 0, out = 0;
    uint64_t first = 0, last = 0;
    for (int c = 0; c < 10 * kFrames && out < kFrames; ++c) {
        sim->s_dec_valid = decIn < kFrames;
        sim->s_dec_bundle = decIn & ((1u << kBundleW) - 1);
        sim->s_dec_egress_spec = 1;
        sim->s_dec_mcast_grp = 0;
        sim->s_frame_tvalid = in < kFrames;
        const uint8_t b[8] = {static_cast<uint8_t>(in)};
        putBytes(sim->s_frame_tdata, b, kLanes);
        sim->s_frame_tkeep = 1;
        sim->s_frame_tlast = 1;
        sim->m_dec_ready = 1;
        sim->m_frame_tready = 1;
        sim.settle();
        const bool din = sim->s_dec_valid && sim->s_dec_ready;
        const bool fin = sim->s_frame_tvalid && sim->s_frame_tready;
        if (sim->m_frame_tvalid) {
            uint8_t got[8];
            getBytes(sim->m_frame_tdata, got, kLanes);
            EXPECT_EQ(got[0], static_cast<uint8_t>(out));
            if (out == 0) first = sim.cycles();
            last = sim.cycles();
            ++out;
        }
        sim.tick();
        decIn += din;
        in += fin;
    }
    ASSERT_EQ(out, kFrames);
    EXPECT_EQ(last - first, static_cast<uint64_t>(kFrames - 1)) << "not one frame per clock";
}

}  // namespace
