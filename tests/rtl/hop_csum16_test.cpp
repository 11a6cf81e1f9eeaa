// SPDX-License-Identifier: Apache-2.0
// hop_csum16: the RFC 1071 numeric example, random IPv4 headers (verify passes on a correct
// checksum, fails on a corrupted one, the computed checksum equals the one a software
// implementation writes) and random bytes, one header per clock with random gaps, each result
// exactly STAGES cycles after its input.
#include <gtest/gtest.h>

#include <deque>
#include <random>

#include VMODEL_HEADER
#include "verilator_util.hpp"

namespace {

using hop::rtltest::putBytes;
using hop::rtltest::Sim;

#ifndef HDR_BYTES
#error "HDR_BYTES: the header width the model was built with"
#endif
#ifndef CSUM_STAGES
#error "CSUM_STAGES: the register stages the model was built with"
#endif
constexpr size_t kBytes = HDR_BYTES;
constexpr int kStages = CSUM_STAGES;
using Header = std::vector<uint8_t>;

// Independent software checksum: RFC 1071's loop, 32-bit accumulator, fold at the end.
uint16_t onesSum(const Header& h) {
    uint32_t sum = 0;
    for (size_t i = 0; i < h.size(); i += 2) {
        const uint32_t hi = h[i], lo = i + 1 < h.size() ? h[i + 1] : 0;
        sum += (hi << 8) | lo;
    }
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(sum);
}

// A random IPv4 header of `len` bytes (20 .. 60, a multiple of 4) with a correct checksum.
Header randomIpv4(std::mt19937& rng, size_t len) {
    Header h(len);
    for (auto& b : h) b = static_cast<uint8_t>(rng());
    h[0] = static_cast<uint8_t>(0x40 | (len / 4));
    h[10] = h[11] = 0;
    const uint16_t c = static_cast<uint16_t>(~onesSum(h));
    h[10] = static_cast<uint8_t>(c >> 8);
    h[11] = static_cast<uint8_t>(c);
    return h;
}

struct Result {
    uint16_t sum, csum;
    bool ok;
};

// Streams headers through the model (a header every cycle unless `gap` says idle) and returns
// the results in order, checking each comes out exactly kStages cycles after it went in.
std::vector<Result> runHeaders(const std::vector<Header>& headers, double gap, uint32_t seed) {
    Sim<VMODEL> sim;
    std::mt19937 rng(seed);
    std::bernoulli_distribution isIdle(gap);
    std::deque<uint64_t> dueAt;
    std::vector<Result> out;
    size_t next = 0;
    for (uint64_t cycle = 0; out.size() < headers.size() && cycle < headers.size() * 20 + 100;
         ++cycle) {
        const bool valid = next < headers.size() && !isIdle(rng);
        if (valid) {
            // Byte 0 in the high bits: reverse into the little-endian lane order of putBytes.
            Header rev(headers[next].rbegin(), headers[next].rend());
            putBytes(sim->in_hdr, rev.data(), kBytes);
            dueAt.push_back(cycle + kStages);
            ++next;
        }
        sim->in_valid = valid;
        sim.settle();
        if (sim->out_valid) {
            EXPECT_FALSE(dueAt.empty()) << "a result nobody asked for";
            if (dueAt.empty()) break;
            EXPECT_EQ(dueAt.front(), cycle) << "latency";
            dueAt.pop_front();
            out.push_back({sim->out_sum, sim->out_csum, bool(sim->out_verify_ok)});
        }
        sim.tick();
    }
    EXPECT_TRUE(dueAt.empty()) << "results missing";
    return out;
}

TEST(Csum16, Rfc1071Example) {
    // RFC 1071 section 3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to 0xddf2, checksum 0x220d.
    // Trailing zero bytes do not change the sum, so any HDR_BYTES >= 8 can carry it.
    if (kBytes < 8) GTEST_SKIP() << "header narrower than the example";
    Header h(kBytes, 0);
    const uint8_t example[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    std::copy(std::begin(example), std::end(example), h.begin());
    auto r = runHeaders({h}, 0.0, 1);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].sum, 0xddf2);
    EXPECT_EQ(r[0].csum, 0x220d);
    EXPECT_FALSE(r[0].ok);
}

TEST(Csum16, RandomIpv4HeadersVerifyAndCorruptedOnesDoNot) {
    if (kBytes < 20) GTEST_SKIP() << "header narrower than IPv4";
    std::mt19937 rng(kBytes * 100 + kStages);
    std::vector<Header> headers;
    for (int i = 0; i < 2000; ++i) {
        // The IPv4 header at the front of the vector; options up to the vector's size.
        const size_t maxIhl = std::min<size_t>(15, kBytes / 4);
        const size_t len = 4 * std::uniform_int_distribution<size_t>(5, maxIhl)(rng);
        Header h = randomIpv4(rng, len);
        h.resize(kBytes, 0);  // bytes past the header are zero: the compiler masks them
        if (i % 2) h[rng() % len] ^= static_cast<uint8_t>(1u << (rng() % 8));  // corrupt
        headers.push_back(h);
    }
    for (double gap : {0.0, 0.5}) {
        auto r = runHeaders(headers, gap, 7);
        ASSERT_EQ(r.size(), headers.size());
        for (size_t i = 0; i < headers.size(); ++i) {
            const uint16_t sum = onesSum(headers[i]);
            ASSERT_EQ(r[i].sum, sum) << "header " << i;
            ASSERT_EQ(r[i].csum, uint16_t(~sum)) << "header " << i;
            ASSERT_EQ(r[i].ok, i % 2 == 0) << "header " << i;
        }
    }
    // Full update: with the checksum field zeroed the block's checksum is the one to write.
    Header h = randomIpv4(rng, std::min<size_t>(60, kBytes / 4 * 4));
    const uint16_t want = static_cast<uint16_t>(h[10] << 8 | h[11]);
    h.resize(kBytes, 0);
    h[10] = h[11] = 0;
    auto r = runHeaders({h}, 0.0, 3);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].csum, want);
}

TEST(Csum16, RandomBytesMatchSoftware) {
    std::mt19937 rng(kBytes + 31 * kStages);
    std::vector<Header> headers;
    for (int i = 0; i < 2000; ++i) {
        Header h(kBytes);
        // Mostly random, sometimes all-ones or all-zero to reach the fold's corner cases.
        const int kind = rng() % 8;
        for (auto& b : h) b = kind == 0 ? 0xff : kind == 1 ? 0x00 : static_cast<uint8_t>(rng());
        headers.push_back(h);
    }
    auto r = runHeaders(headers, 0.3, 11);
    ASSERT_EQ(r.size(), headers.size());
    for (size_t i = 0; i < headers.size(); ++i) {
        const uint16_t sum = onesSum(headers[i]);
        ASSERT_EQ(r[i].sum, sum) << "header " << i;
        ASSERT_EQ(r[i].csum, uint16_t(~sum)) << "header " << i;
        ASSERT_EQ(r[i].ok, sum == 0xffff) << "header " << i;
    }
}

}  // namespace
