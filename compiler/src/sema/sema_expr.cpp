// SPDX-License-Identifier: Apache-2.0
// Expression typing: names, members, indexes, slices, unary and conditional operators, casts.
// Binary operators are in sema_operators.cpp, calls in sema_call.cpp.
#include "sema/checker.hpp"
#include "sema/fold.hpp"

namespace hop::sema {

using namespace hop::ast;

std::string Checker::printable(Expr* e) const {
    if (auto* l = as<IntLiteral>(e); l && !l->text.empty()) return l->text;
    if (e && e->constValue) return e->constValue->str();
    return "value";
}

bool Checker::isConstant(Expr* e) const {
    if (!e) return false;
    if (e->constValue) return true;
    if (as<BoolLiteral>(e) || as<StringLiteral>(e)) return true;
    if (auto* m = as<MemberExpr>(e)) return typeNames_.count(m->base.get()) > 0;
    if (auto* l = as<ListExpr>(e)) {
        for (const auto& x : l->elements)
            if (!isConstant(x.get())) return false;
        return true;
    }
    if (auto* s = as<StructExpr>(e)) {
        for (const auto& f : s->fields)
            if (!isConstant(f.second.get())) return false;
        return true;
    }
    if (auto* c = as<CastExpr>(e)) return isConstant(c->operand.get());
    return as<InvalidHeaderExpr>(e) != nullptr;
}

// Once per program: every enclosing level would otherwise repeat it.
void Checker::tooDeep(SourceLoc loc) {
    if (!tooDeep_) diags_.error(loc, "expression is nested too deeply");
    tooDeep_ = true;
}

const Type* Checker::expr(Expr* e) {
    if (!e) return nullptr;
    if (depth_ >= kMaxDepth) {
        tooDeep(e->loc);
        return nullptr;
    }
    ++depth_;
    const Type* t = exprInner(e);
    --depth_;
    e->type = t;
    return t;
}

const Type* Checker::exprInner(Expr* e) {
    if (auto* b = as<BinaryExpr>(e)) return binary(b);
    if (auto* p = as<PathExpr>(e)) return path(p);
    if (auto* m = as<MemberExpr>(e)) return member(m);
    if (auto* i = as<IndexExpr>(e)) return index(i);
    if (auto* s = as<SliceExpr>(e)) return slice(s);
    if (auto* u = as<UnaryExpr>(e)) return unary(u);
    if (auto* t = as<TernaryExpr>(e)) return ternary(t);
    if (auto* c = as<CastExpr>(e)) return cast(c);
    if (auto* c = as<CallExpr>(e)) return call(c);
    return leaf(e);
}

// Literals, lists and the rest: kept out of exprInner so the recursive frame stays small.
const Type* Checker::leaf(Expr* e) {
    if (auto* l = as<IntLiteral>(e)) {
        l->constValue = l->value;
        if (l->width == 0) return types_.intType();
        if (l->width < 0 || l->width > kMaxWidth) {
            diags_.error(l->loc, "width {} is out of range (1..{})", l->width, kMaxWidth);
            return nullptr;
        }
        const Type* t = types_.bits(l->width, l->isSigned);
        // A signed literal's digits are its two's complement bits: 8s0xAA is -86 (spec 6.4.3).
        if (l->isSigned && l->value >= 0 && l->value < pow2(l->width)) {
            l->constValue = wrap(l->value, t);
        } else if (!fits(l->value, t)) {
            diags_.error(l->loc, "{} does not fit in {}", printable(l), t->str());
            l->constValue = wrap(l->value, t);
        }
        return t;
    }
    if (auto* b = as<BoolLiteral>(e)) {
        b->constValue = b->value ? 1 : 0;
        return types_.boolType();
    }
    if (as<StringLiteral>(e)) return types_.stringType();
    if (auto* l = as<ListExpr>(e)) {
        Type* t = types_.make(TypeKind::Tuple, "tuple");
        bool ok = true;
        for (const auto& x : l->elements) {
            const Type* xt = expr(x.get());
            ok = ok && xt;
            t->elements.push_back(xt);
        }
        return ok ? t : nullptr;
    }
    if (auto* s = as<StructExpr>(e)) {
        Type* t = types_.make(TypeKind::Struct, "");
        bool ok = true;
        for (auto& [name, value] : s->fields) {
            const Type* ft = expr(value.get());
            ok = ok && ft;
            if (t->field(name.text)) diags_.error(name.loc, "field '{}' is given twice", name.text);
            t->fields.push_back(Field{name.text, ft, 0});
        }
        return ok ? t : nullptr;
    }
    if (as<InvalidHeaderExpr>(e)) return types_.dontCareType();
    if (as<DefaultExpr>(e) || as<DontCareExpr>(e)) return types_.dontCareType();
    return nullptr;
}

const Type* Checker::path(PathExpr* e) {
    const std::string& n = e->name.text;
    if (n == "error" && !lookup(n)) {
        typeNames_.insert(e);
        return types_.errorType();
    }
    const Entity* en = lookup(n, e->topLevel);
    if (!en) {
        diags_.error(e->name.loc, "'{}' is not declared", n);
        return nullptr;
    }
    if (en->kind == Entity::Kind::Param) {
        out_.paramRefs[e] = en->param;
        return en->param->semaType;
    }
    if (en->kind == Entity::Kind::TypeVar) {
        diags_.error(e->name.loc, "'{}' is a type, not a value", n);
        return nullptr;
    }
    Decl* d = en->decl;
    e->decl = d;
    if (auto* c = as<ConstDecl>(d)) {
        e->constValue = c->value;
        return c->type;
    }
    if (as<EnumDecl>(d) || as<StructLikeDecl>(d) || as<TypedefDecl>(d) || as<BlockTypeDecl>(d) ||
        (as<ExternDecl>(d) && !as<ExternDecl>(d)->isFunction))
        typeNames_.insert(e);
    return d->type;
}

const Type* Checker::member(MemberExpr* e) { return memberTyped(e, expr(e->base.get())); }

const Type* Checker::memberTyped(MemberExpr* e, const Type* bt) {
    if (!bt) return nullptr;
    const std::string& m = e->member.text;
    if (typeNames_.count(e->base.get())) {
        if (bt->kind == TypeKind::Enum || bt->kind == TypeKind::SerEnum ||
            bt->kind == TypeKind::Error) {
            for (size_t i = 0; i < bt->members.size(); ++i) {
                if (bt->members[i] != m) continue;
                if (bt->kind == TypeKind::SerEnum && i < bt->memberValues.size())
                    e->constValue = bt->memberValues[i];
                return bt;
            }
            diags_.error(e->member.loc, "{} has no member '{}'", bt->str(), m);
            return nullptr;
        }
        diags_.error(e->member.loc, "{} has no member '{}'", bt->str(), m);
        return nullptr;
    }
    switch (bt->kind) {
        case TypeKind::Header:
        case TypeKind::HeaderUnion:
        case TypeKind::Struct:
            if (const Field* f = bt->field(m)) return f->type;
            break;
        case TypeKind::Stack:
            if (m == "next" || m == "last") {
                if (body_ != Body::Parser && m == "next") {
                    diags_.error(e->member.loc, "'next' can only be used in a parser");
                    return nullptr;
                }
                return bt->element;
            }
            if (m == "size") {
                e->constValue = bt->size;
                return types_.bits(32);
            }
            if (m == "lastIndex") return types_.bits(32);
            diags_.error(e->member.loc, "header stack {} has no member '{}'", bt->str(), m);
            return nullptr;
        default:
            break;
    }
    if (bt->kind == TypeKind::Header || bt->kind == TypeKind::HeaderUnion ||
        bt->kind == TypeKind::Struct || bt->kind == TypeKind::Extern ||
        bt->kind == TypeKind::Table) {
        static const std::set<std::string> methods = {"isValid", "setValid",      "setInvalid",
                                                      "apply",   "minSizeInBits", "minSizeInBytes"};
        if (methods.count(m) || bt->kind == TypeKind::Extern)
            diags_.error(e->member.loc, "method '{}' must be called", m);
        else
            diags_.error(e->member.loc, "{} has no field '{}'", bt->str(), m);
        return nullptr;
    }
    diags_.error(e->member.loc, "{} has no field '{}'", bt->str(), m);
    return nullptr;
}

const Type* Checker::index(IndexExpr* e) {
    const Type* bt = expr(e->base.get());
    return indexTyped(e, bt, expr(e->index.get()));
}

const Type* Checker::indexTyped(IndexExpr* e, const Type* bt, const Type* it) {
    if (!bt || !it) return nullptr;
    const Type* in = numeric(it);
    // p4c takes a signed run-time index too (a negative one names no element).
    if (!isNumeric(in) || (in->isSigned && bt->kind != TypeKind::Stack)) {
        diags_.error(e->index->loc, "index must be an unsigned integer, not {}", it->str());
        return nullptr;
    }
    // An int index becomes bit<32>; one too large for that is reported as out of bounds below.
    const auto& iv = e->index->constValue;
    if (in->kind == TypeKind::Int && iv && *iv >= 0 && *iv < (BigInt(1) << 32))
        e->index->type = types_.bits(32);
    const std::optional<BigInt>& v = e->index->constValue;
    if (bt->kind == TypeKind::Stack) {
        if (v && (*v < 0 || *v >= bt->size)) {
            diags_.error(e->index->loc, "index {} is out of bounds for {}", v->str(), bt->str());
            return nullptr;
        }
        return bt->element;
    }
    if (bt->kind == TypeKind::Tuple) {
        if (!v) {
            diags_.error(e->index->loc, "a tuple index must be a compile-time constant");
            return nullptr;
        }
        if (*v < 0 || *v >= static_cast<long>(bt->elements.size())) {
            diags_.error(e->index->loc, "index {} is out of bounds for {}", v->str(), bt->str());
            return nullptr;
        }
        return bt->elements[static_cast<size_t>(*v)];
    }
    diags_.error(e->loc, "{} cannot be indexed", bt->str());
    return nullptr;
}

const Type* Checker::slice(SliceExpr* e) {
    const Type* bt0 = expr(e->base.get());
    const Type* bt = numeric(bt0);
    auto hi = constInt(e->hi.get(), "slice bound");
    auto lo = constInt(e->lo.get(), "slice bound");
    if (!bt || !hi || !lo) return nullptr;
    if (bt->kind == TypeKind::Int) {
        diags_.error(e->base->loc, "cannot slice an int constant; give it a width");
        return nullptr;
    }
    if (!bt->isBits()) {
        diags_.error(e->base->loc, "cannot slice {}", bt0->str());
        return nullptr;
    }
    if (*hi < *lo) {
        diags_.error(e->hi->loc, "slice [{}:{}]: the high bound is below the low bound", hi->str(),
                     lo->str());
        return nullptr;
    }
    if (*lo < 0 || *hi >= bt->width) {
        diags_.error(e->hi->loc, "slice [{}:{}] is out of range for {}", hi->str(), lo->str(),
                     bt0->str());
        return nullptr;
    }
    int h = static_cast<int>(*hi), l = static_cast<int>(*lo);
    const Type* t = types_.bits(h - l + 1);
    if (e->base->constValue)
        e->constValue = asUnsigned(*e->base->constValue, bt->width) >> l & (pow2(h - l + 1) - 1);
    return t;
}

const Type* Checker::unary(UnaryExpr* e) {
    const Type* t0 = expr(e->operand.get());
    if (!t0) return nullptr;
    const Type* t = numeric(t0);
    const auto& v = e->operand->constValue;
    switch (e->op) {
        case UnaryOp::LNot:
            if (t->kind != TypeKind::Bool) {
                diags_.error(e->loc, "'!' needs a bool operand, not {}", t0->str());
                return nullptr;
            }
            if (v) e->constValue = *v == 0 ? 1 : 0;
            return t;
        case UnaryOp::BitNot:
            if (!t->isBits()) {
                diags_.error(e->loc, "'~' needs a bit<W> or int<W> operand, not {}", t0->str());
                return nullptr;
            }
            if (v) e->constValue = wrap(-*v - 1, t);
            return t;
        case UnaryOp::Neg:
        case UnaryOp::Plus:
            if (!isNumeric(t)) {
                diags_.error(e->loc, "'{}' needs a numeric operand, not {}",
                             e->op == UnaryOp::Neg ? "-" : "+", t0->str());
                return nullptr;
            }
            if (v) e->constValue = e->op == UnaryOp::Neg ? wrap(BigInt(-*v), t) : *v;
            return t;
    }
    return nullptr;
}

// Only the two recursive calls live in this frame: flat operator chains (1 + 1 + ... + 1) nest
// as deep as they are long, so everything else is in binaryTyped's frame, which is not on the
// recursion path.
const Type* Checker::binary(BinaryExpr* e) {
    const Type* lt = expr(e->lhs.get());
    const Type* rt = expr(e->rhs.get());
    return binaryTyped(e, lt, rt);
}

const Type* Checker::ternary(TernaryExpr* e) {
    const Type* ct = expr(e->cond.get());
    const Type* a = expr(e->then.get());
    const Type* b = expr(e->otherwise.get());
    if (ct && ct->kind != TypeKind::Bool) {
        diags_.error(e->cond->loc, "condition must be bool, not {}", ct->str());
        return nullptr;
    }
    if (!ct || !a || !b) return nullptr;
    const Type* t = commonType(e, "?:", e->then.get(), e->otherwise.get());
    if (!t) return nullptr;
    const auto& c = e->cond->constValue;
    if (t->kind == TypeKind::Int && !c) {
        diags_.error(e->loc,
                     "the width of '?:' with int operands cannot be inferred; give an "
                     "operand a width");
        return nullptr;
    }
    if (c) {
        const auto& v = *c != 0 ? e->then->constValue : e->otherwise->constValue;
        if (v) e->constValue = v;
    }
    return t;
}

bool Checker::castAllowed(const Type* from, const Type* to) const {
    if (same(from, to)) return true;
    if (from->kind == TypeKind::NewType) return castAllowed(from->underlying, to);
    if (to->kind == TypeKind::NewType) return castAllowed(from, to->underlying);
    if (from->isBits() && to->isBits())
        return from->isSigned == to->isSigned || from->width == to->width;
    if (from->kind == TypeKind::Int && (to->isBits() || to->kind == TypeKind::Bool)) return true;
    if (from->kind == TypeKind::Bool && to->isBits() && to->width == 1 && !to->isSigned)
        return true;
    if (to->kind == TypeKind::Bool && from->isBits() && from->width == 1 && !from->isSigned)
        return true;
    if (from->kind == TypeKind::SerEnum && from->underlying)
        return castAllowed(from->underlying, to);
    if (to->kind == TypeKind::SerEnum && to->underlying)
        return from->kind == TypeKind::Int || same(from, to->underlying);
    return false;
}

const Type* Checker::cast(CastExpr* e) {
    const Type* to = resolveType(e->target);
    const Type* from = expr(e->operand.get());
    if (!to || !from) return nullptr;
    Expr* op = e->operand.get();
    if (as<ListExpr>(op) || as<StructExpr>(op) || as<InvalidHeaderExpr>(op)) {
        if (!convert(op, to, Conv::Other)) return nullptr;
        return to;
    }
    if (!castAllowed(from, to)) {
        diags_.error(e->loc, "cannot cast {} to {}", from->str(), to->str());
        return nullptr;
    }
    if (op->constValue) {
        const Type* target = to->kind == TypeKind::NewType ? to->underlying : to;
        if (target && (target->isBits() || target->kind == TypeKind::SerEnum ||
                       target->kind == TypeKind::Bool))
            e->constValue = wrap(*op->constValue, target);
        else if (target && target->kind == TypeKind::Int)
            e->constValue = op->constValue;
    }
    return to;
}

}  // namespace hop::sema
