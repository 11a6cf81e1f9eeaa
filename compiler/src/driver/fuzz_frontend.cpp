// SPDX-License-Identifier: Apache-2.0
// libFuzzer target over the front end: parse, check and lower arbitrary (already preprocessed)
// text, then run the IR dump and the P4Info writer on whatever lowered. Any crash, hang, leak
// or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "driver/compile.hpp"
#include "ir/dump.hpp"
#include "p4info/p4info.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size > 256 * 1024) return -1;
    std::string text(reinterpret_cast<const char*>(data), size);
    auto fe = hop::runFrontend(hop::SourceBuffer("fuzz.p4", text));
    if (fe->ir) {
        (void)hop::ir::dumpIr(*fe->ir);
        (void)hop::p4info::p4infoJson(*fe->ir).dump();
    }
    for (const auto& d : fe->diags->all()) (void)fe->diags->format(d);
    return 0;
}
