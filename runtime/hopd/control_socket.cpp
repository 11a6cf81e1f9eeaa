// SPDX-License-Identifier: Apache-2.0
#include "runtime/hopd/control_socket.hpp"

#include <fmt/format.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "runtime/hopd/control_protocol.hpp"
#include "runtime/hopd/failure.hpp"

namespace hop::hopd {

ControlSocket::ControlSocket(std::string path) : path_(std::move(path)) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path_.size() >= sizeof(addr.sun_path)) {
        throw Failure(1, "hopd: error: control path too long");
    }
    std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
    const int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (::connect(probe, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
        ::close(probe);
        throw Failure(1, "hopd: error: another hopd answers on " + path_);
    }
    ::close(probe);
    ::unlink(path_.c_str());
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        ::listen(fd_, 16) != 0) {
        const std::string why = std::strerror(errno);
        if (fd_ >= 0) ::close(fd_);
        throw Failure(1, fmt::format("hopd: error: {}: {}", path_, why));
    }
}

ControlSocket::~ControlSocket() {
    ::close(fd_);
    ::unlink(path_.c_str());
}

std::string formatReply(bool ok, const std::vector<std::string>& out, std::string error) {
    std::string reply;
    size_t lines = 0;
    for (const auto& line : out) {
        if (++lines > kMaxReplyLines) {
            reply += fmt::format("-({} more lines)\n", out.size() - kMaxReplyLines);
            break;
        }
        reply += "-" + line + "\n";
    }
    if (ok) return reply + "=ok\n";
    for (char& c : error) {
        if (c == '\n') c = ' ';
    }
    return reply + "!" + error + "\n";
}

void ControlSocket::serveOne(const Handle& handle) {
    const int fd = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return;
    timeval tv{0, static_cast<suseconds_t>(kRequestTimeout.count() * 1000)};
    tv.tv_sec = tv.tv_usec / 1000000;
    tv.tv_usec %= 1000000;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    timeval sendTv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &sendTv, sizeof(sendTv));
    std::string request;
    char buffer[4096];
    bool complete = false;
    while (request.size() <= kMaxRequestBytes) {
        const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
        if (n <= 0) break;
        request.append(buffer, static_cast<size_t>(n));
        if (auto nl = request.find('\n'); nl != std::string::npos) {
            request.resize(nl);
            complete = true;
            break;
        }
    }
    std::vector<std::string> out;
    std::string error;
    if (!complete) {
        error = request.size() > kMaxRequestBytes ? "request too long" : "no request";
    } else if (!request.empty() && request.back() == '\r') {
        request.pop_back();
    }
    const bool ok = complete && handle(request, out, error);
    const std::string reply = formatReply(ok, out, error);
    for (size_t sent = 0; sent < reply.size();) {
        const ssize_t n = ::send(fd, reply.data() + sent, reply.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<size_t>(n);
    }
    ::close(fd);
}

}  // namespace hop::hopd
