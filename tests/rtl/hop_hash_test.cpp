// SPDX-License-Identifier: Apache-2.0
// hop_hash: the folded CRC of a key equals runtime/tables/hash (hashKey), the function the
// runtime places exact-match entries with, for edge and random keys; and with OUT_W = 32 and the
// CRC-32 polynomial it is CRC-32/MPEG-2 (MSB first, init 0xFFFFFFFF, no reflection, no final
// XOR), whose catalogued check value over the ASCII "123456789" is 0x0376E6E7.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <random>
#include <vector>

#include VMODEL_HEADER
#include "runtime/tables/hash.hpp"
#include "verilator_util.hpp"

namespace {

constexpr int kKeyW = HASH_KEY_W;
constexpr int kOutW = HASH_OUT_W;
constexpr uint32_t kPoly = HASH_POLY;
constexpr size_t kKeyBytes = (kKeyW + 7) / 8;

// The key as bytes, lane order (byte 0 = bits 7..0), bits at and above kKeyW cleared.
std::vector<uint8_t> keyBytes(std::vector<uint8_t> b) {
    b.resize(kKeyBytes);
    if (kKeyW % 8) b.back() &= static_cast<uint8_t>((1u << (kKeyW % 8)) - 1);
    return b;
}

class Hash {
  public:
    Hash() : ctx_(std::make_unique<VerilatedContext>()), m_(std::make_unique<VMODEL>(ctx_.get())) {}
    ~Hash() { m_->final(); }
    uint32_t of(const std::vector<uint8_t>& key) {
        hop::rtltest::putBytes(m_->key, key.data(), key.size());
        m_->eval();
        return static_cast<uint32_t>(m_->hash);
    }

  private:
    std::unique_ptr<VerilatedContext> ctx_;
    std::unique_ptr<VMODEL> m_;
};

uint32_t runtimeHash(const std::vector<uint8_t>& key) {
    hop::tables::KeyWords words((kKeyW + 31) / 32, 0);
    for (size_t i = 0; i < key.size(); ++i) words[i / 4] |= uint32_t{key[i]} << (8 * (i % 4));
    return hop::tables::hashKey(kPoly, words, kKeyW, kOutW);
}

TEST(Hash, EqualsTheRuntimesHashKey) {
    Hash h;
    std::vector<std::vector<uint8_t>> keys;
    keys.push_back(keyBytes({}));                                     // all zero
    keys.push_back(keyBytes(std::vector<uint8_t>(kKeyBytes, 0xff)));  // all one
    for (int bit = 0; bit < kKeyW; ++bit) {                           // every unit key
        std::vector<uint8_t> k(kKeyBytes, 0);
        k[bit / 8] = static_cast<uint8_t>(1u << (bit % 8));
        keys.push_back(k);
    }
    std::mt19937 rng(kKeyW * 1000 + kOutW);
    for (int i = 0; i < 5000; ++i) {
        std::vector<uint8_t> k(kKeyBytes);
        for (auto& x : k) x = static_cast<uint8_t>(rng());
        keys.push_back(keyBytes(k));
    }
    for (const auto& k : keys) {
        const uint32_t got = h.of(k);
        ASSERT_EQ(got, runtimeHash(k)) << "key byte 0 = " << int(k[0]);
        if (kOutW < 32) ASSERT_EQ(got >> kOutW, 0u);
    }
}

TEST(Hash, Crc32Mpeg2CheckValue) {
    if (kKeyW != 72 || kOutW != 32 || kPoly != 0x04C11DB7) GTEST_SKIP() << "another configuration";
    // "123456789", first character in the key's high bits (it is fed first): byte 8 - i of the
    // lanes holds character i.
    const char* s = "123456789";
    std::vector<uint8_t> k(9);
    for (int i = 0; i < 9; ++i) k[8 - i] = static_cast<uint8_t>(s[i]);
    Hash h;
    EXPECT_EQ(h.of(k), 0x0376E6E7u);
}

}  // namespace
