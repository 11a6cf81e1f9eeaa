// SPDX-License-Identifier: Apache-2.0
// Semantic checking: scopes and name resolution, the P4_16 typing rules, compile-time constant
// evaluation, parameter directions, and the v1model binding of V1Switch's six blocks.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

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

// What a call expression resolved to, so the lowering does not repeat overload resolution.
struct CallTarget {
    enum class Kind {
        Unknown,
        Action,          // a direct action call; decl is the ActionDecl
        Function,        // a P4 function; decl is the FunctionDecl
        ExternFunction,  // decl is the ExternDecl, method its `function`
        ExternMethod,    // method of an extern instance/parameter; decl the ExternDecl
        Constructor,     // `Checksum16()`, `MyParser()` written as an expression
        Builtin,         // header/union/stack methods: `builtin` names it
        TableApply,      // decl is the TableDecl
        BlockApply,      // apply() of a parser/control instance; decl is the Parser/ControlDecl
    } kind = Kind::Unknown;
    const ast::Decl* decl = nullptr;
    const ast::MethodProto* method = nullptr;
    std::string builtin;  // isValid, setValid, setInvalid, push_front, pop_front, ...
    // The method's or function's own type parameters, as given or inferred (declaration order).
    std::vector<const Type*> typeArgs;
};

// Everything sema learned, kept alive for the lowering and the backends.
//
// Notes for readers of the annotated AST:
//  - A PathExpr naming a parameter has decl == nullptr (parameters are not Decls); look it up
//    in `paramRefs`.
//  - A TableDecl's type is a Table type whose `returnType` is the struct apply() returns
//    (fields hit, miss, action_run) and whose `members` are the action names in list order.
//  - Struct/header `width` is 0 when the layout is not fixed (e.g. a struct holding headers).
struct CheckedProgram {
    ast::Program* program = nullptr;
    std::unique_ptr<TypeTable> types = std::make_unique<TypeTable>();
    V1ModelBinding v1model;
    std::unordered_map<const ast::PathExpr*, const ast::Param*> paramRefs;
    std::unordered_map<const ast::CallExpr*, CallTarget> calls;

    const ast::Param* paramOf(const ast::PathExpr* e) const {
        auto it = paramRefs.find(e);
        return it == paramRefs.end() ? nullptr : it->second;
    }
    const CallTarget* callOf(const ast::CallExpr* e) const {
        auto it = calls.find(e);
        return it == calls.end() ? nullptr : &it->second;
    }
};

struct CheckOptions {
    // A program without `main` is an error, and `main` is bound to the v1model blocks.
    bool requireMain = true;
    // Uses of externs hopline cannot implement yet are errors (see unsupportedExterns()).
    bool reportUnsupported = true;
};

// Checks `program` in place (filling the sema: fields of the AST). Reports every error to
// `diags`; returns false when any error was reported. This is the compiler's full check:
// language rules, the v1model binding, and the "not supported by hopline" uses.
bool check(ast::Program& program, Diagnostics& diags, CheckedProgram& out);
bool check(ast::Program& program, Diagnostics& diags, CheckedProgram& out,
           const CheckOptions& options);
// The language rules only: no `main` required, every v1model extern accepted.
bool checkLanguageOnly(ast::Program& program, Diagnostics& diags, CheckedProgram& out);

// The one list of extern names (functions and object types) that hopline's backends cannot
// implement yet. A backend that learns one removes it here.
const std::set<std::string>& unsupportedExterns();
// Reports a located "X is not supported by hopline" for every use of an unsupported extern in
// an already checked program.
void reportUnsupported(const CheckedProgram& program, Diagnostics& diags);

}  // namespace hop::sema
