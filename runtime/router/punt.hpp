// SPDX-License-Identifier: Apache-2.0
// The CPU-port headers of examples/router.p4: packet_in {ingress_port:9, reason:7} in front of
// every punted frame, packet_out {egress_port:9, _pad:7} in front of every frame the CPU sends
// (router.p4 then sends it out of egress_port unchanged). hopd reads these layouts from the
// program's P4Info; these helpers are the router.p4 layout, for tests and as the default.
#pragma once

#include <cstdint>

#include "runtime/router/packet.hpp"

namespace hop::router {

// packet_in.reason in router.p4.
enum class PuntReason : uint8_t {
    Arp = 1,        // ARP request or reply
    Local = 2,      // addressed to the router itself
    Ttl = 3,        // TTL would expire
    NoRoute = 4,    // no matching route
    NoNexthop = 5,  // route found, next hop unresolved
    Mtu = 6,        // larger than the egress MTU
    Options = 7,    // IPv4 header carries options
};

constexpr Port kCpuPort = 510;
constexpr size_t kPacketInSize = 2;
constexpr size_t kPacketOutSize = 2;

struct PacketIn {
    Port ingressPort = 0;
    uint8_t reason = 0;  // a PuntReason, or anything else a newer program sends
    ByteView frame;
};

Result<PacketIn> decodePacketIn(ByteView message);
// packet_out header + frame. Only the low 9 bits of `egressPort` fit.
Bytes encodePacketOut(Port egressPort, ByteView frame);

}  // namespace hop::router
