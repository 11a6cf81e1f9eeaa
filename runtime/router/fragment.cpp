// SPDX-License-Identifier: Apache-2.0
#include "runtime/router/fragment.hpp"

#include <algorithm>

namespace hop::router {

Result<Bytes> copiedOptions(ByteView options) {
    auto parsed = parseIpv4Options(options);
    if (!parsed) return parsed.error();
    Bytes out;
    for (const Ipv4Option& option : *parsed) {
        if (option.copied()) out.insert(out.end(), option.bytes.begin(), option.bytes.end());
    }
    out.resize((out.size() + 3) / 4 * 4, kIpOptEol);
    return out;
}

Result<std::vector<Bytes>> fragmentDatagram(ByteView datagram, size_t mtu) {
    auto ip = parseIpv4(datagram);
    if (!ip) return ip.error();
    if (mtu < kIpv4MinMtu) return Error::MtuTooSmall;
    if (ip->datagram.size() <= mtu)
        return std::vector<Bytes>{Bytes(ip->datagram.begin(), ip->datagram.end())};
    if (ip->header.dontFragment) return Error::DontFragment;

    auto laterOptions = copiedOptions(ip->options);
    if (!laterOptions) return laterOptions.error();

    const ByteView data = ip->payload;
    const size_t baseOffset = ip->fragmentByteOffset();
    std::vector<Bytes> fragments;
    size_t pos = 0;
    while (pos < data.size()) {
        ByteView options = pos == 0 ? ip->options : ByteView(*laterOptions);
        size_t headerLength = kIpv4MinHeaderSize + options.size();
        // mtu >= 68 and headerLength <= 60: at least 8 bytes of data fit.
        size_t room = (mtu - headerLength) / 8 * 8;
        size_t length = std::min(room, data.size() - pos);
        bool last = pos + length == data.size();
        size_t offset = baseOffset + pos;
        if (offset / 8 > 0x1fff) return Error::DatagramTooLong;

        Ipv4Header h = ip->header;
        h.moreFragments = last ? ip->header.moreFragments : true;
        h.fragmentOffset = uint16_t(offset / 8);
        auto fragment = buildIpv4(h, options, data.subspan(pos, length));
        if (!fragment) return fragment.error();
        fragments.push_back(std::move(fragment).value());
        pos += length;
    }
    return fragments;
}

}  // namespace hop::router
