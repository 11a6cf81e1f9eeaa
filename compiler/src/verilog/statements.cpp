// SPDX-License-Identifier: Apache-2.0
// Control statements, action bodies and parser assignments.
#include "ir/passes.hpp"
#include "verilog/generator.hpp"

namespace hop::verilog {

// Statements (controls, action bodies, parser assignments): blocking assignments into the
// stage's bundle variable `b`, each under its predicate.

void Generator::statement(CodeBuilder& cb, const std::string& b, const ir::Stmt& s,
                          const std::string& paramVar, const std::vector<int>* paramOffsets) {
    auto ex = [&](const ir::ExprPtr& e) { return emitExpr(e, b, s.loc, paramVar, paramOffsets); };
    // A write under no condition kills the atom's earlier value (liveness.cpp).
    const bool whole = uncond_ && isTrue(s.pred);
    auto lhsOf = [&](int off, int width) {
        const bool u = uncond_;
        uncond_ = whole;
        std::string l = wr(b, off, width);
        uncond_ = u;
        return l;
    };
    auto fieldLhsOf = [&](ir::FieldId f) {
        return lhsOf(p_.fields[f].phvOffset, p_.fields[f].width);
    };
    std::string guard = isTrue(s.pred) ? "" : "if (" + ex(s.pred) + ") ";
    switch (s.kind) {
        case ir::StmtKind::Assign:
        case ir::StmtKind::Hash: {
            const ir::Expr& d = *s.dst;
            std::string lhs;
            if (d.kind == ir::ExprKind::Field) {
                lhs = fieldLhsOf(d.index);
            } else if (d.kind == ir::ExprKind::Slice && d.args[0]->kind == ir::ExprKind::Field) {
                const ir::Field& f = p_.fields[d.args[0]->index];
                lhs = lhsOf(f.phvOffset + d.lo, d.hi - d.lo + 1);
            } else {
                diags_.unsupported(s.loc, "this assignment target in the Verilog backend");
                failed_ = true;
                return;
            }
            if (lhs.empty()) return;  // nothing reads it later
            const std::string value = s.kind == ir::StmtKind::Assign
                                          ? ex(s.src)
                                          : hashOffset(s, hashValue(s, b, paramVar, paramOffsets),
                                                       b, paramVar, paramOffsets);
            cb.line(guard + lhs + " = " + value + ";");
            return;
        }
        case ir::StmtKind::SetValid:
        case ir::StmtKind::SetInvalid: {
            const int vb = p_.headers[s.header].validBit;
            if (vb < 0) return;
            const std::string lhs = lhsOf(validBase_ + vb, 1);
            if (lhs.empty()) return;
            cb.line(
                fmt::format("{}{} = 1'b{};", guard, lhs, s.kind == ir::StmtKind::SetValid ? 1 : 0));
            return;
        }
        case ir::StmtKind::MarkToDrop:
            if (fEgressSpec_ >= 0) {
                const std::string spec = fieldLhsOf(fEgressSpec_),
                                  grp = fMcastGrp_ >= 0 ? fieldLhsOf(fMcastGrp_) : "";
                if (spec.empty() && grp.empty()) return;
                cb.open(guard + "begin");
                if (!spec.empty()) cb.line(fmt::format("{} = 9'd511;", spec));
                if (!grp.empty()) cb.line(fmt::format("{} = '0;", grp));
                cb.close("end");
            }
            return;
        case ir::StmtKind::Exit:
            // The lowering guards later statements with the control's exit flag; see control().
            if (exitFlag_ >= 0)
                if (const std::string lhs = fieldLhsOf(exitFlag_); !lhs.empty())
                    cb.line(guard + lhs + " = 1'b1;");
            return;
        case ir::StmtKind::Log:
        case ir::StmtKind::Check:
            return;  // left out, with a warning each (generate(), backend.cpp)
        case ir::StmtKind::HeaderCopy:
        case ir::StmtKind::StackCopy:
        case ir::StmtKind::StackPushFront:
        case ir::StmtKind::StackPopFront:
            diags_.error(s.loc, ir::unexpandedError(s, "the Verilog backend"));
            failed_ = true;
            return;
        case ir::StmtKind::MeterExec:
            if (p_.externs[s.object].kind == ir::ExternObject::Kind::DirectMeter) {
                directMeterRead(cb, b, s, isTrue(s.pred) ? "" : "(" + ex(s.pred) + ") && ");
                return;
            }
            diags_.unsupported(s.loc,
                               "a meter's execute_meter inside a table's action in the "
                               "Verilog backend");
            failed_ = true;
            return;
        case ir::StmtKind::Count:
            // A direct counter counts at its table's hit (directCounters), so its count() in an
            // action adds nothing, as in BMv2.
            if (p_.externs[s.object].kind == ir::ExternObject::Kind::DirectCounter) return;
            diags_.unsupported(s.loc,
                               "a counter's count() inside a table's action in the "
                               "Verilog backend");
            failed_ = true;
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
        if (s.kind == ir::StmtKind::RegRead || s.kind == ir::StmtKind::RegWrite ||
            s.kind == ir::StmtKind::Count || s.kind == ir::StmtKind::MeterExec) {
            externAccess(s);
            noteWrites(s);
            continue;
        }
        noteWrites(s);
        const ir::Stmt* sp = &s;
        // Pending statements are emitted later (when the stage is flushed): they carry the
        // control's exit flag with them.
        const ir::FieldId flag = controlExitFlag_;
        pending_.push_back([this, sp, flag](CodeBuilder& cb, const std::string& b) {
            exitFlag_ = flag;
            uncond_ = true;  // a control's statement stands alone: its predicate is its guard
            statement(cb, b, *sp);
            uncond_ = false;
        });
        if (stageBreaks_ && stageBreaks_->count(&s)) {
            flushPending("hash modulo steps");
            delay(1, "hash modulo steps");
        }
    }
    controlExitFlag_ = -1;
}
// v1model between ingress and egress, as the first statements of egress.
void Generator::v1modelIngressEnd() {
    if (opt_.split) {
        // The traffic manager dropped at 511 and wrote the copy's standard_metadata (s_dec_*).
        pending_.push_back([this](CodeBuilder& cb, const std::string& b) {
            cb.line("// v1model: standard_metadata from the traffic manager");
            uncond_ = true;
            if (const std::string drop = wr(b, dropOff_, 1); !drop.empty())
                cb.line(drop + " = 1'b0;");
            for (const auto& [field, input] : kTrafficManagerFields) {
                const ir::FieldId f = p_.findField(std::string("standard_metadata.") + field);
                if (f < 0) continue;
                if (const std::string l = fieldLhs(b, f); !l.empty())
                    cb.line(fmt::format("{} = {}'(s_dec_{});", l, p_.fields[f].width, input));
            }
            // With a clock in the traffic manager (TM_CLOCK), egress starts when the copy left
            // its queue: its enqueue time plus its wait, on that 32-bit clock. Without one the
            // arrival stays (so the write is conditional: the arrival is carried to egress).
            uncond_ = false;
            if (fEgressTimestamp_ >= 0)
                if (const std::string l = fieldLhs(b, fEgressTimestamp_); !l.empty())
                    cb.line(fmt::format(
                        "if (TM_CLOCK) {} = {}'(s_dec_enq_timestamp + s_dec_deq_timedelta);", l,
                        p_.fields[fEgressTimestamp_].width));
        });
        return;
    }
    pending_.push_back([this](CodeBuilder& cb, const std::string& b) {
        cb.line(
            "// v1model: drop after ingress when egress_spec is 511; egress_port = egress_spec");
        uncond_ = true;
        const std::string drop = fEgressSpec_ >= 0 ? wr(b, dropOff_, 1) : "";
        if (!drop.empty())
            cb.line(fmt::format("{} = {} == 9'd511;", drop, fieldOf(b, fEgressSpec_)));
        if (fEgressSpec_ >= 0 && fEgressPort_ >= 0)
            if (const std::string port = fieldLhs(b, fEgressPort_); !port.empty())
                cb.line(fmt::format("{} = {};", port, fieldOf(b, fEgressSpec_)));
        // No queue: the packet found its queue empty and did not wait.
        for (const ir::FieldId f : queueZero_)
            if (const std::string l = fieldLhs(b, f); !l.empty())
                cb.line(fmt::format("{} = '0;", l));
        uncond_ = false;
    });
}

}  // namespace hop::verilog
