// SPDX-License-Identifier: Apache-2.0
// The lines of a command file (BMv2 CLI commands, STF table lines, route lists): one command a
// line, `#` comment lines and blank lines skipped, a CR before the newline ignored, and errors
// located as a C compiler's are: `FILE:LINE:COLUMN: error: message`.
//
//   std::string error;
//   bool ok = common::forEachCommandLine(path, [&](const common::CommandLine& line) {
//       if (auto why = use(line.text)) { error = line.error(*why); return false; }
//       return true;
//   }, error);
//   if (!ok) fail(error);   // "PATH: error: cannot read the file", or what the callback said
//
// command_file.hpp turns the lines into a program's table commands.
#pragma once

#include <functional>
#include <istream>
#include <string>

namespace hop::common {

struct CommandLine {
    std::string file;
    int line = 0;               // 1-based
    int column = 0;             // 1-based column of text's first character
    std::string text;           // from the first non-blank character; no CR at the end
    std::string where() const;  // "FILE:LINE:COLUMN"
    std::string error(const std::string& message) const;  // "FILE:LINE:COLUMN: error: message"
};

// Calls `onLine` for each line of `in` that is neither blank nor a comment (its first non-blank
// character `#`), in order, until `onLine` returns false. True when every line went through.
bool forEachCommandLine(std::istream& in, const std::string& file,
                        const std::function<bool(const CommandLine&)>& onLine);

// The same for the file at `path`; false with `error` = "PATH: error: cannot read the file"
// when it cannot be read (then `onLine` saw no line, or the lines before a read error).
bool forEachCommandLine(const std::string& path,
                        const std::function<bool(const CommandLine&)>& onLine, std::string& error);

// "PATH: error: cannot read the file": one wording for every file a tool cannot open.
std::string cannotReadFile(const std::string& path);

}  // namespace hop::common
