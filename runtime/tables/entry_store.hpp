// SPDX-License-Identifier: Apache-2.0
// The logical entries of one table, compactly: what LogicalTable keeps so that handles, lookups
// by match and the insertion order work with a million entries (a full routing table) in a few
// tens of bytes each instead of an Entry (several BigInts, vectors) and a hash node each.
//
// Each entry is a fixed-size record in the table's layout: a state byte, then per key its
// match kind and value in the key's width plus only what the table key's match kind needs (the
// mask of a ternary or optional key, the high bound of a range key, the prefix length of an
// LPM key), the priority of a table that orders by priority, the action id and the arguments
// in their parameters' widths. For router.p4's ipv4_lpm that is 10 bytes. An entry that does
// not fit the layout (a value wider than its key, an LPM mask that is not its prefix's, an
// argument count that is not the action's, another table's id) is kept aside as an Entry, so
// entry() always gives back exactly what add() was given.
//
// Records are indexed by handle (the smallest free one is reused first); two int32 arrays link
// them in insertion order; an open-addressing table of handles (linear probing, backward-shift
// deletion, no tombstones) finds an entry by its canonical match, the bytes sameMatch compares
// (value & mask of ternary and LPM keys, the priority in a priority table only). Slots keep a
// few bits of the hash above the handle so that a probe rarely reads a record it does not want.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ir/ir.hpp"
#include "runtime/tables/entry.hpp"
#include "runtime/tables/snapshot.hpp"

namespace hop::tables {

class EntryStore {
  public:
    EntryStore(const ir::Program& program, ir::TableId table);

    size_t size() const { return count_; }
    bool empty() const { return count_ == 0; }
    bool contains(int handle) const;
    // The handle the next add() takes: the smallest free one.
    int nextHandle() const;
    // The handle of the entry with the same match as `like` (sameMatch; in a table without
    // priorities the priority is not part of the match).
    std::optional<int> findMatch(const Entry& like) const;
    // The same in steps, so that a caller with many entries starts the memory reads of several
    // before it needs the first: keyOf() computes the match's bytes and hash, prefetch() starts
    // reading the index where they live, findMatch(like, key) finishes.
    struct MatchKey {
        std::string bytes;
        uint64_t hash = 0;
        bool indexed = false;  // false: only an entry kept aside can have that match
    };
    void keyOf(const Entry& like, MatchKey& key) const;
    void prefetch(const MatchKey& key) const {
        if (key.indexed) __builtin_prefetch(&slots_[home(key.hash)]);
    }
    std::optional<int> findMatch(const Entry& like, const MatchKey& key) const;

    // Stores `entry` (the caller checked that no entry has its match) under nextHandle(),
    // newest in insertion order, and returns the handle.
    int add(const Entry& entry);
    Entry entry(int handle) const;
    // The same into `out`, whose storage is reused (a walk over many entries).
    void decode(int handle, Entry& out) const;
    void setAction(int handle, const ir::ActionCall& action);
    void erase(int handle);
    // No entries, handles from 0 again, memory given back.
    void clear();
    // Room for `more` entries beyond the ones there (records, links, index).
    void reserve(size_t more);
    // Handles at or above `end` that are free are forgotten: after entries added since end()
    // was `end` were erased again, the store is as it was then.
    void trimTo(int end);
    // One past the largest handle in use or free.
    int end() const { return end_; }
    // The free handles below end(), in no particular order.
    const std::vector<int>& freeHandles() const { return freeHandles_; }

    // Insertion order: oldest(), then next(h) until -1; newest() and prev(h) the other way.
    int oldest() const { return head_; }
    int newest() const { return tail_; }
    int next(int handle) const { return next_[size_t(handle)]; }
    int prev(int handle) const { return prev_[size_t(handle)]; }

    size_t recordSize() const { return recSize_; }
    // Heap bytes the store holds (capacities), for measurements.
    size_t memoryBytes() const;

    // Records, order and entries kept aside; restore() rebuilds the free handles and the index.
    // restore() refuses a snapshot of another layout or one that is damaged, and then leaves
    // the store as it was.
    void save(SnapshotWriter& out) const;
    bool restore(SnapshotReader& in, std::string& error);

  private:
    enum : uint8_t { kFree = 0, kPacked = 1, kAside = 2 };
    struct KeyLayout {
        int width = 0;
        int bytes = 0;   // of the value (and mask, high when stored)
        int offset = 0;  // kind byte, then the value
        int maskOffset = -1, highOffset = -1, lenOffset = -1;  // -1: not stored
        int lenBytes = 0;
    };

    uint8_t* record(int handle) { return recs_.data() + size_t(handle) * recSize_; }
    const uint8_t* record(int handle) const { return recs_.data() + size_t(handle) * recSize_; }
    // Writes the entry into `rec` (recSize_ bytes); false when it does not fit the layout.
    bool pack(const Entry& e, uint8_t* rec) const;
    bool packAction(const ir::ActionCall& a, uint8_t* rec) const;
    // The canonical match bytes: of a packed record, of any entry (false when a value cannot
    // be one of a packed record's, so no packed entry has that match), of a stored handle.
    void canonicalOfRecord(const uint8_t* rec, std::string& out) const;
    bool canonicalOfEntry(const Entry& e, std::string& out) const;
    bool canonicalOf(int handle, std::string& out) const;
    static uint64_t hashOf(const std::string& bytes);

    // The index. A slot is 0 (empty) or (tag << handleBits_) | (handle + 1).
    size_t home(uint64_t hash) const {
        return size_t((static_cast<unsigned __int128>(hash) * slots_.size()) >> 64);
    }
    // From the hash's low bits: home() takes the high ones, so neighbours differ in these.
    uint32_t tagOf(uint64_t hash) const {
        return handleBits_ >= 32 ? 0 : uint32_t(hash) & ((1u << (32 - handleBits_)) - 1);
    }
    int handleIn(uint32_t slot) const {
        return int((handleBits_ >= 32 ? slot : slot & ((1u << handleBits_) - 1)) - 1);
    }
    std::optional<int> probe(const std::string& canon, uint64_t hash) const;
    void indexInsert(int handle);
    void indexErase(int handle);
    // A new index for `entries` live entries (room to grow), every indexed handle in it.
    void rehash(size_t entries);
    bool rebuildIndex(std::string& error);

    const ir::Program* program_;
    ir::TableId table_;
    std::vector<KeyLayout> keys_;
    bool priority_ = false;
    int priorityOffset_ = 0, actionOffset_ = 0, actionBytes_ = 1;
    size_t recSize_ = 0;

    std::vector<uint8_t> recs_;         // recSize_ bytes per handle below end_
    std::vector<int32_t> prev_, next_;  // insertion order, by handle
    int32_t head_ = -1, tail_ = -1;
    int end_ = 0;
    size_t count_ = 0;
    std::vector<int> freeHandles_;          // a min-heap of the free handles below end_
    std::unordered_map<int, Entry> aside_;  // entries outside the layout
    std::vector<int> unindexed_;            // aside entries without a canonical match
    std::vector<uint32_t> slots_;           // the index
    int handleBits_ = 32;                   // low bits of a slot: handle + 1
    size_t indexed_ = 0;                    // handles in the index
};

}  // namespace hop::tables
