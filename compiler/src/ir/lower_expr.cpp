// SPDX-License-Identifier: Apache-2.0
// Lowers expressions: names to layout paths, operators, members and calls with a value.
#include <fmt/format.h>

#include "ir/lower_internal.hpp"

namespace hop::ir::detail {

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
        if (auto it = loopValues_.find(p->decl); it != loopValues_.end()) {
            r.kind = Ref::Kind::Value;
            r.value = it->second;
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
        if (base.kind != Ref::Kind::Path) return Ref{};
        const std::string& member = m->member.text;
        if (!base.alts.empty()) {
            for (auto& alt : base.alts) alt.second += "." + member;
            return base;
        }
        if ((member == "last" || member == "next") && stackAt(base.path) >= 0) {
            Ref r = stackLast(base, m->loc);
            if (member == "next") {
                int sid = stackAt(base.path);
                for (size_t k = 0; k < r.alts.size(); ++k)
                    r.alts[k].first = binary(BinaryOp::Eq, nextIndexOf(sid), constant(k, 32));
            }
            return r;
        }
        base.path += "." + member;
        return base;
    }
    if (auto* i = dyn<IndexExpr>(e)) {
        Ref base = resolve(i->base.get());
        auto idx = constOf(i->index.get());
        if (base.kind == Ref::Kind::Path && idx && base.alts.empty()) {
            base.path += fmt::format("[{}]", idx->str());
            return base;
        }
        if (base.kind == Ref::Kind::Path) return stackElement(base, i->index.get());
        return Ref{};
    }
    return r;
}

ExprPtr Lowering::refToExpr(const Ref& r, SourceLoc loc) {
    switch (r.kind) {
        case Ref::Kind::Path: {
            if (!r.alts.empty()) return altsToExpr(r, loc);
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

ExprPtr Lowering::lowerBinary(const BinaryExpr* b, Scalar hint, ExprPtr lhsValue) {
    using AOp = ast::BinaryOp;
    if (b->op == AOp::Mask || b->op == AOp::Range) {
        diags_.unsupported(b->loc, "a keyset expression outside select or entries");
        return nullptr;
    }
    if (b->op == AOp::LAnd || b->op == AOp::LOr) {
        ExprPtr l = lowerExpr(b->lhs.get());
        const size_t mark = emitted();
        ExprPtr r = lowerExpr(b->rhs.get());
        if (!l || !r) return nullptr;
        l = readBefore(l, mark, b->loc);
        return binary(b->op == AOp::LAnd ? BinaryOp::LAnd : BinaryOp::LOr, l, r);
    }
    if ((b->op == AOp::Eq || b->op == AOp::Ne) && b->lhs->type &&
        (b->lhs->type->kind == TypeKind::Header || b->lhs->type->kind == TypeKind::Struct ||
         b->lhs->type->kind == TypeKind::Stack || b->lhs->type->kind == TypeKind::HeaderUnion)) {
        const sema::Type* t = b->lhs->type;
        ExprPtr eq = aggregateEq(aggregatePath(b->lhs.get(), t, currentPred_),
                                 aggregatePath(b->rhs.get(), t, currentPred_), t, b->loc);
        if (!eq) return nullptr;
        return b->op == AOp::Eq ? eq : notPred(eq);
    }
    if ((b->op == AOp::Eq || b->op == AOp::Ne) && b->lhs->type &&
        b->lhs->type->kind == TypeKind::Varbit)
        return lowerVarbitEquality(b);
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
    ExprPtr l = lhsValue ? lhsValue : lowerExpr(b->lhs.get(), lh);
    const size_t mark = emitted();
    ExprPtr r = lowerExpr(b->rhs.get(), rh);
    if (!l || !r) return nullptr;
    l = readBefore(l, mark, b->loc);
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

// Two varbits are equal when their lengths and their values are (spec 8.9.1). Each field holds
// its value right-aligned with zeros above, so the values compare as whole fields.
ExprPtr Lowering::lowerVarbitEquality(const BinaryExpr* b) {
    ExprPtr l = lowerExpr(b->lhs.get()), r = lowerExpr(b->rhs.get());
    if (!l || !r) return nullptr;
    if (l->kind != ExprKind::Field || r->kind != ExprKind::Field) {
        diags_.unsupported(b->loc, "comparing a varbit that is not a header field");
        return nullptr;
    }
    ExprPtr same =
        binary(BinaryOp::LAnd, binary(BinaryOp::Eq, varbitLength(l->index), varbitLength(r->index)),
               binary(BinaryOp::Eq, l, r));
    return b->op == ast::BinaryOp::Ne ? notPred(same) : same;
}

ExprPtr Lowering::lowerMember(const MemberExpr* m, Scalar hint) {
    const std::string& member = m->member.text;
    if (auto la = lookaheadMember(m)) return *la;
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
    if (member == "size" || member == "lastIndex") {
        Ref r = resolve(m->base.get());
        int sid = r.kind == Ref::Kind::Path && r.alts.empty() ? stackAt(r.path) : -1;
        if (sid >= 0 && member == "size") return constant(p_.stacks[sid].size(), 32);
        if (sid >= 0) return binary(BinaryOp::Sub, nextIndexOf(sid), constant(1, 32));
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
        if (r.kind == Ref::Kind::Path && !r.alts.empty()) {
            ExprPtr out = boolConst(false);
            for (size_t i = r.alts.size(); i-- > 0;) {
                ExprPtr v = validOf(r.alts[i].second);
                if (!v) return nullptr;
                out = ternary(r.alts[i].first, v, out);
            }
            return out;
        }
        if (r.kind == Ref::Kind::Path)
            if (ExprPtr v = validOf(r.path)) return v;
    }
    if (callee && method == "lookahead" && inParser_) {
        Scalar s = scalarOf(c->type);
        // int<W> and bool keep their type: the bits are the same, comparisons are not.
        if (s.width > 0 && !s.isInt) return lookaheadSlice(s.width, 0, s);
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

}  // namespace hop::ir::detail
