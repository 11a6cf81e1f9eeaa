// SPDX-License-Identifier: Apache-2.0
// hopsim: runs a compiled hopline program on packets. Subcommands:
//   stf PROGRAM FILE.stf          a p4c simple-test-framework test; exit 0 pass, 1 fail
//   run PROGRAM --in PORT=F.pcap  pcap files in, OUT_DIR/port<N>.pcap out, and a summary
//   build PROGRAM                 only build (or find in the cache) the Verilated model
//   serve PROGRAM --socket PATH   the Verilated pipeline as a live board: ports on TAP
//                                 interfaces, the device socket (sim/hopsim/serve.hpp)
//   load PROGRAM --socket PATH F  table commands from files into a served board
//   board stf|linerate|build ...  the SystemC board model (sim/board/board_command.hpp)
// Engines: `model` (the reference interpreter) or `rtl` (the Verilated pipeline, built once per
// program, DATA_W and sources and kept in a cache: sim/rtl/rtl_build.hpp).
// Exit codes: 0 success, 1 test failure or bad input file (or a program the RTL backend cannot
// build), 2 usage, 3 internal error (also: Verilator missing or failing).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>

#ifdef HOP_WITH_BOARD
#include "sim/board/board_command.hpp"
#endif
#include "sim/engine/engine.hpp"
#include "sim/hopsim/program.hpp"
#include "sim/hopsim/run.hpp"
#include "sim/hopsim/serve.hpp"
#include "sim/hopsim/stf.hpp"
#include "sim/model/model.hpp"
#include "sim/rtl/rtl_build.hpp"
#include "sim/rtl/rtl_engine.hpp"

namespace {

struct Common {
    std::string program;
    std::string engine = "model";
    bool tracePackets = false;
    std::vector<std::string> includeDirs;
    std::vector<std::string> defines;
    int cpuPort = -1;
    int dataWidth = 512;
    std::string rtlCache;
    std::string rtlTop = "pipeline";  // --rtl-top
    int rtlPorts = 8;                 // --rtl-ports (the switch top)
    bool rtlQuick = false;            // --rtl-quick
    double rtlIdle = 0, rtlStall = 0;
    uint32_t rtlSeed = 1;
    std::string trace;  // FILE.fst or FILE.vcd
    uint64_t traceFrom = 0, traceCycles = 0;
};

// "fst", "vcd" or "" by the --trace file's extension.
std::string traceKind(const std::string& path) {
    auto ends = [&](const char* ext) {
        const std::string e = ext;
        return path.size() > e.size() && path.compare(path.size() - e.size(), e.size(), e) == 0;
    };
    return ends(".fst") ? "fst" : ends(".vcd") ? "vcd" : "";
}

void addProgram(CLI::App* app, Common& common) {
    app->add_option("program", common.program, "a P4_16 program (.p4) or a hopc output directory")
        ->required();
    app->add_option("-I", common.includeDirs, "include directory for compiling a .p4")
        ->allow_extra_args(false);
    app->add_option("-D", common.defines, "preprocessor macro NAME[=VALUE] for compiling a .p4")
        ->allow_extra_args(false);
}

void addRtl(CLI::App* app, Common& common) {
    app->add_option("--data-width", common.dataWidth, "rtl: DATA_W of the pipeline")
        ->check(CLI::IsMember({64, 128, 256, 512}))
        ->capture_default_str();
    app->add_option("--rtl-cache", common.rtlCache,
                    "rtl: where built models are kept (default $HOPSIM_RTL_CACHE, else "
                    "$XDG_CACHE_HOME/hopline/rtl or ~/.cache/hopline/rtl)");
    app->add_option("--rtl-top", common.rtlTop,
                    "rtl: the module to run: pipeline (<name>_top), split (the pipeline cut "
                    "after ingress, joined by rtl/hop_tm_direct.sv: hopc --emit split) or switch "
                    "(the v1model switch with its traffic manager: hopc --ports N)")
        ->check(CLI::IsMember({"pipeline", "split", "switch"}))
        ->capture_default_str();
    app->add_option("--rtl-ports", common.rtlPorts,
                    "rtl: the switch top's front-panel ports (0 .. N-1; the CPU port is "
                    "--cpu-port, else the program's, else 510)")
        ->check(CLI::Range(1, 30))
        ->capture_default_str();
    app->add_flag("--rtl-quick", common.rtlQuick,
                  "rtl: a model compiled without optimisation: about half the build time, "
                  "several times slower per cycle (for short runs; a cache entry of its own)");
}

void addCommon(CLI::App* app, Common& common) {
    addProgram(app, common);
    // DESIGN.md makes rtl the eventual default; the model stays the default for now.
    app->add_option("--engine", common.engine, "engine: model (the reference interpreter) or rtl")
        ->check(CLI::IsMember({"model", "rtl"}))
        ->capture_default_str();
    app->add_flag("--trace-packets", common.tracePackets,
                  "print each packet's parser path, table lookups and decision (model); the "
                  "cycles it entered and left and its output port (rtl)");
    app->add_option("--cpu-port", common.cpuPort, "the port punted packets leave on")
        ->check(CLI::Range(0, 510));
    addRtl(app, common);
    app->add_option("--rtl-idle", common.rtlIdle,
                    "rtl: probability of an idle input cycle (no beat offered)")
        ->check(CLI::Range(0.0, 0.99));
    app->add_option("--rtl-stall", common.rtlStall,
                    "rtl: probability of a backpressure cycle on the output")
        ->check(CLI::Range(0.0, 0.99));
    app->add_option("--rtl-seed", common.rtlSeed, "rtl: seed of the idle/stall choices");
    app->add_option("--trace", common.trace,
                    "rtl: write waveforms to FILE.fst or FILE.vcd (a model built with tracing, "
                    "cached apart from the fast one)")
        ->check([](const std::string& p) {
            return traceKind(p).empty() ? std::string("the waveform file must end in .fst or .vcd")
                                        : std::string();
        });
    app->add_option("--trace-from", common.traceFrom,
                    "rtl: the first cycle written (the engine's cycle count, reset included)");
    app->add_option("--trace-cycles", common.traceCycles,
                    "rtl: how many cycles are written (default: to the end)");
}

std::unique_ptr<hop::hopsim::LoadedProgram> load(const Common& common) {
    return hop::hopsim::loadProgram(
        common.program,
        {common.includeDirs, common.defines, common.rtlTop == "switch" ? common.rtlPorts : 0},
        std::cerr);
}

std::optional<hop::sim::rtl::Built> buildRtl(const Common& common,
                                             const hop::hopsim::LoadedProgram& program, int& rc) {
    // The switch's CPU port: --cpu-port, else the program's, else v1model's usual 510.
    // (A --cpu-port among the front-panel ports is hopc's located error.)
    int cpuPort = common.cpuPort;
    if (cpuPort < 0) {
        cpuPort = static_cast<int>(hop::sim::findCpuPort(program.ir()));
        if (cpuPort < common.rtlPorts) cpuPort = 510;
    }
    return hop::sim::rtl::buildModel(program.compiled(),
                                     {.dataWidth = common.dataWidth,
                                      .cacheDir = common.rtlCache,
                                      .trace = traceKind(common.trace),
                                      .top = common.rtlTop,
                                      .ports = common.rtlPorts,
                                      .cpuPort = cpuPort,
                                      .quick = common.rtlQuick},
                                     std::cerr, rc);
}

// The engine `common` asks for, or null after printing why (rc = exit code).
std::unique_ptr<hop::sim::Engine> makeEngine(const Common& common,
                                             const hop::hopsim::LoadedProgram& program, int& rc) {
    if (common.engine == "model") {
        if (!common.trace.empty()) {
            std::cerr << "hopsim: error: --trace writes the RTL's waveforms: it needs --engine "
                         "rtl\n";
            rc = 2;
            return nullptr;
        }
        auto engine = std::make_unique<hop::sim::ModelEngine>(program.ir(), common.tracePackets);
        if (common.cpuPort >= 0) engine->model().setCpuPort(common.cpuPort);
        return engine;
    }
    auto built = buildRtl(common, program, rc);
    if (!built) return nullptr;
    hop::sim::rtl::RtlOptions options;
    options.idleIn = common.rtlIdle;
    options.stallOut = common.rtlStall;
    options.seed = common.rtlSeed;
    options.tracePath = common.trace;
    options.traceFrom = common.traceFrom;
    options.traceCycles = common.traceCycles;
    if (common.cpuPort >= 0) {
        options.cpuPort = static_cast<uint32_t>(common.cpuPort);
    } else {
        options.cpuPort = hop::sim::findCpuPort(program.ir());
    }
    std::string error;
    auto engine = hop::sim::rtl::RtlEngine::create(program.ir(), std::move(*built), options, error);
    if (!engine) {
        std::cerr << "hopsim: error: the RTL model of " << program.ir().name
                  << " cannot start: " << error << "\n";
        rc = 3;
    }
    return engine;
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
    bool stfDumpState = false;
    stf->add_flag("--dump-state", stfDumpState,
                  "print the final counter, register and meter state (model engine)");

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
    bool runDumpState = false;
    run->add_flag("--dump-state", runDumpState,
                  "print the final counter, register and meter state (model engine)");

    Common buildCommon;
    CLI::App* build = app.add_subcommand(
        "build", "build the Verilated model of a program into the cache (nothing when cached)");
    addProgram(build, buildCommon);
    addRtl(build, buildCommon);

    Common serveCommon;
    hop::hopsim::ServeOptions serveOptions;
    std::vector<std::string> taps;
    CLI::App* serve = app.add_subcommand(
        "serve",
        "run the Verilated pipeline as a live board: ports on TAP interfaces, CSRs and CPU-port "
        "frames on a unix socket (until SIGINT or SIGTERM)");
    addProgram(serve, serveCommon);
    addRtl(serve, serveCommon);
    serve->add_option("--socket", serveOptions.socketPath, "the unix socket clients connect to")
        ->required();
    serve
        ->add_option("--tap", taps,
                     "PORT=IFNAME: attach pipeline port PORT to the TAP interface IFNAME "
                     "(created when missing; repeatable)")
        ->allow_extra_args(false);
    serve
        ->add_option("--cpu-port", serveCommon.cpuPort,
                     "the CPU port (default: the port the program's parser takes packet_out "
                     "headers from)")
        ->check(CLI::Range(1, 510));

    Common loadCommon;
    hop::hopsim::LoadOptions loadOptions;
    CLI::App* loadCmd = app.add_subcommand(
        "load",
        "load table commands (BMv2 CLI or STF add/setdefault lines, or runtime JSON) into a "
        "board served by hopsim serve");
    addProgram(loadCmd, loadCommon);
    loadCmd->add_option("--socket", loadOptions.socketPath, "the board's unix socket")->required();
    loadCmd->add_option("files", loadOptions.files, "command files, loaded in order")->required();
    loadCmd
        ->add_option("--data-width", loadOptions.dataWidth,
                     "check that the board runs at this DATA_W (default: the board's)")
        ->check(CLI::IsMember({64, 128, 256, 512}));
    loadCmd
        ->add_option("--rtl-ports", loadOptions.switchPorts,
                     "the board serves the switch top with N front-panel ports (hopsim serve "
                     "--rtl-top switch --rtl-ports N): the traffic manager's lines (mc_*) reach "
                     "its replication engine")
        ->check(CLI::Range(1, 30));
    loadCmd
        ->add_option("--cpu-port", loadOptions.cpuPort,
                     "the switch's CPU port, as hopsim serve was given it (default: as hopsim "
                     "serve chooses)")
        ->check(CLI::Range(1, 510));

#ifdef HOP_WITH_BOARD
    auto boardCommand = hop::board::addBoardCommand(app);
#endif
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return e.get_exit_code() == 0 ? rc : 2;
    }

    try {
        int rc = 1;
#ifdef HOP_WITH_BOARD
        if (boardCommand->parsed()) return boardCommand->run();
#endif
        if (build->parsed()) {
            auto program = load(buildCommon);
            if (!program) return 1;
            auto built = buildRtl(buildCommon, *program, rc);
            if (!built) return rc;
            std::cout << built->library << "\n";
            return 0;
        }

        if (serve->parsed()) {
            hop::hopsim::blockStopSignals();
            for (const auto& text : taps) {
                std::pair<uint32_t, std::string> tap;
                std::string error;
                if (!hop::hopsim::parsePortTap(text, tap, error)) {
                    std::cerr << "hopsim: error: --tap " << error << "\n";
                    return 2;
                }
                serveOptions.taps.push_back(tap);
            }
            auto program = load(serveCommon);
            if (!program) return 1;
            // (The switch top's CPU port is chosen where its model is built: buildRtl.)
            if (serveCommon.cpuPort < 0 && serveCommon.rtlTop != "switch") {
                serveCommon.cpuPort = static_cast<int>(hop::sim::findCpuPort(program->ir()));
            }
            serveCommon.engine = "rtl";
            auto engine = makeEngine(serveCommon, *program, rc);
            if (!engine) return rc;
            return hop::hopsim::serve(static_cast<hop::sim::rtl::RtlEngine&>(*engine), serveOptions,
                                      std::cout, std::cerr);
        }

        if (loadCmd->parsed()) {
            auto program = load(loadCommon);
            if (!program) return 1;
            if (loadOptions.cpuPort < 0) {
                // As buildRtl() chooses the switch's: the program's, else 510.
                loadOptions.cpuPort = static_cast<int>(hop::sim::findCpuPort(program->ir()));
                if (loadOptions.cpuPort < loadOptions.switchPorts) loadOptions.cpuPort = 510;
            }
            return hop::hopsim::loadTables(program->compiled(), loadOptions, std::cout, std::cerr);
        }

        if (stf->parsed()) {
            hop::hopsim::StfFile file;
            std::string error;
            // The test file first: a malformed test is reported without a compile.
            if (!hop::hopsim::readStf(stfPath, file, error)) {
                std::cerr << error << "\n";
                if (!file.note.empty()) std::cerr << file.note << "\n";
                return 1;
            }
            auto program = load(stfCommon);
            if (!program) return 1;
            auto engine = makeEngine(stfCommon, *program, rc);
            if (!engine) return rc;
            rc = hop::hopsim::runStf(*engine, file, {.tracePackets = stfCommon.tracePackets},
                                     std::cout, std::cerr);
            if (stfDumpState && !hop::hopsim::dumpState(*engine, std::cout, std::cerr)) rc = 1;
            return rc;
        }

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
        auto engine = makeEngine(runCommon, *program, rc);
        if (!engine) return rc;
        if (!commandsPath.empty() &&
            !hop::hopsim::loadBmv2Commands(*engine, commandsPath, std::cout, std::cerr)) {
            return 1;
        }
        if (!runtimeJsonPath.empty() &&
            !hop::hopsim::loadRuntimeJson(*engine, runtimeJsonPath, std::cerr)) {
            return 1;
        }
        auto* rtl = dynamic_cast<hop::sim::rtl::RtlEngine*>(engine.get());
        if (rtl) rtl->resetStats();
        const auto start = std::chrono::steady_clock::now();
        rc = hop::hopsim::runPcaps(*engine, runOptions, std::cout, std::cerr);
        if (rtl && rc == 0) {
            const double s =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            const auto& st = rtl->stats();
            std::cout << fmt::format(
                "rtl (DATA_W={}): {} cycles, {} frames in, {} out, {} input stall cycles, latency "
                "{} cycles (first beat in to first beat out); {:.0f} cycles/s, {:.0f} packets/s\n",
                rtl->dataWidth(), st.cycles, st.framesIn, st.framesOut, st.inStalls,
                st.firstOut >= 0 ? st.firstOut - st.firstIn : -1, s > 0 ? st.cycles / s : 0.0,
                s > 0 ? st.framesIn / s : 0.0);
        }
        if (runDumpState && rc == 0 && !hop::hopsim::dumpState(*engine, std::cout, std::cerr))
            rc = 1;
        return rc;
    } catch (const std::exception& e) {
        std::cerr << "hopsim: internal error: " << e.what() << "\n";
        return 3;
    }
}
