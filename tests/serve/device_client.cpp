// SPDX-License-Identifier: Apache-2.0
// A small client of runtime/device for the serve tests' scripts:
//   hop_device_client SPEC info              the board's HELLO
//   hop_device_client SPEC stats [json]      its statistics
//   hop_device_client SPEC read ADDR         one CSR word
//   hop_device_client SPEC read-loop ADDR S  CSR reads for S seconds (prints "connected" first,
//                                            then the number of reads at the end)
// SPEC is a device name (`sim:PATH`). Exit 0, or 1 with the error on stderr.
#include <fmt/format.h>

#include <chrono>
#include <iostream>
#include <string>

#include "runtime/device/device.hpp"

int main(int argc, char** argv) {
    if (argc < 3) {
        std::cerr << "usage: hop_device_client SPEC info|stats [json]|read ADDR|read-loop ADDR S\n";
        return 2;
    }
    const std::string command = argv[2];
    std::string error;
    auto device = hop::device::openDevice(argv[1], error);
    if (!device) {
        std::cerr << "hop_device_client: " << error << "\n";
        return 1;
    }
    if (command == "info") {
        const auto& info = device->info();
        std::cout << fmt::format("program {} DATA_W {} cpu_port {} csr_writes {}\n", info.program,
                                 info.dataWidth, info.cpuPort, info.csrWrites);
        return 0;
    }
    if (command == "stats") {
        const bool json = argc > 3 && std::string(argv[3]) == "json";
        auto text = device->stats(
            json ? hop::device::proto::StatsFormat::Json : hop::device::proto::StatsFormat::Text,
            error);
        if (!text) {
            std::cerr << "hop_device_client: " << error << "\n";
            return 1;
        }
        std::cout << *text << "\n";
        return 0;
    }
    if ((command == "read" && argc == 4) || (command == "read-loop" && argc == 5)) {
        const uint32_t addr = static_cast<uint32_t>(std::stoul(argv[3], nullptr, 0));
        if (command == "read") {
            auto v = device->read(addr, error);
            if (!v) {
                std::cerr << "hop_device_client: " << error << "\n";
                return 1;
            }
            std::cout << fmt::format("0x{:08x}\n", *v);
            return 0;
        }
        const auto end =
            std::chrono::steady_clock::now() + std::chrono::seconds(std::stoi(argv[4]));
        std::cout << "connected" << std::endl;
        uint64_t reads = 0;
        while (std::chrono::steady_clock::now() < end) {
            if (!device->read(addr, error)) {
                std::cerr << "hop_device_client: " << error << "\n";
                return 1;
            }
            ++reads;
        }
        std::cout << reads << " reads\n";
        return 0;
    }
    std::cerr << "hop_device_client: unknown command '" << command << "'\n";
    return 2;
}
