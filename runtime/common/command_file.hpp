// SPDX-License-Identifier: Apache-2.0
// Table command files of a program, read the same way by `hopsim run --commands`, `hopsim load`
// and hopd (`--commands`, `hopctl load commands`):
//   - lines of BMv2 CLI commands (`table_add ...`) and, where the caller allows it, STF table
//     lines (`add ...`, `setdefault ...`) mixed, read by common::forEachCommandLine; the BMv2
//     lines on counters, meters and registers (`register_write ...`, runtime/tables/externs.hpp)
//     go to a second handler, and those of the traffic manager (`mc_mgrp_create ...`,
//     `mirroring_add ...`, runtime/tables/traffic_manager.hpp) to a third, in file order with
//     the table commands;
//   - the P4 tutorials' runtime JSON (`{"table_entries": [...]}`).
// Each command goes to the caller's handler with where it came from; the first mistake stops
// the reading with a located message.
//
//   std::string error;
//   bool ok = common::readCommandFile(program, path, common::CommandSyntax::Bmv2OrStf,
//       [&](tables::Command& command, const common::CommandSource& source, std::string& error) {
//           if (!apply(command, why)) { error = source.error(why); return false; }
//           return true;
//       }, error);
//   if (!ok) fail(error);
#pragma once

#include <functional>
#include <string>

#include "ir/ir.hpp"
#include "runtime/tables/entry.hpp"
#include "runtime/tables/externs.hpp"
#include "runtime/tables/traffic_manager.hpp"

namespace hop::common {

// Where a command was read.
struct CommandSource {
    std::string file;
    int line = 0;  // a command line: 1-based line and column
    int column = 0;
    int entry = -1;  // a runtime JSON entry: its 0-based index in `section`
    std::string section = "table_entries";
    // "FILE:LINE:COLUMN", or "FILE: table_entries[I]" for a JSON entry.
    std::string where() const;
    // "WHERE: error: message".
    std::string error(const std::string& message) const;
};

enum class CommandSyntax {
    Bmv2,       // BMv2 CLI lines only
    Bmv2OrStf,  // BMv2 CLI lines and STF `add` / `setdefault` lines, mixed
};

// Gets each command; false stops the reading (the handler sets `error`).
using CommandHandler =
    std::function<bool(tables::Command& command, const CommandSource& source, std::string& error)>;

// Gets each counter, meter or register line; false stops the reading (the handler sets `error`).
using ExternHandler = std::function<bool(const tables::ExternCommand& command,
                                         const CommandSource& source, std::string& error)>;

// Gets each traffic-manager line; false stops the reading (the handler sets `error`).
using TmHandler = std::function<bool(const tables::TmCommand& command, const CommandSource& source,
                                     std::string& error)>;

// A file of command lines. True when every command went through its handler; false with
// `error`: the file cannot be read, a line does not parse (tables::ParseError::str()), an
// extern or traffic-manager line came and there is no handler for it, or what a handler said.
bool readCommandFile(const ir::Program& program, const std::string& path, CommandSyntax syntax,
                     const CommandHandler& onCommand, std::string& error,
                     const ExternHandler& onExtern = nullptr, const TmHandler& onTm = nullptr);

// A runtime JSON file: every entry parses before the first one goes to the handler. Malformed
// JSON is located by line and column ("PATH:L:C: error: malformed JSON: ..."). Its
// "multicast_group_entries" go to `onTm` (tables::parseRuntimeJsonGroups) after the table
// entries; without `onTm` they are refused.
bool readRuntimeJsonFile(const ir::Program& program, const std::string& path,
                         const CommandHandler& onCommand, std::string& error,
                         const TmHandler& onTm = nullptr);

}  // namespace hop::common
