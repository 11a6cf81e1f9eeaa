// SPDX-License-Identifier: Apache-2.0
// Prefix-list reader (see lpm_routes.hpp).
#include "runtime/tables/lpm_routes.hpp"

#include <arpa/inet.h>

#include <cstdio>
#include <cstring>

namespace hop::tables {

std::optional<LpmRoute> parsePrefix(const std::string& text, int family) {
    const auto slash = text.find('/');
    if (slash == std::string::npos) return std::nullopt;
    const std::string addr = text.substr(0, slash);
    int len = 0;
    const std::string lenText = text.substr(slash + 1);
    if (lenText.empty() || lenText.size() > 3) return std::nullopt;
    for (char c : lenText) {
        if (c < '0' || c > '9') return std::nullopt;
        len = len * 10 + (c - '0');
    }
    LpmRoute r;
    r.length = len;
    if (family == 4) {
        in_addr a{};
        if (len > 32 || inet_pton(AF_INET, addr.c_str(), &a) != 1) return std::nullopt;
        r.value = ntohl(a.s_addr);
    } else {
        in6_addr a{};
        if (len > 128 || inet_pton(AF_INET6, addr.c_str(), &a) != 1) return std::nullopt;
        for (int i = 0; i < 16; ++i) r.value = (r.value << 8) | a.s6_addr[i];
    }
    return r;
}

std::vector<LpmRoute> readPrefixFile(const std::string& path, int family, std::string& error) {
    std::vector<LpmRoute> out;
    const bool gz = path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
    FILE* f = nullptr;
    if (gz) {
        // zlib is not linked into hop_tables yet; zcat is everywhere gzip is.
        std::string cmd = "zcat '";
        for (char c : path) cmd += c == '\'' ? std::string("'\\''") : std::string(1, c);
        cmd += "'";
        f = popen(cmd.c_str(), "r");
    } else {
        f = fopen(path.c_str(), "r");
    }
    if (!f) {
        error = path + ": " + std::strerror(errno);
        return out;
    }
    char buf[256];
    int lineNo = 0;
    while (fgets(buf, sizeof buf, f)) {
        ++lineNo;
        std::string line(buf);
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r' || line.back() == ' '))
            line.pop_back();
        const auto tab = line.find_first_of(" \t");
        if (tab != std::string::npos) line.resize(tab);  // e.g. RouteViews "prefix<TAB>AS"
        if (line.empty() || line[0] == '#' || line[0] == ';') continue;
        const bool v6 = line.find(':') != std::string::npos;
        if (v6 != (family == 6)) continue;
        if (auto r = parsePrefix(line, family))
            out.push_back(*r);
        else if (error.empty())
            error = path + ":" + std::to_string(lineNo) + ": not a prefix: '" + line + "'";
    }
    const int rc = gz ? pclose(f) : fclose(f);
    if (rc != 0 && error.empty())
        error = path + ": reading failed (zcat status " + std::to_string(rc) + ")";
    return out;
}

}  // namespace hop::tables
