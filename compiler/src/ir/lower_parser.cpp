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

void Lowering::declareParserLocals(const ParserDecl* pd) {
    for (const auto& d : pd->locals) {
        if (auto* v = dyn<VarDecl>(d)) {
            declareLocal(v, nullptr);
        } else if (auto* i = dyn<InstanceDecl>(d)) {
            auto* named = dyn<NamedTypeRef>(i->typeRef);
            auto* sub = named ? dyn<ParserDecl>(named->decl) : nullptr;
            if (!sub) {
                diags_.unsupported(d->loc, "this parser local declaration");
            } else if (!sub->ctorParams.empty() || !i->args.empty()) {
                diags_.unsupported(i->loc, "a parser with constructor parameters");
            } else {
                subParsers_[i] = sub;
            }
        } else if (!dyn<ConstDecl>(d)) {
            diags_.unsupported(d->loc, "this parser local declaration");
        }
    }
}

void Lowering::lowerParser(const ParserDecl* pd) {
    p_.parser.name = pd->name.text;
    owner_ = pd->name.text;
    inParser_ = true;
    bindBlockParams(pd->params);
    // Parser locals are initialised in start, before anything else runs.
    std::vector<Stmt> init;
    out_ = &init;
    declareParserLocals(pd);
    parserStates_.clear();
    statePrefix_.clear();
    lowerStates(pd, kAccept, init);
    p_.parser.states.assign(std::make_move_iterator(parserStates_.begin()),
                            std::make_move_iterator(parserStates_.end()));
    parserStates_.clear();
    out_ = nullptr;
    inParser_ = false;
}

// The states of `pd`, appended to parserStates_ (named under statePrefix_), `start` first: its
// `accept` goes to `accept`, its `reject` rejects the packet. `entry` runs at the top of start.
StateId Lowering::lowerStates(const ParserDecl* pd, StateId accept, std::vector<Stmt> entry) {
    std::vector<const ast::ParserState*> order;
    for (const auto& s : pd->states)
        if (s->name.text == "start") order.push_back(s.get());
    for (const auto& s : pd->states)
        if (s->name.text != "start") order.push_back(s.get());
    const auto base = static_cast<StateId>(parserStates_.size());
    std::map<std::string, StateId> ids;
    for (size_t i = 0; i < order.size(); ++i) {
        ids[order[i]->name.text] = base + static_cast<StateId>(i);
        ir::ParserState ps;
        ps.name = statePrefix_ + order[i]->name.text;
        ps.loc = order[i]->loc;
        parserStates_.push_back(std::move(ps));
    }
    auto target = [&](const ast::Name& n) -> StateId {
        if (n.text == "accept") return accept;
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
        // parserStates_ is a deque: states appended by a sub-parser keep this one in place.
        ir::ParserState* ps = &parserStates_[base + i];
        out_ = &ps->stmts;
        if (i == 0) ps->stmts = entry;
        ExprPtr pred;
        for (const auto& s : st->stmts) {
            if (const InstanceDecl* inst = subParserApplied(s.get())) {
                // The state ends in the sub-parser; what follows the apply runs in a state of
                // its own, where the sub-parser's accept goes.
                const auto after = static_cast<StateId>(parserStates_.size());
                ir::ParserState rest;
                rest.name = ps->name + ".after_" + inst->name.text;
                rest.loc = s->loc;
                parserStates_.push_back(std::move(rest));
                auto* call = dyn<CallStmt>(s)->call.get();
                ps->cases.push_back({{}, applySubParser(inst, call, after), s->loc});
                ps = &parserStates_[after];
                out_ = &ps->stmts;
                continue;
            }
            pred = lowerStmt(s.get(), pred);
        }
        if (!isTrue(pred))
            diags_.unsupported(st->loc, "conditional control flow in a parser state");
        lowerTransition(st, *ps, target);
    }
    return base;
}

void Lowering::lowerTransition(const ast::ParserState* st, ir::ParserState& ps,
                               const std::function<StateId(const ast::Name&)>& target) {
    if (!st->transition) {
        ps.cases.push_back({{}, kReject, st->loc});
        return;
    }
    if (st->transition->next) {
        ps.cases.push_back({{}, target(*st->transition->next), st->transition->loc});
        return;
    }
    for (const auto& k : st->transition->selectExprs) {
        ExprPtr e = lowerExpr(k.get());
        if (!e) return;  // reported; its cases would only repeat it
        ps.selectKeys.push_back(e);
    }
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
            diags_.error(c.loc, "select case has {} value(s) for {} key(s)", elements.size(),
                         ps.selectKeys.size());
            continue;
        }
        for (size_t k = 0; k < elements.size(); ++k) {
            // A value_set names a run-time set: there is no IR form for it yet.
            if (auto* pe = dyn<PathExpr>(elements[k]); pe && dyn<ValueSetDecl>(pe->decl)) {
                diags_.unsupported(pe->loc, "a value_set in select");
                continue;
            }
            sc.keys.push_back(lowerKeysetElement(elements[k], ps.selectKeys[k]->width, c.loc));
        }
        ps.cases.push_back(sc);
    }
}

}  // namespace hop::ir::detail
