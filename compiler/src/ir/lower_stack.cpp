// SPDX-License-Identifier: Apache-2.0
// Lowers header stack operations (P4_16 8.18, 12.8.1): elements chosen at run time (`s[i]`,
// `s.last`, `s.next`) become one alternative per element, each under the condition that selects
// it, so a read is a multiplexer and a write one predicated statement per element.
// push_front / pop_front and whole-header copies stay one structured statement each (written
// out by the expand-structured pass, ir/pass_expand.cpp). `extract(s.next)` stays a stack
// extract in the IR (Stmt::stack): which element it fills is the stack's nextIndex, a
// per-packet field.
#include <fmt/format.h>

#include "ir/lower_internal.hpp"

namespace hop::ir::detail {

int Lowering::stackAt(const std::string& path) const {
    for (size_t i = 0; i < p_.stacks.size(); ++i)
        if (p_.stacks[i].name == path) return static_cast<int>(i);
    return -1;
}

ExprPtr Lowering::nextIndexOf(int stack) const {
    FieldId f = p_.stacks[stack].nextIndex;
    return fieldRef(f, p_.fields[f].width);
}

// `base[index]` with a run-time index: element i when index == i. An index past the end names
// no element (reads give 0, writes do nothing): the spec leaves both unspecified.
Ref Lowering::stackElement(const Ref& base, const ast::Expr* index) {
    int sid = base.kind == Ref::Kind::Path && base.alts.empty() ? stackAt(base.path) : -1;
    if (sid < 0) {
        diags_.unsupported(index->loc, "a run-time index into this value");
        return Ref{};
    }
    // `s[f(x)] |= e` reads and writes the same element: the index is evaluated once per
    // statement (its calls run once), and its value is kept from before the right side runs.
    ExprPtr idx;
    if (auto it = indexOnce_.find(index); it != indexOnce_.end()) {
        idx = it->second;
    } else {
        idx = lowerExpr(index);
        if (!idx) return Ref{};
        if (idx->kind != ExprKind::Constant) {
            FieldId f =
                p_.addField(temporaries(owner_), fmt::format("{}.$index{}", owner_, tempCounter_++),
                            idx->width, idx->isSigned, false);
            ExprPtr ref = fieldRef(f, idx->width, idx->isSigned, false);
            Stmt s;
            s.kind = StmtKind::Assign;
            s.dst = ref;
            s.src = idx;
            s.loc = index->loc;
            out_->push_back(s);
            idx = ref;
        }
        indexOnce_[index] = idx;
    }
    Ref r;
    r.kind = Ref::Kind::Path;
    const auto& st = p_.stacks[sid];
    for (size_t i = 0; i < st.size(); ++i) {
        int valueBits = idx->isSigned ? idx->width - 1 : idx->width;
        if (valueBits < 64 && i >= (size_t{1} << valueBits)) break;  // the index cannot reach it
        r.alts.push_back({binary(BinaryOp::Eq, idx, constant(i, idx->width, idx->isSigned)),
                          stackElementName(sid, i)});
    }
    return r;
}

// `s.last` is the element at nextIndex - 1; `s.next` (outside extract) the one at nextIndex.
Ref Lowering::stackLast(const Ref& base, SourceLoc loc) {
    (void)loc;
    Ref r;
    int sid = stackAt(base.path);
    r.kind = Ref::Kind::Path;
    const auto& st = p_.stacks[sid];
    for (size_t i = 0; i < st.size(); ++i)
        r.alts.push_back({binary(BinaryOp::Eq, nextIndexOf(sid), constant(i + 1, 32)),
                          stackElementName(sid, i)});
    return r;
}

ExprPtr Lowering::altsToExpr(const Ref& r, SourceLoc loc) {
    std::vector<ExprPtr> values;
    for (const auto& [cond, path] : r.alts) {
        Ref one;
        one.kind = Ref::Kind::Path;
        one.path = path;
        ExprPtr v = refToExpr(one, loc);
        if (!v) return nullptr;
        values.push_back(v);
    }
    if (values.empty()) {
        diags_.unsupported(loc, "a stack index that can name no element");
        return nullptr;
    }
    const ExprPtr& v0 = values.front();
    ExprPtr out = v0->isBool ? boolConst(false) : constant(0, v0->width, v0->isSigned);
    for (size_t i = values.size(); i-- > 0;) out = ternary(r.alts[i].first, values[i], out);
    return out;
}

bool Lowering::assignDynamic(const ast::Expr* lhs, const ast::Expr* rhs, ExprPtr pred,
                             SourceLoc loc) {
    const ast::Expr* target = lhs;
    std::optional<BigInt> hi, lo;
    if (auto* s = dyn<SliceExpr>(lhs)) {
        target = s->base.get();
        hi = constOf(s->hi.get());
        lo = constOf(s->lo.get());
        if (!hi || !lo) return false;
    }
    if (!dyn<IndexExpr>(target) && !dyn<MemberExpr>(target)) return false;
    Ref l = resolve(target);
    if (l.alts.empty()) return false;
    // The conditions are read once, before any element changes.
    std::vector<std::pair<ExprPtr, ExprPtr>> dsts;
    for (const auto& [cond, path] : l.alts) {
        FieldId f = p_.findField(path);
        bool header = f < 0 && p_.findHeader(path) >= 0;
        if (f < 0 && !header && unionAt(path) >= 0) {
            // An element of a stack of unions: assigned as a whole union.
            assignFromExpr(path, target->type, rhs, stable(andPred(pred, cond), "idx", loc), loc);
            continue;
        }
        if (f < 0 && !header) {
            diags_.unsupported(loc, "assigning to '" + exprText(lhs) + "'");
            return true;
        }
        ExprPtr c = stable(andPred(pred, cond), "idx", loc);
        if (header) {
            Ref r = resolve(rhs);
            HeaderId src = r.kind == Ref::Kind::Path ? p_.findHeader(r.path) : -1;
            if (src < 0) {
                diags_.unsupported(loc, "assigning this value to a stack element");
                return true;
            }
            copyHeader(p_.findHeader(path), src, c, loc);
            continue;
        }
        ExprPtr d = fieldRef(f, p_.fields[f].width, p_.fields[f].isSigned, p_.fields[f].isBool);
        if (hi) d = slice(d, static_cast<int>(*hi), static_cast<int>(*lo));
        dsts.push_back({c, d});
    }
    if (dsts.empty()) return true;
    ExprPtr d0 = dsts.front().second;
    ExprPtr src = lowerExpr(rhs, {d0->width, d0->isSigned, d0->isBool});
    for (const auto& [c, d] : dsts) assign(d, src, c, loc);
    return true;
}

// One HeaderCopy statement (P4_16 8.17: assigning a header copies its fields and its
// validity); the expand-structured pass writes it out field by field.
void Lowering::copyHeader(HeaderId dst, HeaderId src, ExprPtr pred, SourceLoc loc) {
    if (!sameShape(dst, src)) {
        diags_.unsupported(loc, "assigning a header of another type");
        return;
    }
    Stmt s;
    s.kind = StmtKind::HeaderCopy;
    s.header = dst;
    s.from = src;
    s.pred = pred;
    s.scratch = {validSnapshot()};
    s.loc = loc;
    // Kept under a false predicate too: its validity snapshot is written unconditionally.
    out_->push_back(s);
    // A union member assigned (valid or not) leaves no other member of its union valid.
    invalidateSiblings(dst, pred, loc);
}

FieldId Lowering::validSnapshot() {
    HeaderId h = temporaries(owner_);
    return p_.addField(h, fmt::format("{}.$valid{}", owner_, tempCounter_++), 1, false, true);
}

bool Lowering::sameShape(HeaderId a, HeaderId b) const {
    const Header& x = p_.headers[a];
    const Header& y = p_.headers[b];
    if (x.fields.size() != y.fields.size()) return false;
    for (size_t i = 0; i < x.fields.size(); ++i) {
        const Field& f = p_.fields[x.fields[i]];
        const Field& g = p_.fields[y.fields[i]];
        if (f.width != g.width || f.isSigned != g.isSigned || f.isBool != g.isBool) return false;
    }
    return true;
}

// push_front(n) / pop_front(n): one statement; the expand-structured pass writes out the
// specification's pseudo-code (8.18).
std::optional<ExprPtr> Lowering::callPushPop(const CallSite& c, ExprPtr pred) {
    if (c.receiver.kind != Ref::Kind::Path || !c.receiver.alts.empty()) return std::nullopt;
    int sid = stackAt(c.receiver.path);
    if (sid < 0) return std::nullopt;
    if (!p_.stacks[sid].unions.empty()) return unionPushPop(c, pred);
    auto n = constOf(c.arg(0));
    if (!n || *n < 0) {
        diags_.error(c.loc, "{} needs a non-negative compile-time count", c.method);
        return pred;
    }
    const std::vector<HeaderId>& el = p_.stacks[sid].elements;
    const int size = static_cast<int>(el.size());
    const int count = *n > size ? size : static_cast<int>(*n);
    if (size > count && !sameShape(el[0], el[count])) {
        diags_.unsupported(c.loc, "assigning a header of another type");
        return pred;
    }
    Stmt s;
    s.kind = c.method == "push_front" ? StmtKind::StackPushFront : StmtKind::StackPopFront;
    s.stack = sid;
    s.count = count;
    s.pred = pred;
    s.loc = c.loc;
    for (int i = 0; i < size - count; ++i) s.scratch.push_back(validSnapshot());
    out_->push_back(s);  // under a false predicate too, as copyHeader
    return pred;
}

}  // namespace hop::ir::detail
