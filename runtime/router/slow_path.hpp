// SPDX-License-Identifier: Apache-2.0
// The router slow path: what hopd does with every frame examples/router.p4 punts to the CPU.
// A pure library: frames and time in, frames to send and neighbour events out.
//
// A punted frame is classified by its content, not only by its punt reason (the reason is
// counted): router.p4 punts a packet with options before it looks at its destination or TTL,
// and a packet without route or next hop in hardware may well have one in software (hopd
// installs host routes and next hops as neighbours resolve). For IPv4, in this order:
//   1. the header must parse (checksum over the options too, option lengths); the source must
//      be one host (RFC 1812 5.3.7) and not one of our addresses; else dropped;
//   2. addressed to one of the router's addresses: fragments are reassembled; echo requests
//      answered; other ICMP consumed; UDP gets port unreachable, other protocols protocol
//      unreachable (the router runs no transport);
//   3. otherwise forwarded in software: not if received as link-layer broadcast (RFC 1812
//      5.3.4), not to a broadcast, multicast, class E, 0/8 or 127/8 destination, not with a
//      source route option (RFC 7126 4.3.3.8 advises dropping them; the router does not
//      process options, it carries them); TTL <= 1 gives time exceeded; no route gives net
//      unreachable; a datagram larger than the egress MTU gives fragmentation needed with that
//      MTU when DF is set and is fragmented otherwise; the TTL is decremented (checksum by
//      RFC 1624) and the datagram is sent to the next hop's MAC, or queued while ARP resolves
//      it (host unreachable if that fails).
// ICMP errors obey the rules of icmp.hpp (never about ICMP errors, broadcasts, non-first
// fragments, invalid sources) and a token bucket. Their source, as Linux does by default: about
// a forwarded datagram, the address of the interface the error leaves by; about a datagram for
// one of the router's addresses (port or protocol unreachable, reassembly timeout), that
// address, as echo replies come from the address pinged. Datagrams the router originates are
// routed like any other, fragmented if needed.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "runtime/router/arp.hpp"
#include "runtime/router/icmp.hpp"
#include "runtime/router/punt.hpp"
#include "runtime/router/reassembly.hpp"

namespace hop::router {

// A route's result: the egress port and the gateway, or 0.0.0.0 when the destination is on the
// port's link. prefixLength is the matched prefix's (connected subnets compete on it).
struct Route {
    Port port = 0;
    Ipv4Addr gateway;
    int prefixLength = 0;
};

using RouteLookup = std::function<std::optional<Route>(Ipv4Addr destination)>;

// A longest-prefix-match table: hopd's software copy of every route (a full Internet table of
// 900,000 prefixes included), for the slow path's lookups. Per prefix length, one open-addressing
// hash table (linear probing, deletion by backward shift) of 8-byte slots {prefix, next hop}; the
// next hops (port, gateway) are few and shared, so each is held once with a use count. A route
// costs about 12 bytes; a lookup probes at most the 33 lengths that hold routes, longest first.
class RouteTable {
  public:
    // Replaces the route of the same prefix. Host bits of `prefix` are ignored.
    void add(Ipv4Addr prefix, int length, Port port, Ipv4Addr gateway = {});
    bool remove(Ipv4Addr prefix, int length);
    std::optional<Route> lookup(Ipv4Addr destination) const;
    size_t size() const { return size_; }
    // Bytes held by the table (slots and next hops), for reports.
    size_t memoryBytes() const;

  private:
    struct Level {
        std::vector<uint64_t> slots;  // {prefix << 32 | next hop index + 1}, 0: empty
        size_t used = 0;
    };
    struct NextHop {
        Port port = 0;
        Ipv4Addr gateway;
        uint32_t uses = 0;
    };
    static size_t home(uint32_t prefix, size_t mask);
    // The slot of `prefix` in `level`, or the empty slot where it would go.
    static size_t probe(const Level& level, uint32_t prefix);
    static void resize(Level& level, size_t capacity);
    uint32_t intern(Port port, Ipv4Addr gateway);
    void release(uint32_t nextHop);

    Level levels_[33];
    std::vector<NextHop> nextHops_;
    std::vector<uint32_t> freeNextHops_;
    std::map<std::pair<Port, uint32_t>, uint32_t> nextHopIndex_;
    size_t size_ = 0;
};

struct SlowPathConfig {
    std::vector<Interface> interfaces;
    RouteLookup routes;  // may be empty: then only the connected subnets are reachable
    ArpConfig arp;
    IcmpConfig icmp;
    ReassemblyConfig reassembly;
};

struct SlowPathCounters {
    // punts, by packet_in.reason
    uint64_t puntArp = 0, puntLocal = 0, puntTtl = 0, puntNoRoute = 0, puntNoNexthop = 0,
             puntMtu = 0, puntOptions = 0, puntOther = 0;
    uint64_t packetInTruncated = 0;
    // frames
    uint64_t frameTruncated = 0, frameUnknownPort = 0, frameNotForUs = 0, frameOtherType = 0;
    // IPv4 received
    uint64_t ipMalformed = 0, ipBadChecksum = 0, ipBadOptions = 0, ipInvalidSource = 0,
             ipOwnSource = 0, ipInvalidDestination = 0, ipLinkBroadcast = 0, ipSourceRouted = 0;
    uint64_t localDelivered = 0, forwarded = 0, ttlExpired = 0, noRoute = 0, fragNeeded = 0;
    uint64_t fragmentedDatagrams = 0, fragmentsSent = 0, sendErrors = 0;
    uint64_t originatedNoRoute = 0, routeWithoutInterface = 0;
    // ICMP
    uint64_t icmpMalformed = 0, icmpReceived = 0, echoRequests = 0, echoReplies = 0;
    uint64_t sentTimeExceeded = 0, sentReassemblyTimeExceeded = 0, sentNetUnreachable = 0,
             sentHostUnreachable = 0, sentFragNeeded = 0, sentPortUnreachable = 0,
             sentProtocolUnreachable = 0;
    uint64_t suppressedIcmpError = 0, suppressedFragment = 0, suppressedLinkBroadcast = 0,
             suppressedGroupDestination = 0, suppressedInvalidSource = 0, suppressedOwnSource = 0,
             rateLimited = 0;

    void list(std::vector<Counter>& out, const std::string& prefix) const;
};

class SlowPath {
  public:
    explicit SlowPath(SlowPathConfig config);

    // A frame router.p4 punted, with packet_in's ingress_port and reason.
    Actions handlePunt(Port ingressPort, uint8_t reason, ByteView frame, TimePoint now);
    // A whole packet_in message as router.p4 sends it (punt.hpp).
    Actions handlePacketIn(ByteView message, TimePoint now);
    // Timers: ARP retries, failures and refreshes, reassembly timeouts. Call at nextDeadline().
    Actions tick(TimePoint now);
    std::optional<TimePoint> nextDeadline() const;
    // `arp flush`: every neighbour gone.
    Actions flushNeighbours();

    std::optional<Route> lookupRoute(Ipv4Addr destination) const;
    std::vector<Arp::NeighbourInfo> neighbours() const { return arp_.neighbours(); }
    const std::vector<Interface>& interfaces() const { return config_.interfaces; }
    // Every counter, named "slowpath.*", "arp.*", "reassembly.*", for hopctl.
    std::vector<Counter> counters() const;
    const SlowPathCounters& stats() const { return counters_; }
    const Arp& arp() const { return arp_; }
    const Reassembler& reassembler() const { return reassembler_; }

  private:
    struct Work {  // what one call produces
        Actions actions;
        Arp::Output arp;
    };

    void handleIpv4(const EthernetFrame& eth, TimePoint now, Work& work);
    void deliverLocal(const Ipv4Packet& ip, bool linkGroup, TimePoint now, Work& work);
    void forward(const Ipv4Packet& ip, bool linkGroup, TimePoint now, Work& work);
    void sendIcmpError(const Ipv4Packet& offending, bool linkGroup, uint8_t type, uint8_t code,
                       uint32_t rest, TimePoint now, Work& work);
    void originate(Bytes datagram, TimePoint now, Work& work);
    void transmit(Port port, Ipv4Addr nextHop, Bytes datagram, TimePoint now, Work& work);
    void sendOnLink(Port port, const MacAddr& mac, ByteView datagram, Work& work);
    void expireReassembly(TimePoint now, Work& work);
    Actions finish(Work& work, TimePoint now);

    const Interface* interfaceOn(Port port, Ipv4Addr preferInSubnet) const;
    bool isLocalAddress(Ipv4Addr ip) const;
    bool isDirectedBroadcast(Ipv4Addr ip) const;
    uint16_t nextId() { return nextId_++; }

    SlowPathConfig config_;
    SlowPathCounters counters_;
    Arp arp_;
    Reassembler reassembler_;
    TokenBucket errorBucket_;
    uint16_t nextId_ = 1;
};

}  // namespace hop::router
