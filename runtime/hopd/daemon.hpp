// SPDX-License-Identifier: Apache-2.0
// hopd: owns one device running examples/router.p4 (or a program with the same tables and
// controller headers), programs its tables from hopd's configuration, handles every frame the
// pipeline punts through runtime/router's SlowPath, and serves hopctl on a control socket. With
// --no-router, any program: tables, externs and digests only.
// Its parts, one job each:
//   binding.hpp         the compiled program, its P4Info and register map, the board checked
//                       to run it
//   router_tables.hpp   the tables hopd owns and their entries, built as typed values
//   table_writer.hpp    table drivers, the state file written ahead of the device
//                       (state_file.hpp), the hardware shadow read back (hw_shadow.hpp)
//   routes.hpp          interfaces, routes, next hops and neighbours (full_table.cpp: --full-table)
//   command_table.hpp   the control requests by name; control_socket.hpp serves them
//   digests.hpp         the board's digests, kept for hopctl and turned into --on-digest lines
//   daemon.cpp          the parts put together, the restart from the state file, the punt loop
// runtime/common gives the socket listener, the event loop, progress and the command files.
#pragma once

#include <string>
#include <vector>

#include "runtime/router/slow_path.hpp"

namespace hop::hopd {

struct Options {
    std::string device;  // sim:PATH or pcie:BDF,netdev=IFNAME,... (device::openDevice)
    std::string program;
    std::vector<std::string> includeDirs, defines;
    std::string interfaces;
    std::vector<std::string> routes, commands, runtimeJson;
    std::string fullTable, fullTableVia;
    std::string control;         // control socket
    std::string state;           // state file; default: CONTROL.state
    bool exitAfterLoad = false;  // program the tables, then stop (for scripts and tests)
    // Mirror the main IPv4 routing table of hopd's network namespace (runtime/hopd/fib_sync.hpp).
    bool fibSync = false;
    std::vector<std::string> fibPorts;  // IFNAME=PORT: the board port of a Linux interface
    // The slow path's limits (runtime/router's defaults unless set): the ICMP error token
    // bucket, the reassembly timeout and memory cap, the ARP cache and resolver.
    router::IcmpConfig icmp;
    router::ReassemblyConfig reassembly;
    router::ArpConfig arp;
    // A program that is not a router (no router.p4 tables or controller headers, e.g.
    // examples/learning_switch.p4): tables, counters, registers and digests only; no
    // interfaces, routes or slow path, punted frames are counted and dropped.
    bool noRouter = false;
    // Digests: a command line from each template for each digest (runtime/hopd/digests.hpp).
    std::vector<std::string> onDigest;
    // --switch-ports N: the board is the switch top with N front-panel ports (hopc --ports N):
    // the traffic manager's lines (mc_*, mirroring_*, set_queue_*, port_pause / port_resume).
    int switchPorts = 0;
};

// Runs hopd until SIGINT/SIGTERM. 0 clean stop, 1 bad configuration, 3 device failure.
int run(const Options& options);

}  // namespace hop::hopd
