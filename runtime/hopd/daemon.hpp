// SPDX-License-Identifier: Apache-2.0
// hopd: owns one device running examples/router.p4 (or a program with the same tables and
// controller headers), programs its tables from hopd's configuration, handles every frame the
// pipeline punts through runtime/router's SlowPath, and serves hopctl on a control socket.
//
// Tables hopd owns (router.p4's names, found by their P4Info aliases):
//   port_mac   PORT -> set_port_mac(MAC)                  one per interface port
//   local_addr ADDRESS -> local_hit                       one per interface address
//   egress_mtu PORT -> set_mtu(MTU)                       one per interface port
//   ipv4_lpm   PREFIX -> set_nexthop(ID)                  connected subnets and `dev` routes: the
//              port's link id (never in `nexthop`, so the pipeline punts NO_NEXTHOP and the
//              slow path resolves the host); `via` routes: the gateway's id; resolved on-link
//              hosts: a /32 to the host's own id
//   nexthop    ID -> set_nexthop_l2(DMAC, SMAC, PORT)     written when ARP resolves a gateway or
//              an on-link host, removed when the neighbour is gone
//
// State file (--state): every table command hopd sent, as BMv2 CLI lines, written before the
// CSR writes go out, plus `@` lines for hopd's own bookkeeping (next-hop ids, routes added at
// run time). On start against a board that clients have written already (HELLO csr_writes >
// 0), hopd replays the file into its table drivers WITHOUT writing, re-sends the writes of the
// last command (which may have been cut short), reads back from the hardware every memory word
// the last 64 commands committed and compares, then writes only the differences between what
// the board holds and what the configuration asks for. A fresh board (csr_writes = 0) starts a
// new state file.
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
};

// Runs hopd until SIGINT/SIGTERM. 0 clean stop, 1 bad configuration, 3 device failure.
int run(const Options& options);

}  // namespace hop::hopd
