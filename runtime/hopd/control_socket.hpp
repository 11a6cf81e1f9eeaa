// SPDX-License-Identifier: Apache-2.0
// hopd's control socket (control_protocol.hpp): the listening unix socket (common::UnixListener)
// and one client served at a time, its request read and its reply written. What the request
// means is the caller's (CommandTable).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "runtime/common/unix_listener.hpp"

namespace hop::hopd {

class ControlSocket {
  public:
    using Handle = std::function<bool(const std::string& request, std::vector<std::string>& out,
                                      std::string& error)>;
    // Listens on `path`: a stale socket (an earlier hopd that died) is replaced; a live hopd
    // is an error. Throws Failure(1).
    explicit ControlSocket(const std::string& path);

    int fd() const { return listener_->fd(); }
    // The socket is readable: accepts one client and answers its one request.
    void serveOne(const Handle& handle);

  private:
    std::optional<common::UnixListener> listener_;
};

// The reply of a request: `-LINE`s (at most kMaxReplyLines, then `-(N more lines)`), then `=ok`
// or `!ERROR` (on one line).
std::string formatReply(bool ok, const std::vector<std::string>& out, std::string error);

}  // namespace hop::hopd
