// SPDX-License-Identifier: Apache-2.0
// The compact entry store (runtime/tables/entry_store): what goes in comes back exactly, by
// handle and in insertion order; handles are BMv2's (the smallest free one first); an entry is
// found by its match whatever its action; entries that do not fit the table's record layout
// are kept aside and behave the same; an ipv4_lpm entry takes a few tens of bytes; a snapshot
// gives back the same store.
#include "runtime/tables/entry_store.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "driver/compile.hpp"
#include "source/preprocess.hpp"
#include "tests/tables/router_frontend.hpp"

namespace hop {
namespace {

class EntryStoreTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        fe_ = testing::routerFrontend();
        ASSERT_TRUE(fe_ && fe_->ok);
    }
    const ir::Program& program() { return *fe_->ir; }
    ir::TableId lpmTable() { return program().findTable("RouterIngress.ipv4_lpm"); }
    tables::Entry route(uint32_t value, int len, uint32_t nh) {
        tables::ParseError perr;
        auto c = tables::parseStfTableCommand(
            program(),
            fmt::format("add RouterIngress.ipv4_lpm hdr.ipv4.dstAddr:0x{:08x}/{} "
                        "RouterIngress.set_nexthop(nexthop_id:{})",
                        value, len, nh),
            {"test", 1, 1}, perr);
        EXPECT_TRUE(c.has_value()) << perr.str();
        return c ? c->entry : tables::Entry{};
    }
    static void expectSame(const tables::Entry& a, const tables::Entry& b) {
        EXPECT_EQ(a.table, b.table);
        ASSERT_EQ(a.keys.size(), b.keys.size());
        for (size_t i = 0; i < a.keys.size(); ++i) {
            EXPECT_EQ(a.keys[i].kind, b.keys[i].kind);
            EXPECT_EQ(a.keys[i].value, b.keys[i].value);
            EXPECT_EQ(a.keys[i].mask, b.keys[i].mask);
            EXPECT_EQ(a.keys[i].high, b.keys[i].high);
            EXPECT_EQ(a.keys[i].prefixLen, b.keys[i].prefixLen);
        }
        EXPECT_EQ(a.action.action, b.action.action);
        EXPECT_EQ(a.action.args, b.action.args);
        EXPECT_EQ(a.priority, b.priority);
    }
    static Frontend* fe_;
};
Frontend* EntryStoreTest::fe_ = nullptr;

TEST_F(EntryStoreTest, EntriesComeBackExactlyByHandleAndByMatch) {
    tables::EntryStore store(program(), lpmTable());
    std::mt19937 rng(7);
    std::map<int, tables::Entry> want;
    for (int i = 0; i < 5000; ++i) {
        const int len = 8 + static_cast<int>(rng() % 25);
        const uint32_t value = static_cast<uint32_t>(rng()) & ~((uint64_t{1} << (32 - len)) - 1);
        auto e = route(value, len, static_cast<uint32_t>(rng() % 65536));
        if (store.findMatch(e)) continue;
        const int h = store.add(e);
        EXPECT_EQ(h, static_cast<int>(want.size()));
        want[h] = e;
    }
    EXPECT_EQ(store.size(), want.size());
    for (const auto& [h, e] : want) {
        ASSERT_TRUE(store.contains(h));
        expectSame(store.entry(h), e);
        // Found by its match whatever the action asked for.
        auto other = e;
        other.action.args[0] = (other.action.args[0] + 1) % 65536;
        EXPECT_EQ(store.findMatch(other), h);
    }
}

TEST_F(EntryStoreTest, HandlesOrderEraseAndClear) {
    tables::EntryStore store(program(), lpmTable());
    for (uint32_t i = 0; i < 6; ++i) EXPECT_EQ(store.add(route(i << 24, 8, i)), int(i));
    store.erase(3);
    store.erase(1);
    EXPECT_FALSE(store.contains(3));
    EXPECT_FALSE(store.findMatch(route(3u << 24, 8, 0)).has_value());
    EXPECT_EQ(store.findMatch(route(4u << 24, 8, 0)), 4);
    // The smallest free handle first, then the next new one; order is insertion order.
    EXPECT_EQ(store.add(route(10u << 24, 8, 10)), 1);
    EXPECT_EQ(store.add(route(11u << 24, 8, 11)), 3);
    EXPECT_EQ(store.add(route(12u << 24, 8, 12)), 6);
    std::vector<int> order;
    for (int h = store.oldest(); h >= 0; h = store.next(h)) order.push_back(h);
    EXPECT_EQ(order, (std::vector<int>{0, 2, 4, 5, 1, 3, 6}));
    EXPECT_EQ(store.newest(), 6);
    store.setAction(2, route(0, 8, 999).action);
    EXPECT_EQ(store.entry(2).action.args[0], 999);
    EXPECT_EQ(store.findMatch(route(2u << 24, 8, 0)), 2);
    store.clear();
    EXPECT_EQ(store.size(), 0u);
    EXPECT_EQ(store.newest(), -1);
    EXPECT_EQ(store.add(route(5u << 24, 8, 5)), 0);
}

TEST_F(EntryStoreTest, EntriesOutsideTheLayoutAreKeptAsideExactly) {
    tables::EntryStore store(program(), lpmTable());
    auto wide = route(0x0a000000, 8, 1);
    wide.action.args[0] = tables::BigInt(1) << 40;  // wider than nexthop_id's 16 bits
    auto extra = route(0x0b000000, 8, 1);
    extra.action.args.push_back(7);  // more arguments than set_nexthop takes
    const int a = store.add(wide);
    const int b = store.add(extra);
    const int c = store.add(route(0x0c000000, 8, 3));
    expectSame(store.entry(a), wide);
    expectSame(store.entry(b), extra);
    EXPECT_EQ(store.findMatch(route(0x0a000000, 8, 0)), a);
    EXPECT_EQ(store.findMatch(route(0x0b000000, 8, 0)), b);
    // A packed entry whose new action does not fit goes aside and is still found.
    store.setAction(c, wide.action);
    EXPECT_EQ(store.entry(c).action.args, wide.action.args);
    EXPECT_EQ(store.findMatch(route(0x0c000000, 8, 0)), c);
    store.erase(a);
    EXPECT_FALSE(store.findMatch(route(0x0a000000, 8, 0)).has_value());
    EXPECT_EQ(store.findMatch(route(0x0b000000, 8, 0)), b);
}

TEST_F(EntryStoreTest, ManyAddsAndErasesKeepEveryEntryFindable) {
    tables::EntryStore store(program(), lpmTable());
    std::map<uint32_t, int> live;  // /24 prefix -> handle
    std::mt19937 rng(11);
    for (int round = 0; round < 20000; ++round) {
        const uint32_t p = (static_cast<uint32_t>(rng()) % 3000) << 8;
        if (auto it = live.find(p); it != live.end()) {
            store.erase(it->second);
            live.erase(it);
        } else {
            live[p] = store.add(route(p, 24, p >> 8));
        }
    }
    EXPECT_EQ(store.size(), live.size());
    for (uint32_t p = 0; p < 3000; ++p) {
        auto h = store.findMatch(route(p << 8, 24, 0));
        auto it = live.find(p << 8);
        ASSERT_EQ(h.has_value(), it != live.end()) << p;
        if (h) EXPECT_EQ(*h, it->second);
    }
}

TEST_F(EntryStoreTest, AnIpv4RouteTakesAFewTensOfBytes) {
    tables::EntryStore store(program(), lpmTable());
    // Kind, 4 value bytes and the prefix length; the action id and a 16-bit argument; the state.
    EXPECT_EQ(store.recordSize(), 10u);
    const size_t n = 200000;
    store.reserve(n);
    for (size_t i = 0; i < n; ++i)
        store.add(route(static_cast<uint32_t>(i) << 8, 24, static_cast<uint32_t>(i % 65536)));
    ASSERT_EQ(store.size(), n);
    EXPECT_LE(store.memoryBytes(), 40 * n);
    EXPECT_EQ(store.findMatch(route(12345u << 8, 24, 0)), 12345);
}

TEST_F(EntryStoreTest, ASnapshotGivesBackTheSameStore) {
    tables::EntryStore store(program(), lpmTable());
    for (uint32_t i = 0; i < 50; ++i) store.add(route(i << 16, 16, i));
    auto wide = route(0x0a000000, 8, 1);
    wide.action.args[0] = tables::BigInt(1) << 40;
    const int aside = store.add(wide);
    for (int h : {3, 17, 4}) store.erase(h);
    tables::SnapshotWriter out;
    store.save(out);
    tables::EntryStore back(program(), lpmTable());
    tables::SnapshotReader in(out.bytes());
    std::string error;
    ASSERT_TRUE(back.restore(in, error)) << error;
    EXPECT_TRUE(in.atEnd());
    ASSERT_EQ(back.size(), store.size());
    for (int a = store.oldest(), b = back.oldest(); a >= 0 || b >= 0;
         a = store.next(a), b = back.next(b)) {
        ASSERT_EQ(a, b);
        expectSame(back.entry(b), store.entry(a));
        EXPECT_EQ(back.findMatch(store.entry(a)), a);
    }
    expectSame(back.entry(aside), wide);
    // The free handles too: the smallest first.
    EXPECT_EQ(back.add(route(0x0b000000, 8, 2)), 3);
    EXPECT_EQ(back.add(route(0x0c000000, 8, 2)), 4);
    EXPECT_EQ(back.add(route(0x0d000000, 8, 2)), 17);
    EXPECT_EQ(back.add(route(0x0e000000, 8, 2)), 51);
}

}  // namespace
}  // namespace hop
