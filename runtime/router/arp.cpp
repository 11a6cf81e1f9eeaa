// SPDX-License-Identifier: Apache-2.0
#include "runtime/router/arp.hpp"

#include <algorithm>

namespace hop::router {

void ArpCounters::list(std::vector<Counter>& out, const std::string& prefix) const {
    out.push_back({prefix + "received", received});
    out.push_back({prefix + "malformed", malformed});
    out.push_back({prefix + "foreign", foreign});
    out.push_back({prefix + "invalid_sender", invalidSender});
    out.push_back({prefix + "conflicts", conflicts});
    out.push_back({prefix + "no_interface", noInterface});
    out.push_back({prefix + "not_for_us", notForUs});
    out.push_back({prefix + "requests_answered", requestsAnswered});
    out.push_back({prefix + "replies_received", repliesReceived});
    out.push_back({prefix + "learned", learned});
    out.push_back({prefix + "requests_sent", requestsSent});
    out.push_back({prefix + "resolved", resolved});
    out.push_back({prefix + "failed", failed});
    out.push_back({prefix + "refreshes", refreshes});
    out.push_back({prefix + "aged_out", agedOut});
    out.push_back({prefix + "evicted", evicted});
    out.push_back({prefix + "cache_full", cacheFull});
    out.push_back({prefix + "queued", queued});
    out.push_back({prefix + "queue_drops", queueDrops});
    out.push_back({prefix + "unreachable", unreachable});
}

Arp::Arp(std::vector<Interface> interfaces, ArpConfig config)
    : interfaces_(std::move(interfaces)), config_(config) {
    config_.maxRequests = std::max(1u, config_.maxRequests);
}

const Interface* Arp::sourceInterface(Port port, Ipv4Addr target) const {
    const Interface* first = nullptr;
    for (const Interface& i : interfaces_) {
        if (i.port != port) continue;
        if (i.contains(target)) return &i;
        if (!first) first = &i;
    }
    return first;
}

bool Arp::isOurAddress(Ipv4Addr ip) const {
    return std::any_of(interfaces_.begin(), interfaces_.end(),
                       [&](const Interface& i) { return i.address == ip; });
}

void Arp::sendRequest(const Key& key, const Entry& entry, bool unicast, Output& out) {
    const Interface* source = sourceInterface(key.second, Ipv4Addr(key.first));
    if (!source) return;  // entries are only created for ports with an interface
    ArpPacket arp;
    arp.operation = kArpRequest;
    arp.senderMac = source->mac;
    arp.senderIp = source->address;
    arp.targetIp = Ipv4Addr(key.first);
    MacAddr dst = unicast ? entry.mac : MacAddr::broadcast();
    out.frames.push_back(
        {key.second, buildEthernet(dst, source->mac, kEtherTypeArp, buildArp(arp))});
    ++counters_.requestsSent;
}

void Arp::remove(Iterator it) {
    if (it->second.state == State::Incomplete) --pending_;
    queuedBytes_ -= it->second.queuedBytes;
    entries_.erase(it);
}

void Arp::confirm(Iterator it, const MacAddr& mac, TimePoint now, Output& out) {
    Entry& e = it->second;
    const Port port = it->first.second;
    const Ipv4Addr ip(it->first.first);
    if (e.state == State::Incomplete) {
        --pending_;
        ++counters_.resolved;
        e.mac = mac;
        out.events.push_back({NeighbourEvent::Kind::Resolved, ip, mac, port});
        for (Bytes& datagram : e.queue) out.ready.push_back({port, mac, std::move(datagram)});
        e.queue.clear();
        queuedBytes_ -= e.queuedBytes;
        e.queuedBytes = 0;
    } else if (e.mac != mac) {
        e.mac = mac;
        out.events.push_back({NeighbourEvent::Kind::Resolved, ip, mac, port});
    }
    e.state = State::Reachable;
    e.confirmed = now;
    e.requestsSent = 0;
}

std::optional<Arp::Iterator> Arp::create(const Key& key, TimePoint now, Output& out) {
    if (entries_.size() >= config_.maxEntries) {
        auto victim = entries_.end();
        for (auto it = entries_.begin(); it != entries_.end(); ++it) {
            if (it->second.state == State::Incomplete) continue;
            if (victim == entries_.end() || it->second.confirmed < victim->second.confirmed)
                victim = it;
        }
        if (victim == entries_.end()) {
            ++counters_.cacheFull;
            return std::nullopt;
        }
        out.events.push_back({NeighbourEvent::Kind::Gone, Ipv4Addr(victim->first.first),
                              victim->second.mac, victim->first.second});
        ++counters_.evicted;
        remove(victim);
    }
    Entry e;
    e.confirmed = now;
    ++pending_;  // callers turn it Reachable at once, or keep it Incomplete
    return entries_.emplace(key, std::move(e)).first;
}

void Arp::receive(Port port, const EthernetFrame& frame, TimePoint now, Output& out) {
    ++counters_.received;
    auto parsed = parseArp(frame.payload);
    if (!parsed) {
        ++(parsed.error() == Error::Truncated ? counters_.malformed : counters_.foreign);
        return;
    }
    const ArpPacket& arp = *parsed;
    if (!sourceInterface(port, arp.targetIp)) {
        ++counters_.noInterface;
        return;
    }
    if (arp.senderMac.isGroup() || arp.senderMac.isZero()) {
        ++counters_.invalidSender;
        return;
    }
    if (isOurAddress(arp.senderIp)) {
        ++counters_.conflicts;
        return;
    }
    const Interface* target = nullptr;
    bool senderOnLink = false;
    for (const Interface& i : interfaces_) {
        if (i.port != port) continue;
        if (i.address == arp.targetIp) target = &i;
        if (i.contains(arp.senderIp) && i.broadcastAddress() != arp.senderIp) senderOnLink = true;
    }
    const bool learnable = senderOnLink && arp.senderIp.isUnicastCandidate();

    const Key key{arp.senderIp.value, port};
    auto it = entries_.find(key);
    bool merged = false;
    if (learnable && it != entries_.end()) {
        confirm(it, arp.senderMac, now, out);
        merged = true;
    }
    if (!target) {
        ++counters_.notForUs;
        return;
    }
    if (learnable && !merged) {
        if (auto created = create(key, now, out)) {
            ++counters_.learned;
            confirm(*created, arp.senderMac, now, out);
        }
    }
    if (arp.operation == kArpReply) {
        ++counters_.repliesReceived;
        return;
    }
    ArpPacket reply;
    reply.operation = kArpReply;
    reply.senderMac = target->mac;
    reply.senderIp = target->address;
    reply.targetMac = arp.senderMac;
    reply.targetIp = arp.senderIp;
    out.frames.push_back(
        {port, buildEthernet(arp.senderMac, target->mac, kEtherTypeArp, buildArp(reply))});
    ++counters_.requestsAnswered;
}

std::optional<MacAddr> Arp::lookup(Ipv4Addr nextHop, Port port) const {
    auto it = entries_.find({nextHop.value, port});
    if (it == entries_.end() || it->second.state == State::Incomplete) return std::nullopt;
    return it->second.mac;
}

bool Arp::enqueue(Ipv4Addr nextHop, Port port, Bytes datagram, TimePoint now, Output& out) {
    const Key key{nextHop.value, port};
    auto it = entries_.find(key);
    if (it != entries_.end() && it->second.state != State::Incomplete) {
        out.ready.push_back({port, it->second.mac, std::move(datagram)});
        return true;
    }
    if (it == entries_.end()) {
        if (!sourceInterface(port, nextHop)) {
            ++counters_.noInterface;
            return false;
        }
        if (pending_ >= config_.maxPending) {
            ++counters_.cacheFull;
            return false;
        }
        auto created = create(key, now, out);
        if (!created) return false;
        it = *created;
        Entry& e = it->second;
        e.requestsSent = 1;
        e.nextTry = now + config_.retryInterval;
        sendRequest(key, e, false, out);
    }
    Entry& e = it->second;
    if (queuedBytes_ + datagram.size() > config_.maxQueuedBytes) {
        ++counters_.queueDrops;
        return false;
    }
    if (e.queue.size() >= config_.maxQueuePerNeighbour) {
        if (e.queue.empty()) {  // maxQueuePerNeighbour == 0
            ++counters_.queueDrops;
            return false;
        }
        e.queuedBytes -= e.queue.front().size();
        queuedBytes_ -= e.queue.front().size();
        e.queue.pop_front();
        ++counters_.queueDrops;
    }
    e.queuedBytes += datagram.size();
    queuedBytes_ += datagram.size();
    e.queue.push_back(std::move(datagram));
    ++counters_.queued;
    return true;
}

void Arp::tick(TimePoint now, Output& out) {
    for (auto it = entries_.begin(); it != entries_.end();) {
        Entry& e = it->second;
        auto current = it++;
        switch (e.state) {
            case State::Reachable:
                if (e.confirmed + config_.reachableTime > now) break;
                e.state = State::Refreshing;
                e.requestsSent = 1;
                e.nextTry = now + config_.retryInterval;
                ++counters_.refreshes;
                sendRequest(current->first, e, config_.maxRequests > 1, out);
                break;
            case State::Incomplete:
            case State::Refreshing:
                if (e.nextTry > now) break;
                if (e.requestsSent < config_.maxRequests) {
                    ++e.requestsSent;
                    e.nextTry = now + config_.retryInterval;
                    // Refresh polls are unicast but the last, which asks everyone in case the
                    // neighbour's hardware address changed.
                    bool unicast =
                        e.state == State::Refreshing && e.requestsSent < config_.maxRequests;
                    sendRequest(current->first, e, unicast, out);
                    break;
                }
                if (e.state == State::Incomplete) {
                    ++counters_.failed;
                    counters_.unreachable += e.queue.size();
                    for (Bytes& datagram : e.queue) out.failed.push_back(std::move(datagram));
                } else {
                    ++counters_.agedOut;
                    out.events.push_back({NeighbourEvent::Kind::Gone,
                                          Ipv4Addr(current->first.first), e.mac,
                                          current->first.second});
                }
                remove(current);
                break;
        }
    }
}

std::optional<TimePoint> Arp::nextDeadline() const {
    std::optional<TimePoint> next;
    for (const auto& [key, e] : entries_) {
        TimePoint t = e.state == State::Reachable ? e.confirmed + config_.reachableTime : e.nextTry;
        if (!next || t < *next) next = t;
    }
    return next;
}

void Arp::flush(Output& out) {
    for (const auto& [key, e] : entries_) {
        if (e.state != State::Incomplete)
            out.events.push_back(
                {NeighbourEvent::Kind::Gone, Ipv4Addr(key.first), e.mac, key.second});
        counters_.queueDrops += e.queue.size();
    }
    entries_.clear();
    pending_ = 0;
    queuedBytes_ = 0;
}

std::vector<Arp::NeighbourInfo> Arp::neighbours() const {
    std::vector<NeighbourInfo> out;
    for (const auto& [key, e] : entries_)
        out.push_back({Ipv4Addr(key.first), key.second, e.state, e.mac, e.queue.size()});
    return out;
}

}  // namespace hop::router
