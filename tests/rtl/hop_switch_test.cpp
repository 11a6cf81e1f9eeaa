// SPDX-License-Identifier: Apache-2.0
// hop_switch, the v1model switch around a program's two pipelines, with the testbench playing
// both pipelines: its "ingress" reads each frame's decision from the frame's own bytes (byte 4
// and bit 0 of byte 5: egress_spec; bytes 6-7: mcast_grp) and passes the frame on whole; its
// "egress" sends each copy's frame out to the copy's egress port with the copy's egress_rid in
// byte 8 and instance_type in byte 9. Checked: frames from every front-panel port and from the
// host reach ingress with their ingress port (CPU_PORT for the host's); every copy comes out of
// the port the decision names (the host for CPU_PORT), as many as the group has, in the order
// the frames reached ingress; what a congested port's queue could not hold is what the traffic
// manager counted as dropped, and the output queues, which the traffic manager never
// overfills, drop nothing; every buffer cell comes back.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <deque>
#include <map>
#include <random>
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

constexpr uint32_t kWidth = SW_DATA_W;
constexpr uint32_t kLanes = kWidth / 8;
constexpr uint32_t kPorts = SW_PORTS;
constexpr uint32_t kCpuPort = SW_CPU_PORT;
constexpr uint32_t kPrios = SW_PRIOS;
constexpr uint32_t kCells = SW_CELLS;
constexpr uint32_t kDescW = SW_DESC_W;
constexpr uint32_t kHost = kPorts;  // outputs: the front-panel ports, then the host
constexpr uint32_t kOutQueues = 0x200, kDemux = 0x80;

uint32_t idOf(const Bytes& f) { return f[0] | f[1] << 8 | f[2] << 16 | f[3] << 24; }

// A stream of frames beat by beat.
struct Sender {
    std::deque<Bytes> frames;
    size_t beat = 0;
    bool has() const { return !frames.empty(); }
    const Bytes& front() const { return frames.front(); }
    // The current beat's bytes and whether it is the last.
    std::pair<Bytes, bool> current() const {
        const Bytes& f = frames.front();
        const size_t off = beat * kLanes;
        const size_t n = std::min<size_t>(kLanes, f.size() - off);
        return {Bytes(f.begin() + off, f.begin() + off + n), off + n == f.size()};
    }
    void advance() {
        if (++beat * kLanes >= frames.front().size()) {
            beat = 0;
            frames.pop_front();
        }
    }
};
// Beats collected into frames.
struct Collector {
    Bytes cur;
    std::vector<Bytes> frames;
    void add(const Bytes& b, bool last) {
        cur.insert(cur.end(), b.begin(), b.end());
        if (last) {
            frames.push_back(cur);
            cur.clear();
        }
    }
};

class Bench {
  public:
    explicit Bench(uint32_t seed) : rng_(seed) {
        for (int i = 0; i < static_cast<int>(kCells) + 20; ++i) tick();
    }

    Bytes frame(uint32_t len, uint32_t spec, uint32_t group = 0) {
        Bytes f(std::max<uint32_t>(len, 10));
        for (auto& b : f) b = static_cast<uint8_t>(rng_());
        const uint32_t id = nextId_++;
        for (int i = 0; i < 4; ++i) f[i] = static_cast<uint8_t>(id >> (8 * i));
        f[4] = static_cast<uint8_t>(spec);
        f[5] = static_cast<uint8_t>(spec >> 8 & 1);
        f[6] = static_cast<uint8_t>(group);
        f[7] = static_cast<uint8_t>(group >> 8);
        sent_[id] = f;
        return f;
    }
    void sendPort(uint32_t p, const Bytes& f) { in_[p].frames.push_back(f); }
    void sendHost(const Bytes& f) { in_[kHost].frames.push_back(f); }

    void tick() {
        auto& m = sim_.model();
        // Inputs: the front-panel ports and the host.
        for (uint32_t p = 0; p <= kPorts; ++p) {
            const bool offer = in_[p].has() && !std::bernoulli_distribution(idleIn)(rng_);
            Bytes b;
            bool last = false;
            if (offer) std::tie(b, last) = in_[p].current();
            const uint64_t keep = offer ? (b.size() >= 64 ? ~0ull : (1ull << b.size()) - 1) : 0;
            if (p < kPorts) {
                hop::rtltest::putBytesAt(m.s_port_tdata, p * kLanes, b.data(), b.size());
                hop::rtltest::putField(m.s_port_tkeep, p * kLanes, kLanes, keep);
                hop::rtltest::putField(m.s_port_tvalid, p, 1, offer);
                hop::rtltest::putField(m.s_port_tlast, p, 1, last);
            } else {
                hop::rtltest::putBytes(m.s_host_tdata, b.data(), b.size());
                hop::rtltest::putField(m.s_host_tkeep, 0, kLanes, keep);
                m.s_host_tvalid = offer;
                m.s_host_tlast = last;
            }
        }
        // The testbench's ingress: takes frames, gives each on with its decision.
        m.m_ing_tready = !std::bernoulli_distribution(stallIng)(rng_);
        const bool frameOut = ingFrames_.has();
        if (frameOut) {
            auto [b, last] = ingFrames_.current();
            hop::rtltest::putBytes(m.s_ing_frame_tdata, b.data(), b.size());
            hop::rtltest::putField(m.s_ing_frame_tkeep, 0, kLanes,
                                   b.size() >= 64 ? ~0ull : (1ull << b.size()) - 1);
            m.s_ing_frame_tlast = last;
        }
        m.s_ing_frame_tvalid = frameOut;
        m.s_ing_dec_valid = !ingDecs_.empty();
        if (!ingDecs_.empty()) {
            const Bytes& f = ingDecs_.front();
            hop::rtltest::putField(m.s_ing_dec_desc, 0, kDescW, idOf(f));
            m.s_ing_dec_egress_spec = f[4] | (f[5] & 1) << 8;
            m.s_ing_dec_mcast_grp = f[6] | f[7] << 8;
            m.s_ing_dec_priority = 0;
        }
        // The testbench's egress: a decision and its frame in, the frame out to its port
        // (one frame waiting at most).
        m.m_egr_dec_ready = egrDecs_.size() < 2 && !std::bernoulli_distribution(stallEgr)(rng_);
        m.m_egr_frame_tready = !std::bernoulli_distribution(stallEgr)(rng_);
        const bool egrOut = egrOut_.has();
        if (egrOut) {
            auto [b, last] = egrOut_.current();
            hop::rtltest::putBytes(m.s_egr_tdata, b.data(), b.size());
            hop::rtltest::putField(m.s_egr_tkeep, 0, kLanes,
                                   b.size() >= 64 ? ~0ull : (1ull << b.size()) - 1);
            m.s_egr_tlast = last;
            m.s_egr_tuser = egrPorts_.front();
        }
        m.s_egr_tvalid = egrOut;
        // Outputs.
        for (uint32_t p = 0; p < kPorts; ++p)
            hop::rtltest::putField(m.m_port_tready, p, 1,
                                   !std::bernoulli_distribution(stallOut[p])(rng_));
        m.m_host_tready = !std::bernoulli_distribution(stallOut[kHost])(rng_);
        m.now = static_cast<uint32_t>(sim_.cycles());
        m.csr_wr = csrWr_;
        m.csr_rd = csrRd_;
        m.csr_addr = csrAddr_;
        m.csr_wdata = csrData_;
        csrWr_ = csrRd_ = false;
        sim_.settle();

        std::vector<bool> inFire(kPorts + 1);
        for (uint32_t p = 0; p < kPorts; ++p)
            inFire[p] = hop::rtltest::getField(m.s_port_tvalid, p, 1) &&
                        hop::rtltest::getField(m.s_port_tready, p, 1);
        inFire[kHost] = m.s_host_tvalid && m.s_host_tready;
        if (m.m_ing_tvalid && m.m_ing_tready) {
            Bytes b(kLanes);
            hop::rtltest::getBytes(m.m_ing_tdata, b.data(), kLanes);
            b.resize(std::popcount(hop::rtltest::getField(m.m_ing_tkeep, 0, kLanes)));
            if (ing_.cur.empty()) ingPorts.push_back(m.m_ing_tuser);
            ing_.add(b, m.m_ing_tlast);
            if (m.m_ing_tlast) {
                ingFrames_.frames.push_back(ing_.frames.back());
                ingDecs_.push_back(ing_.frames.back());
            }
        }
        const bool ingFrameFire = frameOut && m.s_ing_frame_tready;
        const bool ingDecFire = m.s_ing_dec_valid && m.s_ing_dec_ready;
        if (m.m_egr_dec_valid && m.m_egr_dec_ready)
            egrDecs_.push_back(
                {m.m_egr_dec_egress_port, m.m_egr_dec_egress_rid, m.m_egr_dec_instance_type});
        if (m.m_egr_frame_tvalid && m.m_egr_frame_tready) {
            Bytes b(kLanes);
            hop::rtltest::getBytes(m.m_egr_frame_tdata, b.data(), kLanes);
            b.resize(std::popcount(hop::rtltest::getField(m.m_egr_frame_tkeep, 0, kLanes)));
            egrIn_.add(b, m.m_egr_frame_tlast);
        }
        const bool egrFire = egrOut && m.s_egr_tready;
        for (uint32_t p = 0; p < kPorts; ++p)
            if (hop::rtltest::getField(m.m_port_tvalid, p, 1) &&
                hop::rtltest::getField(m.m_port_tready, p, 1)) {
                Bytes b(kLanes);
                hop::rtltest::getBytesAt(m.m_port_tdata, p * kLanes, b.data(), kLanes);
                b.resize(std::popcount(hop::rtltest::getField(m.m_port_tkeep, p * kLanes, kLanes)));
                out[p].add(b, hop::rtltest::getField(m.m_port_tlast, p, 1));
            }
        if (m.m_host_tvalid && m.m_host_tready) {
            Bytes b(kLanes);
            hop::rtltest::getBytes(m.m_host_tdata, b.data(), kLanes);
            b.resize(std::popcount(hop::rtltest::getField(m.m_host_tkeep, 0, kLanes)));
            out[kHost].add(b, m.m_host_tlast);
        }
        rdata_ = m.csr_rdata;
        sim_.tick();
        for (uint32_t p = 0; p <= kPorts; ++p)
            if (inFire[p]) in_[p].advance();
        if (ingFrameFire) ingFrames_.advance();
        if (ingDecFire) ingDecs_.pop_front();
        if (egrFire) {
            egrOut_.advance();
            if (egrOut_.beat == 0) egrPorts_.pop_front();
        }
        // A copy whose decision and frame both came goes out of the egress.
        while (!egrDecs_.empty() && egrIn_.frames.size() > egrTaken_) {
            Bytes f = egrIn_.frames[egrTaken_++];
            const auto [port, rid, inst] = egrDecs_.front();
            egrDecs_.pop_front();
            f[8] = static_cast<uint8_t>(rid);
            f[9] = static_cast<uint8_t>(inst);
            egrOut_.frames.push_back(f);
            egrPorts_.push_back(port);
        }
    }

    uint32_t csr(uint32_t addr) {
        tick();
        tick();
        csrRd_ = true;
        csrAddr_ = addr;
        tick();
        tick();
        return rdata_;
    }
    void write(uint32_t addr, uint32_t value) {
        csrWr_ = true;
        csrAddr_ = addr;
        csrData_ = value;
        tick();
        tick();
    }
    void group(uint32_t g, uint32_t rid, uint32_t ports) {
        const uint32_t r = regmap::kTmReplicatorOffset;
        write(r + 4 * regmap::kReplWordIndex, g);  // group g's one node: node g
        write(r + 4 * regmap::kReplWordData0, rid);
        write(r + 4 * regmap::kReplWordData1, ports);
        write(r + 4 * regmap::kReplWordCmd, regmap::kReplWriteNode);
        write(r + 4 * regmap::kReplWordIndex, g);
        write(r + 4 * regmap::kReplWordData0,
              static_cast<uint32_t>(std::popcount(ports)) << 16 | g);
        write(r + 4 * regmap::kReplWordData1, 1);
        write(r + 4 * regmap::kReplWordCmd, regmap::kReplWriteGroup);
        ASSERT_EQ(csr(r + 4 * regmap::kReplWordCmd), 0u);
        groups_[g] = {rid, ports};
    }
    // The outputs a frame should reach (the host for CPU_PORT), with their rid.
    std::vector<std::pair<uint32_t, uint32_t>> expected(const Bytes& f) const {
        const uint32_t spec = f[4] | (f[5] & 1) << 8, g = f[6] | f[7] << 8;
        std::vector<std::pair<uint32_t, uint32_t>> outs;
        if (g != 0) {
            const auto it = groups_.find(g);
            if (it != groups_.end())
                for (uint32_t i = 0; i <= kPorts; ++i)
                    if (it->second.second >> i & 1) outs.push_back({i, it->second.first});
        } else if (spec < kPorts) {
            outs.push_back({spec, 0});
        } else if (spec == kCpuPort) {
            outs.push_back({kHost, 0});
        }
        return outs;
    }
    void run(uint64_t cycles) {
        for (uint64_t i = 0; i < cycles; ++i) tick();
    }
    bool idle() const {
        for (const auto& s : in_)
            if (s.has()) return false;
        return true;
    }
    const Bytes& sent(uint32_t id) const { return sent_.at(id); }
    const std::vector<Bytes>& ingressed() const { return ing_.frames; }
    std::mt19937& rng() { return rng_; }

    double idleIn = 0, stallIng = 0, stallEgr = 0;
    std::vector<double> stallOut = std::vector<double>(kPorts + 1, 0.0);
    std::vector<Collector> out = std::vector<Collector>(kPorts + 1);
    std::vector<uint32_t> ingPorts;

  private:
    Sim<VMODEL> sim_;
    std::mt19937 rng_;
    uint32_t nextId_ = 1;
    std::map<uint32_t, Bytes> sent_;
    std::map<uint32_t, std::pair<uint32_t, uint32_t>> groups_;  // one node: rid, ports
    std::vector<Sender> in_ = std::vector<Sender>(kPorts + 1);
    Collector ing_, egrIn_;
    Sender ingFrames_, egrOut_;
    std::deque<Bytes> ingDecs_;
    std::deque<std::array<uint32_t, 3>> egrDecs_;
    std::deque<uint32_t> egrPorts_;
    size_t egrTaken_ = 0;
    bool csrWr_ = false, csrRd_ = false;
    uint32_t csrAddr_ = 0, csrData_ = 0, rdata_ = 0;
};

// Frames on every port and from the host, to every port, the CPU port, multicast groups
// (the CPU port among the members), drops; inputs idle, pipelines and outputs stalled at
// random, one port much slower than the rest.
TEST(Switch, RandomTrafficOnEveryPort) {
    Bench b(21);
    const uint32_t all = (1u << (kPorts + 1)) - 1;
    b.group(1, 7, all);  // every port and the host
    b.group(2, 9, 0x3);  // ports 0 and 1
    b.idleIn = 0.5;
    b.stallIng = b.stallEgr = 0.2;
    for (uint32_t p = 0; p < kPorts; ++p) b.stallOut[p] = 0.2;
    b.stallOut[1] = 0.9;  // port 1 congests
    constexpr int kFrames = 600;
    for (int i = 0; i < kFrames; ++i) {
        const uint32_t src = b.rng()() % (kPorts + 1);
        const uint32_t len = 10 + b.rng()() % (3 * kLanes - 10);
        const uint32_t r = b.rng()() % 10;
        Bytes f;
        if (r < 5)
            f = b.frame(len, b.rng()() % kPorts);
        else if (r == 5)
            f = b.frame(len, kCpuPort);
        else if (r == 6)
            f = b.frame(len, b.rng()() % 2 ? 511 : kPorts + 3);
        else
            f = b.frame(len, 0, 1 + b.rng()() % 2);
        if (src == kHost)
            b.sendHost(f);
        else
            b.sendPort(src, f);
    }
    for (int i = 0; i < 200000 && !b.idle(); ++i) b.tick();
    b.stallIng = b.stallEgr = 0;
    b.stallOut.assign(kPorts + 1, 0.0);
    b.run(5000);
    // Ingress saw every frame, with its port.
    ASSERT_EQ(b.ingressed().size(), static_cast<size_t>(kFrames));
    // Per output, the frames expected of it in ingress order; what left must follow it.
    std::vector<std::vector<uint32_t>> want(kPorts + 1);
    for (const Bytes& f : b.ingressed())
        for (const auto& [o, rid] : b.expected(f)) want[o].push_back(idOf(f));
    uint32_t missing = 0;
    for (uint32_t o = 0; o <= kPorts; ++o) {
        size_t j = 0;
        for (const Bytes& got : b.out[o].frames) {
            const uint32_t id = idOf(got);
            while (j < want[o].size() && want[o][j] != id) ++j;
            ASSERT_LT(j, want[o].size())
                << "output " << o << ": frame " << id << " unexpected or out of order";
            ++j;
            Bytes w = b.sent(id);
            const auto exp = b.expected(w);
            const auto it =
                std::find_if(exp.begin(), exp.end(), [&](const auto& e) { return e.first == o; });
            w[8] = static_cast<uint8_t>(it->second);
            w[9] = static_cast<uint8_t>(w[6] | w[7] ? 5 : 0);
            EXPECT_EQ(got, w) << "output " << o << " frame " << id;
        }
        missing += static_cast<uint32_t>(want[o].size() - b.out[o].frames.size());
    }
    // What is missing is what the traffic manager's queues dropped; the output queues and
    // the demux dropped nothing.
    uint32_t drops = 0;
    for (uint32_t q = 0; q < (kPorts + 1) * kPrios; ++q) {
        b.write(regmap::kTmQueuesOffset + 4 * regmap::kQueueWordIndex, q);
        drops += b.csr(regmap::kTmQueuesOffset + 4 * regmap::kQueueWordDrops);
    }
    EXPECT_EQ(missing, drops);
    EXPECT_GT(drops, 0u) << "port 1 congested";
    for (uint32_t p = 0; p < kPorts; ++p)
        EXPECT_EQ(b.csr(kOutQueues + 0x20 * p + 0x10), 0u) << "output queue " << p << " dropped";
    EXPECT_EQ(b.csr(kDemux), 0u) << "the demux dropped";
    EXPECT_EQ(b.csr(regmap::kTmBufferOffset + 4 * regmap::kBufferWordFree), kCells);
}

// The ingress port of every frame: front-panel port p is p, the host's frames are CPU_PORT.
TEST(Switch, IngressPorts) {
    Bench b(22);
    std::vector<uint32_t> want;
    for (uint32_t i = 0; i < 20; ++i) {
        const uint32_t src = i % (kPorts + 1);
        const Bytes f = b.frame(2 * kLanes, 511);
        if (src == kHost)
            b.sendHost(f);
        else
            b.sendPort(src, f);
        b.run(40);  // one at a time, so the order is known
        want.push_back(src == kHost ? kCpuPort : src);
    }
    b.run(100);
    EXPECT_EQ(b.ingPorts, want);
}

}  // namespace
