// SPDX-License-Identifier: Apache-2.0
// What the Verilog backend's tests share: an example or a file through the front end (its
// diagnostics printed when it fails), and an example's generated design.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "tests/compiler/compile_file.hpp"
#include "verilog/backend.hpp"

namespace hop::verilogtest {

inline std::unique_ptr<Frontend> compilePath(const std::string& path) {
    auto fe = testing_support::compileFile(path);
    if (fe) EXPECT_TRUE(fe->ok) << testing_support::diagnostics(*fe);
    return fe;
}

inline std::unique_ptr<Frontend> compileExample(const std::string& name) {
    return compilePath(std::string(HOP_SOURCE_DIR) + "/examples/" + name + ".p4");
}

inline std::string printed(const Diagnostics& d) {
    std::ostringstream os;
    d.print(os);
    return os.str();
}

// An example's generated design at DATA_W = width; nullopt (and a failure) when it does not
// compile.
inline std::optional<verilog::Output> generateExample(const std::string& name, int width) {
    auto fe = compileExample(name);
    EXPECT_TRUE(fe && fe->ok) << name;
    if (!fe || !fe->ok) return std::nullopt;
    Diagnostics d;
    auto out = verilog::generate(*fe->ir, {.dataWidth = width}, d);
    EXPECT_TRUE(out.has_value()) << printed(d);
    return out;
}

}  // namespace hop::verilogtest
