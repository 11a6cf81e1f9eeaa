// SPDX-License-Identifier: Apache-2.0
// The driver of a switch top's traffic manager (rtl/hop_traffic_manager.sv) through its CSR
// window: every traffic-manager command (tables::TmCommand, BMv2's mc_*, mirroring_*,
// set_queue_* and hopline's port_pause / port_resume) on a tables::TrafficManager and on the
// hardware, all or nothing. The replication engine through ReplicatorCsr; the queues' limits
// (hop_queue_set's LIMIT per queue) for set_queue_depth; the PAUSE word for port_pause.
// hopsim's RTL engine and `hopsim load` share it.
//
// Ports are v1model's: a front-panel port 0 .. ports-1, or the CPU port; the traffic manager
// numbers the CPU port `ports` (after the front-panel ports), which tmPort() maps.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "program/compiled.hpp"
#include "runtime/tables/replicator_csr.hpp"

namespace hop::tables {

struct SwitchTmGeometry {
    uint32_t base = 0;          // the traffic manager's CSR window (regmap/tm_words.hpp)
    uint32_t ports = 8;         // front-panel ports
    uint32_t cpuPort = 0;       // the CPU port's number
    uint32_t prios = 8;         // queues per port
    uint32_t queueDepth = 256;  // copies a queue can hold (QDEPTH)
    uint32_t groups = 16, nodes = 16;
    // The replication engine's geometry (its window, ports + the CPU port).
    ReplicatorGeometry replicator() const;
    // The traffic manager's number of `port` (-1: not a port of the switch).
    int tmPort(uint32_t port) const;
};

// A switch top's geometry from its parameters (hopc's switch.json): the traffic manager at the
// switch's base, PORTS + 1 ports with the CPU port last.
SwitchTmGeometry switchTmGeometry(const program::SwitchInfo& sw);

class SwitchTmCsr {
  public:
    SwitchTmCsr(SwitchTmGeometry geometry, CsrPort port);

    // Runs `command` on `tm` and on the hardware: false with `error` (one line) and nothing
    // changed when it does not fit (a port the switch lacks, a depth past QDEPTH, a rate: the
    // queues have no rate limiter) or the hardware refuses it. `out` gets what BMv2's CLI prints.
    bool run(TrafficManager& tm, const TmCommand& command, std::vector<std::string>& out,
             std::string& error);
    // Reads the blocks' INFO words: false with `error` when they are not `geometry`'s.
    bool checkInfo(std::string& error) const;
    // A queue's word (regmap::kQueueWordLimit, Depth or Drops) of (tm port, priority).
    std::optional<uint32_t> readQueue(uint32_t tmPort, uint32_t priority, uint32_t word,
                                      std::string& error) const;
    // The address of hop_queue_set's `word`.
    uint32_t queueWord(uint32_t word) const;
    // The PAUSE word for `tm`'s paused ports (bit: the tm port).
    uint32_t pauseMask(const TrafficManager& tm) const;
    const SwitchTmGeometry& geometry() const { return geo_; }
    ReplicatorCsr& replicator() { return replicator_; }

  private:
    bool portOf(const char* verb, uint32_t port, uint32_t& tmPort, std::string& error) const;
    // INDEX: the queue (tm port, priority) the next LIMIT / DEPTH / DROPS access names.
    bool selectQueue(uint32_t tmPort, uint32_t priority, std::string& error) const;

    SwitchTmGeometry geo_;
    CsrPort port_;
    ReplicatorCsr replicator_;
};

}  // namespace hop::tables
