// SPDX-License-Identifier: Apache-2.0
// Text for what the model did with a packet: the decision in one line, and the per-packet trace
// that --trace-packets prints (parser path, table lookups, checksums, decision). This is the
// answer to "why was my packet dropped?", so it is worded for users, not for the model's authors.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "sim/engine/engine.hpp"
#include "sim/model/model.hpp"

namespace hop::hopsim {

// "forwarded to port 1", "dropped (mark_to_drop in ingress)",
// "punted to the CPU port 510 (reason 3)".
std::string describeDecision(const sim::Decision& decision);

// Bytes as lower-case hex, a space between bytes.
std::string hexBytes(const std::vector<uint8_t>& bytes);

// Prints one packet's trace: a heading naming where the packet came from (`label`), every trace
// event indented under it, the decision and the packets that left.
void printTrace(std::ostream& out, const std::string& label, const sim::Packet& in,
                const sim::Result& result);

// The same for an engine's completed packet: the model's trace as above; for the RTL (which
// has no decision trace: that is the model's) the cycles the packet entered and left and where
// it went. `cpuPort` (0 = unknown) names punts.
void printTrace(std::ostream& out, const std::string& label, const sim::Packet& in,
                const sim::Completed& done, uint32_t cpuPort);

}  // namespace hop::hopsim
