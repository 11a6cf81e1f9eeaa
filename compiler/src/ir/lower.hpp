// SPDX-License-Identifier: Apache-2.0
// Lowering: the checked AST of a v1model program -> the pipeline IR (ir/ir.hpp).
//
// Layout comes from the V1Switch binding's H and M types plus standard_metadata_t; parser
// states become a graph; controls are flattened into predicated statement lists (if/else,
// switch on action_run, .hit/.miss, return and exit become predicates; direct action calls and
// functions are inlined; locals become temporaries). Anything without an IR form is reported
// through Diagnostics::unsupported at its location; lowering never drops a construct silently.
#pragma once

#include <optional>
#include <string>

#include "ir/ir.hpp"
#include "sema/sema.hpp"
#include "source/diagnostics.hpp"

namespace hop::ir {

// Returns nullopt when any error was reported. `name` becomes Program::name.
std::optional<Program> lower(const sema::CheckedProgram& checked, Diagnostics& diags,
                             const std::string& name = "program");

}  // namespace hop::ir
