// SPDX-License-Identifier: Apache-2.0
#include "runtime/hopd/binding.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <sstream>

#include "p4info/p4info.hpp"
#include "runtime/hopd/board_identity.hpp"
#include "runtime/hopd/failure.hpp"
#include "sim/hopsim/program.hpp"
#include "verilog/backend.hpp"

namespace hop::hopd {

struct Binding::Loaded {
    std::unique_ptr<hopsim::LoadedProgram> program;
};

Binding::Binding(const Options& options) : options_(options), loaded_(std::make_unique<Loaded>()) {
    std::ostringstream err;
    auto& program = loaded_->program;
    program = hopsim::loadProgram(options.program, {options.includeDirs, options.defines}, err);
    if (!program) throw Failure(1, err.str());
    const ir::Program& ir = program->ir();
    // The packet_in / packet_out layouts and the table names come from the program's P4Info:
    // a hopc output directory's <prog>.p4info.json, or for a .p4 the P4Info hopc would write,
    // generated in process from the same IR.
    std::string error, generatedError;
    const auto generated = parseP4Info(
        p4info::p4infoJson(ir),
        fmt::format("{} (P4Info generated in process)", program->sourcePath()), generatedError);
    if (std::filesystem::is_directory(options.program)) {
        auto file = findP4InfoFile(options.program, program->sourcePath(), error);
        std::optional<ProgramInfo> read;
        if (!file || !(read = readP4InfoFile(*file, error))) throw Failure(1, error);
        info_ = *read;
        // The directory's source is compiled again: it must still be the program of the P4Info.
        if (!generated || !(generated->packetIn == info_.packetIn) ||
            !(generated->packetOut == info_.packetOut) || generated->tables != info_.tables) {
            throw Failure(1, fmt::format("{}: error: does not describe {} as it compiles now "
                                         "({}; compile the program again with hopc)",
                                         *file, program->sourcePath(),
                                         generated ? generated->packetIn.str() + ", " +
                                                         generated->packetOut.str()
                                                   : generatedError));
        }
    } else if (generated) {
        info_ = *generated;
    } else {
        throw Failure(1, generatedError);
    }
    std::cerr << fmt::format("hopd: {}: {}, {}\n", info_.file, info_.packetIn.str(),
                             info_.packetOut.str());
}

Binding::~Binding() = default;

const std::string& Binding::name() const { return loaded_->program->ir().name; }

const ir::Program& Binding::tables() const { return loaded_->program->ir(); }

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
    Diagnostics diags(loaded_->program->source());
    auto gen = verilog::generate(tables(), {.dataWidth = info.dataWidth}, diags);
    if (!gen) {
        std::ostringstream text;
        diags.print(text);
        throw Failure(1, text.str());
    }
    map_ = gen->regmap;
    if (auto wrong =
            checkBoardIdentity(*board, map_, regmap::contentHash(map_), name(), options_.program)) {
        throw Failure(wrong->exitCode, "hopd: error: " + wrong->message);
    }
    device_ = std::move(board);
}

}  // namespace hop::hopd
