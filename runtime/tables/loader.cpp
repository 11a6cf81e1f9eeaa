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

        // The program's default action (with its arguments), then its const entries.
        std::string err;
        CsrWrites writes;
        Entry def;
        def.table = t;
        def.action = table.defaultAction;
        auto ws = drive(d, table, Command::Kind::SetDefault, def, nullptr, err);
        if (!ws) {
            error_ = "table '" + blk.name + "': default action: " + err;
            return;
        }
        writes.insert(writes.end(), ws->begin(), ws->end());
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
        for (const Entry& e : consts) {
            Stored scratch;
            ws = drive(d, table, Command::Kind::Add, e, &scratch, err);
            if (!ws) {
                error_ = "table '" + blk.name + "': const entry: " + err;
                return;
            }
            writes.insert(writes.end(), ws->begin(), ws->end());
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

int PipelineLoader::newHandle(Driver& d) {
    // The smallest handle not in use.
    if (!d.freeHandles.empty()) {
        const int h = *d.freeHandles.begin();
        d.freeHandles.erase(d.freeHandles.begin());
        return h;
    }
    return d.nextHandle++;
}

bool PipelineLoader::actionListed(const ir::Table& table, const ir::ActionCall& call,
                                  bool forDefault, std::string& error) const {
    const std::string name = "table '" + table.name + "'";
    const ir::ActionId a = call.action;
    for (const auto& r : table.actions) {
        if (r.action != a) continue;
        if (!forDefault && r.scope == ir::ActionRef::Scope::DefaultOnly) {
            error = "action '" + program_.actions[a].name + "' is default-only in " + name;
            return false;
        }
        if (forDefault && r.scope == ir::ActionRef::Scope::TableOnly) {
            error = "action '" + program_.actions[a].name + "' cannot be the default of " + name;
            return false;
        }
        if (call.args.size() != program_.actions[a].params.size()) {
            error = "action '" + program_.actions[a].name + "' takes " +
                    std::to_string(program_.actions[a].params.size()) + " argument(s)";
            return false;
        }
        return true;
    }
    error = "action " +
            (a >= 0 && a < static_cast<int>(program_.actions.size())
                 ? "'" + program_.actions[a].name + "'"
                 : std::to_string(a)) +
            " is not an action of " + name;
    return false;
}

std::optional<CsrWrites> PipelineLoader::drive(Driver& d, const ir::Table& table,
                                               Command::Kind kind, const Entry& entry,
                                               Stored* stored, std::string& error) {
    using K = Command::Kind;
    if (d.exact || d.lpm) {
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
        return d.exact ? call(*d.exact) : call(*d.lpm);
    }
    TernaryTable& tern = *d.ternary;
    if (kind == K::SetDefault) return tern.setDefault(entry.action, error);
    if (!d.lpmAsTernary) {
        switch (kind) {
            case K::Add:
                return tern.add(entry, error);
            case K::Modify:
                return tern.modify(entry, error);
            case K::Delete:
                return tern.remove(entry, error);
            default:
                error = "internal: unexpected command";
                return std::nullopt;
        }
    }
    // An LPM table in ternary slots: the longer prefix must win, so it is the priority.
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
            if (!pieces) return std::nullopt;
            auto id = encodeAction(program_, table, entry.action, params, error);
            if (!id) return std::nullopt;
            uint64_t handle = 0;
            auto ws = tern.insert(*pieces, prio, *id, params, error, &handle);
            if (ws && stored) stored->ternaryId = handle;
            return ws;
        }
        case K::Modify: {
            auto id = encodeAction(program_, table, entry.action, params, error);
            if (!id) return std::nullopt;
            return tern.modify(stored->ternaryId, *id, params, error);
        }
        case K::Delete:
            return tern.erase(stored->ternaryId, error);
        default:
            error = "internal: unexpected command";
            return std::nullopt;
    }
}

std::optional<CsrWrites> PipelineLoader::apply(const Command& cmd, std::string& error,
                                               int* handleOut) {
    const ir::TableId tid = cmd.entry.table;
    if (tid < 0 || tid >= static_cast<int>(program_.tables.size())) {
        error = "unknown table id " + std::to_string(tid);
        return std::nullopt;
    }
    const ir::Table& t = program_.tables[tid];
    const std::string name = "table '" + t.name + "'";
    auto it = drivers_.find(tid);
    if (it == drivers_.end()) {
        error = name + " has no block in the register map";
        return std::nullopt;
    }
    Driver& d = it->second;
    auto findEntry = [&]() -> Stored* {
        if (cmd.handle) {
            if (auto h = d.byHandle.find(*cmd.handle); h != d.byHandle.end()) return &*h->second;
        } else {
            Entry e = cmd.entry;
            if (!needsPriority(t)) e.priority.reset();
            if (auto m = d.byMatch.find(matchKey(e)); m != d.byMatch.end()) return &*m->second;
        }
        if (cmd.handle)
            error = name + " has no entry with handle " + std::to_string(*cmd.handle);
        else
            error = name + " has no entry [" + formatEntry(program_, cmd.entry) + "]";
        return nullptr;
    };
    const bool isConst = t.entriesConst;
    using K = Command::Kind;
    std::optional<CsrWrites> ws;
    switch (cmd.kind) {
        case K::Add: {
            if (isConst) {
                error = name + " has const entries: entries cannot be added";
                return std::nullopt;
            }
            if (cmd.entry.keys.size() != t.keys.size()) {
                error = name + " needs " + std::to_string(t.keys.size()) + " key(s), got " +
                        std::to_string(cmd.entry.keys.size());
                return std::nullopt;
            }
            if (!actionListed(t, cmd.entry.action, false, error)) return std::nullopt;
            Entry e = cmd.entry;
            if (!needsPriority(t)) e.priority.reset();
            std::string key = matchKey(e);
            if (auto m = d.byMatch.find(key); m != d.byMatch.end()) {
                error = "duplicate entry in " + name + " (same match as entry " +
                        std::to_string(m->second->handle) + ")";
                return std::nullopt;
            }
            if (static_cast<int64_t>(d.entries.size()) >= t.size) {
                error = name + " is full (size " + std::to_string(t.size) + ")";
                return std::nullopt;
            }
            Stored s;
            s.entry = e;
            ws = drive(d, t, K::Add, e, &s, error);
            if (!ws) return std::nullopt;
            s.handle = newHandle(d);
            if (handleOut) *handleOut = s.handle;
            d.entries.push_back(std::move(s));
            d.byHandle[d.entries.back().handle] = std::prev(d.entries.end());
            d.byMatch[std::move(key)] = std::prev(d.entries.end());
            break;
        }
        case K::Modify: {
            if (isConst) {
                error = name + " has const entries: entries cannot be modified";
                return std::nullopt;
            }
            if (!actionListed(t, cmd.entry.action, false, error)) return std::nullopt;
            Stored* se = findEntry();
            if (!se) return std::nullopt;
            Entry e = se->entry;
            e.action = cmd.entry.action;
            ws = drive(d, t, K::Modify, e, se, error);
            if (!ws) return std::nullopt;
            se->entry.action = cmd.entry.action;
            if (handleOut) *handleOut = se->handle;
            break;
        }
        case K::Delete: {
            if (isConst) {
                error = name + " has const entries: entries cannot be deleted";
                return std::nullopt;
            }
            Stored* se = findEntry();
            if (!se) return std::nullopt;
            ws = drive(d, t, K::Delete, se->entry, se, error);
            if (!ws) return std::nullopt;
            if (handleOut) *handleOut = se->handle;
            auto pos = d.byHandle.at(se->handle);
            d.byMatch.erase(matchKey(se->entry));
            d.byHandle.erase(se->handle);
            d.freeHandles.insert(se->handle);
            d.entries.erase(pos);
            break;
        }
        case K::SetDefault:
            if (t.defaultActionIsConst) {
                error = "the default action of " + name + " is const";
                return std::nullopt;
            }
            if (!actionListed(t, cmd.entry.action, true, error)) return std::nullopt;
            ws = drive(d, t, K::SetDefault, cmd.entry, nullptr, error);
            if (!ws) return std::nullopt;
            break;
        case K::Clear: {
            if (isConst) {
                error = name + " has const entries: it cannot be cleared";
                return std::nullopt;
            }
            // Newest first, so the drivers never have to move an entry that is about to go.
            CsrWrites all;
            while (!d.entries.empty()) {
                Stored& se = d.entries.back();
                auto one = drive(d, t, K::Delete, se.entry, &se, error);
                if (!one) return std::nullopt;  // the entries before it are gone already
                all.insert(all.end(), one->begin(), one->end());
                d.entries.pop_back();
            }
            d.byHandle.clear();
            d.byMatch.clear();
            d.freeHandles.clear();
            d.nextHandle = 0;
            ws = std::move(all);
            break;
        }
    }
    relocate(d, *ws);
    return ws;
}

const LpmTable* PipelineLoader::lpmTable(ir::TableId table) const {
    auto it = drivers_.find(table);
    return it == drivers_.end() ? nullptr : it->second.lpm.get();
}

std::optional<CsrWrites> PipelineLoader::addMany(ir::TableId tid, std::vector<Entry> entries,
                                                 std::string& error, std::vector<int>* handles) {
    auto it = drivers_.find(tid);
    if (it == drivers_.end() || !it->second.lpm) {
        // One by one: the writes of every add, in order.
        CsrWrites all;
        for (size_t i = 0; i < entries.size(); ++i) {
            Command cmd;
            cmd.kind = Command::Kind::Add;
            cmd.entry = entries[i];
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
    const ir::Table& t = program_.tables[tid];
    const std::string name = "table '" + t.name + "'";
    if (t.entriesConst) {
        error = name + " has const entries: entries cannot be added";
        return std::nullopt;
    }
    std::vector<std::string> keys;
    keys.reserve(entries.size());
    const bool priority = needsPriority(t);
    ir::ActionId listed = -1;  // the last action found listed (a full table has one or two)
    size_t listedArgs = 0;
    for (size_t i = 0; i < entries.size(); ++i) {
        Entry& e = entries[i];
        e.table = tid;
        auto fail = [&](const std::string& why) {
            error = "entry " + std::to_string(i + 1) + ": " + why;
            return std::nullopt;
        };
        if (e.keys.size() != t.keys.size()) {
            return fail(name + " needs " + std::to_string(t.keys.size()) + " key(s), got " +
                        std::to_string(e.keys.size()));
        }
        if (e.action.action != listed || e.action.args.size() != listedArgs) {
            if (!actionListed(t, e.action, false, error)) return fail(error);
            listed = e.action.action;
            listedArgs = e.action.args.size();
        }
        if (!priority) e.priority.reset();
        std::string key = matchKey(e);
        if (auto m = d.byMatch.find(key); m != d.byMatch.end()) {
            return fail("duplicate entry in " + name + " (same match as entry " +
                        std::to_string(m->second->handle) + ")");
        }
        keys.push_back(std::move(key));
    }
    // Twice in the list: LpmTable::addMany finds the same prefix given twice.
    if (static_cast<int64_t>(d.entries.size() + entries.size()) > t.size) {
        error = name + " is full (size " + std::to_string(t.size) +
                "): " + std::to_string(d.entries.size()) + " entries and " +
                std::to_string(entries.size()) + " more do not fit";
        return std::nullopt;
    }
    auto ws = d.lpm->addMany(entries, error);
    if (!ws) return std::nullopt;
    d.byHandle.reserve(d.byHandle.size() + entries.size());
    d.byMatch.reserve(d.byMatch.size() + entries.size());
    for (size_t i = 0; i < entries.size(); ++i) {
        Stored s;
        s.entry = std::move(entries[i]);
        s.handle = newHandle(d);
        if (handles) handles->push_back(s.handle);
        d.entries.push_back(std::move(s));
        d.byHandle[d.entries.back().handle] = std::prev(d.entries.end());
        d.byMatch[std::move(keys[i])] = std::prev(d.entries.end());
    }
    relocate(d, *ws);
    return ws;
}

std::vector<std::pair<int, Entry>> PipelineLoader::entries(ir::TableId table) const {
    std::vector<std::pair<int, Entry>> out;
    auto it = drivers_.find(table);
    if (it == drivers_.end()) return out;
    for (const auto& se : it->second.entries) out.emplace_back(se.handle, se.entry);
    return out;
}

}  // namespace hop::tables
