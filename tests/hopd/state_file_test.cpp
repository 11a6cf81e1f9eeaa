// SPDX-License-Identifier: Apache-2.0
// hopd's state file (runtime/hopd/state_file.hpp): every record's line and back, table commands
// as BMv2 lines that parse back to the same command, and the reader: records, commands and
// bulk updates in the file's order, located errors.
#include "runtime/hopd/state_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "runtime/hopd/failure.hpp"
#include "runtime/hopd/router_tables.hpp"
#include "tests/hopd/router_program.hpp"

namespace hop::hopd {
namespace {

using testing::routerInfo;
using testing::routerTables;

StateRecord parse(const std::string& line) {
    std::string error;
    auto r = StateRecord::parse(splitWords(line), error);
    EXPECT_TRUE(r) << line << ": " << error;
    return r.value_or(StateRecord{});
}

TEST(StateFile, RecordsRoundTrip) {
    for (const char* line : {"@link 2 7", "@nexthop 198.51.100.1 3", "@host 192.0.2.1 9",
                             "@nexthop-free 192.0.2.1", "@route 203.0.113.0/24 via 198.51.100.1",
                             "@route 198.51.100.128/25 dev 2", "@route-del 203.0.113.0/24"}) {
        EXPECT_EQ(parse(line).str(), line);
    }
    const auto host = parse("@host 192.0.2.1 9");
    EXPECT_EQ(host.kind, StateRecord::Kind::Host);
    EXPECT_EQ(host.ip.str(), "192.0.2.1");
    EXPECT_EQ(host.id, 9);
    const auto link = parse("@link 2 7");
    EXPECT_EQ(link.port, 2);
    EXPECT_EQ(link.id, 7);
}

TEST(StateFile, BadRecords) {
    auto error = [](const std::string& line) {
        std::string why;
        EXPECT_FALSE(StateRecord::parse(splitWords(line), why)) << line;
        return why;
    };
    EXPECT_EQ(error("@nexthop 198.51.100.x 3"), "invalid address");
    EXPECT_EQ(error("@nexthop 198.51.100.1 70000"), "invalid id '70000'");
    EXPECT_EQ(error("@link x 1"), "invalid port 'x'");
    EXPECT_EQ(error("@frobnicate 1"), "unknown record '@frobnicate'");
    EXPECT_EQ(error("@host 192.0.2.1"), "unknown record '@host'");  // a word short
}

TEST(StateFile, CommandLinesParseBack) {
    const auto program = routerTables();
    const RouterTables tables(program, routerInfo());
    std::string error;
    std::vector<tables::Command> commands = {
        *tables.routeEntry(router::Ipv4Addr(0xcb007100), 24, 3, error),
        *tables.routeEntry(router::Ipv4Addr(0xc0000201), 32, 9, error),
        *tables.portMacEntry(2, *router::MacAddr::parse("02:00:00:00:02:fe"), error),
        *tables.nexthopEntry(9, *router::MacAddr::parse("02:00:00:00:01:01"),
                             *router::MacAddr::parse("02:00:00:00:01:fe"), 1, error),
        *tables.localEntry(router::Ipv4Addr(0xc00002fe), error),
    };
    tables::Command modify = commands[3];
    modify.kind = tables::Command::Kind::Modify;
    modify.handle = 4;
    commands.push_back(modify);
    commands.push_back({tables::Command::Kind::Delete, commands[0].entry, 12});
    for (const auto& c : commands) {
        const std::string line = commandLine(program, c);
        tables::ParseError pe;
        auto back = tables::parseBmv2Command(program, line, {}, pe);
        ASSERT_TRUE(back) << line << ": " << pe.message;
        EXPECT_EQ(back->kind, c.kind) << line;
        EXPECT_EQ(back->handle, c.handle) << line;
        EXPECT_EQ(commandLine(program, *back), line);
        if (c.kind == tables::Command::Kind::Add) {
            EXPECT_TRUE(tables::sameMatch(back->entry, c.entry)) << line;
            EXPECT_EQ(back->entry.action.action, c.entry.action.action) << line;
            EXPECT_EQ(back->entry.action.args, c.entry.action.args) << line;
        }
    }
    EXPECT_EQ(commandLine(program, commands[0]),
              "table_add RouterIngress.ipv4_lpm RouterIngress.set_nexthop 0xcb007100/24 => 0x3");
}

TEST(StateFile, ReaderKeepsTheOrder) {
    const auto program = routerTables();
    std::istringstream in(
        "@link 1 1\n"
        "table_add RouterIngress.ipv4_lpm RouterIngress.set_nexthop 0xc0000200/24 => 0x1\n"
        "\n"
        "@bulk 2\n"
        "table_add RouterIngress.ipv4_lpm RouterIngress.set_nexthop 0x0a000000/8 => 0x2\n"
        "table_add RouterIngress.ipv4_lpm RouterIngress.set_nexthop 0x0b000000/8 => 0x2\n"
        "@route-del 203.0.113.0/24\n");
    std::vector<std::string> seen;
    StateVisitor v;
    v.record = [&](const StateRecord& r, std::string&) {
        seen.push_back(r.str());
        return true;
    };
    v.command = [&](const tables::Command& c, std::string&) {
        seen.push_back("command " + commandLine(program, c));
        return true;
    };
    v.bulk = [&](std::vector<tables::Command> adds, std::string&) {
        seen.push_back("bulk " + std::to_string(adds.size()));
        return true;
    };
    EXPECT_EQ(readState(in, "s", program, v), 3u);
    ASSERT_EQ(seen.size(), 4u);
    EXPECT_EQ(seen[0], "@link 1 1");
    EXPECT_EQ(seen[1],
              "command table_add RouterIngress.ipv4_lpm RouterIngress.set_nexthop 0xc0000200/24 "
              "=> 0x1");
    EXPECT_EQ(seen[2], "bulk 2");
    EXPECT_EQ(seen[3], "@route-del 203.0.113.0/24");
}

std::string readError(const std::string& text,
                      std::function<bool(const tables::Command&, std::string&)> command = {}) {
    const auto program = routerTables();
    std::istringstream in(text);
    StateVisitor v;
    v.record = [](const StateRecord&, std::string&) { return true; };
    v.command = command ? command : [](const tables::Command&, std::string&) { return true; };
    v.bulk = [](std::vector<tables::Command>, std::string&) { return true; };
    try {
        readState(in, "s", program, v);
    } catch (const Failure& f) {
        EXPECT_EQ(f.code, 1);
        return f.what();
    }
    return "no error";
}

TEST(StateFile, ReaderErrorsAreLocated) {
    // Line 1 is the header, read by the caller.
    EXPECT_EQ(readError("@link 1 1\n@what 2\n"), "s:3: error: unknown record '@what'");
    EXPECT_EQ(readError("@bulk 3\ntable_add RouterIngress.ipv4_lpm RouterIngress.set_nexthop "
                        "0x0a000000/8 => 0x2\n"),
              "s:2: error: the @bulk record announces 3 commands, the file ends after 1");
    EXPECT_EQ(readError("@link 1 1\ntable_add RouterIngress.ipv4_lpm RouterIngress.set_nexthop "
                        "0x0a000000/8 => 0x2\n",
                        [](const tables::Command&, std::string& why) {
                            why = "refused";
                            return false;
                        }),
              "s:3: error: refused");
    const std::string unknown = readError("table_add RouterIngress.nosuch x 1 =>\n");
    EXPECT_TRUE(unknown.starts_with("s:2:")) << unknown;
    EXPECT_NE(unknown.find("nosuch"), std::string::npos) << unknown;
}

// compact(): the state file becomes the header, a @snapshot line naming a new file with the
// bytes given, and the records; the old snapshot goes; lines written afterwards follow it. The
// reader hands the snapshot over first, and refuses one that is missing, altered or misplaced.
class StateFileSnapshot : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("hop-state-test-" + std::to_string(::getpid()));
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_);
        path_ = (dir_ / "hopd.state").string();
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::vector<std::string> snapshots() const {
        std::vector<std::string> out;
        for (const auto& e : std::filesystem::directory_iterator(dir_)) {
            const std::string name = e.path().filename().string();
            if (name.starts_with("hopd.state.snap.")) out.push_back(name);
        }
        return out;
    }
    // Reads the state file back: the snapshot's bytes and the lines after it.
    std::pair<std::string, std::vector<std::string>> read() const {
        const auto program = routerTables();
        std::ifstream in(path_);
        std::string header;
        std::getline(in, header);
        EXPECT_EQ(header, "@hopd-state 1 router 64 sim:x");
        std::string bytes;
        std::vector<std::string> seen;
        StateVisitor v;
        v.snapshot = [&](const std::string& b, const std::string&, std::string&) {
            bytes = b;
            return true;
        };
        v.record = [&](const StateRecord& r, std::string&) {
            seen.push_back(r.str());
            return true;
        };
        v.command = [&](const tables::Command& c, std::string&) {
            seen.push_back(commandLine(program, c));
            return true;
        };
        v.bulk = [](std::vector<tables::Command>, std::string&) { return true; };
        readState(in, path_, program, v);
        return {bytes, seen};
    }
    std::filesystem::path dir_;
    std::string path_;
};

TEST_F(StateFileSnapshot, CompactReplacesTheJournal) {
    const auto program = routerTables();
    const std::string header = "@hopd-state 1 router 64 sim:x";
    StateJournal journal;
    journal.create(path_, header);
    StateRecord link = parse("@link 1 1");
    journal.record(link);
    journal.record(parse("@route 203.0.113.0/24 via 198.51.100.1"));
    EXPECT_EQ(journal.linesSinceSnapshot(), 2u);
    std::string binary("snap\0shot\xff", 10);
    const std::string first = journal.compact(path_, header, binary, {link});
    EXPECT_EQ(journal.linesSinceSnapshot(), 0u);
    journal.record(parse("@nexthop 198.51.100.1 3"));
    auto [bytes, seen] = read();
    EXPECT_EQ(bytes, binary);
    EXPECT_EQ(seen, (std::vector<std::string>{"@link 1 1", "@nexthop 198.51.100.1 3"}));
    ASSERT_EQ(snapshots().size(), 1u);

    // A second snapshot replaces the first one's file.
    const std::string second = journal.compact(path_, header, "other", {});
    EXPECT_NE(first, second);
    EXPECT_FALSE(std::filesystem::exists(first));
    EXPECT_EQ(snapshots().size(), 1u);
    std::tie(bytes, seen) = read();
    EXPECT_EQ(bytes, "other");
    EXPECT_TRUE(seen.empty());

    StateJournal::removeSnapshots(path_);
    EXPECT_TRUE(snapshots().empty());
}

TEST_F(StateFileSnapshot, AlteredOrMissingSnapshotsAreRefused) {
    const std::string header = "@hopd-state 1 router 64 sim:x";
    StateJournal journal;
    journal.create(path_, header);
    const std::string file = journal.compact(path_, header, "0123456789", {});
    auto error = [&] {
        try {
            read();
        } catch (const Failure& f) {
            return std::string(f.what());
        }
        return std::string("no error");
    };
    {
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out << "0123456780";  // same size, other bytes
    }
    std::string e = error();
    EXPECT_TRUE(e.starts_with(path_ + ":2: error: the snapshot ")) << e;
    EXPECT_NE(e.find("is 10 bytes with hash"), std::string::npos) << e;
    std::filesystem::remove(file);
    e = error();
    EXPECT_TRUE(e.starts_with(path_ + ":2: error: cannot read the snapshot ")) << e;
}

TEST(StateFile, SnapshotRecordsBelongOnLineTwo) {
    EXPECT_EQ(readError("@link 1 1\n@snapshot x 1 00\n"),
              "s:3: error: a @snapshot record belongs on line 2");
    EXPECT_EQ(readError("@snapshot x 1\n"), "s:2: error: @snapshot needs FILE BYTES HASH");
    EXPECT_EQ(readError("@snapshot ../x 1 00\n"), "s:2: error: snapshot '../x' is not a file name");
}

}  // namespace
}  // namespace hop::hopd
