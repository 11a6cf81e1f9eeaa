// SPDX-License-Identifier: Apache-2.0
// The Parser of entry_parse.hpp: table, action, key and parameter names; key values in STF and
// BMv2 syntax; action calls.
#include <regex>

#include "runtime/tables/entry_parse.hpp"

namespace hop::tables::parse {

bool Parser::fail(int offset, std::string message) {
    error_.where = origin_;
    if (offset >= 0) error_.where.col = (origin_.col > 0 ? origin_.col : 1) + offset;
    error_.message = std::move(message);
    return false;
}

ir::TableId Parser::table(const std::string& name, int offset) {
    std::vector<std::string> names;
    for (const auto& t : p_.tables) names.push_back(t.name);
    std::vector<std::string> cands;
    int i = resolveName(names, name, &cands);
    if (i == -1) fail(offset, "unknown table '" + name + "'");
    if (i == -2) fail(offset, "table name '" + name + "' is ambiguous: " + join(cands));
    return i;
}

// The action among the table's; `forDefault` checks the scope the other way round.
ir::ActionId Parser::action(const ir::Table& t, const std::string& name, bool forDefault,
                            int offset) {
    std::vector<std::string> names;
    for (const auto& r : t.actions) names.push_back(p_.actions.at(r.action).name);
    std::vector<std::string> cands;
    int i = resolveName(names, name, &cands);
    if (i == -2) {
        fail(offset,
             "action name '" + name + "' is ambiguous in table '" + t.name + "': " + join(cands));
        return -1;
    }
    if (i == -1) {
        std::vector<std::string> all;
        for (const auto& a : p_.actions) all.push_back(a.name);
        int j = resolveName(all, name);
        if (j >= 0)
            fail(offset,
                 "action '" + p_.actions[j].name + "' is not an action of table '" + t.name + "'");
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

int Parser::keyIndex(const ir::Table& t, const std::string& name, int offset) {
    std::vector<std::string> names;
    for (const auto& k : t.keys) names.push_back(k.name);
    std::vector<std::string> cands;
    int i = resolveName(names, name, &cands);
    if (i == -1) {
        // BMv2's JSON (and so p4c's STF files) names a stack element `s$2` where P4 writes
        // `s[2]`.
        static const std::regex kElement(R"(\$([0-9]+))");
        const std::string p4 = std::regex_replace(name, kElement, "[$1]");
        if (p4 != name) i = resolveName(names, p4, &cands);
    }
    if (i == -1) fail(offset, "table '" + t.name + "' has no key '" + name + "'");
    if (i == -2)
        fail(offset,
             "key name '" + name + "' is ambiguous in table '" + t.name + "': " + join(cands));
    return i;
}

int Parser::paramIndex(const ir::Action& a, const std::string& name, int offset) {
    for (size_t i = 0; i < a.params.size(); ++i)
        if (a.params[i].name == name) return static_cast<int>(i);
    fail(offset, "action '" + a.name + "' has no parameter '" + name + "'");
    return -1;
}

std::optional<BigInt> Parser::param(const ir::Action& a, int index, const std::string& text,
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

std::optional<BigInt> Parser::keyValue(const ir::TableKey& k, const std::string& text, int offset) {
    std::string err;
    auto v = parseValue(text, k.width, err);
    if (!v) fail(offset, err + " for key '" + k.name + "' (" + typeName(k.width) + ")");
    return v;
}

// One key in STF or BMv2 syntax (they overlap; both are accepted everywhere).
std::optional<KeyMatch> Parser::key(const ir::TableKey& k, const std::string& rawText, int offset) {
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
        auto hi =
            keyValue(k, text.substr(arrow + arrowLen), offset + static_cast<int>(arrow + arrowLen));
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
            fail(offset + static_cast<int>(slash) + 1, "prefix length " + len.str() +
                                                           " is longer than key '" + k.name +
                                                           "' (" + std::to_string(w) + " bits)");
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
std::optional<KeyMatch> Parser::missingKey(const ir::Table& t, int index, int offset) {
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
bool Parser::stfAction(const ir::Table& t, const std::string& text, int offset, bool forDefault,
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
                    return fail(argOffset,
                                "expected NAME:VALUE, got '" + std::string(trimView(arg)) + "'");
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
            return fail(offset,
                        "missing parameter '" + a.params[i].name + "' of action '" + a.name + "'");
    return true;
}

// BMv2 positional parameters.
bool Parser::positionalArgs(const ir::Action& a, const std::vector<Token>& words, int offset,
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

std::string Parser::join(const std::vector<std::string>& v) {
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
    return out;
}

bool Parser::isRangeDots(const std::string& text, size_t at) {
    return at > 0 && at + 2 < text.size() && text[at + 2] != '.';
}

KeyMatch Parser::ternary(const BigInt& v, const BigInt& mask) {
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

KeyMatch Parser::prefix(ir::MatchKind kind, const BigInt& v, int width, int len) {
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
std::optional<KeyMatch> Parser::nibbles(const ir::TableKey& k, const std::string& text,
                                        int offset) {
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
        fail(offset,
             "value '" + text + "' does not fit key '" + k.name + "' (" + typeName(k.width) + ")");
        return std::nullopt;
    }
    mask &= ones(k.width);
    if (k.matchKind == ir::MatchKind::Lpm) {
        if (digitAfterStar) {
            fail(offset, "wildcards of lpm key '" + k.name + "' must be trailing: '" + text + "'");
            return std::nullopt;
        }
        return prefix(k.matchKind, value, k.width, k.width - stars * bitsPerDigit);
    }
    return ternary(value, mask);
}

}  // namespace hop::tables::parse
