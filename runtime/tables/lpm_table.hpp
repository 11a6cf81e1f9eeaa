// SPDX-License-Identifier: Apache-2.0
// Driver of LPM tables (rtl/hop_table_lpm.sv): logical entries of a P4 table whose key is one
// `lpm` field become prefixes of the node image (lpm.hpp), and every image change becomes the
// CSR writes (byte offsets from the block's BASE) that make it: each changed word is written
// into STAGE (32-bit chunks, least significant first) and committed with one COMMIT write, in
// the order the image builder reports, so updates are make-before-break.
//
// Result word of a prefix = {action id, parameter bits} (ACTION_W + PARAM_W bits, the encoding
// of table_csr.hpp); the default action is the block's default result register (sel 255).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "regmap/lpm_config.hpp"
#include "runtime/tables/lpm.hpp"
#include "runtime/tables/lpm_csr.hpp"
#include "runtime/tables/table_csr.hpp"

namespace hop::tables {

class LpmTable {
  public:
    // The block for P4 table `table` of `program` (one key, match kind lpm) with the geometry
    // the register map gave it (regmap::TableBlock::lpm). Throws std::invalid_argument when the
    // table is not such a table or the config is not usable.
    LpmTable(const ir::Program& program, ir::TableId table, const LpmConfig& config);

    // Logical entries (checked against the program; duplicates, unknown prefixes, values that
    // do not fit, host bits set and a full table are errors; on error nothing changes).
    std::optional<CsrWrites> add(const Entry& entry, std::string& error);
    std::optional<CsrWrites> modify(const Entry& entry, std::string& error);
    std::optional<CsrWrites> remove(const Entry& entry, std::string& error);
    std::optional<CsrWrites> setDefault(const ir::ActionCall& call, std::string& error);

    // Replaces the whole table (a full-table load): builds the image compactly and returns
    // the writes of every word in use plus every L0 word, deeper memories first. Not hitless
    // (old and new images share memory): for a table nothing looks up yet. Entries as for
    // add(); on error nothing changes.
    std::optional<CsrWrites> load(std::span<const Entry> entries, std::string& error);

    // Adds many entries at once (a full routing table): the image of the entries there and the
    // new ones is rebuilt compactly and hitlessly (Lpm::rebuild: in words the current image does
    // not use, then the L0 words that change), so the writes are about one per word of the new
    // image instead of the copies one add() per entry makes. Entries as for add(); a prefix
    // already in the table or twice in `entries` is an error; on error nothing changes (the
    // message names the entry, from 1).
    std::optional<CsrWrites> addMany(std::span<const Entry> entries, std::string& error);
    // The same for entries read one at a time from `source` (no vector of Entry is built).
    std::optional<CsrWrites> addMany(const EntrySource& source, std::string& error);

    // Writes that make every L0 word invalid (an empty table). Not needed after a reset: the
    // block's init walk does the same (wait for INFO.busy = 0 before writing anything).
    CsrWrites clear() const;

    // The CSR writes of image words: each word's STAGE chunks, then its COMMIT.
    CsrWrites toCsr(const std::vector<LpmWordWrite>& words) const;

    const Lpm& image() const { return lpm_; }
    size_t size() const { return lpm_.prefixCount(); }
    // {action id, parameter bits} of the last setDefault(), if any.
    std::optional<uint64_t> defaultResult() const { return defaultResult_; }

    // The placement and the default result, for hopd's state file (Lpm::save/restore). A table
    // of the same program, table and config restored from it writes what the saved one would.
    // On error (`error` set) nothing changes.
    void save(SnapshotWriter& out) const;
    bool restore(SnapshotReader& in, std::string& error);

  private:
    struct Prefix {
        LpmKey value = 0;
        int length = 0;
        uint64_t result = 0;
    };
    std::optional<Prefix> prefixOf(const Entry& entry, bool withAction, std::string& error) const;
    // The key of a prefix value wider than a machine word (checked as prefixOf does).
    static std::optional<LpmKey> slowPrefixValue(const BigInt& value, int width, int length,
                                                 std::string& error);
    // {action id, parameter bits} of a call, the word a prefix or the default result holds.
    std::optional<uint64_t> resultWord(const ir::ActionCall& call, std::string& error) const;

    const ir::Program& program_;
    const ir::Table& table_;
    Lpm lpm_;
    int paramWidth_ = 0;
    std::optional<uint64_t> defaultResult_;
};

}  // namespace hop::tables
