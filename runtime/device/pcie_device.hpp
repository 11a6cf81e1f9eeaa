// SPDX-License-Identifier: Apache-2.0
// PcieDevice: the Device of a real board on PCIe.
//
//   pcie:BDF[,netdev=IFNAME][,resource=N][,base=OFFSET][,sysfs=DIR]
//           [,program=NAME][,cpu_port=N][,csr_writes=N]
//
// CSRs: the board's memory BAR `resourceN` (default 0) under
// <sysfs>/bus/pci/devices/<BDF>/ is mapped (MAP_SHARED) and every CSR access is one 32-bit
// volatile load or store, little-endian, at BAR offset `base` + the register map's address
// (base defaults to 0: the shell decodes the pipeline's AXI4-Lite slave from the start of the
// BAR). The sysfs root is `sysfs=DIR`, else $HOP_SYSFS_ROOT, else /sys; tests point it at a
// directory whose resource0 is a regular file (a file-backed BAR).
//
// CPU-port frames: an AF_PACKET socket on the shell's host network interface `netdev`. A frame
// on that interface is, byte for byte, the frame on the pipeline's CPU port, exactly what the
// sim device carries: what the pipeline emits to the CPU port (the packet_in header first) is
// received as one frame, and sendPacket's bytes (the packet_out header first) go out as one
// frame that enters the pipeline with ingress port = the CPU port. No encapsulation: the shell
// maps its host interface onto the CPU port's stream. The socket sees every frame arriving on
// the interface (promiscuous, so a NIC's MAC filter does not drop frames whose first bytes are a
// packet_in header rather than a MAC address) and none the host sends there itself; VLAN tags
// the kernel lifts off are put back. Without `netdev` the device has CSRs only.
//
// The BAR says the pipeline's identity (ID word = regmap::kPipelineId) and DATA_W; it cannot
// say the program's name, the CPU port's number or whether tables were written before: those
// come from the options (program, cpu_port, csr_writes; default: unnamed, 0, 0 = a fresh board
// as after configuration or reset).
#pragma once

#include "runtime/device/device.hpp"

namespace hop::device {

class PcieDevice : public Device {
  public:
    struct Config {
        std::string bdf;        // normalised: dddd:bb:dd.f, lower case
        std::string netdev;     // empty: no CPU-port frames
        int resource = 0;       // BAR number, resourceN
        uint64_t base = 0;      // BAR offset of CSR address 0 (a multiple of 4)
        std::string sysfsRoot;  // empty: $HOP_SYSFS_ROOT, else /sys
        std::string program;    // empty: the BAR cannot tell, callers trust their own
        uint32_t cpuPort = 0;
        uint64_t csrWrites = 0;
    };

    // "pcie:0000:01:00.0,netdev=eth5" (the "pcie:" prefix is optional) -> Config, or nullopt
    // and a one-line `error`.
    static std::optional<Config> parse(const std::string& spec, std::string& error);
    // DDDD:BB:DD.F (4 to 8 domain digits) or BB:DD.F, hex digits in either case; device at most
    // 0x1f, function at most 7. The normalised form, or nullopt.
    static std::optional<std::string> normaliseBdf(const std::string& text);

    // Maps the BAR, checks that it identifies as a hopline pipeline, opens the interface; null
    // with a one-line `error` otherwise (no such device, BAR missing, not mappable, too small,
    // not a hopline pipeline, no such interface, interface down, not permitted).
    static std::unique_ptr<PcieDevice> open(const std::string& spec, std::string& error);
    static std::unique_ptr<PcieDevice> open(const Config& config, std::string& error);
    ~PcieDevice() override;
    PcieDevice(const PcieDevice&) = delete;
    PcieDevice& operator=(const PcieDevice&) = delete;

    // Canonical: pcie:BDF plus the options that select the BAR and the interface.
    std::string name() const override { return name_; }
    const DeviceInfo& info() const override { return info_; }
    std::optional<uint32_t> read(uint32_t addr, std::string& error) override;
    bool write(uint32_t addr, uint32_t value, std::string& error) override;
    bool writeBurst(uint32_t addr, std::span<const uint32_t> values, std::string& error) override;
    // One store per pair, in order; stops at the first address outside the BAR.
    bool writeList(std::span<const CsrWord> writes, std::string& error) override;
    bool sendPacket(std::span<const uint8_t> frame, std::string& error) override;
    std::optional<std::vector<uint8_t>> receivePacket(std::chrono::milliseconds timeout,
                                                      std::string& error) override;
    std::optional<std::string> stats(proto::StatsFormat format, std::string& error) override;

    const Config& config() const { return config_; }
    // The mapped resource file and the bytes of CSR space it holds from `base`.
    const std::string& resourcePath() const { return resourcePath_; }
    uint64_t csrBytes() const { return csrBytes_; }
    // The packet socket, for a caller's poll() (-1 without netdev). Frames are never held in
    // the process: queuedPackets() is always 0.
    int fd() const override { return fd_; }
    size_t queuedPackets() const override { return 0; }
    // Frames the kernel dropped because the socket's buffer was full, and received frames too
    // long for the receive buffer.
    uint64_t droppedPackets() const override;

  private:
    explicit PcieDevice(Config config) : config_(std::move(config)) {}
    bool mapBar(std::string& error);
    bool openInterface(std::string& error);
    bool checkAddr(uint32_t addr, std::string& error) const;
    volatile uint32_t* word(uint32_t addr) const;

    Config config_;
    std::string name_;
    DeviceInfo info_;
    std::string resourcePath_;
    void* map_ = nullptr;
    size_t mapBytes_ = 0;
    uint64_t csrBytes_ = 0;
    int fd_ = -1;
    int ifindex_ = 0;
    int mtu_ = 0;
    bool filterOutgoing_ = true;  // PACKET_IGNORE_OUTGOING unavailable: skip them here
    std::vector<uint8_t> rxBuffer_;

    uint64_t csrReads_ = 0, csrWritten_ = 0;
    uint64_t framesSent_ = 0, bytesSent_ = 0, framesReceived_ = 0, bytesReceived_ = 0;
    uint64_t sendErrors_ = 0, truncated_ = 0;
    mutable uint64_t kernelDrops_ = 0;  // PACKET_STATISTICS counts since it was last asked
};

}  // namespace hop::device
