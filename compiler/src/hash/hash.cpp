// SPDX-License-Identifier: Apache-2.0
#include "hash/hash.hpp"

#include <stdexcept>

namespace hop::hash {

namespace {

uint64_t mask(int width) { return width >= 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1; }

uint64_t reflect(uint64_t v, int width) {
    uint64_t r = 0;
    for (int i = 0; i < width; ++i)
        if ((v >> i) & 1) r |= uint64_t{1} << (width - 1 - i);
    return r;
}

// One's complement sum of the 16-bit big-endian words (an odd last byte is the high byte of a
// word whose low byte is 0), folded to 16 bits with the end-around carries.
uint32_t onesComplementSum(const uint8_t* data, size_t n) {
    uint64_t sum = 0;
    for (size_t i = 0; i < n; i += 2) {
        uint32_t word = static_cast<uint32_t>(data[i]) << 8;
        if (i + 1 < n) word |= data[i + 1];
        sum += word;
    }
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint32_t>(sum);
}

}  // namespace

std::optional<Crc> crcOf(ir::HashAlgorithm algorithm) {
    switch (algorithm) {
        case ir::HashAlgorithm::Crc32:
        case ir::HashAlgorithm::Crc32Custom:
            return Crc{32, 0x04c11db7, 0xffffffff, true, true, 0xffffffff};
        case ir::HashAlgorithm::Crc16:
        case ir::HashAlgorithm::Crc16Custom:
            return Crc{16, 0x8005, 0, true, true, 0};
        default:
            return std::nullopt;
    }
}

// Bit by bit, MSB-first register: the catalogue's definition, not a table, so the library
// has no constant that could be mistyped.
uint64_t crc(const Crc& c, const uint8_t* data, size_t n) {
    const uint64_t top = uint64_t{1} << (c.width - 1);
    uint64_t reg = c.init & mask(c.width);
    for (size_t i = 0; i < n; ++i) {
        const uint8_t byte = c.reflectIn ? static_cast<uint8_t>(reflect(data[i], 8)) : data[i];
        for (int b = 7; b >= 0; --b) {
            const bool in = (byte >> b) & 1;
            const bool msb = (reg & top) != 0;
            reg = (reg << 1) & mask(c.width);
            if (in != msb) reg ^= c.poly & mask(c.width);
        }
    }
    if (c.reflectOut) reg = reflect(reg, c.width);
    return (reg ^ c.xorOut) & mask(c.width);
}

uint16_t csum16(const uint8_t* data, size_t n) {
    return static_cast<uint16_t>(~onesComplementSum(data, n) & 0xffff);
}

uint16_t xor16(const uint8_t* data, size_t n) {
    uint16_t x = 0;
    for (size_t i = 0; i < n; i += 2) {
        uint16_t word = static_cast<uint16_t>(data[i] << 8);
        if (i + 1 < n) word |= data[i + 1];
        x ^= word;
    }
    return x;
}

uint64_t identity(const uint8_t* data, size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n && i < 8; ++i) v = (v << 8) | data[i];
    return v;
}

std::optional<std::string> unsupportedReason(ir::HashAlgorithm algorithm) {
    if (algorithm == ir::HashAlgorithm::Random)
        return std::string(
            "HashAlgorithm.random (BMv2 simple_switch has no 'random' hash algorithm and refuses "
            "such a program, so there is no behaviour to match; random() gives random numbers)");
    return std::nullopt;
}

uint64_t compute(ir::HashAlgorithm algorithm, const std::vector<uint8_t>& bytes) {
    const uint8_t* d = bytes.data();
    const size_t n = bytes.size();
    if (auto c = crcOf(algorithm)) return crc(*c, d, n);
    switch (algorithm) {
        case ir::HashAlgorithm::Csum16:
            return csum16(d, n);
        case ir::HashAlgorithm::Xor16:
            return xor16(d, n);
        case ir::HashAlgorithm::Identity:
            return identity(d, n);
        default:
            break;
    }
    throw std::logic_error(unsupportedReason(algorithm).value_or("unknown hash algorithm"));
}

int outputWidth(ir::HashAlgorithm algorithm) {
    if (auto c = crcOf(algorithm)) return c->width;
    return algorithm == ir::HashAlgorithm::Identity ? 64 : 16;
}

LinearCrc linearCrc(const Crc& c, size_t bytes) {
    LinearCrc l;
    std::vector<uint8_t> buf(bytes, 0);
    l.constant = crc(c, buf.data(), bytes);
    l.columns.resize(bytes * 8);
    for (size_t i = 0; i < bytes * 8; ++i) {
        buf[i / 8] = static_cast<uint8_t>(0x80 >> (i % 8));
        l.columns[i] = crc(c, buf.data(), bytes) ^ l.constant;
        buf[i / 8] = 0;
    }
    return l;
}

uint64_t hashOffset(uint64_t h, uint64_t base, uint64_t max) {
    return h % (max == 0 ? 1 : max) + base;
}

}  // namespace hop::hash
