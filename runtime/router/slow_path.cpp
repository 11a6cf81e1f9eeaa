// SPDX-License-Identifier: Apache-2.0
#include "runtime/router/slow_path.hpp"

#include <algorithm>

#include "runtime/router/checksum.hpp"
#include "runtime/router/fragment.hpp"

namespace hop::router {

// ---- RouteTable -------------------------------------------------------------------------

namespace {
constexpr uint64_t kNextHopBits = 0xffffffffu;
}  // namespace

size_t RouteTable::home(uint32_t prefix, size_t mask) {
    return static_cast<size_t>((uint64_t{prefix} * 0x9e3779b97f4a7c15ull) >> 32) & mask;
}

size_t RouteTable::probe(const Level& level, uint32_t prefix) {
    const size_t mask = level.slots.size() - 1;
    for (size_t i = home(prefix, mask);; i = (i + 1) & mask) {
        const uint64_t s = level.slots[i];
        if (s == 0 || static_cast<uint32_t>(s >> 32) == prefix) return i;
    }
}

void RouteTable::resize(Level& level, size_t capacity) {
    std::vector<uint64_t> old = std::move(level.slots);
    level.slots.assign(capacity, 0);
    for (uint64_t s : old) {
        if (s != 0) level.slots[probe(level, static_cast<uint32_t>(s >> 32))] = s;
    }
}

uint32_t RouteTable::intern(Port port, Ipv4Addr gateway) {
    auto [it, fresh] = nextHopIndex_.try_emplace({port, gateway.value}, 0);
    if (fresh) {
        if (!freeNextHops_.empty()) {
            it->second = freeNextHops_.back();
            freeNextHops_.pop_back();
        } else {
            it->second = static_cast<uint32_t>(nextHops_.size());
            nextHops_.emplace_back();
        }
        nextHops_[it->second] = NextHop{port, gateway, 0};
    }
    ++nextHops_[it->second].uses;
    return it->second;
}

void RouteTable::release(uint32_t index) {
    NextHop& n = nextHops_[index];
    if (--n.uses > 0) return;
    nextHopIndex_.erase({n.port, n.gateway.value});
    freeNextHops_.push_back(index);
}

void RouteTable::add(Ipv4Addr prefix, int length, Port port, Ipv4Addr gateway) {
    length = std::clamp(length, 0, 32);
    Level& level = levels_[length];
    // At most 3/4 full: misses (most probes of a lookup) stay short.
    if (4 * (level.used + 1) > 3 * level.slots.size()) {
        resize(level, std::max<size_t>(16, 2 * level.slots.size()));
    }
    const uint32_t key = prefix.value & prefixMask(length);
    const uint64_t slot = (uint64_t{key} << 32) | (uint64_t{intern(port, gateway)} + 1);
    uint64_t& s = level.slots[probe(level, key)];
    if (s != 0) {
        release(static_cast<uint32_t>((s & kNextHopBits) - 1));
    } else {
        ++level.used;
        ++size_;
    }
    s = slot;
}

bool RouteTable::remove(Ipv4Addr prefix, int length) {
    if (length < 0 || length > 32) return false;
    Level& level = levels_[length];
    if (level.used == 0) return false;
    const uint32_t key = prefix.value & prefixMask(length);
    size_t i = probe(level, key);
    if (level.slots[i] == 0) return false;
    release(static_cast<uint32_t>((level.slots[i] & kNextHopBits) - 1));
    // Backward shift: a slot after the hole moves into it unless its home lies between them.
    const size_t mask = level.slots.size() - 1;
    for (size_t j = (i + 1) & mask; level.slots[j] != 0; j = (j + 1) & mask) {
        const size_t k = home(static_cast<uint32_t>(level.slots[j] >> 32), mask);
        const bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
        if (stays) continue;
        level.slots[i] = level.slots[j];
        i = j;
    }
    level.slots[i] = 0;
    --level.used;
    --size_;
    if (level.used == 0) {
        level.slots = {};
    } else if (level.slots.size() > 16 && 8 * level.used < level.slots.size()) {
        resize(level, level.slots.size() / 2);
    }
    return true;
}

std::optional<Route> RouteTable::lookup(Ipv4Addr destination) const {
    for (int length = 32; length >= 0; --length) {
        const Level& level = levels_[length];
        if (level.used == 0) continue;
        const uint64_t s = level.slots[probe(level, destination.value & prefixMask(length))];
        if (s == 0) continue;
        const NextHop& n = nextHops_[static_cast<uint32_t>((s & kNextHopBits) - 1)];
        return Route{n.port, n.gateway, length};
    }
    return std::nullopt;
}

size_t RouteTable::memoryBytes() const {
    size_t bytes = nextHops_.capacity() * sizeof(NextHop);
    for (const Level& level : levels_) bytes += level.slots.capacity() * sizeof(uint64_t);
    return bytes;
}

// ---- counters ---------------------------------------------------------------------------

void SlowPathCounters::list(std::vector<Counter>& out, const std::string& p) const {
    const std::pair<const char*, uint64_t> all[] = {
        {"punt_arp", puntArp},
        {"punt_local", puntLocal},
        {"punt_ttl", puntTtl},
        {"punt_no_route", puntNoRoute},
        {"punt_no_nexthop", puntNoNexthop},
        {"punt_mtu", puntMtu},
        {"punt_options", puntOptions},
        {"punt_other", puntOther},
        {"packet_in_truncated", packetInTruncated},
        {"frame_truncated", frameTruncated},
        {"frame_unknown_port", frameUnknownPort},
        {"frame_not_for_us", frameNotForUs},
        {"frame_other_type", frameOtherType},
        {"ip_malformed", ipMalformed},
        {"ip_bad_checksum", ipBadChecksum},
        {"ip_bad_options", ipBadOptions},
        {"ip_invalid_source", ipInvalidSource},
        {"ip_own_source", ipOwnSource},
        {"ip_invalid_destination", ipInvalidDestination},
        {"ip_link_broadcast", ipLinkBroadcast},
        {"ip_source_routed", ipSourceRouted},
        {"local_delivered", localDelivered},
        {"forwarded", forwarded},
        {"ttl_expired", ttlExpired},
        {"no_route", noRoute},
        {"frag_needed", fragNeeded},
        {"fragmented_datagrams", fragmentedDatagrams},
        {"fragments_sent", fragmentsSent},
        {"send_errors", sendErrors},
        {"originated_no_route", originatedNoRoute},
        {"route_without_interface", routeWithoutInterface},
        {"icmp_malformed", icmpMalformed},
        {"icmp_received", icmpReceived},
        {"echo_requests", echoRequests},
        {"echo_replies", echoReplies},
        {"sent_time_exceeded", sentTimeExceeded},
        {"sent_reassembly_time_exceeded", sentReassemblyTimeExceeded},
        {"sent_net_unreachable", sentNetUnreachable},
        {"sent_host_unreachable", sentHostUnreachable},
        {"sent_frag_needed", sentFragNeeded},
        {"sent_port_unreachable", sentPortUnreachable},
        {"sent_protocol_unreachable", sentProtocolUnreachable},
        {"suppressed_icmp_error", suppressedIcmpError},
        {"suppressed_fragment", suppressedFragment},
        {"suppressed_link_broadcast", suppressedLinkBroadcast},
        {"suppressed_group_destination", suppressedGroupDestination},
        {"suppressed_invalid_source", suppressedInvalidSource},
        {"suppressed_own_source", suppressedOwnSource},
        {"rate_limited", rateLimited},
    };
    for (const auto& [name, value] : all) out.push_back({p + name, value});
}

// ---- SlowPath ---------------------------------------------------------------------------

SlowPath::SlowPath(SlowPathConfig config)
    : config_(std::move(config)),
      arp_(config_.interfaces, config_.arp),
      reassembler_(config_.reassembly),
      errorBucket_(config_.icmp.ratePerSecond, config_.icmp.burst) {}

std::vector<Counter> SlowPath::counters() const {
    std::vector<Counter> out;
    counters_.list(out, "slowpath.");
    arp_.counters().list(out, "arp.");
    reassembler_.counters().list(out, "reassembly.");
    out.push_back({"reassembly.memory_in_use", reassembler_.memoryInUse()});
    out.push_back({"reassembly.in_progress", reassembler_.datagramsInProgress()});
    out.push_back({"arp.entries", arp_.neighbours().size()});
    return out;
}

const Interface* SlowPath::interfaceOn(Port port, Ipv4Addr preferInSubnet) const {
    const Interface* first = nullptr;
    for (const Interface& i : config_.interfaces) {
        if (i.port != port) continue;
        if (i.contains(preferInSubnet)) return &i;
        if (!first) first = &i;
    }
    return first;
}

bool SlowPath::isLocalAddress(Ipv4Addr ip) const {
    return std::any_of(config_.interfaces.begin(), config_.interfaces.end(),
                       [&](const Interface& i) { return i.address == ip; });
}

bool SlowPath::isDirectedBroadcast(Ipv4Addr ip) const {
    return std::any_of(config_.interfaces.begin(), config_.interfaces.end(),
                       [&](const Interface& i) { return i.broadcastAddress() == ip; });
}

std::optional<Route> SlowPath::lookupRoute(Ipv4Addr destination) const {
    std::optional<Route> best;
    for (const Interface& i : config_.interfaces) {
        if (i.contains(destination) && (!best || i.prefixLength > best->prefixLength))
            best = Route{i.port, Ipv4Addr(), i.prefixLength};
    }
    if (config_.routes) {
        auto route = config_.routes(destination);
        if (route && (!best || route->prefixLength > best->prefixLength)) best = route;
    }
    return best;
}

Actions SlowPath::handlePacketIn(ByteView message, TimePoint now) {
    auto in = decodePacketIn(message);
    if (!in) {
        ++counters_.packetInTruncated;
        return {};
    }
    return handlePunt(in->ingressPort, in->reason, in->frame, now);
}

Actions SlowPath::handlePunt(Port ingressPort, uint8_t reason, ByteView frame, TimePoint now) {
    switch (static_cast<PuntReason>(reason)) {
        case PuntReason::Arp:
            ++counters_.puntArp;
            break;
        case PuntReason::Local:
            ++counters_.puntLocal;
            break;
        case PuntReason::Ttl:
            ++counters_.puntTtl;
            break;
        case PuntReason::NoRoute:
            ++counters_.puntNoRoute;
            break;
        case PuntReason::NoNexthop:
            ++counters_.puntNoNexthop;
            break;
        case PuntReason::Mtu:
            ++counters_.puntMtu;
            break;
        case PuntReason::Options:
            ++counters_.puntOptions;
            break;
        default:
            ++counters_.puntOther;
            break;
    }
    Work work;
    expireReassembly(now, work);
    auto eth = parseEthernet(frame);
    if (!eth) {
        ++counters_.frameTruncated;
        return finish(work, now);
    }
    // Layer-2 admission as router.p4 does it: the port's address or broadcast.
    bool knownPort = false;
    bool toUs = eth->dst.isBroadcast();
    for (const Interface& i : config_.interfaces) {
        if (i.port != ingressPort) continue;
        knownPort = true;
        toUs = toUs || i.mac == eth->dst;
    }
    if (!knownPort) {
        ++counters_.frameUnknownPort;
    } else if (!toUs) {
        ++counters_.frameNotForUs;
    } else if (eth->etherType == kEtherTypeArp) {
        arp_.receive(ingressPort, *eth, now, work.arp);
    } else if (eth->etherType == kEtherTypeIpv4) {
        handleIpv4(*eth, now, work);
    } else {
        ++counters_.frameOtherType;
    }
    return finish(work, now);
}

void SlowPath::handleIpv4(const EthernetFrame& eth, TimePoint now, Work& work) {
    auto ip = parseIpv4(eth.payload);
    if (!ip) {
        switch (ip.error()) {
            case Error::Ipv4Checksum:
                ++counters_.ipBadChecksum;
                break;
            case Error::Ipv4Options:
                ++counters_.ipBadOptions;
                break;
            default:
                ++counters_.ipMalformed;
                break;
        }
        return;
    }
    const Ipv4Header& h = ip->header;
    if (!h.src.isUnicastCandidate() || isDirectedBroadcast(h.src)) {
        ++counters_.ipInvalidSource;
        return;
    }
    if (isLocalAddress(h.src)) {
        ++counters_.ipOwnSource;
        return;
    }
    const bool linkGroup = eth.dst.isGroup();
    if (isLocalAddress(h.dst)) {
        ++counters_.localDelivered;
        deliverLocal(*ip, linkGroup, now, work);
    } else {
        forward(*ip, linkGroup, now, work);
    }
}

void SlowPath::deliverLocal(const Ipv4Packet& ip, bool linkGroup, TimePoint now, Work& work) {
    if (ip.isFragment()) {
        auto whole = reassembler_.add(ip, now);
        if (!whole) return;
        auto datagram = parseIpv4(*whole, false);
        if (!datagram || datagram->isFragment()) {
            ++counters_.ipMalformed;  // cannot happen: the reassembler builds it
            return;
        }
        deliverLocal(*datagram, linkGroup, now, work);
        return;
    }
    switch (ip.header.protocol) {
        case kIpProtoIcmp: {
            auto icmp = parseIcmp(ip.payload);
            if (!icmp) {
                ++counters_.icmpMalformed;
                return;
            }
            if (icmp->type != kIcmpEchoRequest) {
                ++counters_.icmpReceived;
                return;
            }
            ++counters_.echoRequests;
            ++counters_.echoReplies;
            originate(buildEchoReply(ip, *icmp, nextId()), now, work);
            return;
        }
        case kIpProtoUdp:
            sendIcmpError(ip, linkGroup, kIcmpDestUnreachable, kUnreachPort, 0, now, work);
            return;
        default:
            sendIcmpError(ip, linkGroup, kIcmpDestUnreachable, kUnreachProtocol, 0, now, work);
            return;
    }
}

void SlowPath::forward(const Ipv4Packet& ip, bool linkGroup, TimePoint now, Work& work) {
    const Ipv4Header& h = ip.header;
    if (linkGroup) {
        ++counters_.ipLinkBroadcast;
        return;
    }
    if (!h.dst.isUnicastCandidate() || isDirectedBroadcast(h.dst)) {
        ++counters_.ipInvalidDestination;
        return;
    }
    if (auto options = parseIpv4Options(ip.options)) {
        for (const Ipv4Option& o : *options) {
            if (o.type == kIpOptLsrr || o.type == kIpOptSsrr) {
                ++counters_.ipSourceRouted;
                return;
            }
        }
    }
    if (h.ttl <= 1) {
        ++counters_.ttlExpired;
        sendIcmpError(ip, linkGroup, kIcmpTimeExceeded, kTimeExceededTtl, 0, now, work);
        return;
    }
    auto route = lookupRoute(h.dst);
    if (!route) {
        ++counters_.noRoute;
        sendIcmpError(ip, linkGroup, kIcmpDestUnreachable, kUnreachNet, 0, now, work);
        return;
    }
    const Ipv4Addr nextHop = route->gateway == Ipv4Addr() ? h.dst : route->gateway;
    const Interface* egress = interfaceOn(route->port, nextHop);
    if (!egress) {
        ++counters_.routeWithoutInterface;
        return;
    }
    if (h.totalLength > egress->mtu && h.dontFragment) {
        ++counters_.fragNeeded;
        sendIcmpError(ip, linkGroup, kIcmpDestUnreachable, kUnreachFragNeeded,
                      fragNeededRest(egress->mtu), now, work);
        return;
    }
    Bytes datagram(ip.datagram.begin(), ip.datagram.end());
    const uint16_t before = load16(&datagram[8]);  // TTL and protocol share a word
    --datagram[8];
    store16(&datagram[10], updateChecksum(load16(&datagram[10]), before, load16(&datagram[8])));
    ++counters_.forwarded;
    transmit(route->port, nextHop, std::move(datagram), now, work);
}

void SlowPath::sendIcmpError(const Ipv4Packet& offending, bool linkGroup, uint8_t type,
                             uint8_t code, uint32_t rest, TimePoint now, Work& work) {
    if (auto why = errorSuppressed(offending, linkGroup, config_.interfaces)) {
        switch (*why) {
            case Suppression::AboutIcmpError:
                ++counters_.suppressedIcmpError;
                break;
            case Suppression::NonFirstFragment:
                ++counters_.suppressedFragment;
                break;
            case Suppression::LinkBroadcast:
                ++counters_.suppressedLinkBroadcast;
                break;
            case Suppression::GroupDestination:
                ++counters_.suppressedGroupDestination;
                break;
            case Suppression::InvalidSource:
                ++counters_.suppressedInvalidSource;
                break;
            case Suppression::OwnSource:
                ++counters_.suppressedOwnSource;
                break;
        }
        return;
    }
    const Ipv4Addr destination = offending.header.src;
    auto route = lookupRoute(destination);
    if (!route) {
        ++counters_.originatedNoRoute;
        return;
    }
    const Ipv4Addr nextHop = route->gateway == Ipv4Addr() ? destination : route->gateway;
    const Interface* egress = interfaceOn(route->port, nextHop);
    if (!egress) {
        ++counters_.routeWithoutInterface;
        return;
    }
    if (!errorBucket_.take(now)) {
        ++counters_.rateLimited;
        return;
    }
    if (type == kIcmpTimeExceeded) {
        ++(code == kTimeExceededTtl ? counters_.sentTimeExceeded
                                    : counters_.sentReassemblyTimeExceeded);
    } else if (code == kUnreachNet) {
        ++counters_.sentNetUnreachable;
    } else if (code == kUnreachHost) {
        ++counters_.sentHostUnreachable;
    } else if (code == kUnreachFragNeeded) {
        ++counters_.sentFragNeeded;
    } else if (code == kUnreachPort) {
        ++counters_.sentPortUnreachable;
    } else if (code == kUnreachProtocol) {
        ++counters_.sentProtocolUnreachable;
    }
    // About a datagram for one of our addresses the router answers as that host (Linux uses
    // the address it was sent to); about one it forwards, from the interface the error
    // leaves by. So a traceroute or a UDP probe to any router address ends at that address.
    const Ipv4Addr source =
        isLocalAddress(offending.header.dst) ? offending.header.dst : egress->address;
    Bytes message = buildIcmpError(offending, type, code, rest, source, nextId());
    transmit(route->port, nextHop, std::move(message), now, work);
}

void SlowPath::originate(Bytes datagram, TimePoint now, Work& work) {
    const Ipv4Addr destination(load32(&datagram[16]));
    auto route = lookupRoute(destination);
    if (!route) {
        ++counters_.originatedNoRoute;
        return;
    }
    const Ipv4Addr nextHop = route->gateway == Ipv4Addr() ? destination : route->gateway;
    transmit(route->port, nextHop, std::move(datagram), now, work);
}

void SlowPath::transmit(Port port, Ipv4Addr nextHop, Bytes datagram, TimePoint now, Work& work) {
    if (auto mac = arp_.lookup(nextHop, port)) {
        sendOnLink(port, *mac, datagram, work);
    } else {
        arp_.enqueue(nextHop, port, std::move(datagram), now, work.arp);
    }
}

void SlowPath::sendOnLink(Port port, const MacAddr& mac, ByteView datagram, Work& work) {
    const Interface* egress = interfaceOn(port, Ipv4Addr());
    if (!egress) {
        ++counters_.sendErrors;
        return;
    }
    auto fragments = fragmentDatagram(datagram, egress->mtu);
    if (!fragments) {
        ++counters_.sendErrors;
        return;
    }
    if (fragments->size() > 1) {
        ++counters_.fragmentedDatagrams;
        counters_.fragmentsSent += fragments->size();
    }
    for (const Bytes& fragment : *fragments)
        work.actions.frames.push_back(
            {port, buildEthernet(mac, egress->mac, kEtherTypeIpv4, fragment)});
}

void SlowPath::expireReassembly(TimePoint now, Work& work) {
    for (const Bytes& first : reassembler_.expire(now)) {
        auto ip = parseIpv4(first, false);
        if (ip) sendIcmpError(*ip, false, kIcmpTimeExceeded, kTimeExceededReassembly, 0, now, work);
    }
}

Actions SlowPath::finish(Work& work, TimePoint now) {
    while (!work.arp.empty()) {
        Arp::Output done = std::move(work.arp);
        work.arp = {};
        for (TxFrame& f : done.frames) work.actions.frames.push_back(std::move(f));
        for (NeighbourEvent& e : done.events) work.actions.events.push_back(e);
        for (const Arp::Ready& r : done.ready) sendOnLink(r.port, r.mac, r.datagram, work);
        for (const Bytes& datagram : done.failed) {
            auto ip = parseIpv4(datagram, false);
            if (ip) sendIcmpError(*ip, false, kIcmpDestUnreachable, kUnreachHost, 0, now, work);
        }
    }
    return std::move(work.actions);
}

Actions SlowPath::tick(TimePoint now) {
    Work work;
    expireReassembly(now, work);
    arp_.tick(now, work.arp);
    return finish(work, now);
}

std::optional<TimePoint> SlowPath::nextDeadline() const {
    auto a = arp_.nextDeadline();
    auto r = reassembler_.nextDeadline();
    if (!a) return r;
    if (!r) return a;
    return std::min(*a, *r);
}

Actions SlowPath::flushNeighbours() {
    Work work;
    arp_.flush(work.arp);
    return finish(work, TimePoint());
}

}  // namespace hop::router
