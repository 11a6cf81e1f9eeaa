// SPDX-License-Identifier: Apache-2.0
// ICMP messages the router builds, the rules that forbid an error (RFC 1122 3.2.2, RFC 1812
// 4.3.2.7) and the token bucket.
#include "runtime/router/icmp.hpp"

#include <gtest/gtest.h>

#include "router_test_util.hpp"

namespace hop::router {
namespace {

using namespace test;

std::optional<Suppression> suppressed(const Bytes& datagram, bool linkGroup = false) {
    auto p = parseIpv4(datagram);
    EXPECT_TRUE(p.ok());
    const auto ifs = testInterfaces();
    return errorSuppressed(*p, linkGroup, ifs);
}

TEST(IcmpRules, AllowsAnOrdinaryDatagram) {
    EXPECT_FALSE(suppressed(udp(kH1, kH2, 10)));
    EXPECT_FALSE(suppressed(echoRequest(kH1, kH2, 10)));
    // Informational ICMP is not an error.
    EXPECT_FALSE(suppressed(ipv4(kH1, kH2, kIpProtoIcmp, buildIcmp(13, 0, 0, pattern(12)))));
}

TEST(IcmpRules, NeverAboutAnIcmpError) {
    for (uint8_t type : {3, 4, 5, 11, 12, 31, 42, 200}) {
        Bytes error = ipv4(kH1, kH2, kIpProtoIcmp, buildIcmp(type, 0, 0, pattern(28)));
        EXPECT_EQ(suppressed(error), Suppression::AboutIcmpError) << int(type);
    }
    // Too short to tell.
    EXPECT_EQ(suppressed(ipv4(kH1, kH2, kIpProtoIcmp, {})), Suppression::AboutIcmpError);
}

TEST(IcmpRules, NeverAboutANonFirstFragment) {
    IpOptions o;
    o.fragmentOffset = 1;
    EXPECT_EQ(suppressed(udp(kH1, kH2, 10, o)), Suppression::NonFirstFragment);
    o.fragmentOffset = 0;
    o.mf = true;  // the first fragment is fine
    EXPECT_FALSE(suppressed(udp(kH1, kH2, 16, o)));
}

TEST(IcmpRules, NeverAboutALinkLayerBroadcast) {
    EXPECT_EQ(suppressed(udp(kH1, kH2, 10), true), Suppression::LinkBroadcast);
}

TEST(IcmpRules, NeverAboutABroadcastOrMulticastDestination) {
    for (const char* dst : {"255.255.255.255", "224.0.0.1", "239.1.2.3", "240.0.0.1", "192.0.2.127",
                            "198.51.100.255", "203.0.113.127"})
        EXPECT_EQ(suppressed(udp(kH1, ip(dst), 10)), Suppression::GroupDestination) << dst;
    // The broadcast of a subnet we are not on is an ordinary address to us.
    EXPECT_FALSE(suppressed(udp(kH1, ip("203.0.113.255"), 10)));
}

TEST(IcmpRules, NeverToAnInvalidSource) {
    for (const char* src : {"0.0.0.0", "0.0.0.1", "127.0.0.1", "224.0.0.5", "240.0.0.1",
                            "255.255.255.255", "192.0.2.127"})
        EXPECT_EQ(suppressed(udp(ip(src), kH2, 10)), Suppression::InvalidSource) << src;
    EXPECT_EQ(suppressed(udp(kR2, kH2, 10)), Suppression::OwnSource);
}

TEST(IcmpBuild, ErrorQuotesHeaderWithOptionsAndEightBytes) {
    IpOptions o;
    o.options = {0x94, 0x04, 0x00, 0x00, 0x07, 0x07, 0x04, 0, 0, 0, 0, 0};
    o.ttl = 1;
    Bytes offending = udp(kH1, kH2, 100, o);
    auto p = parseIpv4(offending);
    Bytes error = buildIcmpError(*p, kIcmpTimeExceeded, kTimeExceededTtl, 0, kR1, 77);
    auto e = parseIpv4(error);
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(e->header.src, kR1);
    EXPECT_EQ(e->header.dst, kH1);
    EXPECT_EQ(e->header.protocol, kIpProtoIcmp);
    EXPECT_EQ(e->header.ttl, kOriginatedTtl);
    EXPECT_EQ(e->header.tos, kIcmpErrorTos);
    EXPECT_EQ(e->header.id, 77);
    EXPECT_FALSE(e->header.dontFragment);
    EXPECT_EQ(e->headerLength(), 20u);
    auto icmp = parseIcmp(e->payload);
    ASSERT_TRUE(icmp.ok());
    EXPECT_EQ(icmp->type, kIcmpTimeExceeded);
    EXPECT_EQ(icmp->code, kTimeExceededTtl);
    EXPECT_EQ(icmp->rest, 0u);
    // 32-byte header (options included) + 8 bytes of the UDP header.
    ASSERT_EQ(icmp->body.size(), 32u + 8u);
    EXPECT_TRUE(std::equal(icmp->body.begin(), icmp->body.end(), offending.begin()));
}

TEST(IcmpBuild, ShortDatagramsAreQuotedWhole) {
    Bytes offending = ipv4(kH1, kH2, 99, pattern(3));
    auto p = parseIpv4(offending);
    Bytes error = buildIcmpError(*p, kIcmpDestUnreachable, kUnreachNet, 0, kR1, 1);
    auto icmp = parseIcmp(parseIpv4(error)->payload);
    EXPECT_EQ(Bytes(icmp->body.begin(), icmp->body.end()), offending);
}

TEST(IcmpBuild, FragmentationNeededCarriesTheNextHopMtu) {
    IpOptions o;
    o.df = true;
    Bytes offending = udp(kH1, kH2, 1400, o);
    auto p = parseIpv4(offending);
    Bytes error =
        buildIcmpError(*p, kIcmpDestUnreachable, kUnreachFragNeeded, fragNeededRest(1280), kR1, 1);
    auto icmp = parseIcmp(parseIpv4(error)->payload);
    EXPECT_EQ(icmp->code, kUnreachFragNeeded);
    // RFC 1191: unused (16 bits, zero), then the next-hop MTU.
    EXPECT_EQ(icmp->rest >> 16, 0u);
    EXPECT_EQ(icmp->rest & 0xffff, 1280u);
}

TEST(IcmpBuild, EchoReply) {
    IpOptions o;
    o.ttl = 9;
    Bytes request = echoRequest(kH1, kR1, 56, o, 0x1111, 0x0203);
    request[1] = 0x28;  // a TOS to copy
    setIpv4Checksum(request);
    auto p = parseIpv4(request);
    auto echo = parseIcmp(p->payload);
    Bytes reply = buildEchoReply(*p, *echo, 5);
    auto r = parseIpv4(reply);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->header.src, kR1);
    EXPECT_EQ(r->header.dst, kH1);
    EXPECT_EQ(r->header.tos, 0x28);
    EXPECT_EQ(r->header.ttl, kOriginatedTtl);
    auto icmp = parseIcmp(r->payload);
    ASSERT_TRUE(icmp.ok());
    EXPECT_EQ(icmp->type, kIcmpEchoReply);
    EXPECT_EQ(icmp->code, 0);
    EXPECT_EQ(icmp->rest, 0x11110203u);
    EXPECT_EQ(Bytes(icmp->body.begin(), icmp->body.end()), pattern(56, 3));
}

TEST(TokenBucket, BurstThenRate) {
    TokenBucket bucket(10, 5);  // 10 a second, burst 5
    for (int i = 0; i < 5; ++i) EXPECT_TRUE(bucket.take(at(0))) << i;
    EXPECT_FALSE(bucket.take(at(0)));
    EXPECT_FALSE(bucket.take(at(0.099)));
    EXPECT_TRUE(bucket.take(at(0.1)));
    EXPECT_FALSE(bucket.take(at(0.1)));
    // A long pause refills up to the burst, not beyond.
    int granted = 0;
    for (int i = 0; i < 20; ++i) granted += bucket.take(at(100));
    EXPECT_EQ(granted, 5);
    // Over 10 s at 100 requests a second, about 10 a second get through.
    granted = 0;
    for (int i = 1; i <= 1000; ++i) granted += bucket.take(at(100 + 0.01 * i));
    EXPECT_GE(granted, 99);
    EXPECT_LE(granted, 101);
}

TEST(TokenBucket, TimeGoingBackwardsAddsNothing) {
    TokenBucket bucket(1, 1);
    EXPECT_TRUE(bucket.take(at(10)));
    EXPECT_FALSE(bucket.take(at(5)));
    EXPECT_FALSE(bucket.take(at(10.5)));
    EXPECT_TRUE(bucket.take(at(11)));
}

TEST(TokenBucket, ZeroRateAllowsTheBurstOnly) {
    TokenBucket bucket(0, 2);
    EXPECT_TRUE(bucket.take(at(0)));
    EXPECT_TRUE(bucket.take(at(1)));
    EXPECT_FALSE(bucket.take(at(1000)));
    TokenBucket none(0, 0);
    EXPECT_FALSE(none.take(at(0)));
}

}  // namespace
}  // namespace hop::router
