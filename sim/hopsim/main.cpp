// SPDX-License-Identifier: Apache-2.0
// hopsim: runs a compiled hopline program on packets. Subcommands:
//   stf PROGRAM FILE.stf          a p4c simple-test-framework test; exit 0 pass, 1 fail
//   run PROGRAM --in PORT=F.pcap  pcap files in, OUT_DIR/port<N>.pcap out, and a summary
// Exit codes: 0 success, 1 test failure or bad input file, 2 usage, 3 internal error.
#include <CLI/CLI.hpp>
#include <iostream>

#include "sim/hopsim/program.hpp"
#include "sim/hopsim/run.hpp"
#include "sim/hopsim/stf.hpp"
#include "sim/model/model.hpp"

namespace {

struct Common {
    std::string program;
    std::string engine = "model";
    bool tracePackets = false;
    std::vector<std::string> includeDirs;
    std::vector<std::string> defines;
    int cpuPort = -1;
};

void addCommon(CLI::App* app, Common& common) {
    app->add_option("program", common.program, "a P4_16 program (.p4) or a hopc output directory")
        ->required();
    // The RTL engine is the eventual default (DESIGN.md); until it exists the model is.
    app->add_option("--engine", common.engine, "engine: model (the reference interpreter) or rtl")
        ->check(CLI::IsMember({"model", "rtl"}))
        ->capture_default_str();
    app->add_flag("--trace-packets", common.tracePackets,
                  "print each packet's parser path, table lookups and decision");
    app->add_option("-I", common.includeDirs, "include directory for compiling a .p4")
        ->allow_extra_args(false);
    app->add_option("-D", common.defines, "preprocessor macro NAME[=VALUE] for compiling a .p4")
        ->allow_extra_args(false);
    app->add_option("--cpu-port", common.cpuPort, "the port punted packets leave on")
        ->check(CLI::Range(0, 510));
}

// Returns an exit code when the engine cannot run (2), or -1 to go on.
int checkEngine(const Common& common) {
    if (common.engine == "rtl") {
        std::cerr << "hopsim: error: --engine rtl is not available yet (the Verilated pipeline "
                     "comes later); use --engine model\n";
        return 2;
    }
    return -1;
}

std::unique_ptr<hop::hopsim::LoadedProgram> load(const Common& common) {
    return hop::hopsim::loadProgram(common.program, {common.includeDirs, common.defines},
                                    std::cerr);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"hopsim: run a hopline program on packets"};
    app.require_subcommand(1);

    Common stfCommon;
    std::string stfPath;
    CLI::App* stf = app.add_subcommand("stf", "run a p4c STF test (exit 0 when it passes)");
    addCommon(stf, stfCommon);
    stf->add_option("file", stfPath, "the .stf file")->required();

    Common runCommon;
    std::vector<std::string> inputs;
    hop::hopsim::RunOptions runOptions;
    std::string commandsPath, runtimeJsonPath;
    CLI::App* run =
        app.add_subcommand("run", "run pcap files through the program, write pcap files out");
    addCommon(run, runCommon);
    run->add_option("--in", inputs, "PORT=FILE.pcap: packets arriving on PORT (repeatable)")
        ->required()
        ->allow_extra_args(false);
    run->add_option("--out-dir", runOptions.outDir, "where port<N>.pcap files are written")
        ->required();
    run->add_option("--commands", commandsPath, "table entries in BMv2 CLI syntax");
    run->add_option("--runtime-json", runtimeJsonPath,
                    "table entries in the P4 tutorials' runtime JSON");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return e.get_exit_code() == 0 ? rc : 2;
    }

    try {
        if (stf->parsed()) {
            if (int rc = checkEngine(stfCommon); rc >= 0) return rc;
            hop::hopsim::StfFile file;
            std::string error;
            // The test file first: a malformed test is reported without a compile.
            if (!hop::hopsim::readStf(stfPath, file, error)) {
                std::cerr << error << "\n";
                return 1;
            }
            auto program = load(stfCommon);
            if (!program) return 1;
            hop::sim::Model model(program->ir());
            if (stfCommon.cpuPort >= 0) model.setCpuPort(stfCommon.cpuPort);
            return hop::hopsim::runStf(model, file, {.tracePackets = stfCommon.tracePackets},
                                       std::cout, std::cerr);
        }

        if (int rc = checkEngine(runCommon); rc >= 0) return rc;
        for (const auto& text : inputs) {
            std::pair<uint32_t, std::string> input;
            std::string error;
            if (!hop::hopsim::parsePortFile(text, input, error)) {
                std::cerr << "hopsim: error: --in " << error << "\n";
                return 2;
            }
            runOptions.inputs.push_back(input);
        }
        runOptions.tracePackets = runCommon.tracePackets;
        auto program = load(runCommon);
        if (!program) return 1;
        hop::sim::Model model(program->ir());
        if (runCommon.cpuPort >= 0) model.setCpuPort(runCommon.cpuPort);
        if (!commandsPath.empty() &&
            !hop::hopsim::loadBmv2Commands(model, commandsPath, std::cerr)) {
            return 1;
        }
        if (!runtimeJsonPath.empty() &&
            !hop::hopsim::loadRuntimeJson(model, runtimeJsonPath, std::cerr)) {
            return 1;
        }
        return hop::hopsim::runPcaps(model, runOptions, std::cout, std::cerr);
    } catch (const std::exception& e) {
        std::cerr << "hopsim: internal error: " << e.what() << "\n";
        return 3;
    }
}
