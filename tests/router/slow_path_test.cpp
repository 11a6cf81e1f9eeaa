// SPDX-License-Identifier: Apache-2.0
// The facade: punted frames in, frames and neighbour events out, for every punt reason of
// router.p4 and every ICMP rule.
#include <gtest/gtest.h>

#include <set>

#include "router_test_util.hpp"
#include "runtime/router/reassembly.hpp"

namespace hop::router {
namespace {

using namespace test;
using Kind = NeighbourEvent::Kind;

class SlowPathTest : public ::testing::Test {
  protected:
    SlowPathTest() : path_(testConfig()) {}
    explicit SlowPathTest(SlowPathConfig config) : path_(std::move(config)) {}

    Actions punt(Port port, PuntReason reason, const Bytes& frame, TimePoint now = at(0)) {
        Actions a = path_.handlePunt(port, uint8_t(reason), frame, now);
        for (const TxFrame& f : a.frames) EXPECT_TRUE(wellFormed(f, testInterfaces()));
        return a;
    }
    // A datagram from a host on `port`, to the router's MAC there.
    Actions fromHost(Port port, PuntReason reason, const Bytes& datagram, TimePoint now = at(0)) {
        const MacAddr routerMac[] = {{}, kMac1, kMac2, kMac3};
        const MacAddr hostMac[] = {{}, kMacH1, kMacH2, kMacH3};
        return punt(port, reason, ethernet(routerMac[port], hostMac[port], datagram), now);
    }
    // The host on `port` asks for the router's address: the router learns it.
    void learn(Port port, TimePoint now = at(0)) {
        const MacAddr hostMac[] = {{}, kMacH1, kMacH2, kMacH3};
        const Ipv4Addr host[] = {{}, kH1, kH2, kH3};
        const Ipv4Addr router[] = {{}, kR1, kR2, kR3};
        auto a = punt(port, PuntReason::Arp,
                      arpFrame(kArpRequest, MacAddr::broadcast(), hostMac[port], host[port], {},
                               router[port]),
                      now);
        ASSERT_EQ(a.frames.size(), 1u);
    }
    Actions tick(TimePoint now) {
        Actions a = path_.tick(now);
        for (const TxFrame& f : a.frames) EXPECT_TRUE(wellFormed(f, testInterfaces()));
        return a;
    }
    static void expectError(const TxFrame& f, const Bytes& offending, uint8_t type, uint8_t code,
                            Ipv4Addr from, Port port, const MacAddr& to) {
        EXPECT_EQ(f.port, port);
        EXPECT_EQ(parseEthernet(f.frame)->dst, to);
        Ipv4Packet p = ipOf(f);
        EXPECT_EQ(p.header.src, from);
        EXPECT_EQ(p.header.dst, parseIpv4(offending)->header.src);
        IcmpMessage icmp = icmpOf(f);
        EXPECT_EQ(icmp.type, type);
        EXPECT_EQ(icmp.code, code);
        size_t quote = std::min(offending.size(), parseIpv4(offending)->headerLength() + 8);
        ASSERT_EQ(icmp.body.size(), quote);
        EXPECT_TRUE(std::equal(icmp.body.begin(), icmp.body.end(), offending.begin()));
    }

    SlowPath path_;
};

TEST_F(SlowPathTest, AnswersArp) {
    auto a =
        punt(1, PuntReason::Arp, arpFrame(kArpRequest, MacAddr::broadcast(), kMacH1, kH1, {}, kR1));
    ASSERT_EQ(a.frames.size(), 1u);
    EXPECT_EQ(a.frames[0].port, 1);
    ASSERT_EQ(a.events.size(), 1u);
    EXPECT_EQ(a.events[0], (NeighbourEvent{Kind::Resolved, kH1, kMacH1, 1}));
    EXPECT_EQ(path_.stats().puntArp, 1u);
}

TEST_F(SlowPathTest, EchoReplyWaitsForArpThenGoes) {
    Bytes request = echoRequest(kH1, kR1, 56);
    auto a = fromHost(1, PuntReason::Local, request);
    // The reply needs H1's address: an ARP request first.
    ASSERT_EQ(a.frames.size(), 1u);
    EXPECT_EQ(parseEthernet(a.frames[0].frame)->etherType, kEtherTypeArp);
    a = punt(1, PuntReason::Arp, arpFrame(kArpReply, kMac1, kMacH1, kH1, kMac1, kR1), at(0.01));
    ASSERT_EQ(a.events.size(), 1u);
    ASSERT_EQ(a.frames.size(), 1u);
    const TxFrame& reply = a.frames[0];
    EXPECT_EQ(reply.port, 1);
    EXPECT_EQ(parseEthernet(reply.frame)->dst, kMacH1);
    Ipv4Packet p = ipOf(reply);
    EXPECT_EQ(p.header.src, kR1);
    EXPECT_EQ(p.header.dst, kH1);
    IcmpMessage icmp = icmpOf(reply);
    EXPECT_EQ(icmp.type, kIcmpEchoReply);
    EXPECT_EQ(icmp.rest, 0x42420001u);
    EXPECT_EQ(icmp.body.size(), 56u);
    EXPECT_EQ(path_.stats().echoReplies, 1u);
}

TEST_F(SlowPathTest, EchoToAnotherOfTheRoutersAddresses) {
    learn(1);
    auto a = fromHost(1, PuntReason::Local, echoRequest(kH1, kR3, 8));
    ASSERT_EQ(a.frames.size(), 1u);
    EXPECT_EQ(a.frames[0].port, 1);
    EXPECT_EQ(ipOf(a.frames[0]).header.src, kR3);
}

TEST_F(SlowPathTest, TimeExceeded) {
    learn(1);
    for (uint8_t ttl : {1, 0}) {
        IpOptions o;
        o.ttl = ttl;
        Bytes d = udp(kH1, kH2, 30, o);
        auto a = fromHost(1, PuntReason::Ttl, d);
        ASSERT_EQ(a.frames.size(), 1u);
        expectError(a.frames[0], d, kIcmpTimeExceeded, kTimeExceededTtl, kR1, 1, kMacH1);
    }
    EXPECT_EQ(path_.stats().sentTimeExceeded, 2u);
}

TEST_F(SlowPathTest, NetUnreachable) {
    learn(1);
    Bytes d = udp(kH1, kNoRoute, 30);
    auto a = fromHost(1, PuntReason::NoRoute, d);
    ASSERT_EQ(a.frames.size(), 1u);
    expectError(a.frames[0], d, kIcmpDestUnreachable, kUnreachNet, kR1, 1, kMacH1);
    EXPECT_EQ(path_.stats().sentNetUnreachable, 1u);
}

TEST_F(SlowPathTest, ForwardsToAResolvedNeighbour) {
    learn(1);
    learn(2);
    Bytes d = udp(kH1, kH2, 100);
    auto a = fromHost(1, PuntReason::NoNexthop, d);
    ASSERT_EQ(a.frames.size(), 1u);
    const TxFrame& f = a.frames[0];
    EXPECT_EQ(f.port, 2);
    auto eth = parseEthernet(f.frame);
    EXPECT_EQ(eth->dst, kMacH2);
    EXPECT_EQ(eth->src, kMac2);
    Ipv4Packet p = ipOf(f);
    EXPECT_EQ(p.header.ttl, 63);
    Bytes expected = d;
    expected[8] = 63;
    setIpv4Checksum(expected);
    EXPECT_EQ(Bytes(p.datagram.begin(), p.datagram.end()), expected);
    EXPECT_EQ(path_.stats().forwarded, 1u);
}

TEST_F(SlowPathTest, QueuesForArpThenHostUnreachable) {
    learn(1);
    Bytes first = udp(kH1, kH2, 10);
    IpOptions o;
    o.id = 99;
    Bytes second = udp(kH1, kH2, 20, o);
    auto a = fromHost(1, PuntReason::NoNexthop, first);
    ASSERT_EQ(a.frames.size(), 1u);  // ARP request for H2 on port 2
    EXPECT_EQ(a.frames[0].port, 2);
    EXPECT_TRUE(fromHost(1, PuntReason::NoNexthop, second, at(0.5)).frames.empty());
    EXPECT_EQ(tick(at(1)).frames.size(), 1u);
    EXPECT_EQ(tick(at(2)).frames.size(), 1u);
    a = tick(at(3));
    ASSERT_EQ(a.frames.size(), 2u);
    // Each queued datagram (as it was queued: TTL already decremented) gets host unreachable.
    for (int i = 0; i < 2; ++i) {
        Bytes queued = i == 0 ? first : second;
        queued[8] -= 1;
        setIpv4Checksum(queued);
        expectError(a.frames[i], queued, kIcmpDestUnreachable, kUnreachHost, kR1, 1, kMacH1);
    }
    EXPECT_EQ(path_.stats().sentHostUnreachable, 2u);
}

TEST_F(SlowPathTest, ResolvesTheGatewayOfARoute) {
    learn(1);
    Bytes d = udp(kH1, kBehindGw, 10);
    auto a = fromHost(1, PuntReason::NoNexthop, d);
    ASSERT_EQ(a.frames.size(), 1u);
    auto arp = parseArp(parseEthernet(a.frames[0].frame)->payload);
    EXPECT_EQ(arp->targetIp, kGw);
    a = punt(2, PuntReason::Arp, arpFrame(kArpReply, kMac2, kMacGw, kGw, kMac2, kR2), at(0.1));
    ASSERT_EQ(a.events.size(), 1u);
    EXPECT_EQ(a.events[0], (NeighbourEvent{Kind::Resolved, kGw, kMacGw, 2}));
    ASSERT_EQ(a.frames.size(), 1u);
    EXPECT_EQ(parseEthernet(a.frames[0].frame)->dst, kMacGw);
    EXPECT_EQ(ipOf(a.frames[0]).header.dst, kBehindGw);
}

TEST_F(SlowPathTest, FragmentationNeededCarriesTheEgressMtu) {
    learn(1);
    learn(2);
    IpOptions o;
    o.df = true;
    Bytes d = udp(kH1, kH2, 1400, o);
    auto a = fromHost(1, PuntReason::Mtu, d);
    ASSERT_EQ(a.frames.size(), 1u);
    expectError(a.frames[0], d, kIcmpDestUnreachable, kUnreachFragNeeded, kR1, 1, kMacH1);
    EXPECT_EQ(icmpOf(a.frames[0]).rest, 1280u);
    // Exactly the MTU passes.
    o.id = 2;
    EXPECT_EQ(fromHost(1, PuntReason::Mtu, udp(kH1, kH2, 1280 - 28, o)).frames[0].port, 2);
}

TEST_F(SlowPathTest, FragmentsWhenDfIsClear) {
    learn(1);
    learn(2);
    IpOptions o;
    o.options = {0x94, 0x04, 0x00, 0x00, 0x07, 0x07, 0x04, 0, 0, 0, 0, 0};
    Bytes d = udp(kH1, kH2, 4000, o);
    auto a = fromHost(1, PuntReason::Options, d);
    ASSERT_EQ(a.frames.size(), 4u);
    Reassembler r;
    std::optional<Bytes> whole;
    for (size_t i = 0; i < a.frames.size(); ++i) {
        const TxFrame& f = a.frames[i];
        EXPECT_EQ(f.port, 2);
        Ipv4Packet p = ipOf(f);
        EXPECT_LE(p.header.totalLength, 1280);
        EXPECT_EQ(p.headerLength(), i == 0 ? 32u : 24u);  // router alert is copied, RR is not
        whole = r.add(p, at(0));
    }
    ASSERT_TRUE(whole);
    Bytes expected = d;
    expected[8] -= 1;
    setIpv4Checksum(expected);
    EXPECT_EQ(*whole, expected);
    EXPECT_EQ(path_.stats().fragmentedDatagrams, 1u);
    EXPECT_EQ(path_.stats().fragmentsSent, 4u);
}

TEST_F(SlowPathTest, LargePingToTheRouterIsReassembledAndAnswered) {
    learn(1);
    Bytes request = echoRequest(kH1, kR1, 3000);
    auto fragments = fragmentDatagram(request, 1500);
    ASSERT_EQ(fragments->size(), 3u);
    // Out of order, one duplicated.
    EXPECT_TRUE(fromHost(1, PuntReason::Local, (*fragments)[2]).frames.empty());
    EXPECT_TRUE(fromHost(1, PuntReason::Local, (*fragments)[0]).frames.empty());
    EXPECT_TRUE(fromHost(1, PuntReason::Local, (*fragments)[2]).frames.empty());
    auto a = fromHost(1, PuntReason::Local, (*fragments)[1]);
    ASSERT_EQ(a.frames.size(), 3u);  // the reply, fragmented for port 1's MTU
    Reassembler r;
    std::optional<Bytes> reply;
    for (const TxFrame& f : a.frames) reply = r.add(ipOf(f), at(0));
    ASSERT_TRUE(reply);
    auto p = parseIpv4(*reply);
    auto icmp = parseIcmp(p->payload);
    ASSERT_TRUE(icmp.ok());
    EXPECT_EQ(icmp->type, kIcmpEchoReply);
    EXPECT_EQ(Bytes(icmp->body.begin(), icmp->body.end()), pattern(3000, 3));
    EXPECT_EQ(path_.reassembler().counters().reassembled, 1u);
    EXPECT_EQ(path_.reassembler().counters().duplicates, 1u);
}

TEST_F(SlowPathTest, ReassemblyTimeoutSendsTimeExceeded) {
    learn(1);
    Bytes request = echoRequest(kH1, kR1, 3000);
    auto fragments = fragmentDatagram(request, 1500);
    EXPECT_TRUE(fromHost(1, PuntReason::Local, (*fragments)[0], at(10)).frames.empty());
    EXPECT_EQ(path_.nextDeadline(), at(40));
    auto a = tick(at(40));
    ASSERT_EQ(a.frames.size(), 1u);
    expectError(a.frames[0], (*fragments)[0], kIcmpTimeExceeded, kTimeExceededReassembly, kR1, 1,
                kMacH1);
    // Without the first fragment there is nothing to quote: no error.
    EXPECT_TRUE(fromHost(1, PuntReason::Local, (*fragments)[1], at(50)).frames.empty());
    tick(at(80));  // (also refreshes H1's ARP entry)
    EXPECT_EQ(path_.reassembler().counters().timeouts, 2u);
    EXPECT_EQ(path_.stats().sentReassemblyTimeExceeded, 1u);
}

TEST_F(SlowPathTest, LocalUdpAndOtherProtocols) {
    learn(1);
    Bytes u = udp(kH1, kR1, 10);
    auto a = fromHost(1, PuntReason::Local, u);
    ASSERT_EQ(a.frames.size(), 1u);
    expectError(a.frames[0], u, kIcmpDestUnreachable, kUnreachPort, kR1, 1, kMacH1);
    Bytes tcp = ipv4(kH1, kR1, kIpProtoTcp, pattern(20));
    a = fromHost(1, PuntReason::Local, tcp);
    ASSERT_EQ(a.frames.size(), 1u);
    expectError(a.frames[0], tcp, kIcmpDestUnreachable, kUnreachProtocol, kR1, 1, kMacH1);
    // ICMP other than echo requests is consumed; a bad ICMP checksum is dropped.
    EXPECT_TRUE(fromHost(1, PuntReason::Local,
                         ipv4(kH1, kR1, kIpProtoIcmp, buildIcmp(kIcmpEchoReply, 0, 0, pattern(8))))
                    .frames.empty());
    Bytes bad = echoRequest(kH1, kR1, 8);
    bad.back() ^= 0xff;
    EXPECT_TRUE(fromHost(1, PuntReason::Local, bad).frames.empty());
    EXPECT_EQ(path_.stats().icmpReceived, 1u);
    EXPECT_EQ(path_.stats().icmpMalformed, 1u);
}

TEST_F(SlowPathTest, LocalErrorsComeFromTheAddressTheDatagramWasSentTo) {
    // H3 (port 3) probes the router's address on port 1: the answer comes from that address,
    // not from port 3's, as from Linux (traceroute to a router address ends at that address).
    learn(3);
    Bytes u = udp(kH3, kR1, 10);
    auto a = fromHost(3, PuntReason::Local, u);
    ASSERT_EQ(a.frames.size(), 1u);
    expectError(a.frames[0], u, kIcmpDestUnreachable, kUnreachPort, kR1, 3, kMacH3);
    // An error about a forwarded datagram comes from the interface it leaves by.
    IpOptions o;
    o.ttl = 1;
    Bytes expiring = udp(kH3, kH1, 10, o);
    a = fromHost(3, PuntReason::Ttl, expiring);
    ASSERT_EQ(a.frames.size(), 1u);
    expectError(a.frames[0], expiring, kIcmpTimeExceeded, kTimeExceededTtl, kR3, 3, kMacH3);
}

TEST_F(SlowPathTest, NeverAnErrorAboutAnIcmpError) {
    learn(1);
    IpOptions o;
    o.ttl = 1;
    Bytes inner = udp(kH3, kH1, 10);
    Bytes error = ipv4(kH1, kH2, kIpProtoIcmp, buildIcmp(kIcmpDestUnreachable, 3, 0, inner), o);
    EXPECT_TRUE(fromHost(1, PuntReason::Ttl, error).frames.empty());
    EXPECT_EQ(path_.stats().suppressedIcmpError, 1u);
    // An echo request with TTL 1 does get one (traceroute with ICMP).
    EXPECT_EQ(fromHost(1, PuntReason::Ttl, echoRequest(kH1, kH2, 8, o)).frames.size(), 1u);
}

TEST_F(SlowPathTest, NeverAnErrorAboutANonFirstFragment) {
    learn(1);
    IpOptions o;
    o.ttl = 1;
    o.fragmentOffset = 10;
    EXPECT_TRUE(fromHost(1, PuntReason::Ttl, udp(kH1, kH2, 10, o)).frames.empty());
    EXPECT_EQ(path_.stats().suppressedFragment, 1u);
    o.fragmentOffset = 0;
    o.mf = true;
    EXPECT_EQ(fromHost(1, PuntReason::Ttl, udp(kH1, kH2, 16, o)).frames.size(), 1u);
}

TEST_F(SlowPathTest, NeverAnErrorAboutALinkLayerBroadcast) {
    learn(1);
    IpOptions o;
    o.ttl = 1;
    // Transit traffic received as link-layer broadcast is not forwarded (RFC 1812 5.3.4).
    Actions a =
        punt(1, PuntReason::Ttl, ethernet(MacAddr::broadcast(), kMacH1, udp(kH1, kH2, 10, o)));
    EXPECT_TRUE(a.frames.empty());
    EXPECT_EQ(path_.stats().ipLinkBroadcast, 1u);
    // Local delivery still happens, but no port unreachable.
    a = punt(1, PuntReason::Local, ethernet(MacAddr::broadcast(), kMacH1, udp(kH1, kR1, 10)));
    EXPECT_TRUE(a.frames.empty());
    EXPECT_EQ(path_.stats().suppressedLinkBroadcast, 1u);
}

TEST_F(SlowPathTest, NeverAnErrorAboutBroadcastOrMulticastDestinations) {
    learn(1);
    IpOptions o;
    o.ttl = 1;
    for (const char* dst :
         {"255.255.255.255", "224.0.0.9", "198.51.100.255", "240.1.1.1", "127.0.0.1", "0.0.0.0"})
        EXPECT_TRUE(fromHost(1, PuntReason::Ttl, udp(kH1, ip(dst), 10, o)).frames.empty()) << dst;
    EXPECT_EQ(path_.stats().ipInvalidDestination, 6u);
}

TEST_F(SlowPathTest, NeverAnErrorToAnInvalidSource) {
    learn(1);
    IpOptions o;
    o.ttl = 1;
    for (const char* src :
         {"0.0.0.0", "127.0.0.1", "224.0.0.1", "240.0.0.1", "255.255.255.255", "192.0.2.127"}) {
        EXPECT_TRUE(fromHost(1, PuntReason::Ttl, udp(ip(src), kH2, 10, o)).frames.empty()) << src;
        EXPECT_TRUE(fromHost(1, PuntReason::Local, echoRequest(ip(src), kR1, 8)).frames.empty());
    }
    EXPECT_EQ(path_.stats().ipInvalidSource, 12u);
    // Our own address as a source: dropped too.
    EXPECT_TRUE(fromHost(1, PuntReason::Ttl, udp(kR2, kH2, 10, o)).frames.empty());
    EXPECT_EQ(path_.stats().ipOwnSource, 1u);
}

TEST_F(SlowPathTest, SourceRoutedDatagramsAreDropped) {
    learn(1);
    learn(2);
    IpOptions o;
    o.options = {0x83, 0x07, 0x04, 198, 51, 100, 20, 0};
    EXPECT_TRUE(fromHost(1, PuntReason::Options, udp(kH1, kH2, 10, o)).frames.empty());
    EXPECT_EQ(path_.stats().ipSourceRouted, 1u);
    // Bad options: dropped as malformed.
    o.options = {0x07, 0x09, 0x04, 0, 0, 0, 0, 0};
    EXPECT_TRUE(fromHost(1, PuntReason::Options, udp(kH1, kH2, 10, o)).frames.empty());
    EXPECT_EQ(path_.stats().ipBadOptions, 1u);
}

TEST_F(SlowPathTest, RateLimitsErrorsButNotEchoReplies) {
    SlowPathConfig config = testConfig();
    config.icmp.ratePerSecond = 2;
    config.icmp.burst = 3;
    SlowPath path(config);
    path.handlePunt(1, 1, arpFrame(kArpRequest, MacAddr::broadcast(), kMacH1, kH1, {}, kR1), at(0));
    IpOptions o;
    o.ttl = 1;
    auto send = [&](const Bytes& d, double t) {
        return path.handlePunt(1, uint8_t(PuntReason::Ttl), ethernet(kMac1, kMacH1, d), at(t))
            .frames.size();
    };
    size_t errors = 0;
    for (int i = 0; i < 10; ++i) errors += send(udp(kH1, kH2, 10, o), 0);
    EXPECT_EQ(errors, 3u);
    EXPECT_EQ(path.stats().rateLimited, 7u);
    EXPECT_EQ(send(udp(kH1, kH2, 10, o), 0.49), 0u);
    EXPECT_EQ(send(udp(kH1, kH2, 10, o), 0.5), 1u);
    for (int i = 0; i < 10; ++i) EXPECT_EQ(send(echoRequest(kH1, kR1, 8), 0.5), 1u);
}

TEST_F(SlowPathTest, FramesThatAreNotForTheRouter) {
    EXPECT_TRUE(punt(1, PuntReason::Local, Bytes(10, 0)).empty());
    EXPECT_TRUE(punt(7, PuntReason::Local, ethernet(kMac1, kMacH1, udp(kH1, kR1, 10))).empty());
    EXPECT_TRUE(punt(1, PuntReason::Local, ethernet(kMac2, kMacH1, udp(kH1, kR1, 10))).empty());
    Bytes ipv6 = ethernet(kMac1, kMacH1, udp(kH1, kR1, 10));
    ipv6[12] = 0x86;
    ipv6[13] = 0xdd;
    EXPECT_TRUE(punt(1, PuntReason::Local, ipv6).empty());
    Bytes badChecksum = udp(kH1, kR1, 10);
    badChecksum[10] ^= 1;
    EXPECT_TRUE(punt(1, PuntReason::Local, ethernet(kMac1, kMacH1, badChecksum)).empty());
    const auto& s = path_.stats();
    EXPECT_EQ(s.frameTruncated, 1u);
    EXPECT_EQ(s.frameUnknownPort, 1u);
    EXPECT_EQ(s.frameNotForUs, 1u);
    EXPECT_EQ(s.frameOtherType, 1u);
    EXPECT_EQ(s.ipBadChecksum, 1u);
    EXPECT_EQ(s.puntLocal, 5u);
}

TEST_F(SlowPathTest, PacketInMessages) {
    Bytes frame = arpFrame(kArpRequest, MacAddr::broadcast(), kMacH1, kH1, {}, kR1);
    Bytes message = {0x00, 0x81};  // ingress_port 1, reason 1 (ARP)
    message.insert(message.end(), frame.begin(), frame.end());
    auto a = path_.handlePacketIn(message, at(0));
    EXPECT_EQ(a.frames.size(), 1u);
    EXPECT_TRUE(path_.handlePacketIn(Bytes{0x00}, at(0)).empty());
    EXPECT_EQ(path_.stats().packetInTruncated, 1u);
    // An unknown reason is counted; the frame is still handled by its content.
    EXPECT_EQ(path_.handlePunt(1, 99, frame, at(0)).frames.size(), 1u);
    EXPECT_EQ(path_.stats().puntOther, 1u);
}

TEST_F(SlowPathTest, NeighbourAgingReachesTheCaller) {
    learn(1, at(0));
    EXPECT_EQ(path_.nextDeadline(), at(60));
    Actions a;
    for (double t : {60.0, 61.0, 62.0, 63.0}) a = tick(at(t));
    ASSERT_EQ(a.events.size(), 1u);
    EXPECT_EQ(a.events[0], (NeighbourEvent{Kind::Gone, kH1, kMacH1, 1}));
    learn(1, at(70));
    a = path_.flushNeighbours();
    ASSERT_EQ(a.events.size(), 1u);
    EXPECT_EQ(a.events[0].kind, Kind::Gone);
}

TEST_F(SlowPathTest, LongestPrefixWinsBetweenConnectedAndRoutes) {
    SlowPathConfig config = testConfig();
    auto table = std::make_shared<RouteTable>();
    table->add(ip("198.51.100.20"), 32, 3, kH3);  // a host route beats the connected /24
    table->add(ip("198.51.100.0"), 23, 3, kH3);   // a shorter one does not
    config.routes = [table](Ipv4Addr dst) { return table->lookup(dst); };
    SlowPath path(config);
    EXPECT_EQ(path.lookupRoute(kH2)->port, 3);
    EXPECT_EQ(path.lookupRoute(ip("198.51.100.21"))->port, 2);
    EXPECT_EQ(path.lookupRoute(ip("198.51.101.1"))->port, 3);
    EXPECT_FALSE(path.lookupRoute(kNoRoute));
    EXPECT_TRUE(table->remove(ip("198.51.100.20"), 32));
    EXPECT_EQ(path.lookupRoute(kH2)->port, 2);
    EXPECT_EQ(table->size(), 1u);
}

TEST_F(SlowPathTest, CountersHaveUniqueNames) {
    std::set<std::string> names;
    for (const Counter& c : path_.counters()) EXPECT_TRUE(names.insert(c.name).second) << c.name;
    for (const char* name :
         {"slowpath.punt_arp", "slowpath.sent_frag_needed", "arp.requests_sent", "arp.aged_out",
          "reassembly.overlaps", "reassembly.timeouts", "slowpath.rate_limited"})
        EXPECT_TRUE(names.count(name)) << name;
}

}  // namespace
}  // namespace hop::router
