// SPDX-License-Identifier: Apache-2.0
// The IR's text form (`hopc --emit ir`): readable, deterministic, one line per statement, so
// golden files diff well.
#pragma once

#include <string>

#include "ir/ir.hpp"

namespace hop::ir {

std::string dumpIr(const Program& program);

// One expression in the dump's syntax; `action` names Param references (may be null).
std::string exprToString(const Program& program, const ExprPtr& expr,
                         const Action* action = nullptr);

}  // namespace hop::ir
