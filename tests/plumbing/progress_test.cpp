// SPDX-License-Identifier: Apache-2.0
// common::Progress and common::progressBar: what a terminal, a log and a pipe get, and when.
#include "runtime/common/progress.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <sstream>

namespace hop::common {
namespace {

using namespace std::chrono_literals;
using Clock = Progress::Clock;

TEST(ProgressTest, OffPrintsNothing) {
    std::ostringstream out;
    const auto t0 = Clock::now();
    {
        Progress progress(out, Progress::Mode::Off, t0);
        EXPECT_FALSE(progress.enabled());
        EXPECT_FALSE(progress.due(t0 + 1h));
        progress.show("line", t0 + 1h);
        progress.finish();
        progress.clear();
    }
    EXPECT_EQ(out.str(), "");
}

TEST(ProgressTest, TerminalRewritesOneLineAtMostFiveTimesASecond) {
    std::ostringstream out;
    const auto t0 = Clock::now();
    Progress progress(out, Progress::Mode::Terminal, t0);
    EXPECT_FALSE(progress.due(t0 + 100ms));
    progress.show("early", t0 + 100ms);
    EXPECT_EQ(out.str(), "");
    EXPECT_TRUE(progress.due(t0 + 200ms));
    progress.show("one", t0 + 200ms);
    progress.show("too soon", t0 + 300ms);
    progress.show("two", t0 + 400ms);
    EXPECT_EQ(out.str(), "\rone\033[K\rtwo\033[K");
    progress.finish();
    EXPECT_EQ(out.str(), "\rone\033[K\rtwo\033[K\n");
    progress.finish();  // once
    EXPECT_EQ(out.str(), "\rone\033[K\rtwo\033[K\n");
}

TEST(ProgressTest, ClearErasesTheTerminalLine) {
    std::ostringstream out;
    const auto t0 = Clock::now();
    {
        Progress progress(out, Progress::Mode::Terminal, t0);
        progress.clear();  // nothing shown: nothing to erase
        EXPECT_EQ(out.str(), "");
        progress.show("x", t0 + 1s);
        progress.clear();
    }  // the destructor adds nothing after clear()
    EXPECT_EQ(out.str(), "\rx\033[K\r\033[K");
}

TEST(ProgressTest, TheDestructorEndsAnOpenLine) {
    std::ostringstream out;
    const auto t0 = Clock::now();
    { Progress(out, Progress::Mode::Terminal, t0).show("x", t0 + 1s); }
    EXPECT_EQ(out.str(), "\rx\033[K\n");
}

TEST(ProgressTest, LinesForALogEveryFiveSeconds) {
    std::ostringstream out;
    const auto t0 = Clock::now();
    Progress progress(out, Progress::Mode::Lines, t0);
    progress.show("a", t0 + 1s);
    progress.show("b", t0 + 5s);
    progress.show("c", t0 + 9s);
    progress.show("d", t0 + 10s);
    progress.finish();
    EXPECT_EQ(out.str(), "b\nd\n");
    EXPECT_DOUBLE_EQ(progress.seconds(t0 + 2500ms), 2.5);
}

TEST(ProgressTest, ModeForANonTerminal) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    EXPECT_EQ(Progress::modeFor(fds[1]), Progress::Mode::Off);
    EXPECT_EQ(Progress::modeFor(fds[1], Progress::Mode::Lines), Progress::Mode::Lines);
    ::close(fds[0]);
    ::close(fds[1]);
}

TEST(ProgressBarTest, FillsItsShareOfTheWidth) {
    EXPECT_EQ(progressBar(0.0), "[" + std::string(30, '.') + "]");
    EXPECT_EQ(progressBar(1.0), "[" + std::string(30, '#') + "]");
    EXPECT_EQ(progressBar(0.5, 10), "[#####.....]");
    EXPECT_EQ(progressBar(0.99, 10), "[#########.]");  // full only when done
    EXPECT_EQ(progressBar(size_t{1}, size_t{4}, 8), "[##......]");
    EXPECT_EQ(progressBar(size_t{0}, size_t{0}, 4), "[####]");  // nothing to do: done
    EXPECT_EQ(progressBar(-1.0, 4), "[....]");
    EXPECT_EQ(progressBar(7.0, 4), "[####]");
}

}  // namespace
}  // namespace hop::common
