// SPDX-License-Identifier: Apache-2.0
#include "runtime/hopd/digests.hpp"

#include <fmt/format.h>

#include <set>

#include "runtime/hopd/failure.hpp"
#include "runtime/tables/entry.hpp"
#include "runtime/tables/entry_parse.hpp"
#include "runtime/tables/externs.hpp"

namespace hop::hopd {

DigestTemplate::DigestTemplate(const std::string& text, int number,
                               const regmap::DigestBlock& block, const ir::Program& program)
    : text_(text) {
    auto fail = [&](size_t at, const std::string& message) {
        throw Failure(1, fmt::format("--on-digest:{}:{}: error: {}", number, at + 1, message));
    };
    std::set<std::string> members;
    std::string known;
    for (const auto& t : block.types) {
        known += (known.empty() ? "" : "; ") + t.name + " has";
        for (const auto& m : t.members) {
            members.insert(m.name);
            known += " " + m.name;
        }
    }
    size_t at = 0;
    Piece piece;
    while (at < text.size()) {
        const size_t open = text.find('{', at);
        if (open == std::string::npos) break;
        const size_t close = text.find('}', open);
        if (close == std::string::npos) fail(open, "'{' without its '}'");
        piece.literal += text.substr(at, open - at);
        piece.member = text.substr(open + 1, close - open - 1);
        if (!members.count(piece.member))
            fail(open + 1, fmt::format("unknown digest field '{}' ({})", piece.member, known));
        pieces_.push_back(std::move(piece));
        piece = {};
        at = close + 1;
    }
    piece.literal += text.substr(at);
    pieces_.push_back(std::move(piece));
    // The line must parse (each placeholder as 0).
    std::string line;
    for (const auto& p : pieces_) line += p.literal + (p.member.empty() ? "" : "0");
    const tables::Origin origin{"--on-digest", number, 1};
    tables::ParseError pe;
    const bool ok = tables::isExternCommand(line)
                        ? tables::parseExternCommand(program, line, origin, pe).has_value()
                        : tables::parseBmv2Command(program, line, origin, pe).has_value();
    if (!ok) throw Failure(1, pe.message.empty() ? "--on-digest: error: an empty line" : pe.str());
}

std::string DigestTemplate::expand(const regmap::DigestBlock& block,
                                   const regmap::DigestEntry& entry) const {
    const auto& type = block.types.at(entry.type);
    std::string line;
    for (const auto& p : pieces_) {
        line += p.literal;
        if (p.member.empty()) continue;
        size_t i = 0;
        while (i < type.members.size() && type.members[i].name != p.member) ++i;
        if (i == type.members.size()) return {};
        line += tables::parse::hexString(entry.values.at(i));
    }
    return line;
}

bool DigestLog::poll(const tables::CsrPort& port, std::vector<regmap::DigestEntry>& fresh,
                     std::string& error) {
    tables::DigestPoll p;
    const bool ok = tables::popDigests(block_, port, p, error);
    if (ok) drops_ = p.drops;
    for (auto& e : p.entries) {
        kept_.emplace_back(++received_, e);
        if (kept_.size() > kKept) kept_.pop_front();
        fresh.push_back(std::move(e));
    }
    return ok;
}

void DigestLog::show(std::vector<std::string>& out) const {
    for (const auto& [n, e] : kept_)
        out.push_back(fmt::format("digest {}: {}", n, tables::digestText(block_, e)));
    out.push_back(fmt::format("{} digests received ({} shown), {} dropped by the board", received_,
                              kept_.size(), drops_));
}

}  // namespace hop::hopd
