// SPDX-License-Identifier: Apache-2.0
// hop_lpm_ram: a dual-port RAM of exactly DEPTH words. Against an array in the test, for random
// traffic on both ports every clock: port A returns the word as it was before the clock (a read
// during a port-B write to the same word gets the old word, never a mix), and holds its read data
// in a cycle without a_en; port B is no-change
// (the port UltraRAM has): it returns the word when it reads (b_re) without writing, and its
// read data holds in every other cycle, a write included; writes land, and writes to addresses
// from DEPTH up to 2^AW - 1 change no word.
#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <vector>

#include VMODEL_HEADER
#include "verilator_util.hpp"

namespace {

using hop::rtltest::getBytes;
using hop::rtltest::putBytes;

constexpr int kDepth = RAM_DEPTH;
constexpr int kWidth = RAM_W;
constexpr int kAw = RAM_AW;
constexpr size_t kBytes = (kWidth + 7) / 8;

using Word = std::vector<uint8_t>;

Word randomWord(std::mt19937& rng) {
    Word w(kBytes);
    for (auto& b : w) b = static_cast<uint8_t>(rng());
    if (kWidth % 8) w.back() &= static_cast<uint8_t>((1u << (kWidth % 8)) - 1);
    return w;
}

TEST(LpmRam, BothPortsReadTheWordBeforeTheClockAndWritesBeyondDepthAreIgnored) {
    auto ctx = std::make_unique<VerilatedContext>();
    auto m = std::make_unique<VMODEL>(ctx.get());
    std::mt19937 rng(kDepth);
    std::vector<Word> ref(kDepth);
    auto tick = [&] {
        m->clk = 1;
        m->eval();
        m->clk = 0;
        m->eval();
    };
    // Fill every word first (the RAM starts undefined), through port B.
    m->clk = 0;
    m->eval();  // the first eval() sees clk low, so the first tick is a rising edge
    m->b_we = 1;
    m->b_re = 0;
    m->a_en = 1;
    for (int a = 0; a < kDepth; ++a) {
        ref[a] = randomWord(rng);
        m->b_addr = a;
        putBytes(m->b_wdata, ref[a].data(), kBytes);
        tick();
    }
    int beyond = 0, portBReads = 0;
    Word lastB(kBytes);
    bool lastBKnown = false;  // b_rdata holds the last word port B read
    for (int cycle = 0; cycle < 20000; ++cycle) {
        const int aAddr = static_cast<int>(rng() % kDepth);
        // Mostly in range; a share of writes above DEPTH where 2^AW leaves room.
        const bool high = (1 << kAw) > kDepth && rng() % 8 == 0;
        const int bAddr = high ? kDepth + static_cast<int>(rng() % ((1 << kAw) - kDepth))
                               : (rng() % 4 == 0 ? aAddr : static_cast<int>(rng() % kDepth));
        const bool we = rng() % 2;
        const bool re = rng() % 2;
        const Word wdata = randomWord(rng);
        m->a_addr = aAddr;
        m->b_addr = bAddr;
        m->b_we = we;
        m->b_re = re;
        putBytes(m->b_wdata, wdata.data(), kBytes);
        tick();
        Word a(kBytes), b(kBytes);
        getBytes(m->a_rdata, a.data(), kBytes);
        ASSERT_EQ(a, ref[aAddr]) << "port A, cycle " << cycle << ", address " << aAddr;
        // Port B is no-change (see hop_lpm_ram.sv): a read in a cycle without a write returns
        // the word; in every other cycle, a write included, the read data holds.
        getBytes(m->b_rdata, b.data(), kBytes);
        if (re && !we && bAddr < kDepth) {
            ASSERT_EQ(b, ref[bAddr]) << "port B, cycle " << cycle << ", address " << bAddr;
            lastB = b;
            lastBKnown = true;
            ++portBReads;
        } else if (re && !we) {
            lastBKnown = false;  // a read beyond DEPTH returns an unspecified word
        } else if (lastBKnown) {
            ASSERT_EQ(b, lastB) << "port B holds, cycle " << cycle << ", write " << we;
        }
        if (we && bAddr < kDepth) ref[bAddr] = wdata;
        beyond += we && bAddr >= kDepth;
    }
    // Every word once more, through port A, after all the traffic.
    m->b_we = 0;
    for (int a = 0; a < kDepth; ++a) {
        m->a_addr = a;
        tick();
        Word got(kBytes);
        getBytes(m->a_rdata, got.data(), kBytes);
        ASSERT_EQ(got, ref[a]) << "address " << a;
    }
    if ((1 << kAw) > kDepth) EXPECT_GT(beyond, 100);
    EXPECT_GT(portBReads, 3000);
    // Without a_en port A reads nothing: its data stays the last word read, whatever the address
    // and port B do (writes to that very word included); the next read with a_en sees them.
    m->a_addr = 0;
    tick();
    Word held(kBytes);
    getBytes(m->a_rdata, held.data(), kBytes);
    ASSERT_EQ(held, ref[0]);
    m->a_en = 0;
    for (int cycle = 0; cycle < 2000; ++cycle) {
        const int bAddr = rng() % 2 ? 0 : static_cast<int>(rng() % kDepth);
        const Word wdata = randomWord(rng);
        m->a_addr = static_cast<int>(rng() % kDepth);
        m->b_addr = bAddr;
        m->b_we = rng() % 2;
        m->b_re = rng() % 2;
        putBytes(m->b_wdata, wdata.data(), kBytes);
        tick();
        if (m->b_we) ref[bAddr] = wdata;
        Word got(kBytes);
        getBytes(m->a_rdata, got.data(), kBytes);
        ASSERT_EQ(got, held) << "port A holds without a_en, cycle " << cycle;
    }
    m->b_we = 0;
    m->a_en = 1;
    m->a_addr = 0;
    tick();
    Word got(kBytes);
    getBytes(m->a_rdata, got.data(), kBytes);
    EXPECT_EQ(got, ref[0]);
    m->final();
}

}  // namespace
