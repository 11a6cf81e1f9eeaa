// SPDX-License-Identifier: Apache-2.0
// The semantic checker: declarations, scopes and types. Expressions and statements are in
// sema_expr.cpp and sema_stmt.cpp; the unsupported-extern list in unsupported.cpp.
#include <fmt/format.h>

#include "sema/checker.hpp"

namespace hop::sema {

using namespace hop::ast;

Checker::Checker(Diagnostics& diags, CheckedProgram& out, const CheckOptions& options)
    : diags_(diags), out_(out), types_(*out.types), options_(options) {}

// ---------------------------------------------------------------------------------------------
// Scopes

const std::vector<Entity>* Checker::lookupAll(const std::string& name, bool topLevel) const {
    for (const Scope* s = topLevel ? &global_ : scope_; s; s = s->parent) {
        auto it = s->names.find(name);
        if (it != s->names.end() && !it->second.empty()) return &it->second;
    }
    return nullptr;
}

const Entity* Checker::lookup(const std::string& name, bool topLevel) const {
    const auto* all = lookupAll(name, topLevel);
    return all ? &all->front() : nullptr;
}

static int paramCountOf(const Entity& e) {
    if (auto* x = as<ExternDecl>(e.decl); x && x->isFunction)
        return static_cast<int>(x->function.params.size());
    if (auto* f = as<FunctionDecl>(e.decl)) return static_cast<int>(f->params.size());
    return -1;
}

void Checker::add(const Name& name, Entity e) {
    if (name.text.empty()) return;
    auto& v = scope_->names[name.text];
    if (!v.empty()) {
        // Extern functions and functions overload on their number of parameters (p4c's rule).
        int n = paramCountOf(e);
        bool overload = n >= 0;
        for (const auto& other : v)
            if (paramCountOf(other) < 0 || paramCountOf(other) == n) overload = false;
        if (!overload) {
            diags_.error(name.loc, "'{}' is already declared", name.text);
            return;
        }
    }
    v.push_back(e);
}

void Checker::addParam(Param* p) {
    if (!p) return;
    p->semaType = resolveType(p->type);
    if (p->defaultValue) {
        expr(p->defaultValue.get());
        convert(p->defaultValue.get(), p->semaType, Conv::Init);
    }
    Entity e;
    e.kind = Entity::Kind::Param;
    e.param = p;
    add(p->name, e);
}

std::vector<const Type*> Checker::addTypeVars(const TypeParams& tp) {
    std::vector<const Type*> vars;
    for (const auto& n : tp.names) {
        Type* t = types_.make(TypeKind::TypeVar, n.text);
        vars.push_back(t);
        Entity e;
        e.kind = Entity::Kind::TypeVar;
        e.type = t;
        add(n, e);
    }
    return vars;
}

std::vector<ParamInfo> Checker::paramInfos(const std::vector<ParamPtr>& ps) {
    std::vector<ParamInfo> out;
    for (const auto& p : ps) {
        if (!p) continue;
        ParamInfo pi;
        pi.name = p->name.text;
        pi.direction = p->direction;
        pi.type = p->semaType;
        pi.hasDefault = p->defaultValue != nullptr;
        for (const auto& a : p->annotations)
            if (a.name.text == "optional") pi.optional = true;
        out.push_back(pi);
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Types

std::optional<BigInt> Checker::constInt(Expr* e, const char* what) {
    if (!e) return std::nullopt;
    const Type* t = expr(e);
    if (!t) return std::nullopt;
    if (!e->constValue || t->kind == TypeKind::Bool) {
        diags_.error(e->loc, "{} must be a compile-time integer constant", what);
        return std::nullopt;
    }
    return e->constValue;
}

std::optional<int> Checker::constWidth(Expr* e, const char* what, int min, int max) {
    auto v = constInt(e, what);
    if (!v) return std::nullopt;
    if (*v < min || *v > max) {
        diags_.error(e->loc, "{} {} is out of range ({}..{})", what, v->str(), min, max);
        return std::nullopt;
    }
    return static_cast<int>(*v);
}

static bool isTypeDecl(const Decl* d) {
    return as<const StructLikeDecl>(d) || as<const EnumDecl>(d) || as<const TypedefDecl>(d) ||
           (as<const ExternDecl>(d) && !as<const ExternDecl>(d)->isFunction) ||
           as<const BlockTypeDecl>(d) || as<const ParserDecl>(d) || as<const ControlDecl>(d);
}

const Type* Checker::resolveType(const TypeRefPtr& ref) {
    if (!ref) return nullptr;
    if (auto* b = as<BaseTypeRef>(ref)) {
        switch (b->kind) {
            case BaseTypeRef::Kind::Bool:
                return types_.boolType();
            case BaseTypeRef::Kind::Error:
                return types_.errorType();
            case BaseTypeRef::Kind::MatchKind:
                return types_.matchKindType();
            case BaseTypeRef::Kind::String:
                return types_.stringType();
            case BaseTypeRef::Kind::Int:
                return types_.intType();
            case BaseTypeRef::Kind::Void:
                return types_.voidType();
            case BaseTypeRef::Kind::DontCare:
                return types_.dontCareType();
        }
        return nullptr;
    }
    if (auto* s = as<SizedTypeRef>(ref)) {
        if (!s->width) return s->kind == SizedTypeRef::Kind::Bit ? types_.bits(1) : nullptr;
        auto w = constWidth(s->width.get(), "width", 1, kMaxWidth);
        if (!w) return nullptr;
        switch (s->kind) {
            case SizedTypeRef::Kind::Bit:
                return types_.bits(*w, false);
            case SizedTypeRef::Kind::Int:
                return types_.bits(*w, true);
            case SizedTypeRef::Kind::Varbit:
                return types_.varbit(*w);
        }
        return nullptr;
    }
    if (auto* st = as<StackTypeRef>(ref)) {
        const Type* el = resolveType(st->element);
        auto n = constWidth(st->size.get(), "header stack size", 1, kMaxStackSize);
        if (!el || !n) return nullptr;
        if (!el->isHeaderLike()) {
            diags_.error(st->loc, "header stack element must be a header or header union, not {}",
                         el->str());
            return nullptr;
        }
        Type* t = types_.make(TypeKind::Stack, el->name);
        t->element = el;
        t->size = *n;
        return t;
    }
    if (auto* tt = as<TupleTypeRef>(ref)) {
        Type* t = types_.make(TypeKind::Tuple, "tuple");
        for (const auto& e : tt->elements) {
            const Type* et = resolveType(e);
            if (!et) return nullptr;
            t->elements.push_back(et);
        }
        return t;
    }
    if (auto* n = as<NamedTypeRef>(ref)) {
        const Entity* e = lookup(n->name.text, n->topLevel);
        if (!e) {
            diags_.error(n->name.loc, "'{}' is not declared", n->name.text);
            return nullptr;
        }
        if (e->kind == Entity::Kind::TypeVar) return e->type;
        if (e->kind != Entity::Kind::Decl || !isTypeDecl(e->decl)) {
            diags_.error(n->name.loc, "'{}' is not a type", n->name.text);
            return nullptr;
        }
        n->decl = e->decl;
        const Type* t = e->decl->type;
        if (!t) return nullptr;
        if (!n->args.empty()) {
            std::vector<const Type*> args;
            for (const auto& a : n->args) {
                const Type* at = resolveType(a);
                if (!at) return nullptr;
                args.push_back(at);
            }
            return specialize(e->decl, t, args, n->name.loc);
        }
        return t;
    }
    return nullptr;
}

const Type* Checker::specialize(const Decl* decl, const Type* generic,
                                const std::vector<const Type*>& args, SourceLoc loc) {
    auto it = declTypeVars_.find(decl);
    size_t want = it == declTypeVars_.end() ? 0 : it->second.size();
    if (args.size() != want) {
        diags_.error(loc, "'{}' expects {} type argument(s), got {}", decl->name.text, want,
                     args.size());
        return nullptr;
    }
    Subst s;
    for (size_t i = 0; i < want; ++i)
        if (args[i]->kind != TypeKind::DontCare) s[it->second[i]] = args[i];
    Type* t = types_.make(generic->kind, generic->name);
    *t = *generic;
    t->typeArgs = args;
    for (auto& p : t->params) p.type = subst(p.type, s);
    for (auto& p : t->ctorParams) p.type = subst(p.type, s);
    for (auto& f : t->fields) f.type = subst(f.type, s);
    return t;
}

const Type* Checker::subst(const Type* t, const Subst& s, int depth) {
    if (!t || s.empty() || depth > 32) return t;
    switch (t->kind) {
        case TypeKind::TypeVar: {
            auto it = s.find(t);
            return it != s.end() && it->second ? it->second : t;
        }
        case TypeKind::Tuple:
        case TypeKind::Stack:
        case TypeKind::Extern:
        case TypeKind::Parser:
        case TypeKind::Control:
        case TypeKind::Package:
        case TypeKind::Struct:
        case TypeKind::Header:
        case TypeKind::Function: {
            if (t->kind == TypeKind::Struct || t->kind == TypeKind::Header)
                if (t->typeArgs.empty()) return t;  // only generic instances mention variables
            bool changed = false;
            Type copy = *t;
            auto sub = [&](const Type*& x) {
                const Type* n = subst(x, s, depth + 1);
                if (n != x) changed = true;
                x = n;
            };
            for (auto& e : copy.elements) sub(e);
            if (copy.element) sub(copy.element);
            for (auto& a : copy.typeArgs) sub(a);
            for (auto& p : copy.params) sub(p.type);
            for (auto& p : copy.ctorParams) sub(p.type);
            for (auto& f : copy.fields) sub(f.type);
            if (copy.returnType) sub(copy.returnType);
            if (!changed) return t;
            Type* n = types_.make(t->kind, t->name);
            *n = copy;
            return n;
        }
        default:
            return t;
    }
}

void Checker::unify(const Type* f, const Type* a, Subst& s, int depth) {
    if (!f || !a || depth > 32) return;
    if (f->kind == TypeKind::TypeVar) {
        auto it = s.find(f);
        // A later fixed-width binding beats an `int` guessed from a literal.
        if (it == s.end() || !it->second ||
            (it->second->kind == TypeKind::Int && a->kind == TypeKind::Bits))
            s[f] = a;
        return;
    }
    if (f->kind != a->kind) return;
    if (f->kind == TypeKind::Tuple && f->elements.size() == a->elements.size()) {
        for (size_t i = 0; i < f->elements.size(); ++i)
            unify(f->elements[i], a->elements[i], s, depth + 1);
    } else if (f->kind == TypeKind::Stack) {
        unify(f->element, a->element, s, depth + 1);
    } else if (f->kind == TypeKind::Parser || f->kind == TypeKind::Control ||
               f->kind == TypeKind::Package) {
        if (f->params.size() == a->params.size())
            for (size_t i = 0; i < f->params.size(); ++i)
                unify(f->params[i].type, a->params[i].type, s, depth + 1);
    } else if (f->decl && f->decl == a->decl && f->typeArgs.size() == a->typeArgs.size()) {
        for (size_t i = 0; i < f->typeArgs.size(); ++i)
            unify(f->typeArgs[i], a->typeArgs[i], s, depth + 1);
    }
}

bool Checker::same(const Type* a, const Type* b, int depth) const {
    if (a == b) return true;
    if (!a || !b || a->kind != b->kind || depth > 32) return false;
    switch (a->kind) {
        case TypeKind::Tuple:
            if (a->elements.size() != b->elements.size()) return false;
            for (size_t i = 0; i < a->elements.size(); ++i)
                if (!same(a->elements[i], b->elements[i], depth + 1)) return false;
            return true;
        case TypeKind::Stack:
            return a->size == b->size && same(a->element, b->element, depth + 1);
        case TypeKind::Bits:
            return a->width == b->width && a->isSigned == b->isSigned;
        case TypeKind::Varbit:
            return a->width == b->width;
        default:
            // Instances of one generic declaration are equal when their arguments are.
            if (!a->decl || a->decl != b->decl) return false;
            if (a->typeArgs.size() != b->typeArgs.size())
                return a->typeArgs.empty() || b->typeArgs.empty();
            for (size_t i = 0; i < a->typeArgs.size(); ++i)
                if (!same(a->typeArgs[i], b->typeArgs[i], depth + 1)) return false;
            return true;
    }
}

// Whether a parser/control declaration fits a parser/control type (a package parameter).
bool Checker::blockMatches(const Type* formal, const Type* actual, std::string& why) {
    if (formal->kind != actual->kind) return false;
    if (formal->params.size() != actual->params.size()) {
        why = fmt::format("it has {} parameters, expected {}", actual->params.size(),
                          formal->params.size());
        return false;
    }
    for (size_t i = 0; i < formal->params.size(); ++i) {
        const auto& f = formal->params[i];
        const auto& a = actual->params[i];
        if (f.direction != a.direction) {
            auto dir = [](Direction d) {
                switch (d) {
                    case Direction::In:
                        return "in";
                    case Direction::Out:
                        return "out";
                    case Direction::InOut:
                        return "inout";
                    default:
                        return "directionless";
                }
            };
            why = fmt::format("parameter '{}' is {}, expected {}", a.name, dir(a.direction),
                              dir(f.direction));
            return false;
        }
        if (f.type && a.type && f.type->kind != TypeKind::TypeVar && !same(f.type, a.type)) {
            why = fmt::format("parameter '{}' has type {}, expected {}", a.name, a.type->str(),
                              f.type->str());
            return false;
        }
    }
    return true;
}

static bool fixedWidthScalar(const Type* t) {
    return t &&
           (t->kind == TypeKind::Bits || t->kind == TypeKind::Bool || t->kind == TypeKind::SerEnum);
}

// Bit offsets of the fields of a header or struct, when all of them have a fixed width.
void Checker::layout(Type* t) {
    int offset = 0;
    bool fixed = true;
    for (auto& f : t->fields) {
        f.bitOffset = offset;
        const Type* ft = f.type;
        int w = 0;
        if (!ft) {
            fixed = false;
        } else if (ft->kind == TypeKind::SerEnum) {
            w = ft->underlying ? ft->underlying->width : 0;
        } else if (fixedWidthScalar(ft) || ft->kind == TypeKind::Varbit) {
            // varbit fields count with their maximum width
            w = ft->width;
        } else if (ft->kind == TypeKind::Struct && t->kind == TypeKind::Struct && ft->width > 0) {
            w = ft->width;
        } else {
            fixed = false;
        }
        offset += w;
    }
    t->width = fixed ? offset : 0;
}

// ---------------------------------------------------------------------------------------------
// Declarations

void Checker::declare(const DeclPtr& dp, bool topLevel) {
    Decl* d = dp.get();
    if (!d) return;
    if (auto* x = as<ConstDecl>(d)) return checkConst(x);
    if (auto* x = as<VarDecl>(d)) return checkVar(x);
    if (auto* x = as<TypedefDecl>(d)) return checkTypedef(x);
    if (auto* x = as<EnumDecl>(d)) return checkEnum(x);
    if (auto* x = as<StructLikeDecl>(d)) return checkStructLike(x);
    if (auto* x = as<ExternDecl>(d)) return checkExtern(x);
    if (auto* x = as<FunctionDecl>(d)) return checkFunction(x);
    if (auto* x = as<ActionDecl>(d)) return checkAction(x);
    if (auto* x = as<BlockTypeDecl>(d)) return checkBlockType(x);
    if (auto* x = as<ParserDecl>(d)) return checkParser(x);
    if (auto* x = as<ControlDecl>(d)) return checkControl(x);
    if (auto* x = as<InstanceDecl>(d)) return checkInstance(x);
    if (auto* x = as<TableDecl>(d)) return checkTable(x);
    if (auto* x = as<ValueSetDecl>(d)) return checkValueSet(x);
    if (auto* x = as<ErrorDecl>(d)) {
        Type* t = types_.errorTypeMutable();
        for (const auto& m : x->members) {
            if (std::find(t->members.begin(), t->members.end(), m.text) != t->members.end())
                diags_.error(m.loc, "'error.{}' is already declared", m.text);
            else
                t->members.push_back(m.text);
        }
        x->type = t;
        return;
    }
    if (auto* x = as<MatchKindDecl>(d)) {
        Type* t = types_.matchKindTypeMutable();
        for (const auto& m : x->members) {
            if (std::find(t->members.begin(), t->members.end(), m.text) != t->members.end())
                diags_.error(m.loc, "match kind '{}' is already declared", m.text);
            else
                t->members.push_back(m.text);
        }
        x->type = t;
        return;
    }
}

static Entity declEntity(Decl* d) {
    Entity e;
    e.decl = d;
    return e;
}

void Checker::checkConst(ConstDecl* d) {
    const Type* t = resolveType(d->typeRef);
    d->type = t;
    if (d->init) {
        const Type* it = expr(d->init.get());
        if (t && it && convert(d->init.get(), t, Conv::Init)) {
            if (d->init->constValue) {
                d->value = d->init->constValue;
            } else if (!isConstant(d->init.get())) {
                diags_.error(d->init->loc,
                             "initializer of constant '{}' is not a compile-time "
                             "constant",
                             d->name.text);
            }
        }
    }
    add(d->name, declEntity(d));
}

void Checker::checkVar(VarDecl* d) {
    const Type* t = resolveType(d->typeRef);
    d->type = t;
    if (t &&
        (t->kind == TypeKind::Int || t->kind == TypeKind::Void || t->kind == TypeKind::String)) {
        diags_.error(d->name.loc, "variable '{}' cannot have type {}", d->name.text, t->str());
        d->type = nullptr;
    }
    if (d->init) {
        expr(d->init.get());
        convert(d->init.get(), d->type, Conv::Init);
    }
    add(d->name, declEntity(d));
}

void Checker::checkTypedef(TypedefDecl* d) {
    const Type* t = resolveType(d->typeRef);
    if (t && d->isNewType) {
        Type* n = types_.make(TypeKind::NewType, d->name.text);
        n->decl = d;
        n->underlying = t;
        n->width = t->width;
        t = n;
    }
    d->type = t;
    add(d->name, declEntity(d));
}

void Checker::checkEnum(EnumDecl* d) {
    Type* t = types_.make(d->underlying ? TypeKind::SerEnum : TypeKind::Enum, d->name.text);
    t->decl = d;
    if (d->underlying) {
        t->underlying = resolveType(d->underlying);
        if (t->underlying && !t->underlying->isBits()) {
            diags_.error(d->underlying->loc,
                         "the underlying type of enum '{}' must be bit<W> or int<W>, not {}",
                         d->name.text, t->underlying->str());
            t->underlying = nullptr;
        }
        if (t->underlying) t->width = t->underlying->width;
    }
    for (const auto& m : d->members) {
        if (std::find(t->members.begin(), t->members.end(), m.name.text) != t->members.end()) {
            diags_.error(m.name.loc, "'{}.{}' is already declared", d->name.text, m.name.text);
            continue;
        }
        BigInt v = 0;
        if (d->underlying) {
            if (!m.value) {
                diags_.error(m.name.loc, "member '{}' of serializable enum '{}' needs a value",
                             m.name.text, d->name.text);
            } else if (expr(m.value.get()) && t->underlying &&
                       convert(m.value.get(), t->underlying, Conv::Init)) {
                if (m.value->constValue)
                    v = *m.value->constValue;
                else
                    diags_.error(m.value->loc, "enum value must be a compile-time constant");
            }
        }
        t->members.push_back(m.name.text);
        t->memberValues.push_back(v);
    }
    d->type = t;
    add(d->name, declEntity(d));
}

void Checker::checkStructLike(StructLikeDecl* d) {
    TypeKind k = d->kind == StructLikeDecl::Kind::Header        ? TypeKind::Header
                 : d->kind == StructLikeDecl::Kind::HeaderUnion ? TypeKind::HeaderUnion
                                                                : TypeKind::Struct;
    Type* t = types_.make(k, d->name.text);
    t->decl = d;
    {
        ScopeGuard g(*this);
        declTypeVars_[d] = addTypeVars(d->typeParams);
        int varbits = 0;
        for (const auto& f : d->fields) {
            if (t->field(f.name.text)) {
                diags_.error(f.name.loc, "field '{}' is already declared in {}", f.name.text,
                             t->str());
                continue;
            }
            const Type* ft = resolveType(f.typeRef);
            if (ft) {
                bool ok = true;
                const Type* base = ft->kind == TypeKind::NewType ? ft->underlying : ft;
                if (k == TypeKind::Header) {
                    ok = base && (base->isBits() || base->kind == TypeKind::Varbit ||
                                  base->kind == TypeKind::SerEnum || base->kind == TypeKind::Bool ||
                                  base->kind == TypeKind::TypeVar);
                    if (base && base->kind == TypeKind::Varbit && ++varbits > 1) {
                        diags_.error(f.name.loc, "a header may have only one varbit field");
                    }
                } else if (k == TypeKind::HeaderUnion) {
                    ok =
                        base && (base->kind == TypeKind::Header || base->kind == TypeKind::TypeVar);
                } else {
                    ok = base && base->kind != TypeKind::Int && base->kind != TypeKind::Void &&
                         base->kind != TypeKind::String && base->kind != TypeKind::Extern &&
                         base->kind != TypeKind::Parser && base->kind != TypeKind::Control &&
                         base->kind != TypeKind::Package && base->kind != TypeKind::MatchKind;
                }
                if (!ok) {
                    const char* what = k == TypeKind::Header        ? "header"
                                       : k == TypeKind::HeaderUnion ? "header_union"
                                                                    : "struct";
                    diags_.error(f.typeRef ? f.typeRef->loc : f.name.loc,
                                 "{} field '{}' cannot have type {}", what, f.name.text, ft->str());
                    ft = nullptr;
                }
            }
            t->fields.push_back(Field{f.name.text, ft, 0});
        }
    }
    if (k != TypeKind::HeaderUnion) layout(t);
    d->type = t;
    add(d->name, declEntity(d));
}

Signature Checker::makeSignature(const MethodProto& m, const std::string& name) {
    ScopeGuard g(*this);
    Signature sig;
    sig.name = name;
    sig.proto = &m;
    sig.typeVars = addTypeVars(m.typeParams);
    if (m.returnType) sig.ret = resolveType(m.returnType);
    for (const auto& p : m.params) addParam(p.get());
    sig.params = paramInfos(m.params);
    return sig;
}

void Checker::checkExtern(ExternDecl* d) {
    if (d->isFunction) {
        Signature sig = makeSignature(d->function, d->name.text);
        Type* t = types_.make(TypeKind::Function, d->name.text);
        t->decl = d;
        t->params = sig.params;
        t->returnType = sig.ret;
        sigs_[&d->function] = std::move(sig);
        d->type = t;
        add(d->name, declEntity(d));
        return;
    }
    Type* t = types_.make(TypeKind::Extern, d->name.text);
    t->decl = d;
    d->type = t;
    add(d->name, declEntity(d));  // methods may mention their own extern type
    ScopeGuard g(*this);
    declTypeVars_[d] = addTypeVars(d->typeParams);
    for (const auto& m : d->methods) {
        Signature sig = makeSignature(m, m.name.text);
        if (m.isConstructor) {
            if (m.name.text != d->name.text)
                diags_.error(m.name.loc, "constructor '{}' must have the extern's name '{}'",
                             m.name.text, d->name.text);
            if (t->ctorParams.empty()) t->ctorParams = sig.params;
        }
        sigs_[&m] = std::move(sig);
    }
}

void Checker::checkFunction(FunctionDecl* d) {
    Type* t = types_.make(TypeKind::Function, d->name.text);
    t->decl = d;
    d->type = t;
    ScopeGuard g(*this);
    Signature sig;
    sig.name = d->name.text;
    sig.typeVars = addTypeVars(d->typeParams);
    sig.ret = resolveType(d->returnType);
    for (const auto& p : d->params) addParam(p.get());
    sig.params = paramInfos(d->params);
    t->params = sig.params;
    t->returnType = sig.ret;
    declSigs_[d] = sig;
    {
        // The function is visible to later declarations, not inside its own body (no recursion).
        Scope* inner = scope_;
        scope_ = g.s.parent;
        add(d->name, declEntity(d));
        scope_ = inner;
    }
    Body saved = body_;
    const Type* savedRet = returnType_;
    body_ = Body::Function;
    returnType_ = sig.ret;
    block(d->body.get());
    body_ = saved;
    returnType_ = savedRet;
}

void Checker::checkAction(ActionDecl* d) {
    Type* t = types_.make(TypeKind::Action, d->name.text);
    t->decl = d;
    d->type = t;
    add(d->name, declEntity(d));
    ScopeGuard g(*this);
    const Param* firstData = nullptr;
    for (const auto& p : d->params) {
        if (!p) continue;
        if (p->direction == Direction::None) {
            if (!firstData) firstData = p.get();
        } else if (firstData) {
            diags_.error(firstData->name.loc,
                         "action data parameter '{}' must come after the directional parameters",
                         firstData->name.text);
            firstData = p.get();  // report each misplaced group once
        }
        addParam(p.get());
    }
    t->params = paramInfos(d->params);
    Signature sig;
    sig.name = d->name.text;
    sig.params = t->params;
    sig.ret = types_.voidType();
    declSigs_[d] = sig;
    Body saved = body_;
    body_ = Body::Action;
    block(d->body.get());
    body_ = saved;
}

void Checker::checkBlockType(BlockTypeDecl* d) {
    TypeKind k = d->kind == BlockTypeDecl::Kind::Parser    ? TypeKind::Parser
                 : d->kind == BlockTypeDecl::Kind::Control ? TypeKind::Control
                                                           : TypeKind::Package;
    Type* t = types_.make(k, d->name.text);
    t->decl = d;
    {
        ScopeGuard g(*this);
        declTypeVars_[d] = addTypeVars(d->typeParams);
        for (const auto& p : d->params) addParam(p.get());
        t->params = paramInfos(d->params);
        if (k == TypeKind::Package) t->ctorParams = t->params;
    }
    d->type = t;
    add(d->name, declEntity(d));
}

template <typename BlockDecl>
Type* Checker::declareBlock(BlockDecl* d, TypeKind kind) {
    Type* t = types_.make(kind, d->name.text);
    t->decl = d;
    d->type = t;
    add(d->name, declEntity(d));
    return t;
}

template <typename BlockDecl>
void Checker::bindBlockParams(BlockDecl* d, Type* t) {
    declTypeVars_[d] = addTypeVars(d->typeParams);
    for (const auto& p : d->ctorParams) addParam(p.get());
    for (const auto& p : d->params) addParam(p.get());
    t->params = paramInfos(d->params);
    t->ctorParams = paramInfos(d->ctorParams);
}

void Checker::checkParser(ParserDecl* d) {
    Type* t = declareBlock(d, TypeKind::Parser);
    ScopeGuard g(*this);
    bindBlockParams(d, t);
    Body saved = body_;
    body_ = Body::Parser;
    for (const auto& l : d->locals) declare(l, false);

    std::set<std::string> states;
    for (const auto& s : d->states) {
        if (!s) continue;
        if (s->name.text == "accept" || s->name.text == "reject") {
            diags_.error(s->name.loc, "state '{}' is built in and cannot be declared",
                         s->name.text);
        } else if (!states.insert(s->name.text).second) {
            diags_.error(s->name.loc, "state '{}' is already declared", s->name.text);
        }
    }
    if (!states.count("start"))
        diags_.error(d->name.loc, "parser '{}' has no 'start' state", d->name.text);
    for (const auto& s : d->states) {
        if (!s) continue;
        ScopeGuard sg(*this);
        for (const auto& st : s->stmts) stmt(st.get());
        if (s->transition) transition(*s->transition, states);
    }
    body_ = saved;
}

void Checker::checkControl(ControlDecl* d) {
    Type* t = declareBlock(d, TypeKind::Control);
    ScopeGuard g(*this);
    bindBlockParams(d, t);
    Body saved = body_;
    body_ = Body::Control;
    for (const auto& l : d->locals) declare(l, false);
    block(d->apply.get());
    body_ = saved;
}

void Checker::checkValueSet(ValueSetDecl* d) {
    d->type = resolveType(d->elementType);
    if (d->size) constInt(d->size.get(), "value_set size");
    add(d->name, declEntity(d));
}

void Checker::checkInstance(InstanceDecl* d) {
    const Type* t = resolveType(d->typeRef);
    auto* named = as<NamedTypeRef>(d->typeRef);
    const Decl* td = named ? named->decl : nullptr;
    if (t && td) {
        // Reuse the call machinery: an instantiation is a constructor call.
        auto call = std::make_shared<CallExpr>();
        call->loc = d->loc;
        auto callee = std::make_shared<PathExpr>();
        callee->loc = named->name.loc;
        callee->name = named->name;
        call->callee = callee;
        call->args = d->args;
        Signature sig;
        sig.name = td->name.text;
        Subst s;
        auto vars = declTypeVars_.find(td);
        std::vector<const Type*> tvars;
        if (vars != declTypeVars_.end()) tvars = vars->second;
        bool specialized = !named->args.empty();
        if (specialized)
            for (size_t i = 0; i < tvars.size() && i < t->typeArgs.size(); ++i)
                s[tvars[i]] = t->typeArgs[i];
        CallTarget target;
        target.kind = CallTarget::Kind::Constructor;
        target.decl = td;
        if (auto* x = as<const ExternDecl>(td)) {
            std::vector<const Signature*> ctors;
            for (const auto& m : x->methods)
                if (m.isConstructor) ctors.push_back(&sigs_[&m]);
            if (ctors.empty()) {
                if (!d->args.empty())
                    diags_.error(d->loc, "extern '{}' has no constructor", x->name.text);
            } else if (const Signature* c = pickOverload(call.get(), ctors, x->name.text)) {
                sig = *c;
                sig.typeVars.clear();
                target.method = c->proto;
                callSignature(call.get(), sig, s, target);
            }
        } else if (t->kind == TypeKind::Parser || t->kind == TypeKind::Control ||
                   t->kind == TypeKind::Package) {
            sig.params = t->kind == TypeKind::Package ? t->params : t->ctorParams;
            if (!specialized)
                sig.params = as<const BlockTypeDecl>(td) ? td->type->params : sig.params;
            callSignature(call.get(), sig, s, target);
        } else {
            diags_.error(named->name.loc, "cannot instantiate {}", t->str());
            t = nullptr;
        }
        // Infer the type arguments of a generic instantiation from its constructor arguments.
        if (t && !specialized && !tvars.empty()) {
            std::vector<const Type*> args;
            for (const auto* v : tvars) {
                auto it = s.find(v);
                args.push_back(it != s.end() && it->second ? it->second : types_.dontCareType());
            }
            t = specialize(td, t, args, named->name.loc);
        }
        // The arguments were checked through a copy of the pointers; the nodes are shared.
        out_.calls.erase(call.get());
    }
    d->type = t;
    add(d->name, declEntity(d));
    // Implementations of abstract methods (`Virtual() v = { bit<16> f(...) { ... } };`).
    for (const auto& f : d->initializer) {
        ScopeGuard g(*this);
        declare(f, false);
    }
}

// ---------------------------------------------------------------------------------------------
// Tables

ActionDecl* Checker::actionRef(Expr* e, CallExpr** callOut) {
    *callOut = nullptr;
    PathExpr* p = as<PathExpr>(e);
    if (auto* c = as<CallExpr>(e)) {
        *callOut = c;
        p = as<PathExpr>(c->callee);
    }
    if (!p) {
        if (e) diags_.error(e->loc, "expected an action name");
        return nullptr;
    }
    const Entity* en = lookup(p->name.text, p->topLevel);
    if (!en) {
        diags_.error(p->name.loc, "'{}' is not declared", p->name.text);
        return nullptr;
    }
    auto* a = en->kind == Entity::Kind::Decl ? as<ActionDecl>(en->decl) : nullptr;
    if (!a) {
        diags_.error(p->name.loc, "'{}' is not an action", p->name.text);
        return nullptr;
    }
    p->decl = a;
    p->type = a->type;
    e->type = types_.voidType();
    return a;
}

// Arguments of an action named in a table: in the actions list they bind the directional
// parameters only; in default_action and entries they give every parameter, and the action
// data (directionless) ones must be compile-time constants.
void Checker::actionArgs(CallExpr* c, ActionDecl* a, bool bindDirectionalOnly) {
    auto it = declSigs_.find(a);
    if (it == declSigs_.end()) return;
    Signature sig = it->second;
    size_t directional = 0;
    for (const auto& p : sig.params)
        if (p.direction != Direction::None) ++directional;
    size_t given = c ? c->args.size() : 0;
    // The actions list binds the directional parameters and may bind a prefix of the action
    // data too (those then stop being set by the control plane), as p4c accepts.
    if (bindDirectionalOnly && given >= directional && given <= sig.params.size())
        sig.params.resize(given);
    else if (bindDirectionalOnly)
        sig.params.resize(std::min(directional, sig.params.size()));
    if (given != sig.params.size()) {
        diags_.error(c ? c->loc : a->name.loc,
                     "wrong number of arguments to '{}': expected {}, "
                     "got {}",
                     a->name.text, sig.params.size(), given);
        return;
    }
    if (!c) return;
    Subst s;
    CallTarget target;
    target.kind = CallTarget::Kind::Action;
    target.decl = a;
    callSignature(c, sig, s, target);
    out_.calls[c] = target;
    for (size_t i = directional;
         !bindDirectionalOnly && i < c->args.size() && i < sig.params.size(); ++i) {
        Expr* v = c->args[i].value.get();
        if (v && v->type && !isConstant(v))
            diags_.error(v->loc, "action data argument '{}' must be a compile-time constant",
                         sig.params[i].name);
    }
}

void Checker::checkTable(TableDecl* d) {
    Type* t = types_.make(TypeKind::Table, d->name.text);
    t->decl = d;
    d->type = t;
    add(d->name, declEntity(d));

    std::vector<const Type*> keyTypes;
    std::vector<std::string> keyKinds;
    std::vector<std::string> actionNames;
    const Type* mk = types_.matchKindType();
    for (auto& prop : d->properties) {
        if (prop.kind == TableProperty::Kind::Key) {
            int lpm = 0;
            for (auto& k : prop.keys) {
                const Type* kt = expr(k.expr.get());
                if (kt) {
                    const Type* base = kt->kind == TypeKind::NewType ? kt->underlying : kt;
                    bool ok =
                        base && (base->isBits() || base->kind == TypeKind::Bool ||
                                 base->kind == TypeKind::SerEnum || base->kind == TypeKind::Enum ||
                                 base->kind == TypeKind::Error);
                    if (!ok) {
                        diags_.error(k.expr->loc, "table key cannot have type {}", kt->str());
                        kt = nullptr;
                    }
                }
                const std::string& kind = k.matchKind.text;
                if (std::find(mk->members.begin(), mk->members.end(), kind) == mk->members.end()) {
                    diags_.error(k.matchKind.loc, "'{}' is not a match kind", kind);
                } else if (kind == "lpm") {
                    if (++lpm > 1)
                        diags_.error(k.matchKind.loc, "a table may have only one lpm key");
                    if (kt && !kt->isBits())
                        diags_.error(k.expr->loc, "an lpm key must be bit<W>, not {}", kt->str());
                }
                keyTypes.push_back(kt);
                keyKinds.push_back(kind);
            }
        } else if (prop.kind == TableProperty::Kind::Actions) {
            for (auto& ar : prop.actions) {
                CallExpr* c = nullptr;
                ActionDecl* a = actionRef(ar.expr.get(), &c);
                if (!a) continue;
                if (std::find(actionNames.begin(), actionNames.end(), a->name.text) !=
                    actionNames.end()) {
                    diags_.error(ar.expr->loc, "action '{}' is listed twice", a->name.text);
                    continue;
                }
                actionNames.push_back(a->name.text);
                if (c)
                    actionArgs(c, a, true);
                else
                    actionArgs(nullptr, a, true);
            }
        }
    }
    for (auto& prop : d->properties) {
        if (prop.kind == TableProperty::Kind::Entries) {
            for (auto& entry : prop.entries) {
                if (entry.priority) constInt(entry.priority.get(), "entry priority");
                if (entry.keyset.size() == 1 &&
                    (as<DefaultExpr>(entry.keyset[0]) || as<DontCareExpr>(entry.keyset[0])) &&
                    keyTypes.size() != 1) {
                    entry.keyset[0]->type = types_.dontCareType();
                } else if (entry.keyset.size() != keyTypes.size()) {
                    diags_.error(entry.loc, "entry has {} key value(s), the table has {} key(s)",
                                 entry.keyset.size(), keyTypes.size());
                } else {
                    for (size_t i = 0; i < entry.keyset.size(); ++i)
                        keysetElement(entry.keyset[i].get(), keyTypes[i], keyKinds[i]);
                }
                CallExpr* c = nullptr;
                ActionDecl* a = actionRef(entry.action.expr.get(), &c);
                if (!a) continue;
                if (std::find(actionNames.begin(), actionNames.end(), a->name.text) ==
                    actionNames.end()) {
                    diags_.error(entry.action.expr->loc,
                                 "action '{}' is not in the actions list of table '{}'",
                                 a->name.text, d->name.text);
                    continue;
                }
                actionArgs(c, a, false);
            }
        } else if (prop.kind == TableProperty::Kind::Value) {
            const std::string& n = prop.name.text;
            Expr* v = prop.value.get();
            if (!v) continue;
            if (n == "default_action") {
                CallExpr* c = nullptr;
                ActionDecl* a = actionRef(v, &c);
                if (!a) continue;
                if (std::find(actionNames.begin(), actionNames.end(), a->name.text) ==
                    actionNames.end()) {
                    diags_.error(v->loc,
                                 "default action '{}' is not in the actions list of "
                                 "table '{}'",
                                 a->name.text, d->name.text);
                    continue;
                }
                actionArgs(c, a, false);
            } else if (n == "size" || n == "max_size") {
                const Type* st = expr(v);
                if (!st) continue;
                if (!v->constValue || !(st->isBits() || st->kind == TypeKind::Int)) {
                    diags_.error(v->loc, "table {} must be a compile-time integer constant", n);
                } else if (*v->constValue < 0) {
                    diags_.error(v->loc, "table {} must not be negative", n);
                }
            } else {
                // Target-specific properties (implementation, counters, meters, ...).
                expr(v);
            }
        }
    }

    Type* run = types_.make(TypeKind::ActionEnum, d->name.text + ".action_run");
    run->decl = d;
    run->members = actionNames;
    Type* result = types_.make(TypeKind::Struct, "");
    result->name = d->name.text + ".apply_result";
    result->decl = d;
    result->fields = {Field{"hit", types_.boolType(), 0}, Field{"miss", types_.boolType(), 0},
                      Field{"action_run", run, 0}};
    t->members = actionNames;
    t->returnType = result;
}

// ---------------------------------------------------------------------------------------------
// The v1model binding

static const Decl* blockDeclOf(const Expr* e) {
    if (auto* c = as<const CallExpr>(e)) e = c->callee.get();
    auto* p = as<const PathExpr>(e);
    if (!p || !p->decl) return nullptr;
    if (auto* inst = as<const InstanceDecl>(p->decl)) {
        auto* n = as<const NamedTypeRef>(inst->typeRef);
        return n ? n->decl : nullptr;
    }
    return p->decl;
}

void Checker::bindMain(Program& program) {
    InstanceDecl* main = nullptr;
    for (const auto& d : program.decls)
        if (auto* i = as<InstanceDecl>(d); i && i->name.text == "main") main = i;
    if (!main) {
        // Other errors already explain why the program is incomplete.
        if (!options_.requireMain || diags_.hasErrors()) return;
        SourceLoc loc;
        for (const auto& d : program.decls)
            if (d) loc = d->name.loc.valid() ? d->name.loc : d->loc;
        diags_.error(loc, "no 'main' package instantiation (e.g. V1Switch(...) main;)");
        return;
    }
    const Type* t = main->type;
    if (!t) return;
    if (t->kind != TypeKind::Package) {
        diags_.error(main->name.loc, "'main' must be an instance of a package, not {}", t->str());
        return;
    }
    if (t->name != "V1Switch") {
        if (options_.requireMain)
            diags_.unsupported(main->typeRef ? main->typeRef->loc : main->loc,
                               "package '" + t->name + "'");
        return;
    }
    auto& b = out_.v1model;
    b.main = main;
    const Type* generic = t->decl ? t->decl->type : nullptr;
    for (size_t i = 0; i < main->args.size(); ++i) {
        size_t slot = i;
        if (main->args[i].name && generic) {
            for (size_t j = 0; j < generic->params.size(); ++j)
                if (generic->params[j].name == main->args[i].name->text) slot = j;
        }
        const Decl* bd = blockDeclOf(main->args[i].value.get());
        switch (slot) {
            case 0:
                b.parser = as<const ParserDecl>(bd);
                break;
            case 1:
                b.verifyChecksum = as<const ControlDecl>(bd);
                break;
            case 2:
                b.ingress = as<const ControlDecl>(bd);
                break;
            case 3:
                b.egress = as<const ControlDecl>(bd);
                break;
            case 4:
                b.computeChecksum = as<const ControlDecl>(bd);
                break;
            case 5:
                b.deparser = as<const ControlDecl>(bd);
                break;
            default:
                break;
        }
    }
    if (t->typeArgs.size() >= 2) {
        b.headersType = t->typeArgs[0];
        b.metadataType = t->typeArgs[1];
    }
}

void Checker::run(Program& program) {
    out_.program = &program;
    for (const auto& d : program.decls) declare(d, true);
    bindMain(program);
}

// ---------------------------------------------------------------------------------------------

bool check(Program& program, Diagnostics& diags, CheckedProgram& out, const CheckOptions& options) {
    int before = diags.errorCount();
    Checker c(diags, out, options);
    c.run(program);
    if (options.reportUnsupported) reportUnsupported(out, diags);
    return diags.errorCount() == before;
}

bool check(Program& program, Diagnostics& diags, CheckedProgram& out) {
    return check(program, diags, out, CheckOptions{});
}

bool checkLanguageOnly(Program& program, Diagnostics& diags, CheckedProgram& out) {
    CheckOptions o;
    o.requireMain = false;
    o.reportUnsupported = false;
    return check(program, diags, out, o);
}

}  // namespace hop::sema
