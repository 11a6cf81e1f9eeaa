// SPDX-License-Identifier: Apache-2.0
#include "runtime/router/types.hpp"

#include <fmt/format.h>

namespace hop::router {

namespace {

// A decimal field 0..max with 1-3 digits (no sign, no leading '+').
std::optional<unsigned> decimalField(std::string_view text, unsigned max) {
    if (text.empty() || text.size() > 3) return std::nullopt;
    unsigned v = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + unsigned(c - '0');
    }
    if (v > max) return std::nullopt;
    return v;
}

int hexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::optional<Ipv4Addr> Ipv4Addr::parse(std::string_view text) {
    uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
        size_t dot = i < 3 ? text.find('.') : text.size();
        if (dot == std::string_view::npos) return std::nullopt;
        auto field = decimalField(text.substr(0, dot), 255);
        if (!field) return std::nullopt;
        value = value << 8 | *field;
        text.remove_prefix(i < 3 ? dot + 1 : dot);
    }
    if (!text.empty()) return std::nullopt;
    return Ipv4Addr(value);
}

std::string Ipv4Addr::str() const {
    return fmt::format("{}.{}.{}.{}", value >> 24, (value >> 16) & 0xff, (value >> 8) & 0xff,
                       value & 0xff);
}

std::optional<MacAddr> MacAddr::parse(std::string_view text) {
    if (text.size() != 17) return std::nullopt;
    MacAddr mac;
    for (size_t i = 0; i < 6; ++i) {
        if (i > 0 && text[3 * i - 1] != ':' && text[3 * i - 1] != '-') return std::nullopt;
        int hi = hexDigit(text[3 * i]);
        int lo = hexDigit(text[3 * i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        mac.bytes[i] = uint8_t(hi << 4 | lo);
    }
    return mac;
}

std::string MacAddr::str() const {
    return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", bytes[0], bytes[1], bytes[2],
                       bytes[3], bytes[4], bytes[5]);
}

}  // namespace hop::router
