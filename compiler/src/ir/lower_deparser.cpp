// SPDX-License-Identifier: Apache-2.0
// Lowers the deparser: emit calls into the order headers are written.
#include <functional>

#include "ir/lower_internal.hpp"

namespace hop::ir::detail {

void Lowering::lowerDeparser(const ControlDecl* c) {
    owner_ = c->name.text;
    params_.clear();
    bindBlockParams(c->params);
    std::function<void(const std::vector<StmtPtr>&)> walk = [&](const std::vector<StmtPtr>& ss) {
        for (const auto& s : ss) {
            if (auto* b = dyn<BlockStmt>(s)) {
                walk(b->stmts);
                continue;
            }
            auto* cs = dyn<CallStmt>(s);
            auto* callee = cs ? dyn<MemberExpr>(cs->call->callee) : nullptr;
            if (!callee || callee->member.text != "emit" || cs->call->args.empty()) {
                diags_.unsupported(s->loc, "this statement in the deparser");
                continue;
            }
            Ref r = resolve(cs->call->args[0].value.get());
            if (r.kind != Ref::Kind::Path) {
                diags_.unsupported(s->loc, "emitting this expression");
                continue;
            }
            // A struct, stack or union emits every header under it, in layout order.
            bool any = false;
            for (size_t h = 0; h < p_.headers.size(); ++h) {
                const Header& hd = p_.headers[h];
                if (hd.kind != Header::Kind::Packet) continue;
                if (hd.name == r.path || hd.name.rfind(r.path + ".", 0) == 0 ||
                    hd.name.rfind(r.path + "[", 0) == 0) {
                    p_.deparser.push_back(static_cast<HeaderId>(h));
                    any = true;
                }
            }
            // P4_16 (packet_out.emit): a struct's members that are not headers, stacks or
            // unions are not emitted, so a struct of none emits nothing.
            const sema::Type* t = cs->call->args[0].value->type;
            if (!any && !(t && t->kind == TypeKind::Struct))
                diags_.unsupported(s->loc, "emitting '" + r.path + "'");
        }
    };
    for (const auto& d : c->locals)
        diags_.unsupported(d->loc, "a local declaration in the deparser");
    if (c->apply) walk(c->apply->stmts);
}

}  // namespace hop::ir::detail
