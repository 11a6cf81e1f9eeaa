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
// Handles are BMv2's: the lowest one not in use. Entries live in an EntryStore (entry_store.hpp):
// fixed-size records by handle, linked in insertion order, with an index by match, so adding,
// finding and deleting an entry cost the same with a million entries as with ten, in a few
// tens of bytes each. A stored entry is decoded when asked for: find() and iteration give
// values, not references into the table.
// Const entries are not kept here: they cannot change, and each target serves them its own way.
//
// A target that acts on commands (the loader's hardware drivers) passes a Hook. It runs after
// the checks, with the entry as it will be stored, before the table changes; when it refuses,
// the table stays as it was and its error is the command's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "ir/ir.hpp"
#include "runtime/tables/entry.hpp"
#include "runtime/tables/entry_store.hpp"
#include "runtime/tables/snapshot.hpp"

namespace hop::tables {

class LogicalTable {
  public:
    // A stored entry, decoded.
    struct Slot {
        Entry entry;
        int handle = -1;
    };
    // What find() gives: a Slot or nothing, read like a pointer (`->`, `*`, `== nullptr`).
    class Found {
      public:
        Found() = default;
        explicit Found(Slot slot) : slot_(std::move(slot)) {}
        explicit operator bool() const { return slot_.has_value(); }
        const Slot* operator->() const { return &*slot_; }
        const Slot& operator*() const { return *slot_; }
        bool operator==(std::nullptr_t) const { return !slot_; }

      private:
        std::optional<Slot> slot_;
    };

    // Add: `handle` is the one the entry gets. Modify: `entry` carries its new action. Delete:
    // the entry as stored (also for each entry of a Clear, newest first). SetDefault: `entry`
    // holds the new default action, `handle` is -1.
    using Hook =
        std::function<bool(Command::Kind kind, int handle, const Entry& entry, std::string& error)>;
    // The entries of one addMany, checked and as they will be stored (in the order given).
    using BulkHook = std::function<bool(const EntrySource& checked, std::string& error)>;
    // The same as a span of the caller's entries (the vector overload of addMany).
    using SpanHook = std::function<bool(std::span<const Entry> entries, std::string& error)>;

    // Table `table` of `program` (which must outlive it), with the program's default action and
    // no entries: addInitial() adds the program's own.
    LogicalTable(const ir::Program& program, ir::TableId table);
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

    // Many adds at once, read from `source`, checked as apply() checks one (the messages name
    // the entry, from 1; two entries of the source with the same match are duplicates too),
    // then given to `hook` as a whole (as they will be stored). Handles are appended to
    // `handles`. On error the table is as it was (and `handles` too).
    bool addMany(const EntrySource& source, std::string& error, std::vector<int>* handles,
                 const BulkHook& hook = {});
    // The same for a vector, emptied on success; `hook` sees the entries as they are stored.
    bool addMany(std::vector<Entry>& entries, std::string& error, std::vector<int>* handles,
                 const BulkHook& hook = {});
    bool addMany(std::vector<Entry>& entries, std::string& error, std::vector<int>* handles,
                 const SpanHook& hook);

    const ir::Table& table() const { return *table_; }
    const ir::ActionCall& defaultAction() const { return defaultAction_; }
    bool priorityTable() const { return priorityTable_; }
    size_t size() const { return store_.size(); }
    bool empty() const { return store_.empty(); }
    bool contains(int handle) const { return store_.contains(handle); }
    Found find(int handle) const;
    Found find(const Entry& match) const;  // by keys (and priority in a priority table)
    // The handle of the entry with that match, without decoding it.
    std::optional<int> handleOf(const Entry& match) const;
    // The entry with that handle (which must be in use).
    Entry entry(int handle) const { return store_.entry(handle); }

    // Every entry in insertion order, decoded into one Entry that is reused (copy what must
    // outlive the call). `fn(handle, entry)` returns void, or bool: false stops the walk.
    template <typename Fn>
    void forEach(Fn&& fn) const {
        Entry e;
        for (int h = store_.oldest(); h >= 0; h = store_.next(h)) {
            store_.decode(h, e);
            if constexpr (std::is_same_v<std::invoke_result_t<Fn&, int, const Entry&>, bool>) {
                if (!fn(h, static_cast<const Entry&>(e))) return;
            } else {
                fn(h, static_cast<const Entry&>(e));
            }
        }
    }

    // Iteration in insertion order; `*it` is the decoded entry, valid until `it` moves.
    class Iterator {
      public:
        using difference_type = std::ptrdiff_t;
        using value_type = Slot;
        Iterator() = default;
        Iterator(const LogicalTable* table, int handle) : table_(table) { seek(handle); }
        const Slot& operator*() const { return slot_; }
        const Slot* operator->() const { return &slot_; }
        Iterator& operator++() {
            seek(table_->store_.next(slot_.handle));
            return *this;
        }
        Iterator operator++(int) {
            Iterator old = *this;
            ++*this;
            return old;
        }
        bool operator==(const Iterator& o) const { return slot_.handle == o.slot_.handle; }

      private:
        void seek(int handle) {
            slot_.handle = handle;
            if (handle >= 0) table_->store_.decode(handle, slot_.entry);
        }
        const LogicalTable* table_ = nullptr;
        Slot slot_;
    };
    Iterator begin() const { return {this, store_.oldest()}; }
    Iterator end() const { return {this, -1}; }

    // The table's state (entries with their handles, insertion order, free handles, default
    // action) for hopd's state file. restore() takes what save() wrote for a table of the same
    // program and makes this table indistinguishable from the saved one; a snapshot of another
    // table or a damaged one is an error and changes nothing.
    void save(SnapshotWriter& out) const;
    bool restore(SnapshotReader& in, std::string& error);

    // Heap bytes of the stored entries (measurements).
    size_t memoryBytes() const { return store_.memoryBytes(); }

  private:
    std::string name() const { return "table '" + table_->name + "'"; }
    bool checkAction(const ir::ActionCall& call, bool forDefault, std::string& error) const;
    // The checks of an Add; `entry` comes out as it is stored (no priority unless needed).
    bool checkAdd(Entry& entry, std::string& error) const;
    std::optional<int> findForCommand(const Command& command, std::string& error) const;

    const ir::Program* program_;
    const ir::Table* table_;
    ir::ActionCall defaultAction_;
    bool priorityTable_ = false;
    EntryStore store_;
};

}  // namespace hop::tables
