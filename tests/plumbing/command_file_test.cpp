// SPDX-License-Identifier: Apache-2.0
// common::forEachCommandLine, common::readCommandFile and common::readRuntimeJsonFile: comments,
// blank lines, CRs, columns, BMv2 and STF lines, located errors, the handler's say.
#include "runtime/common/command_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "driver/compile.hpp"
#include "runtime/common/command_lines.hpp"
#include "source/preprocess.hpp"

namespace hop::common {
namespace {

namespace fs = std::filesystem;

const char* kProgram = R"(
#include <core.p4>
#include <v1model.p4>
header h_t { bit<8> a; bit<9> port; }
struct headers { h_t h; }
struct metadata { }
parser P(packet_in pkt, out headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    state start { pkt.extract(hdr.h); transition accept; }
}
control VC(inout headers hdr, inout metadata meta) { apply { } }
control I(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    action fwd(bit<9> port) { sm.egress_spec = port; }
    action nop() { }
    table t { key = { hdr.h.a: exact; } actions = { fwd; nop; } default_action = nop(); }
    register<bit<8>>(4) r;
    counter(2, CounterType.packets) c;
    apply { t.apply(); r.write(0, hdr.h.a); c.count(1); }
}
control E(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata meta) { apply { } }
control D(packet_out pkt, in headers hdr) { apply { pkt.emit(hdr.h); } }
V1Switch(P(), VC(), I(), E(), CC(), D()) main;
)";

std::vector<CommandLine> linesOf(const std::string& text) {
    std::istringstream in(text);
    std::vector<CommandLine> lines;
    EXPECT_TRUE(forEachCommandLine(in, "f.txt", [&](const CommandLine& l) {
        lines.push_back(l);
        return true;
    }));
    return lines;
}

TEST(CommandLinesTest, SkipsBlankAndCommentLinesAndLocatesTheRest) {
    const auto lines = linesOf(
        "# a comment\n\n   \t\nfirst\r\n  \tsecond # not a comment here\n"
        "   # indented comment\n\r\nlast");
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0].text, "first");
    EXPECT_EQ(lines[0].line, 4);
    EXPECT_EQ(lines[0].column, 1);
    EXPECT_EQ(lines[1].text, "second # not a comment here");
    EXPECT_EQ(lines[1].line, 5);
    EXPECT_EQ(lines[1].column, 4);
    EXPECT_EQ(lines[1].where(), "f.txt:5:4");
    EXPECT_EQ(lines[1].error("bad"), "f.txt:5:4: error: bad");
    EXPECT_EQ(lines[2].text, "last");
    EXPECT_EQ(lines[2].line, 8);
}

TEST(CommandLinesTest, StopsWhenTheCallbackSaysSo) {
    std::istringstream in("a\nb\nc\n");
    int seen = 0;
    EXPECT_FALSE(forEachCommandLine(in, "f", [&](const CommandLine& l) {
        ++seen;
        return l.text != "b";
    }));
    EXPECT_EQ(seen, 2);
}

TEST(CommandLinesTest, AFileThatCannotBeRead) {
    std::string error;
    const std::string missing = ::testing::TempDir() + "/plumbing_no_such_file";
    EXPECT_FALSE(forEachCommandLine(
        missing, [](const CommandLine&) { return true; }, error));
    EXPECT_EQ(error, missing + ": error: cannot read the file");
    error.clear();
    const std::string dir = ::testing::TempDir();
    EXPECT_FALSE(forEachCommandLine(
        dir, [](const CommandLine&) { return true; }, error));
    EXPECT_EQ(error, dir + ": error: cannot read the file");
}

class CommandFileTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dir_ = fs::path(::testing::TempDir()) / ("plumbing_cmds_" + std::to_string(getpid()));
        fs::create_directories(dir_);
        const std::string path = (dir_ / "prog.p4").string();
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
        fs::remove_all(dir_);
    }
    const ir::Program& program() { return *fe_->ir; }
    std::string write(const std::string& name, const std::string& text) {
        const std::string path = (dir_ / name).string();
        std::ofstream(path) << text;
        return path;
    }

    struct Seen {
        std::vector<std::string> where;
        std::vector<tables::Command::Kind> kinds;
    };
    CommandHandler record(Seen& seen) {
        return [&seen](tables::Command& c, const CommandSource& s, std::string&) {
            seen.where.push_back(s.where());
            seen.kinds.push_back(c.kind);
            return true;
        };
    }

    static inline fs::path dir_;
    static inline Frontend* fe_ = nullptr;
};

TEST_F(CommandFileTest, ReadsBmv2AndStfLinesMixed) {
    const std::string path = write("mixed.txt",
                                   "# entries\n"
                                   "table_add t fwd 1 => 2\n"
                                   "\n"
                                   "  add t hdr.h.a:3 fwd(port:4)\r\n"
                                   "setdefault t fwd(port:5)\n"
                                   "table_set_default t nop\n");
    Seen seen;
    std::string error;
    ASSERT_TRUE(readCommandFile(program(), path, CommandSyntax::Bmv2OrStf, record(seen), error))
        << error;
    EXPECT_EQ(seen.where, (std::vector<std::string>{path + ":2:1", path + ":4:3", path + ":5:1",
                                                    path + ":6:1"}));
    using Kind = tables::Command::Kind;
    EXPECT_EQ(seen.kinds,
              (std::vector<Kind>{Kind::Add, Kind::Add, Kind::SetDefault, Kind::SetDefault}));
}

TEST_F(CommandFileTest, Bmv2OnlyRefusesStfLinesWithTheirPlace) {
    const std::string path = write("stf.txt", "table_add t fwd 1 => 2\n   add t hdr.h.a:3 nop()\n");
    Seen seen;
    std::string error;
    EXPECT_FALSE(readCommandFile(program(), path, CommandSyntax::Bmv2, record(seen), error));
    EXPECT_EQ(seen.where.size(), 1u);
    EXPECT_EQ(error.rfind(path + ":2:4: error: ", 0), 0u) << error;
}

TEST_F(CommandFileTest, AParseErrorIsLocatedAtItsWord) {
    const std::string path =
        write("bad.txt", "table_add t fwd 1 => 2\n  table_add t nosuch 1 =>\n");
    Seen seen;
    std::string error;
    EXPECT_FALSE(readCommandFile(program(), path, CommandSyntax::Bmv2OrStf, record(seen), error));
    EXPECT_EQ(error, path + ":2:15: error: unknown action 'nosuch' for table 'I.t'");
    EXPECT_EQ(seen.where.size(), 1u);  // the commands before it went through
}

TEST_F(CommandFileTest, TheHandlerStopsTheReadingWithItsOwnError) {
    const std::string path = write("stop.txt", "table_add t fwd 1 => 2\ntable_add t fwd 2 => 3\n");
    int calls = 0;
    std::string error;
    EXPECT_FALSE(readCommandFile(
        program(), path, CommandSyntax::Bmv2,
        [&](tables::Command&, const CommandSource& source, std::string& why) {
            ++calls;
            why = source.error("table full");
            return false;
        },
        error));
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(error, path + ":1:1: error: table full");
}

// Counter, meter and register lines go to their own handler, in file order with the tables;
// a reader without one refuses them at their place; a bad one is located at its word.
TEST_F(CommandFileTest, ExternLinesGoToTheirHandlerInOrder) {
    const std::string path =
        write("ext.txt", "table_add t fwd 1 => 2\n  register_write r 1 7\ncounter_read I.c 1\n");
    std::vector<std::string> order;
    std::string error;
    ASSERT_TRUE(readCommandFile(
        program(), path, CommandSyntax::Bmv2,
        [&](tables::Command&, const CommandSource& source, std::string&) {
            order.push_back("table " + source.where());
            return true;
        },
        error,
        [&](const tables::ExternCommand& command, const CommandSource& source, std::string&) {
            order.push_back("extern " + command.name + " " + source.where());
            return true;
        }))
        << error;
    EXPECT_EQ(order,
              (std::vector<std::string>{"table " + path + ":1:1", "extern r " + path + ":2:3",
                                        "extern I.c " + path + ":3:1"}));
    Seen seen;
    EXPECT_FALSE(readCommandFile(program(), path, CommandSyntax::Bmv2, record(seen), error));
    EXPECT_EQ(error, path +
                         ":2:3: error: 'register_write' is not accepted here: this reader "
                         "loads tables only");
    const std::string bad = write("ext_bad.txt", "register_write r 4 1\n");
    EXPECT_FALSE(readCommandFile(
        program(), bad, CommandSyntax::Bmv2, record(seen), error,
        [](const tables::ExternCommand&, const CommandSource&, std::string&) { return true; }));
    EXPECT_EQ(error, bad + ":1:18: error: index 4 is past the end of register I.r (size 4)");
}

TEST_F(CommandFileTest, AMissingCommandFile) {
    std::string error;
    const std::string path = (dir_ / "missing.txt").string();
    EXPECT_FALSE(readCommandFile(program(), path, CommandSyntax::Bmv2, {}, error));
    EXPECT_EQ(error, path + ": error: cannot read the file");
}

TEST_F(CommandFileTest, ReadsRuntimeJsonEntriesWithTheirIndex) {
    const std::string path = write("rt.json", R"({"table_entries": [
            {"table": "I.t", "match": {"hdr.h.a": 1}, "action_name": "I.fwd",
             "action_params": {"port": 2}},
            {"table": "I.t", "default_action": true, "action_name": "I.nop", "action_params": {}}
        ]})");
    Seen seen;
    std::string error;
    ASSERT_TRUE(readRuntimeJsonFile(program(), path, record(seen), error)) << error;
    EXPECT_EQ(seen.where,
              (std::vector<std::string>{path + ": table_entries[0]", path + ": table_entries[1]"}));
    CommandSource source{path, 0, 0, 1};
    EXPECT_EQ(source.error("full"), path + ": table_entries[1]: error: full");
}

TEST_F(CommandFileTest, MalformedJsonIsLocated) {
    const std::string path = write("bad.json", "{\n  \"table_entries\": [\n    {,\n  ]\n}\n");
    std::string error;
    EXPECT_FALSE(readRuntimeJsonFile(program(), path, {}, error));
    EXPECT_EQ(error, path +
                         ":3:6: error: malformed JSON: syntax error while parsing object key - "
                         "unexpected ','; expected string literal");
}

TEST_F(CommandFileTest, ARuntimeJsonEntryThatDoesNotParse) {
    const std::string path =
        write("unknown.json", R"({"table_entries": [{"table": "I.nope", "action_name": "x"}]})");
    int calls = 0;
    std::string error;
    EXPECT_FALSE(readRuntimeJsonFile(
        program(), path,
        [&](tables::Command&, const CommandSource&, std::string&) { return ++calls, true; },
        error));
    EXPECT_EQ(calls, 0);  // every entry parses before the first one is used
    EXPECT_EQ(error, path + ":1: error: table_entries[0]: unknown table 'I.nope'");
}

}  // namespace
}  // namespace hop::common
