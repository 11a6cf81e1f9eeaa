// SPDX-License-Identifier: Apache-2.0
#include "verilog/expr.hpp"

#include <fmt/format.h>

#include <optional>

namespace hop::verilog {

std::string literal(const ir::BigInt& value, int width) {
    if (width == 1) return value != 0 ? "1'b1" : "1'b0";
    std::stringstream ss;
    ss << std::hex << value;
    return fmt::format("{}'h{}", width, ss.str());
}

namespace {

std::string sized(int width, const std::string& text) {
    return fmt::format("{}'({})", width, text);
}

std::string sgn(const std::string& text) { return "$signed(" + text + ")"; }

}  // namespace

std::string ExprEmitter::unsupported(const ir::Expr& e, const std::string& what,
                                     const SourceLoc& loc) {
    diags_.unsupported(loc, what + " in the Verilog backend");
    failed_ = true;
    return literal(0, std::max(1, e.width));
}

std::string ExprEmitter::predicate(const ir::ExprPtr& e, const SourceLoc& loc) {
    if (!e) return "1'b1";
    return emit(e, loc);
}

std::string ExprEmitter::emit(const ir::ExprPtr& ep, const SourceLoc& loc) {
    const ir::Expr& e = *ep;
    switch (e.kind) {
        case ir::ExprKind::Constant:
            return literal(e.value, e.width);
        case ir::ExprKind::Field:
            return leaves_.field(e.index);
        case ir::ExprKind::Valid:
            return leaves_.valid(e.index);
        case ir::ExprKind::Param:
            if (!leaves_.param)
                return unsupported(e, "an action parameter outside of an action", loc);
            return leaves_.param(e.index);
        case ir::ExprKind::TableHit:
            return leaves_.tableHit(e.index);
        case ir::ExprKind::ActionRun:
            return leaves_.actionRun(e.index, e.action);
        case ir::ExprKind::Unary: {
            const std::string a = emit(e.args[0], loc);
            switch (e.unaryOp) {
                case ir::UnaryOp::LNot:
                    return "(!" + a + ")";
                case ir::UnaryOp::BitNot:
                    return sized(e.width, "~" + a);
                case ir::UnaryOp::Neg:
                    return sized(e.width, "-" + a);
            }
            break;
        }
        case ir::ExprKind::Binary:
            return binary(e, loc);
        case ir::ExprKind::Ternary: {
            const std::string c = emit(e.args[0], loc);
            return sized(e.width, fmt::format("{} ? {} : {}", c, emit(e.args[1], loc),
                                              emit(e.args[2], loc)));
        }
        case ir::ExprKind::Slice: {
            const std::string a = emit(e.args[0], loc);
            const int w = e.hi - e.lo + 1;
            if (e.lo == 0) return sized(w, a);
            return sized(w, fmt::format("{} >> {}", a, e.lo));
        }
        case ir::ExprKind::Cast: {
            const ir::Expr& from = *e.args[0];
            const std::string a = emit(e.args[0], loc);
            if (from.width == e.width) return a;
            if (e.width > from.width && from.isSigned) return sized(e.width, sgn(a));
            return sized(e.width, a);
        }
        case ir::ExprKind::Lookahead:
            if (!leaves_.lookahead) return unsupported(e, "lookahead outside of the parser", loc);
            return leaves_.lookahead(e.width);
        case ir::ExprKind::VarbitLength:
            if (!leaves_.varbitLength) return unsupported(e, "a varbit's length here", loc);
            return leaves_.varbitLength(e.index);
    }
    return unsupported(e, "this expression", loc);
}

namespace {

// An unsigned comparison with a constant at the end of the range (x > 2^w-1, x <= 2^w-1,
// x < 0, x >= 0, and the same with the constant on the left) has one answer whatever x is: it
// is written as that constant, because lint rightly flags such a comparison (CMPCONST).
std::optional<std::string> unsignedBoundCompare(const ir::Expr& e) {
    const ir::Expr& l = *e.args[0];
    const ir::Expr& r = *e.args[1];
    auto isMax = [](const ir::Expr& x) {
        return x.kind == ir::ExprKind::Constant && x.value == (ir::BigInt(1) << x.width) - 1;
    };
    auto isZero = [](const ir::Expr& x) {
        return x.kind == ir::ExprKind::Constant && x.value == 0;
    };
    using Op = ir::BinaryOp;
    const Op op = e.binaryOp;
    if ((op == Op::Gt && isMax(r)) || (op == Op::Lt && isZero(r)) || (op == Op::Lt && isMax(l)) ||
        (op == Op::Gt && isZero(l)))
        return std::string("1'b0");
    if ((op == Op::Le && isMax(r)) || (op == Op::Ge && isZero(r)) || (op == Op::Ge && isMax(l)) ||
        (op == Op::Le && isZero(l)))
        return std::string("1'b1");
    return std::nullopt;
}

}  // namespace

std::string ExprEmitter::binary(const ir::Expr& e, const SourceLoc& loc) {
    const ir::Expr& l = *e.args[0];
    const std::string a = emit(e.args[0], loc);
    const std::string b = emit(e.args[1], loc);
    const bool s = l.isSigned;
    const int w = e.width;
    switch (e.binaryOp) {
        case ir::BinaryOp::Add:
            return sized(w, a + " + " + b);
        case ir::BinaryOp::Sub:
            return sized(w, a + " - " + b);
        case ir::BinaryOp::Mul:
            return sized(w, a + " * " + b);
        case ir::BinaryOp::Div:
        case ir::BinaryOp::Mod: {
            // By a constant power of two, unsigned: a shift or a mask. Anything else would be
            // an iterative divider, which one packet per clock cannot afford.
            const ir::Expr& d = *e.args[1];
            if (!s && d.kind == ir::ExprKind::Constant && d.value > 0 &&
                (d.value & (d.value - 1)) == 0) {
                const auto k = static_cast<int>(boost::multiprecision::msb(d.value));
                if (e.binaryOp == ir::BinaryOp::Div) return sized(w, fmt::format("{} >> {}", a, k));
                return sized(w, fmt::format("{} & {}", a, literal(d.value - 1, w)));
            }
            return unsupported(e, "division and modulo of run-time values", loc);
        }
        case ir::BinaryOp::AddSat:
        case ir::BinaryOp::SubSat: {
            const bool add = e.binaryOp == ir::BinaryOp::AddSat;
            if (s) {
                // One bit wider, sign-extended, compared with the w-bit range, clamped.
                const int w1 = w + 1;
                const std::string sum = sized(
                    w1, fmt::format("{}'({}) {} {}'({})", w1, sgn(a), add ? "+" : "-", w1, sgn(b)));
                const ir::BigInt half = ir::BigInt(1) << (w - 1);
                const std::string over =
                    fmt::format("($signed({}) > $signed({}))", sum, literal(half - 1, w1));
                const std::string under = fmt::format("($signed({}) < $signed({}))", sum,
                                                      literal((ir::BigInt(1) << w1) - half, w1));
                return sized(w,
                             fmt::format("{} ? {}'({}) : {} ? {}'({}) : {}", over, w1,
                                         literal(half - 1, w), under, w1, literal(half, w), sum));
            }
            // Unsigned: clamp at 2^w - 1 (add) or 0 (sub). No bit-select of a cast: that is
            // not SystemVerilog.
            if (add) {
                const std::string sum =
                    sized(w + 1, fmt::format("{}'({}) + {}'({})", w + 1, a, w + 1, b));
                const std::string max = literal((ir::BigInt(1) << w) - 1, w);
                return sized(w, fmt::format("({} > {}'({})) ? {} : {}", sum, w + 1, max, max,
                                            sized(w, sum)));
            }
            return sized(w, fmt::format("({} < {}) ? {} : {}", a, b, literal(0, w),
                                        sized(w, a + " - " + b)));
        }
        case ir::BinaryOp::Shl:
            return sized(w, a + " << " + b);
        case ir::BinaryOp::Shr:
            if (s) return sized(w, sgn(a) + " >>> " + b);
            return sized(w, a + " >> " + b);
        case ir::BinaryOp::Eq:
            return "(" + a + " == " + b + ")";
        case ir::BinaryOp::Ne:
            return "(" + a + " != " + b + ")";
        case ir::BinaryOp::Lt:
        case ir::BinaryOp::Le:
        case ir::BinaryOp::Gt:
        case ir::BinaryOp::Ge: {
            const char* op = e.binaryOp == ir::BinaryOp::Lt   ? "<"
                             : e.binaryOp == ir::BinaryOp::Le ? "<="
                             : e.binaryOp == ir::BinaryOp::Gt ? ">"
                                                              : ">=";
            if (s) return fmt::format("({} {} {})", sgn(a), op, sgn(b));
            if (auto folded = unsignedBoundCompare(e)) return *folded;
            return fmt::format("({} {} {})", a, op, b);
        }
        case ir::BinaryOp::BitAnd:
            return sized(w, a + " & " + b);
        case ir::BinaryOp::BitOr:
            return sized(w, a + " | " + b);
        case ir::BinaryOp::BitXor:
            return sized(w, a + " ^ " + b);
        case ir::BinaryOp::Concat:
            return "{" + a + ", " + b + "}";
        case ir::BinaryOp::LAnd:
            return "(" + a + " && " + b + ")";
        case ir::BinaryOp::LOr:
            return "(" + a + " || " + b + ")";
    }
    return unsupported(e, "this operator", loc);
}

}  // namespace hop::verilog
