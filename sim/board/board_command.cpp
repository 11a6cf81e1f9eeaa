// SPDX-License-Identifier: Apache-2.0
#include "sim/board/board_command.hpp"

#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <map>
#include <set>

#include "sim/board/board_engine.hpp"
#include "sim/board/linerate.hpp"
#include "sim/hopsim/program.hpp"
#include "sim/hopsim/run.hpp"
#include "sim/hopsim/stf.hpp"
#include "sim/model/model.hpp"
#include "sim/rtl/rtl_build.hpp"

namespace hop::board {

namespace {

struct Options {
    std::string program;
    std::vector<std::string> includeDirs, defines;
    int dataWidth = 512;
    std::string rtlCache;
    double clockMhz = 250;
    std::string rate = "100G";
    std::vector<std::string> portRates;  // PORT=RATE
    int inputFifoBeats = 256, queueBeats = 256;
    double csrLatencyNs = 500, dmaLatencyNs = 1000;
    int cpuPort = -1;
    uint32_t seed = 1;
    std::string ports;
    // stf
    std::string stfPath;
    // linerate
    std::string offer;
    uint64_t frameSize = 64, frames = 1000;
    std::vector<std::string> commands, runtimeJson, frameTemplates;
    std::string jsonPath;
    bool noProgress = false;
};

void addProgram(CLI::App* app, Options& o) {
    app->add_option("program", o.program, "a P4_16 program (.p4) or a hopc output directory")
        ->required();
    app->add_option("-I", o.includeDirs, "include directory for compiling a .p4")
        ->allow_extra_args(false);
    app->add_option("-D", o.defines, "preprocessor macro NAME[=VALUE] for compiling a .p4")
        ->allow_extra_args(false);
    app->add_option("--data-width", o.dataWidth, "DATA_W of the pipeline")
        ->check(CLI::IsMember({64, 128, 256, 512}))
        ->capture_default_str();
    app->add_option("--rtl-cache", o.rtlCache,
                    "where built models are kept (default $HOPSIM_RTL_CACHE, else "
                    "$XDG_CACHE_HOME/hopline/rtl or ~/.cache/hopline/rtl)");
}

void addBoard(CLI::App* app, Options& o) {
    addProgram(app, o);
    app->add_option("--clock-mhz", o.clockMhz, "the pipeline clock")
        ->check(CLI::Range(1.0, 2000.0))
        ->capture_default_str();
    app->add_option("--rate", o.rate, "line rate of every port (100G, 25G, 10G, ...)")
        ->capture_default_str();
    app->add_option("--port-rate", o.portRates, "PORT=RATE: the line rate of one port")
        ->allow_extra_args(false);
    app->add_option("--input-fifo-depth", o.inputFifoBeats,
                    "beats of DATA_W each port's input FIFO holds")
        ->check(CLI::Range(1, 1 << 24))
        ->capture_default_str();
    app->add_option("--queue-depth", o.queueBeats, "beats of DATA_W each output queue holds")
        ->check(CLI::Range(1, 1 << 24))
        ->capture_default_str();
    app->add_option("--csr-latency", o.csrLatencyNs,
                    "ns the host waits for each CSR access beyond the AXI4-Lite transaction")
        ->check(CLI::Range(0.0, 1e9))
        ->capture_default_str();
    app->add_option("--dma-latency", o.dmaLatencyNs,
                    "ns a CPU-port frame takes between the board and the host, each way")
        ->check(CLI::Range(0.0, 1e9))
        ->capture_default_str();
    app->add_option("--cpu-port", o.cpuPort,
                    "the CPU port, served by the host's DMA channel (default: the port the "
                    "program takes packet_out headers from; 0 = none)")
        ->check(CLI::Range(0, 510));
    app->add_option("--seed", o.seed, "seed of Verilator's random initial values");
}

std::unique_ptr<hopsim::LoadedProgram> load(const Options& o) {
    return hopsim::loadProgram(o.program, {o.includeDirs, o.defines}, std::cerr);
}

// The RTL engine's model of the program (the same cache entry as `hopsim build`).
std::optional<sim::rtl::Built> build(const Options& o, const hopsim::LoadedProgram& program,
                                     int& rc) {
    sim::rtl::BuildOptions options;
    options.dataWidth = o.dataWidth;
    options.cacheDir = o.rtlCache;
    return sim::rtl::buildModel(program.compiled(), options, std::cerr, rc);
}

// The board configuration of the options, with MACs on `ports`; false after printing why.
bool boardConfig(const Options& o, const ir::Program& program, const std::vector<uint32_t>& ports,
                 BoardConfig& config) {
    std::string error;
    double rate = 0;
    if (!parseRate(o.rate, rate, error)) {
        std::cerr << "hopsim: error: --rate " << error << "\n";
        return false;
    }
    std::map<uint32_t, double> rates;
    for (const auto& text : o.portRates) {
        const auto eq = text.find('=');
        std::vector<uint32_t> p;
        double r = 0;
        if (eq == std::string::npos || !parsePortList(text.substr(0, eq), p, error) ||
            !parseRate(text.substr(eq + 1), r, error)) {
            std::cerr << "hopsim: error: --port-rate '" << text
                      << "': " << (error.empty() ? "expected PORT=RATE" : error) << "\n";
            return false;
        }
        for (uint32_t port : p) rates[port] = r;
    }
    config.ports.clear();
    for (uint32_t p : ports) {
        PortConfig pc;
        pc.port = p;
        pc.gbps = rates.count(p) ? rates[p] : rate;
        config.ports.push_back(pc);
    }
    config.clockMhz = o.clockMhz;
    config.inputFifoBeats = o.inputFifoBeats;
    config.queueBeats = o.queueBeats;
    config.csrLatencyNs = o.csrLatencyNs;
    config.dmaLatencyNs = o.dmaLatencyNs;
    config.cpuPort =
        o.cpuPort >= 0 ? static_cast<uint32_t>(o.cpuPort) : sim::Model(program).cpuPort();
    config.seed = o.seed;
    return true;
}

std::unique_ptr<BoardEngine> makeEngine(const Options& o, const hopsim::LoadedProgram& program,
                                        const BoardConfig& config, int& rc) {
    auto built = build(o, program, rc);
    if (!built) return nullptr;
    std::string error;
    auto engine = BoardEngine::create(program.ir(), std::move(*built), config, error);
    if (!engine) {
        std::cerr << "hopsim: error: the board model of " << program.ir().name
                  << " cannot start: " << error << "\n";
        rc = 3;
    }
    return engine;
}

class Command : public BoardCommand {
  public:
    explicit Command(CLI::App& app) {
        board_ = app.add_subcommand(
            "board",
            "run the program's Verilated pipeline inside a SystemC/TLM board model: MACs at line "
            "rate, input FIFOs, output queues, a host with a TLM CSR socket and a DMA channel");
        board_->require_subcommand(1);

        stf_ = board_->add_subcommand(
            "stf", "run a p4c STF test through the board (exit 0 when it passes)");
        addBoard(stf_, stfOptions_);
        stf_->add_option("file", stfOptions_.stfPath, "the .stf file")->required();
        stf_->add_option("--ports", stfOptions_.ports,
                         "ports with a MAC (default: every port the file sends to or expects "
                         "from, but the CPU port)");

        linerate_ = board_->add_subcommand(
            "linerate",
            "offer back-to-back frames at line rate and report what was forwarded, dropped "
            "(where and why) and how deep the queues got");
        Options& l = lineOptions_;
        addBoard(linerate_, l);
        linerate_->add_option("--ports", l.ports, "ports with a MAC, e.g. 1,2 or 1-3")->required();
        linerate_->add_option("--offer", l.offer,
                              "ports whose MAC receives the traffic (default: every port)");
        linerate_
            ->add_option("--frame-size", l.frameSize,
                         "frame size in bytes on the wire, FCS included (64..16384)")
            ->check(CLI::Range(64, 16384))
            ->capture_default_str();
        linerate_->add_option("--frames", l.frames, "frames per offering port")
            ->check(CLI::Range(1, 100000000))
            ->capture_default_str();
        linerate_->add_option("--commands", l.commands, "table entries in BMv2 CLI syntax")
            ->allow_extra_args(false);
        linerate_
            ->add_option("--runtime-json", l.runtimeJson,
                         "table entries in the P4 tutorials' runtime JSON")
            ->allow_extra_args(false);
        linerate_
            ->add_option("--frame", l.frameTemplates,
                         "PORT=HEX: the first bytes of the frames offered on PORT (default: "
                         "IPv4/UDP to 02:00:00:00:00:<port>, 198.51.100.<port>)")
            ->allow_extra_args(false);
        linerate_->add_option("--json", l.jsonPath, "also write the report as JSON to this file");
        linerate_->add_flag("--no-progress", l.noProgress, "no progress display on a terminal");

        build_ = board_->add_subcommand(
            "build",
            "build the program's Verilated model into the cache, the one `hopsim build` and the "
            "RTL engine use (nothing when cached)");
        addProgram(build_, buildOptions_);
    }

    bool parsed() const override { return board_->parsed(); }

    int run() override {
        if (build_->parsed()) return runBuild();
        if (stf_->parsed()) return runStf();
        return runLineRate();
    }

  private:
    int runBuild() {
        auto program = load(buildOptions_);
        if (!program) return 1;
        int rc = 3;
        auto built = build(buildOptions_, *program, rc);
        if (!built) return rc;
        std::cout << built->library << "\n";
        return 0;
    }

    int runStf() {
        const Options& o = stfOptions_;
        hopsim::StfFile file;
        std::string error;
        if (!hopsim::readStf(o.stfPath, file, error)) {
            std::cerr << error << "\n";
            if (!file.note.empty()) std::cerr << file.note << "\n";
            return 1;
        }
        auto program = load(o);
        if (!program) return 1;
        BoardConfig config;
        if (!boardConfig(o, program->ir(), {}, config)) return 2;
        std::vector<uint32_t> ports;
        if (!o.ports.empty()) {
            if (!parsePortList(o.ports, ports, error)) {
                std::cerr << "hopsim: error: --ports " << error << "\n";
                return 2;
            }
        } else {
            std::set<uint32_t> used;
            for (const auto& cmd : file.commands) {
                if ((cmd.kind == hopsim::StfCommand::Kind::Packet ||
                     cmd.kind == hopsim::StfCommand::Kind::Expect) &&
                    (config.cpuPort == 0 || cmd.port != config.cpuPort)) {
                    used.insert(cmd.port);
                }
            }
            ports.assign(used.begin(), used.end());
        }
        if (!boardConfig(o, program->ir(), ports, config)) return 2;
        config.keepOutputs = true;
        int rc = 3;
        auto engine = makeEngine(o, *program, config, rc);
        if (!engine) return rc;
        return hopsim::runStf(*engine, file, {}, std::cout, std::cerr);
    }

    int runLineRate() {
        const Options& o = lineOptions_;
        std::string error;
        std::vector<uint32_t> ports, offer;
        if (!parsePortList(o.ports, ports, error)) {
            std::cerr << "hopsim: error: --ports " << error << "\n";
            return 2;
        }
        offer = ports;
        if (!o.offer.empty() && !parsePortList(o.offer, offer, error)) {
            std::cerr << "hopsim: error: --offer " << error << "\n";
            return 2;
        }
        for (uint32_t p : offer) {
            if (std::find(ports.begin(), ports.end(), p) == ports.end()) {
                std::cerr << "hopsim: error: --offer: port " << p << " is not in --ports\n";
                return 2;
            }
        }
        LineRateOptions lr;
        lr.offerPorts = offer;
        lr.frameSize = o.frameSize;
        lr.frames = o.frames;
        lr.progress = !o.noProgress;
        for (const auto& text : o.frameTemplates) {
            const auto eq = text.find('=');
            std::vector<uint32_t> p;
            std::vector<uint8_t> bytes;
            if (eq == std::string::npos || !parsePortList(text.substr(0, eq), p, error) ||
                !parseHexBytes(text.substr(eq + 1), bytes, error)) {
                std::cerr << "hopsim: error: --frame '" << text
                          << "': " << (error.empty() ? "expected PORT=HEX" : error) << "\n";
                return 2;
            }
            for (uint32_t port : p) lr.templates[port] = bytes;
        }
        auto program = load(o);
        if (!program) return 1;
        BoardConfig config;
        if (!boardConfig(o, program->ir(), ports, config)) return 2;
        config.keepOutputs = false;
        int rc = 3;
        auto engine = makeEngine(o, *program, config, rc);
        if (!engine) return rc;
        for (const auto& path : o.commands) {
            if (!hopsim::loadBmv2Commands(*engine, path, std::cout, std::cerr)) return 1;
        }
        for (const auto& path : o.runtimeJson) {
            if (!hopsim::loadRuntimeJson(*engine, path, std::cerr)) return 1;
        }
        nlohmann::json json;
        rc = board::runLineRate(*engine, lr, std::cout, std::cerr,
                                o.jsonPath.empty() ? nullptr : &json);
        if (!o.jsonPath.empty() && rc != 3) {
            std::ofstream f(o.jsonPath);
            f << json.dump(2) << "\n";
            if (!f) {
                std::cerr << "hopsim: error: cannot write " << o.jsonPath << "\n";
                return 3;
            }
        }
        return rc;
    }

    CLI::App* board_ = nullptr;
    CLI::App* stf_ = nullptr;
    CLI::App* linerate_ = nullptr;
    CLI::App* build_ = nullptr;
    Options stfOptions_, lineOptions_, buildOptions_;
};

}  // namespace

std::unique_ptr<BoardCommand> addBoardCommand(CLI::App& app) {
    return std::make_unique<Command>(app);
}

}  // namespace hop::board
