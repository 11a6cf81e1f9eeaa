// SPDX-License-Identifier: Apache-2.0
// Table loading for a whole generated pipeline: one driver per table block of the register map
// (ExactTable for exact and direct blocks, TernaryTable for ternary blocks, LPM tables mapped to
// ternary slots included, LpmTable for hop_table_lpm blocks), and logical table commands turned
// into CSR writes at ABSOLUTE addresses (block BASE + the driver's offset). Used by hopsim's RTL
// engine and by hopd: it knows nothing of how the writes reach the hardware.
//
// The loader keeps the logical entries of every table in a LogicalTable (logical_table.hpp:
// BMv2's handles and the checks every command passes, shared with the reference model), so
// `table_delete T HANDLE`, `table_modify` by handle and `table_clear` work; a command reaches the
// driver only once the checks have passed. Every error is a message and leaves the tables as
// they were; nothing throws once the loader is built.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "ir/ir.hpp"
#include "regmap/regmap.hpp"
#include "runtime/tables/entry.hpp"
#include "runtime/tables/logical_table.hpp"
#include "runtime/tables/snapshot.hpp"
#include "runtime/tables/table_csr.hpp"

namespace hop::tables {

class ExactTable;
class TernaryTable;
class LpmTable;
class SnapshotWriter;
class SnapshotReader;

class PipelineLoader {
  public:
    // Drivers for every table block of `map` (built from `program`). When the map and the
    // drivers disagree (a block the drivers would size differently, a table the program does not
    // have), ok() is false and error() says why.
    PipelineLoader(const ir::Program& program, const regmap::RegMap& map);
    ~PipelineLoader();
    PipelineLoader(const PipelineLoader&) = delete;
    PipelineLoader& operator=(const PipelineLoader&) = delete;

    bool ok() const { return error_.empty(); }
    const std::string& error() const { return error_; }

    // The writes that give blocks fresh out of reset (after their init walks) the program's
    // default actions and const entries. Computed once, at construction.
    const CsrWrites& initial() const { return initial_; }

    // Absolute addresses of the INFO words of blocks that run an init walk after reset (INFO[23]
    // busy until it is over): wait until they read 0 in bit 23 before writing `initial()`.
    std::vector<uint32_t> initWalkInfoAddresses() const;

    // One logical command -> the writes that make it (absolute addresses), or nullopt with
    // `error`; on error nothing changes. `handle` receives the entry's handle for Add, Modify and
    // Delete.
    std::optional<CsrWrites> apply(const Command& command, std::string& error,
                                   int* handle = nullptr);

    // Many Add commands of one table at once (a full routing table), as apply() would take them
    // one by one (the same checks, the same handles, appended to `handles` when given) but with
    // the writes of one bulk update: an LPM block's image is rebuilt hitlessly
    // (LpmTable::addMany: about one write per word of the new image, not the copies of one
    // insert per entry); other blocks take the entries one by one. On error nothing changes for
    // an LPM block (the message names the entry, from 1); other blocks keep the entries before
    // the one that failed.
    // Entries are read one at a time from `source` (their `table` is set to `table`) and stored
    // compactly: no vector of Entry is built.
    std::optional<CsrWrites> addMany(ir::TableId table, const EntrySource& source,
                                     std::string& error, std::vector<int>* handles = nullptr);
    // The same for a vector of entries.
    std::optional<CsrWrites> addMany(ir::TableId table, std::vector<Entry> entries,
                                     std::string& error, std::vector<int>* handles = nullptr);

    // The driver of an LPM block (its image: memories in use, lookups), or null.
    const LpmTable* lpmTable(ir::TableId table) const;

    const regmap::RegMap& map() const { return map_; }

    // Every table's logical entries and its driver's placement (runtime/tables/snapshot.hpp),
    // so that a loader built for the same program and map and given restore() is the one that
    // saved: the same entries and handles, and the same writes for every later command. On
    // error (a snapshot of another program, damaged) the loader is unusable: build a new one.
    void save(SnapshotWriter& out) const;
    bool restore(SnapshotReader& in, std::string& error);

    // Logical entries of a table in insertion order (const entries are not listed). A copy of
    // each: for a large table walk logicalTable(table)->forEach() instead.
    std::vector<std::pair<int, Entry>> entries(ir::TableId table) const;
    // The logical table (find by handle or match, forEach, size), or null for a table without
    // a block.
    const LogicalTable* logicalTable(ir::TableId table) const;

    // The logical entries of `table` (handles, order, free handles, default action) in a
    // snapshot, and back: LogicalTable::save/restore. The drivers' placement is not part of it
    // (each driver snapshots its own); restoring changes no driver. False with `error` for a
    // table without a block or a snapshot restore() refuses (then nothing changes).
    bool saveLogical(ir::TableId table, SnapshotWriter& out, std::string& error) const;
    bool restoreLogical(ir::TableId table, SnapshotReader& in, std::string& error);

  private:
    struct Driver {
        const regmap::TableBlock* block = nullptr;
        std::unique_ptr<ExactTable> exact;
        std::unique_ptr<TernaryTable> ternary;
        std::unique_ptr<LpmTable> lpm;
        bool lpmAsTernary = false;
        std::unique_ptr<LogicalTable> logical;
        // LPM-as-ternary entries: handle -> the driver's id of the entry's slots.
        std::unordered_map<int, uint64_t> ternaryIds;
    };

    // The driver's writes (block offsets, appended to `out`) for one checked command; `handle`
    // is the logical entry's (-1 for the default action and const entries).
    // `constIndex` is a const entry's position (its direct-extern cell).
    bool drive(Driver& d, Command::Kind kind, int handle, const Entry& entry, CsrWrites& out,
               std::string& error, int constIndex = -1);
    // The writes that set an entry's direct counter cells of `table` to 0 (absolute addresses):
    // DATA, INDEX, then the WRITE command of each counter's hop_register. The block runs a
    // command in the first cycle its table's counter is not written (a hit's write-back), so it
    // is done before the next CSR write unless hits of that table fill every cycle; a loader on a
    // line-rate link that clears many cells at once should poll INFO.busy between them (the
    // writes carry no wait).
    void clearDirectCells(ir::TableId table, int cell, CsrWrites& out) const;
    void relocate(const Driver& d, CsrWrites& writes) const;

    const ir::Program& program_;
    regmap::RegMap map_;
    std::map<ir::TableId, Driver> drivers_;
    CsrWrites initial_;
    std::string error_;
};

}  // namespace hop::tables
