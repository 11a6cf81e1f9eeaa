// SPDX-License-Identifier: Apache-2.0
#include "runtime/common/event_loop.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hop::common {

void blockStopSignals() {
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    ::signal(SIGPIPE, SIG_IGN);
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    ::pthread_sigmask(SIG_BLOCK, &mask, nullptr);
}

EventLoop::~EventLoop() {
    if (signalFd_ >= 0) ::close(signalFd_);
}

bool EventLoop::stopOnSignals(std::initializer_list<int> signals, std::string& error) {
    sigset_t mask;
    sigemptyset(&mask);
    for (int s : signals) {
        ::signal(s, SIG_DFL);  // an ignored signal would never become pending
        sigaddset(&mask, s);
    }
    ::pthread_sigmask(SIG_BLOCK, &mask, nullptr);
    const int fd = ::signalfd(signalFd_, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
    if (fd < 0) {
        error = fmt::format("signalfd: {}", std::strerror(errno));
        return false;
    }
    signalFd_ = fd;
    return true;
}

int EventLoop::watch(int fd, short events, Handler ready) {
    watches_.push_back({fd, events, std::move(ready)});
    return static_cast<int>(watches_.size()) - 1;
}

void EventLoop::setFd(int id, int fd) {
    Watch& w = watches_.at(static_cast<size_t>(id));
    w.changed |= w.fd != fd;
    w.fd = fd;
}

void EventLoop::setEvents(int id, short events) {
    Watch& w = watches_.at(static_cast<size_t>(id));
    w.changed |= w.events != events;
    w.events = events;
}

EventLoop::End EventLoop::run() {
    std::vector<pollfd> fds;
    stopped_ = false;
    while (!stopped_) {
        const int timeout = prepare_ ? prepare_() : -1;
        fds.clear();
        fds.push_back({signalFd_, POLLIN, 0});  // fd -1: ignored by poll()
        for (auto& w : watches_) {
            w.changed = false;
            fds.push_back({w.fd, w.events, 0});
        }
        const int n = ::poll(fds.data(), fds.size(), timeout);
        if (n < 0 && errno != EINTR)
            return {End::Why::Error, 0, fmt::format("poll: {}", std::strerror(errno))};
        if (n > 0) {
            if (fds[0].revents & POLLIN) {
                signalfd_siginfo info{};
                if (::read(signalFd_, &info, sizeof(info)) == sizeof(info)) {
                    return {End::Why::Signal, static_cast<int>(info.ssi_signo), {}};
                }
            }
            for (size_t i = 0; i < watches_.size(); ++i) {
                const short revents = fds[i + 1].revents;
                if (revents == 0 || watches_[i].changed) continue;
                watches_[i].ready(revents);
            }
        }
        if (after_) after_();
    }
    return {};
}

}  // namespace hop::common
