// SPDX-License-Identifier: Apache-2.0
// The hash functions of the exact-match tables, bit-exact with rtl/hop_hash.sv: the runtime
// places entries in the buckets the hardware will look in.
//
// hashKey(poly, key, width, outWidth):
//   crc = 0xFFFFFFFF; for i = width-1 down to 0: crc = (crc << 1) ^ ((crc[31] ^ key[i]) ? poly : 0)
//   (normal-form CRC-32, MSB first, no reflection, no final XOR), then the 32-bit CRC is folded
//   to outWidth bits: out[j] = XOR of crc[i] for every i with i % outWidth == j.
// Way 0 of hop_table_exact uses CRC-32 (kPolyWay0, IEEE 802.3), way 1 CRC-32C (kPolyWay1,
// Castagnoli). The key is the P4 key fields concatenated, first field in the high bits, as on the
// table lookup port.
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/tables/entry.hpp"

namespace hop::tables {

inline constexpr uint32_t kPolyWay0 = 0x04C11DB7;  // CRC-32
inline constexpr uint32_t kPolyWay1 = 0x1EDC6F41;  // CRC-32C
inline constexpr uint32_t kHashInit = 0xFFFFFFFF;

// A key as little-endian 32-bit words (word i = bits 32i+31..32i), the layout of the staging
// registers too. Bits at and above `width` are zero.
using KeyWords = std::vector<uint32_t>;

KeyWords toWords(const BigInt& value, int width);
BigInt fromWords(const KeyWords& words);

// The hash of a `width`-bit key folded to `outWidth` (1..32) bits.
uint32_t hashKey(uint32_t poly, const KeyWords& key, int width, int outWidth);
uint32_t hashKey(uint32_t poly, const BigInt& key, int width, int outWidth);

}  // namespace hop::tables
