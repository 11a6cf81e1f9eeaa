// SPDX-License-Identifier: Apache-2.0
// Character-level helpers behind the grammar's lexical primitives (see grammar.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "parser/grammar.hpp"

namespace hop::parser {

namespace {
thread_local ParseState* currentState = nullptr;

bool isDigit(char c) { return c >= '0' && c <= '9'; }

int digitValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'z') return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
    return 99;
}

// Digits in `radix` with `_` separators after the first digit; returns the end.
const char* scanDigits(const char* p, const char* end, int radix, BigInt& value, bool& any) {
    any = false;
    while (p < end) {
        if (*p == '_' && any) {
            ++p;
            continue;
        }
        int d = digitValue(*p);
        if (d >= radix) break;
        value = value * radix + d;
        any = true;
        ++p;
    }
    return p;
}
}  // namespace

ParseState& state() { return *currentState; }

StateScope::StateScope(ParseState& s) : saved_(currentState) { currentState = &s; }
StateScope::~StateScope() { currentState = saved_; }

bool isIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isIdentChar(char c) { return isIdentStart(c) || isDigit(c); }

const char* skipTrivia(const char* p, const char* end) {
    while (p < end) {
        char c = *p;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            ++p;
        } else if (c == '/' && p + 1 < end && p[1] == '/') {
            while (p < end && *p != '\n') ++p;
        } else if (c == '/' && p + 1 < end && p[1] == '*') {
            const char* close = std::search(p + 2, end, "*/", "*/" + 2);
            p = close == end ? end : close + 2;
        } else {
            break;
        }
    }
    return p;
}

const char* scanWord(const char* p, const char* end) {
    if (p >= end || !isIdentStart(*p)) return p;
    ++p;
    while (p < end && isIdentChar(*p)) ++p;
    return p;
}

WordKind classifyWord(std::string_view w) {
    static constexpr std::array<std::string_view, 35> keywords = {
        "abstract",     "action", "bit",     "bool",       "const",     "control", "default",
        "else",         "enum",   "error",   "exit",       "extern",    "false",   "header",
        "header_union", "if",     "int",     "match_kind", "package",   "parser",  "return",
        "select",       "string", "struct",  "switch",     "table",     "this",    "transition",
        "true",         "tuple",  "typedef", "varbit",     "value_set", "void",    "_"};
    // Directions are keywords in p4c; accepting them as names is harmless (a parameter's
    // direction is read before its type) and real programs have fields named `out`.
    static constexpr std::array<std::string_view, 11> soft = {
        "apply",    "key",  "actions", "state", "entries", "type",
        "priority", "list", "in",      "out",   "inout"};
    if (std::find(keywords.begin(), keywords.end(), w) != keywords.end()) return WordKind::Keyword;
    if (std::find(soft.begin(), soft.end(), w) != soft.end()) return WordKind::SoftKeyword;
    return WordKind::Identifier;
}

size_t operatorLength(const char* p, const char* end) {
    // Longest first, so that a shorter token never matches the start of a longer one.
    static constexpr std::array<std::string_view, 42> ops = {
        "&&&", "|+|", "|-|", "...", "&&", "||", "==", "!=", "<=", ">=", "<<", ">>", "++", "..",
        "&",   "|",   "^",   "~",   "!",  "+",  "-",  "*",  "/",  "%",  "<",  ">",  "=",  "?",
        ":",   ".",   ",",   ";",   "(",  ")",  "[",  "]",  "{",  "}",  "@",  "#",  "$",  "\\"};
    size_t avail = static_cast<size_t>(end - p);
    for (std::string_view op : ops)
        if (op.size() <= avail && std::string_view(p, op.size()) == op) return op.size();
    return 0;
}

const char* scanNumber(const char* p, const char* end, ast::IntLiteral& out) {
    const char* start = p;
    if (p >= end || !isDigit(*p)) return start;
    BigInt value = 0;
    bool any = false;
    // A width prefix: decimal digits then `w` (unsigned) or `s` (signed).
    const char* q = scanDigits(p, end, 10, value, any);
    if (q < end && (*q == 'w' || *q == 's') && q + 1 < end && isDigit(q[1])) {
        if (value > 4096 * 16 || value < 1) return start;  // absurd widths are not literals
        out.width = static_cast<int>(value);
        out.isSigned = *q == 's';
        p = q + 1;
        value = 0;
    }
    int radix = 10;
    if (*p == '0' && p + 1 < end) {
        switch (p[1]) {
            case 'x':
            case 'X':
                radix = 16;
                break;
            case 'b':
            case 'B':
                radix = 2;
                break;
            case 'o':
            case 'O':
                radix = 8;
                break;
            case 'd':
            case 'D':
                radix = 10;
                break;
            default:
                break;
        }
        if (radix != 10 || p[1] == 'd' || p[1] == 'D') {
            BigInt v = 0;
            const char* r = scanDigits(p + 2, end, radix, v, any);
            if (any) {
                out.value = v;
                out.text.assign(start, r);
                return r;
            }
            radix = 10;  // `0x` without digits: just the `0`
        }
    }
    value = 0;
    q = scanDigits(p, end, 10, value, any);
    if (!any) return start;
    out.value = value;
    out.text.assign(start, q);
    return q;
}

const char* scanString(const char* p, const char* end, std::string& value) {
    if (p >= end || *p != '"') return p;
    const char* q = p + 1;
    std::string v;
    while (q < end && *q != '"') {
        if (*q == '\\' && q + 1 < end) {
            ++q;
            switch (*q) {
                case 'n':
                    v += '\n';
                    break;
                case 't':
                    v += '\t';
                    break;
                case 'r':
                    v += '\r';
                    break;
                case '0':
                    v += '\0';
                    break;
                default:
                    v += *q;
                    break;  // \" \\ and anything else stand for themselves
            }
            ++q;
        } else {
            v += *q++;
        }
    }
    if (q >= end) return p;
    value = std::move(v);
    return q + 1;
}

std::string describeToken(const char* p, const char* end) {
    if (p >= end) return "end of file";
    size_t n = 0;
    if (const char* w = scanWord(p, end); w != p) {
        n = w - p;
    } else if (isDigit(*p)) {
        ast::IntLiteral lit;
        n = scanNumber(p, end, lit) - p;
    } else {
        n = operatorLength(p, end);
    }
    if (n == 0) {
        unsigned char c = static_cast<unsigned char>(*p);
        if (c < 0x20 || c >= 0x7f) return fmt::format("'\\x{:02x}'", c);
        n = 1;
    }
    return "'" + std::string(p, std::min<size_t>(n, 40)) + "'";
}

}  // namespace hop::parser
