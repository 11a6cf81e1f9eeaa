// SPDX-License-Identifier: Apache-2.0
// Line-rate runs of the board model (`hopsim board linerate`): the MACs of some ports receive
// back-to-back frames of one size at their line rates, and a report says where every frame went:
// per ingress port offered, dropped by the input FIFO, dropped by the pipeline (the program, or
// too long), dropped by an output queue, for a port with no MAC, delivered to the host, forwarded;
// per egress port frames sent, queue drops and the queue's high-water mark; and the pipeline's own
// counters, read through the CSR socket, against which the board's counts are checked.
//
// Frame size: S bytes on the wire with the FCS, as Ethernet counts frame sizes (64 is the
// minimum frame, 1518 the largest untagged one); the pipeline sees S - 4 bytes; each frame takes
// S + 20 bytes of wire time (preamble, SFD, inter-frame gap).
// Frames: a template per port (its first bytes; the default is defaultTemplate()), then zeros;
// an IPv4 header in it (EtherType 0x0800 at byte 12, version 4) gets its total length and header
// checksum, a UDP header its length (checksum 0); the last kTagBytes carry the ingress port and
// a sequence number (board.hpp), so frames are told apart after the pipeline.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "sim/board/board_engine.hpp"

namespace hop::board {

struct LineRateOptions {
    std::vector<uint32_t> offerPorts;
    uint64_t frameSize = 64;  // on the wire, FCS included
    uint64_t frames = 1000;   // per offering port
    std::map<uint32_t, std::vector<uint8_t>> templates;
    bool progress = false;  // show progress on stderr
};

// Ethernet to 02:00:00:00:00:<port> from 0a:00:00:00:00:01, IPv4 (TTL 64, UDP) from
// 192.0.2.1 to 198.51.100.<port>, UDP 1024 -> 9 (discard).
std::vector<uint8_t> defaultTemplate(uint32_t port);

// A frame of `bytes` bytes (no FCS) from a template, lengths and checksum fixed as above (no tag).
std::vector<uint8_t> frameFromTemplate(const std::vector<uint8_t>& tmpl, size_t bytes);

// Runs the traffic on `engine` (tables already loaded) and prints the report to `out`; `json`,
// when given, receives the same numbers. Returns 0, 1 when the board's counts do not add up
// (conservation fails) and 3 when the board itself failed (after printing the error to `err`).
int runLineRate(BoardEngine& engine, const LineRateOptions& options, std::ostream& out,
                std::ostream& err, nlohmann::json* json);

// Command-line values: port lists (`1,2`, `0-3`, `1-2,5`), line rates (`100G`, `25g`, `10`,
// `400M`: Gb/s unless M), and hex bytes (spaces, `:` and `_` allowed between digits).
bool parsePortList(const std::string& text, std::vector<uint32_t>& ports, std::string& error);
bool parseRate(const std::string& text, double& gbps, std::string& error);
bool parseHexBytes(const std::string& text, std::vector<uint8_t>& bytes, std::string& error);

}  // namespace hop::board
