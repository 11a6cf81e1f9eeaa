// SPDX-License-Identifier: Apache-2.0
// What the tests of tests/diff share: compiling an example, and the outputs of an engine's
// drain in the order the frames left.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "driver/compile.hpp"
#include "program/compiled.hpp"
#include "sim/engine/engine.hpp"
#include "source/preprocess.hpp"

namespace hop::difftest {

// examples/NAME.p4 through the front end; null (after a test failure) when it does not compile.
// `dir`: examples (the default) or tests/stf (the feature programs).
inline std::unique_ptr<Frontend> compileExample(const std::string& name,
                                                const std::string& dir = "examples") {
    const std::string path = std::string(HOP_SOURCE_DIR) + "/" + dir + "/" + name + ".p4";
    PreprocessOptions pp;
    pp.p4includeDir = std::string(HOP_SOURCE_DIR) + "/p4include";
    std::string error;
    auto source = preprocess(path, pp, error);
    EXPECT_TRUE(source) << error;
    if (!source) return nullptr;
    auto fe = runFrontend(std::move(*source), {.languageOnly = false, .name = name});
    EXPECT_TRUE(fe->ok) << name;
    return fe->ok ? std::move(fe) : nullptr;
}

// The same example as a compiled program (the form the RTL engine builds), at `dataWidth`.
inline std::optional<program::Compiled> compiledExample(const std::string& name, int dataWidth,
                                                        const std::string& dir = "examples") {
    program::Options options;
    options.preprocess.p4includeDir = std::string(HOP_SOURCE_DIR) + "/p4include";
    options.dataWidth = dataWidth;
    std::ostringstream err;
    auto compiled =
        program::load(std::string(HOP_SOURCE_DIR) + "/" + dir + "/" + name + ".p4", options, err);
    EXPECT_TRUE(compiled) << err.str();
    return compiled;
}

// A frame's bytes as hex digits (for comparisons that print what differs).
inline std::string hex(const std::vector<uint8_t>& b) {
    static const char* d = "0123456789abcdef";
    std::string s;
    for (uint8_t x : b) {
        s += d[x >> 4];
        s += d[x & 15];
    }
    return s;
}

// Every output of a drain, in the order the frames left (attributed or not).
inline std::vector<sim::Packet> outputsInOrder(sim::Drained& d) {
    std::vector<std::pair<int64_t, sim::Packet>> all;
    int64_t n = 0;
    for (auto& c : d.completed)
        for (auto& p : c.outputs) all.push_back({c.outFirst >= 0 ? c.outFirst : n++, p});
    for (auto& u : d.unattributed) all.push_back({u.firstCycle, u.packet});
    std::stable_sort(all.begin(), all.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<sim::Packet> out;
    for (auto& [c, p] : all) out.push_back(std::move(p));
    return out;
}

// Drains the model and the RTL after the same frames (a failed drain fails the test: wrap the
// call in ASSERT_NO_FATAL_FAILURE).
inline void drainBoth(sim::Engine& model, sim::Engine& rtl, sim::Drained& md, sim::Drained& rd) {
    std::string error;
    ASSERT_TRUE(model.drain(md, error)) << error;
    ASSERT_TRUE(rtl.drain(rd, error)) << error;
}

}  // namespace hop::difftest
