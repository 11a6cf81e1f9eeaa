// SPDX-License-Identifier: Apache-2.0
// pcap files in and out, through libpcap: Ethernet (DLT_EN10MB) only, as the pipeline's ports
// carry Ethernet frames.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

struct pcap;
struct pcap_dumper;

namespace hop::hopsim {

struct PcapPacket {
    int64_t seconds = 0;
    int64_t micros = 0;
    std::vector<uint8_t> bytes;
    uint32_t wireLength = 0;  // original length; larger than bytes.size() when truncated
};

// Reads every packet of `path`. False with `error` (`path: error: ...`) when the file cannot
// be opened, is not a pcap file, or is not Ethernet.
bool readPcap(const std::string& path, std::vector<PcapPacket>& packets, std::string& error);

class PcapWriter {
  public:
    PcapWriter() = default;
    ~PcapWriter();
    PcapWriter(const PcapWriter&) = delete;
    PcapWriter& operator=(const PcapWriter&) = delete;
    PcapWriter(PcapWriter&& other) noexcept;
    PcapWriter& operator=(PcapWriter&& other) noexcept;

    bool open(const std::string& path, std::string& error);
    void write(const PcapPacket& packet);
    // Flushes and closes; false when the data could not be written.
    bool close(std::string& error);
    int count() const { return count_; }

  private:
    pcap* handle_ = nullptr;
    pcap_dumper* dumper_ = nullptr;
    std::string path_;
    int count_ = 0;
};

}  // namespace hop::hopsim
