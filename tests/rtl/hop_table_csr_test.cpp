// SPDX-License-Identifier: Apache-2.0
// hop_table_csr, the CSR front end of the exact, direct and ternary table blocks:
//   - its word offsets, span and COMMIT op codes (public in the Verilated model) equal
//     runtime/tables/table_csr.hpp's, the one check that keeps the two sides of the map equal;
//   - random CSR traffic (writes and reads of every word, other windows, COMMIT with every op,
//     read-back loads, lookups counted, busy, resets) against a reference model written from the
//     C++ map: every strobe, staging output, default register and read word, every cycle.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include FE_CLASS_HEADER
#include FE_ROOT_HEADER
#include VMODEL_HEADER
#include "table_bench.hpp"

namespace {

using hop::rtltest::BigInt;
using hop::rtltest::getBits;
using hop::rtltest::randomBits;
using hop::rtltest::setBits;
using hop::tables::CommitOp;
using hop::tables::TableGeometry;
using hop::tables::TableKind;

constexpr int kKeys = FE_KEYS;

TableGeometry geometry() {
    TableGeometry g;
    g.kind = kKeys == 0 ? TableKind::Direct : kKeys == 1 ? TableKind::Exact : TableKind::Ternary;
    g.keyWidth = FE_KEY_W;
    g.actionWidth = FE_ACTION_W;
    g.paramWidth = FE_PARAM_W;
    g.depth = FE_DEPTH;
    return g;
}

BigInt mask(int width) { return (BigInt(1) << width) - 1; }

TEST(TableCsr, OffsetsEqualTheRuntimeMap) {
    using Fe = FE_CLASS;
    const TableGeometry g = geometry();
    EXPECT_EQ(uint32_t(FE_KIND), uint32_t(g.kind));
    EXPECT_EQ(4 * Fe::W_COMMIT, TableGeometry::kCommit);
    EXPECT_EQ(4 * Fe::W_INFO, TableGeometry::kInfo);
    EXPECT_EQ(4 * Fe::W_HIT_LO, TableGeometry::kHitLo);
    EXPECT_EQ(4 * Fe::W_HIT_HI, TableGeometry::kHitHi);
    EXPECT_EQ(4 * Fe::W_MISS_LO, TableGeometry::kMissLo);
    EXPECT_EQ(4 * Fe::W_MISS_HI, TableGeometry::kMissHi);
    EXPECT_EQ(4 * Fe::W_STG_CTRL, TableGeometry::kStgCtrl);
    EXPECT_EQ(4 * Fe::W_STG_ACTION, TableGeometry::kStgAction);
    EXPECT_EQ(4 * Fe::W_STG_PARAM, g.stgParam(0));
    if (kKeys >= 1) {
        EXPECT_EQ(4 * Fe::W_STG_KEY, g.stgKey(0));
    }
    if (kKeys == 2) {
        EXPECT_EQ(4 * Fe::W_STG_MASK, g.stgMask(0));
    }
    EXPECT_EQ(Fe::NWORDS, uint32_t(g.words()));
    EXPECT_EQ(Fe::SPAN, g.span());
    EXPECT_EQ(uint32_t(Fe::OP_WRITE), uint32_t(CommitOp::Write));
    EXPECT_EQ(uint32_t(Fe::OP_SET_DEFAULT), uint32_t(CommitOp::SetDefault));
    EXPECT_EQ(uint32_t(Fe::OP_READ), uint32_t(CommitOp::Read));
    EXPECT_EQ(uint32_t(Fe::OP_READ_DEFAULT), uint32_t(CommitOp::ReadDefault));
}

// The front end as the C++ map describes it.
struct Ref {
    struct In {
        bool rst = false, wr = false, rd = false;
        uint32_t addr = 0, wdata = 0;
        bool rbLoad = false, rbValid = false;
        uint32_t rbAction = 0;
        BigInt rbParams, rbKey, rbMask;
        bool countValid = false, countHit = false, busy = false;
    };

    explicit Ref(const TableGeometry& geom) : g(geom), stg(geom.words() - 6, 0) {}

    TableGeometry g;
    std::vector<uint32_t> stg;  // word i at byte offset kStgCtrl + 4 i
    uint32_t defAction = FE_DEFAULT_ACTION;
    BigInt defParams = 0;
    uint64_t hits = 0, misses = 0;
    uint32_t snap = 0, rdata = 0;

    bool selected(uint32_t addr) const { return (addr & ~(g.span() - 1)) == FE_BASE; }
    uint32_t offset(uint32_t addr) const { return addr & (g.span() - 1) & ~3u; }
    bool commit(const In& in) const {
        return in.wr && selected(in.addr) && offset(in.addr) == TableGeometry::kCommit;
    }
    bool commitOp(const In& in, CommitOp op) const {
        return commit(in) && (in.wdata >> 30) == uint32_t(op);
    }
    uint32_t commitIndex(const In& in) const { return in.wdata & ((1u << FE_INDEX_W) - 1); }

    BigInt field(uint32_t off, int width) const {
        BigInt v = 0;
        const int first = int(off - TableGeometry::kStgCtrl) / 4;
        for (int i = (width + 31) / 32 - 1; i >= 0; --i) v = (v << 32) | stg[first + i];
        return v & mask(width);
    }
    void putField(std::vector<uint32_t>& words, uint32_t off, const BigInt& v, int width) const {
        const int first = int(off - TableGeometry::kStgCtrl) / 4;
        BigInt x = v & mask(width);
        for (int i = 0; i < (width + 31) / 32; ++i, x >>= 32)
            words[first + i] = static_cast<uint32_t>(x & 0xffffffffu);
    }
    bool stgValid() const { return stg[0] & 1; }
    uint32_t stgAction() const { return uint32_t(field(TableGeometry::kStgAction, g.actionWidth)); }
    BigInt stgParams() const { return field(g.stgParam(0), g.paramWidth); }
    BigInt stgKey() const { return kKeys >= 1 ? field(g.stgKey(0), g.keyWidth) : BigInt(0); }
    BigInt stgMask() const { return kKeys == 2 ? field(g.stgMask(0), g.keyWidth) : BigInt(0); }

    // One clock edge.
    void step(const In& in) {
        const bool wr = in.wr && selected(in.addr), rd = in.rd && selected(in.addr);
        const uint32_t off = offset(in.addr);
        std::vector<uint32_t> stgNext = stg;
        uint32_t defActionNext = defAction;
        BigInt defParamsNext = defParams;
        uint64_t hitsNext = hits + (in.countValid && in.countHit);
        uint64_t missesNext = misses + (in.countValid && !in.countHit);
        uint32_t snapNext = snap, rdataNext = 0;
        if (in.rbLoad) {
            std::fill(stgNext.begin(), stgNext.end(), 0);
            stgNext[0] = in.rbValid;
            putField(stgNext, TableGeometry::kStgAction, in.rbAction, g.actionWidth);
            putField(stgNext, g.stgParam(0), in.rbParams, g.paramWidth);
            if (kKeys >= 1) putField(stgNext, g.stgKey(0), in.rbKey, g.keyWidth);
            if (kKeys == 2) putField(stgNext, g.stgMask(0), in.rbMask, g.keyWidth);
        }
        if (wr) {
            if (off >= TableGeometry::kStgCtrl && off < TableGeometry::kStgCtrl + 4 * stg.size())
                stgNext[(off - TableGeometry::kStgCtrl) / 4] = in.wdata;
            if (off == TableGeometry::kHitLo) hitsNext = 0;
            if (off == TableGeometry::kMissLo) missesNext = 0;
        }
        if (commitOp(in, CommitOp::SetDefault)) {
            defActionNext = stgAction();
            defParamsNext = stgParams();
        }
        if (commitOp(in, CommitOp::ReadDefault)) {
            std::fill(stgNext.begin(), stgNext.end(), 0);
            putField(stgNext, TableGeometry::kStgAction, defAction, g.actionWidth);
            putField(stgNext, g.stgParam(0), defParams, g.paramWidth);
        }
        if (rd) {
            const uint32_t info = (uint32_t(FE_KIND) << 24) | (uint32_t(in.busy) << 23) |
                                  (uint32_t(FE_DEPTH) & 0x7fffff);
            if (off == TableGeometry::kInfo) rdataNext = info;
            if (off == TableGeometry::kHitLo) rdataNext = uint32_t(hits), snapNext = hits >> 32;
            if (off == TableGeometry::kMissLo)
                rdataNext = uint32_t(misses), snapNext = misses >> 32;
            if (off == TableGeometry::kHitHi || off == TableGeometry::kMissHi) rdataNext = snap;
            if (off >= TableGeometry::kStgCtrl && off < TableGeometry::kStgCtrl + 4 * stg.size())
                rdataNext = stg[(off - TableGeometry::kStgCtrl) / 4];
        }
        stg = stgNext;
        snap = snapNext;
        if (in.rst) {
            defAction = FE_DEFAULT_ACTION;
            defParams = 0;
            hits = misses = 0;
            rdata = 0;
        } else {
            defAction = defActionNext;
            defParams = defParamsNext;
            hits = hitsNext;
            misses = missesNext;
            rdata = rdataNext;
        }
    }
};

template <typename M>
void drive(M& m, const Ref::In& in) {
    m.rst = in.rst;
    m.csr_wr = in.wr;
    m.csr_rd = in.rd;
    m.csr_addr = in.addr;
    m.csr_wdata = in.wdata;
    m.rb_load = in.rbLoad;
    m.rb_valid = in.rbValid;
    m.rb_action = in.rbAction;
    setBits(m.rb_params, in.rbParams);
    setBits(m.rb_key, in.rbKey);
    setBits(m.rb_mask, in.rbMask);
    m.count_valid = in.countValid;
    m.count_hit = in.countHit;
    m.busy = in.busy;
}

TEST(TableCsr, RandomTrafficAgainstTheMap) {
    const TableGeometry g = geometry();
    hop::rtltest::Sim<VMODEL> sim;
    Ref ref(g);
    std::mt19937_64 rng(FE_SEED);
    auto chance = [&](int pct) { return int(rng() % 100) < pct; };
    const uint32_t span = g.span(), base = FE_BASE;

    // Staging and the counter snapshot are not reset: give them known values first.
    auto cycle = [&](const Ref::In& in) {
        drive(*sim.operator->(), in);
        sim.settle();
        sim.tick();
        ref.step(in);
    };
    for (size_t i = 0; i < ref.stg.size(); ++i) {
        Ref::In in;
        in.wr = true;
        in.addr = base + TableGeometry::kStgCtrl + 4 * uint32_t(i);
        in.wdata = uint32_t(rng());
        cycle(in);
    }
    {
        Ref::In in;
        in.rd = true;
        in.addr = base + TableGeometry::kHitLo;
        cycle(in);
    }
    // Now and then both counters are set just below a carry into their high word (in the
    // Verilated model's state and in the reference alike), so that HI latching is exercised.
    auto nearCarry = [&](uint64_t high) {
        sim->rootp->hop_table_csr->__PVT__hit_cnt_q = ref.hits = (high << 32) | 0xfffffff8u;
        sim->rootp->hop_table_csr->__PVT__miss_cnt_q = ref.misses =
            ((high + 1) << 32) | 0xfffffffau;
    };

    std::map<std::string, int> seen;
    for (int c = 0; c < 40000; ++c) {
        if (c % 500 == 0) nearCarry(rng() % 0x100000000ull);
        Ref::In in;
        in.rst = rng() % 4000 == 0;
        in.wr = chance(35);
        in.rd = chance(35);
        const int where = int(rng() % 100);
        if (where < 80) {  // a word of the map, or one beyond it inside the span
            const uint32_t words = std::min<uint32_t>(span / 4, ref.stg.size() + 8);
            in.addr = base + 4 * uint32_t(rng() % words) + (chance(10) ? uint32_t(rng() % 4) : 0);
        } else if (where < 90) {  // a neighbouring window
            in.addr = (base ^ (span << (rng() % 4))) + 4 * uint32_t(rng() % (span / 4));
        } else {
            in.addr = uint32_t(rng());
        }
        in.wdata = uint32_t(rng());
        in.rbLoad = chance(8);
        in.rbValid = chance(50);
        in.rbAction = uint32_t(randomBits(rng, g.actionWidth));
        in.rbParams = randomBits(rng, g.paramWidth);
        in.rbKey = randomBits(rng, g.keyWidth);
        in.rbMask = randomBits(rng, g.keyWidth);
        in.countValid = chance(60);
        in.countHit = chance(50);
        in.busy = chance(20);

        drive(*sim.operator->(), in);
        sim.settle();
        ASSERT_EQ(bool(sim->commit_write), ref.commitOp(in, CommitOp::Write)) << "cycle " << c;
        ASSERT_EQ(bool(sim->commit_read), ref.commitOp(in, CommitOp::Read)) << "cycle " << c;
        if (ref.commit(in)) {
            ASSERT_EQ(uint32_t(sim->commit_index), ref.commitIndex(in)) << "cycle " << c;
            ++seen["commit op " + std::to_string(in.wdata >> 30)];
        }
        if (in.rbLoad) ++seen["read-back load"];
        if (in.rst) ++seen["reset"];
        if (in.rd && ref.selected(in.addr))
            ++seen["read word " + std::to_string(ref.offset(in.addr) / 4)];
        const bool highRead = in.rd && ref.selected(in.addr) &&
                              (ref.offset(in.addr) == TableGeometry::kHitHi ||
                               ref.offset(in.addr) == TableGeometry::kMissHi);
        sim.tick();
        ref.step(in);

        ASSERT_EQ(uint32_t(sim->csr_rdata), ref.rdata) << "cycle " << c;
        if (highRead && ref.rdata != 0) ++seen["high word read"];
        ASSERT_EQ(bool(sim->stg_valid), ref.stgValid()) << "cycle " << c;
        ASSERT_EQ(uint32_t(sim->stg_action), ref.stgAction()) << "cycle " << c;
        ASSERT_EQ(getBits(sim->stg_params), ref.stgParams()) << "cycle " << c;
        ASSERT_EQ(getBits(sim->stg_key), ref.stgKey()) << "cycle " << c;
        ASSERT_EQ(getBits(sim->stg_mask), ref.stgMask()) << "cycle " << c;
        ASSERT_EQ(uint32_t(sim->def_action), ref.defAction) << "cycle " << c;
        ASSERT_EQ(getBits(sim->def_params), ref.defParams) << "cycle " << c;
    }
    // Every kind of event happened, and often.
    for (int op = 0; op < 4; ++op) EXPECT_GT(seen["commit op " + std::to_string(op)], 100) << op;
    for (uint32_t w = 0; w < uint32_t(g.words()); ++w)
        EXPECT_GT(seen["read word " + std::to_string(w)], 50) << "word " << w;
    EXPECT_GT(seen["read-back load"], 1000);
    EXPECT_GT(seen["reset"], 3);
    EXPECT_GT(seen["high word read"], 100);
}

}  // namespace
