// SPDX-License-Identifier: Apache-2.0
// The compiler's phases in a row (preprocess -> parse -> check -> lower -> emit), shared by
// hopc, the tests and the fuzz target. Each phase runs only if the previous reported no error.
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "ast/ast.hpp"
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
    bool ok = false;
};

// Parses and checks an already preprocessed buffer.
std::unique_ptr<Frontend> runFrontend(SourceBuffer source);

struct CompileOptions {
    std::string input;
    std::string outDir;
    PreprocessOptions preprocess;
    bool emitIr = false;
};

// The whole of `hopc`: returns the process exit code (0 success, 1 compile errors) and prints
// diagnostics to `err`.
int compile(const CompileOptions& options, std::ostream& err);

// The program's name as used for output files: the input's stem (`basic` for examples/basic.p4).
std::string programName(const std::string& input);

}  // namespace hop
