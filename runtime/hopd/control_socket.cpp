// SPDX-License-Identifier: Apache-2.0
#include "runtime/hopd/control_socket.hpp"

#include <fmt/format.h>
#include <sys/socket.h>
#include <unistd.h>

#include "runtime/hopd/control_protocol.hpp"
#include "runtime/hopd/failure.hpp"

namespace hop::hopd {

ControlSocket::ControlSocket(const std::string& path) {
    common::UnixListener::Error error;
    common::UnixListener::Options options;
    options.backlog = 16;
    listener_ = common::UnixListener::open(path, options, error);
    if (listener_) return;
    if (error.kind == common::UnixListener::Failure::InUse) {
        throw Failure(1, "hopd: error: another hopd answers on " + path);
    }
    throw Failure(1, "hopd: error: " + error.message);
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
    const int fd = listener_->accept(/*blocking=*/true);  // the timeouts below need it blocking
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
