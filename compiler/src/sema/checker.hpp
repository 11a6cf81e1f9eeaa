// SPDX-License-Identifier: Apache-2.0
// Internal interface of the semantic checker (sema*.cpp); not used outside compiler/src/sema.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "sema/sema.hpp"

namespace hop::sema {

// Limits that keep hostile programs from exhausting memory or the stack.
constexpr int kMaxWidth = 2048;      // bits in one bit<W>/int<W>/varbit<W>
constexpr int kMaxStackSize = 4096;  // elements in one header stack
constexpr int kMaxDepth = 1000;      // expression/statement nesting (flat chains like 1+1+...)
constexpr int kMaxShift = 4096;      // shift of an arbitrary-precision int constant

// What a name in a scope stands for.
struct Entity {
    enum class Kind { Decl, Param, TypeVar } kind = Kind::Decl;
    ast::Decl* decl = nullptr;
    const ast::Param* param = nullptr;
    const Type* type = nullptr;  // TypeVar
};

// A declaration as a name in a scope stands for it.
inline Entity declEntity(ast::Decl* d) {
    Entity e;
    e.decl = d;
    return e;
}

struct Scope {
    Scope* parent = nullptr;
    std::unordered_map<std::string, std::vector<Entity>> names;
};

using Subst = std::map<const Type*, const Type*>;

// A callable's parameters as sema sees them (extern functions and methods, actions, functions,
// parser/control apply and constructors).
struct Signature {
    std::string name;
    std::vector<const Type*> typeVars;  // its own type parameters
    std::vector<ParamInfo> params;
    const Type* ret = nullptr;
    const ast::MethodProto* proto = nullptr;
};

// Operand: an int constant given the width of the other operand of a binary operator.
enum class Conv { Assign, Init, Arg, Return, Operand, Other };

class Checker {
  public:
    Checker(Diagnostics& diags, CheckedProgram& out, const CheckOptions& options);
    void run(ast::Program& program);

  private:
    // --- scopes
    struct ScopeGuard {
        Checker& c;
        Scope s;
        explicit ScopeGuard(Checker& ch) : c(ch) {
            s.parent = c.scope_;
            c.scope_ = &s;
        }
        ~ScopeGuard() { c.scope_ = s.parent; }
    };
    const std::vector<Entity>* lookupAll(const std::string& name, bool topLevel = false) const;
    const Entity* lookup(const std::string& name, bool topLevel = false) const;
    void add(const ast::Name& name, Entity e);
    void addParam(ast::Param* p);
    std::vector<const Type*> addTypeVars(const ast::TypeParams& tp);

    // --- types
    const Type* resolveType(const ast::TypeRefPtr& ref);
    const Type* specialize(const ast::Decl* decl, const Type* generic,
                           const std::vector<const Type*>& args, SourceLoc loc);
    const Type* subst(const Type* t, const Subst& s, int depth = 0);
    void unify(const Type* formal, const Type* actual, Subst& s, int depth = 0);
    bool same(const Type* a, const Type* b, int depth = 0) const;
    bool blockMatches(const Type* formal, const Type* actual, std::string& why);
    std::optional<BigInt> constInt(ast::Expr* e, const char* what);
    std::optional<int> constWidth(ast::Expr* e, const char* what, int min, int max);
    void layout(Type* t);

    // --- declarations
    void declare(const ast::DeclPtr& d, bool topLevel);
    void checkConst(ast::ConstDecl* d);
    void checkVar(ast::VarDecl* d);
    void checkTypedef(ast::TypedefDecl* d);
    void checkEnum(ast::EnumDecl* d);
    void checkStructLike(ast::StructLikeDecl* d);
    void checkExtern(ast::ExternDecl* d);
    Signature makeSignature(const ast::MethodProto& m, const std::string& name);
    void checkFunction(ast::FunctionDecl* d);
    void checkAction(ast::ActionDecl* d);
    void checkBlockType(ast::BlockTypeDecl* d);
    void checkParser(ast::ParserDecl* d);
    void checkControl(ast::ControlDecl* d);
    // The shared start of a parser or control: its type, its name in the enclosing scope, then
    // (inside the block's own scope, which the caller opens) type variables and parameters.
    template <typename BlockDecl>
    Type* declareBlock(BlockDecl* d, TypeKind kind);  // defined in sema_decl.cpp, its only user
    template <typename BlockDecl>
    void bindBlockParams(BlockDecl* d, Type* t);
    void checkInstance(ast::InstanceDecl* d);
    void checkTable(ast::TableDecl* d);
    void checkValueSet(ast::ValueSetDecl* d);
    std::vector<ParamInfo> paramInfos(const std::vector<ast::ParamPtr>& ps);

    // --- statements
    void stmt(ast::Stmt* s);
    void block(ast::BlockStmt* b);
    void switchStmt(ast::SwitchStmt* s);
    void forStmt(ast::ForStmt* s);
    void forInStmt(ast::ForInStmt* s);
    void transition(ast::Transition& t, const std::set<std::string>& states);
    void keyset(ast::Expr* k, const std::vector<const Type*>& types);
    void keysetElement(ast::Expr* k, const Type* t, const std::string& matchKind);

    // --- expressions
    const Type* expr(ast::Expr* e);
    const Type* exprInner(ast::Expr* e);
    const Type* path(ast::PathExpr* e);
    const Type* member(ast::MemberExpr* e);
    [[gnu::noinline]] const Type* memberTyped(ast::MemberExpr* e, const Type* bt);
    const Type* index(ast::IndexExpr* e);
    [[gnu::noinline]] const Type* indexTyped(ast::IndexExpr* e, const Type* bt, const Type* it);
    const Type* slice(ast::SliceExpr* e);
    const Type* unary(ast::UnaryExpr* e);
    const Type* binary(ast::BinaryExpr* e);
    [[gnu::noinline]] const Type* binaryTyped(ast::BinaryExpr* e, const Type* lt, const Type* rt);
    [[gnu::noinline]] const Type* leaf(ast::Expr* e);
    [[gnu::noinline]] void tooDeep(SourceLoc loc);
    const Type* ternary(ast::TernaryExpr* e);
    const Type* cast(ast::CastExpr* e);
    const Type* call(ast::CallExpr* e);
    void packetMethod(ast::CallExpr* c, const ast::ExternDecl* x, const std::string& name);
    const Type* commonType(ast::Expr* site, const char* op, ast::Expr* l, ast::Expr* r);
    const Type* callSignature(ast::CallExpr* c, const Signature& sig, Subst& s, CallTarget& target);
    const Signature* pickOverload(ast::CallExpr* c, const std::vector<const Signature*>& cands,
                                  const std::string& name);
    bool convert(ast::Expr* e, const Type* to, Conv ctx);
    bool isConstant(ast::Expr* e) const;
    std::string notLValue(ast::Expr* e);
    bool castAllowed(const Type* from, const Type* to) const;
    ast::ActionDecl* actionRef(ast::Expr* e, ast::CallExpr** callOut);
    void actionArgs(ast::CallExpr* c, ast::ActionDecl* a, bool bindDirectionalOnly);
    void bindMain(ast::Program& program);

    std::string printable(ast::Expr* e) const;

    Diagnostics& diags_;
    CheckedProgram& out_;
    TypeTable& types_;
    CheckOptions options_;
    Scope global_;
    Scope* scope_ = &global_;
    int depth_ = 0;
    bool tooDeep_ = false;

    // Expressions that name a type (`E` in `E.A`, `error` in `error.NoMatch`).
    std::unordered_set<const ast::Expr*> typeNames_;
    // Type variables of generic declarations (externs, packages, parser/control types, structs).
    std::unordered_map<const ast::Decl*, std::vector<const Type*>> declTypeVars_;
    std::unordered_map<const ast::MethodProto*, Signature> sigs_;
    std::unordered_map<const ast::Decl*, Signature> declSigs_;

    enum class Body { None, Parser, Control, Action, Function };
    Body body_ = Body::None;
    int loops_ = 0;  // for loops around the statement being checked (`break`, `continue`)
    const Type* returnType_ = nullptr;
};

}  // namespace hop::sema
