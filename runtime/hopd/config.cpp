// SPDX-License-Identifier: Apache-2.0
#include "runtime/hopd/config.hpp"

#include <fmt/format.h>

#include <charconv>
#include <map>

namespace hop::hopd {

using router::Interface;
using router::Ipv4Addr;
using router::MacAddr;

namespace {

std::string located(const std::string& file, int line, int col, const std::string& message) {
    return fmt::format("{}:{}:{}: error: {}", file, line, col, message);
}

bool parseNumber(const std::string& text, long min, long max, long& value) {
    if (text.empty() || text.size() > 9) return false;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc() && end == text.data() + text.size() && value >= min && value <= max;
}

// A word's problem, and the column it is at (0: the end of the line).
struct WordError {
    int col = 0;
    std::string message;
};

std::optional<Interface> interfaceFromWords(const std::vector<Word>& w, WordError& error) {
    auto fail = [&](int col, std::string message) {
        error = {col, std::move(message)};
        return std::nullopt;
    };
    if (w.size() < 3) {
        return fail(w.empty() ? 1 : w.back().col + static_cast<int>(w.back().text.size()),
                    "expected PORT ADDRESS/LENGTH MAC [mtu N]");
    }
    Interface intf;
    long port = 0;
    if (!parseNumber(w[0].text, 1, 509, port)) {
        return fail(w[0].col, fmt::format("invalid port '{}' (1-509)", w[0].text));
    }
    intf.port = static_cast<router::Port>(port);
    const auto slash = w[1].text.find('/');
    if (slash == std::string::npos) {
        return fail(w[1].col, fmt::format("expected ADDRESS/LENGTH, not '{}'", w[1].text));
    }
    auto address = Ipv4Addr::parse(w[1].text.substr(0, slash));
    if (!address) {
        return fail(w[1].col, fmt::format("invalid IPv4 address '{}'", w[1].text.substr(0, slash)));
    }
    long length = 0;
    if (!parseNumber(w[1].text.substr(slash + 1), 1, 32, length)) {
        return fail(w[1].col + static_cast<int>(slash) + 1,
                    fmt::format("invalid prefix length '{}' (1-32)", w[1].text.substr(slash + 1)));
    }
    intf.address = *address;
    intf.prefixLength = static_cast<int>(length);
    if (!address->isUnicastCandidate() || intf.broadcastAddress() == *address ||
        (length < 31 && (address->value & ~router::prefixMask(intf.prefixLength)) == 0)) {
        return fail(w[1].col, fmt::format("'{}' is not a host address", w[1].text));
    }
    auto mac = MacAddr::parse(w[2].text);
    if (!mac) return fail(w[2].col, fmt::format("invalid MAC address '{}'", w[2].text));
    if (mac->isGroup() || mac->isZero()) {
        return fail(w[2].col, fmt::format("'{}' is not a unicast MAC address", w[2].text));
    }
    intf.mac = *mac;
    size_t i = 3;
    if (i < w.size() && w[i].text == "mtu") {
        if (i + 1 >= w.size()) return fail(w[i].col, "'mtu' needs a value");
        long mtu = 0;
        if (!parseNumber(w[i + 1].text, 68, 9198, mtu)) {
            return fail(w[i + 1].col, fmt::format("invalid MTU '{}' (68-9198)", w[i + 1].text));
        }
        intf.mtu = static_cast<uint16_t>(mtu);
        i += 2;
    }
    if (i < w.size()) return fail(w[i].col, fmt::format("unexpected '{}'", w[i].text));
    return intf;
}

std::optional<RouteSpec> routeFromWords(const std::vector<Word>& w, WordError& error) {
    auto fail = [&](int col, std::string message) {
        error = {col, std::move(message)};
        return std::nullopt;
    };
    if (w.size() != 3) {
        if (w.size() > 3) return fail(w[3].col, fmt::format("unexpected '{}'", w[3].text));
        return fail(w.empty() ? 1 : w.back().col + static_cast<int>(w.back().text.size()),
                    "expected PREFIX via GATEWAY or PREFIX dev PORT");
    }
    RouteSpec route;
    std::string why;
    if (!parsePrefix(w[0].text, route.prefix, route.length, why)) return fail(w[0].col, why);
    if (w[1].text == "via") {
        auto gateway = Ipv4Addr::parse(w[2].text);
        if (!gateway) return fail(w[2].col, fmt::format("invalid gateway '{}'", w[2].text));
        if (!gateway->isUnicastCandidate()) {
            return fail(w[2].col, fmt::format("'{}' is not a unicast address", w[2].text));
        }
        route.gateway = *gateway;
    } else if (w[1].text == "dev") {
        long port = 0;
        if (!parseNumber(w[2].text, 1, 509, port)) {
            return fail(w[2].col, fmt::format("invalid port '{}' (1-509)", w[2].text));
        }
        route.port = static_cast<router::Port>(port);
    } else {
        return fail(w[1].col, fmt::format("expected 'via' or 'dev', not '{}'", w[1].text));
    }
    return route;
}

}  // namespace

std::string RouteSpec::str() const {
    std::string text = fmt::format("{}/{}", prefix.str(), length);
    if (gateway) text += " via " + gateway->str();
    if (port) text += fmt::format(" dev {}", *port);
    return text;
}

std::vector<Word> splitWords(const std::string& line) {
    std::vector<Word> words;
    size_t i = 0;
    while (i < line.size()) {
        const char c = line[i];
        if (c == '#') break;
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            ++i;
            continue;
        }
        size_t j = i;
        while (j < line.size() && line[j] != ' ' && line[j] != '\t' && line[j] != '\r' &&
               line[j] != '\n' && line[j] != '#') {
            ++j;
        }
        words.push_back({line.substr(i, j - i), static_cast<int>(i) + 1});
        i = j;
    }
    return words;
}

bool parsePrefix(const std::string& text, Ipv4Addr& prefix, int& length, std::string& error) {
    if (text == "default") {
        prefix = Ipv4Addr();
        length = 0;
        return true;
    }
    const auto slash = text.find('/');
    auto address = Ipv4Addr::parse(text.substr(0, slash));
    if (!address) {
        error = fmt::format("invalid prefix '{}'", text);
        return false;
    }
    long len = 32;
    if (slash != std::string::npos && !parseNumber(text.substr(slash + 1), 0, 32, len)) {
        error = fmt::format("invalid prefix length in '{}' (0-32)", text);
        return false;
    }
    if ((address->value & ~router::prefixMask(static_cast<int>(len))) != 0) {
        error = fmt::format(
            "'{}' has host bits set (the prefix is {}/{})", text,
            Ipv4Addr(address->value & router::prefixMask(static_cast<int>(len))).str(), len);
        return false;
    }
    prefix = *address;
    length = static_cast<int>(len);
    return true;
}

std::optional<Interface> parseInterfaceLine(const std::string& line, const std::string& file,
                                            int lineNo, std::string& error) {
    error.clear();
    const auto words = splitWords(line);
    if (words.empty()) return std::nullopt;
    WordError why;
    auto intf = interfaceFromWords(words, why);
    if (!intf) error = located(file, lineNo, why.col, why.message);
    return intf;
}

std::optional<RouteSpec> parseRouteLine(const std::string& line, const std::string& file,
                                        int lineNo, std::string& error) {
    error.clear();
    const auto words = splitWords(line);
    if (words.empty()) return std::nullopt;
    WordError why;
    auto route = routeFromWords(words, why);
    if (!route) error = located(file, lineNo, why.col, why.message);
    return route;
}

std::optional<RouteSpec> parseRouteWords(const std::vector<Word>& words, std::string& error) {
    WordError why;
    auto route = routeFromWords(words, why);
    if (!route) error = why.message;
    return route;
}

std::optional<std::vector<Interface>> parseInterfaces(std::istream& in, const std::string& file,
                                                      std::string& error) {
    std::vector<Interface> result;
    std::map<router::Port, Interface> firstOnPort;
    std::string line;
    int lineNo = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        auto intf = parseInterfaceLine(line, file, lineNo, error);
        if (!intf) {
            if (!error.empty()) return std::nullopt;
            continue;
        }
        const int col = splitWords(line)[0].col;
        for (const Interface& other : result) {
            if (other.address == intf->address) {
                error = located(file, lineNo, splitWords(line)[1].col,
                                fmt::format("address {} is already on port {}", intf->address.str(),
                                            other.port));
                return std::nullopt;
            }
        }
        auto [it, fresh] = firstOnPort.emplace(intf->port, *intf);
        if (!fresh && (it->second.mac != intf->mac || it->second.mtu != intf->mtu)) {
            error = located(file, lineNo, col,
                            fmt::format("port {} is already {} mtu {}: every address of a port "
                                        "has the same MAC and MTU",
                                        intf->port, it->second.mac.str(), it->second.mtu));
            return std::nullopt;
        }
        result.push_back(*intf);
    }
    if (in.bad()) {
        error = file + ": error: cannot read the file";
        return std::nullopt;
    }
    return result;
}

std::optional<std::vector<RouteSpec>> parseRoutes(std::istream& in, const std::string& file,
                                                  std::string& error) {
    std::vector<RouteSpec> result;
    std::map<std::pair<uint32_t, int>, int> seen;  // prefix -> line
    std::string line;
    int lineNo = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        auto route = parseRouteLine(line, file, lineNo, error);
        if (!route) {
            if (!error.empty()) return std::nullopt;
            continue;
        }
        auto [it, fresh] = seen.emplace(std::pair{route->prefix.value, route->length}, lineNo);
        if (!fresh) {
            error = located(file, lineNo, splitWords(line)[0].col,
                            fmt::format("{}/{} is already routed (line {})", route->prefix.str(),
                                        route->length, it->second));
            return std::nullopt;
        }
        result.push_back(*route);
    }
    if (in.bad()) {
        error = file + ": error: cannot read the file";
        return std::nullopt;
    }
    return result;
}

}  // namespace hop::hopd
