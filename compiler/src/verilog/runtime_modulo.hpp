// SPDX-License-Identifier: Apache-2.0
// The hash extern's `base + (h % max)` with a max known only at run time (an action parameter
// or a field, as the load_balance tutorial's ECMP group size), prepared for the Verilog backend.
#pragma once

#include <set>

#include "ir/ir.hpp"
#include "source/diagnostics.hpp"

namespace hop::verilog {

struct RuntimeModulo {
    ir::Program program;                    // the program with every such hash rewritten
    std::set<const ir::Stmt*> stageBreaks;  // the backend registers the bundle after these
};

// A hash whose max is not a constant cannot be divided in one stage at one packet per clock:
// it is rewritten into the hash alone (max 2^w: the remainder is the hash), then after the
// statement that ran it (the control statement itself, or the apply of the table whose action
// holds it) a restoring division, one remainder bit per step and kStepsPerStage steps per
// pipeline stage, and the sum with base. BMv2's rules hold: base and max as 64-bit unsigned
// numbers, a max of 0 taken as 1. A result the same action reads or writes again after the
// hash is a located refusal (it is written only after the table). Programs without such a
// hash come back unchanged. The model runs the original program, so the model-vs-RTL tests
// check this rewriting.
inline constexpr int kStepsPerStage = 2;
RuntimeModulo splitRuntimeModulo(const ir::Program& program, Diagnostics& diags, bool& failed);

}  // namespace hop::verilog
