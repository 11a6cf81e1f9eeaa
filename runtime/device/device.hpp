// SPDX-License-Identifier: Apache-2.0
// The device interface hopd (and `hopsim load`) drives a board through: 32-bit CSR reads and
// writes at the absolute addresses of the program's register map, bursts of writes to
// consecutive addresses, and frames to and from the pipeline's CPU port. Implementations:
//   sim:PATH   SimDevice, the unix socket a `hopsim serve` board listens on
//              (runtime/device/protocol.hpp describes the protocol).
//
// Errors are messages: every call returns nullopt / false and sets `error`; nothing throws
// (except std::bad_alloc). A Device is not thread-safe: use it from one thread, or lock around
// it.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "runtime/device/protocol.hpp"

namespace hop::device {

// What the board says about itself when a client connects.
struct DeviceInfo {
    uint32_t protocolVersion = 0;
    std::string program;          // the P4 program's name (`basic`)
    int dataWidth = 0;            // DATA_W of the pipeline
    uint32_t cpuPort = 0;         // 0: the board has no CPU port
    std::vector<uint32_t> ports;  // ports attached to something (TAPs), without the CPU port
    uint64_t csrWrites = 0;       // CSR words clients had written before this one connected
};

class Device {
  public:
    virtual ~Device() = default;

    // "sim:/run/hop.sock"
    virtual std::string name() const = 0;
    virtual const DeviceInfo& info() const = 0;

    virtual std::optional<uint32_t> read(uint32_t addr, std::string& error) = 0;
    virtual bool write(uint32_t addr, uint32_t value, std::string& error) = 0;
    // values[i] to addr + 4 * i, in order. Any length: split into bursts the transport carries.
    virtual bool writeBurst(uint32_t addr, std::span<const uint32_t> values,
                            std::string& error) = 0;

    // A frame into the pipeline with ingress port = the CPU port (1 to 16384 bytes).
    virtual bool sendPacket(std::span<const uint8_t> frame, std::string& error) = 0;
    // The next frame the pipeline sent to the CPU port, waiting at most `timeout` (0: only what
    // has arrived). nullopt with an EMPTY `error` when none came in time.
    virtual std::optional<std::vector<uint8_t>> receivePacket(std::chrono::milliseconds timeout,
                                                              std::string& error) = 0;

    // The board's statistics: readable text, or a JSON document.
    virtual std::optional<std::string> stats(proto::StatsFormat format, std::string& error) = 0;
};

// Opens a device by its name: `sim:PATH` (a unix socket served by `hopsim serve`). nullopt with
// `error` when the name is not understood or the board cannot be reached.
std::unique_ptr<Device> openDevice(const std::string& spec, std::string& error);

}  // namespace hop::device
