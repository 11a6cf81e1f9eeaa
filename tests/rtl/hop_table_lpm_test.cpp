// SPDX-License-Identifier: Apache-2.0
// hop_table_lpm: loaded through its CSR port with the words runtime/tables/lpm builds (what a
// driver writes), it answers back-to-back lookups, one per clock after exactly LATENCY cycles,
// as a straightforward software LPM does; routes change while lookups flow and every result is
// the old or the new answer, never a mix. After reset the init walk clears L0 (busy in INFO,
// lookups miss, commits ignored), and the hit / miss counters count every lookup. Its CSR
// offsets (public localparams) equal runtime/tables/lpm_csr.hpp, the map every driver uses.
#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <random>

#include LPM_CLASS_HEADER
#include VMODEL_HEADER
#include "runtime/tables/lpm.hpp"
#include "runtime/tables/lpm_csr.hpp"
#include "verilator_util.hpp"

namespace {

using hop::rtltest::Sim;
using hop::tables::Lpm;
using hop::tables::LpmConfig;
using hop::tables::LpmKey;
using hop::tables::LpmRoute;
using hop::tables::LpmWordWrite;

// The parameters tests/rtl/lpm.cmake gives the model (LPM_STRIDES: level 0 first).
const std::vector<int> kStrides = {LPM_STRIDES};
const std::vector<int> kNodeAw = {LPM_NODE_AW};             // levels 1..
const std::vector<uint32_t> kNodeDepth = {LPM_NODE_DEPTH};  // words, levels 1..
constexpr int kKeyW = LPM_KEY_W, kResAw = LPM_RES_AW, kActionW = LPM_ACTION_W,
              kParamW = LPM_PARAM_W;
constexpr uint32_t kResDepth = LPM_RES_DEPTH;
constexpr int kLevels = LPM_LEVELS;
constexpr int kLatency = 2 * kLevels + 2;
constexpr uint32_t kBase = LPM_BASE;
constexpr uint32_t kDefault = 0xabcde & ((1u << (kActionW + kParamW)) - 1);
constexpr int kInitCycles = 1 << LPM_S0;  // the init walk: one L0 word per clock

LpmConfig rtlConfig(uint64_t size) {
    LpmConfig c;
    c.keyWidth = kKeyW;
    c.strides = kStrides;
    c.resultWidth = kActionW + kParamW;
    c.size = size;
    c.nodeCapacity.assign(kLevels, 0);
    // The block's memories hold exactly these words (capacities, as the register map gives).
    for (int k = 1; k < kLevels; ++k) c.nodeCapacity[k] = kNodeDepth[k - 1];
    c.resultCapacity = kResDepth;
    return c;
}

uint32_t keyMask() { return kKeyW == 32 ? 0xffffffffu : ((1u << kKeyW) - 1); }
uint32_t prefixMask(int len) {
    if (len == 0) return 0;
    return len >= kKeyW ? keyMask() : keyMask() & ~(keyMask() >> len);
}

// The straightforward LPM.
struct RefLpm {
    std::map<std::pair<int, uint32_t>, uint32_t> byLenValue;
    std::optional<uint32_t> lookup(uint32_t key) const {
        for (int len = kKeyW; len >= 0; --len) {
            auto it = byLenValue.find({len, key & prefixMask(len)});
            if (it != byLenValue.end()) return it->second;
        }
        return std::nullopt;
    }
};

struct Bench {
    Sim<VMODEL> sim;
    uint64_t cycle = 0;
    uint32_t defaultResult = kDefault;  // what a miss must answer
    uint64_t hits = 0, misses = 0;      // results seen
    // Lookups in flight: (issue cycle, acceptable answers).
    struct Pending {
        uint64_t issued;
        uint32_t key;
        std::optional<uint32_t> a, b;
    };
    std::deque<Pending> inFlight;
    uint64_t checked = 0, straddling = 0;
    std::string failure;

    void idleInputs() {
        sim->lookup_valid = 0;
        sim->csr_wr = 0;
        sim->csr_rd = 0;
    }
    // One clock; checks a result that comes out of it.
    void tick() {
        sim.tick();
        ++cycle;
        if (sim->result_valid) {
            if (inFlight.empty()) {
                failure = "result without a lookup";
                return;
            }
            Pending p = inFlight.front();
            inFlight.pop_front();
            if (cycle - p.issued != kLatency && failure.empty())
                failure = "latency " + std::to_string(cycle - p.issued);
            std::optional<uint32_t> got;
            ++(sim->result_hit ? hits : misses);
            if (sim->result_hit)
                got = (uint32_t(sim->result_action) << kParamW) | uint32_t(sim->result_data);
            else if (((uint32_t(sim->result_action) << kParamW) | uint32_t(sim->result_data)) !=
                     defaultResult)
                failure = "a miss without the default result";
            if (got != p.a && got != p.b && failure.empty()) {
                char buf[160];
                std::snprintf(buf, sizeof buf, "key %08x: got %lld, want %lld or %lld", p.key,
                              got ? (long long)*got : -1, p.a ? (long long)*p.a : -1,
                              p.b ? (long long)*p.b : -1);
                failure = buf;
            }
            ++checked;
        }
    }
    void csrWrite(uint32_t addr, uint32_t data) {
        sim->csr_wr = 1;
        sim->csr_addr = kBase + addr;
        sim->csr_wdata = data;
        tick();
        sim->csr_wr = 0;
    }
    uint32_t csrRead(uint32_t addr) {
        sim->csr_rd = 1;
        sim->csr_addr = kBase + addr;
        tick();
        sim->csr_rd = 0;
        return sim->csr_rdata;
    }
    // The driver's sequence for one word: stage the chunks, commit.
    std::vector<std::pair<uint32_t, uint32_t>> csrOps(const LpmWordWrite& w) {
        std::vector<std::pair<uint32_t, uint32_t>> ops;
        for (size_t i = 0; i < w.data.size(); ++i)
            ops.push_back({0x100 + 4 * uint32_t(i), w.data[i]});
        ops.push_back({0x008, (uint32_t(w.mem) << 24) | w.addr});
        return ops;
    }
    void issue(uint32_t key, std::optional<uint32_t> a, std::optional<uint32_t> b) {
        sim->lookup_valid = 1;
        sim->lookup_key = key;
        inFlight.push_back({cycle, key, a, b});
    }
    void drain() {
        idleInputs();
        for (int i = 0; i < kLatency + 2; ++i) tick();
    }
    bool busy() { return (csrRead(0x004) >> 23) & 1; }
    // Polls INFO.busy until the init walk is over; the clocks it took.
    uint64_t waitReady() {
        const uint64_t start = cycle;
        while (busy() && cycle - start < 4 * uint64_t(kInitCycles) + 100) {
        }
        return cycle - start;
    }
    void reset() {
        idleInputs();
        sim->rst = 1;
        tick();
        sim->rst = 0;
    }
    uint64_t counter(uint32_t lo) {
        const uint64_t low = csrRead(lo);
        return low | (uint64_t(csrRead(lo + 4)) << 32);
    }
    void load(const Lpm& lpm) {
        csrWrite(0x100, kDefault);
        csrWrite(0x008, 0xffu << 24);
        for (const auto& w : lpm.imageWrites())
            for (auto [a, d] : csrOps(w)) csrWrite(a, d);
    }
};

// A bench out of reset with the init walk over.
struct ReadyBench : Bench {
    ReadyBench() {
        idleInputs();
        waitReady();
    }
};

std::vector<LpmRoute> randomRoutes(std::mt19937& rng, int n) {
    // Prefixes clustered under a few /16s so every trie level is used; Internet-like lengths.
    std::vector<uint32_t> bases;
    for (int i = 0; i < 24; ++i) bases.push_back(rng() & 0xffff0000u);
    const int lens[] = {8,  12, 14, 16, 18, 19, 20, 21, 22, 22, 23, 23, 24, 24, 24,
                        24, 24, 24, 24, 24, 24, 24, 24, 24, 24, 25, 26, 28, 30, 32};
    std::map<std::pair<int, uint32_t>, uint32_t> uniq;
    while (int(uniq.size()) < n) {
        const int len = lens[rng() % std::size(lens)] * kKeyW / 32;
        uint32_t v = (bases[rng() % bases.size()] | (rng() & 0xffff)) & keyMask();
        if (rng() % 16 == 0) v = rng() & keyMask();
        uniq[{len, v & prefixMask(len)}] = rng() & ((1u << (kActionW + kParamW)) - 1);
    }
    std::vector<LpmRoute> out;
    for (auto& [k, r] : uniq) out.push_back({k.second, k.first, r});
    return out;
}

uint32_t probeKey(std::mt19937& rng, const std::vector<LpmRoute>& routes) {
    if (rng() % 4 == 0 || routes.empty()) return rng() & keyMask();
    const LpmRoute& r = routes[rng() % routes.size()];
    return uint32_t(r.value) | (rng() & ~prefixMask(r.length) & keyMask());
}

TEST(TableLpm, OffsetsEqualTheRuntimeMap) {
    using Block = LPM_CLASS;
    using hop::tables::LpmCsr;
    EXPECT_EQ(uint32_t(Block::OFF_ID), LpmCsr::kId);
    EXPECT_EQ(uint32_t(Block::ID_VALUE), LpmCsr::kIdValue);
    EXPECT_EQ(uint32_t(Block::OFF_INFO), LpmCsr::kInfo);
    EXPECT_EQ(uint32_t(Block::OFF_COMMIT), LpmCsr::kCommit);
    EXPECT_EQ(uint32_t(Block::OFF_READ), LpmCsr::kRead);
    EXPECT_EQ(uint32_t(Block::OFF_HIT_LO), LpmCsr::kHitLo);
    EXPECT_EQ(uint32_t(Block::OFF_HIT_HI), LpmCsr::kHitHi);
    EXPECT_EQ(uint32_t(Block::OFF_MISS_LO), LpmCsr::kMissLo);
    EXPECT_EQ(uint32_t(Block::OFF_MISS_HI), LpmCsr::kMissHi);
    EXPECT_EQ(uint32_t(Block::OFF_STAGE), LpmCsr::kStage);
    EXPECT_EQ(uint32_t(Block::OFF_RDATA), LpmCsr::kRdata);
    EXPECT_EQ(uint32_t(Block::SPAN), LpmCsr::kSpan);
    EXPECT_EQ(int(Block::DEFAULT_SEL), LpmCsr::kDefaultSel);
}

TEST(TableLpm, LoadsThroughCsrAndMatchesTheReferenceEveryClock) {
    ReadyBench b;
    EXPECT_EQ(b.csrRead(0x000), 0x4c504d01u);
    EXPECT_EQ(b.csrRead(0x004), (uint32_t(kLevels) << 24) | (kLatency << 16) | kKeyW);

    std::mt19937 rng(42);
    auto routes = randomRoutes(rng, 3000);
    Lpm lpm(rtlConfig(4000));
    {
        auto s = lpm.build(routes);
        ASSERT_TRUE(s) << s.message;
    }
    RefLpm ref;
    for (auto& r : routes) ref.byLenValue[{r.length, uint32_t(r.value)}] = uint32_t(r.result);

    // Load: the default result, then every word of the image as a driver writes it.
    b.csrWrite(0x100, kDefault);
    b.csrWrite(0x008, 0xffu << 24);
    size_t words = 0;
    for (const auto& w : lpm.imageWrites()) {
        for (auto [a, d] : b.csrOps(w)) b.csrWrite(a, d);
        ++words;
    }
    // Read-back of a sample of words through READ / RDATA.
    int readBack = 0;
    for (const auto& w : lpm.imageWrites()) {
        if (rng() % 64) continue;
        b.csrWrite(0x00c, (uint32_t(w.mem) << 24) | w.addr);
        b.tick();
        b.tick();
        for (size_t i = 0; i < w.data.size(); ++i)
            ASSERT_EQ(b.csrRead(0x200 + 4 * uint32_t(i)), w.data[i])
                << "mem " << w.mem << " addr " << w.addr << " chunk " << i;
        ++readBack;
    }

    // Back-to-back lookups, one per clock.
    const uint64_t start = b.cycle;
    const int n = 20000;
    uint64_t wantHits = 0;
    for (int i = 0; i < n; ++i) {
        const uint32_t k = probeKey(rng, routes);
        const auto want = ref.lookup(k);
        wantHits += want.has_value();
        b.issue(k, want, want);
        b.tick();
        ASSERT_TRUE(b.failure.empty()) << b.failure;
    }
    b.drain();
    const uint64_t elapsed = b.cycle - start;
    ASSERT_TRUE(b.failure.empty()) << b.failure;
    EXPECT_EQ(b.checked, uint64_t(n));
    // The counters: every lookup once, as a hit or a miss.
    EXPECT_EQ(b.hits, wantHits);
    EXPECT_EQ(b.counter(0x010), wantHits);
    EXPECT_EQ(b.counter(0x018), uint64_t(n) - wantHits);
    EXPECT_EQ(elapsed, uint64_t(n + kLatency + 2));  // one lookup per clock
    std::printf(
        "loaded %zu words (%zu prefixes), %d read back, %d lookups back to back, "
        "latency %d\n",
        words, routes.size(), readBack, n, kLatency);
}

TEST(TableLpm, RouteChangesUnderTrafficAreHitless) {
    ReadyBench b;
    std::mt19937 rng(7);
    auto routes = randomRoutes(rng, 2000);
    Lpm lpm(rtlConfig(4000));
    {
        auto s = lpm.build(routes);
        ASSERT_TRUE(s) << s.message;
    }
    RefLpm ref;
    for (auto& r : routes) ref.byLenValue[{r.length, uint32_t(r.value)}] = uint32_t(r.result);
    b.csrWrite(0x100, kDefault);
    b.csrWrite(0x008, 0xffu << 24);
    for (const auto& w : lpm.imageWrites())
        for (auto [a, d] : b.csrOps(w)) b.csrWrite(a, d);

    // Updates one after the other, each at least LATENCY + 2 clocks after the previous one's
    // last write (space freed by one update is reused from the next one on); a lookup every
    // clock throughout.
    std::vector<LpmRoute> live = routes;
    RefLpm before = ref;
    std::deque<std::pair<uint32_t, uint32_t>> csrQueue;
    int updates = 0, inserts = 0, erases = 0, gap = 0;
    size_t csrWrites = 0;
    const int kUpdates = 400;
    bool inUpdate = false;
    LpmRoute changing{};  // half the lookups go under the prefix being changed
    while (updates < kUpdates || !csrQueue.empty()) {
        if (csrQueue.empty() && inUpdate) {
            inUpdate = false;
            before = ref;  // the update is complete
            gap = kLatency + 2 + int(rng() % 5);
        }
        if (!inUpdate && gap == 0 && updates < kUpdates) {
            // Prepare the next update; its writes start now.
            std::vector<LpmWordWrite> w;
            if (rng() % 2 && !live.empty()) {
                const size_t i = rng() % live.size();
                changing = live[i];
                ASSERT_TRUE(lpm.erase(live[i].value, live[i].length, &w));
                ref.byLenValue.erase({live[i].length, uint32_t(live[i].value)});
                live[i] = live.back();
                live.pop_back();
                ++erases;
            } else {
                LpmRoute r = randomRoutes(rng, 1)[0];
                if (rng() % 3 == 0 && !live.empty()) {  // a change of next hop
                    r = live[rng() % live.size()];
                    r.result = rng() & ((1u << (kActionW + kParamW)) - 1);
                }
                changing = r;
                auto s = lpm.insert(r.value, r.length, r.result, &w);
                ASSERT_TRUE(s) << s.message;
                if (!ref.byLenValue.count({r.length, uint32_t(r.value)})) live.push_back(r);
                ref.byLenValue[{r.length, uint32_t(r.value)}] = uint32_t(r.result);
                ++inserts;
            }
            for (const auto& x : w)
                for (auto op : b.csrOps(x)) csrQueue.push_back(op);
            csrWrites += csrQueue.size();
            ++updates;
            inUpdate = true;
        }
        if (gap > 0) --gap;
        // This clock: one lookup and at most one CSR write.
        const uint32_t k = rng() % 2 ? probeKey(rng, live) : probeKey(rng, {changing});
        const auto a = before.lookup(k), bb = ref.lookup(k);
        b.issue(k, a, bb);
        if (a != bb) ++b.straddling;
        if (!csrQueue.empty()) {
            b.sim->csr_wr = 1;
            b.sim->csr_addr = kBase + csrQueue.front().first;
            b.sim->csr_wdata = csrQueue.front().second;
            csrQueue.pop_front();
        } else {
            b.sim->csr_wr = 0;
        }
        b.tick();
        ASSERT_TRUE(b.failure.empty()) << b.failure << " (update " << updates << ")";
    }
    b.drain();
    ASSERT_TRUE(b.failure.empty()) << b.failure;
    // Settled: exact answers again.
    for (int i = 0; i < 5000; ++i) {
        const uint32_t k = probeKey(rng, live);
        b.issue(k, ref.lookup(k), ref.lookup(k));
        b.tick();
    }
    b.drain();
    ASSERT_TRUE(b.failure.empty()) << b.failure;
    std::printf(
        "%d updates (%d inserts/changes, %d deletes), %zu CSR writes, %llu lookups "
        "checked, %llu of them could see either answer\n",
        updates, inserts, erases, csrWrites, (unsigned long long)b.checked,
        (unsigned long long)b.straddling);
}

}  // namespace
namespace {
TEST(TableLpm, OnePrefixAtEveryLevel) {
    for (int len : {8, 12, 14, 16, 20, 24, 28, 32}) {
        ReadyBench b;
        Lpm lpm(rtlConfig(100));
        std::vector<LpmRoute> routes = {{0x0a0b0c0du & prefixMask(len), len, 77}};
        ASSERT_TRUE(lpm.build(routes));
        b.csrWrite(0x100, kDefault);
        b.csrWrite(0x008, 0xffu << 24);
        for (const auto& w : lpm.imageWrites())
            for (auto [a, d] : b.csrOps(w)) b.csrWrite(a, d);
        b.issue(0x0a0b0c0du, 77, 77);
        b.tick();
        b.drain();
        b.issue(0x0a0b0c0du ^ 0x80000000u, std::nullopt, std::nullopt);  // a miss
        b.tick();
        b.drain();
        EXPECT_TRUE(b.failure.empty()) << "len " << len << ": " << b.failure;
    }
}
}  // namespace

namespace {
// Out of reset (memories hold random bits: Sim randomises them) the init walk clears every L0
// word and the default result: INFO.busy for 2^STRIDES[0] clocks, lookups meanwhile miss, and
// commits are ignored. A reset of a loaded table empties it the same way.
TEST(TableLpm, InitWalkClearsL0AndTheDefaultResult) {
    Bench b;
    b.idleInputs();
    b.defaultResult = 0;  // DEFAULT_ACTION 0, parameters 0
    ASSERT_TRUE(b.busy());
    // Lookups during the walk miss; a commit of the default result is ignored.
    b.csrWrite(0x100, kDefault);
    b.csrWrite(0x008, 0xffu << 24);
    std::mt19937 rng(3);
    for (int i = 0; i < 200; ++i) {
        b.issue(rng(), std::nullopt, std::nullopt);
        b.tick();
    }
    b.drain();
    ASSERT_TRUE(b.failure.empty()) << b.failure;
    const uint64_t walked = b.cycle + b.waitReady();
    EXPECT_GE(walked, uint64_t(kInitCycles));
    EXPECT_LE(walked, uint64_t(kInitCycles) + 16);
    EXPECT_FALSE(b.busy());
    // Every L0 word reads back zero, and the default result is {DEFAULT_ACTION, 0}.
    for (uint32_t a = 0; a < uint32_t(kInitCycles); a += kInitCycles / 64) {
        b.csrWrite(0x00c, a);
        b.tick();
        b.tick();  // RDATA is there 3 cycles after the READ strobe
        for (int c = 0; c < 2; ++c) ASSERT_EQ(b.csrRead(0x200 + 4 * c), 0u) << "L0 word " << a;
    }
    b.csrWrite(0x00c, 0xffu << 24);
    b.tick();
    b.tick();  // RDATA is there 3 cycles after the READ strobe
    EXPECT_EQ(b.csrRead(0x200), 0u);
    // Any key misses.
    for (int i = 0; i < 5000; ++i) {
        b.issue(rng(), std::nullopt, std::nullopt);
        b.tick();
    }
    b.drain();
    ASSERT_TRUE(b.failure.empty()) << b.failure;
    EXPECT_EQ(b.counter(0x010), 0u);
    EXPECT_EQ(b.counter(0x018), 5200u);  // the lookups during the walk count as misses too

    // Load a table, reset: the walk empties it again.
    auto routes = randomRoutes(rng, 1500);
    Lpm lpm(rtlConfig(4000));
    ASSERT_TRUE(lpm.build(routes));
    b.load(lpm);
    b.defaultResult = kDefault;
    RefLpm ref;
    for (auto& r : routes) ref.byLenValue[{r.length, uint32_t(r.value)}] = uint32_t(r.result);
    for (int i = 0; i < 2000; ++i) {
        const uint32_t k = probeKey(rng, routes);
        b.issue(k, ref.lookup(k), ref.lookup(k));
        b.tick();
    }
    b.drain();
    ASSERT_TRUE(b.failure.empty()) << b.failure;
    EXPECT_GT(b.counter(0x010), 1000u);
    b.reset();
    b.defaultResult = 0;
    EXPECT_TRUE(b.busy());
    EXPECT_LE(b.waitReady(), uint64_t(kInitCycles) + 16);
    EXPECT_EQ(b.counter(0x010), 0u);  // reset clears the counters
    EXPECT_EQ(b.counter(0x018), 0u);
    for (int i = 0; i < 3000; ++i) {
        b.issue(probeKey(rng, routes), std::nullopt, std::nullopt);
        b.tick();
    }
    b.drain();
    ASSERT_TRUE(b.failure.empty()) << b.failure;
}

// HIT_LO / MISS_LO latch the high words for HIT_HI / MISS_HI; a write clears a counter.
TEST(TableLpm, CountersLatchAndClear) {
    ReadyBench b;
    Lpm lpm(rtlConfig(100));
    ASSERT_TRUE(lpm.build(std::vector<LpmRoute>{{0x0a000000u, 8, 5}}));
    b.load(lpm);
    for (int i = 0; i < 300; ++i) {
        const bool hit = i % 3 == 0;
        b.issue(hit ? 0x0a000000u + i : 0x0b000000u + i,
                hit ? std::optional<uint32_t>(5) : std::nullopt,
                hit ? std::optional<uint32_t>(5) : std::nullopt);
        b.tick();
    }
    b.drain();
    ASSERT_TRUE(b.failure.empty()) << b.failure;
    EXPECT_EQ(b.counter(0x010), 100u);
    EXPECT_EQ(b.counter(0x018), 200u);
    EXPECT_EQ(b.csrRead(0x014), 0u);  // the latched high word
    b.csrWrite(0x010, 0);
    EXPECT_EQ(b.counter(0x010), 0u);
    EXPECT_EQ(b.counter(0x018), 200u);
    b.csrWrite(0x018, 0);
    EXPECT_EQ(b.counter(0x018), 0u);
}
}  // namespace

namespace {
// Each memory is exactly its depth (L0 2^STRIDES[0], NODE_DEPTH, RES_DEPTH words): a COMMIT to
// an address at or beyond it is ignored (it neither lands nor aliases onto a word inside), a
// READ of one answers zero, and the last word inside still takes and returns its value.
TEST(TableLpm, CommitsBeyondAMemorysDepthAreIgnored) {
    ReadyBench b;
    std::mt19937 rng(11);
    auto routes = randomRoutes(rng, 1500);
    Lpm lpm(rtlConfig(4000));
    ASSERT_TRUE(lpm.build(routes));
    for (int k = 1; k < kLevels; ++k) {
        ASSERT_EQ(lpm.addrBits(k), kNodeAw[k - 1]) << "level " << k;
        ASSERT_LE(lpm.memoryInfo()[k].usedWords, kNodeDepth[k - 1]);
    }
    b.load(lpm);
    RefLpm ref;
    for (auto& r : routes) ref.byLenValue[{r.length, uint32_t(r.value)}] = uint32_t(r.result);
    auto read = [&](int mem, uint32_t addr) {
        b.csrWrite(0x00c, (uint32_t(mem) << 24) | addr);
        b.tick();
        b.tick();  // RDATA is there 3 cycles after the READ strobe
        std::vector<uint32_t> w;
        for (size_t i = 0; i < lpm.word(mem, 0).size(); ++i)
            w.push_back(b.csrRead(0x200 + 4 * uint32_t(i)));
        return w;
    };
    for (int mem = 0; mem <= kLevels; ++mem) {
        const uint32_t depth = mem == 0         ? (1u << LPM_S0)
                               : mem == kLevels ? kResDepth
                                                : kNodeDepth[mem - 1];
        const int aw = mem == 0 ? LPM_S0 : mem == kLevels ? kResAw : kNodeAw[mem - 1];
        // Words inside whose address an out-of-range one shares in its low AW bits.
        const uint32_t beyond[] = {depth, (1u << aw) - 1, 1u << aw, (1u << aw) + 1, 0xffffffu};
        std::map<uint32_t, std::vector<uint32_t>> before;
        for (uint32_t a : beyond) {
            const uint32_t alias = a & ((1u << aw) - 1);
            if (alias < depth) before[alias] = read(mem, alias);
        }
        const auto lastWord = read(mem, depth - 1);
        for (uint32_t a : beyond) {
            if (a < depth) continue;
            std::vector<uint32_t> ones(lpm.word(mem, 0).size(), 0xffffffffu);
            for (size_t i = 0; i < ones.size(); ++i) b.csrWrite(0x100 + 4 * uint32_t(i), ones[i]);
            b.csrWrite(0x008, (uint32_t(mem) << 24) | a);
            for (uint32_t x : read(mem, a))
                EXPECT_EQ(x, 0u) << "mem " << mem << " addr " << a << " reads back zero";
        }
        for (const auto& [alias, w] : before)
            EXPECT_EQ(read(mem, alias), w) << "mem " << mem << " word " << alias << " unchanged";
        EXPECT_EQ(read(mem, depth - 1), lastWord) << "mem " << mem;
        // The last word inside the memory is a real word: it takes a value and returns it
        // (then gets its old one back).
        std::vector<uint32_t> probe(lastWord.size());
        for (size_t i = 0; i < probe.size(); ++i) probe[i] = rng();
        const int bits = lpm.wordBits(mem);
        if (bits % 32) probe.back() &= (1u << (bits % 32)) - 1;
        for (const auto& w : {probe, lastWord}) {
            for (size_t i = 0; i < w.size(); ++i) b.csrWrite(0x100 + 4 * uint32_t(i), w[i]);
            b.csrWrite(0x008, (uint32_t(mem) << 24) | (depth - 1));
            EXPECT_EQ(read(mem, depth - 1), w) << "mem " << mem << " last word " << depth - 1;
        }
    }
    // The table still answers as before.
    for (int i = 0; i < 3000; ++i) {
        const uint32_t k = probeKey(rng, routes);
        b.issue(k, ref.lookup(k), ref.lookup(k));
        b.tick();
    }
    b.drain();
    ASSERT_TRUE(b.failure.empty()) << b.failure;
}
}  // namespace
