// SPDX-License-Identifier: Apache-2.0
// hop_deparser: every packet leaves as its emitted headers followed by its frame past the
// consumed bytes, packed into full beats with tuser = the descriptor's port, under every mix of
// idle cycles on the descriptor and frame inputs and backpressure on the output, against a
// reference model written here. Dropped packets and packets with nothing to send leave
// nothing and count as dropped; pkt_sent / pkt_dropped count exactly; every input is consumed.
#include <gtest/gtest.h>

#include <bit>
#include <deque>
#include <random>
#include <string>

#include VMODEL_HEADER
#include "verilator_util.hpp"

namespace {

using hop::rtltest::AxisBeat;
using hop::rtltest::frameToBeats;
using hop::rtltest::getBytes;
using hop::rtltest::putBytes;
using hop::rtltest::Sim;

#ifndef DP_HDR_BYTES
#define DP_HDR_BYTES 34
#endif
constexpr size_t kHdrBytes = DP_HDR_BYTES;
constexpr size_t kLanes = sizeof(VMODEL::s_axis_tdata);
using Bytes = std::vector<uint8_t>;

struct Packet {
    bool drop = false;
    uint32_t port = 0;
    Bytes hdr;  // the emitted header bytes (emit_len = hdr.size())
    size_t skip = 0;
    Bytes frame;  // the whole frame as the payload FIFO holds it
};

// The reference: what leaves for a packet (empty: nothing, counted as dropped).
Bytes expectedOut(const Packet& p) {
    if (p.drop) return {};
    Bytes out = p.hdr;
    if (p.skip < p.frame.size()) out.insert(out.end(), p.frame.begin() + p.skip, p.frame.end());
    return out;
}

Bytes randomBytes(std::mt19937& rng, size_t n) {
    Bytes b(n);
    for (auto& x : b) x = static_cast<uint8_t>(rng());
    return b;
}

// Lengths that matter: 0 or 1, whole beats, the maximum, and anything in between.
size_t pick(std::mt19937& rng, size_t lo, size_t hi) {
    const int k = std::uniform_int_distribution<int>(0, 9)(rng);
    if (k == 0) return lo;
    if (k == 1) return hi;
    if (k == 2 && hi / kLanes > 0) {
        const size_t m = kLanes * std::uniform_int_distribution<size_t>(0, hi / kLanes)(rng);
        if (m >= lo) return m;
    }
    return std::uniform_int_distribution<size_t>(lo, hi)(rng);
}

Packet randomPacket(std::mt19937& rng) {
    Packet p;
    p.drop = std::bernoulli_distribution(0.1)(rng);
    p.port = std::uniform_int_distribution<uint32_t>(0, 511)(rng);
    p.frame = randomBytes(rng, pick(rng, 1, 4 * kLanes + kHdrBytes));
    p.hdr = randomBytes(rng, pick(rng, 0, kHdrBytes));
    p.skip = pick(rng, 0, p.frame.size());
    return p;
}

struct Config {
    double descIdle = 0, frameIdle = 0, stall = 0;
    int packets = 250;
    uint32_t seed = 1;
};

struct Totals {
    uint64_t sent = 0, dropped = 0, empty = 0, cycles = 0, beats = 0;
    uint64_t firstOut = 0, lastOut = 0;  // cycles of the first and the last beat taken out
    std::string events, wantEvents;      // 'S' per pkt_sent, 'D' per pkt_dropped, in order
    uint64_t sentOffLast = 0;  // pkt_sent pulses not in the first cycle of a last beat's output
};

Totals drive(std::deque<Packet> descs, const Config& c, std::mt19937& rng);

Totals run(const Config& c) {
    std::mt19937 rng(c.seed);
    std::deque<Packet> descs;
    for (int i = 0; i < c.packets; ++i) descs.push_back(randomPacket(rng));
    return drive(std::move(descs), c, rng);
}

// Feeds the packets (descriptors and frames) with idle cycles and output backpressure as `c`
// says and checks every output beat against the reference.
Totals drive(std::deque<Packet> descs, const Config& c, std::mt19937& rng) {
    std::bernoulli_distribution descIdle(c.descIdle), frameIdle(c.frameIdle), stall(c.stall);
    std::deque<AxisBeat> frameIn;
    std::deque<AxisBeat> expected;
    Totals t;
    for (const Packet& p : descs) {
        for (auto& b : frameToBeats(p.frame, kLanes)) frameIn.push_back(std::move(b));
        const Bytes out = expectedOut(p);
        if (out.empty()) {
            ++t.dropped;
            if (!p.drop) ++t.empty;
            t.wantEvents += 'D';
        } else {
            ++t.sent;
            for (auto& b : frameToBeats(out, kLanes, p.port)) expected.push_back(std::move(b));
            t.wantEvents += 'S';
        }
    }
    const uint64_t wantSent = t.sent, wantDropped = t.dropped;
    uint64_t sent = 0, dropped = 0;

    Sim<VMODEL> sim;
    auto& m = sim.model();
    bool descValid = false, frameValid = false, heldOver = false;
    const uint64_t guard = 200000;
    while ((!descs.empty() || !frameIn.empty() || !expected.empty()) && sim.cycles() < guard) {
        // A source keeps its beat until it is taken; between beats it may idle.
        if (!descValid && !descs.empty() && !descIdle(rng)) descValid = true;
        if (descValid) {
            const Packet& p = descs.front();
            m.desc_drop = p.drop;
            m.desc_port = p.port;
            m.desc_emit_len = static_cast<uint16_t>(p.hdr.size());
            m.desc_skip_len = static_cast<uint16_t>(p.skip);
            Bytes hdr = randomBytes(rng, kHdrBytes);  // bytes past emit_len are junk
            std::copy(p.hdr.begin(), p.hdr.end(), hdr.begin());
            putBytes(m.desc_hdr, hdr.data(), kHdrBytes);
        }
        m.desc_valid = descValid;
        if (!frameValid && !frameIn.empty() && !frameIdle(rng)) frameValid = true;
        if (frameValid) {
            AxisBeat b = frameIn.front();
            for (size_t i = std::popcount(b.keep); i < kLanes; ++i)
                b.data[i] = static_cast<uint8_t>(rng());  // junk past tkeep
            putBytes(m.s_axis_tdata, b.data.data(), kLanes);
            m.s_axis_tkeep = b.keep;
            m.s_axis_tlast = b.last;
        }
        m.s_axis_tvalid = frameValid;
        m.m_axis_tready = !stall(rng);
        sim.settle();
        if (m.pkt_sent && !(m.m_axis_tvalid && m.m_axis_tlast && !heldOver)) ++t.sentOffLast;
        heldOver = m.m_axis_tvalid && !m.m_axis_tready;
        if (m.pkt_sent) t.events += 'S';
        if (m.pkt_dropped) t.events += 'D';
        if (m.m_axis_tvalid && m.m_axis_tready) {
            if (t.beats == 0) t.firstOut = sim.cycles();
            t.lastOut = sim.cycles();
            AxisBeat got;
            got.data.resize(kLanes);
            getBytes(m.m_axis_tdata, got.data.data(), kLanes);
            got.keep = m.m_axis_tkeep;
            got.last = m.m_axis_tlast;
            got.user = m.m_axis_tuser;
            for (size_t i = std::popcount(got.keep); i < kLanes; ++i) got.data[i] = 0;
            if (expected.empty()) {
                ADD_FAILURE() << "a beat nobody expected";
                return t;
            }
            if (!(got == expected.front())) {
                ADD_FAILURE() << "beat " << t.beats << ": keep " << std::hex << got.keep << " last "
                              << got.last << " user " << std::dec << got.user << "; expected keep "
                              << std::hex << expected.front().keep << " last "
                              << expected.front().last << " user " << std::dec
                              << expected.front().user;
                return t;
            }
            expected.pop_front();
            ++t.beats;
        }
        if (descValid && m.desc_ready) {
            descs.pop_front();
            descValid = false;
        }
        if (frameValid && m.s_axis_tready) {
            frameIn.pop_front();
            frameValid = false;
        }
        sent += m.pkt_sent;
        dropped += m.pkt_dropped;
        sim.tick();
    }
    EXPECT_LT(sim.cycles(), guard) << "did not drain";
    for (int i = 0; i < 8; ++i) {  // nothing more may come out
        m.desc_valid = 0;
        m.s_axis_tvalid = 0;
        m.m_axis_tready = 1;
        sim.settle();
        EXPECT_FALSE(m.m_axis_tvalid) << "a beat after the last packet";
        sent += m.pkt_sent;
        dropped += m.pkt_dropped;
        if (m.pkt_sent) t.events += 'S';
        if (m.pkt_dropped) t.events += 'D';
        if (m.pkt_sent) ++t.sentOffLast;  // no last beat is on the output any more
        sim.tick();
    }
    EXPECT_EQ(sent, wantSent);
    EXPECT_EQ(dropped, wantDropped);
    t.cycles = sim.cycles();
    return t;
}

TEST(Deparser, EveryMixOfIdleInputsAndBackpressureMatchesTheModel) {
    Totals all;
    uint32_t seed = 1;
    for (double descIdle : {0.0, 0.5})
        for (double frameIdle : {0.0, 0.3, 0.7})
            for (double stall : {0.0, 0.3, 0.7}) {
                SCOPED_TRACE(testing::Message() << "desc idle " << descIdle << ", frame idle "
                                                << frameIdle << ", stall " << stall);
                const Totals t = run({descIdle, frameIdle, stall, 250, seed++});
                if (testing::Test::HasFailure()) return;
                all.sent += t.sent;
                all.dropped += t.dropped;
                all.empty += t.empty;
            }
    // Every path ran: packets sent, dropped by the program, and with nothing left to send.
    EXPECT_GT(all.sent, 3000u);
    EXPECT_GT(all.dropped, 300u);
    EXPECT_GT(all.empty, 10u);
}

TEST(Deparser, PacketsThatKeepTheirSizePassAtOneBeatPerClock) {
    // Headers re-emitted as consumed (emit_len == skip_len, headers = the frame's first bytes,
    // shorter than a beat), no idle input, no backpressure: a beat per clock, plus a cycle or
    // two to start.
    std::mt19937 rng(7);
    Sim<VMODEL> sim;
    auto& m = sim.model();
    const size_t frameBytes = 3 * kLanes;
    const int packets = 50;
    std::deque<AxisBeat> frameIn;
    std::deque<Packet> descs;
    for (int i = 0; i < packets; ++i) {
        Packet p;
        p.frame = randomBytes(rng, frameBytes);
        const size_t h = std::min(kHdrBytes, kLanes / 2);
        p.hdr.assign(p.frame.begin(), p.frame.begin() + h);
        p.skip = h;
        p.port = 3;
        for (auto& b : frameToBeats(p.frame, kLanes)) frameIn.push_back(b);
        descs.push_back(p);
    }
    size_t beats = 0;
    m.m_axis_tready = 1;
    uint64_t start = 0;
    while ((beats < packets * 3) && sim.cycles() < 10000) {
        m.desc_valid = !descs.empty();
        if (!descs.empty()) {
            Bytes hdr(kHdrBytes, 0);
            std::copy(descs.front().hdr.begin(), descs.front().hdr.end(), hdr.begin());
            putBytes(m.desc_hdr, hdr.data(), kHdrBytes);
            m.desc_emit_len = static_cast<uint16_t>(descs.front().hdr.size());
            m.desc_skip_len = static_cast<uint16_t>(descs.front().skip);
            m.desc_drop = 0;
            m.desc_port = 3;
        }
        m.s_axis_tvalid = !frameIn.empty();
        if (!frameIn.empty()) {
            putBytes(m.s_axis_tdata, frameIn.front().data.data(), kLanes);
            m.s_axis_tkeep = frameIn.front().keep;
            m.s_axis_tlast = frameIn.front().last;
        }
        sim.settle();
        if (m.m_axis_tvalid) {
            if (beats == 0) start = sim.cycles();
            ++beats;
        }
        if (m.desc_valid && m.desc_ready) descs.pop_front();
        if (m.s_axis_tvalid && m.s_axis_tready) frameIn.pop_front();
        sim.tick();
    }
    ASSERT_EQ(beats, size_t{packets} * 3);
    EXPECT_LE(sim.cycles() - start, uint64_t{packets} * 3 + 2);
}

Packet makePacket(std::mt19937& rng, size_t emit, size_t skip, size_t frame, uint32_t port) {
    Packet p;
    p.port = port;
    p.hdr = randomBytes(rng, emit);
    p.skip = skip;
    p.frame = randomBytes(rng, frame);
    return p;
}

TEST(Deparser, BackToBackOneBeatFramesPassAtOneBeatPerClock) {
    // Full one-beat frames (64 bytes at DATA_W = 512) whose headers keep their size, and
    // one-beat frames whose headers grow or shrink by a few bytes but still leave one beat:
    // every packet goes out in the clock after the one before, with the right bytes.
    std::mt19937 rng(11);
    const size_t h = std::min({kHdrBytes, size_t{34}, kLanes - 4});
    const size_t d = std::min(h, size_t{4});
    std::deque<Packet> pkts;
    for (int i = 0; i < 300; ++i) {
        const uint32_t port = static_cast<uint32_t>(i % 512);
        switch (i % 3) {
            case 0:
                pkts.push_back(makePacket(rng, h, h, kLanes, port));
                break;
            case 1:  // shrinks
                pkts.push_back(makePacket(rng, h - d, h, kLanes, port));
                break;
            default:  // grows
                pkts.push_back(makePacket(rng, h, h - d, kLanes - d, port));
                break;
        }
    }
    const Totals t = drive(pkts, {0, 0, 0, 0, 1}, rng);
    ASSERT_FALSE(testing::Test::HasFailure());
    EXPECT_EQ(t.beats, pkts.size());
    EXPECT_EQ(t.lastOut - t.firstOut + 1, pkts.size()) << "not one packet per clock";
    EXPECT_EQ(t.events, t.wantEvents);
}

// Header lengths and consumed lengths around every beat boundary, and frames that end in the
// consumed bytes, with them, or beats later: headers that grow by more than a beat (when
// HDR_BYTES allows), shrink by more than a beat, and everything between.
std::deque<Packet> boundaryPackets(std::mt19937& rng) {
    const size_t k = kLanes;
    std::vector<size_t> emits = {0, 1, k - 1, k, k + 1, 2 * k, 2 * k + 3, kHdrBytes};
    std::vector<size_t> skips = {0, 1, k - 1, k, k + 1, 2 * k, 3 * k + 5};
    std::deque<Packet> pkts;
    uint32_t port = 0;
    for (size_t e : emits) {
        if (e > kHdrBytes) continue;
        for (size_t s : skips)
            for (size_t f : {size_t{1}, k - 1, k, k + 1, 2 * k + 1, s, s + 1, s + k + 2, 4 * k}) {
                if (f == 0) continue;
                pkts.push_back(makePacket(rng, e, std::min(s, f), f, port++ % 512));
                pkts.push_back(makePacket(rng, e, s, f, port++ % 512));
            }
    }
    return pkts;
}

TEST(Deparser, HeadersGrowingAndShrinkingByBeatsAtEveryLaneOffset) {
    std::mt19937 rng(12);
    const std::deque<Packet> pkts = boundaryPackets(rng);
    size_t growMore = 0, shrinkMore = 0;
    for (const Packet& p : pkts) {
        growMore += p.hdr.size() >= p.skip + kLanes + 1;
        shrinkMore += p.skip >= p.hdr.size() + kLanes + 1 && p.frame.size() > p.skip;
    }
    EXPECT_GT(shrinkMore, 0u);
    if (kHdrBytes > kLanes + 1) EXPECT_GT(growMore, 0u);
    uint32_t seed = 20;
    for (double stall : {0.0, 0.5}) {
        SCOPED_TRACE(testing::Message() << "stall " << stall);
        std::mt19937 drng(seed++);
        const Totals t = drive(pkts, {0, 0.2, stall, 0, seed}, drng);
        ASSERT_FALSE(testing::Test::HasFailure());
        EXPECT_EQ(t.events, t.wantEvents);
    }
}

TEST(Deparser, PacketCountsFollowThePacketsAndComeWithTheLastBeat) {
    // pkt_sent / pkt_dropped pulse once per packet, in packet order; pkt_sent in the first
    // cycle the packet's last beat shows on the output (a cycle after it entered the output
    // register), under idle inputs and backpressure.
    uint32_t seed = 30;
    for (double stall : {0.0, 0.4}) {
        SCOPED_TRACE(testing::Message() << "stall " << stall);
        const Totals t = run({0.3, 0.3, stall, 300, seed++});
        ASSERT_FALSE(testing::Test::HasFailure());
        EXPECT_EQ(t.events, t.wantEvents);
        EXPECT_EQ(t.sentOffLast, 0u);
    }
}

}  // namespace
