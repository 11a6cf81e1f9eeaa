// SPDX-License-Identifier: Apache-2.0
// Semantic checking: scopes and name resolution, the P4_16 typing rules, compile-time constant
// evaluation, parameter directions, and the v1model binding of V1Switch's six blocks.
#pragma once

#include <memory>

#include "ast/ast.hpp"
#include "sema/types.hpp"
#include "source/diagnostics.hpp"

namespace hop::sema {

// The six programmable blocks of a v1model `V1Switch(...) main;`, after binding.
struct V1ModelBinding {
    const ast::InstanceDecl* main = nullptr;
    const ast::ParserDecl* parser = nullptr;
    const ast::ControlDecl* verifyChecksum = nullptr;
    const ast::ControlDecl* ingress = nullptr;
    const ast::ControlDecl* egress = nullptr;
    const ast::ControlDecl* computeChecksum = nullptr;
    const ast::ControlDecl* deparser = nullptr;
    // The types bound to V1Switch's type parameters H (headers) and M (metadata).
    const Type* headersType = nullptr;
    const Type* metadataType = nullptr;
};

// Everything sema learned, kept alive for the lowering and the backends.
struct CheckedProgram {
    ast::Program* program = nullptr;
    std::unique_ptr<TypeTable> types = std::make_unique<TypeTable>();
    V1ModelBinding v1model;
};

// Checks `program` in place (filling the sema: fields of the AST). Reports every error to
// `diags`; returns false when any error was reported.
bool check(ast::Program& program, Diagnostics& diags, CheckedProgram& out);

}  // namespace hop::sema
