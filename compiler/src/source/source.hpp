// SPDX-License-Identifier: Apache-2.0
// Source text after preprocessing, and the map from its offsets back to original files.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hop {

// An offset into the preprocessed buffer; cheap to copy and stored in every AST node.
struct SourceLoc {
    static constexpr uint32_t kInvalid = UINT32_MAX;
    uint32_t offset = kInvalid;
    bool valid() const { return offset != kInvalid; }
};

// Where a SourceLoc came from in the user's files.
struct OriginalLoc {
    std::string file;
    int line = 0;  // 1-based
    int col = 0;   // 1-based
    std::string lineText;
};

class SourceBuffer {
  public:
    SourceBuffer() = default;
    // `text` may contain C preprocessor line markers (`# 12 "file.p4" 1`); they are blanked out of
    // the parsed text and used to map locations back to the original files.
    SourceBuffer(std::string name, std::string text);

    const std::string& text() const { return text_; }
    // The text as given, line markers included (what hopc saves as DIR/<name>.p4i).
    const std::string& raw() const { return raw_; }
    const std::string& name() const { return name_; }
    OriginalLoc resolve(SourceLoc loc) const;

  private:
    struct LineOrigin {
        uint32_t start;  // offset of the buffer line
        uint32_t file;   // index into files_
        int line;        // original line number
    };
    std::string name_;
    std::string raw_;
    std::string text_;
    std::vector<std::string> files_;
    std::vector<LineOrigin> lines_;
};

}  // namespace hop
