// SPDX-License-Identifier: Apache-2.0
// The generated pipelines on back-to-back 64-byte frames, DATA_W=512 (one beat per frame): for
// each example, a few table entries, then 1,000,000 frames that are all forwarded, fed to the
// Verilated pipeline (sim/rtl, the same models hopsim runs) with no idle input cycle and no
// output backpressure. Reports packets per clock, input stalls, drops, latency of the first
// frame and the simulation speed (wall time and CPU time of this run, one core), and the
// reference model's speed on the same frames; then checks the targets: 1.00 packet per clock,
// router latency <= 40 cycles, >= 2 M packets/s of simulation.
//
//   pipeline_bench [FRAMES] [PROGRAM...]
//       (default 1000000; basic router router_counted tunnel registers meters acl)
//
// `registers` is tests/stf/registers.p4 with every frame adding 1 to the same register cell (a
// read-modify-write per frame, back to back); its last frame out must carry the count.
// `meters` (tests/stf/meters.p4) marks every frame on one cell of each meter and one entry's
// direct meter.
// `router_counted` is examples/router.p4 with a direct counter (packets and bytes) on its LPM
// table, made from router.p4's text here (the table at 65,536 entries, the most a direct
// counter takes in hardware); at the end the entry every frame hit must have counted them all.
//
// Models come from the build's rtl-cache (HOP_RTL_CACHE), or from $HOPSIM_RTL_CACHE when set
// (bench/sim_profile.sh keeps its profiling models apart that way), and are built there when
// missing.
#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "runtime/tables/entry.hpp"
#include "sim/engine/engine.hpp"
#include "sim/hopsim/program.hpp"
#include "sim/hopsim/stf.hpp"
#include "sim/rtl/rtl_build.hpp"
#include "sim/rtl/rtl_engine.hpp"

namespace {

using hop::sim::Packet;

constexpr int kDataWidth = 512;
constexpr size_t kFrameBytes = 64;

struct Case {
    std::string program;
    std::vector<std::string> entries;  // STF `add` lines
    uint32_t port = 0;                 // ingress port of the frames
    std::string frame;                 // hex, padded with zeros to 64 bytes
    std::string source;                // the .p4 under HOP_SOURCE_DIR (default examples/)
    // When set: what the last frame out must say after `frames` frames (stateful programs).
    std::function<bool(const Packet& last, uint64_t frames)> checkLast;
    // When set: the program's text, made from `source`'s (written next to the model cache).
    std::function<std::string(const std::string& text)> edit;
    // When set: what the extern state (--dump-state's text) must hold after `frames` frames.
    std::function<bool(const std::string& state, uint64_t frames)> checkState;
};

// examples/router.p4 with a direct counter on ipv4_lpm: the text replaced at two anchors, so the
// benchmark follows router.p4 (empty when an anchor moved).
std::string withLpmCounter(const std::string& text) {
    std::string s = text;
    const std::string table = "    table ipv4_lpm {";
    const std::string tail = "        default_action = NoAction();\n        size = 1048576;\n";
    const size_t t = s.find(table);
    if (t == std::string::npos) return "";
    s.insert(t, "    direct_counter(CounterType.packets_and_bytes) lpm_hits;\n");
    const size_t e = s.find(tail, t);
    if (e == std::string::npos) return "";
    s.replace(e, tail.size(),
              "        default_action = NoAction();\n        size = 65536;\n"
              "        counters = lpm_hits;\n");
    return s;
}

// Entries and a forwarded frame per program, as in tests/stf/<program>-*.stf.
std::vector<Case> cases() {
    std::vector<Case> c;
    c.push_back({"basic",
                 {"add MyIngress.ipv4_lpm hdr.ipv4.dstAddr:0xc0000200/24 "
                  "MyIngress.ipv4_forward(dstAddr:0x000000000202, port:2)",
                  "add MyIngress.ipv4_lpm hdr.ipv4.dstAddr:0xcb007100/24 "
                  "MyIngress.ipv4_forward(dstAddr:0x000000000303, port:3)"},
                 0,
                 "00000000000100000000000a0800450000210001000040118e79c633640ac000021404d2162e000d"
                 "000068656c6c6f"});
    Case r{"router",
           {},
           1,
           "0200000000010a000000000108004500002300010000"
           "40117cb9c000020acb007105c000829a000f0000726f7574657221"};
    for (int p = 0; p < 8; ++p)
        r.entries.push_back(
            fmt::format("add port_mac standard_metadata.ingress_port:{} "
                        "set_port_mac(mac:0x0200000000{:02x})",
                        p, p));
    r.entries.push_back("add local_addr dstAddr:0xc0000201 local_hit()");
    r.entries.push_back("add ipv4_lpm dstAddr:0xcb007100/24 set_nexthop(nexthop_id:7)");
    r.entries.push_back("add ipv4_lpm dstAddr:0xc6336400/24 set_nexthop(nexthop_id:9)");
    r.entries.push_back("add ipv4_lpm dstAddr:0x0a000000/8 set_nexthop(nexthop_id:9)");
    r.entries.push_back("add ipv4_lpm dstAddr:0xcb007180/25 set_nexthop(nexthop_id:9)");
    r.entries.push_back(
        "add nexthop nexthop_id:7 set_nexthop_l2(dmac:0x0a0000000007, smac:0x020000000002, "
        "port:2)");
    r.entries.push_back(
        "add nexthop nexthop_id:9 set_nexthop_l2(dmac:0x0a0000000009, smac:0x020000000003, "
        "port:3)");
    c.push_back(r);
    // The same frames through router.p4 with a direct counter on ipv4_lpm: every frame hits
    // 203.0.113.0/24, the table's first entry (handle 0), so it must count them all, 64 bytes
    // each (the frame's length as BMv2 counts it).
    Case rc = r;
    rc.program = "router_counted";
    rc.source = "examples/router.p4";
    rc.edit = withLpmCounter;
    rc.checkState = [](const std::string& state, uint64_t frames) {
        return state.find(fmt::format("[0] packets={} bytes={}\n", frames, 64 * frames)) !=
               std::string::npos;
    };
    c.push_back(rc);
    c.push_back({"tunnel",
                 {"add myTunnel_exact dst_id:0x42 myTunnel_forward(port:3)"},
                 1,
                 "00000000000100000000000a121208000042450000220001000040111487c633640acb007105c0"
                 "00829a000e000074756e6e656c"});
    // A register read-modify-write on the same cell by every frame, back to back: r[3] += 1,
    // and the frame carries r[3] after its own write (tests/stf/registers.p4), so the last
    // frame out must say `frames` (mod 2^32): no update lost, none stalled.
    Case reg{"registers",
             {},
             0,
             "03"
             "00000001",
             "tests/stf/registers.p4"};
    reg.checkLast = [](const Packet& last, uint64_t frames) {
        if (last.bytes.size() < 13) return false;
        uint32_t after = 0;
        for (int i = 9; i < 13; ++i) after = (after << 8) | last.bytes[i];
        return after == static_cast<uint32_t>(frames);
    };
    c.push_back(reg);
    // Every frame through both indexed meters' cell 0 and classify's direct meter on one entry
    // (tests/stf/meters.p4; no rates set: each frame still reads and writes its cells), so the
    // latency shows the meter stages' cycles.
    c.push_back(
        {"meters", {"add classify req.key:1 mark()"}, 0, "0001000000", "tests/stf/meters.p4"});
    c.push_back({"acl",
                 {"add ipv4_lpm dstAddr:0xc0000200/24 ipv4_forward(dstAddr:0x000000000202, "
                  "port:2)",
                  "add ipv4_lpm dstAddr:0xcb007100/24 ipv4_forward(dstAddr:0x000000000303, "
                  "port:3)"},
                 1,
                 "00000000000100000000000a0800450000390001000040111473c6336407cb0071059c40003500"
                 "250000123401000001000000000000076578616d706c6503636f6d0000010001"});
    return c;
}

std::vector<uint8_t> fromHex(const std::string& hex) {
    std::vector<uint8_t> b;
    for (size_t i = 0; i + 1 < hex.size(); i += 2)
        b.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    b.resize(kFrameBytes, 0);
    return b;
}

// The model cache: $HOPSIM_RTL_CACHE, as for hopsim, else the build's.
std::string rtlCache() {
    const char* v = std::getenv("HOPSIM_RTL_CACHE");
    return v && *v ? v : HOP_RTL_CACHE;
}

double cpuSeconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec +
           u.ru_stime.tv_usec / 1e6;
}

double wallSince(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

struct Row {
    std::string program;
    bool ok = false;
    std::string error;
    uint64_t framesIn = 0, framesOut = 0, cycles = 0, inStalls = 0, drops = 0;
    double perClock = 0;
    int64_t latency = -1;
    double wall = 0, cpu = 0, modelPps = 0;
    bool firstMatches = false;
    bool lastChecked = false, lastMatches = true;    // Case::checkLast
    bool stateChecked = false, stateMatches = true;  // Case::checkState
};

bool applyAll(hop::sim::Engine& e, const hop::ir::Program& prog, const Case& c,
              std::string& error) {
    int line = 0;
    for (const auto& text : c.entries) {
        hop::tables::ParseError pe;
        auto cmd = hop::tables::parseStfTableCommand(prog, text, {"pipeline_bench", ++line, 1}, pe);
        if (!cmd) {
            error = pe.str();
            return false;
        }
        if (!e.apply(*cmd, error)) return false;
    }
    return true;
}

Row run(const Case& c, uint64_t frames) {
    Row row;
    row.program = c.program;
    const std::string source = c.source.empty() ? "examples/" + c.program + ".p4" : c.source;
    std::string path = std::string(HOP_SOURCE_DIR) + "/" + source;
    if (c.edit) {
        std::ifstream in(path);
        std::stringstream text;
        text << in.rdbuf();
        const std::string edited = c.edit(text.str());
        if (edited.empty()) {
            row.error = path + " changed: the benchmark's edit no longer applies";
            return row;
        }
        std::error_code ec;
        std::filesystem::create_directories(rtlCache() + "/bench-src", ec);
        path = rtlCache() + "/bench-src/" + c.program + ".p4";
        std::ofstream(path) << edited;
    }
    auto program = hop::hopsim::loadProgram(path, {}, std::cerr);
    if (!program) {
        row.error = "does not compile";
        return row;
    }
    const auto& ir = program->ir();
    const Packet frame{c.port, fromHex(c.frame)};

    // The reference model: what the frame must become, and its speed.
    hop::sim::ModelEngine model(ir);
    if (!applyAll(model, ir, c, row.error)) return row;
    std::vector<Packet> expected;
    {
        const uint64_t n = std::min<uint64_t>(frames, 200000);
        const double c0 = cpuSeconds();
        for (uint64_t i = 0; i < n; ++i) {
            model.send(frame);
            if ((i & 4095) == 4095 || i + 1 == n) {
                hop::sim::Drained d;
                std::string e;
                model.drain(d, e);
                if (expected.empty() && !d.completed.empty())
                    expected = d.completed.front().outputs;
            }
        }
        row.modelPps = n / std::max(1e-9, cpuSeconds() - c0);
    }
    if (expected.size() != 1) {
        row.error =
            fmt::format("the model does not forward the frame ({} outputs)", expected.size());
        return row;
    }

    // The RTL.
    int rc = 0;
    std::ostringstream err;
    auto built = hop::sim::rtl::buildModel(
        program->compiled(), {.dataWidth = kDataWidth, .cacheDir = rtlCache()}, err, rc);
    if (!built) {
        row.error = "no RTL model: " + err.str();
        return row;
    }
    auto rtl = hop::sim::rtl::RtlEngine::create(ir, std::move(*built), {}, row.error);
    if (!rtl) return row;
    if (!applyAll(*rtl, ir, c, row.error)) return row;
    const auto& map = rtl->built().regmap;
    auto dropped0 = rtl->read(map.pipelineBase + 4 * hop::regmap::kWordDropped, row.error);
    if (!dropped0) return row;
    rtl->resetStats();

    constexpr size_t kBatch = 4096;
    uint64_t sent = 0;
    bool first = true;
    Packet last;
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = cpuSeconds();
    while (sent < frames) {
        const uint64_t n = std::min<uint64_t>(kBatch, frames - sent);
        for (uint64_t i = 0; i < n; ++i) rtl->send(frame);
        sent += n;
        rtl->runUntilQueued(kBatch / 4);
        for (auto& p : rtl->takeOutputs()) {
            if (first) {
                row.firstMatches = p.port == expected[0].port && p.bytes == expected[0].bytes;
                first = false;
            }
            ++row.framesOut;
            last = std::move(p);
        }
    }
    hop::sim::Drained d;
    if (!rtl->drain(d, row.error)) return row;
    row.wall = wallSince(t0);
    row.cpu = cpuSeconds() - c0;
    for (auto& o : d.unattributed) {
        if (first) {
            row.firstMatches =
                o.packet.port == expected[0].port && o.packet.bytes == expected[0].bytes;
            first = false;
        }
        ++row.framesOut;
        last = o.packet;
    }
    if (c.checkLast) {
        row.lastChecked = true;
        row.lastMatches = c.checkLast(last, row.framesOut);
    }
    if (c.checkState) {
        const auto state = hop::hopsim::externAccess(*rtl)->dumpState(row.error);
        if (!state) return row;
        row.stateChecked = true;
        row.stateMatches = c.checkState(*state, row.framesOut);
    }
    const auto& st = rtl->stats();
    row.framesIn = st.framesIn;
    row.inStalls = st.inStalls;
    // The cycles of the stream itself: first beat in to last beat out (drain() adds CSR reads).
    row.cycles = st.lastOut >= st.firstIn ? st.lastOut - st.firstIn + 1 : 0;
    row.perClock = row.cycles ? double(row.framesOut) / row.cycles : 0;
    row.latency = st.firstOut >= 0 ? st.firstOut - st.firstIn : -1;
    auto dropped = rtl->read(map.pipelineBase + 4 * hop::regmap::kWordDropped, row.error);
    if (!dropped) return row;
    row.drops = (*dropped - *dropped0) + (row.framesIn - row.framesOut);
    row.ok = true;
    row.wall = std::max(row.wall, 1e-9);
    row.cpu = std::max(row.cpu, 1e-9);
    row.cycles = st.cycles;  // the speed counts every cycle run, drain's CSR reads too
    return row;
}

}  // namespace

int main(int argc, char** argv) {
    uint64_t frames = 1000000;
    std::vector<std::string> only;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (!a.empty() && std::isdigit(static_cast<unsigned char>(a[0])))
            frames = std::stoull(a);
        else
            only.push_back(a);
    }
    std::printf(
        "Pipeline benchmark: %llu back-to-back %zu-byte frames per program, DATA_W=%d, no idle "
        "input cycle, no backpressure\n  RTL models in %s\n\n",
        static_cast<unsigned long long>(frames), kFrameBytes, kDataWidth, rtlCache().c_str());
    std::vector<Row> rows;
    for (const auto& c : cases()) {
        if (!only.empty() && std::find(only.begin(), only.end(), c.program) == only.end()) continue;
        std::fflush(stdout);
        rows.push_back(run(c, frames));
    }

    std::printf("%-14s %9s %9s %8s %6s %6s %8s %11s %11s %11s %11s\n", "program", "in", "out",
                "pkt/clk", "stalls", "drops", "latency", "cycles/s", "pkts/s", "pkts/s", "model");
    std::printf("%-14s %9s %9s %8s %6s %6s %8s %11s %11s %11s %11s\n", "", "", "", "", "", "",
                "cycles", "(wall)", "(wall)", "(cpu)", "pkts/s(cpu)");
    bool all = true;
    for (const auto& r : rows) {
        if (!r.ok) {
            std::printf("%-14s error: %s\n", r.program.c_str(), r.error.c_str());
            all = false;
            continue;
        }
        std::printf("%-14s %9llu %9llu %8.3f %6llu %6llu %8lld %11.0f %11.0f %11.0f %11.0f%s\n",
                    r.program.c_str(), static_cast<unsigned long long>(r.framesIn),
                    static_cast<unsigned long long>(r.framesOut), r.perClock,
                    static_cast<unsigned long long>(r.inStalls),
                    static_cast<unsigned long long>(r.drops), static_cast<long long>(r.latency),
                    r.cycles / r.wall, r.framesIn / r.wall, r.framesIn / r.cpu, r.modelPps,
                    r.firstMatches ? "" : "  (first output differs from the model!)");
        if (r.lastChecked)
            std::printf("%-14s the last frame out carries the state after every frame: %s\n", "",
                        r.lastMatches ? "yes" : "NO");
        if (r.stateChecked)
            std::printf("%-14s the counter read back counts every frame: %s\n", "",
                        r.stateMatches ? "yes" : "NO");
    }

    std::printf("\nTargets (PASS/MISS):\n");
    for (const auto& r : rows) {
        if (!r.ok) continue;
        const bool rate = r.perClock >= 0.995 && r.drops == 0 && r.inStalls == 0;
        std::printf(
            "  %-7s 1.00 packet per clock, no stall, no drop: %-4s (%.3f, %llu stalls, "
            "%llu drops)\n",
            r.program.c_str(), rate ? "PASS" : "MISS", r.perClock,
            static_cast<unsigned long long>(r.inStalls), static_cast<unsigned long long>(r.drops));
        if (r.program == "router") {
            std::printf("  %-7s latency <= 40 cycles:                  %-4s (%lld)\n",
                        r.program.c_str(), r.latency >= 0 && r.latency <= 40 ? "PASS" : "MISS",
                        static_cast<long long>(r.latency));
        }
        const double pps = r.framesIn / r.cpu;
        std::printf(
            "  %-7s >= 2 M packets/s simulated, one core:  %-4s (%.0f packets/s CPU time, "
            "%.0f wall; %.1fx short)\n",
            r.program.c_str(), pps >= 2e6 ? "PASS" : "MISS", pps, r.framesIn / r.wall,
            pps >= 2e6 ? 0.0 : 2e6 / pps);
        all = all && r.firstMatches && r.lastMatches && r.stateMatches;
    }
    return all ? 0 : 1;
}
