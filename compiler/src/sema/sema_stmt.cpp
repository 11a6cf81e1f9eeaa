// SPDX-License-Identifier: Apache-2.0
// Statements, parser transitions and keysets.
#include <fmt/format.h>

#include "sema/checker.hpp"

namespace hop::sema {

using namespace hop::ast;

void Checker::block(BlockStmt* b) {
    if (!b) return;
    ScopeGuard g(*this);
    for (const auto& s : b->stmts) stmt(s.get());
}

void Checker::stmt(Stmt* s) {
    if (!s) return;
    if (depth_ >= kMaxDepth) {
        diags_.error(s->loc, "statements are nested too deeply");
        return;
    }
    struct Depth {
        int& d;
        explicit Depth(int& x) : d(x) { ++d; }
        ~Depth() { --d; }
    } depth(depth_);

    if (auto* a = as<AssignStmt>(s)) {
        const Type* lt = expr(a->lhs.get());
        const Type* rt = nullptr;
        // `lhs op= e` (the parser shares `lhs` with the operator's left side): typed once.
        if (auto* b = as<BinaryExpr>(a->rhs.get()); b && b->lhs == a->lhs) {
            const Type* et = expr(b->rhs.get());
            rt = b->type = lt && et ? binaryTyped(b, lt, et) : nullptr;
        } else {
            rt = expr(a->rhs.get());
        }
        if (!lt) return;
        std::string why = notLValue(a->lhs.get());
        if (!why.empty()) {
            diags_.error(a->lhs->loc, "cannot assign to {}", why);
            return;
        }
        if (rt) convert(a->rhs.get(), lt, Conv::Assign);
        return;
    }
    if (auto* c = as<CallStmt>(s)) {
        if (c->call) expr(c->call.get());
        return;
    }
    if (auto* b = as<BlockStmt>(s)) return block(b);
    if (auto* i = as<IfStmt>(s)) {
        const Type* ct = expr(i->cond.get());
        if (ct && ct->kind != TypeKind::Bool)
            diags_.error(i->cond->loc, "condition must be bool, not {}", ct->str());
        {
            ScopeGuard g(*this);
            stmt(i->then.get());
        }
        ScopeGuard g(*this);
        stmt(i->otherwise.get());
        return;
    }
    if (auto* sw = as<SwitchStmt>(s)) return switchStmt(sw);
    if (auto* r = as<ReturnStmt>(s)) {
        if (r->value) {
            const Type* t = expr(r->value.get());
            if (body_ != Body::Function) {
                diags_.error(r->loc, "'return' with a value outside a function");
            } else if (t && returnType_) {
                if (returnType_->kind == TypeKind::Void)
                    diags_.error(r->value->loc, "a void function cannot return a value");
                else
                    convert(r->value.get(), returnType_, Conv::Return);
            }
        } else if (body_ == Body::Function && returnType_ && returnType_->kind != TypeKind::Void) {
            diags_.error(r->loc, "'return' needs a value of type {}", returnType_->str());
        }
        return;
    }
    if (as<ExitStmt>(s)) {
        if (body_ == Body::Parser || body_ == Body::Function)
            diags_.error(s->loc, "'exit' is not allowed here");
        return;
    }
    if (auto* f = as<ForStmt>(s)) return forStmt(f);
    if (auto* f = as<ForInStmt>(s)) return forInStmt(f);
    if (as<BreakStmt>(s) || as<ContinueStmt>(s)) {
        if (loops_ == 0)
            diags_.error(s->loc, "'{}' outside a loop", as<BreakStmt>(s) ? "break" : "continue");
        return;
    }
    if (auto* d = as<DeclStmt>(s)) {
        if (as<VarDecl>(d->decl) || as<ConstDecl>(d->decl) || as<InstanceDecl>(d->decl))
            declare(d->decl, false);
        else if (d->decl)
            diags_.error(d->decl->loc, "this declaration is not allowed inside a block");
        return;
    }
}

// P4_16 1.2.5: loops belong to controls, actions and functions; a parser loops through its
// states. The init part's declarations are scoped to the loop.
void Checker::forStmt(ForStmt* s) {
    if (body_ == Body::Parser) diags_.error(s->loc, "a for loop is not allowed in a parser");
    ScopeGuard g(*this);
    for (const auto& i : s->init) stmt(i.get());
    if (s->cond) {
        const Type* ct = expr(s->cond.get());
        if (ct && ct->kind != TypeKind::Bool)
            diags_.error(s->cond->loc, "condition must be bool, not {}", ct->str());
    }
    for (const auto& u : s->update) stmt(u.get());
    ++loops_;
    {
        ScopeGuard body(*this);
        stmt(s->body.get());
    }
    --loops_;
}

// `for (T v in lo .. hi)`: both ends convert to T; `for (T v in {a, b})`: each element does.
void Checker::forInStmt(ForInStmt* s) {
    if (body_ == Body::Parser) diags_.error(s->loc, "a for loop is not allowed in a parser");
    ScopeGuard g(*this);
    const Type* vt = resolveType(s->var->typeRef);
    auto* range = as<BinaryExpr>(s->collection.get());
    if (range && range->op == BinaryOp::Range) {
        const Type* lt = expr(range->lhs.get());
        const Type* ht = expr(range->rhs.get());
        if (vt && lt) convert(range->lhs.get(), vt, Conv::Assign);
        if (vt && ht) convert(range->rhs.get(), vt, Conv::Assign);
    } else if (auto* l = as<ListExpr>(s->collection.get())) {
        for (const auto& e : l->elements)
            if (expr(e.get()) && vt) convert(e.get(), vt, Conv::Assign);
    } else if (const Type* ct = expr(s->collection.get())) {
        if (ct->kind != TypeKind::Stack) {
            diags_.error(s->collection->loc, "cannot iterate over {}", ct->str());
        } else if (vt && ct->element && !same(vt, ct->element)) {
            diags_.error(s->var->loc, "the loop variable has type {}, the stack's elements {}",
                         vt->str(), ct->element->str());
        }
    }
    checkVar(s->var.get());
    ++loops_;
    {
        ScopeGuard body(*this);
        stmt(s->body.get());
    }
    --loops_;
}

void Checker::switchStmt(SwitchStmt* s) {
    const Type* st = expr(s->subject.get());
    bool actionRun = st && st->kind == TypeKind::ActionEnum;
    if (st && !actionRun) {
        const Type* n = st->kind == TypeKind::SerEnum ? st->underlying : st;
        bool ok = n && (n->isBits() || n->kind == TypeKind::Enum || n->kind == TypeKind::Error);
        if (!ok) {
            diags_.error(s->subject->loc, "cannot switch on {}", st->str());
            st = nullptr;
        }
    }
    std::set<std::string> seen;
    bool sawDefault = false;
    for (auto& c : s->cases) {
        for (auto& label : c.labels) {
            Expr* l = label.get();
            if (!l) continue;
            if (as<DefaultExpr>(l)) {
                if (sawDefault) diags_.error(l->loc, "duplicate 'default' label");
                sawDefault = true;
                l->type = types_.dontCareType();
                continue;
            }
            if (sawDefault) diags_.error(l->loc, "'default' must be the last switch label");
            auto* p = as<PathExpr>(l);
            const Entity* en = p ? lookup(p->name.text, p->topLevel) : nullptr;
            bool isAction = en && en->kind == Entity::Kind::Decl && as<ActionDecl>(en->decl);
            std::string key;
            if (actionRun) {
                if (!p || !isAction) {
                    if (p && !en)
                        diags_.error(p->name.loc, "'{}' is not declared", p->name.text);
                    else
                        diags_.error(l->loc,
                                     "a label of a switch on action_run must be an "
                                     "action name");
                    continue;
                }
                p->decl = en->decl;
                p->type = en->decl->type;
                key = p->name.text;
                if (std::find(st->members.begin(), st->members.end(), key) == st->members.end())
                    diags_.error(p->name.loc,
                                 "action '{}' is not in the actions list of table "
                                 "'{}'",
                                 key, st->decl ? st->decl->name.text : "");
            } else {
                if (isAction) {
                    diags_.error(p->name.loc,
                                 "action label '{}' needs a switch on a table's action_run",
                                 p->name.text);
                    continue;
                }
                const Type* lt = expr(l);
                if (!lt || !st) continue;
                if (!convert(l, st, Conv::Other)) continue;
                if (!isConstant(l)) {
                    diags_.error(l->loc, "switch label must be a compile-time constant");
                    continue;
                }
                if (l->constValue)
                    key = l->constValue->str();
                else if (auto* m = as<MemberExpr>(l))
                    key = m->member.text;
            }
            if (!key.empty() && !seen.insert(key).second)
                diags_.error(l->loc, "duplicate switch label");
        }
        if (c.body) block(c.body.get());
    }
}

void Checker::transition(Transition& t, const std::set<std::string>& states) {
    auto target = [&](const Name& n) {
        if (n.text == "accept" || n.text == "reject" || states.count(n.text)) return;
        diags_.error(n.loc, "'{}' is not a parser state", n.text);
    };
    if (t.next && t.selectExprs.empty()) {
        target(*t.next);
        return;
    }
    std::vector<const Type*> types;
    bool ok = true;
    for (auto& e : t.selectExprs) {
        const Type* st = expr(e.get());
        if (st && st->kind == TypeKind::Int) {
            diags_.error(e->loc, "select on an int constant; give it a width");
            st = nullptr;
        }
        ok = ok && st;
        types.push_back(st);
    }
    for (auto& c : t.cases) {
        if (ok) keyset(c.keyset.get(), types);
        target(c.next);
    }
}

void Checker::keyset(Expr* k, const std::vector<const Type*>& types) {
    if (!k) return;
    if (as<DefaultExpr>(k) || as<DontCareExpr>(k)) {
        k->type = types_.dontCareType();
        return;
    }
    if (types.size() == 1) {
        auto* l = as<ListExpr>(k);
        if (l && l->elements.size() == 1) return keysetElement(l->elements[0].get(), types[0], "");
        return keysetElement(k, types[0], "");
    }
    auto* l = as<ListExpr>(k);
    if (!l || l->elements.size() != types.size()) {
        diags_.error(k->loc, "keyset must have {} elements, one per select expression",
                     types.size());
        return;
    }
    for (size_t i = 0; i < types.size(); ++i) keysetElement(l->elements[i].get(), types[i], "");
}

// One element of a keyset (select case or table entry), matched against a key of type `t`.
void Checker::keysetElement(Expr* k, const Type* t, const std::string& matchKind) {
    if (!k) return;
    if (as<DefaultExpr>(k) || as<DontCareExpr>(k)) {
        k->type = types_.dontCareType();
        return;
    }
    auto constant = [&](Expr* e) {
        if (e && e->type && !isConstant(e))
            diags_.error(e->loc, "keyset value must be a compile-time constant");
    };
    if (auto* b = as<BinaryExpr>(k); b && (b->op == BinaryOp::Mask || b->op == BinaryOp::Range)) {
        const Type* a = expr(b->lhs.get());
        const Type* m = expr(b->rhs.get());
        if (!a || !m || !t) return;
        const Type* n = t->kind == TypeKind::SerEnum ? t->underlying : t;
        if (!n || !n->isBits()) {
            diags_.error(k->loc, "'{}' needs a bit<W> or int<W> key, not {}",
                         b->op == BinaryOp::Mask ? "&&&" : "..", t->str());
            return;
        }
        if (b->op == BinaryOp::Mask && (matchKind == "exact" || matchKind == "range"))
            diags_.error(k->loc, "a mask ('&&&') cannot be used with a {} key", matchKind);
        if (b->op == BinaryOp::Range && !matchKind.empty() && matchKind != "range")
            diags_.error(k->loc, "a range ('..') needs a range key, not {}", matchKind);
        if (convert(b->lhs.get(), t, Conv::Other)) constant(b->lhs.get());
        if (convert(b->rhs.get(), n, Conv::Other)) constant(b->rhs.get());
        k->type = t;
        return;
    }
    if (auto* p = as<PathExpr>(k)) {
        const Entity* en = lookup(p->name.text, p->topLevel);
        if (en && en->kind == Entity::Kind::Decl && as<ValueSetDecl>(en->decl)) {
            p->decl = en->decl;
            p->type = en->decl->type;
            if (p->type && t && !same(p->type, t))
                diags_.error(k->loc, "value_set of {} cannot match a key of type {}",
                             p->type->str(), t->str());
            return;
        }
    }
    const Type* kt = expr(k);
    if (!kt || !t) return;
    if (convert(k, t, Conv::Other)) constant(k);
}

}  // namespace hop::sema
