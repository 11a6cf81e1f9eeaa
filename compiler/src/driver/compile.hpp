// SPDX-License-Identifier: Apache-2.0
// The compiler's phases in a row (preprocess -> parse -> check -> lower -> passes -> emit), shared
// by hopc, the tests and the fuzz target. Each phase runs only if the previous reported no error.
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "ast/ast.hpp"
#include "ir/ir.hpp"
#include "sema/sema.hpp"
#include "source/diagnostics.hpp"
#include "source/preprocess.hpp"
#include "source/source.hpp"

namespace hop {

struct Frontend {
    std::unique_ptr<SourceBuffer> source;
    std::unique_ptr<Diagnostics> diags;
    ast::Program program;
    sema::CheckedProgram checked;
    std::optional<ir::Program> ir;                             // after the passes
    std::vector<std::pair<std::string, std::string>> irDumps;  // (stage, dump) as asked
    bool ok = false;
};

struct FrontendOptions {
    // Check the language only: no `main` required, every v1model extern accepted, no lowering.
    // Used for corpora of programs that exercise the language rather than the target.
    bool languageOnly = false;
    std::string name = "program";
    // Keep the IR's dump after lowering ("lower"), after one pass (its name, ir/passes.hpp) or
    // after each of them ("all") in Frontend::irDumps.
    std::string dumpIrAfter;
};

// Parses, checks and (unless languageOnly) lowers an already preprocessed buffer and runs the
// IR passes on it.
std::unique_ptr<Frontend> runFrontend(SourceBuffer source, const FrontendOptions& options = {});

struct CompileOptions {
    std::string input;
    std::string outDir;
    PreprocessOptions preprocess;
    bool emitIr = false;
    std::string dumpIrAfter;  // --dump-ir-after: <DIR>/<name>.ir.<stage>.txt (FrontendOptions)
    bool summary = false;     // print the tables and actions to `out`
    // The Verilog backend (DIR/rtl/, DIR/regmap.json, DIR/regmap.hpp). By default hopc tries
    // it and, when the program uses something the backend does not support yet, prints the
    // reasons as warnings, writes no RTL and still succeeds (P4Info / IR as before). With
    // requireVerilog (`--emit verilog`) those reasons are errors and hopc fails.
    bool requireVerilog = false;
    int dataWidth = 512;  // --data-width: 64, 128, 256 or 512
    // --emit split: also the pipeline cut after ingress (compiler/src/verilog/split.cpp).
    bool split = false;
    // --ports N, --cpu-port P: also the switch top (compiler/src/verilog/switch.cpp).
    int switchPorts = 0;
    int cpuPort = 510;
};

// The whole of `hopc`: returns the process exit code (0 success, 1 compile errors), prints
// diagnostics to `err` and the summary (when asked) to `out`.
int compile(const CompileOptions& options, std::ostream& out, std::ostream& err);

// The program's name as used for output files: the input's stem (`basic` for examples/basic.p4).
std::string programName(const std::string& input);

}  // namespace hop
