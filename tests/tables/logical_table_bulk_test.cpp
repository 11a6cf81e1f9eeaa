// SPDX-License-Identifier: Apache-2.0
// runtime/tables/logical_table: bulk adds read from an EntrySource (the checks and messages of
// one add, duplicates within the source, the driver's hook seeing the stored entries, nothing
// changed on any error) and the table's snapshot (a restored table is indistinguishable from the
// saved one; a damaged snapshot is an error that changes nothing).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <random>

#include "driver/compile.hpp"
#include "runtime/tables/logical_table.hpp"
#include "source/preprocess.hpp"
#include "tests/tables/router_frontend.hpp"

namespace hop {
namespace {

using tables::Command;
using tables::Entry;
using tables::EntrySource;
using tables::LogicalTable;

Command adding(Entry e) {
    Command c;
    c.kind = Command::Kind::Add;
    c.entry = std::move(e);
    return c;
}

class LogicalTableBulkTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        fe_ = testing::routerFrontend();
        ASSERT_TRUE(fe_ && fe_->ok);
    }
    const ir::Program& program() { return *fe_->ir; }
    ir::TableId lpmTable() { return program().findTable("RouterIngress.ipv4_lpm"); }
    Command command(const std::string& line) {
        tables::ParseError perr;
        auto c = tables::parseBmv2Command(program(), line, {"test", 1, 1}, perr);
        EXPECT_TRUE(c.has_value()) << perr.str();
        return c ? *c : Command{};
    }
    Entry route(uint32_t value, int len, uint32_t nh) {
        return command(fmt::format("table_add ipv4_lpm set_nexthop {}.{}.{}.{}/{} => {}",
                                   value >> 24, (value >> 16) & 0xff, (value >> 8) & 0xff,
                                   value & 0xff, len, nh))
            .entry;
    }
    // Every entry in insertion order as text, with its handle: what tells two tables apart.
    std::vector<std::string> listing(const LogicalTable& t) {
        std::vector<std::string> out;
        t.forEach([&](int h, const Entry& e) {
            out.push_back(std::to_string(h) + " " + tables::formatEntry(program(), e));
        });
        out.push_back("default " + std::to_string(t.defaultAction().action));
        for (const auto& a : t.defaultAction().args) out.back() += " " + a.str();
        return out;
    }
    static Frontend* fe_;
};
Frontend* LogicalTableBulkTest::fe_ = nullptr;

TEST_F(LogicalTableBulkTest, AddManyFromASourceStoresWhatTheHookSaw) {
    LogicalTable t(program(), lpmTable());
    std::string error;
    ASSERT_TRUE(t.apply(command("table_add ipv4_lpm set_nexthop 10.0.0.0/8 => 1"), error)) << error;
    std::vector<Entry> routes;
    for (uint32_t i = 0; i < 1000; ++i) routes.push_back(route(0x14000000 | (i << 8), 24, i));
    std::vector<std::string> seen;
    auto hook = [&](const EntrySource& checked, std::string&) {
        Entry e;
        for (size_t i = 0; i < checked.count; ++i) {
            checked.at(i, e);
            seen.push_back(tables::formatEntry(program(), e));
        }
        return true;
    };
    std::vector<int> handles = {-7};
    ASSERT_TRUE(t.addMany(EntrySource::of(routes), error, &handles, hook)) << error;
    ASSERT_EQ(handles.size(), 1001u);
    EXPECT_EQ(handles[0], -7);
    EXPECT_EQ(handles[1], 1);
    EXPECT_EQ(handles[1000], 1000);
    ASSERT_EQ(seen.size(), 1000u);
    for (size_t i = 0; i < routes.size(); ++i) {
        EXPECT_EQ(seen[i], tables::formatEntry(program(), routes[i]));
        const auto found = t.find(routes[i]);
        ASSERT_NE(found, nullptr);
        EXPECT_EQ(found->handle, static_cast<int>(i + 1));
        EXPECT_EQ(tables::formatEntry(program(), found->entry), seen[i]);
    }
    EXPECT_EQ(t.size(), 1001u);
}

TEST_F(LogicalTableBulkTest, AddManyErrorsNameTheEntryAndChangeNothing) {
    LogicalTable t(program(), lpmTable());
    std::string error;
    for (uint32_t i = 0; i < 20; ++i)
        ASSERT_TRUE(t.apply(adding(route(i << 24, 8, i)), error)) << error;
    // Free handles 3 and 5: a bulk add takes them first.
    for (int h : {5, 3}) {
        Command del;
        del.kind = Command::Kind::Delete;
        del.entry.table = lpmTable();
        del.handle = h;
        ASSERT_TRUE(t.apply(del, error)) << error;
    }
    const auto before = listing(t);
    size_t hookCalls = 0;
    bool refuse = false;
    auto hook = [&](const EntrySource&, std::string& why) {
        ++hookCalls;
        if (refuse) why = "the driver says no";
        return !refuse;
    };
    auto fresh = [&] {
        std::vector<Entry> v;
        for (uint32_t i = 0; i < 10; ++i) v.push_back(route(0xc0000000 | (i << 8), 24, i));
        return v;
    };
    std::vector<int> handles;
    auto expectUnchanged = [&] {
        EXPECT_EQ(listing(t), before);
        EXPECT_TRUE(handles.empty());
        EXPECT_EQ(hookCalls, refuse ? 1u : 0u);
    };

    auto dupOld = fresh();
    dupOld[6] = route(7u << 24, 8, 99);
    EXPECT_FALSE(t.addMany(EntrySource::of(dupOld), error, &handles, hook));
    EXPECT_EQ(error,
              "entry 7: duplicate entry in table 'RouterIngress.ipv4_lpm' (same match as entry 7)");
    expectUnchanged();

    auto dupList = fresh();
    dupList[8] = dupList[2];
    dupList[8].action.args[0] = 1234;
    EXPECT_FALSE(t.addMany(EntrySource::of(dupList), error, &handles, hook));
    EXPECT_EQ(error,
              "entry 9: duplicate entry in table 'RouterIngress.ipv4_lpm' (same match as entry 3 "
              "of the list)");
    expectUnchanged();

    // An entry's own fault is reported before a repeat found earlier in the source.
    dupList[9].keys.clear();
    EXPECT_FALSE(t.addMany(EntrySource::of(dupList), error, &handles, hook));
    EXPECT_EQ(error, "entry 10: table 'RouterIngress.ipv4_lpm' needs 1 key(s), got 0");
    expectUnchanged();

    auto badAction = fresh();
    badAction[4].action.args.clear();
    EXPECT_FALSE(t.addMany(EntrySource::of(badAction), error, &handles, hook));
    EXPECT_EQ(error, "entry 5: action 'RouterIngress.set_nexthop' takes 1 argument(s)");
    expectUnchanged();

    refuse = true;
    EXPECT_FALSE(t.addMany(EntrySource::of(fresh()), error, &handles, hook));
    EXPECT_EQ(error, "the driver says no");
    expectUnchanged();

    // After all that, the same handles as if nothing had been tried.
    refuse = false;
    hookCalls = 0;
    ASSERT_TRUE(t.addMany(EntrySource::of(fresh()), error, &handles, hook)) << error;
    EXPECT_EQ(handles, (std::vector<int>{3, 5, 20, 21, 22, 23, 24, 25, 26, 27}));
    int h = -1;
    ASSERT_TRUE(t.apply(adding(route(0xdd000000, 8, 1)), error, &h)) << error;
    EXPECT_EQ(h, 28);
}

TEST_F(LogicalTableBulkTest, ARestoredTableIsIndistinguishable) {
    LogicalTable t(program(), lpmTable());
    std::string error;
    std::mt19937 rng(5);
    std::vector<Entry> routes;
    for (uint32_t i = 0; i < 3000; ++i) routes.push_back(route(0x20000000 + (i << 8), 24, i));
    ASSERT_TRUE(t.addMany(EntrySource::of(routes), error, nullptr)) << error;
    for (int k = 0; k < 200; ++k) {
        Command del;
        del.kind = Command::Kind::Delete;
        del.entry.table = lpmTable();
        del.handle = static_cast<int>(rng() % 3000);
        t.apply(del, error);  // some handles twice: an error, and nothing changes
    }
    int alive = -1;
    t.forEach([&](int h, const Entry&) { alive = h; });
    ASSERT_TRUE(
        t.apply(command(fmt::format("table_modify ipv4_lpm set_nexthop {} => 77", alive)), error))
        << error;
    ASSERT_TRUE(t.apply(command("table_set_default ipv4_lpm set_nexthop 9"), error)) << error;

    tables::SnapshotWriter out;
    t.save(out);
    LogicalTable back(program(), lpmTable());
    ASSERT_TRUE(back.apply(adding(route(0x01000000, 8, 1)), error)) << error;
    tables::SnapshotReader in(out.bytes());
    ASSERT_TRUE(back.restore(in, error)) << error;
    EXPECT_TRUE(in.atEnd());
    EXPECT_EQ(listing(back), listing(t));
    EXPECT_EQ(back.find(alive)->entry.action.args.at(0), 77);
    // The same next commands give the same handles and results.
    for (uint32_t i = 0; i < 300; ++i) {
        const Command c = adding(route(0x30000000 + (i << 8), 24, i));
        int a = -1, b = -2;
        ASSERT_TRUE(t.apply(c, error, &a)) << error;
        ASSERT_TRUE(back.apply(c, error, &b)) << error;
        EXPECT_EQ(a, b);
    }
    std::vector<int> ha, hb;
    ASSERT_TRUE(t.addMany(EntrySource::of(routes), error, &ha) == false);
    const std::string tError = error;
    ASSERT_FALSE(back.addMany(EntrySource::of(routes), error, &hb));
    EXPECT_EQ(error, tError);
    EXPECT_EQ(listing(back), listing(t));
    for (const Entry& r : routes) EXPECT_EQ(back.handleOf(r), t.handleOf(r));
}

TEST_F(LogicalTableBulkTest, ADamagedSnapshotIsAnErrorAndChangesNothing) {
    LogicalTable t(program(), lpmTable());
    std::string error;
    for (uint32_t i = 0; i < 40; ++i)
        ASSERT_TRUE(t.apply(adding(route(0x0a000000 + (i << 8), 24, i)), error));
    auto wide = route(0x0b000000, 8, 1);
    wide.action.args[0] = tables::BigInt(1) << 40;  // kept aside: its own encoding
    ASSERT_TRUE(t.apply(adding(wide), error)) << error;
    Command del;
    del.kind = Command::Kind::Delete;
    del.entry.table = lpmTable();
    del.handle = 4;
    ASSERT_TRUE(t.apply(del, error)) << error;
    tables::SnapshotWriter out;
    t.save(out);
    const std::string good = out.bytes();

    LogicalTable target(program(), lpmTable());
    ASSERT_TRUE(target.apply(adding(route(0x01000000, 8, 1)), error)) << error;
    const auto before = listing(target);
    // Every truncation is refused.
    for (size_t n = 0; n < good.size(); ++n) {
        tables::SnapshotReader in(std::string_view(good).substr(0, n));
        error.clear();
        EXPECT_FALSE(target.restore(in, error)) << n;
        EXPECT_FALSE(error.empty()) << n;
        EXPECT_EQ(listing(target), before) << n;
    }
    // Every changed byte is refused (the section's hash), and never a crash.
    std::mt19937 rng(9);
    size_t refused = 0;
    for (int k = 0; k < 3000; ++k) {
        std::string bad = good;
        const size_t at = rng() % bad.size();
        bad[at] = static_cast<char>(bad[at] ^ (1 + rng() % 255));
        LogicalTable scratch(program(), lpmTable());
        tables::SnapshotReader in(bad);
        if (!scratch.restore(in, error)) {
            ++refused;
            EXPECT_TRUE(scratch.empty());
            continue;
        }
        ADD_FAILURE() << "a snapshot with byte " << at << " changed was taken";
        // A table that was taken can be walked and changed like any other.
        scratch.forEach([&](int, const Entry& e) { tables::formatEntry(program(), e); });
        Command clear;
        clear.kind = Command::Kind::Clear;
        clear.entry.table = lpmTable();
        EXPECT_TRUE(scratch.apply(clear, error)) << error;
    }
    EXPECT_EQ(refused, 3000u);
    // The snapshot of another table.
    LogicalTable other(program(), program().findTable("RouterIngress.nexthop"));
    tables::SnapshotReader in(good);
    EXPECT_FALSE(other.restore(in, error));
    EXPECT_EQ(error,
              "table 'RouterIngress.nexthop': snapshot: it is the snapshot of table "
              "'RouterIngress.ipv4_lpm'");
}

}  // namespace
}  // namespace hop
