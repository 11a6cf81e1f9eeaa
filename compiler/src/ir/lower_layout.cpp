// SPDX-License-Identifier: Apache-2.0
// Lowers the layout: headers, metadata, stacks, unions, errors and temporaries as IR fields.
#include <fmt/format.h>

#include <algorithm>

#include "ir/lower_internal.hpp"

namespace hop::ir::detail {

int bitsFor(size_t count) {
    int w = 1;
    while ((size_t(1) << w) < count) ++w;
    return w;
}

Scalar Lowering::scalarOf(const sema::Type* t) const {
    Scalar s;
    if (!t) return s;
    switch (t->kind) {
        case TypeKind::Bits:
            return {t->width, t->isSigned, false, false};
        case TypeKind::Varbit:
            return {t->width, false, false, false};
        case TypeKind::Bool:
            return {1, false, true, false};
        case TypeKind::Int:
            s.isInt = true;
            return s;
        case TypeKind::SerEnum:
            return scalarOf(t->underlying);
        case TypeKind::NewType:
            return scalarOf(t->underlying);
        case TypeKind::Enum:
            return {bitsFor(t->members.size()), false, false, false};
        case TypeKind::Error:
            return {p_.errorWidth, false, false, false};
        default:
            return s;
    }
}

void Lowering::collectErrors() {
    p_.errors.clear();
    for (const auto& d : cp_.program->decls)
        if (auto* e = dyn<ErrorDecl>(d))
            for (const auto& m : e->members)
                if (std::find(p_.errors.begin(), p_.errors.end(), m.text) == p_.errors.end())
                    p_.errors.push_back(m.text);
    // NoError is the value every packet starts with: it must encode as 0.
    auto it = std::find(p_.errors.begin(), p_.errors.end(), "NoError");
    if (it == p_.errors.end()) {
        p_.errors.insert(p_.errors.begin(), "NoError");
    } else if (it != p_.errors.begin()) {
        p_.errors.erase(it);
        p_.errors.insert(p_.errors.begin(), "NoError");
    }
    p_.errorWidth = bitsFor(p_.errors.size());
}

ErrorCode Lowering::errorCode(const std::string& name) const {
    for (size_t i = 0; i < p_.errors.size(); ++i)
        if (p_.errors[i] == name) return static_cast<ErrorCode>(i);
    return -1;
}

void Lowering::addStructFields(HeaderId h, const std::string& prefix, const sema::Type* t,
                               SourceLoc loc) {
    for (const auto& f : t->fields) {
        std::string name = prefix + "." + f.name;
        const sema::Type* ft = f.type;
        if (ft && ft->kind == TypeKind::Struct) {
            addStructFields(h, name, ft, loc);
            continue;
        }
        Scalar s = scalarOf(ft);
        if (s.width == 0) {
            diags_.unsupported(
                loc, fmt::format("field '{}' of type {}", name, ft ? ft->str() : "<unknown>"));
            continue;
        }
        p_.addField(h, name, s.width, s.isSigned, s.isBool);
    }
}

void Lowering::addHeaderInstance(const std::string& path, const sema::Type* t) {
    HeaderId h = p_.addHeader(Header::Kind::Packet, path, t->name);
    if (t->decl) {
        p_.headers[h].annotations = annotationList(t->decl->annotations);
        if (const auto* a = findAnnotation(t->decl->annotations, "controller_header"))
            p_.headers[h].controllerHeader = stringArg(*a).value_or("");
    }
    addStructFields(h, path, t, t->decl ? t->decl->loc : SourceLoc{});
}

void Lowering::addHeadersStruct(const std::string& prefix, const sema::Type* t) {
    for (const auto& f : t->fields) {
        std::string path = prefix + "." + f.name;
        const sema::Type* ft = f.type;
        if (!ft) continue;
        if (ft->kind == TypeKind::Header) {
            addHeaderInstance(path, ft);
        } else if (ft->kind == TypeKind::Stack && ft->element &&
                   ft->element->kind == TypeKind::HeaderUnion) {
            addUnionStack(path, ft);
        } else if (ft->kind == TypeKind::Stack && ft->element) {
            HeaderStack stack;
            stack.name = path;
            int stackId = static_cast<int>(p_.stacks.size());
            for (int i = 0; i < ft->size; ++i) {
                addHeaderInstance(fmt::format("{}[{}]", path, i), ft->element);
                p_.headers.back().stack = stackId;
                p_.headers.back().stackIndex = i;
                stack.elements.push_back(static_cast<HeaderId>(p_.headers.size() - 1));
            }
            p_.stacks.push_back(stack);
        } else if (ft->kind == TypeKind::HeaderUnion) {
            addUnionInstance(path, ft);
        } else if (ft->kind == TypeKind::Struct) {
            addHeadersStruct(path, ft);
        } else {
            diags_.unsupported(t->decl ? t->decl->loc : SourceLoc{},
                               fmt::format("a non-header field '{}' in the headers struct", path));
        }
    }
}

void Lowering::collectControllerHeaders() {
    for (const auto& d : cp_.program->decls) {
        auto* s = dyn<StructLikeDecl>(d);
        if (!s || s->kind != StructLikeDecl::Kind::Header) continue;
        const auto* a = findAnnotation(s->annotations, "controller_header");
        if (!a) continue;
        ControllerHeader c;
        c.name = stringArg(*a).value_or("");
        c.typeName = s->name.text;
        c.annotations = annotationList(s->annotations);
        if (s->type)
            for (const auto& f : s->type->fields)
                c.fields.push_back({f.name, scalarOf(f.type).width});
        for (size_t i = 0; i < p_.headers.size(); ++i)
            if (p_.headers[i].typeName == c.typeName && c.instance < 0)
                c.instance = static_cast<HeaderId>(i);
        p_.controllerHeaders.push_back(c);
    }
}

void Lowering::buildLayout() {
    collectErrors();
    const auto& b = cp_.v1model;
    if (b.headersType) addHeadersStruct("hdr", b.headersType);
    if (b.metadataType) {
        HeaderId m = p_.addHeader(Header::Kind::Metadata, "meta", b.metadataType->name);
        addStructFields(m, "meta", b.metadataType,
                        b.metadataType->decl ? b.metadataType->decl->loc : SourceLoc{});
    }
    const sema::Type* sm = nullptr;
    for (const auto& d : cp_.program->decls)
        if (auto* s = dyn<StructLikeDecl>(d); s && s->name.text == "standard_metadata_t")
            sm = s->type;
    if (sm) {
        HeaderId h = p_.addHeader(Header::Kind::Metadata, "standard_metadata", sm->name);
        addStructFields(h, "standard_metadata", sm, sm->decl ? sm->decl->loc : SourceLoc{});
    }
    collectControllerHeaders();
    // Each stack's nextIndex: per packet, 0 at the start of the parser.
    for (auto& st : p_.stacks)
        st.nextIndex = p_.addField(temporaries("$stacks"), st.name + "$nextIndex", 32);
}

HeaderId Lowering::temporaries(const std::string& owner) {
    auto it = tempHeaders_.find(owner);
    if (it != tempHeaders_.end()) return it->second;
    HeaderId h = p_.addHeader(Header::Kind::Temporary, owner);
    tempHeaders_[owner] = h;
    return h;
}

void Lowering::addTemporary(const std::string& path, const sema::Type* t, SourceLoc loc) {
    if (addLocalAggregate(path, t, loc)) return;
    HeaderId h = temporaries(owner_);
    Scalar s = scalarOf(t);
    if (s.width == 0) {
        diags_.unsupported(loc, fmt::format("a local of type {}", t ? t->str() : "<unknown>"));
        return;
    }
    p_.addField(h, path, s.width, s.isSigned, s.isBool);
}

}  // namespace hop::ir::detail
