// SPDX-License-Identifier: Apache-2.0
#include "source/diagnostics.hpp"

namespace hop {

void Diagnostics::add(Severity s, SourceLoc loc, std::string message) {
    if (s == Severity::Error) {
        if (errors_ >= kMaxErrors) return;
        ++errors_;
    }
    // The same error at the same place twice (e.g. after parser recovery) says nothing new.
    for (const auto& d : diags_)
        if (d.severity == s && d.loc.offset == loc.offset && d.message == message) return;
    diags_.push_back({s, loc, std::move(message)});
}

void Diagnostics::error(SourceLoc loc, std::string message) {
    add(Severity::Error, loc, std::move(message));
}
void Diagnostics::warning(SourceLoc loc, std::string message) {
    add(Severity::Warning, loc, std::move(message));
}
void Diagnostics::note(SourceLoc loc, std::string message) {
    add(Severity::Note, loc, std::move(message));
}

static const char* severityName(Severity s) {
    switch (s) {
        case Severity::Error:
            return "error";
        case Severity::Warning:
            return "warning";
        case Severity::Note:
            return "note";
    }
    return "error";
}

std::string Diagnostics::headline(const Diagnostic& d) const {
    if (!source_ || !d.loc.valid())
        return fmt::format("{}: {}: {}", source_ ? source_->name() : std::string("<input>"),
                           severityName(d.severity), d.message);
    OriginalLoc o = source_->resolve(d.loc);
    return fmt::format("{}:{}:{}: {}: {}", o.file, o.line, o.col, severityName(d.severity),
                       d.message);
}

std::string Diagnostics::format(const Diagnostic& d) const {
    std::string out = headline(d) + "\n";
    if (!source_ || !d.loc.valid()) return out;
    OriginalLoc o = source_->resolve(d.loc);
    std::string caret;
    for (int i = 1; i < o.col && i <= static_cast<int>(o.lineText.size()); ++i)
        caret += o.lineText[i - 1] == '\t' ? '\t' : ' ';
    out += o.lineText + "\n" + caret + "^\n";
    return out;
}

void Diagnostics::print(std::ostream& os) const {
    for (const auto& d : diags_) os << format(d);
    if (errors_ >= kMaxErrors) os << "too many errors; stopping\n";
}

}  // namespace hop
