// SPDX-License-Identifier: Apache-2.0
// The model tests' one way to compile a P4 program given as text: written to a temporary file,
// preprocessed with p4include/ as hopc does, through the front end (program name "t"). A
// failing front end is a test failure unless `expectOk` is false.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "driver/compile.hpp"
#include "source/preprocess.hpp"

namespace hop::sim::test {

inline std::unique_ptr<Frontend> compileText(const std::string& text, bool expectOk = true) {
    static int counter = 0;
    const std::string path = ::testing::TempDir() + "/hop_sim_test_" + std::to_string(getpid()) +
                             "_" + std::to_string(++counter) + ".p4";
    std::ofstream(path) << text;
    PreprocessOptions pp;
    pp.p4includeDir = std::string(HOP_SOURCE_DIR) + "/p4include";
    std::string error;
    auto source = preprocess(path, pp, error);
    EXPECT_TRUE(source.has_value()) << error;
    if (!source) return nullptr;
    auto fe = runFrontend(std::move(*source), {.languageOnly = false, .name = "t"});
    std::ostringstream diags;
    fe->diags->print(diags);
    if (expectOk) EXPECT_TRUE(fe->ok) << diags.str();
    return fe;
}

}  // namespace hop::sim::test
