// SPDX-License-Identifier: Apache-2.0
// Implicit conversions and l-values.
#include "sema/checker.hpp"
#include "sema/fold.hpp"

namespace hop::sema {

using namespace hop::ast;

bool Checker::convert(Expr* e, const Type* to, Conv ctx) {
    if (!e || !to || !e->type) return true;
    const Type* from = e->type;
    if (same(from, to)) return true;
    if (to->kind == TypeKind::DontCare || to->kind == TypeKind::TypeVar ||
        from->kind == TypeKind::DontCare)
        return true;
    if (from->kind == TypeKind::Int && to->isBits()) {
        if (e->constValue && !fits(*e->constValue, to)) {
            // p4c warns and wraps a negative value given an unsigned type, and an operand given
            // the width of the other side; an initializer or argument that overflows is an error.
            bool wraps = (!to->isSigned && *e->constValue < 0) || ctx == Conv::Operand;
            if (!wraps) {
                diags_.error(e->loc, "{} does not fit in {}", printable(e), to->str());
                return false;
            }
            diags_.warning(e->loc,
                           fmt::format("{} does not fit in {}: it wraps to {}", printable(e),
                                       to->str(), wrap(*e->constValue, to).str()));
            e->constValue = wrap(*e->constValue, to);
        }
        e->type = to;
        return true;
    }
    if (from->kind == TypeKind::SerEnum && same(from->underlying, to)) return true;
    if (as<InvalidHeaderExpr>(e) && to->isHeaderLike()) {
        e->type = to;
        return true;
    }
    if (auto* l = as<ListExpr>(e)) {
        std::vector<const Type*> targets;
        if (to->kind == TypeKind::Header || to->kind == TypeKind::Struct)
            for (const auto& f : to->fields) targets.push_back(f.type);
        else if (to->kind == TypeKind::Tuple)
            targets = to->elements;
        else if (to->kind == TypeKind::Stack)
            targets.assign(static_cast<size_t>(to->size), to->element);
        else
            goto mismatch;
        if (targets.size() != l->elements.size()) {
            diags_.error(e->loc, "{} elements given for {}, which has {}", l->elements.size(),
                         to->str(), targets.size());
            return false;
        }
        bool ok = true;
        for (size_t i = 0; i < targets.size(); ++i)
            ok = convert(l->elements[i].get(), targets[i], ctx) && ok;
        if (ok) e->type = to;
        return ok;
    }
    if (auto* s = as<StructExpr>(e)) {
        if (to->kind != TypeKind::Header && to->kind != TypeKind::Struct) goto mismatch;
        bool ok = true;
        for (auto& [name, value] : s->fields) {
            const Field* f = to->field(name.text);
            if (!f) {
                diags_.error(name.loc, "{} has no field '{}'", to->str(), name.text);
                ok = false;
                continue;
            }
            ok = convert(value.get(), f->type, ctx) && ok;
        }
        for (const auto& f : to->fields) {
            bool given = false;
            for (auto& fv : s->fields) given |= fv.first.text == f.name;
            if (!given) {
                diags_.error(e->loc, "field '{}' of {} is not initialized", f.name, to->str());
                ok = false;
            }
        }
        if (ok) e->type = to;
        return ok;
    }
    if ((to->kind == TypeKind::Parser || to->kind == TypeKind::Control) && from->kind == to->kind) {
        std::string why;
        if (blockMatches(to, from, why)) return true;
        diags_.error(e->loc, "cannot convert {} to {}: {}", from->str(), to->str(), why);
        return false;
    }
mismatch:
    if (ctx == Conv::Assign)
        diags_.error(e->loc, "cannot assign {} to {}", from->str(), to->str());
    else
        diags_.error(e->loc, "cannot convert {} to {}", from->str(), to->str());
    return false;
}

// Why `e` cannot be written, or an empty string when it can.
std::string Checker::notLValue(Expr* e) {
    if (!e) return {};
    if (auto* p = as<PathExpr>(e)) {
        if (const Param* par = out_.paramOf(p)) {
            if (par->direction == Direction::In) return "in parameter '" + p->name.text + "'";
            if (par->direction == Direction::None)
                return "read-only parameter '" + p->name.text + "'";
            return {};
        }
        if (as<const VarDecl>(p->decl)) return {};
        if (as<const ConstDecl>(p->decl)) return "constant '" + p->name.text + "'";
        if (!p->decl) return {};  // unresolved: already reported
        return "'" + p->name.text + "'";
    }
    if (auto* m = as<MemberExpr>(e)) {
        if (typeNames_.count(m->base.get())) return "'" + m->member.text + "'";
        const Type* bt = m->base ? m->base->type : nullptr;
        if (bt && bt->kind == TypeKind::Stack && m->member.text != "next" &&
            m->member.text != "last")
            return "'" + m->member.text + "' of a header stack";
        if (bt && bt->kind == TypeKind::Struct && bt->decl && as<const TableDecl>(bt->decl))
            return "the result of apply()";
        return notLValue(m->base.get());
    }
    if (auto* i = as<IndexExpr>(e)) return notLValue(i->base.get());
    if (auto* s = as<SliceExpr>(e)) return notLValue(s->base.get());
    if (as<DontCareExpr>(e)) return {};
    return "an expression that is not an l-value";
}

}  // namespace hop::sema
