// SPDX-License-Identifier: Apache-2.0
// The IR passes: what runs on the pipeline IR after lowering and before anything reads it (the
// P4Info and register-map writers, the Verilog backend, the model), as one ordered list.
// Lowering says what the program does (a whole-header copy, a stack shift); a pass rewrites it
// into the form the backends build, so every later stage sees the same program.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ir/ir.hpp"
#include "source/diagnostics.hpp"

namespace hop::ir {

struct Pass {
    const char* name;
    // Rewrites the program in place; false when it reported an error (the list stops there).
    bool (*run)(Program& program, Diagnostics& diags);
};

// The passes in the order they run.
const std::vector<Pass>& passes();

// Runs passes() in order, calling `after` with each pass's name once it ran (for IR dumps).
bool runPasses(Program& program, Diagnostics& diags,
               const std::function<void(const char* pass, const Program&)>& after = {});

// `expand-structured`: replaces each structured statement (ir::isStructured) by the Assign,
// SetValid and SetInvalid statements it stands for (pass_expand.cpp).
bool expandStructured(Program& program, Diagnostics& diags);

// Every statement list of the program: parser states, controls, action bodies and the bodies
// of actions bound in a table's action list.
void forEachStmtList(Program& program, const std::function<void(std::vector<Stmt>&)>& fn);
void forEachStmtList(const Program& program,
                     const std::function<void(const std::vector<Stmt>&)>& fn);

// The first structured statement left in the program, or null.
const Stmt* findStructured(const Program& program);
// For a stage that runs after the passes (`stage`: "the Verilog backend", "the model"): the
// text of its internal error when `s` is a structured statement, which must not reach it.
std::string unexpandedError(const Stmt& s, const std::string& stage);

}  // namespace hop::ir
