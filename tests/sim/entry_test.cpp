// SPDX-License-Identifier: Apache-2.0
// Table entries from STF lines, BMv2 CLI lines and the P4 tutorials' runtime JSON: every value
// syntax, every match kind and every error message users see.
#include "runtime/tables/entry.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "driver/compile.hpp"
#include "source/preprocess.hpp"

namespace hop::tables {
namespace {

const char* kProgram = R"(
#include <core.p4>
#include <v1model.p4>
header h_t {
    bit<8> a; bit<16> b; bit<4> c; bit<48> mac; bit<32> ip; bit<128> ip6; bit<9> port;
}
struct headers { h_t h; }
struct metadata { }
parser P(packet_in pkt, out headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    state start { pkt.extract(hdr.h); transition accept; }
}
control VC(inout headers hdr, inout metadata meta) { apply { } }
control I(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    action fwd(bit<9> port, bit<48> mac) { sm.egress_spec = port; hdr.h.mac = mac; }
    action nop() { }
    action only_default() { }
    action only_table() { }
    action set6(bit<128> v) { hdr.h.ip6 = v; }
    table t_exact {
        key = { hdr.h.a: exact; hdr.h.mac: exact; }
        actions = { fwd; nop; @defaultonly only_default; @tableonly only_table; }
        default_action = nop();
    }
    table t_lpm {
        key = { hdr.h.ip: lpm; }
        actions = { fwd; nop; set6; }
        size = 16;
    }
    table t_tern {
        key = { hdr.h.a: ternary; hdr.h.b: range; hdr.h.c: optional; }
        actions = { fwd; nop; }
    }
    table dup { key = { hdr.h.a: exact; } actions = { nop; } }
    table t_const {
        key = { hdr.h.a: exact; }
        actions = { nop; fwd; }
        const default_action = nop();
    }
    apply {
        t_exact.apply(); t_lpm.apply(); t_tern.apply(); dup.apply(); t_const.apply();
    }
}
control E(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    action nop() { }
    table dup { key = { hdr.h.b: exact; } actions = { nop; } }
    apply { dup.apply(); }
}
control CC(inout headers hdr, inout metadata meta) { apply { } }
control D(packet_out pkt, in headers hdr) { apply { pkt.emit(hdr.h); } }
V1Switch(P(), VC(), I(), E(), CC(), D()) main;
)";

class EntryTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        std::string path = ::testing::TempDir() + "/entry_test_" + std::to_string(getpid()) + ".p4";
        std::ofstream(path) << kProgram;
        PreprocessOptions pp;
        pp.p4includeDir = std::string(HOP_SOURCE_DIR) + "/p4include";
        std::string error;
        auto source = preprocess(path, pp, error);
        ASSERT_TRUE(source) << error;
        fe_ = runFrontend(std::move(*source)).release();
        std::ostringstream diags;
        fe_->diags->print(diags);
        ASSERT_TRUE(fe_->ok) << diags.str();
    }
    static void TearDownTestSuite() {
        delete fe_;
        fe_ = nullptr;
    }
    const ir::Program& p() { return *fe_->ir; }
    ir::TableId table(const char* name) { return p().findTable(name); }

    Command stf(const std::string& line) {
        ParseError err;
        auto cmd = parseStfTableCommand(p(), line, {"t.stf", 3, 1}, err);
        EXPECT_TRUE(cmd) << err.str();
        return cmd.value_or(Command{});
    }
    std::string stfError(const std::string& line) {
        ParseError err;
        auto cmd = parseStfTableCommand(p(), line, {"t.stf", 3, 1}, err);
        EXPECT_FALSE(cmd) << line;
        return err.str();
    }
    Command cli(const std::string& line) {
        ParseError err;
        auto cmd = parseBmv2Command(p(), line, {"cmds.txt", 2, 1}, err);
        EXPECT_TRUE(cmd) << err.str();
        return cmd.value_or(Command{});
    }
    std::string cliError(const std::string& line) {
        ParseError err;
        auto cmd = parseBmv2Command(p(), line, {"cmds.txt", 2, 1}, err);
        EXPECT_FALSE(cmd) << line;
        return err.str();
    }
    static Frontend* fe_;
};
Frontend* EntryTest::fe_ = nullptr;

// --- values ------------------------------------------------------------------------------

TEST(EntryValue, EverySyntax) {
    std::string err;
    EXPECT_EQ(parseValue("42", 8, err), BigInt(42));
    EXPECT_EQ(parseValue("0x2A", 8, err), BigInt(42));
    EXPECT_EQ(parseValue("0b101010", 8, err), BigInt(42));
    EXPECT_EQ(parseValue("0o52", 8, err), BigInt(42));
    EXPECT_EQ(parseValue("1_000", 16, err), BigInt(1000));
    EXPECT_EQ(parseValue("10.0.1.2", 32, err), BigInt(0x0a000102));
    EXPECT_EQ(parseValue("00:11:22:aa:BB:cc", 48, err), BigInt(0x001122aabbccULL));
    EXPECT_EQ(parseValue("-1", 8, err), BigInt(255));
    EXPECT_EQ(parseValue("-128", 8, err), BigInt(128));
    EXPECT_EQ(*parseValue("2001:db8::1", 128, err), (BigInt(0x20010db8) << 96) | BigInt(1));
    EXPECT_EQ(*parseValue("::ffff:192.0.2.1", 128, err), (BigInt(0xffff) << 32) | 0xc0000201);
}

TEST(EntryValue, ErrorsSayWhy) {
    std::string err;
    EXPECT_FALSE(parseValue("256", 8, err));
    EXPECT_EQ(err, "value '256' does not fit in 8 bits");
    EXPECT_FALSE(parseValue("10.0.0.1", 16, err));
    EXPECT_EQ(err, "value '10.0.0.1' does not fit in 16 bits");
    EXPECT_FALSE(parseValue("-129", 8, err));
    EXPECT_EQ(err, "value '-129' does not fit in 8 bits");
    EXPECT_FALSE(parseValue("0xfg", 8, err));
    EXPECT_EQ(err, "invalid value '0xfg'");
    EXPECT_FALSE(parseValue("10.0.0.256", 32, err));
    EXPECT_EQ(err, "invalid value '10.0.0.256'");
    EXPECT_FALSE(parseValue("", 8, err));
}

TEST(EntryNames, ResolveByUniqueDottedSuffix) {
    std::vector<std::string> names = {"I.dup", "E.dup", "I.t_lpm", "NoAction"};
    std::vector<std::string> cands;
    EXPECT_EQ(resolveName(names, "t_lpm"), 2);
    EXPECT_EQ(resolveName(names, "I.t_lpm"), 2);
    EXPECT_EQ(resolveName(names, "lpm"), -1);  // not on a dot boundary
    EXPECT_EQ(resolveName(names, "dup", &cands), -2);
    EXPECT_EQ(cands, (std::vector<std::string>{"I.dup", "E.dup"}));
    EXPECT_EQ(resolveName(names, "NoAction"), 3);
}

TEST(EntryMatches, EveryKind) {
    KeyMatch m;
    m.kind = KeyMatch::Kind::Exact;
    m.value = 5;
    EXPECT_TRUE(matches(m, 5));
    EXPECT_FALSE(matches(m, 6));
    m.kind = KeyMatch::Kind::Ternary;
    m.value = 0x10;
    m.mask = 0xf0;
    EXPECT_TRUE(matches(m, 0x1f));
    EXPECT_FALSE(matches(m, 0x2f));
    m.kind = KeyMatch::Kind::Lpm;
    m.value = 0x0a000000;
    m.mask = 0xff000000;
    m.prefixLen = 8;
    EXPECT_TRUE(matches(m, 0x0a010203));
    EXPECT_FALSE(matches(m, 0x0b010203));
    m.kind = KeyMatch::Kind::Range;
    m.value = 10;
    m.high = 20;
    EXPECT_TRUE(matches(m, 10));
    EXPECT_TRUE(matches(m, 20));
    EXPECT_FALSE(matches(m, 21));
    EXPECT_FALSE(matches(m, 9));
    m.kind = KeyMatch::Kind::DontCare;
    EXPECT_TRUE(matches(m, 12345));
}

// --- STF -----------------------------------------------------------------------------------

TEST_F(EntryTest, StfExactWithMacAndSuffixNames) {
    Command c = stf("add t_exact hdr.h.a:7 mac:00:00:00:00:00:01 fwd(port:3, mac:0x0a)");
    EXPECT_EQ(c.kind, Command::Kind::Add);
    EXPECT_EQ(c.entry.table, table("I.t_exact"));
    ASSERT_EQ(c.entry.keys.size(), 2u);
    EXPECT_EQ(c.entry.keys[0].kind, KeyMatch::Kind::Exact);
    EXPECT_EQ(c.entry.keys[0].value, 7);
    EXPECT_EQ(c.entry.keys[1].value, 1);
    EXPECT_EQ(p().actions[c.entry.action.action].name, "I.fwd");
    EXPECT_EQ(c.entry.action.args, (std::vector<BigInt>{3, 10}));
    EXPECT_FALSE(c.entry.priority);
    // Argument order does not matter; spaces inside the call are fine.
    Command d = stf("add t_exact a:7 mac:1 fwd( mac:0x0a , port:3 )");
    EXPECT_EQ(d.entry.action.args, (std::vector<BigInt>{3, 10}));
}

TEST_F(EntryTest, StfLpmForms) {
    Command c = stf("add t_lpm ip:10.1.0.0/16 nop()");
    EXPECT_EQ(c.entry.keys[0].kind, KeyMatch::Kind::Lpm);
    EXPECT_EQ(c.entry.keys[0].prefixLen, 16);
    EXPECT_EQ(c.entry.keys[0].value, 0x0a010000);
    EXPECT_EQ(c.entry.keys[0].mask, 0xffff0000);
    c = stf("add t_lpm ip:0x0a01**** nop()");
    EXPECT_EQ(c.entry.keys[0].prefixLen, 16);
    EXPECT_EQ(c.entry.keys[0].value, 0x0a010000);
    c = stf("add t_lpm ip:10.1.2.3 nop()");  // a plain value is a full-length prefix
    EXPECT_EQ(c.entry.keys[0].prefixLen, 32);
    c = stf("add t_lpm ip:10.1.2.3/8 nop()");  // bits beyond the prefix are cleared
    EXPECT_EQ(c.entry.keys[0].value, 0x0a000000);
    c = stf("add t_lpm nop()");  // left out: matches everything
    EXPECT_EQ(c.entry.keys[0].prefixLen, 0);
}

TEST_F(EntryTest, StfTernaryNibblesPriorityAndOptional) {
    Command c = stf("add t_tern 17 a:0x1* b:100->200 c:5 fwd(port:1, mac:2)");
    EXPECT_EQ(c.entry.priority, 17);
    EXPECT_EQ(c.entry.keys[0].kind, KeyMatch::Kind::Ternary);
    EXPECT_EQ(c.entry.keys[0].value, 0x10);
    EXPECT_EQ(c.entry.keys[0].mask, 0xf0);
    EXPECT_EQ(c.entry.keys[1].kind, KeyMatch::Kind::Range);
    EXPECT_EQ(c.entry.keys[1].value, 100);
    EXPECT_EQ(c.entry.keys[1].high, 200);
    EXPECT_EQ(c.entry.keys[2].kind, KeyMatch::Kind::Exact);
    // Binary nibbles, `&&&`, and keys left out (wildcards).
    c = stf("add t_tern a:0b1010**** nop()");
    EXPECT_EQ(c.entry.keys[0].value, 0xa0);
    EXPECT_EQ(c.entry.keys[0].mask, 0xf0);
    EXPECT_EQ(c.entry.keys[1].kind, KeyMatch::Kind::Range);
    EXPECT_EQ(c.entry.keys[1].high, 0xffff);
    EXPECT_EQ(c.entry.keys[2].kind, KeyMatch::Kind::DontCare);
    EXPECT_EQ(c.entry.priority, 0);
    c = stf("add t_tern a:0x0f&&&0x0f nop()");
    EXPECT_EQ(c.entry.keys[0].mask, 0x0f);
    c = stf("add t_tern a:0x** nop()");  // all wildcards: don't care
    EXPECT_EQ(c.entry.keys[0].kind, KeyMatch::Kind::DontCare);
}

TEST_F(EntryTest, StfSetDefaultAndComments) {
    Command c = stf("setdefault t_lpm fwd(port:2, mac:0x1)  # comment");
    EXPECT_EQ(c.kind, Command::Kind::SetDefault);
    EXPECT_EQ(c.entry.action.args[0], 2);
    ParseError err;
    EXPECT_FALSE(parseStfTableCommand(p(), "   # only a comment", {}, err));
    EXPECT_TRUE(err.message.empty());
    EXPECT_FALSE(parseStfTableCommand(p(), "", {}, err));
    EXPECT_TRUE(err.message.empty());
}

TEST_F(EntryTest, StfNameErrors) {
    EXPECT_EQ(stfError("add nosuch a:1 nop()"), "t.stf:3:5: error: unknown table 'nosuch'");
    EXPECT_EQ(stfError("add dup a:1 nop()"),
              "t.stf:3:5: error: table name 'dup' is ambiguous: I.dup, E.dup");
    EXPECT_EQ(stfError("add t_exact a:1 zz:1 nop()"),
              "t.stf:3:17: error: table 'I.t_exact' has no key 'zz'");
    EXPECT_EQ(stfError("add t_exact a:1 mac:1 nosuch()"),
              "t.stf:3:23: error: unknown action 'nosuch' for table 'I.t_exact'");
    EXPECT_EQ(stfError("add t_exact a:1 mac:1 set6(v:1)"),
              "t.stf:3:23: error: action 'I.set6' is not an action of table 'I.t_exact'");
    EXPECT_EQ(stfError("add t_exact a:1 mac:1 fwd(port:1, mac:1, x:2)"),
              "t.stf:3:41: error: action 'I.fwd' has no parameter 'x'");
    EXPECT_EQ(stfError("add t_exact a:1 mac:1 fwd(port:1)"),
              "t.stf:3:23: error: missing parameter 'mac' of action 'I.fwd'");
    EXPECT_EQ(stfError("add t_exact a:1 nop()"),
              "t.stf:3:5: error: missing key 'hdr.h.mac' of table 'I.t_exact'");
    EXPECT_EQ(stfError("add t_exact a:1 a:2 mac:1 nop()"),
              "t.stf:3:17: error: key 'hdr.h.a' given twice");
    EXPECT_EQ(stfError("remove t_exact"),
              "t.stf:3:1: error: expected 'add' or 'setdefault', got 'remove'");
    EXPECT_EQ(stfError("add t_exact a:1 mac:1"),
              "t.stf:3:22: error: missing action for table 'I.t_exact'");
}

TEST_F(EntryTest, StfValueErrors) {
    EXPECT_EQ(stfError("add t_exact a:256 mac:1 nop()"),
              "t.stf:3:15: error: value '256' does not fit in 8 bits for key 'hdr.h.a' (bit<8>)");
    EXPECT_EQ(stfError("add t_exact a:1 mac:1 fwd(port:512, mac:1)"),
              "t.stf:3:32: error: value '512' does not fit in 9 bits for parameter 'port' of "
              "action 'I.fwd' (bit<9>)");
    EXPECT_EQ(stfError("add t_lpm ip:10.0.0.0/33 nop()"),
              "t.stf:3:23: error: prefix length 33 is longer than key 'hdr.h.ip' (32 bits)");
    EXPECT_EQ(stfError("add t_lpm ip:0x0a**00** nop()"),
              "t.stf:3:14: error: wildcards of lpm key 'hdr.h.ip' must be trailing: "
              "'0x0a**00**'");
    EXPECT_EQ(stfError("add t_exact a:0x1* mac:1 nop()"),
              "t.stf:3:15: error: wildcard value '0x1*' is not valid for exact key 'hdr.h.a' "
              "(wildcards need 0x, 0b or 0o and a ternary or lpm key)");
    EXPECT_EQ(stfError("add t_exact a:1&&&1 mac:1 nop()"),
              "t.stf:3:15: error: ternary value '1&&&1' is not valid for exact key 'hdr.h.a'");
    EXPECT_EQ(stfError("add t_tern b:200->100 nop()"),
              "t.stf:3:14: error: range low bound 200 is above high bound 100 for key "
              "'hdr.h.b'");
    EXPECT_EQ(stfError("add t_tern a:0x1** nop()"),
              "t.stf:3:14: error: value '0x1**' does not fit key 'hdr.h.a' (bit<8>)");
}

TEST_F(EntryTest, StfScopeErrors) {
    EXPECT_EQ(stfError("add t_exact a:1 mac:1 only_default()"),
              "t.stf:3:23: error: action 'I.only_default' is default-only (@defaultonly) in "
              "table 'I.t_exact'");
    EXPECT_EQ(stfError("setdefault t_exact only_table()"),
              "t.stf:3:20: error: action 'I.only_table' cannot be the default action of table "
              "'I.t_exact' (@tableonly)");
    EXPECT_EQ(stfError("setdefault t_const nop()"),
              "t.stf:3:20: error: the default action of table 'I.t_const' is const");
    stf("add t_exact a:1 mac:1 only_table()");
    stf("setdefault t_exact only_default()");
}

// --- BMv2 CLI ------------------------------------------------------------------------------

TEST_F(EntryTest, Bmv2TableAddEveryKeyForm) {
    Command c = cli("table_add t_exact fwd 7 00:00:00:00:00:01 => 3 0x0a");
    EXPECT_EQ(c.kind, Command::Kind::Add);
    EXPECT_EQ(c.entry.keys[1].value, 1);
    EXPECT_EQ(c.entry.action.args, (std::vector<BigInt>{3, 10}));
    c = cli("table_add I.t_lpm nop 192.0.2.0/24 =>");
    EXPECT_EQ(c.entry.keys[0].prefixLen, 24);
    EXPECT_EQ(c.entry.keys[0].value, 0xc0000200);
    c = cli("table_add t_tern nop 0x10&&&0xf0 1000->2000 * => 7");
    EXPECT_EQ(c.entry.keys[0].mask, 0xf0);
    EXPECT_EQ(c.entry.keys[1].high, 2000);
    EXPECT_EQ(c.entry.keys[2].kind, KeyMatch::Kind::DontCare);
    EXPECT_EQ(c.entry.priority, -7);  // BMv2: smaller wins; stored so that larger wins
    c = cli("table_add t_tern nop 1&&&1 0->0 3 => 1");
    EXPECT_EQ(c.entry.keys[2].kind, KeyMatch::Kind::Exact);
    c = cli("table_add t_lpm set6 10.0.0.0/8 => 2001:db8::1");
    EXPECT_EQ(c.entry.action.args[0], (BigInt(0x20010db8) << 96) | 1);
}

TEST_F(EntryTest, Bmv2OtherCommands) {
    Command c = cli("table_set_default t_lpm fwd 1 2");
    EXPECT_EQ(c.kind, Command::Kind::SetDefault);
    EXPECT_EQ(c.entry.action.args, (std::vector<BigInt>{1, 2}));
    c = cli("table_set_default t_lpm fwd => 1 2");
    EXPECT_EQ(c.entry.action.args, (std::vector<BigInt>{1, 2}));
    c = cli("table_delete t_lpm 12");
    EXPECT_EQ(c.kind, Command::Kind::Delete);
    EXPECT_EQ(c.handle, 12);
    c = cli("table_clear t_lpm");
    EXPECT_EQ(c.kind, Command::Kind::Clear);
    EXPECT_EQ(c.entry.table, table("I.t_lpm"));
    c = cli("table_modify t_lpm fwd 4 => 9 8");
    EXPECT_EQ(c.kind, Command::Kind::Modify);
    EXPECT_EQ(c.handle, 4);
    EXPECT_EQ(c.entry.action.args, (std::vector<BigInt>{9, 8}));
}

TEST_F(EntryTest, Bmv2Errors) {
    EXPECT_EQ(cliError("table_add t_exact fwd 7 => 3 4"),
              "cmds.txt:2:23: error: table 'I.t_exact' needs 2 key value(s), got 1");
    EXPECT_EQ(cliError("table_add t_exact fwd 7 1 => 3"),
              "cmds.txt:2:30: error: action 'I.fwd' takes 2 parameter(s), got 1");
    EXPECT_EQ(cliError("table_add t_tern nop 1&&&1 0->0 3 =>"),
              "cmds.txt:2:37: error: table 'I.t_tern' has a ternary, range or optional key: "
              "the entry needs a priority (last word)");
    EXPECT_EQ(cliError("table_add t_tern nop 1&&&1 0->0 3 => x"),
              "cmds.txt:2:38: error: invalid priority 'x' for table 'I.t_tern' (the last word "
              "of a ternary entry is its priority)");
    EXPECT_EQ(cliError("table_add t_lpm nop 10.0.0.0/40 =>"),
              "cmds.txt:2:30: error: prefix length 40 is longer than key 'hdr.h.ip' (32 bits)");
    EXPECT_EQ(cliError("table_delete t_lpm abc"),
              "cmds.txt:2:20: error: invalid entry handle 'abc'");
    EXPECT_EQ(cliError("table_add t_lpm"),
              "cmds.txt:2:11: error: usage: table_add TABLE ACTION KEYS... => PARAMS... "
              "[PRIORITY]");
    EXPECT_EQ(cliError("mirroring_add 1 2"),
              "cmds.txt:2:1: error: unsupported command 'mirroring_add'");
    EXPECT_EQ(cliError("table_add t_tern nop 1->2 0->0 3 => 1"),
              "cmds.txt:2:22: error: range value '1->2' is not valid for ternary key 'hdr.h.a'");
    EXPECT_EQ(cliError("table_add dup nop 1 =>"),
              "cmds.txt:2:11: error: table name 'dup' is ambiguous: I.dup, E.dup");
}

// --- runtime JSON --------------------------------------------------------------------------

TEST_F(EntryTest, RuntimeJsonEntriesAndDefault) {
    auto doc = nlohmann::json::parse(R"({
        "target": "bmv2",
        "table_entries": [
            {"table": "I.t_lpm", "default_action": true, "action_name": "I.nop",
             "action_params": {}},
            {"table": "I.t_lpm", "match": {"hdr.h.ip": ["10.0.1.1", 32]},
             "action_name": "I.fwd", "action_params": {"port": 1, "mac": "08:00:00:00:01:11"}},
            {"table": "t_tern", "match": {"hdr.h.a": [16, 240], "b": [1, 2], "c": 3},
             "action_name": "nop", "priority": 9},
            {"table": "t_exact", "match": {"a": "0x7", "mac": 1}, "action_name": "nop"}
        ]
    })");
    ParseError err;
    auto cmds = parseRuntimeJson(p(), doc, "s1-runtime.json", err);
    ASSERT_TRUE(cmds) << err.str();
    ASSERT_EQ(cmds->size(), 4u);
    EXPECT_EQ((*cmds)[0].kind, Command::Kind::SetDefault);
    EXPECT_EQ((*cmds)[1].entry.keys[0].prefixLen, 32);
    EXPECT_EQ((*cmds)[1].entry.action.args[1], BigInt(0x080000000111ULL));
    EXPECT_EQ((*cmds)[2].entry.keys[0].mask, 240);
    EXPECT_EQ((*cmds)[2].entry.keys[1].high, 2);
    EXPECT_EQ((*cmds)[2].entry.priority, 9);
    EXPECT_EQ((*cmds)[3].entry.keys[0].value, 7);
}

TEST_F(EntryTest, RuntimeJsonErrors) {
    auto run = [&](const char* text) {
        ParseError err;
        EXPECT_FALSE(parseRuntimeJson(p(), nlohmann::json::parse(text), "r.json", err));
        return err.str();
    };
    EXPECT_EQ(run(R"({"table_entries": [{"table": "I.t_lpm", "action_name": "I.nop"},
                                         {"table": "zz", "action_name": "nop"}]})"),
              "r.json:2: error: table_entries[1]: unknown table 'zz'");
    EXPECT_EQ(run(R"({"table_entries": [{"table": "t_lpm", "match": {"ip": "10.0.0.1"},
                                          "action_name": "fwd", "action_params": {"port": 1}}]})"),
              "r.json:1: error: table_entries[0]: missing parameter 'mac' of action 'I.fwd'");
    EXPECT_EQ(run(R"({"table_entries": [{"table": "t_lpm", "match": {"ip": ["10.0.0.1", 33]},
                                          "action_name": "nop"}]})"),
              "r.json:1: error: table_entries[0]: prefix length 33 is longer than key "
              "'hdr.h.ip' (32 bits)");
    EXPECT_EQ(run(R"({"table_entries": [{"table": "t_exact", "match": {"a": [1, 2], "mac": 1},
                                          "action_name": "nop"}]})"),
              "r.json:1: error: table_entries[0]: key 'hdr.h.a' is exact: expected one value, "
              "not a pair");
    EXPECT_EQ(run(R"({"table_entries": [{"table": "t_exact", "match": {"a": 300, "mac": 1},
                                          "action_name": "nop"}]})"),
              "r.json:1: error: table_entries[0]: value '300' does not fit in 8 bits for key "
              "'hdr.h.a' (bit<8>)");
    EXPECT_EQ(run(R"({"multicast_group_entries": [{"multicast_group_id": 1}]})"),
              "r.json: error: \"multicast_group_entries\" is not supported by hopline");
}

TEST_F(EntryTest, FormatAndSameMatch) {
    Command a = stf("add t_tern 5 a:0x1* b:1->2 fwd(port:1, mac:2)");
    Command b = stf("add t_tern 5 a:0x1* b:1->2 nop()");
    Command c = stf("add t_tern 6 a:0x1* b:1->2 nop()");
    EXPECT_TRUE(sameMatch(a.entry, b.entry));
    EXPECT_FALSE(sameMatch(a.entry, c.entry));
    EXPECT_EQ(formatEntry(p(), a.entry),
              "hdr.h.a=0x10&&&0xf0 hdr.h.b=1->2 hdr.h.c=* -> I.fwd(port=1, mac=2) priority 5");
}

}  // namespace
}  // namespace hop::tables
