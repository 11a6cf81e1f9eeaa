// SPDX-License-Identifier: Apache-2.0
// Driver of hop_table_ternary: keeps the value/mask slots in priority order and turns every
// change into CSR writes (byte offsets from the block's BASE), hitlessly.
//
// Order: slot 0 wins in hardware, so slots hold entries sorted by P4 priority, larger first
// (Entry::priority, as the reference model; an entry without one counts as 0), and entries of
// equal priority in insertion order (the model's tie rule: the earlier entry wins). Const entries
// keep their source order because they are given descending priorities (constEntries()).
//
// Range keys are expanded in software: [lo, hi] becomes the minimal set of aligned prefixes
// (at most 2*(w-1) for a w-bit field); a table with several range/ternary keys takes the cross
// product. All slots of one logical entry share its priority and are disjoint, so their order
// among themselves does not matter. LPM, optional and don't-care keys are value/mask pairs too.
//
// Insert: the new slot must come after every higher-priority slot and every older equal-priority
// slot it overlaps (two value/mask pairs overlap when some key matches both: only then does the
// tie rule matter), and before every lower-priority slot. A free slot in that window is used
// directly (the one nearest its middle, to leave room on both sides). Otherwise the
// nearest free slot above or below is found and the run of entries in between shifts one slot
// towards it (the shorter side): each entry is written to its new slot before its old slot is
// overwritten by the next one, so every lookup sees the old or the new table. Delete clears the
// slots (one commit each); modify rewrites them in place (the action memory is updated with the
// delay that keeps slot and action consistent, see hop_table_ternary.sv).
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

class TernaryTable {
  public:
    struct Piece {
        BigInt value;
        BigInt mask;  // 1 = compared; value bits outside the mask are zero
    };
    struct Slot {
        bool used = false;
        BigInt value, mask;
        uint32_t action = 0;
        BigInt params;
        int64_t priority = 0;
        uint64_t seq = 0;  // insertion order: smaller wins among equal priorities
        uint64_t id = 0;   // the logical entry it belongs to
    };

    explicit TernaryTable(const TableGeometry& geometry);
    TernaryTable(const ir::Program& program, ir::TableId table);

    // DEPTH = the table's `size` (at least 2, at most 4096).
    static TableGeometry geometryFor(const ir::Program& program, const ir::Table& table);

    // Logical entries (duplicates — same match and priority —, unknown entries, values that do
    // not fit and a full table are errors; on error nothing changes).
    std::optional<CsrWrites> add(const Entry& entry, std::string& error);
    std::optional<CsrWrites> modify(const Entry& entry, std::string& error);
    std::optional<CsrWrites> remove(const Entry& entry, std::string& error);
    std::optional<CsrWrites> setDefault(const ir::ActionCall& call, std::string& error);

    // Hardware values: one logical entry of `pieces` slots; `id` receives its handle.
    std::optional<CsrWrites> insert(const std::vector<Piece>& pieces, int64_t priority,
                                    uint32_t action, const BigInt& params, std::string& error,
                                    uint64_t* id = nullptr);
    std::optional<CsrWrites> modify(uint64_t id, uint32_t action, const BigInt& params,
                                    std::string& error);
    std::optional<CsrWrites> erase(uint64_t id, std::string& error);
    CsrWrites setDefault(uint32_t action, const BigInt& params) const;

    // The slot the hardware picks for `key` (the first used slot that matches), or -1.
    int find(const BigInt& key) const;
    const Slot& slot(int index) const { return slots_[index]; }
    const TableGeometry& geometry() const { return geom_; }
    size_t usedSlots() const { return used_; }
    uint64_t moves() const { return moves_; }  // slot-to-slot copies so far

    // The default action set through setDefault(call), if any: {action id, parameter bits}.
    const std::optional<std::pair<uint32_t, BigInt>>& defaultAction() const { return default_; }

    // The placement (every used slot with its priority, order and entry id; the logical entries;
    // the counters; the default set through setDefault(call)), for hopd's state file. A table of
    // the same program and table restored from it places and writes as the saved one does. A
    // short, damaged or foreign snapshot sets `error` and leaves the table as it was.
    void save(SnapshotWriter& out) const;
    bool restore(SnapshotReader& in, std::string& error);

    // The value/mask slots of an entry of `table` (ranges expanded, cross product of the keys).
    static std::optional<std::vector<Piece>> expand(const ir::Table& table, const Entry& entry,
                                                    std::string& error);
    // The aligned prefixes covering [lo, hi] of a `width`-bit field, as value/mask pairs.
    static std::vector<Piece> rangeToPrefixes(const BigInt& lo, const BigInt& hi, int width);
    // The table's const entries with descending priorities where the program gives none, so the
    // earlier entry wins.
    static std::vector<Entry> constEntries(const ir::Program& program, ir::TableId table);

  private:
    // save() without the section's hash: what restore() encodes again to check it.
    void saveUnsealed(SnapshotWriter& out) const;
    struct Logical {
        Entry entry;
        uint64_t id = 0;
    };
    bool before(const Slot& a, int64_t priority, uint64_t seq) const;
    bool after(const Slot& a, int64_t priority, uint64_t seq) const;
    int insertPiece(const Piece& piece, int64_t priority, uint64_t seq, uint64_t id,
                    uint32_t action, const BigInt& params, CsrWrites& out);
    HwEntry hw(const Slot& s) const;
    void moveSlot(int from, int to, CsrWrites& out);

    TableGeometry geom_;
    const ir::Program* program_ = nullptr;
    const ir::Table* table_ = nullptr;
    std::vector<Slot> slots_;
    std::vector<Logical> logical_;
    size_t used_ = 0;
    uint64_t nextSeq_ = 1;
    uint64_t moves_ = 0;
    std::optional<std::pair<uint32_t, BigInt>> default_;
};

}  // namespace hop::tables
