// SPDX-License-Identifier: Apache-2.0
#include "runtime/router/icmp.hpp"

#include <algorithm>

namespace hop::router {

namespace {
constexpr uint64_t kNsPerSecond = 1'000'000'000;
}

TokenBucket::TokenBucket(uint32_t ratePerSecond, uint32_t burst)
    : costNs_(ratePerSecond == 0 ? 0 : std::max<uint64_t>(1, kNsPerSecond / ratePerSecond)),
      capacityNs_(ratePerSecond == 0 ? burst : uint64_t(burst) * costNs_),
      creditNs_(capacityNs_) {}

bool TokenBucket::take(TimePoint now) {
    if (costNs_ == 0) {  // no refill: the credit counts tokens
        if (creditNs_ == 0) return false;
        --creditNs_;
        return true;
    }
    if (last_ && now > *last_) {
        auto elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(now - *last_).count();
        creditNs_ = std::min<uint64_t>(capacityNs_, creditNs_ + uint64_t(elapsed));
    }
    if (!last_ || now > *last_) last_ = now;
    if (creditNs_ < costNs_) return false;
    creditNs_ -= costNs_;
    return true;
}

const char* describe(Suppression reason) {
    switch (reason) {
        case Suppression::AboutIcmpError:
            return "about an ICMP error";
        case Suppression::NonFirstFragment:
            return "about a non-first fragment";
        case Suppression::LinkBroadcast:
            return "about a link-layer broadcast";
        case Suppression::GroupDestination:
            return "about a broadcast or multicast destination";
        case Suppression::InvalidSource:
            return "to an invalid source";
        case Suppression::OwnSource:
            return "to the router itself";
    }
    return "unknown";
}

std::optional<Suppression> errorSuppressed(const Ipv4Packet& offending, bool linkLayerGroup,
                                           std::span<const Interface> interfaces) {
    const Ipv4Header& h = offending.header;
    if (h.fragmentOffset != 0) return Suppression::NonFirstFragment;
    if (h.protocol == kIpProtoIcmp &&
        (offending.payload.empty() || isIcmpErrorType(offending.payload[0])))
        return Suppression::AboutIcmpError;
    if (linkLayerGroup) return Suppression::LinkBroadcast;
    // Class E includes the limited broadcast 255.255.255.255.
    if (h.dst.isMulticast() || h.dst.isClassE()) return Suppression::GroupDestination;
    if (!h.src.isUnicastCandidate()) return Suppression::InvalidSource;
    for (const Interface& i : interfaces) {
        if (i.broadcastAddress() == h.dst) return Suppression::GroupDestination;
        if (i.broadcastAddress() == h.src) return Suppression::InvalidSource;
        if (i.address == h.src) return Suppression::OwnSource;
    }
    return std::nullopt;
}

Bytes buildIcmpError(const Ipv4Packet& offending, uint8_t type, uint8_t code, uint32_t rest,
                     Ipv4Addr source, uint16_t id) {
    size_t quote = std::min(offending.datagram.size(), offending.headerLength() + 8);
    Bytes icmp = buildIcmp(type, code, rest, offending.datagram.first(quote));
    Ipv4Header h;
    h.tos = kIcmpErrorTos;
    h.id = id;
    h.ttl = kOriginatedTtl;
    h.protocol = kIpProtoIcmp;
    h.src = source;
    h.dst = offending.header.src;
    // At most 20 + 8 + 60 + 8 bytes: buildIpv4 cannot fail.
    return std::move(buildIpv4(h, {}, icmp)).value();
}

Bytes buildEchoReply(const Ipv4Packet& request, const IcmpMessage& echo, uint16_t id) {
    Bytes icmp = buildIcmp(kIcmpEchoReply, 0, echo.rest, echo.body);
    Ipv4Header h;
    h.tos = request.header.tos;
    h.id = id;
    h.ttl = kOriginatedTtl;
    h.protocol = kIpProtoIcmp;
    h.src = request.header.dst;
    h.dst = request.header.src;
    // No options in the reply, so it is never longer than the request: cannot fail.
    return std::move(buildIpv4(h, {}, icmp)).value();
}

}  // namespace hop::router
