// SPDX-License-Identifier: Apache-2.0
// The one small text builder every Verilog emitter writes through: lines, indentation and
// begin/end-style blocks. It only formats; it never decides names or widths.
#pragma once

#include <string>
#include <string_view>

namespace hop::verilog {

class CodeBuilder {
  public:
    explicit CodeBuilder(int indentWidth = 4) : indentWidth_(indentWidth) {}

    // One line at the current indentation (an empty string gives an empty line, no spaces).
    CodeBuilder& line(std::string_view text = {});
    // `head` on its own line, then indent; close() dedents and writes `tail`.
    CodeBuilder& open(std::string_view head);
    CodeBuilder& close(std::string_view tail);
    CodeBuilder& indent();
    CodeBuilder& dedent();
    // Text already formatted (several lines): each non-empty line gets the current indentation.
    CodeBuilder& raw(std::string_view text);

    int depth() const { return depth_; }
    const std::string& str() const { return out_; }

  private:
    std::string out_;
    int depth_ = 0;
    int indentWidth_;
};

}  // namespace hop::verilog
