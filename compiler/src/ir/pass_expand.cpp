// SPDX-License-Identifier: Apache-2.0
// The expand-structured pass: whole-header and whole-stack copies and push_front / pop_front
// become the per-field statements the backends build (P4_16 8.17, 8.18). A header copy is its
// fields, then the destination's validity from a snapshot of the source's (Stmt::scratch), so a
// stack shift that moves element i - 1 into element i reads each source before it changes.
#include <fmt/format.h>

#include "ir/passes.hpp"

namespace hop::ir {
namespace {

class Expander {
  public:
    Expander(const Program& program, Diagnostics& diags) : p_(program), diags_(diags) {}

    std::vector<Stmt> run(const std::vector<Stmt>& in) {
        out_.clear();
        for (const Stmt& s : in) {
            switch (s.kind) {
                case StmtKind::HeaderCopy:
                    if (scratchFits(s, 1))
                        copyHeader(s.header, s.from, s.pred, s.scratch[0], s.loc);
                    break;
                case StmtKind::StackCopy:
                    stackCopy(s);
                    break;
                case StmtKind::StackPushFront:
                case StmtKind::StackPopFront:
                    shift(s);
                    break;
                default:
                    out_.push_back(s);
            }
        }
        return std::move(out_);
    }

  private:
    // As the lowering emits: nothing under a false predicate.
    void emit(Stmt s, ExprPtr pred) {
        if (isFalse(pred)) return;
        s.pred = std::move(pred);
        out_.push_back(std::move(s));
    }
    ExprPtr field(FieldId f) const {
        const Field& fd = p_.fields[f];
        return fieldRef(f, fd.width, fd.isSigned, fd.isBool);
    }
    void assign(ExprPtr dst, ExprPtr src, ExprPtr pred, SourceLoc loc) {
        Stmt s;
        s.kind = StmtKind::Assign;
        s.dst = std::move(dst);
        s.src = std::move(src);
        s.loc = loc;
        emit(std::move(s), std::move(pred));
    }
    void validity(StmtKind kind, HeaderId h, ExprPtr pred, SourceLoc loc) {
        Stmt s;
        s.kind = kind;
        s.header = h;
        s.loc = loc;
        emit(std::move(s), std::move(pred));
    }
    bool scratchFits(const Stmt& s, size_t n) {
        if (s.scratch.size() == n) return true;
        diags_.error(s.loc,
                     "internal error: a structured copy with {} validity temporaries "
                     "instead of {}",
                     s.scratch.size(), n);
        return false;
    }

    // Field by field, then the validity bit from the snapshot, which is taken unconditionally
    // (a 1-bit temporary nothing else reads).
    void copyHeader(HeaderId dst, HeaderId src, const ExprPtr& pred, FieldId scratch,
                    SourceLoc loc) {
        const Header& d = p_.headers[dst];
        const Header& s = p_.headers[src];
        for (size_t i = 0; i < d.fields.size(); ++i)
            assign(field(d.fields[i]), field(s.fields[i]), pred, loc);
        ExprPtr v = fieldRef(scratch, 1, false, true);
        Stmt snap;
        snap.kind = StmtKind::Assign;
        snap.dst = v;
        snap.src = validRef(src);
        snap.loc = loc;
        out_.push_back(snap);
        validity(StmtKind::SetValid, dst, andPred(pred, v), loc);
        validity(StmtKind::SetInvalid, dst, andPred(pred, notPred(v)), loc);
    }

    void stackCopy(const Stmt& s) {
        const auto& dst = p_.stacks[s.stack].elements;
        const auto& src = p_.stacks[s.from].elements;
        if (!scratchFits(s, dst.size())) return;
        for (size_t i = 0; i < dst.size(); ++i)
            copyHeader(dst[i], src[i], s.pred, s.scratch[i], s.loc);
    }

    // The specification's pseudo-code: push_front(n) moves element i - n into i from the top
    // down and invalidates the first n; pop_front(n) moves i + n into i from the bottom up and
    // invalidates the last n. nextIndex grows (at most to the size) or shrinks (at least to 0).
    void shift(const Stmt& s) {
        const auto& el = p_.stacks[s.stack].elements;
        const int size = static_cast<int>(el.size());
        const int count = s.count;
        if (!scratchFits(s, static_cast<size_t>(size - count))) return;
        size_t k = 0;
        const FieldId nextField = p_.stacks[s.stack].nextIndex;
        ExprPtr next = fieldRef(nextField, p_.fields[nextField].width);
        ExprPtr cnt = constant(count, 32);
        ExprPtr newNext;
        if (s.kind == StmtKind::StackPushFront) {
            for (int i = size - 1; i >= 0; --i) {
                if (i >= count)
                    copyHeader(el[i], el[i - count], s.pred, s.scratch[k++], s.loc);
                else
                    validity(StmtKind::SetInvalid, el[i], s.pred, s.loc);
            }
            ExprPtr sum = binary(BinaryOp::Add, next, cnt);
            ExprPtr full = constant(size, 32);
            newNext = ternary(binary(BinaryOp::Gt, sum, full), full, sum);
        } else {
            for (int i = 0; i < size; ++i) {
                if (i + count < size)
                    copyHeader(el[i], el[i + count], s.pred, s.scratch[k++], s.loc);
                else
                    validity(StmtKind::SetInvalid, el[i], s.pred, s.loc);
            }
            newNext = ternary(binary(BinaryOp::Ge, next, cnt), binary(BinaryOp::Sub, next, cnt),
                              constant(0, 32));
        }
        assign(next, newNext, s.pred, s.loc);
    }

    const Program& p_;
    Diagnostics& diags_;
    std::vector<Stmt> out_;
};

}  // namespace

bool expandStructured(Program& program, Diagnostics& diags) {
    Expander expander(program, diags);
    const int before = diags.errorCount();
    forEachStmtList(program, [&](std::vector<Stmt>& list) { list = expander.run(list); });
    return diags.errorCount() == before;
}

}  // namespace hop::ir
