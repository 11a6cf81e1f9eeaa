// SPDX-License-Identifier: Apache-2.0
#include "runtime/common/unix_listener.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace hop::common {

static_assert(UnixListener::kMaxPathBytes + 1 == sizeof(sockaddr_un::sun_path));

namespace {

// Does a server accept connections on the socket file at `addr`? A probe that would block (its
// backlog is full) counts as one.
bool answers(const sockaddr_un& addr) {
    const int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (probe < 0) return false;
    const int rc = ::connect(probe, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr));
    const bool live = rc == 0 || errno == EAGAIN || errno == EINPROGRESS;
    ::close(probe);
    return live;
}

}  // namespace

std::optional<UnixListener> UnixListener::open(const std::string& path, const Options& options,
                                               Error& error) {
    auto fail = [&](Failure kind, std::string message) {
        error = {kind, 0, std::move(message)};
        return std::nullopt;
    };
    // errno first: formatting the message may change it.
    auto failSystem = [&](const std::string& what) {
        const int e = errno;
        error = {Failure::System, e, fmt::format("{}: {}", what, std::strerror(e))};
        return std::nullopt;
    };
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.empty() || path.size() > kMaxPathBytes) {
        return fail(Failure::BadPath,
                    fmt::format("'{}': a socket path has 1 to {} characters", path, kMaxPathBytes));
    }
    std::memcpy(addr.sun_path, path.data(), path.size());
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            return fail(Failure::NotASocket, fmt::format("{} exists and is not a socket", path));
        }
        if (answers(addr)) {
            return fail(Failure::InUse, fmt::format("{}: a server answers there already", path));
        }
        ::unlink(path.c_str());
    }
    UnixListener listener;
    listener.fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (listener.fd_ < 0) return failSystem("socket");
    if (::bind(listener.fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
        return failSystem("cannot listen on " + path);
    }
    // From here on the file is ours: the listener's destructor removes it on a failure below.
    listener.path_ = path;
    if (::lstat(path.c_str(), &st) == 0) {
        listener.device_ = st.st_dev;
        listener.inode_ = st.st_ino;
    }
    if (options.mode && ::chmod(path.c_str(), *options.mode) != 0) {
        return failSystem("cannot set the permissions of " + path);
    }
    if (::listen(listener.fd_, options.backlog) != 0) return failSystem("cannot listen on " + path);
    return listener;
}

UnixListener::UnixListener(UnixListener&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      path_(std::exchange(other.path_, {})),
      device_(other.device_),
      inode_(other.inode_) {}

UnixListener& UnixListener::operator=(UnixListener&& other) noexcept {
    if (this != &other) {
        close();
        fd_ = std::exchange(other.fd_, -1);
        path_ = std::exchange(other.path_, {});
        device_ = other.device_;
        inode_ = other.inode_;
    }
    return *this;
}

int UnixListener::accept(bool blocking) const {
    if (fd_ < 0) return -1;
    return ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC | (blocking ? 0 : SOCK_NONBLOCK));
}

void UnixListener::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    if (path_.empty()) return;
    // Only the file bind() made: a server started since may have replaced a file it took for
    // stale (this one stopped answering once closed).
    struct stat st {};
    if (::lstat(path_.c_str(), &st) == 0 && S_ISSOCK(st.st_mode) && st.st_dev == device_ &&
        st.st_ino == inode_) {
        ::unlink(path_.c_str());
    }
    path_.clear();
}

}  // namespace hop::common
