// SPDX-License-Identifier: Apache-2.0
// Lowers v1model's requests to the traffic manager: clone, clone3, clone_preserving_field_list,
// resubmit(_preserving_field_list) and recirculate(_preserving_field_list), into the hidden
// fields ir.hpp's kCloneField and its neighbours describe, and the @field_list annotations of
// the user metadata into Program::fieldLists.
#include <fmt/format.h>

#include "ir/lower_internal.hpp"

namespace hop::ir::detail {

namespace {

FieldId hiddenField(Program& p, HeaderId owner, const char* name, int width, bool isBool = false) {
    FieldId f = p.findField(name);
    if (f < 0) f = p.addField(owner, name, width, false, isBool);
    return f;
}

}  // namespace

// The value of an annotation's one argument: a literal or a constant's name.
std::optional<BigInt> Lowering::annotationInt(const ast::Annotation& a) {
    if (a.args.size() != 1 || !a.args[0]) return std::nullopt;
    const ast::Expr* e = a.args[0].get();
    if (auto v = constOf(e)) return v;
    if (auto* path = dyn<PathExpr>(e))
        for (const auto& d : cp_.program->decls)
            if (auto* c = dyn<ConstDecl>(d); c && c->name.text == path->name.text && c->value)
                return c->value;
    return std::nullopt;
}

// The user metadata fields annotated @field_list(id) (a struct-typed field brings all of its
// fields), walking the metadata struct's declaration beside its layout.
void Lowering::collectFieldList(const sema::Type* t, const std::string& prefix, int id, bool all,
                                std::vector<FieldId>& out) {
    auto* decl = t ? dyn<StructLikeDecl>(t->decl) : nullptr;
    for (size_t i = 0; t && i < t->fields.size(); ++i) {
        const sema::Field& f = t->fields[i];
        bool listed = all;
        if (decl && i < decl->fields.size())
            for (const auto& a : decl->fields[i].annotations) {
                if (a.name.text != "field_list") continue;
                for (const auto& arg : a.args) {
                    ast::Annotation one = a;
                    one.args = {arg};
                    auto v = annotationInt(one);
                    if (!v) {
                        diags_.error(a.loc, "@field_list takes constant integers");
                        continue;
                    }
                    if (*v == id) listed = true;
                }
            }
        const std::string name = prefix + "." + f.name;
        if (f.type && f.type->kind == TypeKind::Struct) {
            collectFieldList(f.type, name, id, listed, out);
        } else if (listed) {
            if (FieldId fid = p_.findField(name); fid >= 0) out.push_back(fid);
        }
    }
}

// 1 + the index in Program::fieldLists of @field_list(id), made at first use.
int Lowering::fieldListRef(int id) {
    for (size_t i = 0; i < p_.fieldLists.size(); ++i)
        if (p_.fieldLists[i].id == id) return static_cast<int>(i) + 1;
    FieldList fl;
    fl.id = id;
    collectFieldList(cp_.v1model.metadataType, "meta", id, false, fl.fields);
    p_.fieldLists.push_back(std::move(fl));
    return static_cast<int>(p_.fieldLists.size());
}

// A deprecated call's data (clone3, resubmit, recirculate): a list of metadata fields or
// structs, or one of them. Returns 1 + its index in Program::fieldLists, or 0 after an error.
int Lowering::dataFieldListRef(const ast::Expr* data, const std::string& call) {
    std::vector<const ast::Expr*> items;
    if (auto* list = dyn<ListExpr>(data)) {
        for (const auto& e : list->elements) items.push_back(e.get());
    } else {
        items.push_back(data);
    }
    FieldList fl;
    for (const ast::Expr* e : items) {
        Ref r = resolve(e);
        std::vector<FieldId> found;
        if (r.kind == Ref::Kind::Path && r.alts.empty()) {
            for (size_t f = 0; f < p_.fields.size(); ++f) {
                const std::string& n = p_.fields[f].name;
                if (n == r.path ||
                    (n.size() > r.path.size() && n.starts_with(r.path) && n[r.path.size()] == '.'))
                    found.push_back(static_cast<FieldId>(f));
            }
        }
        bool metadata = !found.empty();
        for (FieldId f : found)
            metadata = metadata && p_.headers[p_.fields[f].header].kind == Header::Kind::Metadata;
        if (!metadata) {
            diags_.error(e->loc,
                         "'{}' in {}'s data is not a metadata field or struct (only "
                         "metadata can be kept)",
                         exprText(e), call);
            return 0;
        }
        fl.fields.insert(fl.fields.end(), found.begin(), found.end());
    }
    p_.fieldLists.push_back(std::move(fl));
    return static_cast<int>(p_.fieldLists.size());
}

// A field list index argument: a compile-time constant from 0 to 255 (bit<8>).
int Lowering::fieldListArg(const ast::Expr* e, const std::string& call) {
    auto v = constOf(e);
    if (!v || *v < 0 || *v > 255) {
        diags_.error(e ? e->loc : SourceLoc{},
                     "{}'s field list index must be a constant from 0 to 255 (the N of "
                     "@field_list(N))",
                     call);
        return 0;
    }
    return fieldListRef(static_cast<int>(*v));
}

void Lowering::assignHidden(const char* name, int width, ExprPtr value, ExprPtr pred, SourceLoc loc,
                            bool isBool) {
    const FieldId f = hiddenField(p_, temporaries("$tm"), name, width, isBool);
    // Every request field exists once any does, so an engine finds them all together.
    hiddenField(p_, temporaries("$tm"), kCloneField, 1, true);
    hiddenField(p_, temporaries("$tm"), kCloneSessionField, 32);
    hiddenField(p_, temporaries("$tm"), kCloneListField, kFieldListRefWidth);
    hiddenField(p_, temporaries("$tm"), kResubmitField, kFieldListRefWidth);
    hiddenField(p_, temporaries("$tm"), kRecirculateField, kFieldListRefWidth);
    Stmt s;
    s.kind = StmtKind::Assign;
    s.loc = loc;
    s.dst = fieldRef(f, width, false, isBool);
    s.src = value;
    emit(s, pred);
}

// clone(type, session), clone3(type, session, data), clone_preserving_field_list(type, session,
// index): simple_switch clones at the end of the control that asked (I2E: the packet as it
// entered ingress; E2E: the packet as egress left it), keeping the listed metadata.
std::optional<ExprPtr> Lowering::callClone(const CallSite& c, ExprPtr pred) {
    const size_t want = c.method == "clone" ? 2 : 3;
    if (c.callee || c.call->args.size() != want) return std::nullopt;
    if (inParser_ || checksumMode_) {
        diags_.error(c.loc, "{} is only supported in the ingress and egress controls", c.method);
        return pred;
    }
    auto* m = dyn<MemberExpr>(c.arg(0));
    auto* base = m ? dyn<PathExpr>(m->base) : nullptr;
    if (!base || base->name.text != "CloneType" ||
        (m->member.text != "I2E" && m->member.text != "E2E")) {
        diags_.error(c.arg(0)->loc,
                     "{}'s clone type must be written CloneType.I2E or CloneType.E2E (the "
                     "traffic manager needs to know it when the program is compiled)",
                     c.method);
        return pred;
    }
    const bool i2e = m->member.text == "I2E";
    if (i2e != inIngress_) {
        diags_.error(m->loc,
                     "{}(CloneType.{}) in the {} control: simple_switch clones at the end of "
                     "the control that asks, so I2E belongs in ingress and E2E in egress",
                     c.method, m->member.text, inIngress_ ? "ingress" : "egress");
        return pred;
    }
    ExprPtr session = lowerExpr(c.arg(1), {32});
    if (!session) return pred;
    int list = 0;
    if (c.method == "clone_preserving_field_list") {
        list = fieldListArg(c.arg(2), c.method);
        if (!list) return pred;
    } else if (c.method == "clone3") {
        list = dataFieldListRef(c.arg(2), c.method);
        if (!list) return pred;
    }
    assignHidden(kCloneField, 1, boolConst(true), pred, c.loc, true);
    assignHidden(kCloneSessionField, 32, cast(session, 32, false), pred, c.loc);
    assignHidden(kCloneListField, kFieldListRefWidth, constant(list, kFieldListRefWidth), pred,
                 c.loc);
    return pred;
}

// resubmit(data), resubmit_preserving_field_list(index) in ingress; recirculate(data),
// recirculate_preserving_field_list(index) in egress.
std::optional<ExprPtr> Lowering::callResubmit(const CallSite& c, ExprPtr pred) {
    if (c.callee || c.call->args.size() != 1) return std::nullopt;
    const bool resubmit = c.method.starts_with("resubmit");
    const bool inEgress = !inParser_ && !checksumMode_ && !inIngress_;
    if (resubmit ? !inIngress_ || inParser_ || checksumMode_ : !inEgress) {
        diags_.error(c.loc,
                     "{} is only supported in the {} control (simple_switch reads it when "
                     "{} ends)",
                     c.method, resubmit ? "ingress" : "egress", resubmit ? "ingress" : "egress");
        return pred;
    }
    const int list = c.method.ends_with("_preserving_field_list")
                         ? fieldListArg(c.arg(0), c.method)
                         : dataFieldListRef(c.arg(0), c.method);
    if (!list) return pred;
    assignHidden(resubmit ? kResubmitField : kRecirculateField, kFieldListRefWidth,
                 constant(list, kFieldListRefWidth), pred, c.loc);
    return pred;
}

}  // namespace hop::ir::detail
