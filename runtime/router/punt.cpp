// SPDX-License-Identifier: Apache-2.0
#include "runtime/router/punt.hpp"

#include <algorithm>

namespace hop::router {

Result<PacketIn> decodePacketIn(ByteView message) {
    if (message.size() < kPacketInSize) return Error::Truncated;
    uint16_t word = load16(message.data());
    return PacketIn{Port(word >> 7), uint8_t(word & 0x7f), message.subspan(kPacketInSize)};
}

Bytes encodePacketOut(Port egressPort, ByteView frame) {
    Bytes out(kPacketOutSize + frame.size());
    store16(out.data(), uint16_t((egressPort & 0x1ff) << 7));
    std::copy(frame.begin(), frame.end(), out.begin() + kPacketOutSize);
    return out;
}

}  // namespace hop::router
