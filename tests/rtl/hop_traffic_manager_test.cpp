// SPDX-License-Identifier: Apache-2.0
// hop_traffic_manager against BMv2 simple_switch's traffic manager as its documents define it:
// a frame goes to the group's copies (one per port of each node, egress_rid the node's,
// instance_type 5) when mcast_grp is set, else is dropped at egress_spec 511 (or a port that
// does not exist), else goes to egress_spec (instance_type 0); each copy waits in the queue of
// its port and priority, higher priorities first, tail drop when the queue is full;
// enq_qdepth is the depth a copy found, deq_qdepth the depth it left. Checked with random
// frames and decisions on every port at once, ports that stop and start, backpressure on both
// outputs: every copy is one the reference expects, carries its frame unchanged and leaves its
// queue in order; what does not leave is counted as a drop; the buffer gets every cell back.
// Word offsets come from compiler/src/regmap/{tm,buffer,queue,replicator}_words.hpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <vector>

#include VMODEL_HEADER
#include "compiler/src/regmap/buffer_words.hpp"
#include "compiler/src/regmap/queue_words.hpp"
#include "compiler/src/regmap/replicator_words.hpp"
#include "compiler/src/regmap/tm_words.hpp"
#include "verilator_util.hpp"

namespace {

using hop::rtltest::Sim;
namespace regmap = hop::regmap;
using Bytes = std::vector<uint8_t>;

constexpr uint32_t kWidth = TM_DATA_W;
constexpr uint32_t kLanes = kWidth / 8;
constexpr uint32_t kPorts = TM_PORTS;
constexpr uint32_t kPrios = TM_PRIOS;
constexpr uint32_t kDescW = TM_DESC_W;
constexpr uint32_t kCells = TM_CELLS;
constexpr uint32_t kQDepth = TM_QDEPTH;
constexpr uint32_t kBase = TM_BASE;
constexpr uint32_t kDescMask = kDescW >= 32 ? 0xffffffffu : (1u << kDescW) - 1;
// BMv2's PKT_INSTANCE_TYPE_NORMAL and PKT_INSTANCE_TYPE_REPLICATION.
constexpr uint32_t kNormal = 0, kReplication = 5;

struct Frame {
    uint32_t id = 0;
    Bytes bytes;
    uint32_t spec = 0, group = 0, prio = 0;
};
// A copy as it left: its decision's fields and its frame.
struct Copy {
    uint32_t desc = 0, port = 0, rid = 0, inst = 0, enqTs = 0, enqDepth = 0, delta = 0,
             deqDepth = 0;
    uint64_t cycle = 0;  // when its decision was taken
    Bytes bytes;
};
struct Node {
    uint32_t rid = 0, ports = 0;
};

class Bench {
  public:
    explicit Bench(uint32_t seed) : rng_(seed) {
        idle();
        EXPECT_TRUE(csr(regmap::kTmOwnOffset, regmap::kTmWordInfo) >> 23 & 1) << "busy after reset";
        for (uint32_t i = 0; i < kCells + 8 && (csr(regmap::kTmOwnOffset, 0) >> 23 & 1); ++i) {
        }
        EXPECT_EQ(csr(regmap::kTmOwnOffset, regmap::kTmWordInfo), kPrios << 8 | kPorts);
        EXPECT_EQ(csr(regmap::kTmBufferOffset, regmap::kBufferWordFree), kCells);
    }

    void idle() {
        auto& m = sim_.model();
        m.csr_rd = m.csr_wr = 0;
        m.csr_addr = m.csr_wdata = 0;
    }

    // A frame whose first four bytes are its id (so a copy names its frame), the rest random.
    Frame frame(size_t len, uint32_t spec, uint32_t group = 0, uint32_t prio = 0) {
        Frame f;
        f.id = nextId_++;
        f.bytes.resize(std::max<size_t>(len, 4));
        for (auto& b : f.bytes) b = static_cast<uint8_t>(rng_());
        for (int i = 0; i < 4; ++i) f.bytes[i] = static_cast<uint8_t>(f.id >> (8 * i));
        f.spec = spec;
        f.group = group;
        f.prio = prio;
        return f;
    }
    void send(const Frame& f) {
        frames_[f.id] = f;
        toWrite_.push_back(f.id);
        toDecide_.push_back(f.id);
    }

    // One clock: the frame input offers its next beat and the decision input its next
    // decision (unless idle), the outputs are ready unless stalled; what leaves is recorded.
    void tick() {
        auto& m = sim_.model();
        const bool beat = !toWrite_.empty() && !std::bernoulli_distribution(idleFrame)(rng_);
        m.s_frame_tvalid = beat;
        if (beat) {
            const Bytes& b = frames_[toWrite_.front()].bytes;
            const size_t off = size_t{inBeat_} * kLanes;
            const size_t n = std::min<size_t>(kLanes, b.size() - off);
            hop::rtltest::putBytes(m.s_frame_tdata, b.data() + off, n);
            const uint64_t keep = n >= 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1;
            hop::rtltest::putField(m.s_frame_tkeep, 0, kLanes, keep);
            m.s_frame_tlast = off + n == b.size();
        }
        const bool dec = !toDecide_.empty() && !std::bernoulli_distribution(idleDec)(rng_);
        m.s_dec_valid = dec;
        if (dec) {
            const Frame& f = frames_[toDecide_.front()];
            hop::rtltest::putField(m.s_dec_desc, 0, kDescW, f.id & kDescMask);
            m.s_dec_egress_spec = f.spec;
            m.s_dec_mcast_grp = f.group;
            m.s_dec_priority = f.prio;
        }
        uint32_t ready = portReady;
        for (uint32_t p = 0; p < kPorts; ++p)
            if (std::bernoulli_distribution(portFlap)(rng_)) ready &= ~(1u << p);
        m.port_ready = ready;
        m.m_dec_ready = !std::bernoulli_distribution(stallDec)(rng_);
        m.m_frame_tready = !std::bernoulli_distribution(stallFrame)(rng_);
        m.now = static_cast<uint32_t>(sim_.cycles());
        sim_.settle();
        const bool beatFire = beat && m.s_frame_tready;
        const bool decFire = dec && m.s_dec_ready;
        if (m.m_dec_valid && m.m_dec_ready) {
            Copy c;
            c.desc = static_cast<uint32_t>(hop::rtltest::getField(m.m_dec_desc, 0, kDescW));
            c.port = m.m_dec_egress_port;
            c.rid = m.m_dec_egress_rid;
            c.inst = m.m_dec_instance_type;
            c.enqTs = m.m_dec_enq_timestamp;
            c.enqDepth = m.m_dec_enq_qdepth;
            c.delta = m.m_dec_deq_timedelta;
            c.deqDepth = m.m_dec_deq_qdepth;
            c.cycle = sim_.cycles();
            decs_.push_back(c);
        }
        if (m.m_frame_tvalid && m.m_frame_tready) {
            Bytes beatBytes(kLanes);
            hop::rtltest::getBytes(m.m_frame_tdata, beatBytes.data(), kLanes);
            const uint64_t keep = hop::rtltest::getField(m.m_frame_tkeep, 0, kLanes);
            const int n = std::popcount(keep);
            outFrame_.insert(outFrame_.end(), beatBytes.begin(), beatBytes.begin() + n);
            if (m.m_frame_tlast) {
                outFrames_.push_back(outFrame_);
                outFrame_.clear();
            }
        }
        sim_.tick();
        idle();
        if (beatFire) {
            const Bytes& b = frames_[toWrite_.front()].bytes;
            if (size_t{++inBeat_} * kLanes >= b.size()) {
                inBeat_ = 0;
                toWrite_.pop_front();
            }
        }
        if (decFire) toDecide_.pop_front();
    }

    uint32_t csr(uint32_t block, uint32_t word) {
        tick();
        tick();
        auto& m = sim_.model();
        m.csr_rd = 1;
        m.csr_addr = kBase + block + 4 * word;
        tick();
        return m.csr_rdata;
    }
    void write(uint32_t block, uint32_t word, uint32_t value) {
        auto& m = sim_.model();
        m.csr_wr = 1;
        m.csr_addr = kBase + block + 4 * word;
        m.csr_wdata = value;
        tick();
        tick();
    }
    uint32_t queueWord(uint32_t queue, uint32_t word) {
        write(regmap::kTmQueuesOffset, regmap::kQueueWordIndex, queue);
        return csr(regmap::kTmQueuesOffset, word);
    }
    // A multicast group of nodes at `base`, with its copies word as the runtime computes it.
    void group(uint32_t g, uint32_t base, const std::vector<Node>& nodes) {
        uint32_t copies = 0;
        for (uint32_t i = 0; i < nodes.size(); ++i) {
            replCommand(base + i, regmap::kReplWriteNode, nodes[i].rid, nodes[i].ports);
            copies += std::popcount(nodes[i].ports);
        }
        replCommand(g, regmap::kReplWriteGroup, base | copies << 16,
                    static_cast<uint32_t>(nodes.size()));
        groups_[g] = nodes;
    }

    // The copies the reference expects of a frame: (port, rid, instance_type), in order.
    std::vector<std::array<uint32_t, 3>> expected(const Frame& f) const {
        std::vector<std::array<uint32_t, 3>> out;
        if (f.group != 0) {
            const auto it = groups_.find(f.group);
            if (it == groups_.end()) return out;
            for (const Node& n : it->second)
                for (uint32_t p = 0; p < kPorts; ++p)
                    if (n.ports >> p & 1) out.push_back({p, n.rid, kReplication});
        } else if (f.spec < kPorts) {
            out.push_back({f.spec, 0, kNormal});
        }
        return out;
    }

    // Runs until nothing is left to send and `copies` copies left (or a bound).
    void runUntil(size_t copies, uint64_t bound = 200000) {
        for (uint64_t i = 0; i < bound && (!toWrite_.empty() || !toDecide_.empty() ||
                                           decs_.size() < copies || outFrames_.size() < copies);
             ++i)
            tick();
    }
    // Every port ready, no stall, until nothing moves for a while.
    void drain() {
        portReady = (1u << kPorts) - 1;
        portFlap = stallDec = stallFrame = 0;
        size_t last = decs_.size();
        for (int quiet = 0; quiet < 400;) {
            tick();
            quiet = decs_.size() == last && toWrite_.empty() && toDecide_.empty() ? quiet + 1 : 0;
            last = decs_.size();
        }
    }
    // The copies that left, each with its frame, checked against the frames sent: the same
    // bytes as its frame, a decision the reference expects of it.
    std::vector<Copy> copies() {
        EXPECT_EQ(decs_.size(), outFrames_.size()) << "a frame per decision";
        std::vector<Copy> out;
        for (size_t i = 0; i < std::min(decs_.size(), outFrames_.size()); ++i) {
            Copy c = decs_[i];
            c.bytes = outFrames_[i];
            const uint32_t id = c.bytes.size() >= 4 ? c.bytes[0] | c.bytes[1] << 8 |
                                                          c.bytes[2] << 16 | c.bytes[3] << 24
                                                    : ~0u;
            const auto it = frames_.find(id);
            EXPECT_NE(it, frames_.end()) << "copy " << i << " carries no frame sent";
            if (it == frames_.end()) continue;
            EXPECT_EQ(c.bytes, it->second.bytes) << "copy " << i << " of frame " << id;
            EXPECT_EQ(c.desc, id & kDescMask) << "copy " << i << ": its decision and frame";
            out.push_back(c);
        }
        return out;
    }
    static uint32_t idOf(const Copy& c) {
        return c.bytes[0] | c.bytes[1] << 8 | c.bytes[2] << 16 | c.bytes[3] << 24;
    }
    const Frame& sent(uint32_t id) { return frames_.at(id); }
    std::mt19937& rng() { return rng_; }
    uint64_t cycles() { return sim_.cycles(); }

    double idleFrame = 0, idleDec = 0, stallDec = 0, stallFrame = 0, portFlap = 0;
    uint32_t portReady = (1u << kPorts) - 1;

  private:
    void replCommand(uint32_t index, uint32_t op, uint32_t d0, uint32_t d1) {
        write(regmap::kTmReplicatorOffset, regmap::kReplWordIndex, index);
        write(regmap::kTmReplicatorOffset, regmap::kReplWordData0, d0);
        write(regmap::kTmReplicatorOffset, regmap::kReplWordData1, d1);
        write(regmap::kTmReplicatorOffset, regmap::kReplWordCmd, op);
        ASSERT_EQ(csr(regmap::kTmReplicatorOffset, regmap::kReplWordCmd), 0u) << "refused";
    }

    Sim<VMODEL> sim_;
    std::mt19937 rng_;
    uint32_t nextId_ = 1;
    std::map<uint32_t, Frame> frames_;
    std::map<uint32_t, std::vector<Node>> groups_;
    std::deque<uint32_t> toWrite_, toDecide_;
    uint32_t inBeat_ = 0;
    std::vector<Copy> decs_;
    std::vector<Bytes> outFrames_;
    Bytes outFrame_;
};

uint32_t queueOf(uint32_t port, uint32_t prio) { return regmap::tmQueue(port, prio, kPrios); }

// Random frames and decisions (unicast at every priority, drops, multicast groups, groups that
// do not exist) on all ports at once, with idle inputs, ports that stop and start and both
// outputs stalled at random. Every copy is expected, whole and in its queue's order; per queue
// what was expected and did not leave is what the queue counted as dropped; every cell returns.
TEST(TrafficManager, RandomTrafficAsTheReference) {
    Bench b(7);
    b.group(1, 0, {{11, 0x3}, {12, 0x4}});
    b.group(2, 2, {{21, (1u << kPorts) - 1}});
    b.group(3, 3, {{31, 0x1}, {32, 0}, {33, 0x8}});  // an empty node in the middle
    b.group(4, 6, {{41, 0}});                        // no copy at all
    b.idleFrame = b.idleDec = 0.2;
    b.stallDec = b.stallFrame = 0.3;
    b.portFlap = 0.3;
    constexpr int kFrames = 1500;
    std::map<uint32_t, std::vector<uint32_t>> wantPerQueue;  // frame ids, in order
    for (int i = 0; i < kFrames; ++i) {
        const uint32_t r = b.rng()() % 10;
        const size_t len = 4 + b.rng()() % (3 * kLanes - 3);
        const uint32_t prio = b.rng()() % 8;
        Frame f;
        if (r < 5)
            f = b.frame(len, b.rng()() % kPorts, 0, prio);
        else if (r == 5)
            f = b.frame(len, b.rng()() % 2 ? 511 : kPorts + b.rng()() % 8, 0, prio);
        else if (r < 9)
            f = b.frame(len, b.rng()() % 512, 1 + b.rng()() % 4, prio);
        else
            f = b.frame(len, 0, b.rng()() % 2 ? 5 : 0x8000, prio);  // no such group
        b.send(f);
        for (const auto& c : b.expected(f)) wantPerQueue[queueOf(c[0], prio)].push_back(f.id);
    }
    b.runUntil(0, 60000);
    b.drain();
    std::map<uint32_t, std::vector<uint32_t>> gotPerQueue;
    std::set<std::array<uint32_t, 3>> seen;
    for (const Copy& c : b.copies()) {
        const uint32_t id = Bench::idOf(c);
        const Frame& f = b.sent(id);
        const auto exp = b.expected(f);
        ASSERT_NE(std::find(exp.begin(), exp.end(), std::array<uint32_t, 3>{c.port, c.rid, c.inst}),
                  exp.end())
            << "frame " << id << " to port " << c.port << " rid " << c.rid;
        ASSERT_TRUE(seen.insert({id, c.port, c.rid}).second) << "frame " << id << " twice";
        gotPerQueue[queueOf(c.port, f.prio)].push_back(id);
        ASSERT_LE(c.enqTs + c.delta, c.cycle) << "dequeued before it left";
        ASSERT_LT(c.enqDepth, kQDepth + 1);
    }
    // Per queue: what left is what was expected, in order, less the tail drops (no frame has
    // two copies for one port here).
    std::map<uint32_t, uint32_t> missing;
    for (const auto& [q, want] : wantPerQueue) {
        const auto& got = gotPerQueue[q];
        size_t j = 0;
        for (uint32_t id : want)
            if (j < got.size() && got[j] == id) ++j;
        ASSERT_EQ(j, got.size()) << "queue " << q << ": out of order or unexpected";
        missing[q] = static_cast<uint32_t>(want.size() - got.size());
    }
    uint32_t totalMissing = 0;
    for (uint32_t q = 0; q < kPorts * kPrios; ++q) {
        EXPECT_EQ(b.queueWord(q, regmap::kQueueWordDrops), missing[q]) << "queue " << q;
        EXPECT_EQ(b.queueWord(q, regmap::kQueueWordDepth), 0u) << "queue " << q;
        totalMissing += missing[q];
    }
    EXPECT_GT(totalMissing, 0u) << "the ports that stopped made queues overflow";
    EXPECT_EQ(b.csr(regmap::kTmOwnOffset, regmap::kTmWordDecisions),
              static_cast<uint32_t>(kFrames));
    EXPECT_EQ(b.csr(regmap::kTmOwnOffset, regmap::kTmWordNoBuffer), 0u);
    EXPECT_EQ(b.csr(regmap::kTmBufferOffset, regmap::kBufferWordFree), kCells) << "a cell leaked";
}

// A stopped port's queue: the copies that fit wait, the rest are dropped at the tail and
// counted; when the port starts they leave in order, each with the depth it found (0, 1, ...)
// and the depth it left (..., 1, 0), and the time it waited.
TEST(TrafficManager, TailDropAndQueueDepths) {
    Bench b(3);
    b.portReady = 0x1;  // port 1 stopped
    constexpr uint32_t kSent = kQDepth + 5;
    std::vector<uint32_t> ids;
    for (uint32_t i = 0; i < kSent; ++i) {
        const Frame f = b.frame(3 * kLanes, 1, 0, 2);
        ids.push_back(f.id);
        b.send(f);
    }
    b.runUntil(0, 2000);
    for (int i = 0; i < 200; ++i) b.tick();
    EXPECT_EQ(b.copies().size(), 0u);
    const uint32_t q = queueOf(1, 2);
    EXPECT_EQ(b.queueWord(q, regmap::kQueueWordDepth), kQDepth);
    EXPECT_EQ(b.queueWord(q, regmap::kQueueWordDrops), kSent - kQDepth);
    b.drain();
    const auto got = b.copies();
    ASSERT_EQ(got.size(), kQDepth);
    for (uint32_t i = 0; i < kQDepth; ++i) {
        EXPECT_EQ(Bench::idOf(got[i]), ids[i]);
        EXPECT_EQ(got[i].port, 1u);
        EXPECT_EQ(got[i].inst, kNormal);
        EXPECT_EQ(got[i].enqDepth, i) << "enq_qdepth of copy " << i;
        EXPECT_EQ(got[i].deqDepth, kQDepth - 1 - i) << "deq_qdepth of copy " << i;
        EXPECT_GT(got[i].delta, 200u) << "deq_timedelta of copy " << i;
    }
    EXPECT_EQ(b.csr(regmap::kTmBufferOffset, regmap::kBufferWordFree), kCells);
}

// PAUSE: a paused port's copies wait in its queues (port_ready high all along) while other
// ports' leave; the word reads back; cleared, the copies leave in order, with the depths
// BMv2 defines (enq_qdepth the copies ahead, deq_qdepth those left behind).
TEST(TrafficManager, PausedPortWaits) {
    Bench b(8);
    b.write(regmap::kTmOwnOffset, regmap::kTmWordPause, 1u << 2);
    EXPECT_EQ(b.csr(regmap::kTmOwnOffset, regmap::kTmWordPause), 1u << 2);
    std::vector<uint32_t> held;
    for (uint32_t i = 0; i < 6; ++i) {
        const Frame f = b.frame(2 * kLanes, 2);
        held.push_back(f.id);
        b.send(f);
        b.send(b.frame(kLanes, 1));
    }
    b.runUntil(6, 4000);
    for (int i = 0; i < 200; ++i) b.tick();
    auto got = b.copies();
    ASSERT_EQ(got.size(), 6u) << "port 1's copies only";
    for (const Copy& c : got) EXPECT_EQ(c.port, 1u);
    EXPECT_EQ(b.queueWord(queueOf(2, 0), regmap::kQueueWordDepth), 6u);
    b.write(regmap::kTmOwnOffset, regmap::kTmWordPause, 0);
    b.drain();
    got = b.copies();
    ASSERT_EQ(got.size(), 12u);
    for (uint32_t i = 0; i < 6; ++i) {
        const Copy& c = got[6 + i];
        EXPECT_EQ(Bench::idOf(c), held[i]);
        EXPECT_EQ(c.port, 2u);
        EXPECT_EQ(c.enqDepth, i) << "enq_qdepth of copy " << i;
        EXPECT_EQ(c.deqDepth, 5 - i) << "deq_qdepth of copy " << i;
    }
    EXPECT_EQ(b.csr(regmap::kTmBufferOffset, regmap::kBufferWordFree), kCells);
}

// Strict priority in a port: queued while the port was stopped, the copies leave highest
// priority first, each priority in order, one per clock (when a priority's last copy leaves,
// the next priority's first follows at once); a priority past the port's queues goes to its
// last.
TEST(TrafficManager, StrictPriority) {
    Bench b(4);
    b.portReady = 0;
    std::vector<std::vector<uint32_t>> perPrio(kPrios);
    for (uint32_t i = 0; i < 3 * kPrios; ++i) {
        const uint32_t prio = (i * 5) % 8;
        const Frame f = b.frame(kLanes, 0, 0, prio);
        perPrio[std::min(prio, kPrios - 1)].push_back(f.id);
        b.send(f);
    }
    b.runUntil(0, 2000);
    for (int i = 0; i < 50; ++i) b.tick();
    b.drain();
    std::vector<uint32_t> want;
    for (uint32_t p = kPrios; p-- > 0;)
        want.insert(want.end(), perPrio[p].begin(), perPrio[p].end());
    std::vector<uint32_t> got;
    const auto copies = b.copies();
    for (const Copy& c : copies) got.push_back(Bench::idOf(c));
    EXPECT_EQ(got, want);
    ASSERT_FALSE(copies.empty());
    EXPECT_EQ(copies.back().cycle - copies.front().cycle + 1, copies.size()) << "a gap";
}

// Round robin over the ports: with every port's queue full, one copy from each port in turn.
TEST(TrafficManager, RoundRobinOverPorts) {
    Bench b(5);
    b.portReady = 0;
    for (uint32_t i = 0; i < 4; ++i)
        for (uint32_t p = 0; p < kPorts; ++p) b.send(b.frame(kLanes, p));
    b.runUntil(0, 2000);
    for (int i = 0; i < 50; ++i) b.tick();
    b.drain();
    const auto got = b.copies();
    ASSERT_EQ(got.size(), 4 * kPorts);
    for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].port, i % kPorts) << "copy " << i;
}

// Nothing waits: one-beat unicast frames back to back, to every port in turn or all to one
// port, leave one per clock, and one multicast frame to every port makes a copy every clock.
TEST(TrafficManager, OneCopyPerClock) {
    for (const int mode : {0, 1, 2}) {
        const bool multicast = mode == 2;
        Bench b(6);
        if (multicast) b.group(1, 0, {{1, (1u << kPorts) - 1}});
        constexpr uint32_t kN = 400;
        for (uint32_t i = 0; i < kN; ++i)
            b.send(multicast ? b.frame(kLanes, 0, 1) : b.frame(kLanes, mode == 0 ? i % kPorts : 2));
        const uint32_t copies = multicast ? kN * kPorts : kN;
        b.runUntil(copies, 20000);
        const auto got = b.copies();
        // Unicast: every frame; multicast: the queues overflow (frames come kPorts times as
        // fast as their copies can leave), so count the copies over the busy stretch.
        if (!multicast) ASSERT_EQ(got.size(), kN);
        ASSERT_GT(got.size(), 100u);
        const uint64_t span = got.back().cycle - got.front().cycle + 1;
        EXPECT_EQ(span, got.size()) << "mode " << mode << ": a copy every clock";
    }
}

// Frames the buffer cannot hold are dropped whole (NO_BUFFER), the others go through; a
// decision of egress_spec 511 or a port that does not exist drops its frame (DROPPED_SPEC);
// every cell comes back.
TEST(TrafficManager, BufferFullAndDroppedFrames) {
    Bench b(8);
    b.portReady = 0;
    const size_t third = (kCells / 3 + 8) * kLanes;  // three do not fit
    std::vector<uint32_t> ids;
    for (int i = 0; i < 3; ++i) {
        const Frame f = b.frame(third, 0, 0, static_cast<uint32_t>(i));
        ids.push_back(f.id);
        b.send(f);
    }
    b.send(b.frame(kLanes, 511));
    b.send(b.frame(kLanes, kPorts));
    b.runUntil(0, 20000);
    for (int i = 0; i < 50; ++i) b.tick();
    b.drain();
    const auto got = b.copies();
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(Bench::idOf(got[0]), ids[1]) << "priority 1 first";
    EXPECT_EQ(Bench::idOf(got[1]), ids[0]);
    EXPECT_EQ(b.csr(regmap::kTmOwnOffset, regmap::kTmWordNoBuffer), 1u);
    EXPECT_EQ(b.csr(regmap::kTmOwnOffset, regmap::kTmWordDroppedSpec), 2u);
    EXPECT_EQ(b.csr(regmap::kTmOwnOffset, regmap::kTmWordUnicast), 2u);
    EXPECT_EQ(b.csr(regmap::kTmOwnOffset, regmap::kTmWordCopies), 2u);
    EXPECT_EQ(b.csr(regmap::kTmBufferOffset, regmap::kBufferWordFree), kCells);
}

// A multicast frame is kept until its last copy is read, whatever the order the ports take
// them in and whether some are dropped at full queues: then, and only then, its cells return.
TEST(TrafficManager, MulticastFramesFreedByTheirLastCopy) {
    Bench b(9);
    b.group(1, 0, {{7, (1u << kPorts) - 1}, {8, 0x1}});
    b.portReady = 0x1;                    // only port 0 moves
    constexpr uint32_t kN = kQDepth + 3;  // the other ports' queues overflow
    for (uint32_t i = 0; i < kN; ++i) b.send(b.frame(2 * kLanes, 0, 1, 0));
    b.runUntil(0, 5000);
    for (int i = 0; i < 200; ++i) b.tick();
    // Port 0 took its copies (two per frame), the others hold theirs: every frame still in.
    EXPECT_EQ(b.copies().size(), 2 * kN);
    EXPECT_EQ(b.csr(regmap::kTmBufferOffset, regmap::kBufferWordFree), kCells - 2 * kQDepth);
    b.drain();
    const auto got = b.copies();
    EXPECT_EQ(got.size(), 2 * kN + (kPorts - 1) * kQDepth);
    for (uint32_t p = 1; p < kPorts; ++p)
        EXPECT_EQ(b.queueWord(queueOf(p, 0), regmap::kQueueWordDrops), kN - kQDepth);
    EXPECT_EQ(b.csr(regmap::kTmBufferOffset, regmap::kBufferWordFree), kCells);
}

}  // namespace
