// SPDX-License-Identifier: Apache-2.0
// `hopsim load`: table command files turned into CSR writes by tables::PipelineLoader and written
// to a served board through runtime/device's SimDevice.
#include <fmt/format.h>

#include <filesystem>
#include <functional>
#include <memory>

#include "runtime/common/command_file.hpp"
#include "runtime/common/progress.hpp"
#include "runtime/device/identity.hpp"
#include "runtime/device/sim_device.hpp"
#include "runtime/tables/extern_csr.hpp"
#include "runtime/tables/loader.hpp"
#include "runtime/tables/switch_tm_csr.hpp"
#include "sim/hopsim/serve.hpp"
#include "sim/rtl/rtl_build.hpp"

namespace hop::hopsim {

int loadTables(const program::Compiled& compiled, const LoadOptions& options, std::ostream& out,
               std::ostream& err) {
    std::string error;
    auto device = device::SimDevice::connect(options.socketPath, error);
    if (!device) {
        err << "hopsim: error: " << error << "\n";
        return 3;
    }
    const device::DeviceInfo& info = device->info();
    if (info.program != compiled.name()) {
        err << fmt::format("hopsim: error: {} runs {}, not {}\n", device->name(), info.program,
                           compiled.name());
        return 1;
    }
    if (options.dataWidth != 0 && options.dataWidth != info.dataWidth) {
        err << fmt::format("hopsim: error: {} runs {} at DATA_W={}, not {}\n", device->name(),
                           info.program, info.dataWidth, options.dataWidth);
        return 1;
    }
    if (info.csrWrites != 0) {
        err << fmt::format(
            "hopsim: error: {}: clients have written {} CSR words to this board already; hopsim "
            "load starts from the tables as the board set them up, so it only loads a board no "
            "client has written (restart hopsim serve, or put every command in one load)\n",
            device->name(), info.csrWrites);
        return 1;
    }
    // The compiled program at the board's DATA_W (a .p4, or a directory compiled at another
    // width, is compiled again in process), then the board's identity words against it.
    auto atWidth = program::atDataWidth(compiled, info.dataWidth, err, false, options.switchPorts,
                                        options.cpuPort);
    if (!atWidth) return 1;
    const regmap::RegMap& map = atWidth->regmap();
    const ir::Program& program = atWidth->tables();
    const auto check =
        device::checkIdentity(*device, map, atWidth->hash(), atWidth->origin(), error);
    if (check != device::IdentityCheck::Same) {
        err << "hopsim: error: " << error << "\n";
        return device::exitCode(check);
    }
    tables::PipelineLoader loader(program, map);
    if (!loader.ok()) {
        err << "hopsim: error: " << loader.error() << "\n";
        return 1;
    }

    common::Progress progress(err, common::Progress::modeFor(2));
    uint64_t commands = 0, words = 0, messages = 0;
    // One command's writes in order: one WRITE_LIST (consecutive addresses as bursts on a board
    // without it).
    auto writeAll = [&](const tables::CsrWrites& writes, std::string& why) {
        if (info.maxListPairs != 0) {
            std::vector<device::CsrWord> list;
            list.reserve(writes.size());
            for (const auto& w : writes) list.push_back({w.addr, w.value});
            messages += (list.size() + info.maxListPairs - 1) / info.maxListPairs;
            words += list.size();
            return device->writeList(list, why);
        }
        for (size_t i = 0; i < writes.size();) {
            size_t j = i + 1;
            while (j < writes.size() && writes[j].addr == writes[j - 1].addr + 4) ++j;
            ++messages;
            words += j - i;
            if (j - i == 1) {
                if (!device->write(writes[i].addr, writes[i].value, why)) return false;
            } else {
                std::vector<uint32_t> values;
                for (size_t k = i; k < j; ++k) values.push_back(writes[k].value);
                if (!device->writeBurst(writes[i].addr, values, why)) return false;
            }
            i = j;
        }
        return true;
    };
    int rc = 0;  // of the command that stopped the load: 1 a table's rules, 3 the board
    auto apply = [&](tables::Command& command, const common::CommandSource& source,
                     std::string& failure) {
        std::string why;
        auto writes = loader.apply(command, why);
        if (!writes) {
            failure = source.error(why);
            rc = 1;
            return false;
        }
        if (!writeAll(*writes, why)) {
            failure = source.error(why);
            rc = 3;
            return false;
        }
        ++commands;
        if (progress.due()) progress.show(fmt::format("hopsim load: {} commands", commands));
        return true;
    };

    // Counters, meters and registers: through their blocks, in file order with the tables.
    const tables::CsrPort port{
        [&](uint32_t addr, std::string& why) { return device->read(addr, why); },
        [&](uint32_t addr, uint32_t value, std::string& why) {
            return device->write(addr, value, why);
        }};
    tables::ExternCsr externs(program, map, port);
    // A command run by `run` (lines it prints, false with `why`): what it printed, and the
    // line's located error.
    auto report = [&](const common::CommandSource& source, std::string& failure,
                      const std::function<bool(std::vector<std::string>&, std::string&)>& run) {
        std::vector<std::string> lines;
        std::string why;
        const bool done = run(lines, why);
        if (!lines.empty()) progress.clear();
        for (const auto& l : lines) out << l << "\n";
        if (!done) {
            failure = source.error(why);
            rc = 1;
            return false;
        }
        ++commands;
        return true;
    };
    auto applyExtern = [&](const tables::ExternCommand& command,
                           const common::CommandSource& source, std::string& failure) {
        return report(source, failure, [&](std::vector<std::string>& lines, std::string& why) {
            return tables::runExternCommand(externs, command, lines, why);
        });
    };

    // The traffic manager's lines (a switch board): through its CSR window (replication
    // tables, queue limits, pauses), from the state a board no client has written has (every
    // group empty, no port paused).
    tables::TrafficManager tm;
    std::unique_ptr<tables::SwitchTmCsr> replicator;
    if (options.switchPorts > 0) {
        const auto sw = atWidth->switchInfo();
        if (!sw) {
            err << "hopsim: error: " << compiled.name() << " has no switch top parameters\n";
            return 1;
        }
        replicator = std::make_unique<tables::SwitchTmCsr>(tables::switchTmGeometry(*sw), port);
        if (!replicator->checkInfo(error)) {
            err << "hopsim: error: " << device->name() << ": " << error
                << " (is it serving the switch top with --rtl-ports " << options.switchPorts
                << "?)\n";
            return 1;
        }
    }
    auto applyTm = [&](const tables::TmCommand& command, const common::CommandSource& source,
                       std::string& failure) {
        if (!replicator) {
            failure = source.error(
                "the traffic manager's commands need a board serving the switch top (hopsim "
                "serve --rtl-top switch) and its --rtl-ports here");
            rc = 1;
            return false;
        }
        return report(source, failure, [&](std::vector<std::string>& lines, std::string& why) {
            return replicator->run(tm, command, lines, why);
        });
    };

    for (const auto& path : options.files) {
        const bool ok =
            std::filesystem::path(path).extension() == ".json"
                ? common::readRuntimeJsonFile(program, path, apply, error, applyTm)
                : common::readCommandFile(program, path, common::CommandSyntax::Bmv2OrStf, apply,
                                          error, applyExtern, applyTm);
        if (!ok) {
            progress.finish();
            err << error << "\n";
            return rc ? rc : 1;
        }
    }
    progress.finish();
    out << fmt::format(
        "hopsim load: {} commands into {} ({} at DATA_W={}): {} CSR words in {} requests, "
        "{:.2f} s\n",
        commands, device->name(), info.program, info.dataWidth, words, messages,
        progress.seconds());
    return 0;
}

}  // namespace hop::hopsim
