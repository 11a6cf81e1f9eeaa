// SPDX-License-Identifier: Apache-2.0
// --full-table: the prefixes no route holds yet go into ipv4_lpm in one bulk update (the image
// built in software, written in WRITE_LISTs), with progress and a report.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <optional>

#include "runtime/common/progress.hpp"
#include "runtime/hopd/failure.hpp"
#include "runtime/hopd/routes.hpp"
#include "runtime/tables/lpm_routes.hpp"
#include "runtime/tables/lpm_table.hpp"

namespace hop::hopd {

void RouteManager::loadFullTable(const std::string& file, router::Ipv4Addr gateway) {
    using Clock = std::chrono::steady_clock;
    auto seconds = [](Clock::duration d) { return std::chrono::duration<double>(d).count(); };
    const auto t0 = Clock::now();
    const uint64_t words0 = writer_.counters.csrWords, skipped0 = writer_.counters.stagedSkipped;
    std::string why;
    // The file's prefixes as packed keys {prefix << 8 | length}, in file order; the parsed list
    // goes at once.
    std::vector<uint64_t> listed;
    {
        auto prefixes = tables::readPrefixFile(file, 4, why);
        if (!why.empty()) throw Failure(1, file + ": error: " + why);
        listed.reserve(prefixes.size());
        for (const auto& p : prefixes) {
            listed.push_back(packed({static_cast<uint32_t>(p.value), p.length}));
        }
    }
    const double readS = seconds(Clock::now() - t0);
    std::cerr << fmt::format("hopd: full table: {} prefixes in {} ({:.2f} s to read), via {}\n",
                             listed.size(), file, readS, gateway.str());
    const router::Interface* on = subnetOf(gateway);
    if (!on) {
        throw Failure(1, fmt::format("{}: error: gateway {} is not on the subnet of any interface",
                                     file, gateway.str()));
    }
    const uint16_t id = gatewayId(gateway);
    auto probe = tables_.routeEntry(router::Ipv4Addr(0), 0, id, why);
    if (!probe) throw Failure(1, fmt::format("{}: error: {}", file, why));
    if (!fullTable_.empty() && fullTableVia_.value != gateway.value) {
        throw Failure(1, fmt::format("{}: error: a full table via {} is loaded already", file,
                                     fullTableVia_.str()));
    }
    fullTableVia_ = gateway;
    // Each prefix: held by another route or listed before (kept, as before), already in the
    // table as asked (a restart: nothing to write), in it with another next hop (modified in
    // place, one by one), or new (the bulk update). Those already in the table and the new
    // ones join fullTable_ (the modified ones are routes_ entries, as any route added alone).
    std::vector<uint64_t> distinct = listed;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    std::vector<bool> seen(distinct.size()), compact(distinct.size());
    std::vector<uint64_t> adds;
    uint64_t held = 0, present = 0, changed = 0;
    tables::Entry like = probe->entry;  // one entry, its key rewritten for each lookup
    for (const uint64_t k : listed) {
        const size_t at = static_cast<size_t>(
            std::lower_bound(distinct.begin(), distinct.end(), k) - distinct.begin());
        const Key key = unpacked(k);
        if (seen[at] || hasRoute(key)) {
            ++held;
            seen[at] = true;
            continue;
        }
        seen[at] = true;
        const router::Ipv4Addr prefix(key.first);
        tables_.setRouteMatch(like, prefix, key.second);
        if (const auto found = writer_.findStored(tables_.lpm, like)) {
            if (found->action.action == tables_.setNexthop && found->action.args.size() == 1 &&
                found->action.args[0] == id) {
                ++present;
                ++writer_.counters.identical;
            } else {
                ++changed;
                if (!addRoute(RouteSpec{prefix, key.second, gateway, {}}, "full-table", why)) {
                    throw Failure(1, fmt::format("{}: error: {}", file, why));
                }
                continue;
            }
        } else {
            adds.push_back(k);
        }
        compact[at] = true;
        softwareRoutes_.add(prefix, key.second, on->port, gateway);
    }
    const size_t listedCount = listed.size();
    listed = {};
    seen = {};
    std::vector<uint64_t> joined;
    joined.reserve(fullTable_.size() + present + adds.size());
    for (size_t i = 0; i < distinct.size(); ++i) {
        if (compact[i]) joined.push_back(distinct[i]);
    }
    distinct = {};
    compact = {};
    if (!fullTable_.empty()) {
        joined.insert(joined.end(), fullTable_.begin(), fullTable_.end());
        std::sort(joined.begin(), joined.end());
    }
    fullTable_ = std::move(joined);

    const auto t1 = Clock::now();
    auto t2 = t1;                              // the bulk update's image built, its writes start
    std::optional<Clock::time_point> busDone;  // the last write answered
    const size_t added = adds.size();
    // The adds as entries made one at a time: the probe's action, the prefix's key.
    const tables::EntrySource source{added, [&](size_t i, tables::Entry& out) {
                                         if (out.keys.size() != 1 || out.priority ||
                                             out.action.action != probe->entry.action.action ||
                                             out.action.args != probe->entry.action.args) {
                                             out = probe->entry;
                                         }
                                         const Key key = unpacked(adds[i]);
                                         tables_.setRouteMatch(out, router::Ipv4Addr(key.first),
                                                               key.second);
                                     }};
    if (added < 64) {
        // A few: the ordinary incremental adds.
        tables::Command cmd = *probe;
        for (size_t i = 0; i < added; ++i) {
            source.at(i, cmd.entry);
            if (!writer_.apply(cmd, why)) throw Failure(1, fmt::format("{}: error: {}", file, why));
        }
    } else {
        common::Progress progress(std::cerr,
                                  common::Progress::modeFor(2, common::Progress::Mode::Lines));
        writer_.writeProgress = [&](size_t done, size_t all) {
            if (done == 0) {
                t2 = Clock::now();
                std::cerr << fmt::format(
                    "hopd: full table: image of {} prefixes built in {:.2f} s: {} CSR writes to "
                    "make\n",
                    added, seconds(t2 - t1), all);
                return;
            }
            if (done == all) busDone = Clock::now();
            if (!progress.due()) return;
            const double s = seconds(Clock::now() - t2);
            progress.show(fmt::format(
                "hopd: full table: {} {:5.1f} % of {} CSR writes, {:.1f} s, {:.0f} writes/s",
                common::progressBar(done, all), 100.0 * double(done) / double(all), all, s,
                double(done) / std::max(s, 1e-3)));
        };
        struct Reset {
            std::function<void(size_t, size_t)>& f;
            ~Reset() { f = nullptr; }
        } reset{writer_.writeProgress};
        writer_.applyBulk(tables_.lpm, source);
    }
    adds = {};
    const auto t3 = Clock::now();
    const double total = seconds(t3 - t0);
    const uint64_t words = writer_.counters.csrWords - words0;
    const double writeS = seconds(t3 - t2);
    std::cerr << fmt::format(
        "hopd: full table: {} prefixes: {} added{}, {} already in the table, {} changed, {} held "
        "by other routes or listed twice; {} CSR writes in {:.2f} s ({:.0f} writes/s; {} more "
        "left out: STAGE registers held the value); {:.2f} s wall in all ({:.2f} s reading the "
        "file, {:.2f} s building the image), {:.0f} routes/s\n",
        listedCount, added, added >= 64 ? " in one bulk update" : "", present, changed, held, words,
        writeS, double(words) / std::max(writeS, 1e-3), writer_.counters.stagedSkipped - skipped0,
        total, readS, seconds(t2 - t1), double(listedCount) / std::max(total, 1e-3));
    // Bus: from the first write list sent to the last one answered; software: everything else
    // (reading the file, the entries, the image, the bookkeeping after the writes).
    const double busS = busDone ? seconds(*busDone - t2) : 0.0;
    std::cerr << fmt::format(
        "hopd: full table: software {:.2f} s (reading {:.2f} s, the entries {:.2f} s, the image "
        "{:.2f} s, after the writes {:.2f} s), bus {:.2f} s ({} CSR writes)\n",
        total - busS, readS, seconds(t1 - t0) - readS, seconds(t2 - t1),
        busDone ? seconds(t3 - *busDone) : 0.0, busS, words);
    // What hopd itself holds for its routes (the tables' drivers hold the entries and the image).
    const auto mib = [](size_t bytes) { return double(bytes) / (1024.0 * 1024.0); };
    // (a map entry of routes_, with its spec and origin: about 160 bytes)
    const size_t listBytes = fullTable_.capacity() * sizeof(uint64_t) + routes_.size() * 160;
    const size_t softwareBytes = softwareRoutes_.memoryBytes();
    const size_t shadowBytes = writer_.shadow().memoryBytes();
    const size_t own = listBytes + softwareBytes + shadowBytes;
    std::cerr << fmt::format(
        "hopd: full table: hopd's own route structures {:.1f} MiB ({:.1f} bytes a route): the "
        "route list {:.1f} MiB, the software route table {:.1f} MiB, the hardware shadow {:.1f} "
        "MiB\n",
        mib(own), double(own) / double(std::max<size_t>(routes().size(), 1)), mib(listBytes),
        mib(softwareBytes), mib(shadowBytes));
    const std::string& name = tables_.program().tables[tables_.lpm].name;
    if (const tables::LpmTable* lpm = writer_.loader().lpmTable(tables_.lpm)) {
        uint64_t used = 0, capacity = 0;
        for (const auto& m : lpm->image().memoryInfo()) {
            std::cerr << fmt::format(
                "hopd: full table: {} node memory {:<14} {:>9} of {:>9} words x {:>3} bits = "
                "{:>10} of {:>10} bytes ({:5.1f} %)\n",
                name, m.name, m.usedWords, m.capacityWords, m.wordBits, m.usedBytes(),
                m.capacityBytes(),
                100.0 * double(m.usedWords) / double(std::max<uint64_t>(m.capacityWords, 1)));
            used += m.usedBytes();
            capacity += m.capacityBytes();
        }
        std::cerr << fmt::format(
            "hopd: full table: {} prefixes in {}, node memory {} of {} bytes ({:.1f} %, {:.2f} "
            "MiB)\n",
            lpm->size(), name, used, capacity,
            100.0 * double(used) / double(std::max<uint64_t>(capacity, 1)),
            double(used) / (1024.0 * 1024.0));
    }
}

}  // namespace hop::hopd
