// SPDX-License-Identifier: Apache-2.0
// Tables: keys, action lists and their arguments, default actions, entries and properties.
#include <algorithm>

#include "sema/checker.hpp"

namespace hop::sema {

using namespace hop::ast;

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

}  // namespace hop::sema
