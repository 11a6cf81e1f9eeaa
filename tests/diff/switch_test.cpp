// SPDX-License-Identifier: Apache-2.0
// The v1model switch top (hopc --ports 8, `hopsim --rtl-top switch`) against the reference model:
//
// ModelVsSwitch: random table contents and a random multicast group (nodes over the front-panel
// ports and the CPU port) in both engines, then random frames (tests/diff/traffic.hpp) offered on
// eight ports at once, each with 30 % backpressure on every output, and light enough that no
// queue of the traffic manager overflows (checked: its tail-drop counters stay 0). The model runs
// the frames one after the other; the switch takes them from its ports in its arbiter's order,
// so only what v1model promises is compared: per output port, the same frames (bytes, as a
// multiset), and the frames that came in on one port leave each port in the order they came.
// Each frame carries its number in 4 bytes appended after what the traffic generator made (a
// program passes bytes it does not parse through), which names its input port and place.
// HOP_SWITCH_DEBUG=1 prints, when the engines disagree on a port's frame count, the frames
// that differ and both sequences.
//
// QueueDepth: set_queue_depth reaches the switch's queues: with one port's output held and more
// frames for it than every buffer on the way holds, a queue limit of 4 drops exactly 252 frames
// more than the limit of 256 does (the same frames and the same timing up to the queue), and the
// frames that did not leave are exactly those the queue's DROPS counter counted.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <map>
#include <random>
#include <sstream>

#include "runtime/tables/entry.hpp"
#include "runtime/tables/traffic_manager.hpp"
#include "sim/rtl/rtl_build.hpp"
#include "sim/rtl/rtl_engine.hpp"
#include "tests/diff/common.hpp"
#include "tests/diff/traffic.hpp"

namespace hop {
namespace {

using difftest::hex;

constexpr int kPorts = 8;
constexpr uint32_t kCpuPort = 510;

struct Program {
    const char* name;
    const char* dir;
};

const Program kMulticast{"multicast", "../shared/p4-tutorials/multicast"};
const Program kBasic{"basic", "examples"};
const Program kEcn{"ecn", "../shared/p4-tutorials/ecn"};
const Program kMri{"mri", "../shared/p4-tutorials/mri"};

std::unique_ptr<sim::rtl::RtlEngine> switchEngine(const ir::Program& program, const Program& p,
                                                  const sim::rtl::RtlOptions& options) {
    auto compiled = difftest::compiledExample(p.name, 64, p.dir);
    if (!compiled) return nullptr;
    std::ostringstream err;
    int code = 0;
    auto built = sim::rtl::buildModel(*compiled,
                                      {.dataWidth = 64,
                                       .cacheDir = HOP_RTL_CACHE,
                                       .trace = {},
                                       .top = "switch",
                                       .ports = kPorts,
                                       .cpuPort = static_cast<int>(kCpuPort)},
                                      err, code);
    EXPECT_TRUE(built.has_value()) << err.str();
    if (!built) return nullptr;
    std::string error;
    auto e = sim::rtl::RtlEngine::create(program, std::move(*built), options, error);
    EXPECT_TRUE(e) << error;
    if (e) EXPECT_TRUE(e->isSwitch());
    return e;
}

// One traffic-manager line on both engines (both must take it).
void tmBoth(sim::Engine& model, sim::Engine& rtl, const std::string& line) {
    tables::ParseError perr;
    auto cmd = tables::parseTmCommand(line, tables::Origin{"switch_test", 1, 1}, perr);
    ASSERT_TRUE(cmd) << perr.str();
    std::vector<std::string> out;
    std::string error;
    ASSERT_TRUE(model.runTm(*cmd, out, error)) << line << ": " << error;
    ASSERT_TRUE(rtl.runTm(*cmd, out, error)) << line << ": " << error;
}

uint32_t tagOf(const std::vector<uint8_t>& b) {
    if (b.size() < 4) return ~0u;
    const size_t n = b.size();
    return (uint32_t{b[n - 4]} << 24) | (uint32_t{b[n - 3]} << 16) | (uint32_t{b[n - 2]} << 8) |
           b[n - 1];
}

// Random table contents (16 commands a table; what the hardware takes the model must take) and
// multicast group 1 (multicast.p4 floods to it; the other programs never multicast): three
// nodes with random rids over random port sets (each port with probability 1/4), one of them
// with the CPU port.
void configure(sim::Engine& model, sim::Engine& rtl, difftest::Traffic& traffic, uint64_t seed) {
    for (const auto& cmd : traffic.tableCommands(16)) {
        std::string rtlError, modelError;
        // The hardware may be full earlier than the model.
        if (!rtl.apply(cmd, rtlError)) {
            if (rtlError.find("full") == std::string::npos)
                EXPECT_FALSE(model.apply(cmd, modelError)) << "the model took: " << rtlError;
            continue;
        }
        ASSERT_TRUE(model.apply(cmd, modelError)) << modelError;
    }
    std::mt19937_64 rng(seed);
    tmBoth(model, rtl, "mc_mgrp_create 1");
    for (int n = 0; n < 3; ++n) {
        std::string line = "mc_node_create " + std::to_string(rng() % 65536);
        bool any = false;
        for (int p = 0; p < kPorts; ++p)
            if (rng() % 4 == 0) {
                line += " " + std::to_string(p);
                any = true;
            }
        if (n == 1) line += " " + std::to_string(kCpuPort);
        if (!any && n != 1) line += " " + std::to_string(n);
        ASSERT_NO_FATAL_FAILURE(tmBoth(model, rtl, line));
        ASSERT_NO_FATAL_FAILURE(tmBoth(model, rtl, "mc_node_associate 1 " + std::to_string(n)));
    }
}

// The model and the switch top of `p` side by side: its inputs idle `idleIn` of the time, every
// output stalled 30 % of it, the same random tables and group in both (configure), and the
// random frames of `inputs` input ports.
struct Engines {
    std::unique_ptr<Frontend> fe;
    std::unique_ptr<sim::rtl::RtlEngine> rtl;
    std::unique_ptr<sim::ModelEngine> model;
    std::unique_ptr<difftest::Traffic> traffic;
    const ir::Program& program() const { return *fe->ir; }
};

void makeEngines(const Program& p, uint64_t seed, double idleIn, uint32_t inputs, Engines& e) {
    e.fe = difftest::compileExample(p.name, p.dir);
    ASSERT_TRUE(e.fe);
    sim::rtl::RtlOptions ro;
    ro.idleIn = idleIn;
    ro.stallOut = 0.3;
    ro.seed = static_cast<uint32_t>(seed);
    e.rtl = switchEngine(e.program(), p, ro);
    ASSERT_TRUE(e.rtl);
    e.model = std::make_unique<sim::ModelEngine>(e.program());
    difftest::TrafficMix mix;
    mix.ports = inputs;
    e.traffic = std::make_unique<difftest::Traffic>(e.program(), seed, mix);
    ASSERT_NO_FATAL_FAILURE(configure(*e.model, *e.rtl, *e.traffic, seed));
}

// The model's and the switch's frames (in the order they left), each carrying its number
// (inPort: the frame's input port by number): per output port the same frames (bytes, as a
// multiset), and the frames from one input port in the order they came.
void comparePerPort(const std::vector<sim::Packet>& mo, const std::vector<sim::Packet>& ro2,
                    const std::vector<uint32_t>& inPort) {
    if (mo.size() != ro2.size() && std::getenv("HOP_SWITCH_DEBUG")) {
        std::map<uint32_t, int> count;
        for (const auto& f : mo) ++count[tagOf(f.bytes)];
        for (const auto& f : ro2) --count[tagOf(f.bytes)];
        for (const auto& [tag, n] : count)
            if (n != 0)
                std::cout << "frame " << tag << " (in on port " << inPort.at(tag)
                          << "): model - switch = " << n << "\n";
        std::cout << "model:";
        for (const auto& f : mo) std::cout << " " << tagOf(f.bytes) << "/" << f.port;
        std::cout << "\nswitch:";
        for (const auto& f : ro2) std::cout << " " << tagOf(f.bytes) << "/" << f.port;
        std::cout << "\n";
    }
    ASSERT_EQ(mo.size(), ro2.size()) << "frames out";
    // Per output port: (input port -> the frame numbers, in order) and the multiset of bytes.
    using ByInput = std::map<uint32_t, std::vector<uint32_t>>;
    std::map<uint32_t, ByInput> mOrder, rOrder;
    std::map<uint32_t, std::vector<std::string>> mBytes, rBytes;
    auto index = [&](const std::vector<sim::Packet>& frames, std::map<uint32_t, ByInput>& order,
                     std::map<uint32_t, std::vector<std::string>>& bytes) {
        for (const auto& f : frames) {
            // A program may take the number for a header and drop it (mri.p4 pushes a switch
            // trace onto a full stack): such a frame is compared by its bytes only.
            const uint32_t tag = tagOf(f.bytes);
            if (tag < inPort.size()) order[f.port][inPort[tag]].push_back(tag);
            bytes[f.port].push_back(hex(f.bytes));
        }
        for (auto& [port, list] : bytes) std::sort(list.begin(), list.end());
    };
    ASSERT_NO_FATAL_FAILURE(index(mo, mOrder, mBytes));
    ASSERT_NO_FATAL_FAILURE(index(ro2, rOrder, rBytes));
    for (const auto& [port, list] : mBytes) {
        ASSERT_EQ(list, rBytes[port]) << "the frames out of port " << port;
        for (const auto& [in, tags] : mOrder[port])
            ASSERT_EQ(tags, rOrder[port][in])
                << "the order of the frames from port " << in << " out of port " << port;
    }
    EXPECT_EQ(mBytes.size(), rBytes.size()) << "ports used";
}

struct SwitchCase {
    Program program;
    int frames;
    uint64_t seed;
};

class ModelVsSwitch : public ::testing::TestWithParam<SwitchCase> {};

TEST_P(ModelVsSwitch, SameFramesPerPortInOrderPerInputPort) {
    const SwitchCase c = GetParam();
    // Eight ports each offering a beat 1 % of the time: 0.08 beats a clock into one ingress;
    // a multicast frame's copies (about seven: three nodes of two ports, and the CPU port) share
    // the one egress pipeline, so egress is busy about half the time.
    Engines e;
    ASSERT_NO_FATAL_FAILURE(makeEngines(c.program, c.seed, 0.99, kPorts, e));
    sim::ModelEngine& model = *e.model;
    sim::rtl::RtlEngine* rtl = e.rtl.get();
    difftest::Traffic& traffic = *e.traffic;

    std::vector<uint32_t> inPort;  // by frame number
    for (int i = 0; i < c.frames; ++i) {
        sim::Packet p = traffic.packet();
        for (int k = 3; k >= 0; --k) p.bytes.push_back(static_cast<uint8_t>(i >> (8 * k)));
        inPort.push_back(p.port);
        model.send(p);
        rtl->send(p);
    }
    sim::Drained md, rd;
    ASSERT_NO_FATAL_FAILURE(difftest::drainBoth(model, *rtl, md, rd));
    // The model sends to any port egress_spec names; the switch has ports 0..7 and the CPU port
    // and drops the rest, as simple_switch does a packet for a port no interface is attached to.
    std::vector<sim::Packet> mo;
    for (auto& f : difftest::outputsInOrder(md))
        if (f.port < static_cast<uint32_t>(kPorts) || f.port == kCpuPort) mo.push_back(f);
    const std::vector<sim::Packet> ro2 = difftest::outputsInOrder(rd);
    std::string error;
    for (int port = 0; port <= kPorts; ++port) {
        const uint32_t p = port == kPorts ? kCpuPort : static_cast<uint32_t>(port);
        auto drops = rtl->queueDrops(p, 0, error);
        ASSERT_TRUE(drops) << error;
        EXPECT_EQ(*drops, 0u) << "the traffic manager dropped frames for port " << p
                              << ": the test is not meant to congest it";
    }
    ASSERT_FALSE(HasFailure());

    size_t copies = 0;
    for (const auto& c2 : md.completed) copies += c2.outputs.size() > 1;
    std::cout << "[ switch ] " << c.program.name << ": " << c.frames << " frames on " << kPorts
              << " ports, " << mo.size() << " out of the model (" << copies
              << " frames replicated), " << ro2.size() << " out of the switch, "
              << rtl->stats().cycles << " cycles\n";
    EXPECT_GT(mo.size(), static_cast<size_t>(c.frames) / 4) << "too few frames get through";
    comparePerPort(mo, ro2, inPort);
}

INSTANTIATE_TEST_SUITE_P(Programs, ModelVsSwitch,
                         ::testing::Values(SwitchCase{kMulticast, 3000, 0x5111},
                                           SwitchCase{kBasic, 3000, 0x5112}),
                         [](const auto& info) { return std::string(info.param.program.name); });

// Congestion against the model: two ports A and B paused (port_pause, on both engines; the two
// the frames reach most often, or the two the case routes IPv4 to) while the frames arrive, B's
// queue limited (set_queue_depth), then A and then B resumed. Both engines must agree on
// everything: what left before the resumes (nothing for 1 and 3), what each resume released, and
// the tail drops of B's queue (the same count; the RTL's DROPS counter against the model's drops by
// reason). With one input port the frames reach the traffic manager in the same order on both, so
// which frames are dropped and the queue depths each saw (ecn.p4 marks a packet when it saw 10 or
// more ahead of it) must be the same too; with several at once (multicast), the queues are left
// room, no frame is dropped, and the frames of each input port keep their order.
struct CongestionCase {
    Program program;
    uint32_t inputs;
    int frames;
    int limit;  // B's queue limit; 0: none set (256)
    uint64_t seed;
    std::vector<const char*> lines = {};    // STF table lines for both engines (routes)
    std::pair<int, int> paused = {-1, -1};  // A and B; else the two ports used most
};

// ecn.p4's and mri.p4's routes: the two halves of the address space to ports 2 and 5 (the
// random routes are longer); and mri.p4's switch id.
const char* const kLowHalf =
    "add MyIngress.ipv4_lpm hdr.ipv4.dstAddr:0x00000000/1 "
    "MyIngress.ipv4_forward(dstAddr:0x020000000002, port:2)";
const char* const kHighHalf =
    "add MyIngress.ipv4_lpm hdr.ipv4.dstAddr:0x80000000/1 "
    "MyIngress.ipv4_forward(dstAddr:0x020000000005, port:5)";
const char* const kSwitchId = "setdefault MyEgress.swtrace MyEgress.add_swtrace(swid:7)";

class SwitchCongestion : public ::testing::TestWithParam<CongestionCase> {};

TEST_P(SwitchCongestion, PausedPortsAgainstTheModel) {
    const CongestionCase c = GetParam();
    Engines e;
    ASSERT_NO_FATAL_FAILURE(makeEngines(c.program, c.seed, c.inputs > 1 ? 0.99 : 0.9, c.inputs, e));
    const ir::Program& program = e.program();
    sim::ModelEngine& model = *e.model;
    sim::rtl::RtlEngine* rtl = e.rtl.get();
    difftest::Traffic& traffic = *e.traffic;
    for (const char* line : c.lines) {
        tables::ParseError perr;
        auto cmd = tables::parseStfTableCommand(program, line, {"switch_test", 1, 1}, perr);
        ASSERT_TRUE(cmd) << perr.str();
        std::string error;
        ASSERT_TRUE(model.apply(*cmd, error)) << error;
        ASSERT_TRUE(rtl->apply(*cmd, error)) << error;
    }
    std::vector<sim::Packet> frames;
    std::vector<uint32_t> inPort;  // by frame number
    for (int i = 0; i < c.frames; ++i) {
        sim::Packet p = traffic.packet();
        for (int k = 3; k >= 0; --k) p.bytes.push_back(static_cast<uint8_t>(i >> (8 * k)));
        inPort.push_back(p.port);
        frames.push_back(std::move(p));
    }
    // The ports to congest: the two front-panel ports the frames reach most often (a dry run on
    // the model, whose tables these programs do not change).
    uint32_t pa = 0, pb = 0;
    {
        std::map<uint32_t, int> perPort;
        for (const auto& f : frames) model.send(f);
        sim::Drained pd;
        std::string error;
        ASSERT_TRUE(model.drain(pd, error)) << error;
        for (const auto& f : difftest::outputsInOrder(pd))
            if (f.port < static_cast<uint32_t>(kPorts)) ++perPort[f.port];
        std::vector<std::pair<int, uint32_t>> ranked;
        for (const auto& [port, n] : perPort) ranked.push_back({n, port});
        std::sort(ranked.rbegin(), ranked.rend());
        ASSERT_GE(ranked.size(), 2u) << "the frames reach fewer than two ports";
        pa = c.paused.first >= 0 ? static_cast<uint32_t>(c.paused.first) : ranked[0].second;
        pb = c.paused.second >= 0 ? static_cast<uint32_t>(c.paused.second) : ranked[1].second;
    }
    const std::string a = std::to_string(pa), b = std::to_string(pb);
    if (c.limit > 0)
        ASSERT_NO_FATAL_FAILURE(
            tmBoth(model, *rtl, "set_queue_depth " + std::to_string(c.limit) + " " + b));
    ASSERT_NO_FATAL_FAILURE(tmBoth(model, *rtl, "port_pause " + a));
    ASSERT_NO_FATAL_FAILURE(tmBoth(model, *rtl, "port_pause " + b));

    for (const auto& f : frames) {
        model.send(f);
        rtl->send(f);
    }
    // The outputs of one phase, the model's to ports the switch lacks left out (see above).
    auto phase = [&](std::vector<sim::Packet>& mo, std::vector<sim::Packet>& rout) {
        sim::Drained md, rd;
        ASSERT_NO_FATAL_FAILURE(difftest::drainBoth(model, *rtl, md, rd));
        for (auto& f : difftest::outputsInOrder(md))
            if (f.port < static_cast<uint32_t>(kPorts) || f.port == kCpuPort) mo.push_back(f);
        rout = difftest::outputsInOrder(rd);
    };
    std::vector<sim::Packet> m0, r0, m1, r1, m3, r3;
    ASSERT_NO_FATAL_FAILURE(phase(m0, r0));
    std::string error;
    auto heldA = rtl->queueDepth(pa, 0, error);
    ASSERT_TRUE(heldA) << error;
    auto heldB = rtl->queueDepth(pb, 0, error);
    ASSERT_TRUE(heldB) << error;
    // The tail drops: the switch's per queue, the model's by reason (none for other ports).
    auto modelDrops = [&](const std::string& port) {
        uint64_t n = 0;
        for (const auto& [reason, count] : model.model().dropCounts())
            if (reason.rfind("queue full (port " + port + ",", 0) == 0) n += count;
        return n;
    };
    auto dropsA = rtl->queueDrops(pa, 0, error);
    ASSERT_TRUE(dropsA) << error;
    auto dropsB = rtl->queueDrops(pb, 0, error);
    ASSERT_TRUE(dropsB) << error;
    EXPECT_EQ(*dropsA, modelDrops(a)) << "tail drops of port " << a;
    EXPECT_EQ(*dropsB, modelDrops(b)) << "tail drops of port " << b;
    uint64_t allModel = 0;
    for (const auto& [reason, count] : model.model().dropCounts())
        if (reason.rfind("queue full", 0) == 0) allModel += count;
    EXPECT_EQ(allModel, modelDrops(a) + modelDrops(b)) << "tail drops of other ports";
    // Several input ports: which frames a full queue drops depends on the order they reach it,
    // which the engines need not share; the test leaves room.
    if (c.inputs > 1) ASSERT_EQ(*dropsA + *dropsB, 0u) << "the queues must not overflow";
    for (const auto& f : r0) ASSERT_TRUE(f.port != pa && f.port != pb) << "a paused port sent";
    ASSERT_NO_FATAL_FAILURE(comparePerPort(m0, r0, inPort));
    ASSERT_NO_FATAL_FAILURE(tmBoth(model, *rtl, "port_resume " + a));
    ASSERT_NO_FATAL_FAILURE(phase(m1, r1));
    for (const auto& f : r1) ASSERT_EQ(f.port, pa);
    ASSERT_NO_FATAL_FAILURE(comparePerPort(m1, r1, inPort));
    ASSERT_NO_FATAL_FAILURE(tmBoth(model, *rtl, "port_resume " + b));
    ASSERT_NO_FATAL_FAILURE(phase(m3, r3));
    for (const auto& f : r3) ASSERT_EQ(f.port, pb);
    ASSERT_NO_FATAL_FAILURE(comparePerPort(m3, r3, inPort));

    std::cout << "[ switch ] " << c.program.name << ", " << c.inputs << " input port(s), "
              << c.frames << " frames: " << m0.size() << " out before the resumes; port " << a
              << " held " << *heldA << " (" << r1.size() << " out, " << *dropsA
              << " dropped), port " << b << " held " << *heldB << " (" << r3.size() << " out, "
              << *dropsB << " dropped)\n";
    EXPECT_GT(r1.size(), 20u) << "port " << a << " must be congested";
    if (c.limit > 0) {
        EXPECT_EQ(*heldB, static_cast<uint32_t>(c.limit));
        EXPECT_GT(*dropsB, 0u) << "port " << b << "'s queue must overflow";
    }
}

INSTANTIATE_TEST_SUITE_P(
    Programs, SwitchCongestion,
    ::testing::Values(CongestionCase{kMulticast, kPorts, 300, 0, 0x5113},
                      CongestionCase{kEcn, 1, 1500, 20, 0x5114, {kLowHalf, kHighHalf}, {2, 5}},
                      CongestionCase{
                          kMri, 1, 1500, 20, 0x5115, {kSwitchId, kLowHalf, kHighHalf}, {2, 5}}),
    [](const auto& info) { return std::string(info.param.program.name); });

// Frames from ports 0, 2 and 3 to port 1 (basic.p4: one route to port 1) while port 1's output
// is held: the output queue, then the traffic manager's queue fill; then the output is released
// and everything drains. Returns the frames out of port 1 and the queue's DROPS.
std::pair<size_t, uint32_t> congest(const ir::Program& program, int depth, int frames) {
    sim::rtl::RtlOptions ro;
    ro.seed = 5;
    auto rtl = switchEngine(program, kBasic, ro);
    EXPECT_TRUE(rtl);
    if (!rtl) return {0, 0};
    std::string error;
    tables::ParseError perr;
    auto add =
        tables::parseStfTableCommand(program,
                                     "add MyIngress.ipv4_lpm hdr.ipv4.dstAddr:0xc0000200/24 "
                                     "MyIngress.ipv4_forward(dstAddr:0x000000000202, port:1)",
                                     tables::Origin{"switch_test", 1, 1}, perr);
    EXPECT_TRUE(add) << perr.str();
    EXPECT_TRUE(rtl->apply(*add, error)) << error;
    auto qd = tables::parseTmCommand("set_queue_depth " + std::to_string(depth) + " 1",
                                     tables::Origin{"switch_test", 2, 1}, perr);
    EXPECT_TRUE(qd) << perr.str();
    std::vector<std::string> out;
    EXPECT_TRUE(rtl->runTm(*qd, out, error)) << error;
    EXPECT_TRUE(rtl->holdOutput(1, true));
    // tests/stf/basic-forward.stf's UDP datagram to 192.0.2.20, padded to 64 bytes.
    const std::vector<uint8_t> frame = {0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
                                        0x00, 0x0a, 0x08, 0x00, 0x45, 0x00, 0x00, 0x21, 0x00, 0x01,
                                        0x00, 0x00, 0x40, 0x11, 0x8e, 0x79, 0xc6, 0x33, 0x64, 0x0a,
                                        0xc0, 0x00, 0x02, 0x14, 0x04, 0xd2, 0x16, 0x2e, 0x00, 0x0d,
                                        0x00, 0x00, 0x68, 0x65, 0x6c, 0x6c, 0x6f};
    for (int i = 0; i < frames; ++i) {
        sim::Packet p{static_cast<uint32_t>(std::array<int, 3>{0, 2, 3}[i % 3]), frame, 0};
        p.bytes.resize(64, static_cast<uint8_t>(i));
        rtl->send(p);
    }
    rtl->runUntilQueued(0);
    rtl->run(20000);  // the last frames through ingress into the full queue
    EXPECT_TRUE(rtl->holdOutput(1, false));
    sim::Drained d;
    EXPECT_TRUE(rtl->drain(d, error)) << error;
    size_t outs = difftest::outputsInOrder(d).size();
    auto drops = rtl->queueDrops(1, 0, error);
    EXPECT_TRUE(drops) << error;
    return {outs, drops ? *drops : 0};
}

TEST(SwitchQueues, SetQueueDepthLimitsTheQueue) {
    auto fe = difftest::compileExample("basic");
    ASSERT_TRUE(fe);
    // More than the output queue (16,384 beats: 2,048 frames of 8 beats), egress, the traffic
    // manager's queue of 256 and the input FIFOs hold together.
    constexpr int kFrames = 3000;
    const auto [out256, drops256] = congest(*fe->ir, 256, kFrames);
    const auto [out4, drops4] = congest(*fe->ir, 4, kFrames);
    std::cout << "[ switch ] queue limit 256: " << out256 << " out, " << drops256
              << " dropped; limit 4: " << out4 << " out, " << drops4 << " dropped\n";
    EXPECT_EQ(out256 + drops256, static_cast<size_t>(kFrames));
    EXPECT_EQ(out4 + drops4, static_cast<size_t>(kFrames));
    EXPECT_GT(drops256, 0u) << "the test must overflow the queue";
    EXPECT_EQ(drops4 - drops256, 256u - 4u);
}

TEST(SwitchQueues, BadQueueCommandsAreRefused) {
    auto fe = difftest::compileExample("basic");
    ASSERT_TRUE(fe);
    auto rtl = switchEngine(*fe->ir, kBasic, {});
    ASSERT_TRUE(rtl);
    tables::ParseError perr;
    std::vector<std::string> out;
    std::string error;
    for (const char* line : {"set_queue_depth 257", "set_queue_depth 4 9", "set_queue_rate 100"}) {
        auto cmd = tables::parseTmCommand(line, tables::Origin{"switch_test", 1, 1}, perr);
        ASSERT_TRUE(cmd) << perr.str();
        error.clear();
        EXPECT_FALSE(rtl->runTm(*cmd, out, error)) << line;
        EXPECT_FALSE(error.empty()) << line;
    }
    EXPECT_EQ(rtl->trafficManager()->queueDepths().size(), 0u);
}

}  // namespace
}  // namespace hop
