// SPDX-License-Identifier: Apache-2.0
// Parsers reject every malformed input with an error (and never read past the buffer: the
// tests hand them exactly-sized heap buffers, which ASan or valgrind would catch).
#include <gtest/gtest.h>

#include "router_test_util.hpp"
#include "runtime/router/punt.hpp"

namespace hop::router {
namespace {

using namespace test;

TEST(Addresses, ParseAndPrint) {
    EXPECT_EQ(ip("192.0.2.1").value, 0xc0000201u);
    EXPECT_EQ(ip("192.0.2.1").str(), "192.0.2.1");
    EXPECT_FALSE(Ipv4Addr::parse("192.0.2"));
    EXPECT_FALSE(Ipv4Addr::parse("192.0.2.256"));
    EXPECT_FALSE(Ipv4Addr::parse("192.0.2.1."));
    EXPECT_FALSE(Ipv4Addr::parse("192..2.1"));
    EXPECT_FALSE(Ipv4Addr::parse("1922.0.2.1"));
    EXPECT_EQ(mac("02:00:5e:10:00:ff").str(), "02:00:5e:10:00:ff");
    EXPECT_FALSE(MacAddr::parse("02:00:5e:10:00"));
    EXPECT_FALSE(MacAddr::parse("02:00:5e:10:00:fg"));
    EXPECT_TRUE(MacAddr::broadcast().isGroup());
    EXPECT_TRUE(mac("01:00:5e:00:00:01").isGroup());
    EXPECT_FALSE(kMac1.isGroup());
}

TEST(Addresses, Classes) {
    EXPECT_FALSE(ip("0.0.0.0").isUnicastCandidate());
    EXPECT_FALSE(ip("0.1.2.3").isUnicastCandidate());
    EXPECT_FALSE(ip("127.0.0.1").isUnicastCandidate());
    EXPECT_FALSE(ip("224.0.0.1").isUnicastCandidate());
    EXPECT_FALSE(ip("239.255.255.255").isUnicastCandidate());
    EXPECT_FALSE(ip("240.0.0.1").isUnicastCandidate());
    EXPECT_FALSE(ip("255.255.255.255").isUnicastCandidate());
    EXPECT_TRUE(ip("192.0.2.1").isUnicastCandidate());
    Interface i{1, ip("192.0.2.1"), 25, kMac1, 1500};
    EXPECT_EQ(i.broadcastAddress(), ip("192.0.2.127"));
    EXPECT_TRUE(i.contains(ip("192.0.2.100")));
    EXPECT_FALSE(i.contains(ip("192.0.2.200")));
    i.prefixLength = 31;
    EXPECT_FALSE(i.broadcastAddress());
}

TEST(Ethernet, ParseAndBuild) {
    Bytes frame = buildEthernet(kMac1, kMacH1, kEtherTypeIpv4, pattern(10));
    ASSERT_EQ(frame.size(), kMinFrameSize);  // padded
    auto eth = parseEthernet(frame);
    ASSERT_TRUE(eth.ok());
    EXPECT_EQ(eth->dst, kMac1);
    EXPECT_EQ(eth->src, kMacH1);
    EXPECT_EQ(eth->etherType, kEtherTypeIpv4);
    EXPECT_EQ(eth->payload.size(), kMinFrameSize - 14);
    for (size_t n = 0; n < 14; ++n) {
        Bytes shortFrame(frame.begin(), frame.begin() + long(n));
        EXPECT_EQ(parseEthernet(shortFrame).error(), Error::Truncated);
    }
}

TEST(Arp, ParseRejectsForeignAndMalformed) {
    ArpPacket arp{kArpRequest, kMacH1, kH1, {}, kR1};
    Bytes good = buildArp(arp);
    ASSERT_TRUE(parseArp(good).ok());
    EXPECT_EQ(parseArp(good)->targetIp, kR1);
    for (size_t n = 0; n < kArpSize; ++n)
        EXPECT_EQ(parseArp(ByteView(good).first(n)).error(), Error::Truncated) << n;
    auto broken = [&](size_t at, uint8_t value) {
        Bytes b = good;
        b[at] = value;
        return parseArp(b);
    };
    EXPECT_EQ(broken(1, 6).error(), Error::ArpHardwareType);  // IEEE 802
    EXPECT_EQ(broken(2, 0x86).error(), Error::ArpProtocolType);
    EXPECT_EQ(broken(4, 8).error(), Error::ArpAddressLength);
    EXPECT_EQ(broken(5, 16).error(), Error::ArpAddressLength);
    EXPECT_EQ(broken(7, 3).error(), Error::ArpOperation);  // RARP request
    EXPECT_EQ(broken(7, 0).error(), Error::ArpOperation);
    Bytes padded = good;
    padded.resize(46, 0);
    EXPECT_TRUE(parseArp(padded).ok());
}

TEST(Ipv4, ParseFields) {
    IpOptions o;
    o.id = 0xbeef;
    o.ttl = 7;
    o.df = true;
    Bytes d = udp(kH1, kH2, 12, o);
    auto p = parseIpv4(d);
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->header.id, 0xbeef);
    EXPECT_EQ(p->header.ttl, 7);
    EXPECT_TRUE(p->header.dontFragment);
    EXPECT_FALSE(p->header.moreFragments);
    EXPECT_EQ(p->header.totalLength, 20 + 8 + 12);
    EXPECT_EQ(p->header.src, kH1);
    EXPECT_EQ(p->payload.size(), 20u);
    EXPECT_FALSE(p->isFragment());
}

TEST(Ipv4, ParseRejectsEachMalformation) {
    Bytes d = udp(kH1, kH2, 12);
    for (size_t n = 0; n < 20; ++n)
        EXPECT_EQ(parseIpv4(ByteView(d).first(n)).error(), Error::Truncated);
    auto with = [&](size_t at, uint8_t value, bool fixChecksum = true) {
        Bytes b = d;
        b[at] = value;
        if (fixChecksum && (b[0] & 0x0f) * 4u <= b.size() && (b[0] & 0x0f) >= 5) setIpv4Checksum(b);
        return parseIpv4(b);
    };
    EXPECT_EQ(with(0, 0x65).error(), Error::Ipv4Version);
    EXPECT_EQ(with(0, 0x44).error(), Error::Ipv4HeaderLength);
    EXPECT_EQ(with(0, 0x4f).error(), Error::Ipv4HeaderLength);  // 60 bytes > 40 in the buffer
    EXPECT_EQ(with(3, 19).error(), Error::Ipv4TotalLength);     // below the header
    EXPECT_EQ(with(3, 41).error(), Error::Ipv4TotalLength);     // beyond the buffer
    EXPECT_EQ(with(8, 1, false).error(), Error::Ipv4Checksum);
    // Trailing bytes (Ethernet padding) are not part of the datagram.
    Bytes padded = d;
    padded.resize(60, 0);
    auto p = parseIpv4(padded);
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->datagram.size(), d.size());
}

TEST(Ipv4, Options) {
    // NOP, record route (copy 0) with room for one address, a copied option (0x94, router
    // alert, RFC 2113), EOL.
    IpOptions o;
    o.options = {kIpOptNop, 0x07, 0x07, 0x04, 0, 0, 0, 0, 0x94, 0x04, 0x00, 0x00};
    Bytes d = udp(kH1, kH2, 4, o);
    auto p = parseIpv4(d);
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->headerLength(), 32u);
    auto options = parseIpv4Options(p->options);
    ASSERT_TRUE(options.ok());
    ASSERT_EQ(options->size(), 3u);
    EXPECT_EQ((*options)[0].type, kIpOptNop);
    EXPECT_FALSE((*options)[1].copied());
    EXPECT_TRUE((*options)[2].copied());
    EXPECT_EQ((*options)[2].bytes.size(), 4u);

    const Bytes bad[] = {{0x07}, {0x07, 0x01, 0, 0}, {0x07, 0x09, 0, 0, 0, 0, 0, 0}, {0x44, 0}};
    for (const Bytes& b : bad) EXPECT_EQ(parseIpv4Options(b).error(), Error::Ipv4Options);
    // A header with such options fails to parse as a whole.
    IpOptions badHeader;
    badHeader.options = {0x07, 0x09, 0, 0};
    EXPECT_EQ(parseIpv4(udp(kH1, kH2, 4, badHeader)).error(), Error::Ipv4Options);
    EXPECT_TRUE(parseIpv4(udp(kH1, kH2, 4, badHeader), false).ok());
    // Everything after EOL is ignored.
    EXPECT_TRUE(parseIpv4Options(Bytes{kIpOptEol, 0x44, 0xff, 0x00})->empty());
}

TEST(Ipv4, BuildLimits) {
    Ipv4Header h;
    EXPECT_EQ(buildIpv4(h, Bytes(41, 1), {}).error(), Error::Ipv4Options);
    EXPECT_EQ(buildIpv4(h, {}, Bytes(65516)).error(), Error::DatagramTooLong);
    auto max = buildIpv4(h, {}, Bytes(65515));
    ASSERT_TRUE(max.ok());
    EXPECT_EQ(parseIpv4(*max)->header.totalLength, 65535);
}

TEST(Icmp, ParseAndBuild) {
    Bytes m = buildIcmp(kIcmpEchoRequest, 0, 0x12340001, pattern(5));
    EXPECT_EQ(internetChecksum(m), 0);
    auto icmp = parseIcmp(m);
    ASSERT_TRUE(icmp.ok());
    EXPECT_EQ(icmp->rest, 0x12340001u);
    EXPECT_EQ(icmp->body.size(), 5u);
    m[9] ^= 1;
    EXPECT_EQ(parseIcmp(m).error(), Error::IcmpChecksum);
    EXPECT_EQ(parseIcmp(ByteView(m).first(7)).error(), Error::Truncated);
    EXPECT_FALSE(isIcmpErrorType(kIcmpEchoRequest));
    EXPECT_FALSE(isIcmpErrorType(kIcmpEchoReply));
    EXPECT_FALSE(isIcmpErrorType(13));
    EXPECT_TRUE(isIcmpErrorType(kIcmpDestUnreachable));
    EXPECT_TRUE(isIcmpErrorType(kIcmpTimeExceeded));
    EXPECT_TRUE(isIcmpErrorType(kIcmpParameterProblem));
    EXPECT_TRUE(isIcmpErrorType(5));    // redirect
    EXPECT_TRUE(isIcmpErrorType(200));  // unknown: treated as an error
}

TEST(Punt, Router4Headers) {
    // packet_in {ingress_port = 3, reason = 6}: 0000 0001 1|000 0110
    const uint8_t message[] = {0x01, 0x86, 0xaa};
    auto in = decodePacketIn(message);
    ASSERT_TRUE(in.ok());
    EXPECT_EQ(in->ingressPort, 3);
    EXPECT_EQ(in->reason, uint8_t(PuntReason::Mtu));
    EXPECT_EQ(in->frame.size(), 1u);
    EXPECT_EQ(decodePacketIn(ByteView(message).first(1)).error(), Error::Truncated);
    const uint8_t frame[] = {1, 2};
    Bytes out = encodePacketOut(511, frame);
    EXPECT_EQ(out, (Bytes{0xff, 0x80, 1, 2}));
}

}  // namespace
}  // namespace hop::router
