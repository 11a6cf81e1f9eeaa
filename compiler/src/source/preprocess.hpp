// SPDX-License-Identifier: Apache-2.0
// Runs the system C preprocessor over a P4 file, as p4c does.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "source/source.hpp"

namespace hop {

struct PreprocessOptions {
    std::vector<std::string> includeDirs;  // -I, searched before p4include
    std::vector<std::string> defines;      // -D NAME or NAME=VALUE
    std::string p4includeDir;              // the directory with core.p4 and v1model.p4
};

// Returns the preprocessed text with line markers, or nullopt with `error` set to what the
// preprocessor printed (already in `file:line:col: error: message` form).
std::optional<SourceBuffer> preprocess(const std::string& path, const PreprocessOptions& options,
                                       std::string& error);

// The p4include directory: $HOP_P4INCLUDE, else next to the executable (../p4include or
// ../../p4include), else the source tree's copy.
std::string defaultP4IncludeDir();

}  // namespace hop
