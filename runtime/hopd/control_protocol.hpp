// SPDX-License-Identifier: Apache-2.0
// hopd's control socket (a unix stream socket, `hopd --control PATH`), spoken by hopctl.
//
// One request per connection: the client sends one line (UTF-8 words separated by single
// spaces, at most kMaxRequestBytes, ending in '\n'); hopd answers with lines, each starting with
// a tag character, and closes the connection:
//     -TEXT       a line of output (any number, at most kMaxReplyLines)
//     =ok         the last line: the request succeeded
//     !MESSAGE    the last line: the request failed, MESSAGE says why (one line)
// A request without its '\n' within kRequestTimeout, or longer than kMaxRequestBytes, gets
// `!request too long` / `!no request` and the connection is closed. Requests are the hopctl
// commands after option parsing (runtime/hopctl/command.hpp): `route add 203.0.113.0/24 via
// 198.51.100.1`, `table_add ipv4_lpm set_nexthop 203.0.113.0/24 => 3`, `stats`, ...
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <string>

namespace hop::hopd {

constexpr size_t kMaxRequestBytes = 4096;
constexpr size_t kMaxReplyLines = 200000;  // longer outputs end with a `(N more)` line
constexpr std::chrono::milliseconds kRequestTimeout{2000};

// The default control socket: $HOPD_SOCKET, else /run/hopd.sock for root, else
// /tmp/hopd-UID.sock.
inline std::string defaultControlPath() {
    if (const char* env = std::getenv("HOPD_SOCKET"); env && *env) return env;
    if (::geteuid() == 0) return "/run/hopd.sock";
    return "/tmp/hopd-" + std::to_string(::geteuid()) + ".sock";
}

}  // namespace hop::hopd
