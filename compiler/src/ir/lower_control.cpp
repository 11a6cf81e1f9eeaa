// SPDX-License-Identifier: Apache-2.0
// Lowers the ingress and egress controls: block parameters, extern instances and locals.
#include <map>

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
    using XK = ExternObject::Kind;
    enum class CellWidth { None, Optional, Required };  // from the first type argument, bit<W>
    // Where each v1model extern's constructor and type arguments put what an ExternObject holds.
    struct Shape {
        XK kind;
        int sizeArg;  // constructor argument with the number of cells, -1 when there is none
        int unitArg;  // constructor argument with the counting unit, -1 when there is none
        CellWidth width;
    };
    static const std::map<std::string, Shape> kShapes = {
        {"counter", {XK::Counter, 0, 1, CellWidth::None}},
        {"direct_counter", {XK::DirectCounter, -1, 0, CellWidth::None}},
        {"meter", {XK::Meter, 0, 1, CellWidth::None}},
        {"direct_meter", {XK::DirectMeter, -1, 0, CellWidth::Optional}},
        {"register", {XK::Register, 0, -1, CellWidth::Required}},
    };
    static const std::map<std::string, ExternObject::Unit> kUnits = {
        {"bytes", ExternObject::Unit::Bytes}, {"packets_and_bytes", ExternObject::Unit::Both}};

    auto* named = dyn<NamedTypeRef>(d->typeRef);
    std::string type = named ? named->name.text : "";
    ExternObject x;
    x.name = qualified(d);
    x.annotations = annotationList(d->annotations);
    x.id = idAnnotation(d->annotations);
    auto arg = [&](int i) -> const ast::Expr* {
        return static_cast<size_t>(i) < d->args.size() ? d->args[i].value.get() : nullptr;
    };
    auto it = kShapes.find(type);
    if (it == kShapes.end()) {
        diags_.unsupported(d->loc, "the extern '" + type + "'");
        return;
    }
    const Shape& shape = it->second;
    x.kind = shape.kind;
    if (shape.sizeArg >= 0) {
        auto v = constOf(arg(shape.sizeArg));
        x.size = v ? static_cast<int64_t>(*v) : 0;
    }
    if (shape.unitArg >= 0) {
        auto* m = dyn<MemberExpr>(arg(shape.unitArg));
        auto unit = kUnits.find(m ? m->member.text : "");
        x.unit = unit != kUnits.end() ? unit->second : ExternObject::Unit::Packets;
    }
    if (shape.width != CellWidth::None && named && !named->args.empty()) {
        // The cell type may be a typedef of bit<W> (link_monitor's register<time_t>).
        const ast::TypeRef* cell = named->args[0].get();
        while (auto* n = dyn<NamedTypeRef>(cell)) {
            auto* td = n->decl ? dyn<ast::TypedefDecl>(n->decl) : nullptr;
            if (!td) break;
            cell = td->typeRef.get();
        }
        if (auto* s = dyn<SizedTypeRef>(cell))
            if (auto w = constOf(s->width.get())) x.width = static_cast<int>(*w);
    }
    if (shape.width == CellWidth::Required && x.width == 0) {
        diags_.unsupported(d->loc, "a register whose cells are not bit<W>");
        return;
    }
    externs_[d] = static_cast<int>(p_.externs.size());
    p_.externs.push_back(x);
}

void Lowering::declareControlLocals(const ControlDecl* c) {
    for (const auto& d : c->locals) {
        if (auto* i = dyn<InstanceDecl>(d)) {
            auto* named = dyn<NamedTypeRef>(i->typeRef);
            if (auto* sub = named ? dyn<ControlDecl>(named->decl) : nullptr) {
                if (!bindsControls(sub, i->args))
                    diags_.unsupported(i->loc, "a control with constructor parameters");
                subControls_[i] = sub;
                instanceOwner_[i] = owner_;
            } else if (!externs_.count(i)) {  // an instance applied again keeps its externs
                registerExtern(i);
            }
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

const Decl* Lowering::controlInstance(const ast::PathExpr* path) {
    if (const Param* prm = cp_.paramOf(path)) {
        auto it = ctorControls_.find(prm);
        return it != ctorControls_.end() ? it->second : nullptr;
    }
    const Decl* d = path->decl;
    if (subControls_.count(d)) return d;
    // `C.apply()` of a control type: an instance of its own, named after the type (as p4c
    // names a direct invocation's instance), declared where it is first applied.
    if (auto* type = dyn<ControlDecl>(d)) {
        if (!type->ctorParams.empty()) return nullptr;
        subControls_[d] = type;
        instanceOwner_[d] = owner_;
        return d;
    }
    return nullptr;
}

// Constructor arguments hopline takes: only control instances for control-typed parameters
// (`C2(c1) c2;`), which the instance's body applies as `c.apply(...)`.
bool Lowering::bindsControls(const ControlDecl* sub, const std::vector<ast::Argument>& args) {
    if (args.size() != sub->ctorParams.size()) return false;
    for (const auto& a : args) {
        auto* path = a.value ? dyn<PathExpr>(a.value) : nullptr;
        const Param* prm = path ? cp_.paramOf(path) : nullptr;
        if (!path || (prm ? !ctorControls_.count(prm) : !subControls_.count(path->decl)))
            return false;
    }
    return true;
}

// `c.apply(args)` of a control instance: the control's body inlined where it is applied, its
// parameters bound like a function's (copy-in for `in`, the argument's location for `inout` and
// `out`), its locals, tables, actions and externs named under the instance (`ingress.c.t`, as
// p4c names them in P4Info): an instance applied from several places (a constructor argument of
// two others) is still one instance, with one set of tables and externs. So the IR, the model
// and the Verilog backend see one flat control.
ExprPtr Lowering::applySubControl(const Decl* inst, const CallExpr* c, ExprPtr pred) {
    const ControlDecl* sub = subControls_.at(inst);
    auto* declared = dyn<InstanceDecl>(inst);
    static const std::vector<ast::Argument> kNone;
    const std::vector<ast::Argument>& args = declared ? declared->args : kNone;
    if (!bindsControls(sub, args)) return pred;  // reported where declared
    // The instances bound to the constructor parameters, for this application.
    std::map<const Param*, const Decl*> savedBindings;
    for (size_t i = 0; i < args.size(); ++i) {
        const Param* param = sub->ctorParams[i].get();
        if (auto it = ctorControls_.find(param); it != ctorControls_.end())
            savedBindings.insert(*it);
        ctorControls_[param] = controlInstance(dyn<PathExpr>(args[i].value));
    }
    const std::string savedOwner = owner_;
    owner_ = instanceOwner_.at(inst) + "." + inst->name.text;
    // This instance's tables and actions in place of any other instance's of the same type.
    std::map<const Decl*, TableId> otherTables;
    std::map<const Decl*, ActionId> otherActions;
    std::map<const Decl*, int> otherExterns;  // one counter, meter or register per instance
    for (const auto& d : sub->locals) {
        if (auto it = externs_.find(d.get()); it != externs_.end()) {
            otherExterns.insert(*it);
            externs_.erase(it);
        }
        if (auto it = tables_.find(d.get()); it != tables_.end()) {
            otherTables.insert(*it);
            tables_.erase(it);
        }
        if (auto it = actions_.find(d.get()); it != actions_.end()) {
            otherActions.insert(*it);
            actions_.erase(it);
        }
    }
    for (const auto& [d, id] : subTables_[inst]) tables_[d] = id;
    for (const auto& [d, id] : subActions_[inst]) actions_[d] = id;
    for (const auto& [d, id] : subExterns_[inst]) externs_[d] = id;

    // Locals once the parameters are bound (an initialiser may read them); tables and actions
    // when first referenced, likewise.
    ExprPtr after = inlineCall(sub, sub->params, sub->apply.get(), c, pred, -1,
                               [&] { declareControlLocals(sub); });

    for (const auto& d : sub->locals) {
        if (auto it = externs_.find(d.get()); it != externs_.end()) {
            subExterns_[inst][d.get()] = it->second;
            externs_.erase(it);
        }
        if (auto it = tables_.find(d.get()); it != tables_.end()) {
            subTables_[inst][d.get()] = it->second;
            tables_.erase(it);
        }
        if (auto it = actions_.find(d.get()); it != actions_.end()) {
            subActions_[inst][d.get()] = it->second;
            actions_.erase(it);
        }
    }
    for (const auto& [d, id] : otherTables) tables_[d] = id;
    for (const auto& [d, id] : otherActions) actions_[d] = id;
    for (const auto& [d, id] : otherExterns) externs_[d] = id;
    for (const auto& p : sub->ctorParams) ctorControls_.erase(p.get());
    for (const auto& [d, bound] : savedBindings) ctorControls_[d] = bound;
    owner_ = savedOwner;
    return after;
}

void Lowering::lowerControl(const ControlDecl* c, Control& out) {
    out.name = c->name.text;
    owner_ = c->name.text;
    inIngress_ = c == cp_.v1model.ingress;
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
