// SPDX-License-Identifier: Apache-2.0
#include "source/source.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace hop {
namespace {

// Parses `# 12 "file" flags` or `#line 12 "file"`; returns false when the line is not a marker.
bool parseLineMarker(std::string_view line, int& number, std::string& file) {
    size_t i = 0;
    auto skipSpace = [&] {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    };
    skipSpace();
    if (i >= line.size() || line[i] != '#') return false;
    ++i;
    skipSpace();
    if (line.substr(i, 4) == "line") {
        i += 4;
        skipSpace();
    }
    size_t digitsBegin = i;
    while (i < line.size() && std::isdigit(static_cast<unsigned char>(line[i]))) ++i;
    if (i == digitsBegin) return false;
    auto res = std::from_chars(line.data() + digitsBegin, line.data() + i, number);
    if (res.ec != std::errc()) return false;
    skipSpace();
    if (i < line.size() && line[i] == '"') {
        size_t end = line.find('"', i + 1);
        if (end == std::string_view::npos) return false;
        file = std::string(line.substr(i + 1, end - i - 1));
    }
    return true;
}

}  // namespace

SourceBuffer::SourceBuffer(std::string name, std::string text)
    : name_(std::move(name)), raw_(text), text_(std::move(text)) {
    files_.push_back(name_);
    uint32_t currentFile = 0;
    int currentLine = 1;
    size_t pos = 0;
    while (pos <= text_.size()) {
        size_t end = text_.find('\n', pos);
        if (end == std::string::npos) end = text_.size();
        std::string_view line(text_.data() + pos, end - pos);
        int number = 0;
        std::string file;
        if (parseLineMarker(line, number, file)) {
            if (!file.empty()) {
                auto it = std::find(files_.begin(), files_.end(), file);
                currentFile = static_cast<uint32_t>(it - files_.begin());
                if (it == files_.end()) files_.push_back(file);
            }
            currentLine = number;
            std::fill(text_.begin() + pos, text_.begin() + end, ' ');
            lines_.push_back({static_cast<uint32_t>(pos), currentFile, -1});
        } else {
            lines_.push_back({static_cast<uint32_t>(pos), currentFile, currentLine});
            ++currentLine;
        }
        if (end == text_.size()) break;
        pos = end + 1;
    }
}

OriginalLoc SourceBuffer::resolve(SourceLoc loc) const {
    OriginalLoc out;
    if (!loc.valid() || lines_.empty()) {
        out.file = name_;
        return out;
    }
    uint32_t offset = std::min<uint32_t>(loc.offset, static_cast<uint32_t>(text_.size()));
    auto it = std::upper_bound(lines_.begin(), lines_.end(), offset,
                               [](uint32_t off, const LineOrigin& l) { return off < l.start; });
    const LineOrigin& lo = *(it - 1);
    size_t end = text_.find('\n', lo.start);
    if (end == std::string::npos) end = text_.size();
    out.file = files_[lo.file];
    out.line = lo.line < 0 ? 0 : lo.line;
    out.col = static_cast<int>(offset - lo.start) + 1;
    out.lineText = text_.substr(lo.start, end - lo.start);
    return out;
}

}  // namespace hop
