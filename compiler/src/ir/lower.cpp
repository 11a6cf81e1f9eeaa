// SPDX-License-Identifier: Apache-2.0
// Lowering's entry point: the order in which a program's parts are lowered.
#include "ir/lower.hpp"

#include "ir/lower_internal.hpp"

namespace hop::ir::detail {

std::optional<Program> Lowering::run(const std::string& name) {
    p_.name = name;
    const auto& b = cp_.v1model;
    if (!cp_.program || !b.parser || !b.ingress || !b.egress || !b.deparser || !b.verifyChecksum ||
        !b.computeChecksum) {
        diags_.error(SourceLoc{}, "no complete V1Switch binding to lower");
        return std::nullopt;
    }
    int before = diags_.errorCount();
    buildLayout();
    lowerParser(b.parser);
    lowerChecksumControl(b.verifyChecksum, true);
    lowerControl(b.ingress, p_.ingress);
    lowerControl(b.egress, p_.egress);
    lowerChecksumControl(b.computeChecksum, false);
    lowerDeparser(b.deparser);
    numberRandomCalls();
    p_.computePhvOffsets();
    if (diags_.errorCount() != before) return std::nullopt;
    return std::move(p_);
}

}  // namespace hop::ir::detail

namespace hop::ir {

std::optional<Program> lower(const sema::CheckedProgram& checked, Diagnostics& diags,
                             const std::string& name) {
    detail::Lowering l(checked, diags);
    return l.run(name);
}

}  // namespace hop::ir
