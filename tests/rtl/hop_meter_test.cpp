// SPDX-License-Identifier: Apache-2.0
// hop_meter against a sequential reference of BMv2's Meter::execute (colour-blind trTCM, the
// peak bucket first, tokens floor(us * rate) capped at the burst) with Q32.32 rates: cells set
// through the CSR, then packets back to back on a few hot cells (each sees the previous one's
// update), idle cycles, time that stands still, steps and jumps, packets and byte units, cells
// never configured and indices past the end (GREEN, nothing changes), markings not committed (the
// cell is left as it was); at the end every cell's
// whole state is read back through the CSR and compared.
#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <iostream>
#include <optional>
#include <random>
#include <vector>

#include VMODEL_HEADER
#include "regmap/regmap.hpp"
#include "verilator_util.hpp"

namespace {

using hop::rtltest::Sim;
namespace regmap = hop::regmap;

constexpr uint32_t kDepth = METER_DEPTH;
constexpr size_t kLatency = METER_LATENCY;  // in_valid to out_colour and commit
constexpr int kWidth = 385, kWords = (kWidth + 31) / 32;
constexpr uint32_t kInfo = 4 * regmap::kRegWordInfo, kIndex = 4 * regmap::kRegWordIndex,
                   kCmd = 4 * regmap::kRegWordCmd, kData = 4 * regmap::kRegWordData;

struct Bucket {
    uint64_t rate = 0;  // Q32.32 units per microsecond
    uint32_t burst = 0, tokens = 0;
    uint64_t last = 0;
};
struct Cell {
    bool configured = false;
    Bucket peak, committed;
    bool operator==(const Cell& o) const {
        auto same = [](const Bucket& a, const Bucket& b) {
            return a.rate == b.rate && a.burst == b.burst && a.tokens == b.tokens &&
                   a.last == b.last;
        };
        return configured == o.configured && same(peak, o.peak) && same(committed, o.committed);
    }
};

// The reference: BMv2's Meter::execute with the rate as Q32.32.
void refill(Bucket& b, uint64_t now) {
    const auto earned = static_cast<uint64_t>((static_cast<unsigned __int128>(now) * b.rate) >> 32);
    const uint64_t fresh = earned > b.last ? earned - b.last : 0;
    b.last = std::max(b.last, earned);
    const uint32_t room = b.burst - std::min(b.tokens, b.burst);
    b.tokens = fresh >= room ? b.burst : b.tokens + static_cast<uint32_t>(fresh);
}
unsigned execute(Cell& c, uint32_t units, uint64_t now) {
    if (!c.configured) return 0;
    refill(c.peak, now);
    if (c.peak.tokens < units) return 2;
    c.peak.tokens -= units;
    refill(c.committed, now);
    if (c.committed.tokens < units) return 1;
    c.committed.tokens -= units;
    return 0;
}

// The cell word, 32 bits at a time (bit 0 first), as the block's header gives it.
std::vector<uint32_t> pack(const Cell& c) {
    std::vector<uint32_t> w(kWords, 0);
    int pos = 0;
    auto put = [&](uint64_t v, int bits) {
        for (int i = 0; i < bits; ++i, ++pos)
            if ((v >> i) & 1) w[pos / 32] |= 1u << (pos % 32);
    };
    put(c.configured, 1);
    for (const Bucket* b : {&c.peak, &c.committed}) {
        put(b->rate, 64);
        put(b->burst, 32);
        put(b->tokens, 32);
        put(b->last, 64);
    }
    return w;
}
Cell unpack(const std::vector<uint32_t>& w) {
    Cell c;
    int pos = 0;
    auto get = [&](int bits) {
        uint64_t v = 0;
        for (int i = 0; i < bits; ++i, ++pos) v |= uint64_t{(w[pos / 32] >> (pos % 32)) & 1} << i;
        return v;
    };
    c.configured = get(1) != 0;
    for (Bucket* b : {&c.peak, &c.committed}) {
        b->rate = get(64);
        b->burst = static_cast<uint32_t>(get(32));
        b->tokens = static_cast<uint32_t>(get(32));
        b->last = get(64);
    }
    return c;
}

class Bench {
  public:
    Bench() : ref_(kDepth) {
        auto& m = sim_.model();
        m.in_valid = 0;
        m.in_idx = 0;
        m.in_units = 0;
        m.in_time_us = 0;
        m.commit = 0;
        m.csr_wr = m.csr_rd = 0;
        m.csr_addr = m.csr_wdata = 0;
        m.rst = 1;
        sim_.tick();
        m.rst = 0;
    }

    // One cycle, maybe with a packet; the packet of LATENCY cycles ago is checked and its
    // marking committed (written back) or not, as `commit` said when it went in.
    void cycle(std::optional<uint32_t> idx, uint32_t units, uint64_t now, bool commit = true) {
        auto& m = sim_.model();
        sim_.settle();
        if (const std::optional<InFlight>& out = pipe_.front()) {
            ASSERT_TRUE(m.out_valid);
            ASSERT_EQ(static_cast<unsigned>(m.out_colour), out->colour)
                << "cell " << out->idx << " at cycle " << sim_.cycles();
            m.commit = out->commit;
        } else {
            ASSERT_FALSE(m.out_valid);
            m.commit = 0;
        }
        pipe_.pop_front();
        m.in_valid = idx.has_value();
        m.in_idx = idx.value_or(0);
        m.in_units = units;
        m.in_time_us = now;
        std::optional<InFlight> in;
        if (idx) {
            // The reference marks in input order: a marking not committed leaves the cell.
            in = InFlight{*idx, 0, commit};
            if (*idx < kDepth) {
                Cell after = ref_[*idx];
                in->colour = execute(after, units, now);
                if (commit) ref_[*idx] = after;
            }
            ++seen_[in->colour];
        }
        pipe_.push_back(in);
        sim_.tick();
    }
    void idle() { cycle(std::nullopt, 0, 0); }

    void csrWrite(uint32_t offset, uint32_t value) {
        auto& m = sim_.model();
        m.csr_wr = 1;
        m.csr_addr = offset;
        m.csr_wdata = value;
        idle();
        m.csr_wr = 0;
    }
    // A CSR write in a cycle that also carries a packet.
    void csrWriteDuring(uint32_t offset, uint32_t value, uint32_t idx, uint64_t now, bool commit) {
        auto& m = sim_.model();
        m.csr_wr = 1;
        m.csr_addr = offset;
        m.csr_wdata = value;
        cycle(idx, 1, now, commit);
        m.csr_wr = 0;
    }
    uint32_t csrRead(uint32_t offset) {
        auto& m = sim_.model();
        m.csr_rd = 1;
        m.csr_addr = offset;
        idle();
        m.csr_rd = 0;
        sim_.settle();
        return m.csr_rdata;
    }
    void waitIdle() {
        for (int i = 0; i < 100; ++i)
            if (!(csrRead(kInfo) >> 31)) return;
        FAIL() << "command still busy";
    }
    // meter_set_rates: the cell configured, both buckets full, nothing earned yet.
    void set(uint32_t idx, const Cell& c) {
        const std::vector<uint32_t> w = pack(c);
        for (int i = 0; i < kWords; ++i) csrWrite(kData + 4 * i, w[i]);
        csrWrite(kIndex, idx);
        csrWrite(kCmd, regmap::kRegCmdWrite);
        waitIdle();
        if (idx < kDepth) ref_[idx] = c;
    }
    Cell read(uint32_t idx) {
        csrWrite(kIndex, idx);
        csrWrite(kCmd, regmap::kRegCmdRead);
        waitIdle();
        std::vector<uint32_t> w(kWords);
        for (int i = 0; i < kWords; ++i) w[i] = csrRead(kData + 4 * i);
        return unpack(w);
    }
    std::vector<Cell>& ref() { return ref_; }
    // Packets marked GREEN, YELLOW, RED so far.
    const uint64_t* seen() const { return seen_; }

  private:
    Sim<VMODEL> sim_;
    std::vector<Cell> ref_;
    struct InFlight {
        uint32_t idx = 0;
        unsigned colour = 0;
        bool commit = true;
    };
    std::deque<std::optional<InFlight>> pipe_ =
        std::deque<std::optional<InFlight>>(kLatency, std::nullopt);
    uint64_t seen_[3] = {0, 0, 0};
};

Cell rates(double cir, uint32_t cbs, double pir, uint32_t pbs) {
    Cell c;
    c.configured = true;
    c.committed = {static_cast<uint64_t>(cir * 4294967296.0), cbs, cbs, 0};
    c.peak = {static_cast<uint64_t>(pir * 4294967296.0), pbs, pbs, 0};
    return c;
}

TEST(Meter, WidthAndDepthWords) {
    Bench b;
    EXPECT_EQ(b.csrRead(kInfo), kDepth);
    EXPECT_EQ(b.csrRead(4 * regmap::kRegWordWidth), static_cast<uint32_t>(kWidth));
}

// Packets and bytes units back to back on a few hot cells, with idle cycles and time that
// moves by 0, 1 or a jump; every colour against the reference, then every cell's state.
TEST(Meter, BackToBackMarkingEqualsTheReference) {
    for (double load : {1.0, 0.6}) {
        Bench b;
        std::mt19937_64 rng(load == 1.0 ? 7 : 8);
        // Cell 0: a packets meter, 0.5 and 1 packet per us; cell 1: bytes, 100 and 300 bytes per
        // us; cell 2: a rate that is not a power of two (1/3); cell 3 never configured.
        b.set(0, rates(0.5, 3, 1.0, 5));
        b.set(1, rates(100.0, 1500, 300.0, 3000));
        b.set(2, rates(1.0 / 3.0, 4, 0.75, 6));
        b.set(kDepth + 3, rates(1.0, 1, 1.0, 1));  // past the end: ignored
        uint64_t now = 1000;
        for (int i = 0; i < 20000 && !::testing::Test::HasFatalFailure(); ++i) {
            const uint32_t r = static_cast<uint32_t>(rng() % 100);
            if (r >= 99)
                now += rng() % 5000;  // a pause: every bucket full again
            else if (r >= 80)
                now += 1;
            if (std::bernoulli_distribution(load)(rng)) {
                const uint32_t pick = static_cast<uint32_t>(rng() % 10);
                const uint32_t idx = pick < 8 ? pick % 4 : kDepth + pick;
                const uint32_t units = idx == 1 ? 40 + static_cast<uint32_t>(rng() % 1460) : 1;
                // One packet in 16 reads the cell but does not run the marking (its
                // execute_meter's predicate is false): the cell is left as it was.
                b.cycle(idx, units, now, rng() % 16 != 0);
            } else {
                b.idle();
            }
        }
        b.idle();
        ASSERT_FALSE(::testing::Test::HasFatalFailure());
        std::cout << "[ meter ] load " << load << ": GREEN " << b.seen()[0] << ", YELLOW "
                  << b.seen()[1] << ", RED " << b.seen()[2] << "\n";
        for (int c = 0; c < 3; ++c) EXPECT_GT(b.seen()[c], 100u) << "colour " << c;
        for (uint32_t i = 0; i < kDepth; ++i) {
            const Cell got = b.read(i), want = b.ref()[i];
            EXPECT_TRUE(got == want)
                << "cell " << i << ": tokens peak " << got.peak.tokens << " (want "
                << want.peak.tokens << "), committed " << got.committed.tokens << " (want "
                << want.committed.tokens << ")";
        }
    }
}

// Every colour shows up: a packets meter driven faster than its rates marks YELLOW then RED,
// and recovers after a pause.
TEST(Meter, ColoursOfAnOverdrivenMeter) {
    Bench b;
    b.set(0, rates(0.25, 2, 0.5, 4));
    int seen[3] = {0, 0, 0};
    uint64_t now = 10;
    for (int i = 0; i < 40; ++i) {
        Cell before = b.ref()[0];
        const unsigned c = execute(before, 1, now);
        ++seen[c];
        b.cycle(0, 1, now);
    }
    b.idle();
    EXPECT_GT(seen[0], 0);
    EXPECT_GT(seen[1], 0);
    EXPECT_GT(seen[2], 0);
}

// Time that jumps by 2^32 and more (fresh of 2^32 or more, and just below), that goes back
// (earned below `last`), rates from 0.75 to 1,000 units per microsecond and a burst near 2^32,
// back to back on three cells: every colour, then every cell's state, against the reference.
TEST(Meter, WideTimeStepsEqualTheReference) {
    Bench b;
    std::mt19937_64 rng(9);
    b.set(0, rates(1.0, 100, 2.0, 200));
    b.set(1, rates(0.75, 5, 1000.0, 4000000000u));
    b.set(2, rates(3.5, 1, 7.25, 3));
    const uint64_t steps[] = {
        0, 1, 2, 0xFFFFFFFFull, 0x100000000ull, 0x100000001ull, 0x1FFFFFFFFull, uint64_t{1} << 40};
    uint64_t now = uint64_t{1} << 33;
    for (int i = 0; i < 20000 && !::testing::Test::HasFatalFailure(); ++i) {
        const uint64_t step = steps[rng() % 8];
        if (rng() % 4 == 0)
            now -= std::min(now, step);
        else
            now += step;
        if (rng() % 5 != 0)
            b.cycle(static_cast<uint32_t>(rng() % 3), 1 + static_cast<uint32_t>(rng() % 2000), now,
                    rng() % 8 != 0);
        else
            b.idle();
    }
    for (size_t i = 0; i < kLatency; ++i) b.idle();
    ASSERT_FALSE(::testing::Test::HasFatalFailure());
    for (int c = 0; c < 3; ++c) EXPECT_GT(b.seen()[c], 100u) << "colour " << c;
    for (uint32_t i = 0; i < 3; ++i) EXPECT_TRUE(b.read(i) == b.ref()[i]) << "cell " << i;
}

// A WRITE issued while packets stream through its cell (some not committed, so some cycles have
// no write-back) waits until no packet is in flight: a packet that read the cell before it never
// writes over it, and the packets after it mark against it.
TEST(Meter, AWriteUnderTrafficWaitsForThePacketsInFlight) {
    Bench b;
    b.set(0, rates(0.5, 3, 1.0, 5));
    const Cell next = rates(2.0, 7, 4.0, 9);
    const std::vector<uint32_t> w = pack(next);
    uint64_t now = 100;
    for (int i = 0; i < kWords; ++i) b.csrWriteDuring(kData + 4 * i, w[i], 0, now, i % 2 == 0);
    b.csrWriteDuring(kIndex, 0, 0, now, true);
    b.csrWriteDuring(kCmd, regmap::kRegCmdWrite, 0, now, false);
    for (int i = 0; i < 60 && !::testing::Test::HasFatalFailure(); ++i) {
        if (i % 4 == 0) ++now;
        b.cycle(0, 1, now, i % 3 != 0);
    }
    // The traffic stops: the write lands once the last packet has written its cell.
    for (size_t i = 0; i < 2 * kLatency; ++i) b.idle();
    ASSERT_FALSE(::testing::Test::HasFatalFailure());
    b.waitIdle();
    b.ref()[0] = next;
    EXPECT_TRUE(b.read(0) == next);
    for (int i = 0; i < 30 && !::testing::Test::HasFatalFailure(); ++i) b.cycle(0, 1, now + 50);
    for (size_t i = 0; i < kLatency; ++i) b.idle();
    EXPECT_TRUE(b.read(0) == b.ref()[0]);
}

}  // namespace
