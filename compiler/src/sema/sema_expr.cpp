// SPDX-License-Identifier: Apache-2.0
// Expression typing, implicit conversions, calls and compile-time constant folding.
#include <fmt/format.h>

#include "sema/checker.hpp"

namespace hop::sema {

using namespace hop::ast;

namespace {

BigInt pow2(int n) {
    BigInt r = 1;
    r <<= n;
    return r;
}

// The value `v` as the type `t` holds it: bit<W> wraps modulo 2^W, int<W> to two's complement.
BigInt wrap(const BigInt& v, const Type* t) {
    if (!t) return v;
    if (t->kind == TypeKind::Bool) return v != 0 ? 1 : 0;
    if (t->kind == TypeKind::SerEnum) t = t->underlying;
    if (!t || t->kind != TypeKind::Bits) return v;
    BigInt m = pow2(t->width);
    BigInt r = v % m;
    if (r < 0) r += m;
    if (t->isSigned && r >= pow2(t->width - 1)) r -= m;
    return r;
}

BigInt asUnsigned(const BigInt& v, int width) {
    BigInt m = pow2(width);
    BigInt r = v % m;
    if (r < 0) r += m;
    return r;
}

// Arithmetic shift right (floor division by 2^n), also for negative values.
BigInt shr(const BigInt& v, unsigned n) {
    if (v >= 0) return v >> n;
    BigInt neg = -v - 1;
    return -(neg >> n) - 1;
}

bool fits(const BigInt& v, const Type* t) {
    if (t->kind != TypeKind::Bits) return true;
    if (t->isSigned) return v >= -pow2(t->width - 1) && v < pow2(t->width - 1);
    return v >= 0 && v < pow2(t->width);
}

// Serializable enums take part in arithmetic as their underlying type (spec: implicit cast).
const Type* numeric(const Type* t) {
    if (t && t->kind == TypeKind::SerEnum && t->underlying) return t->underlying;
    return t;
}

bool isNumeric(const Type* t) { return t && (t->isBits() || t->kind == TypeKind::Int); }

}  // namespace

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

// ---------------------------------------------------------------------------------------------
// Implicit conversions

bool Checker::convert(Expr* e, const Type* to, Conv ctx) {
    if (!e || !to || !e->type) return true;
    const Type* from = e->type;
    if (same(from, to)) return true;
    if (to->kind == TypeKind::DontCare || to->kind == TypeKind::TypeVar ||
        from->kind == TypeKind::DontCare)
        return true;
    if (from->kind == TypeKind::Int && to->isBits()) {
        if (e->constValue && !fits(*e->constValue, to)) {
            diags_.error(e->loc, "{} does not fit in {}", printable(e), to->str());
            return false;
        }
        e->type = to;
        return true;
    }
    if (from->kind == TypeKind::SerEnum && same(from->underlying, to)) return true;
    if (as<InvalidHeaderExpr>(e) && to->isHeaderLike()) {
        e->type = to;
        return true;
    }
    if (auto* l = as<ListExpr>(e)) {
        std::vector<const Type*> targets;
        if (to->kind == TypeKind::Header || to->kind == TypeKind::Struct)
            for (const auto& f : to->fields) targets.push_back(f.type);
        else if (to->kind == TypeKind::Tuple)
            targets = to->elements;
        else if (to->kind == TypeKind::Stack)
            targets.assign(static_cast<size_t>(to->size), to->element);
        else
            goto mismatch;
        if (targets.size() != l->elements.size()) {
            diags_.error(e->loc, "{} elements given for {}, which has {}", l->elements.size(),
                         to->str(), targets.size());
            return false;
        }
        bool ok = true;
        for (size_t i = 0; i < targets.size(); ++i)
            ok = convert(l->elements[i].get(), targets[i], ctx) && ok;
        if (ok) e->type = to;
        return ok;
    }
    if (auto* s = as<StructExpr>(e)) {
        if (to->kind != TypeKind::Header && to->kind != TypeKind::Struct) goto mismatch;
        bool ok = true;
        for (auto& [name, value] : s->fields) {
            const Field* f = to->field(name.text);
            if (!f) {
                diags_.error(name.loc, "{} has no field '{}'", to->str(), name.text);
                ok = false;
                continue;
            }
            ok = convert(value.get(), f->type, ctx) && ok;
        }
        for (const auto& f : to->fields) {
            bool given = false;
            for (auto& fv : s->fields) given |= fv.first.text == f.name;
            if (!given) {
                diags_.error(e->loc, "field '{}' of {} is not initialized", f.name, to->str());
                ok = false;
            }
        }
        if (ok) e->type = to;
        return ok;
    }
    if ((to->kind == TypeKind::Parser || to->kind == TypeKind::Control) && from->kind == to->kind) {
        std::string why;
        if (blockMatches(to, from, why)) return true;
        diags_.error(e->loc, "cannot convert {} to {}: {}", from->str(), to->str(), why);
        return false;
    }
mismatch:
    if (ctx == Conv::Assign)
        diags_.error(e->loc, "cannot assign {} to {}", from->str(), to->str());
    else
        diags_.error(e->loc, "cannot convert {} to {}", from->str(), to->str());
    return false;
}

// Why `e` cannot be written, or an empty string when it can.
std::string Checker::notLValue(Expr* e) {
    if (!e) return {};
    if (auto* p = as<PathExpr>(e)) {
        if (const Param* par = out_.paramOf(p)) {
            if (par->direction == Direction::In) return "in parameter '" + p->name.text + "'";
            if (par->direction == Direction::None)
                return "read-only parameter '" + p->name.text + "'";
            return {};
        }
        if (as<const VarDecl>(p->decl)) return {};
        if (as<const ConstDecl>(p->decl)) return "constant '" + p->name.text + "'";
        if (!p->decl) return {};  // unresolved: already reported
        return "'" + p->name.text + "'";
    }
    if (auto* m = as<MemberExpr>(e)) {
        if (typeNames_.count(m->base.get())) return "'" + m->member.text + "'";
        const Type* bt = m->base ? m->base->type : nullptr;
        if (bt && bt->kind == TypeKind::Stack && m->member.text != "next" &&
            m->member.text != "last")
            return "'" + m->member.text + "' of a header stack";
        if (bt && bt->kind == TypeKind::Struct && bt->decl && as<const TableDecl>(bt->decl))
            return "the result of apply()";
        return notLValue(m->base.get());
    }
    if (auto* i = as<IndexExpr>(e)) return notLValue(i->base.get());
    if (auto* s = as<SliceExpr>(e)) return notLValue(s->base.get());
    if (as<DontCareExpr>(e)) return {};
    return "an expression that is not an l-value";
}

// ---------------------------------------------------------------------------------------------
// Expressions

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
    if (!isNumeric(in) || in->isSigned) {
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

// The type both operands of an arithmetic/comparison operator take: equal types, or an int
// constant converted to the other side's fixed width.
const Type* Checker::commonType(Expr* site, const char* op, Expr* l, Expr* r) {
    const Type* a = l->type;
    const Type* b = r->type;
    if (same(a, b)) return a;
    const Type* na = numeric(a);
    const Type* nb = numeric(b);
    if (same(na, nb)) return na;
    if (na->kind == TypeKind::Int && nb->isBits())
        return convert(l, nb, Conv::Other) ? nb : nullptr;
    if (nb->kind == TypeKind::Int && na->isBits())
        return convert(r, na, Conv::Other) ? na : nullptr;
    diags_.error(site->loc, "type mismatch: {} vs {}", a->str(), b->str());
    (void)op;
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

const Type* Checker::binaryTyped(BinaryExpr* e, const Type* lt, const Type* rt) {
    const char* op = ast::spelling(e->op);
    if (e->op == BinaryOp::Mask || e->op == BinaryOp::Range) {
        diags_.error(e->loc, "'{}' can only be used in a keyset", op);
        return nullptr;
    }
    if (!lt || !rt) return nullptr;
    const auto& lv = e->lhs->constValue;
    const auto& rv = e->rhs->constValue;

    if (e->op == BinaryOp::LAnd || e->op == BinaryOp::LOr) {
        for (const Type* t : {lt, rt})
            if (t->kind != TypeKind::Bool) {
                diags_.error(e->loc, "'{}' needs bool operands, not {}", op, t->str());
                return nullptr;
            }
        bool isAnd = e->op == BinaryOp::LAnd;
        if (lv && (*lv != 0) != isAnd)
            e->constValue = *lv;  // short circuit
        else if (lv && rv)
            e->constValue = *rv;
        return types_.boolType();
    }
    if (e->op == BinaryOp::Concat) {
        const Type* a = numeric(lt);
        const Type* b = numeric(rt);
        if (!a->isBits() || !b->isBits()) {
            diags_.error(e->loc, "'++' needs bit<W> or int<W> operands, not {} and {}", lt->str(),
                         rt->str());
            return nullptr;
        }
        if (a->width + b->width > kMaxWidth) {
            diags_.error(e->loc, "'++' result is wider than {} bits", kMaxWidth);
            return nullptr;
        }
        const Type* t = types_.bits(a->width + b->width, a->isSigned);
        if (lv && rv)
            e->constValue =
                wrap(asUnsigned(*lv, a->width) << b->width | asUnsigned(*rv, b->width), t);
        return t;
    }
    if (e->op == BinaryOp::Shl || e->op == BinaryOp::Shr) {
        const Type* a = numeric(lt);
        const Type* b = numeric(rt);
        if (!isNumeric(a)) {
            diags_.error(e->lhs->loc, "'{}' needs a numeric left operand, not {}", op, lt->str());
            return nullptr;
        }
        if (!isNumeric(b) || b->isSigned || (b->kind == TypeKind::Int && rv && *rv < 0)) {
            diags_.error(e->rhs->loc, "shift amount must be unsigned, not {}", rt->str());
            return nullptr;
        }
        if (a->kind == TypeKind::Int && !rv) {
            diags_.error(e->loc,
                         "shifting an int constant needs a constant amount; give the "
                         "left operand a width");
            return nullptr;
        }
        if (lv && rv) {
            if (a->kind == TypeKind::Int && *rv > kMaxShift) {
                diags_.error(e->rhs->loc, "shift amount {} is too large", rv->str());
                return nullptr;
            }
            unsigned n = *rv > kMaxWidth + 1 ? kMaxWidth + 1 : static_cast<unsigned>(*rv);
            e->constValue =
                e->op == BinaryOp::Shl ? wrap(BigInt(*lv << n), a) : wrap(shr(*lv, n), a);
        }
        return a;
    }

    bool compare = e->op == BinaryOp::Eq || e->op == BinaryOp::Ne || e->op == BinaryOp::Lt ||
                   e->op == BinaryOp::Le || e->op == BinaryOp::Gt || e->op == BinaryOp::Ge;
    bool equality = e->op == BinaryOp::Eq || e->op == BinaryOp::Ne;
    const Type* t = nullptr;
    if (equality) {
        t = commonType(e, op, e->lhs.get(), e->rhs.get());
        if (!t) return nullptr;
        if (t->kind == TypeKind::Extern || t->kind == TypeKind::Table ||
            t->kind == TypeKind::Action || t->kind == TypeKind::Parser ||
            t->kind == TypeKind::Control || t->kind == TypeKind::Varbit) {
            diags_.error(e->loc, "'{}' cannot compare {}", op, t->str());
            return nullptr;
        }
    } else {
        for (const Type* x : {lt, rt}) {
            const Type* nx = numeric(x);
            if (!isNumeric(nx)) {
                diags_.error(e->loc, "'{}' needs numeric operands, not {}", op, x->str());
                return nullptr;
            }
        }
        t = commonType(e, op, e->lhs.get(), e->rhs.get());
        if (!t) return nullptr;
        t = numeric(t);
    }
    const auto& a = e->lhs->constValue;
    const auto& b = e->rhs->constValue;
    if (compare) {
        if (a && b) {
            bool r = false;
            switch (e->op) {
                case BinaryOp::Eq:
                    r = *a == *b;
                    break;
                case BinaryOp::Ne:
                    r = *a != *b;
                    break;
                case BinaryOp::Lt:
                    r = *a < *b;
                    break;
                case BinaryOp::Le:
                    r = *a <= *b;
                    break;
                case BinaryOp::Gt:
                    r = *a > *b;
                    break;
                case BinaryOp::Ge:
                    r = *a >= *b;
                    break;
                default:
                    break;
            }
            e->constValue = r ? 1 : 0;
        }
        return types_.boolType();
    }
    if ((e->op == BinaryOp::Div || e->op == BinaryOp::Mod)) {
        if (t->isSigned) {
            diags_.error(e->loc, "'{}' is not defined for signed {}", op, t->str());
            return nullptr;
        }
        if (b && *b == 0) {
            diags_.error(e->rhs->loc, "division by zero");
            return nullptr;
        }
        if ((a && *a < 0) || (b && *b < 0)) {
            diags_.error(e->loc, "'{}' is not defined for negative values", op);
            return nullptr;
        }
    }
    if ((e->op == BinaryOp::AddSat || e->op == BinaryOp::SubSat) && !t->isBits()) {
        diags_.error(e->loc, "'{}' needs bit<W> or int<W> operands, not {}", op, t->str());
        return nullptr;
    }
    if (a && b) {
        BigInt r = 0;
        switch (e->op) {
            case BinaryOp::Mul:
                r = *a * *b;
                break;
            case BinaryOp::Div:
                r = *a / *b;
                break;
            case BinaryOp::Mod:
                r = *a % *b;
                break;
            case BinaryOp::Add:
                r = *a + *b;
                break;
            case BinaryOp::Sub:
                r = *a - *b;
                break;
            case BinaryOp::AddSat:
            case BinaryOp::SubSat: {
                r = e->op == BinaryOp::AddSat ? BigInt(*a + *b) : BigInt(*a - *b);
                BigInt lo = t->isSigned ? -pow2(t->width - 1) : BigInt(0);
                BigInt hi = t->isSigned ? pow2(t->width - 1) - 1 : pow2(t->width) - 1;
                if (r < lo) r = lo;
                if (r > hi) r = hi;
                break;
            }
            case BinaryOp::BitAnd:
            case BinaryOp::BitOr:
            case BinaryOp::BitXor: {
                if (t->isBits()) {
                    BigInt x = asUnsigned(*a, t->width), y = asUnsigned(*b, t->width);
                    r = e->op == BinaryOp::BitAnd  ? BigInt(x & y)
                        : e->op == BinaryOp::BitOr ? BigInt(x | y)
                                                   : BigInt(x ^ y);
                } else if (*a >= 0 && *b >= 0) {
                    r = e->op == BinaryOp::BitAnd  ? BigInt(*a & *b)
                        : e->op == BinaryOp::BitOr ? BigInt(*a | *b)
                                                   : BigInt(*a ^ *b);
                } else {
                    return t;  // negative arbitrary-precision bit operations: left to runtime
                }
                break;
            }
            default:
                break;
        }
        if (t->kind == TypeKind::Int && boost::multiprecision::msb(abs(r) + 1) > kMaxShift) {
            diags_.error(e->loc, "constant is too large");
            return nullptr;
        }
        e->constValue = wrap(r, t);
    }
    return t;
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

// ---------------------------------------------------------------------------------------------
// Calls

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
