// SPDX-License-Identifier: Apache-2.0
// hopc: compiles a P4_16 v1model program for hopline.
#include <CLI/CLI.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "driver/compile.hpp"
#include "ir/passes.hpp"

int main(int argc, char** argv) {
    CLI::App app{"hopc: compile a P4_16 v1model program to a hopline pipeline"};
    hop::CompileOptions options;
    std::vector<std::string> emit;
    app.add_option("input", options.input, "the P4_16 program (.p4)")->required();
    app.add_option("-o,--output", options.outDir, "output directory")->required();
    app.add_option("-I", options.preprocess.includeDirs, "add an include directory")
        ->allow_extra_args(false);
    app.add_option("-D", options.preprocess.defines, "define a preprocessor macro NAME[=VALUE]")
        ->allow_extra_args(false);
    app.add_option("--emit", emit,
                   "extra output: 'ir' writes <DIR>/<name>.ir.txt; 'verilog' makes the RTL "
                   "(<DIR>/rtl/, regmap.json, regmap.hpp, always attempted) required; 'split' "
                   "(implies 'verilog') also writes the pipeline cut after ingress: "
                   "<name>_ingress.sv, <name>_egress.sv, <name>_split.sv, <name>_split_top.sv")
        ->check(CLI::IsMember({"ir", "verilog", "split"}))
        ->allow_extra_args(false);
    std::vector<std::string> stages = {"lower", "all"};
    for (const auto& pass : hop::ir::passes()) stages.push_back(pass.name);
    app.add_option("--dump-ir-after", options.dumpIrAfter,
                   "write <DIR>/<name>.ir.<STAGE>.txt, the IR after lowering ('lower'), after "
                   "one IR pass (its name) or after each of them ('all')")
        ->check(CLI::IsMember(stages));
    app.add_option("--data-width", options.dataWidth, "AXI4-Stream data width of the RTL")
        ->check(CLI::IsMember({64, 128, 256, 512}));
    app.add_flag("--summary", options.summary, "print the program's tables and actions");
    app.add_option("--ports", options.switchPorts,
                   "also the v1model switch top for N front-panel ports and the CPU port "
                   "(implies '--emit split'): <name>_switch.sv, <name>_switch_top.sv")
        ->check(CLI::Range(1, 30));
    app.add_option("--cpu-port", options.cpuPort,
                   "the CPU port's number in the switch top (default 510; past the "
                   "front-panel ports)")
        ->check(CLI::Range(1, 510));
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return e.get_exit_code() == 0 ? rc : 2;
    }
    for (const auto& e : emit) {
        if (e == "ir") options.emitIr = true;
        if (e == "verilog") options.requireVerilog = true;
        if (e == "split") options.requireVerilog = options.split = true;
    }
    if (options.switchPorts > 0) options.requireVerilog = options.split = true;
    try {
        return hop::compile(options, std::cout, std::cerr);
    } catch (const std::exception& e) {
        std::cerr << "hopc: internal error: " << e.what() << "\n";
        return 3;
    }
}
