// SPDX-License-Identifier: Apache-2.0
// ICMP messages the router originates (RFC 792, RFC 1122 3.2.2, RFC 1812 4.3): echo replies,
// and errors that quote the offending datagram's IP header (options included) and the first 8
// bytes of its data; the rules that forbid an error; a token bucket to rate-limit errors.
#pragma once

#include <optional>
#include <span>

#include "runtime/router/packet.hpp"

namespace hop::router {

struct IcmpConfig {
    // Errors per second and burst of the token bucket (echo replies are not limited). Linux's
    // defaults for its global limit (net.ipv4.icmp_msgs_per_sec / _burst).
    uint32_t ratePerSecond = 1000;
    uint32_t burst = 50;
};

// Token bucket on an injected clock: starts full (`burst` tokens), gains `ratePerSecond`
// tokens a second up to `burst`. A rate of 0 allows the initial burst only.
class TokenBucket {
  public:
    TokenBucket(uint32_t ratePerSecond, uint32_t burst);
    // Takes a token if there is one. Time that goes backwards adds nothing.
    bool take(TimePoint now);

  private:
    uint64_t costNs_;      // time that earns one token
    uint64_t capacityNs_;  // burst * costNs_
    uint64_t creditNs_;
    std::optional<TimePoint> last_;
};

// Why an ICMP error about a datagram must not be sent (RFC 1122 3.2.2, RFC 1812 4.3.2.7).
enum class Suppression {
    AboutIcmpError,    // the datagram is an ICMP error (or too short to tell)
    NonFirstFragment,  // fragment offset != 0
    LinkBroadcast,     // received as link-layer broadcast or multicast
    GroupDestination,  // IP destination is broadcast (limited or directed), multicast, class E
    InvalidSource,     // source is not one host: 0/8, 127/8, multicast, class E, broadcast
    OwnSource,         // source is one of the router's addresses (its own datagram)
};

const char* describe(Suppression reason);

// nullopt when an error about `offending` may be sent. `interfaces` give the router's own
// addresses and the directed broadcasts of its subnets.
std::optional<Suppression> errorSuppressed(const Ipv4Packet& offending, bool linkLayerGroup,
                                           std::span<const Interface> interfaces);

// Header fields of the datagrams the router originates.
constexpr uint8_t kOriginatedTtl = 64;
constexpr uint8_t kIcmpErrorTos = 0xc0;  // precedence 6, internetwork control (RFC 1812 4.3.2.5)

// An ICMP error about `offending` as an IPv4 datagram from `source` to the offending source.
// `rest` is the second header word: 0, or the next-hop MTU for fragmentation needed (RFC 1191,
// see fragNeededRest).
Bytes buildIcmpError(const Ipv4Packet& offending, uint8_t type, uint8_t code, uint32_t rest,
                     Ipv4Addr source, uint16_t id);

constexpr uint32_t fragNeededRest(uint16_t nextHopMtu) { return nextHopMtu; }

// The reply to an echo request (`echo` parsed from `request`'s payload): same identifier,
// sequence number, data and TOS, from the address the request was sent to.
Bytes buildEchoReply(const Ipv4Packet& request, const IcmpMessage& echo, uint16_t id);

}  // namespace hop::router
