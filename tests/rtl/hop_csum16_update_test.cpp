// SPDX-License-Identifier: Apache-2.0
// hop_csum16_update: RFC 1624's example (eqn. 3 gives 0x0000 where eqn. 2 gave 0xFFFF), and
// random IPv4 headers with one changed word against a full software recomputation.
#include <gtest/gtest.h>

#include <random>

#include VMODEL_HEADER
#include "verilator_util.hpp"

namespace {

using hop::rtltest::Sim;

#ifndef UPDATE_STAGES
#error "UPDATE_STAGES: the register stages the model was built with"
#endif

uint16_t onesSum(const std::vector<uint16_t>& words) {
    uint32_t sum = 0;
    for (uint16_t w : words) sum += w;
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(sum);
}

uint16_t update(Sim<VMODEL>& sim, uint16_t hc, uint16_t m, uint16_t m2) {
    sim->in_valid = 1;
    sim->in_csum = hc;
    sim->in_old = m;
    sim->in_new = m2;
    for (int i = 0; i < UPDATE_STAGES; ++i) sim.tick();
    sim.settle();
    EXPECT_TRUE(sim->out_valid);
    return sim->out_csum;
}

TEST(Csum16Update, Rfc1624Example) {
    // RFC 1624 section 4: the other header words sum to 0xCD7A, m = 0x5555 so HC = 0xDD2F;
    // m changes to m' = 0x3285 and the new checksum is 0x0000.
    Sim<VMODEL> sim;
    EXPECT_EQ(uint16_t(~onesSum({0xcd7a, 0x5555})), 0xdd2f);
    EXPECT_EQ(update(sim, 0xdd2f, 0x5555, 0x3285), 0x0000);
}

TEST(Csum16Update, RandomChangedWordMatchesRecomputation) {
    Sim<VMODEL> sim;
    std::mt19937 rng(UPDATE_STAGES + 5);
    for (int i = 0; i < 20000; ++i) {
        std::vector<uint16_t> hdr(10);  // a 20-byte IPv4 header as words
        for (auto& w : hdr) w = static_cast<uint16_t>(rng());
        hdr[0] = 0x4500 | (hdr[0] & 0xff);
        hdr[5] = 0;
        hdr[5] = static_cast<uint16_t>(~onesSum(hdr));
        // Change one word other than the checksum (TTL/protocol, an address, ...).
        size_t k = rng() % 9;
        if (k >= 5) ++k;
        const uint16_t hc = hdr[5];
        const uint16_t m = hdr[k];
        const uint16_t m2 = i % 4 == 0 ? static_cast<uint16_t>(m - 0x0100)  // TTL decrement
                                       : static_cast<uint16_t>(rng());
        hdr[k] = m2;
        hdr[5] = 0;
        const uint16_t want = static_cast<uint16_t>(~onesSum(hdr));
        const uint16_t got = update(sim, hc, m, m2);
        ASSERT_EQ(got, want) << "word " << k << " " << m << " -> " << m2;
    }
}

}  // namespace
