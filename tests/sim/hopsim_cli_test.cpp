// SPDX-License-Identifier: Apache-2.0
// hopsim as users run it: exit codes, located errors, pcap files in and out, the summary.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/hopsim/pcap_io.hpp"

namespace {

namespace fs = std::filesystem;

const std::string kSource = HOP_SOURCE_DIR;
const std::string kBasic = kSource + "/examples/basic.p4";
const std::string kRouter = kSource + "/examples/router.p4";

struct Outcome {
    int code = -1;
    std::string out, err;
};

std::string readText(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string firstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

class HopsimCli : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("hopsim_cli_" +
                std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "_" +
                std::to_string(::getpid()));
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    fs::path write(const std::string& name, const std::string& text) {
        const fs::path path = dir_ / name;
        std::ofstream(path, std::ios::binary) << text;
        return path;
    }

    Outcome hopsim(const std::string& args) {
        const fs::path out = dir_ / "stdout.txt", err = dir_ / "stderr.txt";
        const std::string command =
            std::string(HOP_HOPSIM) + " " + args + " >" + out.string() + " 2>" + err.string();
        const int status = std::system(command.c_str());
        Outcome run;
        run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        run.out = readText(out);
        run.err = readText(err);
        return run;
    }

    fs::path dir_;
};

// A UDP packet from 198.51.100.10 to `dst` as Ethernet frame bytes (checksum correct for
// 192.0.2.20 only; basic.p4 recomputes it anyway).
std::vector<uint8_t> hex(std::string text) {
    std::vector<uint8_t> bytes;
    std::erase(text, ' ');
    for (size_t i = 0; i + 1 < text.size(); i += 2) {
        bytes.push_back(static_cast<uint8_t>(std::stoi(text.substr(i, 2), nullptr, 16)));
    }
    return bytes;
}

const char* kToRoutedHost =
    "00000000000100000000000a0800 450000210001000040118e79c633640ac0000214 "
    "04d2162e000d000068656c6c6f";
const char* kForwardedToPort2 =
    "0000000002020000000000010800 45000021000100003f118f79c633640ac0000214 "
    "04d2162e000d000068656c6c6f";
// 192.0.2.20 -> 192.1.2.20: no route in basic.runtime.json, dropped.
const char* kToNowhere =
    "00000000000100000000000a0800 450000210001000040118d79c633640ac0010214 "
    "04d2162e000d000068656c6c6f";
const char* kArp =
    "ffffffffffff00000000000a0806 0001080006040001 00000000000ac633640a 000000000000c6336401";

TEST_F(HopsimCli, UsageErrorsExitTwo) {
    EXPECT_EQ(hopsim("").code, 2);
    EXPECT_EQ(hopsim("stf " + kBasic).code, 2);
    EXPECT_EQ(hopsim("frobnicate").code, 2);
    EXPECT_EQ(hopsim("stf " + kBasic + " x.stf --engine bogus").code, 2);
    EXPECT_EQ(hopsim("run " + kBasic + " --out-dir " + dir_.string()).code, 2);  // no --in
    Outcome bad = hopsim("run " + kBasic + " --in 0in.pcap --out-dir " + dir_.string());
    EXPECT_EQ(bad.code, 2);
    EXPECT_EQ(firstLine(bad.err), "hopsim: error: --in '0in.pcap' is not PORT=FILE.pcap");
    bad = hopsim("run " + kBasic + " --in 600=in.pcap --out-dir " + dir_.string());
    EXPECT_EQ(firstLine(bad.err), "hopsim: error: --in '600' is not a port number (0..510)");
    EXPECT_EQ(hopsim("--help").code, 0);
}

// The RTL engine's model cache: a cached model is not built again; a missing or broken
// Verilator is a clear error, never a crash.
TEST_F(HopsimCli, RtlCachedModelIsNotRebuilt) {
#ifdef HOP_RTL_CACHE
    // tests/stf prebuilds basic at DATA_W=64 into this cache at build time.
    Outcome run = hopsim("build " + kBasic + " --data-width 64 --rtl-cache " HOP_RTL_CACHE);
    EXPECT_EQ(run.code, 0) << run.err;
    EXPECT_EQ(run.err.find("building"), std::string::npos) << run.err;
    EXPECT_NE(run.out.find("/model.so"), std::string::npos) << run.out;
    const fs::path stf = write("t.stf", "packet 0 00\n");
    run = hopsim("stf " + kBasic + " " + stf.string() +
                 " --engine rtl --data-width 64 --trace-packets --rtl-cache " HOP_RTL_CACHE);
    EXPECT_EQ(run.err.find("building"), std::string::npos) << run.err;
    EXPECT_EQ(run.code, 1) << run.out << run.err;  // one unexpected packet
    EXPECT_NE(run.out.find("rtl: in at cycles"), std::string::npos) << run.out;
#else
    GTEST_SKIP() << "no prebuilt RTL cache";
#endif
}

// A damaged model in the cache (here: truncated) is noticed before it is loaded and built again;
// with a broken Verilator that rebuild fails cleanly.
TEST_F(HopsimCli, RtlTruncatedModelIsRebuilt) {
#ifdef HOP_RTL_CACHE
    Outcome run = hopsim("build " + kBasic + " --data-width 64 --rtl-cache " HOP_RTL_CACHE);
    ASSERT_EQ(run.code, 0) << run.err;
    const fs::path so = firstLine(run.out);
    const fs::path copy = dir_ / "cache" / so.parent_path().filename();
    fs::create_directories(copy);
    fs::copy_file(so, copy / "model.so");
    fs::resize_file(copy / "model.so", 4096);
    const fs::path fake = write("verilator",
                                "#!/bin/sh\n"
                                "if [ \"$1\" = --version ]; then verilator --version; exit; fi\n"
                                "echo '%Error: no rebuild here'; exit 1\n");
    fs::permissions(fake, fs::perms::owner_all);
    ::setenv("HOPSIM_VERILATOR", fake.c_str(), 1);
    run = hopsim("build " + kBasic + " --data-width 64 --rtl-cache " + (dir_ / "cache").string());
    ::unsetenv("HOPSIM_VERILATOR");
    EXPECT_EQ(run.code, 3);
    EXPECT_EQ(firstLine(run.err), "hopsim: warning: " + (copy / "model.so").string() +
                                      " is truncated; building it again")
        << run.err;
#else
    GTEST_SKIP() << "no prebuilt RTL cache";
#endif
}

// --rtl-quick: a model of its own (`-quick` in its directory's name), its code compiled at -O0
// (the STF corpus's models at DATA_W=64 that no long run uses; tests/stf prebuilds arith's).
TEST_F(HopsimCli, RtlQuickIsAModelOfItsOwn) {
#ifdef HOP_RTL_CACHE
    const std::string arith = std::string(HOP_SOURCE_DIR) + "/tests/stf/arith.p4";
    Outcome run =
        hopsim("build " + arith + " --data-width 64 --rtl-quick --rtl-cache " HOP_RTL_CACHE);
    ASSERT_EQ(run.code, 0) << run.err;
    const fs::path quick = firstLine(run.out);
    EXPECT_NE(quick.parent_path().filename().string().find("arith-w64-quick-"), std::string::npos)
        << quick;
    std::ifstream log(quick.parent_path() / "build.log");
    std::string first;
    std::getline(log, first);
    EXPECT_NE(first.find("OPT_FAST=-O0"), std::string::npos) << first;
    run = hopsim("build " + kBasic + " --data-width 64 --rtl-cache " HOP_RTL_CACHE);
    ASSERT_EQ(run.code, 0) << run.err;
    EXPECT_EQ(firstLine(run.out).find("-quick"), std::string::npos) << run.out;
#else
    GTEST_SKIP() << "no prebuilt RTL cache";
#endif
}

TEST_F(HopsimCli, RtlWithoutVerilatorIsAClearError) {
    const fs::path stf = write("t.stf", "wait\n");
    ::setenv("HOPSIM_VERILATOR", (dir_ / "no-verilator").c_str(), 1);
    Outcome run = hopsim("stf " + kBasic + " " + stf.string() + " --engine rtl --rtl-cache " +
                         (dir_ / "cache").string());
    ::unsetenv("HOPSIM_VERILATOR");
    EXPECT_EQ(run.code, 3);
    EXPECT_EQ(firstLine(run.err),
              "hopsim: error: cannot run Verilator ('" + (dir_ / "no-verilator").string() +
                  " --version' could not be started); the RTL engine needs it (scripts/deps.sh "
                  "installs it; HOPSIM_VERILATOR names another binary)");
}

TEST_F(HopsimCli, RtlBrokenVerilatorIsAClearError) {
    const fs::path fake = write("verilator",
                                "#!/bin/sh\n"
                                "if [ \"$1\" = --version ]; then echo 'Verilator 0.000 fake'; "
                                "exit 0; fi\n"
                                "echo '%Error: this verilator is broken'; exit 1\n");
    fs::permissions(fake, fs::perms::owner_all);
    ::setenv("HOPSIM_VERILATOR", fake.c_str(), 1);
    Outcome run =
        hopsim("build " + kBasic + " --data-width 64 --rtl-cache " + (dir_ / "cache").string());
    ::unsetenv("HOPSIM_VERILATOR");
    EXPECT_EQ(run.code, 3);
    EXPECT_NE(run.err.find("hopsim: building the RTL model of basic (DATA_W=64) in "),
              std::string::npos)
        << run.err;
    EXPECT_NE(run.err.find("%Error: this verilator is broken"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("hopsim: error: building the RTL model of basic failed (" +
                           fake.string() + " exited with 1); the whole log is "),
              std::string::npos)
        << run.err;
}

TEST_F(HopsimCli, StfPassAndFail) {
    Outcome pass = hopsim("stf " + kBasic + " " + kSource + "/tests/stf/basic-forward.stf");
    EXPECT_EQ(pass.code, 0) << pass.out << pass.err;
    EXPECT_NE(pass.out.find("PASS: "), std::string::npos);

    const fs::path stf = write(
        "wrong.stf",
        "add ipv4_lpm dstAddr:0xc0000200/24 ipv4_forward(dstAddr:0x000000000202, port:2)\n" +
            std::string("packet 0 ") + kToRoutedHost + "\nexpect 3 " + kForwardedToPort2 + "\n");
    Outcome fail = hopsim("stf " + kBasic + " " + stf.string() + " --engine model");
    EXPECT_EQ(fail.code, 1);
    EXPECT_NE(fail.out.find(stf.string() +
                            ":3:1: error: port 3, packet 1: expected packet did not arrive"),
              std::string::npos)
        << fail.out;
    EXPECT_NE(fail.out.find(stf.string() + ":2:1: error: port 2, packet 1: unexpected packet"),
              std::string::npos)
        << fail.out;
    EXPECT_NE(fail.out.find("FAIL: "), std::string::npos);
}

TEST_F(HopsimCli, MalformedStfIsLocated) {
    const fs::path stf = write("bad.stf", "# comment\npacket 0 00zz\n");
    Outcome run = hopsim("stf " + kBasic + " " + stf.string());
    EXPECT_EQ(run.code, 1);
    EXPECT_EQ(run.err, stf.string() + ":2:12: error: unexpected character 'z' in packet data\n");

    const fs::path table = write("table.stf", "\n\nadd no_such_table k:1 nop()\n");
    run = hopsim("stf " + kBasic + " " + table.string());
    EXPECT_EQ(run.code, 1);
    EXPECT_EQ(run.err, table.string() + ":3:5: error: unknown table 'no_such_table'\n");

    // The table refuses the entry (a duplicate): located at the line that adds it.
    const std::string add =
        "add ipv4_lpm dstAddr:0xc0000200/24 ipv4_forward(dstAddr:0x000000000202, port:2)\n";
    const fs::path dup = write("dup.stf", add + add);
    run = hopsim("stf " + kBasic + " " + dup.string());
    EXPECT_EQ(run.code, 1);
    EXPECT_EQ(run.err, dup.string() +
                           ":2:1: error: duplicate entry in table 'MyIngress.ipv4_lpm' (same "
                           "match as entry 0)\n");

    run = hopsim("stf " + kBasic + " " + (dir_ / "missing.stf").string());
    EXPECT_EQ(run.code, 1);
    EXPECT_EQ(firstLine(run.err),
              (dir_ / "missing.stf").string() + ": error: cannot read the file");
}

TEST_F(HopsimCli, ProgramErrors) {
    const fs::path stf = write("t.stf", "wait\n");
    Outcome run = hopsim("stf " + (dir_ / "nothere.p4").string() + " " + stf.string());
    EXPECT_EQ(run.code, 1);
    EXPECT_EQ(firstLine(run.err), (dir_ / "nothere.p4").string() +
                                      ": error: no such file or "
                                      "directory");
    const fs::path p4 = write("broken.p4", "#include <v1model.p4>\ncontrol C( { }\n");
    run = hopsim("stf " + p4.string() + " " + stf.string());
    EXPECT_EQ(run.code, 1);
    EXPECT_EQ(run.err.rfind(p4.string() + ":2:", 0), 0u) << run.err;
    run = hopsim("stf " + dir_.string() + " " + stf.string());
    EXPECT_EQ(run.code, 1);
    EXPECT_NE(run.err.find("not a hopc output directory"), std::string::npos) << run.err;
}

TEST_F(HopsimCli, HopcOutputDirectory) {
    const fs::path out = dir_ / "basic-out";
    const std::string hopc = std::string(HOP_HOPC) + " " + kBasic + " -o " + out.string();
    ASSERT_EQ(std::system(hopc.c_str()), 0);
    ASSERT_TRUE(fs::exists(out / "program.json"));
    Outcome run =
        hopsim("stf " + out.string() + " " + kSource + "/tests/stf/basic-lpm-longest.stf");
    EXPECT_EQ(run.code, 0) << run.out << run.err;
}

TEST_F(HopsimCli, TracePackets) {
    Outcome run =
        hopsim("stf " + kBasic + " " + kSource + "/tests/stf/basic-forward.stf --trace-packets");
    EXPECT_EQ(run.code, 0) << run.out << run.err;
    EXPECT_NE(run.out.find("packet 1 ("), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("  decision: forwarded to port 2"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("  table MyIngress.ipv4_lpm"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("  decision: dropped"), std::string::npos) << run.out;
}

TEST_F(HopsimCli, RunWritesPcapsAndSummary) {
    hop::hopsim::PcapWriter writer;
    std::string error;
    ASSERT_TRUE(writer.open((dir_ / "in0.pcap").string(), error)) << error;
    writer.write({100, 0, hex(kToRoutedHost), 0});
    writer.write({102, 0, hex(kArp), 0});
    ASSERT_TRUE(writer.close(error));
    ASSERT_TRUE(writer.open((dir_ / "in1.pcap").string(), error)) << error;
    writer.write({101, 0, hex(kToNowhere), 0});
    ASSERT_TRUE(writer.close(error));

    const fs::path out = dir_ / "out";
    Outcome run =
        hopsim("run " + kBasic + " --engine model --in 0=" + (dir_ / "in0.pcap").string() +
               " --in 1=" + (dir_ / "in1.pcap").string() + " --out-dir " + out.string() +
               " --runtime-json " + kSource + "/tests/stf/run/basic.runtime.json");
    ASSERT_EQ(run.code, 0) << run.out << run.err;
    EXPECT_EQ(firstLine(run.out), "3 packets in: 2 forwarded, 1 dropped, 0 punted; 2 packets out");
    EXPECT_NE(run.out.find("drops:\n"), std::string::npos) << run.out;

    std::vector<hop::hopsim::PcapPacket> packets;
    ASSERT_TRUE(hop::hopsim::readPcap((out / "port2.pcap").string(), packets, error)) << error;
    ASSERT_EQ(packets.size(), 1u);
    EXPECT_EQ(packets[0].bytes, hex(kForwardedToPort2));
    EXPECT_EQ(packets[0].seconds, 100);
    packets.clear();
    ASSERT_TRUE(hop::hopsim::readPcap((out / "port0.pcap").string(), packets, error)) << error;
    ASSERT_EQ(packets.size(), 1u);  // the ARP frame: not IPv4, egress_spec stays 0
    EXPECT_EQ(packets[0].bytes, hex(kArp));
    packets.clear();
    ASSERT_TRUE(hop::hopsim::readPcap((out / "port1.pcap").string(), packets, error)) << error;
    EXPECT_TRUE(packets.empty());
}

// On RTL the summary has bytes per port, cycles, packets per clock and latency, and the drop is
// explained by the pipeline's own counter (the RTL cannot say why per packet).
TEST_F(HopsimCli, RunOnRtlReportsCyclesLatencyAndCounters) {
    hop::hopsim::PcapWriter writer;
    std::string error;
    ASSERT_TRUE(writer.open((dir_ / "in0.pcap").string(), error)) << error;
    writer.write({100, 0, hex(kToRoutedHost), 0});
    writer.write({101, 0, hex(kToNowhere), 0});
    ASSERT_TRUE(writer.close(error));
    const fs::path out = dir_ / "out";
    Outcome run =
        hopsim("run " + kBasic + " --engine rtl --data-width 64 --rtl-cache " + HOP_RTL_CACHE +
               " --trace-packets --in 0=" + (dir_ / "in0.pcap").string() + " --out-dir " +
               out.string() + " --runtime-json " + kSource + "/tests/stf/run/basic.runtime.json");
    ASSERT_EQ(run.code, 0) << run.out << run.err;
    EXPECT_NE(run.out.find("2 packets in: 1 forwarded, 1 dropped, 0 punted; 1 packets out"),
              std::string::npos)
        << run.out;
    // Port 0: two frames of 47 bytes in; port 2: the forwarded one out.
    EXPECT_NE(run.out.find("      0         2          94         0           0"),
              std::string::npos)
        << run.out;
    EXPECT_NE(run.out.find("      2         0           0         1          47"),
              std::string::npos)
        << run.out;
    EXPECT_NE(run.out.find("packets per clock"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("latency (cycles, first beat in to first beat out): min "),
              std::string::npos)
        << run.out;
    EXPECT_NE(run.out.find("1  by the program: mark_to_drop or egress_spec 511 (pipeline "
                           "counter DROPPED)"),
              std::string::npos)
        << run.out;
}

// --trace writes waves of the requested window: a VCD whose time stamps are two per clock
// (2 * cycle low, 2 * cycle + 1 the rising edge), from --trace-from for --trace-cycles cycles.
TEST_F(HopsimCli, RtlWaveformsOfAWindow) {
    const fs::path vcd = dir_ / "w.vcd";
    Outcome run =
        hopsim("stf " + kBasic + " " + kSource +
               "/tests/stf/basic-forward.stf --engine rtl --data-width 64 --rtl-cache " +
               HOP_RTL_CACHE + " --trace " + vcd.string() + " --trace-from 100 --trace-cycles 50");
    ASSERT_EQ(run.code, 0) << run.out << run.err;
    const std::string text = readText(vcd);
    EXPECT_NE(text.find("$var wire  1 "), std::string::npos);
    EXPECT_NE(text.find(" clk $end"), std::string::npos);
    EXPECT_NE(text.find(" s_axis_tdata [63:0] $end"), std::string::npos);
    std::vector<long> stamps;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
        if (!line.empty() && line[0] == '#') stamps.push_back(std::stol(line.substr(1)));
    ASSERT_FALSE(stamps.empty());
    EXPECT_EQ(stamps.front(), 201);
    EXPECT_EQ(stamps.back(), 301);
    EXPECT_EQ(stamps.size(), 101u);
    // Waves are the RTL's: the model has none; and only .fst or .vcd.
    run = hopsim("stf " + kBasic + " " + kSource + "/tests/stf/basic-forward.stf --trace " +
                 (dir_ / "x.fst").string());
    EXPECT_EQ(run.code, 2);
    EXPECT_NE(run.err.find("it needs --engine rtl"), std::string::npos) << run.err;
    run = hopsim("stf " + kBasic + " " + kSource + "/tests/stf/basic-forward.stf --engine rtl " +
                 "--trace " + (dir_ / "x.wav").string());
    EXPECT_EQ(run.code, 2);
    EXPECT_NE(run.err.find("must end in .fst or .vcd"), std::string::npos) << run.err;
}

TEST_F(HopsimCli, RunInterleavesInputsByTimestamp) {
    // Three packets to the same output port, from two input files; the identification field
    // (bytes 18-19 of the frame) tells them apart. Output order must follow the timestamps.
    auto withId = [](int id) {
        std::vector<uint8_t> bytes = hex(kToRoutedHost);
        bytes[19] = static_cast<uint8_t>(id);
        return bytes;
    };
    hop::hopsim::PcapWriter writer;
    std::string error;
    ASSERT_TRUE(writer.open((dir_ / "a.pcap").string(), error)) << error;
    writer.write({5, 100, withId(1), 0});
    writer.write({5, 300, withId(3), 0});
    ASSERT_TRUE(writer.close(error));
    ASSERT_TRUE(writer.open((dir_ / "b.pcap").string(), error)) << error;
    writer.write({5, 200, withId(2), 0});
    ASSERT_TRUE(writer.close(error));
    const fs::path out = dir_ / "out";
    Outcome run = hopsim("run " + kBasic + " --in 3=" + (dir_ / "a.pcap").string() +
                         " --in 4=" + (dir_ / "b.pcap").string() + " --out-dir " + out.string() +
                         " --runtime-json " + kSource + "/tests/stf/run/basic.runtime.json" +
                         " --cpu-port 2");
    ASSERT_EQ(run.code, 0) << run.out << run.err;
    // --cpu-port 2 makes every packet that leaves on port 2 a punt in the summary.
    EXPECT_EQ(firstLine(run.out), "3 packets in: 0 forwarded, 0 dropped, 3 punted; 3 packets out");
    std::vector<hop::hopsim::PcapPacket> packets;
    ASSERT_TRUE(hop::hopsim::readPcap((out / "port2.pcap").string(), packets, error)) << error;
    ASSERT_EQ(packets.size(), 3u);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(packets[i].bytes[19], i + 1);
        EXPECT_EQ(packets[i].micros, 100 * (i + 1));
    }
}

TEST_F(HopsimCli, RunReportsPunts) {
    // An ARP request on port 1 of router.p4 with a MAC on the port: punted with reason 1.
    hop::hopsim::PcapWriter writer;
    std::string error;
    ASSERT_TRUE(writer.open((dir_ / "in.pcap").string(), error)) << error;
    writer.write({1, 0, hex(kArp), 0});
    ASSERT_TRUE(writer.close(error));
    Outcome run =
        hopsim("run " + kRouter + " --engine model --in 1=" + (dir_ / "in.pcap").string() +
               " --out-dir " + (dir_ / "out").string() + " --commands " + kSource +
               "/tests/stf/run/router.commands --trace-packets");
    ASSERT_EQ(run.code, 0) << run.out << run.err;
    EXPECT_NE(run.out.find("1 packets in: 0 forwarded, 0 dropped, 1 punted; 1 packets out"),
              std::string::npos)
        << run.out;
    EXPECT_NE(run.out.find("punts:\n"), std::string::npos) << run.out;
    EXPECT_TRUE(fs::exists(dir_ / "out" / "port510.pcap"));
}

TEST_F(HopsimCli, MalformedCommandFilesAreLocated) {
    const fs::path in = dir_ / "in.pcap";
    {
        hop::hopsim::PcapWriter writer;
        std::string error;
        ASSERT_TRUE(writer.open(in.string(), error));
        ASSERT_TRUE(writer.close(error));
    }
    const std::string base =
        "run " + kBasic + " --in 0=" + in.string() + " --out-dir " + (dir_ / "out").string();
    const fs::path cmds =
        write("cmds.txt",
              "# routes\n"
              "table_add ipv4_lpm ipv4_forward 192.0.2.0/24 => 00:00:00:00:02:02 2\n"
              "  table_add ipv4_lpm no_such_action 192.0.3.0/24 =>\n");
    Outcome run = hopsim(base + " --commands " + cmds.string());
    EXPECT_EQ(run.code, 1);
    EXPECT_EQ(run.err, cmds.string() +
                           ":3:22: error: unknown action 'no_such_action' for table "
                           "'MyIngress.ipv4_lpm'\n");

    const fs::path dup = write("dup.txt",
                               "table_add ipv4_lpm drop 192.0.2.0/24 =>\n"
                               "table_add ipv4_lpm drop 192.0.2.0/24 =>\n");
    run = hopsim(base + " --commands " + dup.string());
    EXPECT_EQ(run.code, 1);
    EXPECT_EQ(run.err, dup.string() +
                           ":2:1: error: duplicate entry in table 'MyIngress.ipv4_lpm' "
                           "(same match as entry 0)\n");

    const fs::path json = write("rt.json", "{\n  \"table_entries\": [\n    {,\n  ]\n}\n");
    run = hopsim(base + " --runtime-json " + json.string());
    EXPECT_EQ(run.code, 1);
    EXPECT_EQ(run.err, json.string() +
                           ":3:6: error: malformed JSON: syntax error while parsing object key - "
                           "unexpected ','; expected string literal\n");

    const fs::path entries = write(
        "entries.json", R"({"table_entries": [{"table": "MyIngress.nope", "action_name": "x"}]})");
    run = hopsim(base + " --runtime-json " + entries.string());
    EXPECT_EQ(run.code, 1);
    EXPECT_EQ(run.err,
              entries.string() + ":1: error: table_entries[0]: unknown table 'MyIngress.nope'\n");

    run = hopsim("run " + kBasic + " --in 0=" + (dir_ / "missing.pcap").string() + " --out-dir " +
                 (dir_ / "out").string());
    EXPECT_EQ(run.code, 1);
    EXPECT_NE(run.err.find("cannot read the pcap file"), std::string::npos) << run.err;
}

}  // namespace

namespace {

// --dump-state after `run` on the model: counters.p4 counts three packets; on rtl it is a
// clear error before anything runs.
TEST_F(HopsimCli, RunDumpsExternState) {
    hop::hopsim::PcapWriter writer;
    std::string error;
    ASSERT_TRUE(writer.open((dir_ / "in.pcap").string(), error)) << error;
    writer.write({1, 0, hex("01 01 00 aabbcc"), 0});
    writer.write({1, 5, hex("01 01 00"), 0});
    writer.write({1, 9, hex("02 07 00"), 0});
    ASSERT_TRUE(writer.close(error));
    const fs::path commands = write("cmds.txt", "table_add fwd forward 1 => 2\n");
    Outcome run =
        hopsim("run " + kSource + "/tests/stf/counters.p4 --in 0=" + (dir_ / "in.pcap").string() +
               " --out-dir " + (dir_ / "out").string() + " --commands " + commands.string() +
               " --dump-state");
    ASSERT_EQ(run.code, 0) << run.out << run.err;
    EXPECT_NE(run.out.find("extern state:\n"
                           "counter I.by_packets packets x 4\n"
                           "  [1] packets=2\n"
                           "  [2] packets=1\n"
                           "counter I.by_bytes bytes x 4\n"
                           "  [1] bytes=9\n"
                           "  [2] bytes=3\n"
                           "direct_counter I.per_entry packets_and_bytes table I.fwd\n"
                           "  [0] packets=2 bytes=9\n"
                           "counter E.egress_both packets_and_bytes x 2\n"
                           "  [0] packets=1 bytes=3\n"
                           "  [1] packets=2 bytes=9\n"),
              std::string::npos)
        << run.out;
#ifdef HOP_RTL_CACHE
    // The RTL's registers, read back through their CSR blocks, print as the model's do.
    const fs::path stf = write("t.stf",
                               "packet 0 03 00000005 00000000 00000000 000000000000000000 0000\n"
                               "expect 1 03 00000005 00000000 00000005 000000050000000000 0005\n"
                               "packet 0 01 00000007 00000000 00000000 000000000000000000 0000\n"
                               "expect 1 01 00000007 00000000 00000007 0000000c0000000000 0007\n");
    const std::string regs = kSource + "/tests/stf/registers.p4 " + stf.string();
    Outcome model = hopsim("stf " + regs + " --engine model --dump-state");
    EXPECT_EQ(model.code, 0) << model.out << model.err;
    run = hopsim("stf " + regs + " --engine rtl --data-width 64 --dump-state --rtl-cache " +
                 HOP_RTL_CACHE);
    EXPECT_EQ(run.code, 0) << run.err;
    const std::string state =
        "extern state:\n"
        "register I.r bit<32> x 8\n"
        "  [1] 7\n"
        "  [3] 5\n";
    EXPECT_NE(model.out.find(state), std::string::npos) << model.out;
    EXPECT_NE(run.out.find(state), std::string::npos) << run.out;
    EXPECT_EQ(run.out.substr(run.out.find("extern state:")),
              model.out.substr(model.out.find("extern state:")));
#endif
}

// BMv2 CLI lines on registers in a --commands file run in file order before the traffic: on
// the model they act on its state, on rtl through the blocks' CSRs; reads print BMv2's text; a
// bad line is a located error.
TEST_F(HopsimCli, RunCommandsWriteAndReadRegisters) {
    hop::hopsim::PcapWriter writer;
    std::string error;
    ASSERT_TRUE(writer.open((dir_ / "in.pcap").string(), error)) << error;
    // idx 3, add 5: r[3] = 100 + 5.
    writer.write({0, 0, hex("03 00000005 00000000 00000000 000000000000000000 0000"), 0});
    ASSERT_TRUE(writer.close(error));
    const fs::path commands = write("cmds.txt",
                                    "register_write I.r 3 100\n"
                                    "register_read r 3\n"
                                    "register_write narrow 1 0xfff\n");
    const std::string args = "run " + kSource +
                             "/tests/stf/registers.p4 --in 0=" + (dir_ / "in.pcap").string() +
                             " --out-dir " + (dir_ / "out").string() + " --commands " +
                             commands.string() + " --dump-state";
    const std::string state =
        "register I.r bit<32> x 8\n"
        "  [3] 105\n";
    std::vector<std::string> engines = {"--engine model"};
#ifdef HOP_RTL_CACHE
    engines.push_back(std::string("--engine rtl --data-width 64 --rtl-cache ") + HOP_RTL_CACHE);
#endif
    for (const auto& engine : engines) {
        Outcome run = hopsim(args + " " + engine);
        ASSERT_EQ(run.code, 0) << engine << "\n" << run.out << run.err;
        EXPECT_NE(run.out.find("r[3]= 100\n"), std::string::npos) << engine << "\n" << run.out;
        EXPECT_NE(run.out.find(state), std::string::npos) << engine << "\n" << run.out;
        EXPECT_NE(run.out.find("register I.narrow bit<12> x 4\n  [1] 4095\n"), std::string::npos)
            << engine << "\n"
            << run.out;
    }
    const fs::path bad = write("bad.txt", "register_read I.r 1\nregister_write I.r 8 1\n");
    Outcome run =
        hopsim("run " + kSource + "/tests/stf/registers.p4 --in 0=" + (dir_ / "in.pcap").string() +
               " --out-dir " + (dir_ / "out").string() + " --commands " + bad.string());
    EXPECT_EQ(run.code, 1);
    EXPECT_EQ(firstLine(run.err), bad.string() +
                                      ":2:20: error: index 8 is past the end of "
                                      "register I.r (size 8)")
        << run.err;
}

// Meter rates from a --commands file on the model: the whole array, one cell; --dump-state shows
// them as set (committed, then peak); a line without both rates is a located error.
TEST_F(HopsimCli, RunCommandsSetMeterRates) {
    hop::hopsim::PcapWriter writer;
    std::string error;
    ASSERT_TRUE(writer.open((dir_ / "in.pcap").string(), error)) << error;
    writer.write({0, 0, hex("00 00 00 00"), 0});
    ASSERT_TRUE(writer.close(error));
    const fs::path commands = write("cmds.txt",
                                    "meter_array_set_rates by_packets 0.5:2 1:3\n"
                                    "meter_set_rates I.by_bytes 1 2:100 4:200\n");
    Outcome run =
        hopsim("run " + kSource + "/tests/stf/meters.p4 --in 0=" + (dir_ / "in.pcap").string() +
               " --out-dir " + (dir_ / "out").string() + " --commands " + commands.string() +
               " --dump-state");
    ASSERT_EQ(run.code, 0) << run.out << run.err;
    EXPECT_NE(run.out.find("meter I.by_packets packets x 4\n"
                           "  [*] 0.5:2 1:3\n"
                           "meter I.by_bytes bytes x 2\n"
                           "  [1] 2:100 4:200\n"),
              std::string::npos)
        << run.out;
    const fs::path bad = write("bad.txt", "meter_set_rates I.by_bytes 1 2:100\n");
    run = hopsim("run " + kSource + "/tests/stf/meters.p4 --in 0=" + (dir_ / "in.pcap").string() +
                 " --out-dir " + (dir_ / "out").string() + " --commands " + bad.string());
    EXPECT_EQ(run.code, 1);
    EXPECT_NE(run.err.find(bad.string() + ":1:35: error: I.by_bytes takes 2 rates (committed, "
                                          "then peak: RATE:BURST RATE:BURST), got 1"),
              std::string::npos)
        << run.err;
}

}  // namespace

// v1model's digest through `hopsim run` on the model: learning_switch.p4 sends one digest per
// packet whose source MAC smac does not know, written to digests.txt in order, whatever else
// happens to the packet; a source smac knows sends none.
TEST_F(HopsimCli, RunWritesDigests) {
    hop::hopsim::PcapWriter writer;
    std::string error;
    // dst 02:00:00:00:00:09, src 02:00:00:00:01:01 (unknown), then src 02:00:00:00:02:02
    // (known), then the unknown one again from another port.
    const char* fromA = "020000000009 020000000101 88b5 00000000";
    const char* fromB = "020000000009 020000000202 88b5 00000000";
    ASSERT_TRUE(writer.open((dir_ / "in1.pcap").string(), error)) << error;
    writer.write({100, 0, hex(fromA), 0});
    writer.write({101, 0, hex(fromB), 0});
    ASSERT_TRUE(writer.close(error));
    ASSERT_TRUE(writer.open((dir_ / "in3.pcap").string(), error)) << error;
    writer.write({102, 0, hex(fromA), 0});
    ASSERT_TRUE(writer.close(error));
    const fs::path commands = write("cmds.txt", "table_add smac NoAction 0x020000000202 =>\n");
    const fs::path out = dir_ / "out";
    Outcome run = hopsim("run " + kSource + "/examples/learning_switch.p4 --engine model --in 1=" +
                         (dir_ / "in1.pcap").string() + " --in 3=" + (dir_ / "in3.pcap").string() +
                         " --out-dir " + out.string() + " --commands " + commands.string());
    ASSERT_EQ(run.code, 0) << run.out << run.err;
    EXPECT_NE(run.out.find("2 digests: " + (out / "digests.txt").string() + "\n"),
              std::string::npos)
        << run.out;
    EXPECT_EQ(readText(out / "digests.txt"),
              "mac_learn_digest_t srcAddr=0x20000000101 ingress_port=0x1\n"
              "mac_learn_digest_t srcAddr=0x20000000101 ingress_port=0x3\n");
    // dmac misses: the two frames from port 1 are flooded to port 2, the one from port 3 is
    // dropped (a two-port flood), and sent its digest all the same.
    std::vector<hop::hopsim::PcapPacket> packets;
    ASSERT_TRUE(hop::hopsim::readPcap((out / "port2.pcap").string(), packets, error)) << error;
    EXPECT_EQ(packets.size(), 2u);
    EXPECT_FALSE(fs::exists(out / "port1.pcap") && fs::file_size(out / "port1.pcap") > 24);
}
