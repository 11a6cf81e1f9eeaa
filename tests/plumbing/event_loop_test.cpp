// SPDX-License-Identifier: Apache-2.0
// common::EventLoop: handlers in the order of their watches, a stop signal ends the loop, the
// before/after hooks, stale events after a change, hang-ups reported without events.
#include "runtime/common/event_loop.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace hop::common {
namespace {

struct Pipe {
    int read = -1, write = -1;
    Pipe() {
        int fds[2];
        EXPECT_EQ(::pipe(fds), 0);
        read = fds[0];
        write = fds[1];
    }
    ~Pipe() {
        if (read >= 0) ::close(read);
        if (write >= 0) ::close(write);
    }
    void put() { EXPECT_EQ(::write(write, "x", 1), 1); }
    void take() {
        char c;
        EXPECT_EQ(::read(read, &c, 1), 1);
    }
};

TEST(EventLoopTest, CallsReadyHandlersInOrderThenAfterPoll) {
    Pipe a, b, idle;
    EventLoop loop;
    std::vector<std::string> calls;
    loop.watch(b.read, POLLIN, [&](short ev) {
        EXPECT_TRUE(ev & POLLIN);
        calls.push_back("b");
        b.take();
    });
    loop.watch(idle.read, POLLIN, [&](short) { calls.push_back("idle"); });
    loop.watch(a.read, POLLIN, [&](short) {
        calls.push_back("a");
        a.take();
    });
    loop.afterPoll([&] {
        calls.push_back("after");
        loop.stop();
    });
    a.put();
    b.put();
    const auto end = loop.run();
    EXPECT_EQ(end.why, EventLoop::End::Why::Stopped);
    EXPECT_EQ(calls, (std::vector<std::string>{"b", "a", "after"}));
}

TEST(EventLoopTest, BeforePollSetsTheTimeoutAndTheWatches) {
    Pipe p;
    p.put();
    EventLoop loop;
    int rounds = 0, reads = 0;
    const int id = loop.watch(p.read, POLLIN, [&](short) { ++reads; });
    loop.beforePoll([&] {
        // Not interested in the readable pipe: the round runs on the timeout alone.
        loop.setEvents(id, 0);
        return 0;
    });
    loop.afterPoll([&] {
        if (++rounds == 3) loop.stop();
    });
    EXPECT_EQ(loop.run().why, EventLoop::End::Why::Stopped);
    EXPECT_EQ(rounds, 3);
    EXPECT_EQ(reads, 0);
}

TEST(EventLoopTest, ReportsAHangUpWithoutEvents) {
    Pipe p;
    ::close(p.write);
    p.write = -1;
    EventLoop loop;
    short seen = 0;
    loop.watch(p.read, 0, [&](short ev) {
        seen = ev;
        loop.stop();
    });
    loop.run();
    EXPECT_TRUE(seen & POLLHUP);
}

TEST(EventLoopTest, AChangedWatchGetsNoStaleEvents) {
    Pipe first, second, other;
    first.put();
    second.put();
    EventLoop loop;
    int secondCalls = 0;
    int secondId = -1;
    loop.watch(first.read, POLLIN, [&](short) {
        first.take();
        loop.setFd(secondId, other.read);  // what second's fd held this round is not its now
    });
    secondId = loop.watch(second.read, POLLIN, [&](short) { ++secondCalls; });
    loop.afterPoll([&] { loop.stop(); });
    loop.run();
    EXPECT_EQ(secondCalls, 0);
}

TEST(EventLoopTest, AStopSignalEndsTheLoopBeforeTheHandlers) {
    Pipe p;
    p.put();
    EventLoop loop;
    std::string error;
    ASSERT_TRUE(loop.stopOnSignals({SIGUSR1}, error)) << error;
    int calls = 0;
    loop.watch(p.read, POLLIN, [&](short) { ++calls; });
    ::kill(::getpid(), SIGUSR1);  // blocked: pending until the signalfd reads it
    const auto end = loop.run();
    EXPECT_EQ(end.why, EventLoop::End::Why::Signal);
    EXPECT_EQ(end.signal, SIGUSR1);
    EXPECT_EQ(calls, 0);
}

TEST(EventLoopTest, ReportsPollErrors) {
    EventLoop loop;
    loop.beforePoll([] { return -1; });
    // More descriptors than poll() accepts (RLIMIT_NOFILE): EINVAL.
    rlimit saved{};
    ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
    rlimit low = saved;
    low.rlim_cur = 64;
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
    for (int i = 0; i < 100; ++i) loop.watch(-1, 0, [](short) {});
    const auto end = loop.run();
    ::setrlimit(RLIMIT_NOFILE, &saved);
    EXPECT_EQ(end.why, EventLoop::End::Why::Error);
    EXPECT_EQ(end.error.rfind("poll: ", 0), 0u) << end.error;
}

TEST(EventLoopTest, AnExceptionLeavesTheLoopAndItRunsAgain) {
    Pipe p;
    p.put();
    EventLoop loop;
    bool fail = true;
    int calls = 0;
    loop.watch(p.read, POLLIN, [&](short) {
        ++calls;
        if (fail) throw std::runtime_error("fatal");
        p.take();
        loop.stop();
    });
    EXPECT_THROW(loop.run(), std::runtime_error);
    fail = false;
    EXPECT_EQ(loop.run().why, EventLoop::End::Why::Stopped);
    EXPECT_EQ(calls, 2);
}

TEST(EventLoopTest, BlockStopSignalsMakesThemPending) {
    blockStopSignals();
    sigset_t blocked;
    ASSERT_EQ(::pthread_sigmask(SIG_BLOCK, nullptr, &blocked), 0);
    EXPECT_TRUE(sigismember(&blocked, SIGINT));
    EXPECT_TRUE(sigismember(&blocked, SIGTERM));
    struct sigaction pipe {};
    ASSERT_EQ(::sigaction(SIGPIPE, nullptr, &pipe), 0);
    EXPECT_EQ(pipe.sa_handler, SIG_IGN);
    // An ignored SIGINT (a background job of a script) is taken back to the default.
    ::signal(SIGINT, SIG_IGN);
    blockStopSignals();
    struct sigaction interrupt {};
    ASSERT_EQ(::sigaction(SIGINT, nullptr, &interrupt), 0);
    EXPECT_EQ(interrupt.sa_handler, SIG_DFL);
}

}  // namespace
}  // namespace hop::common
