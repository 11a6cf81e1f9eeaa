// SPDX-License-Identifier: Apache-2.0
// RFC 1071 and RFC 1624 with their own numeric examples.
#include "runtime/router/checksum.hpp"

#include <gtest/gtest.h>

#include <random>

namespace hop::router {
namespace {

TEST(Checksum, Rfc1071NumericExample) {
    // RFC 1071 section 3: bytes 00 01 f2 03 f4 f5 f6 f7 sum (with end-around carry) to ddf2,
    // whose complement 220d is the checksum.
    const uint8_t bytes[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    EXPECT_EQ(onesComplementSum(bytes), 0xddf2);
    EXPECT_EQ(internetChecksum(bytes), 0x220d);
    // The sum is the same in either byte order (RFC 1071 section 2 (B)).
    const uint8_t swapped[] = {0x01, 0x00, 0x03, 0xf2, 0xf5, 0xf4, 0xf7, 0xf6};
    EXPECT_EQ(onesComplementSum(swapped), 0xf2dd);
}

TEST(Checksum, Rfc1071PartialSumsCombine) {
    // RFC 1071 section 2 (C): sums of pieces add up (even-length pieces).
    const uint8_t bytes[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    uint16_t first = onesComplementSum(std::span(bytes, 4));
    EXPECT_EQ(onesComplementSum(std::span(bytes + 4, 4), first), 0xddf2);
}

TEST(Checksum, OddLengthPadsWithZero) {
    const uint8_t odd[] = {0x12, 0x34, 0x56};
    EXPECT_EQ(onesComplementSum(odd), 0x1234 + 0x5600);
}

TEST(Checksum, VerifyingOverAValidHeaderGivesZero) {
    // The IPv4 header of a well-known example (Wikipedia's, checksum b861).
    uint8_t header[] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                        0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
    EXPECT_EQ(internetChecksum(header), 0);
    header[10] = header[11] = 0;
    EXPECT_EQ(internetChecksum(header), 0xb861);
}

TEST(Checksum, Rfc1624Example) {
    // RFC 1624 section 4: checksum 0xdd2f, a field changes from 0x5555 to 0x3285. Eqn. 3 gives
    // 0x0000 (what recomputation gives); eqn. 2 would give 0xffff.
    EXPECT_EQ(updateChecksum(0xdd2f, 0x5555, 0x3285), 0x0000);
}

TEST(Checksum, IncrementalUpdateMatchesRecomputation) {
    std::mt19937 rng(1624);
    for (int round = 0; round < 20000; ++round) {
        uint8_t data[20];
        for (auto& b : data) b = uint8_t(rng());
        data[10] = data[11] = 0;
        uint16_t sum = internetChecksum(data);
        data[10] = uint8_t(sum >> 8);
        data[11] = uint8_t(sum);
        size_t word = 2 * (rng() % 10);
        if (word == 10) continue;  // the checksum field itself
        uint16_t before = uint16_t(data[word] << 8 | data[word + 1]);
        uint16_t after = uint16_t(rng());
        data[word] = uint8_t(after >> 8);
        data[word + 1] = uint8_t(after);
        uint16_t updated = updateChecksum(sum, before, after);
        data[10] = data[11] = 0;
        ASSERT_EQ(updated, internetChecksum(data)) << "round " << round;
    }
}

}  // namespace
}  // namespace hop::router
