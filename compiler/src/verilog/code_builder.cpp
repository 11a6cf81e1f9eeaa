// SPDX-License-Identifier: Apache-2.0
#include "verilog/code_builder.hpp"

#include <stdexcept>

namespace hop::verilog {

CodeBuilder& CodeBuilder::line(std::string_view text) {
    if (!text.empty()) {
        out_.append(static_cast<size_t>(depth_ * indentWidth_), ' ');
        out_.append(text);
    }
    out_.push_back('\n');
    return *this;
}

CodeBuilder& CodeBuilder::open(std::string_view head) {
    line(head);
    return indent();
}

CodeBuilder& CodeBuilder::close(std::string_view tail) {
    dedent();
    return line(tail);
}

CodeBuilder& CodeBuilder::indent() {
    ++depth_;
    return *this;
}

CodeBuilder& CodeBuilder::dedent() {
    if (depth_ == 0) throw std::logic_error("CodeBuilder: dedent below zero");
    --depth_;
    return *this;
}

CodeBuilder& CodeBuilder::raw(std::string_view text) {
    size_t pos = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) nl = text.size();
        line(text.substr(pos, nl - pos));
        pos = nl + 1;
    }
    return *this;
}

}  // namespace hop::verilog
