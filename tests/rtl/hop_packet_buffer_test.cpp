// SPDX-License-Identifier: Apache-2.0
// hop_packet_buffer against the frames the test wrote: frames of every length stream in with
// idle cycles while earlier ones are read back (kept for another copy, freed, or discarded) with
// output backpressure; every frame read equals the one written, byte for byte with its tkeep,
// and when the test keeps within the free cells no frame is dropped and every cell comes back.
// A full buffer drops whole frames (w_dropped), returns their cells and leaves the frames it
// holds intact; reads follow each other with no gap; the counters agree. Word offsets come from
// compiler/src/regmap/buffer_words.hpp.
#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <vector>

#include VMODEL_HEADER
#include "compiler/src/regmap/buffer_words.hpp"
#include "verilator_util.hpp"

namespace {

using hop::rtltest::Sim;
namespace regmap = hop::regmap;
using Bytes = std::vector<uint8_t>;

constexpr uint32_t kWidth = PB_DATA_W;
constexpr uint32_t kLanes = kWidth / 8;
constexpr uint32_t kCells = PB_CELLS;
constexpr uint32_t kBase = PB_BASE;

uint32_t beatsOf(size_t bytes) { return static_cast<uint32_t>((bytes + kLanes - 1) / kLanes); }

enum class Mode { Keep, Free, Discard };

class Bench {
  public:
    explicit Bench(uint32_t seed) : rng_(seed) {
        idle();
        EXPECT_TRUE(csr(regmap::kBufferWordInfo) >> 23 & 1) << "busy after reset";
        for (uint32_t i = 0; i < kCells + 8 && (csr(regmap::kBufferWordInfo) >> 23 & 1); ++i) {
        }
        EXPECT_EQ(csr(regmap::kBufferWordFree), kCells);
    }

    void idle() {
        auto& m = sim_.model();
        m.s_axis_tvalid = 0;
        m.r_valid = 0;
        m.m_axis_tready = 1;
        m.csr_rd = m.csr_wr = 0;
        m.csr_addr = m.csr_wdata = 0;
    }

    uint32_t csr(uint32_t word) {
        auto& m = sim_.model();
        m.csr_rd = 1;
        m.csr_addr = kBase + 4 * word;
        tick();
        return m.csr_rdata;
    }

    Bytes randomFrame(size_t len) {
        Bytes f(len);
        for (auto& b : f) b = static_cast<uint8_t>(rng_());
        return f;
    }

    // One clock: the writer offers the next beat (unless idle), the reader offers the next
    // request, the output is ready unless stalled. Written frames (w_done) and streamed ones
    // (at tlast) are recorded.
    void tick() {
        auto& m = sim_.model();
        const bool offer = !toWrite_.empty() && !std::bernoulli_distribution(idleIn)(rng_);
        m.s_axis_tvalid = offer;
        if (offer) {
            const Bytes& f = toWrite_.front();
            const size_t off = size_t{inBeat_} * kLanes;
            const size_t n = std::min<size_t>(kLanes, f.size() - off);
            hop::rtltest::putBytes(m.s_axis_tdata, f.data() + off, n);
            const uint64_t keep = n == 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1;
            m.s_axis_tkeep = keep;
            m.s_axis_tlast = off + n == f.size();
        }
        m.r_valid = !requests_.empty();
        if (m.r_valid) {
            m.r_handle = requests_.front().first;
            m.r_free = requests_.front().second == Mode::Free;
            m.r_discard = requests_.front().second == Mode::Discard;
        }
        m.m_axis_tready = !std::bernoulli_distribution(stallOut)(rng_);
        sim_.settle();
        const bool inFire = offer && m.s_axis_tready;
        const bool reqFire = m.r_valid && m.r_ready;
        const bool outFire = m.m_axis_tvalid && m.m_axis_tready;
        if (outFire) {
            Bytes beat(kLanes);
            hop::rtltest::getBytes(m.m_axis_tdata, beat.data(), kLanes);
            const uint64_t keep = static_cast<uint64_t>(m.m_axis_tkeep);
            uint32_t n = 0;
            while (n < kLanes && (keep >> n & 1)) ++n;
            EXPECT_EQ(keep, n == 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1)
                << "a thermometer tkeep";
            cur_.insert(cur_.end(), beat.begin(), beat.begin() + n);
            ++beatsOut;
            if (m.m_axis_tlast) {
                streamed.push_back(std::move(cur_));
                cur_.clear();
            }
        }
        sim_.tick();
        if (inFire) {
            const bool last = size_t{inBeat_ + 1} * kLanes >= toWrite_.front().size();
            if (last) {
                pendingDone_.push_back(std::move(toWrite_.front()));
                toWrite_.pop_front();
                inBeat_ = 0;
            } else {
                ++inBeat_;
            }
        }
        if (reqFire) requests_.pop_front();
        if (m.w_done) {
            EXPECT_FALSE(pendingDone_.empty()) << "w_done without a frame";
            if (!pendingDone_.empty()) {
                Written w{m.w_handle, m.w_bytes, static_cast<bool>(m.w_dropped),
                          std::move(pendingDone_.front())};
                pendingDone_.pop_front();
                EXPECT_EQ(w.bytes, w.frame.size()) << "w_bytes";
                written.push_back(std::move(w));
            }
        }
        idle();
    }

    void write(Bytes f) { toWrite_.push_back(std::move(f)); }
    void request(uint32_t handle, Mode mode) { requests_.push_back({handle, mode}); }
    bool busy() const { return !toWrite_.empty() || !requests_.empty() || !pendingDone_.empty(); }
    // Runs until nothing is left to send or request, then `extra` cycles.
    void settle(int extra = 40) {
        for (int i = 0; i < 2000000 && busy(); ++i) tick();
        for (int i = 0; i < extra; ++i) tick();
    }

    struct Written {
        uint32_t handle;
        uint32_t bytes;
        bool dropped;
        Bytes frame;
    };
    std::deque<Written> written;  // in the order the frames ended
    std::vector<Bytes> streamed;  // in the order they left
    uint64_t beatsOut = 0;
    double idleIn = 0, stallOut = 0;
    std::mt19937& rng() { return rng_; }
    Sim<VMODEL>& sim() { return sim_; }

  private:
    Sim<VMODEL> sim_;
    std::mt19937 rng_;
    std::deque<Bytes> toWrite_, pendingDone_;
    uint32_t inBeat_ = 0;
    std::deque<std::pair<uint32_t, Mode>> requests_;
    Bytes cur_;
};

size_t randomLength(std::mt19937& rng) {
    switch (rng() % 4) {
        case 0:
            return 1 + rng() % kLanes;  // one beat
        case 1:
            return kLanes * (1 + rng() % 4);  // whole beats
        default:
            return 1 + rng() % (6 * kLanes);  // anything up to six beats
    }
}

// Frames written and read back at once, under idle input and backpressure: a third read and
// kept then read and freed (two copies), a third read and freed, a third discarded. The test
// writes only while its own count of cells in use leaves room, so nothing is dropped, and every
// cell is free at the end.
TEST(PacketBuffer, FramesReadBackAsWritten) {
    Bench b(7);
    b.idleIn = 0.3;
    b.stallOut = 0.3;
    uint32_t inUse = 0;  // cells of frames not yet freed (as the test counts them)
    std::vector<Bytes> expectOut;
    uint32_t sent = 0, discarded = 0;
    for (int round = 0; round < 600; ++round) {
        const Bytes f = b.randomFrame(randomLength(b.rng()));
        // Room as the test counts it: cells of every frame not known freed.
        if (inUse + beatsOf(f.size()) > kCells) {
            // Every request done: the cells in use are those of the frames not yet requested.
            b.settle(0);
            inUse = 0;
            for (const auto& w : b.written) inUse += beatsOf(w.frame.size());
        }
        b.write(f);
        inUse += beatsOf(f.size());
        ++sent;
        // Read back what has been written so far.
        while (!b.written.empty()) {
            auto w = std::move(b.written.front());
            b.written.pop_front();
            ASSERT_FALSE(w.dropped) << "dropped with room left";
            switch (w.handle % 3) {
                case 0:
                    b.request(w.handle, Mode::Keep);
                    b.request(w.handle, Mode::Free);
                    expectOut.push_back(w.frame);
                    expectOut.push_back(w.frame);
                    break;
                case 1:
                    b.request(w.handle, Mode::Free);
                    expectOut.push_back(w.frame);
                    break;
                default:
                    b.request(w.handle, Mode::Discard);
                    ++discarded;
                    break;
            }
        }
        for (int i = 0; i < 3; ++i) b.tick();
    }
    b.settle();
    while (!b.written.empty()) {
        auto w = std::move(b.written.front());
        b.written.pop_front();
        ASSERT_FALSE(w.dropped);
        b.request(w.handle, Mode::Free);
        expectOut.push_back(w.frame);
    }
    b.settle();
    ASSERT_EQ(b.streamed.size(), expectOut.size());
    for (size_t i = 0; i < expectOut.size(); ++i)
        ASSERT_EQ(b.streamed[i], expectOut[i]) << "read " << i;
    EXPECT_EQ(b.csr(regmap::kBufferWordFree), kCells) << "every cell came back";
    EXPECT_EQ(b.csr(regmap::kBufferWordFrames), sent);
    EXPECT_EQ(b.csr(regmap::kBufferWordDropped), 0u);
    EXPECT_EQ(b.csr(regmap::kBufferWordReads), static_cast<uint32_t>(expectOut.size()));
    EXPECT_EQ(b.csr(regmap::kBufferWordFreed), sent);
    EXPECT_GT(discarded, 0u);
    std::cout << "[ buffer ] " << sent << " frames, " << expectOut.size() << " reads, " << discarded
              << " discarded, " << b.sim().cycles() << " cycles\n";
}

// A full buffer: frames held (not read) fill it; the next frames do not fit and are dropped
// whole, their cells returned (the free count is back where it was); the held frames read back
// intact, and once freed every cell is free.
TEST(PacketBuffer, FullBufferDropsWholeFramesAndKeepsTheOthers) {
    Bench b(3);
    std::vector<Bench::Written> held;
    uint32_t cells = 0;
    const size_t len = 3 * kLanes - 5;  // three beats
    while (cells + 3 <= kCells - 2) {
        b.write(b.randomFrame(len));
        cells += 3;
    }
    b.settle();
    while (!b.written.empty()) {
        ASSERT_FALSE(b.written.front().dropped);
        held.push_back(std::move(b.written.front()));
        b.written.pop_front();
    }
    const uint32_t freeBefore = b.csr(regmap::kBufferWordFree);
    EXPECT_EQ(freeBefore, kCells - cells);
    // Two frames of five beats: each takes the cells left, then finds none.
    b.write(b.randomFrame(5 * kLanes));
    b.write(b.randomFrame(5 * kLanes));
    b.write(b.randomFrame(kLanes));  // fits in what is left
    b.settle();
    ASSERT_EQ(b.written.size(), 3u);
    EXPECT_TRUE(b.written[0].dropped);
    EXPECT_TRUE(b.written[1].dropped);
    EXPECT_FALSE(b.written[2].dropped);
    EXPECT_EQ(b.csr(regmap::kBufferWordFree), freeBefore - 1)
        << "the dropped frames' cells came back";
    EXPECT_EQ(b.csr(regmap::kBufferWordDropped), 2u);
    held.push_back(b.written[2]);
    for (const auto& w : held) b.request(w.handle, Mode::Free);
    b.settle();
    ASSERT_EQ(b.streamed.size(), held.size());
    for (size_t i = 0; i < held.size(); ++i) ASSERT_EQ(b.streamed[i], held[i].frame) << i;
    EXPECT_EQ(b.csr(regmap::kBufferWordFree), kCells);
}

// Reads back to back: one beat out per clock across frames (no gap between a frame's last
// beat and the next frame's first), and the input takes a beat per clock meanwhile.
TEST(PacketBuffer, OneBeatPerClockInAndOut) {
    Bench b(5);
    std::vector<Bench::Written> held;
    for (int i = 0; i < 8; ++i) b.write(b.randomFrame(1 + b.rng()() % (3 * kLanes)));
    b.settle();
    while (!b.written.empty()) {
        held.push_back(std::move(b.written.front()));
        b.written.pop_front();
    }
    uint64_t beats = 0;
    for (int copy = 0; copy < 4; ++copy)
        for (const auto& w : held) {
            b.request(w.handle, copy == 3 ? Mode::Free : Mode::Keep);
            beats += beatsOf(w.frame.size());
        }
    // Meanwhile more frames stream in, one beat a clock (into the cells left: at most 24 held).
    for (int i = 0; i < 4; ++i) b.write(b.randomFrame(2 * kLanes));
    uint64_t first = 0, last = 0, cycle = 0;
    while (b.beatsOut < beats && cycle < 100000) {
        const uint64_t before = b.beatsOut;
        b.tick();
        if (b.beatsOut > before) {
            if (before == 0) first = cycle;
            last = cycle;
        }
        ++cycle;
    }
    EXPECT_EQ(last - first + 1, beats) << "a beat out every clock";
    b.settle();
    ASSERT_EQ(b.written.size(), 4u);
    for (const auto& w : b.written) EXPECT_FALSE(w.dropped);
}

}  // namespace
