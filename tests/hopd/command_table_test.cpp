// SPDX-License-Identifier: Apache-2.0
// hopd's control requests by table (runtime/hopd/command_table.hpp) and the reply lines of the
// control protocol (runtime/hopd/control_socket.hpp).
#include "runtime/hopd/command_table.hpp"

#include <gtest/gtest.h>

#include "runtime/hopd/control_protocol.hpp"
#include "runtime/hopd/control_socket.hpp"

namespace hop::hopd {
namespace {

// A table whose handlers say which one ran, with the arguments they got.
CommandTable table() {
    CommandTable t;
    auto echo = [](const std::string& name) {
        return [name](const ControlRequest& r, std::vector<std::string>& out, std::string&) {
            std::string line = name;
            for (const auto& a : r.args) line += " [" + a + "]";
            out.push_back(line);
            return true;
        };
    };
    t.add("stats", 0, 0, echo("stats"));
    t.add("route add", 1, CommandTable::kAny, echo("route add"));
    t.add("route del", 1, 1, echo("route del"));
    t.add("route", 0, CommandTable::kAny, echo("route"));
    t.add("fail", 0, 0, [](const ControlRequest&, std::vector<std::string>&, std::string& error) {
        error = "it failed";
        return false;
    });
    return t;
}

std::string run(const std::string& line) {
    std::vector<std::string> out;
    std::string error;
    const bool ok = table().run(line, out, error);
    if (!ok) return "!" + error;
    std::string text;
    for (const auto& o : out) text += o;
    return text;
}

TEST(CommandTable, LongestNameFirst) {
    EXPECT_EQ(run("stats"), "stats");
    EXPECT_EQ(run("route add 203.0.113.0/24 via 198.51.100.1"),
              "route add [203.0.113.0/24] [via] [198.51.100.1]");
    EXPECT_EQ(run("route del 203.0.113.0/24"), "route del [203.0.113.0/24]");
    // Not a two-word command: the one-word one takes it, with every word after it.
    EXPECT_EQ(run("route show"), "route [show]");
    // `route del` takes one argument; with two the shorter name gets the request.
    EXPECT_EQ(run("route del a b"), "route [del] [a] [b]");
}

TEST(CommandTable, UnknownAndWrongCounts) {
    EXPECT_EQ(run("nosuch"), "!unknown request 'nosuch'");
    EXPECT_EQ(run("stats now"), "!unknown request 'stats now'");
    EXPECT_EQ(run(""), "!empty request");
    EXPECT_EQ(run("   "), "!empty request");
    EXPECT_EQ(run("fail"), "!it failed");
}

TEST(CommandTable, Names) {
    EXPECT_EQ(table().names(),
              (std::vector<std::string>{"fail", "route", "route add", "route del", "stats"}));
}

TEST(ControlReply, Lines) {
    EXPECT_EQ(formatReply(true, {"a", "b"}, ""), "-a\n-b\n=ok\n");
    EXPECT_EQ(formatReply(false, {"a"}, "two\nlines"), "-a\n!two lines\n");
    std::vector<std::string> many(kMaxReplyLines + 3, "x");
    const std::string reply = formatReply(true, many, "");
    EXPECT_NE(reply.find("-(3 more lines)\n=ok\n"), std::string::npos);
}

}  // namespace
}  // namespace hop::hopd
