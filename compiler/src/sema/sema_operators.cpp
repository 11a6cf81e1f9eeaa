// SPDX-License-Identifier: Apache-2.0
// Binary operators: their typing rules and compile-time constant folding.
#include "sema/checker.hpp"
#include "sema/fold.hpp"

namespace hop::sema {

using namespace hop::ast;

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
        return convert(l, nb, Conv::Operand) ? nb : nullptr;
    if (nb->kind == TypeKind::Int && na->isBits())
        return convert(r, na, Conv::Operand) ? na : nullptr;
    diags_.error(site->loc, "type mismatch: {} vs {}", a->str(), b->str());
    (void)op;
    return nullptr;
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
            t->kind == TypeKind::Control) {
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

}  // namespace hop::sema
