// SPDX-License-Identifier: Apache-2.0
// libFuzzer target over the front end: parse, check and lower arbitrary (already preprocessed)
// text, then run the IR dump, the P4Info writer and the Verilog backend (DATA_W=64, in memory)
// on whatever lowered. Any crash, hang, leak or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "driver/compile.hpp"
#include "ir/dump.hpp"
#include "p4info/p4info.hpp"
#include "program/compiled.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size > 256 * 1024) return -1;
    std::string text(reinterpret_cast<const char*>(data), size);
    auto fe = hop::runFrontend(hop::SourceBuffer("fuzz.p4", text));
    if (fe->ir) {
        (void)hop::ir::dumpIr(*fe->ir);
        (void)hop::p4info::p4infoJson(*fe->ir).dump();
    }
    if (fe->ok) {
        hop::program::Options options;
        options.dataWidth = 64;
        std::ostringstream err;
        (void)hop::program::emit(*fe, "fuzz.p4", options, err);
    }
    for (const auto& d : fe->diags->all()) (void)fe->diags->format(d);
    return 0;
}
