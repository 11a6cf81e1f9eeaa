// SPDX-License-Identifier: Apache-2.0
// The entries of one logical table as BMv2 keeps them, and the rules every table command must
// pass. The reference model (sim/model) and the table loader (loader.hpp) both keep their
// tables here, so they accept and refuse the same commands with the same words:
//   - a table with const entries takes no add, modify, delete or clear;
//   - a const default action cannot be changed;
//   - an entry's action is one of the table's and not @defaultonly, a default action is not
//     @tableonly, and a call has as many arguments as the action has parameters;
//   - an entry needs one key per table key, and no two entries have the same match (keys, and
//     the priority in a table with a ternary, range or optional key);
//   - a table holds at most its `size` entries.
//
// Handles are BMv2's: the lowest one not in use. Entries live in slots indexed by handle (the
// lowest-free rule keeps them dense), linked in insertion order, with a hash index by match, so
// adding, finding and deleting an entry cost the same with a million entries as with ten.
// Const entries are not kept here: they cannot change, and each target serves them its own way.
//
// A target that acts on commands (the loader's hardware drivers) passes a Hook. It runs after
// the checks, with the entry as it will be stored, before the table changes; when it refuses,
// the table stays as it was and its error is the command's.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

#include "ir/ir.hpp"
#include "runtime/tables/entry.hpp"

namespace hop::tables {

class LogicalTable {
  public:
    struct Slot {
        Entry entry;
        int handle = -1;  // -1: the slot is free
        int prev = -1;    // insertion order
        int next = -1;
    };

    // Add: `handle` is the one the entry gets. Modify: `entry` carries its new action. Delete:
    // the entry as stored (also for each entry of a Clear, newest first). SetDefault: `entry`
    // holds the new default action, `handle` is -1.
    using Hook =
        std::function<bool(Command::Kind kind, int handle, const Entry& entry, std::string& error)>;
    // The entries of one addMany, checked and ready to store.
    using BulkHook = std::function<bool(std::span<const Entry> entries, std::string& error)>;

    // Table `table` of `program` (which must outlive it), with the program's default action and
    // no entries: addInitial() adds the program's own.
    LogicalTable(const ir::Program& program, ir::TableId table);
    // Movable (slots keep their addresses), not copyable (the index points at the slots).
    LogicalTable(LogicalTable&&) = default;
    LogicalTable& operator=(LogicalTable&&) = default;
    LogicalTable(const LogicalTable&) = delete;
    LogicalTable& operator=(const LogicalTable&) = delete;

    // The program's `entries` of a table whose entries are not const, as runtime entries with
    // handles 0, 1, ... (as BMv2 loads them). In a priority table an entry without an explicit
    // priority gets one that makes earlier entries win. Stops at the first error.
    bool addInitial(std::string& error, const Hook& hook = {});

    // One command. `handle` receives the entry's handle for Add, Modify and Delete.
    bool apply(const Command& command, std::string& error, int* handle = nullptr,
               const Hook& hook = {});

    // Many adds at once, checked as apply() checks one (the messages name the entry, from 1;
    // two entries of the list with the same match are duplicates too), then given to `hook` as
    // a whole. The entries are moved into the table; handles are appended to `handles`. On error
    // the table is as it was.
    bool addMany(std::vector<Entry>& entries, std::string& error, std::vector<int>* handles,
                 const BulkHook& hook = {});

    const ir::Table& table() const { return *table_; }
    const ir::ActionCall& defaultAction() const { return defaultAction_; }
    bool priorityTable() const { return priorityTable_; }
    size_t size() const { return count_; }
    bool empty() const { return count_ == 0; }
    const Slot* find(int handle) const;
    const Slot* find(const Entry& match) const;  // by keys (and priority in a priority table)

    // Iteration in insertion order.
    class Iterator {
      public:
        using difference_type = std::ptrdiff_t;
        using value_type = Slot;
        Iterator() = default;
        Iterator(const LogicalTable* table, int handle) : table_(table), handle_(handle) {}
        const Slot& operator*() const { return table_->slots_[handle_]; }
        const Slot* operator->() const { return &table_->slots_[handle_]; }
        Iterator& operator++() {
            handle_ = table_->slots_[handle_].next;
            return *this;
        }
        Iterator operator++(int) {
            Iterator old = *this;
            ++*this;
            return old;
        }
        bool operator==(const Iterator& o) const { return handle_ == o.handle_; }

      private:
        const LogicalTable* table_ = nullptr;
        int handle_ = -1;
    };
    Iterator begin() const { return {this, head_}; }
    Iterator end() const { return {this, -1}; }

  private:
    struct MatchHash {
        using is_transparent = void;
        size_t operator()(const Slot* s) const { return matchHash(s->entry); }
        size_t operator()(const Entry& e) const { return matchHash(e); }
    };
    struct MatchEq {
        using is_transparent = void;
        bool operator()(const Slot* a, const Slot* b) const {
            return sameMatch(a->entry, b->entry);
        }
        bool operator()(const Entry& a, const Slot* b) const { return sameMatch(a, b->entry); }
        bool operator()(const Slot* a, const Entry& b) const { return sameMatch(a->entry, b); }
    };

    std::string name() const { return "table '" + table_->name + "'"; }
    bool checkAction(const ir::ActionCall& call, bool forDefault, std::string& error) const;
    // The checks of an Add; `entry` comes out as it is stored (no priority unless needed).
    bool checkAdd(Entry& entry, std::string& error) const;
    Slot* findForCommand(const Command& command, std::string& error);
    int nextHandle() const;  // the handle the next add gets
    int store(Entry entry);  // takes nextHandle(); returns it
    void erase(Slot& slot);
    void clearEntries();

    const ir::Program* program_;
    const ir::Table* table_;
    ir::ActionCall defaultAction_;
    bool priorityTable_ = false;
    // Slots by handle; a deque, so that a slot never moves (the index points at slots).
    std::deque<Slot> slots_;
    std::vector<int> freeHandles_;  // a min-heap of the free slots' handles
    std::unordered_set<const Slot*, MatchHash, MatchEq> byMatch_;
    int head_ = -1, tail_ = -1;
    size_t count_ = 0;
};

}  // namespace hop::tables
