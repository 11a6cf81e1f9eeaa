// SPDX-License-Identifier: Apache-2.0
// hop_table_ternary: slots placed by runtime/tables/ternary (priority order, range expansion,
// hitless moves) and written through the CSR bus; back-to-back lookups against a reference
// written here (largest priority wins, the earliest entry on ties); updates — moves included —
// while lookups flow give the old or the new answer; default action, read-back and counters.
#include <gtest/gtest.h>

#include VMODEL_HEADER
#include "runtime/tables/ternary.hpp"
#include "table_bench.hpp"

namespace {

using hop::rtltest::Answer;
using hop::rtltest::randomBits;
using hop::tables::BigInt;
using hop::tables::CommitOp;
using hop::tables::CsrWrites;
using hop::tables::TableGeometry;
using hop::tables::TernaryTable;

#ifndef TABLE_RADIX
#define TABLE_RADIX 8
#endif

int latency() {
    int n = TABLE_DEPTH, levels = 0;
    while (n > 1) {
        n = (n + TABLE_RADIX - 1) / TABLE_RADIX;
        ++levels;
    }
    return 3 + levels;
}

struct RefEntry {
    std::vector<TernaryTable::Piece> pieces;
    int64_t priority;
    uint64_t id;  // the driver's handle; increases with insertion order
    Answer answer;
};
struct Ref {
    std::vector<RefEntry> entries;
    Answer deflt;
    Answer operator()(const BigInt& key) const {
        const RefEntry* best = nullptr;
        for (const RefEntry& e : entries) {
            bool m = false;
            for (const auto& p : e.pieces) m = m || ((key ^ p.value) & p.mask) == 0;
            if (m && (!best || e.priority > best->priority ||
                      (e.priority == best->priority && e.id < best->id)))
                best = &e;
        }
        return best ? best->answer : deflt;
    }
};

TEST(TableTernary, LoadLookupAndHitlessUpdates) {
    TableGeometry g;
    g.kind = hop::tables::TableKind::Ternary;
    g.keyWidth = TABLE_KEY_W;
    g.actionWidth = TABLE_ACTION_W;
    g.paramWidth = TABLE_PARAM_W;
    g.depth = TABLE_DEPTH;
    g.slots = 1;
    const int kw = g.keyWidth;
    hop::rtltest::TableBench<VMODEL> b(latency(), TABLE_BASE);
    TernaryTable t(g);
    std::mt19937_64 rng(99);
    Ref before, after;
    b.allowed = [&](const BigInt& key) { return std::vector<Answer>{before(key), after(key)}; };
    const uint32_t info = b.read(TableGeometry::kInfo);
    EXPECT_EQ(info >> 24, 3u);
    EXPECT_EQ(info & 0x7fffff, uint32_t(g.depth));

    after.deflt = {false, uint32_t(rng() % (1u << g.actionWidth)), randomBits(rng, g.paramWidth)};
    b.write(t.setDefault(after.deflt.action, after.deflt.data));
    before = after;

    // A random entry: a ternary value/mask over the whole key, or an exact high part and a
    // range over the low 6 bits (several slots).
    auto randomPieces = [&] {
        if (rng() % 3 == 0) {
            const BigInt high = randomBits(rng, kw - 6) << 6;
            const BigInt highMask = ((BigInt(1) << kw) - 1) ^ 63;
            int lo = int(rng() % 64), hi = int(rng() % 64);
            if (lo > hi) std::swap(lo, hi);
            auto pieces = TernaryTable::rangeToPrefixes(lo, hi, 6);
            for (auto& p : pieces) {
                p.value |= high;
                p.mask |= highMask;
            }
            return pieces;
        }
        // Masks with few wildcard bits on wide keys, so that random keys still hit.
        BigInt mask = randomBits(rng, kw) | (kw > 16 ? ((BigInt(1) << kw) - 1) ^ 0xfff : 0);
        return std::vector<TernaryTable::Piece>{{randomBits(rng, kw) & mask, mask}};
    };
    auto randomAnswer = [&] {
        return Answer{true, uint32_t(rng() % (1u << g.actionWidth)), randomBits(rng, g.paramWidth)};
    };
    // Keys near the entries (their value with random don't-care bits) and random keys.
    auto keyNear = [&](const RefEntry& e) {
        const auto& p = e.pieces[rng() % e.pieces.size()];
        return p.value | (randomBits(rng, kw) & ~p.mask & ((BigInt(1) << kw) - 1));
    };
    auto anyKey = [&] {
        if (after.entries.empty() || rng() % 4 == 0) return randomBits(rng, kw);
        return keyNear(after.entries[rng() % after.entries.size()]);
    };
    std::string error;
    auto insert = [&]() -> std::optional<CsrWrites> {
        RefEntry e;
        e.pieces = randomPieces();
        e.priority = int64_t(rng() % 6);
        e.answer = randomAnswer();
        auto w = t.insert(e.pieces, e.priority, e.answer.action, e.answer.data, error, &e.id);
        if (w) after.entries.push_back(e);
        return w;
    };

    while (t.usedSlots() < size_t(g.depth * 3 / 4)) {
        auto w = insert();
        if (!w) break;
        b.write(*w);
        before = after;
    }

    b.write({TableGeometry::kHitLo, 0});
    b.write({TableGeometry::kMissLo, 0});
    b.hits = b.misses = 0;
    b.nextKey = anyKey;
    b.flowing = true;
    for (int i = 0; i < 3000; ++i) b.cycle();
    b.drain();
    EXPECT_GT(b.hits, 500u);
    EXPECT_GT(b.misses, 50u);
    EXPECT_EQ(b.counter(TableGeometry::kHitLo), b.hits);
    EXPECT_EQ(b.counter(TableGeometry::kMissLo), b.misses);

    // Read-back of every slot.
    for (uint32_t i = 0; i < uint32_t(g.depth); ++i) {
        b.write({TableGeometry::kCommit, hop::tables::commitWord(CommitOp::Read, i)});
        for (int c = 0; c < latency(); ++c) b.cycle();
        const auto& s = t.slot(int(i));
        ASSERT_EQ(b.read(TableGeometry::kStgCtrl), s.used ? 1u : 0u) << "slot " << i;
        if (!s.used) continue;
        EXPECT_EQ(b.read(TableGeometry::kStgAction), s.action);
        BigInt params = 0, value = 0, mask = 0;
        for (int w = g.paramWords() - 1; w >= 0; --w)
            params = (params << 32) | b.read(g.stgParam(w));
        for (int w = g.keyWords() - 1; w >= 0; --w) {
            value = (value << 32) | b.read(g.stgKey(w));
            mask = (mask << 32) | b.read(g.stgMask(w));
        }
        EXPECT_EQ(params, s.params);
        EXPECT_EQ(value, s.value);
        EXPECT_EQ(mask, s.mask);
    }

    // Updates while a lookup enters every clock; keys concentrate on the entry being changed.
    const RefEntry* hot = nullptr;
    RefEntry hotCopy;
    b.nextKey = [&] { return hot && rng() % 2 ? keyNear(hotCopy) : anyKey(); };
    b.hits = b.misses = 0;
    const uint64_t hits0 = b.counter(TableGeometry::kHitLo);
    const uint64_t misses0 = b.counter(TableGeometry::kMissLo);
    b.flowing = true;
    int inserts = 0, deletes = 0, modifies = 0;
    for (int op = 0; op < 400; ++op) {
        std::optional<CsrWrites> w;
        const int kind = int(rng() % 3);
        if (kind == 0 || after.entries.empty()) {
            w = insert();
            if (!w) continue;
            hotCopy = after.entries.back();
            ++inserts;
        } else if (kind == 1) {
            const size_t i = rng() % after.entries.size();
            hotCopy = after.entries[i];
            w = t.erase(hotCopy.id, error);
            ASSERT_TRUE(w) << error;
            after.entries.erase(after.entries.begin() + std::ptrdiff_t(i));
            ++deletes;
        } else {
            RefEntry& e = after.entries[rng() % after.entries.size()];
            e.answer = randomAnswer();
            hotCopy = e;
            w = t.modify(e.id, e.answer.action, e.answer.data, error);
            ASSERT_TRUE(w) << error;
            ++modifies;
        }
        hot = &hotCopy;
        b.write(*w, int(rng() % 2));
        before = after;
        for (int i = int(rng() % 3); i > 0; --i) b.cycle();
    }
    b.drain();
    std::printf("%llu lookups checked; updates: %d inserts, %d deletes, %d modifies, %llu moves\n",
                static_cast<unsigned long long>(b.checked), inserts, deletes, modifies,
                static_cast<unsigned long long>(t.moves()));
    EXPECT_GT(t.moves(), 20u);
    EXPECT_EQ(b.counter(TableGeometry::kHitLo) - hits0, b.hits);
    EXPECT_EQ(b.counter(TableGeometry::kMissLo) - misses0, b.misses);
}

}  // namespace
