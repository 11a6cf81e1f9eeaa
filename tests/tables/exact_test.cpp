// SPDX-License-Identifier: Apache-2.0
// Cuckoo placement of runtime/tables/exact: the hash functions, loads reached before "full",
// every key findable, hitless moves (checked write by write on an independent model of the CSR
// map), random inserts and deletes at high load, the logical-entry layer and its errors.
#include "runtime/tables/exact.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "runtime/tables/snapshot.hpp"

namespace {

using hop::tables::BigInt;
using namespace hop::tables;

BigInt randomKey(std::mt19937_64& rng, int width) {
    BigInt k = 0;
    for (int i = 0; i < width; i += 64) k = (k << 64) | BigInt(rng());
    return k & ((BigInt(1) << width) - 1);
}

TableGeometry cuckoo(int keyWidth, int depth, int slots, int paramWidth = 40) {
    TableGeometry g;
    g.kind = TableKind::Exact;
    g.keyWidth = keyWidth;
    g.actionWidth = 3;
    g.paramWidth = paramWidth;
    g.depth = depth;
    g.slots = slots;
    return g;
}

// The CSR map of hop_table_exact as written in its header comment, written independently of the
// driver: staging words, COMMIT, and a lookup that looks where the hardware looks.
struct ExactModel {
    struct E {
        bool valid = false;
        BigInt key, params;
        uint32_t action = 0;
    };
    TableGeometry g;
    std::map<uint32_t, uint32_t> staging;
    std::vector<E> mem;
    E deflt;
    explicit ExactModel(const TableGeometry& geom) : g(geom), mem(geom.depth) {}
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
        const uint32_t op = w.value >> 30, index = w.value & 0x3fffffff;
        E e;
        e.valid = staging[0x18] & 1;
        e.action = staging[0x1c] & ((1u << g.actionWidth) - 1);
        e.params = field(0x20, g.paramWords()) & ((BigInt(1) << g.paramWidth) - 1);
        e.key = field(0x20 + 4 * g.paramWords(), g.keyWords()) & ((BigInt(1) << g.keyWidth) - 1);
        if (op == 0) mem.at(index) = e;
        if (op == 1) deflt = e;
    }
    const E* lookup(const BigInt& key) const {
        int bits = 0;
        while ((1 << bits) < g.buckets()) ++bits;
        for (int way = 0; way < 2; ++way) {
            const uint32_t b = hashKey(way ? kPolyWay1 : kPolyWay0, key, g.keyWidth, bits);
            for (int s = 0; s < g.slots; ++s) {
                const E& e = mem[(way * g.slots + s) * g.buckets() + b];
                if (e.valid && e.key == key) return &e;
            }
        }
        return nullptr;
    }
};

TEST(ExactHash, IsTheStandardMsbFirstCrc32) {
    // CRC-32/MPEG-2 (poly 0x04C11DB7, init 0xFFFFFFFF, no reflection, no final XOR) of
    // "123456789" is 0x0376E6E7; the key is those bytes, the first in the high bits.
    BigInt key = 0;
    for (char c : std::string("123456789")) key = (key << 8) | uint8_t(c);
    EXPECT_EQ(hashKey(kPolyWay0, key, 72, 32), 0x0376E6E7u);
    // Folding: every CRC bit lands in bit (i % outWidth).
    const uint32_t crc = hashKey(kPolyWay1, key, 72, 32);
    uint32_t folded = 0;
    for (int i = 0; i < 32; ++i) folded ^= ((crc >> i) & 1u) << (i % 10);
    EXPECT_EQ(hashKey(kPolyWay1, key, 72, 10), folded);
    EXPECT_NE(hashKey(kPolyWay0, key, 72, 10), hashKey(kPolyWay1, key, 72, 10));
}

// Fill with random keys until the driver says "full"; returns the load factor reached.
double fillUntilFull(int keyWidth, int depth, int slots, uint64_t seed, bool checkModel) {
    ExactTable t(cuckoo(keyWidth, depth, slots));
    ExactModel model(t.geometry());
    std::mt19937_64 rng(seed);
    std::map<BigInt, std::pair<uint32_t, BigInt>> ref;
    std::string error;
    for (;;) {
        const BigInt key = randomKey(rng, keyWidth);
        if (ref.count(key)) continue;
        const uint32_t action = rng() % 8;
        const BigInt params = randomKey(rng, 40);
        auto writes = t.insert(key, action, params, error);
        if (!writes) {
            EXPECT_NE(error.find("is full"), std::string::npos) << error;
            break;
        }
        ref[key] = {action, params};
        for (const CsrWrite& w : *writes) model.apply(w);
    }
    EXPECT_EQ(t.size(), ref.size());
    for (const auto& [key, v] : ref) {
        const int64_t i = t.find(key);
        EXPECT_GE(i, 0);
        if (i < 0) continue;
        EXPECT_EQ(t.slot(i).action, v.first);
        EXPECT_EQ(t.slot(i).params, v.second);
        if (checkModel) {
            const ExactModel::E* e = model.lookup(key);
            EXPECT_TRUE(e && e->action == v.first && e->params == v.second);
        }
    }
    return t.loadFactor();
}

TEST(ExactPlacement, LoadFactorBeforeFull) {
    const double four = fillUntilFull(48, 8192, 4, 1, true);
    const double two = fillUntilFull(48, 8192, 2, 2, false);
    const double one = fillUntilFull(48, 8192, 1, 3, false);
    std::printf("cuckoo load before full, 8192 entries: 4 slots %.3f, 2 slots %.3f, 1 slot %.3f\n",
                four, two, one);
    EXPECT_GE(four, 0.93);
    EXPECT_GE(two, 0.85);
    EXPECT_GE(one, 0.45);
    EXPECT_GE(fillUntilFull(104, 1024, 4, 4, true), 0.90);  // a 5-tuple key, small table
}

// Random inserts, modifies and deletes around 90% load; the writes are applied one at a time to
// the model and after each COMMIT every key that is in both the old and the new table still
// answers (old or new answer): moves are hitless.
TEST(ExactPlacement, RandomUpdatesAtHighLoadAreHitless) {
    ExactTable t(cuckoo(24, 256, 4));
    ExactModel model(t.geometry());
    std::mt19937_64 rng(11);
    std::map<BigInt, std::pair<uint32_t, BigInt>> ref;
    std::string error;
    int inserts = 0, deletes = 0, full = 0;
    for (int op = 0; op < 6000; ++op) {
        const bool del = !ref.empty() && (ref.size() > 235 || rng() % 3 == 0);
        CsrWrites writes;
        std::map<BigInt, std::pair<uint32_t, BigInt>> after = ref;
        if (del) {
            auto it = ref.begin();
            std::advance(it, rng() % ref.size());
            auto w = t.erase(it->first, error);
            ASSERT_TRUE(w) << error;
            writes = *w;
            after.erase(it->first);
            ++deletes;
        } else {
            const BigInt key = randomKey(rng, 24);
            const uint32_t action = rng() % 8;
            const BigInt params = randomKey(rng, 40);
            auto w = t.insert(key, action, params, error);
            if (!w) {
                if (ref.count(key)) {
                    EXPECT_NE(error.find("duplicate"), std::string::npos);
                } else {
                    EXPECT_NE(error.find("full"), std::string::npos) << error;
                    ++full;
                }
                continue;
            }
            writes = *w;
            after[key] = {action, params};
            ++inserts;
        }
        for (const CsrWrite& w : writes) {
            model.apply(w);
            if (w.addr != TableGeometry::kCommit) continue;
            for (const auto& [key, v] : ref) {
                if (!after.count(key)) continue;
                const ExactModel::E* e = model.lookup(key);
                ASSERT_TRUE(e) << "key lost during an update, op " << op;
                ASSERT_EQ(e->action, v.first);
            }
        }
        ref = std::move(after);
        ASSERT_EQ(t.size(), ref.size());
    }
    for (const auto& [key, v] : ref) {
        const ExactModel::E* e = model.lookup(key);
        ASSERT_TRUE(e);
        EXPECT_EQ(e->params, v.second);
        EXPECT_GE(t.find(key), 0);
    }
    std::printf("6000 ops: %d inserts, %d deletes, %d full, %llu moves\n", inserts, deletes, full,
                static_cast<unsigned long long>(t.moves()));
    EXPECT_GT(t.moves(), 0u);
}

TEST(ExactPlacement, ErrorsLeaveTheTableUnchanged) {
    ExactTable t(cuckoo(16, 16, 4));
    std::string error;
    ASSERT_TRUE(t.insert(5, 1, 7, error));
    EXPECT_FALSE(t.insert(5, 2, 7, error));
    EXPECT_NE(error.find("duplicate"), std::string::npos);
    EXPECT_FALSE(t.insert(BigInt(1) << 16, 1, 0, error));
    EXPECT_NE(error.find("does not fit"), std::string::npos);
    EXPECT_FALSE(t.insert(6, 8, 0, error));  // action id wider than 3 bits
    EXPECT_FALSE(t.insert(6, 1, BigInt(1) << 40, error));
    EXPECT_FALSE(t.erase(6, error));
    EXPECT_FALSE(t.modify(6, 1, 0, error));
    EXPECT_EQ(t.size(), 1u);
    auto m = t.modify(5, 3, 9, error);
    ASSERT_TRUE(m);
    EXPECT_EQ(t.slot(t.find(5)).action, 3u);
    // A full table says so and stays as it was.
    int n = 1;
    for (int k = 100; n < 40; ++k) {
        if (!t.insert(k, 0, 0, error)) break;
        ++n;
    }
    EXPECT_NE(error.find("is full"), std::string::npos);
    EXPECT_EQ(t.size(), size_t(n));
    EXPECT_LE(n, 16);
}

// A program with one exact table (32-bit + 16-bit key) and two actions.
hop::ir::Program exactProgram(int64_t size, int keyA = 32, int keyB = 16) {
    hop::ir::Program p;
    hop::ir::Action fwd;
    fwd.name = "MyIngress.fwd";
    fwd.params = {{"port", 9}, {"mac", 48}};
    hop::ir::Action drop;
    drop.name = "MyIngress.drop";
    hop::ir::Action other;
    other.name = "MyIngress.other";
    p.actions = {fwd, drop, other};
    hop::ir::Table t;
    t.name = "MyIngress.host";
    hop::ir::TableKey a;
    a.width = keyA;
    a.name = "hdr.ipv4.dstAddr";
    hop::ir::TableKey b;
    b.width = keyB;
    b.name = "meta.vrf";
    t.keys = {a};
    if (keyB) t.keys.push_back(b);
    t.actions = {{0}, {1}};
    t.size = size;
    p.tables = {t};
    return p;
}

Entry exactEntry(const BigInt& a, const BigInt& b, int action, std::vector<BigInt> args) {
    Entry e;
    e.table = 0;
    KeyMatch ka;
    ka.value = a;
    KeyMatch kb;
    kb.value = b;
    e.keys = {ka, kb};
    e.action.action = action;
    e.action.args = std::move(args);
    return e;
}

TEST(ExactDriver, LogicalEntries) {
    const hop::ir::Program p = exactProgram(1000);
    const TableGeometry g = ExactTable::geometryFor(p, p.tables[0]);
    EXPECT_EQ(g.kind, TableKind::Exact);
    EXPECT_EQ(g.keyWidth, 48);
    EXPECT_EQ(g.actionWidth, 1);
    EXPECT_EQ(g.paramWidth, 57);
    EXPECT_EQ(g.depth, 2048);  // 1000 entries at 85% load, rounded up to a power of two
    EXPECT_EQ(g.span(), 64u);  // 8 + 2 param + 2 key words
    ExactTable t(p, 0);
    ExactModel model(t.geometry());
    std::string error;
    auto w = t.add(exactEntry(0x0a000001, 7, 0, {3, 0x001122334455}), error);
    ASSERT_TRUE(w) << error;
    for (const CsrWrite& x : *w) model.apply(x);
    const ExactModel::E* e = model.lookup((BigInt(0x0a000001) << 16) | 7);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->action, 0u);
    EXPECT_EQ(e->params, (BigInt(3) << 48) | 0x001122334455);
    EXPECT_FALSE(t.add(exactEntry(0x0a000001, 7, 1, {}), error));
    EXPECT_NE(error.find("duplicate"), std::string::npos);
    EXPECT_FALSE(t.add(exactEntry(1, 1, 2, {}), error));  // not an action of the table
    EXPECT_NE(error.find("not an action"), std::string::npos);
    EXPECT_FALSE(t.add(exactEntry(1, 1, 0, {512, 0}), error));
    EXPECT_NE(error.find("does not fit in 9 bits"), std::string::npos);
    EXPECT_FALSE(t.add(exactEntry(1, 1 << 16, 1, {}), error));
    EXPECT_NE(error.find("does not fit in 16 bits"), std::string::npos);
    Entry wild = exactEntry(1, 1, 1, {});
    wild.keys[1].kind = KeyMatch::Kind::DontCare;
    EXPECT_FALSE(t.add(wild, error));
    ASSERT_TRUE(t.modify(exactEntry(0x0a000001, 7, 1, {}), error));
    auto d = t.setDefault({1, {}}, error);
    ASSERT_TRUE(d);
    for (const CsrWrite& x : *d) model.apply(x);
    EXPECT_EQ(model.deflt.action, 1u);
    ASSERT_TRUE(t.remove(exactEntry(0x0a000001, 7, 1, {}), error));
    EXPECT_FALSE(t.remove(exactEntry(0x0a000001, 7, 1, {}), error));
    EXPECT_EQ(t.size(), 0u);
}

TEST(ExactDriver, NarrowKeysAreDirectIndexed) {
    const hop::ir::Program p = exactProgram(64, 9, 0);
    const TableGeometry g = ExactTable::geometryFor(p, p.tables[0]);
    EXPECT_EQ(g.kind, TableKind::Direct);
    EXPECT_EQ(g.depth, 512);
    EXPECT_EQ(g.keyWords(), 0);
    ExactTable t(p, 0);
    std::string error;
    Entry e;
    e.table = 0;
    KeyMatch k;
    k.value = 300;
    e.keys = {k};
    e.action = {1, {}};
    auto w = t.add(e, error);
    ASSERT_TRUE(w) << error;
    EXPECT_EQ(w->back(), (CsrWrite{TableGeometry::kCommit, 300}));
    EXPECT_EQ(t.find(300), 300);
    EXPECT_EQ(t.find(301), -1);
    EXPECT_FALSE(t.add(e, error));
    ASSERT_TRUE(t.remove(e, error));
    EXPECT_EQ(t.find(300), -1);
}

// save/restore: at high load (cuckoo moves behind it), a restored table finds, places and
// writes exactly as the saved one for the same later commands; damaged snapshots are refused.
TEST(ExactSnapshot, RestoredTableWritesWhatTheSavedOneWrites) {
    const TableGeometry g = cuckoo(40, 256, 4, 20);
    ExactTable saved(g);
    std::mt19937_64 rng(11);
    std::string error;
    std::vector<BigInt> keys;
    for (int i = 0; i < 400; ++i) {
        const BigInt k = randomKey(rng, 40);
        if (rng() % 4 == 0 && !keys.empty()) {
            const size_t j = rng() % keys.size();
            ASSERT_TRUE(saved.erase(keys[j], error)) << error;
            keys.erase(keys.begin() + static_cast<std::ptrdiff_t>(j));
        } else if (saved.insert(k, uint32_t(rng() % 8), BigInt(rng() % 1000000), error)) {
            keys.push_back(k);
        }
    }
    ASSERT_GT(saved.moves(), 0u);
    SnapshotWriter out;
    saved.save(out);
    ExactTable restored(g);
    ASSERT_TRUE(restored.insert(BigInt(5), 1, 1, error));
    SnapshotReader in(out.bytes());
    ASSERT_TRUE(restored.restore(in, error)) << error;
    EXPECT_TRUE(in.atEnd());
    EXPECT_EQ(restored.size(), saved.size());
    EXPECT_EQ(restored.moves(), saved.moves());
    for (const BigInt& k : keys) EXPECT_EQ(restored.find(k), saved.find(k));
    for (int i = 0; i < 600; ++i) {
        std::string ea, eb;
        std::optional<CsrWrites> wa, wb;
        if (rng() % 3 == 0 && !keys.empty()) {
            const size_t j = rng() % keys.size();
            wa = saved.erase(keys[j], ea);
            wb = restored.erase(keys[j], eb);
            keys.erase(keys.begin() + static_cast<std::ptrdiff_t>(j));
        } else {
            const BigInt k = randomKey(rng, 40);
            const uint32_t action = uint32_t(rng() % 8);
            const BigInt params(rng() % 1000000);
            wa = saved.insert(k, action, params, ea);
            wb = restored.insert(k, action, params, eb);
            if (wa) keys.push_back(k);
        }
        ASSERT_EQ(wa, wb) << i;
        ASSERT_EQ(ea, eb) << i;
    }
    EXPECT_EQ(restored.moves(), saved.moves());

    // Damaged: cut anywhere, or one byte changed anywhere; the table stays as it was.
    const std::string good = out.bytes();
    ExactTable target(g);
    ASSERT_TRUE(target.insert(BigInt(77), 2, 3, error));
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
    EXPECT_EQ(target.size(), 1u);
    EXPECT_GE(target.find(BigInt(77)), 0);
    // Another geometry.
    ExactTable other(cuckoo(40, 512, 4, 20));
    SnapshotReader r(good);
    EXPECT_FALSE(other.restore(r, error));
    EXPECT_NE(error.find("geometry"), std::string::npos) << error;
}

}  // namespace
