// SPDX-License-Identifier: Apache-2.0
// A generated pipeline (hopc --emit verilog, Verilated at build time) against the reference
// model: the STF tests of the program, back-to-back minimum-size frames (throughput and
// latency) and random traffic with idle cycles and backpressure. The model is the oracle:
// every output frame (port and bytes) and the order of frames must be equal.
//
// Table entries reach the RTL through the AXI4-Lite slave, written by tables::PipelineLoader
// (the drivers hopsim's RTL engine and hopd use) on the register map regmap::build gives, which
// must equal the generated regmap.hpp the RTL was built with.
#include <gtest/gtest.h>

#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include VMODEL_HEADER
#include "driver/compile.hpp"
#include "regmap.hpp"
#include "regmap/regmap.hpp"
#include "runtime/tables/entry.hpp"
#include "runtime/tables/loader.hpp"
#include "runtime/tables/lpm_table.hpp"
#include "sim/hopsim/stf.hpp"
#include "sim/model/model.hpp"
#include "source/preprocess.hpp"
#include "verilator_util.hpp"

namespace hop {
namespace {

namespace rm = ::hop::regmap::HOP_REGMAP_NS;
using Bytes = std::vector<uint8_t>;
constexpr int kLanes = HOP_DATA_W / 8;

std::unique_ptr<Frontend> compileProgram() {
    const std::string path = std::string(HOP_SOURCE_DIR) + "/examples/" HOP_PROGRAM ".p4";
    PreprocessOptions pp;
    pp.p4includeDir = std::string(HOP_SOURCE_DIR) + "/p4include";
    std::string error;
    auto source = preprocess(path, pp, error);
    if (!source) throw std::runtime_error(error);
    auto fe = runFrontend(std::move(*source), {.languageOnly = false, .name = programName(path)});
    if (!fe->ok) throw std::runtime_error("front end failed");
    return fe;
}

// The Verilated pipeline with an AXI4-Lite master, a stream source and a stream sink.
class Rtl {
  public:
    explicit Rtl(const ir::Program& program) : program_(program) {
        idle();
        sim_.tick();
        // Tables with an init walk report busy in INFO[23] until it is over.
        for (int i = 0; i < rm::kTableCount; ++i)
            for (int n = 0; n < 100000 && (read(rm::kTables[i].base + 4) >> 23) & 1; ++n) {
            }
    }

    void idle() {
        sim_->s_axis_tvalid = 0;
        sim_->m_axis_tready = 1;
        sim_->s_axil_awvalid = 0;
        sim_->s_axil_wvalid = 0;
        sim_->s_axil_arvalid = 0;
        sim_->s_axil_bready = 1;
        sim_->s_axil_rready = 1;
        sim_->s_axil_awprot = 0;
        sim_->s_axil_arprot = 0;
    }

    void write(uint32_t addr, uint32_t value) {
        sim_->s_axil_awaddr = addr;
        sim_->s_axil_wdata = value;
        sim_->s_axil_wstrb = 0xf;
        sim_->s_axil_awvalid = 1;
        sim_->s_axil_wvalid = 1;
        sim_->s_axil_bready = 1;
        bool aw = false, w = false;
        for (int n = 0; n < 100; ++n) {
            sim_.settle();
            aw = aw || sim_->s_axil_awready;
            w = w || sim_->s_axil_wready;
            const bool awTaken = sim_->s_axil_awvalid && sim_->s_axil_awready;
            const bool wTaken = sim_->s_axil_wvalid && sim_->s_axil_wready;
            const bool b = sim_->s_axil_bvalid;
            tickCollect();
            if (awTaken) sim_->s_axil_awvalid = 0;
            if (wTaken) sim_->s_axil_wvalid = 0;
            if (b) {
                EXPECT_EQ(sim_->s_axil_bresp, 0) << "write 0x" << std::hex << addr;
                sim_->s_axil_awvalid = 0;
                sim_->s_axil_wvalid = 0;
                return;
            }
        }
        ADD_FAILURE() << "AXI4-Lite write timed out";
    }

    uint32_t read(uint32_t addr) {
        sim_->s_axil_araddr = addr;
        sim_->s_axil_arvalid = 1;
        sim_->s_axil_rready = 1;
        for (int n = 0; n < 100; ++n) {
            sim_.settle();
            const bool arTaken = sim_->s_axil_arvalid && sim_->s_axil_arready;
            const bool r = sim_->s_axil_rvalid;
            const uint32_t data = sim_->s_axil_rdata;
            tickCollect();
            if (arTaken) sim_->s_axil_arvalid = 0;
            if (r) {
                sim_->s_axil_arvalid = 0;
                return data;
            }
        }
        ADD_FAILURE() << "AXI4-Lite read timed out";
        return 0;
    }

    void writes(uint32_t base, const tables::CsrWrites& ws) {
        for (const auto& w : ws) write(base + w.addr, w.value);
    }

    // Queues a frame for the source.
    void send(const sim::Packet& p) {
        for (auto& b : rtltest::frameToBeats(p.bytes, kLanes, p.port)) inBeats_.push_back(b);
    }

    // One clock: the source offers its next beat (unless idle), the sink takes a beat (unless
    // stalled).
    void tickCollect(bool idleIn = false, bool stallOut = false) {
        const bool offer = !idleIn && !inBeats_.empty();
        if (offer) {
            const auto& b = inBeats_.front();
            rtltest::putBytes(sim_->s_axis_tdata, b.data.data(), b.data.size());
            sim_->s_axis_tkeep = b.keep;
            sim_->s_axis_tlast = b.last;
            sim_->s_axis_tuser = b.user;
        }
        sim_->s_axis_tvalid = offer;
        sim_->m_axis_tready = !stallOut;
        sim_.settle();
        const bool inTaken = offer && sim_->s_axis_tready;
        if (offer && !sim_->s_axis_tready) ++inStalls_;
        if (sim_->m_axis_tvalid && sim_->m_axis_tready) {
            uint8_t data[kLanes];
            rtltest::getBytes(sim_->m_axis_tdata, data, kLanes);
            const uint64_t keep = sim_->m_axis_tkeep;
            for (int i = 0; i < kLanes; ++i)
                if ((keep >> i) & 1) cur_.bytes.push_back(data[i]);
            cur_.port = sim_->m_axis_tuser;
            if (!outStarted_) {
                outStarted_ = true;
                if (firstOutCycle_ < 0) firstOutCycle_ = static_cast<int64_t>(sim_.cycles());
            }
            if (sim_->m_axis_tlast) {
                out_.push_back(std::move(cur_));
                cur_ = {};
                outStarted_ = false;
            }
        }
        if (inTaken) {
            if (firstInCycle_ < 0) firstInCycle_ = static_cast<int64_t>(sim_.cycles());
            inBeats_.pop_front();
        }
        sim_.tick();
    }

    // Runs until every queued beat went in and `expected` frames came out (or a time limit).
    void drain(size_t expected, double idleProb = 0, double stallProb = 0, uint32_t seed = 1) {
        std::mt19937 rng(seed);
        std::bernoulli_distribution idleD(idleProb), stallD(stallProb);
        for (int n = 0; n < 2000000; ++n) {
            if (inBeats_.empty() && out_.size() >= expected) break;
            tickCollect(idleD(rng), stallD(rng));
        }
        for (int n = 0; n < 64; ++n) tickCollect();  // nothing more may come out
    }

    std::vector<sim::Packet>& out() { return out_; }
    uint64_t cycles() { return sim_.cycles(); }
    int64_t firstIn() const { return firstInCycle_; }
    int64_t firstOut() const { return firstOutCycle_; }
    uint64_t inStalls() const { return inStalls_; }
    void resetCounters() {
        firstInCycle_ = firstOutCycle_ = -1;
        inStalls_ = 0;
    }

  private:
    const ir::Program& program_;
    rtltest::Sim<VMODEL> sim_;
    std::deque<rtltest::AxisBeat> inBeats_;
    std::vector<sim::Packet> out_;
    sim::Packet cur_;
    bool outStarted_ = false;
    int64_t firstInCycle_ = -1, firstOutCycle_ = -1;
    uint64_t inStalls_ = 0;
};

// Table commands for the RTL through tables::PipelineLoader (the drivers hopsim and hopd use),
// on the register map regmap::build gives in process (checked against the generated
// regmap.hpp the RTL was built with), with the model kept in step.
class Loader {
  public:
    Loader(const ir::Program& program, Rtl& rtl, sim::Model& model)
        : rtl_(rtl), model_(model), map_(buildMap(program)), loader_(program, map_) {
        EXPECT_TRUE(loader_.ok()) << loader_.error();
        for (int i = 0; i < rm::kTableCount; ++i) {
            const auto& blk = rm::kTables[i];
            const regmap::TableBlock* tb = map_.find(blk.name);
            EXPECT_NE(tb, nullptr) << blk.name;
            if (!tb) continue;
            EXPECT_EQ(static_cast<int>(tb->kind), blk.kind) << blk.name;
            EXPECT_EQ(tb->base, blk.base) << blk.name;
            EXPECT_EQ(tb->span, blk.span) << blk.name;
            if (blk.kind == 4) checkLpm(*tb, blk);
        }
        rtl_.writes(0, loader_.initial());
    }

    void apply(const tables::Command& c) {
        std::string error;
        ASSERT_TRUE(model_.apply(c, error)) << error;
        auto ws = loader_.apply(c, error);
        ASSERT_TRUE(ws.has_value()) << error;
        rtl_.writes(0, *ws);
    }

  private:
    static regmap::RegMap buildMap(const ir::Program& program) {
        Diagnostics diags;
        auto map = regmap::build(program, HOP_DATA_W, diags);
        if (!map) throw std::runtime_error("regmap::build failed");
        return *map;
    }

    // An LPM block: its geometry as in the generated regmap.hpp, and its ID and INFO (not
    // busy) as the RTL reports them.
    void checkLpm(const regmap::TableBlock& tb, const rm::TableBlock& blk) {
        const tables::LpmConfig& cfg = tb.lpm;
        EXPECT_EQ(static_cast<int>(cfg.strides.size()), blk.lpmLevels) << blk.name;
        EXPECT_EQ(cfg.resultWidth, blk.lpmResultWidth) << blk.name;
        EXPECT_EQ(cfg.resultCapacity, blk.lpmResultCapacity) << blk.name;
        EXPECT_EQ(regmap::lpmResultAddrWidth(tb), blk.lpmResultAddrWidth) << blk.name;
        for (size_t k = 0; k < cfg.strides.size(); ++k) {
            EXPECT_EQ(cfg.strides[k], blk.lpmStrides[k]) << blk.name << " level " << k;
            EXPECT_EQ(regmap::lpmNodeAddrWidth(tb, static_cast<int>(k)), blk.lpmNodeAddrWidth[k])
                << blk.name << " level " << k;
            if (k > 0) {
                EXPECT_EQ(cfg.nodeCapacity[k], blk.lpmNodeCapacity[k]) << blk.name;
            }
        }
        EXPECT_EQ(blk.span, tables::LpmCsr::kSpan) << blk.name;
        EXPECT_EQ(rtl_.read(blk.base + tables::LpmCsr::kId), tables::LpmCsr::kIdValue);
        EXPECT_EQ(rtl_.read(blk.base + tables::LpmCsr::kInfo), (uint32_t(blk.lpmLevels) << 24) |
                                                                   (uint32_t(blk.latency) << 16) |
                                                                   uint32_t(blk.keyWidth))
            << blk.name << ": INFO (and not busy)";
    }

    Rtl& rtl_;
    sim::Model& model_;
    regmap::RegMap map_;
    tables::PipelineLoader loader_;
};

std::string hex(const Bytes& b) {
    std::ostringstream s;
    for (uint8_t x : b) s << std::hex << std::setw(2) << std::setfill('0') << int(x);
    return s.str();
}

void expectSame(const std::vector<sim::Packet>& model, const std::vector<sim::Packet>& rtl,
                const std::string& what) {
    ASSERT_EQ(model.size(), rtl.size()) << what << ": number of output frames";
    std::cout << "[ pipeline ] " << what << ": " << model.size() << " frames equal\n";
    for (size_t i = 0; i < model.size(); ++i) {
        EXPECT_EQ(model[i].port, rtl[i].port) << what << ": frame " << i;
        EXPECT_EQ(hex(model[i].bytes), hex(rtl[i].bytes)) << what << ": frame " << i;
    }
}

class Pipeline : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { fe_ = compileProgram().release(); }
    static Frontend* fe_;
    const ir::Program& program() { return *fe_->ir; }
};
Frontend* Pipeline::fe_ = nullptr;

TEST_F(Pipeline, RegmapIdentifiesThePipeline) {
    Rtl rtl(program());
    EXPECT_EQ(rtl.read(rm::pipeline::kId), rm::pipeline::kIdValue);
    EXPECT_EQ(rtl.read(rm::pipeline::kDataWidth), static_cast<uint32_t>(HOP_DATA_W));
}

// Every STF file of the program: packets through the model and the RTL, outputs compared.
TEST_F(Pipeline, StfFilesMatchTheModel) {
    int files = 0;
    for (const auto& entry :
         std::filesystem::directory_iterator(std::string(HOP_SOURCE_DIR) + "/tests/stf")) {
        const std::string fname = entry.path().filename().string();
        if (fname.rfind(HOP_PROGRAM "-", 0) != 0 || entry.path().extension() != ".stf") continue;
        SCOPED_TRACE(fname);
        ++files;
        hopsim::StfFile stf;
        std::string error;
        ASSERT_TRUE(hopsim::readStf(entry.path().string(), stf, error)) << error;
        sim::Model model(program());
        Rtl rtl(program());
        Loader loader(program(), rtl, model);
        std::vector<sim::Packet> expected;
        size_t sent = 0;
        for (const auto& c : stf.commands) {
            if (c.kind == hopsim::StfCommand::Kind::Table) {
                rtl.drain(expected.size());
                tables::ParseError perr;
                auto cmd =
                    tables::parseStfTableCommand(program(), c.text, {fname, c.line, c.col}, perr);
                ASSERT_TRUE(cmd.has_value()) << perr.str();
                loader.apply(*cmd);
            } else if (c.kind == hopsim::StfCommand::Kind::Packet) {
                sim::Packet p{c.port, c.bytes};
                auto r = model.process(p);
                ASSERT_TRUE(r.error.empty()) << r.error;
                for (auto& o : r.outputs) expected.push_back(o);
                rtl.send(p);
                ++sent;
            }
        }
        rtl.drain(expected.size());
        expectSame(expected, rtl.out(), fname);
    }
    EXPECT_GT(files, 0);
}

// The IPv4 frame of basic-forward.stf, padded to `len` bytes.
Bytes ipv4Frame(size_t len, uint32_t dst) {
    Bytes f = {0, 0, 0,    0, 0, 1, 0, 0,    0,    0,    0,    0x0a, 0x08, 0x00, 0x45,
               0, 0, 0x21, 0, 1, 0, 0, 0x40, 0x11, 0x8e, 0x79, 0xc6, 0x33, 0x64, 0x0a};
    for (int i = 3; i >= 0; --i) f.push_back(static_cast<uint8_t>(dst >> (8 * i)));
    while (f.size() < len) f.push_back(static_cast<uint8_t>(f.size()));
    f.resize(len);
    return f;
}

void loadRoutes(Loader& loader, const ir::Program& program) {
    const char* routes[] = {
        "add MyIngress.ipv4_lpm hdr.ipv4.dstAddr:0xc0000200/24 "
        "MyIngress.ipv4_forward(dstAddr:0x000000000202, port:2)",
        "add MyIngress.ipv4_lpm hdr.ipv4.dstAddr:0xc0000280/25 "
        "MyIngress.ipv4_forward(dstAddr:0x000000000303, port:3)",
        "add MyIngress.ipv4_lpm hdr.ipv4.dstAddr:0xc6336400/22 "
        "MyIngress.ipv4_forward(dstAddr:0x000000000404, port:4)",
        "add MyIngress.ipv4_lpm hdr.ipv4.dstAddr:0xcb007100/24 MyIngress.drop()",
    };
    for (const char* r : routes) {
        tables::ParseError perr;
        auto cmd = tables::parseStfTableCommand(program, r, {"routes", 1, 1}, perr);
        ASSERT_TRUE(cmd.has_value()) << perr.str();
        loader.apply(*cmd);
    }
}

// Back-to-back 64-byte frames: one frame per clock at DATA_W = 512, no input stall, outputs
// equal to the model; the latency (first beat in to first beat out) is printed.
TEST_F(Pipeline, BackToBackMinimumFrames) {
    if (std::string(HOP_PROGRAM) != "basic") GTEST_SKIP() << "frames are basic.p4's";
    sim::Model model(program());
    Rtl rtl(program());
    Loader loader(program(), rtl, model);
    loadRoutes(loader, program());
    rtl.drain(0);
    rtl.resetCounters();
    constexpr int kFrames = 2000;
    std::vector<sim::Packet> expected;
    std::mt19937 rng(7);
    for (int i = 0; i < kFrames; ++i) {
        const uint32_t dst =
            (i % 3 == 0) ? 0xc0000200 + (rng() & 0xff) : 0xc6336400 + (rng() & 0x3ff);
        sim::Packet p{static_cast<uint32_t>(i % 4), ipv4Frame(64, dst)};
        for (auto& o : model.process(p).outputs) expected.push_back(o);
        rtl.send(p);
    }
    const uint64_t start = rtl.cycles();
    rtl.drain(expected.size());
    const int64_t latency = rtl.firstOut() - rtl.firstIn();
    const uint64_t beatsPerFrame = (64 + kLanes - 1) / kLanes;
    std::cout << "[ pipeline ] " HOP_PROGRAM " DATA_W=" << HOP_DATA_W << ": latency " << latency
              << " cycles (first beat in to first beat out), " << kFrames
              << " frames of 64 B, input stalls " << rtl.inStalls() << ", "
              << static_cast<double>(kFrames * beatsPerFrame) /
                     static_cast<double>(kFrames * beatsPerFrame + rtl.inStalls())
              << " of line rate\n";
    (void)start;
    EXPECT_EQ(rtl.inStalls(), 0u) << "the pipeline did not take a beat per clock";
    expectSame(expected, rtl.out(), "back-to-back");
}

// router.p4 reads packet_length, so its pipeline is store-and-forward: back-to-back routed
// 64-byte frames (latency printed; at most 40 cycles at DATA_W = 512), then frames of the
// maximum size (forwarded) and longer (dropped and counted in TOO_LONG) among normal ones,
// which must come out unharmed.
TEST_F(Pipeline, RouterStoreAndForward) {
    if (std::string(HOP_PROGRAM) != "router") GTEST_SKIP() << "frames are router.p4's";
    ASSERT_GT(rm::kMaxFrameBytes, 0);
    sim::Model model(program());
    Rtl rtl(program());
    Loader loader(program(), rtl, model);
    EXPECT_EQ(rtl.read(rm::pipeline::kMaxFrame), static_cast<uint32_t>(rm::kMaxFrameBytes));
    for (const char* cmd :
         {"add port_mac standard_metadata.ingress_port:1 set_port_mac(mac:0x020000000001)",
          "add ipv4_lpm dstAddr:0xcb007100/24 set_nexthop(nexthop_id:7)",
          "add ipv4_lpm dstAddr:0xcb000000/8 set_nexthop(nexthop_id:8)",
          "add nexthop nexthop_id:7 set_nexthop_l2(dmac:0x0a0000000007, smac:0x020000000002, "
          "port:2)",
          "add nexthop nexthop_id:8 set_nexthop_l2(dmac:0x0a0000000008, smac:0x020000000002, "
          "port:3)"}) {
        tables::ParseError perr;
        auto c = tables::parseStfTableCommand(program(), cmd, {"router", 1, 1}, perr);
        ASSERT_TRUE(c.has_value()) << perr.str();
        loader.apply(*c);
    }
    rtl.drain(0);
    rtl.resetCounters();
    // The routed frame of router-forward.stf (35-byte IPv4 datagram to 203.0.113.5), padded.
    auto frame = [](size_t len, uint8_t last) {
        Bytes f = {0x02, 0,    0,    0,    0,    0x01, 0x0a, 0,    0,    0,    0,    0x01,
                   0x08, 0x00, 0x45, 0x00, 0x00, 0x23, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11,
                   0x7c, 0xb9, 0xc0, 0x00, 0x02, 0x0a, 0xcb, 0x00, 0x71, 0x05};
        // Another host of the /24: the last address byte, and the checksum fixed up for it.
        const uint32_t sum = 0x7cb9 - (last - 0x05);
        f[33] = last;
        f[24] = static_cast<uint8_t>(sum >> 8);
        f[25] = static_cast<uint8_t>(sum);
        while (f.size() < len) f.push_back(static_cast<uint8_t>(f.size() * 7));
        return f;
    };
    std::vector<sim::Packet> expected;
    constexpr int kFrames = 1000;
    for (int i = 0; i < kFrames; ++i) {
        sim::Packet p{1, frame(64, i % 2 ? 0x05 : 0x06)};
        for (auto& o : model.process(p).outputs) expected.push_back(o);
        rtl.send(p);
    }
    rtl.drain(expected.size());
    const int64_t latency = rtl.firstOut() - rtl.firstIn();
    std::cout << "[ pipeline ] router DATA_W=" << HOP_DATA_W << ": latency " << latency
              << " cycles (first beat in to first beat out, 64-byte frame), header pipeline "
              << rtl.read(rm::pipeline::kLatency) << " cycles, input stalls " << rtl.inStalls()
              << " over " << kFrames << " frames\n";
    if (HOP_DATA_W == 512) {
        EXPECT_LE(latency, 40);
        EXPECT_EQ(rtl.inStalls(), 0u) << "the pipeline did not take a frame per clock";
    }
    ASSERT_EQ(expected.size(), static_cast<size_t>(kFrames));  // every frame routed
    expectSame(expected, rtl.out(), "router back-to-back");

    // The maximum frame passes; longer ones are dropped (not by the model: it has no limit),
    // and the frames around them are untouched.
    rtl.out().clear();
    expected.clear();
    const size_t kMax = static_cast<size_t>(rm::kMaxFrameBytes);
    const size_t lens[] = {60, kMax, 70, kMax + 1, 64, 20000, 65, kMax - 3, 1500, kMax + 64, 64};
    int tooLong = 0;
    for (size_t len : lens) {
        sim::Packet p{1, frame(len, 0x05)};
        if (len > kMax) {
            ++tooLong;
        } else {
            for (auto& o : model.process(p).outputs) expected.push_back(o);
        }
        rtl.send(p);
    }
    rtl.drain(expected.size(), 0.2, 0.2, 5);
    expectSame(expected, rtl.out(), "router frames up to and over the maximum");
    EXPECT_EQ(rtl.read(rm::pipeline::kTooLong), static_cast<uint32_t>(tooLong));
}

// Random frames (valid IPv4 of any length, runts, truncated headers, other EtherTypes, random
// bytes) with random idle cycles on the input and backpressure on the output.
TEST_F(Pipeline, RandomTrafficMatchesTheModel) {
    if (std::string(HOP_PROGRAM) != "basic") GTEST_SKIP() << "frames are basic.p4's";
    sim::Model model(program());
    Rtl rtl(program());
    Loader loader(program(), rtl, model);
    loadRoutes(loader, program());
    std::mt19937 rng(42);
    std::vector<sim::Packet> expected;
    constexpr int kFrames = 3000;
    for (int i = 0; i < kFrames; ++i) {
        sim::Packet p;
        p.port = rng() % 8;
        const uint32_t dsts[] = {0xc0000201, 0xc0000281, 0xc6336601, 0xcb007105, 0x0a000001};
        const int kind = rng() % 6;
        size_t len = 1 + rng() % 300;
        if (kind <= 2) {
            p.bytes = ipv4Frame(std::max<size_t>(len, 34), dsts[rng() % 5]);
        } else if (kind == 3) {
            p.bytes = ipv4Frame(64, dsts[rng() % 5]);
            p.bytes.resize(1 + rng() % 40);  // runts and truncated headers
        } else if (kind == 4) {
            p.bytes = ipv4Frame(len < 14 ? 14 : len, dsts[rng() % 5]);
            p.bytes[12] = 0x86;
            p.bytes[13] = 0xdd;
        } else {
            p.bytes.resize(len);
            for (auto& b : p.bytes) b = static_cast<uint8_t>(rng());
        }
        if (kind <= 2 && rng() % 4 == 0) p.bytes[20] ^= 0x10;  // a bad checksum
        for (auto& o : model.process(p).outputs) expected.push_back(o);
        rtl.send(p);
    }
    rtl.drain(expected.size(), 0.3, 0.3, 99);
    expectSame(expected, rtl.out(), "random");
}

}  // namespace
}  // namespace hop
