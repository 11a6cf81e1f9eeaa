// SPDX-License-Identifier: Apache-2.0
// Lpm::save / restore: a restored Lpm has the saved one's image word for word and makes the same
// writes for any later updates; a truncated, damaged or foreign snapshot is an error that leaves
// the target as it was.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "runtime/tables/lpm.hpp"
#include "runtime/tables/snapshot.hpp"

namespace {

using hop::tables::Lpm;
using hop::tables::LpmConfig;
using hop::tables::LpmKey;
using hop::tables::LpmRoute;
using hop::tables::LpmWordWrite;
using hop::tables::SnapshotReader;
using hop::tables::SnapshotWriter;

LpmConfig smallConfig() { return LpmConfig::forSize(32, {8, 4, 4, 8, 8}, 3000, 12); }

LpmRoute randomRoute(std::mt19937_64& rng) {
    // Lengths across every level, clustered keys so nodes share paths.
    const int len = static_cast<int>(rng() % 33);
    uint32_t v = static_cast<uint32_t>(rng()) & 0x0f0fffffu;
    v = len == 0 ? 0 : v & (~uint32_t{0} << (32 - len));
    return {LpmKey{v}, len, rng() % 4096};
}

// Every word of every memory (up to its capacity), and the prefixes in routes() order.
void expectSame(const Lpm& a, const Lpm& b) {
    ASSERT_EQ(a.prefixCount(), b.prefixCount());
    const auto ia = a.memoryInfo(), ib = b.memoryInfo();
    ASSERT_EQ(ia.size(), ib.size());
    for (size_t m = 0; m < ia.size(); ++m) {
        EXPECT_EQ(ia[m].usedWords, ib[m].usedWords) << ia[m].name;
        for (uint32_t addr = 0; addr < ia[m].capacityWords; ++addr)
            ASSERT_EQ(a.word(int(m), addr), b.word(int(m), addr)) << "mem " << m << " @" << addr;
    }
    const auto ra = a.routes(), rb = b.routes();
    ASSERT_EQ(ra.size(), rb.size());
    for (size_t i = 0; i < ra.size(); ++i) {
        EXPECT_TRUE(ra[i].value == rb[i].value && ra[i].length == rb[i].length &&
                    ra[i].result == rb[i].result)
            << i;
    }
}

// The same random command on both; their writes and statuses must agree.
void step(Lpm& a, Lpm& b, std::mt19937_64& rng, std::vector<LpmRoute>& live) {
    std::vector<LpmWordWrite> wa, wb;
    const int what = static_cast<int>(rng() % 100);
    if (what < 55 || live.empty()) {
        const LpmRoute r = randomRoute(rng);
        const bool had = a.find(r.value, r.length).has_value();
        const auto sa = a.insert(r.value, r.length, r.result, &wa);
        const auto sb = b.insert(r.value, r.length, r.result, &wb);
        ASSERT_EQ(sa.code, sb.code);
        if (sa && !had) live.push_back(r);
    } else if (what < 98) {
        const size_t i = rng() % live.size();
        const LpmRoute r = live[i];
        const auto sa = a.erase(r.value, r.length, &wa);
        const auto sb = b.erase(r.value, r.length, &wb);
        ASSERT_EQ(sa.code, sb.code);
        live.erase(live.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
        auto routes = a.routes();
        for (int i = 0; i < 50; ++i) routes.push_back(randomRoute(rng));
        const auto sa = a.rebuild(routes, &wa);
        const auto sb = b.rebuild(routes, &wb);
        ASSERT_EQ(sa.code, sb.code);
        if (sa) {
            live.clear();
            for (const auto& r : a.routes()) live.push_back(r);
        }
    }
    ASSERT_EQ(wa, wb);
}

// A table with a history: a bulk rebuild, then inserts and erases (free lists, quarantine).
Lpm withHistory(std::mt19937_64& rng, std::vector<LpmRoute>& live) {
    Lpm lpm(smallConfig());
    std::vector<LpmRoute> routes;
    for (int i = 0; i < 1200; ++i) routes.push_back(randomRoute(rng));
    EXPECT_TRUE(lpm.rebuild(routes, nullptr));
    for (const auto& r : lpm.routes()) live.push_back(r);
    for (int i = 0; i < 800; ++i) {
        const LpmRoute r = randomRoute(rng);
        if (rng() % 3 == 0 && !live.empty()) {
            const size_t j = rng() % live.size();
            EXPECT_TRUE(lpm.erase(live[j].value, live[j].length));
            live.erase(live.begin() + static_cast<std::ptrdiff_t>(j));
        } else if (const bool had = lpm.find(r.value, r.length).has_value();
                   lpm.insert(r.value, r.length, r.result) && !had) {
            live.push_back(r);
        }
    }
    return lpm;
}

TEST(LpmSnapshot, RestoredTableWritesWhatTheSavedOneWrites) {
    for (uint64_t seed = 1; seed <= 3; ++seed) {
        std::mt19937_64 rng(seed);
        std::vector<LpmRoute> live;
        Lpm saved = withHistory(rng, live);
        SnapshotWriter out;
        saved.save(out);
        Lpm restored(smallConfig());
        SnapshotReader in(out.bytes());
        std::string error;
        ASSERT_TRUE(restored.restore(in, error)) << error;
        EXPECT_TRUE(in.atEnd());
        expectSame(saved, restored);
        for (int i = 0; i < 1500; ++i) {
            ASSERT_NO_FATAL_FAILURE(step(saved, restored, rng, live))
                << "seed " << seed << " step " << i;
        }
        expectSame(saved, restored);
        for (uint32_t k = 0; k < 5000; ++k) {
            const LpmKey key{static_cast<uint32_t>(rng()) & 0x0f0fffffu};
            ASSERT_EQ(saved.lookup(key), restored.lookup(key));
        }
    }
}

TEST(LpmSnapshot, EmptyTableRoundTrips) {
    Lpm a(smallConfig());
    SnapshotWriter out;
    a.save(out);
    Lpm b(smallConfig());
    ASSERT_TRUE(b.insert(LpmKey{0x0a000000u}, 8, 5));
    SnapshotReader in(out.bytes());
    std::string error;
    ASSERT_TRUE(b.restore(in, error)) << error;
    EXPECT_EQ(b.prefixCount(), 0u);
    expectSame(a, b);
}

TEST(LpmSnapshot, DamagedSnapshotsAreErrorsAndChangeNothing) {
    std::mt19937_64 rng(7);
    std::vector<LpmRoute> live;
    Lpm saved = withHistory(rng, live);
    SnapshotWriter out;
    saved.save(out);
    const std::string good = out.bytes();

    Lpm target(smallConfig());
    ASSERT_TRUE(target.insert(LpmKey{0x0a000000u}, 8, 5));
    const Lpm reference = [] {
        Lpm r(smallConfig());
        EXPECT_TRUE(r.insert(LpmKey{0x0a000000u}, 8, 5));
        return r;
    }();
    auto refused = [&](const std::string& bytes) {
        SnapshotReader in(bytes);
        std::string error;
        const bool ok = target.restore(in, error);
        return !ok && !error.empty();
    };
    // Cut anywhere.
    std::set<size_t> cuts = {0, 1, 4, 5, 12, good.size() - 1, good.size() - 8};
    for (int i = 0; i < 60; ++i) cuts.insert(rng() % good.size());
    for (size_t cut : cuts) EXPECT_TRUE(refused(good.substr(0, cut))) << "cut at " << cut;
    // One byte changed anywhere (the counts of sequences included: no huge allocation).
    for (int i = 0; i < 300; ++i) {
        std::string bad = good;
        const size_t at = rng() % bad.size();
        bad[at] = static_cast<char>(bad[at] ^ (1 + rng() % 255));
        EXPECT_TRUE(refused(bad)) << "byte " << at;
    }
    // A sequence count turned huge (the first one after the tag: the geometry's).
    std::string huge = good;
    for (int i = 0; i < 8; ++i) huge[4 + i] = static_cast<char>(0xff);
    EXPECT_TRUE(refused(huge));
    // Another geometry.
    Lpm other(LpmConfig::forSize(32, {8, 8, 8, 8}, 3000, 12));
    {
        SnapshotReader in(good);
        std::string error;
        EXPECT_FALSE(other.restore(in, error));
        EXPECT_NE(error.find("geometry"), std::string::npos) << error;
    }
    expectSame(target, reference);
}

}  // namespace
