// SPDX-License-Identifier: Apache-2.0
// Logical table entries: what a user or controller says a table holds, independent of how a
// target stores it. The reference model, the RTL table drivers and hopd all take these.
// Parsers turn the three input forms users know into entries, checked against the program:
//   - STF `add`/`setdefault` lines (p4c's simple test framework),
//   - BMv2 CLI lines (`table_add`, `table_set_default`, `table_delete`, `table_clear`),
//   - the P4 tutorials' runtime JSON (`table_entries`).
//
// Changes since the first contract (all additions, no renames):
//   - Blank lines and `#` comments given to the line parsers return nullopt with an EMPTY
//     `error.message`: "nothing to do", not a failure.
//   - `ParseError::str()` leaves out a zero line or column.
//   - parseRuntimeJson puts the 1-based entry number in `where.line` (and names
//     `table_entries[i]`, 0-based as in the file, in the message).
//   - BMv2 CLI priorities follow BMv2 (a SMALLER number wins for ternary/range tables); they are
//     stored negated so that Entry::priority always means "larger wins".
//   - Helpers shared with the model and hopsim: parseValue, resolveName, needsPriority,
//     formatMatch, formatEntry, sameMatch.
#pragma once

#include <boost/multiprecision/cpp_int.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ir/ir.hpp"

namespace hop::tables {

using BigInt = boost::multiprecision::cpp_int;

// One key of an entry, already resolved against the table's key (same order as Table::keys).
// Uses ir::Match (Exact / Ternary / Lpm / Range / DontCare) so const entries and runtime entries
// are the same thing. Parsed keys are canonical: value bits outside the mask or prefix are zero,
// Lpm carries its mask, a ternary mask of zero (and optional `*`) becomes DontCare, an optional
// key with a value becomes Exact.
using KeyMatch = ir::Match;

struct Entry {
    ir::TableId table = -1;
    std::vector<KeyMatch> keys;  // one per table key
    ir::ActionCall action;       // action and its arguments (unsigned bit patterns, fitted)
    // Ternary/range/optional tables: BMv2/P4Runtime meaning, a larger value wins. Entries of
    // exact/LPM tables carry none.
    std::optional<int64_t> priority;
};

// Many entries without a vector of them (a full routing table is a million): `at(i, out)` fills
// `out` with entry i (0 <= i < count), in the order they are to be added. A source can be read
// more than once and in any order.
struct EntrySource {
    size_t count = 0;
    std::function<void(size_t i, Entry& out)> at;
    // Every entry of `entries` (which must outlive the source).
    static EntrySource of(const std::vector<Entry>& entries) {
        return {entries.size(), [&entries](size_t i, Entry& out) { out = entries[i]; }};
    }
};

// A command decoded from any of the input forms.
struct Command {
    enum class Kind { Add, Modify, Delete, SetDefault, Clear } kind = Kind::Add;
    Entry entry;                // Add, Modify (match + new action), Delete (match only)
    std::optional<int> handle;  // BMv2 `table_delete T HANDLE`, `table_modify T A HANDLE ...`
};

// Where a command came from, for error messages: `file:line:col: error: message`.
struct Origin {
    std::string file;
    int line = 0;
    int col = 0;  // column of the first character of the line given to the parser (0 = 1)
};

struct ParseError {
    Origin where;
    std::string message;
    std::string str() const;  // "file:line:col: error: message"
};

// Table, action and parameter names resolve as the tools users know do: the full name
// (`MyIngress.ipv4_lpm`), or any suffix on a dot boundary that is unique (`ipv4_lpm`).
// Values: decimal (a leading `-` gives the two's complement), 0x hex, 0b binary, 0o octal,
// dotted IPv4 (`10.0.0.1`), MAC (`00:11:22:33:44:55`), IPv6 (`2001:db8::1`); `_` separators in
// numbers are ignored. Errors for values that do not fit the key or parameter width, unknown
// names, wrong counts, an action the table does not list, a prefix longer than the key.

// STF: `add TABLE [PRIO] KEY:VALUE ... ACTION(ARG:VALUE, ...)` (key values: `value`,
// `value/len` for LPM, `0x1*2*` nibble wildcards for ternary/LPM, `value&&&mask`, `lo->hi`)
// and `setdefault TABLE ACTION(ARG:VALUE, ...)`. Key names are suffixes of the key names
// (`hdr.ipv4.dstAddr` or `dstAddr`). As in p4c, ternary/LPM/range/optional keys left out match
// anything; an exact key left out is an error. A value with `*` nibbles is a number like any
// other: the bits above its digits are zero (so `0x0a**` on a 32-bit key is 0x00000a00 with
// mask 0xffffff00, and on LPM `0x0a0b****` of a 32-bit key is 0x0a0b0000/16).
std::optional<Command> parseStfTableCommand(const ir::Program& program, const std::string& line,
                                            const Origin& origin, ParseError& error);

// BMv2 CLI: `table_add T A KEY... => PARAM... [PRIO]`, `table_set_default T A PARAM...`,
// `table_delete T HANDLE`, `table_clear T`, `table_modify T A HANDLE => PARAM...`.
// Key syntax: exact `v`, lpm `v/len`, ternary `v&&&m`, range `lo->hi`, optional `v` or `*`.
// Tables with a ternary, range or optional key need the priority (the last word).
std::optional<Command> parseBmv2Command(const ir::Program& program, const std::string& line,
                                        const Origin& origin, ParseError& error);

// P4 tutorials' runtime JSON: {"table_entries": [{"table", "match": {...}, "action_name",
// "action_params": {...}, "priority", "default_action": true}]}. Match values: exact `v`,
// lpm `[v, len]`, ternary `[v, mask]`, range `[lo, hi]`, optional `v`; values are JSON numbers
// or strings in any syntax above. Returns every command or stops at the first error.
std::optional<std::vector<Command>> parseRuntimeJson(const ir::Program& program,
                                                     const nlohmann::json& doc,
                                                     const std::string& file, ParseError& error);

// Does `key` match `value` (both `width` bits)? Shared by every user of entries. Lpm uses
// `key.mask`.
bool matches(const KeyMatch& key, const BigInt& value);

// --- helpers -------------------------------------------------------------------------------

// A value in any syntax above, fitted to `width` bits; nullopt with `error` ("invalid value
// 'x'" / "value 'x' does not fit in N bits") otherwise.
std::optional<BigInt> parseValue(const std::string& text, int width, std::string& error);

// Index of `name` in `names` by full name or unique dotted suffix; -1 when unknown, -2 when
// ambiguous (then `ambiguous` lists the candidates).
int resolveName(const std::vector<std::string>& names, const std::string& name,
                std::vector<std::string>* ambiguous = nullptr);

// Does the table order its entries by priority (a ternary, range or optional key)?
bool needsPriority(const ir::Table& table);
// The priority, larger wins, of the program's entry `index` of `table`: its own (the table's
// `largest_priority_wins = false` reverses it), else earlier entries win.
int64_t programEntryPriority(const ir::Table& table, size_t index);

// `0x0a000000/8`, `0x6 &&& 0xff`, `22->22`, `*`, `0x0800` — for traces and messages.
std::string formatMatch(const KeyMatch& key);
// `hdr.ipv4.dstAddr=0x0a000000/8 -> MyIngress.fwd(port=1) prio 10`.
std::string formatEntry(const ir::Program& program, const Entry& entry);
// Same match (keys and, for priority tables, priority): what makes an entry a duplicate.
bool sameMatch(const Entry& a, const Entry& b);
// A hash that two entries share when sameMatch says they match the same (the table, each key's
// canonical value/mask/length/range, the priority): the index of a table's entries.
size_t matchHash(const Entry& e);

}  // namespace hop::tables
