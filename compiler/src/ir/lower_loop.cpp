// SPDX-License-Identifier: Apache-2.0
// Unrolls for loops (P4_16 1.2.5) into predicated statements.
//
// Hardware takes one packet per clock, so a loop cannot iterate at run time: every iteration is
// laid out in the pipeline. That needs the loop variables' values in each iteration at compile
// time: they start at constants and the update computes new constants from them (the body must
// not assign them). Inside an iteration a loop variable is that constant, so the loop condition
// is either a constant (the loop ends there) or a run-time test on other values
// (`i < hdr.count`): then iterations go on while the loop variables take new values, and each
// runs under a one-bit flag that is the conjunction of the tests so far. `break` and `continue`
// are predicates like `return`: a break drops its paths from the flag for good, a continue only
// for the rest of its iteration.
#include <fmt/format.h>

#include "ir/lower_internal.hpp"

namespace hop::ir::detail {

namespace {

// Iterations laid out for one outermost loop, nested loops included. A loop bounded only by
// its variable's width (`bit<8> i` compared with a header field) stays well below it; a bit<32>
// loop variable compared with a run-time value goes past it and is refused.
constexpr int kMaxIterations = 1 << 17;

BigInt signedValue(const Expr& e) {
    if (e.isSigned && e.width > 0 && bit_test(e.value, e.width - 1))
        return e.value - (BigInt(1) << e.width);
    return e.value;
}

bool isConst(const ExprPtr& e) { return e && e->kind == ExprKind::Constant; }

// The root variable an l-value names (`x` in `x.f[2][3:0]`).
const Decl* rootDecl(const ast::Expr* e) {
    while (e) {
        if (auto* p = dyn<PathExpr>(e)) return p->decl;
        if (auto* m = dyn<MemberExpr>(e))
            e = m->base.get();
        else if (auto* i = dyn<IndexExpr>(e))
            e = i->base.get();
        else if (auto* s = dyn<SliceExpr>(e))
            e = s->base.get();
        else
            return nullptr;
    }
    return nullptr;
}

bool callsApply(const ast::Expr* e) {
    if (!e) return false;
    if (auto* c = dyn<CallExpr>(e)) {
        if (auto* m = dyn<MemberExpr>(c->callee); m && m->member.text == "apply") return true;
        for (const auto& a : c->args)
            if (callsApply(a.value.get())) return true;
        return callsApply(c->callee.get());
    }
    if (auto* m = dyn<MemberExpr>(e)) return callsApply(m->base.get());
    if (auto* b = dyn<BinaryExpr>(e)) return callsApply(b->lhs.get()) || callsApply(b->rhs.get());
    if (auto* u = dyn<ast::UnaryExpr>(e)) return callsApply(u->operand.get());
    if (auto* t = dyn<TernaryExpr>(e))
        return callsApply(t->cond.get()) || callsApply(t->then.get()) ||
               callsApply(t->otherwise.get());
    if (auto* c = dyn<CastExpr>(e)) return callsApply(c->operand.get());
    return false;
}

// What a loop body does that matters to unrolling: whether a path can leave the enclosing
// block from inside it (return, exit, or a call that may exit), and which variables it assigns.
struct BodyFacts {
    bool mayLeave = false;
    std::set<const Decl*> assigned;
    std::set<std::string> written;  // texts of assigned l-values, for the condition check

    void stmt(const ast::Stmt* s) {
        if (!s) return;
        if (dyn<ReturnStmt>(s) || dyn<ExitStmt>(s) || dyn<CallStmt>(s)) mayLeave = true;
        if (auto* a = dyn<AssignStmt>(s)) {
            assigned.insert(rootDecl(a->lhs.get()));
            written.insert(exprText(a->lhs.get()));
            if (callsApply(a->rhs.get())) mayLeave = true;
        } else if (auto* b = dyn<BlockStmt>(s)) {
            for (const auto& x : b->stmts) stmt(x.get());
        } else if (auto* i = dyn<IfStmt>(s)) {
            if (callsApply(i->cond.get())) mayLeave = true;
            stmt(i->then.get());
            stmt(i->otherwise.get());
        } else if (auto* sw = dyn<SwitchStmt>(s)) {
            if (callsApply(sw->subject.get())) mayLeave = true;
            for (const auto& c : sw->cases) stmt(c.body.get());
        } else if (auto* f = dyn<ast::ForStmt>(s)) {
            for (const auto& x : f->init) stmt(x.get());
            for (const auto& x : f->update) stmt(x.get());
            stmt(f->body.get());
        } else if (auto* f = dyn<ast::ForInStmt>(s)) {
            stmt(f->body.get());
        } else if (auto* d = dyn<DeclStmt>(s)) {
            if (auto* v = dyn<VarDecl>(d->decl); v && callsApply(v->init.get())) mayLeave = true;
        }
    }
};

// Whether `e` reads something the body writes (by the text of its names: `h.x` is written when
// `h.x`, `h` or `h.x.y` is assigned).
bool readsWritten(const ast::Expr* e, const std::set<std::string>& written) {
    if (!e) return false;
    if (dyn<PathExpr>(e) || dyn<MemberExpr>(e) || dyn<IndexExpr>(e)) {
        std::string t = exprText(e);
        for (const auto& w : written) {
            size_t n = std::min(w.size(), t.size());
            if (t.compare(0, n, w, 0, n) == 0 &&
                (w.size() == t.size() || w[n] == '.' || w[n] == '[' || t[n] == '.' || t[n] == '['))
                return true;
        }
        if (auto* i = dyn<IndexExpr>(e)) return readsWritten(i->index.get(), written);
        return false;
    }
    if (auto* b = dyn<BinaryExpr>(e))
        return readsWritten(b->lhs.get(), written) || readsWritten(b->rhs.get(), written);
    if (auto* u = dyn<ast::UnaryExpr>(e)) return readsWritten(u->operand.get(), written);
    if (auto* c = dyn<CastExpr>(e)) return readsWritten(c->operand.get(), written);
    if (auto* s = dyn<SliceExpr>(e)) return readsWritten(s->base.get(), written);
    if (auto* t = dyn<TernaryExpr>(e))
        return readsWritten(t->cond.get(), written) || readsWritten(t->then.get(), written) ||
               readsWritten(t->otherwise.get(), written);
    return dyn<CallExpr>(e) != nullptr;  // a call may read anything
}

}  // namespace

ExprPtr foldConstants(const ExprPtr& e) {
    if (!e || e->args.empty()) return e;
    std::vector<ExprPtr> a;
    bool changed = false;
    for (const auto& x : e->args) {
        a.push_back(foldConstants(x));
        changed = changed || a.back() != x;
    }
    for (const auto& x : a)
        if (!isConst(x)) {
            if (!changed) return e;
            switch (e->kind) {
                case ExprKind::Unary:
                    return unary(e->unaryOp, a[0]);
                case ExprKind::Binary:
                    return binary(e->binaryOp, a[0], a[1]);
                case ExprKind::Ternary:
                    if (isConst(a[0])) return a[0]->value != 0 ? a[1] : a[2];
                    return ternary(a[0], a[1], a[2]);
                case ExprKind::Slice:
                    return slice(a[0], e->hi, e->lo);
                case ExprKind::Cast:
                    return cast(a[0], e->width, e->isSigned);
                default:
                    return e;
            }
        }
    const int w = e->width;
    const BigInt mask = (BigInt(1) << w) - 1;
    auto result = [&](const BigInt& v) {
        return e->isBool ? boolConst(v != 0) : constant(v, w, e->isSigned);
    };
    switch (e->kind) {
        case ExprKind::Unary:
            if (e->unaryOp == UnaryOp::LNot) return boolConst(a[0]->value == 0);
            if (e->unaryOp == UnaryOp::BitNot) return constant(a[0]->value ^ mask, w, e->isSigned);
            return constant(-a[0]->value, w, e->isSigned);
        case ExprKind::Ternary:
            return a[0]->value != 0 ? a[1] : a[2];
        case ExprKind::Slice:
            return constant((a[0]->value >> e->lo) & ((BigInt(1) << (e->hi - e->lo + 1)) - 1),
                            e->hi - e->lo + 1);
        case ExprKind::Cast: {
            if (e->isBool) return boolConst(a[0]->value != 0);
            return constant(a[0]->isBool ? a[0]->value : signedValue(*a[0]), w, e->isSigned);
        }
        case ExprKind::Binary:
            break;
        default:
            return e;
    }
    const Expr& l = *a[0];
    const Expr& r = *a[1];
    const BigInt x = signedValue(l), y = signedValue(r);
    switch (e->binaryOp) {
        case BinaryOp::Add:
            return result(x + y);
        case BinaryOp::Sub:
            return result(x - y);
        case BinaryOp::Mul:
            return result(x * y);
        case BinaryOp::Div:
        case BinaryOp::Mod:
            if (y == 0) return e;
            return result(e->binaryOp == BinaryOp::Div ? BigInt(x / y) : BigInt(x % y));
        case BinaryOp::AddSat:
        case BinaryOp::SubSat: {
            BigInt v = e->binaryOp == BinaryOp::AddSat ? BigInt(x + y) : BigInt(x - y);
            BigInt hi = e->isSigned ? (BigInt(1) << (w - 1)) - 1 : mask;
            BigInt lo = e->isSigned ? -(BigInt(1) << (w - 1)) : BigInt(0);
            return result(v > hi ? hi : v < lo ? lo : v);
        }
        case BinaryOp::Shl:
            return result(r.value >= w ? BigInt(0) : l.value << static_cast<int>(r.value));
        case BinaryOp::Shr:
            if (r.value >= w) return result(x < 0 ? BigInt(-1) : BigInt(0));
            return result(x >> static_cast<int>(r.value));
        case BinaryOp::Eq:
            return boolConst(l.value == r.value);
        case BinaryOp::Ne:
            return boolConst(l.value != r.value);
        case BinaryOp::Lt:
            return boolConst(x < y);
        case BinaryOp::Le:
            return boolConst(x <= y);
        case BinaryOp::Gt:
            return boolConst(x > y);
        case BinaryOp::Ge:
            return boolConst(x >= y);
        case BinaryOp::BitAnd:
            return result(l.value & r.value);
        case BinaryOp::BitOr:
            return result(l.value | r.value);
        case BinaryOp::BitXor:
            return result(l.value ^ r.value);
        case BinaryOp::Concat:
            return constant((l.value << r.width) | r.value, w, e->isSigned);
        case BinaryOp::LAnd:
            return boolConst(l.value != 0 && r.value != 0);
        case BinaryOp::LOr:
            return boolConst(l.value != 0 || r.value != 0);
    }
    return e;
}

// One loop as the unroller sees it: how to test, step and name its state.
struct Lowering::Loop {
    const ast::Stmt* stmt = nullptr;
    const ast::Stmt* body = nullptr;
    std::vector<std::pair<const Decl*, FieldId>> vars;  // loop variables; field >= 0: written back
    std::function<ExprPtr()> cond;                      // null result: true
    std::function<bool(ExprPtr)> step;  // runs the update under a predicate; false: no more
    bool condReadsBody = false;         // the condition reads what the body writes
    std::string position;               // a list's element index: part of the state
};

ExprPtr Lowering::loopFlag(FieldId& f, ExprPtr value, const char* tag, SourceLoc loc) {
    if (f < 0)
        f = p_.addField(temporaries(owner_), fmt::format("{}.${}{}", owner_, tag, tempCounter_++),
                        1, false, true);
    ExprPtr ref = fieldRef(f, 1, false, true);
    Stmt s;
    s.kind = StmtKind::Assign;
    s.dst = ref;
    s.src = value ? value : boolConst(true);
    s.loc = loc;
    out_->push_back(s);
    return ref;
}

std::string Lowering::loopState(const Loop& l) const {
    std::string key;
    for (const auto& [d, f] : l.vars) key += loopValues_.at(d)->value.str() + ",";
    return key + l.position;
}

ExprPtr Lowering::unrollLoop(Loop& l, ExprPtr pred) {
    const SourceLoc loc = l.stmt->loc;
    BodyFacts facts;
    facts.stmt(l.body);
    const bool outermost = loopDepth_ == 0;
    if (outermost) iterations_ = 0;
    ++loopDepth_;
    FieldId liveFlag = -1, leftFlag = -1;
    ExprPtr live = pred;
    // Paths that left the loop (its test failed, or a break): only kept when some path may
    // also end inside it (return, exit); otherwise every path that enters it comes out.
    ExprPtr left = facts.mayLeave ? boolConst(false) : nullptr;
    auto leave = [&](ExprPtr paths) {
        if (!facts.mayLeave || isFalse(paths)) return;
        left = loopFlag(leftFlag, binary(BinaryOp::LOr, left, paths ? paths : boolConst(true)),
                        "left", loc);
    };
    std::set<std::string> seen;
    bool failed = false;
    while (!isFalse(live)) {
        if (!seen.insert(loopState(l)).second) {
            // The loop variables repeat a state: a path still here never ends the loop, unless
            // the test reads what the body changes.
            if (l.condReadsBody) {
                diags_.unsupported(loc,
                                   "a for loop whose test reads what its body changes and "
                                   "whose loop variables repeat a value (hopline unrolls "
                                   "loops at compile time)");
                failed = true;
            }
            break;
        }
        if (++iterations_ > kMaxIterations) {
            diags_.unsupported(loc, fmt::format("a for loop of more than {} iterations (hardware "
                                                "runs one packet per clock, so every iteration "
                                                "is unrolled at compile time)",
                                                kMaxIterations));
            failed = true;
            break;
        }
        for (const auto& [d, f] : l.vars)
            if (f >= 0)
                assign(fieldRef(f, p_.fields[f].width, p_.fields[f].isSigned, p_.fields[f].isBool),
                       loopValues_.at(d), live, loc);
        ExprPtr c = l.cond ? foldConstants(l.cond()) : nullptr;
        if (isFalse(c)) {
            leave(live);
            break;
        }
        if (!isTrue(c)) {
            leave(andPred(live, notPred(c)));
            live = loopFlag(liveFlag, andPred(live, c), "loop", loc);
        }
        LoopExits exits;
        std::vector<ExprPtr> staticExits;
        auto* savedLoop = std::exchange(loop_, &exits);
        auto* savedExits = std::exchange(exits_, &staticExits);
        ExprPtr end = lowerStmt(l.body, live);
        loop_ = savedLoop;
        exits_ = savedExits;
        // The flag changes in the next iteration: what outlives it is copied now.
        if (!staticExits.empty() && exits_) {
            ExprPtr any;
            for (auto& x : staticExits) any = any ? binary(BinaryOp::LOr, any, x) : x;
            exits_->push_back(stable(any, "exit", loc));
        }
        ExprPtr broke;
        for (auto& b : exits.breaks) broke = broke ? binary(BinaryOp::LOr, broke, b) : b;
        if (broke) leave(broke);
        // Paths that reach the update: the body's end and the continues (null is true).
        ExprPtr next = end;
        for (auto& c2 : exits.continues)
            next = isFalse(next) ? c2 : binary(BinaryOp::LOr, next ? next : boolConst(true), c2);
        if (next != live) live = isFalse(next) ? next : loopFlag(liveFlag, next, "loop", loc);
        if (!l.step(live)) {
            leave(live);
            break;
        }
    }
    --loopDepth_;
    if (outermost) p_.unrolledLoops.emplace_back(loc, iterations_);
    if (failed) return pred;
    return facts.mayLeave ? stable(andPred(pred, left), "live", loc) : pred;
}

// `for (init; cond; update)`: the init's scalar locals with constant values are the loop
// variables (declared by the loop, or assigned there and written back for after it).
ExprPtr Lowering::lowerFor(const ast::ForStmt* s, ExprPtr pred) {
    Loop l;
    l.stmt = s;
    l.body = s->body.get();
    auto saved = loopValues_;
    for (const auto& i : s->init) {
        const Decl* d = nullptr;
        const ast::Expr* init = nullptr;
        FieldId writeBack = -1;
        if (auto* ds = dyn<DeclStmt>(i); ds && dyn<VarDecl>(ds->decl)) {
            d = ds->decl.get();
            init = dyn<VarDecl>(ds->decl)->init.get();
        } else if (auto* a = dyn<AssignStmt>(i); a && dyn<PathExpr>(a->lhs)) {
            d = dyn<PathExpr>(a->lhs)->decl;
            init = a->rhs.get();
            auto it = locals_.find(d);
            writeBack = it == locals_.end() ? -1 : p_.findField(it->second);
            if (writeBack < 0) d = nullptr;
        }
        Scalar t = d ? scalarOf(static_cast<const VarDecl*>(d)->type) : Scalar{};
        ExprPtr v = d && t.width > 0 ? (init ? foldConstants(lowerExpr(init, t))
                                             : constant(0, t.width, t.isSigned))
                                     : nullptr;
        if (v && isConst(v)) {
            loopValues_[d] = fitTo(v, t);
            l.vars.emplace_back(d, writeBack);
        } else if (d && writeBack < 0 && dyn<DeclStmt>(i)) {
            diags_.unsupported(i->loc,
                               "a for loop variable that does not start at a compile-time "
                               "constant (hopline unrolls loops at compile time)");
            loopValues_ = saved;
            return pred;
        } else {
            pred = lowerStmt(i.get(), pred);
        }
    }
    BodyFacts facts;
    facts.stmt(l.body);
    for (const auto& [d, f] : l.vars)
        if (facts.assigned.count(d)) {
            diags_.unsupported(s->body->loc, fmt::format("a for loop whose body assigns its loop "
                                                         "variable '{}' (hopline unrolls loops "
                                                         "at compile time)",
                                                         d->name.text));
            loopValues_ = saved;
            return pred;
        }
    if (l.vars.empty() && s->cond) {
        diags_.unsupported(s->loc,
                           "a for loop without a loop variable that starts at a "
                           "compile-time constant (hopline unrolls loops at compile time)");
        return pred;
    }
    l.condReadsBody = readsWritten(s->cond.get(), facts.written);
    l.cond = [&]() { return s->cond ? lowerExpr(s->cond.get()) : nullptr; };
    bool ok = true;
    l.step = [&](ExprPtr live) {
        for (const auto& u : s->update) {
            auto* a = dyn<AssignStmt>(u);
            const Decl* d = a ? rootDecl(a->lhs.get()) : nullptr;
            if (!d || !loopValues_.count(d)) {
                lowerStmt(u.get(), live);
                continue;
            }
            const Expr& old = *loopValues_.at(d);
            ExprPtr v =
                dyn<PathExpr>(a->lhs)
                    ? foldConstants(lowerExpr(a->rhs.get(), {old.width, old.isSigned, old.isBool}))
                    : nullptr;
            if (!isConst(v)) {
                diags_.unsupported(u->loc,
                                   "a for loop update that does not compute a "
                                   "compile-time constant (hopline unrolls loops at "
                                   "compile time)");
                ok = false;
                return false;
            }
            // Updates run in order: a later one sees an earlier one's value.
            loopValues_[d] = fitTo(v, {old.width, old.isSigned, old.isBool});
        }
        return true;
    };
    ExprPtr after = unrollLoop(l, pred);
    loopValues_ = saved;
    return ok ? after : pred;
}

// `for (T v in lo .. hi)` (v from lo up to hi, both included; none when lo > hi) and
// `for (T v in {a, b})`: the collection is evaluated once, before the first iteration.
ExprPtr Lowering::lowerForIn(const ast::ForInStmt* s, ExprPtr pred) {
    Loop l;
    l.stmt = s;
    l.body = s->body.get();
    const VarDecl* var = s->var.get();
    Scalar t = scalarOf(var->type);
    if (t.width == 0) {
        diags_.unsupported(s->var->loc, "a for loop variable that is not a bit<W>, int<W> or bool");
        return pred;
    }
    BodyFacts facts;
    facts.stmt(l.body);
    if (facts.assigned.count(var)) {
        diags_.unsupported(s->body->loc, fmt::format("a for loop whose body assigns its loop "
                                                     "variable '{}' (hopline unrolls loops at "
                                                     "compile time)",
                                                     var->name.text));
        return pred;
    }
    auto once = [&](const ast::Expr* e) -> ExprPtr {
        ExprPtr v = foldConstants(lowerExpr(e, t));
        if (!v || isConst(v)) return v;
        HeaderId h = temporaries(owner_);
        FieldId f = p_.addField(h, fmt::format("{}.$in{}", owner_, tempCounter_++), v->width,
                                v->isSigned, v->isBool);
        ExprPtr ref = fieldRef(f, v->width, v->isSigned, v->isBool);
        assign(ref, v, pred, e->loc);
        return ref;
    };
    auto saved = loopValues_;
    std::vector<ExprPtr> items;
    size_t at = 0;
    ExprPtr hi;
    auto* range = dyn<BinaryExpr>(s->collection);
    if (range && range->op == ast::BinaryOp::Range) {
        ExprPtr lo = once(range->lhs.get());
        hi = once(range->rhs.get());
        if (!lo || !hi) return pred;
        if (!isConst(lo)) {
            diags_.unsupported(range->lhs->loc,
                               "a for loop range that does not start at a "
                               "compile-time constant (hopline unrolls loops at "
                               "compile time)");
            return pred;
        }
        loopValues_[var] = fitTo(lo, t);
        l.cond = [&]() { return binary(BinaryOp::Le, loopValues_.at(var), hi); };
        l.condReadsBody = false;  // hi was read once
        l.step = [&](ExprPtr) {
            ExprPtr v = loopValues_.at(var);
            ExprPtr n = foldConstants(binary(BinaryOp::Add, v, constant(1, v->width, v->isSigned)));
            if (signedValue(*n) < signedValue(*v)) return false;  // past the type's largest value
            loopValues_[var] = n;
            return true;
        };
    } else if (auto* list = dyn<ListExpr>(s->collection)) {
        for (const auto& e : list->elements) {
            items.push_back(once(e.get()));
            if (!items.back()) return pred;
        }
        if (items.empty()) return pred;
        // A list may repeat a value, or hold run-time ones: its state is the position.
        loopValues_[var] = items[0];
        l.position = "0";
        l.cond = nullptr;
        l.step = [&](ExprPtr) {
            if (++at >= items.size()) return false;
            loopValues_[var] = items[at];
            l.position = std::to_string(at);
            return true;
        };
    } else {
        diags_.unsupported(s->collection->loc, "a for loop over a header stack");
        return pred;
    }
    if (items.empty()) l.vars.emplace_back(var, -1);
    ExprPtr after = unrollLoop(l, pred);
    loopValues_ = saved;
    return after;
}

}  // namespace hop::ir::detail
