// SPDX-License-Identifier: Apache-2.0
// The differential tests' RTL engine: a program from `dir` compiled at `width`, its Verilated
// model built into (or found in) `cacheDir`; null after a test failure saying why.
// HOP_DIFF_TOP=split runs the pipeline cut after ingress instead (hopc --emit split: ingress and
// egress joined by rtl/hop_tm_direct.sv), built into the cache on first use.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>

#include "sim/rtl/rtl_build.hpp"
#include "sim/rtl/rtl_engine.hpp"
#include "tests/diff/common.hpp"

namespace hop::difftest {

inline std::unique_ptr<sim::rtl::RtlEngine> rtlEngine(const ir::Program& program,
                                                      const std::string& name,
                                                      const std::string& dir, int width,
                                                      const sim::rtl::RtlOptions& options,
                                                      const std::string& cacheDir) {
    auto compiled = compiledExample(name, width, dir);
    if (!compiled) return nullptr;
    std::ostringstream err;
    int code = 0;
    const char* top = std::getenv("HOP_DIFF_TOP");
    auto built = sim::rtl::buildModel(
        *compiled,
        {.dataWidth = width, .cacheDir = cacheDir, .trace = {}, .top = top ? top : "pipeline"}, err,
        code);
    EXPECT_TRUE(built.has_value()) << err.str();
    if (!built) return nullptr;
    std::string error;
    auto e = sim::rtl::RtlEngine::create(program, std::move(*built), options, error);
    EXPECT_TRUE(e) << error;
    return e;
}

}  // namespace hop::difftest
