// SPDX-License-Identifier: Apache-2.0
// Lowers statements into predicated IR statements; inlines direct action and function calls.
// Each lowerX takes the predicate under which execution reaches it and returns the predicate
// under which execution continues after it (false after return/exit; narrower after a branch
// that returned).
#include <fmt/format.h>

#include "ir/lower_internal.hpp"

namespace hop::ir::detail {

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

// P4_16 8.1: operands are evaluated left to right. A later operand that inlines a call emits
// statements at `mark` and after; an earlier operand they could modify is read into a
// temporary before them (`x + f(x)` with `f` writing its inout `x`).
ExprPtr Lowering::readBefore(ExprPtr e, size_t mark, SourceLoc loc) {
    if (!e || !out_ || out_->size() <= mark || e->kind == ExprKind::Constant) return e;
    HeaderId h = temporaries(owner_);
    FieldId f = p_.addField(h, fmt::format("{}.$ord{}", owner_, tempCounter_++), e->width,
                            e->isSigned, e->isBool);
    ExprPtr ref = fieldRef(f, e->width, e->isSigned, e->isBool);
    Stmt s;
    s.kind = StmtKind::Assign;
    s.dst = ref;
    s.src = e;
    s.loc = loc;
    out_->insert(out_->begin() + static_cast<std::ptrdiff_t>(mark), s);
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
    // Field by field, headers with their validity (lower_aggregate.cpp).
    Ref l = resolve(lhs);
    if (l.kind == Ref::Kind::Path && l.alts.empty() && lhs->type &&
        (lhs->type->kind == TypeKind::Header || lhs->type->kind == TypeKind::Struct ||
         lhs->type->kind == TypeKind::Stack || lhs->type->kind == TypeKind::HeaderUnion)) {
        assignFromExpr(l.path, lhs->type, rhs, pred, loc);
        return;
    }
    diags_.unsupported(loc, "assigning a whole tuple or list");
}

void Lowering::declareLocal(const VarDecl* v, ExprPtr pred) {
    std::string path = owner_ + "." + v->name.text;
    // Locals in different scopes may share a name: give each declaration its own fields.
    if (p_.findField(path) >= 0 || p_.findHeader(path) >= 0)
        path += fmt::format("${}", tempCounter_++);
    locals_[v] = path;
    addTemporary(path, v->type, v->loc);
    if (v->type && (v->type->kind == TypeKind::Header || v->type->kind == TypeKind::Struct ||
                    v->type->kind == TypeKind::Stack || v->type->kind == TypeKind::HeaderUnion)) {
        clearAggregate(path, v->type, pred, v->loc);
        if (v->init) assignFromExpr(path, v->type, v->init.get(), pred, v->loc);
        return;
    }
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
        // Run-time indices evaluated in this statement (an inlined call's own statements keep
        // theirs apart).
        auto savedIndices = std::exchange(indexOnce_, {});
        struct Restore {
            std::map<const ast::Expr*, ExprPtr>& m;
            std::map<const ast::Expr*, ExprPtr> v;
            ~Restore() { m = std::move(v); }
        } restore{indexOnce_, std::move(savedIndices)};
        if (assignDynamic(a->lhs.get(), a->rhs.get(), pred, s->loc)) return pred;
        Scalar t = scalarOf(a->lhs->type);
        if (t.width == 0 && !t.isInt && a->lhs->type) {
            assignAggregate(a->lhs.get(), a->rhs.get(), pred, s->loc);
            return pred;
        }
        ExprPtr dst = lvalue(a->lhs.get());
        if (!dst) return pred;
        currentPred_ = pred;
        const Scalar hint{dst->width, dst->isSigned, dst->isBool};
        // `lhs op= e`: the target, lowered once, is also the operator's left operand.
        auto* compound = dyn<BinaryExpr>(a->rhs.get());
        ExprPtr src = compound && compound->lhs == a->lhs ? lowerBinary(compound, hint, dst)
                                                          : lowerExpr(a->rhs.get(), hint);
        assign(dst, src, pred, s->loc);
        return pred;
    }
    if (auto* c = dyn<CallStmt>(s)) return lowerCallStmt(c->call.get(), pred, s->loc);
    if (auto* i = dyn<IfStmt>(s)) {
        applyMayExit_ = false;
        // Constant in an unrolled loop's iteration (`if (i == 5)`): only one branch is laid out.
        ExprPtr cond = foldConstants(lowerExpr(i->cond.get()));
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
    if (auto* f = dyn<ast::ForStmt>(s)) return lowerFor(f, pred);
    if (auto* f = dyn<ast::ForInStmt>(s)) return lowerForIn(f, pred);
    if (dyn<ast::BreakStmt>(s) || dyn<ast::ContinueStmt>(s)) {
        if (!loop_) {
            diags_.unsupported(s->loc, "break or continue outside a loop");
            return pred;
        }
        auto& to = dyn<ast::BreakStmt>(s) ? loop_->breaks : loop_->continues;
        to.push_back(pred ? pred : boolConst(true));
        return boolConst(false);
    }
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
                if (f < 0 && r->value->type) {
                    assignFromExpr(it->second.path, r->value->type, r->value.get(), pred, s->loc);
                } else if (f >= 0) {
                    const Field& fd = p_.fields[f];
                    assign(fieldRef(f, fd.width, fd.isSigned, fd.isBool),
                           lowerExpr(r->value.get(), {fd.width, fd.isSigned, fd.isBool}), pred,
                           s->loc);
                }
            } else {
                // A function called as a statement: its result is dropped, but a call in the
                // value still runs.
                lowerExpr(r->value.get());
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
                             const BlockStmt* body, const CallExpr* c, ExprPtr pred, FieldId result,
                             const std::function<void()>& prologue) {
    auto saved = params_;
    std::vector<Binding> bindings;
    // Copy-out after the body, in argument order: slices, and out/inout arguments the callee
    // also reaches another way.
    std::vector<std::function<void()>> copyOut;
    // packet_in / packet_out: only ever a method's receiver, never bound.
    auto isPacket = [&](size_t i) {
        const Param* prm = params[i].get();
        return prm->semaType && prm->semaType->kind == TypeKind::Extern;
    };
    auto argOf = [&](size_t i) {
        const Param* prm = params[i].get();
        const ast::Expr* arg =
            i < c->args.size() ? c->args[i].value.get() : prm->defaultValue.get();
        for (const auto& a : c->args)
            if (a.name && a.name->text == prm->name.text) arg = a.value.get();
        return arg;
    };
    // P4_16 6.8: out/inout arguments are copied in and out. Binding one to its location gives
    // the same result unless the callee reaches that location another way: through another
    // out/inout argument naming an overlapping one (`f(h.a, h.a)`), or by naming it itself
    // (an action writing a global that is also its inout argument). Only those are copied.
    std::vector<std::optional<std::string>> outPaths(params.size());
    std::optional<std::vector<std::string>> touched;
    for (size_t i = 0; i < params.size(); ++i) {
        const Param* prm = params[i].get();
        if (isPacket(i) || (prm->direction != Direction::Out && prm->direction != Direction::InOut))
            continue;
        if (const ast::Expr* arg = argOf(i); arg && !dyn<SliceExpr>(arg))
            outPaths[i] = namedPath(arg);
    }
    auto aliased = [&](size_t i) {
        if (!outPaths[i]) return false;
        for (size_t j = 0; j < params.size(); ++j)
            if (j != i && outPaths[j] && pathsOverlap(*outPaths[i], *outPaths[j])) return true;
        if (!touched) touched = body ? touchedPaths(body) : std::vector<std::string>{};
        for (const auto& t : *touched)
            if (pathsOverlap(*outPaths[i], t)) return true;
        return false;
    };
    for (size_t i = 0; i < params.size(); ++i) {
        if (isPacket(i)) continue;
        const Param* prm = params[i].get();
        const ast::Expr* arg = argOf(i);
        Binding b;
        if (!arg) {
            diags_.unsupported(c->loc,
                               "a call without a value for parameter '" + prm->name.text + "'");
            params_ = saved;
            return pred;
        }
        if (prm->direction == Direction::Out || prm->direction == Direction::InOut) {
            Ref r = resolve(arg);
            if (r.kind == Ref::Kind::Path && r.alts.empty() && aliased(i)) {
                std::string tmp = fmt::format("{}.{}.{}${}", owner_, callee->name.text,
                                              prm->name.text, tempCounter_++);
                const sema::Type* t = prm->semaType;
                addTemporary(tmp, t, prm->loc);
                FieldId f = p_.findField(tmp);
                FieldId src = p_.findField(r.path);
                const SourceLoc at = arg->loc;
                // `to = from`, a scalar as one assignment, a header or struct field by field.
                auto copy = [this, t, at](const std::string& to, const std::string& from,
                                          ExprPtr when) {
                    FieldId d = p_.findField(to), s2 = p_.findField(from);
                    if (d >= 0 && s2 >= 0) {
                        const Field& fd = p_.fields[d];
                        const Field& fs = p_.fields[s2];
                        assign(fieldRef(d, fd.width, fd.isSigned, fd.isBool),
                               fieldRef(s2, fs.width, fs.isSigned, fs.isBool), when, at);
                    } else {
                        assignFromPath(to, from, t, when, at);
                    }
                };
                if (prm->direction == Direction::InOut) {
                    copy(tmp, r.path, pred);
                } else if (f >= 0 && src >= 0) {
                    // An out parameter starts unspecified (6.8); hopline's reads 0.
                    const Field& fd = p_.fields[f];
                    assign(fieldRef(f, fd.width, fd.isSigned, fd.isBool),
                           fd.isBool ? boolConst(false) : constant(0, fd.width), pred, at);
                } else {
                    clearAggregate(tmp, t, pred, at);  // an out header starts invalid
                }
                copyOut.push_back([=] { copy(r.path, tmp, pred); });
                b.path = tmp;
            } else if (r.kind == Ref::Kind::Path) {
                b.path = r.path;
            } else if (r.kind == Ref::Kind::Value) {
                b.value = r.value;
            } else if (dyn<SliceExpr>(arg)) {
                // A slice has no path of its own: copy in to a temporary, copy out after.
                ExprPtr dst = lvalue(arg);
                std::string tmp = fmt::format("{}.{}.{}${}", owner_, callee->name.text,
                                              prm->name.text, tempCounter_++);
                addTemporary(tmp, prm->semaType, prm->loc);
                FieldId f = p_.findField(tmp);
                if (!dst || f < 0) {
                    params_ = saved;
                    return pred;
                }
                const Field& fd = p_.fields[f];
                if (prm->direction == Direction::InOut)
                    assign(fieldRef(f, fd.width, fd.isSigned, fd.isBool), dst, pred, arg->loc);
                copyOut.push_back([=, this] {
                    const Field& tf = p_.fields[f];
                    assign(dst, fieldRef(f, tf.width, tf.isSigned, tf.isBool), pred, c->loc);
                });
                b.path = tmp;
            } else {
                diags_.unsupported(arg->loc, "this out/inout argument");
                params_ = saved;
                return pred;
            }
        } else if (const sema::Type* t = prm->semaType;
                   t && (t->kind == TypeKind::Header || t->kind == TypeKind::Struct ||
                         t->kind == TypeKind::Stack)) {
            // Copy-in of a header, struct or stack.
            std::string tmp = fmt::format("{}.{}.{}${}", owner_, callee->name.text, prm->name.text,
                                          tempCounter_++);
            addTemporary(tmp, t, prm->loc);
            clearAggregate(tmp, t, pred, arg->loc);
            assignFromExpr(tmp, t, arg, pred, arg->loc);
            b.path = tmp;
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
    // The result slot is the callee's own: a caller's must not receive the callee's return.
    if (result >= 0)
        params_[nullptr] = Binding{p_.fields[result].name, nullptr, -1};
    else if (!aggResult_.empty())
        params_[nullptr] = Binding{aggResult_, nullptr, -1};
    else
        params_.erase(nullptr);
    aggResult_.clear();
    // Static exits inside the callee end the whole control; returns only end the callee.
    std::vector<ExprPtr> exits;
    auto* savedExits = exits_;
    exits_ = &exits;
    const ActionDecl* savedAction = currentAction_;
    if (dyn<ActionDecl>(callee)) currentAction_ = nullptr;  // a direct call: static control flow
    if (prologue) prologue();
    if (body) lowerBlock(body->stmts, pred);
    currentAction_ = savedAction;
    exits_ = savedExits;
    params_ = saved;
    for (const auto& copy : copyOut) copy();
    if (exits.empty()) return pred;
    ExprPtr any;
    for (auto& x : exits) {
        if (exits_) exits_->push_back(x);
        any = any ? binary(BinaryOp::LOr, any, x) : x;
    }
    return stable(andPred(pred, notPred(any)), "live", c->loc);
}

}  // namespace hop::ir::detail
