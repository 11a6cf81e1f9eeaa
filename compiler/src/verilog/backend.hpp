// SPDX-License-Identifier: Apache-2.0
// The Verilog backend: a program's pipeline IR -> SystemVerilog that instantiates the rtl/
// library blocks. Files (names fixed by the program name, relative to DIR/rtl/):
//   <name>_pipeline.sv  header window capture, parser, checksums, match-action stages,
//                       header assembly, payload and descriptor FIFOs, the pipeline CSR block;
//                       internal CSR bus ports.
//   <name>_deparser.sv  rtl/hop_deparser.sv under the program's name (joins descriptors and
//                       payload, realigning when headers grow/shrink).
//   <name>_top.sv       AXI4-Stream in/out + one AXI4-Lite slave (hop_axil_csr).
// With Options::split also the pipeline cut at the end of ingress (split.cpp, issue 16):
//   <name>_ingress.sv   capture, parser, verify checksums, ingress; its decisions (the bundle
//                       atoms live after ingress, CUT_W bits, and egress_spec, mcast_grp,
//                       priority) and every beat of each admitted frame.
//   <name>_egress.sv    the decisions and frames a traffic manager sends: egress, update
//                       checksums, header assembly, payload and descriptor FIFOs, deparser.
//   <name>_split.sv     <name>_pipeline's ports: the two joined by rtl/hop_tm_direct.sv.
//   <name>_split_top.sv <name>_top around <name>_split (what hopsim runs with --rtl-top split).
// Anything the backend cannot build is a located "... is not supported by hopline" error.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ir/ir.hpp"
#include "regmap/regmap.hpp"
#include "source/diagnostics.hpp"

namespace hop::verilog {

struct Options {
    int dataWidth = 512;  // 64, 128, 256 or 512
    bool split = false;   // also the ingress / egress modules cut after ingress (hopc --emit split)
    // With switchPorts > 0 (hopc --ports N, implies split): also <name>_switch and
    // <name>_switch_top (switch.cpp): N front-panel ports and the CPU port cpuPort around
    // rtl/hop_switch.sv.
    int switchPorts = 0;
    int cpuPort = 510;
};

// One bundle atom the cut carries: bits [lsb, lsb + width) of <name>_ingress's m_dec_bundle
// and <name>_egress's s_dec_bundle.
struct CutAtom {
    std::string name;  // a field's name, `valid(<header>)`, `<table>.hit`, `$consumed`, ...
    int lsb = 0, width = 0;
};

struct Output {
    std::map<std::string, std::string> files;  // file name -> text
    regmap::RegMap regmap;
    int latency = 0;      // header pipeline: window register to descriptor register, cycles
    int windowBytes = 0;  // header window: the deepest parse
    int emitBytes = 0;    // most header bytes the deparser can emit
    std::string pipelineModule, topModule;
    // With Options::split: the bundle at the cut (CUT_W bits), atoms from bit 0 up, and the
    // modules' names (empty without split).
    int cutWidth = 0;
    std::vector<CutAtom> cutLayout;
    std::string ingressModule, egressModule, splitModule, splitTopModule;
    // With Options::switchPorts: the switch's modules, its CSR window's base (after the
    // pipeline's map) and the address width of <name>_switch_top's AXI4-Lite slave.
    std::string switchModule, switchTopModule;
    uint32_t switchBase = 0;
    int switchAddrWidth = 0;
    // The switch's parameters by name (ports, cpu_port, base, addr_width, prios, cells, qdepth,
    // groups, nodes, out_depth, out_reserve): what a runtime needs to drive it (switch.json).
    std::map<std::string, int64_t> switchParams;
};

std::optional<Output> generate(const ir::Program& program, const Options& options,
                               Diagnostics& diags);

}  // namespace hop::verilog
