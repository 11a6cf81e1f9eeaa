// SPDX-License-Identifier: Apache-2.0
// The SystemC board model (sim/board): its wire arithmetic and traffic frames, its pipeline being
// the RTL engine's model (the same cache entry), and line-rate runs of router.p4 through
// `hopsim-board board linerate` (one board per process, so each run is a process of its own),
// checked from the JSON report: every frame is accounted for per port and
// the board's counts agree with the pipeline's own counters; an output port that two 100 Gb/s
// ports send to drops at its queue, which fills to its depth; traffic the pipeline can carry is
// forwarded whole.
#include "sim/board/board.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sim/board/linerate.hpp"

namespace {

namespace fs = std::filesystem;
using hop::board::frameFromTemplate;

const std::string kSource = HOP_SOURCE_DIR;
const std::string kRouter = kSource + "/examples/router.p4";
const std::string kCross = kSource + "/bench/board_router.commands";        // 1 -> 2, 2 -> 1
const std::string kFanIn = kSource + "/tests/board/router_fanin.commands";  // 1, 2 -> 3

uint16_t checksum(const uint8_t* p, size_t n) {
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < n; i += 2) sum += static_cast<uint32_t>(p[i]) << 8 | p[i + 1];
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(sum);
}

TEST(BoardWire, BytesAndTimes) {
    // 64-byte frames (60 + FCS) take 84 bytes: 148.81 Mpps at 100 Gb/s.
    EXPECT_EQ(hop::board::wireBytes(60), 84u);
    EXPECT_EQ(hop::board::wireBytes(1514), 1538u);
    // Runts are padded to 64 on the wire.
    EXPECT_EQ(hop::board::wireBytes(20), 84u);
    EXPECT_EQ(hop::board::wireTime(84, 100).value(), 6720u);  // ps
    EXPECT_EQ(hop::board::wireTime(84, 10).value(), 67200u);
    EXPECT_EQ(hop::board::wireTime(84, 25).value(), 26880u);
}

TEST(BoardWire, FramesFromTemplates) {
    const auto f = frameFromTemplate(hop::board::defaultTemplate(2), 60);
    ASSERT_EQ(f.size(), 60u);
    EXPECT_EQ(f[5], 2);                       // dst MAC 02:00:00:00:00:02
    EXPECT_EQ(f[16] << 8 | f[17], 46);        // IPv4 total length = 60 - 14
    EXPECT_EQ(checksum(&f[14], 20), 0xffff);  // header checksum right
    EXPECT_EQ(f[38] << 8 | f[39], 26);        // UDP length
    EXPECT_EQ(f[33], 2);                      // to 198.51.100.2
    auto tagged = f;
    hop::board::writeTag(tagged, 7, 12345);
    EXPECT_EQ(hop::board::readTagPort(tagged), 7u);
    EXPECT_FALSE(hop::board::readTagPort(f).has_value());
    // The tag stays clear of the headers (42 bytes of Ethernet, IPv4 and UDP).
    EXPECT_TRUE(std::equal(f.begin(), f.begin() + 42, tagged.begin()));
}

TEST(BoardWire, CommandLineValues) {
    std::vector<uint32_t> ports;
    std::string error;
    ASSERT_TRUE(hop::board::parsePortList("1-3,7,2", ports, error)) << error;
    EXPECT_EQ(ports, (std::vector<uint32_t>{1, 2, 3, 7}));
    EXPECT_FALSE(hop::board::parsePortList("3-1", ports, error));
    EXPECT_FALSE(hop::board::parsePortList("511", ports, error));
    double gbps = 0;
    ASSERT_TRUE(hop::board::parseRate("100G", gbps, error));
    EXPECT_EQ(gbps, 100);
    ASSERT_TRUE(hop::board::parseRate("400M", gbps, error));
    EXPECT_DOUBLE_EQ(gbps, 0.4);
    EXPECT_FALSE(hop::board::parseRate("fast", gbps, error));
}

// Runs `command`, returns its exit status and stdout (stderr to `err`).
int runCommand(const std::string& command, std::string& out, std::string& err) {
    const fs::path dir = fs::temp_directory_path();
    const std::string tag = std::to_string(::getpid());
    const fs::path o = dir / ("hop_board_out_" + tag), e = dir / ("hop_board_err_" + tag);
    const int status = std::system((command + " >" + o.string() + " 2>" + e.string()).c_str());
    auto slurp = [](const fs::path& p) {
        std::ifstream in(p);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    };
    out = slurp(o);
    err = slurp(e);
    fs::remove(o);
    fs::remove(e);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The board loads the model `hopsim build` (and the RTL engine) uses: the same cache entry, found
// there without building anything.
TEST(BoardModel, IsTheRtlEnginesModel) {
    const std::string args = " " + kRouter + " --data-width 512 --rtl-cache " + HOP_RTL_CACHE;
    std::string rtl, board, err;
    ASSERT_EQ(runCommand(std::string(HOP_HOPSIM) + " build" + args, rtl, err), 0) << err;
    ASSERT_EQ(runCommand(std::string(HOP_BOARD) + " board build" + args, board, err), 0) << err;
    EXPECT_EQ(board, rtl);
    EXPECT_EQ(err.find("building"), std::string::npos) << err;
    EXPECT_NE(rtl.find("/router-w512-"), std::string::npos) << rtl;
}

// `hopsim board` is the same command in hopsim itself: an STF file of router.p4 through the board.
TEST(BoardModel, HopsimRunsTheBoard) {
    std::string out, err;
    const int rc = runCommand(std::string(HOP_HOPSIM) + " board stf " + kRouter + " " + kSource +
                                  "/tests/stf/router-forward.stf --data-width 512 --rtl-cache " +
                                  HOP_RTL_CACHE,
                              out, err);
    EXPECT_EQ(rc, 0) << out << err;
    EXPECT_NE(out.find("PASS"), std::string::npos) << out << err;
    EXPECT_EQ(err.find("building"), std::string::npos) << err;
}

class BoardLineRate : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("hop_board_" +
                std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "_" +
                std::to_string(::getpid()));
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    // Runs a line-rate report of router.p4 (DATA_W=512) and returns its JSON.
    nlohmann::json run(const std::string& args, int expectedCode = 0) {
        const fs::path json = dir_ / "report.json", out = dir_ / "out.txt";
        const std::string command = std::string(HOP_BOARD) + " board linerate " + kRouter +
                                    " --rtl-cache " + HOP_RTL_CACHE + " --no-progress --json " +
                                    json.string() + " " + args + " >" + out.string() + " 2>&1";
        const int status = std::system(command.c_str());
        std::ifstream text(out);
        std::stringstream s;
        s << text.rdbuf();
        output_ = s.str();
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == expectedCode) << output_;
        std::ifstream in(json);
        if (!in) {
            ADD_FAILURE() << "no JSON report; output:\n" << output_;
            return {};
        }
        return nlohmann::json::parse(in);
    }

    // Every frame offered on a port is forwarded, delivered to the host or dropped somewhere,
    // and the board's counts agree with the pipeline's RX/TX/DROPPED counters.
    void expectConserved(const nlohmann::json& r) {
        ASSERT_TRUE(r.is_object());
        EXPECT_TRUE(r.at("ok").get<bool>()) << output_;
        EXPECT_EQ(r.at("untagged").get<uint64_t>(), 0u);
        uint64_t entered = 0, pipelineDrops = 0, forwarded = 0;
        for (const auto& in : r.at("ingress")) {
            const uint64_t offered = in.at("offered");
            const uint64_t accounted =
                in.at("fifo_drops").get<uint64_t>() + in.at("pipeline_drops").get<uint64_t>() +
                in.at("queue_drops").get<uint64_t>() + in.at("no_port_drops").get<uint64_t>() +
                in.at("to_host").get<uint64_t>() + in.at("forwarded").get<uint64_t>();
            EXPECT_EQ(offered, accounted) << "port " << in.at("port") << "\n" << output_;
            EXPECT_EQ(offered, r.at("frames_per_port").get<uint64_t>());
            entered += in.at("entered").get<uint64_t>();
            pipelineDrops += in.at("pipeline_drops").get<uint64_t>();
            forwarded += in.at("forwarded").get<uint64_t>();
        }
        EXPECT_EQ(entered, r.at("pipeline").at("rx").get<uint64_t>());
        EXPECT_EQ(pipelineDrops, r.at("pipeline").at("dropped").get<uint64_t>());
        uint64_t sent = 0;
        for (const auto& out : r.at("egress")) sent += out.at("frames").get<uint64_t>();
        EXPECT_EQ(sent, forwarded);
    }

    fs::path dir_;
    std::string output_;
};

// Two ports at 100 Gb/s of 64-byte frames offer 297.6 Mpps; a 250 MHz pipeline takes one frame a
// clock: the input FIFOs fill and drop, the pipeline runs at one frame per clock, nothing else
// is lost.
TEST_F(BoardLineRate, TwoPortsAt100GConserveEveryFrame) {
    const auto r =
        run("--ports 1,2 --rate 100G --frame-size 64 --frames 4000 --commands " + kCross);
    expectConserved(r);
    for (const auto& in : r.at("ingress")) {
        EXPECT_GT(in.at("fifo_drops").get<uint64_t>(), 0u) << output_;
        EXPECT_EQ(in.at("fifo_high_water"), in.at("fifo_depth"));
        EXPECT_EQ(in.at("queue_drops").get<uint64_t>(), 0u);
    }
    EXPECT_NEAR(r.at("pipeline_frames_per_clock").get<double>(), 1.0, 0.01) << output_;
}

// The same with frames of 24 beats: the pipeline's beats, not its frames, are the limit.
TEST_F(BoardLineRate, LargeFramesConserveEveryFrame) {
    const auto r =
        run("--ports 1,2 --rate 100G --frame-size 1518 --frames 600 --commands " + kCross);
    expectConserved(r);
    EXPECT_EQ(r.at("beats_per_frame").get<int>(), 24);
    EXPECT_NEAR(r.at("pipeline_frames_per_clock").get<double>() * 24, 1.0, 0.01) << output_;
}

// Ports 1 and 2 at 100 Gb/s both routed to port 3 at 100 Gb/s: port 3's queue fills to its
// depth and drops; the drops are counted at the queue, per ingress port and in total.
TEST_F(BoardLineRate, OversubscribedOutputDropsAtItsQueue) {
    const auto r =
        run("--ports 1-3 --offer 1,2 --rate 100G --queue-depth 64 --frame-size 64 --frames 3000 "
            "--commands " +
            kFanIn);
    expectConserved(r);
    bool seen = false;
    for (const auto& out : r.at("egress")) {
        if (out.at("port") != 3) {
            EXPECT_EQ(out.at("frames").get<uint64_t>(), 0u);
            continue;
        }
        seen = true;
        EXPECT_GT(out.at("queue_drops").get<uint64_t>(), 0u) << output_;
        EXPECT_EQ(out.at("queue_high_water").get<int>(), 64) << output_;
        EXPECT_EQ(out.at("queue_depth").get<int>(), 64);
        // The port sends at its line rate while it is busy.
        EXPECT_NEAR(out.at("wire_gbps").get<double>(), 100.0, 0.5) << output_;
    }
    EXPECT_TRUE(seen);
    uint64_t queueDrops = 0;
    for (const auto& in : r.at("ingress")) queueDrops += in.at("queue_drops").get<uint64_t>();
    EXPECT_GT(queueDrops, 0u);
}

// At 25 Gb/s per port (74.4 Mpps in all) the pipeline carries everything: nothing is dropped.
TEST_F(BoardLineRate, CarriedRateDropsNothing) {
    const auto r = run("--ports 1,2 --rate 25G --frame-size 64 --frames 3000 --commands " + kCross);
    expectConserved(r);
    for (const auto& in : r.at("ingress")) {
        EXPECT_EQ(in.at("forwarded"), in.at("offered")) << output_;
        EXPECT_EQ(in.at("fifo_drops").get<uint64_t>(), 0u);
        EXPECT_EQ(in.at("queue_drops").get<uint64_t>(), 0u);
        EXPECT_EQ(in.at("pipeline_drops").get<uint64_t>(), 0u);
    }
    EXPECT_EQ(r.at("pipeline").at("dropped").get<uint64_t>(), 0u);
}

// One port at 100 Gb/s (148.8 Mpps) is within one frame per clock: nothing is dropped either.
TEST_F(BoardLineRate, OnePortAt100GDropsNothing) {
    const auto r =
        run("--ports 1,2 --offer 1 --rate 100G --frame-size 64 --frames 3000 --commands " + kCross);
    expectConserved(r);
    for (const auto& in : r.at("ingress"))
        EXPECT_EQ(in.at("forwarded"), in.at("offered")) << output_;
}

// Frames the program drops (router.p4 drops frames addressed to another MAC) are pipeline
// drops, counted by the pipeline's DROPPED counter.
TEST_F(BoardLineRate, ProgramDropsAreCountedByThePipeline) {
    const auto r =
        run("--ports 1,2 --offer 1 --rate 10G --frame-size 128 --frames 500 --frame "
            "1=0a0a0a0a0a0a0a00000000010800 --commands " +
            kCross);
    expectConserved(r);
    EXPECT_EQ(r.at("ingress")[0].at("pipeline_drops").get<uint64_t>(), 500u) << output_;
    EXPECT_EQ(r.at("pipeline").at("dropped").get<uint64_t>(), 500u);
}

// Frames the program punts reach the host through the DMA channel.
TEST_F(BoardLineRate, PuntsReachTheHost) {
    // 192.0.2.254 is one of the router's own addresses: punted to the CPU port.
    const auto r =
        run("--ports 1,2 --offer 1 --rate 10G --frame-size 64 --frames 200 --frame "
            "1=0200000000010a00000000010800450000000001000040110000c0000201c00002fe --commands " +
            kCross);
    expectConserved(r);
    EXPECT_EQ(r.at("ingress")[0].at("to_host").get<uint64_t>(), 200u) << output_;
    EXPECT_EQ(r.at("to_host").get<uint64_t>(), 200u);
}

}  // namespace
