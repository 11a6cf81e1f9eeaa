// SPDX-License-Identifier: Apache-2.0
// v1model's hash algorithms as BMv2 simple_switch computes them (src/bm_sim/calculations.cpp),
// bit for bit: the reference interpreter runs them on bytes, and the Verilog backend builds
// hardware equal to them (a CRC over a fixed-width input is linear: `linearCrc`).
//
// What BMv2 does for each v1model HashAlgorithm:
//   crc32         CRC-32/ISO-HDLC: poly 0x04C11DB7, init 0xFFFFFFFF, reflected in and out,
//                 xorout 0xFFFFFFFF ("123456789" -> 0xCBF43926)
//   crc32_custom  the same parameters until the control plane changes them
//   crc16         CRC-16/ARC: poly 0x8005, init 0, reflected in and out, xorout 0
//                 ("123456789" -> 0xBB3D)
//   crc16_custom  the same parameters until the control plane changes them
//   identity      the first min(8, n) bytes as a big-endian number
//   csum16        the Internet checksum (RFC 1071): one's complement of the one's complement sum
//                 of 16-bit big-endian words, an odd last byte padded with a zero byte after it
//   xor16         XOR of the 16-bit big-endian words, an odd last byte padded the same way
//   random        not an algorithm BMv2 registers: simple_switch refuses to load such a program
// BMv2 also has crc8_custom (CRC-8/SMBUS) and crc64_custom, which v1model cannot name.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ir/ir.hpp"

namespace hop::hash {

// A CRC in the terms of the catalogue of parametrised CRC algorithms.
struct Crc {
    int width = 0;      // 1..64 bits
    uint64_t poly = 0;  // normal (MSB-first) form, without the x^width term
    uint64_t init = 0;  // register before the first byte (not reflected)
    bool reflectIn = false;
    bool reflectOut = false;
    uint64_t xorOut = 0;
};

// The CRC an algorithm is (BMv2's defaults for the _custom ones); none for the others.
std::optional<Crc> crcOf(ir::HashAlgorithm algorithm);

uint64_t crc(const Crc& c, const uint8_t* data, size_t n);
uint16_t csum16(const uint8_t* data, size_t n);
uint16_t xor16(const uint8_t* data, size_t n);
uint64_t identity(const uint8_t* data, size_t n);

// The reason BMv2 cannot run `algorithm`, or none when it can.
std::optional<std::string> unsupportedReason(ir::HashAlgorithm algorithm);

// The algorithm over `bytes`, as BMv2's calculation returns it (a 64-bit number).
// `algorithm` must be one BMv2 runs (unsupportedReason is none).
uint64_t compute(ir::HashAlgorithm algorithm, const std::vector<uint8_t>& bytes);

// Bits of the value compute() returns: 32 (crc32), 16 (crc16, csum16, xor16), 64 (identity).
int outputWidth(ir::HashAlgorithm algorithm);

// A CRC over exactly `bytes` bytes as a linear function: the result is `constant` XOR, for
// every input bit i that is 1, columns[i] (bit 0 is the first bit on the wire: the most
// significant bit of the first byte).
struct LinearCrc {
    std::vector<uint64_t> columns;
    uint64_t constant = 0;
};
LinearCrc linearCrc(const Crc& c, size_t bytes);

// `base + (h % max)` as BMv2's hash extern computes it: base and max taken as 64-bit unsigned
// numbers, a max of 0 treated as 1 (the result is then base), the sum modulo 2^64. The caller
// truncates it to the result's width.
uint64_t hashOffset(uint64_t h, uint64_t base, uint64_t max);

}  // namespace hop::hash
