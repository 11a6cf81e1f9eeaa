// SPDX-License-Identifier: Apache-2.0
#include "runtime/common/command_lines.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

namespace hop::common {

std::string CommandLine::where() const { return fmt::format("{}:{}:{}", file, line, column); }

std::string CommandLine::error(const std::string& message) const {
    return fmt::format("{}: error: {}", where(), message);
}

std::string cannotReadFile(const std::string& path) {
    return path + ": error: cannot read the file";
}

bool forEachCommandLine(std::istream& in, const std::string& file,
                        const std::function<bool(const CommandLine&)>& onLine) {
    CommandLine current;
    current.file = file;
    std::string raw;
    while (std::getline(in, raw)) {
        ++current.line;
        if (!raw.empty() && raw.back() == '\r') raw.pop_back();
        const size_t first = raw.find_first_not_of(" \t\v\f\r");
        if (first == std::string::npos || raw[first] == '#') continue;
        current.column = static_cast<int>(first) + 1;
        current.text = raw.substr(first);
        if (!onLine(current)) return false;
    }
    return true;
}

bool forEachCommandLine(const std::string& path,
                        const std::function<bool(const CommandLine&)>& onLine, std::string& error) {
    std::ifstream in(path, std::ios::binary);
    if (!in || std::filesystem::is_directory(path)) {
        error = cannotReadFile(path);
        return false;
    }
    if (!forEachCommandLine(in, path, onLine)) return false;
    if (in.bad()) {
        error = cannotReadFile(path);
        return false;
    }
    return true;
}

}  // namespace hop::common
