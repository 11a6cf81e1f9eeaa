// SPDX-License-Identifier: Apache-2.0
#include "sim/hopsim/run.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "runtime/common/command_file.hpp"
#include "runtime/common/progress.hpp"
#include "runtime/tables/entry.hpp"
#include "sim/hopsim/pcap_io.hpp"
#include "sim/hopsim/stf.hpp"
#include "sim/hopsim/trace.hpp"
#include "sim/rtl/rtl_engine.hpp"

namespace hop::hopsim {

namespace fs = std::filesystem;

bool loadBmv2Commands(sim::Engine& engine, const std::string& path, std::ostream& out,
                      std::ostream& err) {
    std::string error;
    std::unique_ptr<ExternAccess> externs;  // made at the first extern line
    const bool ok = common::readCommandFile(
        engine.program(), path, common::CommandSyntax::Bmv2,
        [&](tables::Command& command, const common::CommandSource& source, std::string& failure) {
            std::string message;
            if (engine.apply(command, message)) return true;
            failure = source.error(message);
            return false;
        },
        error,
        [&](const tables::ExternCommand& command, const common::CommandSource& source,
            std::string& failure) {
            if (!externs) externs = externAccess(engine);
            if (!externs) {
                failure = source.error("the " + engine.name() +
                                       " engine does not read or write counters, meters and "
                                       "registers");
                return false;
            }
            std::vector<std::string> lines;
            std::string message;
            const bool done = tables::runExternCommand(*externs, command, lines, message);
            for (const auto& l : lines) out << l << "\n";
            if (!done) failure = source.error(message);
            return done;
        },
        [&](const tables::TmCommand& command, const common::CommandSource& source,
            std::string& failure) {
            return runTmLine(engine, command, source.where(), out, failure);
        });
    if (!ok) err << error << "\n";
    return ok;
}

bool loadRuntimeJson(sim::Engine& engine, const std::string& path, std::ostream& err) {
    std::string error;
    const bool ok = common::readRuntimeJsonFile(
        engine.program(), path,
        [&](tables::Command& command, const common::CommandSource& source, std::string& failure) {
            std::string message;
            if (engine.apply(command, message)) return true;
            failure =
                fmt::format("{}: error: table_entries[{}]: {}", source.file, source.entry, message);
            return false;
        },
        error,
        [&](const tables::TmCommand& command, const common::CommandSource& source,
            std::string& failure) {
            std::ostringstream ignored;  // a group from JSON prints nothing
            return runTmLine(engine, command, source.where(), ignored, failure);
        });
    if (!ok) err << error << "\n";
    return ok;
}

bool parsePortFile(const std::string& text, std::pair<uint32_t, std::string>& result,
                   std::string& error) {
    const size_t eq = text.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) {
        error = fmt::format("'{}' is not PORT=FILE.pcap", text);
        return false;
    }
    const std::string port = text.substr(0, eq);
    if (!std::all_of(port.begin(), port.end(), [](char c) { return std::isdigit(c); }) ||
        port.size() > 4 || std::stoul(port) >= sim::kDropPort) {
        error = fmt::format("'{}' is not a port number (0..{})", port, sim::kDropPort - 1);
        return false;
    }
    result = {static_cast<uint32_t>(std::stoul(port)), text.substr(eq + 1)};
    return true;
}

namespace {

struct Input {
    uint32_t port;
    size_t fileIndex;
    size_t packetIndex;
    PcapPacket packet;
};

constexpr size_t kProgressMinimum = 100000;
constexpr size_t kChunk = 10000;  // packets sent back to back between drains

struct PortCounts {
    uint64_t in = 0, out = 0, inBytes = 0, outBytes = 0;
};

// Latency in cycles, first beat in to first beat out (RTL).
struct Latency {
    uint64_t samples = 0, sum = 0;
    int64_t min = -1, max = -1;
    void add(int64_t in, int64_t out) {
        if (in < 0 || out < in) return;
        const int64_t l = out - in;
        ++samples;
        sum += static_cast<uint64_t>(l);
        min = min < 0 ? l : std::min(min, l);
        max = std::max(max, l);
    }
};

}  // namespace

std::string puntReason(const ir::Program& program, const std::vector<uint8_t>& frame) {
    for (const ir::Header& h : program.headers) {
        if (h.controllerHeader != "packet_in") continue;
        for (ir::FieldId f : h.fields) {
            const ir::Field& fd = program.fields[f];
            const std::string& n = fd.name;
            if (n.size() < 7 || n.compare(n.size() - 7, 7, ".reason") != 0) continue;
            if (fd.width > 64 || static_cast<size_t>(fd.offset + fd.width) > 8 * frame.size())
                return {};
            uint64_t v = 0;
            for (int b = 0; b < fd.width; ++b) {
                const int bit = fd.offset + b;
                v = (v << 1) | ((frame[bit / 8] >> (7 - bit % 8)) & 1u);
            }
            return std::to_string(v);
        }
    }
    return {};
}

int runPcaps(sim::Engine& engine, const RunOptions& options, std::ostream& out, std::ostream& err) {
    std::vector<Input> inputs;
    std::map<uint32_t, PortCounts> ports;
    for (size_t f = 0; f < options.inputs.size(); ++f) {
        const auto& [port, path] = options.inputs[f];
        std::vector<PcapPacket> packets;
        std::string error;
        if (!readPcap(path, packets, error)) {
            err << error << "\n";
            return 1;
        }
        ports[port];
        for (size_t i = 0; i < packets.size(); ++i) {
            if (packets[i].wireLength > packets[i].bytes.size()) {
                err << fmt::format(
                    "{}: warning: packet {} was captured truncated ({} of {} "
                    "bytes); the captured bytes are used\n",
                    path, i + 1, packets[i].bytes.size(), packets[i].wireLength);
            }
            inputs.push_back({port, f, i, std::move(packets[i])});
        }
    }
    std::stable_sort(inputs.begin(), inputs.end(), [](const Input& a, const Input& b) {
        return std::tie(a.packet.seconds, a.packet.micros) <
               std::tie(b.packet.seconds, b.packet.micros);
    });

    // The simulated clock starts at the first packet's pcap timestamp.
    auto stamp = [](const Input& in) {
        return static_cast<uint64_t>(in.packet.seconds) * 1000000000u +
               static_cast<uint64_t>(in.packet.micros) * 1000u;
    };
    const uint64_t origin = inputs.empty() ? 0 : stamp(inputs.front());
    auto arrivalNs = [&](const Input& in) { return stamp(in) - origin; };

    std::error_code ec;
    fs::create_directories(options.outDir, ec);
    if (ec) {
        err << fmt::format("{}: error: cannot create the output directory: {}\n", options.outDir,
                           ec.message());
        return 1;
    }

    std::map<uint32_t, std::vector<PcapPacket>> outputs;
    std::vector<sim::DigestMessage> digests;  // in the order the pipeline sent them
    std::map<std::string, uint64_t> drops, punts;
    uint64_t forwarded = 0, dropped = 0, punted = 0, sentOut = 0;
    // Long runs show progress on a terminal (never in logs or pipes, where it would be noise).
    common::Progress progress(err, !options.tracePackets && inputs.size() >= kProgressMinimum
                                       ? common::Progress::modeFor(STDERR_FILENO)
                                       : common::Progress::Mode::Off);
    // One packet at a time when each output must be tied to its packet; otherwise back to back
    // in chunks (the RTL without tracing).
    const size_t chunk = options.tracePackets || engine.knowsDecisions() ? 1 : kChunk;
    const uint32_t cpuPort = engine.cpuPort();
    auto* rtl = dynamic_cast<sim::rtl::RtlEngine*>(&engine);
    Latency latency;
    auto record = [&](const Input& input, sim::Packet&& packet) {
        ports[packet.port].out++;
        ports[packet.port].outBytes += packet.bytes.size();
        ++sentOut;
        PcapPacket written;
        written.seconds = input.packet.seconds;
        written.micros = input.packet.micros;
        written.bytes = std::move(packet.bytes);
        written.wireLength = static_cast<uint32_t>(written.bytes.size());
        outputs[packet.port].push_back(std::move(written));
    };
    const std::string unknown = "the " + engine.name() + " engine does not say why";
    for (size_t first = 0; first < inputs.size(); first += chunk) {
        const size_t last = std::min(inputs.size(), first + chunk);
        if (progress.due()) {
            // `[#########.........]  45%  450000 of 1000000 packets`
            progress.show(fmt::format("{} {:>3}%  {} of {} packets",
                                      common::progressBar(first, inputs.size()),
                                      first * 100 / inputs.size(), first, inputs.size()));
        }
        for (size_t n = first; n < last; ++n) {
            ports[inputs[n].port].in++;
            ports[inputs[n].port].inBytes += inputs[n].packet.bytes.size();
            engine.send({inputs[n].port, inputs[n].packet.bytes, arrivalNs(inputs[n])});
        }
        sim::Drained drained;
        std::string engineError;
        const bool ok = engine.drain(drained, engineError);
        uint64_t outs = drained.unattributed.size();
        for (auto& d : drained.digests) digests.push_back(std::move(d));
        // Latency: an attributed packet's own first beats; back to back, the pipeline keeps the
        // order, so when every packet of the chunk left exactly once, the i-th output is the
        // i-th packet's (a chunk with drops is not sampled: which packet was dropped is unknown).
        for (const auto& done : drained.completed)
            if (!done.outputs.empty()) latency.add(done.inFirst, done.outFirst);
        if (!drained.unattributed.empty() &&
            drained.unattributed.size() == drained.completed.size())
            for (size_t i = 0; i < drained.unattributed.size(); ++i)
                latency.add(drained.completed[i].inFirst, drained.unattributed[i].firstCycle);
        for (auto& done : drained.completed) {
            const size_t n = first + (done.packet - drained.completed.front().packet);
            const Input& input = inputs[n];
            if (options.tracePackets) {
                printTrace(
                    out,
                    fmt::format("packet {} ({} #{})", n + 1, options.inputs[input.fileIndex].second,
                                input.packetIndex + 1),
                    sim::Packet{input.port, input.packet.bytes}, done, cpuPort);
            }
            if (!done.error.empty()) {
                err << fmt::format("{}: packet {}: error: {}\n",
                                   options.inputs[input.fileIndex].second, input.packetIndex + 1,
                                   done.error);
            }
            if (done.decision) {
                switch (done.decision->kind) {
                    case sim::Decision::Kind::Forward:
                        ++forwarded;
                        break;
                    case sim::Decision::Kind::Drop:
                        ++dropped;
                        ++drops[done.decision->reason.empty() ? "unknown" : done.decision->reason];
                        break;
                    case sim::Decision::Kind::Punt:
                        ++punted;
                        ++punts[done.decision->reason.empty() ? "no reason field"
                                                              : "reason " + done.decision->reason];
                        break;
                }
            } else if (chunk == 1 && done.outputs.empty()) {
                ++dropped;
                if (!rtl) ++drops[unknown];  // the RTL's counters say which kind (below)
            }
            outs += done.outputs.size();
            for (auto& output : done.outputs) {
                if (!done.decision) {
                    if (cpuPort != 0 && output.port == cpuPort) {
                        ++punted;
                        const std::string r = puntReason(engine.program(), output.bytes);
                        ++punts[r.empty() ? unknown : "reason " + r];
                    } else {
                        ++forwarded;
                    }
                }
                record(input, std::move(output));
            }
        }
        for (auto& o : drained.unattributed) {
            const size_t n =
                o.lastPacketIn >= 0 && !drained.completed.empty()
                    ? first + static_cast<size_t>(o.lastPacketIn) - drained.completed.front().packet
                    : first;
            if (cpuPort != 0 && o.packet.port == cpuPort) {
                ++punted;
                const std::string r = puntReason(engine.program(), o.packet.bytes);
                ++punts[r.empty() ? unknown : "reason " + r];
            } else {
                ++forwarded;
            }
            record(inputs[std::min(n, last - 1)], std::move(o.packet));
        }
        if (chunk > 1 && outs < last - first) {
            dropped += last - first - outs;
            if (!rtl) drops[unknown] += last - first - outs;
        }
        if (!ok) {
            progress.finish();
            err << fmt::format("hopsim: error: the {} engine failed at packets {}..{}: {}\n",
                               engine.name(), first + 1, last, engineError);
            return 1;
        }
    }

    progress.clear();

    for (const auto& [port, counts] : ports) {
        const std::string path =
            (fs::path(options.outDir) / fmt::format("port{}.pcap", port)).string();
        PcapWriter writer;
        std::string error;
        if (!writer.open(path, error)) {
            err << error << "\n";
            return 1;
        }
        for (const auto& packet : outputs[port]) writer.write(packet);
        if (!writer.close(error)) {
            err << error << "\n";
            return 1;
        }
    }

    // A program with digests: digests.txt, one line per digest (sim::digestLine), in order.
    const std::string digestPath = (fs::path(options.outDir) / "digests.txt").string();
    if (!engine.program().digests.empty()) {
        std::ofstream file(digestPath);
        for (const auto& d : digests) file << sim::digestLine(engine.program(), d) << "\n";
        if (!file) {
            err << fmt::format("{}: error: cannot write the digests\n", digestPath);
            return 1;
        }
    }

    // The RTL does not explain a drop; its counters say which kind it was.
    if (rtl) {
        const regmap::RegMap& map = rtl->built().regmap;
        std::string error;
        auto tooLong = rtl->read(map.pipelineBase + 4 * regmap::kWordTooLong, error);
        auto all = rtl->read(map.pipelineBase + 4 * regmap::kWordDropped, error);
        if (tooLong && all) {
            if (*tooLong)
                drops["longer than the maximum frame (pipeline counter TOO_LONG)"] = *tooLong;
            if (*all > *tooLong)
                drops
                    ["by the program: mark_to_drop or egress_spec 511 (pipeline counter DROPPED)"] =
                        *all - *tooLong;
        } else {
            drops[unknown] = dropped;
        }
    }
    out << fmt::format("{} packets in: {} forwarded, {} dropped, {} punted; {} packets out\n",
                       inputs.size(), forwarded, dropped, punted, sentOut);
    out << fmt::format("  {:>5}  {:>8}  {:>10}  {:>8}  {:>10}  {}\n", "port", "in", "bytes in",
                       "out", "bytes out", "file");
    for (const auto& [port, counts] : ports) {
        out << fmt::format("  {:>5}  {:>8}  {:>10}  {:>8}  {:>10}  {}\n", port, counts.in,
                           counts.inBytes, counts.out, counts.outBytes,
                           (fs::path(options.outDir) / fmt::format("port{}.pcap", port)).string());
    }
    if (!engine.program().digests.empty())
        out << fmt::format("{} digests: {}\n", digests.size(), digestPath);
    if (rtl) {
        const sim::rtl::RtlStats& st = rtl->stats();
        const int64_t span = st.firstIn >= 0 && st.lastOut >= st.firstIn
                                 ? st.lastOut - st.firstIn + 1
                                 : static_cast<int64_t>(st.cycles);
        out << fmt::format(
            "cycles: {} in all, {} from the first beat in to the last beat out; "
            "{:.3f} packets per clock\n",
            st.cycles, span, span > 0 ? double(inputs.size()) / double(span) : 0.0);
        if (latency.samples)
            out << fmt::format(
                "latency (cycles, first beat in to first beat out): min {}, mean {:.1f}, max {} "
                "over {} packets\n",
                latency.min, double(latency.sum) / double(latency.samples), latency.max,
                latency.samples);
        else
            out << "latency: not sampled (packets were dropped in every chunk of the run, so "
                   "outputs cannot be tied to packets; --trace-packets runs one packet at a "
                   "time and measures every one)\n";
    }
    if (!drops.empty()) {
        out << "drops:\n";
        for (const auto& [reason, count] : drops) {
            out << fmt::format("  {:>8}  {}\n", count, reason);
        }
    }
    if (!punts.empty()) {
        out << "punts:\n";
        for (const auto& [reason, count] : punts) {
            out << fmt::format("  {:>8}  {}\n", count, reason);
        }
    }
    return 0;
}

}  // namespace hop::hopsim
