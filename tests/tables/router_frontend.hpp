// SPDX-License-Identifier: Apache-2.0
// examples/router.p4 through the front end, once per test binary: the tables tests that need a
// real program (ipv4_lpm, nexthop, ...) share it.
#pragma once

#include <memory>
#include <string>

#include "driver/compile.hpp"
#include "source/preprocess.hpp"

namespace hop::testing {

// Null when router.p4 does not preprocess (the test's assertion then names the failure).
inline Frontend* routerFrontend() {
    static const std::unique_ptr<Frontend> fe = [] {
        PreprocessOptions pp;
        pp.p4includeDir = std::string(HOP_SOURCE_DIR) + "/p4include";
        std::string error;
        auto source = preprocess(std::string(HOP_SOURCE_DIR) + "/examples/router.p4", pp, error);
        if (!source) return std::unique_ptr<Frontend>();
        return runFrontend(std::move(*source), {.languageOnly = false, .name = "router"});
    }();
    return fe.get();
}

}  // namespace hop::testing
