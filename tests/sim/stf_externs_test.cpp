// SPDX-License-Identifier: Apache-2.0
// The STF lines that read and write counters, registers and meters, on the model with
// tests/stf/counters.p4 and registers.p4: what reads print, how a failed check is reported, and
// the located errors for a bad name, index or value; --dump-state's text.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "sim/hopsim/program.hpp"
#include "sim/hopsim/stf.hpp"

namespace {

using hop::hopsim::StfFile;

class StfExterns : public ::testing::Test {
  protected:
    void load(const char* name) {
        std::ostringstream err;
        program_ = hop::hopsim::loadProgram(
            std::string(HOP_SOURCE_DIR "/tests/stf/") + name + ".p4", {}, err);
        ASSERT_TRUE(program_) << err.str();
    }
    int run(const std::string& text) {
        StfFile file;
        std::string error;
        EXPECT_TRUE(hop::hopsim::parseStf(text, "t.stf", file, error)) << error;
        engine_ = std::make_unique<hop::sim::ModelEngine>(program_->ir());
        out_.str("");
        errs_.str("");
        return hop::hopsim::runStf(*engine_, file, {}, out_, errs_);
    }
    std::unique_ptr<hop::hopsim::LoadedProgram> program_;
    std::unique_ptr<hop::sim::ModelEngine> engine_;
    std::ostringstream out_, errs_;
};

// counters.p4: idx key port; fwd's entry key 1 forwards to port 2.
constexpr const char* kCounted =
    "add fwd req.key:1 forward(port:2)\n"
    "packet 0 01 01 00 aabb\n"
    "expect 2 01 01 02 aabb $\n";

TEST_F(StfExterns, CounterReadsAndChecks) {
    load("counters");
    EXPECT_EQ(run(std::string(kCounted) + "counter_read by_packets 1\n"
                                          "check_counter per_entry(0)\n"
                                          "check_counter I.by_bytes(1) bytes == 5\n"),
              0)
        << out_.str() << errs_.str();
    EXPECT_NE(out_.str().find("I.by_packets[1]= packets=1 bytes=5\n"), std::string::npos)
        << out_.str();
    EXPECT_NE(out_.str().find("I.per_entry[0]= packets=1 bytes=5\n"), std::string::npos);
    // A check that fails fails the test at its line, after every packet ran.
    EXPECT_EQ(run(std::string(kCounted) + "check_counter by_packets(1) packets > 1\n"), 1);
    EXPECT_NE(out_.str().find("t.stf:4:1: error: I.by_packets(1) packets is 1, expected > 1\n"),
              std::string::npos)
        << out_.str();
    EXPECT_NE(out_.str().find("FAIL: t.stf"), std::string::npos);
}

TEST_F(StfExterns, BadNamesIndicesAndValuesAreLocated) {
    load("counters");
    EXPECT_EQ(run("counter_read nope 1\n"), 1);
    EXPECT_EQ(errs_.str(),
              "t.stf:1:14: error: the program has no counter, meter or register named 'nope'\n");
    EXPECT_EQ(run("check_counter by_packets(4) packets == 0\n"), 1);
    EXPECT_EQ(errs_.str(),
              "t.stf:1:26: error: counter I.by_packets: index 4 is out of range "
              "(size 4)\n");
    EXPECT_EQ(run("check_counter per_entry(0) packets == 0\n"), 1);
    EXPECT_EQ(errs_.str(),
              "t.stf:1:25: error: direct_counter I.per_entry of table I.fwd: the "
              "table has no entry with handle 0\n");
    EXPECT_EQ(run("check_counter per_entry(A)\n"), 1);
    EXPECT_EQ(errs_.str().rfind("t.stf:1:25: error: 'A' is not an entry handle: ", 0), 0u)
        << errs_.str();
    EXPECT_EQ(run("register_read by_packets 0\n"), 1);
    EXPECT_EQ(errs_.str(), "t.stf:1:15: error: I.by_packets is a counter, not a register\n");
    load("registers");
    EXPECT_EQ(run("register_write narrow 0 0x1000\n"), 1);
    EXPECT_NE(errs_.str().find("t.stf:1:25: error: "), std::string::npos) << errs_.str();
    EXPECT_EQ(run("register_write r 0 1\nmeter_set_rates r 0 1:1 2:2\n"), 1);
    EXPECT_EQ(errs_.str(), "t.stf:2:17: error: I.r is a register, not a meter\n");
}

// Without an engine that reaches the externs an extern line is an error at its command word.
TEST_F(StfExterns, NeedsAnEngineThatReachesThem) {
    StfFile file;
    std::string error;
    ASSERT_TRUE(hop::hopsim::parseStf("wait\n  register_reset r\n", "t.stf", file, error));
    std::ostringstream out, err;
    int failures = 0;
    EXPECT_FALSE(hop::hopsim::runStfExtern(nullptr, file, file.commands[1], out, err, failures));
    EXPECT_EQ(err.str(),
              "t.stf:2:3: error: 'register_reset' needs the model or the rtl engine to read or "
              "write counters, registers and meters\n");
}

TEST_F(StfExterns, DumpState) {
    load("counters");
    EXPECT_EQ(run(std::string(kCounted) + "counter_write by_bytes 3 7 70\n"), 0) << errs_.str();
    std::ostringstream out, err;
    ASSERT_TRUE(hop::hopsim::dumpState(*engine_, out, err));
    EXPECT_EQ(out.str(),
              "extern state:\n"
              "counter I.by_packets packets x 4\n"
              "  [1] packets=1\n"
              "counter I.by_bytes bytes x 4\n"
              "  [1] bytes=5\n"
              "  [3] bytes=70\n"
              "direct_counter I.per_entry packets_and_bytes table I.fwd\n"
              "  [0] packets=1 bytes=5\n"
              "counter E.egress_both packets_and_bytes x 2\n"
              "  [1] packets=1 bytes=5\n");
}

}  // namespace
