// SPDX-License-Identifier: Apache-2.0
// Lowers the verify and compute checksum controls.
#include "ir/lower_internal.hpp"

namespace hop::ir::detail {

void Lowering::lowerChecksumControl(const ControlDecl* c, bool verify) {
    owner_ = c->name.text;
    params_.clear();
    bindBlockParams(c->params);
    std::vector<Stmt> sink;
    out_ = &sink;
    checksumMode_ = true;
    checksumVerify_ = verify;
    for (const auto& d : c->locals)
        if (!dyn<ConstDecl>(d))
            diags_.unsupported(d->loc, "a local declaration in a checksum control");
    if (c->apply) lowerBlock(c->apply->stmts, nullptr);
    checksumMode_ = false;
    for (const auto& s : sink) diags_.unsupported(s.loc, "this statement in a checksum control");
}

}  // namespace hop::ir::detail
