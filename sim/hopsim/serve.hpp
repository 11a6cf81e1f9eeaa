// SPDX-License-Identifier: Apache-2.0
// `hopsim serve`: the Verilated pipeline as a live board. Its ports are attached to Linux TAP
// interfaces, and a unix socket serves the device protocol (runtime/device/protocol.hpp) to one
// client at a time: CSR reads and writes, bursts, write lists (back to back on the AXI4-Lite
// bus), frames to and from the CPU port, statistics.
//
// `hopsim load`: table commands from a file, turned into CSR writes by tables::PipelineLoader
// and written to a served board through runtime/device's SimDevice.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "ir/ir.hpp"
#include "program/compiled.hpp"
#include "runtime/common/event_loop.hpp"
#include "sim/rtl/rtl_engine.hpp"
#include "source/diagnostics.hpp"

namespace hop::hopsim {

struct ServeOptions {
    std::string socketPath;
    std::vector<std::pair<uint32_t, std::string>> taps;  // port, interface name
};

// Parses `PORT=IFNAME`; false with a message.
bool parsePortTap(const std::string& text, std::pair<uint32_t, std::string>& result,
                  std::string& error);

// Call it before anything starts threads (the Verilated model may): serve() takes SIGINT and
// SIGTERM through a signalfd (runtime/common/event_loop.hpp says why).
using common::blockStopSignals;

// Runs the board until SIGINT or SIGTERM: prints a ready line, then the statistics at the end.
// Returns 0 after a clean stop, 3 when the board cannot start (a TAP or the socket cannot be set
// up: `err` says why) or the pipeline fails on the bus.
int serve(sim::rtl::RtlEngine& engine, const ServeOptions& options, std::ostream& out,
          std::ostream& err);

struct LoadOptions {
    std::string socketPath;
    std::vector<std::string> files;
    int dataWidth = 0;  // 0: the board's
    // A board serving the switch top (hopsim serve --rtl-top switch): its front-panel ports and
    // CPU port, so the traffic manager's lines (mc_*) reach its replication engine. 0: a
    // pipeline board (the traffic manager's lines are refused).
    int switchPorts = 0;
    int cpuPort = -1;  // -1: as hopsim serve chose it
};

// Loads table command files into the board at `socketPath`. Lines of BMv2 CLI commands
// (`table_add ...`) and STF `add` / `setdefault` lines may be mixed (and on a switch board the
// traffic manager's mc_* lines, through tables::ReplicatorCsr); `#` comments and blank lines
// are skipped; a `.json` file is the P4 tutorials' runtime JSON. The board must run the same
// program and must not have been written by a client yet: the loader starts from the tables as
// the board set them up (defaults and const entries). Errors name the file and line. Returns 0,
// 1 (a bad command file, a program mismatch) or 3 (the board cannot be reached or failed).
int loadTables(const program::Compiled& program, const LoadOptions& options, std::ostream& out,
               std::ostream& err);

}  // namespace hop::hopsim
