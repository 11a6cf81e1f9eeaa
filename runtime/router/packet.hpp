// SPDX-License-Identifier: Apache-2.0
// Parsing and building of the packets the slow path handles: Ethernet II, ARP for IPv4 over
// Ethernet (RFC 826), IPv4 with options (RFC 791), ICMP (RFC 792). Parsers check every length
// before reading and return an Error for anything malformed; they never read outside the
// buffer. Parsed packets are views into the caller's buffer (ByteView members).
#pragma once

#include <cstdint>
#include <cstring>
#include <utility>
#include <variant>
#include <vector>

#include "runtime/router/types.hpp"

namespace hop::router {

enum class Error {
    Truncated,         // shorter than its fixed header
    ArpHardwareType,   // not Ethernet (1)
    ArpProtocolType,   // not IPv4 (0x0800)
    ArpAddressLength,  // hlen != 6 or plen != 4
    ArpOperation,      // neither request (1) nor reply (2)
    Ipv4Version,       // version != 4
    Ipv4HeaderLength,  // IHL < 5, or the header does not fit the buffer
    Ipv4TotalLength,   // total length < header length or > the buffer
    Ipv4Checksum,      // header checksum wrong
    Ipv4Options,       // an option with a bad length
    IcmpChecksum,      // ICMP checksum wrong
    MtuTooSmall,       // fragmentation to an MTU below 68 (RFC 791)
    DontFragment,      // fragmentation needed but DF is set
    DatagramTooLong,   // more than 65535 bytes would result
};

const char* describe(Error error);

// A value or an Error (std::expected is C++23).
template <typename T>
class Result {
  public:
    Result(T value) : v_(std::move(value)) {}
    Result(Error error) : v_(error) {}

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    const T& value() const& { return std::get<0>(v_); }
    T& value() & { return std::get<0>(v_); }
    // By value, so that `for (auto& x : f().value())` does not dangle.
    T value() && { return std::get<0>(std::move(v_)); }
    const T& operator*() const { return value(); }
    const T* operator->() const { return &value(); }
    Error error() const { return std::get<1>(v_); }

  private:
    std::variant<T, Error> v_;
};

// ---- big-endian field access (callers check the bounds) -----------------------------------

inline uint16_t load16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
inline uint32_t load32(const uint8_t* p) {
    return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}
inline void store16(uint8_t* p, uint16_t v) {
    p[0] = uint8_t(v >> 8);
    p[1] = uint8_t(v);
}
inline void store32(uint8_t* p, uint32_t v) {
    store16(p, uint16_t(v >> 16));
    store16(p + 2, uint16_t(v));
}

// ---- Ethernet ---------------------------------------------------------------------------

constexpr uint16_t kEtherTypeIpv4 = 0x0800;
constexpr uint16_t kEtherTypeArp = 0x0806;
constexpr size_t kEthernetHeaderSize = 14;
constexpr size_t kMinFrameSize = 60;  // without FCS

struct EthernetFrame {
    MacAddr dst;
    MacAddr src;
    uint16_t etherType = 0;
    ByteView payload;  // may end with padding
};

Result<EthernetFrame> parseEthernet(ByteView frame);
// Header + payload, zero-padded to kMinFrameSize.
Bytes buildEthernet(const MacAddr& dst, const MacAddr& src, uint16_t etherType, ByteView payload);

// ---- ARP (RFC 826), IPv4 over Ethernet only -----------------------------------------------

constexpr uint16_t kArpRequest = 1;
constexpr uint16_t kArpReply = 2;
constexpr size_t kArpSize = 28;

struct ArpPacket {
    uint16_t operation = kArpRequest;
    MacAddr senderMac;
    Ipv4Addr senderIp;
    MacAddr targetMac;
    Ipv4Addr targetIp;
};

// Trailing bytes (Ethernet padding) are ignored. Other hardware or protocol types, address
// lengths and operations (RARP, InARP, ...) are errors: the slow path does not handle them.
Result<ArpPacket> parseArp(ByteView payload);
Bytes buildArp(const ArpPacket& arp);  // kArpSize bytes

// ---- IPv4 (RFC 791) -----------------------------------------------------------------------

constexpr uint8_t kIpProtoIcmp = 1;
constexpr uint8_t kIpProtoTcp = 6;
constexpr uint8_t kIpProtoUdp = 17;
constexpr size_t kIpv4MinHeaderSize = 20;
constexpr size_t kIpv4MaxHeaderSize = 60;
constexpr size_t kIpv4MaxDatagram = 65535;
constexpr size_t kIpv4MinMtu = 68;  // RFC 791: every module must forward 68 bytes unfragmented

struct Ipv4Header {
    uint8_t tos = 0;
    uint16_t totalLength = 0;
    uint16_t id = 0;
    bool reservedFlag = false;
    bool dontFragment = false;
    bool moreFragments = false;
    uint16_t fragmentOffset = 0;  // in 8-byte units
    uint8_t ttl = 64;
    uint8_t protocol = 0;
    uint16_t checksum = 0;
    Ipv4Addr src;
    Ipv4Addr dst;
};

struct Ipv4Packet {
    Ipv4Header header;
    ByteView headerBytes;  // the whole header, options included
    ByteView options;      // headerBytes after the first 20 bytes
    ByteView payload;      // up to the total length (Ethernet padding excluded)
    ByteView datagram;     // headerBytes + payload

    size_t headerLength() const { return headerBytes.size(); }
    size_t fragmentByteOffset() const { return size_t(header.fragmentOffset) * 8; }
    bool isFragment() const { return header.moreFragments || header.fragmentOffset != 0; }
};

// Checks version, IHL, total length against the buffer (trailing bytes are allowed: Ethernet
// padding), the header checksum (options included) and, with checkOptions, the option lengths.
Result<Ipv4Packet> parseIpv4(ByteView bytes, bool checkOptions = true);

// One option as found in a header: `bytes` is the whole option (type, length, data); EOL ends
// the list and is not reported, NOP is reported as a one-byte option.
struct Ipv4Option {
    uint8_t type = 0;
    ByteView bytes;
    bool copied() const { return (type & 0x80) != 0; }  // RFC 791 copy flag
};
constexpr uint8_t kIpOptEol = 0;
constexpr uint8_t kIpOptNop = 1;
constexpr uint8_t kIpOptLsrr = 0x83;
constexpr uint8_t kIpOptSsrr = 0x89;

Result<std::vector<Ipv4Option>> parseIpv4Options(ByteView options);

// A datagram from header fields, options (padded here with EOL to a multiple of 4; at most 40
// bytes) and payload. totalLength and checksum are computed; the other fields are taken as given.
// Returns Ipv4Options for options longer than 40 bytes, DatagramTooLong above 65535 bytes.
Result<Bytes> buildIpv4(const Ipv4Header& header, ByteView options, ByteView payload);

// Recomputes the header checksum of a datagram in place (header length from its IHL).
void setIpv4Checksum(std::span<uint8_t> datagram);

// ---- ICMP (RFC 792) -----------------------------------------------------------------------

constexpr uint8_t kIcmpEchoReply = 0;
constexpr uint8_t kIcmpDestUnreachable = 3;
constexpr uint8_t kIcmpEchoRequest = 8;
constexpr uint8_t kIcmpTimeExceeded = 11;
constexpr uint8_t kIcmpParameterProblem = 12;

constexpr uint8_t kUnreachNet = 0;
constexpr uint8_t kUnreachHost = 1;
constexpr uint8_t kUnreachProtocol = 2;
constexpr uint8_t kUnreachPort = 3;
constexpr uint8_t kUnreachFragNeeded = 4;
constexpr uint8_t kTimeExceededTtl = 0;
constexpr uint8_t kTimeExceededReassembly = 1;
constexpr size_t kIcmpHeaderSize = 8;

struct IcmpMessage {
    uint8_t type = 0;
    uint8_t code = 0;
    uint16_t checksum = 0;
    uint32_t rest = 0;  // bytes 4-7: id/sequence, unused/next-hop MTU, pointer, ...
    ByteView body;
};

Result<IcmpMessage> parseIcmp(ByteView bytes, bool verifyChecksum = true);
Bytes buildIcmp(uint8_t type, uint8_t code, uint32_t rest, ByteView body);

// Whether an ICMP type is an error message, about which no error may be sent (RFC 1122
// 3.2.2). As Linux does, every type that is not a known query or reply counts as an error.
bool isIcmpErrorType(uint8_t type);

}  // namespace hop::router
