// SPDX-License-Identifier: Apache-2.0
// The P4_16 abstract syntax tree, as produced by the parser and annotated by sema.
//
// Nodes are held by shared_ptr (Spirit X3 attributes must be copyable). The parser fills the
// syntactic fields; sema fills the fields marked "sema:" (types, resolved declarations,
// constant values) and never changes the syntactic ones.
#pragma once

#include <boost/multiprecision/cpp_int.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "source/source.hpp"

namespace hop {

using BigInt = boost::multiprecision::cpp_int;

namespace sema {
struct Type;
}

namespace ast {

struct Node {
    SourceLoc loc;
    virtual ~Node() = default;
};

template <typename T>
using Ptr = std::shared_ptr<T>;

template <typename T, typename U>
T* as(const Ptr<U>& p) {
    return dynamic_cast<T*>(p.get());
}
template <typename T, typename U>
T* as(U* p) {
    return dynamic_cast<T*>(p);
}

struct Name {
    std::string text;
    SourceLoc loc;
};

struct Expr;
struct TypeRef;
struct Decl;
using ExprPtr = Ptr<Expr>;
using TypeRefPtr = Ptr<TypeRef>;
using DeclPtr = Ptr<Decl>;

// `@name`, `@name(expressions)`, `@name[key=value, ...]`. `body` keeps the raw text between the
// brackets for unstructured annotations; `args` holds it parsed as an expression list when it is
// one (e.g. @name("x"), @controller_header("packet_in"), @priority(3)).
struct Annotation {
    Name name;
    std::string body;
    std::vector<ExprPtr> args;
    std::vector<std::pair<Name, ExprPtr>> kvs;
    SourceLoc loc;
};
using Annotations = std::vector<Annotation>;

// ---------------------------------------------------------------------------------------------
// Types as written in the source.

struct TypeRef : Node {};

// bool, error, match_kind, string, int (unsized), void, `_` (don't care).
struct BaseTypeRef : TypeRef {
    enum class Kind { Bool, Error, MatchKind, String, Int, Void, DontCare } kind;
};

// bit<W>, int<W>, varbit<W>; plain `bit` is bit<1>. `width` is an expression (a literal or a
// parenthesised constant expression).
struct SizedTypeRef : TypeRef {
    enum class Kind { Bit, Int, Varbit } kind;
    ExprPtr width;
};

// A named type, possibly specialised: `T`, `.T` (top-level), `Register<bit<32>, bit<8>>`.
struct NamedTypeRef : TypeRef {
    Name name;
    bool topLevel = false;  // leading dot
    std::vector<TypeRefPtr> args;
    const Decl* decl = nullptr;  // sema: the declaration it names (nullptr for type variables)
};

// T[size]
struct StackTypeRef : TypeRef {
    TypeRefPtr element;
    ExprPtr size;
};

// tuple<T1, T2>
struct TupleTypeRef : TypeRef {
    std::vector<TypeRefPtr> elements;
};

// ---------------------------------------------------------------------------------------------
// Expressions.

struct Expr : Node {
    const sema::Type* type = nullptr;  // sema: the expression's type
    std::optional<BigInt> constValue;  // sema: value when a compile-time integer/bool constant
};

// 5, 8w5, 16s3, 0x1F, 0b101, 0o17, 1_000. `width` 0 means an unsized `int` literal.
struct IntLiteral : Expr {
    BigInt value;
    int width = 0;
    bool isSigned = false;
    std::string text;
};
struct BoolLiteral : Expr {
    bool value = false;
};
struct StringLiteral : Expr {
    std::string value;
};

// A name used as an expression. `error`, `this` and type names (for `MyEnum.A`) appear here too.
struct PathExpr : Expr {
    Name name;
    bool topLevel = false;
    const Decl* decl = nullptr;  // sema: what it resolves to
};

struct MemberExpr : Expr {
    ExprPtr base;
    Name member;
};

struct IndexExpr : Expr {
    ExprPtr base;
    ExprPtr index;
};

// e[hi:lo]
struct SliceExpr : Expr {
    ExprPtr base;
    ExprPtr hi, lo;
};

enum class UnaryOp { LNot, BitNot, Neg, Plus };
struct UnaryExpr : Expr {
    UnaryOp op;
    ExprPtr operand;
};

enum class BinaryOp {
    Mul,
    Div,
    Mod,
    Add,
    Sub,
    AddSat,
    SubSat,
    Shl,
    Shr,
    Le,
    Ge,
    Lt,
    Gt,
    Eq,
    Ne,
    BitAnd,
    BitXor,
    BitOr,
    Concat,
    LAnd,
    LOr,
    Mask,   // &&& (keysets only)
    Range,  // ..  (keysets only)
};
// The operator as written in P4 source (`|+|`, `&&&`, ...), for diagnostics and dumps.
const char* spelling(BinaryOp op);

struct BinaryExpr : Expr {
    BinaryOp op;
    ExprPtr lhs, rhs;
};

struct TernaryExpr : Expr {
    ExprPtr cond, then, otherwise;
};

struct CastExpr : Expr {
    TypeRefPtr target;
    ExprPtr operand;
};

struct Argument {
    std::optional<Name> name;  // named argument `f = e`
    ExprPtr value;             // nullptr for `_` (don't care)
    SourceLoc loc;
};

// f(args), obj.method(args), f<T>(args), and instantiations written as expressions
// (`Checksum16()` as a constructor argument).
struct CallExpr : Expr {
    ExprPtr callee;
    std::vector<TypeRefPtr> typeArgs;
    std::vector<Argument> args;
};

// { e1, e2 }  (list / tuple / header / struct, typed by context)
struct ListExpr : Expr {
    std::vector<ExprPtr> elements;
};
// { f = e, g = e }
struct StructExpr : Expr {
    std::vector<std::pair<Name, ExprPtr>> fields;
    TypeRefPtr typeName;  // optional `(T) {...}` is a cast; kept null here
};
// `{#}`: an invalid header / header union.
struct InvalidHeaderExpr : Expr {};

// `default` in keysets and switch labels, `_` (don't care) in keysets and arguments.
struct DefaultExpr : Expr {};
struct DontCareExpr : Expr {};

// ---------------------------------------------------------------------------------------------
// Statements.

struct Stmt : Node {};
using StmtPtr = Ptr<Stmt>;

struct AssignStmt : Stmt {
    ExprPtr lhs, rhs;
};
// A method or function call, including `t.apply();` and `extract(...)`.
struct CallStmt : Stmt {
    Ptr<CallExpr> call;
};
struct BlockStmt : Stmt {
    Annotations annotations;
    std::vector<StmtPtr> stmts;
};
struct IfStmt : Stmt {
    ExprPtr cond;
    StmtPtr then, otherwise;  // otherwise may be null
};
struct SwitchCase {
    std::vector<ExprPtr> labels;  // PathExpr (action name / enum member / constant) or DefaultExpr
    Ptr<BlockStmt> body;          // null for fall-through labels `a:`
    SourceLoc loc;
};
struct SwitchStmt : Stmt {
    ExprPtr subject;
    std::vector<SwitchCase> cases;
};
struct ExitStmt : Stmt {};
struct ReturnStmt : Stmt {
    ExprPtr value;  // may be null
};
struct EmptyStmt : Stmt {};
// A local variable or constant declared inside a block.
struct DeclStmt : Stmt {
    DeclPtr decl;
};
// `for (init; cond; update) body` (P4_16 1.2.5). `init` holds declarations (DeclStmt),
// assignments and calls; `cond` is null when omitted (always true).
struct ForStmt : Stmt {
    Annotations annotations;
    std::vector<StmtPtr> init;
    ExprPtr cond;
    std::vector<StmtPtr> update;
    StmtPtr body;
};
struct VarDecl;
// `for (T v in collection) body`: `collection` is a range `lo .. hi` (a BinaryExpr of
// BinaryOp::Range, both ends included) or a list expression.
struct ForInStmt : Stmt {
    Annotations annotations;
    Ptr<VarDecl> var;  // the loop variable, declared by the loop (no initialiser)
    ExprPtr collection;
    StmtPtr body;
};
struct BreakStmt : Stmt {};
struct ContinueStmt : Stmt {};

// ---------------------------------------------------------------------------------------------
// Declarations.

struct Decl : Node {
    Name name;
    Annotations annotations;
    const sema::Type* type = nullptr;  // sema: the declared type or the declaration's own type
};

enum class Direction { None, In, Out, InOut };

struct Param : Node {
    Annotations annotations;
    Direction direction = Direction::None;
    TypeRefPtr type;
    Name name;
    ExprPtr defaultValue;
    const sema::Type* semaType = nullptr;  // sema
};
using ParamPtr = Ptr<Param>;

struct TypeParams {
    std::vector<Name> names;
};

struct ConstDecl : Decl {
    TypeRefPtr typeRef;
    ExprPtr init;
    std::optional<BigInt> value;  // sema: the folded value when integer/bool
};

struct VarDecl : Decl {
    TypeRefPtr typeRef;
    ExprPtr init;  // may be null
};

// Instantiation: `Checksum16() ck;`, `V1Switch(p(), ...) main;`, `Register<bit<32>, _>(8) r;`
// and extern instantiation with an initializer block of abstract method implementations.
struct InstanceDecl : Decl {
    TypeRefPtr typeRef;
    std::vector<Argument> args;
    std::vector<DeclPtr> initializer;  // function declarations inside `{ ... }`
};

// typedef T name;  and  type T name;
struct TypedefDecl : Decl {
    TypeRefPtr typeRef;
    bool isNewType = false;  // `type` rather than `typedef`
};

struct EnumMember {
    Name name;
    ExprPtr value;  // serializable enums only
    Annotations annotations;
};
// enum E { A, B }  and  enum bit<8> E { A = 1, B = 2 }
struct EnumDecl : Decl {
    TypeRefPtr underlying;  // null for plain enums
    std::vector<EnumMember> members;
};

// error { ... } and match_kind { ... }; several declarations merge.
struct ErrorDecl : Decl {
    std::vector<Name> members;
};
struct MatchKindDecl : Decl {
    std::vector<Name> members;
};

struct FieldDecl {
    Annotations annotations;
    TypeRefPtr typeRef;
    Name name;
};
struct StructLikeDecl : Decl {
    enum class Kind { Header, HeaderUnion, Struct } kind;
    TypeParams typeParams;
    std::vector<FieldDecl> fields;
};

// A method or function signature (extern methods, extern functions, abstract methods).
struct MethodProto {
    Annotations annotations;
    Name name;
    TypeRefPtr returnType;  // null for constructors
    TypeParams typeParams;
    std::vector<ParamPtr> params;
    bool isAbstract = false;
    bool isConstructor = false;
    SourceLoc loc;
};

// extern Name<T> { methods }  or  extern R f<T>(params);
struct ExternDecl : Decl {
    bool isFunction = false;
    TypeParams typeParams;
    std::vector<MethodProto> methods;  // for an object
    MethodProto function;              // for an extern function
};

// function R f<T>(params) { body }
struct FunctionDecl : Decl {
    TypeRefPtr returnType;
    TypeParams typeParams;
    std::vector<ParamPtr> params;
    Ptr<BlockStmt> body;
};

struct ActionDecl : Decl {
    std::vector<ParamPtr> params;
    Ptr<BlockStmt> body;
};

struct KeyElement {
    ExprPtr expr;
    Name matchKind;
    Annotations annotations;
    SourceLoc loc;
};
struct ActionRef {
    Annotations annotations;
    ExprPtr expr;  // PathExpr or CallExpr with bound arguments
    SourceLoc loc;
};
struct TableEntry {
    Annotations annotations;
    bool isConst = false;
    ExprPtr priority;             // `priority = N:`, may be null
    std::vector<ExprPtr> keyset;  // one per key, or a single DefaultExpr / DontCareExpr
    ActionRef action;
    SourceLoc loc;
};
struct TableProperty {
    Annotations annotations;
    Name name;
    bool isConst = false;
    enum class Kind { Key, Actions, Entries, Value } kind = Kind::Value;
    std::vector<KeyElement> keys;
    std::vector<ActionRef> actions;
    std::vector<TableEntry> entries;
    ExprPtr value;  // `name = expr;` (default_action, size, implementation, ...)
    SourceLoc loc;
};
struct TableDecl : Decl {
    std::vector<TableProperty> properties;
};

// value_set<T>(size) name;
struct ValueSetDecl : Decl {
    TypeRefPtr elementType;
    ExprPtr size;
};

// Prototypes: parser P<T>(params); control C(params); package V1Switch<H, M>(params);
struct BlockTypeDecl : Decl {
    enum class Kind { Parser, Control, Package } kind;
    TypeParams typeParams;
    std::vector<ParamPtr> params;
};

struct SelectCase {
    ExprPtr keyset;  // a ListExpr for tuples, DefaultExpr, DontCareExpr, Mask/Range BinaryExpr
    Name next;
    SourceLoc loc;
};
struct Transition {
    // Either a direct `transition next;` (select empty) or `transition select(e) { ... }`.
    std::optional<Name> next;
    std::vector<ExprPtr> selectExprs;
    std::vector<SelectCase> cases;
    SourceLoc loc;
};
struct ParserState : Node {
    Annotations annotations;
    Name name;
    std::vector<StmtPtr> stmts;
    std::optional<Transition> transition;  // absent means `reject`
};
using ParserStatePtr = Ptr<ParserState>;

struct ParserDecl : Decl {
    TypeParams typeParams;
    std::vector<ParamPtr> params;
    std::vector<ParamPtr> ctorParams;
    std::vector<DeclPtr> locals;
    std::vector<ParserStatePtr> states;
};

struct ControlDecl : Decl {
    TypeParams typeParams;
    std::vector<ParamPtr> params;
    std::vector<ParamPtr> ctorParams;
    std::vector<DeclPtr> locals;
    Ptr<BlockStmt> apply;
};

struct Program {
    std::vector<DeclPtr> decls;
};

}  // namespace ast
}  // namespace hop
