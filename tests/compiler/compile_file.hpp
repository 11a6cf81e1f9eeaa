// SPDX-License-Identifier: Apache-2.0
// The compiler tests' front end on a file: preprocessed with the repository's p4include, then
// checked and lowered (a preprocessing error fails the test and gives null).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>

#include "driver/compile.hpp"
#include "source/preprocess.hpp"

namespace hop::testing_support {

// `name`: the program's name (default: from the file's, as hopc names it).
inline std::unique_ptr<Frontend> compileFile(const std::string& path,
                                             const std::string& name = "") {
    PreprocessOptions pp;
    pp.p4includeDir = std::string(HOP_SOURCE_DIR) + "/p4include";
    std::string error;
    auto source = preprocess(path, pp, error);
    EXPECT_TRUE(source.has_value()) << error;
    if (!source) return nullptr;
    FrontendOptions options;
    options.languageOnly = false;
    options.name = name.empty() ? programName(path) : name;
    return runFrontend(std::move(*source), options);
}

// A front end's diagnostics as hopc prints them.
inline std::string diagnostics(const Frontend& fe) {
    std::ostringstream out;
    fe.diags->print(out);
    return out.str();
}

}  // namespace hop::testing_support
