// SPDX-License-Identifier: Apache-2.0
#include "runtime/tables/loader.hpp"

#include <algorithm>
#include <stdexcept>

#include "runtime/tables/exact.hpp"
#include "runtime/tables/lpm_table.hpp"
#include "runtime/tables/ternary.hpp"

namespace hop::tables {

namespace {

std::string geometryMismatch(const regmap::TableBlock& blk, const TableGeometry& g) {
    auto one = [&](const char* what, int64_t driver, int64_t map) -> std::string {
        if (driver == map) return "";
        return std::string(what) + " " + std::to_string(map) + " in the register map, " +
               std::to_string(driver) + " in the driver";
    };
    for (const std::string& s : {
             one("kind", static_cast<int>(g.kind), static_cast<int>(blk.kind)),
             one("depth", g.depth, blk.depth),
             one("key width", g.keyWidth, blk.keyWidth),
             one("action width", g.actionWidth, blk.actionWidth),
             one("parameter width", g.paramWidth, blk.paramWidth),
             one("span", g.span(), blk.span),
         }) {
        if (!s.empty()) return "table '" + blk.name + "': " + s;
    }
    return "";
}

}  // namespace

PipelineLoader::PipelineLoader(const ir::Program& program, const regmap::RegMap& map)
    : program_(program), map_(map) {
    for (const regmap::TableBlock& blk : map_.tables) {
        ir::TableId t = blk.table;
        if (t < 0 || t >= static_cast<int>(program.tables.size()) ||
            program.tables[t].name != blk.name) {
            t = program.findTable(blk.name);
        }
        if (t < 0 || t >= static_cast<int>(program.tables.size())) {
            error_ = "the register map names table '" + blk.name + "', which the program lacks";
            return;
        }
        const ir::Table& table = program.tables[t];
        Driver& d = drivers_[t];
        d.block = &blk;
        try {
            switch (blk.kind) {
                case regmap::TableKind::Exact:
                case regmap::TableKind::Direct: {
                    const TableGeometry g = ExactTable::geometryFor(program, table);
                    error_ = geometryMismatch(blk, g);
                    d.exact = std::make_unique<ExactTable>(program, t);
                    break;
                }
                case regmap::TableKind::Ternary: {
                    const TableGeometry g = TernaryTable::geometryFor(program, table);
                    error_ = geometryMismatch(blk, g);
                    d.ternary = std::make_unique<TernaryTable>(program, t);
                    d.lpmAsTernary = blk.lpmAsTernary;
                    break;
                }
                case regmap::TableKind::Lpm:
                    d.lpm = std::make_unique<LpmTable>(program, t, blk.lpm);
                    break;
            }
        } catch (const std::exception& e) {
            error_ = "table '" + blk.name + "': " + e.what();
        }
        if (!error_.empty()) return;

        // The program's default action (with its arguments), its const entries, then the
        // entries it gives a table whose entries are not const (logical entries, with handles).
        d.logical = std::make_unique<LogicalTable>(program, t);
        std::string err;
        CsrWrites writes;
        Entry def;
        def.table = t;
        def.action = table.defaultAction;
        if (!drive(d, Command::Kind::SetDefault, -1, def, writes, err)) {
            error_ = "table '" + blk.name + "': default action: " + err;
            return;
        }
        if (table.entriesConst) {
            std::vector<Entry> consts;
            if (d.ternary && !d.lpmAsTernary) {
                consts = TernaryTable::constEntries(program, t);
            } else {
                for (const auto& te : table.entries) {
                    Entry e;
                    e.table = t;
                    e.keys = te.keys;
                    e.action = te.action;
                    consts.push_back(std::move(e));
                }
            }
            for (size_t i = 0; i < consts.size(); ++i) {
                if (!drive(d, Command::Kind::Add, -1, consts[i], writes, err,
                           static_cast<int>(i))) {
                    error_ = "table '" + blk.name + "': const entry: " + err;
                    return;
                }
            }
        }
        auto hook = [&](Command::Kind kind, int handle, const Entry& e, std::string& why) {
            return drive(d, kind, handle, e, writes, why);
        };
        if (!d.logical->addInitial(err, hook)) {
            error_ = "table '" + blk.name + "': initial entry: " + err;
            return;
        }
        relocate(d, writes);
        initial_.insert(initial_.end(), writes.begin(), writes.end());
    }
}

PipelineLoader::~PipelineLoader() = default;

std::vector<uint32_t> PipelineLoader::initWalkInfoAddresses() const {
    std::vector<uint32_t> out;
    for (const auto& [t, d] : drivers_) {
        if (d.block->kind == regmap::TableKind::Exact ||
            d.block->kind == regmap::TableKind::Direct || d.block->kind == regmap::TableKind::Lpm)
            out.push_back(d.block->base + TableGeometry::kInfo);  // LpmCsr::kInfo too
    }
    return out;
}

void PipelineLoader::relocate(const Driver& d, CsrWrites& writes) const {
    for (auto& w : writes) w.addr += d.block->base;
}

void PipelineLoader::clearDirectCells(ir::TableId table, int cell, CsrWrites& out) const {
    for (const regmap::ExternBlock& b : map_.externs) {
        const ir::ExternObject& x = program_.externs.at(b.object);
        // A cell of 0: a direct counter at 0, a direct meter unconfigured (it marks GREEN).
        if (x.table != table || (x.kind != ir::ExternObject::Kind::DirectCounter &&
                                 x.kind != ir::ExternObject::Kind::DirectMeter))
            continue;
        auto at = [&](uint32_t word) { return b.base + 4 * word; };
        for (int w = 0; w < (b.width + 31) / 32; ++w)
            out.push_back({at(regmap::kRegWordData + static_cast<uint32_t>(w)), 0});
        out.push_back({at(regmap::kRegWordIndex), static_cast<uint32_t>(cell)});
        out.push_back({at(regmap::kRegWordCmd), regmap::kRegCmdWrite});
    }
}

bool PipelineLoader::drive(Driver& d, Command::Kind kind, int handle, const Entry& given,
                           CsrWrites& out, std::string& error, int constIndex) {
    using K = Command::Kind;
    const ir::Table& table = d.logical->table();
    // A table with direct counters: the entry's cell (its handle, or a const entry's position)
    // rides as the action's hidden last argument (regmap/direct_cells.hpp).
    const int cell = handle >= 0 ? handle : constIndex;
    Entry withCell;
    const bool addCell =
        !table.directExterns.empty() && (kind == K::Add || kind == K::Modify) && cell >= 0;
    if (addCell) {
        withCell = given;
        withCell.action.args.emplace_back(cell);
    }
    const Entry& entry = addCell ? withCell : given;
    std::optional<CsrWrites> ws;
    auto call = [&](auto& drv) -> std::optional<CsrWrites> {
        switch (kind) {
            case K::Add:
                return drv.add(entry, error);
            case K::Modify:
                return drv.modify(entry, error);
            case K::Delete:
                return drv.remove(entry, error);
            case K::SetDefault:
                return drv.setDefault(entry.action, error);
            case K::Clear:
                break;
        }
        error = "internal: unexpected command";
        return std::nullopt;
    };
    if (d.exact) {
        ws = call(*d.exact);
    } else if (d.lpm) {
        ws = call(*d.lpm);
    } else if (!d.lpmAsTernary || kind == K::SetDefault) {
        ws = call(*d.ternary);
    } else {
        // An LPM table in ternary slots: the longer prefix must win, so it is the priority.
        TernaryTable& tern = *d.ternary;
        BigInt params;
        switch (kind) {
            case K::Add: {
                int64_t prio = 0;
                for (size_t k = 0; k < table.keys.size() && k < entry.keys.size(); ++k) {
                    if (table.keys[k].matchKind == ir::MatchKind::Lpm &&
                        entry.keys[k].kind == ir::Match::Kind::Lpm)
                        prio = entry.keys[k].prefixLen;
                }
                auto pieces = TernaryTable::expand(table, entry, error);
                if (!pieces) return false;
                auto id = encodeAction(program_, table, entry.action, params, error);
                if (!id) return false;
                uint64_t slotsId = 0;
                ws = tern.insert(*pieces, prio, *id, params, error, &slotsId);
                if (ws && handle >= 0) d.ternaryIds[handle] = slotsId;
                break;
            }
            case K::Modify: {
                auto id = encodeAction(program_, table, entry.action, params, error);
                if (!id) return false;
                ws = tern.modify(d.ternaryIds.at(handle), *id, params, error);
                break;
            }
            case K::Delete:
                ws = tern.erase(d.ternaryIds.at(handle), error);
                if (ws) d.ternaryIds.erase(handle);
                break;
            default:
                error = "internal: unexpected command";
                return false;
        }
    }
    if (!ws) return false;
    out.insert(out.end(), ws->begin(), ws->end());
    return true;
}

std::optional<CsrWrites> PipelineLoader::apply(const Command& cmd, std::string& error,
                                               int* handleOut) {
    const ir::TableId tid = cmd.entry.table;
    if (tid < 0 || tid >= static_cast<int>(program_.tables.size())) {
        error = "unknown table id " + std::to_string(tid);
        return std::nullopt;
    }
    auto it = drivers_.find(tid);
    if (it == drivers_.end()) {
        error = "table '" + program_.tables[tid].name + "' has no block in the register map";
        return std::nullopt;
    }
    Driver& d = it->second;
    CsrWrites writes;
    std::vector<int> freed;  // handles whose direct counter cells go back to 0
    auto hook = [&](Command::Kind kind, int handle, const Entry& e, std::string& why) {
        if (!drive(d, kind, handle, e, writes, why)) return false;
        if (kind == Command::Kind::Delete && handle >= 0) freed.push_back(handle);
        return true;
    };
    if (!d.logical->apply(cmd, error, handleOut, hook)) return std::nullopt;
    relocate(d, writes);
    // After the entry left the block, so no packet counts into the cell again; a new entry that
    // takes the handle starts at 0, as BMv2's.
    for (int h : freed) clearDirectCells(tid, h, writes);
    return writes;
}

const LpmTable* PipelineLoader::lpmTable(ir::TableId table) const {
    auto it = drivers_.find(table);
    return it == drivers_.end() ? nullptr : it->second.lpm.get();
}

std::optional<CsrWrites> PipelineLoader::addMany(ir::TableId tid, std::vector<Entry> entries,
                                                 std::string& error, std::vector<int>* handles) {
    return addMany(tid, EntrySource::of(entries), error, handles);
}

std::optional<CsrWrites> PipelineLoader::addMany(ir::TableId tid, const EntrySource& source,
                                                 std::string& error, std::vector<int>* handles) {
    auto it = drivers_.find(tid);
    // An LPM block's bulk image has no handles yet: entries with direct cells go one by one.
    if (it == drivers_.end() || !it->second.lpm || !program_.tables[tid].directExterns.empty()) {
        // One by one: the writes of every add, in order.
        CsrWrites all;
        Command cmd;
        cmd.kind = Command::Kind::Add;
        for (size_t i = 0; i < source.count; ++i) {
            source.at(i, cmd.entry);
            cmd.entry.table = tid;
            int handle = -1;
            auto ws = apply(cmd, error, &handle);
            if (!ws) {
                error = "entry " + std::to_string(i + 1) + ": " + error;
                return std::nullopt;
            }
            if (handles) handles->push_back(handle);
            all.insert(all.end(), ws->begin(), ws->end());
        }
        return all;
    }
    Driver& d = it->second;
    const EntrySource tagged{source.count, [&](size_t i, Entry& out) {
                                 source.at(i, out);
                                 out.table = tid;
                             }};
    CsrWrites writes;
    auto hook = [&](const EntrySource& checked, std::string& why) {
        auto ws = d.lpm->addMany(checked, why);
        if (ws) writes = std::move(*ws);
        return ws.has_value();
    };
    if (!d.logical->addMany(tagged, error, handles, hook)) return std::nullopt;
    relocate(d, writes);
    return writes;
}

std::vector<std::pair<int, Entry>> PipelineLoader::entries(ir::TableId table) const {
    std::vector<std::pair<int, Entry>> out;
    const LogicalTable* lt = logicalTable(table);
    if (!lt) return out;
    out.reserve(lt->size());
    lt->forEach([&](int handle, const Entry& e) { out.emplace_back(handle, e); });
    return out;
}

const LogicalTable* PipelineLoader::logicalTable(ir::TableId table) const {
    auto it = drivers_.find(table);
    return it == drivers_.end() ? nullptr : it->second.logical.get();
}

bool PipelineLoader::saveLogical(ir::TableId table, SnapshotWriter& out, std::string& error) const {
    const LogicalTable* lt = logicalTable(table);
    if (!lt) {
        error = "table id " + std::to_string(table) + " has no block in the register map";
        return false;
    }
    lt->save(out);
    return true;
}

bool PipelineLoader::restoreLogical(ir::TableId table, SnapshotReader& in, std::string& error) {
    auto it = drivers_.find(table);
    if (it == drivers_.end()) {
        error = "table id " + std::to_string(table) + " has no block in the register map";
        return false;
    }
    return it->second.logical->restore(in, error);
}

}  // namespace hop::tables
