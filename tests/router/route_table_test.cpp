// SPDX-License-Identifier: Apache-2.0
// router::RouteTable (hash tables per prefix length, shared next hops) against a plain reference
// model: a std::map per prefix length searched longest first.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "runtime/router/slow_path.hpp"

namespace hop::router {
namespace {

struct Reference {
    std::map<uint32_t, Route> byLength[33];
    void add(uint32_t prefix, int length, Port port, Ipv4Addr gateway) {
        byLength[length][prefix & prefixMask(length)] = Route{port, gateway, length};
    }
    bool remove(uint32_t prefix, int length) {
        return byLength[length].erase(prefix & prefixMask(length)) > 0;
    }
    std::optional<Route> lookup(uint32_t destination) const {
        for (int length = 32; length >= 0; --length) {
            auto it = byLength[length].find(destination & prefixMask(length));
            if (it != byLength[length].end()) return it->second;
        }
        return std::nullopt;
    }
    size_t size() const {
        size_t n = 0;
        for (const auto& m : byLength) n += m.size();
        return n;
    }
};

void expectSame(const std::optional<Route>& got, const std::optional<Route>& want,
                uint32_t destination) {
    ASSERT_EQ(got.has_value(), want.has_value()) << Ipv4Addr(destination).str();
    if (!want) return;
    EXPECT_EQ(got->port, want->port) << Ipv4Addr(destination).str();
    EXPECT_EQ(got->gateway.value, want->gateway.value) << Ipv4Addr(destination).str();
    EXPECT_EQ(got->prefixLength, want->prefixLength) << Ipv4Addr(destination).str();
}

TEST(RouteTable, MatchesAReferenceModelUnderRandomAddsRemovesAndLookups) {
    std::mt19937 rng(12);
    // Prefixes drawn from a small space, so that adds replace, removes hit and lookups nest.
    auto prefix = [&] { return (rng() & 0xff0f0f00u) | (rng() & 0x3u); };
    auto length = [&] {
        static const int lengths[] = {0, 1, 8, 12, 16, 20, 22, 23, 24, 24, 24, 28, 31, 32};
        return lengths[rng() % std::size(lengths)];
    };
    RouteTable table;
    Reference ref;
    for (int round = 0; round < 40000; ++round) {
        const uint32_t p = prefix();
        const int l = length();
        switch (rng() % 4) {
            case 0:
            case 1: {
                const Port port = static_cast<Port>(rng() % 5);
                const Ipv4Addr gateway(0xc6336400u + rng() % 7);  // 198.51.100.0 + n
                table.add(Ipv4Addr(p), l, port, gateway);
                ref.add(p, l, port, gateway);
                break;
            }
            case 2:
                ASSERT_EQ(table.remove(Ipv4Addr(p), l), ref.remove(p, l));
                break;
            default: {
                const uint32_t d = p ^ (rng() & 0xff);
                expectSame(table.lookup(Ipv4Addr(d)), ref.lookup(d), d);
                break;
            }
        }
        ASSERT_EQ(table.size(), ref.size());
    }
    for (int i = 0; i < 20000; ++i) {
        const uint32_t d = prefix() ^ (rng() & 0xff);
        expectSame(table.lookup(Ipv4Addr(d)), ref.lookup(d), d);
    }
    // Everything removed: the table is empty again and finds nothing.
    for (int l = 0; l <= 32; ++l) {
        auto keys = ref.byLength[l];
        for (const auto& [p, r] : keys) {
            ASSERT_TRUE(table.remove(Ipv4Addr(p), l));
            ref.remove(p, l);
        }
    }
    EXPECT_EQ(table.size(), 0u);
    EXPECT_FALSE(table.lookup(Ipv4Addr(0x01020304)));
}

TEST(RouteTable, AMillionRoutesViaOneGatewayStayCompact) {
    // The shape of a full Internet table: mostly /24s, one next hop for all.
    RouteTable table;
    const Ipv4Addr gateway(0xc6336401u);
    std::mt19937 rng(7);
    Reference ref;
    for (uint32_t i = 0; i < 1000000; ++i) {
        const int l = i % 10 == 0 ? 16 + static_cast<int>(rng() % 8) : 24;
        const uint32_t p = rng();
        table.add(Ipv4Addr(p), l, 2, gateway);
        if (i % 97 == 0) ref.add(p, l, 2, gateway);
    }
    EXPECT_GT(table.size(), 900000u);
    EXPECT_LT(table.memoryBytes(), 24u * table.size()) << table.memoryBytes();
    for (int l = 0; l <= 32; ++l) {
        for (const auto& [p, r] : ref.byLength[l]) {
            auto got = table.lookup(Ipv4Addr(p | 0x3));
            ASSERT_TRUE(got);
            EXPECT_GE(got->prefixLength, l);
            EXPECT_EQ(got->gateway.value, gateway.value);
        }
    }
}

}  // namespace
}  // namespace hop::router
