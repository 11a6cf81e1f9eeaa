// SPDX-License-Identifier: Apache-2.0
// The compiler tests' front end on a file: preprocessed with the repository's p4include, then
// checked and lowered (a preprocessing error fails the test and gives null).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "driver/compile.hpp"
#include "source/preprocess.hpp"

namespace hop::testing_support {

inline std::unique_ptr<Frontend> compileFile(const std::string& path) {
    PreprocessOptions pp;
    pp.p4includeDir = std::string(HOP_SOURCE_DIR) + "/p4include";
    std::string error;
    auto source = preprocess(path, pp, error);
    EXPECT_TRUE(source.has_value()) << error;
    if (!source) return nullptr;
    return runFrontend(std::move(*source), {.languageOnly = false, .name = programName(path)});
}

}  // namespace hop::testing_support
