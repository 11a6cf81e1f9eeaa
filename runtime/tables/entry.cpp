// SPDX-License-Identifier: Apache-2.0
// Table entries: values in every syntax, matching, formatting, and the helpers the parsers
// share (entry_parse.hpp). The parsers make every check that can be made against the program
// alone, so the model, the RTL drivers and hopd report the same errors with the same words;
// checks that need table state (duplicates, size) are logical_table.hpp's.
#include "runtime/tables/entry.hpp"

#include <algorithm>
#include <boost/container_hash/hash.hpp>
#include <cctype>
#include <sstream>

#include "runtime/tables/entry_parse.hpp"

namespace hop::tables {

namespace parse {

BigInt ones(int width) { return width <= 0 ? BigInt(0) : (BigInt(1) << width) - 1; }

BigInt prefixMask(int width, int prefixLen) { return ones(width) ^ ones(width - prefixLen); }

std::string hexString(const BigInt& v) {
    std::ostringstream os;
    os << std::hex << v;
    return "0x" + os.str();
}

// Small numbers read best in decimal, addresses and masks in hex.
std::string number(const BigInt& v) { return v < 10 ? v.str() : hexString(v); }

std::string_view trimView(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

int digitValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return 99;
}

// Digits in `base`, `_` ignored; false on anything else or no digit at all.
bool parseDigits(std::string_view s, int base, BigInt& out) {
    out = 0;
    bool any = false;
    for (char c : s) {
        if (c == '_') continue;
        int d = digitValue(c);
        if (d >= base) return false;
        out = out * base + d;
        any = true;
    }
    return any;
}

bool parseIpv4(std::string_view s, BigInt& out) {
    out = 0;
    int parts = 0;
    size_t start = 0;
    while (true) {
        size_t dot = s.find('.', start);
        std::string_view part =
            s.substr(start, dot == std::string_view::npos ? s.npos : dot - start);
        if (part.empty() || part.size() > 3) return false;
        BigInt v;
        if (!parseDigits(part, 10, v) || part.find('_') != part.npos || v > 255) return false;
        out = (out << 8) | v;
        ++parts;
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    return parts == 4;
}

bool parseMac(std::string_view s, BigInt& out) {
    out = 0;
    int parts = 0;
    size_t start = 0;
    while (true) {
        size_t colon = s.find(':', start);
        std::string_view part =
            s.substr(start, colon == std::string_view::npos ? s.npos : colon - start);
        if (part.empty() || part.size() > 2) return false;
        BigInt v;
        if (!parseDigits(part, 16, v) || part.find('_') != part.npos) return false;
        out = (out << 8) | v;
        ++parts;
        if (colon == std::string_view::npos) break;
        start = colon + 1;
    }
    return parts == 6;
}

// RFC 4291 text form: eight groups of up to four hex digits, one `::` for a run of zeros, an
// optional dotted IPv4 tail.
bool parseIpv6(std::string_view s, BigInt& out) {
    auto parseGroups = [](std::string_view part, std::vector<uint32_t>& groups) {
        if (part.empty()) return true;
        size_t start = 0;
        while (true) {
            size_t colon = part.find(':', start);
            std::string_view g =
                part.substr(start, colon == std::string_view::npos ? part.npos : colon - start);
            if (colon == std::string_view::npos && g.find('.') != g.npos) {
                BigInt v4;
                if (!parseIpv4(g, v4)) return false;
                uint32_t v = static_cast<uint32_t>(v4);
                groups.push_back(v >> 16);
                groups.push_back(v & 0xffff);
                return true;
            }
            if (g.empty() || g.size() > 4) return false;
            BigInt v;
            if (!parseDigits(g, 16, v) || g.find('_') != g.npos) return false;
            groups.push_back(static_cast<uint32_t>(v));
            if (colon == std::string_view::npos) return true;
            start = colon + 1;
        }
    };
    std::vector<uint32_t> head, tail;
    size_t gap = s.find("::");
    if (gap != std::string_view::npos) {
        if (s.find("::", gap + 1) != std::string_view::npos) return false;
        if (!parseGroups(s.substr(0, gap), head) || !parseGroups(s.substr(gap + 2), tail))
            return false;
        if (head.size() + tail.size() > 7) return false;
        head.resize(8 - tail.size(), 0);
    } else {
        if (!parseGroups(s, head) || head.size() != 8) return false;
    }
    head.insert(head.end(), tail.begin(), tail.end());
    out = 0;
    for (uint32_t g : head) out = (out << 16) | g;
    return true;
}

// A number in any syntax, not yet checked against a width; `bits` is how many bits the
// literal spans for address forms (so a MAC never silently fits a 16-bit field).
bool parseNumber(std::string_view text, BigInt& out, bool& negative) {
    negative = false;
    std::string_view s = text;
    if (!s.empty() && s[0] == '-') {
        negative = true;
        s.remove_prefix(1);
    }
    if (s.empty()) return false;
    const std::string l = lower(s);
    if (!negative) {
        if (l.find(':') != std::string::npos)
            return std::count(l.begin(), l.end(), ':') == 5 && l.find("::") == l.npos &&
                           l.find('.') == l.npos
                       ? parseMac(l, out)
                       : parseIpv6(l, out);
        if (std::count(l.begin(), l.end(), '.') == 3) return parseIpv4(l, out);
    }
    if (l.size() > 2 && l[0] == '0' && (l[1] == 'x' || l[1] == 'b' || l[1] == 'o')) {
        int base = l[1] == 'x' ? 16 : l[1] == 'b' ? 2 : 8;
        return parseDigits(std::string_view(l).substr(2), base, out);
    }
    return parseDigits(l, 10, out);
}

std::string typeName(int width) { return "bit<" + std::to_string(width) + ">"; }

std::vector<Token> splitWords(const std::string& line) {
    std::vector<Token> out;
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
        if (i >= line.size()) break;
        size_t start = i;
        while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) ++i;
        out.push_back({line.substr(start, i - start), static_cast<int>(start)});
    }
    return out;
}

bool isBlankOrComment(const std::string& line) {
    std::string_view t = trimView(line);
    return t.empty() || t[0] == '#';
}

}  // namespace parse

using namespace parse;

std::string ParseError::str() const {
    std::string out = where.file.empty() ? "<input>" : where.file;
    if (where.line > 0) {
        out += ":" + std::to_string(where.line);
        if (where.col > 0) out += ":" + std::to_string(where.col);
    }
    return out + ": error: " + message;
}

std::optional<BigInt> parseValue(const std::string& rawText, int width, std::string& error) {
    const std::string text(trimView(rawText));
    BigInt v;
    bool negative = false;
    if (!parseNumber(text, v, negative)) {
        error = "invalid value '" + text + "'";
        return std::nullopt;
    }
    if (negative) {
        // Two's complement of a value that fits int<width>.
        if (width <= 0 || v > (BigInt(1) << (width - 1))) {
            error = "value '" + text + "' does not fit in " + std::to_string(width) + " bits";
            return std::nullopt;
        }
        v = v == 0 ? BigInt(0) : (BigInt(1) << width) - v;
    }
    if (v > ones(width)) {
        error = "value '" + text + "' does not fit in " + std::to_string(width) + " bits";
        return std::nullopt;
    }
    return v;
}

int resolveName(const std::vector<std::string>& names, const std::string& name,
                std::vector<std::string>* ambiguous) {
    if (name.empty()) return -1;
    for (size_t i = 0; i < names.size(); ++i)
        if (names[i] == name) return static_cast<int>(i);
    int found = -1;
    std::vector<std::string> cands;
    for (size_t i = 0; i < names.size(); ++i) {
        const std::string& n = names[i];
        if (n.size() > name.size() && n.compare(n.size() - name.size(), name.size(), name) == 0 &&
            n[n.size() - name.size() - 1] == '.') {
            cands.push_back(n);
            found = static_cast<int>(i);
        }
    }
    if (cands.size() > 1) {
        if (ambiguous) *ambiguous = cands;
        return -2;
    }
    return found;
}

bool needsPriority(const ir::Table& table) {
    for (const auto& k : table.keys)
        if (k.matchKind == ir::MatchKind::Ternary || k.matchKind == ir::MatchKind::Range ||
            k.matchKind == ir::MatchKind::Optional)
            return true;
    return false;
}

int64_t programEntryPriority(const ir::Table& table, size_t index) {
    const ir::TableEntry& te = table.entries.at(index);
    if (!te.priority) return static_cast<int64_t>(table.entries.size() - index);
    bool largestWins = true;
    for (const auto& [name, value] : table.properties)
        if (name == "largest_priority_wins" && value == "false") largestWins = false;
    const auto p = static_cast<int64_t>(*te.priority);
    return largestWins ? p : -p;
}

bool matches(const KeyMatch& key, const BigInt& value) {
    switch (key.kind) {
        case KeyMatch::Kind::Exact:
            return value == key.value;
        case KeyMatch::Kind::Ternary:
        case KeyMatch::Kind::Lpm:
            return (value & key.mask) == (key.value & key.mask);
        case KeyMatch::Kind::Range:
            return key.value <= value && value <= key.high;
        case KeyMatch::Kind::DontCare:
            return true;
    }
    return false;
}

std::string formatMatch(const KeyMatch& key) {
    switch (key.kind) {
        case KeyMatch::Kind::Exact:
            return number(key.value);
        case KeyMatch::Kind::Ternary:
            return number(key.value) + "&&&" + number(key.mask);
        case KeyMatch::Kind::Lpm:
            return number(key.value) + "/" + std::to_string(key.prefixLen);
        case KeyMatch::Kind::Range:
            return number(key.value) + "->" + number(key.high);
        case KeyMatch::Kind::DontCare:
            return "*";
    }
    return "?";
}

std::string formatEntry(const ir::Program& program, const Entry& entry) {
    std::string out;
    const ir::Table* t = entry.table >= 0 && entry.table < static_cast<int>(program.tables.size())
                             ? &program.tables[entry.table]
                             : nullptr;
    for (size_t i = 0; i < entry.keys.size(); ++i) {
        if (i) out += " ";
        if (t && i < t->keys.size()) out += t->keys[i].name + "=";
        out += formatMatch(entry.keys[i]);
    }
    if (!out.empty()) out += " ";
    out += "-> ";
    const ir::ActionCall& c = entry.action;
    const ir::Action* a = c.action >= 0 && c.action < static_cast<int>(program.actions.size())
                              ? &program.actions[c.action]
                              : nullptr;
    out += a ? a->name : "<none>";
    out += "(";
    for (size_t i = 0; i < c.args.size(); ++i) {
        if (i) out += ", ";
        if (a && i < a->params.size()) out += a->params[i].name + "=";
        out += number(c.args[i]);
    }
    out += ")";
    if (entry.priority) out += " priority " + std::to_string(*entry.priority);
    return out;
}

bool sameMatch(const Entry& a, const Entry& b) {
    if (a.table != b.table || a.keys.size() != b.keys.size()) return false;
    for (size_t i = 0; i < a.keys.size(); ++i) {
        const KeyMatch& x = a.keys[i];
        const KeyMatch& y = b.keys[i];
        if (x.kind != y.kind) return false;
        switch (x.kind) {
            case KeyMatch::Kind::Exact:
                if (x.value != y.value) return false;
                break;
            case KeyMatch::Kind::Ternary:
                if (x.mask != y.mask || (x.value & x.mask) != (y.value & y.mask)) return false;
                break;
            case KeyMatch::Kind::Lpm:
                if (x.prefixLen != y.prefixLen || (x.value & x.mask) != (y.value & y.mask))
                    return false;
                break;
            case KeyMatch::Kind::Range:
                if (x.value != y.value || x.high != y.high) return false;
                break;
            case KeyMatch::Kind::DontCare:
                break;
        }
    }
    return a.priority.value_or(0) == b.priority.value_or(0);
}

size_t matchHash(const Entry& e) {
    size_t h = std::hash<int>{}(e.table);
    auto add = [&h](size_t v) { boost::hash_combine(h, v); };
    for (const KeyMatch& x : e.keys) {
        add(static_cast<size_t>(x.kind));
        switch (x.kind) {
            case KeyMatch::Kind::Exact:
                add(hash_value(x.value));
                break;
            case KeyMatch::Kind::Ternary:
                add(hash_value(x.mask));
                add(hash_value(BigInt(x.value & x.mask)));
                break;
            case KeyMatch::Kind::Lpm:
                add(static_cast<size_t>(x.prefixLen));
                add(hash_value(BigInt(x.value & x.mask)));
                break;
            case KeyMatch::Kind::Range:
                add(hash_value(x.value));
                add(hash_value(x.high));
                break;
            case KeyMatch::Kind::DontCare:
                break;
        }
    }
    add(std::hash<int64_t>{}(e.priority.value_or(0)));
    return h;
}

}  // namespace hop::tables
