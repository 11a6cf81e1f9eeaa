// SPDX-License-Identifier: Apache-2.0
// PipelineLoader's snapshot: per table block, in the order of the drivers (by table id), the
// logical entries (LogicalTable::save) and the driver's placement (ExactTable, TernaryTable or
// LpmTable ::save), then the handle -> slot ids of an LPM table mapped onto ternary slots.
#include <algorithm>

#include "runtime/tables/exact.hpp"
#include "runtime/tables/loader.hpp"
#include "runtime/tables/lpm_table.hpp"
#include "runtime/tables/snapshot.hpp"
#include "runtime/tables/ternary.hpp"

namespace hop::tables {

void PipelineLoader::save(SnapshotWriter& out) const {
    out.tag("LOAD");
    out.u64(drivers_.size());
    for (const auto& [t, d] : drivers_) {
        out.tag("TBLE");
        out.u32(static_cast<uint32_t>(t));
        out.str(d.block->name);
        d.logical->save(out);
        if (d.exact) d.exact->save(out);
        if (d.ternary) d.ternary->save(out);
        if (d.lpm) d.lpm->save(out);
        std::vector<std::pair<int, uint64_t>> ids(d.ternaryIds.begin(), d.ternaryIds.end());
        std::sort(ids.begin(), ids.end());
        std::vector<int64_t> handles;
        std::vector<uint64_t> slots;
        for (const auto& [handle, slot] : ids) {
            handles.push_back(handle);
            slots.push_back(slot);
        }
        out.seq(handles);
        out.seq(slots);
    }
}

bool PipelineLoader::restore(SnapshotReader& in, std::string& error) {
    in.expect("LOAD");
    const uint64_t count = in.u64();
    if (in.ok() && count != drivers_.size()) {
        in.fail("the snapshot has " + std::to_string(count) + " table blocks, the program " +
                std::to_string(drivers_.size()));
    }
    for (auto& [t, d] : drivers_) {
        if (!in.ok()) break;
        in.expect("TBLE");
        const uint32_t id = in.u32();
        const std::string name = in.str();
        if (in.ok() && (id != static_cast<uint32_t>(t) || name != d.block->name)) {
            in.fail("the snapshot's table " + std::to_string(id) + " '" + name +
                    "' is not the program's table " + std::to_string(t) + " '" + d.block->name +
                    "'");
        }
        if (!in.ok()) break;
        std::string why;
        bool ok = d.logical->restore(in, why);
        if (ok && d.exact) ok = d.exact->restore(in, why);
        if (ok && d.ternary) ok = d.ternary->restore(in, why);
        if (ok && d.lpm) ok = d.lpm->restore(in, why);
        if (!ok) {
            in.fail("table '" + d.block->name + "': " + (why.empty() ? in.error() : why));
            break;
        }
        d.ternaryIds.clear();
        const auto handles = in.seq<int64_t>();
        const auto slots = in.seq<uint64_t>();
        if (handles.size() != slots.size()) in.fail("ternary slot ids do not pair up");
        for (size_t i = 0; in.ok() && i < handles.size(); ++i) {
            d.ternaryIds[static_cast<int>(handles[i])] = slots[i];
        }
    }
    if (!in.ok()) error = in.error();
    return in.ok();
}

}  // namespace hop::tables
