// SPDX-License-Identifier: Apache-2.0
// What the entry parsers share (runtime/tables only; the interface is entry.hpp): number
// syntax, words of a line, and the Parser that resolves names and values against the program.
//   entry.cpp         values, matching, formatting
//   entry_parser.cpp  Parser: names, keys, values, action calls
//   entry_lines.cpp   STF and BMv2 CLI lines
//   entry_json.cpp    the P4 tutorials' runtime JSON
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/tables/entry.hpp"

namespace hop::tables::parse {

BigInt ones(int width);

BigInt prefixMask(int width, int prefixLen);

std::string hexString(const BigInt& v);

// Small numbers read best in decimal, addresses and masks in hex.
std::string number(const BigInt& v);

std::string_view trimView(std::string_view s);

std::string lower(std::string_view s);

int digitValue(char c);

// Digits in `base`, `_` ignored; false on anything else or no digit at all.
bool parseDigits(std::string_view s, int base, BigInt& out);

bool parseIpv4(std::string_view s, BigInt& out);

bool parseMac(std::string_view s, BigInt& out);

// RFC 4291 text form: eight groups of up to four hex digits, one `::` for a run of zeros, an
// optional dotted IPv4 tail.
bool parseIpv6(std::string_view s, BigInt& out);

// A number in any syntax, not yet checked against a width; `bits` is how many bits the
// literal spans for address forms (so a MAC never silently fits a 16-bit field).
bool parseNumber(std::string_view text, BigInt& out, bool& negative);

std::string typeName(int width);

struct Token {
    std::string text;
    int offset = 0;  // in the line
};

std::vector<Token> splitWords(const std::string& line);

bool isBlankOrComment(const std::string& line);

// Shared state of one parse: the program, where the text came from, the error to fill.
class Parser {
  public:
    Parser(const ir::Program& p, const Origin& origin, ParseError& error)
        : p_(p), origin_(origin), error_(error) {}

    bool fail(int offset, std::string message);

    // --- names ---------------------------------------------------------------------------

    ir::TableId table(const std::string& name, int offset);

    // The action among the table's; `forDefault` checks the scope the other way round.
    ir::ActionId action(const ir::Table& t, const std::string& name, bool forDefault, int offset);

    int keyIndex(const ir::Table& t, const std::string& name, int offset);

    int paramIndex(const ir::Action& a, const std::string& name, int offset);

    // --- values --------------------------------------------------------------------------

    std::optional<BigInt> param(const ir::Action& a, int index, const std::string& text,
                                int offset);

    std::optional<BigInt> keyValue(const ir::TableKey& k, const std::string& text, int offset);

    // One key in STF or BMv2 syntax (they overlap; both are accepted everywhere).
    std::optional<KeyMatch> key(const ir::TableKey& k, const std::string& rawText, int offset);

    // What a key left out of an STF or JSON entry means: p4c writes `0&&&0` / `0/0`.
    std::optional<KeyMatch> missingKey(const ir::Table& t, int index, int offset);

    // `name(arg:value, ...)` starting at `offset` of the line.
    bool stfAction(const ir::Table& t, const std::string& text, int offset, bool forDefault,
                   ir::ActionCall& call);

    // BMv2 positional parameters.
    bool positionalArgs(const ir::Action& a, const std::vector<Token>& words, int offset,
                        ir::ActionCall& call);

    static std::string join(const std::vector<std::string>& v);

  private:
    static bool isRangeDots(const std::string& text, size_t at);

    static KeyMatch ternary(const BigInt& v, const BigInt& mask);

    static KeyMatch prefix(ir::MatchKind kind, const BigInt& v, int width, int len);

    // STF `0x0a**`, `0b10**`: each `*` digit is a wildcard of 4, 1 or 3 bits.
    std::optional<KeyMatch> nibbles(const ir::TableKey& k, const std::string& text, int offset);

    const ir::Program& p_;
    Origin origin_;
    ParseError& error_;
};

}  // namespace hop::tables::parse
