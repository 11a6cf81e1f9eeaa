// SPDX-License-Identifier: Apache-2.0
// The event loop of a hopline server: poll() over its file descriptors, SIGINT and SIGTERM taken
// through a signalfd so that a stop is one more event (the loop ends and the server prints its
// summary, closes its sockets, removes its socket file) rather than a handler racing the code.
//
//   common::blockStopSignals();                  // first thing in main(), before any thread
//   common::EventLoop loop;
//   if (!loop.stopOnSignals({SIGINT, SIGTERM}, error)) fail(error);
//   const int id = loop.watch(fd, POLLIN, [&](short revents) { ... });
//   loop.beforePoll([&] {                         // adjust the watches, say how long to wait
//       loop.setEvents(id, backlog ? 0 : POLLIN);
//       return busy ? 0 : -1;                     // milliseconds; -1: until something happens
//   });
//   loop.afterPoll([&] { advance(); });           // every round, whatever was ready
//   const auto end = loop.run();                  // a signal, stop(), or a poll() error
//
// One round: beforePoll, poll(), then (unless a stop signal arrived: run() returns at once)
// the ready watches in the order they were added, then afterPoll. A watch whose fd or events
// a handler changes during a round gets no stale events of that round. An exception from a
// handler or hook leaves run() as it is (hopd's fatal errors); the loop can run again after.
#pragma once

#include <poll.h>

#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

namespace hop::common {

// Makes SIGINT and SIGTERM pending signals for a signalfd (EventLoop::stopOnSignals) instead of
// killers, and ignores SIGPIPE (a peer that went away is an error return of send()). Call it
// before anything starts threads (a Verilated model may): a thread that does not block them
// would take the default action and end the process without its clean stop. Background jobs
// of a non-interactive shell start with SIGINT ignored, and an ignored signal never reaches a
// signalfd: the default disposition is taken back first.
void blockStopSignals();

class EventLoop {
  public:
    using Handler = std::function<void(short revents)>;

    struct End {
        enum class Why { Signal, Stopped, Error } why = Why::Stopped;
        int signal = 0;     // Why::Signal: its number (strsignal() names it)
        std::string error;  // Why::Error: "poll: reason"
    };

    EventLoop() = default;
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;
    ~EventLoop();

    // From now on, `signals` end run() (they are blocked in the calling thread and read from a
    // signalfd; blockStopSignals() for why to block them earlier too). False with `error` when
    // the signalfd cannot be made.
    bool stopOnSignals(std::initializer_list<int> signals, std::string& error);

    // Watches `fd` (-1: not polled until setFd) for `events`; `ready` gets the returned events,
    // POLLHUP, POLLERR and POLLNVAL included (with `events` 0, only those). Returns the watch's
    // id for setFd / setEvents.
    int watch(int fd, short events, Handler ready);
    void setFd(int id, int fd);
    void setEvents(int id, short events);

    // Called at the start of every round; returns poll()'s timeout in milliseconds (-1: until an
    // fd is ready or a signal arrives, 0: do not wait). Without it the loop waits.
    void beforePoll(std::function<int()> prepare) { prepare_ = std::move(prepare); }
    // Called at the end of every round, after the handlers.
    void afterPoll(std::function<void()> work) { after_ = std::move(work); }

    // run() returns at the end of this round.
    void stop() { stopped_ = true; }

    // Rounds until a stop signal, stop(), or a poll() error other than EINTR.
    End run();

  private:
    struct Watch {
        int fd = -1;
        short events = 0;
        Handler ready;
        bool changed = false;  // fd or events set during this round's handlers
    };
    std::vector<Watch> watches_;
    std::function<int()> prepare_;
    std::function<void()> after_;
    int signalFd_ = -1;
    bool stopped_ = false;
};

}  // namespace hop::common
