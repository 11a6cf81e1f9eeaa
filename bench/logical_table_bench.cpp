// SPDX-License-Identifier: Apache-2.0
// LogicalTable with a full Internet table: the IPv4 prefixes of the tier-1 table as ipv4_lpm
// entries of examples/router.p4 (set_nexthop), added with one addMany from a source, then the
// table saved and restored. Prints the time of each step and the heap bytes per entry the table
// holds (mallinfo2: the heap in use after minus before, mmapped blocks included).
#include <malloc.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "driver/compile.hpp"
#include "runtime/tables/logical_table.hpp"
#include "runtime/tables/lpm_routes.hpp"
#include "runtime/tables/snapshot.hpp"
#include "source/preprocess.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point since) {
    return std::chrono::duration<double>(Clock::now() - since).count();
}

size_t heapInUse() {
    const struct mallinfo2 m = mallinfo2();
    return m.uordblks + m.hblkhd;
}

}  // namespace

int main() {
    using namespace hop;
    PreprocessOptions pp;
    pp.p4includeDir = HOP_SOURCE_DIR "/p4include";
    std::string error;
    auto source = preprocess(HOP_SOURCE_DIR "/examples/router.p4", pp, error);
    if (!source) {
        std::fprintf(stderr, "logical_table_bench: %s\n", error.c_str());
        return 1;
    }
    auto fe = runFrontend(std::move(*source), {.languageOnly = false, .name = "router"});
    if (!fe->ok) {
        std::fprintf(stderr, "logical_table_bench: router.p4 does not compile\n");
        return 1;
    }
    const ir::Program& program = *fe->ir;
    const ir::TableId table = program.findTable("RouterIngress.ipv4_lpm");
    const ir::ActionId setNexthop = program.findAction("RouterIngress.set_nexthop");

    const std::string file = HOP_SHARED_DATA "/tier1-full-table-2023.txt.gz";
    auto start = Clock::now();
    const std::vector<tables::LpmRoute> routes = tables::readPrefixFile(file, 4, error);
    if (!error.empty()) {
        std::fprintf(stderr, "logical_table_bench: %s\n", error.c_str());
        return 1;
    }
    std::printf("%zu IPv4 prefixes read in %.3f s\n", routes.size(), seconds(start));

    // The entries a parser would give: canonical values, the prefix's mask, one next hop each.
    const tables::EntrySource entries{
        routes.size(), [&](size_t i, tables::Entry& e) {
            const tables::LpmRoute& r = routes[i];
            const uint64_t mask =
                r.length == 0 ? 0 : (~uint64_t{0} << (32 - r.length)) & 0xffffffffu;
            e.table = table;
            e.keys.resize(1);
            e.keys[0].kind = ir::Match::Kind::Lpm;
            e.keys[0].value = uint64_t(r.value) & mask;
            e.keys[0].mask = mask;
            e.keys[0].prefixLen = r.length;
            e.action.action = setNexthop;
            e.action.args.assign(1, tables::BigInt(i % 4096));
            e.priority.reset();
        }};

    // What reading the source alone costs (an Entry of BigInts a route), for comparison.
    start = Clock::now();
    size_t bits = 0;
    for (size_t i = 0; i < entries.count; ++i) {
        tables::Entry e;
        entries.at(i, e);
        bits += e.keys[0].prefixLen;
    }
    std::printf("reading the source alone: %.3f s (%zu prefix bits)\n", seconds(start), bits);

    const size_t heapBefore = heapInUse();
    tables::LogicalTable lt(program, table);
    start = Clock::now();
    if (!lt.addMany(entries, error, nullptr)) {
        std::fprintf(stderr, "logical_table_bench: %s\n", error.c_str());
        return 1;
    }
    const double addTime = seconds(start);
    const size_t heapAfter = heapInUse();
    const double perEntry = double(heapAfter - heapBefore) / double(lt.size());
    std::printf("addMany: %zu entries in %.3f s (%.0f ns an entry)\n", lt.size(), addTime,
                addTime * 1e9 / double(lt.size()));
    std::printf("memory: %.1f bytes an entry (heap in use), %.1f bytes an entry (capacities)\n",
                perEntry, double(lt.memoryBytes()) / double(lt.size()));

    start = Clock::now();
    size_t found = 0;
    tables::Entry e;
    for (size_t i = 0; i < routes.size(); i += 16) {
        entries.at(i, e);
        found += lt.handleOf(e).has_value();
    }
    std::printf("handleOf: %zu lookups in %.3f s\n", found, seconds(start));

    start = Clock::now();
    tables::SnapshotWriter out;
    lt.save(out);
    const double saveTime = seconds(start);
    std::printf("save: %zu bytes (%.1f an entry) in %.3f s\n", out.bytes().size(),
                double(out.bytes().size()) / double(lt.size()), saveTime);

    tables::LogicalTable restored(program, table);
    start = Clock::now();
    tables::SnapshotReader in(out.bytes());
    if (!restored.restore(in, error)) {
        std::fprintf(stderr, "logical_table_bench: restore: %s\n", error.c_str());
        return 1;
    }
    std::printf("restore: %zu entries in %.3f s\n", restored.size(), seconds(start));
    size_t same = 0;
    for (size_t i = 0; i < routes.size(); i += 16) {
        entries.at(i, e);
        same += restored.handleOf(e) == lt.handleOf(e);
    }
    std::printf("restored table agrees on %zu of %zu lookups\n", same, (routes.size() + 15) / 16);
    return same == (routes.size() + 15) / 16 ? 0 : 1;
}
