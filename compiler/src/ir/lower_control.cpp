// SPDX-License-Identifier: Apache-2.0
// Lowers the ingress and egress controls: block parameters, extern instances and locals.
#include "ir/lower_internal.hpp"

namespace hop::ir::detail {

void Lowering::bindBlockParams(const std::vector<ParamPtr>& params) {
    const auto& b = cp_.v1model;
    for (const auto& prm : params) {
        const sema::Type* t = prm->semaType;
        Binding bind;
        if (t && b.headersType && (t == b.headersType || t->name == b.headersType->name)) {
            bind.path = "hdr";
        } else if (t && b.metadataType &&
                   (t == b.metadataType || t->name == b.metadataType->name)) {
            bind.path = "meta";
        } else if (t && t->name == "standard_metadata_t") {
            bind.path = "standard_metadata";
        } else {
            continue;  // packet_in / packet_out: used only as method receivers
        }
        params_[prm.get()] = bind;
    }
}

std::string Lowering::qualified(const Decl* d) const {
    if (const auto* a = findAnnotation(d->annotations, "name")) {
        if (auto n = stringArg(*a)) {
            if (!n->empty() && (*n)[0] == '.') return n->substr(1);
            return owner_.empty() ? *n : owner_ + "." + *n;
        }
    }
    return owner_.empty() ? d->name.text : owner_ + "." + d->name.text;
}

void Lowering::registerExtern(const InstanceDecl* d) {
    auto* named = dyn<NamedTypeRef>(d->typeRef);
    std::string type = named ? named->name.text : "";
    ExternObject x;
    x.name = qualified(d);
    x.annotations = annotationList(d->annotations);
    x.id = idAnnotation(d->annotations);
    auto arg = [&](size_t i) -> const ast::Expr* {
        return i < d->args.size() ? d->args[i].value.get() : nullptr;
    };
    auto unit = [&](const ast::Expr* e) {
        auto* m = dyn<MemberExpr>(e);
        std::string u = m ? m->member.text : "";
        if (u == "bytes") return ExternObject::Unit::Bytes;
        if (u == "packets_and_bytes") return ExternObject::Unit::Both;
        return ExternObject::Unit::Packets;
    };
    auto size = [&](const ast::Expr* e) -> int64_t {
        auto v = constOf(e);
        return v ? static_cast<int64_t>(*v) : 0;
    };
    if (type == "counter") {
        x.kind = ExternObject::Kind::Counter;
        x.size = size(arg(0));
        x.unit = unit(arg(1));
    } else if (type == "direct_counter") {
        x.kind = ExternObject::Kind::DirectCounter;
        x.unit = unit(arg(0));
    } else if (type == "meter") {
        x.kind = ExternObject::Kind::Meter;
        x.size = size(arg(0));
        x.unit = unit(arg(1));
    } else if (type == "direct_meter") {
        x.kind = ExternObject::Kind::DirectMeter;
        x.unit = unit(arg(0));
        if (named && !named->args.empty())
            if (auto* s = dyn<SizedTypeRef>(named->args[0]))
                if (auto w = constOf(s->width.get())) x.width = static_cast<int>(*w);
    } else if (type == "register") {
        x.kind = ExternObject::Kind::Register;
        x.size = size(arg(0));
        if (named && !named->args.empty())
            if (auto* s = dyn<SizedTypeRef>(named->args[0]))
                if (auto w = constOf(s->width.get())) x.width = static_cast<int>(*w);
        if (x.width == 0) {
            diags_.unsupported(d->loc, "a register whose cells are not bit<W>");
            return;
        }
    } else {
        diags_.unsupported(d->loc, "the extern '" + type + "'");
        return;
    }
    externs_[d] = static_cast<int>(p_.externs.size());
    p_.externs.push_back(x);
}

void Lowering::declareControlLocals(const ControlDecl* c) {
    for (const auto& d : c->locals) {
        if (auto* i = dyn<InstanceDecl>(d)) {
            registerExtern(i);
        } else if (auto* v = dyn<VarDecl>(d)) {
            declareLocal(v, nullptr);
        } else if (dyn<TableDecl>(d) || dyn<ActionDecl>(d) || dyn<ConstDecl>(d) ||
                   dyn<FunctionDecl>(d)) {
            // Lowered when referenced, so unused ones stay out of the IR (as p4c drops them).
        } else {
            diags_.unsupported(d->loc, "this control local declaration");
        }
    }
}

void Lowering::lowerControl(const ControlDecl* c, Control& out) {
    out.name = c->name.text;
    owner_ = c->name.text;
    params_.clear();
    applied_.clear();
    exitFlag_ = -1;
    bindBlockParams(c->params);
    out_ = &out.stmts;
    std::vector<ExprPtr> exits;
    exits_ = &exits;
    declareControlLocals(c);
    // Tables' actions are lowered before the apply body so that `exit` in them is known.
    for (const auto& d : c->locals)
        if (auto* t = dyn<TableDecl>(d)) lowerTable(t);
    if (c->apply) lowerBlock(c->apply->stmts, nullptr);
    exits_ = nullptr;
    out.exitFlag = exitFlag_;
    if (exitFlag_ >= 0) {
        // The flag starts clear for every packet: reset it first.
        Stmt s;
        s.kind = StmtKind::Assign;
        s.dst = fieldRef(exitFlag_, 1, false, true);
        s.src = boolConst(false);
        out.stmts.insert(out.stmts.begin(), s);
    }
}

}  // namespace hop::ir::detail
