// SPDX-License-Identifier: Apache-2.0
// runtime/tables/logical_table: the rules of a logical table that the model and the loader
// share (const entries, const default, action scopes, duplicates, a full table), BMv2 handles
// (the lowest free one), insertion order, the driver hook's veto, and bulk adds.
#include "runtime/tables/logical_table.hpp"

#include <gtest/gtest.h>

namespace {

using namespace hop;
using tables::Command;
using tables::Entry;
using tables::LogicalTable;

// Actions: 0 fwd(port: bit<9>), 1 drop (default only), 2 mark (table only).
// Tables: 0 `t_exact` (exact key, size 4), 1 `t_tern` (ternary key, three initial entries),
// 2 `t_const` (const entries, const default).
ir::Program program() {
    ir::Program p;
    ir::Action fwd;
    fwd.name = "MyIngress.fwd";
    fwd.params.push_back({.name = "port", .width = 9});
    ir::Action drop;
    drop.name = "MyIngress.drop";
    ir::Action mark;
    mark.name = "MyIngress.mark";
    p.actions = {fwd, drop, mark};
    auto table = [&](const std::string& name, ir::MatchKind kind) {
        ir::Table t;
        t.name = name;
        ir::TableKey k;
        k.name = "hdr.h.a";
        k.width = 8;
        k.matchKind = kind;
        t.keys.push_back(k);
        t.actions = {{.action = 0},
                     {.action = 1, .scope = ir::ActionRef::Scope::DefaultOnly},
                     {.action = 2, .scope = ir::ActionRef::Scope::TableOnly}};
        t.defaultAction.action = 1;
        return t;
    };
    ir::Table exact = table("MyIngress.t_exact", ir::MatchKind::Exact);
    exact.size = 4;
    ir::Table tern = table("MyIngress.t_tern", ir::MatchKind::Ternary);
    for (int i = 0; i < 3; ++i) {
        ir::TableEntry te;
        ir::Match m;
        m.kind = ir::Match::Kind::Ternary;
        m.value = i;
        m.mask = 0xff;
        te.keys.push_back(m);
        te.action.action = 0;
        te.action.args = {ir::BigInt(i)};
        if (i == 2) te.priority = ir::BigInt(100);
        tern.entries.push_back(te);
    }
    ir::Table fixed = table("MyIngress.t_const", ir::MatchKind::Exact);
    fixed.entriesConst = true;
    fixed.defaultActionIsConst = true;
    fixed.entries = tern.entries;
    p.tables = {exact, tern, fixed};
    return p;
}

Command add(ir::TableId t, int key, ir::ActionId action = 0, int arg = 1) {
    Command c;
    c.kind = Command::Kind::Add;
    c.entry.table = t;
    ir::Match m;
    m.value = key;
    c.entry.keys.push_back(m);
    c.entry.action.action = action;
    if (action == 0) c.entry.action.args = {ir::BigInt(arg)};
    return c;
}

std::vector<int> handles(const LogicalTable& t) {
    std::vector<int> out;
    for (const auto& s : t) out.push_back(s.handle);
    return out;
}

TEST(LogicalTable, HandlesAreTheLowestFreeAndOrderIsInsertion) {
    const ir::Program p = program();
    LogicalTable t(p, 0);
    std::string error;
    int h = -1;
    for (int k = 0; k < 3; ++k) {
        ASSERT_TRUE(t.apply(add(0, k), error, &h)) << error;
        EXPECT_EQ(h, k);
    }
    Command del;
    del.kind = Command::Kind::Delete;
    del.entry.table = 0;
    del.handle = 1;
    ASSERT_TRUE(t.apply(del, error, &h)) << error;
    EXPECT_EQ(h, 1);
    del.handle = 0;
    ASSERT_TRUE(t.apply(del, error)) << error;
    ASSERT_TRUE(t.apply(add(0, 7), error, &h)) << error;
    EXPECT_EQ(h, 0);
    ASSERT_TRUE(t.apply(add(0, 8), error, &h)) << error;
    EXPECT_EQ(h, 1);
    EXPECT_EQ(handles(t), (std::vector<int>{2, 0, 1}));
    ASSERT_NE(t.find(add(0, 8).entry), nullptr);
    EXPECT_EQ(t.find(add(0, 8).entry)->handle, 1);
    EXPECT_EQ(t.find(add(0, 1).entry), nullptr);
    // Delete by match, modify by handle.
    Command byMatch = add(0, 7);
    byMatch.kind = Command::Kind::Delete;
    ASSERT_TRUE(t.apply(byMatch, error, &h)) << error;
    EXPECT_EQ(h, 0);
    Command mod = add(0, 0, 0, 5);
    mod.kind = Command::Kind::Modify;
    mod.handle = 2;
    ASSERT_TRUE(t.apply(mod, error)) << error;
    EXPECT_EQ(t.find(2)->entry.action.args.at(0), 5);
    // Clear: handles start again from 0.
    Command clear;
    clear.kind = Command::Kind::Clear;
    clear.entry.table = 0;
    ASSERT_TRUE(t.apply(clear, error)) << error;
    EXPECT_TRUE(t.empty());
    ASSERT_TRUE(t.apply(add(0, 3), error, &h)) << error;
    EXPECT_EQ(h, 0);
}

TEST(LogicalTable, RulesAndTheirMessages) {
    const ir::Program p = program();
    LogicalTable t(p, 0);
    std::string error;
    ASSERT_TRUE(t.apply(add(0, 1), error)) << error;
    EXPECT_FALSE(t.apply(add(0, 1, 0, 3), error));
    EXPECT_EQ(error, "duplicate entry in table 'MyIngress.t_exact' (same match as entry 0)");
    EXPECT_FALSE(t.apply(add(0, 2, 1), error));
    EXPECT_EQ(error, "action 'MyIngress.drop' is default-only in table 'MyIngress.t_exact'");
    Command wrongArgs = add(0, 2);
    wrongArgs.entry.action.args.clear();
    EXPECT_FALSE(t.apply(wrongArgs, error));
    EXPECT_EQ(error, "action 'MyIngress.fwd' takes 1 argument(s)");
    EXPECT_FALSE(t.apply(add(0, 2, 7), error));
    EXPECT_EQ(error, "action 7 is not an action of table 'MyIngress.t_exact'");
    Command noKeys = add(0, 2);
    noKeys.entry.keys.clear();
    EXPECT_FALSE(t.apply(noKeys, error));
    EXPECT_EQ(error, "table 'MyIngress.t_exact' needs 1 key(s), got 0");
    Command def;
    def.kind = Command::Kind::SetDefault;
    def.entry.table = 0;
    def.entry.action.action = 2;
    EXPECT_FALSE(t.apply(def, error));
    EXPECT_EQ(error, "action 'MyIngress.mark' cannot be the default of table 'MyIngress.t_exact'");
    def.entry.action = {0, {ir::BigInt(4)}};
    ASSERT_TRUE(t.apply(def, error)) << error;
    EXPECT_EQ(t.defaultAction().action, 0);
    for (int k = 2; k < 5; ++k) ASSERT_TRUE(t.apply(add(0, k), error)) << error;
    EXPECT_FALSE(t.apply(add(0, 9), error));
    EXPECT_EQ(error, "table 'MyIngress.t_exact' is full (size 4)");
    Command del;
    del.kind = Command::Kind::Delete;
    del.entry.table = 0;
    del.handle = 9;
    EXPECT_FALSE(t.apply(del, error));
    EXPECT_EQ(error, "table 'MyIngress.t_exact' has no entry with handle 9");
    EXPECT_EQ(t.size(), 4u);

    LogicalTable fixed(p, 2);
    ASSERT_TRUE(fixed.addInitial(error)) << error;
    EXPECT_TRUE(fixed.empty());  // const entries are the target's
    EXPECT_FALSE(fixed.apply(add(2, 9), error));
    EXPECT_EQ(error, "table 'MyIngress.t_const' has const entries: entries cannot be added");
    def.entry.table = 2;
    EXPECT_FALSE(fixed.apply(def, error));
    EXPECT_EQ(error, "the default action of table 'MyIngress.t_const' is const");
}

TEST(LogicalTable, InitialEntriesGetHandlesAndPriorities) {
    const ir::Program p = program();
    LogicalTable t(p, 1);
    std::string error;
    ASSERT_TRUE(t.addInitial(error)) << error;
    ASSERT_EQ(t.size(), 3u);
    // Earlier entries win: priorities n - i unless the program gives one.
    EXPECT_EQ(t.find(0)->entry.priority, 3);
    EXPECT_EQ(t.find(1)->entry.priority, 2);
    EXPECT_EQ(t.find(2)->entry.priority, 100);
    // In a priority table the same keys with another priority are another entry.
    Command again = add(1, 0);
    again.entry.keys[0].kind = ir::Match::Kind::Ternary;
    again.entry.keys[0].mask = 0xff;
    again.entry.priority = 3;
    EXPECT_FALSE(t.apply(again, error));
    EXPECT_EQ(error, "duplicate entry in table 'MyIngress.t_tern' (same match as entry 0)");
    again.entry.priority = 4;
    int h = -1;
    ASSERT_TRUE(t.apply(again, error, &h)) << error;
    EXPECT_EQ(h, 3);
}

TEST(LogicalTable, AHookThatRefusesChangesNothing) {
    const ir::Program p = program();
    LogicalTable t(p, 0);
    std::string error;
    std::vector<std::pair<Command::Kind, int>> seen;
    bool refuse = false;
    auto hook = [&](Command::Kind kind, int handle, const Entry&, std::string& why) {
        if (refuse) {
            why = "the driver says no";
            return false;
        }
        seen.emplace_back(kind, handle);
        return true;
    };
    ASSERT_TRUE(t.apply(add(0, 1), error, nullptr, hook)) << error;
    ASSERT_TRUE(t.apply(add(0, 2), error, nullptr, hook)) << error;
    refuse = true;
    EXPECT_FALSE(t.apply(add(0, 3), error, nullptr, hook));
    EXPECT_EQ(error, "the driver says no");
    Command clear;
    clear.kind = Command::Kind::Clear;
    clear.entry.table = 0;
    EXPECT_FALSE(t.apply(clear, error, nullptr, hook));
    EXPECT_EQ(t.size(), 2u);
    refuse = false;
    ASSERT_TRUE(t.apply(clear, error, nullptr, hook)) << error;
    // Clear deletes the newest first.
    using K = Command::Kind;
    EXPECT_EQ(seen, (std::vector<std::pair<K, int>>{
                        {K::Add, 0}, {K::Add, 1}, {K::Delete, 1}, {K::Delete, 0}}));
    EXPECT_TRUE(t.empty());
}

TEST(LogicalTable, AddManyChecksEveryEntryFirst) {
    ir::Program p = program();
    p.tables[0].size = 1000;
    LogicalTable t(p, 0);
    std::string error;
    ASSERT_TRUE(t.apply(add(0, 5), error)) << error;
    std::vector<Entry> many;
    for (int k = 10; k < 20; ++k) many.push_back(add(0, k).entry);
    auto dup = many;
    dup.push_back(many[3]);
    size_t calls = 0;
    auto hook = [&](std::span<const Entry> entries, std::string&) {
        calls += entries.size();
        return true;
    };
    EXPECT_FALSE(t.addMany(dup, error, nullptr, hook));
    EXPECT_EQ(error,
              "entry 11: duplicate entry in table 'MyIngress.t_exact' (same match as entry 4 of "
              "the list)");
    dup = many;
    dup.push_back(add(0, 5).entry);
    EXPECT_FALSE(t.addMany(dup, error, nullptr, hook));
    EXPECT_EQ(error,
              "entry 11: duplicate entry in table 'MyIngress.t_exact' (same match as entry 0)");
    EXPECT_EQ(calls, 0u);
    EXPECT_EQ(t.size(), 1u);
    std::vector<int> hs;
    ASSERT_TRUE(t.addMany(many, error, &hs, hook)) << error;
    EXPECT_EQ(calls, 10u);
    ASSERT_EQ(hs.size(), 10u);
    EXPECT_EQ(hs.front(), 1);
    EXPECT_EQ(hs.back(), 10);
    EXPECT_EQ(t.size(), 11u);
    EXPECT_EQ(t.find(add(0, 19).entry)->handle, 10);
    p.tables[0].size = 12;
    std::vector<Entry> two = {add(0, 30).entry, add(0, 31).entry};
    EXPECT_FALSE(t.addMany(two, error, nullptr, hook));
    EXPECT_EQ(error,
              "table 'MyIngress.t_exact' is full (size 12): 11 entries and 2 more do not fit");
}

}  // namespace
