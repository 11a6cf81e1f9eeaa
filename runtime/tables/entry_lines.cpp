// SPDX-License-Identifier: Apache-2.0
// STF `add`/`setdefault` lines and BMv2 CLI lines.
#include "runtime/tables/entry_parse.hpp"

namespace hop::tables {

namespace {

using namespace parse;

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

}  // namespace

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

}  // namespace hop::tables
