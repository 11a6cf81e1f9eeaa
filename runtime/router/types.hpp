// SPDX-License-Identifier: Apache-2.0
// Vocabulary of the router slow path (runtime/router): addresses, the router's interfaces, the
// frames it wants sent and the neighbour events hopd turns into next-hop table writes. The
// library does no I/O and reads no clock: every call that depends on time takes `now`.
#pragma once

#include <array>
#include <chrono>
#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hop::router {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Duration = Clock::duration;

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

// A port number as router.p4's packet_in / packet_out headers carry it (9 bits there).
using Port = uint16_t;

struct Ipv4Addr {
    uint32_t value = 0;  // host byte order

    constexpr Ipv4Addr() = default;
    constexpr explicit Ipv4Addr(uint32_t v) : value(v) {}
    constexpr Ipv4Addr(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
        : value(uint32_t(a) << 24 | uint32_t(b) << 16 | uint32_t(c) << 8 | d) {}

    // Dotted quad, exactly four decimal fields 0-255.
    static std::optional<Ipv4Addr> parse(std::string_view text);
    std::string str() const;

    constexpr bool isZeroNetwork() const { return (value >> 24) == 0; }  // 0.0.0.0/8
    constexpr bool isLoopback() const { return (value >> 24) == 127; }   // 127.0.0.0/8
    constexpr bool isMulticast() const { return (value >> 28) == 0xe; }  // 224.0.0.0/4
    constexpr bool isClassE() const { return (value >> 28) == 0xf; }     // 240.0.0.0/4
    constexpr bool isLimitedBroadcast() const { return value == 0xffffffffu; }
    // What RFC 1812 5.3.7 / RFC 1122 3.2.1.3 allow as the address of one host, leaving aside
    // the directed broadcasts of our own subnets (those need the interface list).
    constexpr bool isUnicastCandidate() const {
        return !isZeroNetwork() && !isLoopback() && !isMulticast() && !isClassE();
    }

    friend constexpr auto operator<=>(Ipv4Addr, Ipv4Addr) = default;
};

constexpr uint32_t prefixMask(int length) {
    return length <= 0 ? 0u : length >= 32 ? 0xffffffffu : ~0u << (32 - length);
}

struct MacAddr {
    std::array<uint8_t, 6> bytes{};

    static constexpr MacAddr broadcast() { return MacAddr{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}; }
    // aa:bb:cc:dd:ee:ff (also with '-').
    static std::optional<MacAddr> parse(std::string_view text);
    std::string str() const;

    constexpr bool isBroadcast() const { return *this == broadcast(); }
    constexpr bool isGroup() const { return (bytes[0] & 1) != 0; }  // multicast or broadcast
    constexpr bool isZero() const { return *this == MacAddr{}; }

    friend constexpr auto operator<=>(const MacAddr&, const MacAddr&) = default;
};

// One IPv4 address of the router on one port. A port may carry several.
struct Interface {
    Port port = 0;
    Ipv4Addr address;
    int prefixLength = 24;
    MacAddr mac;
    uint16_t mtu = 1500;  // IP MTU

    constexpr bool contains(Ipv4Addr a) const {
        uint32_t m = prefixMask(prefixLength);
        return (a.value & m) == (address.value & m);
    }
    // The directed broadcast of the subnet; none for /31 (RFC 3021) and /32.
    constexpr std::optional<Ipv4Addr> broadcastAddress() const {
        if (prefixLength > 30) return std::nullopt;
        return Ipv4Addr(address.value | ~prefixMask(prefixLength));
    }
};

// A frame to send out of `port` (hopd puts it behind a packet_out header; router.p4 then sends
// it there unchanged). Frames are complete Ethernet frames without FCS, at least 60 bytes.
struct TxFrame {
    Port port = 0;
    Bytes frame;
};

// What hopd writes to (Resolved) or removes from (Gone) the hardware next-hop table.
struct NeighbourEvent {
    enum class Kind { Resolved, Gone } kind = Kind::Resolved;
    Ipv4Addr ip;
    MacAddr mac;
    Port port = 0;
    friend bool operator==(const NeighbourEvent&, const NeighbourEvent&) = default;
};

// The result of every call that handles a packet or the passing of time.
struct Actions {
    std::vector<TxFrame> frames;
    std::vector<NeighbourEvent> events;
    bool empty() const { return frames.empty() && events.empty(); }
};

// A named counter for `hopctl counters`.
struct Counter {
    std::string name;
    uint64_t value = 0;
};

}  // namespace hop::router
