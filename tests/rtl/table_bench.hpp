// SPDX-License-Identifier: Apache-2.0
// Testbench shared by the table blocks (hop_table_exact / _direct / _ternary): drives the CSR
// bus with the writes a runtime/tables driver produced while a lookup enters every clock, and
// checks every result, exactly LATENCY cycles after its lookup, against the answers the test's
// own reference allows (the old or the new table while an update is in flight).
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <limits>
#include <random>

#include "runtime/tables/table_csr.hpp"
#include "verilator_util.hpp"

namespace hop::rtltest {

using tables::BigInt;

template <typename T>
requires std::is_integral_v<T>
void setBits(T& sig, const BigInt& v) {
    sig = static_cast<T>(v & BigInt(std::numeric_limits<uint64_t>::max()));
}
template <std::size_t N>
void setBits(VlWide<N>& sig, const BigInt& v) {
    BigInt x = v;
    for (std::size_t i = 0; i < N; ++i) {
        sig[i] = static_cast<EData>(x & 0xffffffffu);
        x >>= 32;
    }
}
template <typename T>
requires std::is_integral_v<T> BigInt getBits(const T& sig) {
    return BigInt(static_cast<uint64_t>(sig));
}
template <std::size_t N>
BigInt getBits(const VlWide<N>& sig) {
    BigInt v = 0;
    for (std::size_t i = N; i-- > 0;) v = (v << 32) | sig[i];
    return v;
}

struct Answer {
    bool hit = false;
    uint32_t action = 0;
    BigInt data;
    bool operator==(const Answer&) const = default;
};
inline std::ostream& operator<<(std::ostream& os, const Answer& a) {
    return os << (a.hit ? "hit " : "miss ") << a.action << "/" << a.data;
}

template <typename Model>
class TableBench {
  public:
    TableBench(int latency, uint32_t base) : latency_(latency), base_(base) {
        sim->lookup_valid = 0;
        sim->csr_wr = 0;
        sim->csr_rd = 0;
        sim->csr_addr = 0;
        sim->csr_wdata = 0;
    }

    Sim<Model> sim;
    // The answers a lookup of `key` may get now; set by the test from its reference.
    std::function<std::vector<Answer>(const BigInt&)> allowed;
    // Keys of the lookups that flow while `flowing` is set.
    std::function<BigInt()> nextKey;
    bool flowing = false;
    uint64_t checked = 0, hits = 0, misses = 0;

    // One clock: an optional CSR write or read strobe, a lookup when flowing.
    void cycle(const tables::CsrWrite* w = nullptr, const uint32_t* readAddr = nullptr) {
        sim->csr_wr = w != nullptr;
        sim->csr_rd = readAddr != nullptr;
        if (w) {
            sim->csr_addr = base_ + w->addr;
            sim->csr_wdata = w->value;
        }
        if (readAddr) sim->csr_addr = base_ + *readAddr;
        sim->lookup_valid = flowing;
        if (flowing) {
            const BigInt key = nextKey();
            setBits(sim->lookup_key, key);
            inflight_.push_back({key, allowed(key), sim.cycles()});
        }
        sim.tick();
        sim->csr_wr = 0;
        sim->csr_rd = 0;
        collect();
    }
    void write(const tables::CsrWrite& w) { cycle(&w); }
    void write(const tables::CsrWrites& ws, int gap = 0) {
        for (const tables::CsrWrite& w : ws) {
            write(w);
            for (int i = 0; i < gap; ++i) cycle();
        }
    }
    uint32_t read(uint32_t addr) {
        cycle(nullptr, &addr);
        return sim->csr_rdata;
    }
    // Lets the pipeline empty (lookups stop).
    void drain() {
        flowing = false;
        for (int i = 0; i < latency_ + 2; ++i) cycle();
        EXPECT_TRUE(inflight_.empty());
    }
    uint64_t counter(uint32_t lo) {
        const uint64_t l = read(lo);
        return (uint64_t(read(lo + 4)) << 32) | l;
    }

  private:
    struct Pending {
        BigInt key;
        std::vector<Answer> allowed;
        uint64_t issued;
    };
    void collect() {
        if (!sim->result_valid) return;
        ASSERT_FALSE(inflight_.empty()) << "a result without a lookup";
        const Pending p = inflight_.front();
        inflight_.pop_front();
        ASSERT_EQ(sim.cycles() - p.issued, uint64_t(latency_)) << "latency";
        Answer got{bool(sim->result_hit), uint32_t(sim->result_action), getBits(sim->result_data)};
        bool ok = false;
        for (const Answer& a : p.allowed) ok = ok || a == got;
        ASSERT_TRUE(ok) << "key " << std::hex << p.key << ": got " << got << ", expected "
                        << p.allowed.front() << (p.allowed.size() > 1 ? " or " : "")
                        << (p.allowed.size() > 1 ? p.allowed.back() : Answer{});
        ++checked;
        ++(got.hit ? hits : misses);
    }

    int latency_;
    uint32_t base_;
    std::deque<Pending> inflight_;
};

}  // namespace hop::rtltest

// --- exact and direct tables: the same test, the block's geometry and latency differ ----------
#include <map>

#include "runtime/tables/exact.hpp"

namespace hop::rtltest {

inline BigInt randomBits(std::mt19937_64& rng, int width) {
    BigInt k = 0;
    for (int i = 0; i < width; i += 64) k = (k << 64) | BigInt(rng());
    return k & ((BigInt(1) << width) - 1);
}

// What the test expects of an exact table: a map, written without the driver.
struct ExactRef {
    std::map<BigInt, Answer> entries;
    Answer deflt;
    Answer operator()(const BigInt& key) const {
        auto it = entries.find(key);
        return it == entries.end() ? deflt : it->second;
    }
};

template <typename Model>
void runExactTableTest(const tables::TableGeometry& g, int latency, uint32_t base, uint64_t seed) {
    using tables::CommitOp;
    using tables::CsrWrite;
    using tables::TableGeometry;
    TableBench<Model> b(latency, base);
    tables::ExactTable t(g);
    std::mt19937_64 rng(seed);
    ExactRef before, after;
    b.allowed = [&](const BigInt& key) { return std::vector<Answer>{before(key), after(key)}; };

    // The init walk clears the table; INFO says when it is done.
    int waited = 0;
    while ((b.read(TableGeometry::kInfo) >> 23) & 1) ASSERT_LT(++waited, g.depth + 10);
    const uint32_t info = b.read(TableGeometry::kInfo);
    EXPECT_EQ(info >> 24, uint32_t(g.kind));
    EXPECT_EQ(info & 0x7fffff, uint32_t(g.depth));

    // Default action, written and read back.
    after.deflt = {false, uint32_t(rng() % (1u << g.actionWidth)), randomBits(rng, g.paramWidth)};
    b.write(t.setDefault(after.deflt.action, after.deflt.data));
    before = after;
    b.write({TableGeometry::kCommit, tables::commitWord(CommitOp::ReadDefault, 0)});
    EXPECT_EQ(b.read(TableGeometry::kStgAction), after.deflt.action);

    // Load through the driver's writes: to 85% (a 1-slot cuckoo table fills only to ~50%).
    const int loadPct = g.kind == tables::TableKind::Exact && g.slots == 1 ? 40 : 85;
    std::vector<BigInt> keys;
    std::string error;
    auto randomAnswer = [&] {
        return Answer{true, uint32_t(rng() % (1u << g.actionWidth)), randomBits(rng, g.paramWidth)};
    };
    while (t.size() < size_t(g.depth * loadPct / 100)) {
        const BigInt key = randomBits(rng, g.keyWidth);
        if (after.entries.count(key)) continue;
        const Answer a = randomAnswer();
        auto w = t.insert(key, a.action, a.data, error);
        ASSERT_TRUE(w) << error;
        after.entries[key] = a;
        keys.push_back(key);
        b.write(*w);
        before = after;
    }

    // Back-to-back lookups, hits and misses, counters.
    b.write({TableGeometry::kHitLo, 0});
    b.write({TableGeometry::kMissLo, 0});
    b.hits = b.misses = 0;
    b.nextKey = [&] { return rng() % 2 ? keys[rng() % keys.size()] : randomBits(rng, g.keyWidth); };
    b.flowing = true;
    for (int i = 0; i < 3000; ++i) b.cycle();
    b.drain();
    EXPECT_GT(b.hits, 1000u);
    EXPECT_GT(b.misses, 100u);
    EXPECT_EQ(b.counter(TableGeometry::kHitLo), b.hits);
    EXPECT_EQ(b.counter(TableGeometry::kMissLo), b.misses);

    // Read-back of every entry through the staging registers.
    for (uint32_t i = 0; i < uint32_t(g.depth); ++i) {
        b.write({TableGeometry::kCommit, tables::commitWord(CommitOp::Read, i)});
        b.cycle();
        b.cycle();
        const auto& s = t.slot(i);
        ASSERT_EQ(b.read(TableGeometry::kStgCtrl), s.used ? 1u : 0u) << "entry " << i;
        if (!s.used) continue;
        EXPECT_EQ(b.read(TableGeometry::kStgAction), s.action);
        BigInt params = 0, key = 0;
        for (int w = g.paramWords() - 1; w >= 0; --w)
            params = (params << 32) | b.read(g.stgParam(w));
        for (int w = g.keyWords() - 1; w >= 0; --w) key = (key << 32) | b.read(g.stgKey(w));
        EXPECT_EQ(params, s.params);
        if (g.keyWords()) EXPECT_EQ(key, tables::fromWords(s.key));
    }

    // Updates while a lookup enters every clock: each result is the old or the new answer.
    BigInt hot = 0;
    b.nextKey = [&] {
        const int r = rng() % 10;
        if (r < 4) return hot;
        if (r < 8 && !keys.empty()) return keys[rng() % keys.size()];
        return randomBits(rng, g.keyWidth);
    };
    b.hits = b.misses = 0;
    uint64_t hits0 = b.counter(TableGeometry::kHitLo), misses0 = b.counter(TableGeometry::kMissLo);
    b.flowing = true;
    int inserts = 0, deletes = 0, modifies = 0;
    for (int op = 0; op < 600; ++op) {
        std::optional<tables::CsrWrites> w;
        const int kind = rng() % 3;
        if (kind == 0 && t.size() < size_t(g.depth * 9 / 10)) {
            hot = randomBits(rng, g.keyWidth);
            const Answer a = randomAnswer();
            w = t.insert(hot, a.action, a.data, error);
            if (!w) continue;  // duplicate or full: nothing written
            after.entries[hot] = a;
            keys.push_back(hot);
            ++inserts;
        } else if (kind == 1 && !keys.empty()) {
            const size_t i = rng() % keys.size();
            hot = keys[i];
            keys.erase(keys.begin() + std::ptrdiff_t(i));
            w = t.erase(hot, error);
            ASSERT_TRUE(w) << error;
            after.entries.erase(hot);
            ++deletes;
        } else if (!keys.empty()) {
            hot = keys[rng() % keys.size()];
            const Answer a = randomAnswer();
            w = t.modify(hot, a.action, a.data, error);
            ASSERT_TRUE(w) << error;
            after.entries[hot] = a;
            ++modifies;
        } else {
            continue;
        }
        b.write(*w, int(rng() % 3));
        before = after;
        for (int i = int(rng() % 4); i > 0; --i) b.cycle();
    }
    b.drain();
    std::printf("%llu lookups checked; updates: %d inserts, %d deletes, %d modifies, %llu moves\n",
                static_cast<unsigned long long>(b.checked), inserts, deletes, modifies,
                static_cast<unsigned long long>(t.moves()));
    EXPECT_GT(inserts + deletes + modifies, 300);
    EXPECT_EQ(b.counter(TableGeometry::kHitLo) - hits0, b.hits);
    EXPECT_EQ(b.counter(TableGeometry::kMissLo) - misses0, b.misses);
    // Counter clear.
    b.write({TableGeometry::kHitLo, 0});
    EXPECT_EQ(b.counter(TableGeometry::kHitLo), 0u);
}

}  // namespace hop::rtltest
