// SPDX-License-Identifier: Apache-2.0
// hop_register against a sequential reference: a packet's read sees every write made before it
// (the previous packet's write in the same cycle included), read-modify-writes back to back on
// a few hot indices, out-of-range indices read 0 and write nothing, and the CSR commands (READ,
// WRITE, RESET) take the memory ports only in cycles the pipeline leaves free, each at the
// point in the sequence its header comment gives it, while packets keep flowing.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <random>
#include <vector>

#include VMODEL_HEADER
#include "regmap/regmap.hpp"
#include "verilator_util.hpp"

namespace {

using hop::rtltest::Sim;

constexpr int kWidth = REG_WIDTH;
constexpr uint32_t kDepth = REG_DEPTH;
constexpr int kIdxW = REG_IDX_W;
constexpr uint32_t kBase = REG_BASE;
constexpr uint64_t kMask = kWidth >= 64 ? ~0ull : (1ull << kWidth) - 1;
constexpr uint64_t kIdxMask = kIdxW >= 32 ? 0xffffffffull : (1ull << kIdxW) - 1;
constexpr int kWords = (kWidth + 31) / 32;

namespace regmap = hop::regmap;
enum Cmd : uint32_t {
    kNone = 0,
    kRead = regmap::kRegCmdRead,
    kWrite = regmap::kRegCmdWrite,
    kReset = regmap::kRegCmdReset
};
constexpr uint32_t kInfo = 4 * regmap::kRegWordInfo, kWidthWord = 4 * regmap::kRegWordWidth,
                   kIndex = 4 * regmap::kRegWordIndex, kCmd = 4 * regmap::kRegWordCmd,
                   kData = 4 * regmap::kRegWordData;
static_assert(regmap::registerSpan(REG_WIDTH) == REG_SPAN);

class Bench {
  public:
    explicit Bench(uint32_t seed) : rng_(seed), ref_(kDepth, 0) {
        auto& m = sim_.model();
        m.hold = 0;  // hop_meter holds commands while a packet is in flight; a register never
        m.rd_valid = m.wr_en = 0;
        m.rd_idx = m.wr_idx = 0;
        m.wr_data = 0;
        m.csr_wr = m.csr_rd = 0;
        m.csr_addr = m.csr_wdata = 0;
    }

    // An index: mostly a few hot cells (back-to-back hazards), sometimes the last one, one past
    // it, or anything the index width holds.
    uint32_t pickIndex() {
        const uint32_t r = std::uniform_int_distribution<uint32_t>(0, 99)(rng_);
        if (r < 60) return r % std::min<uint32_t>(3, kDepth);
        if (r < 70) return kDepth - 1;
        if (r < 75) return static_cast<uint32_t>(kDepth & kIdxMask);
        return static_cast<uint32_t>(rng_() & kIdxMask);
    }

    // One cycle: a packet's read with probability `load`; the packet read last cycle checks its
    // value and writes back (mostly value + 1 at its own index) with probability `writeRate`;
    // `csr` is this cycle's CSR access, if any.
    void cycle(double load, double writeRate, std::optional<std::pair<uint32_t, uint32_t>> csrWr,
               std::optional<uint32_t> csrRd = {}) {
        auto& m = sim_.model();
        sim_.settle();
        bool wr = false;
        uint32_t wIdx = 0;
        uint64_t wData = 0;
        if (lastRead_) {
            ASSERT_EQ(static_cast<uint64_t>(m.rd_data), expected_)
                << "read of index " << *lastRead_ << " at cycle " << sim_.cycles();
            if (std::bernoulli_distribution(writeRate)(rng_)) {
                wr = true;
                const bool own = std::bernoulli_distribution(0.8)(rng_);
                wIdx = own ? *lastRead_ : pickIndex();
                wData = own ? (m.rd_data + 1) & kMask : rng_() & kMask;
            }
        }
        const bool rd = std::bernoulli_distribution(load)(rng_);
        const uint32_t rIdx = rd ? pickIndex() : 0;
        m.wr_en = wr;
        m.wr_idx = wIdx;
        m.wr_data = wData;
        m.rd_valid = rd;
        m.rd_idx = rIdx;
        m.csr_wr = csrWr.has_value();
        m.csr_rd = csrRd.has_value();
        m.csr_addr = csrWr ? kBase + csrWr->first : csrRd ? kBase + *csrRd : 0;
        m.csr_wdata = csrWr ? csrWr->second : 0;

        // The block's busy this cycle: a command pending, or a READ's word landing in DATA.
        const bool busy = cmd_ != kNone || readLanding_;
        readLanding_ = false;
        // The reference: this cycle's one write (the pipeline's, else the command's), then the
        // reads issued this cycle see it.
        if (wr) {
            if (wIdx < kDepth) ref_[wIdx] = wData;
        } else if (cmd_ == kWrite) {
            if (index_ < kDepth) ref_[index_] = staged_;
            cmd_ = kNone;
        } else if (cmd_ == kReset) {
            ref_[walk_] = 0;
            if (++walk_ == kDepth) cmd_ = kNone;
        }
        if (cmd_ == kRead && !rd) {
            staged_ = index_ < kDepth ? ref_[index_] : 0;
            cmd_ = kNone;
            readLanding_ = true;
        }
        lastRead_.reset();
        if (rd) {
            lastRead_ = rIdx;
            expected_ = rIdx < kDepth ? ref_[rIdx] : 0;
        }
        // A CSR write takes effect at this cycle's edge: a command from the next cycle on.
        if (csrWr) {
            const uint32_t word = csrWr->first / 4;
            if (word == regmap::kRegWordIndex)
                index_ = static_cast<uint32_t>(csrWr->second & kIdxMask);
            if (word == regmap::kRegWordCmd && !busy) {
                cmd_ = static_cast<Cmd>(csrWr->second & 3);
                walk_ = 0;
            }
            if (word >= regmap::kRegWordData && word < regmap::kRegWordData + kWords) {
                const int sh = 32 * static_cast<int>(word - regmap::kRegWordData);
                staged_ = (staged_ & ~(0xffffffffull << sh)) | (uint64_t{csrWr->second} << sh);
                staged_ &= kMask;
            }
        }
        sim_.tick();
        m.csr_wr = m.csr_rd = 0;
    }

    // A CSR read returns its word the cycle after the strobe.
    uint32_t csrRead(uint32_t offset, double load, double writeRate) {
        cycle(load, writeRate, std::nullopt, offset);
        sim_.settle();
        const uint32_t v = sim_->csr_rdata;
        return v;
    }
    void csrWrite(uint32_t offset, uint32_t value, double load, double writeRate) {
        cycle(load, writeRate, std::make_pair(offset, value));
    }
    // Polls INFO until busy clears (bounded), under traffic.
    void waitIdle(double load, double writeRate) {
        for (int i = 0; i < 200000; ++i) {
            if (!(csrRead(kInfo, load, writeRate) >> 31)) return;
            if (::testing::Test::HasFatalFailure()) return;
        }
        FAIL() << "command still busy";
    }
    uint64_t stagedFromBlock(double load, double writeRate) {
        uint64_t v = 0;
        for (int w = 0; w < kWords && w < 2; ++w)
            v |= uint64_t{csrRead(kData + 4 * w, load, writeRate)} << (32 * w);
        return v;
    }

    Sim<VMODEL>& sim() { return sim_; }
    std::vector<uint64_t>& ref() { return ref_; }
    Cmd pending() const { return cmd_; }
    uint64_t staged() const { return staged_; }

  private:
    Sim<VMODEL> sim_;
    std::mt19937 rng_;
    std::vector<uint64_t> ref_;
    std::optional<uint32_t> lastRead_;
    uint64_t expected_ = 0;
    Cmd cmd_ = kNone;
    uint32_t index_ = 0, walk_ = 0;
    uint64_t staged_ = 0;
    bool readLanding_ = false;
};

TEST(Register, BackToBackReadModifyWritesSeeEveryEarlierWrite) {
    for (double load : {1.0, 0.7}) {
        Bench b(11);
        for (int i = 0; i < 20000 && !::testing::Test::HasFatalFailure(); ++i)
            b.cycle(load, 0.9, std::nullopt);
    }
}

TEST(Register, InfoAndWidthWords) {
    Bench b(3);
    EXPECT_EQ(b.csrRead(kInfo, 0, 0), kDepth & 0xffffff);
    EXPECT_EQ(b.csrRead(kWidthWord, 0, 0), static_cast<uint32_t>(kWidth));
    EXPECT_EQ(b.csrRead(32 * 1024, 0, 0), 0u) << "outside the window";
}

// CSR WRITE and READ while packets flow: each completes in the first cycle the pipeline leaves
// its port free, and the packets after it see the written value.
TEST(Register, CsrCommandsUnderTraffic) {
    for (double load : {0.0, 0.5, 0.9}) {
        Bench b(29);
        std::mt19937 rng(5);
        for (int round = 0; round < 60 && !::testing::Test::HasFatalFailure(); ++round) {
            const uint32_t idx = std::uniform_int_distribution<uint32_t>(0, kDepth)(rng);
            const uint64_t value = ((uint64_t{rng()} << 32) | rng()) & kMask;
            b.csrWrite(kIndex, idx, load, 0.5);
            for (int w = 0; w < kWords && w < 2; ++w)
                b.csrWrite(kData + 4 * w, static_cast<uint32_t>(value >> (32 * w)), load, 0.5);
            b.csrWrite(kCmd, kWrite, load, 0.5);
            b.waitIdle(load, 0.5);
            for (int i = 0; i < 20; ++i) b.cycle(load, 0.5, std::nullopt);
            b.csrWrite(kCmd, kRead, load, 0.5);
            b.waitIdle(load, 0.5);
            const uint64_t got = b.stagedFromBlock(load, 0.5);
            EXPECT_EQ(got, b.staged()) << "round " << round;
        }
    }
}

// RESET clears every cell; with no traffic it takes DEPTH cycles.
TEST(Register, ResetClearsEveryCell) {
    Bench b(41);
    for (int i = 0; i < 3000; ++i) b.cycle(0.8, 1.0, std::nullopt);
    b.csrWrite(kCmd, kReset, 0.0, 0.0);
    b.waitIdle(0.0, 0.0);
    for (uint64_t v : b.ref()) ASSERT_EQ(v, 0u);
    for (int i = 0; i < 3000 && !::testing::Test::HasFatalFailure(); ++i)
        b.cycle(0.8, 0.5, std::nullopt);
}

}  // namespace
