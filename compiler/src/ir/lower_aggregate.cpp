// SPDX-License-Identifier: Apache-2.0
// Lowers structured values: locals of header, stack and struct type, whole header / struct /
// stack assignment, list and struct initialisers and == / != on headers and structs, by the sema
// type of the value (P4_16 8.17, 8.18, 8.12). A whole header or stack copied from another
// location stays one structured statement (HeaderCopy, StackCopy) that the expand-structured
// pass writes out; the rest becomes per-field statements (plus the validity bit of headers).
#include <fmt/format.h>

#include "ir/lower_internal.hpp"

namespace hop::ir::detail {

namespace {

bool isAggregate(const sema::Type* t) {
    return t && (t->kind == TypeKind::Header || t->kind == TypeKind::Struct ||
                 t->kind == TypeKind::Stack || t->kind == TypeKind::HeaderUnion);
}

}  // namespace

// The header at `path` becomes valid under `pred` (an initialiser or a lookahead filled it).
void Lowering::setValidAt(const std::string& path, ExprPtr pred, SourceLoc loc) {
    Stmt s;
    s.kind = StmtKind::SetValid;
    s.header = p_.findHeader(path);
    s.loc = loc;
    if (s.header >= 0) emit(s, pred);
}

// A local of header, stack or struct type: headers get instances of their own (with a validity
// bit, invalid until set), scalars go to the owner's temporaries.
bool Lowering::addLocalAggregate(const std::string& path, const sema::Type* t, SourceLoc loc) {
    if (!isAggregate(t)) return false;
    if (t->kind == TypeKind::Header) {
        addHeaderInstance(path, t);
        return true;
    }
    if (t->kind == TypeKind::HeaderUnion) {
        addUnionInstance(path, t);
        return true;
    }
    if (t->kind == TypeKind::Stack) {
        if (t->element && t->element->kind == TypeKind::HeaderUnion) {
            int sid = addUnionStack(path, t);
            p_.stacks[sid].nextIndex = p_.addField(temporaries("$stacks"), path + "$nextIndex", 32);
            return true;
        }
        HeaderStack stack;
        stack.name = path;
        int stackId = static_cast<int>(p_.stacks.size());
        for (int i = 0; i < t->size; ++i) {
            addHeaderInstance(fmt::format("{}[{}]", path, i), t->element);
            p_.headers.back().stack = stackId;
            p_.headers.back().stackIndex = i;
            stack.elements.push_back(static_cast<HeaderId>(p_.headers.size() - 1));
        }
        stack.nextIndex = p_.addField(temporaries("$stacks"), path + "$nextIndex", 32);
        p_.stacks.push_back(stack);
        return true;
    }
    for (const auto& f : t->fields) {
        std::string name = path + "." + f.name;
        if (addLocalAggregate(name, f.type, loc)) continue;
        Scalar s = scalarOf(f.type);
        if (s.width == 0) {
            diags_.unsupported(loc, fmt::format("field '{}' of type {}", name,
                                                f.type ? f.type->str() : "<unknown>"));
            continue;
        }
        p_.addField(temporaries(owner_), name, s.width, s.isSigned, s.isBool);
    }
    return true;
}

// What an uninitialised local holds: headers invalid, scalars 0 (temporaries are per packet).
void Lowering::clearAggregate(const std::string& path, const sema::Type* t, ExprPtr pred,
                              SourceLoc loc) {
    if (t && t->kind == TypeKind::Header) {
        Stmt s;
        s.kind = StmtKind::SetInvalid;
        s.header = p_.findHeader(path);
        s.loc = loc;
        if (s.header >= 0) emit(s, pred);
        return;
    }
    if (t && t->kind == TypeKind::Stack) {
        for (int i = 0; i < t->size; ++i)
            clearAggregate(fmt::format("{}[{}]", path, i), t->element, pred, loc);
        return;
    }
    if (t && (t->kind == TypeKind::Struct || t->kind == TypeKind::HeaderUnion)) {
        for (const auto& f : t->fields) clearAggregate(path + "." + f.name, f.type, pred, loc);
        return;
    }
    if (FieldId f = p_.findField(path); f >= 0) {
        const Field& fd = p_.fields[f];
        assign(fieldRef(f, fd.width, fd.isSigned, fd.isBool),
               fd.isBool ? boolConst(false) : constant(0, fd.width), pred, loc);
    }
}

void Lowering::assignFromPath(const std::string& dst, const std::string& src, const sema::Type* t,
                              ExprPtr pred, SourceLoc loc) {
    if (t && t->kind == TypeKind::Header) {
        HeaderId d = p_.findHeader(dst), s = p_.findHeader(src);
        if (d < 0 || s < 0) {
            diags_.unsupported(loc, fmt::format("assigning '{}' to '{}'", src, dst));
            return;
        }
        if (d != s) copyHeader(d, s, pred, loc);
        return;
    }
    if (t && t->kind == TypeKind::Stack) {
        const int d = stackAt(dst), s = stackAt(src);
        if (d >= 0 && s >= 0 && d != s && t->element && t->element->kind == TypeKind::Header &&
            p_.stacks[d].elements.size() == p_.stacks[s].elements.size() &&
            sameShape(p_.stacks[d].elements[0], p_.stacks[s].elements[0])) {
            // One StackCopy statement; the expand-structured pass copies element by element.
            Stmt st;
            st.kind = StmtKind::StackCopy;
            st.stack = d;
            st.from = s;
            st.pred = pred;
            st.loc = loc;
            for (size_t i = 0; i < p_.stacks[d].elements.size(); ++i)
                st.scratch.push_back(validSnapshot());
            out_->push_back(st);  // under a false predicate too, as copyHeader
            return;
        }
        for (int i = 0; i < t->size; ++i)
            assignFromPath(fmt::format("{}[{}]", dst, i), fmt::format("{}[{}]", src, i), t->element,
                           pred, loc);
        return;
    }
    if (t && t->kind == TypeKind::HeaderUnion) return copyUnion(dst, src, pred, loc);
    if (t && t->kind == TypeKind::Struct) {
        for (const auto& f : t->fields)
            assignFromPath(dst + "." + f.name, src + "." + f.name, f.type, pred, loc);
        return;
    }
    FieldId d = p_.findField(dst), s = p_.findField(src);
    if (d < 0 || s < 0) {
        diags_.unsupported(loc, fmt::format("assigning '{}' to '{}'", src, dst));
        return;
    }
    if (d == s) return;
    const Field& fd = p_.fields[d];
    const Field& fs = p_.fields[s];
    assign(fieldRef(d, fd.width, fd.isSigned, fd.isBool),
           fieldRef(s, fs.width, fs.isSigned, fs.isBool), pred, loc);
}

// `dst = e` for a value of aggregate type `t`: a list or struct initialiser element by element
// (a header initialised so becomes valid), `{#}`, or another location of the same type.
void Lowering::assignFromExpr(const std::string& dst, const sema::Type* t, const ast::Expr* e,
                              ExprPtr pred, SourceLoc loc) {
    if (!isAggregate(t)) {
        FieldId f = p_.findField(dst);
        if (f < 0) {
            diags_.unsupported(loc, "assigning to '" + dst + "'");
            return;
        }
        const Field& fd = p_.fields[f];
        ExprPtr v = lowerExpr(e, {fd.width, fd.isSigned, fd.isBool});
        assign(fieldRef(f, fd.width, fd.isSigned, fd.isBool), v, pred, loc);
        return;
    }
    if (dyn<ast::InvalidHeaderExpr>(e) &&
        (t->kind == TypeKind::Header || t->kind == TypeKind::HeaderUnion)) {
        clearAggregate(dst, t, pred, loc);
        return;
    }
    auto* list = dyn<ListExpr>(e);
    auto* init = dyn<ast::StructExpr>(e);
    if ((list || init) && t->kind != TypeKind::Stack) {
        for (size_t i = 0; i < t->fields.size(); ++i) {
            const ast::Expr* v = nullptr;
            if (list && i < list->elements.size()) v = list->elements[i].get();
            if (init)
                for (const auto& [name, value] : init->fields)
                    if (name.text == t->fields[i].name) v = value.get();
            if (!v) {
                diags_.unsupported(
                    e->loc, "an initialiser without a value for '" + t->fields[i].name + "'");
                return;
            }
            assignFromExpr(dst + "." + t->fields[i].name, t->fields[i].type, v, pred, loc);
        }
        if (t->kind == TypeKind::Header) setValidAt(dst, pred, loc);
        return;
    }
    if (auto* c = dyn<CastExpr>(e)) return assignFromExpr(dst, t, c->operand.get(), pred, loc);
    if (auto* c = dyn<CallExpr>(e)) {
        if (lookaheadInto(dst, t, c, pred, loc)) return;
        // A function returning a header or struct: inlined into a temporary, then copied.
        const sema::CallTarget* target = cp_.callOf(c);
        auto* f = target && target->kind == sema::CallTarget::Kind::Function
                      ? dyn<FunctionDecl>(target->decl)
                      : nullptr;
        if (f) {
            std::string tmp = fmt::format("{}.{}$ret{}", owner_, f->name.text, tempCounter_++);
            addLocalAggregate(tmp, t, e->loc);
            clearAggregate(tmp, t, pred, e->loc);
            aggResult_ = tmp;
            inlineCall(f, f->params, f->body.get(), c, pred);
            assignFromPath(dst, tmp, t, pred, loc);
            return;
        }
    }
    Ref r = resolve(e);
    if (r.kind == Ref::Kind::Path && r.alts.empty()) {
        assignFromPath(dst, r.path, t, pred, loc);
        return;
    }
    if (r.kind == Ref::Kind::Path &&
        (t->kind == TypeKind::Header || t->kind == TypeKind::HeaderUnion)) {
        // A stack element chosen at run time: copy each under its condition.
        for (const auto& [cond, path] : r.alts)
            assignFromPath(dst, path, t, stable(andPred(pred, cond), "idx", loc), loc);
        return;
    }
    diags_.unsupported(e->loc, "assigning this value to a whole header, struct or stack");
}

// == / != of two headers (equal when both are invalid, or both valid with equal fields) or
// structs (equal field by field), as P4_16 8.17 / 8.12 define them.
ExprPtr Lowering::aggregateEq(const std::string& l, const std::string& r, const sema::Type* t,
                              SourceLoc loc) {
    auto land = [](ExprPtr a, ExprPtr b) { return a ? binary(BinaryOp::LAnd, a, b) : b; };
    if (t && t->kind == TypeKind::Header) {
        HeaderId a = p_.findHeader(l), b = p_.findHeader(r);
        if (a < 0 || b < 0) return nullptr;
        ExprPtr fields;
        for (const auto& f : t->fields) {
            ExprPtr e = aggregateEq(l + "." + f.name, r + "." + f.name, f.type, loc);
            if (!e) return nullptr;
            fields = land(fields, e);
        }
        ExprPtr bothValid = binary(BinaryOp::LAnd, validRef(a), validRef(b));
        ExprPtr bothInvalid = binary(BinaryOp::LAnd, notPred(validRef(a)), notPred(validRef(b)));
        return binary(BinaryOp::LOr, bothInvalid,
                      fields ? binary(BinaryOp::LAnd, bothValid, fields) : bothValid);
    }
    if (t && (t->kind == TypeKind::Struct || t->kind == TypeKind::Stack ||
              t->kind == TypeKind::HeaderUnion)) {
        ExprPtr all = boolConst(true);
        if (t->kind == TypeKind::Stack) {
            for (int i = 0; i < t->size; ++i) {
                ExprPtr e = aggregateEq(fmt::format("{}[{}]", l, i), fmt::format("{}[{}]", r, i),
                                        t->element, loc);
                if (!e) return nullptr;
                all = binary(BinaryOp::LAnd, all, e);
            }
            return all;
        }
        for (const auto& f : t->fields) {
            ExprPtr e = aggregateEq(l + "." + f.name, r + "." + f.name, f.type, loc);
            if (!e) return nullptr;
            all = binary(BinaryOp::LAnd, all, e);
        }
        return all;
    }
    FieldId a = p_.findField(l), b = p_.findField(r);
    if (a < 0 || b < 0) return nullptr;
    const Field& fa = p_.fields[a];
    const Field& fb = p_.fields[b];
    return binary(BinaryOp::Eq, fieldRef(a, fa.width, fa.isSigned, fa.isBool),
                  fieldRef(b, fb.width, fb.isSigned, fb.isBool));
}

// A value of aggregate type as a location: a path, or a temporary holding an initialiser.
std::string Lowering::aggregatePath(const ast::Expr* e, const sema::Type* t, ExprPtr pred) {
    Ref r = resolve(e);
    if (r.kind == Ref::Kind::Path && r.alts.empty() &&
        (p_.findHeader(r.path) >= 0 || p_.findField(r.path) >= 0 || stackAt(r.path) >= 0 ||
         unionAt(r.path) >= 0 || t->kind == TypeKind::Struct))
        return r.path;
    std::string tmp = fmt::format("{}.$agg{}", owner_, tempCounter_++);
    addLocalAggregate(tmp, t, e->loc);
    clearAggregate(tmp, t, pred, e->loc);
    assignFromExpr(tmp, t, e, pred, e->loc);
    return tmp;
}

}  // namespace hop::ir::detail
