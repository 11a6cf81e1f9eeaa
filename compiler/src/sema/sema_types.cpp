// SPDX-License-Identifier: Apache-2.0
// Type references, generic specialisation and unification, type equality, header/struct layout.
#include <fmt/format.h>

#include "sema/checker.hpp"

namespace hop::sema {

using namespace hop::ast;

std::optional<BigInt> Checker::constInt(Expr* e, const char* what) {
    if (!e) return std::nullopt;
    const Type* t = expr(e);
    if (!t) return std::nullopt;
    if (!e->constValue || t->kind == TypeKind::Bool) {
        diags_.error(e->loc, "{} must be a compile-time integer constant", what);
        return std::nullopt;
    }
    return e->constValue;
}

std::optional<int> Checker::constWidth(Expr* e, const char* what, int min, int max) {
    auto v = constInt(e, what);
    if (!v) return std::nullopt;
    if (*v < min || *v > max) {
        diags_.error(e->loc, "{} {} is out of range ({}..{})", what, v->str(), min, max);
        return std::nullopt;
    }
    return static_cast<int>(*v);
}

static bool isTypeDecl(const Decl* d) {
    return as<const StructLikeDecl>(d) || as<const EnumDecl>(d) || as<const TypedefDecl>(d) ||
           (as<const ExternDecl>(d) && !as<const ExternDecl>(d)->isFunction) ||
           as<const BlockTypeDecl>(d) || as<const ParserDecl>(d) || as<const ControlDecl>(d);
}

const Type* Checker::resolveType(const TypeRefPtr& ref) {
    if (!ref) return nullptr;
    if (auto* b = as<BaseTypeRef>(ref)) {
        switch (b->kind) {
            case BaseTypeRef::Kind::Bool:
                return types_.boolType();
            case BaseTypeRef::Kind::Error:
                return types_.errorType();
            case BaseTypeRef::Kind::MatchKind:
                return types_.matchKindType();
            case BaseTypeRef::Kind::String:
                return types_.stringType();
            case BaseTypeRef::Kind::Int:
                return types_.intType();
            case BaseTypeRef::Kind::Void:
                return types_.voidType();
            case BaseTypeRef::Kind::DontCare:
                return types_.dontCareType();
        }
        return nullptr;
    }
    if (auto* s = as<SizedTypeRef>(ref)) {
        if (!s->width) return s->kind == SizedTypeRef::Kind::Bit ? types_.bits(1) : nullptr;
        auto w = constWidth(s->width.get(), "width", 1, kMaxWidth);
        if (!w) return nullptr;
        switch (s->kind) {
            case SizedTypeRef::Kind::Bit:
                return types_.bits(*w, false);
            case SizedTypeRef::Kind::Int:
                return types_.bits(*w, true);
            case SizedTypeRef::Kind::Varbit:
                return types_.varbit(*w);
        }
        return nullptr;
    }
    if (auto* st = as<StackTypeRef>(ref)) {
        const Type* el = resolveType(st->element);
        auto n = constWidth(st->size.get(), "header stack size", 1, kMaxStackSize);
        if (!el || !n) return nullptr;
        if (!el->isHeaderLike()) {
            diags_.error(st->loc, "header stack element must be a header or header union, not {}",
                         el->str());
            return nullptr;
        }
        Type* t = types_.make(TypeKind::Stack, el->name);
        t->element = el;
        t->size = *n;
        return t;
    }
    if (auto* tt = as<TupleTypeRef>(ref)) {
        Type* t = types_.make(TypeKind::Tuple, "tuple");
        for (const auto& e : tt->elements) {
            const Type* et = resolveType(e);
            if (!et) return nullptr;
            t->elements.push_back(et);
        }
        return t;
    }
    if (auto* n = as<NamedTypeRef>(ref)) {
        const Entity* e = lookup(n->name.text, n->topLevel);
        if (!e) {
            diags_.error(n->name.loc, "'{}' is not declared", n->name.text);
            return nullptr;
        }
        if (e->kind == Entity::Kind::TypeVar) return e->type;
        if (e->kind != Entity::Kind::Decl || !isTypeDecl(e->decl)) {
            diags_.error(n->name.loc, "'{}' is not a type", n->name.text);
            return nullptr;
        }
        n->decl = e->decl;
        const Type* t = e->decl->type;
        if (!t) return nullptr;
        if (!n->args.empty()) {
            std::vector<const Type*> args;
            for (const auto& a : n->args) {
                const Type* at = resolveType(a);
                if (!at) return nullptr;
                args.push_back(at);
            }
            return specialize(e->decl, t, args, n->name.loc);
        }
        return t;
    }
    return nullptr;
}

const Type* Checker::specialize(const Decl* decl, const Type* generic,
                                const std::vector<const Type*>& args, SourceLoc loc) {
    auto it = declTypeVars_.find(decl);
    size_t want = it == declTypeVars_.end() ? 0 : it->second.size();
    if (args.size() != want) {
        diags_.error(loc, "'{}' expects {} type argument(s), got {}", decl->name.text, want,
                     args.size());
        return nullptr;
    }
    Subst s;
    for (size_t i = 0; i < want; ++i)
        if (args[i]->kind != TypeKind::DontCare) s[it->second[i]] = args[i];
    Type* t = types_.make(generic->kind, generic->name);
    *t = *generic;
    t->typeArgs = args;
    for (auto& p : t->params) p.type = subst(p.type, s);
    for (auto& p : t->ctorParams) p.type = subst(p.type, s);
    for (auto& f : t->fields) f.type = subst(f.type, s);
    return t;
}

const Type* Checker::subst(const Type* t, const Subst& s, int depth) {
    if (!t || s.empty() || depth > 32) return t;
    switch (t->kind) {
        case TypeKind::TypeVar: {
            auto it = s.find(t);
            return it != s.end() && it->second ? it->second : t;
        }
        case TypeKind::Tuple:
        case TypeKind::Stack:
        case TypeKind::Extern:
        case TypeKind::Parser:
        case TypeKind::Control:
        case TypeKind::Package:
        case TypeKind::Struct:
        case TypeKind::Header:
        case TypeKind::Function: {
            if (t->kind == TypeKind::Struct || t->kind == TypeKind::Header)
                if (t->typeArgs.empty()) return t;  // only generic instances mention variables
            bool changed = false;
            Type copy = *t;
            auto sub = [&](const Type*& x) {
                const Type* n = subst(x, s, depth + 1);
                if (n != x) changed = true;
                x = n;
            };
            for (auto& e : copy.elements) sub(e);
            if (copy.element) sub(copy.element);
            for (auto& a : copy.typeArgs) sub(a);
            for (auto& p : copy.params) sub(p.type);
            for (auto& p : copy.ctorParams) sub(p.type);
            for (auto& f : copy.fields) sub(f.type);
            if (copy.returnType) sub(copy.returnType);
            if (!changed) return t;
            Type* n = types_.make(t->kind, t->name);
            *n = copy;
            return n;
        }
        default:
            return t;
    }
}

void Checker::unify(const Type* f, const Type* a, Subst& s, int depth) {
    if (!f || !a || depth > 32) return;
    if (f->kind == TypeKind::TypeVar) {
        auto it = s.find(f);
        // A later fixed-width binding beats an `int` guessed from a literal.
        if (it == s.end() || !it->second ||
            (it->second->kind == TypeKind::Int && a->kind == TypeKind::Bits))
            s[f] = a;
        return;
    }
    if (f->kind != a->kind) return;
    if (f->kind == TypeKind::Tuple && f->elements.size() == a->elements.size()) {
        for (size_t i = 0; i < f->elements.size(); ++i)
            unify(f->elements[i], a->elements[i], s, depth + 1);
    } else if (f->kind == TypeKind::Stack) {
        unify(f->element, a->element, s, depth + 1);
    } else if (f->kind == TypeKind::Parser || f->kind == TypeKind::Control ||
               f->kind == TypeKind::Package) {
        if (f->params.size() == a->params.size())
            for (size_t i = 0; i < f->params.size(); ++i)
                unify(f->params[i].type, a->params[i].type, s, depth + 1);
    } else if (f->decl && f->decl == a->decl && f->typeArgs.size() == a->typeArgs.size()) {
        for (size_t i = 0; i < f->typeArgs.size(); ++i)
            unify(f->typeArgs[i], a->typeArgs[i], s, depth + 1);
    }
}

bool Checker::same(const Type* a, const Type* b, int depth) const {
    if (a == b) return true;
    if (!a || !b || a->kind != b->kind || depth > 32) return false;
    switch (a->kind) {
        case TypeKind::Tuple:
            if (a->elements.size() != b->elements.size()) return false;
            for (size_t i = 0; i < a->elements.size(); ++i)
                if (!same(a->elements[i], b->elements[i], depth + 1)) return false;
            return true;
        case TypeKind::Stack:
            return a->size == b->size && same(a->element, b->element, depth + 1);
        case TypeKind::Bits:
            return a->width == b->width && a->isSigned == b->isSigned;
        case TypeKind::Varbit:
            return a->width == b->width;
        default:
            // Instances of one generic declaration are equal when their arguments are.
            if (!a->decl || a->decl != b->decl) return false;
            if (a->typeArgs.size() != b->typeArgs.size())
                return a->typeArgs.empty() || b->typeArgs.empty();
            for (size_t i = 0; i < a->typeArgs.size(); ++i)
                if (!same(a->typeArgs[i], b->typeArgs[i], depth + 1)) return false;
            return true;
    }
}

// Whether a parser/control declaration fits a parser/control type (a package parameter).
bool Checker::blockMatches(const Type* formal, const Type* actual, std::string& why) {
    if (formal->kind != actual->kind) return false;
    if (formal->params.size() != actual->params.size()) {
        why = fmt::format("it has {} parameters, expected {}", actual->params.size(),
                          formal->params.size());
        return false;
    }
    for (size_t i = 0; i < formal->params.size(); ++i) {
        const auto& f = formal->params[i];
        const auto& a = actual->params[i];
        if (f.direction != a.direction) {
            auto dir = [](Direction d) {
                switch (d) {
                    case Direction::In:
                        return "in";
                    case Direction::Out:
                        return "out";
                    case Direction::InOut:
                        return "inout";
                    default:
                        return "directionless";
                }
            };
            why = fmt::format("parameter '{}' is {}, expected {}", a.name, dir(a.direction),
                              dir(f.direction));
            return false;
        }
        if (f.type && a.type && f.type->kind != TypeKind::TypeVar && !same(f.type, a.type)) {
            why = fmt::format("parameter '{}' has type {}, expected {}", a.name, a.type->str(),
                              f.type->str());
            return false;
        }
    }
    return true;
}

static bool fixedWidthScalar(const Type* t) {
    return t &&
           (t->kind == TypeKind::Bits || t->kind == TypeKind::Bool || t->kind == TypeKind::SerEnum);
}

// Bit offsets of the fields of a header or struct, when all of them have a fixed width.
void Checker::layout(Type* t) {
    int offset = 0;
    bool fixed = true;
    for (auto& f : t->fields) {
        f.bitOffset = offset;
        const Type* ft = f.type;
        int w = 0;
        if (!ft) {
            fixed = false;
        } else if (ft->kind == TypeKind::SerEnum) {
            w = ft->underlying ? ft->underlying->width : 0;
        } else if (fixedWidthScalar(ft) || ft->kind == TypeKind::Varbit) {
            // varbit fields count with their maximum width
            w = ft->width;
        } else if (ft->kind == TypeKind::Struct && t->kind == TypeKind::Struct && ft->width > 0) {
            w = ft->width;
        } else {
            fixed = false;
        }
        offset += w;
    }
    t->width = fixed ? offset : 0;
}

}  // namespace hop::sema
