// SPDX-License-Identifier: Apache-2.0
// Lowering's internals, shared by lower*.cpp only: the lowering context class and its helpers.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ir/lower.hpp"

namespace hop::ir::detail {

using ast::ActionDecl;
using ast::AssignStmt;
using ast::BinaryExpr;
using ast::BlockStmt;
using ast::BoolLiteral;
using ast::CallExpr;
using ast::CallStmt;
using ast::CastExpr;
using ast::ConstDecl;
using ast::ControlDecl;
using ast::Decl;
using ast::DeclStmt;
using ast::DefaultExpr;
using ast::Direction;
using ast::DontCareExpr;
using ast::EmptyStmt;
using ast::EnumDecl;
using ast::ErrorDecl;
using ast::ExitStmt;
using ast::FunctionDecl;
using ast::IfStmt;
using ast::IndexExpr;
using ast::InstanceDecl;
using ast::IntLiteral;
using ast::ListExpr;
using ast::MemberExpr;
using ast::NamedTypeRef;
using ast::Param;
using ast::ParamPtr;
using ast::ParserDecl;
using ast::PathExpr;
using ast::ReturnStmt;
using ast::SizedTypeRef;
using ast::SliceExpr;
using ast::StmtPtr;
using ast::StringLiteral;
using ast::StructLikeDecl;
using ast::SwitchStmt;
using ast::TableDecl;
using ast::TableProperty;
using ast::TernaryExpr;
using ast::UnaryExpr;
using ast::ValueSetDecl;
using ast::VarDecl;
using sema::TypeKind;

// dynamic_cast for the const AST the lowering reads (ast::as is for the mutable one).
template <typename T, typename U>
const T* dyn(const U* p) {
    return dynamic_cast<const T*>(p);
}
template <typename T, typename U>
const T* dyn(const std::shared_ptr<U>& p) {
    return dynamic_cast<const T*>(p.get());
}

// Width, signedness and boolness of a scalar value; width 0 means "unknown / not scalar".
struct Scalar {
    int width = 0;
    bool isSigned = false;
    bool isBool = false;
    bool isInt = false;  // arbitrary-precision `int`: takes its width from context
};

// Bits needed to encode `count` distinct values (at least one).
int bitsFor(size_t count);

// Annotations as P4Info and the IR carry them (lower_text.cpp).
std::string annotationText(const ast::Annotation& a);
std::vector<std::string> annotationList(const ast::Annotations& as);
const ast::Annotation* findAnnotation(const ast::Annotations& as, const std::string& name);
std::optional<std::string> stringArg(const ast::Annotation& a);
std::optional<uint32_t> idAnnotation(const ast::Annotations& as);
// Source-like text of a key or annotation expression, as p4c prints it (`hdr.ipv4.dstAddr`,
// `hdr.ipv4.isValid()`, `meta.x[7:0]`).
std::string exprText(const ast::Expr* e);

// A reference to something an expression can name, found by walking member/index chains.
struct Ref {
    enum class Kind { None, Path, Param, Value, Extern, Table, Error } kind = Kind::None;
    std::string path;  // Path: canonical layout path (a field, header, stack or struct prefix)
    int param = -1;    // Param: index into the action being lowered
    ExprPtr value;     // Value: a bound expression (inlined `in` argument, constant)
    int object = -1;   // Extern
    TableId table = -1;
    // Path chosen at run time (a stack element by a run-time index or `.last`): each path with
    // the condition under which it is the one named. `path` then names nothing.
    std::vector<std::pair<ExprPtr, std::string>> alts;
};

// A parameter of a block or an inlined callee bound to what it stands for.
struct Binding {
    std::string path;  // an lvalue path (block params, out/inout arguments)
    ExprPtr value;     // a value (in arguments, constants)
    int param = -1;    // an action's control-plane parameter
};

// A call statement as its handler sees it (lower_call.cpp).
struct CallSite {
    const CallExpr* call = nullptr;
    const MemberExpr* callee = nullptr;  // `receiver.method(...)`; null for a plain function call
    Ref receiver;                        // what `receiver` names, resolved once
    std::string method;                  // the method or function name (sema's builtin name)
    SourceLoc loc;

    const ast::Expr* arg(size_t i) const {
        return i < call->args.size() ? call->args[i].value.get() : nullptr;
    }
};

class Lowering {
  public:
    Lowering(const sema::CheckedProgram& cp, Diagnostics& diags) : cp_(cp), diags_(diags) {}

    std::optional<Program> run(const std::string& name);

  private:
    // --- layout (lower_layout.cpp)
    void buildLayout();
    void collectErrors();
    void addHeaderInstance(const std::string& path, const sema::Type* t);
    void addStructFields(HeaderId h, const std::string& prefix, const sema::Type* t, SourceLoc loc);
    void addHeadersStruct(const std::string& prefix, const sema::Type* t);
    void addTemporary(const std::string& path, const sema::Type* t, SourceLoc loc);
    HeaderId temporaries(const std::string& owner);
    void collectControllerHeaders();
    Scalar scalarOf(const sema::Type* t) const;
    ErrorCode errorCode(const std::string& name) const;

    // --- expressions (lower_expr.cpp)
    ExprPtr lowerExpr(const ast::Expr* e, Scalar hint = {});
    ExprPtr lowerExprInner(const ast::Expr* e, Scalar hint);
    // `lhsValue`: the left operand already lowered (a compound assignment's target).
    ExprPtr lowerBinary(const BinaryExpr* b, Scalar hint, ExprPtr lhsValue = nullptr);
    ExprPtr lowerVarbitEquality(const BinaryExpr* b);
    ExprPtr lowerMember(const MemberExpr* m, Scalar hint);
    ExprPtr lowerCallExpr(const CallExpr* c, Scalar hint);
    ExprPtr fitTo(ExprPtr e, Scalar target);
    ExprPtr refToExpr(const Ref& r, SourceLoc loc);
    Ref resolve(const ast::Expr* e);
    ExprPtr lvalue(const ast::Expr* e);
    // --- header stacks (lower_stack.cpp)
    int stackAt(const std::string& path) const;  // index into Program::stacks, or -1
    ExprPtr nextIndexOf(int stack) const;
    Ref stackElement(const Ref& base, const ast::Expr* index);
    Ref stackLast(const Ref& base, SourceLoc loc);
    ExprPtr altsToExpr(const Ref& r, SourceLoc loc);
    bool assignDynamic(const ast::Expr* lhs, const ast::Expr* rhs, ExprPtr pred, SourceLoc loc);
    std::optional<ExprPtr> callPushPop(const CallSite& c, ExprPtr pred);
    // --- random, truncate, log_msg, assert / assume (lower_debug.cpp)
    std::optional<ExprPtr> callRandom(const CallSite& c, ExprPtr pred);
    std::optional<ExprPtr> callTruncate(const CallSite& c, ExprPtr pred);
    void numberRandomCalls();
    std::optional<ExprPtr> callLogMsg(const CallSite& c, ExprPtr pred);
    std::optional<ExprPtr> callCheck(const CallSite& c, ExprPtr pred);
    void copyHeader(HeaderId dst, HeaderId src, ExprPtr pred, SourceLoc loc);
    FieldId validSnapshot();  // a structured copy's 1-bit temporary (Stmt::scratch)
    bool sameShape(HeaderId a, HeaderId b) const;  // field by field: width, sign, bool
    // --- header unions and stacks of them (lower_union.cpp)
    int addUnionInstance(const std::string& path, const sema::Type* t);  // Program::unions
    int addUnionStack(const std::string& path, const sema::Type* t);     // nextIndex left unset
    int unionAt(const std::string& path) const;  // index into Program::unions, or -1
    std::string stackElementName(int stack, size_t i) const;
    ExprPtr validOf(const std::string& path) const;  // a header's or union's; null for others
    void invalidateSiblings(HeaderId h, ExprPtr pred, SourceLoc loc);
    void copyUnion(const std::string& dst, const std::string& src, ExprPtr pred, SourceLoc loc);
    bool unionStackNext(const ast::Expr* target, Stmt& s);
    std::optional<ExprPtr> unionPushPop(const CallSite& c, ExprPtr pred);
    // --- headers, stacks and structs as values (lower_aggregate.cpp)
    bool addLocalAggregate(const std::string& path, const sema::Type* t, SourceLoc loc);
    void setValidAt(const std::string& path, ExprPtr pred, SourceLoc loc);
    void clearAggregate(const std::string& path, const sema::Type* t, ExprPtr pred, SourceLoc loc);
    void assignFromPath(const std::string& dst, const std::string& src, const sema::Type* t,
                        ExprPtr pred, SourceLoc loc);
    void assignFromExpr(const std::string& dst, const sema::Type* t, const ast::Expr* e,
                        ExprPtr pred, SourceLoc loc);
    ExprPtr aggregateEq(const std::string& l, const std::string& r, const sema::Type* t,
                        SourceLoc loc);
    std::string aggregatePath(const ast::Expr* e, const sema::Type* t, ExprPtr pred);
    std::optional<BigInt> constOf(const ast::Expr* e);

    // --- statements (lower_stmt.cpp)
    ExprPtr lowerBlock(const std::vector<StmtPtr>& stmts, ExprPtr pred);
    ExprPtr lowerStmt(const ast::Stmt* s, ExprPtr pred);
    ExprPtr lowerSwitch(const SwitchStmt* s, ExprPtr pred);
    void emit(Stmt s, ExprPtr pred);
    ExprPtr stable(ExprPtr e, const char* tag, SourceLoc loc);
    ExprPtr readBefore(ExprPtr e, size_t mark, SourceLoc loc);
    size_t emitted() const { return out_ ? out_->size() : 0; }
    void assign(ExprPtr dst, ExprPtr src, ExprPtr pred, SourceLoc loc);
    void assignAggregate(const ast::Expr* lhs, const ast::Expr* rhs, ExprPtr pred, SourceLoc loc);
    void declareLocal(const VarDecl* v, ExprPtr pred);
    // --- for loops (lower_loop.cpp)
    struct Loop;
    struct LoopExits {
        std::vector<ExprPtr> breaks, continues;  // predicates of the paths that took them
    };
    ExprPtr lowerFor(const ast::ForStmt* s, ExprPtr pred);
    ExprPtr lowerForIn(const ast::ForInStmt* s, ExprPtr pred);
    ExprPtr unrollLoop(Loop& l, ExprPtr pred);
    ExprPtr loopFlag(FieldId& f, ExprPtr value, const char* tag, SourceLoc loc);
    std::string loopState(const Loop& l) const;
    // Copy-in/copy-out (lower_call.cpp): the paths a callee's body names outside its own
    // parameters and locals, and the path of a name chain of the caller's scope.
    std::vector<std::string> touchedPaths(const ast::Stmt* body);
    std::optional<std::string> namedPath(const ast::Expr* e);
    ExprPtr inlineCall(const Decl* callee, const std::vector<ParamPtr>& params,
                       const BlockStmt* body, const CallExpr* c, ExprPtr pred, FieldId result = -1,
                       const std::function<void()>& prologue = {});

    // --- call statements (lower_call.cpp; callChecksum and callHash in lower_checksum.cpp).
    // Handlers are found by method or function name. A handler returns the predicate after the
    // call, or nullopt when its name means nothing for this receiver or in this block (the call is
    // then reported as unsupported).
    ExprPtr lowerCallStmt(const CallExpr* c, ExprPtr pred, SourceLoc loc);
    using CallHandler = std::optional<ExprPtr> (Lowering::*)(const CallSite&, ExprPtr);
    std::optional<ExprPtr> callTableApply(const CallSite& c, ExprPtr pred);
    std::optional<ExprPtr> callSetValidity(const CallSite& c, ExprPtr pred);
    std::optional<ExprPtr> callCount(const CallSite& c, ExprPtr pred);
    std::optional<ExprPtr> callRead(const CallSite& c, ExprPtr pred);
    std::optional<ExprPtr> callRegisterWrite(const CallSite& c, ExprPtr pred);
    std::optional<ExprPtr> callExecuteMeter(const CallSite& c, ExprPtr pred);
    std::optional<ExprPtr> callExtract(const CallSite& c, ExprPtr pred);
    std::optional<ExprPtr> extractDontCare(const CallSite& c, ExprPtr pred);
    std::optional<ExprPtr> callAdvance(const CallSite& c, ExprPtr pred);
    std::optional<ExprPtr> callMarkToDrop(const CallSite& c, ExprPtr pred);
    std::optional<ExprPtr> callVerify(const CallSite& c, ExprPtr pred);
    std::optional<ExprPtr> callChecksum(const CallSite& c, ExprPtr pred);
    std::optional<ExprPtr> callHash(const CallSite& c, ExprPtr pred);
    std::optional<HashAlgorithm> hashAlgorithm(const ast::Expr* e, SourceLoc loc);
    bool hashData(const ast::Expr* e, std::vector<ExprPtr>& out);
    const ExternObject* receiverExtern(const CallSite& c) const;
    // --- clone, resubmit, recirculate and field lists (lower_tm.cpp)
    std::optional<ExprPtr> callClone(const CallSite& c, ExprPtr pred);
    std::optional<ExprPtr> callResubmit(const CallSite& c, ExprPtr pred);
    std::optional<BigInt> annotationInt(const ast::Annotation& a);
    void collectFieldList(const sema::Type* t, const std::string& prefix, int id, bool all,
                          std::vector<FieldId>& out);
    int fieldListRef(int id);
    int dataFieldListRef(const ast::Expr* data, const std::string& call);
    int fieldListArg(const ast::Expr* e, const std::string& call);
    void assignHidden(const char* name, int width, ExprPtr value, ExprPtr pred, SourceLoc loc,
                      bool isBool = false);
    // --- digest (lower_digest.cpp)
    std::optional<ExprPtr> callDigest(const CallSite& c, ExprPtr pred);
    int digestFor(const sema::Type* t, SourceLoc loc);
    bool digestValues(const sema::Type* t, const ast::Expr* data, std::vector<ExprPtr>& out);

    // --- the parser (lower_parser.cpp)
    void lowerParser(const ParserDecl* p);
    void declareParserLocals(const ParserDecl* pd);
    StateId lowerStates(const ParserDecl* pd, StateId accept, std::vector<Stmt> entry);
    void lowerTransition(const ast::ParserState* st, ir::ParserState& ps,
                         const std::function<StateId(const ast::Name&)>& target);
    Match lowerKeysetElement(const ast::Expr* e, int width, SourceLoc loc);
    // --- sub-parsers (lower_subparser.cpp)
    const InstanceDecl* subParserApplied(const ast::Stmt* s) const;
    StateId applySubParser(const InstanceDecl* inst, const CallExpr* c, StateId after);
    void invalidateHeaders(const std::string& path, const sema::Type* t, SourceLoc loc);
    // --- lookahead<T>() of a header or struct (lower_lookahead.cpp)
    int lookaheadBits(const sema::Type* t) const;
    ExprPtr lookaheadSlice(int total, int offset, Scalar scalar);
    // A member chain over `pkt.lookahead<T>()`; nullopt when `m` is not one.
    std::optional<ExprPtr> lookaheadMember(const MemberExpr* m);
    // `dst = pkt.lookahead<T>()`; false when `c` is not a lookahead.
    bool lookaheadInto(const std::string& dst, const sema::Type* t, const CallExpr* c, ExprPtr pred,
                       SourceLoc loc);

    // --- tables and actions (lower_table.cpp); properties written `name = value;` are handled
    // by name.
    TableId lowerTable(const TableDecl* t);
    using TablePropertyHandler = void (Lowering::*)(TableId, const TableProperty&);
    void tableDefaultAction(TableId id, const TableProperty& prop);
    void tableSize(TableId id, const TableProperty& prop);
    void tableDirectExtern(TableId id, const TableProperty& prop);
    void tableImplementation(TableId id, const TableProperty& prop);
    ActionId actionFor(const ActionDecl* a);
    ActionCall lowerActionCall(const ast::Expr* e, SourceLoc loc);
    // What lowering an action body replaces (parameters, where statements go, exits, the action
    // and the predicate), put back when the body is done.
    struct ActionBodyScope {
        explicit ActionBodyScope(Lowering& l)
            : l_(l),
              params_(l.params_),
              out_(l.out_),
              exits_(l.exits_),
              action_(l.currentAction_),
              pred_(l.currentPred_) {}
        ~ActionBodyScope() {
            l_.params_ = std::move(params_);
            l_.out_ = out_;
            l_.exits_ = exits_;
            l_.currentAction_ = action_;
            l_.currentPred_ = pred_;
        }
        ActionBodyScope(const ActionBodyScope&) = delete;
        ActionBodyScope& operator=(const ActionBodyScope&) = delete;

      private:
        Lowering& l_;
        std::map<const Param*, Binding> params_;
        std::vector<Stmt>* out_;
        std::vector<ExprPtr>* exits_;
        const ast::ActionDecl* action_;
        ExprPtr pred_;
    };
    std::vector<Stmt> boundActionBody(const ActionDecl* a, const CallExpr* c);

    // --- controls (lower_control.cpp, lower_checksum.cpp, lower_deparser.cpp)
    void lowerControl(const ControlDecl* c, Control& out);
    void lowerChecksumControl(const ControlDecl* c, bool verify);
    void lowerDeparser(const ControlDecl* c);
    void bindBlockParams(const std::vector<ParamPtr>& params);
    void declareControlLocals(const ControlDecl* c);
    std::string qualified(const Decl* d) const;
    void registerExtern(const InstanceDecl* d);
    // The control instance `d` names: an instance, a constructor parameter bound to one, or a
    // control type invoked directly (`C.apply()`, its own instance); null for anything else.
    const Decl* controlInstance(const ast::PathExpr* path);
    bool bindsControls(const ast::ControlDecl* sub, const std::vector<ast::Argument>& args);
    ExprPtr applySubControl(const Decl* inst, const CallExpr* c, ExprPtr pred);

    const sema::CheckedProgram& cp_;
    Diagnostics& diags_;
    Program p_;

    // Lowering state.
    std::string owner_;                 // the control or parser being lowered
    std::vector<Stmt>* out_ = nullptr;  // where statements go
    std::map<const Param*, Binding> params_;
    std::map<const Decl*, std::string> locals_;      // VarDecl -> temporaries path
    std::map<const Decl*, int> externs_;             // InstanceDecl -> Program::externs
    std::map<const ast::Expr*, ExprPtr> indexOnce_;  // run-time stack indices of this statement
    // Control instances declared in a control (`compute() c;`) and, per instance, the tables
    // and actions of its control type lowered for it (each instance has its own).
    std::map<const Decl*, const ast::ControlDecl*> subControls_;
    std::map<const Decl*, std::map<const Decl*, TableId>> subTables_;
    std::map<const Decl*, std::map<const Decl*, ActionId>> subActions_;
    std::map<const Decl*, std::map<const Decl*, int>> subExterns_;  // instance -> its externs
    std::map<const Decl*, std::string> instanceOwner_;  // instance -> where it was declared
    std::map<const Param*, const Decl*> ctorControls_;  // constructor parameter -> instance
    std::map<const Decl*, TableId> tables_;
    std::map<const Decl*, ActionId> actions_;
    std::set<TableId> applied_;              // tables applied in the current control
    std::vector<ExprPtr>* exits_ = nullptr;  // static exit conditions of the current control
    FieldId exitFlag_ = -1;                  // set when an action of an applied table exits
    bool applyMayExit_ = false;  // an apply lowered since the last reset has an exiting action
    const ast::ActionDecl* currentAction_ = nullptr;  // lowering an action body for a table
    bool inParser_ = false;
    bool inIngress_ = false;  // lowering the ingress control (where digest may be called)
    bool checksumMode_ = false;
    bool checksumVerify_ = false;
    int tempCounter_ = 0;
    std::map<std::string, HeaderId> tempHeaders_;
    ExprPtr currentPred_;  // predicate of the statement being lowered (for applies
                           // that appear inside expressions)
    // The parser's states while it is lowered: a deque, so a state stays in place while the
    // sub-parsers it applies append theirs.
    std::deque<ir::ParserState> parserStates_;
    std::string statePrefix_;  // names the states of the sub-parser being inlined (`p.`)
    // Parser instances declared in a parser (`SubParser() p;`), and applies so far per instance.
    std::map<const Decl*, const ast::ParserDecl*> subParsers_;
    std::map<std::string, int> subParserApplies_;
    std::string aggResult_;  // where the next inlined function returns a header or struct
    // For loops being unrolled: each loop variable's value in the current iteration, the
    // innermost loop's break and continue predicates, and the iterations laid out so far.
    std::map<const Decl*, ExprPtr> loopValues_;
    LoopExits* loop_ = nullptr;
    int loopDepth_ = 0;
    int iterations_ = 0;
};

// Whether one layout path is the other or lies under it (`hdr.h` and `hdr.h.a`).
bool pathsOverlap(const std::string& a, const std::string& b);

// Folds operators over constants (`3 < 10` to true), as unrolled loops produce them.
ExprPtr foldConstants(const ExprPtr& e);

}  // namespace hop::ir::detail
