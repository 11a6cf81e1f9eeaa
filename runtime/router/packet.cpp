// SPDX-License-Identifier: Apache-2.0
#include "runtime/router/packet.hpp"

#include <algorithm>

#include "runtime/router/checksum.hpp"

namespace hop::router {

const char* describe(Error error) {
    switch (error) {
        case Error::Truncated:
            return "truncated";
        case Error::ArpHardwareType:
            return "ARP hardware type is not Ethernet";
        case Error::ArpProtocolType:
            return "ARP protocol type is not IPv4";
        case Error::ArpAddressLength:
            return "ARP address lengths are not 6 and 4";
        case Error::ArpOperation:
            return "ARP operation is neither request nor reply";
        case Error::Ipv4Version:
            return "IP version is not 4";
        case Error::Ipv4HeaderLength:
            return "IPv4 header length is below 20 or beyond the packet";
        case Error::Ipv4TotalLength:
            return "IPv4 total length is below the header length or beyond the packet";
        case Error::Ipv4Checksum:
            return "IPv4 header checksum is wrong";
        case Error::Ipv4Options:
            return "IPv4 options are malformed";
        case Error::IcmpChecksum:
            return "ICMP checksum is wrong";
        case Error::MtuTooSmall:
            return "MTU is below 68";
        case Error::DontFragment:
            return "fragmentation needed but DF is set";
        case Error::DatagramTooLong:
            return "datagram would exceed 65535 bytes";
    }
    return "unknown error";
}

// ---- Ethernet ---------------------------------------------------------------------------

namespace {

MacAddr loadMac(const uint8_t* p) {
    MacAddr mac;
    std::copy(p, p + 6, mac.bytes.begin());
    return mac;
}

void storeMac(uint8_t* p, const MacAddr& mac) { std::copy(mac.bytes.begin(), mac.bytes.end(), p); }

}  // namespace

Result<EthernetFrame> parseEthernet(ByteView frame) {
    if (frame.size() < kEthernetHeaderSize) return Error::Truncated;
    EthernetFrame eth;
    eth.dst = loadMac(frame.data());
    eth.src = loadMac(frame.data() + 6);
    eth.etherType = load16(frame.data() + 12);
    eth.payload = frame.subspan(kEthernetHeaderSize);
    return eth;
}

Bytes buildEthernet(const MacAddr& dst, const MacAddr& src, uint16_t etherType, ByteView payload) {
    Bytes frame(std::max(kMinFrameSize, kEthernetHeaderSize + payload.size()), 0);
    storeMac(frame.data(), dst);
    storeMac(frame.data() + 6, src);
    store16(frame.data() + 12, etherType);
    std::copy(payload.begin(), payload.end(), frame.begin() + kEthernetHeaderSize);
    return frame;
}

// ---- ARP --------------------------------------------------------------------------------

Result<ArpPacket> parseArp(ByteView payload) {
    if (payload.size() < kArpSize) return Error::Truncated;
    const uint8_t* p = payload.data();
    if (load16(p) != 1) return Error::ArpHardwareType;
    if (load16(p + 2) != kEtherTypeIpv4) return Error::ArpProtocolType;
    if (p[4] != 6 || p[5] != 4) return Error::ArpAddressLength;
    ArpPacket arp;
    arp.operation = load16(p + 6);
    if (arp.operation != kArpRequest && arp.operation != kArpReply) return Error::ArpOperation;
    arp.senderMac = loadMac(p + 8);
    arp.senderIp = Ipv4Addr(load32(p + 14));
    arp.targetMac = loadMac(p + 18);
    arp.targetIp = Ipv4Addr(load32(p + 24));
    return arp;
}

Bytes buildArp(const ArpPacket& arp) {
    Bytes out(kArpSize);
    uint8_t* p = out.data();
    store16(p, 1);
    store16(p + 2, kEtherTypeIpv4);
    p[4] = 6;
    p[5] = 4;
    store16(p + 6, arp.operation);
    storeMac(p + 8, arp.senderMac);
    store32(p + 14, arp.senderIp.value);
    storeMac(p + 18, arp.targetMac);
    store32(p + 24, arp.targetIp.value);
    return out;
}

// ---- IPv4 -------------------------------------------------------------------------------

Result<Ipv4Packet> parseIpv4(ByteView bytes, bool checkOptions) {
    if (bytes.size() < kIpv4MinHeaderSize) return Error::Truncated;
    const uint8_t* p = bytes.data();
    if ((p[0] >> 4) != 4) return Error::Ipv4Version;
    size_t headerLength = size_t(p[0] & 0x0f) * 4;
    if (headerLength < kIpv4MinHeaderSize || headerLength > bytes.size())
        return Error::Ipv4HeaderLength;
    Ipv4Packet ip;
    Ipv4Header& h = ip.header;
    h.tos = p[1];
    h.totalLength = load16(p + 2);
    if (h.totalLength < headerLength || h.totalLength > bytes.size()) return Error::Ipv4TotalLength;
    h.id = load16(p + 4);
    uint16_t flagsOffset = load16(p + 6);
    h.reservedFlag = (flagsOffset & 0x8000) != 0;
    h.dontFragment = (flagsOffset & 0x4000) != 0;
    h.moreFragments = (flagsOffset & 0x2000) != 0;
    h.fragmentOffset = flagsOffset & 0x1fff;
    h.ttl = p[8];
    h.protocol = p[9];
    h.checksum = load16(p + 10);
    h.src = Ipv4Addr(load32(p + 12));
    h.dst = Ipv4Addr(load32(p + 16));
    ip.headerBytes = bytes.subspan(0, headerLength);
    if (internetChecksum(ip.headerBytes) != 0) return Error::Ipv4Checksum;
    ip.options = ip.headerBytes.subspan(kIpv4MinHeaderSize);
    ip.datagram = bytes.subspan(0, h.totalLength);
    ip.payload = ip.datagram.subspan(headerLength);
    if (checkOptions && !ip.options.empty() && !parseIpv4Options(ip.options).ok())
        return Error::Ipv4Options;
    return ip;
}

Result<std::vector<Ipv4Option>> parseIpv4Options(ByteView options) {
    std::vector<Ipv4Option> out;
    size_t i = 0;
    while (i < options.size()) {
        uint8_t type = options[i];
        if (type == kIpOptEol) break;
        if (type == kIpOptNop) {
            out.push_back({type, options.subspan(i, 1)});
            ++i;
            continue;
        }
        if (i + 1 >= options.size()) return Error::Ipv4Options;
        size_t length = options[i + 1];
        if (length < 2 || i + length > options.size()) return Error::Ipv4Options;
        out.push_back({type, options.subspan(i, length)});
        i += length;
    }
    return out;
}

Result<Bytes> buildIpv4(const Ipv4Header& h, ByteView options, ByteView payload) {
    if (options.size() > kIpv4MaxHeaderSize - kIpv4MinHeaderSize) return Error::Ipv4Options;
    size_t headerLength = kIpv4MinHeaderSize + (options.size() + 3) / 4 * 4;
    if (headerLength + payload.size() > kIpv4MaxDatagram) return Error::DatagramTooLong;
    Bytes out(headerLength + payload.size(), 0);
    uint8_t* p = out.data();
    p[0] = uint8_t(0x40 | headerLength / 4);
    p[1] = h.tos;
    store16(p + 2, uint16_t(out.size()));
    store16(p + 4, h.id);
    store16(p + 6, uint16_t((h.reservedFlag ? 0x8000 : 0) | (h.dontFragment ? 0x4000 : 0) |
                            (h.moreFragments ? 0x2000 : 0) | (h.fragmentOffset & 0x1fff)));
    p[8] = h.ttl;
    p[9] = h.protocol;
    store32(p + 12, h.src.value);
    store32(p + 16, h.dst.value);
    std::copy(options.begin(), options.end(), p + kIpv4MinHeaderSize);
    std::copy(payload.begin(), payload.end(), p + headerLength);
    setIpv4Checksum(out);
    return out;
}

void setIpv4Checksum(std::span<uint8_t> datagram) {
    size_t headerLength = size_t(datagram[0] & 0x0f) * 4;
    store16(datagram.data() + 10, 0);
    store16(datagram.data() + 10, internetChecksum(datagram.subspan(0, headerLength)));
}

// ---- ICMP -------------------------------------------------------------------------------

Result<IcmpMessage> parseIcmp(ByteView bytes, bool verifyChecksum) {
    if (bytes.size() < kIcmpHeaderSize) return Error::Truncated;
    if (verifyChecksum && internetChecksum(bytes) != 0) return Error::IcmpChecksum;
    IcmpMessage icmp;
    icmp.type = bytes[0];
    icmp.code = bytes[1];
    icmp.checksum = load16(bytes.data() + 2);
    icmp.rest = load32(bytes.data() + 4);
    icmp.body = bytes.subspan(kIcmpHeaderSize);
    return icmp;
}

Bytes buildIcmp(uint8_t type, uint8_t code, uint32_t rest, ByteView body) {
    Bytes out(kIcmpHeaderSize + body.size());
    out[0] = type;
    out[1] = code;
    store32(out.data() + 4, rest);
    std::copy(body.begin(), body.end(), out.begin() + kIcmpHeaderSize);
    store16(out.data() + 2, internetChecksum(out));
    return out;
}

bool isIcmpErrorType(uint8_t type) {
    switch (type) {
        case 0:   // echo reply
        case 8:   // echo request
        case 9:   // router advertisement
        case 10:  // router solicitation
        case 13:  // timestamp
        case 14:  // timestamp reply
        case 15:  // information request
        case 16:  // information reply
        case 17:  // address mask request
        case 18:  // address mask reply
            return false;
        default:
            return true;
    }
}

}  // namespace hop::router
