// SPDX-License-Identifier: Apache-2.0
// `hopsim serve`, continued (serve_test.cpp): clients in a row and a killed client, an idle
// board, the CPU port of router.p4, `hopsim load`, one board per socket, command-line errors.
#include "tests/serve/serve_fixture.hpp"

namespace {

using namespace hop::servetest;
namespace fs = std::filesystem;
namespace proto = hop::device::proto;
using namespace std::chrono_literals;

TEST_F(Serve, ClientsOneAtATimeAndInARow) {
    Board& board = start();
    ASSERT_TRUE(board.ready());
    const auto map = regmapOf("basic");
    const uint32_t stage = map.find("MyIngress.ipv4_lpm")->base + 0x100;
    std::string error;
    {
        auto first = open();
        ASSERT_TRUE(first);
        EXPECT_EQ(first->info().csrWrites, 0u);
        ASSERT_TRUE(first->write(stage, 0xa5a5a5a5, error)) << error;
        // A second client while the first is connected is refused, with a reason.
        auto second = hop::device::openDevice(board.spec(), error);
        EXPECT_FALSE(second);
        EXPECT_NE(error.find("already has a client"), std::string::npos) << error;
        // And the first one still works.
        EXPECT_EQ(first->read(stage, error), 0xa5a5a5a5u) << error;
    }
    for (int i = 0; i < 3; ++i) {
        auto next = open();
        ASSERT_TRUE(next);
        EXPECT_EQ(next->info().csrWrites, 1u);
        EXPECT_EQ(next->read(stage, error), 0xa5a5a5a5u) << error;
    }
    auto stats = open()->stats(proto::StatsFormat::Json, error);
    ASSERT_TRUE(stats) << error;
    const auto j = nlohmann::json::parse(*stats);
    EXPECT_EQ(j["clients"]["served"], 5);
    EXPECT_EQ(j["clients"]["refused"], 1);
    stopCleanly();
}

TEST_F(Serve, AKilledClientLeavesTheBoardServing) {
    Board& board = start();
    ASSERT_TRUE(board.ready());
    int ready[2];
    ASSERT_EQ(::pipe(ready), 0);
    const pid_t child = ::fork();
    if (child == 0) {
        // Reads the ID word for as long as it lives; says so after its first read.
        std::string error;
        auto device = hop::device::openDevice(board.spec(), error);
        if (!device || !device->read(0, error)) ::_exit(1);
        (void)!::write(ready[1], "r", 1);
        for (;;) {
            if (!device->read(0, error)) ::_exit(1);
        }
    }
    ::close(ready[1]);
    pollfd p{ready[0], POLLIN, 0};
    ASSERT_EQ(::poll(&p, 1, 10000), 1);
    char c = 0;
    ASSERT_EQ(::read(ready[0], &c, 1), 1);
    ::close(ready[0]);
    std::this_thread::sleep_for(200ms);
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    EXPECT_TRUE(WIFSIGNALED(status));
    // The kernel closes the dead client's socket; the board notices and takes the next one.
    std::unique_ptr<hop::device::Device> device;
    std::string error;
    for (int i = 0; i < 100 && !device; ++i) {
        device = hop::device::openDevice(board.spec(), error);
        if (!device) std::this_thread::sleep_for(50ms);
    }
    ASSERT_TRUE(device) << error;
    EXPECT_EQ(device->read(4 * hop::regmap::kWordId, error), hop::regmap::kPipelineId) << error;
    auto stats = device->stats(proto::StatsFormat::Json, error);
    ASSERT_TRUE(stats);
    EXPECT_GT(nlohmann::json::parse(*stats)["clients"]["csr_reads"].get<uint64_t>(), 1u);
    device.reset();
    stopCleanly(SIGINT);
}

TEST_F(Serve, AnIdleBoardDoesNotSpin) {
    Board& board = start();
    ASSERT_TRUE(board.ready());
    {
        // Some work first, then the client leaves: the board must go back to sleep.
        auto device = open();
        ASSERT_TRUE(device);
        std::string error;
        for (int i = 0; i < 100; ++i) ASSERT_TRUE(device->read(0, error)) << error;
    }
    std::this_thread::sleep_for(200ms);
    const long before = board.cpuTicks();
    const auto start = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(2s);
    const long ticks = board.cpuTicks() - before;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double share = static_cast<double>(ticks) / ::sysconf(_SC_CLK_TCK) / seconds;
    // A busy loop would be close to 1.0; a sleeping board is at 0.
    EXPECT_LT(share, 0.05) << ticks << " ticks of CPU in " << seconds << " s";
    stopCleanly();
}

TEST_F(Serve, RouterFramesToAndFromTheCpuPort) {
    Board& board = start("router");
    ASSERT_TRUE(board.ready());
    auto device = open();
    ASSERT_TRUE(device);
    EXPECT_EQ(device->info().cpuPort, 510u);
    std::string error;
    // Nothing punted yet: no frame, and no error.
    EXPECT_FALSE(device->receivePacket(0ms, error));
    EXPECT_EQ(error, "");
    // packet_out {egress_port, _pad}: the frame behind it leaves on egress_port unchanged.
    auto packetOut = [](uint32_t port, const std::vector<uint8_t>& frame) {
        std::vector<uint8_t> b{static_cast<uint8_t>(port >> 1), static_cast<uint8_t>(port << 7)};
        b.insert(b.end(), frame.begin(), frame.end());
        return b;
    };
    std::vector<uint8_t> frame(64);
    for (size_t i = 0; i < frame.size(); ++i) frame[i] = static_cast<uint8_t>(i * 7);
    frame[12] = 0x88;  // an EtherType the router does not parse
    frame[13] = 0xb5;
    ASSERT_TRUE(device->sendPacket(packetOut(510, frame), error)) << error;
    auto back = device->receivePacket(10s, error);
    ASSERT_TRUE(back) << error;
    EXPECT_EQ(*back, frame);
    // To a port nothing is attached to: counted.
    ASSERT_TRUE(device->sendPacket(packetOut(3, frame), error)) << error;
    nlohmann::json j;
    for (int i = 0; i < 100; ++i) {
        auto stats = device->stats(proto::StatsFormat::Json, error);
        ASSERT_TRUE(stats) << error;
        j = nlohmann::json::parse(*stats);
        if (j["undelivered"]["unattached_port"] == 1) break;
        std::this_thread::sleep_for(20ms);
    }
    EXPECT_EQ(j["undelivered"]["unattached_port"], 1) << j.dump(2);
    EXPECT_EQ(j["pipeline"]["rx"], 2);
    EXPECT_EQ(j["pipeline"]["tx"], 2);
    bool sawCpu = false;
    for (const auto& p : j["ports"]) {
        if (p["port"] == 510) {
            sawCpu = true;
            EXPECT_EQ(p["rx_packets"], 2);
            EXPECT_EQ(p["tx_packets"], 1);
            EXPECT_EQ(p["tx_bytes"], 64);
        }
    }
    EXPECT_TRUE(sawCpu) << j.dump(2);
    // Frames to the CPU port are counted by their packet_in reason field (7 bits after the 9-bit
    // ingress port: the low 7 bits of the frame's second byte, 7 here).
    EXPECT_EQ(j["punts_by_reason"]["7"], 1) << j.dump(2);
    // Each frame was alone in the pipeline, so both latencies are known (router.p4 at
    // DATA_W=512, store-and-forward, a 66-byte frame: about 35 cycles).
    ASSERT_TRUE(j.contains("latency_cycles")) << j.dump(2);
    EXPECT_EQ(j["latency_cycles"]["samples"], 2);
    EXPECT_GT(j["latency_cycles"]["min"], 20);
    EXPECT_LT(j["latency_cycles"]["max"], 60);
    device.reset();
    stopCleanly();
}

TEST_F(Serve, LoadWritesEntriesAndNamesTheLineOfAnError) {
    Board& board = start();
    ASSERT_TRUE(board.ready());
    const std::string basic = kSource + "/examples/basic.p4";
    const std::string socket = board.socket().string();
    std::string out, err;
    // The traffic manager's lines need a board serving the switch top, and --rtl-ports: on this
    // pipeline board they are refused at their line (nothing written), and --rtl-ports finds no
    // switch.
    const fs::path mc = write("mc.txt", "mc_mgrp_create 1\n");
    EXPECT_EQ(hopsim({"load", basic, "--socket", socket, mc.string()}, out, err), 1);
    EXPECT_NE(err.find(mc.string() + ":1:"), std::string::npos) << err;
    EXPECT_NE(err.find("need a board serving the switch top"), std::string::npos) << err;
    EXPECT_EQ(
        hopsim({"load", basic, "--socket", socket, "--rtl-ports", "8", mc.string()}, out, err), 1);
    EXPECT_NE(err.find("is it serving the switch top with --rtl-ports 8?"), std::string::npos)
        << err;
    // A mistake on line 3: nothing after it is loaded, the line is named.
    const fs::path bad = write("bad.txt",
                               "# routes\n"
                               "table_add MyIngress.ipv4_lpm ipv4_forward 10.0.1.0/24 => "
                               "00:00:00:00:01:01 1\n"
                               "table_add MyIngress.ipv4_lpm ipv4_forward 10.0.2.0/24 => 2\n");
    EXPECT_EQ(hopsim({"load", basic, "--socket", socket, bad.string()}, out, err), 1);
    EXPECT_EQ(
        err.substr(0, err.find('\n')),
        bad.string() + ":3:58: error: action 'MyIngress.ipv4_forward' takes 2 parameter(s), got 1")
        << err;
    // The wrong program for the board.
    EXPECT_EQ(hopsim({"load", kSource + "/examples/router.p4", "--socket", socket, bad.string()},
                     out, err),
              1);
    EXPECT_NE(err.find("runs basic, not router"), std::string::npos) << err;
    // No board there.
    EXPECT_EQ(
        hopsim({"load", basic, "--socket", (dir_ / "none.sock").string(), bad.string()}, out, err),
        3);
    EXPECT_NE(err.find("cannot connect"), std::string::npos) << err;
}

TEST_F(Serve, LoadFillsTheTablesOfAFreshBoardOnly) {
    Board& board = start();
    ASSERT_TRUE(board.ready());
    const std::string basic = kSource + "/examples/basic.p4";
    const std::string socket = board.socket().string();
    // BMv2 CLI and STF lines mixed.
    const fs::path good = write("good.txt",
                                "table_add MyIngress.ipv4_lpm ipv4_forward 10.0.1.0/24 => "
                                "00:00:00:00:01:01 1\n"
                                "\n"
                                "add ipv4_lpm hdr.ipv4.dstAddr:0x0a000200/24 "
                                "ipv4_forward(dstAddr:0x000000000202, port:2)\n");
    std::string out, err;
    ASSERT_EQ(hopsim({"load", basic, "--socket", socket, good.string()}, out, err), 0) << err;
    EXPECT_NE(out.find("hopsim load: 2 commands into sim:"), std::string::npos) << out;
    // A second load would start from tables the loader does not know: refused.
    EXPECT_EQ(hopsim({"load", basic, "--socket", socket, good.string()}, out, err), 1);
    EXPECT_NE(err.find("clients have written"), std::string::npos) << err;
    stopCleanly();
}

TEST_F(Serve, OneBoardPerSocket) {
    Board& board = start();
    ASSERT_TRUE(board.ready());
    std::string out, err;
    EXPECT_EQ(hopsim({"serve", kSource + "/examples/basic.p4", "--socket", board.socket().string(),
                      "--data-width", "64", "--rtl-cache", HOP_RTL_CACHE},
                     out, err),
              3);
    EXPECT_NE(err.find("another board is served there"), std::string::npos) << err;
    // The first board is untouched.
    auto device = open();
    ASSERT_TRUE(device);
    device.reset();
    // A board that died leaves a stale socket file: the next one replaces it.
    EXPECT_EQ(board.stop(SIGKILL), -1);
    ASSERT_TRUE(fs::exists(board.socket()));
    Board next("basic", dir_);
    EXPECT_TRUE(next.ready()) << next.err();
    EXPECT_EQ(next.stop(SIGTERM), 0) << next.err();
}

TEST_F(Serve, CommandLineErrors) {
    std::string out, err;
    const std::string basic = kSource + "/examples/basic.p4";
    const std::string socket = (dir_ / "x.sock").string();
    EXPECT_EQ(hopsim({"serve", basic}, out, err), 2);  // no --socket
    EXPECT_EQ(hopsim({"serve", basic, "--socket", socket, "--tap", "1"}, out, err), 2);
    EXPECT_EQ(err, "hopsim: error: --tap '1' is not PORT=IFNAME\n");
    EXPECT_EQ(hopsim({"serve", basic, "--socket", socket, "--tap", "1=a/b"}, out, err), 2);
    EXPECT_EQ(
        hopsim({"serve", basic, "--socket", socket, "--tap", "1=averyveryverylongname"}, out, err),
        2);
    EXPECT_EQ(hopsim({"serve", basic, "--socket", socket, "--tap", "600=tap0"}, out, err), 2);
    EXPECT_EQ(hopsim({"load", basic, "--socket", socket}, out, err), 2);  // no file
}

}  // namespace
