// SPDX-License-Identifier: Apache-2.0
// IR expressions as SystemVerilog of exact widths: every node is printed as a self-determined
// expression whose width is the IR node's width (size casts `W'(...)` around arithmetic, shifts
// and slices of expressions), so P4's modular arithmetic comes out bit-exact whatever context
// the text ends up in. Leaves (fields, validity bits, action parameters, table results) are
// supplied by the caller, which knows where the stage keeps them.
#pragma once

#include <functional>
#include <string>

#include "ir/ir.hpp"
#include "source/diagnostics.hpp"

namespace hop::verilog {

struct ExprLeaves {
    std::function<std::string(ir::FieldId)> field;
    std::function<std::string(ir::HeaderId)> valid;
    std::function<std::string(int)> param;  // action parameter index
    std::function<std::string(ir::TableId)> tableHit;
    std::function<std::string(ir::TableId, ir::ActionId)> actionRun;
    std::function<std::string(ir::FieldId)> varbitLength;  // 16 bits
    std::function<std::string(int)> lookahead;             // bits at the parser's cursor
};

// A sized SystemVerilog literal: `16'h800`, `1'b1`.
std::string literal(const ir::BigInt& value, int width);

class ExprEmitter {
  public:
    ExprEmitter(const ir::Program& program, ExprLeaves leaves, Diagnostics& diags)
        : program_(program), leaves_(std::move(leaves)), diags_(diags) {}

    // The expression as SV of width e->width. Unsupported kinds report a located error at
    // `loc` ("... is not supported by hopline") and return a zero literal of the right width.
    std::string emit(const ir::ExprPtr& e, const SourceLoc& loc);
    // A predicate (null = true) as a 1-bit expression.
    std::string predicate(const ir::ExprPtr& e, const SourceLoc& loc);
    bool failed() const { return failed_; }

  private:
    std::string unsupported(const ir::Expr& e, const std::string& what, const SourceLoc& loc);
    std::string binary(const ir::Expr& e, const SourceLoc& loc);

    const ir::Program& program_;
    ExprLeaves leaves_;
    Diagnostics& diags_;
    bool failed_ = false;
};

}  // namespace hop::verilog
