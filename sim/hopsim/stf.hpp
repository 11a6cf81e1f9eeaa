// SPDX-License-Identifier: Apache-2.0
// p4c's simple test framework (STF): reading the files and running them on an engine.
//
// The format, line by line (`#` starts a comment):
//   packet PORT HEX            send a packet; spaces may appear inside HEX
//   expect PORT HEX [$]        a packet must leave on PORT; `*` is a wildcard nibble; without
//                              `$` HEX is a prefix of the packet, with `$` the whole packet
//   expect PORT                a packet must leave on PORT, any content
//   add TABLE ...              a table entry (tables::parseStfTableCommand)
//   setdefault TABLE ACTION()  the default action
//   wait                       the engines here are synchronous: nothing to wait for
// p4c's BMv2 runner also passes simple_switch_CLI commands through (mirroring_add, mc_*,
// counter_*, register_*, meter_*) and has check_counter: they are parsed in full, and a
// well-formed one is an error naming what it needs, once the whole file has been checked.
// A test passes when, port by port and in order, every expected packet arrived and nothing
// else did.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "runtime/tables/entry.hpp"
#include "sim/engine/engine.hpp"
#include "sim/model/model.hpp"

namespace hop::hopsim {

struct StfCommand {
    enum class Kind { Packet, Expect, Table, Wait } kind = Kind::Packet;
    int line = 0;  // 1-based, of the command word
    int col = 0;
    uint32_t port = 0;
    std::vector<uint8_t> bytes;  // Packet
    std::vector<int> nibbles;    // Expect: 0..15, or -1 for a `*` wildcard
    bool exactLength = false;    // Expect: trailing `$`
    bool anyContent = false;     // Expect with no data
    std::string text;            // Table: the line from the command word, comment removed
};

struct StfFile {
    std::string path;
    std::vector<StfCommand> commands;
    // With an error for a well-formed command that hopline cannot run yet (mirroring_add,
    // mc_node_create, register_read, ...): `path:line:col: note: ...` saying what it needs.
    std::string note;
};

// Parses STF text. On a malformed line returns false with `error` set to
// `path:line:col: error: message`.
bool parseStf(const std::string& text, const std::string& path, StfFile& file, std::string& error);
bool readStf(const std::string& path, StfFile& file, std::string& error);

// Does `received` satisfy the Expect command `expect`?
bool expectationMatches(const StfCommand& expect, const std::vector<uint8_t>& received);

// Expected and received bytes side by side, 16 a row, with a caret line under the bytes that
// differ (wildcard nibbles print as `*`; bytes missing on one side as `..`).
std::string formatComparison(const StfCommand& expect, const std::vector<uint8_t>& received);

struct StfOptions {
    bool tracePackets = false;
};

// Runs the test on `engine` (fresh). Each packet is sent and drained before the next command,
// so every output is tied to the packet that caused it. Prints `PASS: ...` or the failures to
// `out` and errors (bad table lines, model errors) to `err`. Returns 0 on pass, 1 on failure
// (also when the engine itself fails, e.g. the RTL does not drain).
int runStf(sim::Engine& engine, const StfFile& file, const StfOptions& options, std::ostream& out,
           std::ostream& err);

}  // namespace hop::hopsim
