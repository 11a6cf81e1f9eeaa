// SPDX-License-Identifier: Apache-2.0
// hop_delay: out_data / out_valid are in_data / in_valid from exactly DELAY_CYCLES clocks
// earlier, for random words every clock (register chain and ring alike); reset clears the valid
// bits and only them. Built with DELAY_HOLD (HOLD = 1): out_data is checked while out_valid is
// high, and holds the last valid word while it is low.
#include <gtest/gtest.h>

#include <deque>
#include <random>
#include <vector>

#include VMODEL_HEADER
#include "verilator_util.hpp"

namespace {

using hop::rtltest::getBytes;
using hop::rtltest::putBytes;
using hop::rtltest::Sim;

constexpr size_t kBytes = sizeof(VMODEL::in_data);
constexpr int kCycles = DELAY_CYCLES;
#ifdef DELAY_HOLD
constexpr bool kHold = true;
#else
constexpr bool kHold = false;
#endif

struct Word {
    bool valid = false;
    std::vector<uint8_t> data;
};

// The data the model reads back, masked to W bits (the top word of a VlWide is not full).
std::vector<uint8_t> masked(std::vector<uint8_t> d) {
    const int extra = static_cast<int>(8 * kBytes) - DELAY_W;
    if (extra > 0 && !d.empty()) d.back() &= static_cast<uint8_t>(0xff >> extra);
    return d;
}

TEST(Delay, EveryWordComesOutExactlyCyclesLater) {
    if (kHold) GTEST_SKIP() << "HOLD: words without their valid bit do not come out";
    Sim<VMODEL> sim;
    std::mt19937 rng(7);
    std::deque<Word> sent;  // the word driven at each rising edge, newest last
    // After reset nothing is valid for kCycles clocks, whatever went in before.
    for (int cycle = 0; cycle < 4000; ++cycle) {
        Word w;
        w.valid = rng() % 3 != 0;
        w.data.resize(kBytes);
        for (auto& b : w.data) b = static_cast<uint8_t>(rng());
        w.data = masked(w.data);
        sim->in_valid = w.valid;
        putBytes(sim->in_data, w.data.data(), kBytes);
        sim.tick();
        sent.push_back(w);
        if (sent.size() > static_cast<size_t>(kCycles)) sent.pop_front();
        if (sent.size() == static_cast<size_t>(kCycles)) {
            const Word& expect = sent.front();
            ASSERT_EQ(static_cast<bool>(sim->out_valid), expect.valid) << "cycle " << cycle;
            std::vector<uint8_t> got(kBytes);
            getBytes(sim->out_data, got.data(), kBytes);
            ASSERT_EQ(masked(got), expect.data) << "cycle " << cycle;
        }
    }
}

TEST(Delay, ValidWordsComeOutExactlyCyclesLaterAndHold) {
    if (!kHold) GTEST_SKIP() << "HOLD = 0: every word comes out (the test above)";
    Sim<VMODEL> sim;
    std::mt19937 rng(11);
    std::deque<Word> sent;
    std::vector<uint8_t> last;  // the last valid word out
    int valid_out = 0;
    for (int cycle = 0; cycle < 4000; ++cycle) {
        Word w;
        // Runs of bubbles and of valid words, so that a word is held for several clocks.
        w.valid = (cycle / 7) % 3 != 0 ? rng() % 4 != 0 : rng() % 5 == 0;
        w.data.resize(kBytes);
        for (auto& b : w.data) b = static_cast<uint8_t>(rng());
        w.data = masked(w.data);
        sim->in_valid = w.valid;
        putBytes(sim->in_data, w.data.data(), kBytes);
        sim.tick();
        sent.push_back(w);
        if (sent.size() > static_cast<size_t>(kCycles)) sent.pop_front();
        if (sent.size() < static_cast<size_t>(kCycles)) continue;
        const Word& expect = sent.front();
        ASSERT_EQ(static_cast<bool>(sim->out_valid), expect.valid) << "cycle " << cycle;
        std::vector<uint8_t> got(kBytes);
        getBytes(sim->out_data, got.data(), kBytes);
        got = masked(got);
        if (expect.valid) {
            ASSERT_EQ(got, expect.data) << "cycle " << cycle;
            last = got;
            ++valid_out;
        } else if (!last.empty()) {
            ASSERT_EQ(got, last) << "held word, cycle " << cycle;
        }
    }
    EXPECT_GT(valid_out, 1000);
}

TEST(Delay, ResetClearsTheValidBits) {
    Sim<VMODEL> sim;
    for (int i = 0; i < 2 * kCycles + 2; ++i) {
        sim->in_valid = 1;
        sim.tick();
    }
    EXPECT_TRUE(sim->out_valid);
    sim->rst = 1;
    sim.tick();
    sim->rst = 0;
    EXPECT_FALSE(sim->out_valid);
    // Nothing valid went in after the reset: nothing valid comes out for the whole delay.
    sim->in_valid = 0;
    for (int i = 0; i < kCycles + 2; ++i) {
        sim.tick();
        ASSERT_FALSE(sim->out_valid) << "clock " << i << " after reset";
    }
    // A valid word comes out exactly kCycles clocks after it went in.
    sim->in_valid = 1;
    sim.tick();
    sim->in_valid = 0;
    for (int i = 1; i < kCycles; ++i) {
        ASSERT_FALSE(sim->out_valid) << i;
        sim.tick();
    }
    EXPECT_TRUE(sim->out_valid);
    sim.tick();
    EXPECT_FALSE(sim->out_valid);
}

}  // namespace
