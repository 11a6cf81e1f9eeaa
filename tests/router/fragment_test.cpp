// SPDX-License-Identifier: Apache-2.0
// RFC 791 fragmentation, checked on the boundaries: MTU 68 / 576 / 1280 / 1500, data that is and
// is not a multiple of 8, options with and without the copy flag. The expected sizes are
// computed here from RFC 791's rules, not taken from the implementation.
#include "runtime/router/fragment.hpp"

#include <gtest/gtest.h>

#include <numeric>

#include "router_test_util.hpp"

namespace hop::router {
namespace {

using namespace test;

// Record route (copy flag clear), 7 bytes, room for one address.
const Bytes kRecordRoute = {0x07, 0x07, 0x04, 0, 0, 0, 0};
// Router alert (RFC 2113; copy flag set), 4 bytes.
const Bytes kRouterAlert = {0x94, 0x04, 0x00, 0x00};
// Loose source route (copy flag set), 7 bytes, one address (pointer past it: used up).
const Bytes kLsrr = {0x83, 0x07, 0x08, 198, 51, 100, 1};

Bytes concat(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

size_t pad4(size_t n) { return (n + 3) / 4 * 4; }

// Checks RFC 791's rules for `fragments` of `original` at `mtu`, with `laterOptions` the
// options (padded) every non-first fragment must carry.
void checkFragments(const Bytes& original, size_t mtu, const std::vector<Bytes>& fragments,
                    const Bytes& laterOptions) {
    auto o = parseIpv4(original);
    ASSERT_TRUE(o.ok());
    const size_t firstData = (mtu - o->headerLength()) / 8 * 8;
    const size_t laterData = (mtu - 20 - laterOptions.size()) / 8 * 8;
    Bytes data;
    size_t expectedOffset = o->fragmentByteOffset();
    for (size_t i = 0; i < fragments.size(); ++i) {
        SCOPED_TRACE("fragment " + std::to_string(i) + " of " + std::to_string(fragments.size()));
        auto f = parseIpv4(fragments[i]);
        ASSERT_TRUE(f.ok()) << describe(f.error());
        const bool last = i + 1 == fragments.size();
        EXPECT_EQ(f->datagram.size(), fragments[i].size());
        EXPECT_LE(f->header.totalLength, mtu);
        // Header fields copied from the original.
        EXPECT_EQ(f->header.tos, o->header.tos);
        EXPECT_EQ(f->header.id, o->header.id);
        EXPECT_EQ(f->header.dontFragment, o->header.dontFragment);
        EXPECT_EQ(f->header.ttl, o->header.ttl);
        EXPECT_EQ(f->header.protocol, o->header.protocol);
        EXPECT_EQ(f->header.src, o->header.src);
        EXPECT_EQ(f->header.dst, o->header.dst);
        // Options: all in the first, the copied ones in the others.
        if (i == 0) {
            EXPECT_TRUE(std::equal(f->options.begin(), f->options.end(), o->options.begin(),
                                   o->options.end()));
        } else {
            EXPECT_EQ(Bytes(f->options.begin(), f->options.end()), laterOptions);
        }
        // Offsets in 8-byte units, contiguous; MF on all but the last, the last keeps the
        // original's.
        EXPECT_EQ(f->fragmentByteOffset(), expectedOffset);
        EXPECT_EQ(f->header.moreFragments, last ? o->header.moreFragments : true);
        if (!last) {
            EXPECT_EQ(f->payload.size() % 8, 0u);
            EXPECT_EQ(f->payload.size(), i == 0 ? firstData : laterData);  // as large as fits
        }
        expectedOffset += f->payload.size();
        data.insert(data.end(), f->payload.begin(), f->payload.end());
    }
    EXPECT_EQ(data, Bytes(o->payload.begin(), o->payload.end()));
}

struct Case {
    size_t mtu;
    size_t dataLength;  // of the datagram's payload
    Bytes options;
    Bytes laterOptions;
};

void PrintTo(const Case& c, std::ostream* os) {
    *os << "MTU " << c.mtu << ", " << c.dataLength << " bytes of data, " << c.options.size()
        << " bytes of options (" << c.laterOptions.size() << " copied, padded)";
}

class FragmentBoundaries : public ::testing::TestWithParam<Case> {};

TEST_P(FragmentBoundaries, FollowsRfc791) {
    const Case& c = GetParam();
    IpOptions o;
    o.options = c.options;
    o.id = 0x5a5a;
    Bytes original = ipv4(kH1, kH2, kIpProtoUdp, pattern(c.dataLength), o);
    auto fragments = fragmentDatagram(original, c.mtu);
    ASSERT_TRUE(fragments.ok()) << describe(fragments.error());
    if (original.size() <= c.mtu) {
        ASSERT_EQ(fragments->size(), 1u);
        EXPECT_EQ((*fragments)[0], original);
        return;
    }
    const size_t hl1 = 20 + pad4(c.options.size());
    const size_t first = (c.mtu - hl1) / 8 * 8;
    const size_t later = (c.mtu - 20 - c.laterOptions.size()) / 8 * 8;
    const size_t expectedCount =
        c.dataLength <= first ? 1 : 1 + (c.dataLength - first + later - 1) / later;
    EXPECT_EQ(fragments->size(), expectedCount);
    checkFragments(original, c.mtu, *fragments, c.laterOptions);
}

std::vector<Case> boundaryCases() {
    std::vector<Case> cases;
    const Bytes mixed = concat({kRouterAlert, kRecordRoute, {kIpOptNop}, kLsrr});
    const Bytes mixedLater = concat({kRouterAlert, kLsrr, {kIpOptEol}});  // 11 -> 12 bytes
    const std::pair<Bytes, Bytes> options[] = {
        {{}, {}},
        {concat({kRecordRoute, {kIpOptEol}}), {}},  // nothing copied: 20-byte later headers
        {kRouterAlert, kRouterAlert},
        {mixed, mixedLater},
        {Bytes(40, kIpOptNop), {}},  // a 60-byte first header, 20-byte later ones
    };
    for (size_t mtu : {68, 576, 1280, 1500}) {
        for (const auto& [opts, later] : options) {
            const size_t hl = 20 + pad4(opts.size());
            for (size_t data : {mtu - hl, mtu - hl + 1, mtu - hl + 7, mtu - hl + 8, size_t(2 * mtu),
                                size_t(2 * mtu + 3), size_t(8 * 500), size_t(8 * 500 + 1),
                                size_t(8 * 500 + 7), size_t(65535 - hl)}) {
                cases.push_back({mtu, data, opts, later});
            }
        }
    }
    return cases;
}

INSTANTIATE_TEST_SUITE_P(Rfc791, FragmentBoundaries, ::testing::ValuesIn(boundaryCases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                             const Case& c = info.param;
                             return "mtu" + std::to_string(c.mtu) + "_options" +
                                    std::to_string(c.options.size()) + "_data" +
                                    std::to_string(c.dataLength) + "_" + std::to_string(info.index);
                         });

TEST(Fragment, HandComputed1500Into576) {
    // 1480 bytes of data, 20-byte header, MTU 576: (576 - 20) / 8 * 8 = 552 bytes per
    // fragment: 552 + 552 + 376, offsets 0, 69, 138 (units of 8), total lengths 572, 572, 396.
    Bytes original = ipv4(kH1, kH2, kIpProtoUdp, pattern(1480));
    auto fragments = fragmentDatagram(original, 576);
    ASSERT_TRUE(fragments.ok());
    ASSERT_EQ(fragments->size(), 3u);
    const uint16_t lengths[] = {572, 572, 396};
    const uint16_t offsets[] = {0, 69, 138};
    for (int i = 0; i < 3; ++i) {
        auto f = parseIpv4((*fragments)[i]);
        EXPECT_EQ(f->header.totalLength, lengths[i]);
        EXPECT_EQ(f->header.fragmentOffset, offsets[i]);
        EXPECT_EQ(f->header.moreFragments, i < 2);
    }
}

TEST(Fragment, HandComputedMinimumMtu) {
    // RFC 791: 68 = a 60-byte header + 8 bytes of data. With 40 bytes of copied options every
    // fragment carries 8 bytes; 20 bytes of data make 3 fragments (8 + 8 + 4).
    const Bytes copied40 =
        concat({kRouterAlert, kRouterAlert, kRouterAlert, kRouterAlert, kRouterAlert, kRouterAlert,
                kRouterAlert, kRouterAlert, kRouterAlert, kRouterAlert});
    IpOptions o;
    o.options = copied40;
    Bytes original = ipv4(kH1, kH2, kIpProtoUdp, pattern(20), o);
    auto fragments = fragmentDatagram(original, 68);
    ASSERT_TRUE(fragments.ok());
    ASSERT_EQ(fragments->size(), 3u);
    for (const Bytes& f : *fragments) EXPECT_EQ(parseIpv4(f)->headerLength(), 60u);
    EXPECT_EQ(fragments->at(2).size(), 64u);
    checkFragments(original, 68, *fragments, copied40);
}

TEST(Fragment, FragmentOfAFragmentKeepsOffsetAndMf) {
    IpOptions o;
    o.mf = true;
    o.fragmentOffset = 100;  // 800 bytes in
    Bytes original = ipv4(kH1, kH2, kIpProtoUdp, pattern(1000), o);
    auto fragments = fragmentDatagram(original, 576);
    ASSERT_TRUE(fragments.ok());
    ASSERT_EQ(fragments->size(), 2u);
    EXPECT_EQ(parseIpv4(fragments->at(0))->header.fragmentOffset, 100);
    EXPECT_EQ(parseIpv4(fragments->at(1))->header.fragmentOffset, 100 + 552 / 8);
    EXPECT_TRUE(parseIpv4(fragments->back())->header.moreFragments);
    checkFragments(original, 576, *fragments, {});
}

TEST(Fragment, Errors) {
    Bytes big = ipv4(kH1, kH2, kIpProtoUdp, pattern(1000));
    EXPECT_EQ(fragmentDatagram(big, 67).error(), Error::MtuTooSmall);
    EXPECT_EQ(fragmentDatagram(big, 0).error(), Error::MtuTooSmall);
    IpOptions df;
    df.df = true;
    Bytes dontFragment = ipv4(kH1, kH2, kIpProtoUdp, pattern(1000), df);
    EXPECT_EQ(fragmentDatagram(dontFragment, 576).error(), Error::DontFragment);
    EXPECT_TRUE(fragmentDatagram(dontFragment, 1500).ok());  // fits: DF does not matter
    Bytes broken = big;
    broken[12] ^= 1;
    EXPECT_EQ(fragmentDatagram(broken, 576).error(), Error::Ipv4Checksum);
    EXPECT_EQ(fragmentDatagram(ByteView(big).first(10), 576).error(), Error::Truncated);
    // A fragment whose end lies beyond what 13 offset bits can say.
    IpOptions far;
    far.mf = true;
    far.fragmentOffset = 0x1fff;
    EXPECT_EQ(fragmentDatagram(ipv4(kH1, kH2, kIpProtoUdp, pattern(1000), far), 576).error(),
              Error::DatagramTooLong);
}

TEST(Fragment, CopiedOptionsPadding) {
    EXPECT_EQ(*copiedOptions(concat({kLsrr, kRecordRoute})), concat({kLsrr, Bytes{kIpOptEol}}));
    EXPECT_EQ(*copiedOptions(concat({kRecordRoute, {kIpOptNop, kIpOptEol}})), Bytes{});
    EXPECT_EQ(copiedOptions(Bytes{0x83, 0x09, 0}).error(), Error::Ipv4Options);
}

}  // namespace
}  // namespace hop::router
