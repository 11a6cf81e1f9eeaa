// SPDX-License-Identifier: Apache-2.0
// `hopsim serve` without TAPs, through the device socket: runtime/device's SimDevice and raw
// protocol messages (malformed, truncated, oversize), clients in a row, a killed client, the CPU
// port of router.p4, `hopsim load`, an idle board's CPU use and a clean stop. Each test starts
// its own board (a hopsim process) on the Verilated model tests/stf prebuilds (DATA_W=64).
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

namespace {

namespace fs = std::filesystem;
namespace proto = hop::device::proto;
using namespace std::chrono_literals;

const std::string kSource = HOP_SOURCE_DIR;

std::string readText(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Runs a command with stdout and stderr to files; returns the exit code (-1: killed).
int runCommand(const std::vector<std::string>& args, const fs::path& out, const fs::path& err) {
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

std::string text(const proto::Message& m) {
    return std::string(m.payload.begin(), m.payload.end());
}

std::vector<uint8_t> words(std::initializer_list<uint32_t> values) {
    std::vector<uint8_t> b;
    for (uint32_t v : values) proto::putU32(b, v);
    return b;
}

// The register map of examples/PROGRAM.p4 at DATA_W=64, as the board's model was built.
hop::regmap::RegMap regmapOf(const std::string& program) {
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

TEST_F(Serve, ReadsThePipelineRegistersOfTheRegisterMap) {
    Board& board = start();
    ASSERT_TRUE(board.ready());
    const auto map = regmapOf("basic");
    auto device = open();
    ASSERT_TRUE(device);
    EXPECT_EQ(device->info().program, "basic");
    EXPECT_EQ(device->info().dataWidth, 64);
    EXPECT_EQ(device->info().cpuPort, 0u);  // basic.p4 has no CPU port
    std::string error;
    EXPECT_EQ(device->read(map.pipelineBase + 4 * hop::regmap::kWordId, error),
              hop::regmap::kPipelineId)
        << error;
    EXPECT_EQ(device->read(map.pipelineBase + 4 * hop::regmap::kWordDataWidth, error), 64u);
    EXPECT_EQ(device->read(map.pipelineBase + 4 * hop::regmap::kWordRxPackets, error), 0u);
    // No CPU port: a frame for it is refused with a reason.
    const std::vector<uint8_t> frame(60, 0xab);
    EXPECT_FALSE(device->sendPacket(frame, error));
    EXPECT_NE(error.find("no CPU port"), std::string::npos) << error;
    device.reset();
    stopCleanly();
}

TEST_F(Serve, WritesReadBackAndBursts) {
    Board& board = start();
    ASSERT_TRUE(board.ready());
    const auto map = regmapOf("basic");
    const auto* lpm = map.find("MyIngress.ipv4_lpm");
    ASSERT_TRUE(lpm);
    // hop_table_lpm's STAGE words (0x100 + 4 i) are read-write and only take effect on COMMIT.
    const uint32_t stage = lpm->base + 0x100;
    auto device = open();
    ASSERT_TRUE(device);
    std::string error;
    ASSERT_TRUE(device->write(stage, 0x12345678, error)) << error;
    EXPECT_EQ(device->read(stage, error), 0x12345678u) << error;
    const std::vector<uint32_t> values{0xdeadbeef, 0x00c0ffee};
    ASSERT_TRUE(device->writeBurst(stage, values, error)) << error;
    EXPECT_EQ(device->read(stage, error), 0xdeadbeefu);
    EXPECT_EQ(device->read(stage + 4, error), 0x00c0ffeeu);
    // The board counts what clients wrote: 3 words.
    auto stats = device->stats(proto::StatsFormat::Json, error);
    ASSERT_TRUE(stats) << error;
    const auto j = nlohmann::json::parse(*stats);
    EXPECT_EQ(j["clients"]["csr_writes"], 3);
    EXPECT_EQ(j["pipeline"]["rx"], 0);
    EXPECT_EQ(j["program"], "basic");
    auto plain = device->stats(proto::StatsFormat::Text, error);
    ASSERT_TRUE(plain) << error;
    EXPECT_NE(plain->find("pipeline counters: 0 frames in"), std::string::npos) << *plain;
    device.reset();
    stopCleanly();
}

TEST_F(Serve, MalformedRequestsGetErrorsAndTheBoardKeepsAnswering) {
    Board& board = start();
    ASSERT_TRUE(board.ready());
    RawClient c(board.socket());
    ASSERT_TRUE(c.connected());
    auto hello = c.receive();
    ASSERT_TRUE(hello);
    EXPECT_EQ(hello->type, static_cast<uint16_t>(proto::Type::Hello));

    auto expectError = [&](uint32_t id, const std::string& part) {
        auto m = c.receive();
        ASSERT_TRUE(m) << "no reply to request " << id;
        EXPECT_EQ(m->type, static_cast<uint16_t>(proto::Type::Error)) << text(*m);
        EXPECT_EQ(m->id, id);
        EXPECT_NE(text(*m).find(part), std::string::npos) << text(*m);
    };
    c.send(0x42, 1, {});
    expectError(1, "type 0x0042 is not a request");
    c.send(static_cast<uint16_t>(proto::Type::Read), 2, {1, 2, 3});
    expectError(2, "READ needs a payload of 4 bytes, got 3");
    c.send(static_cast<uint16_t>(proto::Type::Read), 3, words({2}));
    expectError(3, "not a multiple of 4");
    c.send(static_cast<uint16_t>(proto::Type::Read), 4, words({0}), /*flags=*/1);
    expectError(4, "flags must be 0");
    c.send(static_cast<uint16_t>(proto::Type::Write), 5, words({0}));
    expectError(5, "WRITE needs a payload of 8 bytes");
    std::vector<uint8_t> burst = words({0x100});
    burst.resize(4 + 4 * (proto::kMaxBurstWords + 1));
    c.send(static_cast<uint16_t>(proto::Type::WriteBurst), 6, burst);
    expectError(6, "the limit is 4096");
    c.send(static_cast<uint16_t>(proto::Type::WriteBurst), 7, words({0x100}));
    expectError(7, "WRITE_BURST needs an address and 1 to 4096 words");
    c.send(static_cast<uint16_t>(proto::Type::SendPacket), 8,
           std::vector<uint8_t>(proto::kMaxFrameBytes + 1));
    expectError(8, "SEND_PACKET needs a frame of 1 to 16384 bytes");
    c.send(static_cast<uint16_t>(proto::Type::Ok), 9, {});
    expectError(9, "OK is not a request");
    // Still answering on the same connection.
    c.send(static_cast<uint16_t>(proto::Type::Read), 10, words({4 * hop::regmap::kWordId}));
    auto value = c.receive();
    ASSERT_TRUE(value);
    EXPECT_EQ(value->type, static_cast<uint16_t>(proto::Type::Value));
    EXPECT_EQ(value->id, 10u);
    EXPECT_EQ(proto::getU32(value->payload.data()), hop::regmap::kPipelineId);
    // A length no message may have: an error, then the board closes the connection.
    c.sendRaw(RawClient::header(1u << 30, static_cast<uint16_t>(proto::Type::Read), 0, 11));
    expectError(11, "the limit is 65536 bytes");
    EXPECT_FALSE(c.receive(5s));
    EXPECT_TRUE(c.eof());

    // The board still serves the next client.
    auto device = open();
    ASSERT_TRUE(device);
    std::string error;
    EXPECT_EQ(device->read(4 * hop::regmap::kWordId, error), hop::regmap::kPipelineId) << error;
    device.reset();
    stopCleanly();
}

// WRITE_LIST: (address, value) pairs in one message, one reply. 5,000 words go into
// hop_table_lpm's result memory (STAGE then COMMIT: 10,000 writes in two lists, both in flight)
// and read back through READ / RDATA; the board counts every write and clocks the bus for each
// (a list that skipped the AXI4-Lite bus would not take 2 cycles a write), back to back.
TEST_F(Serve, WriteListsRunOnTheBusAndReadBack) {
    Board& board = start();
    ASSERT_TRUE(board.ready());
    const auto map = regmapOf("basic");
    const auto* lpm = map.find("MyIngress.ipv4_lpm");
    ASSERT_TRUE(lpm);
    ASSERT_EQ(lpm->kind, hop::regmap::TableKind::Lpm);
    const uint32_t stage = lpm->base + 0x100, commit = lpm->base + 0x008;
    const uint32_t read = lpm->base + 0x00c, rdata = lpm->base + 0x200;
    const uint32_t sel = static_cast<uint32_t>(lpm->lpm.strides.size());  // the result memory
    const uint32_t n = std::min<uint32_t>(5000, lpm->lpm.resultCapacity);
    const uint32_t mask = (1u << lpm->lpm.resultWidth) - 1;
    auto device = open();
    ASSERT_TRUE(device);
    EXPECT_EQ(device->info().maxListPairs, proto::kMaxListPairs);
    std::string error;
    auto stats = [&]() {
        auto text = device->stats(proto::StatsFormat::Json, error);
        EXPECT_TRUE(text) << error;
        return text ? nlohmann::json::parse(*text) : nlohmann::json{};
    };
    const auto before = stats();
    std::vector<hop::device::CsrWord> list;
    auto value = [&](uint32_t a) { return (a * 2654435761u) & mask; };
    for (uint32_t a = 0; a < n; ++a) {
        list.push_back({stage, value(a)});
        list.push_back({commit, (sel << 24) | a});
    }
    ASSERT_TRUE(device->writeList(list, error)) << error;
    const auto after = stats();
    EXPECT_EQ(after["clients"]["csr_writes"].get<uint64_t>() -
                  before["clients"]["csr_writes"].get<uint64_t>(),
              list.size());
    EXPECT_EQ(after["clients"]["write_lists"].get<uint64_t>() -
                  before["clients"]["write_lists"].get<uint64_t>(),
              (list.size() + proto::kMaxListPairs - 1) / proto::kMaxListPairs);
    // The statistics' own reads of the pipeline counters take a few cycles too.
    const uint64_t cycles = after["cycles"].get<uint64_t>() - before["cycles"].get<uint64_t>();
    EXPECT_GE(cycles, 2 * list.size());
    EXPECT_LE(cycles, 2 * list.size() + 200);
    std::printf("WRITE_LIST: %zu writes in %llu cycles\n", list.size(),
                static_cast<unsigned long long>(cycles));
    for (uint32_t a = 0; a < n; a += 97) {
        ASSERT_TRUE(device->write(read, (sel << 24) | a, error)) << error;
        EXPECT_EQ(device->read(rdata, error), value(a)) << "result word " << a << ": " << error;
    }
    // A list longer than the transport's messages, on a device without lists (the default
    // Device::writeList, one WRITE at a time) gives the same words.
    list.clear();
    for (uint32_t a = 0; a < 8; ++a) {
        list.push_back({stage, value(a) ^ mask});
        list.push_back({commit, (sel << 24) | a});
    }
    ASSERT_TRUE(device->Device::writeList(list, error)) << error;
    for (uint32_t a = 0; a < 8; ++a) {
        ASSERT_TRUE(device->write(read, (sel << 24) | a, error)) << error;
        EXPECT_EQ(device->read(rdata, error), value(a) ^ mask) << error;
    }
    device.reset();
    stopCleanly();
}

TEST_F(Serve, MalformedWriteListsGetErrorsAndTheBoardKeepsAnswering) {
    Board& board = start();
    ASSERT_TRUE(board.ready());
    const auto map = regmapOf("basic");
    const auto* lpm = map.find("MyIngress.ipv4_lpm");
    ASSERT_TRUE(lpm);
    const uint32_t stage = lpm->base + 0x100;
    {
        RawClient c(board.socket());
        ASSERT_TRUE(c.connected());
        auto hello = c.receive();
        ASSERT_TRUE(hello);
        const auto info = nlohmann::json::parse(hello->payload.begin() + 4, hello->payload.end());
        EXPECT_EQ(info["write_list"], proto::kMaxListPairs);
        auto expectError = [&](uint32_t id, const std::string& part) {
            auto m = c.receive();
            ASSERT_TRUE(m) << "no reply to request " << id;
            EXPECT_EQ(m->type, static_cast<uint16_t>(proto::Type::Error)) << text(*m);
            EXPECT_EQ(m->id, id);
            EXPECT_NE(text(*m).find(part), std::string::npos) << text(*m);
        };
        auto expectOk = [&](uint32_t id) {
            auto m = c.receive();
            ASSERT_TRUE(m);
            EXPECT_EQ(m->type, static_cast<uint16_t>(proto::Type::Ok)) << text(*m);
            EXPECT_EQ(m->id, id);
        };
        auto expectValue = [&](uint32_t id, uint32_t value) {
            auto m = c.receive();
            ASSERT_TRUE(m);
            ASSERT_EQ(m->type, static_cast<uint16_t>(proto::Type::Value)) << text(*m);
            EXPECT_EQ(m->id, id);
            EXPECT_EQ(proto::getU32(m->payload.data()), value);
        };
        const auto list = static_cast<uint16_t>(proto::Type::WriteList);
        c.send(list, 1, {});
        expectError(1, "WRITE_LIST needs 1 to 8192 (address, value) pairs");
        c.send(list, 2, words({stage, 1, stage}));
        expectError(2, "(a multiple of 8 bytes), got 12 bytes");
        c.send(list, 3, words({stage, 0x11111111}), /*flags=*/2);
        expectError(3, "flags must be 0");
        // An unaligned address anywhere: nothing of the list is written.
        c.send(list, 4, words({stage, 0x22222222, stage + 4, 0x33333333, stage + 2, 0}));
        expectError(4, "address 0x" + fmt::format("{:x}", stage + 2) + " of pair 2");
        c.send(static_cast<uint16_t>(proto::Type::Read), 5, words({stage}));
        expectValue(5, 0);
        // Good lists on the same connection; the last write to a word wins.
        c.send(list, 6, words({stage, 0x44444444, stage + 4, 0x55555555, stage, 0x66666666}));
        expectOk(6);
        c.send(static_cast<uint16_t>(proto::Type::Read), 7, words({stage}));
        expectValue(7, 0x66666666);
        c.send(static_cast<uint16_t>(proto::Type::Read), 8, words({stage + 4}));
        expectValue(8, 0x55555555);
        // A list cut short: the connection ends in the middle of it.
        c.sendRaw(RawClient::header(16, list, 0, 9));
        c.sendRaw(words({stage, 0x77777777}));
        c.shutdownWrite();
        expectError(0, "truncated message: the connection ended 20 bytes into a message");
        EXPECT_FALSE(c.receive(5s));
        EXPECT_TRUE(c.eof());
    }
    // The board serves the next client, and the cut list wrote nothing.
    auto device = open();
    ASSERT_TRUE(device);
    std::string error;
    EXPECT_EQ(device->read(stage, error), 0x66666666u) << error;
    EXPECT_EQ(device->read(4 * hop::regmap::kWordId, error), hop::regmap::kPipelineId) << error;
    device.reset();
    stopCleanly();
}

// router.p4's ipv4_lpm (hop_table_lpm) loaded in one bulk update: 20,000 real prefixes (every
// 45th of the 2023 table) through PipelineLoader::addMany, written with WRITE_LISTs. Lookups on
// sampled addresses, walked over the words READ / RDATA fetch from the board, equal a software
// reference LPM (so the writes did reach the memories); then one add and one delete write a
// handful of words and the board's walk sees them.
TEST_F(Serve, RouterLpmBulkLoadResolvesAsAReference) {
    Board& board = start("router");
    ASSERT_TRUE(board.ready());
    std::ostringstream err;
    auto loaded = hop::hopsim::loadProgram(kSource + "/examples/router.p4", {}, err);
    ASSERT_TRUE(loaded) << err.str();
    const hop::ir::Program& program = loaded->ir();
    const auto map = regmapOf("router");
    hop::tables::PipelineLoader loader(program, map);
    ASSERT_TRUE(loader.ok()) << loader.error();
    const hop::ir::TableId t = program.findTable("RouterIngress.ipv4_lpm");
    const hop::ir::ActionId setNexthop = program.findAction("RouterIngress.set_nexthop");
    const auto* blk = map.find("RouterIngress.ipv4_lpm");
    ASSERT_TRUE(blk);
    ASSERT_EQ(blk->kind, hop::regmap::TableKind::Lpm);

    std::string error;
    auto all =
        hop::tables::readPrefixFile(HOP_SHARED_DATA "/tier1-full-table-2023.txt.gz", 4, error);
    ASSERT_TRUE(error.empty()) << error;
    std::vector<hop::tables::Entry> entries;
    std::vector<std::unordered_map<uint32_t, uint32_t>> ref(33);
    auto entryOf = [&](uint32_t value, int length, uint32_t nh) {
        hop::tables::Entry e;
        e.table = t;
        hop::ir::Match m;
        m.kind = hop::ir::Match::Kind::Lpm;
        m.prefixLen = length;
        m.mask = length == 0 ? 0 : (~uint64_t{0} << (32 - length)) & 0xffffffffu;
        m.value = value;
        e.keys.push_back(m);
        e.action.action = setNexthop;
        e.action.args.push_back(nh);
        return e;
    };
    for (size_t i = 0; i < all.size(); i += 45) {
        const auto v = static_cast<uint32_t>(all[i].value);
        const uint32_t nh = static_cast<uint32_t>((v * 2654435761u + all[i].length) % 4000 + 1);
        ref[all[i].length][v] = nh;
        entries.push_back(entryOf(v, all[i].length, nh));
    }
    ASSERT_GE(entries.size(), 20000u);
    auto lookup = [&](uint32_t a) -> std::optional<uint32_t> {
        for (int len = 32; len >= 0; --len) {
            auto it = ref[len].find(len == 0 ? 0 : a & (~uint32_t{0} << (32 - len)));
            if (it != ref[len].end()) return it->second;
        }
        return std::nullopt;
    };

    auto device = open();
    ASSERT_TRUE(device);
    auto writeAll = [&](const hop::tables::CsrWrites& writes) {
        std::vector<hop::device::CsrWord> list;
        for (const auto& w : writes) list.push_back({w.addr, w.value});
        return device->writeList(list, error);
    };
    const auto t0 = std::chrono::steady_clock::now();
    auto writes = loader.addMany(t, entries, error);
    ASSERT_TRUE(writes) << error;
    ASSERT_TRUE(writeAll(*writes)) << error;
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const hop::tables::Lpm& image = loader.lpmTable(t)->image();
    std::printf("%zu prefixes: %zu CSR writes in %.2f s, %llu bytes of node memory\n",
                entries.size(), writes->size(), s,
                static_cast<unsigned long long>(image.usedBytes()));

    // The hardware's walk, over words read back from the board.
    uint64_t fetched = 0;
    const hop::tables::Lpm::WordSource board_words = [&](int mem, uint32_t addr) {
        std::vector<uint32_t> chunks;
        ++fetched;
        if (!device->write(blk->base + 0x00c, (static_cast<uint32_t>(mem) << 24) | addr, error))
            return chunks;
        for (int i = 0; i < (image.wordBits(mem) + 31) / 32; ++i)
            chunks.push_back(device->read(blk->base + 0x200 + 4 * i, error).value_or(0xdeadbeef));
        return chunks;
    };
    std::mt19937 rng(45);
    auto check = [&](uint32_t a) {
        const auto want = lookup(a);
        const auto got = image.lookupIn(a, board_words);
        ASSERT_TRUE(error.empty()) << error;
        ASSERT_EQ(got.has_value(), want.has_value()) << std::hex << "address 0x" << a;
        if (want) {
            EXPECT_EQ(*got & 0xffff, *want) << std::hex << "address 0x" << a;
        }
    };
    for (int i = 0; i < 300; ++i) {
        const auto& e = entries[rng() % entries.size()];
        const uint32_t v = static_cast<uint32_t>(e.keys[0].value);
        const int len = e.keys[0].prefixLen;
        const uint32_t host = len == 32 ? 0 : (rng() & (0xffffffffu >> len));
        check(i % 3 == 0 ? static_cast<uint32_t>(rng()) : v | host);
        if (::testing::Test::HasFatalFailure()) return;
    }
    EXPECT_GT(fetched, 300u);

    // One add, one delete: incremental, a handful of words.
    hop::tables::Command add;
    add.entry = entryOf(0xcb007100, 24, 77);
    auto one = loader.apply(add, error);
    ASSERT_TRUE(one) << error;
    EXPECT_LT(one->size(), 40u);
    ASSERT_TRUE(writeAll(*one)) << error;
    ref[24][0xcb007100] = 77;
    const auto& victim = entries[1234];
    hop::tables::Command del;
    del.kind = hop::tables::Command::Kind::Delete;
    del.entry = victim;
    auto gone = loader.apply(del, error);
    ASSERT_TRUE(gone) << error;
    EXPECT_LT(gone->size(), 60u);
    ASSERT_TRUE(writeAll(*gone)) << error;
    ref[victim.keys[0].prefixLen].erase(static_cast<uint32_t>(victim.keys[0].value));
    std::printf("after the bulk load: an add wrote %zu CSR words, a delete %zu (the load %zu)\n",
                one->size(), gone->size(), writes->size());
    check(0xcb007105);
    check(static_cast<uint32_t>(victim.keys[0].value));
    device.reset();
    stopCleanly();
}

TEST_F(Serve, TruncatedRequestsGetAnError) {
    Board& board = start();
    ASSERT_TRUE(board.ready());
    {
        // Half a header, then the end of the client's input.
        RawClient c(board.socket());
        ASSERT_TRUE(c.receive());  // HELLO
        c.sendRaw({8, 0, 0, 0, 1, 0});
        c.shutdownWrite();
        auto m = c.receive();
        ASSERT_TRUE(m);
        EXPECT_EQ(m->type, static_cast<uint16_t>(proto::Type::Error));
        EXPECT_NE(text(*m).find("truncated message: the connection ended 6 bytes into a message"),
                  std::string::npos)
            << text(*m);
        EXPECT_FALSE(c.receive(5s));
        EXPECT_TRUE(c.eof());
    }
    {
        // A whole header announcing 8 bytes, 4 of them sent.
        RawClient c(board.socket());
        ASSERT_TRUE(c.receive());
        auto b = RawClient::header(8, static_cast<uint16_t>(proto::Type::Write), 0, 3);
        b.insert(b.end(), {0, 0, 0, 0});
        c.sendRaw(b);
        c.shutdownWrite();
        auto m = c.receive();
        ASSERT_TRUE(m);
        EXPECT_EQ(m->type, static_cast<uint16_t>(proto::Type::Error));
        EXPECT_NE(text(*m).find("16 bytes into a message"), std::string::npos) << text(*m);
    }
    auto device = open();
    ASSERT_TRUE(device);
    std::string error;
    EXPECT_EQ(device->read(4 * hop::regmap::kWordId, error), hop::regmap::kPipelineId) << error;
    device.reset();
    stopCleanly();
}

TEST_F(Serve, ClientsOneAtATimeAndInARow) {
    Board& board = start();
    ASSERT_TRUE(board.ready());
    const auto map = regmapOf("basic");
    const uint32_t stage = map.find("MyIngress.ipv4_lpm")->base + 0x100;
    std::string error;
    {
        auto first = open();
        ASSERT_TRUE(first);
        EXPECT_EQ(first->info().csrWrites, 0u);
        ASSERT_TRUE(first->write(stage, 0xa5a5a5a5, error)) << error;
        // A second client while the first is connected is refused, with a reason.
        auto second = hop::device::openDevice(board.spec(), error);
        EXPECT_FALSE(second);
        EXPECT_NE(error.find("already has a client"), std::string::npos) << error;
        // And the first one still works.
        EXPECT_EQ(first->read(stage, error), 0xa5a5a5a5u) << error;
    }
    for (int i = 0; i < 3; ++i) {
        auto next = open();
        ASSERT_TRUE(next);
        EXPECT_EQ(next->info().csrWrites, 1u);
        EXPECT_EQ(next->read(stage, error), 0xa5a5a5a5u) << error;
    }
    auto stats = open()->stats(proto::StatsFormat::Json, error);
    ASSERT_TRUE(stats) << error;
    const auto j = nlohmann::json::parse(*stats);
    EXPECT_EQ(j["clients"]["served"], 5);
    EXPECT_EQ(j["clients"]["refused"], 1);
    stopCleanly();
}

TEST_F(Serve, AKilledClientLeavesTheBoardServing) {
    Board& board = start();
    ASSERT_TRUE(board.ready());
    int ready[2];
    ASSERT_EQ(::pipe(ready), 0);
    const pid_t child = ::fork();
    if (child == 0) {
        // Reads the ID word for as long as it lives; says so after its first read.
        std::string error;
        auto device = hop::device::openDevice(board.spec(), error);
        if (!device || !device->read(0, error)) ::_exit(1);
        (void)!::write(ready[1], "r", 1);
        for (;;) {
            if (!device->read(0, error)) ::_exit(1);
        }
    }
    ::close(ready[1]);
    pollfd p{ready[0], POLLIN, 0};
    ASSERT_EQ(::poll(&p, 1, 10000), 1);
    char c = 0;
    ASSERT_EQ(::read(ready[0], &c, 1), 1);
    ::close(ready[0]);
    std::this_thread::sleep_for(200ms);
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    EXPECT_TRUE(WIFSIGNALED(status));
    // The kernel closes the dead client's socket; the board notices and takes the next one.
    std::unique_ptr<hop::device::Device> device;
    std::string error;
    for (int i = 0; i < 100 && !device; ++i) {
        device = hop::device::openDevice(board.spec(), error);
        if (!device) std::this_thread::sleep_for(50ms);
    }
    ASSERT_TRUE(device) << error;
    EXPECT_EQ(device->read(4 * hop::regmap::kWordId, error), hop::regmap::kPipelineId) << error;
    auto stats = device->stats(proto::StatsFormat::Json, error);
    ASSERT_TRUE(stats);
    EXPECT_GT(nlohmann::json::parse(*stats)["clients"]["csr_reads"].get<uint64_t>(), 1u);
    device.reset();
    stopCleanly(SIGINT);
}

TEST_F(Serve, AnIdleBoardDoesNotSpin) {
    Board& board = start();
    ASSERT_TRUE(board.ready());
    {
        // Some work first, then the client leaves: the board must go back to sleep.
        auto device = open();
        ASSERT_TRUE(device);
        std::string error;
        for (int i = 0; i < 100; ++i) ASSERT_TRUE(device->read(0, error)) << error;
    }
    std::this_thread::sleep_for(200ms);
    const long before = board.cpuTicks();
    const auto start = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(2s);
    const long ticks = board.cpuTicks() - before;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double share = static_cast<double>(ticks) / ::sysconf(_SC_CLK_TCK) / seconds;
    // A busy loop would be close to 1.0; a sleeping board is at 0.
    EXPECT_LT(share, 0.05) << ticks << " ticks of CPU in " << seconds << " s";
    stopCleanly();
}

TEST_F(Serve, RouterFramesToAndFromTheCpuPort) {
    Board& board = start("router");
    ASSERT_TRUE(board.ready());
    auto device = open();
    ASSERT_TRUE(device);
    EXPECT_EQ(device->info().cpuPort, 510u);
    std::string error;
    // Nothing punted yet: no frame, and no error.
    EXPECT_FALSE(device->receivePacket(0ms, error));
    EXPECT_EQ(error, "");
    // packet_out {egress_port, _pad}: the frame behind it leaves on egress_port unchanged.
    auto packetOut = [](uint32_t port, const std::vector<uint8_t>& frame) {
        std::vector<uint8_t> b{static_cast<uint8_t>(port >> 1), static_cast<uint8_t>(port << 7)};
        b.insert(b.end(), frame.begin(), frame.end());
        return b;
    };
    std::vector<uint8_t> frame(64);
    for (size_t i = 0; i < frame.size(); ++i) frame[i] = static_cast<uint8_t>(i * 7);
    frame[12] = 0x88;  // an EtherType the router does not parse
    frame[13] = 0xb5;
    ASSERT_TRUE(device->sendPacket(packetOut(510, frame), error)) << error;
    auto back = device->receivePacket(10s, error);
    ASSERT_TRUE(back) << error;
    EXPECT_EQ(*back, frame);
    // To a port nothing is attached to: counted.
    ASSERT_TRUE(device->sendPacket(packetOut(3, frame), error)) << error;
    nlohmann::json j;
    for (int i = 0; i < 100; ++i) {
        auto stats = device->stats(proto::StatsFormat::Json, error);
        ASSERT_TRUE(stats) << error;
        j = nlohmann::json::parse(*stats);
        if (j["undelivered"]["unattached_port"] == 1) break;
        std::this_thread::sleep_for(20ms);
    }
    EXPECT_EQ(j["undelivered"]["unattached_port"], 1) << j.dump(2);
    EXPECT_EQ(j["pipeline"]["rx"], 2);
    EXPECT_EQ(j["pipeline"]["tx"], 2);
    bool sawCpu = false;
    for (const auto& p : j["ports"]) {
        if (p["port"] == 510) {
            sawCpu = true;
            EXPECT_EQ(p["rx_packets"], 2);
            EXPECT_EQ(p["tx_packets"], 1);
            EXPECT_EQ(p["tx_bytes"], 64);
        }
    }
    EXPECT_TRUE(sawCpu) << j.dump(2);
    // Frames to the CPU port are counted by their packet_in reason field (7 bits after the 9-bit
    // ingress port: the low 7 bits of the frame's second byte, 7 here).
    EXPECT_EQ(j["punts_by_reason"]["7"], 1) << j.dump(2);
    // Each frame was alone in the pipeline, so both latencies are known (router.p4 at
    // DATA_W=512, store-and-forward, a 66-byte frame: about 35 cycles).
    ASSERT_TRUE(j.contains("latency_cycles")) << j.dump(2);
    EXPECT_EQ(j["latency_cycles"]["samples"], 2);
    EXPECT_GT(j["latency_cycles"]["min"], 20);
    EXPECT_LT(j["latency_cycles"]["max"], 60);
    device.reset();
    stopCleanly();
}

TEST_F(Serve, LoadWritesEntriesAndNamesTheLineOfAnError) {
    Board& board = start();
    ASSERT_TRUE(board.ready());
    const std::string basic = kSource + "/examples/basic.p4";
    const std::string socket = board.socket().string();
    std::string out, err;
    // A mistake on line 3: nothing after it is loaded, the line is named.
    const fs::path bad = write("bad.txt",
                               "# routes\n"
                               "table_add MyIngress.ipv4_lpm ipv4_forward 10.0.1.0/24 => "
                               "00:00:00:00:01:01 1\n"
                               "table_add MyIngress.ipv4_lpm ipv4_forward 10.0.2.0/24 => 2\n");
    EXPECT_EQ(hopsim({"load", basic, "--socket", socket, bad.string()}, out, err), 1);
    EXPECT_EQ(
        err.substr(0, err.find('\n')),
        bad.string() + ":3:58: error: action 'MyIngress.ipv4_forward' takes 2 parameter(s), got 1")
        << err;
    // The wrong program for the board.
    EXPECT_EQ(hopsim({"load", kSource + "/examples/router.p4", "--socket", socket, bad.string()},
                     out, err),
              1);
    EXPECT_NE(err.find("runs basic, not router"), std::string::npos) << err;
    // No board there.
    EXPECT_EQ(
        hopsim({"load", basic, "--socket", (dir_ / "none.sock").string(), bad.string()}, out, err),
        3);
    EXPECT_NE(err.find("cannot connect"), std::string::npos) << err;
}

TEST_F(Serve, LoadFillsTheTablesOfAFreshBoardOnly) {
    Board& board = start();
    ASSERT_TRUE(board.ready());
    const std::string basic = kSource + "/examples/basic.p4";
    const std::string socket = board.socket().string();
    // BMv2 CLI and STF lines mixed.
    const fs::path good = write("good.txt",
                                "table_add MyIngress.ipv4_lpm ipv4_forward 10.0.1.0/24 => "
                                "00:00:00:00:01:01 1\n"
                                "\n"
                                "add ipv4_lpm hdr.ipv4.dstAddr:0x0a000200/24 "
                                "ipv4_forward(dstAddr:0x000000000202, port:2)\n");
    std::string out, err;
    ASSERT_EQ(hopsim({"load", basic, "--socket", socket, good.string()}, out, err), 0) << err;
    EXPECT_NE(out.find("hopsim load: 2 commands into sim:"), std::string::npos) << out;
    // A second load would start from tables the loader does not know: refused.
    EXPECT_EQ(hopsim({"load", basic, "--socket", socket, good.string()}, out, err), 1);
    EXPECT_NE(err.find("clients have written"), std::string::npos) << err;
    stopCleanly();
}

TEST_F(Serve, OneBoardPerSocket) {
    Board& board = start();
    ASSERT_TRUE(board.ready());
    std::string out, err;
    EXPECT_EQ(hopsim({"serve", kSource + "/examples/basic.p4", "--socket", board.socket().string(),
                      "--data-width", "64", "--rtl-cache", HOP_RTL_CACHE},
                     out, err),
              3);
    EXPECT_NE(err.find("another board is served there"), std::string::npos) << err;
    // The first board is untouched.
    auto device = open();
    ASSERT_TRUE(device);
    device.reset();
    // A board that died leaves a stale socket file: the next one replaces it.
    EXPECT_EQ(board.stop(SIGKILL), -1);
    ASSERT_TRUE(fs::exists(board.socket()));
    Board next("basic", dir_);
    EXPECT_TRUE(next.ready()) << next.err();
    EXPECT_EQ(next.stop(SIGTERM), 0) << next.err();
}

TEST_F(Serve, CommandLineErrors) {
    std::string out, err;
    const std::string basic = kSource + "/examples/basic.p4";
    const std::string socket = (dir_ / "x.sock").string();
    EXPECT_EQ(hopsim({"serve", basic}, out, err), 2);  // no --socket
    EXPECT_EQ(hopsim({"serve", basic, "--socket", socket, "--tap", "1"}, out, err), 2);
    EXPECT_EQ(err, "hopsim: error: --tap '1' is not PORT=IFNAME\n");
    EXPECT_EQ(hopsim({"serve", basic, "--socket", socket, "--tap", "1=a/b"}, out, err), 2);
    EXPECT_EQ(
        hopsim({"serve", basic, "--socket", socket, "--tap", "1=averyveryverylongname"}, out, err),
        2);
    EXPECT_EQ(hopsim({"serve", basic, "--socket", socket, "--tap", "600=tap0"}, out, err), 2);
    EXPECT_EQ(hopsim({"load", basic, "--socket", socket}, out, err), 2);  // no file
}

}  // namespace
