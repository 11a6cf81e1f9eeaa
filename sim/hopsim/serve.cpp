// SPDX-License-Identifier: Apache-2.0
#include "sim/hopsim/serve.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "runtime/device/identity.hpp"
#include "runtime/device/protocol.hpp"
#include "runtime/device/sim_device.hpp"
#include "runtime/tables/entry.hpp"
#include "runtime/tables/loader.hpp"
#include "sim/hopsim/run.hpp"

namespace hop::hopsim {

namespace proto = device::proto;
using Clock = std::chrono::steady_clock;

namespace {

// Scheduling: while frames stream, the pipeline is clocked in slices of kSlice cycles between
// polls of the file descriptors (0.2 to 1 ms of simulation); once the input is empty it is
// clocked kSettleSlice cycles at a time until its counters say it holds nothing, and never
// longer than kSettleLimit cycles (a pipeline that never settles is reported, not spun on).
constexpr uint64_t kSlice = 2048;
constexpr uint64_t kSettleSlice = 64;
constexpr uint64_t kSettleLimit = 20'000'000;
// Frames waiting at the pipeline's input beyond which the TAPs are not read (the kernel queues
// and then drops, as a NIC's ring would).
constexpr size_t kMaxQueuedFrames = 256;
// Frames waiting at the input beyond which the client's requests are not read (its frames for
// the CPU port wait in the socket; one read of 64 KiB adds at most about a thousand).
constexpr size_t kMaxClientQueue = 1024;
// Frames read from one TAP per loop iteration, so one busy port cannot starve the others.
constexpr int kTapBurst = 32;
// Bytes waiting to be sent to the client: above kReadPause requests are not read (the client
// must read its replies), above kPuntLimit punted frames are dropped and counted.
constexpr size_t kReadPause = 1 << 20;
constexpr size_t kPuntLimit = 4 << 20;

std::string errnoText() { return std::strerror(errno); }

struct PortStats {
    uint64_t rxPackets = 0, rxBytes = 0;  // into the pipeline
    uint64_t txPackets = 0, txBytes = 0;  // out of the pipeline
    uint64_t txErrors = 0;                // a TAP refused the frame (interface down, full)
};

struct Tap {
    uint32_t port = 0;
    std::string name;
    int fd = -1;
    bool gone = false;  // the interface was deleted (its namespace went away): not polled
};

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
// a live one or any other file is an error.
int listenAt(const std::string& path, std::string& error) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof(addr.sun_path)) {
        error = fmt::format("--socket: a socket path has 1 to {} characters",
                            sizeof(addr.sun_path) - 1);
        return -1;
    }
    std::memcpy(addr.sun_path, path.data(), path.size());
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            error = fmt::format("{} exists and is not a socket", path);
            return -1;
        }
        const int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const bool live =
            probe >= 0 && ::connect(probe, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
        if (probe >= 0) ::close(probe);
        if (live) {
            error = fmt::format("{}: another board is served there", path);
            return -1;
        }
        ::unlink(path.c_str());
    }
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        error = fmt::format("socket: {}", errnoText());
        return -1;
    }
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || ::listen(fd, 8) != 0) {
        error = fmt::format("cannot listen on {}: {}", path, errnoText());
        ::close(fd);
        return -1;
    }
    return fd;
}

class Board {
  public:
    Board(sim::rtl::RtlEngine& engine, const ServeOptions& options, std::ostream& out,
          std::ostream& err)
        : engine_(engine), options_(options), out_(out), err_(err), started_(Clock::now()) {}
    ~Board();

    bool start(std::string& error);
    int run();
    std::string statsText();
    nlohmann::json statsJson();

  private:
    struct Client {
        int fd = -1;
        proto::Decoder in;
        std::vector<uint8_t> out;  // encoded messages not yet sent
        size_t outStart = 0;
        size_t pending() const { return out.size() - outStart; }
    };

    void acceptClient();
    void readClient();
    void execute(const proto::Message& message);
    // Sends what it can without blocking; false when the client is gone.
    bool flushClient();
    // Sends what it can once, then closes (after an unrecoverable request or the end of input).
    void closeClient(const std::string& why);
    void readTap(Tap& tap);
    void detach(Tap& tap, const std::string& why);
    void advance();
    void dispatchOutputs();
    nlohmann::json helloInfo() const;
    PortStats& port(uint32_t p) { return ports_[p]; }
    const Tap* tapOf(uint32_t p) const {
        for (const auto& t : taps_)
            if (t.port == p) return &t;
        return nullptr;
    }

    sim::rtl::RtlEngine& engine_;
    const ServeOptions& options_;
    std::ostream& out_;
    std::ostream& err_;
    Clock::time_point started_;
    std::vector<Tap> taps_;
    int listenFd_ = -1;
    int signalFd_ = -1;
    Client client_;
    std::map<uint32_t, PortStats> ports_;
    bool inFlight_ = false;  // a frame went in since the pipeline was last seen empty
    uint64_t settleStart_ = 0;
    bool failed_ = false;  // the pipeline failed on the bus

    uint64_t unattached_ = 0, puntNoClient_ = 0, puntBacklog_ = 0, punted_ = 0, oversize_ = 0;
    // Frames to the CPU port by the reason field of their packet_in header ("" when none).
    std::map<std::string, uint64_t> puntReasons_;
    // Latency (first beat in to first beat out) of frames that were alone in the pipeline: sent
    // while it was quiet (RX = TX + DROPPED) and left before another one was sent. Frames that
    // overlap are not sampled: the pipeline does not say which one a dropped frame was.
    int sinceQuiet_ = 0;  // frames sent since the pipeline was last quiet
    uint64_t latSamples_ = 0, latSum_ = 0;
    int64_t latMin_ = -1, latMax_ = -1;
    // Called before a frame goes in. When frames went in before it, the counters say whether
    // the pipeline has emptied since (the event loop may not have looked yet).
    void sending() {
        if (inFlight_) {
            std::string error;
            auto quiet = engine_.quiet(error);
            if (quiet && *quiet) inFlight_ = false;
        }
        sinceQuiet_ = inFlight_ ? sinceQuiet_ + 1 : 1;
        inFlight_ = true;
    }
    uint64_t clients_ = 0, refused_ = 0, csrReads_ = 0, csrWrites_ = 0, requestErrors_ = 0;
    uint64_t writeLists_ = 0;
};

Board::~Board() {
    if (client_.fd >= 0) ::close(client_.fd);
    if (listenFd_ >= 0) {
        ::close(listenFd_);
        ::unlink(options_.socketPath.c_str());
    }
    if (signalFd_ >= 0) ::close(signalFd_);
    for (auto& t : taps_) ::close(t.fd);
}

sigset_t stopSignals() {
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    return mask;
}

bool Board::start(std::string& error) {
    blockStopSignals();  // again, in case the caller did not
    const sigset_t mask = stopSignals();
    if ((signalFd_ = ::signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) {
        error = fmt::format("signalfd: {}", errnoText());
        return false;
    }
    for (const auto& [p, name] : options_.taps) {
        const int fd = openTap(name, error);
        if (fd < 0) return false;
        taps_.push_back({p, name, fd});
        port(p);
    }
    // Last: the socket appears once the board is ready.
    listenFd_ = listenAt(options_.socketPath, error);
    return listenFd_ >= 0;
}

nlohmann::json Board::helloInfo() const {
    nlohmann::json ports = nlohmann::json::array();
    for (const auto& t : taps_) ports.push_back(t.port);
    return {{"program", engine_.program().name}, {"data_width", engine_.dataWidth()},
            {"cpu_port", engine_.cpuPort()},     {"ports", ports},
            {"csr_writes", csrWrites_},          {"write_list", proto::kMaxListPairs}};
}

void Board::acceptClient() {
    const int fd = ::accept4(listenFd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) return;  // the peer gave up already, or a transient error: nothing to do
    std::vector<uint8_t> bytes;
    // A client that closed just before this one connected may not have been read to its end
    // yet: finish it first (bounded: a live client keeps its slot).
    for (int i = 0; i < 16 && client_.fd >= 0; ++i) {
        pollfd p{client_.fd, POLLIN, 0};
        if (::poll(&p, 1, 0) <= 0 || client_.pending() >= kReadPause) break;
        readClient();
    }
    if (client_.fd >= 0) {
        ++refused_;
        proto::encodeText(bytes, proto::Type::Error, 0,
                          "the board already has a client (one at a time): try again later");
        (void)::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        ::close(fd);
        return;
    }
    ++clients_;
    client_ = Client{};
    client_.fd = fd;
    std::vector<uint8_t> hello;
    proto::putU32(hello, proto::kVersion);
    const std::string info = helloInfo().dump();
    hello.insert(hello.end(), info.begin(), info.end());
    proto::encode(client_.out, proto::Type::Hello, 0, hello);
    flushClient();
}

bool Board::flushClient() {
    while (client_.fd >= 0 && client_.pending() > 0) {
        const ssize_t n = ::send(client_.fd, client_.out.data() + client_.outStart,
                                 client_.pending(), MSG_NOSIGNAL);
        if (n > 0) {
            client_.outStart += static_cast<size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        // EPIPE, ECONNRESET: the client is gone; the board carries on.
        ::close(client_.fd);
        client_ = Client{};
        return false;
    }
    if (client_.outStart > 0 && client_.outStart == client_.out.size()) {
        client_.out.clear();
        client_.outStart = 0;
    }
    return client_.fd >= 0;
}

void Board::closeClient(const std::string& why) {
    if (client_.fd < 0) return;
    if (!why.empty()) proto::encodeText(client_.out, proto::Type::Error, 0, why);
    flushClient();
    if (client_.fd >= 0) ::close(client_.fd);
    client_ = Client{};
}

void Board::readClient() {
    uint8_t buffer[65536];
    const ssize_t n = ::recv(client_.fd, buffer, sizeof(buffer), 0);
    if (n < 0) {
        if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) return;
        closeClient({});
        return;
    }
    if (n == 0) {
        // End of the client's input; one that stopped in the middle of a message is told so
        // (it may still read, after shutdown(SHUT_WR)).
        const size_t partial = client_.in.pending();
        closeClient(partial ? fmt::format("truncated message: the connection ended {} bytes into "
                                          "a message",
                                          partial)
                            : std::string());
        return;
    }
    client_.in.feed(buffer, static_cast<size_t>(n));
    proto::Message message;
    std::string error;
    while (client_.fd >= 0) {
        switch (client_.in.next(message, error)) {
            case proto::Decoder::Status::NeedMore:
                return;
            case proto::Decoder::Status::Invalid:
                ++requestErrors_;
                proto::encodeText(client_.out, proto::Type::Error, message.id,
                                  error + "; closing the connection");
                closeClient({});
                return;
            case proto::Decoder::Status::Message:
                execute(message);
                break;
        }
    }
}

void Board::execute(const proto::Message& message) {
    std::string error;
    auto request = proto::parseRequest(message, error);
    auto& out = client_.out;
    auto fail = [&](const std::string& text) {
        ++requestErrors_;
        proto::encodeText(out, proto::Type::Error, message.id, text);
    };
    if (!request) return fail(error);
    const uint32_t id = request->id;
    std::vector<uint8_t> payload;
    switch (request->type) {
        case proto::Type::Read: {
            ++csrReads_;
            auto v = engine_.read(request->addr, error);
            if (!v) return fail(error);
            proto::putU32(payload, *v);
            proto::encode(out, proto::Type::Value, id, payload);
            return;
        }
        case proto::Type::Write:
            ++csrWrites_;
            if (!engine_.write(request->addr, request->value, error)) return fail(error);
            proto::encode(out, proto::Type::Ok, id, {});
            return;
        case proto::Type::WriteBurst:
            for (size_t i = 0; i < request->words.size(); ++i) {
                ++csrWrites_;
                const uint32_t addr = request->addr + static_cast<uint32_t>(4 * i);
                if (!engine_.write(addr, request->words[i], error)) {
                    return fail(fmt::format("word {} of the burst: {}", i, error));
                }
            }
            proto::encode(out, proto::Type::Ok, id, {});
            return;
        case proto::Type::WriteList: {
            // Back to back on the AXI4-Lite bus, as fast as its slave takes them; one reply.
            ++writeLists_;
            std::vector<std::pair<uint32_t, uint32_t>> pairs;
            pairs.reserve(request->words.size() / 2);
            for (size_t i = 0; i + 1 < request->words.size(); i += 2)
                pairs.emplace_back(request->words[i], request->words[i + 1]);
            size_t done = 0;
            const bool ok = engine_.writeList(pairs, done, error);
            csrWrites_ += done;
            if (!ok) {
                return fail(fmt::format("pair {} of the list ({} written before it): {}", done,
                                        done, error));
            }
            proto::encode(out, proto::Type::Ok, id, {});
            return;
        }
        case proto::Type::SendPacket: {
            const uint32_t cpu = engine_.cpuPort();
            if (cpu == 0) {
                return fail(fmt::format("{} has no CPU port (start hopsim serve with --cpu-port)",
                                        engine_.program().name));
            }
            auto& ps = port(cpu);
            ++ps.rxPackets;
            ps.rxBytes += request->frame.size();
            sending();
            engine_.send({cpu, std::move(request->frame)});
            proto::encode(out, proto::Type::Ok, id, {});
            return;
        }
        case proto::Type::Stats:
            if (request->format == proto::StatsFormat::Json) {
                proto::encodeText(out, proto::Type::Text, id, statsJson().dump(2));
            } else {
                proto::encodeText(out, proto::Type::Text, id, statsText());
            }
            return;
        default:
            return fail("not a request");
    }
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

    std::vector<pollfd> fds;
    for (;;) {
        const bool busy = engine_.streaming() || inFlight_;
        fds.clear();
        fds.push_back({signalFd_, POLLIN, 0});
        fds.push_back({listenFd_, POLLIN, 0});
        short clientEvents = 0;
        if (client_.fd >= 0) {
            // Requests wait while replies are not read or CPU frames queue up at the input.
            if (client_.pending() < kReadPause && engine_.queued() < kMaxClientQueue) {
                clientEvents |= POLLIN;
            }
            if (client_.pending() > 0) clientEvents |= POLLOUT;
        }
        fds.push_back({client_.fd, clientEvents, 0});  // fd -1: ignored by poll
        const bool tapRoom = engine_.queued() < kMaxQueuedFrames;
        for (const auto& t : taps_) {
            fds.push_back({t.gone ? -1 : t.fd, static_cast<short>(tapRoom ? POLLIN : 0), 0});
        }

        const int n = ::poll(fds.data(), fds.size(), busy ? 0 : -1);
        if (n < 0 && errno != EINTR) {
            err_ << "hopsim serve: error: poll: " << errnoText() << "\n";
            return 3;
        }
        if (n > 0) {
            if (fds[0].revents & POLLIN) {
                signalfd_siginfo info{};
                if (::read(signalFd_, &info, sizeof(info)) > 0) {
                    out_ << fmt::format("hopsim serve: {} received, stopping\n",
                                        strsignal(static_cast<int>(info.ssi_signo)));
                    break;
                }
            }
            // The client before new connections: one that just left frees the slot.
            if (client_.fd >= 0 && client_.fd == fds[2].fd) {
                const short ev = fds[2].revents;
                if (ev & POLLOUT) flushClient();
                if (client_.fd >= 0 && (ev & (POLLIN | POLLHUP | POLLERR))) readClient();
            }
            if (fds[1].revents & POLLIN) acceptClient();
            for (size_t i = 0; i < taps_.size(); ++i) {
                const short ev = fds[3 + i].revents;
                if (ev & POLLIN) readTap(taps_[i]);
                if ((ev & (POLLERR | POLLHUP | POLLNVAL)) && !taps_[i].gone)
                    detach(taps_[i], "hung up");
            }
        }
        advance();
        dispatchOutputs();
        if (client_.fd >= 0 && client_.pending() > 0) flushClient();
        if (failed_) break;
    }
    const std::string stats = statsText();
    out_ << stats << std::flush;
    return failed_ ? 3 : 0;
}

std::string Board::statsText() {
    const auto& st = engine_.stats();
    const double up = std::chrono::duration<double>(Clock::now() - started_).count();
    std::string text = fmt::format("{} (DATA_W={}), up {:.1f} s, {} cycles, {} frames in, {} out\n",
                                   engine_.program().name, engine_.dataWidth(), up, st.cycles,
                                   st.framesIn, st.framesOut);
    text += fmt::format("{:<16} {:>12} {:>14} {:>12} {:>14} {:>10}\n", "port", "rx packets",
                        "rx bytes", "tx packets", "tx bytes", "tx errors");
    for (const auto& [p, ps] : ports_) {
        std::string label = std::to_string(p);
        if (const Tap* t = tapOf(p)) {
            label += " (" + t->name + (t->gone ? ", gone)" : ")");
        } else if (engine_.cpuPort() != 0 && p == engine_.cpuPort()) {
            label += " (cpu)";
        } else {
            label += " (none)";
        }
        text += fmt::format("{:<16} {:>12} {:>14} {:>12} {:>14} {:>10}\n", label, ps.rxPackets,
                            ps.rxBytes, ps.txPackets, ps.txBytes, ps.txErrors);
    }
    const nlohmann::json pipeline = statsJson()["pipeline"];
    if (pipeline.contains("error")) {
        text += "pipeline counters: " + pipeline["error"].get<std::string>() + "\n";
    } else {
        text += fmt::format(
            "pipeline counters: {} frames in, {} out, {} dropped ({} by the program, {} too "
            "long)\n",
            pipeline["rx"].get<uint32_t>(), pipeline["tx"].get<uint32_t>(),
            pipeline["dropped"].get<uint32_t>(), pipeline["dropped_by_program"].get<uint32_t>(),
            pipeline["too_long"].get<uint32_t>());
    }
    if (!puntReasons_.empty()) {
        text += "punts by packet_in reason:";
        for (const auto& [reason, n] : puntReasons_)
            text += fmt::format(" {} x {}", n, reason.empty() ? "(no reason field)" : reason);
        text += "\n";
    }
    if (latSamples_)
        text += fmt::format(
            "latency (cycles, first beat in to first beat out, frames alone in the pipeline): "
            "min {}, mean {:.1f}, max {} over {} frames\n",
            latMin_, double(latSum_) / double(latSamples_), latMax_, latSamples_);
    if (st.firstIn >= 0 && st.lastOut >= st.firstIn)
        text += fmt::format(
            "packets per clock: {:.4f} (frames in over cycles from the first beat "
            "in to the last beat out)\n",
            double(st.framesIn) / double(st.lastOut - st.firstIn + 1));
    text += fmt::format(
        "not delivered: {} to unattached ports, {} punts with no client, {} punts while the "
        "client was not reading, {} oversize frames from TAPs\n",
        unattached_, puntNoClient_, puntBacklog_, oversize_);
    text += fmt::format(
        "clients: {} served, {} refused (busy), {} CSR reads, {} CSR writes ({} write lists), {} "
        "request errors\n",
        clients_, refused_, csrReads_, csrWrites_, writeLists_, requestErrors_);
    return text;
}

nlohmann::json Board::statsJson() {
    const auto& st = engine_.stats();
    nlohmann::json j;
    j["program"] = engine_.program().name;
    j["data_width"] = engine_.dataWidth();
    j["cpu_port"] = engine_.cpuPort();
    j["uptime_s"] = std::chrono::duration<double>(Clock::now() - started_).count();
    j["cycles"] = st.cycles;
    j["frames_in"] = st.framesIn;
    j["frames_out"] = st.framesOut;
    nlohmann::json ports = nlohmann::json::array();
    for (const auto& [p, ps] : ports_) {
        const Tap* t = tapOf(p);
        ports.push_back(
            {{"port", p},
             {"attached",
              t ? t->name : (engine_.cpuPort() != 0 && p == engine_.cpuPort() ? "cpu" : "")},
             {"rx_packets", ps.rxPackets},
             {"rx_bytes", ps.rxBytes},
             {"tx_packets", ps.txPackets},
             {"tx_bytes", ps.txBytes},
             {"tx_errors", ps.txErrors}});
    }
    j["ports"] = ports;
    nlohmann::json punts = nlohmann::json::object();
    for (const auto& [reason, n] : puntReasons_) punts[reason.empty() ? "none" : reason] = n;
    j["punts_by_reason"] = punts;
    if (latSamples_)
        j["latency_cycles"] = {{"min", latMin_},
                               {"mean", double(latSum_) / double(latSamples_)},
                               {"max", latMax_},
                               {"samples", latSamples_}};
    if (st.firstIn >= 0 && st.lastOut >= st.firstIn)
        j["packets_per_clock"] = double(st.framesIn) / double(st.lastOut - st.firstIn + 1);
    // The pipeline's own counters (32 bits, wrapping), read over its CSR bus now.
    const regmap::RegMap& map = engine_.built().regmap;
    std::string error;
    auto word = [&](regmap::PipelineWord w) {
        return engine_.read(map.pipelineBase + 4 * static_cast<uint32_t>(w), error);
    };
    auto rx = word(regmap::kWordRxPackets);
    auto tx = rx ? word(regmap::kWordTxPackets) : std::nullopt;
    auto dropped = tx ? word(regmap::kWordDropped) : std::nullopt;
    auto tooLong = dropped ? word(regmap::kWordTooLong) : std::nullopt;
    if (tooLong) {
        j["pipeline"] = {{"rx", *rx},
                         {"tx", *tx},
                         {"dropped", *dropped},
                         {"too_long", *tooLong},
                         {"dropped_by_program", static_cast<uint32_t>(*dropped - *tooLong)}};
    } else {
        j["pipeline"] = {{"error", error}};
    }
    j["undelivered"] = {{"unattached_port", unattached_},
                        {"punt_no_client", puntNoClient_},
                        {"punt_client_backlog", puntBacklog_},
                        {"tap_oversize", oversize_}};
    j["clients"] = {{"served", clients_},          {"refused", refused_},
                    {"csr_reads", csrReads_},      {"csr_writes", csrWrites_},
                    {"write_lists", writeLists_},  {"request_errors", requestErrors_},
                    {"connected", client_.fd >= 0}};
    return j;
}

}  // namespace

void blockStopSignals() {
    // Background jobs of a non-interactive shell start with SIGINT ignored: an ignored signal
    // never reaches a signalfd, so take the default disposition back first.
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    ::signal(SIGPIPE, SIG_IGN);
    const sigset_t mask = stopSignals();
    ::pthread_sigmask(SIG_BLOCK, &mask, nullptr);
}

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
    Board board(engine, options, out, err);
    std::string error;
    if (!board.start(error)) {
        err << "hopsim: error: " << error << "\n";
        return 3;
    }
    return board.run();
}

int loadTables(const program::Compiled& compiled, const LoadOptions& options, std::ostream& out,
               std::ostream& err) {
    std::string error;
    auto device = device::SimDevice::connect(options.socketPath, error);
    if (!device) {
        err << "hopsim: error: " << error << "\n";
        return 3;
    }
    const device::DeviceInfo& info = device->info();
    if (info.program != compiled.name()) {
        err << fmt::format("hopsim: error: {} runs {}, not {}\n", device->name(), info.program,
                           compiled.name());
        return 1;
    }
    if (options.dataWidth != 0 && options.dataWidth != info.dataWidth) {
        err << fmt::format("hopsim: error: {} runs {} at DATA_W={}, not {}\n", device->name(),
                           info.program, info.dataWidth, options.dataWidth);
        return 1;
    }
    if (info.csrWrites != 0) {
        err << fmt::format(
            "hopsim: error: {}: clients have written {} CSR words to this board already; hopsim "
            "load starts from the tables as the board set them up, so it only loads a board no "
            "client has written (restart hopsim serve, or put every command in one load)\n",
            device->name(), info.csrWrites);
        return 1;
    }
    // The compiled program at the board's DATA_W (a .p4, or a directory compiled at another
    // width, is compiled again in process), then the board's identity words against it.
    auto atWidth = program::atDataWidth(compiled, info.dataWidth, err);
    if (!atWidth) return 1;
    const regmap::RegMap& map = atWidth->regmap();
    const ir::Program& program = atWidth->tables();
    const auto check =
        device::checkIdentity(*device, map, atWidth->hash(), atWidth->origin(), error);
    if (check != device::IdentityCheck::Same) {
        err << "hopsim: error: " << error << "\n";
        return device::exitCode(check);
    }
    tables::PipelineLoader loader(program, map);
    if (!loader.ok()) {
        err << "hopsim: error: " << loader.error() << "\n";
        return 1;
    }

    const auto start = Clock::now();
    const bool progress = ::isatty(2);
    uint64_t commands = 0, words = 0, messages = 0;
    // One command's writes in order: one WRITE_LIST (consecutive addresses as bursts on a board
    // without it).
    auto writeAll = [&](const tables::CsrWrites& writes, std::string& why) {
        if (info.maxListPairs != 0) {
            std::vector<device::CsrWord> list;
            list.reserve(writes.size());
            for (const auto& w : writes) list.push_back({w.addr, w.value});
            messages += (list.size() + info.maxListPairs - 1) / info.maxListPairs;
            words += list.size();
            return device->writeList(list, why);
        }
        for (size_t i = 0; i < writes.size();) {
            size_t j = i + 1;
            while (j < writes.size() && writes[j].addr == writes[j - 1].addr + 4) ++j;
            ++messages;
            words += j - i;
            if (j - i == 1) {
                if (!device->write(writes[i].addr, writes[i].value, why)) return false;
            } else {
                std::vector<uint32_t> values;
                for (size_t k = i; k < j; ++k) values.push_back(writes[k].value);
                if (!device->writeBurst(writes[i].addr, values, why)) return false;
            }
            i = j;
        }
        return true;
    };
    auto apply = [&](const tables::Command& command, const std::string& where) {
        std::string why;
        auto writes = loader.apply(command, why);
        if (!writes) {
            err << where << ": error: " << why << "\n";
            return 1;
        }
        if (!writeAll(*writes, why)) {
            err << where << ": error: " << why << "\n";
            return 3;
        }
        ++commands;
        if (progress && commands % 1000 == 0) {
            err << fmt::format("\rhopsim load: {} commands", commands) << std::flush;
        }
        return 0;
    };

    for (const auto& path : options.files) {
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            err << path << ": error: cannot read the file\n";
            return 1;
        }
        if (std::filesystem::path(path).extension() == ".json") {
            std::ostringstream text;
            text << in.rdbuf();
            const auto doc = nlohmann::json::parse(text.str(), nullptr, false);
            if (doc.is_discarded()) {
                err << path << ": error: malformed JSON\n";
                return 1;
            }
            tables::ParseError parseError;
            auto list = tables::parseRuntimeJson(program, doc, path, parseError);
            if (!list) {
                err << parseError.str() << "\n";
                return 1;
            }
            for (size_t i = 0; i < list->size(); ++i) {
                if (int rc = apply((*list)[i], fmt::format("{}: table_entries[{}]", path, i))) {
                    return rc;
                }
            }
            continue;
        }
        std::string line;
        int lineNo = 0;
        while (std::getline(in, line)) {
            ++lineNo;
            if (!line.empty() && line.back() == '\r') line.pop_back();
            size_t first = 0;
            while (first < line.size() && std::isspace(static_cast<unsigned char>(line[first]))) {
                ++first;
            }
            if (first == line.size() || line[first] == '#') continue;
            const std::string text = line.substr(first);
            const tables::Origin origin{path, lineNo, static_cast<int>(first) + 1};
            tables::ParseError parseError;
            const bool stf = text.rfind("add ", 0) == 0 || text.rfind("setdefault ", 0) == 0;
            auto command = stf ? tables::parseStfTableCommand(program, text, origin, parseError)
                               : tables::parseBmv2Command(program, text, origin, parseError);
            if (!command) {
                if (parseError.message.empty()) continue;
                err << parseError.str() << "\n";
                return 1;
            }
            if (int rc = apply(*command, fmt::format("{}:{}:{}", path, lineNo, first + 1))) {
                return rc;
            }
        }
    }
    if (progress && commands >= 1000) err << "\n";
    const double s = std::chrono::duration<double>(Clock::now() - start).count();
    out << fmt::format(
        "hopsim load: {} commands into {} ({} at DATA_W={}): {} CSR words in {} requests, "
        "{:.2f} s\n",
        commands, device->name(), info.program, info.dataWidth, words, messages, s);
    return 0;
}

}  // namespace hop::hopsim
