// SPDX-License-Identifier: Apache-2.0
// common::UnixListener: stale sockets replaced, live servers and other files left alone, the
// socket file removed with the listener (only its own), permissions, accept.
#include "runtime/common/unix_listener.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

namespace hop::common {
namespace {

namespace fs = std::filesystem;

class UnixListenerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::path(::testing::TempDir()) / ("plumbing_listener_" + std::to_string(getpid()));
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        path_ = (dir_ / "s").string();
    }
    void TearDown() override { fs::remove_all(dir_); }

    // A connected client socket, or -1.
    static int connectTo(const std::string& path) {
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::memcpy(addr.sun_path, path.data(), path.size());
        const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
            ::close(fd);
            return -1;
        }
        return fd;
    }
    // A socket file nobody listens on (a server that died without cleaning up).
    static void leaveStaleSocket(const std::string& path) {
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::memcpy(addr.sun_path, path.data(), path.size());
        const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
        ::close(fd);
    }

    fs::path dir_;
    std::string path_;
};

TEST_F(UnixListenerTest, AcceptsConnectionsAndRemovesItsFile) {
    UnixListener::Error error;
    {
        auto listener = UnixListener::open(path_, {}, error);
        ASSERT_TRUE(listener) << error.message;
        EXPECT_EQ(listener->path(), path_);
        EXPECT_EQ(listener->accept(), -1);  // nobody waits: does not block
        const int client = connectTo(path_);
        ASSERT_GE(client, 0);
        const int server = listener->accept();
        ASSERT_GE(server, 0);
        EXPECT_EQ(::send(client, "x", 1, 0), 1);
        char c = 0;
        EXPECT_EQ(::recv(server, &c, 1, MSG_WAITALL), 1);
        EXPECT_EQ(c, 'x');
        ::close(server);
        ::close(client);
        EXPECT_TRUE(fs::exists(path_));
    }
    EXPECT_FALSE(fs::exists(path_));
}

TEST_F(UnixListenerTest, ReplacesAStaleSocket) {
    leaveStaleSocket(path_);
    ASSERT_TRUE(fs::is_socket(path_));
    UnixListener::Error error;
    auto listener = UnixListener::open(path_, {}, error);
    ASSERT_TRUE(listener) << error.message;
    const int client = connectTo(path_);
    EXPECT_GE(client, 0);
    ::close(client);
}

TEST_F(UnixListenerTest, RefusesALiveServer) {
    UnixListener::Error error;
    auto first = UnixListener::open(path_, {}, error);
    ASSERT_TRUE(first) << error.message;
    auto second = UnixListener::open(path_, {}, error);
    EXPECT_FALSE(second);
    EXPECT_EQ(error.kind, UnixListener::Failure::InUse);
    EXPECT_EQ(error.message, path_ + ": a server answers there already");
    // The first one still serves.
    const int client = connectTo(path_);
    EXPECT_GE(client, 0);
    ::close(client);
}

TEST_F(UnixListenerTest, LeavesOtherFilesAlone) {
    std::ofstream(path_) << "data";
    UnixListener::Error error;
    EXPECT_FALSE(UnixListener::open(path_, {}, error));
    EXPECT_EQ(error.kind, UnixListener::Failure::NotASocket);
    EXPECT_EQ(error.message, path_ + " exists and is not a socket");
    EXPECT_TRUE(fs::is_regular_file(path_));
}

TEST_F(UnixListenerTest, RefusesPathsASocketCannotHave) {
    UnixListener::Error error;
    EXPECT_FALSE(UnixListener::open("", {}, error));
    EXPECT_EQ(error.kind, UnixListener::Failure::BadPath);
    const std::string tooLong = (dir_ / std::string(UnixListener::kMaxPathBytes, 'x')).string();
    EXPECT_FALSE(UnixListener::open(tooLong, {}, error));
    EXPECT_EQ(error.kind, UnixListener::Failure::BadPath);
    EXPECT_EQ(error.message, "'" + tooLong + "': a socket path has 1 to 107 characters");
}

TEST_F(UnixListenerTest, ReportsSystemErrorsWithErrno) {
    UnixListener::Error error;
    const std::string missingDir = (dir_ / "no" / "s").string();
    EXPECT_FALSE(UnixListener::open(missingDir, {}, error));
    EXPECT_EQ(error.kind, UnixListener::Failure::System);
    EXPECT_EQ(error.errnoValue, ENOENT);
    EXPECT_EQ(error.message, "cannot listen on " + missingDir + ": " + std::strerror(ENOENT));
}

TEST_F(UnixListenerTest, RemovesOnlyItsOwnSocketFile) {
    UnixListener::Error error;
    auto old = UnixListener::open(path_, {}, error);
    ASSERT_TRUE(old) << error.message;
    // Someone took the path over (the file removed, a new server there).
    fs::remove(path_);
    auto successor = UnixListener::open(path_, {}, error);
    ASSERT_TRUE(successor) << error.message;
    old->close();
    old.reset();
    EXPECT_TRUE(fs::is_socket(path_));
    const int client = connectTo(path_);
    EXPECT_GE(client, 0);
    ::close(client);
}

TEST_F(UnixListenerTest, SetsThePermissionsAskedFor) {
    UnixListener::Error error;
    auto listener = UnixListener::open(path_, {.backlog = 4, .mode = 0600}, error);
    ASSERT_TRUE(listener) << error.message;
    struct stat st {};
    ASSERT_EQ(::stat(path_.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(UnixListenerTest, MovesWithoutClosing) {
    UnixListener::Error error;
    auto listener = UnixListener::open(path_, {}, error);
    ASSERT_TRUE(listener) << error.message;
    const int fd = listener->fd();
    UnixListener moved = std::move(*listener);
    listener.reset();  // the moved-from one owns nothing
    EXPECT_EQ(moved.fd(), fd);
    EXPECT_TRUE(fs::is_socket(path_));
    const int client = connectTo(path_);
    EXPECT_GE(client, 0);
    ::close(client);
    moved.close();
    EXPECT_FALSE(fs::exists(path_));
    EXPECT_EQ(moved.fd(), -1);
}

}  // namespace
}  // namespace hop::common
