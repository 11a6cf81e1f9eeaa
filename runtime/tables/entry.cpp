// SPDX-License-Identifier: Apache-2.0
// Parsers of the three table-entry forms, and key matching. Every check that can be made
// against the program alone is made here, so the model, the RTL drivers and hopd report the
// same errors with the same words; checks that need table state (duplicates, size) are the
// model's.
#include "runtime/tables/entry.hpp"

#include <algorithm>
#include <boost/container_hash/hash.hpp>
#include <cctype>
#include <sstream>

namespace hop::tables {

namespace {

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

struct Token {
    std::string text;
    int offset = 0;  // in the line
};

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

// Shared state of one parse: the program, where the text came from, the error to fill.
class Parser {
  public:
    Parser(const ir::Program& p, const Origin& origin, ParseError& error)
        : p_(p), origin_(origin), error_(error) {}

    bool fail(int offset, std::string message) {
        error_.where = origin_;
        if (offset >= 0) error_.where.col = (origin_.col > 0 ? origin_.col : 1) + offset;
        error_.message = std::move(message);
        return false;
    }

    // --- names ---------------------------------------------------------------------------

    ir::TableId table(const std::string& name, int offset) {
        std::vector<std::string> names;
        for (const auto& t : p_.tables) names.push_back(t.name);
        std::vector<std::string> cands;
        int i = resolveName(names, name, &cands);
        if (i == -1) fail(offset, "unknown table '" + name + "'");
        if (i == -2) fail(offset, "table name '" + name + "' is ambiguous: " + join(cands));
        return i;
    }

    // The action among the table's; `forDefault` checks the scope the other way round.
    ir::ActionId action(const ir::Table& t, const std::string& name, bool forDefault, int offset) {
        std::vector<std::string> names;
        for (const auto& r : t.actions) names.push_back(p_.actions.at(r.action).name);
        std::vector<std::string> cands;
        int i = resolveName(names, name, &cands);
        if (i == -2) {
            fail(offset, "action name '" + name + "' is ambiguous in table '" + t.name +
                             "': " + join(cands));
            return -1;
        }
        if (i == -1) {
            std::vector<std::string> all;
            for (const auto& a : p_.actions) all.push_back(a.name);
            int j = resolveName(all, name);
            if (j >= 0)
                fail(offset, "action '" + p_.actions[j].name + "' is not an action of table '" +
                                 t.name + "'");
            else
                fail(offset, "unknown action '" + name + "' for table '" + t.name + "'");
            return -1;
        }
        const ir::ActionRef& ref = t.actions[i];
        const std::string& full = p_.actions.at(ref.action).name;
        if (!forDefault && ref.scope == ir::ActionRef::Scope::DefaultOnly) {
            fail(offset,
                 "action '" + full + "' is default-only (@defaultonly) in table '" + t.name + "'");
            return -1;
        }
        if (forDefault && ref.scope == ir::ActionRef::Scope::TableOnly) {
            fail(offset, "action '" + full + "' cannot be the default action of table '" + t.name +
                             "' (@tableonly)");
            return -1;
        }
        if (forDefault && t.defaultActionIsConst) {
            fail(offset, "the default action of table '" + t.name + "' is const");
            return -1;
        }
        return ref.action;
    }

    int keyIndex(const ir::Table& t, const std::string& name, int offset) {
        std::vector<std::string> names;
        for (const auto& k : t.keys) names.push_back(k.name);
        std::vector<std::string> cands;
        int i = resolveName(names, name, &cands);
        if (i == -1) fail(offset, "table '" + t.name + "' has no key '" + name + "'");
        if (i == -2)
            fail(offset,
                 "key name '" + name + "' is ambiguous in table '" + t.name + "': " + join(cands));
        return i;
    }

    int paramIndex(const ir::Action& a, const std::string& name, int offset) {
        for (size_t i = 0; i < a.params.size(); ++i)
            if (a.params[i].name == name) return static_cast<int>(i);
        fail(offset, "action '" + a.name + "' has no parameter '" + name + "'");
        return -1;
    }

    // --- values --------------------------------------------------------------------------

    std::optional<BigInt> param(const ir::Action& a, int index, const std::string& text,
                                int offset) {
        const ir::ActionParam& prm = a.params.at(index);
        std::string err;
        auto v = parseValue(text, prm.width, err);
        if (!v) {
            fail(offset, err + " for parameter '" + prm.name + "' of action '" + a.name + "' (" +
                             typeName(prm.width) + ")");
        }
        return v;
    }

    std::optional<BigInt> keyValue(const ir::TableKey& k, const std::string& text, int offset) {
        std::string err;
        auto v = parseValue(text, k.width, err);
        if (!v) fail(offset, err + " for key '" + k.name + "' (" + typeName(k.width) + ")");
        return v;
    }

    // One key in STF or BMv2 syntax (they overlap; both are accepted everywhere).
    std::optional<KeyMatch> key(const ir::TableKey& k, const std::string& rawText, int offset) {
        const std::string text(trimView(rawText));
        KeyMatch m;
        const int w = k.width;
        const auto kind = k.matchKind;
        auto wrongForm = [&](const char* form) {
            fail(offset, std::string(form) + " value '" + text + "' is not valid for " +
                             ir::toString(kind) + " key '" + k.name + "'");
            return std::nullopt;
        };
        if (size_t amp = text.find("&&&"); amp != std::string::npos) {
            if (kind != ir::MatchKind::Ternary) return wrongForm("ternary");
            auto v = keyValue(k, text.substr(0, amp), offset);
            if (!v) return std::nullopt;
            auto mask = keyValue(k, text.substr(amp + 3), offset + static_cast<int>(amp) + 3);
            if (!mask) return std::nullopt;
            return ternary(*v, *mask);
        }
        size_t arrow = text.find("->");
        size_t arrowLen = 2;
        if (arrow == std::string::npos) {
            arrow = text.find("..");
            // `..` also appears in nothing else a key can hold (IPv4 has single dots).
            if (arrow != std::string::npos && !isRangeDots(text, arrow)) arrow = std::string::npos;
        }
        if (arrow != std::string::npos) {
            if (kind != ir::MatchKind::Range) return wrongForm("range");
            auto lo = keyValue(k, text.substr(0, arrow), offset);
            if (!lo) return std::nullopt;
            auto hi = keyValue(k, text.substr(arrow + arrowLen),
                               offset + static_cast<int>(arrow + arrowLen));
            if (!hi) return std::nullopt;
            if (*lo > *hi) {
                fail(offset, "range low bound " + lo->str() + " is above high bound " + hi->str() +
                                 " for key '" + k.name + "'");
                return std::nullopt;
            }
            m.kind = KeyMatch::Kind::Range;
            m.value = *lo;
            m.high = *hi;
            return m;
        }
        if (size_t slash = text.find('/'); slash != std::string::npos) {
            if (kind != ir::MatchKind::Lpm && kind != ir::MatchKind::Ternary)
                return wrongForm("prefix");
            auto v = keyValue(k, text.substr(0, slash), offset);
            if (!v) return std::nullopt;
            BigInt len;
            std::string lenText = text.substr(slash + 1);
            if (!parseDigits(lenText, 10, len) || lenText.find('_') != lenText.npos) {
                fail(offset + static_cast<int>(slash) + 1,
                     "invalid prefix length '" + lenText + "' for key '" + k.name + "'");
                return std::nullopt;
            }
            if (len > w) {
                fail(offset + static_cast<int>(slash) + 1,
                     "prefix length " + len.str() + " is longer than key '" + k.name + "' (" +
                         std::to_string(w) + " bits)");
                return std::nullopt;
            }
            return prefix(kind, *v, w, static_cast<int>(len));
        }
        if (text == "*" || text == "_") {
            if (kind == ir::MatchKind::Exact) return wrongForm("wildcard");
            m.kind = KeyMatch::Kind::DontCare;
            return m;
        }
        if (text.find('*') != std::string::npos) return nibbles(k, text, offset);
        auto v = keyValue(k, text, offset);
        if (!v) return std::nullopt;
        switch (kind) {
            case ir::MatchKind::Lpm:
                return prefix(kind, *v, w, w);
            case ir::MatchKind::Ternary:
                return ternary(*v, ones(w));
            case ir::MatchKind::Range:
                m.kind = KeyMatch::Kind::Range;
                m.value = *v;
                m.high = *v;
                return m;
            default:
                m.kind = KeyMatch::Kind::Exact;
                m.value = *v;
                return m;
        }
    }

    // What a key left out of an STF or JSON entry means: p4c writes `0&&&0` / `0/0`.
    std::optional<KeyMatch> missingKey(const ir::Table& t, int index, int offset) {
        const ir::TableKey& k = t.keys[index];
        KeyMatch m;
        switch (k.matchKind) {
            case ir::MatchKind::Exact:
            case ir::MatchKind::Selector:
                fail(offset, "missing key '" + k.name + "' of table '" + t.name + "'");
                return std::nullopt;
            case ir::MatchKind::Lpm:
                return prefix(k.matchKind, 0, k.width, 0);
            case ir::MatchKind::Range:
                m.kind = KeyMatch::Kind::Range;
                m.value = 0;
                m.high = ones(k.width);
                return m;
            default:
                m.kind = KeyMatch::Kind::DontCare;
                return m;
        }
    }

    // `name(arg:value, ...)` starting at `offset` of the line.
    bool stfAction(const ir::Table& t, const std::string& text, int offset, bool forDefault,
                   ir::ActionCall& call) {
        size_t open = text.find('(');
        std::string name(trimView(text.substr(0, open)));
        if (name.empty()) return fail(offset, "missing action name");
        ir::ActionId id = action(t, name, forDefault, offset);
        if (id < 0) return false;
        const ir::Action& a = p_.actions[id];
        call.action = id;
        call.args.assign(a.params.size(), 0);
        std::vector<bool> seen(a.params.size(), false);
        if (open != std::string::npos) {
            size_t close = text.rfind(')');
            if (close == std::string::npos || close < open)
                return fail(offset + static_cast<int>(open), "missing ')' after the arguments");
            if (!trimView(text.substr(close + 1)).empty())
                return fail(offset + static_cast<int>(close) + 1, "unexpected text after ')'");
            size_t pos = open + 1;
            while (pos < close) {
                size_t comma = text.find(',', pos);
                if (comma == std::string::npos || comma > close) comma = close;
                std::string arg = text.substr(pos, comma - pos);
                int argOffset = offset + static_cast<int>(pos);
                if (!trimView(arg).empty()) {
                    size_t colon = arg.find(':');
                    if (colon == std::string::npos)
                        return fail(argOffset, "expected NAME:VALUE, got '" +
                                                   std::string(trimView(arg)) + "'");
                    std::string pname(trimView(arg.substr(0, colon)));
                    int pi = paramIndex(a, pname, argOffset);
                    if (pi < 0) return false;
                    if (seen[pi]) return fail(argOffset, "parameter '" + pname + "' given twice");
                    auto v = param(a, pi, std::string(trimView(arg.substr(colon + 1))),
                                   argOffset + static_cast<int>(colon) + 1);
                    if (!v) return false;
                    call.args[pi] = *v;
                    seen[pi] = true;
                } else if (comma != close) {
                    return fail(argOffset, "empty argument");
                }
                pos = comma + 1;
            }
        }
        for (size_t i = 0; i < a.params.size(); ++i)
            if (!seen[i])
                return fail(offset, "missing parameter '" + a.params[i].name + "' of action '" +
                                        a.name + "'");
        return true;
    }

    // BMv2 positional parameters.
    bool positionalArgs(const ir::Action& a, const std::vector<Token>& words, int offset,
                        ir::ActionCall& call) {
        if (words.size() != a.params.size())
            return fail(words.empty() ? offset : words[0].offset,
                        "action '" + a.name + "' takes " + std::to_string(a.params.size()) +
                            " parameter(s), got " + std::to_string(words.size()));
        call.args.assign(a.params.size(), 0);
        for (size_t i = 0; i < words.size(); ++i) {
            auto v = param(a, static_cast<int>(i), words[i].text, words[i].offset);
            if (!v) return false;
            call.args[i] = *v;
        }
        return true;
    }

    static std::string join(const std::vector<std::string>& v) {
        std::string out;
        for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
        return out;
    }

  private:
    static bool isRangeDots(const std::string& text, size_t at) {
        return at > 0 && at + 2 < text.size() && text[at + 2] != '.';
    }

    static KeyMatch ternary(const BigInt& v, const BigInt& mask) {
        KeyMatch m;
        if (mask == 0) {
            m.kind = KeyMatch::Kind::DontCare;
            return m;
        }
        m.kind = KeyMatch::Kind::Ternary;
        m.value = v & mask;
        m.mask = mask;
        return m;
    }

    static KeyMatch prefix(ir::MatchKind kind, const BigInt& v, int width, int len) {
        BigInt mask = prefixMask(width, len);
        if (kind == ir::MatchKind::Ternary) return ternary(v, mask);
        KeyMatch m;
        m.kind = KeyMatch::Kind::Lpm;
        m.prefixLen = len;
        m.mask = mask;
        m.value = v & mask;
        return m;
    }

    // STF `0x0a**`, `0b10**`: each `*` digit is a wildcard of 4, 1 or 3 bits.
    std::optional<KeyMatch> nibbles(const ir::TableKey& k, const std::string& text, int offset) {
        const std::string l = lower(text);
        int bitsPerDigit = 0;
        if (l.size() > 2 && l[0] == '0') {
            if (l[1] == 'x') bitsPerDigit = 4;
            if (l[1] == 'b') bitsPerDigit = 1;
            if (l[1] == 'o') bitsPerDigit = 3;
        }
        if (bitsPerDigit == 0 || k.matchKind == ir::MatchKind::Exact ||
            k.matchKind == ir::MatchKind::Range) {
            fail(offset, "wildcard value '" + text + "' is not valid for " +
                             std::string(ir::toString(k.matchKind)) + " key '" + k.name +
                             "' (wildcards need 0x, 0b or 0o and a ternary or lpm key)");
            return std::nullopt;
        }
        const int base = 1 << bitsPerDigit;
        BigInt value = 0, mask = 0;
        int digits = 0, stars = 0;
        bool starSeen = false, digitAfterStar = false;
        for (size_t i = 2; i < l.size(); ++i) {
            char c = l[i];
            if (c == '_') continue;
            const BigInt digitMask = base - 1;
            if (c == '*') {
                value <<= bitsPerDigit;
                mask <<= bitsPerDigit;
                ++stars;
                starSeen = true;
            } else {
                int d = digitValue(c);
                if (d >= base) {
                    fail(offset, "invalid value '" + text + "' for key '" + k.name + "'");
                    return std::nullopt;
                }
                value = (value << bitsPerDigit) | d;
                mask = (mask << bitsPerDigit) | digitMask;
                digitAfterStar = digitAfterStar || starSeen;
            }
            ++digits;
        }
        const int patternBits = digits * bitsPerDigit;
        // Bits above the pattern are zero (a number is a number): they take part in the match.
        if (patternBits < k.width) mask |= ones(k.width) ^ ones(patternBits);
        // A pattern longer than the key is fine only when what sticks out is a zero value
        // digit, as in `0x1**` for a 9-bit port.
        if (value > ones(k.width) || (stars * bitsPerDigit > k.width)) {
            fail(offset, "value '" + text + "' does not fit key '" + k.name + "' (" +
                             typeName(k.width) + ")");
            return std::nullopt;
        }
        mask &= ones(k.width);
        if (k.matchKind == ir::MatchKind::Lpm) {
            if (digitAfterStar) {
                fail(offset,
                     "wildcards of lpm key '" + k.name + "' must be trailing: '" + text + "'");
                return std::nullopt;
            }
            return prefix(k.matchKind, value, k.width, k.width - stars * bitsPerDigit);
        }
        return ternary(value, mask);
    }

    const ir::Program& p_;
    Origin origin_;
    ParseError& error_;
};

std::optional<Command> stfAdd(Parser& ps, const ir::Program& p, const std::string& line,
                              size_t pos) {
    // Keys are words up to the first word holding '('; the action call is the rest of the line
    // (its arguments may contain spaces).
    std::vector<Token> words = splitWords(line.substr(pos));
    for (auto& w : words) w.offset += static_cast<int>(pos);
    if (words.empty()) {
        ps.fail(static_cast<int>(pos), "expected a table name after 'add'");
        return std::nullopt;
    }
    Command cmd;
    cmd.kind = Command::Kind::Add;
    ir::TableId tid = ps.table(words[0].text, words[0].offset);
    if (tid < 0) return std::nullopt;
    const ir::Table& t = p.tables[tid];
    cmd.entry.table = tid;
    size_t i = 1;
    std::optional<int64_t> priority;
    if (i < words.size() && !words[i].text.empty() &&
        std::all_of(words[i].text.begin(), words[i].text.end(),
                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
        if (words[i].text.size() > 15) {
            ps.fail(words[i].offset, "priority '" + words[i].text + "' is too large");
            return std::nullopt;
        }
        priority = std::stoll(words[i].text);
        ++i;
    }
    std::vector<std::optional<KeyMatch>> keys(t.keys.size());
    int actionOffset = -1;
    for (; i < words.size(); ++i) {
        const Token& w = words[i];
        if (w.text.find('(') != std::string::npos || w.text.find(':') == std::string::npos) {
            actionOffset = w.offset;
            break;
        }
        size_t colon = w.text.find(':');
        std::string name = w.text.substr(0, colon);
        int ki = ps.keyIndex(t, name, w.offset);
        if (ki < 0) return std::nullopt;
        if (keys[ki]) {
            ps.fail(w.offset, "key '" + t.keys[ki].name + "' given twice");
            return std::nullopt;
        }
        keys[ki] =
            ps.key(t.keys[ki], w.text.substr(colon + 1), w.offset + static_cast<int>(colon) + 1);
        if (!keys[ki]) return std::nullopt;
    }
    if (actionOffset < 0) {
        ps.fail(static_cast<int>(line.size()), "missing action for table '" + t.name + "'");
        return std::nullopt;
    }
    for (size_t k = 0; k < keys.size(); ++k) {
        if (keys[k]) continue;
        keys[k] = ps.missingKey(t, static_cast<int>(k), words[0].offset);
        if (!keys[k]) return std::nullopt;
    }
    for (auto& k : keys) cmd.entry.keys.push_back(*k);
    if (!ps.stfAction(t, line.substr(actionOffset), actionOffset, false, cmd.entry.action))
        return std::nullopt;
    // Exact and LPM tables order entries by match alone, as BMv2 does (p4c drops the number).
    if (needsPriority(t)) cmd.entry.priority = priority.value_or(0);
    return cmd;
}

std::optional<Command> stfSetDefault(Parser& ps, const ir::Program& p, const std::string& line,
                                     size_t pos) {
    std::vector<Token> words = splitWords(line.substr(pos));
    for (auto& w : words) w.offset += static_cast<int>(pos);
    if (words.size() < 2) {
        ps.fail(static_cast<int>(pos), "expected 'setdefault TABLE ACTION(ARGS)'");
        return std::nullopt;
    }
    ir::TableId tid = ps.table(words[0].text, words[0].offset);
    if (tid < 0) return std::nullopt;
    Command cmd;
    cmd.kind = Command::Kind::SetDefault;
    cmd.entry.table = tid;
    if (!ps.stfAction(p.tables[tid], line.substr(words[1].offset), words[1].offset, true,
                      cmd.entry.action))
        return std::nullopt;
    return cmd;
}

bool parseHandle(Parser& ps, const Token& w, std::optional<int>& handle) {
    BigInt h;
    if (!parseDigits(w.text, 10, h) || w.text.find('_') != w.text.npos || h > INT32_MAX)
        return ps.fail(w.offset, "invalid entry handle '" + w.text + "'");
    handle = static_cast<int>(h);
    return true;
}

// Splits BMv2 parameters at an optional `=>`.
std::vector<Token> afterArrow(const std::vector<Token>& words, size_t from) {
    std::vector<Token> out;
    for (size_t i = from; i < words.size(); ++i)
        if (!(i == from && words[i].text == "=>")) out.push_back(words[i]);
    return out;
}

std::optional<Command> bmv2(Parser& ps, const ir::Program& p, const std::vector<Token>& words,
                            int lineEnd) {
    const std::string& verb = words[0].text;
    Command cmd;
    auto needWords = [&](size_t n, const char* usage) {
        if (words.size() >= n) return true;
        return ps.fail(words.size() > 1 ? words.back().offset : words[0].offset,
                       std::string("usage: ") + usage);
    };
    ir::TableId tid = -1;
    auto table = [&]() {
        tid = ps.table(words[1].text, words[1].offset);
        cmd.entry.table = tid;
        return tid >= 0;
    };
    if (verb == "table_clear") {
        if (!needWords(2, "table_clear TABLE") || !table()) return std::nullopt;
        if (words.size() > 2) {
            ps.fail(words[2].offset, "unexpected '" + words[2].text + "'");
            return std::nullopt;
        }
        cmd.kind = Command::Kind::Clear;
        return cmd;
    }
    if (verb == "table_delete") {
        if (!needWords(3, "table_delete TABLE HANDLE") || !table()) return std::nullopt;
        if (words.size() > 3) {
            ps.fail(words[3].offset, "unexpected '" + words[3].text + "'");
            return std::nullopt;
        }
        cmd.kind = Command::Kind::Delete;
        if (!parseHandle(ps, words[2], cmd.handle)) return std::nullopt;
        return cmd;
    }
    if (verb == "table_set_default") {
        if (!needWords(3, "table_set_default TABLE ACTION [=>] PARAMS...") || !table())
            return std::nullopt;
        cmd.kind = Command::Kind::SetDefault;
        const ir::Table& t = p.tables[tid];
        ir::ActionId a = ps.action(t, words[2].text, true, words[2].offset);
        if (a < 0) return std::nullopt;
        cmd.entry.action.action = a;
        if (!ps.positionalArgs(p.actions[a], afterArrow(words, 3), lineEnd, cmd.entry.action))
            return std::nullopt;
        return cmd;
    }
    if (verb == "table_modify") {
        if (!needWords(4, "table_modify TABLE ACTION HANDLE [=>] PARAMS...") || !table())
            return std::nullopt;
        cmd.kind = Command::Kind::Modify;
        const ir::Table& t = p.tables[tid];
        ir::ActionId a = ps.action(t, words[2].text, false, words[2].offset);
        if (a < 0) return std::nullopt;
        if (!parseHandle(ps, words[3], cmd.handle)) return std::nullopt;
        cmd.entry.action.action = a;
        if (!ps.positionalArgs(p.actions[a], afterArrow(words, 4), lineEnd, cmd.entry.action))
            return std::nullopt;
        return cmd;
    }
    if (verb == "table_add") {
        if (!needWords(3, "table_add TABLE ACTION KEYS... => PARAMS... [PRIORITY]") || !table())
            return std::nullopt;
        cmd.kind = Command::Kind::Add;
        const ir::Table& t = p.tables[tid];
        ir::ActionId a = ps.action(t, words[2].text, false, words[2].offset);
        if (a < 0) return std::nullopt;
        std::vector<Token> rest(words.begin() + 3, words.end());
        if (needsPriority(t)) {
            // BMv2's CLI takes the priority from the end of the line, before anything else.
            if (rest.empty() || rest.back().text == "=>") {
                ps.fail(lineEnd, "table '" + t.name +
                                     "' has a ternary, range or optional key: the entry needs "
                                     "a priority (last word)");
                return std::nullopt;
            }
            BigInt prio;
            const Token& pw = rest.back();
            if (!parseDigits(pw.text, 10, prio) || pw.text.find('_') != pw.text.npos ||
                prio > INT32_MAX) {
                ps.fail(pw.offset, "invalid priority '" + pw.text + "' for table '" + t.name +
                                       "' (the last word of a ternary entry is its priority)");
                return std::nullopt;
            }
            // BMv2: the smallest number wins; stored negated so that larger always wins.
            cmd.entry.priority = -static_cast<int64_t>(prio);
            rest.pop_back();
        }
        std::vector<Token> keyWords, paramWords;
        bool arrow = false;
        for (const auto& w : rest) {
            if (w.text == "=>" && !arrow) {
                arrow = true;
                continue;
            }
            (arrow ? paramWords : keyWords).push_back(w);
        }
        if (keyWords.size() != t.keys.size()) {
            ps.fail(keyWords.empty() ? lineEnd : keyWords[0].offset,
                    "table '" + t.name + "' needs " + std::to_string(t.keys.size()) +
                        " key value(s), got " + std::to_string(keyWords.size()));
            return std::nullopt;
        }
        for (size_t k = 0; k < keyWords.size(); ++k) {
            auto m = ps.key(t.keys[k], keyWords[k].text, keyWords[k].offset);
            if (!m) return std::nullopt;
            cmd.entry.keys.push_back(*m);
        }
        cmd.entry.action.action = a;
        if (!ps.positionalArgs(p.actions[a], paramWords, lineEnd, cmd.entry.action))
            return std::nullopt;
        return cmd;
    }
    ps.fail(words[0].offset, "unsupported command '" + verb + "'");
    return std::nullopt;
}

// A JSON scalar as text for parseValue.
bool jsonValueText(const nlohmann::json& v, std::string& out) {
    if (v.is_string()) {
        out = v.get<std::string>();
        return true;
    }
    if (v.is_number_unsigned()) {
        out = std::to_string(v.get<uint64_t>());
        return true;
    }
    if (v.is_number_integer()) {
        out = std::to_string(v.get<int64_t>());
        return true;
    }
    if (v.is_boolean()) {
        out = v.get<bool>() ? "1" : "0";
        return true;
    }
    return false;
}

}  // namespace

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

std::optional<Command> parseStfTableCommand(const ir::Program& program, const std::string& line,
                                            const Origin& origin, ParseError& error) {
    error = ParseError{origin, {}};
    // Comments run to the end of the line, as in p4c's reader.
    std::string text = line.substr(0, line.find('#'));
    if (isBlankOrComment(text)) return std::nullopt;
    Parser ps(program, origin, error);
    std::vector<Token> words = splitWords(text);
    const std::string& verb = words[0].text;
    size_t rest = words[0].offset + verb.size();
    if (verb == "add") return stfAdd(ps, program, text, rest);
    if (verb == "setdefault") return stfSetDefault(ps, program, text, rest);
    ps.fail(words[0].offset, "expected 'add' or 'setdefault', got '" + verb + "'");
    return std::nullopt;
}

std::optional<Command> parseBmv2Command(const ir::Program& program, const std::string& line,
                                        const Origin& origin, ParseError& error) {
    error = ParseError{origin, {}};
    if (isBlankOrComment(line)) return std::nullopt;
    Parser ps(program, origin, error);
    std::vector<Token> words = splitWords(line);
    return bmv2(ps, program, words, static_cast<int>(line.find_last_not_of(" \t\r\n") + 1));
}

std::optional<std::vector<Command>> parseRuntimeJson(const ir::Program& program,
                                                     const nlohmann::json& doc,
                                                     const std::string& file, ParseError& error) {
    error = ParseError{{file, 0, 0}, {}};
    auto fail = [&](int index, const std::string& message) {
        error.where = {file, index + 1, 0};
        error.message =
            (index >= 0 ? "table_entries[" + std::to_string(index) + "]: " : std::string()) +
            message;
        return std::nullopt;
    };
    if (!doc.is_object()) return fail(-1, "expected a JSON object with \"table_entries\"");
    for (const char* unsupported : {"multicast_group_entries", "clone_session_entries"})
        if (doc.contains(unsupported) && !doc[unsupported].empty())
            return fail(-1, std::string("\"") + unsupported + "\" is not supported by hopline");
    std::vector<Command> out;
    if (!doc.contains("table_entries")) return out;
    const auto& entries = doc["table_entries"];
    if (!entries.is_array()) return fail(-1, "\"table_entries\" must be an array");
    for (size_t n = 0; n < entries.size(); ++n) {
        const int idx = static_cast<int>(n);
        const auto& e = entries[n];
        ParseError sub;
        Parser ps(program, {file, idx + 1, 0}, sub);
        auto subFail = [&]() {
            error.where = {file, idx + 1, 0};
            error.message = "table_entries[" + std::to_string(idx) + "]: " + sub.message;
            return std::nullopt;
        };
        if (!e.is_object()) return fail(idx, "expected an object");
        if (!e.contains("table") || !e["table"].is_string()) return fail(idx, "missing \"table\"");
        ir::TableId tid = ps.table(e["table"].get<std::string>(), -1);
        if (tid < 0) return subFail();
        const ir::Table& t = program.tables[tid];
        Command cmd;
        cmd.entry.table = tid;
        const bool isDefault = e.contains("default_action") && e["default_action"].is_boolean() &&
                               e["default_action"].get<bool>();
        cmd.kind = isDefault ? Command::Kind::SetDefault : Command::Kind::Add;
        if (!e.contains("action_name") || !e["action_name"].is_string())
            return fail(idx, "missing \"action_name\"");
        ir::ActionId aid = ps.action(t, e["action_name"].get<std::string>(), isDefault, -1);
        if (aid < 0) return subFail();
        const ir::Action& a = program.actions[aid];
        cmd.entry.action.action = aid;
        cmd.entry.action.args.assign(a.params.size(), 0);
        std::vector<bool> seen(a.params.size(), false);
        if (e.contains("action_params")) {
            const auto& params = e["action_params"];
            if (!params.is_object()) return fail(idx, "\"action_params\" must be an object");
            for (auto it = params.begin(); it != params.end(); ++it) {
                int pi = ps.paramIndex(a, it.key(), -1);
                if (pi < 0) return subFail();
                std::string text;
                if (!jsonValueText(it.value(), text))
                    return fail(idx, "parameter '" + it.key() + "' must be a number or a string");
                auto v = ps.param(a, pi, text, -1);
                if (!v) return subFail();
                cmd.entry.action.args[pi] = *v;
                seen[pi] = true;
            }
        }
        for (size_t i = 0; i < a.params.size(); ++i)
            if (!seen[i])
                return fail(
                    idx, "missing parameter '" + a.params[i].name + "' of action '" + a.name + "'");
        if (!isDefault) {
            std::vector<std::optional<KeyMatch>> keys(t.keys.size());
            if (e.contains("match")) {
                const auto& match = e["match"];
                if (!match.is_object()) return fail(idx, "\"match\" must be an object");
                for (auto it = match.begin(); it != match.end(); ++it) {
                    int ki = ps.keyIndex(t, it.key(), -1);
                    if (ki < 0) return subFail();
                    const ir::TableKey& k = t.keys[ki];
                    const auto& v = it.value();
                    std::string text, second;
                    const bool pair = v.is_array();
                    if (pair) {
                        if (v.size() != 2 || !jsonValueText(v[0], text) ||
                            !jsonValueText(v[1], second))
                            return fail(idx, "key '" + k.name + "' must be [value, " +
                                                 (k.matchKind == ir::MatchKind::Lpm ? "prefix_len"
                                                  : k.matchKind == ir::MatchKind::Range ? "high"
                                                                                        : "mask") +
                                                 "]");
                    } else if (!jsonValueText(v, text)) {
                        return fail(idx, "key '" + k.name + "' must be a number or a string");
                    }
                    std::string form = text;
                    if (pair) {
                        switch (k.matchKind) {
                            case ir::MatchKind::Lpm:
                                form = text + "/" + second;
                                break;
                            case ir::MatchKind::Ternary:
                                form = text + "&&&" + second;
                                break;
                            case ir::MatchKind::Range:
                                form = text + "->" + second;
                                break;
                            default:
                                return fail(idx, "key '" + k.name + "' is " +
                                                     ir::toString(k.matchKind) +
                                                     ": expected one value, not a pair");
                        }
                    }
                    keys[ki] = ps.key(k, form, -1);
                    if (!keys[ki]) return subFail();
                }
            }
            for (size_t k = 0; k < keys.size(); ++k) {
                if (!keys[k]) keys[k] = ps.missingKey(t, static_cast<int>(k), -1);
                if (!keys[k]) return subFail();
                cmd.entry.keys.push_back(*keys[k]);
            }
            if (e.contains("priority")) {
                if (!e["priority"].is_number_integer())
                    return fail(idx, "\"priority\" must be an integer");
                if (needsPriority(t)) cmd.entry.priority = e["priority"].get<int64_t>();
            } else if (needsPriority(t)) {
                cmd.entry.priority = 0;
            }
        }
        out.push_back(std::move(cmd));
    }
    return out;
}

}  // namespace hop::tables
