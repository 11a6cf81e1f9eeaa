// SPDX-License-Identifier: Apache-2.0
// --full-table: the prefixes no route holds yet go into ipv4_lpm in one bulk update (the image
// built in software, written in WRITE_LISTs), with progress and a report.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <iostream>

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
    auto prefixes = tables::readPrefixFile(file, 4, why);
    if (!why.empty()) throw Failure(1, file + ": error: " + why);
    const double readS = seconds(Clock::now() - t0);
    std::cerr << fmt::format("hopd: full table: {} prefixes in {} ({:.2f} s to read), via {}\n",
                             prefixes.size(), file, readS, gateway.str());
    const router::Interface* on = subnetOf(gateway);
    if (!on) {
        throw Failure(1, fmt::format("{}: error: gateway {} is not on the subnet of any interface",
                                     file, gateway.str()));
    }
    const uint16_t id = gatewayId(gateway);
    auto probe = tables_.routeEntry(router::Ipv4Addr(0), 0, id, why);
    if (!probe) throw Failure(1, fmt::format("{}: error: {}", file, why));
    // Each prefix: held by another route (kept, as before), already in the table as asked (a
    // restart: nothing to write), in it with another next hop (modified in place, one by one),
    // or new (the bulk update).
    std::vector<tables::Command> adds;
    uint64_t held = 0, present = 0, changed = 0;
    for (const auto& p : prefixes) {
        const auto value = static_cast<uint32_t>(p.value);
        const Key key{value, p.length};
        if (routes_.count(key)) {
            ++held;
            continue;
        }
        RouteSpec spec{router::Ipv4Addr(value), p.length, gateway, {}};
        if (const auto* found = writer_.findIndexed({value, p.length})) {
            if (found->action == tables_.setNexthop && found->arg == id) {
                ++present;
                ++writer_.counters.identical;
                routes_[key] = {spec, "full-table"};
                softwareRoutes_.add(spec.prefix, spec.length, on->port, gateway);
            } else {
                ++changed;
                if (!addRoute(spec, "full-table", why)) {
                    throw Failure(1, fmt::format("{}: error: {}", file, why));
                }
            }
            continue;
        }
        tables::Command cmd = *probe;
        cmd.entry.keys = tables_.routeMatch(spec.prefix, p.length).keys;
        adds.push_back(std::move(cmd));
        routes_[key] = {spec, "full-table"};
        softwareRoutes_.add(spec.prefix, spec.length, on->port, gateway);
    }
    const auto t1 = Clock::now();
    auto t2 = t1;  // the bulk update's image built, its writes start
    const size_t added = adds.size();
    if (added < 64) {
        // A few: the ordinary incremental adds.
        for (const auto& cmd : adds) {
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
        writer_.applyBulk(std::move(adds));
    }
    const auto t3 = Clock::now();
    const double total = seconds(t3 - t0);
    const uint64_t words = writer_.counters.csrWords - words0;
    const double writeS = seconds(t3 - t2);
    std::cerr << fmt::format(
        "hopd: full table: {} prefixes: {} added{}, {} already in the table, {} changed, {} held "
        "by other routes or listed twice; {} CSR writes in {:.2f} s ({:.0f} writes/s; {} more "
        "left out: STAGE registers held the value); {:.2f} s wall in all ({:.2f} s reading the "
        "file, {:.2f} s building the image), {:.0f} routes/s\n",
        prefixes.size(), added, added >= 64 ? " in one bulk update" : "", present, changed, held,
        words, writeS, double(words) / std::max(writeS, 1e-3),
        writer_.counters.stagedSkipped - skipped0, total, readS, seconds(t2 - t1),
        double(prefixes.size()) / std::max(total, 1e-3));
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
