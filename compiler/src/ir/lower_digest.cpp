// SPDX-License-Identifier: Apache-2.0
// Lowers v1model's digest<T>(receiver, data) (ir.hpp's Digest says what both engines do).
#include <fmt/format.h>

#include "ir/lower_internal.hpp"

namespace hop::ir::detail {

// The digest of struct type `t`, registered on first use: its fields are temporaries under
// `$digest.<T>`, one per member of T, each a bit<W>, int<W> or bool.
int Lowering::digestFor(const sema::Type* t, SourceLoc loc) {
    for (size_t i = 0; i < p_.digests.size(); ++i)
        if (p_.digests[i].name == t->name) return static_cast<int>(i);
    Digest d;
    d.name = t->name;
    const std::string owner = "$digest." + t->name;
    for (const auto& m : t->fields) {
        Scalar s = scalarOf(m.type);
        if (s.width <= 0 || s.isInt) {
            diags_.unsupported(loc, fmt::format("digest type {} with member '{}' of type {} (only "
                                                "bit<W>, int<W> and bool members are)",
                                                t->name, m.name, m.type ? m.type->str() : "?"));
            return -1;
        }
        FieldId f =
            p_.addField(temporaries(owner), owner + "." + m.name, s.width, s.isSigned, s.isBool);
        d.fields.push_back({m.name, s.width, f});
    }
    if (p_.findField(kDigestIdField) < 0)
        p_.addField(temporaries("$digest"), kDigestIdField, kDigestIdWidth);
    p_.digests.push_back(std::move(d));
    return static_cast<int>(p_.digests.size()) - 1;
}

// The value of each member of T (`t`) that `data` gives: a list in T's order, a struct
// expression by name, or an lvalue of type T by name.
bool Lowering::digestValues(const sema::Type* t, const ast::Expr* data, std::vector<ExprPtr>& out) {
    auto lower = [&](const ast::Expr* e, const sema::Field& m) {
        ExprPtr v = lowerExpr(e, scalarOf(m.type));
        if (v) out.push_back(v);
        return v != nullptr;
    };
    if (auto* list = dyn<ListExpr>(data)) {
        if (list->elements.size() != t->fields.size()) {
            diags_.error(data->loc, "digest data has {} values, but {} has {} members",
                         list->elements.size(), t->name, t->fields.size());
            return false;
        }
        for (size_t i = 0; i < t->fields.size(); ++i)
            if (!lower(list->elements[i].get(), t->fields[i])) return false;
        return true;
    }
    if (auto* st = dyn<ast::StructExpr>(data)) {
        for (const auto& m : t->fields) {
            const ast::Expr* e = nullptr;
            for (const auto& f : st->fields)
                if (f.first.text == m.name) e = f.second.get();
            if (!e) {
                diags_.error(data->loc, "digest data gives no value for {}.{}", t->name, m.name);
                return false;
            }
            if (!lower(e, m)) return false;
        }
        return true;
    }
    Ref r = resolve(data);
    if (r.kind != Ref::Kind::Path || !r.alts.empty()) {
        diags_.unsupported(data->loc, "'" + exprText(data) + "' as a digest's data");
        return false;
    }
    for (const auto& m : t->fields) {
        const FieldId f = p_.findField(r.path + "." + m.name);
        if (f < 0) {
            diags_.unsupported(data->loc, "'" + exprText(data) + "' as a digest's data");
            return false;
        }
        const Field& fd = p_.fields[f];
        out.push_back(fieldRef(f, fd.width, fd.isSigned, fd.isBool));
    }
    return true;
}

// digest<T>(receiver, data): the data is copied now, the digest is sent after ingress.
std::optional<ExprPtr> Lowering::callDigest(const CallSite& c, ExprPtr pred) {
    if (c.callee || c.call->args.size() != 2) return std::nullopt;
    if (inParser_ || checksumMode_ || !inIngress_) {
        // v1model: "Calling digest is only supported in the ingress control."
        diags_.error(c.loc, "digest is only supported in the ingress control (v1model)");
        return pred;
    }
    const sema::CallTarget* target = cp_.callOf(c.call);
    const sema::Type* t = target && !target->typeArgs.empty() ? target->typeArgs[0] : nullptr;
    if (!t || t->kind != TypeKind::Struct) {
        // p4c names a digest (P4Info) after its type, which must be a struct.
        diags_.unsupported(c.loc, fmt::format("a digest whose type {} is not a struct",
                                              t ? t->str() : "<unknown>"));
        return pred;
    }
    const int d = digestFor(t, c.loc);
    if (d < 0) return pred;
    std::vector<ExprPtr> values;
    if (!digestValues(t, c.arg(1), values)) return pred;
    const Digest& dg = p_.digests[d];
    for (size_t i = 0; i < dg.fields.size(); ++i) {
        const Field& fd = p_.fields[dg.fields[i].field];
        Stmt s;
        s.kind = StmtKind::Assign;
        s.loc = c.loc;
        s.dst = fieldRef(dg.fields[i].field, fd.width, fd.isSigned, fd.isBool);
        s.src = fd.isBool ? values[i] : cast(values[i], fd.width, fd.isSigned);
        emit(s, pred);
    }
    Stmt s;
    s.kind = StmtKind::Assign;
    s.loc = c.loc;
    s.dst = fieldRef(p_.findField(kDigestIdField), kDigestIdWidth);
    s.src = constant(d + 1, kDigestIdWidth);
    emit(s, pred);
    return pred;
}

}  // namespace hop::ir::detail
