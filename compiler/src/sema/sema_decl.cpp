// SPDX-License-Identifier: Apache-2.0
// Declarations: constants, variables, types, externs, functions, actions, parsers, controls and
// instances.
#include <algorithm>

#include "sema/checker.hpp"

namespace hop::sema {

using namespace hop::ast;

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

}  // namespace hop::sema
