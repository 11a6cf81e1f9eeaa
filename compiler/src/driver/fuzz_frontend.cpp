// SPDX-License-Identifier: Apache-2.0
// libFuzzer target over the front end: parse, check and lower arbitrary (already preprocessed)
// text. Any crash, hang, leak or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "driver/compile.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size > 256 * 1024) return -1;
    hop::runFrontend(
        hop::SourceBuffer("fuzz.p4", std::string(reinterpret_cast<const char*>(data), size)));
    return 0;
}
