// SPDX-License-Identifier: Apache-2.0
// `hopsim serve`: the board's event loop, its TAP interfaces and the pipeline's clock. The
// device socket's client is in serve_client.cpp, the statistics in serve_stats.cpp, `hopsim
// load` in serve_load.cpp.
#include <fcntl.h>
#include <fmt/format.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <set>

#include "sim/hopsim/run.hpp"
#include "sim/hopsim/serve_board.hpp"

namespace hop::hopsim {

namespace serving {

namespace {

std::string errnoText() { return std::strerror(errno); }

int openTap(const std::string& name, std::string& error) {
    const int fd = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        error = fmt::format("cannot open /dev/net/tun: {}", errnoText());
        return -1;
    }
    ifreq ifr{};
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    std::memcpy(ifr.ifr_name, name.data(), name.size());
    if (::ioctl(fd, TUNSETIFF, &ifr) != 0) {
        error = fmt::format("cannot attach TAP interface {}: {}", name, errnoText());
        ::close(fd);
        return -1;
    }
    // Up, so frames flow as soon as it exists (moving it into another namespace takes it down
    // again: whoever moves it brings it up there).
    const int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ifreq flags{};
    std::memcpy(flags.ifr_name, name.data(), name.size());
    if (s < 0 || ::ioctl(s, SIOCGIFFLAGS, &flags) != 0 ||
        (flags.ifr_flags |= IFF_UP, ::ioctl(s, SIOCSIFFLAGS, &flags) != 0)) {
        error = fmt::format("cannot bring TAP interface {} up: {}", name, errnoText());
        if (s >= 0) ::close(s);
        ::close(fd);
        return -1;
    }
    ::close(s);
    return fd;
}

// A listening unix socket at `path`. A stale socket file (nobody accepts on it) is replaced;

}  // namespace

Board::~Board() {
    if (client_.fd >= 0) ::close(client_.fd);
    for (auto& t : taps_) ::close(t.fd);
}

bool Board::start(std::string& error) {
    common::blockStopSignals();  // again, in case the caller did not
    if (!loop_.stopOnSignals({SIGINT, SIGTERM}, error)) return false;
    for (const auto& [p, name] : options_.taps) {
        const int fd = openTap(name, error);
        if (fd < 0) return false;
        taps_.push_back({p, name, fd});
        port(p);
    }
    // Last: the socket appears once the board is ready.
    common::UnixListener::Error listenError;
    listener_ = common::UnixListener::open(options_.socketPath, {}, listenError);
    if (listener_) return true;
    using Failure = common::UnixListener::Failure;
    switch (listenError.kind) {
        case Failure::BadPath:
            error = fmt::format("--socket: a socket path has 1 to {} characters",
                                common::UnixListener::kMaxPathBytes);
            break;
        case Failure::InUse:
            error = fmt::format("{}: another board is served there", options_.socketPath);
            break;
        default:
            error = listenError.message;
    }
    return false;
}

void Board::readTap(Tap& tap) {
    std::vector<uint8_t> buffer(65536);
    for (int i = 0; i < kTapBurst && engine_.queued() < kMaxQueuedFrames; ++i) {
        const ssize_t n = ::read(tap.fd, buffer.data(), buffer.size());
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            detach(tap, errnoText());
        }
        if (n <= 0) return;
        if (static_cast<size_t>(n) > proto::kMaxFrameBytes) {
            ++oversize_;
            continue;
        }
        auto& ps = port(tap.port);
        ++ps.rxPackets;
        ps.rxBytes += static_cast<uint64_t>(n);
        sending();
        engine_.send({tap.port, std::vector<uint8_t>(buffer.begin(), buffer.begin() + n)});
    }
}

void Board::detach(Tap& tap, const std::string& why) {
    // Its namespace was deleted, or someone deleted it: frames to its port count as sent to an
    // unattached port from now on.
    tap.gone = true;
    err_ << fmt::format("hopsim serve: warning: TAP interface {} (port {}) is gone ({})\n",
                        tap.name, tap.port, why);
}

void Board::advance() {
    if (engine_.streaming()) {
        // Until the frames are in (then the counters decide), at most one slice.
        for (uint64_t n = 0; n < kSlice && engine_.streaming(); n += 16) engine_.run(16);
        settleStart_ = engine_.stats().cycles;
        return;
    }
    if (!inFlight_) return;
    std::string error;
    auto quiet = engine_.quiet(error);
    if (!quiet) {
        err_ << "hopsim serve: error: " << error << "\n";
        failed_ = true;
        inFlight_ = false;
        return;
    }
    if (*quiet) {
        inFlight_ = false;
        return;
    }
    engine_.run(kSettleSlice);
    if (engine_.stats().cycles - settleStart_ > kSettleLimit) {
        err_ << fmt::format(
            "hopsim serve: warning: the pipeline still holds frames {} cycles after the last "
            "one went in (its RX/TX/DROPPED counters disagree); no longer waiting for them\n",
            kSettleLimit);
        inFlight_ = false;
    }
}

void Board::dispatchOutputs() {
    const uint32_t cpu = engine_.cpuPort();
    std::vector<int64_t> firstCycles;
    auto outputs = engine_.takeOutputs(&firstCycles);
    for (size_t i = 0; i < outputs.size(); ++i) {
        auto& packet = outputs[i];
        if (sinceQuiet_ == 1 && outputs.size() == 1 && engine_.lastInFirstCycle() >= 0 &&
            firstCycles[i] >= engine_.lastInFirstCycle()) {
            const int64_t l = firstCycles[i] - engine_.lastInFirstCycle();
            ++latSamples_;
            latSum_ += static_cast<uint64_t>(l);
            latMin_ = latMin_ < 0 ? l : std::min(latMin_, l);
            latMax_ = std::max(latMax_, l);
            sinceQuiet_ = 2;  // one output per frame: the next output is not this frame's
        }
        auto& ps = port(packet.port);
        ++ps.txPackets;
        ps.txBytes += packet.bytes.size();
        if (cpu != 0 && packet.port == cpu) {
            ++puntReasons_[puntReason(engine_.program(), packet.bytes)];
            if (client_.fd < 0) {
                ++puntNoClient_;
            } else if (client_.pending() > kPuntLimit) {
                ++puntBacklog_;
            } else {
                proto::encode(client_.out, proto::Type::Packet, static_cast<uint32_t>(++punted_),
                              packet.bytes);
            }
            continue;
        }
        const Tap* tap = tapOf(packet.port);
        if (!tap || tap->gone) {
            ++unattached_;
            continue;
        }
        if (::write(tap->fd, packet.bytes.data(), packet.bytes.size()) !=
            static_cast<ssize_t>(packet.bytes.size())) {
            ++ps.txErrors;
        }
    }
}

int Board::run() {
    out_ << fmt::format("hopsim serve: {} (DATA_W={}) on sim:{}", engine_.program().name,
                        engine_.dataWidth(), options_.socketPath);
    for (const auto& t : taps_) out_ << fmt::format(", port {} = {}", t.port, t.name);
    if (engine_.cpuPort()) out_ << fmt::format(", CPU port {}", engine_.cpuPort());
    out_ << "; ready" << std::endl;

    // The client before new connections: one that just left frees the slot.
    const int clientWatch = loop_.watch(-1, 0, [this](short ev) {
        if (client_.fd < 0) return;
        if (ev & POLLOUT) flushClient();
        if (client_.fd >= 0 && (ev & (POLLIN | POLLHUP | POLLERR))) readClient();
    });
    loop_.watch(listener_->fd(), POLLIN, [this](short ev) {
        if (ev & POLLIN) acceptClient();
    });
    std::vector<int> tapWatches;
    for (size_t i = 0; i < taps_.size(); ++i) {
        tapWatches.push_back(loop_.watch(-1, 0, [this, i](short ev) {
            if (ev & POLLIN) readTap(taps_[i]);
            if ((ev & (POLLERR | POLLHUP | POLLNVAL)) && !taps_[i].gone)
                detach(taps_[i], "hung up");
        }));
    }
    loop_.beforePoll([&] {
        short clientEvents = 0;
        if (client_.fd >= 0) {
            // Requests wait while replies are not read or CPU frames queue up at the input.
            if (client_.pending() < kReadPause && engine_.queued() < kMaxClientQueue) {
                clientEvents |= POLLIN;
            }
            if (client_.pending() > 0) clientEvents |= POLLOUT;
        }
        loop_.setFd(clientWatch, client_.fd);
        loop_.setEvents(clientWatch, clientEvents);
        const bool tapRoom = engine_.queued() < kMaxQueuedFrames;
        for (size_t i = 0; i < taps_.size(); ++i) {
            loop_.setFd(tapWatches[i], taps_[i].gone ? -1 : taps_[i].fd);
            loop_.setEvents(tapWatches[i], static_cast<short>(tapRoom ? POLLIN : 0));
        }
        return engine_.streaming() || inFlight_ ? 0 : -1;
    });
    loop_.afterPoll([this] {
        advance();
        dispatchOutputs();
        if (client_.fd >= 0 && client_.pending() > 0) flushClient();
        if (failed_) loop_.stop();
    });

    const common::EventLoop::End end = loop_.run();
    if (end.why == common::EventLoop::End::Why::Error) {
        err_ << "hopsim serve: error: " << end.error << "\n";
        return 3;
    }
    if (end.why == common::EventLoop::End::Why::Signal) {
        out_ << fmt::format("hopsim serve: {} received, stopping\n", strsignal(end.signal));
    }
    const std::string stats = statsText();
    out_ << stats << std::flush;
    return failed_ ? 3 : 0;
}

}  // namespace serving

bool parsePortTap(const std::string& text, std::pair<uint32_t, std::string>& result,
                  std::string& error) {
    const size_t eq = text.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) {
        error = fmt::format("'{}' is not PORT=IFNAME", text);
        return false;
    }
    const std::string port = text.substr(0, eq);
    const std::string name = text.substr(eq + 1);
    if (!std::all_of(port.begin(), port.end(), [](char c) { return std::isdigit(c); }) ||
        port.size() > 4 || std::stoul(port) >= sim::kDropPort) {
        error = fmt::format("'{}' is not a port number (0..{})", port, sim::kDropPort - 1);
        return false;
    }
    if (name.size() >= IFNAMSIZ || name == "." || name == ".." ||
        std::any_of(name.begin(), name.end(), [](char c) {
            return c == '/' || c == ':' || std::isspace(static_cast<unsigned char>(c));
        })) {
        error = fmt::format(
            "'{}' is not an interface name (1 to {} characters, no '/', ':' or "
            "spaces)",
            name, IFNAMSIZ - 1);
        return false;
    }
    result = {static_cast<uint32_t>(std::stoul(port)), name};
    return true;
}

int serve(sim::rtl::RtlEngine& engine, const ServeOptions& options, std::ostream& out,
          std::ostream& err) {
    std::set<uint32_t> seenPorts;
    std::set<std::string> seenNames;
    for (const auto& [p, name] : options.taps) {
        if (!seenPorts.insert(p).second || !seenNames.insert(name).second) {
            err << fmt::format(
                "hopsim: error: --tap {}={}: port and interface must each be "
                "attached once\n",
                p, name);
            return 2;
        }
        if (engine.cpuPort() != 0 && p == engine.cpuPort()) {
            err << fmt::format(
                "hopsim: error: --tap {}={}: port {} is the CPU port (its frames "
                "go to the socket's client)\n",
                p, name, p);
            return 2;
        }
    }
    serving::Board board(engine, options, out, err);
    std::string error;
    if (!board.start(error)) {
        err << "hopsim: error: " << error << "\n";
        return 3;
    }
    return board.run();
}

}  // namespace hop::hopsim
