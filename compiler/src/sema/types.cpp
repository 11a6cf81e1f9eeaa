// SPDX-License-Identifier: Apache-2.0
#include "sema/types.hpp"

#include <fmt/format.h>

namespace hop::sema {

TypeTable::TypeTable() {
    bool_ = make(TypeKind::Bool, "bool");
    int_ = make(TypeKind::Int, "int");
    string_ = make(TypeKind::String, "string");
    error_ = make(TypeKind::Error, "error");
    matchKind_ = make(TypeKind::MatchKind, "match_kind");
    void_ = make(TypeKind::Void, "void");
    dontCare_ = make(TypeKind::DontCare, "_");
    bool_->width = 1;
}

Type* TypeTable::make(TypeKind kind, std::string name) {
    storage_.push_back(Type{});
    Type& t = storage_.back();
    t.kind = kind;
    t.name = std::move(name);
    return &t;
}

const Type* TypeTable::bits(int width, bool isSigned) {
    auto key = std::make_pair(width, isSigned);
    if (auto it = bits_.find(key); it != bits_.end()) return it->second;
    Type* t = make(TypeKind::Bits, isSigned ? "int" : "bit");
    t->width = width;
    t->isSigned = isSigned;
    bits_[key] = t;
    return t;
}

const Type* TypeTable::varbit(int width) {
    if (auto it = varbits_.find(width); it != varbits_.end()) return it->second;
    Type* t = make(TypeKind::Varbit, "varbit");
    t->width = width;
    varbits_[width] = t;
    return t;
}

std::string Type::str() const {
    switch (kind) {
        case TypeKind::Bits:
            return fmt::format("{}<{}>", isSigned ? "int" : "bit", width);
        case TypeKind::Varbit:
            return fmt::format("varbit<{}>", width);
        case TypeKind::Header:
            return "header " + name;
        case TypeKind::HeaderUnion:
            return "header_union " + name;
        case TypeKind::Struct:
            if (!name.empty()) return "struct " + name;
            {
                std::string s = "struct {";
                for (size_t i = 0; i < fields.size(); ++i)
                    s += fmt::format("{} {}: {}", i ? "," : "", fields[i].name,
                                     fields[i].type ? fields[i].type->str() : "?");
                return s + " }";
            }
        case TypeKind::Enum:
        case TypeKind::SerEnum:
            return "enum " + name;
        case TypeKind::Stack:
            // p4c's spelling: the element's name, not "header h_t[4]"
            return fmt::format(
                "{}[{}]", element ? (element->name.empty() ? element->str() : element->name) : "?",
                size);
        case TypeKind::Tuple: {
            std::string s = "tuple<";
            for (size_t i = 0; i < elements.size(); ++i)
                s += (i ? ", " : "") + (elements[i] ? elements[i]->str() : std::string("?"));
            return s + ">";
        }
        case TypeKind::Parser:
            return "parser " + name;
        case TypeKind::Control:
            return "control " + name;
        case TypeKind::Package:
            return "package " + name;
        case TypeKind::Action:
            return "action " + name;
        case TypeKind::Table:
            return "table " + name;
        case TypeKind::Extern:
            if (!typeArgs.empty()) {
                std::string s = name + "<";
                for (size_t i = 0; i < typeArgs.size(); ++i)
                    s += (i ? ", " : "") + (typeArgs[i] ? typeArgs[i]->str() : std::string("_"));
                return s + ">";
            }
            return name;
        default:
            return name;
    }
}

}  // namespace hop::sema
