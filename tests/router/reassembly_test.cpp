// SPDX-License-Identifier: Apache-2.0
// Reassembly under reordering, duplication, overlap, timeout (injected clock) and memory cap.
#include "runtime/router/reassembly.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "router_test_util.hpp"
#include "runtime/router/fragment.hpp"

namespace hop::router {
namespace {

using namespace test;

const Bytes kOptions = {0x94, 0x04, 0x00, 0x00, 0x07, 0x07, 0x04, 0, 0, 0, 0, 0};

// A datagram to the router and its fragments at `mtu`.
struct Split {
    Bytes original;
    std::vector<Bytes> fragments;
};

Split split(size_t dataLength, size_t mtu, uint16_t id = 7, Bytes options = {}) {
    IpOptions o;
    o.id = id;
    o.options = std::move(options);
    Split s;
    s.original = echoRequest(kH1, kR1, dataLength, o);
    s.fragments = std::move(fragmentDatagram(s.original, mtu)).value();
    return s;
}

// A fragment with the given offset (bytes), data and MF bit.
Bytes fragment(size_t offset, ByteView data, bool mf, uint16_t id = 7) {
    IpOptions o;
    o.id = id;
    o.mf = mf;
    o.fragmentOffset = uint16_t(offset / 8);
    return ipv4(kH1, kR1, kIpProtoIcmp, data, o);
}

std::optional<Bytes> add(Reassembler& r, const Bytes& f, TimePoint now = at(0)) {
    auto p = parseIpv4(f);
    EXPECT_TRUE(p.ok());
    return r.add(*p, now);
}

TEST(Reassembly, InOrder) {
    Split s = split(3000, 576);
    ASSERT_GT(s.fragments.size(), 5u);
    Reassembler r;
    for (size_t i = 0; i + 1 < s.fragments.size(); ++i) EXPECT_FALSE(add(r, s.fragments[i]));
    auto whole = add(r, s.fragments.back());
    ASSERT_TRUE(whole);
    EXPECT_EQ(*whole, s.original);
    EXPECT_EQ(r.counters().reassembled, 1u);
    EXPECT_EQ(r.datagramsInProgress(), 0u);
    EXPECT_EQ(r.memoryInUse(), 0u);
}

TEST(Reassembly, KeepsTheFirstFragmentsOptions) {
    Split s = split(2000, 576, 9, kOptions);
    Reassembler r;
    std::optional<Bytes> whole;
    for (auto it = s.fragments.rbegin(); it != s.fragments.rend(); ++it) whole = add(r, *it);
    ASSERT_TRUE(whole);
    EXPECT_EQ(*whole, s.original);
}

TEST(Reassembly, AnyOrder) {
    Split s = split(5000, 576);
    std::mt19937 rng(5);
    for (int round = 0; round < 200; ++round) {
        std::vector<Bytes> shuffled = s.fragments;
        std::shuffle(shuffled.begin(), shuffled.end(), rng);
        Reassembler r;
        std::optional<Bytes> whole;
        for (size_t i = 0; i < shuffled.size(); ++i) {
            whole = add(r, shuffled[i]);
            ASSERT_EQ(whole.has_value(), i + 1 == shuffled.size());
        }
        ASSERT_EQ(*whole, s.original);
    }
}

TEST(Reassembly, DuplicatesAreTolerated) {
    Split s = split(3000, 1280);
    std::mt19937 rng(11);
    for (int round = 0; round < 100; ++round) {
        std::vector<Bytes> stream = s.fragments;
        for (int i = 0; i < 4; ++i) stream.push_back(s.fragments[rng() % s.fragments.size()]);
        std::shuffle(stream.begin(), stream.end(), rng);
        Reassembler r;
        std::set<Bytes> seen;
        bool done = false;
        for (const Bytes& f : stream) {
            seen.insert(f);
            auto whole = add(r, f);
            if (done) continue;  // after completion, copies start a new datagram
            // Complete exactly when every distinct fragment has arrived at least once.
            ASSERT_EQ(whole.has_value(), seen.size() == s.fragments.size());
            if (whole) {
                EXPECT_EQ(*whole, s.original);
                done = true;
            }
        }
        EXPECT_TRUE(done);
    }
}

TEST(Reassembly, ExactDuplicateIsCounted) {
    Split s = split(3000, 1280);
    Reassembler r;
    EXPECT_FALSE(add(r, s.fragments[1]));
    EXPECT_FALSE(add(r, s.fragments[1]));
    EXPECT_FALSE(add(r, s.fragments[2]));
    EXPECT_FALSE(add(r, s.fragments[2]));  // the last one twice: same end
    EXPECT_EQ(r.counters().duplicates, 2u);
    EXPECT_TRUE(add(r, s.fragments[0]));
    EXPECT_EQ(r.counters().overlaps, 0u);
}

TEST(Reassembly, OverlapDropsTheWholeDatagram) {
    const Bytes a = pattern(16, 1), b = pattern(16, 2), tail = pattern(5, 3);
    struct Overlap {
        const char* what;
        std::vector<Bytes> fragments;
    };
    const std::vector<Overlap> cases = {
        {"same range, other data", {fragment(0, a, true), fragment(0, b, true)}},
        {"same offset, longer", {fragment(0, a, true), fragment(0, pattern(24, 1), true)}},
        {"partial from below", {fragment(8, a, true), fragment(0, b, true)}},
        {"partial from above", {fragment(0, a, true), fragment(8, b, true)}},
        {"contained", {fragment(0, pattern(32, 1), true), fragment(8, pattern(8, 9), true)}},
        {"identical bytes, shifted",
         {fragment(0, pattern(16, 0), true), fragment(8, pattern(16, 8), true)}},
        {"into the last", {fragment(16, tail, false), fragment(8, a, true)}},
    };
    for (const Overlap& c : cases) {
        SCOPED_TRACE(c.what);
        Reassembler r;
        for (const Bytes& f : c.fragments) EXPECT_FALSE(add(r, f));
        EXPECT_EQ(r.counters().overlaps, 1u);
        // The rest of the datagram, arriving later, cannot complete it.
        EXPECT_FALSE(add(r, fragment(0, pattern(16, 1), true)));
        EXPECT_FALSE(add(r, fragment(16, tail, false)));
        EXPECT_FALSE(add(r, fragment(32, tail, false)));
        EXPECT_EQ(r.counters().reassembled, 0u);
        EXPECT_EQ(r.counters().lateFragments, 3u);
        // Until its timeout: then the same key is a new datagram.
        r.expire(at(31));
        EXPECT_EQ(r.datagramsInProgress(), 0u);
        EXPECT_FALSE(add(r, fragment(0, pattern(16, 1), true), at(32)));
        EXPECT_TRUE(add(r, fragment(16, tail, false), at(32)));
    }
}

TEST(Reassembly, InconsistentEnds) {
    Reassembler r;
    EXPECT_FALSE(add(r, fragment(16, pattern(4), false)));
    EXPECT_FALSE(add(r, fragment(24, pattern(4), false)));  // a second, different end
    EXPECT_EQ(r.counters().inconsistent, 1u);
    Reassembler beyond;
    EXPECT_FALSE(add(beyond, fragment(32, pattern(8), true)));
    EXPECT_FALSE(add(beyond, fragment(16, pattern(4), false)));  // data already past the end
    EXPECT_EQ(beyond.counters().inconsistent, 1u);
    Reassembler after;
    EXPECT_FALSE(add(after, fragment(16, pattern(4), false)));
    EXPECT_FALSE(add(after, fragment(24, pattern(8), true)));  // after the end
    EXPECT_EQ(after.counters().inconsistent, 1u);
}

TEST(Reassembly, MalformedAndTooLong) {
    Reassembler r;
    EXPECT_FALSE(add(r, fragment(0, pattern(12), true)));  // MF with data not a multiple of 8
    EXPECT_FALSE(add(r, fragment(8, Bytes{}, true)));      // MF without data
    EXPECT_EQ(r.counters().malformed, 2u);
    // 65528 + 16 bytes of data do not fit in a datagram.
    EXPECT_FALSE(add(r, fragment(65528, pattern(16), false, 8)));
    EXPECT_EQ(r.counters().tooLong, 1u);
    // The largest legal datagram: 65515 bytes of data behind a 20-byte header, last fragment
    // at offset 65512.
    Reassembler big;
    IpOptions o;
    o.id = 9;
    Bytes original = ipv4(kH1, kR1, kIpProtoUdp, pattern(65515), o);
    auto fragments = fragmentDatagram(original, 1500);
    ASSERT_TRUE(fragments.ok());
    std::optional<Bytes> whole;
    for (const Bytes& f : *fragments) whole = add(big, f);
    ASSERT_TRUE(whole);
    EXPECT_EQ(whole->size(), 65535u);
    EXPECT_EQ(*whole, original);
    // With 40 bytes of options in the first fragment the same data would be 65555 bytes.
    Reassembler tooBig;
    IpOptions withOptions = o;
    withOptions.options = Bytes(40, kIpOptNop);
    withOptions.mf = true;
    EXPECT_FALSE(add(tooBig, ipv4(kH1, kR1, kIpProtoIcmp, pattern(1480), withOptions)));
    EXPECT_FALSE(add(tooBig, fragment(65512, pattern(3), false, 9)));
    std::optional<Bytes> none;
    for (size_t offset = 1480; offset < 65512; offset += 1480)
        none =
            add(tooBig, fragment(offset, pattern(std::min<size_t>(1480, 65512 - offset)), true, 9));
    EXPECT_FALSE(none);
    EXPECT_EQ(tooBig.counters().tooLong, 1u);
}

TEST(Reassembly, TimeoutFromTheFirstFragment) {
    Split s = split(3000, 1280);
    ASSERT_EQ(s.fragments.size(), 3u);
    Reassembler r;  // 30 s by default
    EXPECT_FALSE(add(r, s.fragments[0], at(100)));
    EXPECT_FALSE(add(r, s.fragments[1], at(129)));  // a later fragment does not extend it
    EXPECT_EQ(r.nextDeadline(), at(130));
    EXPECT_TRUE(r.expire(at(129.999)).empty());
    auto expired = r.expire(at(130));
    ASSERT_EQ(expired.size(), 1u);
    EXPECT_EQ(expired[0], s.fragments[0]);  // the first fragment, for ICMP time exceeded
    EXPECT_EQ(r.counters().timeouts, 1u);
    EXPECT_EQ(r.datagramsInProgress(), 0u);
    EXPECT_EQ(r.memoryInUse(), 0u);
    // The last fragment, late, starts over and times out without a first fragment to quote.
    EXPECT_FALSE(add(r, s.fragments[2], at(131)));
    EXPECT_TRUE(r.expire(at(161)).empty());
    EXPECT_EQ(r.counters().timeouts, 2u);
}

TEST(Reassembly, ConfigurableTimeout) {
    Reassembler r(ReassemblyConfig{std::chrono::seconds(2), 4 << 20});
    Split s = split(2000, 1280);
    EXPECT_FALSE(add(r, s.fragments[0], at(0)));
    EXPECT_EQ(r.expire(at(2)).size(), 1u);
    EXPECT_FALSE(add(r, s.fragments[1], at(2)));
}

TEST(Reassembly, MemoryCapEvictsTheOldest) {
    // Each datagram here holds one 1256-byte fragment and its 20-byte header: 128 + 20 + 1256
    // + 64 = 1468 bytes. A cap of 10,000 holds 6 of them.
    const size_t per = Reassembler::kDatagramOverhead + 20 + 1256 + Reassembler::kFragmentOverhead;
    Reassembler r(ReassemblyConfig{std::chrono::seconds(30), 10000});
    std::vector<Split> splits;
    for (uint16_t id = 0; id < 10; ++id) {
        splits.push_back(split(2000, 1280, id));
        EXPECT_FALSE(add(r, splits.back().fragments[0], at(id)));
        EXPECT_LE(r.memoryInUse(), 10000u);
    }
    EXPECT_EQ(r.memoryInUse(), 6 * per);
    EXPECT_EQ(r.counters().memoryEvictions, 4u);
    // The newest complete; the evicted oldest do not.
    EXPECT_TRUE(add(r, splits[9].fragments[1], at(10)));
    EXPECT_FALSE(add(r, splits[0].fragments[1], at(10)));
    // A datagram larger than the whole cap is dropped by itself.
    Reassembler tiny(ReassemblyConfig{std::chrono::seconds(30), 1000});
    EXPECT_FALSE(add(tiny, splits[1].fragments[0]));
    EXPECT_EQ(tiny.counters().memoryDrops, 1u);
    EXPECT_EQ(tiny.memoryInUse(), 0u);
}

TEST(Reassembly, DefaultCapHoldsUnderAFlood) {
    // 4 MiB by default: a flood of first fragments of distinct datagrams never exceeds it.
    Reassembler r;
    EXPECT_EQ(r.config().memoryCap, 4u << 20);
    EXPECT_EQ(r.config().timeout, std::chrono::seconds(30));
    for (uint32_t i = 0; i < 5000; ++i) {
        IpOptions o;
        o.id = uint16_t(i);
        o.mf = true;
        Bytes f = ipv4(Ipv4Addr(kH1.value + (i >> 16)), kR1, kIpProtoUdp, pattern(1480), o);
        EXPECT_FALSE(add(r, f));
        ASSERT_LE(r.memoryInUse(), 4u << 20);
    }
    EXPECT_GT(r.counters().memoryEvictions, 0u);
}

TEST(Reassembly, KeysAreSeparate) {
    // Same id, different protocol / source / destination: four datagrams.
    Split s = split(2000, 1280, 3);
    Reassembler r;
    Bytes other = s.fragments[0];
    other[9] = kIpProtoUdp;
    setIpv4Checksum(other);
    EXPECT_FALSE(add(r, s.fragments[0]));
    EXPECT_FALSE(add(r, other));
    EXPECT_EQ(r.datagramsInProgress(), 2u);
    EXPECT_TRUE(add(r, s.fragments[1]));
}

}  // namespace
}  // namespace hop::router
