// SPDX-License-Identifier: Apache-2.0
// Calls: overload choice, arguments against a signature, type inference, packet methods.
#include "sema/checker.hpp"

namespace hop::sema {

using namespace hop::ast;

const Signature* Checker::pickOverload(CallExpr* c, const std::vector<const Signature*>& cands,
                                       const std::string& name) {
    size_t n = c->args.size();
    const Signature* best = nullptr;
    for (const auto* s : cands) {
        size_t required = 0;
        for (const auto& p : s->params)
            if (!p.hasDefault && !p.optional) ++required;
        if (n < required || n > s->params.size()) continue;
        if (!best || s->params.size() == n) best = s;
    }
    if (best) return best;
    if (cands.size() == 1) {
        const Signature* s = cands[0];
        size_t required = 0;
        for (const auto& p : s->params)
            if (!p.hasDefault && !p.optional) ++required;
        if (required == s->params.size())
            diags_.error(c->loc, "wrong number of arguments to '{}': expected {}, got {}", name,
                         s->params.size(), n);
        else
            diags_.error(c->loc, "wrong number of arguments to '{}': expected {} to {}, got {}",
                         name, required, s->params.size(), n);
    } else {
        diags_.error(c->loc, "no overload of '{}' takes {} argument(s)", name, n);
    }
    for (auto& a : c->args) expr(a.value.get());
    return nullptr;
}

// Checks the arguments of `c` against `sig` (already chosen by arity), inferring the type
// variables in `s`; returns the call's result type.
const Type* Checker::callSignature(CallExpr* c, const Signature& sig, Subst& s,
                                   CallTarget& target) {
    // Explicit type arguments: f<bit<8>>(...).
    if (!c->typeArgs.empty()) {
        if (c->typeArgs.size() != sig.typeVars.size()) {
            diags_.error(c->loc, "'{}' expects {} type argument(s), got {}", sig.name,
                         sig.typeVars.size(), c->typeArgs.size());
        } else {
            for (size_t i = 0; i < c->typeArgs.size(); ++i)
                if (const Type* t = resolveType(c->typeArgs[i])) s[sig.typeVars[i]] = t;
        }
    }
    // Match arguments to parameters, by position or by name.
    std::vector<int> slot(c->args.size(), -1);
    std::vector<bool> filled(sig.params.size(), false);
    bool ok = true;
    for (size_t i = 0; i < c->args.size(); ++i) {
        const auto& a = c->args[i];
        if (a.name) {
            for (size_t j = 0; j < sig.params.size(); ++j)
                if (sig.params[j].name == a.name->text) slot[i] = static_cast<int>(j);
            if (slot[i] < 0) {
                diags_.error(a.name->loc, "'{}' has no parameter '{}'", sig.name, a.name->text);
                ok = false;
            }
        } else if (i < sig.params.size()) {
            slot[i] = static_cast<int>(i);
        }
        if (slot[i] >= 0) {
            if (filled[static_cast<size_t>(slot[i])]) {
                diags_.error(a.loc, "parameter '{}' is given twice",
                             sig.params[static_cast<size_t>(slot[i])].name);
                ok = false;
            }
            filled[static_cast<size_t>(slot[i])] = true;
        }
    }
    size_t given = c->args.size();
    bool missing = false;
    for (size_t j = 0; j < sig.params.size(); ++j)
        if (!filled[j] && !sig.params[j].hasDefault && !sig.params[j].optional) missing = true;
    if (given > sig.params.size() || missing) {
        diags_.error(c->loc, "wrong number of arguments to '{}': expected {}, got {}", sig.name,
                     sig.params.size(), given);
        ok = false;
    }
    for (auto& a : c->args)
        if (a.value && !a.value->type) expr(a.value.get());
    if (!ok) return nullptr;
    for (size_t i = 0; i < c->args.size(); ++i) {
        Expr* v = c->args[i].value.get();
        if (v && v->type) unify(sig.params[static_cast<size_t>(slot[i])].type, v->type, s);
    }
    for (size_t i = 0; i < c->args.size(); ++i) {
        const ParamInfo& p = sig.params[static_cast<size_t>(slot[i])];
        Expr* v = c->args[i].value.get();
        bool writes = p.direction == Direction::Out || p.direction == Direction::InOut;
        if (!v || as<DontCareExpr>(v)) {
            if (p.direction != Direction::Out)
                diags_.error(c->args[i].loc,
                             "'_' can only be passed to an out parameter ('{}' is not one)",
                             p.name);
            continue;
        }
        if (!v->type) continue;
        convert(v, subst(p.type, s), Conv::Arg);
        if (writes) {
            std::string why = notLValue(v);
            if (!why.empty())
                diags_.error(v->loc, "argument for {} parameter '{}' must be an l-value, not {}",
                             p.direction == Direction::Out ? "out" : "inout", p.name, why);
        }
    }
    for (const auto* tv : sig.typeVars) {
        auto it = s.find(tv);
        target.typeArgs.push_back(it != s.end() ? it->second : nullptr);
    }
    const Type* r = subst(sig.ret, s);
    if (r && r->kind == TypeKind::TypeVar) {
        diags_.error(c->loc, "cannot infer type '{}' for the result of '{}'", r->name, sig.name);
        return nullptr;
    }
    return r ? r : types_.voidType();
}

// The core library's packet methods take only what can be serialized.
void Checker::packetMethod(CallExpr* c, const ExternDecl* x, const std::string& name) {
    if (!x || c->args.empty()) return;
    Expr* a0 = c->args[0].value.get();
    const Type* t = a0 ? a0->type : nullptr;
    if (!t) return;
    if (x->name.text == "packet_in" && name == "extract") {
        if (t->kind != TypeKind::Header) {
            diags_.error(a0->loc, "extract needs a header, not {}", t->str());
            return;
        }
        bool varbit = false;
        for (const auto& f : t->fields) varbit |= f.type && f.type->kind == TypeKind::Varbit;
        if (varbit && c->args.size() == 1)
            diags_.error(c->loc, "{} has a varbit field: extract needs its size in bits", t->str());
        if (!varbit && c->args.size() == 2)
            diags_.error(c->loc, "{} has no varbit field: extract takes no size", t->str());
    } else if (x->name.text == "packet_out" && name == "emit") {
        bool ok = t->isHeaderLike() || t->kind == TypeKind::Stack || t->kind == TypeKind::Struct;
        if (!ok)
            diags_.error(a0->loc, "emit needs a header, stack, union or struct, not {}", t->str());
    }
}

const Type* Checker::call(CallExpr* c) {
    CallTarget target;
    Subst s;
    const Type* result = nullptr;
    auto finish = [&](const Type* r) {
        out_.calls[c] = target;
        return r;
    };
    auto noArgs = [&](const std::string& name) {
        if (!c->args.empty())
            diags_.error(c->loc, "wrong number of arguments to '{}': expected 0, got {}", name,
                         c->args.size());
    };

    if (auto* m = as<MemberExpr>(c->callee)) {
        const Type* bt = expr(m->base.get());
        if (!bt) {
            for (auto& a : c->args) expr(a.value.get());
            return nullptr;
        }
        const std::string& name = m->member.text;
        target.kind = CallTarget::Kind::Builtin;
        target.builtin = name;
        if (bt->isHeaderLike() && !typeNames_.count(m->base.get())) {
            if (name == "isValid" ||
                ((name == "setValid" || name == "setInvalid") && bt->kind == TypeKind::Header)) {
                noArgs(name);
                if (name != "isValid") {
                    std::string why = notLValue(m->base.get());
                    if (!why.empty())
                        diags_.error(m->base->loc, "cannot call {}() on {}", name, why);
                    return finish(types_.voidType());
                }
                return finish(types_.boolType());
            }
            if ((name == "minSizeInBits" || name == "minSizeInBytes") &&
                bt->kind == TypeKind::Header) {
                noArgs(name);
                int bitsFixed = 0;
                for (const auto& f : bt->fields)
                    if (f.type && f.type->kind != TypeKind::Varbit)
                        bitsFixed += f.type->kind == TypeKind::SerEnum && f.type->underlying
                                         ? f.type->underlying->width
                                         : f.type->width;
                c->constValue = name == "minSizeInBits" ? bitsFixed : (bitsFixed + 7) / 8;
                return finish(types_.intType());
            }
        }
        if (bt->kind == TypeKind::Stack && (name == "push_front" || name == "pop_front")) {
            if (c->args.size() != 1) {
                diags_.error(c->loc, "wrong number of arguments to '{}': expected 1, got {}", name,
                             c->args.size());
                return nullptr;
            }
            constInt(c->args[0].value.get(), "the count");
            std::string why = notLValue(m->base.get());
            if (!why.empty()) diags_.error(m->base->loc, "cannot call {}() on {}", name, why);
            return finish(types_.voidType());
        }
        if (bt->kind == TypeKind::Table && name == "apply") {
            noArgs(name);
            target.kind = CallTarget::Kind::TableApply;
            target.decl = bt->decl;
            target.builtin.clear();
            if (body_ == Body::Action || body_ == Body::Function)
                diags_.error(c->loc, "a table cannot be applied inside an action or function");
            return finish(bt->returnType);
        }
        if ((bt->kind == TypeKind::Parser || bt->kind == TypeKind::Control) && name == "apply" &&
            !typeNames_.count(m->base.get())) {
            Signature sig;
            sig.name = bt->name + ".apply";
            sig.params = bt->params;
            target.kind = CallTarget::Kind::BlockApply;
            target.decl = bt->decl;
            target.builtin.clear();
            callSignature(c, sig, s, target);
            return finish(types_.voidType());
        }
        if (bt->kind == TypeKind::Extern && !typeNames_.count(m->base.get())) {
            auto* x = as<const ExternDecl>(bt->decl);
            std::vector<const Signature*> cands;
            if (x)
                for (const auto& meth : x->methods)
                    if (!meth.isConstructor && meth.name.text == name)
                        cands.push_back(&sigs_[&meth]);
            if (cands.empty()) {
                diags_.error(m->member.loc, "{} has no method '{}'", bt->str(), name);
                for (auto& a : c->args) expr(a.value.get());
                return nullptr;
            }
            const Signature* sig = pickOverload(c, cands, name);
            if (!sig) return nullptr;
            auto vars = declTypeVars_.find(x);
            if (vars != declTypeVars_.end())
                for (size_t i = 0; i < vars->second.size() && i < bt->typeArgs.size(); ++i)
                    if (bt->typeArgs[i]->kind != TypeKind::DontCare)
                        s[vars->second[i]] = bt->typeArgs[i];
            target.kind = CallTarget::Kind::ExternMethod;
            target.decl = x;
            target.method = sig->proto;
            target.builtin.clear();
            result = callSignature(c, *sig, s, target);
            packetMethod(c, x, name);
            return finish(result);
        }
        diags_.error(m->member.loc, "{} has no method '{}'", bt->str(), name);
        for (auto& a : c->args) expr(a.value.get());
        return nullptr;
    }

    auto* p = as<PathExpr>(c->callee);
    if (!p) {
        if (c->callee) {
            expr(c->callee.get());
            diags_.error(c->callee->loc, "this expression cannot be called");
        }
        return nullptr;
    }
    const auto* all = lookupAll(p->name.text, p->topLevel);
    if (!all) {
        diags_.error(p->name.loc, "'{}' is not declared", p->name.text);
        for (auto& a : c->args) expr(a.value.get());
        return nullptr;
    }
    const Entity& en = all->front();
    Decl* d = en.kind == Entity::Kind::Decl ? en.decl : nullptr;
    p->decl = d;
    if (auto* x = as<ExternDecl>(d); x && x->isFunction) {
        std::vector<const Signature*> cands;
        std::vector<ExternDecl*> decls;
        for (const auto& e : *all)
            if (auto* f = as<ExternDecl>(e.decl); f && f->isFunction) {
                cands.push_back(&sigs_[&f->function]);
                decls.push_back(f);
            }
        const Signature* sig = pickOverload(c, cands, p->name.text);
        if (!sig) return nullptr;
        for (size_t i = 0; i < cands.size(); ++i)
            if (cands[i] == sig) p->decl = decls[i];
        p->type = p->decl->type;
        target.kind = CallTarget::Kind::ExternFunction;
        target.decl = p->decl;
        target.method = sig->proto;
        result = callSignature(c, *sig, s, target);
        if (p->name.text == "static_assert" && !c->args.empty() && c->args[0].value) {
            const auto& v = c->args[0].value->constValue;
            if (!v)
                diags_.error(c->args[0].value->loc,
                             "static_assert needs a compile-time constant condition");
            else if (*v == 0)
                diags_.error(c->loc, "static assertion failed");
            else
                c->constValue = 1;
        }
        if (p->name.text == "verify" && body_ != Body::Parser && body_ != Body::None)
            diags_.error(c->loc, "verify() can only be called in a parser");
        return finish(result);
    }
    if (auto* a = as<ActionDecl>(d)) {
        p->type = a->type;
        target.kind = CallTarget::Kind::Action;
        target.decl = a;
        auto it = declSigs_.find(a);
        if (it != declSigs_.end()) callSignature(c, it->second, s, target);
        return finish(types_.voidType());
    }
    if (auto* f = as<FunctionDecl>(d)) {
        p->type = f->type;
        target.kind = CallTarget::Kind::Function;
        target.decl = f;
        auto it = declSigs_.find(f);
        if (it != declSigs_.end()) result = callSignature(c, it->second, s, target);
        return finish(result);
    }
    if (auto* x = as<ExternDecl>(d)) {
        // A constructor call used as an expression: `Checksum16()`, `action_profile(128)`.
        typeNames_.insert(p);
        p->type = x->type;
        std::vector<const Signature*> ctors;
        for (const auto& m : x->methods)
            if (m.isConstructor) ctors.push_back(&sigs_[&m]);
        target.kind = CallTarget::Kind::Constructor;
        target.decl = x;
        if (ctors.empty()) {
            noArgs(x->name.text);
            return finish(x->type);
        }
        const Signature* sig = pickOverload(c, ctors, x->name.text);
        if (!sig) return nullptr;
        target.method = sig->proto;
        Signature noVars = *sig;
        auto vars = declTypeVars_.find(x);
        if (vars != declTypeVars_.end()) noVars.typeVars = vars->second;
        callSignature(c, noVars, s, target);
        const Type* t = x->type;
        if (vars != declTypeVars_.end() && !vars->second.empty()) {
            std::vector<const Type*> args;
            for (const auto* v : vars->second) {
                auto it = s.find(v);
                args.push_back(it != s.end() && it->second ? it->second : types_.dontCareType());
            }
            t = specialize(x, t, args, c->loc);
        }
        return finish(t);
    }
    if (d && (as<ParserDecl>(d) || as<ControlDecl>(d))) {
        typeNames_.insert(p);
        p->type = d->type;
        target.kind = CallTarget::Kind::Constructor;
        target.decl = d;
        Signature sig;
        sig.name = d->name.text;
        sig.params = d->type ? d->type->ctorParams : std::vector<ParamInfo>{};
        callSignature(c, sig, s, target);
        return finish(d->type);
    }
    diags_.error(p->name.loc, "'{}' cannot be called", p->name.text);
    for (auto& a : c->args) expr(a.value.get());
    return nullptr;
}

}  // namespace hop::sema
