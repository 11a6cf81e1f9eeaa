// SPDX-License-Identifier: Apache-2.0
// The Internet checksum: RFC 1071 (computation) and RFC 1624 (incremental update).
#pragma once

#include <cstdint>
#include <span>

namespace hop::router {

// The 16-bit one's complement sum of `data` (big-endian 16-bit words, an odd last byte padded
// with zero), added to `initial` and folded to 16 bits. Not complemented: sums of pieces
// combine by passing one sum as the next `initial` (pieces other than the last must have an
// even length).
uint16_t onesComplementSum(std::span<const uint8_t> data, uint16_t initial = 0);

// The checksum to store: the complement of onesComplementSum. A range whose checksum field holds
// a correct checksum sums to 0xffff, so internetChecksum over it is 0.
uint16_t internetChecksum(std::span<const uint8_t> data);

// RFC 1624 eqn. 3: the new checksum after one 16-bit word covered by `checksum` changed from
// `oldWord` to `newWord`, HC' = ~(~HC + ~m + m'). Unlike eqn. 2 it never produces 0xffff (-0)
// where a full recomputation gives 0x0000.
uint16_t updateChecksum(uint16_t checksum, uint16_t oldWord, uint16_t newWord);

}  // namespace hop::router
