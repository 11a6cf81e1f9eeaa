// SPDX-License-Identifier: Apache-2.0
#include "runtime/common/command_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "runtime/common/command_lines.hpp"

namespace hop::common {

std::string CommandSource::where() const {
    if (entry >= 0) return fmt::format("{}: {}[{}]", file, section, entry);
    return fmt::format("{}:{}:{}", file, line, column);
}

std::string CommandSource::error(const std::string& message) const {
    return fmt::format("{}: error: {}", where(), message);
}

bool readCommandFile(const ir::Program& program, const std::string& path, CommandSyntax syntax,
                     const CommandHandler& onCommand, std::string& error,
                     const ExternHandler& onExtern, const TmHandler& onTm) {
    return forEachCommandLine(
        path,
        [&](const CommandLine& line) {
            const tables::Origin origin{line.file, line.line, line.column};
            const CommandSource source{line.file, line.line, line.column, -1};
            tables::ParseError parseError;
            if (tables::isExternCommand(line.text)) {
                auto command = tables::parseExternCommand(program, line.text, origin, parseError);
                if (!command) {
                    error = parseError.str();
                    return false;
                }
                if (!onExtern) {
                    error = source.error(
                        fmt::format("'{}' is not accepted here: this reader loads tables only",
                                    line.text.substr(0, line.text.find_first_of(" \t"))));
                    return false;
                }
                return onExtern(*command, source, error);
            }
            if (tables::isTmCommand(line.text)) {
                auto command = tables::parseTmCommand(line.text, origin, parseError);
                if (!command) {
                    error = parseError.str();
                    return false;
                }
                if (!onTm) {
                    error = source.error(fmt::format(
                        "'{}' is not accepted here: this reader has no traffic manager to "
                        "configure (issue 16's switch top)",
                        line.text.substr(0, line.text.find_first_of(" \t"))));
                    return false;
                }
                return onTm(*command, source, error);
            }
            const bool stf =
                syntax == CommandSyntax::Bmv2OrStf &&
                (line.text.starts_with("add ") || line.text.starts_with("setdefault "));
            auto command =
                stf ? tables::parseStfTableCommand(program, line.text, origin, parseError)
                    : tables::parseBmv2Command(program, line.text, origin, parseError);
            if (!command) {
                if (parseError.message.empty()) return true;  // nothing but a comment
                error = parseError.str();
                return false;
            }
            return onCommand(*command, source, error);
        },
        error);
}

namespace {

// nlohmann reports a byte offset; users want a line and column.
std::string malformedJson(const std::string& path, const std::string& text,
                          const nlohmann::json::parse_error& e) {
    const size_t offset = std::min<size_t>(e.byte > 0 ? e.byte - 1 : 0, text.size());
    int line = 1, col = 1;
    for (size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
            ++line;
            col = 1;
        } else {
            ++col;
        }
    }
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error ..."
    if (auto colon = what.find(": "); colon != std::string::npos) what = what.substr(colon + 2);
    return fmt::format("{}:{}:{}: error: malformed JSON: {}", path, line, col, what);
}

}  // namespace

bool readRuntimeJsonFile(const ir::Program& program, const std::string& path,
                         const CommandHandler& onCommand, std::string& error,
                         const TmHandler& onTm) {
    std::ifstream in(path, std::ios::binary);
    if (!in || std::filesystem::is_directory(path)) {
        error = cannotReadFile(path);
        return false;
    }
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad()) {
        error = cannotReadFile(path);
        return false;
    }
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        error = malformedJson(path, text, e);
        return false;
    }
    tables::ParseError parseError;
    std::vector<tables::TmCommand> groups;
    if (onTm) {
        auto parsed = tables::parseRuntimeJsonGroups(doc, path, parseError);
        if (!parsed) {
            error = parseError.str();
            return false;
        }
        groups = std::move(*parsed);
        if (doc.is_object()) doc.erase("multicast_group_entries");
    }
    auto commands = tables::parseRuntimeJson(program, doc, path, parseError);
    if (!commands) {
        error = parseError.str();
        return false;
    }
    for (size_t i = 0; i < commands->size(); ++i) {
        if (!onCommand((*commands)[i], {path, 0, 0, static_cast<int>(i)}, error)) return false;
    }
    for (size_t i = 0; i < groups.size(); ++i) {
        const CommandSource source{path, 0, 0, static_cast<int>(i), "multicast_group_entries"};
        if (!onTm(groups[i], source, error)) return false;
    }
    return true;
}

}  // namespace hop::common
