// SPDX-License-Identifier: Apache-2.0
// Lowers sub-parsers (P4_16 13.8.1, "Invoking sub-parsers"): `p.apply(packet, ...)` of a parser
// instance declared in a parser. Each apply inlines the callee's states, named under the
// instance, into the caller's state graph, as p4c's inliner does: the calling state binds the
// arguments and goes to the callee's start; the callee's accept goes to a new state holding
// what follows the apply and the calling state's transition; its reject rejects the packet.
// So the IR, the model and the Verilog backend see one flat parser.
#include <fmt/format.h>

#include "ir/lower_internal.hpp"

namespace hop::ir::detail {

const InstanceDecl* Lowering::subParserApplied(const ast::Stmt* s) const {
    auto* cs = dyn<CallStmt>(s);
    auto* callee = cs && cs->call ? dyn<MemberExpr>(cs->call->callee) : nullptr;
    if (!callee || callee->member.text != "apply") return nullptr;
    auto* base = dyn<PathExpr>(callee->base);
    if (!base) return nullptr;
    auto it = subParsers_.find(base->decl);
    return it == subParsers_.end() ? nullptr : dyn<InstanceDecl>(it->first);
}

// Headers under `path` invalid: what an `out` argument of header type holds on entry (p4c
// invalidates them; the callee's own scalars are left as they are).
void Lowering::invalidateHeaders(const std::string& path, const sema::Type* t, SourceLoc loc) {
    if (!t) return;
    if (t->kind == TypeKind::Header) {
        Stmt s;
        s.kind = StmtKind::SetInvalid;
        s.header = p_.findHeader(path);
        s.loc = loc;
        if (s.header >= 0) emit(s, nullptr);
    } else if (t->kind == TypeKind::HeaderUnion || t->kind == TypeKind::Struct) {
        for (const auto& f : t->fields) invalidateHeaders(path + "." + f.name, f.type, loc);
    } else if (t->kind == TypeKind::Stack) {
        for (int i = 0; i < t->size; ++i)
            invalidateHeaders(fmt::format("{}[{}]", path, i), t->element, loc);
    }
}

StateId Lowering::applySubParser(const InstanceDecl* inst, const CallExpr* c, StateId after) {
    const ParserDecl* sub = subParsers_.at(inst);
    const std::string savedOwner = owner_;
    const std::string savedPrefix = statePrefix_;
    owner_ = owner_ + "." + inst->name.text;
    // Each apply has its own copy of the states; the second one of an instance is `p#2.start`.
    const int n = ++subParserApplies_[owner_];
    statePrefix_ += inst->name.text + (n > 1 ? fmt::format("#{}", n) : "") + ".";
    StateId start = kReject;
    // The arguments are bound (copy-in of `in` ones into temporaries in the calling state, `out`
    // and `inout` ones by location), then the callee's locals run their initialisers and its
    // states are lowered with those bindings. A slice argument's copy-out lands in `after`.
    inlineCall(sub, sub->params, nullptr, c, nullptr, -1, [&] {
        for (const auto& prm : sub->params) {
            if (prm->direction != Direction::Out) continue;
            auto it = params_.find(prm.get());
            if (it != params_.end() && !it->second.path.empty())
                invalidateHeaders(it->second.path, prm->semaType, c->loc);
        }
        declareParserLocals(sub);
        start = lowerStates(sub, after, {});
        out_ = &parserStates_[after].stmts;
    });
    statePrefix_ = savedPrefix;
    owner_ = savedOwner;
    return start;
}

}  // namespace hop::ir::detail
