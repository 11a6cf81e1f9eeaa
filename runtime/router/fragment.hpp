// SPDX-License-Identifier: Apache-2.0
// Fragmentation of an IPv4 datagram for a link with a smaller MTU (RFC 791 3.2, "Fragmentation
// and reassembly", and its example procedure):
//   - the data of every fragment but the last is a multiple of 8 bytes, as large as fits;
//   - fragment offsets count 8-byte units from the start of the original datagram's data (a
//     fragment is fragmented further from its own offset);
//   - MF is set on every fragment but the last, which keeps the original's MF;
//   - the first fragment carries all options; the others only those with the copy flag set,
//     in their original order, padded with EOL to a multiple of 4 bytes;
//   - every fragment gets its own total length and header checksum; the other header fields
//     (TOS, identification, DF, TTL, protocol, addresses) are the original's.
#pragma once

#include <vector>

#include "runtime/router/packet.hpp"

namespace hop::router {

// The fragments of `datagram` (a valid IPv4 datagram; trailing bytes beyond its total length
// are ignored) for IP MTU `mtu`; the datagram itself, alone, when it fits. Errors: the parse
// errors of parseIpv4, MtuTooSmall (mtu < 68), DontFragment (DF set and it does not fit),
// DatagramTooLong (a fragment offset would not fit in 13 bits).
Result<std::vector<Bytes>> fragmentDatagram(ByteView datagram, size_t mtu);

// The options a non-first fragment carries: those of `options` whose copy flag is set, padded
// with EOL to a multiple of 4. Malformed options are an error.
Result<Bytes> copiedOptions(ByteView options);

}  // namespace hop::router
