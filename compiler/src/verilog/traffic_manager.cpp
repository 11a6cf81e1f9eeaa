// SPDX-License-Identifier: Apache-2.0
// What the generated pipeline cannot do without a traffic manager: the pipeline has one stream in
// and one out, so clone, resubmit, recirculate and multicast (a write to mcast_grp) need the
// switch top's traffic manager (issue 16). Each use is refused where the program makes it,
// before anything is generated. A build with the switch top (hopc --ports) takes multicast: the
// switch's traffic manager replicates by mcast_grp (its <name>_top beside it still runs one
// stream and ignores mcast_grp). Clone, resubmit and recirculate are not in the RTL yet.
#include "verilog/generator.hpp"

namespace hop::verilog {

namespace {

// What a write to `f` asks of the traffic manager ("" when nothing).
std::string tmRequest(const ir::Program& p, ir::FieldId f) {
    const std::string& n = p.fields[f].name;
    if (n == ir::kCloneField || n == ir::kCloneSessionField || n == ir::kCloneListField)
        return "clone";
    if (n == ir::kResubmitField) return "resubmit";
    if (n == ir::kRecirculateField) return "recirculate";
    if (n == "standard_metadata.mcast_grp") return "multicast (an assignment to mcast_grp)";
    return {};
}

}  // namespace

void Generator::refuseTrafficManager() {
    std::set<std::pair<std::string, int>> said;  // one error per request and place
    auto check = [&](const std::vector<ir::Stmt>& stmts) {
        for (const ir::Stmt& s : stmts) {
            if (s.kind != ir::StmtKind::Assign || !s.dst) continue;
            const ir::Expr* d = s.dst.get();
            if (d->kind == ir::ExprKind::Slice && !d->args.empty()) d = d->args[0].get();
            if (d->kind != ir::ExprKind::Field) continue;
            const std::string what = tmRequest(p_, d->index);
            if (opt_.switchPorts > 0 && what.starts_with("multicast")) continue;
            if (what.empty() || !said.insert({what, s.loc.offset}).second) continue;
            diags_.unsupported(s.loc, what + (what.starts_with("multicast")
                                                  ? ", which needs the switch top's traffic "
                                                    "manager (hopc --ports N; hopsim --rtl-top "
                                                    "switch),"
                                                  : ", which needs the switch top's traffic "
                                                    "manager (issue 16; the model runs it),"));
            failed_ = true;
        }
    };
    check(p_.ingress.stmts);
    check(p_.egress.stmts);
    for (const auto& a : p_.actions) check(a.body);
    for (const auto& t : p_.tables)
        for (const auto& r : t.actions) check(r.body);
}

}  // namespace hop::verilog
