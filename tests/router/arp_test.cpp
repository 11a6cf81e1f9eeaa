// SPDX-License-Identifier: Apache-2.0
// ARP (RFC 826): responder, resolver with its queue and retries, failure, aging and refresh,
// the bounded cache, and everything that must be ignored.
#include "runtime/router/arp.hpp"

#include <gtest/gtest.h>

#include "router_test_util.hpp"

namespace hop::router {
namespace {

using namespace test;
using Kind = NeighbourEvent::Kind;

class ArpTest : public ::testing::Test {
  protected:
    void SetUp() override { reset({}); }
    void reset(ArpConfig config) { arp_ = std::make_unique<Arp>(testInterfaces(), config); }

    Arp::Output receive(Port port, const Bytes& frame, TimePoint now = at(0)) {
        Arp::Output out;
        auto eth = parseEthernet(frame);
        EXPECT_TRUE(eth.ok());
        arp_->receive(port, *eth, now, out);
        return out;
    }
    Arp::Output tick(TimePoint now) {
        Arp::Output out;
        arp_->tick(now, out);
        return out;
    }
    Arp::Output enqueue(Ipv4Addr nextHop, Port port, Bytes datagram, TimePoint now = at(0),
                        bool expectQueued = true) {
        Arp::Output out;
        EXPECT_EQ(arp_->enqueue(nextHop, port, std::move(datagram), now, out), expectQueued);
        return out;
    }
    // A request from a host for `target`, broadcast.
    static Bytes request(const MacAddr& from, Ipv4Addr fromIp, Ipv4Addr target) {
        return arpFrame(kArpRequest, MacAddr::broadcast(), from, fromIp, {}, target);
    }
    static Bytes reply(const MacAddr& from, Ipv4Addr fromIp, const MacAddr& to, Ipv4Addr toIp) {
        return arpFrame(kArpReply, to, from, fromIp, to, toIp);
    }
    static ArpPacket arpOf(const TxFrame& f, MacAddr* ethDst = nullptr) {
        auto eth = parseEthernet(f.frame);
        EXPECT_EQ(eth->etherType, kEtherTypeArp);
        if (ethDst) *ethDst = eth->dst;
        return *parseArp(eth->payload);
    }

    std::unique_ptr<Arp> arp_;
};

TEST_F(ArpTest, AnswersRequestsForTheAddressOfTheIngressPort) {
    auto out = receive(1, request(kMacH1, kH1, kR1));
    ASSERT_EQ(out.frames.size(), 1u);
    EXPECT_EQ(out.frames[0].port, 1);
    EXPECT_TRUE(wellFormed(out.frames[0], testInterfaces()));
    MacAddr ethDst;
    ArpPacket r = arpOf(out.frames[0], &ethDst);
    EXPECT_EQ(ethDst, kMacH1);  // to the requester, not broadcast
    EXPECT_EQ(r.operation, kArpReply);
    EXPECT_EQ(r.senderMac, kMac1);
    EXPECT_EQ(r.senderIp, kR1);
    EXPECT_EQ(r.targetMac, kMacH1);
    EXPECT_EQ(r.targetIp, kH1);
    // The requester is learnt (RFC 826: we are the target).
    ASSERT_EQ(out.events.size(), 1u);
    EXPECT_EQ(out.events[0], (NeighbourEvent{Kind::Resolved, kH1, kMacH1, 1}));
    EXPECT_EQ(arp_->lookup(kH1, 1), kMacH1);
    EXPECT_EQ(arp_->counters().requestsAnswered, 1u);
    EXPECT_EQ(arp_->counters().learned, 1u);
    // Asked again: answered again, no new event (nothing changed).
    out = receive(1, request(kMacH1, kH1, kR1));
    EXPECT_EQ(out.frames.size(), 1u);
    EXPECT_TRUE(out.events.empty());
}

TEST_F(ArpTest, IgnoresRequestsForOtherPortsAndOtherHosts) {
    // Port 2's address asked on port 1: not ours there.
    auto out = receive(1, request(kMacH1, kH1, kR2));
    EXPECT_TRUE(out.frames.empty());
    EXPECT_TRUE(out.events.empty());
    // Another host's address: nothing, and nothing learnt.
    out = receive(1, request(kMacH1, kH1, ip("192.0.2.11")));
    EXPECT_TRUE(out.empty());
    EXPECT_FALSE(arp_->lookup(kH1, 1));
    EXPECT_EQ(arp_->counters().notForUs, 2u);
}

TEST_F(ArpTest, IgnoresMalformedAndForeignPackets) {
    Bytes good = request(kMacH1, kH1, kR1);
    auto mutate = [&](size_t at, uint8_t value) {
        Bytes b = good;
        b[14 + at] = value;
        return b;
    };
    Bytes truncated = good;
    truncated.resize(14 + 27);
    EXPECT_TRUE(receive(1, truncated).empty());
    EXPECT_EQ(arp_->counters().malformed, 1u);
    for (const Bytes& b :
         {mutate(1, 6), mutate(2, 0x86), mutate(4, 8), mutate(5, 6), mutate(7, 3), mutate(7, 9)})
        EXPECT_TRUE(receive(1, b).empty());
    EXPECT_EQ(arp_->counters().foreign, 6u);
    // A group or zero sender MAC.
    EXPECT_TRUE(receive(1, request(mac("01:00:5e:00:00:01"), kH1, kR1)).empty());
    EXPECT_TRUE(receive(1, request(MacAddr{}, kH1, kR1)).empty());
    EXPECT_EQ(arp_->counters().invalidSender, 2u);
    // Someone claiming our own address.
    EXPECT_TRUE(receive(1, request(kMacH1, kR1, kR1)).empty());
    EXPECT_EQ(arp_->counters().conflicts, 1u);
    // A port without an interface.
    EXPECT_TRUE(receive(9, request(kMacH1, kH1, kR1)).empty());
    EXPECT_EQ(arp_->counters().noInterface, 1u);
    EXPECT_TRUE(arp_->neighbours().empty());
}

TEST_F(ArpTest, AnswersButDoesNotLearnFromProbesOrOffLinkSenders) {
    // RFC 5227 probe: sender 0.0.0.0.
    auto out = receive(1, request(kMacH1, Ipv4Addr(), kR1));
    ASSERT_EQ(out.frames.size(), 1u);
    EXPECT_EQ(arpOf(out.frames[0]).targetIp, Ipv4Addr());
    // A sender outside the port's subnet (192.0.2.200 is outside 192.0.2.0/25).
    out = receive(1, request(kMacH1, ip("192.0.2.200"), kR1));
    EXPECT_EQ(out.frames.size(), 1u);
    // The subnet's broadcast address as a sender.
    out = receive(1, request(kMacH1, ip("192.0.2.127"), kR1));
    EXPECT_EQ(out.frames.size(), 1u);
    EXPECT_TRUE(out.events.empty());
    EXPECT_TRUE(arp_->neighbours().empty());
}

TEST_F(ArpTest, ResolvesQueuesAndReleasesInOrder) {
    auto out = enqueue(kH2, 2, pattern(30, 1));
    ASSERT_EQ(out.frames.size(), 1u);
    EXPECT_EQ(out.frames[0].port, 2);
    EXPECT_TRUE(wellFormed(out.frames[0], testInterfaces()));
    MacAddr ethDst;
    ArpPacket q = arpOf(out.frames[0], &ethDst);
    EXPECT_TRUE(ethDst.isBroadcast());
    EXPECT_EQ(q.operation, kArpRequest);
    EXPECT_EQ(q.senderMac, kMac2);
    EXPECT_EQ(q.senderIp, kR2);
    EXPECT_TRUE(q.targetMac.isZero());
    EXPECT_EQ(q.targetIp, kH2);
    // More packets for the same next hop: queued, no second request.
    EXPECT_TRUE(enqueue(kH2, 2, pattern(30, 2), at(0.1)).frames.empty());
    EXPECT_TRUE(enqueue(kH2, 2, pattern(30, 3), at(0.2)).frames.empty());
    EXPECT_FALSE(arp_->lookup(kH2, 2));
    // The reply releases them, in order, with the resolved address.
    out = receive(2, reply(kMacH2, kH2, kMac2, kR2), at(0.3));
    EXPECT_TRUE(out.frames.empty());
    ASSERT_EQ(out.events.size(), 1u);
    EXPECT_EQ(out.events[0], (NeighbourEvent{Kind::Resolved, kH2, kMacH2, 2}));
    ASSERT_EQ(out.ready.size(), 3u);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(out.ready[i].datagram, pattern(30, uint8_t(i + 1)));
        EXPECT_EQ(out.ready[i].mac, kMacH2);
        EXPECT_EQ(out.ready[i].port, 2);
    }
    EXPECT_EQ(arp_->lookup(kH2, 2), kMacH2);
    EXPECT_FALSE(arp_->lookup(kH2, 1));  // per port
    // Once resolved, enqueue hands the packet straight back.
    out = enqueue(kH2, 2, pattern(8), at(0.4));
    EXPECT_EQ(out.ready.size(), 1u);
    EXPECT_EQ(arp_->counters().resolved, 1u);
}

TEST_F(ArpTest, ChoosesTheSourceAddressOfTheNextHopsSubnet) {
    std::vector<Interface> ifs = testInterfaces();
    ifs.push_back({2, ip("203.0.113.129"), 25, kMac2, 1280});  // a second address on port 2
    arp_ = std::make_unique<Arp>(ifs);
    Arp::Output out;
    arp_->enqueue(ip("203.0.113.140"), 2, pattern(8), at(0), out);
    ASSERT_EQ(out.frames.size(), 1u);
    EXPECT_EQ(arpOf(out.frames[0]).senderIp, ip("203.0.113.129"));
}

TEST_F(ArpTest, RetriesThenFailsWithTheQueuedPackets) {
    enqueue(kH2, 2, pattern(20, 1));
    enqueue(kH2, 2, pattern(20, 2), at(0.5));
    EXPECT_EQ(arp_->nextDeadline(), at(1));
    EXPECT_TRUE(tick(at(0.999)).empty());
    auto out = tick(at(1));  // second request
    ASSERT_EQ(out.frames.size(), 1u);
    EXPECT_EQ(arpOf(out.frames[0]).targetIp, kH2);
    out = tick(at(2));  // third
    EXPECT_EQ(out.frames.size(), 1u);
    out = tick(at(2.5));
    EXPECT_TRUE(out.empty());
    out = tick(at(3));  // no answer one interval after the third: failure
    EXPECT_TRUE(out.frames.empty());
    EXPECT_TRUE(out.events.empty());  // never resolved: nothing to remove from hardware
    ASSERT_EQ(out.failed.size(), 2u);
    EXPECT_EQ(out.failed[0], pattern(20, 1));
    EXPECT_EQ(out.failed[1], pattern(20, 2));
    EXPECT_EQ(arp_->counters().requestsSent, 3u);
    EXPECT_EQ(arp_->counters().failed, 1u);
    EXPECT_EQ(arp_->counters().unreachable, 2u);
    EXPECT_TRUE(arp_->neighbours().empty());
    // A new packet starts over.
    EXPECT_EQ(enqueue(kH2, 2, pattern(20), at(4)).frames.size(), 1u);
}

TEST_F(ArpTest, RetryCountAndIntervalAreConfigurable) {
    ArpConfig config;
    config.maxRequests = 5;
    config.retryInterval = std::chrono::milliseconds(200);
    reset(config);
    int requests = enqueue(kH2, 2, pattern(20)).frames.size();
    Arp::Output last;
    for (int step = 1; step <= 5; ++step) {
        last = tick(at(0.2 * step));
        requests += int(last.frames.size());
    }
    EXPECT_EQ(requests, 5);
    EXPECT_EQ(last.failed.size(), 1u);
}

TEST_F(ArpTest, BoundedQueuePerNextHopDropsTheOldest) {
    ArpConfig config;
    config.maxQueuePerNeighbour = 3;
    reset(config);
    for (uint8_t i = 0; i < 5; ++i) enqueue(kH2, 2, pattern(10, i));
    EXPECT_EQ(arp_->counters().queueDrops, 2u);
    auto out = receive(2, reply(kMacH2, kH2, kMac2, kR2));
    ASSERT_EQ(out.ready.size(), 3u);
    EXPECT_EQ(out.ready[0].datagram, pattern(10, 2));
    EXPECT_EQ(out.ready[2].datagram, pattern(10, 4));
}

TEST_F(ArpTest, BoundedQueueInBytesAcrossNextHops) {
    ArpConfig config;
    config.maxQueuedBytes = 2500;
    reset(config);
    enqueue(kH2, 2, pattern(1000));
    enqueue(kH3, 3, pattern(1000));
    enqueue(kH2, 2, pattern(1000), at(0), false);  // would exceed 2500
    EXPECT_EQ(arp_->counters().queueDrops, 1u);
    enqueue(kH3, 3, pattern(500));
}

TEST_F(ArpTest, AgingRefreshesByUnicastAndRemovesSilentNeighbours) {
    receive(1, request(kMacH1, kH1, kR1), at(0));
    EXPECT_EQ(arp_->nextDeadline(), at(60));
    EXPECT_TRUE(tick(at(59.9)).empty());
    auto out = tick(at(60));
    ASSERT_EQ(out.frames.size(), 1u);
    MacAddr ethDst;
    ArpPacket poll = arpOf(out.frames[0], &ethDst);
    EXPECT_EQ(ethDst, kMacH1);  // unicast poll (RFC 1122 2.3.2.1)
    EXPECT_EQ(poll.targetIp, kH1);
    EXPECT_EQ(arp_->lookup(kH1, 1), kMacH1);  // still in use while refreshing
    // The answer keeps it; no event since nothing changed.
    out = receive(1, reply(kMacH1, kH1, kMac1, kR1), at(60.5));
    EXPECT_TRUE(out.events.empty());
    EXPECT_EQ(arp_->nextDeadline(), at(120.5));
    // Silent from now on: two more polls (the last broadcast), then gone.
    EXPECT_EQ(tick(at(120.5)).frames.size(), 1u);
    out = tick(at(121.5));
    ASSERT_EQ(out.frames.size(), 1u);
    arpOf(out.frames[0], &ethDst);
    EXPECT_EQ(ethDst, kMacH1);
    out = tick(at(122.5));
    ASSERT_EQ(out.frames.size(), 1u);
    arpOf(out.frames[0], &ethDst);
    EXPECT_TRUE(ethDst.isBroadcast());
    out = tick(at(123.5));
    ASSERT_EQ(out.events.size(), 1u);
    EXPECT_EQ(out.events[0], (NeighbourEvent{Kind::Gone, kH1, kMacH1, 1}));
    EXPECT_FALSE(arp_->lookup(kH1, 1));
    EXPECT_EQ(arp_->counters().refreshes, 2u);
    EXPECT_EQ(arp_->counters().agedOut, 1u);
}

TEST_F(ArpTest, AnyPacketFromTheNeighbourConfirmsAndUpdatesIt) {
    receive(1, request(kMacH1, kH1, kR1), at(0));
    // A gratuitous ARP (RFC 5227 announcement) from H1 with a new MAC: merged, event.
    const MacAddr moved = mac("02:00:00:00:01:0b");
    auto out = receive(1, arpFrame(kArpRequest, MacAddr::broadcast(), moved, kH1, {}, kH1), at(30));
    EXPECT_TRUE(out.frames.empty());  // not for us: no reply
    ASSERT_EQ(out.events.size(), 1u);
    EXPECT_EQ(out.events[0], (NeighbourEvent{Kind::Resolved, kH1, moved, 1}));
    EXPECT_EQ(arp_->lookup(kH1, 1), moved);
    EXPECT_EQ(arp_->nextDeadline(), at(90));
}

TEST_F(ArpTest, UnsolicitedRepliesForOthersAreNotLearnt) {
    auto out = receive(1, reply(kMacH1, kH1, mac("02:00:00:00:01:99"), ip("192.0.2.11")));
    EXPECT_TRUE(out.empty());
    EXPECT_TRUE(arp_->neighbours().empty());
}

TEST_F(ArpTest, BoundedCacheEvictsTheLeastRecentlyConfirmed) {
    ArpConfig config;
    config.maxEntries = 3;
    config.maxPending = 2;
    reset(config);
    for (int i = 0; i < 3; ++i) {
        Ipv4Addr host(kH1.value + i);
        MacAddr m = kMacH1;
        m.bytes[5] = uint8_t(i);
        receive(1, request(m, host, kR1), at(i));
    }
    EXPECT_EQ(arp_->neighbours().size(), 3u);
    // A fourth: the one confirmed at t=0 goes.
    auto out = receive(1, request(kMacH1, ip("192.0.2.50"), kR1), at(5));
    ASSERT_EQ(out.events.size(), 2u);
    EXPECT_EQ(out.events[0].kind, Kind::Gone);
    EXPECT_EQ(out.events[0].ip, kH1);
    EXPECT_EQ(out.events[1].kind, Kind::Resolved);
    EXPECT_EQ(arp_->neighbours().size(), 3u);
    EXPECT_EQ(arp_->counters().evicted, 1u);
    // Unresolved entries are bounded by maxPending.
    enqueue(kH2, 2, pattern(8), at(6));
    enqueue(kH3, 3, pattern(8), at(6));
    enqueue(ip("203.0.113.31"), 3, pattern(8), at(6), false);
    EXPECT_EQ(arp_->counters().cacheFull, 1u);
    EXPECT_LE(arp_->neighbours().size(), 3u);
    // A cache full of unresolved entries refuses new ones.
    ArpConfig allPending;
    allPending.maxEntries = 2;
    reset(allPending);
    enqueue(kH2, 2, pattern(8));
    enqueue(kH3, 3, pattern(8));
    enqueue(ip("203.0.113.31"), 3, pattern(8), at(0), false);
    EXPECT_EQ(arp_->counters().cacheFull, 1u);
}

TEST_F(ArpTest, FlushRemovesEverything) {
    receive(1, request(kMacH1, kH1, kR1));
    enqueue(kH2, 2, pattern(8));
    Arp::Output out;
    arp_->flush(out);
    ASSERT_EQ(out.events.size(), 1u);  // only resolved entries were in hardware
    EXPECT_EQ(out.events[0], (NeighbourEvent{Kind::Gone, kH1, kMacH1, 1}));
    EXPECT_TRUE(arp_->neighbours().empty());
    EXPECT_FALSE(arp_->nextDeadline());
}

}  // namespace
}  // namespace hop::router
