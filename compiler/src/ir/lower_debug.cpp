// SPDX-License-Identifier: Apache-2.0
// Lowers v1model's random, truncate, log_msg, assert and assume.
#include <fmt/format.h>

#include <map>

#include "ir/lower_internal.hpp"

namespace hop::ir::detail {

namespace {

bool constantValue(const ExprPtr& e) { return e && e->kind == ExprKind::Constant; }

}  // namespace

// random(result, lo, hi): result = lo + (R % (hi - lo + 1)), where R is the CRC-32 of the
// packet's sequence number (kPacketSeqField) and the call's number (its rank in source
// order, numberRandomCalls). For one call the CRC of
// the 32-bit sequence number is a bijection, so over 2^32 packets every value comes once:
// uniform, repeatable, and the same on both engines. lo > hi gives lo (a max of 0 is 1, as in
// the hash extern); the result holds at most 32 random bits.
std::optional<ExprPtr> Lowering::callRandom(const CallSite& c, ExprPtr pred) {
    if (c.callee || c.call->args.size() != 3) return std::nullopt;
    if (inParser_ || checksumMode_) {
        diags_.unsupported(c.loc, "random in a parser or a checksum control");
        return pred;
    }
    Stmt s;
    s.kind = StmtKind::Hash;
    s.loc = c.loc;
    s.algorithm = HashAlgorithm::Crc32;
    s.dst = lvalue(c.arg(0));
    if (!s.dst) return pred;
    const int w = s.dst->width;
    ExprPtr lo = lowerExpr(c.arg(1), {w}), hi = lowerExpr(c.arg(2), {w});
    if (!lo || !hi) return pred;
    lo = cast(lo, 64, false);
    hi = cast(hi, 64, false);
    const BigInt two64 = BigInt(1) << 64;
    if (constantValue(lo) && constantValue(hi)) {
        BigInt range = hi->value >= lo->value ? hi->value - lo->value + 1 : BigInt(0);
        // The whole 64-bit range: any max past the 32 random bits leaves them whole.
        if (range == two64) range = BigInt(1) << 32;
        s.src2 = constant(range, 64);
    } else {
        s.src2 = ternary(binary(BinaryOp::Ge, hi, lo),
                         binary(BinaryOp::Add, binary(BinaryOp::Sub, hi, lo), constant(1, 64)),
                         constant(0, 64));
    }
    s.src = lo;
    FieldId seq = p_.findField(kPacketSeqField);
    if (seq < 0) seq = p_.addField(temporaries("$packet"), kPacketSeqField, 32);
    s.args = {fieldRef(seq, 32), constant(0, 16)};  // the call's number: numberRandomCalls()
    emit(s, pred);
    return pred;
}

// random()'s calls numbered in source order (an action's call keeps its one number wherever
// the action runs), once the whole program is lowered.
void Lowering::numberRandomCalls() {
    const FieldId seq = p_.findField(kPacketSeqField);
    if (seq < 0) return;
    auto isRandom = [&](const Stmt& s) {
        return s.kind == StmtKind::Hash && s.args.size() == 2 &&
               s.args[0]->kind == ExprKind::Field && s.args[0]->index == seq;
    };
    std::vector<std::vector<Stmt>*> bodies{&p_.ingress.stmts, &p_.egress.stmts};
    for (Action& a : p_.actions) bodies.push_back(&a.body);
    for (Table& t : p_.tables)
        for (ActionRef& r : t.actions)
            if (r.bound) bodies.push_back(&r.body);
    std::map<uint32_t, int> number;
    for (auto* b : bodies)
        for (const Stmt& s : *b)
            if (isRandom(s)) number.emplace(s.loc.offset, 0);
    int n = 0;
    for (auto& [offset, k] : number) k = n++;
    for (auto* b : bodies)
        for (Stmt& s : *b)
            if (isRandom(s)) s.args[1] = constant(number.at(s.loc.offset), 16);
}

// truncate(length): the packet leaves with at most `length` bytes (the deparsed frame, headers
// included; the last call wins). Two fields the engines read after the deparser
// (kTruncateField, kTruncateLengthField).
std::optional<ExprPtr> Lowering::callTruncate(const CallSite& c, ExprPtr pred) {
    if (c.callee || c.call->args.size() != 1) return std::nullopt;
    if (inParser_ || checksumMode_) {
        diags_.unsupported(c.loc, "truncate in a parser or a checksum control");
        return pred;
    }
    ExprPtr len = lowerExpr(c.arg(0), {32});
    if (!len) return pred;
    FieldId on = p_.findField(kTruncateField), n = p_.findField(kTruncateLengthField);
    if (on < 0) on = p_.addField(temporaries("$packet"), kTruncateField, 1, false, true);
    if (n < 0) n = p_.addField(temporaries("$packet"), kTruncateLengthField, 32);
    Stmt s;
    s.kind = StmtKind::Assign;
    s.loc = c.loc;
    s.dst = fieldRef(on, 1, false, true);
    s.src = boolConst(true);
    emit(s, pred);
    s.dst = fieldRef(n, 32);
    s.src = cast(len, 32, false);
    emit(s, pred);
    return pred;
}

// log_msg(msg) and log_msg(msg, data): the data a value, or a list of them, one per `{}`.
std::optional<ExprPtr> Lowering::callLogMsg(const CallSite& c, ExprPtr pred) {
    if (c.callee || c.call->args.empty() || c.call->args.size() > 2) return std::nullopt;
    auto* msg = dyn<ast::StringLiteral>(c.arg(0));
    if (!msg) {
        diags_.unsupported(c.arg(0)->loc, "a log_msg message that is not a string literal");
        return pred;
    }
    Stmt s;
    s.kind = StmtKind::Log;
    s.loc = c.loc;
    s.text = msg->value;
    if (c.call->args.size() == 2) {
        std::vector<const ast::Expr*> data;
        if (auto* list = dyn<ListExpr>(c.arg(1))) {
            for (const auto& el : list->elements) data.push_back(el.get());
        } else {
            data.push_back(c.arg(1));
        }
        for (const ast::Expr* d : data) {
            ExprPtr v = lowerExpr(d);
            if (!v || v->width <= 0) {
                diags_.unsupported(d->loc, "'" + exprText(d) + "' in log_msg's data");
                return pred;
            }
            s.args.push_back(v);
        }
    }
    emit(s, pred);
    return pred;
}

std::optional<ExprPtr> Lowering::callCheck(const CallSite& c, ExprPtr pred) {
    if (c.callee || c.call->args.size() != 1) return std::nullopt;
    Stmt s;
    s.kind = StmtKind::Check;
    s.loc = c.loc;
    // What the model reports when it fails: the extern and where it is called.
    s.text = c.method;
    if (const SourceBuffer* src = diags_.source(); src && c.loc.valid()) {
        const OriginalLoc at = src->resolve(c.loc);
        s.text += fmt::format(" at {}:{}:{}", at.file, at.line, at.col);
    }
    s.src = lowerExpr(c.arg(0));
    if (s.src) emit(s, pred);
    return pred;
}

}  // namespace hop::ir::detail
