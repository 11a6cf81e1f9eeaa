// SPDX-License-Identifier: Apache-2.0
// Driver of exact-match tables: cuckoo placement for hop_table_exact (2 ways, SLOTS entries per
// bucket, the buckets given by rtl/hop_hash.sv's CRC-32 / CRC-32C, shared through hash.hpp) and
// direct indexing for hop_table_direct (narrow keys). It keeps a shadow of the table memory and
// turns every change into the CSR writes (byte offsets from the block's BASE) that make it.
//
// Placement: a new key goes to a free slot of one of its two buckets; if both are full, a
// breadth-first search over the buckets finds the shortest chain of residents that can each
// move to their other bucket, ending in a free slot (at most Options::maxSearch buckets
// visited). Hitless: the moves are written from the end of the chain, each resident copied into
// its new slot before its old slot is overwritten, so every key stays findable throughout. When
// no chain exists the insert fails with "table ... is full" and nothing changes. With SLOTS = 4
// this happens at about 95% of DEPTH (see tests/tables/exact_test.cpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "runtime/tables/table_csr.hpp"

namespace hop::tables {
class SnapshotReader;
class SnapshotWriter;
}  // namespace hop::tables

namespace hop::tables {

struct CuckooOptions {
    int maxSearch = 2048;  // buckets a cuckoo search may visit
};

class ExactTable {
  public:
    using Options = CuckooOptions;
    struct Slot {
        bool used = false;
        KeyWords key;
        uint32_t action = 0;
        BigInt params;
        uint32_t bucket[2] = {0, 0};  // the key's bucket in way 0 and way 1 (exact tables)
    };

    // A table of the given geometry (kind Exact or Direct).
    explicit ExactTable(const TableGeometry& geometry, Options options = {});
    // The block for P4 table `table` of `program` (its keys must all be exact).
    ExactTable(const ir::Program& program, ir::TableId table, Options options = {});

    // Direct-indexed when the key has at most kDirectMaxKeyWidth bits; otherwise a cuckoo table
    // of the smallest power-of-two DEPTH that holds `size` entries at 85% load.
    static constexpr int kDirectMaxKeyWidth = 12;
    static TableGeometry geometryFor(const ir::Program& program, const ir::Table& table);

    const TableGeometry& geometry() const { return geom_; }

    // Logical entries (checked against the program; duplicates, unknown entries, values that do
    // not fit and a full table are errors; on error nothing changes).
    std::optional<CsrWrites> add(const Entry& entry, std::string& error);
    std::optional<CsrWrites> modify(const Entry& entry, std::string& error);
    std::optional<CsrWrites> remove(const Entry& entry, std::string& error);
    std::optional<CsrWrites> setDefault(const ir::ActionCall& call, std::string& error);

    // The same on hardware values: the concatenated key, the action id, the parameter bits.
    std::optional<CsrWrites> insert(const BigInt& key, uint32_t action, const BigInt& params,
                                    std::string& error);
    std::optional<CsrWrites> modify(const BigInt& key, uint32_t action, const BigInt& params,
                                    std::string& error);
    std::optional<CsrWrites> erase(const BigInt& key, std::string& error);
    CsrWrites setDefault(uint32_t action, const BigInt& params) const;
    // Writes that clear every entry (after the init walk the table is already empty).
    CsrWrites clear();

    // The entry index holding `key` (looked up as the hardware does), or -1.
    int64_t find(const BigInt& key) const;
    const Slot& slot(uint32_t index) const { return slots_[index]; }
    size_t size() const { return used_; }
    double loadFactor() const { return double(used_) / double(geom_.depth); }
    uint64_t moves() const { return moves_; }  // residents relocated so far

    // The default action set through setDefault(call), if any: {action id, parameter bits}.
    const std::optional<std::pair<uint32_t, BigInt>>& defaultAction() const { return default_; }

    // The placement (every used entry's index, key and action data; the counters; the default
    // set through setDefault(call)), for hopd's state file. A table of the same geometry
    // restored from it places and writes as the saved one does. A short, damaged or foreign
    // snapshot sets `error` and leaves the table as it was.
    void save(SnapshotWriter& out) const;
    bool restore(SnapshotReader& in, std::string& error);

    // Entry index of (way, slot, bucket), as COMMIT takes it.
    uint32_t index(int way, int slot, uint32_t bucket) const {
        return (uint32_t(way * geom_.slots + slot) * uint32_t(geom_.buckets())) + bucket;
    }
    uint32_t bucketOf(int way, const KeyWords& key) const;
    // The concatenated key of an entry of `table` (every key exact).
    static std::optional<BigInt> concatKey(const ir::Table& table, const Entry& entry,
                                           std::string& error);

  private:
    // save() without the section's hash: what restore() encodes again to check it.
    void saveUnsealed(SnapshotWriter& out) const;
    int64_t findWords(const KeyWords& key) const;
    std::optional<uint32_t> place(const KeyWords& key, CsrWrites& out);
    HwEntry hw(const Slot& s) const;

    TableGeometry geom_;
    Options options_;
    const ir::Program* program_ = nullptr;
    const ir::Table* table_ = nullptr;
    int idxBits_ = 0;
    std::vector<Slot> slots_;
    size_t used_ = 0;
    uint64_t moves_ = 0;
    std::optional<std::pair<uint32_t, BigInt>> default_;
};

}  // namespace hop::tables
