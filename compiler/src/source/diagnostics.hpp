// SPDX-License-Identifier: Apache-2.0
// Compiler diagnostics in the C compiler form: `file:line:col: error: message`, line, caret.
#pragma once

#include <fmt/format.h>

#include <ostream>
#include <string>
#include <vector>

#include "source/source.hpp"

namespace hop {

enum class Severity { Error, Warning, Note };

struct Diagnostic {
    Severity severity;
    SourceLoc loc;
    std::string message;
};

class Diagnostics {
  public:
    explicit Diagnostics(const SourceBuffer* source = nullptr) : source_(source) {}
    void setSource(const SourceBuffer* source) { source_ = source; }
    const SourceBuffer* source() const { return source_; }

    void error(SourceLoc loc, std::string message);
    void warning(SourceLoc loc, std::string message);
    void note(SourceLoc loc, std::string message);
    template <typename... Args>
    void error(SourceLoc loc, fmt::format_string<Args...> f, Args&&... args) {
        error(loc, fmt::format(f, std::forward<Args>(args)...));
    }
    // The "not supported by hopline" error, worded the same everywhere.
    void unsupported(SourceLoc loc, const std::string& what) {
        error(loc, what + " is not supported by hopline");
    }

    int errorCount() const { return errors_; }
    bool hasErrors() const { return errors_ > 0; }
    bool tooMany() const { return errors_ >= kMaxErrors; }
    const std::vector<Diagnostic>& all() const { return diags_; }

    // Renders one diagnostic: `file:line:col: error: message`, the source line, a caret.
    std::string format(const Diagnostic& d) const;
    // First line only (`file:line:col: error: message`), as tests compare it.
    std::string headline(const Diagnostic& d) const;
    void print(std::ostream& os) const;

    static constexpr int kMaxErrors = 50;

  private:
    void add(Severity s, SourceLoc loc, std::string message);
    const SourceBuffer* source_;
    std::vector<Diagnostic> diags_;
    int errors_ = 0;
};

}  // namespace hop
