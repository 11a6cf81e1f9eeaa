// SPDX-License-Identifier: Apache-2.0
// What the `hopsim serve` tests share: a board (a hopsim process on the Verilated model
// tests/stf prebuilds), a raw protocol client, and the fixture that starts and stops them.
#pragma once

#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "regmap/regmap.hpp"
#include "runtime/device/protocol.hpp"
#include "runtime/device/sim_device.hpp"
#include "runtime/tables/loader.hpp"
#include "runtime/tables/lpm_routes.hpp"
#include "runtime/tables/lpm_table.hpp"
#include "sim/hopsim/program.hpp"
#include "verilog/backend.hpp"

namespace hop::servetest {

namespace fs = std::filesystem;
namespace proto = hop::device::proto;
using namespace std::chrono_literals;

inline const std::string kSource = HOP_SOURCE_DIR;

inline std::string readText(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Runs a command with stdout and stderr to files; returns the exit code (-1: killed).
inline int runCommand(const std::vector<std::string>& args, const fs::path& out,
                      const fs::path& err) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(o, 1);
        ::dup2(e, 2);
        std::vector<char*> argv;
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A `hopsim serve` process.
class Board {
  public:
    Board(const std::string& program, const fs::path& dir)
        : dir_(dir), name_("serve" + std::to_string(count_++)) {
        socket_ = dir / "board.sock";
        pid_ = ::fork();
        if (pid_ == 0) {
            const int o =
                ::open((dir / (name_ + ".out")).c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            const int e =
                ::open((dir / (name_ + ".err")).c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            ::dup2(o, 1);
            ::dup2(e, 2);
            const std::string p4 = kSource + "/examples/" + program + ".p4";
            ::execl(HOP_HOPSIM, HOP_HOPSIM, "serve", p4.c_str(), "--socket", socket_.c_str(),
                    "--data-width", "64", "--rtl-cache", HOP_RTL_CACHE, nullptr);
            ::_exit(127);
        }
        // Ready when it says so (a cached model loads in well under a second; router.p4's init
        // walks take a few). Not the socket file: a stale one may be there already.
        const auto deadline = std::chrono::steady_clock::now() + 120s;
        while (std::chrono::steady_clock::now() < deadline) {
            if (out().find("; ready\n") != std::string::npos) {
                ready_ = true;
                return;
            }
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                return;
            }
            std::this_thread::sleep_for(20ms);
        }
    }
    ~Board() {
        if (pid_ > 0) stop(SIGKILL);
    }

    bool ready() const { return ready_; }
    pid_t pid() const { return pid_; }
    std::string spec() const { return "sim:" + socket_.string(); }
    const fs::path& socket() const { return socket_; }
    std::string out() const { return readText(dir_ / (name_ + ".out")); }
    std::string err() const { return readText(dir_ / (name_ + ".err")); }

    // Stops it with `sig`; the exit code (-1 when it had to be killed or died of a signal).
    int stop(int sig = SIGTERM) {
        if (pid_ <= 0) return -1;
        ::kill(pid_, sig);
        int status = 0;
        for (int i = 0; i < 1000; ++i) {  // 20 s
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            }
            std::this_thread::sleep_for(20ms);
        }
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
        return -1;
    }

    // utime + stime in clock ticks, from /proc/PID/stat.
    long cpuTicks() const {
        const std::string stat = readText(fs::path("/proc") / std::to_string(pid_) / "stat");
        // Fields after the command name (which may hold spaces) start after the last ')'.
        std::istringstream in(stat.substr(stat.rfind(')') + 2));
        std::string field;
        long utime = 0, stime = 0;
        for (int i = 3; i <= 15 && in >> field; ++i) {
            if (i == 14) utime = std::stol(field);
            if (i == 15) stime = std::stol(field);
        }
        return utime + stime;
    }

  private:
    static inline int count_ = 0;  // output files of each board of a test apart
    fs::path dir_;
    std::string name_;
    fs::path socket_;
    pid_t pid_ = -1;
    bool ready_ = false;
};

// Raw protocol messages, for what SimDevice never sends.
class RawClient {
  public:
    explicit RawClient(const fs::path& path) {
        fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
        connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    }
    ~RawClient() {
        if (fd_ >= 0) ::close(fd_);
    }
    bool connected() const { return connected_; }

    void sendRaw(const std::vector<uint8_t>& bytes) {
        ASSERT_EQ(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL),
                  static_cast<ssize_t>(bytes.size()));
    }
    static std::vector<uint8_t> header(uint32_t length, uint16_t type, uint16_t flags,
                                       uint32_t id) {
        std::vector<uint8_t> b;
        proto::putU32(b, length);
        b.push_back(static_cast<uint8_t>(type));
        b.push_back(static_cast<uint8_t>(type >> 8));
        b.push_back(static_cast<uint8_t>(flags));
        b.push_back(static_cast<uint8_t>(flags >> 8));
        proto::putU32(b, id);
        return b;
    }
    void send(uint16_t type, uint32_t id, const std::vector<uint8_t>& payload, uint16_t flags = 0) {
        auto b = header(static_cast<uint32_t>(payload.size()), type, flags, id);
        b.insert(b.end(), payload.begin(), payload.end());
        sendRaw(b);
    }
    void shutdownWrite() { ::shutdown(fd_, SHUT_WR); }

    // The next message, or nullopt after `timeout` or at the end of the stream (then eof()).
    std::optional<proto::Message> receive(std::chrono::milliseconds timeout = 10s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        proto::Message m;
        std::string error;
        for (;;) {
            if (decoder_.next(m, error) == proto::Decoder::Status::Message) return m;
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return std::nullopt;
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
            uint8_t buffer[4096];
            const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
            if (n <= 0) {
                eof_ = true;
                return std::nullopt;
            }
            decoder_.feed(buffer, static_cast<size_t>(n));
        }
    }
    bool eof() const { return eof_; }

  private:
    int fd_ = -1;
    bool connected_ = false;
    bool eof_ = false;
    proto::Decoder decoder_;
};

inline std::string text(const proto::Message& m) {
    return std::string(m.payload.begin(), m.payload.end());
}

inline std::vector<uint8_t> words(std::initializer_list<uint32_t> values) {
    std::vector<uint8_t> b;
    for (uint32_t v : values) proto::putU32(b, v);
    return b;
}

// The register map of examples/PROGRAM.p4 at DATA_W=64, as the board's model was built.
inline hop::regmap::RegMap regmapOf(const std::string& program) {
    std::ostringstream err;
    auto loaded = hop::hopsim::loadProgram(kSource + "/examples/" + program + ".p4", {}, err);
    EXPECT_TRUE(loaded) << err.str();
    if (!loaded) return {};
    hop::Diagnostics diags(loaded->source());
    auto gen = hop::verilog::generate(loaded->ir(), {.dataWidth = 64}, diags);
    EXPECT_TRUE(gen);
    return gen ? gen->regmap : hop::regmap::RegMap{};
}

class Serve : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("hop_serve_" +
                std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "_" +
                std::to_string(::getpid()));
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override {
        board_.reset();
        fs::remove_all(dir_);
    }

    // Starts a board; the test fails when it does not become ready.
    Board& start(const std::string& program = "basic") {
        board_ = std::make_unique<Board>(program, dir_);
        EXPECT_TRUE(board_->ready()) << board_->err();
        return *board_;
    }
    std::unique_ptr<hop::device::Device> open() {
        std::string error;
        auto device = hop::device::openDevice(board_->spec(), error);
        EXPECT_TRUE(device) << error;
        return device;
    }
    // Stops the board as a user would and checks the clean stop.
    void stopCleanly(int sig = SIGTERM) {
        EXPECT_EQ(board_->stop(sig), 0) << board_->err();
        EXPECT_FALSE(fs::exists(board_->socket()));
        EXPECT_NE(board_->out().find("clients: "), std::string::npos) << board_->out();
    }
    int hopsim(const std::vector<std::string>& args, std::string& out, std::string& err) {
        std::vector<std::string> all{HOP_HOPSIM};
        all.insert(all.end(), args.begin(), args.end());
        const int rc = runCommand(all, dir_ / "cmd.out", dir_ / "cmd.err");
        out = readText(dir_ / "cmd.out");
        err = readText(dir_ / "cmd.err");
        return rc;
    }
    fs::path write(const std::string& name, const std::string& content) {
        std::ofstream(dir_ / name) << content;
        return dir_ / name;
    }

    fs::path dir_;
    std::unique_ptr<Board> board_;
};

}  // namespace hop::servetest
