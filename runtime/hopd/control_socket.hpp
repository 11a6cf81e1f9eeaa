// SPDX-License-Identifier: Apache-2.0
// hopd's control socket (control_protocol.hpp): the listening unix socket and one client served
// at a time, its request read and its reply written. What the request means is the caller's
// (CommandTable).
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace hop::hopd {

class ControlSocket {
  public:
    using Handle = std::function<bool(const std::string& request, std::vector<std::string>& out,
                                      std::string& error)>;
    // Listens on `path`: a stale socket (an earlier hopd that died) is replaced; a live hopd
    // is an error. Throws Failure(1).
    explicit ControlSocket(std::string path);
    ~ControlSocket();  // closes and removes the socket
    ControlSocket(const ControlSocket&) = delete;
    ControlSocket& operator=(const ControlSocket&) = delete;

    int fd() const { return fd_; }
    // The socket is readable: accepts one client and answers its one request.
    void serveOne(const Handle& handle);

  private:
    std::string path_;
    int fd_ = -1;
};

// The reply of a request: `-LINE`s (at most kMaxReplyLines, then `-(N more lines)`), then `=ok`
// or `!ERROR` (on one line).
std::string formatReply(bool ok, const std::vector<std::string>& out, std::string error);

}  // namespace hop::hopd
