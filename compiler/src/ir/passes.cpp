// SPDX-License-Identifier: Apache-2.0
// The list of IR passes, in the order they run (the table of contents of the middle end).
#include "ir/passes.hpp"

#include <fmt/format.h>

namespace hop::ir {

const std::vector<Pass>& passes() {
    static const std::vector<Pass> list = {
        {"expand-structured", expandStructured},
    };
    return list;
}

bool runPasses(Program& program, Diagnostics& diags,
               const std::function<void(const char*, const Program&)>& after) {
    for (const Pass& pass : passes()) {
        const int before = diags.errorCount();
        const bool ok = pass.run(program, diags) && diags.errorCount() == before;
        if (after) after(pass.name, program);
        if (!ok) return false;
    }
    return true;
}

void forEachStmtList(Program& program, const std::function<void(std::vector<Stmt>&)>& fn) {
    for (ParserState& state : program.parser.states) fn(state.stmts);
    fn(program.ingress.stmts);
    fn(program.egress.stmts);
    for (Action& action : program.actions) fn(action.body);
    for (Table& table : program.tables)
        for (ActionRef& ref : table.actions) fn(ref.body);
}

void forEachStmtList(const Program& program,
                     const std::function<void(const std::vector<Stmt>&)>& fn) {
    for (const ParserState& state : program.parser.states) fn(state.stmts);
    fn(program.ingress.stmts);
    fn(program.egress.stmts);
    for (const Action& action : program.actions) fn(action.body);
    for (const Table& table : program.tables)
        for (const ActionRef& ref : table.actions) fn(ref.body);
}

const Stmt* findStructured(const Program& program) {
    const Stmt* found = nullptr;
    forEachStmtList(program, [&](const std::vector<Stmt>& list) {
        for (const Stmt& s : list)
            if (!found && isStructured(s.kind)) found = &s;
    });
    return found;
}

std::string unexpandedError(const Stmt& s, const std::string& stage) {
    const char* what = s.kind == StmtKind::HeaderCopy  ? "a whole-header copy"
                       : s.kind == StmtKind::StackCopy ? "a whole-stack copy"
                                                       : "a header stack shift";
    return fmt::format(
        "internal error: {} reached {} unexpanded (the IR pass 'expand-structured' must run "
        "first: ir::runPasses)",
        what, stage);
}

}  // namespace hop::ir
