// SPDX-License-Identifier: Apache-2.0
// The STF reader, the packet comparison and the runner on the reference model.
#include "sim/hopsim/stf.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "sim/hopsim/program.hpp"

namespace {

using hop::hopsim::StfCommand;
using hop::hopsim::StfFile;

StfFile parseOk(const std::string& text) {
    StfFile file;
    std::string error;
    EXPECT_TRUE(hop::hopsim::parseStf(text, "t.stf", file, error)) << error;
    return file;
}

std::string parseError(const std::string& text) {
    StfFile file;
    std::string error;
    EXPECT_FALSE(hop::hopsim::parseStf(text, "t.stf", file, error));
    return error;
}

StfCommand expectOf(const std::string& line) {
    StfFile file = parseOk(line);
    EXPECT_EQ(file.commands.size(), 1u);
    return file.commands.empty() ? StfCommand{} : file.commands[0];
}

TEST(StfParse, EveryCommandKind) {
    StfFile file = parseOk(
        "# a comment\n"
        "\n"
        "add MyIngress.t hdr.h.k:0x01 MyIngress.a(v:2)   # trailing comment\n"
        "setdefault t a(v:3)\n"
        "packet 0 0001 0203\t04\n"
        "  expect 1 00** 02 $\n"
        "expect 2\n"
        "wait\n");
    ASSERT_EQ(file.commands.size(), 6u);
    EXPECT_EQ(file.commands[0].kind, StfCommand::Kind::Table);
    EXPECT_EQ(file.commands[0].text, "add MyIngress.t hdr.h.k:0x01 MyIngress.a(v:2)");
    EXPECT_EQ(file.commands[0].line, 3);
    EXPECT_EQ(file.commands[1].text, "setdefault t a(v:3)");
    EXPECT_EQ(file.commands[2].kind, StfCommand::Kind::Packet);
    EXPECT_EQ(file.commands[2].port, 0u);
    EXPECT_EQ(file.commands[2].bytes, (std::vector<uint8_t>{0, 1, 2, 3, 4}));
    const StfCommand& e = file.commands[3];
    EXPECT_EQ(e.kind, StfCommand::Kind::Expect);
    EXPECT_EQ(e.port, 1u);
    EXPECT_EQ(e.col, 3);
    EXPECT_TRUE(e.exactLength);
    EXPECT_EQ(e.nibbles, (std::vector<int>{0, 0, -1, -1, 0, 2}));
    EXPECT_TRUE(file.commands[4].anyContent);
    EXPECT_EQ(file.commands[5].kind, StfCommand::Kind::Wait);
}

TEST(StfParse, LocatedErrors) {
    EXPECT_EQ(parseError("packet 0 00zz\n"),
              "t.stf:1:12: error: unexpected character 'z' in packet data");
    EXPECT_EQ(parseError("\npacket 0 001\n"),
              "t.stf:2:10: error: odd number of hex digits (3) in packet data");
    EXPECT_EQ(parseError("packet x 00\n"),
              "t.stf:1:8: error: expected a port number after 'packet'");
    EXPECT_EQ(parseError("packet 512 00\n"), "t.stf:1:8: error: port 512 is out of range (0..511)");
    EXPECT_EQ(parseError("packet 0\n"), "t.stf:1:9: error: a packet needs data");
    EXPECT_EQ(parseError("packet 1 00**\n"),
              "t.stf:1:12: error: '*' is only allowed in expected packets");
    EXPECT_EQ(parseError("expect 1 00 $ 11\n"), "t.stf:1:15: error: unexpected text after '$'");
    EXPECT_EQ(parseError("expect 1 $\n"), "t.stf:1:10: error: '$' without packet data");
    EXPECT_EQ(parseError("  sned 1 00\n"), "t.stf:1:3: error: unknown STF command 'sned'");
    EXPECT_EQ(parseError("mc_mgrp_create 1 2\n"),
              "t.stf:1:18: error: unexpected '2' (usage: mc_mgrp_create GROUP)");
    EXPECT_EQ(parseError("add\n"), "t.stf:1:4: error: expected a table name after 'add'");
    EXPECT_EQ(parseError("wait 3\n"), "t.stf:1:6: error: unexpected text after 'wait'");
    EXPECT_EQ(parseError("@@\n"), "t.stf:1:1: error: expected an STF command, found '@'");
}

// Every line p4c's BMv2 runner accepts parses; a malformed one is a located error.
TEST(StfParse, P4cDirectCommands) {
    // The traffic manager's lines (runtime/tables/traffic_manager.hpp) run in file order.
    for (const char* line :
         {"mirroring_add 5 4", "mirroring_add_mc 1 0x10", "mirroring_delete 1", "mirroring_get 2",
          "mc_mgrp_create 1113", "mc_mgrp_destroy 1113", "mc_node_create 400 6 7 8",
          "mc_node_update 0 1", "mc_node_destroy 3", "mc_node_associate 1113 0",
          "mc_node_dissociate 1113 0", "set_queue_depth 64", "set_queue_rate 1000 3"}) {
        StfFile file;
        std::string error;
        EXPECT_TRUE(hop::hopsim::parseStf(line, "t.stf", file, error)) << line << ": " << error;
        ASSERT_EQ(file.commands.size(), 1u) << line;
        EXPECT_EQ(file.commands[0].kind, StfCommand::Kind::Tm) << line;
        EXPECT_TRUE(file.commands[0].tm.has_value()) << line;
    }
    // Counters, registers and meters run (stf_externs.cpp): they parse as Extern commands.
    for (const char* line :
         {"counter_read MyIngress.c 3", "counter_write c 1 2 3", "counter_reset c",
          "register_read r 0", "register_read r 0 == 0x10", "register_write MyIngress.r 3 0xff",
          "register_reset r", "meter_get_rates m 0", "meter_set_rates m 1 0.0001:1 0.0005:1",
          "meter_array_set_rates m 5:3", "check_counter cnt(3)",
          "check_counter cnt(e1) packets == 2", "check_counter c(0) bytes >= 0x40"}) {
        StfFile file;
        std::string error;
        EXPECT_TRUE(hop::hopsim::parseStf(line, "t.stf", file, error)) << line << ": " << error;
        ASSERT_EQ(file.commands.size(), 1u) << line;
        EXPECT_EQ(file.commands[0].kind, StfCommand::Kind::Extern) << line;
        EXPECT_EQ(file.commands[0].text, line);
    }
    EXPECT_EQ(parseError("mirroring_add 5 4\nmc_mgrp_create\n"),
              "t.stf:2:15: error: usage: mc_mgrp_create GROUP");
    EXPECT_EQ(parseError("mirroring_add 5\n"),
              "t.stf:1:16: error: usage: mirroring_add SESSION PORT");
    EXPECT_EQ(parseError("mirroring_add 5 4 9\n"),
              "t.stf:1:19: error: unexpected '9' (usage: mirroring_add SESSION PORT)");
    EXPECT_EQ(parseError("mc_node_create 400\n"),
              "t.stf:1:19: error: usage: mc_node_create RID PORT...");
    EXPECT_EQ(parseError("mc_mgrp_create 12a\n"),
              "t.stf:1:16: error: expected a multicast group (a number), found '12a'");
    EXPECT_EQ(parseError("register_read 3\n"),
              "t.stf:1:15: error: expected a name in 'register_read'");
    EXPECT_EQ(parseError("meter_set_rates m 1 0.5\n"),
              "t.stf:1:24: error: expected ':' in 'meter_set_rates'");
    EXPECT_EQ(parseError("check_counter c(1) bytes ~ 2\n"),
              "t.stf:1:26: error: expected a comparison (== != < <= > >=) in 'check_counter'");
    EXPECT_EQ(parseError("register_read r 1 = 2\n"),
              "t.stf:1:19: error: expected a comparison (== != < <= > >=) in 'register_read'");
}

TEST(StfMatch, PrefixExactAndWildcards) {
    const std::vector<uint8_t> packet{0x12, 0x34, 0x56};
    EXPECT_TRUE(hop::hopsim::expectationMatches(expectOf("expect 1 1234"), packet));
    EXPECT_FALSE(hop::hopsim::expectationMatches(expectOf("expect 1 1234 $"), packet));
    EXPECT_TRUE(hop::hopsim::expectationMatches(expectOf("expect 1 123456 $"), packet));
    EXPECT_TRUE(hop::hopsim::expectationMatches(expectOf("expect 1 1*3* *6 $"), packet));
    EXPECT_FALSE(hop::hopsim::expectationMatches(expectOf("expect 1 1*3* *7"), packet));
    EXPECT_FALSE(hop::hopsim::expectationMatches(expectOf("expect 1 12345678"), packet));
    EXPECT_TRUE(hop::hopsim::expectationMatches(expectOf("expect 1"), packet));
    EXPECT_TRUE(hop::hopsim::expectationMatches(expectOf("expect 1"), {}));
}

TEST(StfMatch, ComparisonMarksDifferingBytes) {
    const std::string text =
        hop::hopsim::formatComparison(expectOf("expect 1 12 34 5* 78 $"), {0x12, 0x35, 0x56});
    EXPECT_EQ(text,
              "    0000  expected  12 34 5* 78\n"
              "          received  12 35 56 ..\n"
              "                       ^^    ^^\n");
    // Without `$` the tail of a longer packet is shown but not marked.
    EXPECT_EQ(hop::hopsim::formatComparison(expectOf("expect 1 12"), {0x12, 0x99}),
              "    0000  expected  12\n"
              "          received  12 99\n");
}

TEST(StfMatch, LongPacketsWrapAtSixteenBytes) {
    std::string hex;
    std::vector<uint8_t> packet;
    for (int i = 0; i < 20; ++i) {
        hex += "00";
        packet.push_back(i == 17 ? 1 : 0);
    }
    const std::string text = hop::hopsim::formatComparison(expectOf("expect 1 " + hex), packet);
    EXPECT_NE(text.find("    0010  expected  00 00 00 00\n"), std::string::npos) << text;
    EXPECT_NE(text.find("\n" + std::string(23, ' ') + "^^\n"), std::string::npos) << text;
    // The first row has no difference, so no caret line under it.
    EXPECT_EQ(text.find("^^"), text.rfind("^^"));
}

// The runner on the model with examples/basic.p4.
class StfRun : public ::testing::Test {
  protected:
    void SetUp() override {
        std::ostringstream err;
        program_ = hop::hopsim::loadProgram(HOP_SOURCE_DIR "/examples/basic.p4", {}, err);
        ASSERT_TRUE(program_) << err.str();
    }
    int run(const std::string& text) {
        StfFile file;
        std::string error;
        if (!hop::hopsim::parseStf(text, "t.stf", file, error)) {
            err_ = error;
            return -1;
        }
        hop::sim::ModelEngine engine(program_->ir());
        out_.str("");
        return hop::hopsim::runStf(engine, file, {}, out_, errs_);
    }
    std::unique_ptr<hop::hopsim::LoadedProgram> program_;
    std::ostringstream out_, errs_;
    std::string err_;
};

constexpr const char* kRoute =
    "add ipv4_lpm dstAddr:0xc0000200/24 ipv4_forward(dstAddr:0x000000000202, port:2)\n";
constexpr const char* kPacket =
    "packet 0 00000000000100000000000a0800 450000210001000040118e79c633640ac0000214 "
    "04d2162e000d000068656c6c6f\n";
constexpr const char* kForwarded =
    "0000000002020000000000010800 45000021000100003f118f79c633640ac0000214 "
    "04d2162e000d000068656c6c6f";

TEST_F(StfRun, Passes) {
    EXPECT_EQ(run(std::string(kRoute) + kPacket + "expect 2 " + kForwarded + " $\n"), 0)
        << out_.str();
    EXPECT_NE(out_.str().find("PASS: t.stf (1 packets sent, 1 expected)"), std::string::npos);
}

TEST_F(StfRun, WrongBytesAreMarked) {
    // TTL 0x40 expected instead of 0x3f: byte 22 differs.
    std::string wrong = kForwarded;
    wrong.replace(wrong.find("3f11"), 2, "40");
    EXPECT_EQ(run(std::string(kRoute) + kPacket + "expect 2 " + wrong + " $\n"), 1);
    const std::string out = out_.str();
    EXPECT_NE(out.find("t.stf:3:1: error: port 2, packet 1: the received packet differs from the "
                       "expected one (sent by the packet at line 2)"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("    0010  expected  00 21 00 01 00 00 40 11 8f 79"), std::string::npos)
        << out;
    EXPECT_NE(out.find("          received  00 21 00 01 00 00 3f 11 8f 79"), std::string::npos);
    EXPECT_NE(out.find("\n" + std::string(38, ' ') + "^^\n"), std::string::npos);
    EXPECT_NE(out.find("FAIL: t.stf"), std::string::npos);
}

TEST_F(StfRun, MissingAndUnexpectedPackets) {
    // No route: the packet is dropped, so the expectation on port 2 fails; the hint says why.
    EXPECT_EQ(run(std::string(kPacket) + "expect 2\n"), 1);
    EXPECT_NE(out_.str().find("t.stf:2:1: error: port 2, packet 1: expected packet did not arrive"),
              std::string::npos)
        << out_.str();
    EXPECT_NE(out_.str().find("line 1    port 0     47 bytes -> dropped"), std::string::npos)
        << out_.str();
    // A forwarded packet nobody expected.
    EXPECT_EQ(run(std::string(kRoute) + kPacket), 1);
    EXPECT_NE(out_.str().find("t.stf:2:1: error: port 2, packet 1: unexpected packet (sent by the "
                              "packet at line 2)"),
              std::string::npos)
        << out_.str();
}

TEST_F(StfRun, OrderPerPortMatters) {
    std::string second = kPacket;
    second.replace(second.find("0001000040"), 4, "0002");  // identification 2
    // Both go to port 2; expected in the opposite order.
    std::string text = std::string(kRoute) + kPacket + second;
    std::string first = kForwarded;
    std::string secondOut = kForwarded;
    secondOut.replace(secondOut.find("000100003f"), 4, "0002");
    EXPECT_EQ(run(text + "expect 2 " + secondOut.substr(0, 49) + "\nexpect 2 " +
                  first.substr(0, 49) + "\n"),
              1);
    EXPECT_EQ(run(text + "expect 2 " + first.substr(0, 49) + "\nexpect 2 " +
                  secondOut.substr(0, 49) + "\n"),
              0)
        << out_.str();
}

TEST_F(StfRun, BadTableLineIsLocated) {
    EXPECT_EQ(run("packet 0 00\nadd no_such_table k:1 a()\n"), 1);
    EXPECT_EQ(errs_.str().rfind("t.stf:2:", 0), 0u) << errs_.str();
    EXPECT_NE(errs_.str().find(": error: "), std::string::npos);
}

}  // namespace
