// SPDX-License-Identifier: Apache-2.0
// The device interface hopd (and `hopsim load`) drives a board through: 32-bit CSR reads and
// writes at the absolute addresses of the program's register map, bursts of writes to
// consecutive addresses, lists of writes to any addresses (what loads a table image), and
// frames to and from the pipeline's CPU port. Implementations:
//   sim:PATH   SimDevice, the unix socket a `hopsim serve` board listens on
//              (runtime/device/protocol.hpp describes the protocol).
//   pcie:BDF   PcieDevice, the board's BAR mapped from sysfs and AF_PACKET on the shell's host
//              interface (runtime/device/pcie_device.hpp).
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

// One CSR write of a list.
struct CsrWord {
    uint32_t addr = 0;
    uint32_t value = 0;
};

// What the board says about itself when a client connects.
struct DeviceInfo {
    uint32_t protocolVersion = 0;
    std::string program;          // the P4 program's name (`basic`)
    int dataWidth = 0;            // DATA_W of the pipeline
    uint32_t cpuPort = 0;         // 0: the board has no CPU port
    std::vector<uint32_t> ports;  // ports attached to something (TAPs), without the CPU port
    uint64_t csrWrites = 0;       // CSR words clients had written before this one connected
    uint32_t maxListPairs = 0;    // pairs in one WRITE_LIST; 0: the board has no WRITE_LIST
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
    // The default writes one word at a time; a transport with bursts overrides it.
    virtual bool writeBurst(uint32_t addr, std::span<const uint32_t> values, std::string& error) {
        for (size_t i = 0; i < values.size(); ++i) {
            if (!write(addr + 4 * static_cast<uint32_t>(i), values[i], error)) return false;
        }
        return true;
    }
    // Every (addr, value) in order, as fast as the transport allows (SimDevice: WRITE_LIST
    // messages of up to proto::kMaxListPairs pairs, several in flight, one reply each). Stops at
    // the first error; writes before it are done. The default writes one word at a time.
    virtual bool writeList(std::span<const CsrWord> writes, std::string& error) {
        for (const CsrWord& w : writes) {
            if (!write(w.addr, w.value, error)) return false;
        }
        return true;
    }

    // A frame into the pipeline with ingress port = the CPU port (1 to 16384 bytes).
    virtual bool sendPacket(std::span<const uint8_t> frame, std::string& error) = 0;
    // The next frame the pipeline sent to the CPU port, waiting at most `timeout` (0: only what
    // has arrived). nullopt with an EMPTY `error` when none came in time.
    virtual std::optional<std::vector<uint8_t>> receivePacket(std::chrono::milliseconds timeout,
                                                              std::string& error) = 0;

    // The board's statistics: readable text, or a JSON document.
    virtual std::optional<std::string> stats(proto::StatsFormat format, std::string& error) = 0;

    // For a caller's poll(): a descriptor that becomes readable when a CPU-port frame may have
    // arrived (-1: none, poll with receivePacket's timeout), frames already taken off it and
    // held in the process (receivePacket returns them without waiting), and frames lost before
    // the caller could take them.
    virtual int fd() const { return -1; }
    virtual size_t queuedPackets() const { return 0; }
    virtual uint64_t droppedPackets() const { return 0; }
};

// Opens a device by its name: `sim:PATH` (a unix socket served by `hopsim serve`). nullopt with
// `error` when the name is not understood or the board cannot be reached.
std::unique_ptr<Device> openDevice(const std::string& spec, std::string& error);

}  // namespace hop::device
