// SPDX-License-Identifier: Apache-2.0
#include "runtime/router/checksum.hpp"

namespace hop::router {

namespace {

uint16_t fold(uint64_t sum) {
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(sum);
}

}  // namespace

uint16_t onesComplementSum(std::span<const uint8_t> data, uint16_t initial) {
    // A 64-bit accumulator cannot overflow for any buffer that fits in memory (2^48 words).
    uint64_t sum = initial;
    size_t i = 0;
    for (; i + 1 < data.size(); i += 2) sum += uint32_t(data[i]) << 8 | data[i + 1];
    if (i < data.size()) sum += uint32_t(data[i]) << 8;
    return fold(sum);
}

uint16_t internetChecksum(std::span<const uint8_t> data) {
    return static_cast<uint16_t>(~onesComplementSum(data));
}

uint16_t updateChecksum(uint16_t checksum, uint16_t oldWord, uint16_t newWord) {
    uint64_t sum = uint16_t(~checksum);
    sum += uint16_t(~oldWord);
    sum += newWord;
    return static_cast<uint16_t>(~fold(sum));
}

}  // namespace hop::router
