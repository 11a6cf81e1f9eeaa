// SPDX-License-Identifier: Apache-2.0
// hop_digest_fifo against a reference queue: digests pushed at random (bursts, idle cycles)
// while the host reads COUNT, the DATA words of the oldest entry and POPs at random times;
// every entry comes out whole and in order, a push into a full FIFO is counted in DROPS (unless
// a POP frees a slot in the same cycle), DATA reads 0 when empty, addresses outside the window
// and writes elsewhere change nothing. Word offsets and the span come from
// compiler/src/regmap/digest_words.hpp, so the block and the host cannot disagree.
#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <optional>
#include <random>
#include <vector>

#include VMODEL_HEADER
#include "compiler/src/regmap/digest_words.hpp"
#include "verilator_util.hpp"

namespace {

using hop::rtltest::Sim;
namespace regmap = hop::regmap;

constexpr uint32_t kWidth = DF_WIDTH;
constexpr uint32_t kDepth = DF_DEPTH;
constexpr uint32_t kBase = DF_BASE;
constexpr uint32_t kWords = (kWidth + 31) / 32;
static_assert(DF_SPAN == regmap::digestSpan(kWidth), "the span the build passes is the map's");

using Entry = std::vector<uint32_t>;  // kWords words, the top one masked to kWidth bits

class Bench {
  public:
    explicit Bench(uint32_t seed) : rng_(seed) { idle(); }

    void idle() {
        auto& m = sim_.model();
        m.in_valid = 0;
        m.csr_rd = m.csr_wr = 0;
        m.csr_addr = 0;
        m.csr_wdata = 0;
    }

    Entry randomEntry() {
        Entry e(kWords);
        for (auto& w : e) w = static_cast<uint32_t>(rng_());
        if (kWidth % 32) e.back() &= (1u << (kWidth % 32)) - 1;
        return e;
    }

    // One cycle: maybe a push (probability `push`), maybe one CSR access of the host's
    // protocol (COUNT, then each DATA word, then POP), checked against the reference.
    void step(double push, double host) {
        auto& m = sim_.model();
        idle();
        std::optional<Entry> in;
        if (std::bernoulli_distribution(push)(rng_)) {
            in = randomEntry();
            m.in_valid = 1;
            std::vector<uint8_t> bytes(4 * kWords);
            for (uint32_t i = 0; i < 4 * kWords; ++i)
                bytes[i] = static_cast<uint8_t>((*in)[i / 4] >> (8 * (i % 4)));
            hop::rtltest::putBytes(m.in_data, bytes.data(), (kWidth + 7) / 8);
        }
        std::optional<uint32_t> expect;
        bool pop = false;
        if (std::bernoulli_distribution(host)(rng_)) {
            if (phase_ == 0) {  // COUNT
                m.csr_rd = 1;
                m.csr_addr = kBase + 4 * regmap::kDigestWordCount;
                expect = static_cast<uint32_t>(ref_.size());
                phase_ = ref_.empty() ? 0 : 1;
                if (!ref_.empty()) reading_ = ref_.front();
            } else if (phase_ <= kWords) {  // DATA[phase_ - 1]
                m.csr_rd = 1;
                m.csr_addr = kBase + 4 * (regmap::kDigestWordData + phase_ - 1);
                expect = reading_[phase_ - 1];
                ++phase_;
            } else {  // POP
                m.csr_wr = 1;
                m.csr_addr = kBase + 4 * regmap::kDigestWordPop;
                m.csr_wdata = static_cast<uint32_t>(rng_());
                pop = true;
                phase_ = 0;
            }
        }
        sim_.tick();
        if (expect) {
            EXPECT_EQ(m.csr_rdata, *expect) << "read of 0x" << std::hex << m.csr_addr;
        } else {
            EXPECT_EQ(m.csr_rdata, 0u) << "csr_rdata without a read";
        }
        if (pop) {
            ASSERT_FALSE(ref_.empty());
            EXPECT_EQ(ref_.front(), reading_);
            ref_.pop_front();
            ++popped_;
        }
        if (in) {
            if (ref_.size() < kDepth)
                ref_.push_back(*in);
            else
                ++drops_;
        }
    }

    uint32_t read(uint32_t addr) {
        auto& m = sim_.model();
        idle();
        m.csr_rd = 1;
        m.csr_addr = addr;
        sim_.tick();
        m.csr_rd = 0;
        return m.csr_rdata;
    }
    uint32_t word(uint32_t w) { return read(kBase + 4 * w); }

    void popWrite(uint32_t addr) {
        auto& m = sim_.model();
        idle();
        m.csr_wr = 1;
        m.csr_addr = addr;
        sim_.tick();
        m.csr_wr = 0;
    }

    const std::deque<Entry>& ref() const { return ref_; }
    uint32_t drops() const { return drops_; }
    uint64_t popped() const { return popped_; }
    Sim<VMODEL>& sim() { return sim_; }

  private:
    std::mt19937 rng_;
    Sim<VMODEL> sim_;
    std::deque<Entry> ref_;
    Entry reading_;
    uint32_t phase_ = 0;
    uint32_t drops_ = 0;
    uint64_t popped_ = 0;
};

TEST(DigestFifo, EmptyAfterResetAndWordsOfTheBlock) {
    Bench b(1);
    EXPECT_EQ(b.word(regmap::kDigestWordCount), 0u);
    EXPECT_EQ(b.word(regmap::kDigestWordDrops), 0u);
    EXPECT_EQ(b.word(regmap::kDigestWordPop), 0u);
    EXPECT_EQ(b.word(regmap::kDigestWordWords), kWords);
    for (uint32_t i = 0; i < kWords; ++i) EXPECT_EQ(b.word(regmap::kDigestWordData + i), 0u);
    // A POP of an empty FIFO changes nothing.
    b.popWrite(kBase + 4 * regmap::kDigestWordPop);
    EXPECT_EQ(b.word(regmap::kDigestWordCount), 0u);
}

TEST(DigestFifo, EveryEntryWholeAndInOrderUnderEveryMixOfPushesAndHostReads) {
    uint32_t seed = 10;
    uint64_t popped = 0, dropped = 0;
    for (double push : {0.05, 0.3, 1.0})
        for (double host : {0.1, 0.6, 1.0}) {
            SCOPED_TRACE(testing::Message() << "push " << push << ", host " << host);
            Bench b(seed++);
            for (int i = 0; i < 4000 && !testing::Test::HasFailure(); ++i) b.step(push, host);
            ASSERT_FALSE(testing::Test::HasFailure());
            EXPECT_EQ(b.word(regmap::kDigestWordCount), b.ref().size());
            EXPECT_EQ(b.word(regmap::kDigestWordDrops), b.drops());
            popped += b.popped();
            dropped += b.drops();
        }
    EXPECT_GT(popped, 1500u);   // ~1,950 with seven data words per entry
    EXPECT_GT(dropped, 1000u);  // full FIFOs were reached and counted
}

TEST(DigestFifo, OtherAddressesChangeNothing) {
    Bench b(3);
    for (int i = 0; i < 3; ++i) b.step(1.0, 0.0);
    ASSERT_EQ(b.ref().size(), 3u);
    // A POP outside the window, and writes to the other words, pop nothing.
    b.popWrite((kBase + 4 * regmap::kDigestWordPop) ^ 0x10000u);
    b.popWrite(kBase + 4 * regmap::kDigestWordCount);
    b.popWrite(kBase + 4 * regmap::kDigestWordData);
    EXPECT_EQ(b.word(regmap::kDigestWordCount), 3u);
    EXPECT_EQ(b.read((kBase + 4 * regmap::kDigestWordCount) ^ 0x10000u), 0u);
    EXPECT_EQ(b.word(regmap::kDigestWordData), b.ref().front()[0]);
    auto& m = b.sim().model();
    m.rst = 1;
    b.sim().tick();
    m.rst = 0;
    EXPECT_EQ(b.word(regmap::kDigestWordCount), 0u);
}

}  // namespace
