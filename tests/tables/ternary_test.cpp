// SPDX-License-Identifier: Apache-2.0
// Slot management of runtime/tables/ternary: range expansion, priority order (larger wins,
// earlier wins on ties) against an independent reference, hitless moves checked write by write
// on a model of the CSR map, few moves, const-entry order, the logical layer and its errors.
#include "runtime/tables/ternary.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "runtime/tables/snapshot.hpp"

namespace {

using hop::tables::BigInt;
using namespace hop::tables;

TableGeometry ternary(int keyWidth, int depth) {
    TableGeometry g;
    g.kind = TableKind::Ternary;
    g.keyWidth = keyWidth;
    g.actionWidth = 4;
    g.paramWidth = 20;
    g.depth = depth;
    g.slots = 1;
    return g;
}

// hop_table_ternary's CSR map, written from its header comment: first valid matching slot wins.
struct TernaryModel {
    struct E {
        bool valid = false;
        BigInt value, mask, params;
        uint32_t action = 0;
    };
    TableGeometry g;
    std::map<uint32_t, uint32_t> staging;
    std::vector<E> slots;
    explicit TernaryModel(const TableGeometry& geom) : g(geom), slots(geom.depth) {}
    BigInt field(uint32_t addr0, int words) {
        BigInt v = 0;
        for (int i = words - 1; i >= 0; --i) v = (v << 32) | staging[addr0 + 4 * i];
        return v;
    }
    void apply(const CsrWrite& w) {
        if (w.addr != 0) {
            staging[w.addr] = w.value;
            return;
        }
        if ((w.value >> 30) != 0) return;
        E& e = slots.at(w.value & 0x3fffffff);
        const BigInt keyMask = (BigInt(1) << g.keyWidth) - 1;
        e.valid = staging[0x18] & 1;
        e.action = staging[0x1c] & ((1u << g.actionWidth) - 1);
        e.params = field(0x20, g.paramWords()) & ((BigInt(1) << g.paramWidth) - 1);
        e.value = field(0x20 + 4 * g.paramWords(), g.keyWords()) & keyMask;
        e.mask = field(0x20 + 4 * (g.paramWords() + g.keyWords()), g.keyWords()) & keyMask;
    }
    // Action of the winning slot, -1 on a miss.
    int lookup(const BigInt& key) const {
        for (const E& e : slots)
            if (e.valid && ((key ^ e.value) & e.mask) == 0) return int(e.action);
        return -1;
    }
};

// The reference: logical entries, the best priority wins, the earliest on ties.
struct RefEntry {
    BigInt value, mask;
    int64_t priority;
    uint32_t action;
    uint64_t id;
};
int refLookup(const std::vector<RefEntry>& entries, const BigInt& key) {
    const RefEntry* best = nullptr;
    for (const RefEntry& e : entries)
        if (((key ^ e.value) & e.mask) == 0 && (!best || e.priority > best->priority)) best = &e;
    return best ? int(best->action) : -1;
}

TEST(TernaryRange, PrefixesCoverExactlyTheRange) {
    std::mt19937 rng(5);
    for (int iter = 0; iter < 300; ++iter) {
        const int w = 8;
        int lo = rng() % 256, hi = rng() % 256;
        if (lo > hi) std::swap(lo, hi);
        const auto pieces = TernaryTable::rangeToPrefixes(lo, hi, w);
        EXPECT_LE(pieces.size(), size_t(2 * w - 2 > 0 ? 2 * w : 1));
        for (int v = 0; v < 256; ++v) {
            int n = 0;
            for (const auto& p : pieces) n += ((BigInt(v) ^ p.value) & p.mask) == 0;
            ASSERT_EQ(n, (v >= lo && v <= hi) ? 1 : 0) << lo << ".." << hi << " v " << v;
        }
    }
    EXPECT_EQ(TernaryTable::rangeToPrefixes(0, 255, 8).size(), 1u);
    EXPECT_EQ(TernaryTable::rangeToPrefixes(1, 254, 8).size(), 14u);  // the worst case, 2w-2
}

// Random inserts and deletes with random priorities (many ties); after every COMMIT every key
// answers as the old or the new table; after every operation the driver's slots, the model and
// the reference agree on every key.
TEST(TernarySlots, RandomUpdatesKeepPriorityOrderHitlessly) {
    const int keyWidth = 8, depth = 96;
    TernaryTable t(ternary(keyWidth, depth));
    TernaryModel model(t.geometry());
    std::mt19937_64 rng(3);
    std::vector<RefEntry> ref;
    std::string error;
    int ops = 0, fulls = 0;
    for (int op = 0; op < 1500; ++op) {
        std::vector<RefEntry> after = ref;
        CsrWrites writes;
        if (!ref.empty() && (ref.size() >= 80 || rng() % 3 == 0)) {
            const size_t i = rng() % ref.size();
            auto w = t.erase(ref[i].id, error);
            ASSERT_TRUE(w) << error;
            writes = *w;
            after.erase(after.begin() + i);
        } else {
            const BigInt mask = BigInt(rng() % 256) | (rng() % 2 ? 0xf0 : 0);
            const BigInt value = BigInt(rng() % 256) & mask;
            const int64_t prio = int64_t(rng() % 8);
            const uint32_t action = rng() % 16;
            uint64_t id = 0;
            auto w = t.insert({{value, mask}}, prio, action, 0, error, &id);
            if (!w) {
                ++fulls;
                continue;
            }
            writes = *w;
            after.push_back({value, mask, prio, action, id});
        }
        std::vector<int> before(256), later(256);
        for (int k = 0; k < 256; ++k) {
            before[k] = refLookup(ref, k);
            later[k] = refLookup(after, k);
        }
        for (const CsrWrite& w : writes) {
            model.apply(w);
            if (w.addr != TableGeometry::kCommit) continue;
            for (int k = 0; k < 256; ++k) {
                const int got = model.lookup(k);
                ASSERT_TRUE(got == before[k] || got == later[k])
                    << "op " << op << " key " << k << ": " << got << " is neither " << before[k]
                    << " nor " << later[k];
            }
        }
        ref = std::move(after);
        for (int k = 0; k < 256; ++k) {
            ASSERT_EQ(model.lookup(k), later[k]) << "op " << op << " key " << k;
            const int s = t.find(k);
            ASSERT_EQ(s < 0 ? -1 : int(t.slot(s).action), later[k]);
        }
        ++ops;
    }
    std::printf("%d ops, %d refused as full, %llu moves (%.2f per op)\n", ops, fulls,
                static_cast<unsigned long long>(t.moves()), double(t.moves()) / ops);
    EXPECT_LT(double(t.moves()) / ops, 4.0);  // about 2.4 at 83% fill with 8 priorities
}

TEST(TernarySlots, FullAndErrors) {
    TernaryTable t(ternary(8, 4));
    std::string error;
    for (int i = 0; i < 4; ++i) ASSERT_TRUE(t.insert({{BigInt(i), 0xff}}, i, 1, 0, error));
    EXPECT_FALSE(t.insert({{5, 0xff}}, 0, 1, 0, error));
    EXPECT_NE(error.find("is full"), std::string::npos);
    EXPECT_FALSE(t.insert({{BigInt(1) << 8, 0xff}}, 0, 1, 0, error));
    EXPECT_FALSE(t.erase(999, error));
    // Highest priority first in the slots.
    for (int i = 0; i < 4; ++i) EXPECT_EQ(t.slot(i).priority, 3 - i);
}

hop::ir::Program aclProgram() {
    hop::ir::Program p;
    hop::ir::Action allow;
    allow.name = "MyIngress.allow";
    allow.params = {{"queue", 3}};
    hop::ir::Action deny;
    deny.name = "MyIngress.deny";
    p.actions = {allow, deny};
    hop::ir::Table t;
    t.name = "MyIngress.acl";
    hop::ir::TableKey src;
    src.width = 8;
    src.name = "src";
    src.matchKind = hop::ir::MatchKind::Ternary;
    hop::ir::TableKey port;
    port.width = 8;
    port.name = "port";
    port.matchKind = hop::ir::MatchKind::Range;
    hop::ir::TableKey proto;
    proto.width = 4;
    proto.name = "proto";
    proto.matchKind = hop::ir::MatchKind::Exact;
    t.keys = {src, port, proto};
    t.actions = {{0}, {1}};
    t.size = 64;
    p.tables = {t};
    return p;
}

Entry acl(BigInt src, BigInt srcMask, int lo, int hi, int proto, int action,
          std::optional<int64_t> prio, std::vector<BigInt> args = {}) {
    Entry e;
    e.table = 0;
    KeyMatch s;
    s.kind = srcMask == 0 ? KeyMatch::Kind::DontCare : KeyMatch::Kind::Ternary;
    s.value = src & srcMask;
    s.mask = srcMask;
    KeyMatch r;
    r.kind = KeyMatch::Kind::Range;
    r.value = lo;
    r.high = hi;
    KeyMatch x;
    x.value = proto;
    e.keys = {s, r, x};
    e.action = {action, std::move(args)};
    e.priority = prio;
    return e;
}

TEST(TernaryDriver, RangesPrioritiesAndConstOrder) {
    hop::ir::Program p = aclProgram();
    const TableGeometry g = TernaryTable::geometryFor(p, p.tables[0]);
    EXPECT_EQ(g.keyWidth, 20);
    EXPECT_EQ(g.depth, 64);
    EXPECT_EQ(g.paramWidth, 3);
    TernaryTable t(p, 0);
    TernaryModel model(t.geometry());
    std::string error;
    auto apply = [&](const std::optional<CsrWrites>& w) {
        ASSERT_TRUE(w) << error;
        for (const CsrWrite& x : *w) model.apply(x);
    };
    auto key = [](int src, int port, int proto) { return (src << 12) | (port << 4) | proto; };
    apply(t.add(acl(0x10, 0xf0, 20, 30, 6, 0, 5, {2}), error));  // 4 slots: 20-23,24-27,28-29,30
    EXPECT_EQ(t.usedSlots(), 4u);
    apply(t.add(acl(0, 0, 0, 255, 6, 1, 1), error));  // deny everything else of proto 6
    EXPECT_EQ(model.lookup(key(0x12, 25, 6)), 0);
    EXPECT_EQ(model.lookup(key(0x12, 31, 6)), 1);
    EXPECT_EQ(model.lookup(key(0x22, 25, 6)), 1);
    EXPECT_EQ(model.lookup(key(0x12, 25, 7)), -1);
    // Higher priority added later goes in front.
    apply(t.add(acl(0x12, 0xff, 0, 255, 6, 1, 9), error));
    EXPECT_EQ(model.lookup(key(0x12, 25, 6)), 1);
    EXPECT_FALSE(t.add(acl(0x12, 0xff, 0, 255, 6, 0, 9, {1}), error));
    EXPECT_NE(error.find("duplicate"), std::string::npos);
    EXPECT_FALSE(t.add(acl(0x12, 0xff, 0, 255, 6, 0, 9, {8}), error));
    EXPECT_FALSE(t.add(acl(0x12, 0xff, 30, 20, 6, 1, 3), error));
    EXPECT_NE(error.find("empty range"), std::string::npos);
    apply(t.remove(acl(0x12, 0xff, 0, 255, 6, 1, 9), error));
    EXPECT_EQ(model.lookup(key(0x12, 25, 6)), 0);
    apply(t.modify(acl(0x10, 0xf0, 20, 30, 6, 1, 5), error));
    EXPECT_EQ(model.lookup(key(0x12, 25, 6)), 1);
    EXPECT_FALSE(t.remove(acl(0x10, 0xf0, 20, 30, 6, 1, 4), error));  // other priority
    apply(t.setDefault({1, {}}, error));

    // Const entries: the earlier one wins (descending priorities).
    p.tables[0].entries.clear();
    for (const Entry& e : {acl(0, 0, 0, 255, 6, 1, std::nullopt),
                           acl(0x10, 0xf0, 0, 255, 6, 0, std::nullopt, {1})}) {
        hop::ir::TableEntry te;
        te.keys = e.keys;
        te.action = e.action;
        p.tables[0].entries.push_back(te);
    }
    TernaryTable c(p, 0);
    TernaryModel cm(c.geometry());
    // Added in reverse order: priorities, not insertion order, decide.
    const std::vector<Entry> ce = TernaryTable::constEntries(p, 0);
    ASSERT_EQ(ce.size(), 2u);
    EXPECT_GT(*ce[0].priority, *ce[1].priority);
    for (int i = 1; i >= 0; --i) {
        auto w = c.add(ce[i], error);
        ASSERT_TRUE(w) << error;
        for (const CsrWrite& x : *w) cm.apply(x);
    }
    EXPECT_EQ(cm.lookup(key(0x12, 25, 6)), 1);
}

// save/restore of logical entries (ids, insertion order, priorities): the restored table
// writes what the saved one writes for the same later adds, modifies and removes.
TEST(TernarySnapshot, RestoredTableWritesWhatTheSavedOneWrites) {
    hop::ir::Program p = aclProgram();
    TernaryTable saved(p, 0);
    std::mt19937_64 rng(5);
    std::string error;
    auto randomEntry = [&] {
        const int lo = int(rng() % 200);
        return acl(BigInt(rng() % 256), BigInt(rng() % 2 ? 0xf0 : 0), lo, lo + int(rng() % 50),
                   int(rng() % 16), int(rng() % 2), int64_t(rng() % 4), {});
    };
    auto withArgs = [](Entry e) {
        if (e.action.action == 0) e.action.args = {BigInt(3)};
        return e;
    };
    std::vector<Entry> live;
    for (int i = 0; i < 40; ++i) {
        Entry e = withArgs(randomEntry());
        if (saved.add(e, error)) live.push_back(e);
        if (i % 5 == 4 && !live.empty()) {
            ASSERT_TRUE(saved.remove(live.front(), error)) << error;
            live.erase(live.begin());
        }
    }
    ASSERT_TRUE(saved.setDefault({1, {}}, error)) << error;
    SnapshotWriter out;
    saved.save(out);
    TernaryTable restored(p, 0);
    SnapshotReader in(out.bytes());
    ASSERT_TRUE(restored.restore(in, error)) << error;
    EXPECT_TRUE(in.atEnd());
    EXPECT_EQ(restored.usedSlots(), saved.usedSlots());
    EXPECT_EQ(restored.defaultAction(), saved.defaultAction());
    for (int i = 0; i < p.tables[0].size; ++i) {
        const auto &a = saved.slot(i), &b = restored.slot(i);
        ASSERT_EQ(a.used, b.used) << i;
        if (a.used)
            EXPECT_TRUE(a.value == b.value && a.mask == b.mask && a.priority == b.priority &&
                        a.seq == b.seq && a.id == b.id && a.action == b.action)
                << i;
    }
    for (int i = 0; i < 120; ++i) {
        std::string ea, eb;
        std::optional<CsrWrites> wa, wb;
        const int what = int(rng() % 3);
        if (what == 0 || live.empty()) {
            Entry e = withArgs(randomEntry());
            wa = saved.add(e, ea);
            wb = restored.add(e, eb);
            if (wa) live.push_back(e);
        } else if (what == 1) {
            Entry e = live[rng() % live.size()];
            e.action = {0, {BigInt(rng() % 8)}};
            wa = saved.modify(e, ea);
            wb = restored.modify(e, eb);
        } else {
            const size_t j = rng() % live.size();
            wa = saved.remove(live[j], ea);
            wb = restored.remove(live[j], eb);
            live.erase(live.begin() + static_cast<std::ptrdiff_t>(j));
        }
        ASSERT_EQ(wa, wb) << i;
        ASSERT_EQ(ea, eb) << i;
    }

    const std::string good = out.bytes();
    TernaryTable target(p, 0);
    for (int i = 0; i < 200; ++i) {
        std::string bad = good;
        if (i % 2)
            bad.resize(rng() % good.size());
        else
            bad[rng() % bad.size()] ^= static_cast<char>(1 + rng() % 255);
        SnapshotReader r(bad);
        error.clear();
        EXPECT_FALSE(target.restore(r, error)) << i;
        EXPECT_FALSE(error.empty());
    }
    EXPECT_EQ(target.usedSlots(), 0u);
}

}  // namespace
