// SPDX-License-Identifier: Apache-2.0
// The P4_16 parser (Boost.Spirit X3) over preprocessed source text.
#pragma once

#include "ast/ast.hpp"
#include "source/diagnostics.hpp"
#include "source/source.hpp"

namespace hop {

// Parses the whole buffer. Syntax errors are reported to `diags` with their location; the parser
// recovers at the next top-level declaration so one run reports several errors. The returned
// program holds every declaration that parsed.
ast::Program parseProgram(const SourceBuffer& source, Diagnostics& diags);

}  // namespace hop
