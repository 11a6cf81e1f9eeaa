// SPDX-License-Identifier: Apache-2.0
#include "runtime/tables/logical_table.hpp"

#include <algorithm>
#include <functional>
#include <utility>

namespace hop::tables {

LogicalTable::LogicalTable(const ir::Program& program, ir::TableId table)
    : program_(&program),
      table_(&program.tables.at(table)),
      defaultAction_(table_->defaultAction),
      priorityTable_(needsPriority(*table_)) {}

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
            cmd.entry.priority = te.priority ? static_cast<int64_t>(*te.priority) : n - i;
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
    if (const Slot* same = find(entry)) {
        error = "duplicate entry in " + name() + " (same match as entry " +
                std::to_string(same->handle) + ")";
        return false;
    }
    if (static_cast<int64_t>(count_) >= table_->size) {
        error = name() + " is full (size " + std::to_string(table_->size) + ")";
        return false;
    }
    return true;
}

const LogicalTable::Slot* LogicalTable::find(int handle) const {
    if (handle < 0 || handle >= static_cast<int>(slots_.size())) return nullptr;
    const Slot& s = slots_[handle];
    return s.handle < 0 ? nullptr : &s;
}

const LogicalTable::Slot* LogicalTable::find(const Entry& match) const {
    if (!priorityTable_ && match.priority) {
        Entry e = match;
        e.priority.reset();
        return find(e);
    }
    auto it = byMatch_.find(match);
    return it == byMatch_.end() ? nullptr : *it;
}

LogicalTable::Slot* LogicalTable::findForCommand(const Command& cmd, std::string& error) {
    const Slot* s = cmd.handle ? find(*cmd.handle) : find(cmd.entry);
    if (s) return const_cast<Slot*>(s);
    if (cmd.handle)
        error = name() + " has no entry with handle " + std::to_string(*cmd.handle);
    else
        error = name() + " has no entry [" + formatEntry(*program_, cmd.entry) + "]";
    return nullptr;
}

int LogicalTable::nextHandle() const {
    return freeHandles_.empty() ? static_cast<int>(slots_.size()) : freeHandles_.front();
}

int LogicalTable::store(Entry entry) {
    int h;
    if (freeHandles_.empty()) {
        h = static_cast<int>(slots_.size());
        slots_.emplace_back();
    } else {
        std::pop_heap(freeHandles_.begin(), freeHandles_.end(), std::greater<>());
        h = freeHandles_.back();
        freeHandles_.pop_back();
    }
    Slot& s = slots_[h];
    s.entry = std::move(entry);
    s.handle = h;
    s.prev = tail_;
    s.next = -1;
    if (tail_ >= 0)
        slots_[tail_].next = h;
    else
        head_ = h;
    tail_ = h;
    byMatch_.insert(&s);
    ++count_;
    return h;
}

void LogicalTable::erase(Slot& s) {
    byMatch_.erase(&s);
    if (s.prev >= 0)
        slots_[s.prev].next = s.next;
    else
        head_ = s.next;
    if (s.next >= 0)
        slots_[s.next].prev = s.prev;
    else
        tail_ = s.prev;
    freeHandles_.push_back(s.handle);
    std::push_heap(freeHandles_.begin(), freeHandles_.end(), std::greater<>());
    s = Slot{};
    --count_;
}

void LogicalTable::clearEntries() {
    byMatch_.clear();
    slots_.clear();
    freeHandles_.clear();
    head_ = tail_ = -1;
    count_ = 0;
}

bool LogicalTable::apply(const Command& cmd, std::string& error, int* handleOut, const Hook& hook) {
    using K = Command::Kind;
    const bool isConst = table_->entriesConst;
    switch (cmd.kind) {
        case K::Add: {
            Entry e = cmd.entry;
            if (!checkAdd(e, error)) return false;
            const int h = nextHandle();
            if (hook && !hook(K::Add, h, e, error)) return false;
            store(std::move(e));
            if (handleOut) *handleOut = h;
            return true;
        }
        case K::Modify: {
            if (isConst) {
                error = name() + " has const entries: entries cannot be modified";
                return false;
            }
            if (!checkAction(cmd.entry.action, false, error)) return false;
            Slot* s = findForCommand(cmd, error);
            if (!s) return false;
            if (hook) {
                Entry e = s->entry;
                e.action = cmd.entry.action;
                if (!hook(K::Modify, s->handle, e, error)) return false;
            }
            s->entry.action = cmd.entry.action;
            if (handleOut) *handleOut = s->handle;
            return true;
        }
        case K::Delete: {
            if (isConst) {
                error = name() + " has const entries: entries cannot be deleted";
                return false;
            }
            Slot* s = findForCommand(cmd, error);
            if (!s) return false;
            if (hook && !hook(K::Delete, s->handle, s->entry, error)) return false;
            if (handleOut) *handleOut = s->handle;
            erase(*s);
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
                while (tail_ >= 0) {
                    Slot& s = slots_[tail_];
                    if (!hook(K::Delete, s.handle, s.entry, error)) return false;
                    erase(s);
                }
            }
            clearEntries();
            return true;
    }
    error = "unknown command";
    return false;
}

bool LogicalTable::addMany(std::vector<Entry>& entries, std::string& error,
                           std::vector<int>* handles, const BulkHook& hook) {
    if (table_->entriesConst) {
        error = name() + " has const entries: entries cannot be added";
        return false;
    }
    auto fail = [&](size_t i, const std::string& why) {
        error = "entry " + std::to_string(i + 1) + ": " + why;
        return false;
    };
    ir::ActionId listed = -1;  // the last action found listed (a routing table has one or two)
    size_t listedArgs = 0;
    std::vector<std::pair<size_t, size_t>> hashes;  // (match hash, index): duplicates in the list
    hashes.reserve(entries.size());
    for (size_t i = 0; i < entries.size(); ++i) {
        Entry& e = entries[i];
        if (e.keys.size() != table_->keys.size()) {
            return fail(i, name() + " needs " + std::to_string(table_->keys.size()) +
                               " key(s), got " + std::to_string(e.keys.size()));
        }
        if (e.action.action != listed || e.action.args.size() != listedArgs) {
            if (!checkAction(e.action, false, error)) return fail(i, error);
            listed = e.action.action;
            listedArgs = e.action.args.size();
        }
        if (!priorityTable_) e.priority.reset();
        if (const Slot* same = find(e)) {
            return fail(i, "duplicate entry in " + name() + " (same match as entry " +
                               std::to_string(same->handle) + ")");
        }
        hashes.emplace_back(matchHash(e), i);
    }
    std::sort(hashes.begin(), hashes.end());
    size_t firstDup = entries.size(), firstOf = 0;
    for (size_t a = 0; a < hashes.size(); ++a) {
        for (size_t b = a + 1; b < hashes.size() && hashes[b].first == hashes[a].first; ++b) {
            const size_t x = std::min(hashes[a].second, hashes[b].second);
            const size_t y = std::max(hashes[a].second, hashes[b].second);
            if (y < firstDup && sameMatch(entries[x], entries[y])) {
                firstDup = y;
                firstOf = x;
            }
        }
    }
    if (firstDup < entries.size()) {
        return fail(firstDup, "duplicate entry in " + name() + " (same match as entry " +
                                  std::to_string(firstOf + 1) + " of the list)");
    }
    std::vector<std::pair<size_t, size_t>>().swap(hashes);
    if (static_cast<int64_t>(count_ + entries.size()) > table_->size) {
        error = name() + " is full (size " + std::to_string(table_->size) +
                "): " + std::to_string(count_) + " entries and " + std::to_string(entries.size()) +
                " more do not fit";
        return false;
    }
    if (hook && !hook(entries, error)) return false;
    byMatch_.reserve(count_ + entries.size());
    if (handles) handles->reserve(handles->size() + entries.size());
    for (Entry& e : entries) {
        const int h = store(std::move(e));
        if (handles) handles->push_back(h);
    }
    entries.clear();
    return true;
}

}  // namespace hop::tables
