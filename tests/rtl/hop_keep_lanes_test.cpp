// SPDX-License-Identifier: Apache-2.0
// hop_keep_lanes: the lane count of every thermometer tkeep (0..KEEP_W lanes), and, for any
// tkeep at all, the same count as the per-lane form the stream blocks used before sharing this
// block (bit j of n: the OR over odd multiples a of 2^j of tkeep[a-1] && !tkeep[a+2^j-1]).
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <random>
#include <type_traits>

#include VMODEL_HEADER

namespace {

constexpr unsigned kLanes = KL_KEEP_W;

uint64_t thermometer(unsigned n) { return n >= 64 ? ~0ull : (1ull << n) - 1; }

// The per-lane form: ge[k-1] = tkeep[k-1] for k <= kLanes, 0 past it.
unsigned perLane(uint64_t t) {
    auto ge = [&](unsigned i) { return i < kLanes && ((t >> i) & 1); };
    unsigned n = 0;
    for (unsigned j = 0; (1u << j) <= kLanes; ++j)
        for (unsigned a = 1u << j; a <= kLanes; a += 2u << j)
            if (ge(a - 1) && !ge(a + (1u << j) - 1)) n |= 1u << j;
    return n;
}

unsigned count(VMODEL& m, uint64_t t) {
    m.tkeep = static_cast<std::remove_reference_t<decltype(m.tkeep)>>(t);
    m.eval();
    return m.lanes;
}

TEST(HopKeepLanes, EveryThermometerCode) {
    auto m = std::make_unique<VMODEL>();
    for (unsigned n = 0; n <= kLanes; ++n) EXPECT_EQ(count(*m, thermometer(n)), n) << n;
}

TEST(HopKeepLanes, SameAsPerLaneFormForAnyKeep) {
    auto m = std::make_unique<VMODEL>();
    std::mt19937_64 rng(13);
    const uint64_t mask = thermometer(kLanes);
    for (int i = 0; i < 20000; ++i) {
        uint64_t t = rng() & mask;
        // Mostly near-thermometer words (a few flipped lanes), where the forms could differ.
        if (i % 2) t = thermometer(rng() % (kLanes + 1)) ^ (1ull << (rng() % kLanes));
        ASSERT_EQ(count(*m, t), perLane(t)) << std::hex << t;
    }
}

}  // namespace
