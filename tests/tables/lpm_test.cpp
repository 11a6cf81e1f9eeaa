// SPDX-License-Identifier: Apache-2.0
// LPM node-image builder: incremental == rebuilt == a straightforward reference LPM on random
// prefix sets; the changed-words report is exactly what changed and every prefix of it is
// hitless; errors; and the full 2023 Internet table (901,899 IPv4 prefixes).
#include "runtime/tables/lpm.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <unordered_map>

#include "runtime/tables/lpm_routes.hpp"

namespace {

using hop::tables::Lpm;
using hop::tables::LpmConfig;
using hop::tables::LpmErrc;
using hop::tables::LpmKey;
using hop::tables::LpmRoute;
using hop::tables::LpmWordWrite;

LpmKey keyMask(int w) { return w == 128 ? ~LpmKey{0} : ((LpmKey{1} << w) - 1); }
LpmKey prefixMask(int w, int len) {
    if (len == 0) return 0;
    return len >= w ? keyMask(w) : (keyMask(w) & ~(keyMask(w) >> len));
}

struct KeyHash {
    size_t operator()(LpmKey k) const {
        uint64_t x =
            static_cast<uint64_t>(k) ^ (static_cast<uint64_t>(k >> 64) * 0x9e3779b97f4a7c15);
        x ^= x >> 31;
        x *= 0xbf58476d1ce4e5b9;
        return x ^ (x >> 29);
    }
};

// The straightforward LPM: one hash map per prefix length, longest length first.
class RefLpm {
  public:
    explicit RefLpm(int w) : w_(w), byLen_(w + 1) {}
    void set(LpmKey v, int len, uint64_t r) { byLen_[len][v] = r; }
    void erase(LpmKey v, int len) { byLen_[len].erase(v); }
    bool has(LpmKey v, int len) const { return byLen_[len].count(v) != 0; }
    std::optional<uint64_t> lookup(LpmKey key) const {
        for (int len = w_; len >= 0; --len) {
            auto it = byLen_[len].find(key & prefixMask(w_, len));
            if (it != byLen_[len].end()) return it->second;
        }
        return std::nullopt;
    }
    int matchLen(LpmKey key) const {
        for (int len = w_; len >= 0; --len)
            if (byLen_[len].count(key & prefixMask(w_, len))) return len;
        return -1;
    }
    std::vector<LpmRoute> routes() const {
        std::vector<LpmRoute> out;
        for (int len = 0; len <= w_; ++len)
            for (auto [v, r] : byLen_[len]) out.push_back({v, len, r});
        return out;
    }
    size_t size() const {
        size_t n = 0;
        for (auto& m : byLen_) n += m.size();
        return n;
    }

  private:
    int w_;
    std::vector<std::unordered_map<LpmKey, uint64_t, KeyHash>> byLen_;
};

// A second, independent reading of the documented image format (lpm.hpp), walking a shadow
// copy of the memories that only the reported writes change.
class ShadowImage {
  public:
    explicit ShadowImage(const Lpm& lpm) : lpm_(lpm), mem_(lpm.memories()) {
        for (int m = 0; m < lpm.memories(); ++m)
            mem_[m].assign(static_cast<size_t>(1) << lpm.addrBits(m),
                           std::vector<uint32_t>((lpm.wordBits(m) + 31) / 32, 0));
    }
    void apply(const LpmWordWrite& w) { mem_.at(w.mem).at(w.addr) = w.data; }
    bool equalsImage(std::string& why) const {
        for (int m = 0; m < lpm_.memories(); ++m) {
            const uint64_t cap = m == 0               ? (uint64_t{1} << lpm_.addrBits(0))
                                 : m == lpm_.levels() ? lpm_.config().resultCapacity
                                                      : lpm_.config().nodeCapacity[m];
            for (uint32_t a = 0; a < cap; ++a)
                if (mem_[m][a] != lpm_.word(m, a)) {
                    why = "mem " + std::to_string(m) + " addr " + std::to_string(a);
                    return false;
                }
        }
        return true;
    }
    std::optional<uint64_t> lookup(LpmKey key) const {
        const int L = lpm_.levels(), W = lpm_.config().keyWidth;
        const int RA = lpm_.addrBits(L);
        auto bits = [](const std::vector<uint32_t>& w, int off, int n) {
            uint64_t v = 0;
            for (int i = 0; i < n; ++i)
                v |= uint64_t((w[(off + i) / 32] >> ((off + i) % 32)) & 1) << i;
            return v;
        };
        auto chunk = [&](int k) {
            const int s = lpm_.config().strides[k];
            return static_cast<uint64_t>(key >> (W - lpm_.depth(k) - s)) & ((uint64_t{1} << s) - 1);
        };
        const auto& l0 = mem_[0][chunk(0)];
        const int a1 = lpm_.addrBits(1);
        bool hit = bits(l0, RA, 1);
        uint64_t best = bits(l0, 0, RA);
        bool go = bits(l0, RA + 1 + a1, 1);
        uint64_t ptr = bits(l0, RA + 1, a1);
        for (int k = 1; k < L && go; ++k) {
            const auto& n = mem_[k][ptr];
            const int s = lpm_.config().strides[k];
            const bool last = k == L - 1;
            const int ib = RA + (last ? 0 : lpm_.addrBits(k + 1));
            const int cb = ib + (1 << (s + 1)) - 2;
            const uint64_t c = chunk(k);
            for (int l = s; l >= 1; --l) {
                const int pos = (1 << l) - 2 + static_cast<int>(c >> (s - l));
                if (bits(n, ib + pos, 1)) {
                    hit = true;
                    best = bits(n, 0, RA);
                    for (int p = 0; p < pos; ++p) best += bits(n, ib + p, 1);
                    break;
                }
            }
            go = !last && bits(n, cb + static_cast<int>(c), 1);
            if (go) {
                ptr = bits(n, RA, lpm_.addrBits(k + 1));
                for (uint64_t p = 0; p < c; ++p) ptr += bits(n, cb + static_cast<int>(p), 1);
            }
        }
        if (!hit) return std::nullopt;
        return bits(mem_[L][best], 0, lpm_.config().resultWidth);
    }

  private:
    const Lpm& lpm_;
    std::vector<std::vector<std::vector<uint32_t>>> mem_;
};

// Prefixes that share their upper bits, so the trie has depth and nodes come and go.
struct PrefixGen {
    int w;
    std::mt19937_64 rng;
    std::vector<LpmKey> bases;
    PrefixGen(int width, uint64_t seed, int nBases) : w(width), rng(seed) {
        for (int i = 0; i < nBases; ++i) bases.push_back(randKey());
    }
    LpmKey randKey() {
        LpmKey k = (LpmKey{rng()} << 64) | rng();
        return k & keyMask(w);
    }
    LpmRoute next(uint64_t resultMask) {
        int len;
        const int r = static_cast<int>(rng() % 100);
        if (r < 5)
            len = static_cast<int>(rng() % (w / 3 + 1));
        else if (r < 15)
            len = static_cast<int>(rng() % (w + 1));
        else
            len = std::max(0, w - static_cast<int>(rng() % (w / 3 + 1)));
        LpmKey v = bases[rng() % bases.size()];
        // Vary some bits below the base's shared top.
        const int shared = static_cast<int>(rng() % (w / 2 + 1)) + w / 4;
        v = (v & prefixMask(w, std::min(shared, w))) |
            (randKey() & ~prefixMask(w, std::min(shared, w)));
        return {v & prefixMask(w, len), len, rng() & resultMask};
    }
};

struct Case {
    const char* name;
    int keyWidth;
    std::vector<int> strides;
    uint64_t size;
    int resultWidth;
};

class LpmRandom : public ::testing::TestWithParam<Case> {};

std::vector<LpmKey> probeKeys(const RefLpm& ref, PrefixGen& gen, int w, int n) {
    std::vector<LpmKey> keys;
    auto routes = ref.routes();
    for (int i = 0; i < n; ++i) {
        if (!routes.empty() && (i % 3) != 0) {
            const LpmRoute& r = routes[gen.rng() % routes.size()];
            LpmKey host = gen.randKey() & ~prefixMask(w, r.length);
            if (i % 3 == 1) host = (i & 8) ? 0 : (keyMask(w) & ~prefixMask(w, r.length));
            keys.push_back(r.value | host);
        } else {
            keys.push_back(gen.randKey());
        }
    }
    return keys;
}

TEST_P(LpmRandom, IncrementalEqualsRebuiltEqualsReference) {
    const Case c = GetParam();
    Lpm lpm(LpmConfig::forSize(c.keyWidth, c.strides, c.size, c.resultWidth));
    RefLpm ref(c.keyWidth);
    ShadowImage shadow(lpm);
    PrefixGen gen(c.keyWidth, 1234 + c.keyWidth, 12);
    const uint64_t resultMask = (uint64_t{1} << c.resultWidth) - 1;
    std::vector<LpmRoute> live;
    size_t ops = 0, writes = 0, hitlessChecks = 0;
    for (int step = 0; step < 3000; ++step) {
        std::vector<LpmWordWrite> w;
        const bool doErase = !live.empty() && (gen.rng() % 100) < (step < 1500 ? 30 : 55);
        std::vector<LpmKey> probe;
        const bool checkHitless = step % 7 == 0;
        std::vector<std::optional<uint64_t>> before;
        if (checkHitless) {
            probe = probeKeys(ref, gen, c.keyWidth, 48);
            for (LpmKey k : probe) before.push_back(ref.lookup(k));
        }
        if (doErase) {
            const size_t i = gen.rng() % live.size();
            const LpmRoute r = live[i];
            auto s = lpm.erase(r.value, r.length, &w);
            ASSERT_TRUE(s) << s.message;
            ref.erase(r.value, r.length);
            live[i] = live.back();
            live.pop_back();
        } else {
            const LpmRoute r = gen.next(resultMask);
            auto s = lpm.insert(r.value, r.length, r.result, &w);
            ASSERT_TRUE(s) << s.message;
            if (!ref.has(r.value, r.length)) live.push_back(r);
            ref.set(r.value, r.length, r.result);
        }
        ++ops;
        writes += w.size();
        // Apply the report one word at a time: every lookup sees the old or the new table.
        for (const auto& x : w) {
            shadow.apply(x);
            if (checkHitless) {
                for (size_t i = 0; i < probe.size(); ++i) {
                    auto got = shadow.lookup(probe[i]);
                    auto now = ref.lookup(probe[i]);
                    ASSERT_TRUE(got == before[i] || got == now)
                        << c.name << " step " << step << " write " << (&x - w.data()) << "/"
                        << w.size() << ": a lookup saw a half-made update: got "
                        << (got ? int64_t(*got) : -1) << " old "
                        << (before[i] ? int64_t(*before[i]) : -1) << " new "
                        << (now ? int64_t(*now) : -1);
                }
                ++hitlessChecks;
            }
        }
        ASSERT_EQ(lpm.prefixCount(), ref.size());
        if (step % 100 == 99 || step == 2999) {
            std::string why;
            ASSERT_TRUE(shadow.equalsImage(why))
                << c.name << " step " << step << ": image changed outside the report at " << why;
            Lpm rebuilt(LpmConfig::forSize(c.keyWidth, c.strides, c.size, c.resultWidth));
            auto routes = ref.routes();
            ASSERT_TRUE(rebuilt.build(routes));
            ASSERT_EQ(rebuilt.prefixCount(), ref.size());
            for (LpmKey k : probeKeys(ref, gen, c.keyWidth, 400)) {
                const auto want = ref.lookup(k);
                ASSERT_EQ(lpm.lookup(k), want)
                    << c.name << " step " << step << " len " << ref.matchLen(k);
                ASSERT_EQ(shadow.lookup(k), want);
                ASSERT_EQ(rebuilt.lookup(k), want);
            }
            for (const auto& r : routes) ASSERT_EQ(lpm.find(r.value, r.length), r.result);
        }
    }
    std::printf("[%s] %zu updates, %.1f words written per update, %zu hitless checks, %zu live\n",
                c.name, ops, double(writes) / ops, hitlessChecks, live.size());
}

INSTANTIATE_TEST_SUITE_P(
    Configs, LpmRandom,
    ::testing::Values(
        Case{"ipv4_12_4x5", 32, {12, 4, 4, 4, 4, 4}, 4096, 20},
        Case{"ipv4_8x4", 32, {8, 8, 8, 8}, 4096, 12},
        Case{"ipv4_4_7_7_7_7", 32, {4, 7, 7, 7, 7}, 4096, 20},
        Case{"key20_4x5", 20, {4, 4, 4, 4, 4}, 2048, 8},
        Case{"ipv6_16_8x14", 128, {16, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8}, 4096, 20}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(LpmErrors, ClearErrors) {
    Lpm lpm(LpmConfig::forSize(32, {12, 4, 4, 4, 4, 4}, 3, 20));
    auto s = lpm.insert(0x0a000000, 33, 1);
    EXPECT_EQ(s.code, LpmErrc::PrefixTooLong);
    EXPECT_NE(s.message.find("longer than the 32-bit key"), std::string::npos) << s.message;
    s = lpm.insert(0x0a000001, 24, 1);
    EXPECT_EQ(s.code, LpmErrc::HostBitsSet);
    EXPECT_NE(s.message.find("beyond the /24"), std::string::npos) << s.message;
    EXPECT_EQ(lpm.insert(LpmKey{1} << 32, 32, 1).code, LpmErrc::HostBitsSet);
    EXPECT_EQ(lpm.insert(0x0a000000, 8, uint64_t{1} << 20).code, LpmErrc::ValueTooWide);
    EXPECT_EQ(lpm.erase(0x0a000000, 8).code, LpmErrc::NotFound);
    ASSERT_TRUE(lpm.insert(0x0a000000, 8, 1));
    ASSERT_TRUE(lpm.insert(0x0a010000, 16, 2));
    ASSERT_TRUE(lpm.insert(0x0a010200, 24, 3));
    ASSERT_TRUE(lpm.insert(0x0a010200, 24, 4));  // a change, not a new prefix
    s = lpm.insert(0x0b000000, 8, 5);
    EXPECT_EQ(s.code, LpmErrc::TableFull);
    EXPECT_NE(s.message.find("size of 3"), std::string::npos) << s.message;
    EXPECT_EQ(lpm.prefixCount(), 3u);
    EXPECT_EQ(lpm.lookup(0x0a0102ff), 4u);
    EXPECT_EQ(lpm.lookup(0x0a0103ff), 2u);
    EXPECT_EQ(lpm.lookup(0x0a0203ff), 1u);
    EXPECT_EQ(lpm.lookup(0x0b000000), std::nullopt);
    // Invalid configurations are refused up front.
    EXPECT_THROW(Lpm(LpmConfig::forSize(32, {12, 4, 4}, 10)), std::invalid_argument);
    EXPECT_THROW(Lpm(LpmConfig::forSize(32, {16, 16}, 10)), std::invalid_argument);
}

TEST(LpmErrors, LevelMemoryExhaustedChangesNothing) {
    LpmConfig cfg = LpmConfig::forSize(32, {12, 4, 4, 4, 4, 4}, 1000, 20);
    cfg.nodeCapacity[3] = 4;  // four nodes at depth 20
    Lpm lpm(cfg);
    int ok = 0;
    LpmErrc last = LpmErrc::Ok;
    std::string message;
    for (uint32_t i = 0; i < 16; ++i) {
        auto s = lpm.insert(0x0a000000 | (i << 12), 24, i);  // a new /20 each time
        if (s)
            ++ok;
        else {
            last = s.code;
            message = s.message;
        }
    }
    EXPECT_EQ(last, LpmErrc::MemoryExhausted);
    EXPECT_NE(message.find("trie level 3 memory exhausted"), std::string::npos) << message;
    EXPECT_GE(ok, 2);
    EXPECT_LT(ok, 16);
    EXPECT_EQ(lpm.prefixCount(), static_cast<size_t>(ok));
    for (uint32_t i = 0; i < 16; ++i) {
        auto got = lpm.lookup(0x0a000000 | (i << 12) | 0x42);
        if (lpm.find(0x0a000000 | (i << 12), 24))
            EXPECT_EQ(got, i);
        else
            EXPECT_EQ(got, std::nullopt);
    }
}

TEST(LpmUpdates, ReportOrderIsMakeBeforeBreak) {
    Lpm lpm(LpmConfig::forSize(32, {12, 4, 4, 4, 4, 4}, 100, 20));
    std::vector<LpmWordWrite> w;
    ASSERT_TRUE(lpm.insert(0xc0000200, 24, 7, &w));  // 192.0.2.0/24: new nodes at levels 1..3
    // result word, level-3 node, level-2 node, level-1 node, then the one L0 word flips.
    ASSERT_EQ(w.size(), 5u);
    EXPECT_EQ(w[0].mem, lpm.levels());
    EXPECT_EQ(w[1].mem, 3);
    EXPECT_EQ(w[2].mem, 2);
    EXPECT_EQ(w[3].mem, 1);
    EXPECT_EQ(w.back().mem, 0);
    w.clear();
    ASSERT_TRUE(lpm.insert(0xc0000200, 24, 9, &w));  // a new result: one word in place
    ASSERT_EQ(w.size(), 1u);
    EXPECT_EQ(w[0].mem, lpm.levels());
    w.clear();
    ASSERT_TRUE(lpm.erase(0xc0000200, 24, &w));  // the whole branch goes with one L0 write
    ASSERT_EQ(w.size(), 1u);
    EXPECT_EQ(w[0].mem, 0);
    EXPECT_EQ(lpm.lookup(0xc0000201), std::nullopt);
}

uint64_t nextHopOf(const LpmRoute& r) {
    uint64_t x = static_cast<uint64_t>(r.value) * 0x9e3779b97f4a7c15 + r.length;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccd;
    x ^= x >> 33;
    return x % 1024;
}

TEST(LpmFullTable, Tier1Table2023ResolvesAsReferenceWithin4MiB) {
    std::string error;
    auto routes =
        hop::tables::readPrefixFile(HOP_SHARED_DATA "/tier1-full-table-2023.txt.gz", 4, error);
    ASSERT_TRUE(error.empty()) << error;
    ASSERT_EQ(routes.size(), 901899u);
    RefLpm ref(32);
    for (auto& r : routes) {
        r.result = nextHopOf(r);
        ref.set(r.value, r.length, r.result);
    }
    // size = 2^20 prefixes, levels capped by the measured Internet profile.
    Lpm lpm(LpmConfig::forSize(32, {12, 4, 4, 4, 4, 4}, 1u << 20, 20,
                               hop::tables::kIpv4InternetNodesPerPrefix));
    const auto t0 = std::chrono::steady_clock::now();
    auto s = lpm.build(routes);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_TRUE(s) << s.message;
    ASSERT_EQ(lpm.prefixCount(), 901899u);
    std::printf("tier1-full-table-2023: %zu IPv4 prefixes, next hop = hash(prefix) mod 1024\n",
                routes.size());
    std::printf("strides 12-4-4-4-4-4, build %.0f ms\n", ms);
    for (const auto& m : lpm.memoryInfo())
        std::printf("  %-15s %4d-bit words %9llu used (%9llu bytes) of %9llu\n", m.name.c_str(),
                    m.wordBits, (unsigned long long)m.usedWords, (unsigned long long)m.usedBytes(),
                    (unsigned long long)m.capacityWords);
    std::printf("  node memory total %llu bytes (%.2f MiB)\n", (unsigned long long)lpm.usedBytes(),
                lpm.usedBytes() / 1048576.0);
    EXPECT_LE(lpm.usedBytes(), 4u << 20);
    std::mt19937_64 rng(20231229);
    int hits = 0;
    for (int i = 0; i < 100000; ++i) {
        const LpmKey k = rng() & 0xffffffffu;
        const auto want = ref.lookup(k);
        ASSERT_EQ(lpm.lookup(k), want) << "address " << std::hex << static_cast<uint64_t>(k);
        hits += want.has_value();
    }
    std::printf("100000 random addresses (seed 20231229): all equal the reference, %d hits\n",
                hits);
}

// Bulk load (Lpm::rebuild): 20,000 real prefixes (every 45th of the 2023 table) added at once
// to a table that already holds 40 of them. The reported writes, applied one by one to a shadow
// of the memories that held the old image, never give a lookup other than the old or the new
// table's answer (hitless); once all are applied the shadow answers as the reference and as the
// builder; the image holds exactly the prefixes; afterwards one add and one delete are
// incremental: a handful of words, not the image.
TEST(LpmRebuild, BulkOfRealPrefixesIsHitlessAndResolvesAsReference) {
    std::string error;
    auto all =
        hop::tables::readPrefixFile(HOP_SHARED_DATA "/tier1-full-table-2023.txt.gz", 4, error);
    ASSERT_TRUE(error.empty()) << error;
    std::vector<LpmRoute> sample;
    for (size_t i = 0; i < all.size(); i += 45) {
        LpmRoute r = all[i];
        r.result = nextHopOf(r);
        sample.push_back(r);
    }
    ASSERT_GE(sample.size(), 20000u);
    const size_t kOld = 40;
    Lpm lpm(LpmConfig::forSize(32, {12, 4, 4, 4, 4, 4}, 1u << 15, 20));
    ShadowImage shadow(lpm);
    RefLpm oldRef(32), newRef(32);
    for (size_t i = 0; i < kOld; ++i) {
        std::vector<LpmWordWrite> ws;
        ASSERT_TRUE(lpm.insert(sample[i].value, sample[i].length, sample[i].result, &ws));
        for (const auto& w : ws) shadow.apply(w);
        oldRef.set(sample[i].value, sample[i].length, sample[i].result);
    }
    for (const auto& r : sample) newRef.set(r.value, r.length, r.result);

    std::vector<LpmRoute> routes = lpm.routes();
    ASSERT_EQ(routes.size(), kOld);
    routes.insert(routes.end(), sample.begin() + kOld, sample.end());
    std::vector<LpmWordWrite> writes;
    auto s = lpm.rebuild(routes, &writes);
    ASSERT_TRUE(s) << s.message;
    ASSERT_EQ(lpm.prefixCount(), newRef.size());
    size_t words = 0;
    for (int m = 1; m < lpm.memories(); ++m) words += lpm.memoryInfo()[m].usedWords;
    // The image once (every word in use of the trie and results), plus the L0 words that change.
    EXPECT_LE(writes.size(), words + (1u << 12));
    std::printf("rebuild: %zu prefixes, %zu word writes (%zu trie and result words in use)\n",
                lpm.prefixCount(), writes.size(), words);

    PrefixGen gen(32, 2023, 16);
    const std::vector<LpmKey> probes = probeKeys(newRef, gen, 32, 300);
    auto check = [&](size_t applied) {
        for (LpmKey k : probes) {
            const auto got = shadow.lookup(k);
            ASSERT_TRUE(got == oldRef.lookup(k) || got == newRef.lookup(k))
                << "after " << applied << " of " << writes.size() << " writes, address " << std::hex
                << static_cast<uint64_t>(k);
        }
    };
    for (size_t i = 0; i < writes.size(); ++i) {
        shadow.apply(writes[i]);
        if (writes[i].mem == 0 || i % 997 == 0) {
            check(i + 1);
            if (::testing::Test::HasFatalFailure()) return;
        }
    }
    const std::vector<LpmKey> many = probeKeys(newRef, gen, 32, 20000);
    for (LpmKey k : many) {
        ASSERT_EQ(shadow.lookup(k), newRef.lookup(k)) << std::hex << static_cast<uint64_t>(k);
        ASSERT_EQ(lpm.lookup(k), newRef.lookup(k)) << std::hex << static_cast<uint64_t>(k);
    }
    // The same prefixes, and lookupIn() over the shadow's words walks as lookup() does.
    auto back = lpm.routes();
    ASSERT_EQ(back.size(), newRef.size());
    for (const auto& r : back) ASSERT_TRUE(newRef.has(r.value, r.length));
    for (size_t i = 0; i < 2000; ++i) {
        const LpmKey k = many[i];
        EXPECT_EQ(lpm.lookupIn(k, [&](int m, uint32_t a) { return lpm.word(m, a); }),
                  newRef.lookup(k));
    }

    // One add and one delete after the bulk load: incremental, a handful of words.
    const LpmRoute extra{LpmKey{0xc6336400}, 24, 7};  // 198.51.100.0/24
    ASSERT_FALSE(newRef.has(extra.value, extra.length));
    std::vector<LpmWordWrite> one;
    ASSERT_TRUE(lpm.insert(extra.value, extra.length, extra.result, &one));
    for (const auto& w : one) shadow.apply(w);
    newRef.set(extra.value, extra.length, extra.result);
    EXPECT_LE(one.size(), 24u);
    EXPECT_EQ(shadow.lookup(LpmKey{0xc6336405}), std::optional<uint64_t>(7));
    std::vector<LpmWordWrite> gone;
    ASSERT_TRUE(lpm.erase(sample[100].value, sample[100].length, &gone));
    for (const auto& w : gone) shadow.apply(w);
    newRef.erase(sample[100].value, sample[100].length);
    EXPECT_LE(gone.size(), 24u);
    std::printf("after the bulk load: one add writes %zu words, one delete %zu\n", one.size(),
                gone.size());
    for (LpmKey k : many) ASSERT_EQ(shadow.lookup(k), newRef.lookup(k));
}

// An empty table is laid out from address 0; a table with prefixes above what it uses; when
// both images do not fit, nothing changes.
TEST(LpmRebuild, PlacementAndExhaustion) {
    // size 64: 66 level-1 nodes; /24s with distinct top 12 bits take one each.
    Lpm lpm(LpmConfig::forSize(32, {12, 4, 4, 4, 4, 4}, 64, 20));
    std::vector<LpmRoute> routes;
    for (uint32_t i = 0; i < 30; ++i) routes.push_back({LpmKey{0x0a000000u + (i << 20)}, 24, i});
    std::vector<LpmWordWrite> writes;
    ASSERT_TRUE(lpm.rebuild(routes, &writes));
    auto lowest = [&](int mem) {
        uint32_t a = ~0u;
        for (const auto& w : writes)
            if (w.mem == mem) a = std::min(a, w.addr);
        return a;
    };
    EXPECT_EQ(lowest(1), 0u);
    EXPECT_EQ(lowest(lpm.levels()), 0u);
    // Again with prefixes in the table: the new image starts above the old one.
    routes.push_back({LpmKey{0x0b000000u}, 8, 99});
    writes.clear();
    ASSERT_TRUE(lpm.rebuild(routes, &writes));
    EXPECT_EQ(lowest(1), 30u);
    EXPECT_EQ(lowest(lpm.levels()), 30u);
    EXPECT_EQ(lpm.lookup(LpmKey{0x0b010203}), std::optional<uint64_t>(99));
    EXPECT_EQ(lpm.lookup(LpmKey{0x0a500005}), std::optional<uint64_t>(5));
    // 64 prefixes do not fit next to the 31 in level 1: an error, the table as it was.
    for (uint32_t i = 0; i < 33; ++i) routes.push_back({LpmKey{0x0c000000u + (i << 20)}, 24, i});
    writes.clear();
    auto s = lpm.rebuild(routes, &writes);
    EXPECT_EQ(s.code, LpmErrc::MemoryExhausted) << s.message;
    EXPECT_TRUE(writes.empty());
    EXPECT_EQ(lpm.prefixCount(), 31u);
    EXPECT_EQ(lpm.lookup(LpmKey{0x0b010203}), std::optional<uint64_t>(99));
    EXPECT_EQ(lpm.lookup(LpmKey{0x0c100005}), std::nullopt);
}

}  // namespace
