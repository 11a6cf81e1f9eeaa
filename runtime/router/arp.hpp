// SPDX-License-Identifier: Apache-2.0
// ARP for IPv4 over Ethernet (RFC 826) as a router needs it, with the cache rules of RFC 1122
// 2.3.2:
//   - Responder: a request whose target is one of the router's addresses ON THE PORT it came
//     in on is answered (reply sent to the requester's hardware address).
//   - Learning: a valid ARP packet refreshes the entry of its sender, if there is one (RFC 826
//     "merge"); a packet for one of our addresses also creates the entry when the sender is on
//     the port's subnet. Nothing is learnt from senders that are 0.0.0.0 (probes), outside the
//     port's subnets, broadcast or multicast, or one of our own addresses.
//   - Ignored (counted): truncated packets, other hardware or protocol types or address
//     lengths, other operations, group or zero sender MACs, ports without an interface.
//   - Resolver: a packet for an unresolved next hop is queued (bounded per next hop, oldest
//     dropped first, and in bytes across all next hops) and a broadcast request is sent; it is
//     repeated every `retryInterval` up to `maxRequests` requests; when no reply has come one
//     interval after the last, the next hop fails and its queued packets are handed back
//     (`Output::failed`) for ICMP host unreachable.
//   - Aging and refresh: `reachableTime` after the last confirmation an entry is polled by
//     unicast request (RFC 1122's suggested "unicast poll"; the last try is broadcast), and
//     keeps being used meanwhile; without a reply it is removed (event Gone).
//   - Bounded cache: at most `maxEntries` entries, at most `maxPending` of them unresolved.
//     A new entry in a full cache evicts the resolved entry confirmed longest ago (event Gone);
//     if all are unresolved, the new one is refused.
// Entries are keyed by (IPv4 address, port).
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "runtime/router/packet.hpp"

namespace hop::router {

struct ArpConfig {
    size_t maxEntries = 1024;
    size_t maxPending = 128;
    size_t maxQueuePerNeighbour = 16;
    size_t maxQueuedBytes = 1 << 20;
    unsigned maxRequests = 3;
    Duration retryInterval = std::chrono::seconds(1);
    Duration reachableTime = std::chrono::seconds(60);
};

struct ArpCounters {
    uint64_t received = 0;
    uint64_t malformed = 0;         // truncated
    uint64_t foreign = 0;           // other types, lengths or operations
    uint64_t invalidSender = 0;     // group or zero sender MAC
    uint64_t conflicts = 0;         // sender claims one of our addresses
    uint64_t noInterface = 0;       // arrived on, or needed on, a port without an address
    uint64_t notForUs = 0;          // target is not ours (after merging)
    uint64_t requestsAnswered = 0;  // replies sent
    uint64_t repliesReceived = 0;   // replies addressed to us
    uint64_t learned = 0;           // entries created from packets for us
    uint64_t requestsSent = 0;
    uint64_t resolved = 0;  // entries that got a hardware address (answer or learning)
    uint64_t failed = 0;    // resolutions that timed out
    uint64_t refreshes = 0;
    uint64_t agedOut = 0;  // refreshes without answer
    uint64_t evicted = 0;
    uint64_t cacheFull = 0;  // new entries refused
    uint64_t queued = 0;
    uint64_t queueDrops = 0;   // packets dropped from, or not let into, a queue
    uint64_t unreachable = 0;  // queued packets handed back as failed

    void list(std::vector<Counter>& out, const std::string& prefix) const;
};

class Arp {
  public:
    struct Ready {
        Port port = 0;
        MacAddr mac;
        Bytes datagram;
    };
    struct Output {
        std::vector<TxFrame> frames;
        std::vector<NeighbourEvent> events;
        std::vector<Ready> ready;   // queued datagrams whose next hop resolved
        std::vector<Bytes> failed;  // queued datagrams whose next hop did not
        bool empty() const {
            return frames.empty() && events.empty() && ready.empty() && failed.empty();
        }
    };
    enum class State { Incomplete, Reachable, Refreshing };
    struct NeighbourInfo {
        Ipv4Addr ip;
        Port port = 0;
        State state = State::Incomplete;
        MacAddr mac;
        size_t queued = 0;
    };

    Arp(std::vector<Interface> interfaces, ArpConfig config = {});

    // An ARP packet that arrived on `port` (the Ethernet frame carrying it).
    void receive(Port port, const EthernetFrame& frame, TimePoint now, Output& out);
    // The hardware address of `nextHop` on `port` if it is resolved (or being refreshed).
    std::optional<MacAddr> lookup(Ipv4Addr nextHop, Port port) const;
    // Queues `datagram` until `nextHop` resolves, starting the resolution if needed. False
    // when it was dropped (counted). A resolved next hop puts it into `out.ready` at once.
    bool enqueue(Ipv4Addr nextHop, Port port, Bytes datagram, TimePoint now, Output& out);
    // Retries, failures, refreshes and aging due at `now`.
    void tick(TimePoint now, Output& out);
    std::optional<TimePoint> nextDeadline() const;
    // Removes every entry (`arp flush`): Gone for the resolved ones, queued packets dropped.
    void flush(Output& out);

    std::vector<NeighbourInfo> neighbours() const;
    const ArpCounters& counters() const { return counters_; }
    const ArpConfig& config() const { return config_; }

  private:
    struct Entry {
        State state = State::Incomplete;
        MacAddr mac;
        TimePoint confirmed;
        TimePoint nextTry;  // Incomplete and Refreshing: when to retry or give up
        unsigned requestsSent = 0;
        std::deque<Bytes> queue;
        size_t queuedBytes = 0;
    };
    using Key = std::pair<uint32_t, Port>;  // (address, port)
    using Iterator = std::map<Key, Entry>::iterator;

    const Interface* sourceInterface(Port port, Ipv4Addr target) const;
    bool isOurAddress(Ipv4Addr ip) const;
    void sendRequest(const Key& key, const Entry& entry, bool unicast, Output& out);
    void confirm(Iterator it, const MacAddr& mac, TimePoint now, Output& out);
    std::optional<Iterator> create(const Key& key, TimePoint now, Output& out);
    void remove(Iterator it);

    std::vector<Interface> interfaces_;
    ArpConfig config_;
    ArpCounters counters_;
    std::map<Key, Entry> entries_;
    size_t pending_ = 0;
    size_t queuedBytes_ = 0;
};

}  // namespace hop::router
