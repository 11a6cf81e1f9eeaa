// SPDX-License-Identifier: Apache-2.0
// The traffic manager's control plane (runtime/tables/traffic_manager.hpp): BMv2
// simple_switch_CLI's mc_* and mirroring_* lines, parsed with located errors, and run on the
// configuration, where a line that does not fit the state is an error that changes nothing.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <sstream>

#include "runtime/common/command_file.hpp"
#include "runtime/tables/traffic_manager.hpp"
#include "sim/hopsim/stf.hpp"
#include "tests/sim/compile_text.hpp"

namespace hop::tables {
namespace {

std::string parseError(const std::string& line) {
    ParseError e;
    EXPECT_FALSE(parseTmCommand(line, {"cmds.txt", 3, 0}, e).has_value()) << line;
    return e.str();
}

// Runs `line` on `tm`; "" on success, else the error.
std::string run(TrafficManager& tm, const std::string& line,
                std::vector<std::string>* printed = nullptr) {
    ParseError e;
    auto cmd = parseTmCommand(line, {"cmds.txt", 1, 0}, e);
    if (!cmd) return e.str();
    std::vector<std::string> out;
    std::string error;
    const bool ok = runTmCommand(tm, *cmd, out, error);
    if (printed) *printed = out;
    return ok ? "" : error;
}

TEST(TmCommands, MalformedLinesAreLocated) {
    EXPECT_EQ(parseError("mc_mgrp_create"), "cmds.txt:3:15: error: usage: mc_mgrp_create GROUP");
    EXPECT_EQ(parseError("mc_mgrp_create x1"),
              "cmds.txt:3:16: error: expected a multicast group (a number), found 'x1'");
    EXPECT_EQ(parseError("mc_mgrp_create 65536"),
              "cmds.txt:3:16: error: multicast group 65536 is out of range (0 to 65535)");
    EXPECT_EQ(parseError("mc_node_create 1 2 511"),
              "cmds.txt:3:20: error: port 511 is out of range (0 to 510)");
    EXPECT_EQ(parseError("mc_node_create 70000 1"),
              "cmds.txt:3:16: error: replication id 70000 is out of range (0 to 65535)");
    EXPECT_EQ(parseError("mc_node_create 1 2 | 3"),
              "cmds.txt:3:20: error: LAG lists ('| LAGS') are not supported by hopline's "
              "traffic manager");
    EXPECT_EQ(parseError("mc_node_update 0"),
              "cmds.txt:3:17: error: usage: mc_node_update HANDLE PORT...");
    EXPECT_EQ(parseError("mc_node_associate 1"),
              "cmds.txt:3:20: error: usage: mc_node_associate GROUP HANDLE");
    EXPECT_EQ(parseError("mirroring_add 40000 1"),
              "cmds.txt:3:15: error: mirroring session 40000 is out of range (0 to 32767)");
    EXPECT_EQ(parseError("mirroring_add 1 -2"),
              "cmds.txt:3:17: error: expected a port (a number), found '-2'");
    EXPECT_EQ(parseError("mirroring_delete 1 2"),
              "cmds.txt:3:20: error: unexpected '2' (usage: mirroring_delete SESSION)");
    EXPECT_EQ(parseError("set_queue_depth 10 3 4"),
              "cmds.txt:3:22: error: unexpected '4' (usage: set_queue_depth DEPTH [PORT])");
}

// hopline's port_pause / port_resume: a port each, the paused set as the lines leave it.
TEST(TmCommands, PortPauseAndResume) {
    EXPECT_EQ(parseError("port_pause"), "cmds.txt:3:11: error: usage: port_pause PORT");
    EXPECT_EQ(parseError("port_resume 511"),
              "cmds.txt:3:13: error: port 511 is out of range (0 to 510)");
    EXPECT_EQ(parseError("port_pause 1 2"),
              "cmds.txt:3:14: error: unexpected '2' (usage: port_pause PORT)");
    TrafficManager tm;
    EXPECT_EQ(run(tm, "port_pause 3"), "");
    EXPECT_EQ(run(tm, "port_pause 510"), "");
    EXPECT_EQ(run(tm, "port_pause 3"), "");  // again: still paused
    EXPECT_EQ(tm.pausedPorts(), (std::set<uint32_t>{3, 510}));
    EXPECT_EQ(run(tm, "port_resume 3"), "");
    EXPECT_EQ(run(tm, "port_resume 4"), "");  // not paused: nothing to do
    EXPECT_EQ(tm.pausedPorts(), (std::set<uint32_t>{510}));
    EXPECT_FALSE(tm.paused(3));
    EXPECT_TRUE(tm.paused(510));
}

TEST(TmCommands, StateErrorsChangeNothing) {
    TrafficManager tm;
    std::vector<std::string> printed;
    EXPECT_EQ(run(tm, "mc_mgrp_create 0"),
              "multicast group 0 is out of range (1 to 65535; mcast_grp 0 means no multicast)");
    EXPECT_EQ(run(tm, "mc_mgrp_create 7"), "");
    EXPECT_EQ(run(tm, "mc_mgrp_create 7"), "multicast group 7 already exists");
    EXPECT_EQ(run(tm, "mc_node_create 100 1 2", &printed), "");
    EXPECT_EQ(printed, std::vector<std::string>{"Created node with handle 0"});
    EXPECT_EQ(run(tm, "mc_node_create 200 3", &printed), "");
    EXPECT_EQ(printed, std::vector<std::string>{"Created node with handle 1"});
    EXPECT_EQ(run(tm, "mc_node_associate 8 0"), "unknown multicast group 8");
    EXPECT_EQ(run(tm, "mc_node_associate 7 5"), "unknown node handle 5");
    EXPECT_EQ(run(tm, "mc_node_associate 7 0"), "");
    EXPECT_EQ(run(tm, "mc_mgrp_create 9"), "");
    EXPECT_EQ(run(tm, "mc_node_associate 9 0"),
              "node 0 is already associated with multicast group 7");
    EXPECT_EQ(run(tm, "mc_node_dissociate 9 0"), "node 0 is not associated with multicast group 9");
    EXPECT_EQ(run(tm, "mc_node_dissociate 7 1"), "node 1 is not associated with multicast group 7");
    EXPECT_EQ(run(tm, "mc_node_update 4 1"), "unknown node handle 4");
    EXPECT_EQ(run(tm, "mc_node_destroy 4"), "unknown node handle 4");
    EXPECT_EQ(run(tm, "mc_mgrp_destroy 8"), "unknown multicast group 8");
    // After all the errors, the state is what the good lines made.
    EXPECT_EQ(tm.replicate(7), (std::vector<Replica>{{100, 1}, {100, 2}}));
    EXPECT_TRUE(tm.replicate(9).empty());
    EXPECT_FALSE(tm.nodes().at(1).group.has_value());

    EXPECT_EQ(run(tm, "mirroring_get 5"), "unknown mirroring session 5");
    EXPECT_EQ(run(tm, "mirroring_delete 5"), "unknown mirroring session 5");
    EXPECT_EQ(run(tm, "mirroring_add_mc 5 0"), "multicast group 0 is out of range (1 to 65535)");
    EXPECT_EQ(run(tm, "mirroring_add 5 4"), "");
    EXPECT_EQ(run(tm, "mirroring_get 5", &printed), "");
    EXPECT_EQ(printed, std::vector<std::string>{"session 5: egress port 4"});
    EXPECT_EQ(run(tm, "mirroring_add_mc 5 7"), "");
    EXPECT_EQ(run(tm, "mirroring_get 5", &printed), "");
    EXPECT_EQ(printed, std::vector<std::string>{"session 5: multicast group 7"});
    EXPECT_EQ(run(tm, "mirroring_delete 5"), "");
    EXPECT_FALSE(tm.mirror(5).has_value());

    // Destroying a node takes it out of its group; destroying a group frees its nodes.
    EXPECT_EQ(run(tm, "mc_node_destroy 0"), "");
    EXPECT_TRUE(tm.replicate(7).empty());
    EXPECT_EQ(run(tm, "mc_node_associate 7 1"), "");
    EXPECT_EQ(run(tm, "mc_mgrp_destroy 7"), "");
    EXPECT_FALSE(tm.nodes().at(1).group.has_value());
    EXPECT_EQ(run(tm, "mc_node_associate 9 1"), "");
    EXPECT_EQ(tm.replicate(9), (std::vector<Replica>{{200, 3}}));
    // Handles are never reused.
    EXPECT_EQ(run(tm, "mc_node_create 1 1", &printed), "");
    EXPECT_EQ(printed, std::vector<std::string>{"Created node with handle 2"});
}

// In an STF file the lines run in order on the model; a line that does not fit the state stops
// the run with its location.
TEST(TmCommands, StfErrorsAreLocated) {
    auto fe = hop::sim::test::compileText(R"(#include <core.p4>
#include <v1model.p4>
header h_t { bit<8> a; }
struct headers_t { h_t h; }
struct meta_t { }
parser P(packet_in pkt, out headers_t hdr, inout meta_t m, inout standard_metadata_t sm) {
    state start { pkt.extract(hdr.h); transition accept; }
}
control VC(inout headers_t hdr, inout meta_t m) { apply { } }
control I(inout headers_t hdr, inout meta_t m, inout standard_metadata_t sm) {
    apply { sm.mcast_grp = 1; }
}
control E(inout headers_t hdr, inout meta_t m, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t hdr, inout meta_t m) { apply { } }
control D(packet_out pkt, in headers_t hdr) { apply { pkt.emit(hdr.h); } }
V1Switch(P(), VC(), I(), E(), CC(), D()) main;
)");
    ASSERT_TRUE(fe);
    hop::hopsim::StfFile file;
    std::string error;
    ASSERT_TRUE(
        hop::hopsim::parseStf("mc_mgrp_create 1\nmc_node_create 0 2 3\n"
                              "mc_node_associate 1 0\n  mc_node_associate 1 0\n",
                              "t.stf", file, error))
        << error;
    hop::sim::ModelEngine engine(*fe->ir);
    std::ostringstream out, err;
    EXPECT_EQ(hop::hopsim::runStf(engine, file, {}, out, err), 1);
    EXPECT_EQ(err.str(), "t.stf:4:3: error: node 0 is already associated with multicast group 1\n");
    EXPECT_EQ(out.str(), "Created node with handle 0\n");

    ASSERT_TRUE(
        hop::hopsim::parseStf("mc_mgrp_create 1\nmc_node_create 0 2 3\n"
                              "mc_node_associate 1 0\npacket 0 11\n"
                              "expect 2 11 $\nexpect 3 11 $\n",
                              "t.stf", file, error))
        << error;
    hop::sim::ModelEngine fresh(*fe->ir);
    std::ostringstream out2, err2;
    EXPECT_EQ(hop::hopsim::runStf(fresh, file, {}, out2, err2), 0) << out2.str() << err2.str();
}

// Command files (`hopsim run --commands`, hopd) read the same lines, in order with the table
// commands, and say where a line went wrong.
TEST(TmCommands, CommandFilesReadTheSameLines) {
    auto fe = hop::sim::test::compileText(R"(#include <core.p4>
#include <v1model.p4>
header h_t { bit<8> a; }
struct headers_t { h_t h; }
struct meta_t { }
parser P(packet_in pkt, out headers_t hdr, inout meta_t m, inout standard_metadata_t sm) {
    state start { pkt.extract(hdr.h); transition accept; }
}
control VC(inout headers_t hdr, inout meta_t m) { apply { } }
control I(inout headers_t hdr, inout meta_t m, inout standard_metadata_t sm) { apply { } }
control E(inout headers_t hdr, inout meta_t m, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t hdr, inout meta_t m) { apply { } }
control D(packet_out pkt, in headers_t hdr) { apply { pkt.emit(hdr.h); } }
V1Switch(P(), VC(), I(), E(), CC(), D()) main;
)");
    ASSERT_TRUE(fe);
    const std::string path = ::testing::TempDir() + "/tm_commands_" + std::to_string(getpid());
    std::ofstream(path) << "mc_mgrp_create 4\nmc_node_create 1 2\n# a comment\n"
                           "mc_node_associate 4 0\nmc_node_associate 4 1\n";
    TrafficManager tm;
    std::vector<std::string> seen;
    std::string error;
    const bool ok = hop::common::readCommandFile(
        *fe->ir, path, hop::common::CommandSyntax::Bmv2,
        [](Command&, const hop::common::CommandSource&, std::string&) { return true; }, error,
        nullptr,
        [&](const TmCommand& c, const hop::common::CommandSource& source, std::string& failure) {
            std::vector<std::string> out;
            std::string message;
            if (runTmCommand(tm, c, out, message)) return true;
            failure = source.error(message);
            return false;
        });
    EXPECT_FALSE(ok);
    EXPECT_EQ(error, path + ":5:1: error: unknown node handle 1");
    EXPECT_EQ(tm.replicate(4), (std::vector<Replica>{{1, 2}}));
    // Without a handler for them the lines are refused, located.
    std::string refused;
    EXPECT_FALSE(hop::common::readCommandFile(
        *fe->ir, path, hop::common::CommandSyntax::Bmv2,
        [](Command&, const hop::common::CommandSource&, std::string&) { return true; }, refused));
    EXPECT_EQ(refused, path +
                           ":1:1: error: 'mc_mgrp_create' is not accepted here: this reader has no "
                           "traffic manager to configure (issue 16's switch top)");
}

// The P4 tutorials' runtime JSON gives multicast groups as P4Runtime does; multicast's own
// solution_s1-runtime.json (group 1: ports 1 to 4, instance 1) configures the replication engine.
TEST(TmCommands, RuntimeJsonGroups) {
    const std::string dir = std::string(HOP_SOURCE_DIR) + "/../shared/p4-tutorials/multicast/";
    std::ifstream in(dir + "multicast.p4");
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    auto fe = hop::sim::test::compileText(text);
    ASSERT_TRUE(fe);
    TrafficManager tm;
    int entries = 0;
    auto onTm = [&](const TmCommand& c, const hop::common::CommandSource& source,
                    std::string& failure) {
        std::vector<std::string> out;
        std::string message;
        if (runTmCommand(tm, c, out, message)) return true;
        failure = source.error(message);
        return false;
    };
    auto onCommand = [&](Command&, const hop::common::CommandSource&, std::string&) {
        ++entries;
        return true;
    };
    std::string error;
    ASSERT_TRUE(hop::common::readRuntimeJsonFile(*fe->ir, dir + "solution_s1-runtime.json",
                                                 onCommand, error, onTm))
        << error;
    EXPECT_EQ(entries, 4);
    EXPECT_EQ(tm.replicate(1), (std::vector<Replica>{{1, 1}, {1, 2}, {1, 3}, {1, 4}}));
    // Loading it again: the group exists, so the entry is refused and nothing changes.
    EXPECT_FALSE(hop::common::readRuntimeJsonFile(*fe->ir, dir + "solution_s1-runtime.json",
                                                  onCommand, error, onTm));
    EXPECT_EQ(error, dir +
                         "solution_s1-runtime.json: multicast_group_entries[0]: error: "
                         "multicast group 1 already exists");
    EXPECT_EQ(tm.nodes().size(), 1u);

    const std::string bad = ::testing::TempDir() + "/tm_groups_" + std::to_string(getpid());
    std::ofstream(bad) << R"({"multicast_group_entries": [
        {"multicast_group_id": 2, "replicas": [{"egress_port": 1, "instance": 5}]},
        {"multicast_group_id": 3, "replicas": [{"egress_port": 600, "instance": 1}]}]})";
    EXPECT_FALSE(hop::common::readRuntimeJsonFile(*fe->ir, bad, onCommand, error, onTm));
    EXPECT_EQ(error, bad +
                         ":2: error: multicast_group_entries[1]: a replica needs "
                         "\"egress_port\" from 0 to 510");
    EXPECT_FALSE(tm.hasGroup(2));  // every entry parses before the first is applied
    // Without a traffic manager to give them to, the groups are refused as before.
    EXPECT_FALSE(hop::common::readRuntimeJsonFile(*fe->ir, dir + "solution_s1-runtime.json",
                                                  onCommand, error));
    EXPECT_NE(error.find("\"multicast_group_entries\" is not supported by hopline"),
              std::string::npos)
        << error;
}

}  // namespace
}  // namespace hop::tables
