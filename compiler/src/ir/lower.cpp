// SPDX-License-Identifier: Apache-2.0
#include "ir/lower.hpp"

#include <fmt/format.h>

#include <functional>
#include <map>
#include <set>

namespace hop::ir {

namespace {

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

int bitsFor(size_t count) {
    int w = 1;
    while ((size_t(1) << w) < count) ++w;
    return w;
}

std::string annotationText(const ast::Annotation& a);

std::vector<std::string> annotationList(const ast::Annotations& as) {
    std::vector<std::string> out;
    for (const auto& a : as) out.push_back(annotationText(a));
    return out;
}

const ast::Annotation* findAnnotation(const ast::Annotations& as, const std::string& name) {
    for (const auto& a : as)
        if (a.name.text == name) return &a;
    return nullptr;
}

std::optional<std::string> stringArg(const ast::Annotation& a) {
    if (!a.args.empty())
        if (auto* s = dyn<StringLiteral>(a.args[0])) return s->value;
    // Fall back to the raw text: `"name"` with its quotes.
    std::string b = a.body;
    while (!b.empty() && (b.front() == ' ' || b.front() == '"')) b.erase(b.begin());
    while (!b.empty() && (b.back() == ' ' || b.back() == '"')) b.pop_back();
    if (b.empty()) return std::nullopt;
    return b;
}

std::optional<uint32_t> idAnnotation(const ast::Annotations& as) {
    const auto* a = findAnnotation(as, "id");
    if (!a) return std::nullopt;
    if (!a->args.empty()) {
        if (a->args[0]->constValue) return static_cast<uint32_t>(*a->args[0]->constValue);
        if (auto* lit = dyn<IntLiteral>(a->args[0])) return static_cast<uint32_t>(lit->value);
    }
    try {
        return static_cast<uint32_t>(std::stoul(a->body, nullptr, 0));
    } catch (...) {
        return std::nullopt;
    }
}

// Source-like text of a key or annotation expression, as p4c prints it (`hdr.ipv4.dstAddr`,
// `hdr.ipv4.isValid()`, `meta.x[7:0]`).
std::string exprText(const ast::Expr* e) {
    if (!e) return "_";
    if (auto* p = dyn<PathExpr>(e)) return (p->topLevel ? "." : "") + p->name.text;
    if (auto* m = dyn<MemberExpr>(e)) return exprText(m->base.get()) + "." + m->member.text;
    if (auto* i = dyn<IndexExpr>(e))
        return exprText(i->base.get()) + "[" + exprText(i->index.get()) + "]";
    if (auto* s = dyn<SliceExpr>(e))
        return exprText(s->base.get()) + "[" + exprText(s->hi.get()) + ":" + exprText(s->lo.get()) +
               "]";
    if (auto* c = dyn<CallExpr>(e)) {
        std::string out = exprText(c->callee.get()) + "(";
        for (size_t i = 0; i < c->args.size(); ++i)
            out += (i ? ", " : "") + exprText(c->args[i].value.get());
        return out + ")";
    }
    if (auto* l = dyn<IntLiteral>(e)) return l->text.empty() ? l->value.str() : l->text;
    if (auto* b = dyn<BoolLiteral>(e)) return b->value ? "true" : "false";
    if (auto* s = dyn<StringLiteral>(e)) return "\"" + s->value + "\"";
    if (e->constValue) return e->constValue->str();
    return "<expr>";
}

std::string annotationText(const ast::Annotation& a) {
    std::string out = "@" + a.name.text;
    if (!a.body.empty()) return out + "(" + a.body + ")";
    if (!a.args.empty()) {
        out += "(";
        for (size_t i = 0; i < a.args.size(); ++i)
            out += (i ? ", " : "") + exprText(a.args[i].get());
        return out + ")";
    }
    return out;
}

// A reference to something an expression can name, found by walking member/index chains.
struct Ref {
    enum class Kind { None, Path, Param, Value, Extern, Table, Error } kind = Kind::None;
    std::string path;  // Path: canonical layout path (a field, header, stack or struct prefix)
    int param = -1;    // Param: index into the action being lowered
    ExprPtr value;     // Value: a bound expression (inlined `in` argument, constant)
    int object = -1;   // Extern
    TableId table = -1;
};

// A parameter of a block or an inlined callee bound to what it stands for.
struct Binding {
    std::string path;  // an lvalue path (block params, out/inout arguments)
    ExprPtr value;     // a value (in arguments, constants)
    int param = -1;    // an action's control-plane parameter
};

class Lowering {
  public:
    Lowering(const sema::CheckedProgram& cp, Diagnostics& diags) : cp_(cp), diags_(diags) {}

    std::optional<Program> run(const std::string& name);

  private:
    // --- layout
    void buildLayout();
    void collectErrors();
    void addHeaderInstance(const std::string& path, const sema::Type* t);
    void addStructFields(HeaderId h, const std::string& prefix, const sema::Type* t, SourceLoc loc);
    void addHeadersStruct(const std::string& prefix, const sema::Type* t);
    void addTemporary(const std::string& path, const sema::Type* t, SourceLoc loc);
    HeaderId temporaries(const std::string& owner);
    void collectControllerHeaders();

    // --- types and expressions
    Scalar scalarOf(const sema::Type* t) const;
    ExprPtr lowerExpr(const ast::Expr* e, Scalar hint = {});
    ExprPtr lowerExprInner(const ast::Expr* e, Scalar hint);
    ExprPtr lowerBinary(const BinaryExpr* b, Scalar hint);
    ExprPtr lowerMember(const MemberExpr* m, Scalar hint);
    ExprPtr lowerCallExpr(const CallExpr* c, Scalar hint);
    ExprPtr fitTo(ExprPtr e, Scalar target);
    ExprPtr refToExpr(const Ref& r, SourceLoc loc);
    Ref resolve(const ast::Expr* e);
    ExprPtr lvalue(const ast::Expr* e);
    std::optional<BigInt> constOf(const ast::Expr* e);
    ErrorCode errorCode(const std::string& name) const;

    // --- statements
    ExprPtr lowerBlock(const std::vector<StmtPtr>& stmts, ExprPtr pred);
    ExprPtr lowerStmt(const ast::Stmt* s, ExprPtr pred);
    ExprPtr lowerCallStmt(const CallExpr* c, ExprPtr pred, SourceLoc loc);
    ExprPtr lowerSwitch(const SwitchStmt* s, ExprPtr pred);
    void emit(Stmt s, ExprPtr pred);
    ExprPtr stable(ExprPtr e, const char* tag, SourceLoc loc);
    void assign(ExprPtr dst, ExprPtr src, ExprPtr pred, SourceLoc loc);
    void assignAggregate(const ast::Expr* lhs, const ast::Expr* rhs, ExprPtr pred, SourceLoc loc);
    void declareLocal(const VarDecl* v, ExprPtr pred);
    ExprPtr inlineCall(const Decl* callee, const std::vector<ParamPtr>& params,
                       const BlockStmt* body, const CallExpr* c, ExprPtr pred, FieldId result = -1);

    // --- blocks
    void lowerParser(const ParserDecl* p);
    void lowerParserState(const ast::ParserState& st, ParserState& out, ir::ParserState& ir);
    Match lowerKeysetElement(const ast::Expr* e, int width, SourceLoc loc);
    void lowerControl(const ControlDecl* c, Control& out);
    void lowerChecksumControl(const ControlDecl* c, bool verify);
    void lowerDeparser(const ControlDecl* c);
    void bindBlockParams(const std::vector<ParamPtr>& params);
    void declareControlLocals(const ControlDecl* c);
    TableId lowerTable(const TableDecl* t);
    ActionId actionFor(const ActionDecl* a);
    std::string qualified(const Decl* d) const;
    ActionCall lowerActionCall(const ast::Expr* e, SourceLoc loc);
    void registerExtern(const InstanceDecl* d);

    const sema::CheckedProgram& cp_;
    Diagnostics& diags_;
    Program p_;

    // Lowering state.
    std::string owner_;                 // the control or parser being lowered
    std::vector<Stmt>* out_ = nullptr;  // where statements go
    std::map<const Param*, Binding> params_;
    std::map<const Decl*, std::string> locals_;  // VarDecl -> temporaries path
    std::map<const Decl*, int> externs_;         // InstanceDecl -> Program::externs
    std::map<const Decl*, TableId> tables_;
    std::map<const Decl*, ActionId> actions_;
    std::set<TableId> applied_;              // tables applied in the current control
    std::vector<ExprPtr>* exits_ = nullptr;  // static exit conditions of the current control
    FieldId exitFlag_ = -1;                  // set when an action of an applied table exits
    bool applyMayExit_ = false;  // an apply lowered since the last reset has an exiting action
    const ast::ActionDecl* currentAction_ = nullptr;  // lowering an action body for a table
    bool inParser_ = false;
    bool checksumMode_ = false;
    bool checksumVerify_ = false;
    int tempCounter_ = 0;
    std::map<std::string, HeaderId> tempHeaders_;
    ExprPtr currentPred_;            // predicate of the statement being lowered (for applies
                                     // that appear inside expressions)
    std::vector<Stmt> pendingInit_;  // parser local initialisation, run at the top of start
};

// ---------------------------------------------------------------------------------------------
// Layout

Scalar Lowering::scalarOf(const sema::Type* t) const {
    Scalar s;
    if (!t) return s;
    switch (t->kind) {
        case TypeKind::Bits:
            return {t->width, t->isSigned, false, false};
        case TypeKind::Varbit:
            return {t->width, false, false, false};
        case TypeKind::Bool:
            return {1, false, true, false};
        case TypeKind::Int:
            s.isInt = true;
            return s;
        case TypeKind::SerEnum:
            return scalarOf(t->underlying);
        case TypeKind::NewType:
            return scalarOf(t->underlying);
        case TypeKind::Enum:
            return {bitsFor(t->members.size()), false, false, false};
        case TypeKind::Error:
            return {p_.errorWidth, false, false, false};
        default:
            return s;
    }
}

void Lowering::collectErrors() {
    p_.errors.clear();
    for (const auto& d : cp_.program->decls)
        if (auto* e = dyn<ErrorDecl>(d))
            for (const auto& m : e->members)
                if (std::find(p_.errors.begin(), p_.errors.end(), m.text) == p_.errors.end())
                    p_.errors.push_back(m.text);
    // NoError is the value every packet starts with: it must encode as 0.
    auto it = std::find(p_.errors.begin(), p_.errors.end(), "NoError");
    if (it == p_.errors.end()) {
        p_.errors.insert(p_.errors.begin(), "NoError");
    } else if (it != p_.errors.begin()) {
        p_.errors.erase(it);
        p_.errors.insert(p_.errors.begin(), "NoError");
    }
    p_.errorWidth = bitsFor(p_.errors.size());
}

ErrorCode Lowering::errorCode(const std::string& name) const {
    for (size_t i = 0; i < p_.errors.size(); ++i)
        if (p_.errors[i] == name) return static_cast<ErrorCode>(i);
    return -1;
}

void Lowering::addStructFields(HeaderId h, const std::string& prefix, const sema::Type* t,
                               SourceLoc loc) {
    for (const auto& f : t->fields) {
        std::string name = prefix + "." + f.name;
        const sema::Type* ft = f.type;
        if (ft && ft->kind == TypeKind::Struct) {
            addStructFields(h, name, ft, loc);
            continue;
        }
        Scalar s = scalarOf(ft);
        if (s.width == 0) {
            diags_.unsupported(
                loc, fmt::format("field '{}' of type {}", name, ft ? ft->str() : "<unknown>"));
            continue;
        }
        p_.addField(h, name, s.width, s.isSigned, s.isBool);
    }
}

void Lowering::addHeaderInstance(const std::string& path, const sema::Type* t) {
    HeaderId h = p_.addHeader(Header::Kind::Packet, path, t->name);
    if (t->decl) {
        p_.headers[h].annotations = annotationList(t->decl->annotations);
        if (const auto* a = findAnnotation(t->decl->annotations, "controller_header"))
            p_.headers[h].controllerHeader = stringArg(*a).value_or("");
    }
    addStructFields(h, path, t, t->decl ? t->decl->loc : SourceLoc{});
}

void Lowering::addHeadersStruct(const std::string& prefix, const sema::Type* t) {
    for (const auto& f : t->fields) {
        std::string path = prefix + "." + f.name;
        const sema::Type* ft = f.type;
        if (!ft) continue;
        if (ft->kind == TypeKind::Header) {
            addHeaderInstance(path, ft);
        } else if (ft->kind == TypeKind::Stack && ft->element) {
            HeaderStack stack;
            stack.name = path;
            int stackId = static_cast<int>(p_.stacks.size());
            for (int i = 0; i < ft->size; ++i) {
                std::string el = fmt::format("{}[{}]", path, i);
                if (ft->element->kind != TypeKind::Header) {
                    diags_.unsupported(ft->decl ? ft->decl->loc : SourceLoc{},
                                       "a stack of header unions");
                    break;
                }
                addHeaderInstance(el, ft->element);
                p_.headers.back().stack = stackId;
                p_.headers.back().stackIndex = i;
                stack.elements.push_back(static_cast<HeaderId>(p_.headers.size() - 1));
            }
            p_.stacks.push_back(stack);
        } else if (ft->kind == TypeKind::HeaderUnion) {
            HeaderUnion u;
            u.name = path;
            int unionId = static_cast<int>(p_.unions.size());
            for (const auto& m : ft->fields) {
                if (!m.type || m.type->kind != TypeKind::Header) continue;
                addHeaderInstance(path + "." + m.name, m.type);
                p_.headers.back().headerUnion = unionId;
                u.members.push_back(static_cast<HeaderId>(p_.headers.size() - 1));
            }
            p_.unions.push_back(u);
        } else if (ft->kind == TypeKind::Struct) {
            addHeadersStruct(path, ft);
        } else {
            diags_.unsupported(t->decl ? t->decl->loc : SourceLoc{},
                               fmt::format("a non-header field '{}' in the headers struct", path));
        }
    }
}

void Lowering::collectControllerHeaders() {
    for (const auto& d : cp_.program->decls) {
        auto* s = dyn<StructLikeDecl>(d);
        if (!s || s->kind != StructLikeDecl::Kind::Header) continue;
        const auto* a = findAnnotation(s->annotations, "controller_header");
        if (!a) continue;
        ControllerHeader c;
        c.name = stringArg(*a).value_or("");
        c.typeName = s->name.text;
        c.annotations = annotationList(s->annotations);
        if (s->type)
            for (const auto& f : s->type->fields)
                c.fields.push_back({f.name, scalarOf(f.type).width});
        for (size_t i = 0; i < p_.headers.size(); ++i)
            if (p_.headers[i].typeName == c.typeName && c.instance < 0)
                c.instance = static_cast<HeaderId>(i);
        p_.controllerHeaders.push_back(c);
    }
}

void Lowering::buildLayout() {
    collectErrors();
    const auto& b = cp_.v1model;
    if (b.headersType) addHeadersStruct("hdr", b.headersType);
    if (b.metadataType) {
        HeaderId m = p_.addHeader(Header::Kind::Metadata, "meta", b.metadataType->name);
        addStructFields(m, "meta", b.metadataType,
                        b.metadataType->decl ? b.metadataType->decl->loc : SourceLoc{});
    }
    const sema::Type* sm = nullptr;
    for (const auto& d : cp_.program->decls)
        if (auto* s = dyn<StructLikeDecl>(d); s && s->name.text == "standard_metadata_t")
            sm = s->type;
    if (sm) {
        HeaderId h = p_.addHeader(Header::Kind::Metadata, "standard_metadata", sm->name);
        addStructFields(h, "standard_metadata", sm, sm->decl ? sm->decl->loc : SourceLoc{});
    }
    collectControllerHeaders();
}

HeaderId Lowering::temporaries(const std::string& owner) {
    auto it = tempHeaders_.find(owner);
    if (it != tempHeaders_.end()) return it->second;
    HeaderId h = p_.addHeader(Header::Kind::Temporary, owner);
    tempHeaders_[owner] = h;
    return h;
}

void Lowering::addTemporary(const std::string& path, const sema::Type* t, SourceLoc loc) {
    HeaderId h = temporaries(owner_);
    if (t && t->kind == TypeKind::Struct) {
        addStructFields(h, path, t, loc);
        return;
    }
    Scalar s = scalarOf(t);
    if (s.width == 0) {
        diags_.unsupported(loc, fmt::format("a local of type {}", t ? t->str() : "<unknown>"));
        return;
    }
    p_.addField(h, path, s.width, s.isSigned, s.isBool);
}

// ---------------------------------------------------------------------------------------------
// Expressions

std::optional<BigInt> Lowering::constOf(const ast::Expr* e) {
    if (!e) return std::nullopt;
    if (e->constValue) return e->constValue;
    if (auto* l = dyn<IntLiteral>(e)) return l->value;
    if (auto* b = dyn<BoolLiteral>(e)) return BigInt(b->value ? 1 : 0);
    if (auto* p = dyn<PathExpr>(e))
        if (auto* c = dyn<ConstDecl>(p->decl))
            if (c->value) return c->value;
    return std::nullopt;
}

// Resolves names to layout paths (`hdr.ipv4.ttl`), bound parameters, externs and tables.
Ref Lowering::resolve(const ast::Expr* e) {
    Ref r;
    if (auto* p = dyn<PathExpr>(e)) {
        if (const Param* prm = cp_.paramOf(p)) {
            auto it = params_.find(prm);
            if (it == params_.end()) return r;
            if (it->second.param >= 0) {
                r.kind = Ref::Kind::Param;
                r.param = it->second.param;
            } else if (it->second.value) {
                r.kind = Ref::Kind::Value;
                r.value = it->second.value;
            } else {
                r.kind = Ref::Kind::Path;
                r.path = it->second.path;
            }
            return r;
        }
        if (auto it = locals_.find(p->decl); it != locals_.end()) {
            r.kind = Ref::Kind::Path;
            r.path = it->second;
            return r;
        }
        if (auto it = externs_.find(p->decl); it != externs_.end()) {
            r.kind = Ref::Kind::Extern;
            r.object = it->second;
            return r;
        }
        if (auto* t = dyn<TableDecl>(p->decl)) {
            r.kind = Ref::Kind::Table;
            r.table = lowerTable(t);
            return r;
        }
        if (p->name.text == "error") r.kind = Ref::Kind::Error;
        return r;
    }
    if (auto* m = dyn<MemberExpr>(e)) {
        Ref base = resolve(m->base.get());
        if (base.kind == Ref::Kind::Path) {
            base.path += "." + m->member.text;
            return base;
        }
        return Ref{};
    }
    if (auto* i = dyn<IndexExpr>(e)) {
        Ref base = resolve(i->base.get());
        auto idx = constOf(i->index.get());
        if (base.kind == Ref::Kind::Path && idx) {
            base.path += fmt::format("[{}]", idx->str());
            return base;
        }
        if (base.kind == Ref::Kind::Path)
            diags_.unsupported(e->loc, "indexing a header stack with a run-time index");
        return Ref{};
    }
    return r;
}

ExprPtr Lowering::refToExpr(const Ref& r, SourceLoc loc) {
    switch (r.kind) {
        case Ref::Kind::Path: {
            FieldId f = p_.findField(r.path);
            if (f >= 0) {
                const Field& fd = p_.fields[f];
                return fieldRef(f, fd.width, fd.isSigned, fd.isBool);
            }
            diags_.unsupported(loc, fmt::format("using '{}' as a value", r.path));
            return nullptr;
        }
        case Ref::Kind::Param: {
            const auto* a = currentAction_;
            int w = 0;
            bool sgn = false;
            if (a && r.param < static_cast<int>(a->params.size())) {
                Scalar s = scalarOf(a->params[r.param]->semaType);
                w = s.width;
                sgn = s.isSigned;
            }
            return paramRef(r.param, w, sgn);
        }
        case Ref::Kind::Value:
            return r.value;
        default:
            return nullptr;
    }
}

// Brings `e` to the width and signedness the context asks for (`int` constants, bool).
ExprPtr Lowering::fitTo(ExprPtr e, Scalar target) {
    if (!e || target.width == 0 || target.isInt) return e;
    if (target.isBool) return e;
    if (e->width == target.width && e->isSigned == target.isSigned && !e->isBool) return e;
    if (e->kind == ExprKind::Constant) return constant(e->value, target.width, target.isSigned);
    return e;
}

ExprPtr Lowering::lowerExpr(const ast::Expr* e, Scalar hint) {
    if (!e) return nullptr;
    ExprPtr r = lowerExprInner(e, hint);
    if (!r && !diags_.hasErrors()) diags_.unsupported(e->loc, "this expression");
    return r;
}

ExprPtr Lowering::lowerExprInner(const ast::Expr* e, Scalar hint) {
    Scalar t = scalarOf(e->type);
    // Compile-time constants fold to one IR constant of the context's width. Errors and plain
    // enums are encoded by the IR itself, so sema's values for them are not used.
    auto* pathExpr = dyn<PathExpr>(e);
    bool encoded = e->type && (e->type->kind == TypeKind::Error || e->type->kind == TypeKind::Enum);
    if (!(pathExpr && cp_.paramOf(pathExpr)) && !encoded) {
        if (auto v = constOf(e)) {
            if (t.isBool || dyn<BoolLiteral>(e)) return boolConst(*v != 0);
            Scalar s = t;
            if (auto* l = dyn<IntLiteral>(e); l && l->width > 0) s = {l->width, l->isSigned};
            if (s.width == 0) s = hint;
            if (s.width == 0) s = {32, false};  // a bare `int` with no context (e.g. a shift)
            return constant(*v, s.width, s.isSigned);
        }
    }
    if (auto* b = dyn<BoolLiteral>(e)) return boolConst(b->value);
    if (dyn<PathExpr>(e) || dyn<IndexExpr>(e)) {
        Ref r = resolve(e);
        if (r.kind == Ref::Kind::None) {
            diags_.unsupported(e->loc, "'" + exprText(e) + "' in an expression");
            return nullptr;
        }
        return refToExpr(r, e->loc);
    }
    if (auto* m = dyn<MemberExpr>(e)) return lowerMember(m, hint);
    if (auto* s = dyn<SliceExpr>(e)) {
        ExprPtr base = lowerExpr(s->base.get());
        auto hi = constOf(s->hi.get()), lo = constOf(s->lo.get());
        if (!base || !hi || !lo) return nullptr;
        return slice(base, static_cast<int>(*hi), static_cast<int>(*lo));
    }
    if (auto* u = dyn<UnaryExpr>(e)) {
        ExprPtr a = lowerExpr(u->operand.get(), t.width ? t : hint);
        if (!a) return nullptr;
        switch (u->op) {
            case ast::UnaryOp::LNot:
                return notPred(a);
            case ast::UnaryOp::BitNot:
                return ir::unary(ir::UnaryOp::BitNot, a);
            case ast::UnaryOp::Neg:
                return ir::unary(ir::UnaryOp::Neg, a);
            case ast::UnaryOp::Plus:
                return a;
        }
        return nullptr;
    }
    if (auto* b = dyn<BinaryExpr>(e)) return lowerBinary(b, hint);
    if (auto* c = dyn<TernaryExpr>(e)) {
        ExprPtr cond = lowerExpr(c->cond.get());
        Scalar target = t.width ? t : hint;
        ExprPtr a = lowerExpr(c->then.get(), target), b = lowerExpr(c->otherwise.get(), target);
        if (!cond || !a || !b) return nullptr;
        if (b->width != a->width) b = fitTo(b, {a->width, a->isSigned});
        if (a->width != b->width) a = fitTo(a, {b->width, b->isSigned});
        return ternary(cond, a, b);
    }
    if (auto* c = dyn<CastExpr>(e)) {
        ExprPtr a = lowerExpr(c->operand.get(), t);
        if (!a) return nullptr;
        if (t.isBool) {
            if (a->isBool) return a;
            return binary(BinaryOp::Ne, a, constant(0, a->width));
        }
        if (a->isBool) {
            // bool -> bit<1>: the same bit, now arithmetic.
            ExprPtr bit = ternary(a, constant(1, 1), constant(0, 1));
            return t.width == 1 ? bit : cast(bit, t.width, t.isSigned);
        }
        if (t.width == 0) return a;
        return cast(a, t.width, t.isSigned);
    }
    if (auto* c = dyn<CallExpr>(e)) return lowerCallExpr(c, hint);
    diags_.unsupported(e->loc, "this kind of expression");
    return nullptr;
}

ExprPtr Lowering::lowerBinary(const BinaryExpr* b, Scalar hint) {
    using AOp = ast::BinaryOp;
    if (b->op == AOp::Mask || b->op == AOp::Range) {
        diags_.unsupported(b->loc, "a keyset expression outside select or entries");
        return nullptr;
    }
    if (b->op == AOp::LAnd || b->op == AOp::LOr) {
        ExprPtr l = lowerExpr(b->lhs.get()), r = lowerExpr(b->rhs.get());
        if (!l || !r) return nullptr;
        return binary(b->op == AOp::LAnd ? BinaryOp::LAnd : BinaryOp::LOr, l, r);
    }
    Scalar ls = scalarOf(b->lhs->type), rs = scalarOf(b->rhs->type);
    bool shift = b->op == AOp::Shl || b->op == AOp::Shr;
    bool concat = b->op == AOp::Concat;
    bool compare = b->op == AOp::Eq || b->op == AOp::Ne || b->op == AOp::Lt || b->op == AOp::Le ||
                   b->op == AOp::Gt || b->op == AOp::Ge;
    // An `int` operand takes the other operand's type (or the context's).
    Scalar lh = ls, rh = rs;
    if (!shift && !concat) {
        if (ls.width == 0) lh = rs.width ? rs : (compare ? Scalar{} : hint);
        if (rs.width == 0) rh = ls.width ? ls : (compare ? Scalar{} : hint);
    } else if (ls.width == 0) {
        lh = hint;
    }
    ExprPtr l = lowerExpr(b->lhs.get(), lh);
    ExprPtr r = lowerExpr(b->rhs.get(), rh);
    if (!l || !r) return nullptr;
    if (!shift && !concat) {
        // Constants lowered without a context width follow the other side.
        if (l->kind == ExprKind::Constant && r->kind != ExprKind::Constant && !l->isBool)
            l = fitTo(l, {r->width, r->isSigned});
        if (r->kind == ExprKind::Constant && l->kind != ExprKind::Constant && !r->isBool)
            r = fitTo(r, {l->width, l->isSigned});
    }
    BinaryOp op;
    switch (b->op) {
        case AOp::Mul:
            op = BinaryOp::Mul;
            break;
        case AOp::Div:
            op = BinaryOp::Div;
            break;
        case AOp::Mod:
            op = BinaryOp::Mod;
            break;
        case AOp::Add:
            op = BinaryOp::Add;
            break;
        case AOp::Sub:
            op = BinaryOp::Sub;
            break;
        case AOp::AddSat:
            op = BinaryOp::AddSat;
            break;
        case AOp::SubSat:
            op = BinaryOp::SubSat;
            break;
        case AOp::Shl:
            op = BinaryOp::Shl;
            break;
        case AOp::Shr:
            op = BinaryOp::Shr;
            break;
        case AOp::Le:
            op = BinaryOp::Le;
            break;
        case AOp::Ge:
            op = BinaryOp::Ge;
            break;
        case AOp::Lt:
            op = BinaryOp::Lt;
            break;
        case AOp::Gt:
            op = BinaryOp::Gt;
            break;
        case AOp::Eq:
            op = BinaryOp::Eq;
            break;
        case AOp::Ne:
            op = BinaryOp::Ne;
            break;
        case AOp::BitAnd:
            op = BinaryOp::BitAnd;
            break;
        case AOp::BitXor:
            op = BinaryOp::BitXor;
            break;
        case AOp::BitOr:
            op = BinaryOp::BitOr;
            break;
        case AOp::Concat:
            op = BinaryOp::Concat;
            break;
        default:
            return nullptr;
    }
    if (!shift && !concat && !l->isBool && !r->isBool && l->width != r->width) {
        diags_.unsupported(
            b->loc, fmt::format("operands of different widths ({} and {})", l->width, r->width));
        return nullptr;
    }
    return binary(op, l, r);
}

ExprPtr Lowering::lowerMember(const MemberExpr* m, Scalar hint) {
    const std::string& member = m->member.text;
    // t.apply().hit / .miss / .action_run (the latter only as a switch subject).
    if (auto* call = dyn<CallExpr>(m->base)) {
        const sema::CallTarget* target = cp_.callOf(call);
        auto* callee = dyn<MemberExpr>(call->callee);
        bool isApply = (target && target->kind == sema::CallTarget::Kind::TableApply) ||
                       (callee && callee->member.text == "apply");
        if (isApply && callee) {
            Ref r = resolve(callee->base.get());
            if (r.kind == Ref::Kind::Table) {
                lowerCallStmt(call, currentPred_, call->loc);
                if (member == "hit") return tableHit(r.table);
                if (member == "miss") return notPred(tableHit(r.table));
            }
        }
        diags_.unsupported(m->loc, "'" + exprText(m) + "' here");
        return nullptr;
    }
    // error.X, Enum.X, SerEnum.X.
    if (auto* p = dyn<PathExpr>(m->base)) {
        if (p->name.text == "error" && !cp_.paramOf(p)) {
            ErrorCode c = errorCode(member);
            if (c >= 0) return constant(c, p_.errorWidth);
        }
        if (auto* en = dyn<EnumDecl>(p->decl)) {
            Scalar s = scalarOf(en->type);
            const sema::Type* et = en->type;
            if (et) {
                for (size_t i = 0; i < et->members.size(); ++i) {
                    if (et->members[i] != member) continue;
                    if (et->kind == TypeKind::SerEnum && i < et->memberValues.size())
                        return constant(et->memberValues[i], s.width, s.isSigned);
                    return constant(i, s.width);
                }
            }
        }
    }
    // Stack properties with a compile-time value.
    if (member == "size") {
        Ref r = resolve(m->base.get());
        for (const auto& s : p_.stacks)
            if (r.kind == Ref::Kind::Path && s.name == r.path)
                return constant(s.elements.size(), 32);
    }
    Ref r = resolve(m);
    if (r.kind != Ref::Kind::None) return refToExpr(r, m->loc);
    diags_.unsupported(m->loc, "'" + exprText(m) + "' in an expression");
    return nullptr;
}

ExprPtr Lowering::lowerCallExpr(const CallExpr* c, Scalar hint) {
    const sema::CallTarget* target = cp_.callOf(c);
    auto* callee = dyn<MemberExpr>(c->callee);
    std::string method = callee ? callee->member.text : "";
    if (target && target->kind == sema::CallTarget::Kind::Builtin) method = target->builtin;
    if (callee && method == "isValid") {
        Ref r = resolve(callee->base.get());
        if (r.kind == Ref::Kind::Path) {
            if (HeaderId h = p_.findHeader(r.path); h >= 0) return validRef(h);
            for (const auto& u : p_.unions) {
                if (u.name != r.path) continue;
                // A union is valid when any member is.
                ExprPtr any;
                for (HeaderId h : u.members)
                    any = any ? binary(BinaryOp::LOr, any, validRef(h)) : validRef(h);
                return any ? any : boolConst(false);
            }
        }
    }
    if (callee && method == "lookahead" && inParser_) {
        Scalar s = scalarOf(c->type);
        if (s.width > 0) return lookahead(s.width);
    }
    // A P4 function with a result: inline into a temporary and read it.
    if (target && target->kind == sema::CallTarget::Kind::Function) {
        auto* f = dyn<FunctionDecl>(target->decl);
        if (f) {
            std::string tmp = fmt::format("{}.{}$ret{}", owner_, f->name.text, tempCounter_++);
            addTemporary(tmp, c->type, c->loc);
            FieldId id = p_.findField(tmp);
            if (id < 0) return nullptr;
            inlineCall(f, f->params, f->body.get(), c, currentPred_, id);
            const Field& fd = p_.fields[id];
            return fieldRef(id, fd.width, fd.isSigned, fd.isBool);
        }
    }
    diags_.unsupported(c->loc,
                       "the call '" + exprText(c->callee.get()) + "(...)' in an expression");
    return nullptr;
}

ExprPtr Lowering::lvalue(const ast::Expr* e) {
    if (auto* s = dyn<SliceExpr>(e)) {
        ExprPtr base = lvalue(s->base.get());
        auto hi = constOf(s->hi.get()), lo = constOf(s->lo.get());
        if (!base || !hi || !lo) return nullptr;
        return slice(base, static_cast<int>(*hi), static_cast<int>(*lo));
    }
    Ref r = resolve(e);
    if (r.kind == Ref::Kind::Path) {
        FieldId f = p_.findField(r.path);
        if (f >= 0)
            return fieldRef(f, p_.fields[f].width, p_.fields[f].isSigned, p_.fields[f].isBool);
    }
    if (r.kind == Ref::Kind::Value && r.value && r.value->kind == ExprKind::Field) return r.value;
    diags_.unsupported(e->loc, "assigning to '" + exprText(e) + "'");
    return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Statements: flattened into predicated IR statements. Each lowerX takes the predicate under
// which execution reaches it and returns the predicate under which execution continues after
// it (false after return/exit; narrower after a branch that returned).

void Lowering::emit(Stmt s, ExprPtr pred) {
    if (isFalse(pred)) return;  // unreachable code produces nothing
    s.pred = pred;
    out_->push_back(std::move(s));
}

// Predicates are re-read by every statement they guard, so a condition must not change while
// its branch runs (`if (x == 1) { x = 2; y = 3; }`): anything a statement could modify is
// evaluated once into a 1-bit temporary. Table results and constants cannot change.
ExprPtr Lowering::stable(ExprPtr e, const char* tag, SourceLoc loc) {
    if (!e || e->kind == ExprKind::Constant || e->kind == ExprKind::TableHit ||
        e->kind == ExprKind::ActionRun)
        return e;
    if (e->kind == ExprKind::Field && p_.fields[e->index].name.find(".$") != std::string::npos)
        return e;
    if (e->kind == ExprKind::Unary && e->unaryOp == UnaryOp::LNot) {
        ExprPtr inner = stable(e->args[0], tag, loc);
        return inner == e->args[0] ? e : notPred(inner);
    }
    HeaderId h = temporaries(owner_);
    FieldId f =
        p_.addField(h, fmt::format("{}.${}{}", owner_, tag, tempCounter_++), 1, false, true);
    ExprPtr ref = fieldRef(f, 1, false, true);
    Stmt s;
    s.kind = StmtKind::Assign;
    s.dst = ref;
    s.src = e;
    s.loc = loc;
    out_->push_back(s);
    return ref;
}

void Lowering::assign(ExprPtr dst, ExprPtr src, ExprPtr pred, SourceLoc loc) {
    if (!dst || !src) return;
    if (src->isBool != dst->isBool && !(dst->kind == ExprKind::Slice)) {
        if (dst->isBool)
            src = binary(BinaryOp::Ne, src, constant(0, src->width));
        else
            src = ternary(src, constant(1, dst->width), constant(0, dst->width));
    }
    src = fitTo(src, {dst->width, dst->isSigned, dst->isBool});
    if (src->width != dst->width) {
        diags_.unsupported(
            loc, fmt::format("assigning {} bits to a {}-bit destination", src->width, dst->width));
        return;
    }
    Stmt s;
    s.kind = StmtKind::Assign;
    s.dst = dst;
    s.src = src;
    s.loc = loc;
    emit(s, pred);
}

void Lowering::assignAggregate(const ast::Expr* lhs, const ast::Expr* rhs, ExprPtr pred,
                               SourceLoc loc) {
    // Struct-to-struct copies of metadata and locals, field by field.
    Ref l = resolve(lhs), r = resolve(rhs);
    if (l.kind == Ref::Kind::Path && r.kind == Ref::Kind::Path && p_.findHeader(l.path) < 0 &&
        p_.findHeader(r.path) < 0) {
        bool any = false;
        for (size_t i = 0; i < p_.fields.size(); ++i) {
            const std::string& n = p_.fields[i].name;
            if (n.rfind(l.path + ".", 0) != 0) continue;
            FieldId src = p_.findField(r.path + n.substr(l.path.size()));
            if (src < 0) continue;
            const Field& d = p_.fields[i];
            assign(
                fieldRef(static_cast<FieldId>(i), d.width, d.isSigned, d.isBool),
                fieldRef(src, p_.fields[src].width, p_.fields[src].isSigned, p_.fields[src].isBool),
                pred, loc);
            any = true;
        }
        if (any) return;
    }
    diags_.unsupported(loc, "assigning a whole header, struct or list");
}

void Lowering::declareLocal(const VarDecl* v, ExprPtr pred) {
    std::string path = owner_ + "." + v->name.text;
    // Locals in different scopes may share a name: give each declaration its own fields.
    if (p_.findField(path) >= 0 || p_.findHeader(path) >= 0)
        path += fmt::format("${}", tempCounter_++);
    locals_[v] = path;
    addTemporary(path, v->type, v->loc);
    if (v->init) {
        FieldId f = p_.findField(path);
        if (f >= 0) {
            ExprPtr init = lowerExpr(
                v->init.get(), {p_.fields[f].width, p_.fields[f].isSigned, p_.fields[f].isBool});
            assign(fieldRef(f, p_.fields[f].width, p_.fields[f].isSigned, p_.fields[f].isBool),
                   init, pred, v->loc);
        } else {
            diags_.unsupported(v->init->loc, "initialising a struct local");
        }
    } else if (FieldId f = p_.findField(path); f >= 0) {
        // Temporaries are per packet: an uninitialised local reads as 0, not a stale value.
        assign(fieldRef(f, p_.fields[f].width, p_.fields[f].isSigned, p_.fields[f].isBool),
               p_.fields[f].isBool ? boolConst(false) : constant(0, p_.fields[f].width), pred,
               v->loc);
    }
}

ExprPtr Lowering::lowerBlock(const std::vector<StmtPtr>& stmts, ExprPtr pred) {
    for (const auto& s : stmts) {
        if (isFalse(pred)) break;
        pred = lowerStmt(s.get(), pred);
    }
    return pred;
}

ExprPtr Lowering::lowerStmt(const ast::Stmt* s, ExprPtr pred) {
    currentPred_ = pred;
    if (auto* b = dyn<BlockStmt>(s)) return lowerBlock(b->stmts, pred);
    if (dyn<EmptyStmt>(s)) return pred;
    if (auto* a = dyn<AssignStmt>(s)) {
        if (checksumMode_) {
            diags_.unsupported(s->loc, "an assignment in a checksum control");
            return pred;
        }
        Scalar t = scalarOf(a->lhs->type);
        if (t.width == 0 && !t.isInt && a->lhs->type) {
            assignAggregate(a->lhs.get(), a->rhs.get(), pred, s->loc);
            return pred;
        }
        ExprPtr dst = lvalue(a->lhs.get());
        if (!dst) return pred;
        currentPred_ = pred;
        ExprPtr src = lowerExpr(a->rhs.get(), {dst->width, dst->isSigned, dst->isBool});
        assign(dst, src, pred, s->loc);
        return pred;
    }
    if (auto* c = dyn<CallStmt>(s)) return lowerCallStmt(c->call.get(), pred, s->loc);
    if (auto* i = dyn<IfStmt>(s)) {
        applyMayExit_ = false;
        ExprPtr cond = lowerExpr(i->cond.get());
        if (!cond) return pred;
        // `if (t.apply().hit)`: an action of t that exits ends the control, branches included.
        if (applyMayExit_) pred = andPred(pred, notPred(fieldRef(exitFlag_, 1, false, true)));
        cond = stable(cond, "cond", i->cond->loc);
        ExprPtr thenPred = andPred(pred, cond);
        ExprPtr elsePred = andPred(pred, notPred(cond));
        ExprPtr thenEnd = i->then ? lowerStmt(i->then.get(), thenPred) : thenPred;
        ExprPtr elseEnd = i->otherwise ? lowerStmt(i->otherwise.get(), elsePred) : elsePred;
        // Keep predicates small: when neither branch returned, execution simply continues.
        if (thenEnd == thenPred && elseEnd == elsePred) return pred;
        if (isFalse(thenEnd)) return stable(elseEnd, "live", s->loc);
        if (isFalse(elseEnd)) return stable(thenEnd, "live", s->loc);
        return stable(binary(BinaryOp::LOr, thenEnd ? thenEnd : boolConst(true),
                             elseEnd ? elseEnd : boolConst(true)),
                      "live", s->loc);
    }
    if (auto* sw = dyn<SwitchStmt>(s)) return lowerSwitch(sw, pred);
    if (dyn<ExitStmt>(s)) {
        if (inParser_) {
            diags_.unsupported(s->loc, "exit in a parser");
            return pred;
        }
        if (currentAction_) {
            // Inside a table's action the exit is a run-time event: raise the control's flag.
            Stmt x;
            x.kind = StmtKind::Exit;
            x.loc = s->loc;
            emit(x, pred);
            return boolConst(false);
        }
        if (exits_) exits_->push_back(pred ? pred : boolConst(true));
        return boolConst(false);
    }
    if (auto* r = dyn<ReturnStmt>(s)) {
        if (r->value) {
            auto it = params_.find(nullptr);  // the result slot of the inlined function
            if (it != params_.end() && !it->second.path.empty()) {
                FieldId f = p_.findField(it->second.path);
                if (f >= 0) {
                    const Field& fd = p_.fields[f];
                    assign(fieldRef(f, fd.width, fd.isSigned, fd.isBool),
                           lowerExpr(r->value.get(), {fd.width, fd.isSigned, fd.isBool}), pred,
                           s->loc);
                }
            } else {
                diags_.unsupported(s->loc, "return with a value here");
            }
        }
        return boolConst(false);
    }
    if (auto* d = dyn<DeclStmt>(s)) {
        if (auto* v = dyn<VarDecl>(d->decl)) {
            declareLocal(v, pred);
        } else if (dyn<ConstDecl>(d->decl)) {
            // Folded by sema: uses read constValue.
        } else {
            diags_.unsupported(s->loc, "this local declaration");
        }
        return pred;
    }
    diags_.unsupported(s->loc, "this statement");
    return pred;
}

ExprPtr Lowering::lowerSwitch(const SwitchStmt* s, ExprPtr pred) {
    // switch (t.apply().action_run): apply first, then one predicate per case.
    TableId table = -1;
    ExprPtr subject;
    if (auto* m = dyn<MemberExpr>(s->subject); m && m->member.text == "action_run") {
        if (auto* call = dyn<CallExpr>(m->base)) {
            if (auto* callee = dyn<MemberExpr>(call->callee)) {
                Ref r = resolve(callee->base.get());
                if (r.kind == Ref::Kind::Table) {
                    // The apply's result predicate carries the exit guard for what follows.
                    pred = lowerCallStmt(call, pred, call->loc);
                    table = r.table;
                }
            }
        }
        if (table < 0) {
            diags_.unsupported(s->subject->loc, "this switch subject");
            return pred;
        }
    } else {
        subject = lowerExpr(s->subject.get());
        if (!subject) return pred;
        if (subject->kind != ExprKind::Constant) {
            // Evaluated once, like a condition: case bodies may change what it reads.
            HeaderId h = temporaries(owner_);
            FieldId f = p_.addField(h, fmt::format("{}.$switch{}", owner_, tempCounter_++),
                                    subject->width, subject->isSigned, subject->isBool);
            Stmt st;
            st.kind = StmtKind::Assign;
            st.dst = fieldRef(f, subject->width, subject->isSigned, subject->isBool);
            st.src = subject;
            st.loc = s->subject->loc;
            out_->push_back(st);
            subject = st.dst;
        }
    }
    auto labelCond = [&](const ast::Expr* label) -> ExprPtr {
        if (table >= 0) {
            auto* p = dyn<PathExpr>(label);
            auto* a = p ? dyn<ActionDecl>(p->decl) : nullptr;
            if (!a && p)
                for (const auto& [decl, id] : actions_)
                    if (decl->name.text == p->name.text)
                        a = const_cast<ActionDecl*>(dyn<ActionDecl>(decl));
            if (!a) {
                diags_.unsupported(label->loc, "this switch label");
                return boolConst(false);
            }
            return actionRun(table, actionFor(a));
        }
        ExprPtr v = lowerExpr(label, {subject->width, subject->isSigned});
        return v ? binary(BinaryOp::Eq, subject, v) : boolConst(false);
    };
    ExprPtr matchedAny;  // OR of all labels seen, for `default`
    ExprPtr pending;     // labels without a body fall through to the next body
    ExprPtr continues = boolConst(false);
    bool anyReturned = false;
    bool hasDefault = false;
    for (const auto& c : s->cases) {
        ExprPtr cond;
        for (const auto& l : c.labels) {
            if (dyn<DefaultExpr>(l)) {
                hasDefault = true;
                cond = notPred(matchedAny);
                continue;
            }
            ExprPtr lc = labelCond(l.get());
            matchedAny = matchedAny ? binary(BinaryOp::LOr, matchedAny, lc) : lc;
            cond = cond ? binary(BinaryOp::LOr, cond, lc) : lc;
        }
        if (pending) cond = cond ? binary(BinaryOp::LOr, pending, cond) : pending;
        if (!c.body) {
            pending = cond;
            continue;
        }
        pending = nullptr;
        ExprPtr casePred = andPred(pred, cond);
        ExprPtr end = lowerStmt(c.body.get(), casePred);
        if (end != casePred) anyReturned = true;
        if (!isFalse(end))
            continues = isFalse(continues) ? end : binary(BinaryOp::LOr, continues, end);
    }
    if (!anyReturned) return pred;
    continues = stable(continues, "live", s->loc);
    // Execution also continues when no case matched.
    if (!hasDefault) {
        ExprPtr none = andPred(pred, notPred(matchedAny));
        continues = isFalse(continues) ? none : binary(BinaryOp::LOr, continues, none);
    }
    return stable(continues, "live", s->loc);
}

ExprPtr Lowering::inlineCall(const Decl* callee, const std::vector<ParamPtr>& params,
                             const BlockStmt* body, const CallExpr* c, ExprPtr pred,
                             FieldId result) {
    auto saved = params_;
    std::vector<Binding> bindings;
    for (size_t i = 0; i < params.size(); ++i) {
        const Param* prm = params[i].get();
        const ast::Expr* arg =
            i < c->args.size() ? c->args[i].value.get() : prm->defaultValue.get();
        for (const auto& a : c->args)
            if (a.name && a.name->text == prm->name.text) arg = a.value.get();
        Binding b;
        if (!arg) {
            diags_.unsupported(c->loc,
                               "a call without a value for parameter '" + prm->name.text + "'");
            params_ = saved;
            return pred;
        }
        if (prm->direction == Direction::Out || prm->direction == Direction::InOut) {
            Ref r = resolve(arg);
            if (r.kind == Ref::Kind::Path) {
                b.path = r.path;
            } else if (r.kind == Ref::Kind::Value) {
                b.value = r.value;
            } else {
                diags_.unsupported(arg->loc, "this out/inout argument");
                params_ = saved;
                return pred;
            }
        } else {
            Scalar s = scalarOf(prm->semaType);
            ExprPtr v = lowerExpr(arg, s);
            if (!v) {
                params_ = saved;
                return pred;
            }
            v = fitTo(v, s);
            if (v->kind == ExprKind::Constant || v->kind == ExprKind::Param) {
                b.value = v;
            } else {
                // Copy-in: the callee must see the value from before its own assignments.
                std::string tmp = fmt::format("{}.{}.{}${}", owner_, callee->name.text,
                                              prm->name.text, tempCounter_++);
                addTemporary(tmp, prm->semaType, prm->loc);
                FieldId f = p_.findField(tmp);
                if (f < 0) {
                    params_ = saved;
                    return pred;
                }
                assign(fieldRef(f, p_.fields[f].width, p_.fields[f].isSigned, p_.fields[f].isBool),
                       v, pred, arg->loc);
                b.path = tmp;
            }
        }
        params_[prm] = b;
    }
    if (result >= 0) params_[nullptr] = Binding{p_.fields[result].name, nullptr, -1};
    // Static exits inside the callee end the whole control; returns only end the callee.
    std::vector<ExprPtr> exits;
    auto* savedExits = exits_;
    exits_ = &exits;
    const ActionDecl* savedAction = currentAction_;
    if (dyn<ActionDecl>(callee)) currentAction_ = nullptr;  // a direct call: static control flow
    if (body) lowerBlock(body->stmts, pred);
    currentAction_ = savedAction;
    exits_ = savedExits;
    params_ = saved;
    if (exits.empty()) return pred;
    ExprPtr any;
    for (auto& x : exits) {
        if (exits_) exits_->push_back(x);
        any = any ? binary(BinaryOp::LOr, any, x) : x;
    }
    return stable(andPred(pred, notPred(any)), "live", c->loc);
}

ExprPtr Lowering::lowerCallStmt(const CallExpr* c, ExprPtr pred, SourceLoc loc) {
    const sema::CallTarget* target = cp_.callOf(c);
    auto* callee = dyn<MemberExpr>(c->callee);
    auto* path = dyn<PathExpr>(c->callee);
    std::string method = callee ? callee->member.text : (path ? path->name.text : "");
    using K = sema::CallTarget::Kind;
    K kind = target ? target->kind : K::Unknown;
    if (kind == K::Builtin && !target->builtin.empty()) method = target->builtin;
    auto argExpr = [&](size_t i) -> const ast::Expr* {
        return i < c->args.size() ? c->args[i].value.get() : nullptr;
    };

    // Direct action calls and functions: inline.
    const ActionDecl* action = nullptr;
    if (kind == K::Action) action = dyn<ActionDecl>(target->decl);
    if (!action && path) action = dyn<ActionDecl>(path->decl);
    if (action) {
        actionFor(action);  // listed in P4Info like p4c does, even when only called directly
        return inlineCall(action, action->params, action->body.get(), c, pred);
    }
    const FunctionDecl* fn = nullptr;
    if (kind == K::Function) fn = dyn<FunctionDecl>(target->decl);
    if (!fn && path) fn = dyn<FunctionDecl>(path->decl);
    if (fn) return inlineCall(fn, fn->params, fn->body.get(), c, pred);

    if (callee) {
        Ref base = resolve(callee->base.get());
        // Tables.
        if (base.kind == Ref::Kind::Table && method == "apply") {
            if (inParser_ || checksumMode_) {
                diags_.unsupported(loc, "applying a table here");
                return pred;
            }
            if (!applied_.insert(base.table).second) {
                diags_.unsupported(loc, "applying table '" + p_.tables[base.table].localName +
                                            "' more than once in a control");
                return pred;
            }
            Stmt s;
            s.kind = StmtKind::ApplyTable;
            s.table = base.table;
            s.loc = loc;
            emit(s, pred);
            // An action that exits ends the control: later statements test the flag.
            bool mayExit = false;
            for (const auto& r : p_.tables[base.table].actions)
                for (const auto& st : p_.actions[r.action].body)
                    mayExit = mayExit || st.kind == StmtKind::Exit;
            if (mayExit) {
                applyMayExit_ = true;
                if (exitFlag_ < 0) {
                    HeaderId h = temporaries(owner_);
                    exitFlag_ = p_.addField(h, owner_ + ".$exit", 1, false, true);
                }
                return andPred(pred, notPred(fieldRef(exitFlag_, 1, false, true)));
            }
            return pred;
        }
        // Header validity.
        if (base.kind == Ref::Kind::Path && (method == "setValid" || method == "setInvalid")) {
            HeaderId h = p_.findHeader(base.path);
            if (h < 0) {
                diags_.unsupported(loc, method + " on '" + base.path + "'");
                return pred;
            }
            Stmt s;
            s.kind = method == "setValid" ? StmtKind::SetValid : StmtKind::SetInvalid;
            s.header = h;
            s.loc = loc;
            emit(s, pred);
            // A union holds at most one valid member.
            if (method == "setValid" && p_.headers[h].headerUnion >= 0)
                for (HeaderId other : p_.unions[p_.headers[h].headerUnion].members)
                    if (other != h) {
                        Stmt x = s;
                        x.kind = StmtKind::SetInvalid;
                        x.header = other;
                        emit(x, pred);
                    }
            return pred;
        }
        // Stateful externs.
        if (base.kind == Ref::Kind::Extern) {
            const ExternObject& x = p_.externs[base.object];
            Stmt s;
            s.object = base.object;
            s.loc = loc;
            using XK = ExternObject::Kind;
            if (method == "count" && (x.kind == XK::Counter || x.kind == XK::DirectCounter)) {
                s.kind = StmtKind::Count;
                if (x.kind == XK::Counter) s.src = lowerExpr(argExpr(0), {32});
                emit(s, pred);
                return pred;
            }
            if (method == "read" && x.kind == XK::Register) {
                s.kind = StmtKind::RegRead;
                s.dst = lvalue(argExpr(0));
                s.src = lowerExpr(argExpr(1), {32});
                if (s.dst && s.src) emit(s, pred);
                return pred;
            }
            if (method == "write" && x.kind == XK::Register) {
                s.kind = StmtKind::RegWrite;
                s.src = lowerExpr(argExpr(0), {32});
                s.src2 = lowerExpr(argExpr(1), {x.width});
                if (s.src && s.src2) emit(s, pred);
                return pred;
            }
            if (method == "execute_meter" && x.kind == XK::Meter) {
                s.kind = StmtKind::MeterExec;
                s.src = lowerExpr(argExpr(0), {32});
                s.dst = lvalue(argExpr(1));
                if (s.dst && s.src) emit(s, pred);
                return pred;
            }
            if (method == "read" && x.kind == XK::DirectMeter) {
                s.kind = StmtKind::MeterExec;
                s.dst = lvalue(argExpr(0));
                if (s.dst) emit(s, pred);
                return pred;
            }
        }
        // packet_in methods in the parser.
        if (inParser_ && method == "extract") {
            const ast::Expr* h = argExpr(0);
            if (auto* m = dyn<MemberExpr>(h);
                m && (m->member.text == "next" || m->member.text == "last")) {
                diags_.unsupported(h->loc,
                                   "extracting into a header stack with ." + m->member.text);
                return pred;
            }
            Ref r = resolve(h);
            HeaderId hid = r.kind == Ref::Kind::Path ? p_.findHeader(r.path) : -1;
            if (hid < 0) {
                diags_.unsupported(loc, "extracting into '" + exprText(h) + "'");
                return pred;
            }
            Stmt s;
            s.kind = StmtKind::Extract;
            s.header = hid;
            s.loc = loc;
            if (c->args.size() > 1) s.length = lowerExpr(argExpr(1), {32});
            emit(s, pred);
            return pred;
        }
        if (inParser_ && method == "advance") {
            Stmt s;
            s.kind = StmtKind::Advance;
            s.src = lowerExpr(argExpr(0), {32});
            s.loc = loc;
            if (s.src) emit(s, pred);
            return pred;
        }
    }
    // Extern functions.
    if (method == "mark_to_drop" && !inParser_) {
        Stmt s;
        s.kind = StmtKind::MarkToDrop;
        s.loc = loc;
        emit(s, pred);
        return pred;
    }
    if (method == "verify" && inParser_) {
        Stmt s;
        s.kind = StmtKind::Verify;
        s.src = lowerExpr(argExpr(0));
        auto* m = dyn<MemberExpr>(argExpr(1));
        s.error = m ? errorCode(m->member.text) : -1;
        s.loc = loc;
        if (s.error < 0) {
            diags_.unsupported(loc, "verify with a run-time error value");
            return pred;
        }
        if (s.src) emit(s, pred);
        return pred;
    }
    if (checksumMode_ &&
        (method == "verify_checksum" || method == "update_checksum" ||
         method == "verify_checksum_with_payload" || method == "update_checksum_with_payload")) {
        bool verify = method.rfind("verify", 0) == 0;
        if (verify != checksumVerify_) {
            diags_.unsupported(loc, method + " in this control");
            return pred;
        }
        ChecksumUnit u;
        u.verify = verify;
        u.withPayload = method.find("with_payload") != std::string::npos;
        u.loc = loc;
        ExprPtr cond = lowerExpr(argExpr(0));
        u.condition = andPred(pred, cond);
        if (auto* list = dyn<ListExpr>(argExpr(1))) {
            for (const auto& el : list->elements) {
                if (ExprPtr v = lowerExpr(el.get())) u.data.push_back(v);
            }
        } else {
            diags_.unsupported(loc, "a checksum field list that is not a list expression");
        }
        u.checksum = lvalue(argExpr(2));
        const ast::Expr* algo = argExpr(3);
        auto* am = dyn<MemberExpr>(algo);
        std::string a = am ? am->member.text : "";
        static const std::map<std::string, ChecksumAlgorithm> kAlgorithms = {
            {"csum16", ChecksumAlgorithm::Csum16},
            {"crc16", ChecksumAlgorithm::Crc16},
            {"crc32", ChecksumAlgorithm::Crc32},
            {"identity", ChecksumAlgorithm::Identity},
            {"xor16", ChecksumAlgorithm::Xor16},
            {"random", ChecksumAlgorithm::Random},
            {"crc16_custom", ChecksumAlgorithm::Crc16Custom},
            {"crc32_custom", ChecksumAlgorithm::Crc32Custom}};
        auto it = kAlgorithms.find(a);
        if (it == kAlgorithms.end()) {
            diags_.unsupported(algo ? algo->loc : loc, "this checksum algorithm");
            return pred;
        }
        u.algorithm = it->second;
        if (u.checksum && cond) (verify ? p_.verifyChecksums : p_.updateChecksums).push_back(u);
        return pred;
    }
    diags_.unsupported(loc, "the call '" + exprText(c->callee.get()) + "(...)'");
    return pred;
}

// ---------------------------------------------------------------------------------------------
// Parser

Match Lowering::lowerKeysetElement(const ast::Expr* e, int width, SourceLoc loc) {
    Match m;
    BigInt full = (BigInt(1) << width) - 1;
    auto value = [&](const ast::Expr* x) -> BigInt {
        auto v = constOf(x);
        if (!v) {
            diags_.unsupported(x ? x->loc : loc, "a non-constant keyset value");
            return 0;
        }
        BigInt r = *v % (BigInt(1) << width);
        if (r < 0) r += BigInt(1) << width;
        return r;
    };
    if (!e || dyn<DefaultExpr>(e) || dyn<DontCareExpr>(e)) {
        m.kind = Match::Kind::DontCare;
        return m;
    }
    if (auto* b = dyn<BinaryExpr>(e)) {
        if (b->op == ast::BinaryOp::Mask) {
            m.kind = Match::Kind::Ternary;
            m.mask = value(b->rhs.get());
            m.value = value(b->lhs.get()) & m.mask;
            return m;
        }
        if (b->op == ast::BinaryOp::Range) {
            m.kind = Match::Kind::Range;
            m.value = value(b->lhs.get());
            m.high = value(b->rhs.get());
            return m;
        }
    }
    m.kind = Match::Kind::Exact;
    m.value = value(e);
    m.mask = full;
    return m;
}

void Lowering::lowerParser(const ParserDecl* pd) {
    p_.parser.name = pd->name.text;
    owner_ = pd->name.text;
    inParser_ = true;
    bindBlockParams(pd->params);
    for (const auto& d : pd->locals) {
        if (auto* v = dyn<VarDecl>(d)) {
            // Parser locals are initialised in start, before anything else runs.
            std::vector<Stmt> init;
            out_ = &init;
            declareLocal(v, nullptr);
            pendingInit_.insert(pendingInit_.end(), init.begin(), init.end());
        } else if (!dyn<ConstDecl>(d)) {
            diags_.unsupported(d->loc, "this parser local declaration");
        }
    }
    // States in source order, with `start` first so that state 0 is the entry.
    std::vector<const ast::ParserState*> order;
    for (const auto& s : pd->states)
        if (s->name.text == "start") order.push_back(s.get());
    for (const auto& s : pd->states)
        if (s->name.text != "start") order.push_back(s.get());
    std::map<std::string, StateId> ids;
    for (size_t i = 0; i < order.size(); ++i) ids[order[i]->name.text] = static_cast<StateId>(i);
    auto target = [&](const ast::Name& n) -> StateId {
        if (n.text == "accept") return kAccept;
        if (n.text == "reject") return kReject;
        auto it = ids.find(n.text);
        if (it == ids.end()) {
            diags_.error(n.loc, "unknown parser state '{}'", n.text);
            return kReject;
        }
        return it->second;
    };
    for (size_t i = 0; i < order.size(); ++i) {
        const ast::ParserState* st = order[i];
        ir::ParserState ps;
        ps.name = st->name.text;
        ps.loc = st->loc;
        out_ = &ps.stmts;
        if (i == 0) ps.stmts = pendingInit_;
        ExprPtr pred;
        for (const auto& s : st->stmts) pred = lowerStmt(s.get(), pred);
        if (!isTrue(pred))
            diags_.unsupported(st->loc, "conditional control flow in a parser state");
        if (!st->transition) {
            ps.cases.push_back({{}, kReject, st->loc});
        } else if (st->transition->next) {
            ps.cases.push_back({{}, target(*st->transition->next), st->transition->loc});
        } else {
            for (const auto& k : st->transition->selectExprs)
                if (ExprPtr e = lowerExpr(k.get())) ps.selectKeys.push_back(e);
            for (const auto& c : st->transition->cases) {
                SelectCase sc;
                sc.next = target(c.next);
                sc.loc = c.loc;
                std::vector<const ast::Expr*> elements;
                if (auto* l = dyn<ListExpr>(c.keyset)) {
                    for (const auto& el : l->elements) elements.push_back(el.get());
                } else if (dyn<DefaultExpr>(c.keyset) || dyn<DontCareExpr>(c.keyset)) {
                    elements.assign(ps.selectKeys.size(), nullptr);
                } else {
                    elements.push_back(c.keyset.get());
                }
                if (elements.size() != ps.selectKeys.size()) {
                    diags_.error(c.loc, "select case has {} value(s) for {} key(s)",
                                 elements.size(), ps.selectKeys.size());
                    continue;
                }
                for (size_t k = 0; k < elements.size(); ++k) {
                    // A value_set names a run-time set: there is no IR form for it yet.
                    if (auto* pe = dyn<PathExpr>(elements[k]); pe && dyn<ValueSetDecl>(pe->decl)) {
                        diags_.unsupported(pe->loc, "a value_set in select");
                        continue;
                    }
                    sc.keys.push_back(
                        lowerKeysetElement(elements[k], ps.selectKeys[k]->width, c.loc));
                }
                ps.cases.push_back(sc);
            }
        }
        p_.parser.states.push_back(std::move(ps));
    }
    inParser_ = false;
}

// ---------------------------------------------------------------------------------------------
// Controls

void Lowering::bindBlockParams(const std::vector<ParamPtr>& params) {
    const auto& b = cp_.v1model;
    for (const auto& prm : params) {
        const sema::Type* t = prm->semaType;
        Binding bind;
        if (t && b.headersType && (t == b.headersType || t->name == b.headersType->name)) {
            bind.path = "hdr";
        } else if (t && b.metadataType &&
                   (t == b.metadataType || t->name == b.metadataType->name)) {
            bind.path = "meta";
        } else if (t && t->name == "standard_metadata_t") {
            bind.path = "standard_metadata";
        } else {
            continue;  // packet_in / packet_out: used only as method receivers
        }
        params_[prm.get()] = bind;
    }
}

std::string Lowering::qualified(const Decl* d) const {
    if (const auto* a = findAnnotation(d->annotations, "name")) {
        if (auto n = stringArg(*a)) {
            if (!n->empty() && (*n)[0] == '.') return n->substr(1);
            return owner_.empty() ? *n : owner_ + "." + *n;
        }
    }
    return owner_.empty() ? d->name.text : owner_ + "." + d->name.text;
}

void Lowering::registerExtern(const InstanceDecl* d) {
    auto* named = dyn<NamedTypeRef>(d->typeRef);
    std::string type = named ? named->name.text : "";
    ExternObject x;
    x.name = qualified(d);
    x.annotations = annotationList(d->annotations);
    x.id = idAnnotation(d->annotations);
    auto arg = [&](size_t i) -> const ast::Expr* {
        return i < d->args.size() ? d->args[i].value.get() : nullptr;
    };
    auto unit = [&](const ast::Expr* e) {
        auto* m = dyn<MemberExpr>(e);
        std::string u = m ? m->member.text : "";
        if (u == "bytes") return ExternObject::Unit::Bytes;
        if (u == "packets_and_bytes") return ExternObject::Unit::Both;
        return ExternObject::Unit::Packets;
    };
    auto size = [&](const ast::Expr* e) -> int64_t {
        auto v = constOf(e);
        return v ? static_cast<int64_t>(*v) : 0;
    };
    if (type == "counter") {
        x.kind = ExternObject::Kind::Counter;
        x.size = size(arg(0));
        x.unit = unit(arg(1));
    } else if (type == "direct_counter") {
        x.kind = ExternObject::Kind::DirectCounter;
        x.unit = unit(arg(0));
    } else if (type == "meter") {
        x.kind = ExternObject::Kind::Meter;
        x.size = size(arg(0));
        x.unit = unit(arg(1));
    } else if (type == "direct_meter") {
        x.kind = ExternObject::Kind::DirectMeter;
        x.unit = unit(arg(0));
        if (named && !named->args.empty())
            if (auto* s = dyn<SizedTypeRef>(named->args[0]))
                if (auto w = constOf(s->width.get())) x.width = static_cast<int>(*w);
    } else if (type == "register") {
        x.kind = ExternObject::Kind::Register;
        x.size = size(arg(0));
        if (named && !named->args.empty())
            if (auto* s = dyn<SizedTypeRef>(named->args[0]))
                if (auto w = constOf(s->width.get())) x.width = static_cast<int>(*w);
        if (x.width == 0) {
            diags_.unsupported(d->loc, "a register whose cells are not bit<W>");
            return;
        }
    } else {
        diags_.unsupported(d->loc, "the extern '" + type + "'");
        return;
    }
    externs_[d] = static_cast<int>(p_.externs.size());
    p_.externs.push_back(x);
}

ActionId Lowering::actionFor(const ActionDecl* a) {
    if (auto it = actions_.find(a); it != actions_.end()) return it->second;
    // Top-level actions (NoAction) have no control prefix.
    bool topLevel = false;
    for (const auto& d : cp_.program->decls)
        if (d.get() == a) topLevel = true;
    std::string savedOwner = owner_;
    Action ir;
    {
        if (topLevel) owner_.clear();
        ir.name = qualified(a);
        owner_ = savedOwner;
    }
    ir.localName = a->name.text;
    ir.annotations = annotationList(a->annotations);
    ir.id = idAnnotation(a->annotations);
    ActionId id = static_cast<ActionId>(p_.actions.size());
    actions_[a] = id;
    p_.actions.push_back(ir);

    // The body as a table runs it: directionless parameters come from the control plane.
    auto savedParams = params_;
    auto* savedOut = out_;
    auto* savedExits = exits_;
    const ActionDecl* savedAction = currentAction_;
    ExprPtr savedPred = currentPred_;
    std::vector<Stmt> body;
    std::vector<ActionParam> irParams;
    int index = 0;
    for (const auto& prm : a->params) {
        if (prm->direction != Direction::None) continue;
        Scalar s = scalarOf(prm->semaType);
        if (s.width == 0) diags_.unsupported(prm->loc, "an action parameter of this type");
        irParams.push_back(
            {prm->name.text, s.width, s.isSigned, s.isBool, annotationList(prm->annotations)});
        params_[prm.get()] = Binding{{}, nullptr, index++};
    }
    bool directional = irParams.size() != a->params.size();
    out_ = &body;
    exits_ = nullptr;
    currentAction_ = a;
    if (!directional && a->body) lowerBlock(a->body->stmts, nullptr);
    currentAction_ = savedAction;
    exits_ = savedExits;
    out_ = savedOut;
    params_ = savedParams;
    currentPred_ = savedPred;
    p_.actions[id].params = irParams;
    p_.actions[id].body = std::move(body);
    return id;
}

ActionCall Lowering::lowerActionCall(const ast::Expr* e, SourceLoc loc) {
    ActionCall call;
    const ast::Expr* callee = e;
    const CallExpr* c = dyn<CallExpr>(e);
    if (c) callee = c->callee.get();
    auto* p = dyn<PathExpr>(callee);
    auto* a = p ? dyn<ActionDecl>(p->decl) : nullptr;
    if (!a) {
        diags_.unsupported(loc, "this action reference");
        return call;
    }
    call.action = actionFor(a);
    const Action& ir = p_.actions[call.action];
    if (c) {
        size_t i = 0;
        for (const auto& arg : c->args) {
            if (i >= ir.params.size()) break;
            auto v = constOf(arg.value.get());
            if (!v) {
                diags_.unsupported(arg.loc, "a non-constant action argument");
                v = 0;
            }
            BigInt r = *v % (BigInt(1) << ir.params[i].width);
            if (r < 0) r += BigInt(1) << ir.params[i].width;
            call.args.push_back(r);
            ++i;
        }
    }
    return call;
}

TableId Lowering::lowerTable(const TableDecl* td) {
    if (auto it = tables_.find(td); it != tables_.end()) return it->second;
    Table t;
    t.name = qualified(td);
    t.localName = td->name.text;
    t.control = owner_;
    t.annotations = annotationList(td->annotations);
    t.id = idAnnotation(td->annotations);
    t.loc = td->loc;
    TableId id = static_cast<TableId>(p_.tables.size());
    tables_[td] = id;
    p_.tables.push_back(t);

    // Keys, actions and entries reference no packet state at lowering time, but the action
    // bodies are lowered here, so lowering state must not leak into them.
    ExprPtr savedPred = currentPred_;
    const TableProperty* entries = nullptr;
    bool hasDefault = false;
    for (const auto& prop : td->properties) {
        if (prop.kind == TableProperty::Kind::Key) {
            for (const auto& k : prop.keys) {
                TableKey key;
                key.expr = lowerExpr(k.expr.get());
                if (!key.expr) continue;
                key.width = key.expr->width;
                key.annotations = annotationList(k.annotations);
                const auto* n = findAnnotation(k.annotations, "name");
                key.name = n && stringArg(*n) ? *stringArg(*n) : exprText(k.expr.get());
                static const std::map<std::string, MatchKind> kKinds = {
                    {"exact", MatchKind::Exact},       {"lpm", MatchKind::Lpm},
                    {"ternary", MatchKind::Ternary},   {"range", MatchKind::Range},
                    {"optional", MatchKind::Optional}, {"selector", MatchKind::Selector}};
                auto it = kKinds.find(k.matchKind.text);
                if (it == kKinds.end() || it->second == MatchKind::Selector) {
                    diags_.unsupported(k.matchKind.loc, "match kind '" + k.matchKind.text + "'");
                    continue;
                }
                key.matchKind = it->second;
                p_.tables[id].keys.push_back(key);
            }
        } else if (prop.kind == TableProperty::Kind::Actions) {
            for (const auto& ar : prop.actions) {
                const ast::Expr* e = ar.expr.get();
                if (auto* c = dyn<CallExpr>(e)) {
                    if (!c->args.empty()) {
                        diags_.unsupported(ar.loc, "an action with bound arguments in a table");
                        continue;
                    }
                    e = c->callee.get();
                }
                auto* p = dyn<PathExpr>(e);
                auto* a = p ? dyn<ActionDecl>(p->decl) : nullptr;
                if (!a) {
                    diags_.unsupported(ar.loc, "this action reference");
                    continue;
                }
                ActionRef ref;
                ref.action = actionFor(a);
                p_.actions[ref.action].controlPlane = true;
                ref.annotations = annotationList(ar.annotations);
                if (findAnnotation(ar.annotations, "tableonly"))
                    ref.scope = ActionRef::Scope::TableOnly;
                if (findAnnotation(ar.annotations, "defaultonly"))
                    ref.scope = ActionRef::Scope::DefaultOnly;
                p_.tables[id].actions.push_back(ref);
            }
        } else if (prop.kind == TableProperty::Kind::Entries) {
            entries = &prop;
        } else {
            const std::string& n = prop.name.text;
            if (n == "default_action") {
                p_.tables[id].defaultAction = lowerActionCall(prop.value.get(), prop.loc);
                p_.tables[id].defaultActionIsConst = prop.isConst;
                hasDefault = true;
            } else if (n == "size") {
                if (auto v = constOf(prop.value.get())) {
                    p_.tables[id].size = static_cast<int64_t>(*v);
                    p_.tables[id].hasSize = true;
                }
            } else if (n == "counters" || n == "meters") {
                Ref r = resolve(prop.value.get());
                if (r.kind != Ref::Kind::Extern) {
                    diags_.unsupported(prop.loc, "this '" + n + "' property");
                    continue;
                }
                p_.externs[r.object].table = id;
                p_.tables[id].directExterns.push_back(r.object);
            } else if (n == "implementation") {
                diags_.unsupported(prop.loc, "table property 'implementation'");
            } else {
                p_.tables[id].properties.emplace_back(n, exprText(prop.value.get()));
            }
        }
    }
    if (!hasDefault) {
        // P4_16: a table without default_action has NoAction as its default.
        for (const auto& d : cp_.program->decls)
            if (auto* a = dyn<ActionDecl>(d); a && a->name.text == "NoAction")
                p_.tables[id].defaultAction.action = actionFor(a);
    }
    if (entries) {
        Table& tb = p_.tables[id];
        tb.entriesConst = entries->isConst;
        for (const auto& e : entries->entries) {
            TableEntry te;
            te.loc = e.loc;
            std::vector<const ast::Expr*> ks;
            for (const auto& k : e.keyset) ks.push_back(k.get());
            if (ks.size() == 1 && p_.tables[id].keys.size() != 1 &&
                (dyn<DefaultExpr>(ks[0]) || dyn<DontCareExpr>(ks[0])))
                ks.assign(p_.tables[id].keys.size(), nullptr);
            if (ks.size() != p_.tables[id].keys.size()) continue;
            for (size_t i = 0; i < ks.size(); ++i) {
                const TableKey& key = p_.tables[id].keys[i];
                Match m = lowerKeysetElement(ks[i], key.width, e.loc);
                if (key.matchKind == MatchKind::Lpm && m.kind == Match::Kind::Ternary) {
                    // An lpm entry is written value &&& mask with a prefix mask.
                    int len = 0;
                    BigInt mask = m.mask;
                    while (len < key.width && bit_test(mask, key.width - 1 - len)) ++len;
                    m.kind = Match::Kind::Lpm;
                    m.prefixLen = len;
                } else if (key.matchKind == MatchKind::Lpm && m.kind == Match::Kind::Exact) {
                    m.kind = Match::Kind::Lpm;
                    m.prefixLen = key.width;
                }
                te.keys.push_back(m);
            }
            te.action = lowerActionCall(e.action.expr.get(), e.action.loc);
            if (e.priority) {
                te.priority = constOf(e.priority.get());
            } else if (const auto* pa = findAnnotation(e.annotations, "priority")) {
                if (!pa->args.empty()) te.priority = constOf(pa->args[0].get());
            }
            p_.tables[id].entries.push_back(te);
        }
    }
    currentPred_ = savedPred;
    return id;
}

void Lowering::declareControlLocals(const ControlDecl* c) {
    for (const auto& d : c->locals) {
        if (auto* i = dyn<InstanceDecl>(d)) {
            registerExtern(i);
        } else if (auto* v = dyn<VarDecl>(d)) {
            declareLocal(v, nullptr);
        } else if (dyn<TableDecl>(d) || dyn<ActionDecl>(d) || dyn<ConstDecl>(d) ||
                   dyn<FunctionDecl>(d)) {
            // Lowered when referenced, so unused ones stay out of the IR (as p4c drops them).
        } else {
            diags_.unsupported(d->loc, "this control local declaration");
        }
    }
}

void Lowering::lowerControl(const ControlDecl* c, Control& out) {
    out.name = c->name.text;
    owner_ = c->name.text;
    params_.clear();
    applied_.clear();
    exitFlag_ = -1;
    bindBlockParams(c->params);
    out_ = &out.stmts;
    std::vector<ExprPtr> exits;
    exits_ = &exits;
    declareControlLocals(c);
    // Tables' actions are lowered before the apply body so that `exit` in them is known.
    for (const auto& d : c->locals)
        if (auto* t = dyn<TableDecl>(d)) lowerTable(t);
    if (c->apply) lowerBlock(c->apply->stmts, nullptr);
    exits_ = nullptr;
    out.exitFlag = exitFlag_;
    if (exitFlag_ >= 0) {
        // The flag starts clear for every packet: reset it first.
        Stmt s;
        s.kind = StmtKind::Assign;
        s.dst = fieldRef(exitFlag_, 1, false, true);
        s.src = boolConst(false);
        out.stmts.insert(out.stmts.begin(), s);
    }
}

void Lowering::lowerChecksumControl(const ControlDecl* c, bool verify) {
    owner_ = c->name.text;
    params_.clear();
    bindBlockParams(c->params);
    std::vector<Stmt> sink;
    out_ = &sink;
    checksumMode_ = true;
    checksumVerify_ = verify;
    for (const auto& d : c->locals)
        if (!dyn<ConstDecl>(d))
            diags_.unsupported(d->loc, "a local declaration in a checksum control");
    if (c->apply) lowerBlock(c->apply->stmts, nullptr);
    checksumMode_ = false;
    for (const auto& s : sink) diags_.unsupported(s.loc, "this statement in a checksum control");
}

void Lowering::lowerDeparser(const ControlDecl* c) {
    owner_ = c->name.text;
    params_.clear();
    bindBlockParams(c->params);
    std::function<void(const std::vector<StmtPtr>&)> walk = [&](const std::vector<StmtPtr>& ss) {
        for (const auto& s : ss) {
            if (auto* b = dyn<BlockStmt>(s)) {
                walk(b->stmts);
                continue;
            }
            auto* cs = dyn<CallStmt>(s);
            auto* callee = cs ? dyn<MemberExpr>(cs->call->callee) : nullptr;
            if (!callee || callee->member.text != "emit" || cs->call->args.empty()) {
                diags_.unsupported(s->loc, "this statement in the deparser");
                continue;
            }
            Ref r = resolve(cs->call->args[0].value.get());
            if (r.kind != Ref::Kind::Path) {
                diags_.unsupported(s->loc, "emitting this expression");
                continue;
            }
            // A struct, stack or union emits every header under it, in layout order.
            bool any = false;
            for (size_t h = 0; h < p_.headers.size(); ++h) {
                const Header& hd = p_.headers[h];
                if (hd.kind != Header::Kind::Packet) continue;
                if (hd.name == r.path || hd.name.rfind(r.path + ".", 0) == 0 ||
                    hd.name.rfind(r.path + "[", 0) == 0) {
                    p_.deparser.push_back(static_cast<HeaderId>(h));
                    any = true;
                }
            }
            if (!any) diags_.unsupported(s->loc, "emitting '" + r.path + "'");
        }
    };
    for (const auto& d : c->locals)
        diags_.unsupported(d->loc, "a local declaration in the deparser");
    if (c->apply) walk(c->apply->stmts);
}

std::optional<Program> Lowering::run(const std::string& name) {
    p_.name = name;
    const auto& b = cp_.v1model;
    if (!cp_.program || !b.parser || !b.ingress || !b.egress || !b.deparser || !b.verifyChecksum ||
        !b.computeChecksum) {
        diags_.error(SourceLoc{}, "no complete V1Switch binding to lower");
        return std::nullopt;
    }
    int before = diags_.errorCount();
    buildLayout();
    lowerParser(b.parser);
    lowerChecksumControl(b.verifyChecksum, true);
    lowerControl(b.ingress, p_.ingress);
    lowerControl(b.egress, p_.egress);
    lowerChecksumControl(b.computeChecksum, false);
    lowerDeparser(b.deparser);
    p_.computePhvOffsets();
    if (diags_.errorCount() != before) return std::nullopt;
    return std::move(p_);
}

}  // namespace

std::optional<Program> lower(const sema::CheckedProgram& checked, Diagnostics& diags,
                             const std::string& name) {
    Lowering l(checked, diags);
    return l.run(name);
}

}  // namespace hop::ir
