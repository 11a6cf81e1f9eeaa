// SPDX-License-Identifier: Apache-2.0
#include "sim/hopsim/pcap_io.hpp"

#include <pcap/pcap.h>

#include <utility>

namespace hop::hopsim {

namespace {
// Large enough for any jumbo frame a port may carry.
constexpr int kSnapLength = 262144;
}  // namespace

bool readPcap(const std::string& path, std::vector<PcapPacket>& packets, std::string& error) {
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    pcap_t* handle = pcap_open_offline(path.c_str(), errbuf);
    if (!handle) {
        error = path + ": error: cannot read the pcap file: " + errbuf;
        return false;
    }
    if (pcap_datalink(handle) != DLT_EN10MB) {
        error = path + ": error: link type " + std::to_string(pcap_datalink(handle)) +
                " is not Ethernet (DLT_EN10MB)";
        pcap_close(handle);
        return false;
    }
    pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    int rc;
    while ((rc = pcap_next_ex(handle, &header, &data)) == 1) {
        PcapPacket packet;
        packet.seconds = header->ts.tv_sec;
        packet.micros = header->ts.tv_usec;
        packet.bytes.assign(data, data + header->caplen);
        packet.wireLength = header->len;
        packets.push_back(std::move(packet));
    }
    if (rc == PCAP_ERROR) {
        error = path + ": error: packet " + std::to_string(packets.size() + 1) +
                " is truncated or corrupt: " + pcap_geterr(handle);
        pcap_close(handle);
        return false;
    }
    pcap_close(handle);
    return true;
}

PcapWriter::~PcapWriter() {
    std::string ignored;
    close(ignored);
}

PcapWriter::PcapWriter(PcapWriter&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)),
      dumper_(std::exchange(other.dumper_, nullptr)),
      path_(std::move(other.path_)),
      count_(other.count_) {}

PcapWriter& PcapWriter::operator=(PcapWriter&& other) noexcept {
    if (this != &other) {
        std::string ignored;
        close(ignored);
        handle_ = std::exchange(other.handle_, nullptr);
        dumper_ = std::exchange(other.dumper_, nullptr);
        path_ = std::move(other.path_);
        count_ = other.count_;
    }
    return *this;
}

bool PcapWriter::open(const std::string& path, std::string& error) {
    handle_ = pcap_open_dead(DLT_EN10MB, kSnapLength);
    if (!handle_) {
        error = path + ": error: libpcap cannot create a handle";
        return false;
    }
    dumper_ = pcap_dump_open(handle_, path.c_str());
    if (!dumper_) {
        error = path + ": error: cannot write the pcap file: " + pcap_geterr(handle_);
        pcap_close(handle_);
        handle_ = nullptr;
        return false;
    }
    path_ = path;
    return true;
}

void PcapWriter::write(const PcapPacket& packet) {
    pcap_pkthdr header{};
    header.ts.tv_sec = static_cast<time_t>(packet.seconds);
    header.ts.tv_usec = static_cast<suseconds_t>(packet.micros);
    header.caplen = static_cast<bpf_u_int32>(packet.bytes.size());
    header.len = static_cast<bpf_u_int32>(packet.bytes.size());
    pcap_dump(reinterpret_cast<u_char*>(dumper_), &header, packet.bytes.data());
    ++count_;
}

bool PcapWriter::close(std::string& error) {
    bool ok = true;
    if (dumper_) {
        if (pcap_dump_flush(dumper_) != 0) {
            error = path_ + ": error: cannot write the pcap file";
            ok = false;
        }
        pcap_dump_close(dumper_);
        dumper_ = nullptr;
    }
    if (handle_) {
        pcap_close(handle_);
        handle_ = nullptr;
    }
    return ok;
}

}  // namespace hop::hopsim
