// SPDX-License-Identifier: Apache-2.0
#include "runtime/tables/hash.hpp"

namespace hop::tables {

KeyWords toWords(const BigInt& value, int width) {
    KeyWords words((width + 31) / 32, 0);
    BigInt v = value;
    for (size_t i = 0; i < words.size(); ++i) {
        words[i] = static_cast<uint32_t>(v & 0xFFFFFFFFu);
        v >>= 32;
    }
    if (width % 32 != 0 && !words.empty()) words.back() &= (1u << (width % 32)) - 1;
    return words;
}

BigInt fromWords(const KeyWords& words) {
    BigInt v = 0;
    for (size_t i = words.size(); i-- > 0;) v = (v << 32) | words[i];
    return v;
}

uint32_t hashKey(uint32_t poly, const KeyWords& key, int width, int outWidth) {
    uint32_t crc = kHashInit;
    for (int i = width - 1; i >= 0; --i) {
        const uint32_t bit = (key[i / 32] >> (i % 32)) & 1u;
        crc = (crc << 1) ^ (((crc >> 31) ^ bit) ? poly : 0u);
    }
    uint32_t out = 0;
    for (int i = 0; i < 32; ++i) out ^= ((crc >> i) & 1u) << (i % outWidth);
    return out;
}

uint32_t hashKey(uint32_t poly, const BigInt& key, int width, int outWidth) {
    return hashKey(poly, toWords(key, width), width, outWidth);
}

}  // namespace hop::tables
