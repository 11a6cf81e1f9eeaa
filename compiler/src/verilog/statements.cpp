// SPDX-License-Identifier: Apache-2.0
// Control statements, action bodies and parser assignments.
#include "verilog/generator.hpp"

namespace hop::verilog {

// Statements (controls, action bodies, parser assignments): blocking assignments into the
// stage's bundle variable `b`, each under its predicate.

void Generator::statement(CodeBuilder& cb, const std::string& b, const ir::Stmt& s,
                          const std::string& paramVar, const std::vector<int>* paramOffsets) {
    auto ex = [&](const ir::ExprPtr& e) { return emitExpr(e, b, s.loc, paramVar, paramOffsets); };
    std::string guard = isTrue(s.pred) ? "" : "if (" + ex(s.pred) + ") ";
    switch (s.kind) {
        case ir::StmtKind::Assign: {
            const ir::Expr& d = *s.dst;
            std::string lhs;
            if (d.kind == ir::ExprKind::Field) {
                lhs = fieldOf(b, d.index);
            } else if (d.kind == ir::ExprKind::Slice && d.args[0]->kind == ir::ExprKind::Field) {
                const ir::Field& f = p_.fields[d.args[0]->index];
                lhs = slice(b, f.phvOffset + d.lo, d.hi - d.lo + 1);
            } else {
                diags_.unsupported(s.loc, "this assignment target in the Verilog backend");
                failed_ = true;
                return;
            }
            cb.line(guard + lhs + " = " + ex(s.src) + ";");
            return;
        }
        case ir::StmtKind::SetValid:
        case ir::StmtKind::SetInvalid: {
            const int vb = p_.headers[s.header].validBit;
            if (vb < 0) return;
            cb.line(fmt::format("{}{}[{}] = 1'b{};", guard, b, validBase_ + vb,
                                s.kind == ir::StmtKind::SetValid ? 1 : 0));
            return;
        }
        case ir::StmtKind::MarkToDrop:
            if (fEgressSpec_ >= 0) {
                cb.open(guard + "begin");
                cb.line(fmt::format("{} = 9'd511;", fieldOf(b, fEgressSpec_)));
                if (fMcastGrp_ >= 0) cb.line(fmt::format("{} = '0;", fieldOf(b, fMcastGrp_)));
                cb.close("end");
            }
            return;
        case ir::StmtKind::Exit:
            // The lowering guards later statements with the control's exit flag; see control().
            if (exitFlag_ >= 0) cb.line(guard + fieldOf(b, exitFlag_) + " = 1'b1;");
            return;
        default:
            diags_.unsupported(s.loc,
                               "this statement (counters, registers, meters) in the "
                               "Verilog backend");
            failed_ = true;
            return;
    }
}

void Generator::control(const ir::Control& c) {
    controlExitFlag_ = c.exitFlag;
    for (const ir::Stmt& s : c.stmts) {
        if (s.kind == ir::StmtKind::ApplyTable) {
            applyTable(s);
            continue;
        }
        const ir::Stmt* sp = &s;
        // Pending statements are emitted later (when the stage is flushed): they carry the
        // control's exit flag with them.
        const ir::FieldId flag = controlExitFlag_;
        pending_.push_back([this, sp, flag](CodeBuilder& cb, const std::string& b) {
            exitFlag_ = flag;
            statement(cb, b, *sp);
        });
    }
    controlExitFlag_ = -1;
}
// v1model between ingress and egress, as the first statements of egress.
void Generator::v1modelIngressEnd() {
    pending_.push_back([this](CodeBuilder& cb, const std::string& b) {
        cb.line(
            "// v1model: drop after ingress when egress_spec is 511; egress_port = egress_spec");
        if (fEgressSpec_ >= 0)
            cb.line(fmt::format("{}[{}] = {} == 9'd511;", b, dropOff_, fieldOf(b, fEgressSpec_)));
        if (fEgressSpec_ >= 0 && fEgressPort_ >= 0)
            cb.line(fmt::format("{} = {};", fieldOf(b, fEgressPort_), fieldOf(b, fEgressSpec_)));
    });
}

}  // namespace hop::verilog
