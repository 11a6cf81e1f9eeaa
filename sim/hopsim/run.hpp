// SPDX-License-Identifier: Apache-2.0
// `hopsim run`: table entries from command files, pcap files in per port, pcap files out per
// port, and a summary of what happened (packets per port, drops and punts by reason).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "sim/engine/engine.hpp"

namespace hop::hopsim {

// BMv2 CLI lines (`table_add ...`, and `register_write ...`, `counter_read ...` and the other
// lines on counters, meters and registers, run on the engine's state in file order: what they
// print goes to `out`); blank lines and `#` comments skipped. Errors are printed as
// `file:line:col: error: message`; false on the first one.
bool loadBmv2Commands(sim::Engine& engine, const std::string& path, std::ostream& out,
                      std::ostream& err);
// The P4 tutorials' runtime JSON (`table_entries`).
bool loadRuntimeJson(sim::Engine& engine, const std::string& path, std::ostream& err);

struct RunOptions {
    std::vector<std::pair<uint32_t, std::string>> inputs;  // port, pcap file
    std::string outDir;
    bool tracePackets = false;
};

// The punt reason of a frame the program sent to the CPU port: the decimal value of the
// `reason` field of its @controller_header("packet_in") header, read from the frame's first
// bytes; empty when the program has no such field or the frame is too short.
std::string puntReason(const ir::Program& program, const std::vector<uint8_t>& frame);

// Parses `PORT=FILE`; false with a message.
bool parsePortFile(const std::string& text, std::pair<uint32_t, std::string>& result,
                   std::string& error);

// Reads the inputs, interleaves them by timestamp (ties: the order of --in, then file order),
// runs every packet (arriving on the simulated clock at its timestamp less the first
// packet's: sim::Packet::timeNs), writes OUT_DIR/port<N>.pcap for every input and output port and
// prints the summary to `out`. Returns 0, or 1 after printing an error. An engine that explains its
// decisions (the model), or any engine with --trace-packets, runs one packet at a time; the RTL
// otherwise takes the packets back to back (in chunks), stamps each output with the time of the
// last packet that had entered when it left, and counts as dropped the packets that did not come
// out (v1model: one packet out at most per packet in).
int runPcaps(sim::Engine& engine, const RunOptions& options, std::ostream& out, std::ostream& err);

}  // namespace hop::hopsim
