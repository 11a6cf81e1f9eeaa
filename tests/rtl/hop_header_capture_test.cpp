// SPDX-License-Identifier: Apache-2.0
// hop_header_capture: for every frame the window fires exactly once, in the cycle after the
// beat that completes it (cut-through) or the frame's last beat / the beat that crosses
// MAX_FRAME (store-and-forward), with the frame's first bytes, their count, the first beat's
// tuser, the frame length, the too-long flag and the payload sum a reference model written here
// computes; frame_mid, frame_drop, beat_long and win_fire agree with it every cycle. The input
// stream has random idle cycles (tvalid low, junk on tdata) and backpressure (the admission's
// tready low), so beats arrive with every spacing.
#include <gtest/gtest.h>

#include <bit>
#include <deque>
#include <optional>
#include <random>

#include VMODEL_HEADER
#include "verilator_util.hpp"

namespace {

using hop::rtltest::AxisBeat;
using hop::rtltest::frameToBeats;
using hop::rtltest::getBytes;
using hop::rtltest::putBytes;
using hop::rtltest::Sim;

constexpr size_t kLanes = sizeof(VMODEL::s_axis_tdata);
constexpr size_t kWin = CAP_WIN_BYTES;
constexpr size_t kMaxFrame = CAP_MAX_FRAME;  // 0: cut-through
constexpr bool kPayloadSum = CAP_PAYLOAD_SUM;
constexpr size_t kBeats = (kWin + kLanes - 1) / kLanes;
using Bytes = std::vector<uint8_t>;

uint16_t fold16(uint32_t x) {
    const uint32_t y = (x & 0xffff) + (x >> 16);
    return static_cast<uint16_t>((y & 0xffff) + (y >> 16));
}

struct Window {
    Bytes data;  // the first `len` bytes of the frame
    uint32_t port = 0, plen = 0;
    bool longFrame = false;
    uint16_t psum = 0;
};

// The reference: the frame in progress, beat by beat.
class Model {
  public:
    // A beat is taken; the window it fires, if any.
    std::optional<Window> take(const AxisBeat& b) {
        const size_t n = std::popcount(b.keep);
        if (pos_ == 0 && !dropping_) port_ = b.user;
        std::optional<Window> w;
        if (dropping_) {
            if (b.last) reset();
            return w;
        }
        uint32_t beatSum = 0;
        for (size_t i = 0; i < n; ++i)
            if (pos_ + i >= kWin) beatSum += (i % 2 == 0) ? b.data[i] << 8 : b.data[i];
        psum_ = fold16(psum_ + beatSum);
        const size_t plen = pos_ + n;
        frame_.insert(frame_.end(), b.data.begin(), b.data.begin() + n);
        bool fire;
        bool tooLong = false;
        if (kMaxFrame > 0) {
            tooLong = plen > kMaxFrame;
            fire = b.last || tooLong;
        } else {
            fire = !fired_ && (pos_ / kLanes == kBeats - 1 || b.last);
        }
        if (fire) {
            Window x;
            x.data.assign(frame_.begin(), frame_.begin() + std::min(kWin, plen));
            x.port = port_;
            x.plen = static_cast<uint32_t>(plen);
            x.longFrame = tooLong;
            x.psum = psum_;
            w = x;
            fired_ = true;
        }
        lastBeatLong_ = tooLong;
        pos_ = plen;
        if (b.last)
            reset();
        else if (tooLong)
            dropping_ = true;
        return w;
    }
    bool mid() const { return pos_ != 0 || dropping_; }
    bool dropping() const { return dropping_; }
    bool lastBeatLong() const { return lastBeatLong_; }

  private:
    void reset() {
        pos_ = 0;
        fired_ = false;
        dropping_ = false;
        psum_ = 0;
        frame_.clear();
    }
    size_t pos_ = 0;
    bool fired_ = false, dropping_ = false, lastBeatLong_ = false;
    uint32_t port_ = 0;
    uint16_t psum_ = 0;
    Bytes frame_;
};

Bytes randomBytes(std::mt19937& rng, size_t n) {
    Bytes b(n);
    for (auto& x : b) x = static_cast<uint8_t>(rng());
    return b;
}

// Lengths around the window, the beat and the maximum frame.
size_t pickLength(std::mt19937& rng) {
    const size_t top = kMaxFrame > 0 ? kMaxFrame + 2 * kLanes : kWin + 3 * kLanes;
    const int k = std::uniform_int_distribution<int>(0, 9)(rng);
    if (k == 0) return 1;
    if (k == 1) return kWin + std::uniform_int_distribution<size_t>(0, 2)(rng) - 1;
    if (k == 2 && kMaxFrame > 0)
        return kMaxFrame + std::uniform_int_distribution<size_t>(0, 1)(rng);
    if (k == 3) return kLanes * std::uniform_int_distribution<size_t>(1, top / kLanes)(rng);
    return std::uniform_int_distribution<size_t>(1, top)(rng);
}

struct Totals {
    uint64_t windows = 0, longFrames = 0;
};

// The beats of `in` through the block, every output checked against the model.
Totals drive(std::deque<AxisBeat> in, double idle, double stall, std::mt19937& rng) {
    std::bernoulli_distribution idleD(idle), stallD(stall);
    Sim<VMODEL> sim;
    auto& m = sim.model();
    Model model;
    Totals t;
    bool valid = false;
    while (!in.empty() && !testing::Test::HasFailure()) {
        if (!valid && !idleD(rng)) valid = true;
        AxisBeat b =
            valid ? in.front()
                  : AxisBeat{randomBytes(rng, kLanes), rng(), false, static_cast<uint32_t>(rng())};
        Bytes lanes = b.data;
        for (size_t i = std::popcount(b.keep); valid && i < kLanes; ++i)
            lanes[i] = static_cast<uint8_t>(rng());  // junk past tkeep
        putBytes(m.s_axis_tdata, lanes.data(), kLanes);
        m.s_axis_tkeep = valid ? b.keep : rng();
        m.s_axis_tlast = b.last;
        m.s_axis_tuser = b.user & 511;
        const bool fire = valid && !stallD(rng);
        m.in_fire = fire;
        sim.settle();
        EXPECT_EQ(bool(m.frame_mid), model.mid());
        EXPECT_EQ(bool(m.frame_drop), model.dropping());
        std::optional<Window> w;
        if (fire) {
            const bool wasDropping = model.dropping();
            w = model.take(b);
            if (!wasDropping) {
                EXPECT_EQ(bool(m.beat_long), model.lastBeatLong());
            }
            in.pop_front();
            valid = false;
        }
        EXPECT_EQ(bool(m.win_fire), w.has_value());
        sim.tick();
        if (bool(m.win_valid) != w.has_value()) {
            ADD_FAILURE() << "win_valid " << bool(m.win_valid) << " after window " << t.windows;
            return t;
        }
        if (!w) continue;
        ++t.windows;
        t.longFrames += w->longFrame;
        EXPECT_EQ(m.win_len, w->data.size());
        EXPECT_EQ(m.win_port, w->port);
        Bytes got(kWin), wire(kWin);
        getBytes(m.win_data, got.data(), kWin);
        getBytes(m.win_wire, wire.data(), kWin);
        for (size_t i = 0; i < w->data.size(); ++i) {
            if (got[i] != w->data[i] || wire[kWin - 1 - i] != w->data[i]) {
                ADD_FAILURE() << "window " << t.windows << " byte " << i << ": win_data "
                              << int(got[i]) << ", win_wire " << int(wire[kWin - 1 - i])
                              << ", expected " << int(w->data[i]);
                return t;
            }
        }
        if (kMaxFrame > 0) {
            EXPECT_EQ(m.win_plen, w->plen) << "window " << t.windows;
            EXPECT_EQ(bool(m.win_long), w->longFrame);
        }
        if (kPayloadSum) {
            EXPECT_EQ(m.win_psum, w->psum) << "window " << t.windows;
        }
    }
    return t;
}

Totals run(double idle, double stall, uint32_t seed, int frames) {
    std::mt19937 rng(seed);
    std::deque<AxisBeat> in;
    for (int i = 0; i < frames; ++i) {
        const uint32_t port = std::uniform_int_distribution<uint32_t>(0, 511)(rng);
        for (auto& b :
             frameToBeats(randomBytes(rng, std::max<size_t>(1, pickLength(rng))), kLanes, port))
            in.push_back(std::move(b));
    }
    return drive(std::move(in), idle, stall, rng);
}

// Frames of every length in [from, to], back to back.
Totals runLengths(size_t from, size_t to, uint32_t seed) {
    std::mt19937 rng(seed);
    std::deque<AxisBeat> in;
    for (size_t n = from; n <= to; ++n)
        for (auto& b : frameToBeats(randomBytes(rng, n), kLanes, static_cast<uint32_t>(n % 512)))
            in.push_back(std::move(b));
    return drive(std::move(in), 0.0, 0.0, rng);
}

// The byte counts come from beat counts and the last beat's tkeep (contiguous from lane 0):
// every count of present lanes on a last beat, at every beat before, in and past the window.
TEST(HeaderCapture, EveryContiguousKeepOfALastBeatCountsItsLanes) {
    const size_t to = (kBeats + 2) * kLanes;
    const Totals t = runLengths(1, to, 11);
    ASSERT_FALSE(testing::Test::HasFailure());
    EXPECT_EQ(t.windows, to);
}

// Store-and-forward: a frame of MAX_FRAME bytes passes, one more byte makes it too long, at the
// beat that crosses the limit (whatever lane of that beat the limit falls on).
TEST(HeaderCapture, FramesPastTheMaximumAreLongFromTheBeatThatCrossesIt) {
    if (kMaxFrame == 0) GTEST_SKIP() << "cut-through";
    const size_t from = kMaxFrame - std::min(kMaxFrame - 1, 2 * kLanes),
                 to = kMaxFrame + 2 * kLanes;
    const Totals t = runLengths(from, to, 12);
    ASSERT_FALSE(testing::Test::HasFailure());
    EXPECT_EQ(t.windows, to - from + 1);
    EXPECT_EQ(t.longFrames, to - kMaxFrame);
}

TEST(HeaderCapture, EveryMixOfIdleAndBackpressureMatchesTheModel) {
    Totals all;
    uint32_t seed = 1;
    const int frames = kMaxFrame > 0 ? 60 : 300;
    for (double idle : {0.0, 0.3, 0.7})
        for (double stall : {0.0, 0.3, 0.7}) {
            SCOPED_TRACE(testing::Message() << "idle " << idle << ", backpressure " << stall);
            const Totals t = run(idle, stall, seed++, frames);
            ASSERT_FALSE(testing::Test::HasFailure());
            EXPECT_EQ(t.windows, uint64_t(frames));  // one window per frame
            all.longFrames += t.longFrames;
        }
    if (kMaxFrame > 0) {
        EXPECT_GT(all.longFrames, 20u);
    }
}

}  // namespace
