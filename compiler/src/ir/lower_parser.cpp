// SPDX-License-Identifier: Apache-2.0
// Lowers the parser: states, select keys and keysets into a state graph.
#include <map>

#include "ir/lower_internal.hpp"

namespace hop::ir::detail {

Match Lowering::lowerKeysetElement(const ast::Expr* e, int width, SourceLoc loc) {
    Match m;
    BigInt full = (BigInt(1) << width) - 1;
    auto value = [&](const ast::Expr* x) -> BigInt {
        auto v = constOf(x);
        if (!v) {
            diags_.unsupported(x ? x->loc : loc, "a non-constant keyset value");
            return 0;
        }
        BigInt r = *v % (BigInt(1) << width);
        if (r < 0) r += BigInt(1) << width;
        return r;
    };
    if (!e || dyn<DefaultExpr>(e) || dyn<DontCareExpr>(e)) {
        m.kind = Match::Kind::DontCare;
        return m;
    }
    if (auto* b = dyn<BinaryExpr>(e)) {
        if (b->op == ast::BinaryOp::Mask) {
            m.kind = Match::Kind::Ternary;
            m.mask = value(b->rhs.get());
            m.value = value(b->lhs.get()) & m.mask;
            return m;
        }
        if (b->op == ast::BinaryOp::Range) {
            m.kind = Match::Kind::Range;
            m.value = value(b->lhs.get());
            m.high = value(b->rhs.get());
            return m;
        }
    }
    m.kind = Match::Kind::Exact;
    m.value = value(e);
    m.mask = full;
    return m;
}

void Lowering::lowerParser(const ParserDecl* pd) {
    p_.parser.name = pd->name.text;
    owner_ = pd->name.text;
    inParser_ = true;
    bindBlockParams(pd->params);
    for (const auto& d : pd->locals) {
        if (auto* v = dyn<VarDecl>(d)) {
            // Parser locals are initialised in start, before anything else runs.
            std::vector<Stmt> init;
            out_ = &init;
            declareLocal(v, nullptr);
            pendingInit_.insert(pendingInit_.end(), init.begin(), init.end());
        } else if (!dyn<ConstDecl>(d)) {
            diags_.unsupported(d->loc, "this parser local declaration");
        }
    }
    // States in source order, with `start` first so that state 0 is the entry.
    std::vector<const ast::ParserState*> order;
    for (const auto& s : pd->states)
        if (s->name.text == "start") order.push_back(s.get());
    for (const auto& s : pd->states)
        if (s->name.text != "start") order.push_back(s.get());
    std::map<std::string, StateId> ids;
    for (size_t i = 0; i < order.size(); ++i) ids[order[i]->name.text] = static_cast<StateId>(i);
    auto target = [&](const ast::Name& n) -> StateId {
        if (n.text == "accept") return kAccept;
        if (n.text == "reject") return kReject;
        auto it = ids.find(n.text);
        if (it == ids.end()) {
            diags_.error(n.loc, "unknown parser state '{}'", n.text);
            return kReject;
        }
        return it->second;
    };
    for (size_t i = 0; i < order.size(); ++i) {
        const ast::ParserState* st = order[i];
        ir::ParserState ps;
        ps.name = st->name.text;
        ps.loc = st->loc;
        out_ = &ps.stmts;
        if (i == 0) ps.stmts = pendingInit_;
        ExprPtr pred;
        for (const auto& s : st->stmts) pred = lowerStmt(s.get(), pred);
        if (!isTrue(pred))
            diags_.unsupported(st->loc, "conditional control flow in a parser state");
        if (!st->transition) {
            ps.cases.push_back({{}, kReject, st->loc});
        } else if (st->transition->next) {
            ps.cases.push_back({{}, target(*st->transition->next), st->transition->loc});
        } else {
            for (const auto& k : st->transition->selectExprs)
                if (ExprPtr e = lowerExpr(k.get())) ps.selectKeys.push_back(e);
            for (const auto& c : st->transition->cases) {
                SelectCase sc;
                sc.next = target(c.next);
                sc.loc = c.loc;
                std::vector<const ast::Expr*> elements;
                if (auto* l = dyn<ListExpr>(c.keyset)) {
                    for (const auto& el : l->elements) elements.push_back(el.get());
                } else if (dyn<DefaultExpr>(c.keyset) || dyn<DontCareExpr>(c.keyset)) {
                    elements.assign(ps.selectKeys.size(), nullptr);
                } else {
                    elements.push_back(c.keyset.get());
                }
                if (elements.size() != ps.selectKeys.size()) {
                    diags_.error(c.loc, "select case has {} value(s) for {} key(s)",
                                 elements.size(), ps.selectKeys.size());
                    continue;
                }
                for (size_t k = 0; k < elements.size(); ++k) {
                    // A value_set names a run-time set: there is no IR form for it yet.
                    if (auto* pe = dyn<PathExpr>(elements[k]); pe && dyn<ValueSetDecl>(pe->decl)) {
                        diags_.unsupported(pe->loc, "a value_set in select");
                        continue;
                    }
                    sc.keys.push_back(
                        lowerKeysetElement(elements[k], ps.selectKeys[k]->width, c.loc));
                }
                ps.cases.push_back(sc);
            }
        }
        p_.parser.states.push_back(std::move(ps));
    }
    inParser_ = false;
}

}  // namespace hop::ir::detail
