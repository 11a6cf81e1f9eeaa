// SPDX-License-Identifier: Apache-2.0
// hop_pipeline_csr: every word read at the byte offset compiler/src/regmap/regmap.hpp gives it
// (4 * regmap::kWord*), so the block and the C++ register map cannot disagree on an offset
// without this test failing; the identification words carry the parameters, the counters count
// exactly their input pulses (random, with idle cycles) between reads at random times, words
// past the map and addresses outside the window read 0, writes change nothing, reset clears the
// counters.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <random>

#include VMODEL_HEADER
#include "regmap/regmap.hpp"
#include "verilator_util.hpp"

namespace {

using hop::rtltest::Sim;
namespace regmap = hop::regmap;

constexpr uint32_t kBase = PC_BASE;
constexpr uint64_t kHash = PC_HASH;
constexpr uint32_t kDataW = PC_DATA_W;
constexpr uint32_t kLatency = PC_LATENCY;
constexpr uint32_t kMaxFrame = PC_MAX_FRAME;

struct Counters {
    uint32_t rx = 0, tx = 0, dropped = 0, tooLong = 0;
};

// What a read of `offset` (bytes from BASE) returns, with these counters.
uint32_t expectedWord(uint32_t offset, const Counters& c) {
    switch (offset / 4) {
        case regmap::kWordId:
            return regmap::kPipelineId;
        case regmap::kWordDataWidth:
            return kDataW;
        case regmap::kWordLatency:
            return kLatency;
        case regmap::kWordRxPackets:
            return c.rx;
        case regmap::kWordTxPackets:
            return c.tx;
        case regmap::kWordDropped:
            return c.dropped;
        case regmap::kWordTooLong:
            return c.tooLong;
        case regmap::kWordMaxFrame:
            return kMaxFrame;
        case regmap::kWordHashLo:
            return static_cast<uint32_t>(kHash);
        case regmap::kWordHashHi:
            return static_cast<uint32_t>(kHash >> 32);
        default:
            return 0;
    }
}

class Bench {
  public:
    explicit Bench(uint32_t seed) : rng_(seed) { idleAll(); }

    void idleAll() {
        sim_->cnt_rx = sim_->cnt_tx = sim_->cnt_dropped = sim_->cnt_too_long = 0;
        sim_->csr_rd = sim_->csr_wr = 0;
        sim_->csr_addr = 0;
        sim_->csr_wdata = 0;
    }

    // One cycle: counter pulses with probability `busy`, and maybe a read or a write.
    void step(double busy, double readRate) {
        std::bernoulli_distribution pulse(busy), act(readRate);
        auto& m = sim_.model();
        const bool rx = pulse(rng_), tx = pulse(rng_), dr = pulse(rng_), tl = pulse(rng_);
        m.cnt_rx = rx;
        m.cnt_tx = tx;
        m.cnt_dropped = dr;
        m.cnt_too_long = tl;
        m.csr_rd = 0;
        m.csr_wr = 0;
        std::optional<uint32_t> expect;
        if (act(rng_)) {
            const int k = std::uniform_int_distribution<int>(0, 9)(rng_);
            // Inside the window (every word, also those past the map), or just outside it.
            const uint32_t off = 4 * std::uniform_int_distribution<uint32_t>(0, 15)(rng_);
            const uint32_t addr = k == 0   ? (kBase + regmap::kPipelineSpan + off) ^ 0x40000u
                                  : k == 1 ? kBase + regmap::kPipelineSpan + off
                                           : kBase + off;
            if (k == 9) {
                m.csr_wr = 1;  // read-only: a write changes nothing and answers nothing
                m.csr_addr = kBase + off;
                m.csr_wdata = static_cast<uint32_t>(rng_());
            } else {
                m.csr_rd = 1;
                m.csr_addr = addr;
                expect = k <= 1 ? 0u : expectedWord(off, c_);
                ++reads_;
            }
        }
        sim_.tick();
        c_.rx += rx;
        c_.tx += tx;
        c_.dropped += dr;
        if (kMaxFrame != 0) c_.tooLong += tl;
        if (expect) {
            EXPECT_EQ(m.csr_rdata, *expect) << "read of 0x" << std::hex << m.csr_addr;
        } else {
            EXPECT_EQ(m.csr_rdata, 0u) << "csr_rdata without a read";
        }
    }

    uint32_t read(uint32_t offset) {
        auto& m = sim_.model();
        idleAll();
        m.csr_rd = 1;
        m.csr_addr = kBase + offset;
        sim_.tick();
        m.csr_rd = 0;
        return m.csr_rdata;
    }

    Sim<VMODEL>& sim() { return sim_; }
    const Counters& counters() const { return c_; }
    uint64_t reads() const { return reads_; }

  private:
    std::mt19937 rng_;
    Sim<VMODEL> sim_;
    Counters c_;
    uint64_t reads_ = 0;
};

TEST(PipelineCsr, IdentificationWordsAtRegmapOffsets) {
    Bench b(1);
    EXPECT_EQ(b.read(4 * regmap::kWordId), regmap::kPipelineId);
    EXPECT_EQ(b.read(4 * regmap::kWordDataWidth), kDataW);
    EXPECT_EQ(b.read(4 * regmap::kWordLatency), kLatency);
    EXPECT_EQ(b.read(4 * regmap::kWordMaxFrame), kMaxFrame);
    EXPECT_EQ(b.read(4 * regmap::kWordHashLo), static_cast<uint32_t>(kHash));
    EXPECT_EQ(b.read(4 * regmap::kWordHashHi), static_cast<uint32_t>(kHash >> 32));
    for (uint32_t w : {regmap::kWordRxPackets, regmap::kWordTxPackets, regmap::kWordDropped,
                       regmap::kWordTooLong})
        EXPECT_EQ(b.read(4 * w), 0u) << "word " << w << " after reset";
    // Past the last word of the map, up to the span: 0.
    for (uint32_t w = regmap::kWordHashHi + 1; w < regmap::kPipelineSpan / 4; ++w)
        EXPECT_EQ(b.read(4 * w), 0u) << "word " << w;
}

TEST(PipelineCsr, CountersUnderEveryMixOfIdleAndReadsMatchTheModel) {
    uint32_t seed = 10;
    uint64_t reads = 0, counted = 0;
    for (double busy : {0.0, 0.2, 0.7, 1.0})
        for (double readRate : {0.1, 0.5, 1.0}) {
            SCOPED_TRACE(testing::Message() << "busy " << busy << ", reads " << readRate);
            Bench b(seed++);
            for (int i = 0; i < 3000 && !testing::Test::HasFailure(); ++i) b.step(busy, readRate);
            ASSERT_FALSE(testing::Test::HasFailure());
            const Counters& c = b.counters();
            EXPECT_EQ(b.read(4 * regmap::kWordRxPackets), c.rx);
            EXPECT_EQ(b.read(4 * regmap::kWordTxPackets), c.tx);
            EXPECT_EQ(b.read(4 * regmap::kWordDropped), c.dropped);
            EXPECT_EQ(b.read(4 * regmap::kWordTooLong), c.tooLong);
            reads += b.reads();
            counted += c.rx;
        }
    EXPECT_GT(reads, 10000u);
    EXPECT_GT(counted, 10000u);
}

TEST(PipelineCsr, ResetClearsTheCounters) {
    Bench b(3);
    for (int i = 0; i < 200; ++i) b.step(1.0, 0.0);
    EXPECT_EQ(b.read(4 * regmap::kWordRxPackets), b.counters().rx);
    auto& m = b.sim().model();
    m.rst = 1;
    b.sim().tick();
    m.rst = 0;
    for (uint32_t w : {regmap::kWordRxPackets, regmap::kWordTxPackets, regmap::kWordDropped,
                       regmap::kWordTooLong})
        EXPECT_EQ(b.read(4 * w), 0u) << "word " << w;
    EXPECT_EQ(b.read(4 * regmap::kWordId), regmap::kPipelineId);
}

}  // namespace
