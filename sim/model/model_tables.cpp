// SPDX-License-Identifier: Apache-2.0
// The reference interpreter: tables: state, lookup, actions, commands.
#include "sim/model/model_impl.hpp"

namespace hop::sim {

void Model::Impl::resetTables() {
    tables.clear();
    tables.resize(p.tables.size());
    for (size_t ti = 0; ti < p.tables.size(); ++ti) {
        const ir::Table& t = p.tables[ti];
        TableState& s = tables[ti];
        s.runtime.emplace(p, static_cast<ir::TableId>(ti));
        for (size_t k = 0; k < t.keys.size(); ++k)
            if (t.keys[k].matchKind == ir::MatchKind::Lpm) s.lpmKey = static_cast<int>(k);
        for (const auto& [name, value] : t.properties)
            if (name == "largest_priority_wins" && value == "false") s.largestPriorityWins = false;
        if (!t.entriesConst) {
            // The compiler has checked the program's entries against the table.
            std::string ignored;
            s.runtime->addInitial(ignored);
            continue;
        }
        for (const ir::TableEntry& te : t.entries) {
            Entry e;
            e.table = static_cast<ir::TableId>(ti);
            e.keys = te.keys;
            e.action = te.action;
            if (te.priority) {
                e.priority = static_cast<int64_t>(*te.priority);
                s.constByPriority = true;
            }
            s.constEntries.push_back(std::move(e));
        }
    }
}

Lookup Model::Impl::lookup(ir::TableId tid, const std::vector<BigInt>& key) {
    TableState& s = tables[tid];
    Lookup r;
    auto all = [&](const Entry& e) {
        for (size_t i = 0; i < e.keys.size(); ++i)
            if (!tables::matches(e.keys[i], key[i])) return false;
        return true;
    };
    // Const entries: the best explicit priority, else the longest prefix of an LPM table
    // (P4_16 14.2.1.4: order decides only where priorities do), else the earliest match;
    // the earliest wins ties.
    const bool byPrefix = !s.constByPriority && s.lpmKey >= 0 && !s.runtime->priorityTable();
    const Entry* best = nullptr;
    for (const Entry& e : s.constEntries) {
        if (!all(e)) continue;
        if (!s.constByPriority && !byPrefix) {
            best = &e;
            break;
        }
        if (!best) {
            best = &e;
        } else if (byPrefix) {
            if (e.keys[s.lpmKey].prefixLen > best->keys[s.lpmKey].prefixLen) best = &e;
        } else {
            const int64_t pe = e.priority.value_or(0);
            const int64_t pb = best->priority.value_or(0);
            if (s.largestPriorityWins ? pe > pb : pe < pb) best = &e;
        }
    }
    if (best) {
        r.hit = true;
        r.entry = best;
        r.constIndex = static_cast<int>(best - s.constEntries.data());
        r.action = best->action;
        return r;
    }
    const tables::LogicalTable& rt = *s.runtime;
    const bool priorityTable = rt.priorityTable();
    // The best match: the first one of an exact table, else the highest priority or the
    // longest prefix (the earliest on ties). Entries are decoded one at a time.
    int found = -1;
    int64_t foundRank = 0;
    rt.forEach([&](int handle, const Entry& e) {
        if (!all(e)) return true;
        const int64_t rank = priorityTable   ? e.priority.value_or(0)
                             : s.lpmKey >= 0 ? e.keys[s.lpmKey].prefixLen
                                             : 0;
        if (found < 0 || rank > foundRank) {
            found = handle;
            foundRank = rank;
        }
        return priorityTable || s.lpmKey >= 0;  // exact: at most one match
    });
    if (found >= 0) {
        s.hit = rt.entry(found);
        r.hit = true;
        r.entry = &s.hit;
        r.handle = found;
        r.action = s.hit.action;
        return r;
    }
    r.action = rt.defaultAction();
    return r;
}

void Model::Impl::applyTable(ir::TableId tid) {
    const ir::Table& t = p.tables[tid];
    std::vector<BigInt>& key = keyScratch[tid];
    key.resize(t.keys.size());
    for (size_t i = 0; i < t.keys.size(); ++i) key[i] = eval(t.keys[i].expr, nullptr);
    Lookup r = lookup(tid, key);
    tableHit[tid] = r.hit ? 1 : 0;
    tableAction[tid] = r.action.action;
    if (tracing) {
        std::string text = "table " + t.name + ": key";
        if (t.keys.empty()) text += " (none)";
        for (size_t i = 0; i < t.keys.size(); ++i)
            text += " " + t.keys[i].name + "=" + number(key[i]);
        if (r.hit) {
            text += " -> hit";
            text += r.handle >= 0 ? " entry " + std::to_string(r.handle) : " const entry";
            text += " [" + tables::formatEntry(p, *r.entry) + "]";
        } else {
            text += " -> miss, default action";
        }
        note(TraceEvent::Kind::Table, text);
        note(TraceEvent::Kind::Action, "action " + callText(r.action));
    }
    if (!t.directExterns.empty()) tableHitExterns(tid, r);
    runAction(r.action, &t);
}

void Model::Impl::runAction(const ir::ActionCall& call, const ir::Table* table) {
    if (call.action < 0) return;
    const ir::Action& a = p.actions[call.action];
    const ir::Action* savedAction = currentAction;
    const ir::Table* savedTable = currentTable;
    currentAction = &a;
    currentTable = table;
    // An action bound in the table's action list runs with its arguments bound there.
    const std::vector<ir::Stmt>* body = &a.body;
    if (table)
        for (const auto& r : table->actions)
            if (r.action == call.action && r.bound) body = &r.body;
    for (const auto& s : *body) exec(s, &call.args);
    currentAction = savedAction;
    currentTable = savedTable;
}

std::string Model::Impl::dropContext() const {
    if (!dropAction) return "in the control body";
    return "by action " + dropAction->name +
           (dropTable ? " of table " + dropTable->name : std::string());
}

bool Model::Impl::apply(const tables::Command& cmd, std::string& error, int* handleOut) {
    const ir::TableId tid = cmd.entry.table;
    if (tid < 0 || tid >= static_cast<int>(p.tables.size())) {
        error = "unknown table id " + std::to_string(tid);
        return false;
    }
    int handle = -1;
    if (!tables[tid].runtime->apply(cmd, error, &handle)) return false;
    if (handleOut) *handleOut = handle;
    entryChanged(cmd, handle);
    return true;
}

}  // namespace hop::sim
