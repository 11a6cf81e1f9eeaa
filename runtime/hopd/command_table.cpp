// SPDX-License-Identifier: Apache-2.0
#include "runtime/hopd/command_table.hpp"

#include <fmt/format.h>

#include "runtime/hopd/config.hpp"

namespace hop::hopd {

void CommandTable::add(const std::string& name, size_t minArgs, size_t maxArgs, Handler handler) {
    commands_[name] = {minArgs, maxArgs, std::move(handler)};
}

std::vector<std::string> CommandTable::names() const {
    std::vector<std::string> names;
    for (const auto& [name, c] : commands_) names.push_back(name);
    return names;
}

bool CommandTable::run(const std::string& line, std::vector<std::string>& out,
                       std::string& error) const {
    ControlRequest request;
    request.line = line;
    for (const auto& word : splitWords(line)) request.words.push_back(word.text);
    if (request.words.empty()) {
        error = "empty request";
        return false;
    }
    const auto& w = request.words;
    for (size_t nameWords : {size_t{2}, size_t{1}}) {
        if (w.size() < nameWords) continue;
        const std::string name = nameWords == 2 ? w[0] + " " + w[1] : w[0];
        auto it = commands_.find(name);
        if (it == commands_.end()) continue;
        const size_t args = w.size() - nameWords;
        if (args < it->second.minArgs || args > it->second.maxArgs) continue;
        request.args = std::span<const std::string>(w).subspan(nameWords);
        return it->second.handler(request, out, error);
    }
    error = fmt::format("unknown request '{}'", line);
    return false;
}

}  // namespace hop::hopd
