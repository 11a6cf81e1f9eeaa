// SPDX-License-Identifier: Apache-2.0
// Shared by the router slow path tests: a small network (RFC 5737 addresses only), packet
// builders, a check that a frame the library built is well-formed, a pcap writer and tshark.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include "runtime/router/checksum.hpp"
#include "runtime/router/fragment.hpp"
#include "runtime/router/slow_path.hpp"

namespace hop::router::test {

inline TimePoint at(double seconds) {
    return TimePoint() +
           std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds));
}
inline Ipv4Addr ip(const char* text) { return *Ipv4Addr::parse(text); }
inline MacAddr mac(const char* text) { return *MacAddr::parse(text); }

// The router: port 1 192.0.2.1/25 (MTU 1500), port 2 198.51.100.1/24 (MTU 1280), port 3
// 203.0.113.1/25 (MTU 576); 203.0.113.128/25 via 198.51.100.254; 192.0.2.128/25 has no route.
inline const MacAddr kMac1 = mac("02:00:00:00:00:01");
inline const MacAddr kMac2 = mac("02:00:00:00:00:02");
inline const MacAddr kMac3 = mac("02:00:00:00:00:03");
inline const Ipv4Addr kR1 = ip("192.0.2.1");
inline const Ipv4Addr kR2 = ip("198.51.100.1");
inline const Ipv4Addr kR3 = ip("203.0.113.1");
// Hosts: H1 on port 1, H2 on port 2, H3 on port 3, the gateway GW on port 2.
inline const Ipv4Addr kH1 = ip("192.0.2.10");
inline const Ipv4Addr kH2 = ip("198.51.100.20");
inline const Ipv4Addr kH3 = ip("203.0.113.30");
inline const Ipv4Addr kGw = ip("198.51.100.254");
inline const Ipv4Addr kBehindGw = ip("203.0.113.200");
inline const Ipv4Addr kNoRoute = ip("192.0.2.200");
inline const MacAddr kMacH1 = mac("02:00:00:00:01:0a");
inline const MacAddr kMacH2 = mac("02:00:00:00:02:14");
inline const MacAddr kMacH3 = mac("02:00:00:00:03:1e");
inline const MacAddr kMacGw = mac("02:00:00:00:02:fe");

inline std::vector<Interface> testInterfaces() {
    return {{1, kR1, 25, kMac1, 1500}, {2, kR2, 24, kMac2, 1280}, {3, kR3, 25, kMac3, 576}};
}

inline SlowPathConfig testConfig() {
    SlowPathConfig config;
    config.interfaces = testInterfaces();
    auto table = std::make_shared<RouteTable>();
    table->add(ip("203.0.113.128"), 25, 2, kGw);
    config.routes = [table](Ipv4Addr dst) { return table->lookup(dst); };
    return config;
}

// 0, 1, 2, ... as payload bytes, offset by `seed`.
inline Bytes pattern(size_t length, uint8_t seed = 0) {
    Bytes out(length);
    for (size_t i = 0; i < length; ++i) out[i] = uint8_t(seed + i);
    return out;
}

struct IpOptions {
    uint16_t id = 0x1234;
    uint8_t ttl = 64;
    bool df = false;
    bool mf = false;
    uint16_t fragmentOffset = 0;
    Bytes options;
};

inline Bytes ipv4(Ipv4Addr src, Ipv4Addr dst, uint8_t protocol, ByteView payload,
                  const IpOptions& o = {}) {
    Ipv4Header h;
    h.id = o.id;
    h.ttl = o.ttl;
    h.dontFragment = o.df;
    h.moreFragments = o.mf;
    h.fragmentOffset = o.fragmentOffset;
    h.protocol = protocol;
    h.src = src;
    h.dst = dst;
    return std::move(buildIpv4(h, o.options, payload)).value();
}

// A UDP datagram with a correct checksum (RFC 768 pseudo header).
inline Bytes udp(Ipv4Addr src, Ipv4Addr dst, size_t dataLength, const IpOptions& o = {},
                 uint16_t dstPort = 33434) {
    Bytes segment(8 + dataLength);
    store16(&segment[0], 40000);
    store16(&segment[2], dstPort);
    store16(&segment[4], uint16_t(segment.size()));
    Bytes data = pattern(dataLength, 7);
    std::copy(data.begin(), data.end(), segment.begin() + 8);
    uint8_t pseudo[12];
    store32(pseudo, src.value);
    store32(pseudo + 4, dst.value);
    pseudo[8] = 0;
    pseudo[9] = kIpProtoUdp;
    store16(pseudo + 10, uint16_t(segment.size()));
    uint16_t sum = onesComplementSum(segment, onesComplementSum(pseudo));
    uint16_t check = uint16_t(~sum);
    store16(&segment[6], check == 0 ? 0xffff : check);
    return ipv4(src, dst, kIpProtoUdp, segment, o);
}

inline Bytes echoRequest(Ipv4Addr src, Ipv4Addr dst, size_t dataLength, const IpOptions& o = {},
                         uint16_t ident = 0x4242, uint16_t seq = 1) {
    Bytes icmp =
        buildIcmp(kIcmpEchoRequest, 0, uint32_t(ident) << 16 | seq, pattern(dataLength, 3));
    return ipv4(src, dst, kIpProtoIcmp, icmp, o);
}

inline Bytes ethernet(const MacAddr& dst, const MacAddr& src, ByteView datagram) {
    return buildEthernet(dst, src, kEtherTypeIpv4, datagram);
}

inline Bytes arpFrame(uint16_t op, const MacAddr& ethDst, const MacAddr& senderMac,
                      Ipv4Addr senderIp, const MacAddr& targetMac, Ipv4Addr targetIp) {
    ArpPacket arp{op, senderMac, senderIp, targetMac, targetIp};
    return buildEthernet(ethDst, senderMac, kEtherTypeArp, buildArp(arp));
}

// The IPv4 datagram inside a frame the library built (asserting it is one).
inline Ipv4Packet ipOf(const TxFrame& f) {
    auto eth = parseEthernet(f.frame);
    EXPECT_TRUE(eth.ok());
    EXPECT_EQ(eth->etherType, kEtherTypeIpv4);
    auto packet = parseIpv4(eth->payload);
    EXPECT_TRUE(packet.ok()) << (packet ? "" : describe(packet.error()));
    return *packet;
}

inline IcmpMessage icmpOf(const TxFrame& f) {
    Ipv4Packet packet = ipOf(f);
    EXPECT_EQ(packet.header.protocol, kIpProtoIcmp);
    auto icmp = parseIcmp(packet.payload);
    EXPECT_TRUE(icmp.ok());
    return *icmp;
}

// Whether a frame the library built is well-formed: from a configured port and its MAC, at
// least 60 bytes and only padding after the payload; ARP valid; IPv4 with a valid header
// checksum and options, within the port's MTU; a whole ICMP message with a valid checksum.
inline ::testing::AssertionResult wellFormed(const TxFrame& f, std::span<const Interface> ifs) {
    const Interface* iface = nullptr;
    for (const Interface& i : ifs)
        if (i.port == f.port) iface = &i;
    if (!iface) return ::testing::AssertionFailure() << "unknown port " << f.port;
    if (f.frame.size() < kMinFrameSize) return ::testing::AssertionFailure() << "runt frame";
    auto eth = parseEthernet(f.frame);
    if (!eth) return ::testing::AssertionFailure() << "no Ethernet header";
    if (eth->src != iface->mac) return ::testing::AssertionFailure() << "source MAC";
    if (eth->dst.isZero()) return ::testing::AssertionFailure() << "zero destination MAC";
    size_t used = 0;
    if (eth->etherType == kEtherTypeArp) {
        auto arp = parseArp(eth->payload);
        if (!arp) return ::testing::AssertionFailure() << "ARP: " << describe(arp.error());
        if (arp->senderMac != iface->mac) return ::testing::AssertionFailure() << "ARP sender";
        used = kArpSize;
    } else if (eth->etherType == kEtherTypeIpv4) {
        auto packet = parseIpv4(eth->payload);
        if (!packet) return ::testing::AssertionFailure() << "IPv4: " << describe(packet.error());
        if (packet->header.totalLength > iface->mtu)
            return ::testing::AssertionFailure() << "above the MTU: " << packet->header.totalLength;
        if (packet->header.ttl == 0) return ::testing::AssertionFailure() << "TTL 0";
        bool ours = std::any_of(ifs.begin(), ifs.end(), [&](const Interface& i) {
            return i.address == packet->header.src;
        });
        // ICMP the router built must be whole and correct; transit ICMP is not its business.
        if (packet->header.protocol == kIpProtoIcmp && !packet->isFragment() && ours) {
            auto icmp = parseIcmp(packet->payload);
            if (!icmp) return ::testing::AssertionFailure() << "ICMP: " << describe(icmp.error());
        }
        used = packet->header.totalLength;
    } else {
        return ::testing::AssertionFailure() << "EtherType " << eth->etherType;
    }
    for (size_t i = kEthernetHeaderSize + used; i < f.frame.size(); ++i)
        if (f.frame[i] != 0) return ::testing::AssertionFailure() << "bytes after the payload";
    if (f.frame.size() > std::max(kMinFrameSize, kEthernetHeaderSize + used))
        return ::testing::AssertionFailure() << "frame longer than its payload";
    return ::testing::AssertionSuccess();
}

// Classic pcap (not pcapng): 24-byte global header, 16-byte record headers, LINKTYPE_ETHERNET.
class PcapWriter {
  public:
    explicit PcapWriter(const std::string& path) : out_(path, std::ios::binary) {
        put32(0xa1b2c3d4);  // magic, microsecond timestamps, in our byte order
        put16(2);           // version 2.4
        put16(4);
        put32(0);      // thiszone
        put32(0);      // sigfigs
        put32(65535);  // snaplen
        put32(1);      // LINKTYPE_ETHERNET
    }
    void add(ByteView frame) {
        put32(uint32_t(1700000000 + count_));
        put32(0);
        put32(uint32_t(frame.size()));
        put32(uint32_t(frame.size()));
        out_.write(reinterpret_cast<const char*>(frame.data()), std::streamsize(frame.size()));
        ++count_;
    }
    void close() { out_.close(); }
    int count() const { return count_; }

  private:
    void put16(uint16_t v) { out_.write(reinterpret_cast<const char*>(&v), 2); }
    void put32(uint32_t v) { out_.write(reinterpret_cast<const char*>(&v), 4); }
    std::ofstream out_;
    int count_ = 0;
};

// Output of a command (stdout only).
inline std::string run(const std::string& command) {
    std::string out;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) return out;
    char buffer[4096];
    size_t n;
    while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
    pclose(pipe);
    return out;
}

}  // namespace hop::router::test
