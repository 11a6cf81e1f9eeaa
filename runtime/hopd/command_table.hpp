// SPDX-License-Identifier: Apache-2.0
// hopd's control requests (control_protocol.hpp) as a table: the request's leading words (one or
// two: `stats`, `route add`) -> how many words may follow -> the handler. A request no entry
// takes is `unknown request '...'`.
#pragma once

#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace hop::hopd {

struct ControlRequest {
    std::string line;                   // as received, without its '\n'
    std::vector<std::string> words;     // all of them
    std::span<const std::string> args;  // the words after the command's name
};

class CommandTable {
  public:
    // true: the request succeeded, `out` is its output; false: `error` says why (one line).
    using Handler =
        std::function<bool(const ControlRequest&, std::vector<std::string>& out, std::string&)>;
    static constexpr size_t kAny = SIZE_MAX;

    // `name`: one or two words. A two-word name is tried before the one-word name it starts
    // with.
    void add(const std::string& name, size_t minArgs, size_t maxArgs, Handler handler);
    bool run(const std::string& line, std::vector<std::string>& out, std::string& error) const;
    std::vector<std::string> names() const;

  private:
    struct Command {
        size_t minArgs = 0, maxArgs = 0;
        Handler handler;
    };
    std::map<std::string, Command> commands_;
};

}  // namespace hop::hopd
