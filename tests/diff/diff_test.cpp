// SPDX-License-Identifier: Apache-2.0
// Model vs RTL, for every example at DATA_W 64 and 512: random table contents (tests/diff/
// traffic.hpp) are loaded into both engines, then 100,000 random frames, valid and malformed
// (runts, truncated headers, wrong version / IHL / length, bad checksums, random bytes), go
// through the reference model and through the Verilated pipeline with 30 % idle input cycles and
// 30 % output backpressure. Per output port, the frames (bytes) and their order must be equal.
// The Verilated models are the ones the build prebuilt for the STF tests (rtl-cache).
// To chase a difference: HOP_DIFF_FRAMES=N (fewer frames), HOP_DIFF_SKIP=K (send only frames
// K..N-1 of the same sequence) and HOP_DIFF_DEBUG=1 (print refused commands, frames in and out).
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <sstream>

#include "driver/compile.hpp"
#include "sim/engine/engine.hpp"
#include "sim/hopsim/stf.hpp"
#include "sim/rtl/rtl_build.hpp"
#include "sim/rtl/rtl_engine.hpp"
#include "source/preprocess.hpp"
#include "tests/diff/common.hpp"
#include "tests/diff/rtl_engine.hpp"
#include "tests/diff/traffic.hpp"

namespace hop {
namespace {

using difftest::compileExample;
using difftest::hex;
using difftest::outputsInOrder;

std::unique_ptr<sim::rtl::RtlEngine> rtlEngine(const ir::Program& program, const std::string& name,
                                               const std::string& dir, int width,
                                               const sim::rtl::RtlOptions& options) {
    return difftest::rtlEngine(program, name, dir, width, options, HOP_RTL_CACHE);
}

struct Case {
    const char* program;
    int width;
    const char* dir = "examples";  // or tests/stf (feature programs)
    int frames = 100000;
};

class ModelVsRtl : public ::testing::TestWithParam<Case> {};

TEST_P(ModelVsRtl, RandomTablesAndTrafficGiveTheSameOutputs) {
    const Case c = GetParam();
    const bool debug = std::getenv("HOP_DIFF_DEBUG") != nullptr;
    auto fe = compileExample(c.program, c.dir);
    ASSERT_TRUE(fe);
    const ir::Program& program = *fe->ir;
    sim::rtl::RtlOptions ro;
    ro.idleIn = 0.3;
    ro.stallOut = 0.3;
    ro.seed = 17;
    auto rtl = rtlEngine(program, c.program, c.dir, c.width, ro);
    ASSERT_TRUE(rtl);
    sim::ModelEngine model(program);

    difftest::Traffic traffic(program, 0x5eed0000 + c.width);
    int applied = 0, refused = 0;
    for (const auto& cmd : traffic.tableCommands(64)) {
        std::string rtlError, modelError;
        // The hardware may be full earlier than the model; what it takes, the model must take.
        if (!rtl->apply(cmd, rtlError)) {
            // Then the model must refuse it too, unless the hardware is full.
            const bool full = rtlError.find("full") != std::string::npos ||
                              rtlError.find("no room") != std::string::npos;
            if (!full) {
                EXPECT_FALSE(model.apply(cmd, modelError))
                    << "the model took a command the RTL refused: " << rtlError;
            }
            ++refused;
            if (debug) std::cout << "refused: " << rtlError << "\n";
            continue;
        }
        ASSERT_TRUE(model.apply(cmd, modelError))
            << "the RTL took a command the model refused: " << modelError;
        ++applied;
    }
    if (!program.tables.empty()) {
        EXPECT_GT(applied, 0);
    }

    // HOP_DIFF_FRAMES: fewer frames, to find the first one that differs.
    const int kFrames =
        std::getenv("HOP_DIFF_FRAMES") ? std::atoi(std::getenv("HOP_DIFF_FRAMES")) : c.frames;
    const int skip = std::getenv("HOP_DIFF_SKIP") ? std::atoi(std::getenv("HOP_DIFF_SKIP")) : 0;
    for (int i = 0; i < kFrames; ++i) {
        sim::Packet p = traffic.packet();
        if (i < skip) continue;
        model.send(p);
        rtl->send(p);
        if (debug) std::cout << "in " << i << " port " << p.port << ": " << hex(p.bytes) << "\n";
    }
    sim::Drained md, rd;
    ASSERT_NO_FATAL_FAILURE(difftest::drainBoth(model, *rtl, md, rd));
    std::string error;
    int modelErrors = 0;
    for (const auto& x : md.completed) modelErrors += !x.error.empty();
    EXPECT_EQ(modelErrors, 0);
    const std::vector<sim::Packet> mo = outputsInOrder(md), ro2 = outputsInOrder(rd);

    if (debug) {
        for (const auto& p : mo)
            std::cout << "model out " << p.port << ": " << hex(p.bytes) << "\n";
        for (const auto& p : ro2) std::cout << "rtl out " << p.port << ": " << hex(p.bytes) << "\n";
    }
    std::map<uint32_t, std::vector<const sim::Packet*>> mp, rp;
    for (const auto& p : mo) mp[p.port].push_back(&p);
    for (const auto& p : ro2) rp[p.port].push_back(&p);
    std::cout << "[ diff ] " << c.program << " DATA_W=" << c.width << ": " << kFrames << " frames, "
              << applied << " table commands (" << refused << " refused by the RTL), " << mo.size()
              << " frames out of the model, " << ro2.size() << " out of the RTL, "
              << rtl->stats().cycles << " cycles\n";
    ASSERT_EQ(mo.size(), ro2.size()) << "number of output frames";
    for (const auto& [port, frames] : mp) {
        const auto& other = rp[port];
        ASSERT_EQ(frames.size(), other.size()) << "frames out of port " << port;
        for (size_t i = 0; i < frames.size(); ++i)
            ASSERT_EQ(hex(frames[i]->bytes), hex(other[i]->bytes))
                << "frame " << i << " out of port " << port;
    }
    EXPECT_EQ(mp.size(), rp.size()) << "ports used";
    // Registers and counters: every cell read back at the end (the RTL's through its CSRs).
    if (!program.externs.empty()) {
        std::string me, re;
        const auto ms = hopsim::externAccess(model)->dumpState(me);
        const auto rs = hopsim::externAccess(*rtl)->dumpState(re);
        ASSERT_TRUE(ms && rs) << me << re;
        EXPECT_EQ(*ms, *rs);
        if (debug) std::cout << *rs;
    }
}

INSTANTIATE_TEST_SUITE_P(Examples, ModelVsRtl,
                         ::testing::Values(Case{"basic", 64}, Case{"basic", 512},
                                           Case{"tunnel", 64}, Case{"tunnel", 512}, Case{"acl", 64},
                                           Case{"acl", 512}, Case{"router", 64},
                                           Case{"router", 512}),
                         [](const auto& info) {
                             return std::string(info.param.program) + "_w" +
                                    std::to_string(info.param.width);
                         });

// Feature programs whose RTL has parts of its own: a checksum over the payload (store-and-forward,
// payload sum from the capture and the window), varbit extraction (run-time parser offsets,
// variable-length emission), a header stack parsed in a loop (with push/pop and run-time
// indices), sub-controls applied per instance, whole-header assignment, a stack of header
// unions parsed in a loop (unionstack), and registers and counters (read-modify-writes of
// random cells back to back; every cell compared at the end as well), and a hash with a
// run-time max (a division over pipeline stages, after the table whose action hashes).
INSTANTIATE_TEST_SUITE_P(
    Features, ModelVsRtl,
    ::testing::Values(
        Case{"checksum", 64, "tests/stf", 30000}, Case{"checksum", 512, "tests/stf", 30000},
        Case{"payloadcsum", 64, "tests/stf", 30000}, Case{"payloadcsum", 512, "tests/stf", 30000},
        Case{"varbit", 64, "tests/stf", 30000}, Case{"varbit", 512, "tests/stf", 30000},
        Case{"stack_loop", 64, "tests/stf", 30000}, Case{"stack_loop", 512, "tests/stf", 30000},
        Case{"subcontrol", 64, "tests/stf", 30000}, Case{"subcontrol", 512, "tests/stf", 30000},
        Case{"hdr_assign", 64, "tests/stf", 30000}, Case{"hdr_assign", 512, "tests/stf", 30000},
        Case{"unionstack", 64, "tests/stf", 30000}, Case{"unionstack", 512, "tests/stf", 30000},
        Case{"registers", 64, "tests/stf", 30000}, Case{"registers", 512, "tests/stf", 30000},
        Case{"counters_indexed", 64, "tests/stf", 30000},
        Case{"counters_indexed", 512, "tests/stf", 30000},
        Case{"hash_mod", 64, "tests/stf", 30000}),
    [](const auto& info) {
        return std::string(info.param.program) + "_w" + std::to_string(info.param.width);
    });

// One frame per clock (DATA_W=512, 64-byte frames back to back, no idle input cycle, no
// backpressure) for a program whose parser loops over a stack of eight headers: the P4
// tutorials' source_routing solution, unmodified, with eight hops in every frame. The pipeline
// must take a beat every cycle and give the model's frames.
struct LineRateCase {
    const char* program;
    const char* dir;
    const char* frame;                     // hex, padded with zeros to 64 bytes
    int vary = 15;                         // the byte that differs between consecutive frames
    std::vector<const char*> tables = {};  // STF table lines loaded first
    int frames = 2000;
};

// STF table lines into both engines.
void loadBoth(const ir::Program& program, const std::vector<const char*>& lines, sim::Engine& model,
              sim::Engine& rtl) {
    for (const char* line : lines) {
        tables::ParseError perr;
        auto cmd = tables::parseStfTableCommand(program, line, {"test", 1, 1}, perr);
        ASSERT_TRUE(cmd.has_value()) << perr.str();
        std::string error;
        ASSERT_TRUE(model.apply(*cmd, error)) << error;
        ASSERT_TRUE(rtl.apply(*cmd, error)) << error;
    }
}

class LineRate : public ::testing::TestWithParam<LineRateCase> {};

TEST_P(LineRate, BackToBackMinimumFramesOnePerClock) {
    const LineRateCase c = GetParam();
    auto fe = compileExample(c.program, c.dir);
    ASSERT_TRUE(fe);
    const ir::Program& program = *fe->ir;
    auto rtl = rtlEngine(program, c.program, c.dir, 512, {});
    ASSERT_TRUE(rtl);
    sim::ModelEngine model(program);
    std::vector<uint8_t> bytes;
    for (size_t i = 0; i + 1 < std::string(c.frame).size(); i += 2)
        bytes.push_back(
            static_cast<uint8_t>(std::stoi(std::string(c.frame).substr(i, 2), nullptr, 16)));
    bytes.resize(64, 0);
    ASSERT_NO_FATAL_FAILURE(loadBoth(program, c.tables, model, *rtl));
    sim::Drained loaded;
    std::string error;
    ASSERT_TRUE(rtl->drain(loaded, error)) << error;
    rtl->resetStats();
    for (int i = 0; i < c.frames; ++i) {
        // Consecutive frames differ (source_routing: the first hop's port).
        std::vector<uint8_t> b = bytes;
        b[c.vary] = static_cast<uint8_t>(1 + i % 7);
        const sim::Packet p{static_cast<uint32_t>(i % 4), b};
        model.send(p);
        rtl->send(p);
    }
    sim::Drained md, rd;
    ASSERT_NO_FATAL_FAILURE(difftest::drainBoth(model, *rtl, md, rd));
    const std::vector<sim::Packet> mo = outputsInOrder(md), ro = outputsInOrder(rd);
    const sim::rtl::RtlStats& st = rtl->stats();
    std::cout << "[ line rate ] " << c.program << " DATA_W=512: " << st.framesIn << " frames in "
              << st.beatsIn << " beats, " << st.inStalls << " input stalls, " << mo.size()
              << " frames out, latency " << st.firstOut - st.firstIn
              << " cycles (first beat in to first beat out)\n";
    EXPECT_EQ(st.beatsIn, static_cast<uint64_t>(c.frames)) << "one beat per 64-byte frame";
    EXPECT_EQ(st.inStalls, 0u) << "the pipeline did not take a frame per clock";
    ASSERT_EQ(mo.size(), static_cast<size_t>(c.frames)) << "every frame is forwarded";
    ASSERT_EQ(mo.size(), ro.size());
    for (size_t i = 0; i < mo.size(); ++i) {
        ASSERT_EQ(mo[i].port, ro[i].port) << "frame " << i;
        ASSERT_EQ(hex(mo[i].bytes), hex(ro[i].bytes)) << "frame " << i;
    }
}

// Every frame on the same register cell (tests/stf/registers.p4: r[3] += the frame's value; the
// frame carries the cell before and after its own write), with 30 % idle input cycles and 30 %
// output backpressure: each read sees the write of the frame just before it, wherever that write
// is in the pipeline, so the outputs and the cells read back equal the model's, and the last
// frame carries the sum of all the values (BMv2's register semantics).
class RegistersSameCell : public ::testing::TestWithParam<int> {};

TEST_P(RegistersSameCell, BackToBackWithStallsAsTheModel) {
    const int width = GetParam();
    auto fe = compileExample("registers", "tests/stf");
    ASSERT_TRUE(fe);
    const ir::Program& program = *fe->ir;
    sim::rtl::RtlOptions ro;
    ro.idleIn = 0.3;
    ro.stallOut = 0.3;
    ro.seed = 11;
    auto rtl = rtlEngine(program, "registers", "tests/stf", width, ro);
    ASSERT_TRUE(rtl);
    sim::ModelEngine model(program);
    constexpr int kFrames = 3000;
    uint32_t sum = 0;
    for (int i = 0; i < kFrames; ++i) {
        const uint32_t v = 1 + static_cast<uint32_t>(i % 251);
        sum += v;
        // idx, add (big-endian), then the fields the program writes.
        std::vector<uint8_t> b = {0x03, static_cast<uint8_t>(v >> 24),
                                  static_cast<uint8_t>(v >> 16), static_cast<uint8_t>(v >> 8),
                                  static_cast<uint8_t>(v)};
        b.resize(64, 0);
        const sim::Packet p{0, b};
        model.send(p);
        rtl->send(p);
    }
    sim::Drained md, rd;
    ASSERT_NO_FATAL_FAILURE(difftest::drainBoth(model, *rtl, md, rd));
    const std::vector<sim::Packet> mo = outputsInOrder(md), rout = outputsInOrder(rd);
    ASSERT_EQ(mo.size(), static_cast<size_t>(kFrames));
    ASSERT_EQ(mo.size(), rout.size());
    for (size_t i = 0; i < mo.size(); ++i) {
        ASSERT_EQ(mo[i].port, rout[i].port) << "frame " << i;
        ASSERT_EQ(hex(mo[i].bytes), hex(rout[i].bytes)) << "frame " << i;
    }
    // The last frame's `after` (bytes 9..12): every value added, none lost.
    uint32_t after = 0;
    for (int i = 9; i < 13; ++i) after = (after << 8) | rout.back().bytes[i];
    EXPECT_EQ(after, sum);
    std::string me, re;
    const auto ms = hopsim::externAccess(model)->dumpState(me);
    const auto rs = hopsim::externAccess(*rtl)->dumpState(re);
    ASSERT_TRUE(ms && rs) << me << re;
    EXPECT_EQ(*ms, *rs);
    EXPECT_GT(rtl->stats().outStalls, 0u) << "the run had no backpressure";
}

// router.p4 reads packet_length, so its pipeline is store-and-forward: back-to-back routed
// 64-byte frames (at DATA_W=512 one per clock, latency at most 40 cycles: issue 4's target),
// then frames of the maximum size (forwarded) and longer (dropped by the RTL and counted in its
// TOO_LONG word; the model has no limit, so it gets only the others) among normal ones, which
// must come out as the model's.
class RouterStoreAndForward : public ::testing::TestWithParam<int> {};

TEST_P(RouterStoreAndForward, BackToBackAndOversizedFrames) {
    const int width = GetParam();
    auto fe = compileExample("router");
    ASSERT_TRUE(fe);
    const ir::Program& program = *fe->ir;
    auto rtl = rtlEngine(program, "router", "examples", width, {});
    ASSERT_TRUE(rtl);
    sim::ModelEngine model(program);
    const regmap::RegMap& map = rtl->built().regmap;
    const uint32_t maxFrame = static_cast<uint32_t>(map.maxFrameBytes);
    ASSERT_GT(maxFrame, 0u) << "router.p4 is store-and-forward";
    std::string error;
    EXPECT_EQ(rtl->read(map.pipelineBase + 4 * regmap::kWordMaxFrame, error), maxFrame) << error;
    ASSERT_NO_FATAL_FAILURE(loadBoth(
        program,
        {"add port_mac standard_metadata.ingress_port:1 set_port_mac(mac:0x020000000001)",
         "add ipv4_lpm dstAddr:0xcb007100/24 set_nexthop(nexthop_id:7)",
         "add ipv4_lpm dstAddr:0xcb000000/8 set_nexthop(nexthop_id:8)",
         "add nexthop nexthop_id:7 set_nexthop_l2(dmac:0x0a0000000007, smac:0x020000000002, "
         "port:2)",
         "add nexthop nexthop_id:8 set_nexthop_l2(dmac:0x0a0000000008, smac:0x020000000002, "
         "port:3)"},
        model, *rtl));
    sim::Drained loaded;
    ASSERT_TRUE(rtl->drain(loaded, error)) << error;
    rtl->resetStats();
    // router-forward.stf's routed frame (a 35-byte IPv4 datagram to 203.0.113.5) to another host
    // of the /24 (the checksum fixed up for it), padded to `len` bytes.
    auto frame = [](size_t len, uint8_t last) {
        std::vector<uint8_t> f = {0x02, 0,    0,    0,    0,    0x01, 0x0a, 0,    0,
                                  0,    0,    0x01, 0x08, 0x00, 0x45, 0x00, 0x00, 0x23,
                                  0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x7c, 0xb9, 0xc0,
                                  0x00, 0x02, 0x0a, 0xcb, 0x00, 0x71, 0x05};
        const uint32_t sum = 0x7cb9 - (last - 0x05);
        f[33] = last;
        f[24] = static_cast<uint8_t>(sum >> 8);
        f[25] = static_cast<uint8_t>(sum);
        while (f.size() < len) f.push_back(static_cast<uint8_t>(f.size() * 7));
        return f;
    };
    auto compare = [](sim::Drained& md, sim::Drained& rd, const char* what) {
        const std::vector<sim::Packet> mo = outputsInOrder(md), ro = outputsInOrder(rd);
        ASSERT_EQ(mo.size(), ro.size()) << what;
        for (size_t i = 0; i < mo.size(); ++i) {
            ASSERT_EQ(mo[i].port, ro[i].port) << what << ": frame " << i;
            ASSERT_EQ(hex(mo[i].bytes), hex(ro[i].bytes)) << what << ": frame " << i;
        }
    };
    constexpr int kFrames = 1000;
    for (int i = 0; i < kFrames; ++i) {
        const sim::Packet p{1, frame(64, i % 2 ? 0x05 : 0x06)};
        model.send(p);
        rtl->send(p);
    }
    sim::Drained md, rd;
    ASSERT_NO_FATAL_FAILURE(difftest::drainBoth(model, *rtl, md, rd));
    const sim::rtl::RtlStats& st = rtl->stats();
    std::cout << "[ store-and-forward ] router DATA_W=" << width << ": latency "
              << st.firstOut - st.firstIn << " cycles (64-byte frame), " << st.inStalls
              << " input stalls over " << kFrames << " frames\n";
    EXPECT_EQ(outputsInOrder(md).size(), static_cast<size_t>(kFrames)) << "every frame routed";
    ASSERT_NO_FATAL_FAILURE(compare(md, rd, "back to back"));
    if (width == 512) {
        // Issue 4's target is the pipeline's; the split (HOP_DIFF_TOP=split) adds the cut's
        // register and the decision and frame FIFOs between ingress and egress.
        const char* top = std::getenv("HOP_DIFF_TOP");
        if (!top || std::string(top) != "split") {
            EXPECT_LE(st.firstOut - st.firstIn, 40);
        }
        EXPECT_EQ(st.inStalls, 0u) << "the pipeline did not take a frame per clock";
    }

    // The maximum frame passes; longer ones are dropped and counted, the others untouched.
    const size_t kMax = maxFrame;
    uint32_t tooLong = 0;
    for (size_t len : {size_t{60}, kMax, size_t{70}, kMax + 1, size_t{64}, size_t{20000},
                       size_t{65}, kMax - 3, size_t{1500}, kMax + 64, size_t{64}}) {
        const sim::Packet p{1, frame(len, 0x05)};
        if (len > kMax)
            ++tooLong;
        else
            model.send(p);
        rtl->send(p);
    }
    sim::Drained md2, rd2;
    ASSERT_NO_FATAL_FAILURE(difftest::drainBoth(model, *rtl, md2, rd2));
    ASSERT_NO_FATAL_FAILURE(compare(md2, rd2, "frames up to and over the maximum"));
    EXPECT_EQ(rtl->read(map.pipelineBase + 4 * regmap::kWordTooLong, error), tooLong) << error;
}

INSTANTIATE_TEST_SUITE_P(Widths, RouterStoreAndForward, ::testing::Values(64, 512),
                         [](const auto& info) { return "w" + std::to_string(info.param); });

INSTANTIATE_TEST_SUITE_P(Widths, RegistersSameCell, ::testing::Values(64, 512),
                         [](const auto& info) { return "w" + std::to_string(info.param); });

INSTANTIATE_TEST_SUITE_P(Examples, LineRate,
                         ::testing::Values(LineRateCase{
                             "basic",
                             "examples",
                             // basic-forward.stf's frame to 192.0.2.20 (the TOS byte varies)
                             "00000000000100000000000a0800"
                             "450000210001000040118e79c633640ac0000214"
                             "04d2162e000d000068656c6c6f",
                             15,
                             {"add MyIngress.ipv4_lpm hdr.ipv4.dstAddr:0xc0000200/24 "
                              "MyIngress.ipv4_forward(dstAddr:0x000000000202, port:2)"}}),
                         [](const auto& info) { return std::string(info.param.program); });

INSTANTIATE_TEST_SUITE_P(Stacks, LineRate,
                         ::testing::Values(LineRateCase{
                             "source_routing", "../shared/p4-tutorials/source_routing",
                             // Ethernet (EtherType 0x1234), eight hops (the eighth with bos), IPv4.
                             "00000000000200000000000a1234"
                             "0001000200030004000500060007"
                             "8008"
                             "450000140000000040060000c0000201c6336401"}),
                         [](const auto& info) { return std::string(info.param.program); });

}  // namespace
}  // namespace hop
