// SPDX-License-Identifier: Apache-2.0
// Lowers header unions (P4_16 8.20) and stacks of them (8.21). A union is its member headers
// (Program::unions names them); a stack of unions is a stack whose elements are unions
// (HeaderStack::unions), so `s[i]`, `s.last`, `s.next`, push_front and pop_front work on it as
// on a header stack, an element being a union instead of a header. At most one member is
// valid: making one valid or invalid (setValid, setInvalid, extract, assigning a header to it)
// invalidates the others. Assigning a whole union copies every member with its validity;
// comparing two goes member by member (lower_aggregate.cpp): with at most one member valid on
// each side, that is the specification's union equality.
#include <fmt/format.h>

#include "ir/lower_internal.hpp"

namespace hop::ir::detail {

int Lowering::addUnionInstance(const std::string& path, const sema::Type* t) {
    HeaderUnion u;
    u.name = path;
    int unionId = static_cast<int>(p_.unions.size());
    for (const auto& m : t->fields) {
        if (!m.type || m.type->kind != TypeKind::Header) continue;
        addHeaderInstance(path + "." + m.name, m.type);
        p_.headers.back().headerUnion = unionId;
        u.members.push_back(static_cast<HeaderId>(p_.headers.size() - 1));
    }
    p_.unions.push_back(u);
    return unionId;
}

int Lowering::addUnionStack(const std::string& path, const sema::Type* t) {
    HeaderStack stack;
    stack.name = path;
    int stackId = static_cast<int>(p_.stacks.size());
    for (int i = 0; i < t->size; ++i) {
        int u = addUnionInstance(fmt::format("{}[{}]", path, i), t->element);
        p_.unions[u].stack = stackId;
        p_.unions[u].stackIndex = i;
        stack.unions.push_back(u);
    }
    p_.stacks.push_back(stack);
    return stackId;
}

int Lowering::unionAt(const std::string& path) const {
    for (size_t i = 0; i < p_.unions.size(); ++i)
        if (p_.unions[i].name == path) return static_cast<int>(i);
    return -1;
}

std::string Lowering::stackElementName(int stack, size_t i) const {
    const HeaderStack& st = p_.stacks[stack];
    return st.unions.empty() ? p_.headers[st.elements[i]].name : p_.unions[st.unions[i]].name;
}

// A union is valid when any member is.
ExprPtr Lowering::validOf(const std::string& path) const {
    if (HeaderId h = p_.findHeader(path); h >= 0) return validRef(h);
    int u = unionAt(path);
    if (u < 0) return nullptr;
    ExprPtr any;
    for (HeaderId h : p_.unions[u].members)
        any = any ? binary(BinaryOp::LOr, any, validRef(h)) : validRef(h);
    return any ? any : boolConst(false);
}

// Making a member valid or invalid (setValid, setInvalid, extract, assigning a header to it)
// leaves every other member invalid (P4_16 8.20: after u.m.setInvalid() no member is valid).
void Lowering::invalidateSiblings(HeaderId h, ExprPtr pred, SourceLoc loc) {
    for (HeaderId other : p_.unionSiblings(h)) {
        Stmt s;
        s.kind = StmtKind::SetInvalid;
        s.header = other;
        s.loc = loc;
        emit(s, pred);
    }
}

// `u = v`: every member's fields and validity, one HeaderCopy per member (expanded by the
// expand-structured pass). Without the union rule of copyHeader: a member copied invalid after
// the valid one must not invalidate it. The two unions are distinct, so every source validity
// is read before anything it depends on changes.
void Lowering::copyUnion(const std::string& dst, const std::string& src, ExprPtr pred,
                         SourceLoc loc) {
    int d = unionAt(dst), s = unionAt(src);
    if (d < 0 || s < 0) {
        diags_.unsupported(loc, fmt::format("assigning '{}' to '{}'", src, dst));
        return;
    }
    if (d == s) return;
    const std::vector<HeaderId> dm = p_.unions[d].members, sm = p_.unions[s].members;
    for (size_t k = 0; k < dm.size() && k < sm.size(); ++k) {
        Stmt c;
        c.kind = StmtKind::HeaderCopy;
        c.header = dm[k];
        c.from = sm[k];
        c.pred = pred;
        c.scratch = {validSnapshot()};
        c.loc = loc;
        // Kept under a false predicate too, as copyHeader does.
        out_->push_back(c);
    }
}

// `extract(s.next.m)` on a stack of unions: member m of the element at nextIndex.
bool Lowering::unionStackNext(const ast::Expr* target, Stmt& s) {
    auto* m = dyn<MemberExpr>(target);
    auto* next = m ? dyn<MemberExpr>(m->base) : nullptr;
    if (!next || next->member.text != "next") return false;
    Ref base = resolve(next->base.get());
    int sid = base.kind == Ref::Kind::Path && base.alts.empty() ? stackAt(base.path) : -1;
    if (sid < 0 || p_.stacks[sid].unions.empty()) return false;
    const HeaderUnion& u0 = p_.unions[p_.stacks[sid].unions.front()];
    for (size_t k = 0; k < u0.members.size(); ++k)
        if (p_.headers[u0.members[k]].name == u0.name + "." + m->member.text) {
            s.stack = sid;
            s.member = static_cast<int>(k);
            return true;
        }
    return false;
}

// push_front / pop_front of a stack of unions: as callPushPop does for headers, each element
// moved as a whole union (every member with its validity).
std::optional<ExprPtr> Lowering::unionPushPop(const CallSite& c, ExprPtr pred) {
    int sid = stackAt(c.receiver.path);
    auto n = constOf(c.arg(0));
    if (!n || *n < 0) {
        diags_.error(c.loc, "{} needs a non-negative compile-time count", c.method);
        return pred;
    }
    const std::vector<int> el = p_.stacks[sid].unions;
    const int size = static_cast<int>(el.size());
    const int count = *n > size ? size : static_cast<int>(*n);
    auto move = [&](int dst, int src) {
        copyUnion(p_.unions[el[dst]].name, p_.unions[el[src]].name, pred, c.loc);
    };
    auto invalidate = [&](int i) {
        for (HeaderId h : p_.unions[el[i]].members) {
            Stmt s;
            s.kind = StmtKind::SetInvalid;
            s.header = h;
            s.loc = c.loc;
            emit(s, pred);
        }
    };
    ExprPtr next = nextIndexOf(sid);
    ExprPtr cnt = constant(count, 32);
    ExprPtr newNext;
    if (c.method == "push_front") {
        for (int i = size - 1; i >= 0; --i) i >= count ? move(i, i - count) : invalidate(i);
        ExprPtr sum = binary(BinaryOp::Add, next, cnt);
        ExprPtr full = constant(size, 32);
        newNext = ternary(binary(BinaryOp::Gt, sum, full), full, sum);
    } else {
        for (int i = 0; i < size; ++i) i + count < size ? move(i, i + count) : invalidate(i);
        newNext = ternary(binary(BinaryOp::Ge, next, cnt), binary(BinaryOp::Sub, next, cnt),
                          constant(0, 32));
    }
    assign(next, newNext, pred, c.loc);
    return pred;
}

}  // namespace hop::ir::detail
