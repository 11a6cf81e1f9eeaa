// SPDX-License-Identifier: Apache-2.0
// hopd's hardware shadow (runtime/hopd/hw_shadow.hpp) on router.p4's tables: the words it
// expects are the LPM driver's image and the entries committed to the small blocks; an LPM
// block's words are held flat (a few bytes each); save() / restore() give the same shadow back
// and refuse a damaged or foreign snapshot without changing it.
#include "runtime/hopd/hw_shadow.hpp"

#include <gtest/gtest.h>

#include <random>

#include "runtime/tables/loader.hpp"
#include "runtime/tables/lpm.hpp"
#include "runtime/tables/lpm_table.hpp"
#include "source/diagnostics.hpp"
#include "tests/hopd/router_program.hpp"

namespace hop::hopd {
namespace {

struct Words {
    std::vector<std::pair<HwShadow::WordRef, std::vector<uint32_t>>> all;
};

Words wordsOf(const HwShadow& shadow) {
    Words w;
    for (size_t b = 0; b < shadow.map().tables.size(); ++b) {
        shadow.forEachWord(b, [&](const HwShadow::WordRef& ref, std::span<const uint32_t> data) {
            w.all.emplace_back(ref, std::vector<uint32_t>(data.begin(), data.end()));
        });
    }
    return w;
}

class HwShadowTest : public ::testing::Test {
  protected:
    HwShadowTest() : program_(testing::routerTables()), map_(build(program_, 16384)) {
        for (size_t i = 0; i < map_.tables.size(); ++i) {
            if (map_.tables[i].kind == regmap::TableKind::Lpm) lpmBlock_ = i;
            if (map_.tables[i].name.ends_with("port_mac")) macBlock_ = i;
        }
    }
    static regmap::RegMap build(ir::Program& program, uint64_t lpmSize) {
        for (auto& t : program.tables) {
            if (t.localName == "ipv4_lpm") t.size = lpmSize;
        }
        Diagnostics diags;
        auto map = regmap::build(program, 512, diags);
        if (!map) throw std::runtime_error("regmap::build failed");
        return *map;
    }
    ir::TableId table(const std::string& local) const {
        for (size_t i = 0; i < program_.tables.size(); ++i) {
            if (program_.tables[i].localName == local) return static_cast<ir::TableId>(i);
        }
        return -1;
    }
    // `count` random routes (some one by one, the rest in one bulk update) and port MACs, each
    // command's writes observed.
    void load(tables::PipelineLoader& loader, HwShadow& shadow, int count, uint32_t seed) {
        std::mt19937 rng(seed);
        std::string error;
        shadow.observe(loader.initial());
        std::vector<tables::Entry> bulk;
        for (int i = 0; i < count; ++i) {
            tables::Command c;
            c.entry.table = table("ipv4_lpm");
            // Under a few /12s, as a routing table's prefixes cluster.
            const int length = 12 + static_cast<int>(rng() % 21);
            const uint32_t mask = length == 32 ? ~0u : ~(~0u >> length);
            ir::Match m;
            m.kind = ir::Match::Kind::Lpm;
            m.prefixLen = length;
            m.mask = mask;
            m.value = ((0xcb000000u | (rng() % 4) << 20) | (rng() & 0xfffffu)) & mask;
            c.entry.keys.push_back(m);
            c.entry.action.action = program_.tables[table("ipv4_lpm")].actions[0].action;
            c.entry.action.args = {tables::BigInt(1 + rng() % 100)};
            if (i % 2) {
                bulk.push_back(c.entry);
                continue;
            }
            auto writes = loader.apply(c, error);
            if (writes) shadow.observe(*writes);  // (a duplicate prefix is refused: skipped)
        }
        // Drop the bulk's duplicates the loader would refuse.
        std::vector<tables::Entry> unique;
        for (auto& e : bulk) {
            bool dup = loader.logicalTable(table("ipv4_lpm"))->find(e) != nullptr;
            for (const auto& u : unique) dup = dup || tables::sameMatch(u, e);
            if (!dup) unique.push_back(std::move(e));
        }
        auto writes = loader.addMany(table("ipv4_lpm"), std::move(unique), error);
        ASSERT_TRUE(writes) << error;
        shadow.observe(*writes);
        for (int port = 0; port < 8; ++port) {
            tables::Command c;
            c.entry.table = table("port_mac");
            ir::Match m;
            m.kind = ir::Match::Kind::Exact;
            m.value = port;
            c.entry.keys.push_back(m);
            c.entry.action.action = program_.tables[table("port_mac")].actions[0].action;
            c.entry.action.args = {tables::BigInt(0x020000000100ull + port)};
            auto w = loader.apply(c, error);
            ASSERT_TRUE(w) << error;
            shadow.observe(*w);
        }
    }

    ir::Program program_;
    regmap::RegMap map_;
    size_t lpmBlock_ = 0, macBlock_ = 0;
};

TEST_F(HwShadowTest, ExpectsTheLpmImageAndTheEntriesHeldFlat) {
    tables::PipelineLoader loader(program_, map_);
    ASSERT_TRUE(loader.ok()) << loader.error();
    HwShadow shadow(map_);
    load(loader, shadow, 6000, 1);
    const tables::LpmTable* lpm = loader.lpmTable(table("ipv4_lpm"));
    ASSERT_NE(lpm, nullptr);
    // The hardware's lookup walk over the words the shadow expects (zero where hopd committed
    // nothing, as the RAMs come out of reset) finds what the driver's image finds.
    size_t checked = 0, hits = 0;
    const auto fromShadow = [&](int mem, uint32_t addr) {
        auto want = shadow.expected({lpmBlock_, (uint32_t(mem) << 24) | addr});
        ++checked;
        return want ? *want : std::vector<uint32_t>(4, 0);
    };
    std::mt19937 rng(5);
    for (int i = 0; i < 20000; ++i) {
        const uint32_t key = (0xcb000000u | (rng() % 4) << 20) | (rng() & 0xfffffu);
        const auto want = lpm->image().lookup(key);
        EXPECT_EQ(lpm->image().lookupIn(key, fromShadow), want) << std::hex << key;
        hits += want.has_value();
    }
    EXPECT_GT(hits, 10000u);
    // The port MACs: one entry word each (ctrl bit 0: valid).
    size_t macs = 0;
    shadow.forEachWord(macBlock_, [&](const HwShadow::WordRef& ref, std::span<const uint32_t> d) {
        if (ref.where != HwShadow::kDefault && !d.empty() && (d[0] & 1)) ++macs;
    });
    EXPECT_EQ(macs, 8u);
    // Words in index order, counted once.
    const Words all = wordsOf(shadow);
    EXPECT_EQ(all.all.size(), shadow.size());
    for (size_t i = 1; i < all.all.size(); ++i) EXPECT_LT(all.all[i - 1].first, all.all[i].first);
    EXPECT_FALSE(shadow.expected({lpmBlock_, (1u << 24) | 0xfffffu}));
    // Flat: a few bytes per word (a map node and a vector per word cost about 100).
    EXPECT_LT(shadow.memoryBytes(), 40 * shadow.size()) << shadow.memoryBytes();
}

TEST_F(HwShadowTest, SaveAndRestoreGiveTheSameShadow) {
    tables::PipelineLoader loader(program_, map_);
    HwShadow shadow(map_);
    load(loader, shadow, 3000, 2);
    tables::SnapshotWriter out;
    shadow.save(out);
    HwShadow restored(map_);
    tables::SnapshotReader in(out.bytes());
    std::string error;
    ASSERT_TRUE(restored.restore(in, error)) << error;
    EXPECT_TRUE(in.atEnd());
    EXPECT_EQ(restored.size(), shadow.size());
    const Words a = wordsOf(shadow), b = wordsOf(restored);
    ASSERT_EQ(a.all.size(), b.all.size());
    for (size_t i = 0; i < a.all.size(); ++i) {
        EXPECT_EQ(a.all[i].first, b.all[i].first);
        EXPECT_EQ(a.all[i].second, b.all[i].second);
    }
    // The staging registers came back too: the same later writes give the same words.
    std::string why;
    tables::Command c;
    c.entry.table = table("ipv4_lpm");
    ir::Match m;
    m.kind = ir::Match::Kind::Lpm;
    m.prefixLen = 24;
    m.mask = 0xffffff00u;
    m.value = 0xcb007100u;
    c.entry.keys.push_back(m);
    c.entry.action.action = program_.tables[table("ipv4_lpm")].actions[0].action;
    c.entry.action.args = {tables::BigInt(7)};
    auto writes = loader.apply(c, why);
    ASSERT_TRUE(writes) << why;
    EXPECT_EQ(shadow.observe(*writes), restored.observe(*writes));
    // The same writes again (the same words): only the last `keep` committed words returned.
    const auto all = shadow.observe(*writes);
    ASSERT_GE(all.size(), 2u);
    EXPECT_EQ(restored.observe(*writes, 2), std::vector(all.end() - 2, all.end()));
    EXPECT_TRUE(restored.observe(*writes, 0).empty());
    const Words a2 = wordsOf(shadow), b2 = wordsOf(restored);
    ASSERT_EQ(a2.all.size(), b2.all.size());
    for (size_t i = 0; i < a2.all.size(); ++i) EXPECT_EQ(a2.all[i], b2.all[i]);
}

TEST_F(HwShadowTest, RestoreRefusesADamagedOrForeignSnapshot) {
    tables::PipelineLoader loader(program_, map_);
    HwShadow shadow(map_);
    load(loader, shadow, 500, 3);
    tables::SnapshotWriter out;
    shadow.save(out);
    const std::string good = out.bytes();
    auto refused = [&](const std::string& bytes, const regmap::RegMap& map) {
        HwShadow target(map);
        const size_t before = target.size();
        tables::SnapshotReader in(bytes);
        std::string error;
        const bool ok = target.restore(in, error);
        if (!ok) {
            EXPECT_EQ(target.size(), before);  // unchanged
            EXPECT_FALSE(error.empty());
        }
        return !ok;
    };
    EXPECT_FALSE(refused(good, map_));
    EXPECT_TRUE(refused(good.substr(0, good.size() / 2), map_));
    EXPECT_TRUE(refused(good.substr(0, good.size() - 1), map_));
    EXPECT_TRUE(refused("XXXX" + good.substr(4), map_));
    std::string lastCount = good;  // the word count at the end says one more
    lastCount[lastCount.size() - 8] ^= 1;
    EXPECT_TRUE(refused(lastCount, map_));
    // Another register map: an LPM block of another size.
    ir::Program other = testing::routerTables();
    EXPECT_TRUE(refused(good, build(other, 1 << 20)));
}

}  // namespace
}  // namespace hop::hopd
