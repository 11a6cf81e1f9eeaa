// SPDX-License-Identifier: Apache-2.0
// The v1model switch top (hopc --ports N, `hopsim --rtl-top switch`) at DATA_W=512 with 64-byte
// frames (one beat each), on the Verilated model hopsim runs, with its table and traffic-manager
// commands as hopsim gives them:
//
//   unicast     basic.p4, 4 ports, every port sending back to back to the next port: frames
//               a clock taken at the ports over the run (every port offers a frame every
//               clock: 4 offered, the one ingress pipeline takes 1; the ports' input FIFOs
//               take a few more at the start), frames out, tail drops (must be 0), and the
//               latency of the first frame beside the pipeline top's (the same program and
//               frame through <name>_top).
//   multicast   the tutorials' multicast.p4, 5 ports, group 1 = ports 0..3, frames back to back
//               on port 4: copies per clock out of the replication engine (the traffic
//               manager's COPIES over the cycles of the run: 1.00 is one copy every clock),
//               frames out (four per frame), tail drops (must be 0).
//   oversub     basic.p4, 4 ports, ports 0..2 sending back to back to port 3 while every output
//               takes a beat only half the time: port 3 gets twice what it can send. Frames in,
//               out, and the tail drops its queue counted: in = out + drops must hold.
//
//   switch_bench [FRAMES]   (default 20000 per scenario)
//
// Models are built into the build's rtl-cache (or $HOPSIM_RTL_CACHE) when missing.
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "regmap/tm_words.hpp"
#include "runtime/tables/entry.hpp"
#include "runtime/tables/traffic_manager.hpp"
#include "sim/hopsim/program.hpp"
#include "sim/rtl/rtl_build.hpp"
#include "sim/rtl/rtl_engine.hpp"

namespace {

using hop::sim::Packet;
using hop::sim::rtl::RtlEngine;

constexpr int kWidth = 512;

std::string rtlCache() {
    const char* v = std::getenv("HOPSIM_RTL_CACHE");
    return v && *v ? v : HOP_RTL_CACHE;
}

// An Ethernet + IPv4 + UDP frame from port `in` to 10.0.<to>.1, 64 bytes, IPv4 checksum right.
std::vector<uint8_t> frameTo(int to, uint8_t tag) {
    std::vector<uint8_t> f = {
        0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x0a, 0x08, 0x00, 0x45, 0x00, 0x00, 0x32, 0x00, 0x01, 0x00, 0x00,
        0x40, 0x11, 0x00, 0x00, 0xc6, 0x33, 0x64, 0x0a, 0x0a, 0x00, static_cast<uint8_t>(to),
        0x01, 0x04, 0xd2, 0x16, 0x2e, 0x00, 0x1e, 0x00, 0x00};
    uint32_t sum = 0;
    for (int i = 14; i < 34; i += 2) sum += (f[i] << 8) | f[i + 1];
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    f[24] = static_cast<uint8_t>(~sum >> 8);
    f[25] = static_cast<uint8_t>(~sum);
    f.resize(64, tag);
    return f;
}

struct Switch {
    std::unique_ptr<hop::hopsim::LoadedProgram> program;
    std::unique_ptr<RtlEngine> engine;
};

// The program's switch top (`ports` ports) or pipeline top (ports 0), loaded, with `lines`
// (STF table lines and traffic-manager lines) applied.
Switch load(const std::string& path, int ports, const std::vector<std::string>& lines,
            double stallOut = 0) {
    Switch s;
    s.program = hop::hopsim::loadProgram(path, {}, std::cerr);
    if (!s.program) return s;
    int rc = 0;
    auto built = hop::sim::rtl::buildModel(s.program->compiled(),
                                           {.dataWidth = kWidth,
                                            .cacheDir = rtlCache(),
                                            .trace = {},
                                            .top = ports ? "switch" : "pipeline",
                                            .ports = ports ? ports : 8,
                                            .cpuPort = 510},
                                           std::cerr, rc);
    if (!built) return s;
    hop::sim::rtl::RtlOptions options;
    options.stallOut = stallOut;
    std::string error;
    s.engine = RtlEngine::create(s.program->ir(), std::move(*built), options, error);
    if (!s.engine) {
        std::cerr << "switch_bench: " << error << "\n";
        return s;
    }
    int n = 0;
    for (const auto& line : lines) {
        hop::tables::ParseError pe;
        const hop::tables::Origin where{"switch_bench", ++n, 1};
        std::vector<std::string> out;
        bool ok = false;
        if (hop::tables::isTmCommand(line)) {
            auto cmd = hop::tables::parseTmCommand(line, where, pe);
            ok = cmd && s.engine->runTm(*cmd, out, error);
        } else {
            auto cmd = hop::tables::parseStfTableCommand(s.program->ir(), line, where, pe);
            ok = cmd && s.engine->apply(*cmd, error);
        }
        if (!ok) {
            std::cerr << "switch_bench: " << line << ": " << pe.str() << error << "\n";
            s.engine.reset();
            return s;
        }
    }
    return s;
}

std::vector<std::string> basicRoutes(int ports) {
    std::vector<std::string> r;
    for (int p = 0; p < ports; ++p)
        r.push_back(
            fmt::format("add MyIngress.ipv4_lpm hdr.ipv4.dstAddr:0x0a00{:02x}00/24 "
                        "MyIngress.ipv4_forward(dstAddr:0x0000000002{:02x}, port:{})",
                        p, p, p));
    return r;
}

struct Result {
    uint64_t in = 0, out = 0, drops = 0, cycles = 0, copies = 0;
    int64_t firstIn = -1, lastIn = -1, latency = -1;
    bool ok = false;
};

// Sends `frames` (port, bytes) all at once, drains, and sums up. `dropPorts`: the queues whose
// tail drops are read (priority 0).
Result run(RtlEngine& e, const std::vector<Packet>& frames, const std::vector<uint32_t>& ports) {
    Result r;
    std::string error;
    const uint32_t copiesAddr = e.built().switchInfo
                                    ? e.built().switchInfo->base + hop::regmap::kTmOwnOffset +
                                          4 * hop::regmap::kTmWordCopies
                                    : 0;
    uint32_t copies0 = 0;
    if (copiesAddr) copies0 = e.read(copiesAddr, error).value_or(0);
    e.resetStats();
    for (const auto& f : frames) e.send(f);
    hop::sim::Drained d;
    if (!e.drain(d, error)) {
        std::cerr << "switch_bench: " << error << "\n";
        return r;
    }
    for (const auto& c : d.completed) {
        if (c.inFirst >= 0 && (r.firstIn < 0 || c.inFirst < r.firstIn)) r.firstIn = c.inFirst;
        r.lastIn = std::max(r.lastIn, c.inLast);
        r.out += c.outputs.size();
    }
    r.out += d.unattributed.size();
    r.in = d.completed.size();
    r.cycles = e.stats().cycles;
    r.latency = e.stats().firstOut - e.stats().firstIn;
    for (uint32_t p : ports) {
        auto drops = e.queueDrops(p, 0, error);
        if (!drops) return r;
        r.drops += *drops;
    }
    if (copiesAddr) r.copies = e.read(copiesAddr, error).value_or(0) - copies0;
    r.ok = true;
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    const uint64_t frames = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 20000;
    const std::string basic = std::string(HOP_SOURCE_DIR) + "/examples/basic.p4";
    const std::string multicast =
        std::string(HOP_SOURCE_DIR) + "/../shared/p4-tutorials/multicast/multicast.p4";
    bool pass = true;

    // unicast: port p sends to port (p + 1) % 4.
    {
        Switch s = load(basic, 4, basicRoutes(4));
        Switch pipe = load(basic, 0, basicRoutes(4));
        if (!s.engine || !pipe.engine) return 3;
        std::vector<Packet> in;
        for (uint64_t i = 0; i < frames; ++i) {
            const int p = static_cast<int>(i % 4);
            in.push_back(
                {static_cast<uint32_t>(p), frameTo((p + 1) % 4, static_cast<uint8_t>(i)), 0});
        }
        const Result r = run(*s.engine, in, {0, 1, 2, 3});
        const Result one = run(*pipe.engine, {{0, frameTo(1, 0), 0}}, {});
        const double perClock =
            r.lastIn > r.firstIn ? static_cast<double>(r.in) / (r.lastIn - r.firstIn + 1) : 0;
        fmt::print(
            "unicast   basic.p4, 4 ports, each to the next, back to back: {} frames in, {:.3f} "
            "a clock taken at the ports (the one ingress bounds it at 1.00 beyond what the "
            "input FIFOs hold), {} out, {} tail drops; latency {} cycles (the pipeline top: "
            "{})\n",
            r.in, perClock, r.out, r.drops, r.latency, one.latency);
        pass = pass && r.ok && r.out == r.in && r.drops == 0 && perClock >= 0.995;
    }
    // multicast: port 4 to group 1 = ports 0..3.
    {
        Switch s = load(multicast, 5,
                        {"mc_mgrp_create 1", "mc_node_create 1 0 1 2 3", "mc_node_associate 1 0"});
        if (!s.engine) return 3;
        std::vector<Packet> in;
        for (uint64_t i = 0; i < frames; ++i) {
            // An unknown destination: multicast.p4 floods it to group 1.
            std::vector<uint8_t> f = frameTo(9, static_cast<uint8_t>(i));
            f[0] = 0x0a;
            in.push_back({4, f, 0});
        }
        const Result r = run(*s.engine, in, {0, 1, 2, 3});
        const double copiesPerClock =
            r.lastIn > r.firstIn ? static_cast<double>(r.copies) / (r.lastIn - r.firstIn + 1) : 0;
        fmt::print(
            "multicast multicast.p4, 5 ports, port 4 to a group of ports 0-3, back to back: {} "
            "frames in, {} copies ({:.3f} a clock while frames came in), {} out, {} tail drops\n",
            r.in, r.copies, copiesPerClock, r.out, r.drops);
        pass = pass && r.ok && r.copies == 4 * r.in && r.out == 4 * r.in && r.drops == 0 &&
               copiesPerClock >= 0.995;
    }
    // oversub: ports 0..2 to port 3, every output at half rate.
    {
        Switch s = load(basic, 4, basicRoutes(4), 0.5);
        if (!s.engine) return 3;
        std::vector<Packet> in;
        for (uint64_t i = 0; i < frames; ++i)
            in.push_back({static_cast<uint32_t>(i % 3), frameTo(3, static_cast<uint8_t>(i)), 0});
        const Result r = run(*s.engine, in, {3});
        fmt::print(
            "oversub   basic.p4, 4 ports, ports 0-2 to port 3 at half rate: {} frames in, {} out, "
            "{} tail drops counted by port 3's queue (in = out + drops: {})\n",
            r.in, r.out, r.drops, r.in == r.out + r.drops ? "yes" : "NO");
        pass = pass && r.ok && r.drops > 0 && r.in == r.out + r.drops;
    }
    fmt::print("{}\n", pass ? "PASS" : "FAIL");
    return pass ? 0 : 1;
}
