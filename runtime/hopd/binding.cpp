// SPDX-License-Identifier: Apache-2.0
#include "runtime/hopd/binding.hpp"

#include <fmt/format.h>

#include <iostream>
#include <sstream>

#include "program/compiled.hpp"
#include "runtime/device/identity.hpp"
#include "runtime/hopd/failure.hpp"

namespace hop::hopd {

// The program as loaded, and at the board's DATA_W once the board is open (the same program,
// compiled again from its preprocessed source when its directory holds another width).
struct Binding::Loaded {
    std::optional<program::Compiled> compiled;
    std::optional<program::Compiled> atBoard;
    const program::Compiled& current() const { return atBoard ? *atBoard : *compiled; }
};

Binding::Binding(const Options& options) : options_(options), loaded_(std::make_unique<Loaded>()) {
    std::ostringstream err;
    program::Options load;
    load.preprocess.includeDirs = options.includeDirs;
    load.preprocess.defines = options.defines;
    // A switch board's program may need the switch top (multicast): compiled for it from the
    // start (its CPU port is the board's, taken at openBoard()).
    load.switchPorts = options.switchPorts;
    loaded_->compiled = program::load(options.program, load, err);
    if (!loaded_->compiled) throw Failure(1, err.str());
    const program::Compiled& compiled = *loaded_->compiled;
    if (!compiled.hasRtl()) {
        throw Failure(1, fmt::format("hopd: error: {} has no register map (the Verilog backend "
                                     "cannot build {}): there is no board to run it on",
                                     compiled.origin(), compiled.name()));
    }
    // The packet_in / packet_out layouts and the table names come from the program's P4Info.
    std::string error;
    auto info =
        parseP4Info(compiled.p4info(), compiled.p4infoOrigin(), error, options.controllerHeaders);
    if (!info) throw Failure(1, error);
    info_ = std::move(*info);
    if (info_.packetIn.bytes == 0)
        std::cerr << fmt::format("hopd: {}: no controller headers\n", info_.file);
    else
        std::cerr << fmt::format("hopd: {}: {}, {}\n", info_.file, info_.packetIn.str(),
                                 info_.packetOut.str());
}

Binding::~Binding() = default;

const std::string& Binding::name() const { return loaded_->compiled->name(); }

const ir::Program& Binding::tables() const { return loaded_->current().tables(); }

const std::optional<regmap::DigestBlock>& Binding::digests() const {
    return loaded_->current().regmap().digest;
}

void Binding::openBoard(const std::string& spec) {
    if (!spec.starts_with("sim:") && !spec.starts_with("pcie:")) {
        throw Failure(1, fmt::format("hopd: error: --device {}: expected sim:PATH (a hopsim serve "
                                     "socket) or pcie:BDF,netdev=IFNAME (a board on PCIe)",
                                     spec));
    }
    std::string error;
    std::unique_ptr<device::Device> board = device::openDevice(spec, error);
    if (!board) throw Failure(3, "hopd: error: " + error);
    const auto& info = board->info();
    if (info.program.empty()) {
        // A PCIe board's BAR identifies the pipeline (ID, DATA_W, hash) but cannot name it.
        std::cerr << fmt::format("hopd: {} does not name its program: trusting --program ({})\n",
                                 board->name(), name());
    } else if (info.program != name()) {
        throw Failure(
            1, fmt::format("hopd: error: {} runs {}, not {}", board->name(), info.program, name()));
    }
    if (loaded_->compiled->dataWidth() != info.dataWidth || options_.switchPorts > 0) {
        // The switch top's parameters come with the RTL built for it (the pipeline's register
        // map is the same); its CPU port is the board's.
        std::ostringstream err;
        loaded_->atBoard = program::atDataWidth(
            *loaded_->compiled, info.dataWidth, err, false, options_.switchPorts,
            static_cast<int>(info.cpuPort != 0 ? info.cpuPort : 510));
        if (!loaded_->atBoard) throw Failure(1, err.str());
    }
    const program::Compiled& compiled = loaded_->current();
    map_ = compiled.regmap();
    const auto check =
        device::checkIdentity(*board, map_, compiled.hash(), compiled.origin(), error);
    if (check != device::IdentityCheck::Same) {
        throw Failure(device::exitCode(check), "hopd: error: " + error);
    }
    device_ = std::move(board);
}

std::optional<program::SwitchInfo> Binding::switchInfo() const {
    if (options_.switchPorts == 0) return std::nullopt;
    return loaded_->current().switchInfo();
}

}  // namespace hop::hopd
