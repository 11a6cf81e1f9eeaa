// SPDX-License-Identifier: Apache-2.0
// hop_queue_set against a reference of QUEUES FIFOs with limits: random enqueues (queue numbers
// past QUEUES among them) and dequeues (mostly of queues the block shows nonempty, sometimes of
// empty ones, which it must ignore) in the same cycles, limits changed under traffic through the
// CSR. Every enqueue's drop and depth (the depth before it, BMv2's enq_qdepth), every dequeue's
// descriptor and depth (after it, deq_qdepth), the nonempty vector every cycle and the counters
// equal the reference's; one enqueue and one dequeue in every cycle at full rate. Word offsets
// come from compiler/src/regmap/queue_words.hpp.
#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <random>
#include <vector>

#include VMODEL_HEADER
#include "compiler/src/regmap/queue_words.hpp"
#include "verilator_util.hpp"

namespace {

using hop::rtltest::Sim;
namespace regmap = hop::regmap;

constexpr uint32_t kQueues = QS_QUEUES;
constexpr uint32_t kDepth = QS_QDEPTH;
constexpr uint32_t kDescW = QS_DESC_W;
constexpr uint32_t kBase = QS_BASE;
constexpr uint32_t kQueueBits = QS_QAW;
constexpr size_t kDescBytes = (kDescW + 7) / 8;

using Desc = std::vector<uint8_t>;

// Bit i of a Verilated vector of any width.
template <typename T>
requires std::is_integral_v<T>
bool bit(const T& v, uint32_t i) { return (static_cast<uint64_t>(v) >> i) & 1; }
template <std::size_t N>
bool bit(const VlWide<N>& v, uint32_t i) {
    return (v[i / 32] >> (i % 32)) & 1;
}

class Bench {
  public:
    explicit Bench(uint32_t seed)
        : rng_(seed),
          queues_(kQueues),
          enqDepths_(kQueues),
          limits_(kQueues, kDepth),
          drops_(kQueues, 0) {
        idle();
    }

    void idle() {
        auto& m = sim_.model();
        m.enq_valid = m.deq_valid = 0;
        m.csr_wr = m.csr_rd = 0;
        m.csr_addr = m.csr_wdata = 0;
    }

    Desc randomDesc() {
        Desc d(kDescBytes);
        for (auto& b : d) b = static_cast<uint8_t>(rng_());
        if (kDescW % 8) d.back() &= static_cast<uint8_t>((1u << (kDescW % 8)) - 1);
        return d;
    }

    // One cycle with an optional enqueue, dequeue and LIMIT write, checked against the
    // reference: the nonempty vector before the edge, the done/drop/depth/descriptor after it.
    void cycle(std::optional<uint32_t> enq, std::optional<uint32_t> deq,
               std::optional<std::pair<uint32_t, uint32_t>> limit = std::nullopt) {
        auto& m = sim_.model();
        idle();
        sim_.settle();
        for (uint32_t q = 0; q < kQueues; ++q)
            ASSERT_EQ(nonempty(q), !queues_[q].empty())
                << "nonempty[" << q << "] at cycle " << sim_.cycles();
        for (uint32_t q = 0; q < kQueues; ++q)
            ASSERT_EQ(bit(m.multi, q), queues_[q].size() >= 2)
                << "multi[" << q << "] at cycle " << sim_.cycles();
        Desc d;
        if (enq) {
            d = randomDesc();
            m.enq_valid = 1;
            m.enq_queue = *enq;
            hop::rtltest::putBytes(m.enq_desc, d.data(), kDescBytes);
        }
        if (deq) {
            m.deq_valid = 1;
            m.deq_queue = *deq;
        }
        if (limit) {
            m.csr_wr = 1;
            m.csr_addr = kBase + 4 * regmap::kQueueWordLimit;
            m.csr_wdata = limit->second;
        }
        sim_.tick();
        // The reference, from the state before the edge.
        if (enq) {
            ASSERT_TRUE(m.enq_done);
            const bool known = *enq < kQueues;
            const bool ok = known && queues_[*enq].size() < limits_[*enq];
            ASSERT_EQ(static_cast<bool>(m.enq_dropped), !ok) << "enqueue to " << *enq;
            if (known) ASSERT_EQ(m.enq_depth, queues_[*enq].size()) << "enq_qdepth";
            if (!ok) {
                ++dropped;
                if (known) ++drops_[*enq];
            }
        } else {
            ASSERT_FALSE(m.enq_done);
        }
        const bool popped = deq && *deq < kQueues && !queues_[*deq].empty();
        ASSERT_EQ(static_cast<bool>(m.deq_done), popped);
        if (popped) {
            Desc got(kDescBytes);
            hop::rtltest::getBytes(m.deq_desc, got.data(), kDescBytes);
            if (kDescW % 8) got.back() &= static_cast<uint8_t>((1u << (kDescW % 8)) - 1);
            ASSERT_EQ(got, queues_[*deq].front()) << "the head of queue " << *deq;
            ASSERT_EQ(m.deq_depth, queues_[*deq].size() - 1) << "deq_qdepth";
            ASSERT_EQ(m.deq_enq_depth, enqDepths_[*deq].front()) << "the head's enq_qdepth";
            queues_[*deq].pop_front();
            enqDepths_[*deq].pop_front();
            ++dequeued;
        }
        if (enq && *enq < kQueues && !m.enq_dropped) {
            queues_[*enq].push_back(d);
            enqDepths_[*enq].push_back(m.enq_depth);
            ++enqueued;
        }
        if (limit) limits_[limit->first] = std::min(limit->second, kDepth);
    }

    bool nonempty(uint32_t q) { return bit(sim_.model().nonempty, q); }

    void write(uint32_t word, uint32_t value) {
        auto& m = sim_.model();
        idle();
        m.csr_wr = 1;
        m.csr_addr = kBase + 4 * word;
        m.csr_wdata = value;
        sim_.tick();
        idle();
        sim_.tick();
    }
    uint32_t read(uint32_t word) {
        auto& m = sim_.model();
        idle();
        m.csr_rd = 1;
        m.csr_addr = kBase + 4 * word;
        sim_.tick();
        idle();
        return m.csr_rdata;
    }
    uint32_t readQueue(uint32_t q, uint32_t word) {
        write(regmap::kQueueWordIndex, q);
        return read(word);
    }
    // LIMIT of queue q through a cycle of its own (INDEX first).
    void setLimit(uint32_t q, uint32_t value) {
        write(regmap::kQueueWordIndex, q);
        cycle(std::nullopt, std::nullopt, std::make_pair(q, value));
    }

    // A queue the reference holds entries in, or nullopt.
    std::optional<uint32_t> someNonempty() {
        std::vector<uint32_t> ne;
        for (uint32_t q = 0; q < kQueues; ++q)
            if (!queues_[q].empty()) ne.push_back(q);
        if (ne.empty()) return std::nullopt;
        return ne[rng_() % ne.size()];
    }

    std::mt19937& rng() { return rng_; }
    const std::vector<std::deque<Desc>>& queues() const { return queues_; }
    const std::vector<uint32_t>& limits() const { return limits_; }
    const std::vector<uint32_t>& drops() const { return drops_; }
    uint32_t enqueued = 0, dequeued = 0, dropped = 0;

  private:
    Sim<VMODEL> sim_;
    std::mt19937 rng_;
    std::vector<std::deque<Desc>> queues_;
    std::vector<std::deque<uint32_t>> enqDepths_;  // each entry's enq_qdepth
    std::vector<uint32_t> limits_, drops_;
};

// Random traffic in phases that fill the queues (more enqueues than dequeues, so limits bite),
// drain them, and mix, with limits changed as it runs.
TEST(QueueSet, RandomTrafficAsTheReference) {
    Bench b(21);
    const uint32_t queueSpace = 1u << kQueueBits;  // numbers past QUEUES included
    for (int phase = 0; phase < 6; ++phase) {
        const double pe = phase % 3 == 0 ? 0.9 : phase % 3 == 1 ? 0.2 : 0.6;
        const double pd = phase % 3 == 0 ? 0.2 : phase % 3 == 1 ? 0.9 : 0.6;
        for (int i = 0; i < 4000; ++i) {
            std::optional<uint32_t> enq, deq;
            if (std::bernoulli_distribution(pe)(b.rng()))
                enq = b.rng()() % 16 == 0 ? b.rng()() % queueSpace : b.rng()() % kQueues;
            if (std::bernoulli_distribution(pd)(b.rng()))
                deq = b.rng()() % 20 == 0 ? b.rng()() % queueSpace : b.someNonempty();
            if (i % 500 == 250) {
                const uint32_t q = b.rng()() % kQueues;
                const uint32_t v = b.rng()() % 3 == 0 ? 1000 : b.rng()() % (kDepth + 1);
                ASSERT_NO_FATAL_FAILURE(b.setLimit(q, v));
            }
            ASSERT_NO_FATAL_FAILURE(b.cycle(enq, deq));
        }
    }
    EXPECT_GT(b.dropped, 0u) << "the limits were never reached";
    EXPECT_EQ(b.read(regmap::kQueueWordEnqueued), b.enqueued);
    EXPECT_EQ(b.read(regmap::kQueueWordDequeued), b.dequeued);
    EXPECT_EQ(b.read(regmap::kQueueWordDropped), b.dropped);
    for (uint32_t q = 0; q < kQueues; ++q) {
        EXPECT_EQ(b.readQueue(q, regmap::kQueueWordDepth), b.queues()[q].size()) << q;
        EXPECT_EQ(b.readQueue(q, regmap::kQueueWordLimit), b.limits()[q]) << q;
        EXPECT_EQ(b.readQueue(q, regmap::kQueueWordDrops), b.drops()[q]) << q;
    }
    uint32_t depthBits = 0;
    while ((1u << depthBits) < kDepth) ++depthBits;
    EXPECT_EQ(b.read(regmap::kQueueWordInfo), depthBits << 8 | kQueues);
    EXPECT_EQ(b.readQueue(kQueues, regmap::kQueueWordDepth), 0u) << "a queue past QUEUES";
}

// Full rate: an enqueue and a dequeue in every cycle (the dequeue from the longest queue; every
// fourth cycle both on queue 0, which then holds one entry), all taken, order kept.
TEST(QueueSet, OneEnqueueAndOneDequeuePerClock) {
    Bench b(4);
    ASSERT_NO_FATAL_FAILURE(b.cycle(0, std::nullopt));
    ASSERT_NO_FATAL_FAILURE(b.cycle(1, std::nullopt));
    for (uint32_t i = 0; i < 4000; ++i) {
        uint32_t longest = 0;
        for (uint32_t q = 1; q < kQueues; ++q)
            if (b.queues()[q].size() > b.queues()[longest].size()) longest = q;
        const bool same = i % 4 == 0 && !b.queues()[0].empty();
        const uint32_t enq = same ? 0 : b.rng()() % kQueues;
        ASSERT_NO_FATAL_FAILURE(b.cycle(enq, same ? 0 : longest));
    }
    EXPECT_EQ(b.dropped, 0u);
    EXPECT_EQ(b.dequeued, 4000u) << "a dequeue in every cycle";
}

}  // namespace
