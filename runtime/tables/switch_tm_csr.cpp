// SPDX-License-Identifier: Apache-2.0
#include "runtime/tables/switch_tm_csr.hpp"

#include <fmt/format.h>

#include "regmap/queue_words.hpp"
#include "regmap/tm_words.hpp"

namespace hop::tables {

ReplicatorGeometry SwitchTmGeometry::replicator() const {
    return {.base = base + regmap::kTmReplicatorOffset,
            .ports = ports + 1,
            .groups = groups,
            .nodes = nodes,
            .cpuPort = cpuPort};
}

SwitchTmGeometry switchTmGeometry(const program::SwitchInfo& sw) {
    return {.base = sw.base,
            .ports = static_cast<uint32_t>(sw.ports),
            .cpuPort = static_cast<uint32_t>(sw.cpuPort),
            .prios = static_cast<uint32_t>(sw.prios),
            .queueDepth = static_cast<uint32_t>(sw.queueDepth),
            .groups = static_cast<uint32_t>(sw.groups),
            .nodes = static_cast<uint32_t>(sw.nodes)};
}

int SwitchTmGeometry::tmPort(uint32_t port) const {
    if (port < ports) return static_cast<int>(port);
    if (port == cpuPort) return static_cast<int>(ports);
    return -1;
}

SwitchTmCsr::SwitchTmCsr(SwitchTmGeometry geometry, CsrPort port)
    : geo_(geometry), port_(port), replicator_(geometry.replicator(), port) {}

bool SwitchTmCsr::checkInfo(std::string& error) const {
    auto info = port_.read(geo_.base + regmap::kTmOwnOffset + 4 * regmap::kTmWordInfo, error);
    if (!info) return false;
    const uint32_t ports = *info & 0xff, prios = *info >> 8 & 0xff;
    if (ports != geo_.ports + 1 || prios != geo_.prios) {
        error = fmt::format(
            "the traffic manager at 0x{:x} has {} ports and {} priorities; the driver was given "
            "{} (and the CPU port) and {}",
            geo_.base, ports, prios, geo_.ports, geo_.prios);
        return false;
    }
    return replicator_.checkInfo(error);
}

uint32_t SwitchTmCsr::queueWord(uint32_t word) const {
    return geo_.base + regmap::kTmQueuesOffset + 4 * word;
}

bool SwitchTmCsr::selectQueue(uint32_t tmPort, uint32_t priority, std::string& error) const {
    return port_.write(queueWord(regmap::kQueueWordIndex),
                       regmap::tmQueue(tmPort, priority, geo_.prios), error);
}

std::optional<uint32_t> SwitchTmCsr::readQueue(uint32_t tmPort, uint32_t priority, uint32_t word,
                                               std::string& error) const {
    if (!selectQueue(tmPort, priority, error)) return std::nullopt;
    return port_.read(queueWord(word), error);
}

uint32_t SwitchTmCsr::pauseMask(const TrafficManager& tm) const {
    uint32_t mask = 0;
    for (uint32_t port : tm.pausedPorts())
        if (const int p = geo_.tmPort(port); p >= 0) mask |= 1u << p;
    return mask;
}

bool SwitchTmCsr::portOf(const char* verb, uint32_t port, uint32_t& tmPort,
                         std::string& error) const {
    const int p = geo_.tmPort(port);
    if (p < 0) {
        error =
            fmt::format("{}: port {} is not a port of the switch (0 to {}, and the CPU port {})",
                        verb, port, geo_.ports - 1, geo_.cpuPort);
        return false;
    }
    tmPort = static_cast<uint32_t>(p);
    return true;
}

bool SwitchTmCsr::run(TrafficManager& tm, const TmCommand& command, std::vector<std::string>& out,
                      std::string& error) {
    using Kind = TmCommand::Kind;
    switch (command.kind) {
        case Kind::QueueRate:
            error = "set_queue_rate: the switch top's queues have no rate limiter yet (issue 16)";
            return false;
        case Kind::QueueDepth: {
            // set_queue_depth DEPTH [PORT]: every priority queue of the port (of every port and
            // the CPU port without one) holds at most DEPTH copies, as simple_switch's egress
            // queues hold packets.
            std::vector<uint32_t> ports;
            if (command.port) {
                uint32_t p = 0;
                if (!portOf("set_queue_depth", *command.port, p, error)) return false;
                ports.push_back(p);
            } else {
                for (uint32_t p = 0; p <= geo_.ports; ++p) ports.push_back(p);
            }
            if (command.value > geo_.queueDepth) {
                error = fmt::format(
                    "set_queue_depth: the switch's queues hold at most {} packets (not {})",
                    geo_.queueDepth, command.value);
                return false;
            }
            for (uint32_t p : ports)
                for (uint32_t prio = 0; prio < geo_.prios; ++prio)
                    if (!selectQueue(p, prio, error) ||
                        !port_.write(queueWord(regmap::kQueueWordLimit),
                                     static_cast<uint32_t>(command.value), error))
                        return false;
            return runTmCommand(tm, command, out, error);
        }
        case Kind::PortPause:
        case Kind::PortResume: {
            uint32_t p = 0;
            if (!portOf(command.kind == Kind::PortPause ? "port_pause" : "port_resume",
                        command.port.value_or(0), p, error))
                return false;
            TrafficManager next = tm;
            if (!runTmCommand(next, command, out, error)) return false;
            if (!port_.write(geo_.base + regmap::kTmOwnOffset + 4 * regmap::kTmWordPause,
                             pauseMask(next), error))
                return false;
            tm = std::move(next);
            return true;
        }
        default:
            return replicator_.run(tm, command, out, error);
    }
}

}  // namespace hop::tables
