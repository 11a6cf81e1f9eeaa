// SPDX-License-Identifier: Apache-2.0
// The Verilog backend: a program's pipeline IR -> SystemVerilog that instantiates the rtl/
// library blocks. Files (names fixed by the program name, relative to DIR/rtl/):
//   <name>_pipeline.sv  header window capture, parser, checksums, match-action stages,
//                       header assembly, payload and descriptor FIFOs, the pipeline CSR block;
//                       internal CSR bus ports.
//   <name>_deparser.sv  rtl/hop_deparser.sv under the program's name (joins descriptors and
//                       payload, realigning when headers grow/shrink).
//   <name>_top.sv       AXI4-Stream in/out + one AXI4-Lite slave (hop_axil_csr).
// Anything the backend cannot build is a located "... is not supported by hopline" error.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "ir/ir.hpp"
#include "regmap/regmap.hpp"
#include "source/diagnostics.hpp"

namespace hop::verilog {

struct Options {
    int dataWidth = 512;  // 64, 128, 256 or 512
};

struct Output {
    std::map<std::string, std::string> files;  // file name -> text
    regmap::RegMap regmap;
    int latency = 0;      // header pipeline: window register to descriptor register, cycles
    int windowBytes = 0;  // header window: the deepest parse
    int emitBytes = 0;    // most header bytes the deparser can emit
    std::string pipelineModule, topModule;
};

std::optional<Output> generate(const ir::Program& program, const Options& options,
                               Diagnostics& diags);

}  // namespace hop::verilog
