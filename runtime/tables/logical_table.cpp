// SPDX-License-Identifier: Apache-2.0
#include "runtime/tables/logical_table.hpp"

#include <algorithm>
#include <functional>
#include <string_view>
#include <utility>

#include "runtime/tables/snapshot_values.hpp"

namespace hop::tables {

LogicalTable::LogicalTable(const ir::Program& program, ir::TableId table)
    : program_(&program),
      table_(&program.tables.at(table)),
      defaultAction_(table_->defaultAction),
      priorityTable_(needsPriority(*table_)),
      store_(program, table) {}

bool LogicalTable::addInitial(std::string& error, const Hook& hook) {
    if (table_->entriesConst) return true;
    const int n = static_cast<int>(table_->entries.size());
    for (int i = 0; i < n; ++i) {
        const ir::TableEntry& te = table_->entries[i];
        Command cmd;
        cmd.kind = Command::Kind::Add;
        cmd.entry.table = static_cast<ir::TableId>(table_ - program_->tables.data());
        cmd.entry.keys = te.keys;
        cmd.entry.action = te.action;
        if (priorityTable_) {
            // Earlier entries win, as they would among const entries.
            cmd.entry.priority = programEntryPriority(*table_, static_cast<size_t>(i));
        }
        if (!apply(cmd, error, nullptr, hook)) return false;
    }
    return true;
}

bool LogicalTable::checkAction(const ir::ActionCall& call, bool forDefault,
                               std::string& error) const {
    const ir::ActionId a = call.action;
    for (const auto& r : table_->actions) {
        if (r.action != a) continue;
        const ir::Action& action = program_->actions[a];
        if (!forDefault && r.scope == ir::ActionRef::Scope::DefaultOnly) {
            error = "action '" + action.name + "' is default-only in " + name();
            return false;
        }
        if (forDefault && r.scope == ir::ActionRef::Scope::TableOnly) {
            error = "action '" + action.name + "' cannot be the default of " + name();
            return false;
        }
        if (call.args.size() != action.params.size()) {
            error = "action '" + action.name + "' takes " + std::to_string(action.params.size()) +
                    " argument(s)";
            return false;
        }
        return true;
    }
    error = "action " +
            (a >= 0 && a < static_cast<int>(program_->actions.size())
                 ? "'" + program_->actions[a].name + "'"
                 : std::to_string(a)) +
            " is not an action of " + name();
    return false;
}

bool LogicalTable::checkAdd(Entry& entry, std::string& error) const {
    if (table_->entriesConst) {
        error = name() + " has const entries: entries cannot be added";
        return false;
    }
    if (entry.keys.size() != table_->keys.size()) {
        error = name() + " needs " + std::to_string(table_->keys.size()) + " key(s), got " +
                std::to_string(entry.keys.size());
        return false;
    }
    if (!checkAction(entry.action, false, error)) return false;
    if (!priorityTable_) entry.priority.reset();
    if (const auto same = store_.findMatch(entry)) {
        error =
            "duplicate entry in " + name() + " (same match as entry " + std::to_string(*same) + ")";
        return false;
    }
    if (static_cast<int64_t>(store_.size()) >= table_->size) {
        error = name() + " is full (size " + std::to_string(table_->size) + ")";
        return false;
    }
    return true;
}

LogicalTable::Found LogicalTable::find(int handle) const {
    if (!store_.contains(handle)) return {};
    return Found(Slot{store_.entry(handle), handle});
}

std::optional<int> LogicalTable::handleOf(const Entry& match) const {
    if (!priorityTable_ && match.priority) {
        Entry e = match;
        e.priority.reset();
        return store_.findMatch(e);
    }
    return store_.findMatch(match);
}

LogicalTable::Found LogicalTable::find(const Entry& match) const {
    const auto h = handleOf(match);
    if (!h) return {};
    return Found(Slot{store_.entry(*h), *h});
}

std::optional<int> LogicalTable::findForCommand(const Command& cmd, std::string& error) const {
    const std::optional<int> h = cmd.handle
                                     ? (store_.contains(*cmd.handle) ? cmd.handle : std::nullopt)
                                     : handleOf(cmd.entry);
    if (h) return h;
    if (cmd.handle)
        error = name() + " has no entry with handle " + std::to_string(*cmd.handle);
    else
        error = name() + " has no entry [" + formatEntry(*program_, cmd.entry) + "]";
    return std::nullopt;
}

bool LogicalTable::apply(const Command& cmd, std::string& error, int* handleOut, const Hook& hook) {
    using K = Command::Kind;
    const bool isConst = table_->entriesConst;
    switch (cmd.kind) {
        case K::Add: {
            Entry e = cmd.entry;
            if (!checkAdd(e, error)) return false;
            const int h = store_.nextHandle();
            if (hook && !hook(K::Add, h, e, error)) return false;
            store_.add(e);
            if (handleOut) *handleOut = h;
            return true;
        }
        case K::Modify: {
            if (isConst) {
                error = name() + " has const entries: entries cannot be modified";
                return false;
            }
            if (!checkAction(cmd.entry.action, false, error)) return false;
            const auto h = findForCommand(cmd, error);
            if (!h) return false;
            if (hook) {
                Entry e = store_.entry(*h);
                e.action = cmd.entry.action;
                if (!hook(K::Modify, *h, e, error)) return false;
            }
            store_.setAction(*h, cmd.entry.action);
            if (handleOut) *handleOut = *h;
            return true;
        }
        case K::Delete: {
            if (isConst) {
                error = name() + " has const entries: entries cannot be deleted";
                return false;
            }
            const auto h = findForCommand(cmd, error);
            if (!h) return false;
            if (hook && !hook(K::Delete, *h, store_.entry(*h), error)) return false;
            if (handleOut) *handleOut = *h;
            store_.erase(*h);
            return true;
        }
        case K::SetDefault:
            if (table_->defaultActionIsConst) {
                error = "the default action of " + name() + " is const";
                return false;
            }
            if (!checkAction(cmd.entry.action, true, error)) return false;
            if (hook && !hook(K::SetDefault, -1, cmd.entry, error)) return false;
            defaultAction_ = cmd.entry.action;
            return true;
        case K::Clear:
            if (isConst) {
                error = name() + " has const entries: it cannot be cleared";
                return false;
            }
            if (hook) {
                // Newest first, so that a driver never moves an entry that is about to go. When
                // one fails, the entries deleted before it are gone.
                Entry e;
                while (store_.newest() >= 0) {
                    const int h = store_.newest();
                    store_.decode(h, e);
                    if (!hook(K::Delete, h, e, error)) return false;
                    store_.erase(h);
                }
            }
            store_.clear();
            return true;
    }
    error = "unknown command";
    return false;
}

bool LogicalTable::addMany(const EntrySource& source, std::string& error, std::vector<int>* handles,
                           const BulkHook& hook) {
    if (table_->entriesConst) {
        error = name() + " has const entries: entries cannot be added";
        return false;
    }
    const size_t n = source.count;
    const size_t before = store_.size();
    const int endBefore = store_.end();
    std::vector<int> local;
    std::vector<int>& added = handles ? *handles : local;
    const size_t base = added.size();
    // The entries are stored as they are checked (the index finds duplicates within the source
    // too) and erased again, newest first, when anything fails: the table is then as it was.
    auto rollback = [&] {
        for (size_t i = added.size(); i > base; --i) store_.erase(added[i - 1]);
        added.resize(base);
        store_.trimTo(endBefore);
    };
    auto fail = [&](size_t i, const std::string& why) {
        rollback();
        error = "entry " + std::to_string(i + 1) + ": " + why;
        return false;
    };
    // A handle the source's entries got: new, or free before (few: a sorted copy).
    std::vector<int> freeBefore = store_.freeHandles();
    std::sort(freeBefore.begin(), freeBefore.end());
    auto fromSource = [&](int h) {
        return h >= endBefore || std::binary_search(freeBefore.begin(), freeBefore.end(), h);
    };
    if (static_cast<int64_t>(before + n) <= table_->size) {
        store_.reserve(n);
        added.reserve(base + n);
    }
    ir::ActionId listed = -1;  // the last action found listed (a routing table has one or two)
    size_t listedArgs = 0;
    size_t firstDup = n, firstOf = 0;  // the first entry that repeats one of the source
    // Entries are read a few ahead, their place in the index prefetched: with a million
    // entries each lookup would otherwise wait for memory on its own.
    constexpr size_t kAhead = 16;
    std::vector<Entry> ahead(std::min(n, kAhead));
    std::vector<EntryStore::MatchKey> keys(ahead.size());
    for (size_t first = 0; first < n; first += kAhead) {
        const size_t m = std::min(kAhead, n - first);
        for (size_t j = 0; j < m; ++j) {
            source.at(first + j, ahead[j]);
            if (!priorityTable_) ahead[j].priority.reset();
            store_.keyOf(ahead[j], keys[j]);
            store_.prefetch(keys[j]);
        }
        for (size_t j = 0; j < m; ++j) {
            const size_t i = first + j;
            const Entry& e = ahead[j];
            if (e.keys.size() != table_->keys.size()) {
                return fail(i, name() + " needs " + std::to_string(table_->keys.size()) +
                                   " key(s), got " + std::to_string(e.keys.size()));
            }
            if (e.action.action != listed || e.action.args.size() != listedArgs) {
                if (!checkAction(e.action, false, error)) return fail(i, error);
                listed = e.action.action;
                listedArgs = e.action.args.size();
            }
            if (const auto same = store_.findMatch(e, keys[j])) {
                if (!fromSource(*same)) {
                    return fail(i, "duplicate entry in " + name() + " (same match as entry " +
                                       std::to_string(*same) + ")");
                }
                if (firstDup == n) {
                    const auto at =
                        std::find(added.begin() + std::ptrdiff_t(base), added.end(), *same);
                    firstDup = i;
                    firstOf = size_t(at - added.begin()) - base;
                }
                continue;
            }
            // Past the first repeat the source is refused: only the other checks go on.
            if (firstDup == n) added.push_back(store_.add(e));
        }
    }
    if (firstDup < n) {
        return fail(firstDup, "duplicate entry in " + name() + " (same match as entry " +
                                  std::to_string(firstOf + 1) + " of the list)");
    }
    if (static_cast<int64_t>(before + n) > table_->size) {
        rollback();
        error = name() + " is full (size " + std::to_string(table_->size) +
                "): " + std::to_string(before) + " entries and " + std::to_string(n) +
                " more do not fit";
        return false;
    }
    if (hook) {
        const EntrySource checked{
            n, [&](size_t i, Entry& out) { store_.decode(added[base + i], out); }};
        if (!hook(checked, error)) {
            rollback();
            return false;
        }
    }
    return true;
}

bool LogicalTable::addMany(std::vector<Entry>& entries, std::string& error,
                           std::vector<int>* handles, const BulkHook& hook) {
    if (!addMany(EntrySource::of(entries), error, handles, hook)) return false;
    entries.clear();
    return true;
}

bool LogicalTable::addMany(std::vector<Entry>& entries, std::string& error,
                           std::vector<int>* handles, const SpanHook& hook) {
    BulkHook bulk;
    if (hook) {
        bulk = [&](const EntrySource&, std::string& why) {
            // The entries as they are stored: without a priority in a table that has none.
            if (!priorityTable_)
                for (Entry& e : entries) e.priority.reset();
            return hook(entries, why);
        };
    }
    return addMany(entries, error, handles, bulk);
}

namespace {

void saveSection(SnapshotWriter& out, const std::string& table, const ir::ActionCall& def,
                 const EntryStore& store) {
    out.tag("LTAB");
    out.str(table);
    out.i64(def.action);
    out.u64(def.args.size());
    for (const BigInt& a : def.args) putBigInt(out, a);
    store.save(out);
}

}  // namespace

void LogicalTable::save(SnapshotWriter& out) const {
    const size_t start = out.bytes().size();
    saveSection(out, table_->name, defaultAction_, store_);
    sealSection(out, start);
}

bool LogicalTable::restore(SnapshotReader& in, std::string& error) {
    auto fail = [&](const std::string& why) {
        error = name() + ": snapshot: " + why;
        return false;
    };
    in.expect("LTAB");
    const std::string table = in.str();
    if (in.ok() && table != table_->name)
        return fail("it is the snapshot of table '" + table + "'");
    ir::ActionCall def;
    const int64_t action = in.i64();
    if (in.ok() && (action < -1 || action >= static_cast<int64_t>(program_->actions.size())))
        in.fail("a default action " + std::to_string(action));
    def.action = static_cast<ir::ActionId>(action);
    const uint64_t args = in.u64();
    for (uint64_t i = 0; i < args && in.ok(); ++i) def.args.push_back(getBigInt(in));
    if (!in.ok()) return fail(in.error());
    std::string why;
    if (def.action != table_->defaultAction.action) {
        if (!checkAction(def, true, why)) return fail("default action: " + why);
    } else if (def.args.size() != table_->defaultAction.args.size()) {
        return fail("a damaged default action");
    }
    EntryStore restored(*program_, static_cast<ir::TableId>(table_ - program_->tables.data()));
    if (!restored.restore(in, why)) return fail(why);
    if (table_->entriesConst && !restored.empty())
        return fail("entries in a table with const entries");
    if (static_cast<int64_t>(restored.size()) > table_->size)
        return fail(std::to_string(restored.size()) + " entries in a table of size " +
                    std::to_string(table_->size));
    const uint64_t sealed = in.u64();
    if (!in.ok()) return fail(in.error());
    if (!sealMatches(sealed, [&](SnapshotWriter& again) {
            saveSection(again, table_->name, def, restored);
        }))
        return fail("damaged (its hash differs)");
    store_ = std::move(restored);
    defaultAction_ = std::move(def);
    return true;
}

}  // namespace hop::tables
