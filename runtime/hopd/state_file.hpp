// SPDX-License-Identifier: Apache-2.0
// hopd's state file (--state, default CONTROL.state): what a restarted hopd needs to continue
// on a board that kept its tables. Line based:
//   @hopd-state 1 PROGRAM DATA_W DEVICE      the header: which board and program it belongs to
//   @snapshot FILE BYTES HASH                 (line 2, optional) every table's entries and its
//                                            driver's placement and the words the board holds,
//                                            as they were when FILE (binary, next to the state
//                                            file, BYTES long, FNV-1a 64 HASH) was written; the
//                                            lines after it continue from there
//   table_add ... / table_modify ... / ...   every table command hopd sent, as the BMv2 CLI line
//                                            that parses back to it, written before its CSR
//                                            writes go out (a crash in between replays it)
//   @bulk N                                  the N table_add lines after it are one bulk update
//   @link PORT ID                            the next-hop id of a port's connected routes
//   @nexthop GATEWAY ID / @host HOST ID      the id of a gateway / of a resolved on-link host
//   @nexthop-free HOST                       a host's id given back
//   @route ROUTE / @route-del PREFIX/LEN     routes added and removed at run time (hopctl)
// StateJournal writes it; readState() reads it back as typed records and commands.
// compact() replaces the file by a new snapshot and the records that still hold (the ids and
// run-time routes), so a restart restores the snapshot at once instead of replaying every
// command since the board was reset. A crash at any point leaves a state file whose snapshot
// is complete: the snapshot is written and synced first, the new state file is renamed over the
// old one, and only then is the old snapshot removed.
#pragma once

#include <fstream>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "runtime/hopd/config.hpp"
#include "runtime/tables/entry.hpp"

namespace hop::hopd {

// One `@` line other than @hopd-state and @bulk.
struct StateRecord {
    enum class Kind { Link, Nexthop, Host, NexthopFree, Route, RouteDel } kind = Kind::Link;
    router::Ipv4Addr ip;      // Nexthop, Host, NexthopFree
    uint16_t id = 0;          // Link, Nexthop, Host
    router::Port port = 0;    // Link
    RouteSpec route;          // Route; RouteDel: prefix and length only
    std::string str() const;  // the line
    // The words of one line; nullopt with `error` (no location).
    static std::optional<StateRecord> parse(const std::vector<Word>& words, std::string& error);
};

// The header line of a board's state file.
std::string stateHeader(const std::string& program, int dataWidth, const std::string& device);

// A table command as the BMv2 CLI line that parses back to it (tables::parseBmv2Command): full
// table and action names, values in hex, BMv2 priorities.
std::string commandLine(const ir::Program& program, const tables::Command& command);

class StateJournal {
  public:
    // A new file holding only `header`, or the end of an existing one. Throw Failure(1).
    void create(const std::string& path, const std::string& header);
    void append(const std::string& path);
    // Nothing is written while there is no file open (a restart replaying the file).
    void record(const StateRecord& record);
    void command(const ir::Program& program, const tables::Command& command);
    // The adds of one bulk update to `table`, read from `source`.
    void bulk(const ir::Program& program, ir::TableId table, const tables::EntrySource& source);

    // Replaces the state file at `path` (which must be the open one) by `header`, a @snapshot
    // line naming a new snapshot file holding `snapshot`, and `records`; removes the snapshot
    // file the old state file named. Throws Failure(1). Returns the snapshot file's path.
    std::string compact(const std::string& path, const std::string& header,
                        const std::string& snapshot, const std::vector<StateRecord>& records);
    // Lines in the file since its snapshot: those replayed from it (replayed()) and those
    // written since.
    uint64_t linesSinceSnapshot() const { return lines_; }
    void replayed(uint64_t lines) { lines_ += lines; }
    // The snapshot file the state file names ("" when none): readState() sets it.
    void setSnapshotFile(const std::string& file) { snapshotFile_ = file; }

    // Removes the snapshot files of the state file `path` (a fresh board starts without one).
    static void removeSnapshots(const std::string& path);

  private:
    void write(const std::string& text, uint64_t lines = 1);
    std::ofstream out_;
    uint64_t lines_ = 0;
    std::string snapshotFile_;  // the path of the snapshot the open state file names
};

// What readState() hands over, in the file's order. A callback returning false with `error`
// stops the reading with that error at the line's location.
struct StateVisitor {
    std::function<bool(const StateRecord&, std::string& error)> record;
    std::function<bool(const tables::Command&, std::string& error)> command;
    std::function<bool(std::vector<tables::Command>, std::string& error)> bulk;
    // The snapshot the state file names (its bytes, checked against BYTES and HASH), before
    // any other line; `file` is its path.
    std::function<bool(const std::string& bytes, const std::string& file, std::string& error)>
        snapshot;
};

// The lines of `in` after its header (line 1 already read); throws Failure(1) as
// `PATH:LINE: error: ...` (a missing, short or altered snapshot file too). Returns the table
// commands read (after the snapshot).
uint64_t readState(std::istream& in, const std::string& path, const ir::Program& program,
                   const StateVisitor& visitor);

}  // namespace hop::hopd
