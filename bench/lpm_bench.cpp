// SPDX-License-Identifier: Apache-2.0
// LPM node image on the full 2023 Internet table: build time, node memory per level for a few
// stride choices, lookups/s of the software walker (the hardware's walk), and the cost of
// incremental updates in words written; the heap a full-table load through LpmTable takes
// and keeps (operator new is counted below), and a snapshot's save/restore.
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iterator>
#include <random>
#include <string>

#include "driver/compile.hpp"
#include "regmap/regmap.hpp"
#include "runtime/tables/lpm.hpp"
#include "runtime/tables/lpm_routes.hpp"
#include "runtime/tables/lpm_table.hpp"
#include "runtime/tables/snapshot.hpp"
#include "source/preprocess.hpp"

// Resident memory of the process, and its high-water mark since resetPeak() (Linux /proc).
namespace {
// After giving free heap memory back (malloc_trim), so freed blocks do not count.
int64_t residentBytes() {
    malloc_trim(0);
    long pages = 0, resident = 0;
    if (FILE* f = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
        std::fclose(f);
    }
    return int64_t{resident} * sysconf(_SC_PAGESIZE);
}
void resetPeak() {
    if (FILE* f = std::fopen("/proc/self/clear_refs", "w")) {
        std::fputs("5", f);
        std::fclose(f);
    }
}
int64_t peakBytes() {
    int64_t kb = 0;
    if (FILE* f = std::fopen("/proc/self/status", "r")) {
        char line[256];
        while (std::fgets(line, sizeof line, f))
            if (std::sscanf(line, "VmHWM: %ld kB", &kb) == 1) break;
        std::fclose(f);
    }
    return kb * 1024;
}
}  // namespace

using hop::tables::Lpm;
using hop::tables::LpmConfig;
using hop::tables::LpmRoute;
using hop::tables::LpmWordWrite;

namespace {

double msSince(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

uint64_t nextHopOf(const LpmRoute& r) {
    uint64_t x = static_cast<uint64_t>(r.value) * 0x9e3779b97f4a7c15 + r.length;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccd;
    x ^= x >> 33;
    return x % 1024;
}

double mib(int64_t bytes) { return bytes / 1048576.0; }

// router.p4's ipv4_lpm loaded with the whole table in one LpmTable::addMany, as hopd does.
int tableLoad(const std::vector<LpmRoute>& routes) {
    using namespace hop;
    PreprocessOptions pp;
    pp.p4includeDir = HOP_SOURCE_DIR "/p4include";
    std::string error;
    auto source = preprocess(HOP_SOURCE_DIR "/examples/router.p4", pp, error);
    if (!source) return std::fprintf(stderr, "%s\n", error.c_str()), 1;
    auto fe = runFrontend(std::move(*source), {.languageOnly = false, .name = "router"});
    const ir::Program& program = *fe->ir;
    const ir::TableId id = program.findTable("RouterIngress.ipv4_lpm");
    const ir::ActionId setNexthop = program.findAction("RouterIngress.set_nexthop");
    const auto config = LpmConfig::forSize(32, {12, 4, 4, 4, 4, 4}, 1u << 20, 17,
                                           tables::kIpv4InternetNodesPerPrefix);
    // Each entry rewritten in place, as a reader that keeps one Entry does.
    const tables::EntrySource entries{routes.size(), [&](size_t i, tables::Entry& e) {
                                          const LpmRoute& r = routes[i];
                                          e.table = id;
                                          e.keys.resize(1);
                                          e.keys[0].kind = ir::Match::Kind::Lpm;
                                          e.keys[0].value = static_cast<uint32_t>(r.value);
                                          e.keys[0].prefixLen = r.length;
                                          e.action.action = setNexthop;
                                          e.action.args.resize(1);
                                          e.action.args[0] = r.result % 65536;
                                      }};
    const int64_t before = residentBytes();
    auto table = std::make_unique<tables::LpmTable>(program, id, config);
    const int64_t empty = residentBytes() - before;
    resetPeak();
    const int64_t peakBefore = peakBytes();
    auto t0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();
    auto writes = table->addMany(entries, error);
    const double cpuMs = double(std::clock() - c0) * 1000 / CLOCKS_PER_SEC;
    const double ms = msSince(t0);
    if (!writes) return std::fprintf(stderr, "addMany: %s\n", error.c_str()), 1;
    const int64_t peak = peakBytes() - peakBefore, withWrites = residentBytes() - before;
    const size_t nWrites = writes->size();
    writes.reset();
    const int64_t kept = residentBytes() - before;
    std::printf(
        "LpmTable::addMany of the full table into router.p4's ipv4_lpm (empty): %.0f ms (%.0f ms "
        "of CPU), %zu CSR writes\n  resident: empty table %.1f MiB, after the load %.1f MiB "
        "kept (%.1f bytes a route) + %.1f MiB of CSR writes; peak %.1f MiB above the process's "
        "before it (%.1f MiB above what is kept)\n",
        ms, cpuMs, nWrites, mib(empty), mib(kept), double(kept) / routes.size(),
        mib(withWrites - kept), mib(peak), mib(peak - kept));
    tables::SnapshotWriter out;
    t0 = std::chrono::steady_clock::now();
    table->save(out);
    const double saveMs = msSince(t0);
    const std::string bytes = out.take();
    tables::LpmTable restored(program, id, config);
    tables::SnapshotReader in(bytes);
    t0 = std::chrono::steady_clock::now();
    const bool ok = restored.restore(in, error);
    const double restoreMs = msSince(t0);
    if (!ok) return std::fprintf(stderr, "restore: %s\n", error.c_str()), 1;
    std::printf("  snapshot: %.1f MiB, save %.0f ms, restore %.0f ms (%zu prefixes)\n",
                mib(static_cast<int64_t>(bytes.size())), saveMs, restoreMs, restored.size());
    std::printf("\n");
    return 0;
}

std::string name(const std::vector<int>& s) {
    std::string n;
    for (int x : s) n += (n.empty() ? "" : "-") + std::to_string(x);
    return n;
}

}  // namespace

int main() {
    std::string error;
    const std::string file = HOP_SHARED_DATA "/tier1-full-table-2023.txt.gz";
    auto t0 = std::chrono::steady_clock::now();
    auto routes = hop::tables::readPrefixFile(file, 4, error);
    if (!error.empty()) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return 1;
    }
    for (auto& r : routes) r.result = nextHopOf(r);
    std::printf(
        "LPM benchmark: %s\n  %zu IPv4 prefixes read in %.0f ms; next hop = "
        "hash(prefix) mod 1024 (20-bit results)\n\n",
        file.c_str(), routes.size(), msSince(t0));
    if (tableLoad(routes)) return 1;

    // Stride choices: memory in use (words x width of a table sized for 2^20 prefixes, levels
    // capped by node counts measured here + 25 %), build time best of 3.
    const std::vector<std::vector<int>> choices = {{12, 4, 4, 4, 4, 4}, {8, 4, 4, 4, 4, 4, 4},
                                                   {16, 4, 4, 4, 4},    {12, 4, 4, 4, 8},
                                                   {16, 8, 8},          {12, 6, 6, 8}};
    std::printf("%-16s %7s %10s %12s  per memory (bytes used)\n", "strides", "stages", "build ms",
                "total bytes");
    for (const auto& strides : choices) {
        // First pass with the worst-case sizing to count nodes, then sized to the table.
        Lpm probe(LpmConfig::forSize(32, strides, 1u << 20, 20));
        probe.build(routes);
        std::vector<double> perPrefix;
        auto info = probe.memoryInfo();
        for (size_t m = 1; m + 1 < info.size(); ++m)
            perPrefix.push_back(1.25 * info[m].usedWords / double(routes.size()));
        Lpm lpm(LpmConfig::forSize(32, strides, 1u << 20, 20, perPrefix));
        double best = 1e9;
        for (int rep = 0; rep < 3; ++rep) {
            t0 = std::chrono::steady_clock::now();
            auto s = lpm.build(routes);
            best = std::min(best, msSince(t0));
            if (!s) {
                std::printf("%s: %s\n", name(strides).c_str(), s.message.c_str());
                return 1;
            }
        }
        std::printf("%-16s %7zu %10.0f %12llu ", name(strides).c_str(), strides.size(), best,
                    (unsigned long long)lpm.usedBytes());
        for (const auto& m : lpm.memoryInfo())
            std::printf(" %llu", (unsigned long long)m.usedBytes());
        std::printf("  (%.2f MiB)\n", lpm.usedBytes() / 1048576.0);
    }

    // The chosen layout in detail.
    const std::vector<int> chosen = {12, 4, 4, 4, 4, 4};
    const int64_t residentBefore = residentBytes();
    Lpm lpm(LpmConfig::forSize(32, chosen, 1u << 20, 20, hop::tables::kIpv4InternetNodesPerPrefix));
    t0 = std::chrono::steady_clock::now();
    if (auto s = lpm.build(routes); !s) {
        std::printf("build: %s\n", s.message.c_str());
        return 1;
    }
    const double buildMs = msSince(t0);
    std::printf("\nresident memory of the chosen Lpm with the table: %.1f MiB\n",
                mib(residentBytes() - residentBefore));
    std::printf(
        "\nchosen: %s, sized for 2^20 prefixes (hop::tables::kIpv4InternetNodesPerPrefix)"
        "\n  build %.0f ms (target < 1000 ms)\n",
        name(chosen).c_str(), buildMs);
    // What hop_table_lpm instantiates for this geometry: the parameters the backend passes
    // (regmap::lpmParameters: NODE_DEPTH / RES_DEPTH = these capacities), words x width.
    hop::regmap::TableBlock block;
    block.kind = hop::regmap::TableKind::Lpm;
    block.lpm = lpm.config();
    const auto rams = hop::regmap::lpmMemories(block);
    const uint64_t instantiated = hop::regmap::lpmBytes(rams);
    uint64_t capBytes = 0;
    for (const auto& m : lpm.memoryInfo()) {
        std::printf(
            "  %-15s %3d-bit words x %8llu used = %9llu bytes   (capacity %8llu words, "
            "%9llu bytes)\n",
            m.name.c_str(), m.wordBits, (unsigned long long)m.usedWords,
            (unsigned long long)m.usedBytes(), (unsigned long long)m.capacityWords,
            (unsigned long long)m.capacityBytes());
        capBytes += m.capacityBytes();
    }
    std::printf(
        "  node memory in use %llu bytes = %.2f MiB (target <= 4 MiB: %s); instantiated %llu "
        "bytes = %.2f MiB (%s; capacities %llu bytes)\n",
        (unsigned long long)lpm.usedBytes(), lpm.usedBytes() / 1048576.0,
        lpm.usedBytes() <= (4u << 20) ? "met" : "MISSED", (unsigned long long)instantiated,
        instantiated / 1048576.0, instantiated <= (4u << 20) ? "met" : "MISSED",
        (unsigned long long)capBytes);

    // Software walker throughput.
    std::mt19937_64 rng(1);
    const int n = 5'000'000;
    std::vector<uint32_t> keys(n);
    for (auto& k : keys) k = static_cast<uint32_t>(rng());
    uint64_t sink = 0;
    t0 = std::chrono::steady_clock::now();
    for (uint32_t k : keys) sink += lpm.lookup(k).value_or(0);
    const double lookMs = msSince(t0);
    std::printf("\nsoftware walker: %.1f M lookups/s (random addresses; checksum %llu)\n",
                n / lookMs / 1000.0, (unsigned long long)sink);

    // Incremental updates: delete 20,000 random prefixes, then add them back.
    std::vector<LpmRoute> sample;
    std::sample(routes.begin(), routes.end(), std::back_inserter(sample), 20000, rng);
    std::vector<LpmWordWrite> w;
    size_t words = 0, maxWords = 0;
    t0 = std::chrono::steady_clock::now();
    for (const auto& r : sample) {
        w.clear();
        if (auto s = lpm.erase(r.value, r.length, &w); !s)
            return std::printf("%s\n", s.message.c_str()), 1;
        words += w.size();
        maxWords = std::max(maxWords, w.size());
    }
    const double delMs = msSince(t0);
    const size_t delWords = words, delMax = maxWords;
    words = maxWords = 0;
    t0 = std::chrono::steady_clock::now();
    for (const auto& r : sample) {
        w.clear();
        if (auto s = lpm.insert(r.value, r.length, r.result, &w); !s)
            return std::printf("%s\n", s.message.c_str()), 1;
        words += w.size();
        maxWords = std::max(maxWords, w.size());
    }
    const double insMs = msSince(t0);
    std::printf(
        "incremental, 20000 random prefixes of the table:\n"
        "  delete: %.2f words written on average (max %zu), %.2f us each\n"
        "  insert: %.2f words written on average (max %zu), %.2f us each\n",
        double(delWords) / sample.size(), delMax, delMs * 1000 / sample.size(),
        double(words) / sample.size(), maxWords, insMs * 1000 / sample.size());
    std::printf("  node memory after the churn %llu bytes\n", (unsigned long long)lpm.usedBytes());
    return 0;
}
