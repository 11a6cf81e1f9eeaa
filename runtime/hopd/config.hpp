// SPDX-License-Identifier: Apache-2.0
// hopd's configuration files: the interface file and route files. Both are line based, `#`
// starts a comment (to the end of the line), blank lines are skipped, and every mistake is one
// located error `FILE:LINE:COL: error: MESSAGE` (the column of the offending word).
//
// Interface file, one router address per line:
//     PORT ADDRESS/LENGTH MAC [mtu N]
//     1 192.0.2.254/24 02:00:00:00:01:fe
//     2 198.51.100.254/24 02:00:00:00:02:fe mtu 1280
// PORT is a pipeline port (1-509; 510 is router.p4's CPU port); a port may carry several
// addresses, all with the same MAC and MTU. MTU is the IP MTU (68-9198, default 1500).
//
// Route file, one route per line (as `ip route` writes them):
//     PREFIX via GATEWAY        203.0.113.0/24 via 198.51.100.1
//     PREFIX dev PORT           192.0.2.128/25 dev 1
// PREFIX is `a.b.c.d/len`, `a.b.c.d` (a /32) or `default` (0.0.0.0/0); host bits must be zero.
#pragma once

#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "runtime/router/types.hpp"

namespace hop::hopd {

struct RouteSpec {
    router::Ipv4Addr prefix;
    int length = 0;
    std::optional<router::Ipv4Addr> gateway;  // `via`
    std::optional<router::Port> port;         // `dev`
    std::string str() const;                  // `203.0.113.0/24 via 198.51.100.1`
    friend bool operator==(const RouteSpec&, const RouteSpec&) = default;
};

// One line's words with the 1-based column where each starts; the comment is removed.
struct Word {
    std::string text;
    int col = 1;
};
std::vector<Word> splitWords(const std::string& line);

// `a.b.c.d/len`, `a.b.c.d` or `default`; false with `error` (host bits set, length > 32, ...).
bool parsePrefix(const std::string& text, router::Ipv4Addr& prefix, int& length,
                 std::string& error);

// One line; nullopt with an EMPTY `error` for a blank or comment line. `error` is located
// (`file:line:col: error: ...`).
std::optional<router::Interface> parseInterfaceLine(const std::string& line,
                                                    const std::string& file, int lineNo,
                                                    std::string& error);
std::optional<RouteSpec> parseRouteLine(const std::string& line, const std::string& file,
                                        int lineNo, std::string& error);
// The words of a route without a location (`hopctl route add PREFIX via GW`).
std::optional<RouteSpec> parseRouteWords(const std::vector<Word>& words, std::string& error);

// Whole files: every line, plus the checks across lines (a port with two MACs or MTUs, the same
// address twice, the same prefix twice). Stops at the first error.
std::optional<std::vector<router::Interface>> parseInterfaces(std::istream& in,
                                                              const std::string& file,
                                                              std::string& error);
std::optional<std::vector<RouteSpec>> parseRoutes(std::istream& in, const std::string& file,
                                                  std::string& error);

}  // namespace hop::hopd
