// SPDX-License-Identifier: Apache-2.0
// hopd's table writer: logical table commands -> the table drivers (tables::PipelineLoader) ->
// the state file (before the writes) -> the device (write lists) -> the hardware shadow (what
// every memory word should hold, to read back). A restart replays the state file into the
// drivers without writing (replaying()), then re-sends the writes of the last command (which may
// have been cut short) and reads back the words the last commands committed.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/device/device.hpp"
#include "runtime/hopd/hw_shadow.hpp"
#include "runtime/hopd/state_file.hpp"
#include "runtime/tables/loader.hpp"

namespace hop::hopd {

class TableWriter {
  public:
    // Entries of every table are found through the loader's logical tables, whose index by
    // match costs the same with a million entries as with ten: hopd keeps no index of its own.
    TableWriter(const ir::Program& program, const regmap::RegMap& map, device::Device& device,
                StateJournal& journal);

    // One command: false with `error` when the tables refuse it (nothing changes); throws
    // Failure(3) when the device fails. `handle` receives the entry's handle.
    bool apply(const tables::Command& command, std::string& error, int* handle = nullptr);

    enum class Outcome { Written, Identical, Failed };
    // An Add, or a Modify in place when the match is there with another action; nothing when
    // the entry is there as asked.
    Outcome ensure(tables::Command add, std::string& error, int* handle = nullptr);

    // Adds to one table as one bulk update (PipelineLoader::addMany), read from `source` (a
    // full table: nothing per entry is held here): an `@bulk N` record and the N commands in the
    // state file, the writes (unless replaying) and the shadow. Throws Failure(1) when the tables
    // refuse it.
    void applyBulk(ir::TableId table, const tables::EntrySource& source);
    // The same for Add commands of one table (the state file's @bulk records).
    void applyBulk(std::vector<tables::Command> adds);

    // The entry of `table` with the match of `like`: handle and entry.
    std::optional<std::pair<int, tables::Entry>> find(ir::TableId table,
                                                      const tables::Entry& like) const;
    // The entry alone (one lookup in the table's index, the entry decoded), or nullopt.
    std::optional<tables::Entry> findStored(ir::TableId table, const tables::Entry& like,
                                            int* handle = nullptr) const;
    std::vector<std::pair<int, tables::Entry>> entries(ir::TableId table) const {
        return loader_.entries(table);
    }
    // Every entry of `table` in insertion order, without a copy of the list (a full table); the
    // visitor must not change the tables.
    void forEachEntry(ir::TableId table,
                      const std::function<void(int handle, const tables::Entry&)>& visit) const;
    const tables::PipelineLoader& loader() const { return loader_; }
    const regmap::RegMap& map() const { return map_; }

    // The drivers' placement and the expected words, for the state file's snapshot, and back:
    // restore() on a writer built for the same program and map gives the writer that took the
    // snapshot (nothing is written to the device). On error the writer is unusable.
    std::string snapshot() const;
    bool restore(const std::string& bytes, std::string& error);

    // While replaying, nothing is journalled or written; the commands' committed words are kept
    // for verify().
    void beginReplay() { replaying_ = true; }
    // Re-sends the writes of the last replayed command; throws Failure(3).
    void endReplay();
    bool replaying() const { return replaying_; }
    // Reads back the words the last replayed commands committed; throws Failure(3) naming
    // `statePath` when one differs. Returns the words checked and the commands they came from.
    std::pair<size_t, size_t> verify(const std::string& statePath);

    // `table_dump`: the logical entries and every committed word read back.
    void dump(const std::string& tableName, std::vector<std::string>& out);
    // Node memory of an LPM block as hopd wrote it: distinct words per memory times its width.
    std::string nodeMemory(ir::TableId table) const;
    const HwShadow& shadow() const { return shadow_; }

    struct Counters {
        uint64_t commands = 0, csrWords = 0, tableErrors = 0, identical = 0;
        uint64_t stagedSkipped = 0;  // STAGE writes left out: the register held the value
    };
    Counters counters;
    // Called after each slice of a long write list: (words written, words in all).
    std::function<void(size_t, size_t)> writeProgress;

  private:
    bool writeAll(const tables::CsrWrites& writes, std::string& error);
    bool isStage(uint32_t addr) const;
    // The one lookup into the loader's logical tables (their index by match).
    tables::LogicalTable::Found lookup(ir::TableId table, const tables::Entry& like) const;
    void observe(tables::CsrWrites writes, size_t keep);

    const ir::Program& program_;
    const regmap::RegMap& map_;
    device::Device& device_;
    StateJournal& journal_;
    tables::PipelineLoader loader_;
    HwShadow shadow_;

    bool replaying_ = false;
    mutable size_t snapshotHint_ = 0;  // the size of the last snapshot taken or restored
    std::deque<std::vector<HwShadow::WordRef>> tail_;  // committed words of the last commands
    tables::CsrWrites lastWrites_;
    // What hopd last wrote to each STAGE register of an LPM block (plain storage: only writes
    // change it, COMMIT copies it to a memory word), so writeAll() leaves out a write of the
    // value the register holds already.
    std::unordered_map<uint32_t, uint32_t> staged_;
    std::vector<std::pair<uint32_t, uint32_t>> stageRanges_;
};

}  // namespace hop::hopd
