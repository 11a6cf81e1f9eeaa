// SPDX-License-Identifier: Apache-2.0
// The reference interpreter: expressions and statements.
#include "ir/passes.hpp"
#include "sim/model/model_impl.hpp"

namespace hop::sim {

BigInt Model::Impl::eval(const ir::ExprPtr& e, const std::vector<BigInt>* args) {
    switch (e->kind) {
        case ir::ExprKind::Constant:
            return e->value;
        case ir::ExprKind::Field:
            return phv[e->index];
        case ir::ExprKind::Valid:
            return valid[e->index] ? 1 : 0;
        case ir::ExprKind::Param:
            if (!args || e->index < 0 || e->index >= static_cast<int>(args->size()))
                throw Unsupported("action parameter outside of an action");
            return (*args)[e->index];
        case ir::ExprKind::Unary:
            return unaryOp(*e, args);
        case ir::ExprKind::Binary:
            return binaryOp(*e, args);
        case ir::ExprKind::Ternary:
            return eval(e->args[0], args) != 0 ? eval(e->args[1], args) : eval(e->args[2], args);
        case ir::ExprKind::Slice:
            return (eval(e->args[0], args) >> e->lo) & ones(e->hi - e->lo + 1);
        case ir::ExprKind::Cast:
            return castOp(*e, args);
        case ir::ExprKind::TableHit:
            return tableHit[e->index] == 1 ? 1 : 0;
        case ir::ExprKind::ActionRun:
            return tableAction[e->index] == e->action ? 1 : 0;
        case ir::ExprKind::Lookahead: {
            if (!input) throw Unsupported("lookahead outside of the parser");
            if (cursor + e->width > input->size() * 8)
                throw ParserReject{errPacketTooShort,
                                   "lookahead of " + std::to_string(e->width) + " bits"};
            return readBits(*input, cursor, e->width);
        }
        case ir::ExprKind::VarbitLength:
            return varbitBits[e->index] >= 0 ? varbitBits[e->index] : p.fields[e->index].width;
    }
    throw Unsupported("unknown expression kind");
}

BigInt Model::Impl::unaryOp(const ir::Expr& e, const std::vector<BigInt>* args) {
    BigInt v = eval(e.args[0], args);
    switch (e.unaryOp) {
        case ir::UnaryOp::LNot:
            return v == 0 ? 1 : 0;
        case ir::UnaryOp::BitNot:
            return ones(e.width) ^ v;
        case ir::UnaryOp::Neg:
            return wrap(-v, e.width);
    }
    throw Unsupported("unknown unary operator");
}

BigInt Model::Impl::castOp(const ir::Expr& e, const std::vector<BigInt>* args) {
    const ir::ExprPtr& a = e.args[0];
    BigInt v = eval(a, args);
    if (a->isBool) return v != 0 ? 1 : 0;
    if (e.isBool) return v != 0 ? 1 : 0;
    // Widening extends by the source's signedness; narrowing keeps the low bits.
    if (a->isSigned && e.width > a->width) return wrap(toSigned(v, a->width), e.width);
    return wrap(v, e.width);
}

BigInt Model::Impl::binaryOp(const ir::Expr& e, const std::vector<BigInt>* args) {
    using Op = ir::BinaryOp;
    const ir::ExprPtr& l = e.args[0];
    const ir::ExprPtr& r = e.args[1];
    if (e.binaryOp == Op::LAnd) return eval(l, args) != 0 && eval(r, args) != 0 ? 1 : 0;
    if (e.binaryOp == Op::LOr) return eval(l, args) != 0 || eval(r, args) != 0 ? 1 : 0;
    BigInt a = eval(l, args);
    BigInt b = eval(r, args);
    const int w = e.width;
    const bool sgn = l->isSigned;
    auto sa = [&]() { return sgn ? toSigned(a, l->width) : a; };
    auto sb = [&]() { return r->isSigned ? toSigned(b, r->width) : b; };
    switch (e.binaryOp) {
        case Op::Add:
            return wrap(a + b, w);
        case Op::Sub:
            return wrap(a - b, w);
        case Op::Mul:
            return wrap(a * b, w);
        case Op::Div:
        case Op::Mod: {
            BigInt x = sa(), y = sb();
            if (y == 0) return 0;  // undefined in P4; BMv2 gives 0 too
            // cpp_int truncates towards zero, as C does.
            return wrap(e.binaryOp == Op::Div ? BigInt(x / y) : BigInt(x % y), w);
        }
        case Op::AddSat:
        case Op::SubSat: {
            BigInt x = sa(), y = sgn ? toSigned(b, r->width) : b;
            BigInt v = e.binaryOp == Op::AddSat ? BigInt(x + y) : BigInt(x - y);
            BigInt lo = sgn ? BigInt(-(BigInt(1) << (w - 1))) : BigInt(0);
            BigInt hi = sgn ? BigInt((BigInt(1) << (w - 1)) - 1) : ones(w);
            if (v < lo) v = lo;
            if (v > hi) v = hi;
            return wrap(v, w);
        }
        case Op::Shl:
            if (b >= w) return 0;
            return wrap(a << static_cast<unsigned>(b), w);
        case Op::Shr:
            if (sgn) {
                BigInt x = toSigned(a, w);
                if (b >= w) return x < 0 ? ones(w) : BigInt(0);
                return wrap(shiftRightSigned(x, static_cast<unsigned>(b)), w);
            }
            if (b >= w) return 0;
            return a >> static_cast<unsigned>(b);
        case Op::Eq:
            return a == b ? 1 : 0;
        case Op::Ne:
            return a != b ? 1 : 0;
        case Op::Lt:
            return sa() < sb() ? 1 : 0;
        case Op::Le:
            return sa() <= sb() ? 1 : 0;
        case Op::Gt:
            return sa() > sb() ? 1 : 0;
        case Op::Ge:
            return sa() >= sb() ? 1 : 0;
        case Op::BitAnd:
            return a & b;
        case Op::BitOr:
            return a | b;
        case Op::BitXor:
            return a ^ b;
        case Op::Concat:
            return (a << r->width) | b;
        default:
            break;
    }
    throw Unsupported(std::string("operator ") + ir::toString(e.binaryOp));
}

void Model::Impl::assign(const ir::ExprPtr& dst, const BigInt& value) {
    if (dst->kind == ir::ExprKind::Field) {
        const ir::FieldId f = dst->index;
        phv[f] = wrap(value, p.fields[f].width);
        if (f == fEgressSpec) egressSpecByMark = false;
        return;
    }
    if (dst->kind == ir::ExprKind::Slice && dst->args[0]->kind == ir::ExprKind::Field) {
        const ir::FieldId f = dst->args[0]->index;
        const int n = dst->hi - dst->lo + 1;
        const BigInt mask = ones(n) << dst->lo;
        phv[f] = (phv[f] & (ones(p.fields[f].width) ^ mask)) | ((value & ones(n)) << dst->lo);
        if (f == fEgressSpec) egressSpecByMark = false;
        return;
    }
    throw Unsupported("assignment to something other than a field or a slice of one");
}

void Model::Impl::exec(const ir::Stmt& s, const std::vector<BigInt>* args) {
    if (s.pred && eval(s.pred, args) == 0) return;
    switch (s.kind) {
        case ir::StmtKind::Assign:
            assign(s.dst, eval(s.src, args));
            return;
        case ir::StmtKind::SetValid:
            valid[s.header] = 1;
            return;
        case ir::StmtKind::SetInvalid:
            valid[s.header] = 0;
            return;
        case ir::StmtKind::MarkToDrop:
            if (fEgressSpec >= 0) phv[fEgressSpec] = kDropPort;
            if (fMcastGrp >= 0) phv[fMcastGrp] = 0;
            egressSpecByMark = true;
            dropAction = currentAction;
            dropTable = currentTable;
            return;
        case ir::StmtKind::Exit:
            if (exitFlag >= 0) phv[exitFlag] = 1;
            exited = true;
            return;
        case ir::StmtKind::ApplyTable:
            applyTable(s.table);
            return;
        case ir::StmtKind::Extract:
            extract(s, args);
            return;
        case ir::StmtKind::Advance: {
            // BMv2 moves its cursor in bytes: an amount that is not whole bytes is
            // ParserInvalidArgument (the spec allows a target to say so), before the length.
            BigInt n = eval(s.src, args);
            if (n % 8 != 0)
                throw ParserReject{errorCode("ParserInvalidArgument"),
                                   "advance by " + n.str() + " bits, not whole bytes"};
            if (cursor + n > input->size() * 8)
                throw ParserReject{errPacketTooShort, "advance by " + n.str() + " bits"};
            cursor += static_cast<size_t>(n);
            return;
        }
        case ir::StmtKind::Verify:
            if (eval(s.src, args) == 0) throw ParserReject{s.error, "verify failed"};
            return;
        case ir::StmtKind::Count:
        case ir::StmtKind::RegRead:
        case ir::StmtKind::RegWrite:
        case ir::StmtKind::MeterExec:
            execExtern(s, args);
            return;
        case ir::StmtKind::Hash:
            hashStmt(s, args);
            return;
        case ir::StmtKind::Log:
            if (tracing) logStmt(s, args);
            return;
        case ir::StmtKind::Check:
            if (eval(s.src, args) == 0) throw CheckFailed(s.text + " failed");
            return;
        case ir::StmtKind::HeaderCopy:
        case ir::StmtKind::StackCopy:
        case ir::StmtKind::StackPushFront:
        case ir::StmtKind::StackPopFront:
            throw std::logic_error(ir::unexpandedError(s, "the model"));
    }
    throw Unsupported("unknown statement kind");
}

}  // namespace hop::sim
