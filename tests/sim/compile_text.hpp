// SPDX-License-Identifier: Apache-2.0
// The model tests' one way to compile a P4 program given as text: written to a temporary file,
// preprocessed with p4include/ as hopc does, through the front end (program name "t"). A
// failing front end is a test failure unless `expectOk` is false.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <string>

#include "driver/compile.hpp"
#include "tests/compiler/compile_file.hpp"

namespace hop::sim::test {

inline std::unique_ptr<Frontend> compileText(const std::string& text, bool expectOk = true) {
    static int counter = 0;
    const std::string path = ::testing::TempDir() + "/hop_sim_test_" + std::to_string(getpid()) +
                             "_" + std::to_string(++counter) + ".p4";
    std::ofstream(path) << text;
    auto fe = testing_support::compileFile(path, "t");
    if (fe && expectOk) EXPECT_TRUE(fe->ok) << testing_support::diagnostics(*fe);
    return fe;
}

using testing_support::diagnostics;

}  // namespace hop::sim::test
