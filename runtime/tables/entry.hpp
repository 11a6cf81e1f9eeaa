// SPDX-License-Identifier: Apache-2.0
// Logical table entries: what a user or controller says a table holds, independent of how a
// target stores it. The reference model, the RTL table drivers and hopd all take these.
// Parsers turn the three input forms users know into entries, checked against the program:
//   - STF `add`/`setdefault` lines (p4c's simple test framework),
//   - BMv2 CLI lines (`table_add`, `table_set_default`, `table_delete`, `table_clear`),
//   - the P4 tutorials' runtime JSON (`table_entries`).
#pragma once

#include <boost/multiprecision/cpp_int.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ir/ir.hpp"

namespace hop::tables {

using BigInt = boost::multiprecision::cpp_int;

// One key of an entry, already resolved against the table's key (same order as Table::keys).
// Uses ir::Match (Exact / Ternary / Lpm / Range / DontCare) so const entries and runtime entries
// are the same thing.
using KeyMatch = ir::Match;

struct Entry {
    ir::TableId table = -1;
    std::vector<KeyMatch> keys;  // one per table key
    ir::ActionCall action;       // action and its arguments (unsigned bit patterns, fitted)
    // Ternary/range/optional tables: BMv2/P4Runtime meaning, a larger value wins. Entries of
    // exact/LPM tables carry none.
    std::optional<int64_t> priority;
};

// A command decoded from any of the input forms.
struct Command {
    enum class Kind { Add, Modify, Delete, SetDefault, Clear } kind = Kind::Add;
    Entry entry;             // Add, Modify (match + new action), Delete (match only)
    std::optional<int> handle;  // BMv2 `table_delete T HANDLE`, `table_modify T A HANDLE ...`
};

// Where a command came from, for error messages: `file:line:col: error: message`.
struct Origin {
    std::string file;
    int line = 0;
    int col = 0;
};

struct ParseError {
    Origin where;
    std::string message;
    std::string str() const;  // "file:line:col: error: message"
};

// Table, action and parameter names resolve as the tools users know do: the full name
// (`MyIngress.ipv4_lpm`), or any suffix on a dot boundary that is unique (`ipv4_lpm`).
// Values: decimal, 0x hex, 0b binary, dotted IPv4 (`10.0.0.1`), MAC (`00:11:22:33:44:55`);
// errors for values that do not fit the key or parameter width, unknown names, wrong counts,
// an action the table does not list, a prefix longer than the key.

// STF: `add TABLE [PRIO] KEY:VALUE ... ACTION(ARG:VALUE, ...)` (key values: `value`,
// `value/len` for LPM, `0x1*2*` nibble wildcards for ternary/LPM, `value&&&mask`) and
// `setdefault TABLE ACTION(ARG:VALUE, ...)`. Key names are suffixes of the key names
// (`hdr.ipv4.dstAddr` or `dstAddr`).
std::optional<Command> parseStfTableCommand(const ir::Program& program, const std::string& line,
                                            const Origin& origin, ParseError& error);

// BMv2 CLI: `table_add T A KEY... => PARAM... [PRIO]`, `table_set_default T A PARAM...`,
// `table_delete T HANDLE`, `table_clear T`, `table_modify T A HANDLE => PARAM...`.
// Key syntax: exact `v`, lpm `v/len`, ternary `v&&&m`, range `lo->hi`, optional `v` or `*`.
std::optional<Command> parseBmv2Command(const ir::Program& program, const std::string& line,
                                        const Origin& origin, ParseError& error);

// P4 tutorials' runtime JSON: {"table_entries": [{"table", "match": {...}, "action_name",
// "action_params": {...}, "priority", "default_action": true}]}. Returns every command or
// stops at the first error (with the entry's index in `where.line`).
std::optional<std::vector<Command>> parseRuntimeJson(const ir::Program& program,
                                                     const nlohmann::json& doc,
                                                     const std::string& file, ParseError& error);

// Does `key` match `value` (both `width` bits)? Shared by every user of entries.
bool matches(const KeyMatch& key, const BigInt& value);

}  // namespace hop::tables
