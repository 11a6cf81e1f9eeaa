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
// counter_*, register_*, meter_*) and p4c's STF grammar has check_counter. They are parsed in
// full. Those of counters, registers and meters run in file order on the model engine
// (stf_externs.cpp):
//   counter_read NAME INDEX              prints `NAME[INDEX]= packets=P bytes=B`
//   counter_write NAME INDEX PACKETS BYTES
//   counter_reset NAME
//   check_counter NAME(INDEX) [packets|bytes OP N]   fails the test unless the value compares
//                                        so (OP: == != < <= > >=); without a type it prints
//   register_read NAME INDEX [OP N]      prints the value; with OP N (hopline's addition) it is
//                                        a check like check_counter's
//   register_write NAME INDEX VALUE, register_reset NAME
//   meter_set_rates NAME INDEX CIR:CBS PIR:PBS, meter_array_set_rates NAME CIR:CBS PIR:PBS,
//   meter_get_rates NAME INDEX           rates in units per microsecond, bursts in units
// INDEX of a direct counter or meter is the table entry's handle (0, 1, ... in the order the
// entries were added). The traffic manager's lines (mc_mgrp_create, mc_node_create, ...,
// mirroring_add, ...; runtime/tables/traffic_manager.hpp) configure the engine's traffic manager
// in file order; an engine without one (the RTL pipeline) refuses the file at the first of them.
// The n-th `packet` (from 0) arrives at n microseconds on the simulated clock
// (sim::Packet::timeNs), which is what meters measure. A test passes when, port by port and in
// order, every expected packet arrived and nothing else did.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "runtime/tables/entry.hpp"
#include "runtime/tables/externs.hpp"
#include "runtime/tables/traffic_manager.hpp"
#include "sim/engine/engine.hpp"
#include "sim/model/model.hpp"

namespace hop::hopsim {

struct StfCommand {
    enum class Kind { Packet, Expect, Table, Wait, Extern, Tm } kind = Kind::Packet;
    int line = 0;  // 1-based, of the command word
    int col = 0;
    uint32_t port = 0;
    std::vector<uint8_t> bytes;           // Packet
    std::vector<int> nibbles;             // Expect: 0..15, or -1 for a `*` wildcard
    bool exactLength = false;             // Expect: trailing `$`
    bool anyContent = false;              // Expect with no data
    std::string text;                     // Table, Extern: the line from the command word, comment
                                          // removed
    std::optional<tables::TmCommand> tm;  // Tm
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

// The time between two `packet` lines on the simulated clock.
inline constexpr uint64_t kStfPacketGapNs = 1000;

// Counters, registers and meters as the STF lines, command files and --dump-state reach them:
// the model's state (sim::Model's calls, whose contract this is), or the RTL's, read and written
// through its CSRs by tables::ExternCsr (stf_externs_rtl.cpp). Each call returns false with
// `error` set when the name, index or value is not valid, or the engine cannot do it; the state
// is then unchanged.
class ExternAccess : public tables::ExternAccess {
  public:
    // Model::dumpState's format; nullopt with `error` when the state cannot be read.
    virtual std::optional<std::string> dumpState(std::string& error) = 0;
};
// The engine's: the model's, the RTL's (its register-map blocks), or null for another engine.
std::unique_ptr<ExternAccess> externAccess(sim::Engine& engine);
std::unique_ptr<ExternAccess> rtlExternAccess(sim::Engine& engine);  // stf_externs_rtl.cpp

// Runs an Extern command on `access` (null: the engine has none). Reads print to `out`; a
// check that fails prints `FILE:LINE:COL: error: ...` to `out` and counts in `failures`. A bad
// name, index or value (or no access) prints the located error to `err` and returns false.
bool runStfExtern(ExternAccess* access, const StfFile& file, const StfCommand& cmd,
                  std::ostream& out, std::ostream& err, int& failures);

// hopsim's --dump-state: the extern state of the engine's model after a run, or a message
// saying the engine cannot show it (false).
bool dumpState(sim::Engine& engine, std::ostream& out, std::ostream& err);

// Runs a traffic-manager line on the engine's traffic manager; what BMv2's CLI prints goes to
// `out`. False with `error` = "WHERE: error: ..." when the engine has none or the line does not
// fit its state (which is then unchanged).
bool runTmLine(sim::Engine& engine, const tables::TmCommand& command, const std::string& where,
               std::ostream& out, std::string& error);

// Runs the test on `engine` (fresh). Each packet is sent and drained before the next command,
// so every output is tied to the packet that caused it. Prints `PASS: ...` or the failures to
// `out` and errors (bad table lines, model errors) to `err`. Returns 0 on pass, 1 on failure
// (also when the engine itself fails, e.g. the RTL does not drain).
int runStf(sim::Engine& engine, const StfFile& file, const StfOptions& options, std::ostream& out,
           std::ostream& err);

}  // namespace hop::hopsim
