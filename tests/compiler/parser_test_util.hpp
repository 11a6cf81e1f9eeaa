// SPDX-License-Identifier: Apache-2.0
// What the parser tests share: a compact rendering of types and expressions (so a test compares
// whole trees), and parsing a text into a program with its diagnostics.
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "parser/parser.hpp"

namespace hop::parsertest {

using namespace ast;

// ---- a compact rendering of types and expressions, so tests can compare whole trees

inline std::string show(const TypeRefPtr& t);
inline std::string show(const ExprPtr& e);

inline std::string showArgs(const std::vector<Argument>& args) {
    std::string out;
    for (const auto& a : args) {
        out += " ";
        if (a.name) out += a.name->text + "=";
        out += a.value ? show(a.value) : "_";
    }
    return out;
}

inline std::string show(const TypeRefPtr& t) {
    if (!t) return "<null>";
    if (auto* b = as<BaseTypeRef>(t)) {
        switch (b->kind) {
            case BaseTypeRef::Kind::Bool:
                return "bool";
            case BaseTypeRef::Kind::Error:
                return "error";
            case BaseTypeRef::Kind::MatchKind:
                return "match_kind";
            case BaseTypeRef::Kind::String:
                return "string";
            case BaseTypeRef::Kind::Int:
                return "int";
            case BaseTypeRef::Kind::Void:
                return "void";
            case BaseTypeRef::Kind::DontCare:
                return "_";
        }
    }
    if (auto* s = as<SizedTypeRef>(t)) {
        const char* k = s->kind == SizedTypeRef::Kind::Bit   ? "bit"
                        : s->kind == SizedTypeRef::Kind::Int ? "int"
                                                             : "varbit";
        return fmt::format("{}<{}>", k, show(s->width));
    }
    if (auto* n = as<NamedTypeRef>(t)) {
        std::string out = (n->topLevel ? "." : "") + n->name.text;
        if (!n->args.empty()) {
            out += "<";
            for (size_t i = 0; i < n->args.size(); ++i) out += (i ? "," : "") + show(n->args[i]);
            out += ">";
        }
        return out;
    }
    if (auto* s = as<StackTypeRef>(t)) return show(s->element) + "[" + show(s->size) + "]";
    if (auto* tu = as<TupleTypeRef>(t)) {
        std::string out = "tuple<";
        for (size_t i = 0; i < tu->elements.size(); ++i)
            out += (i ? "," : "") + show(tu->elements[i]);
        return out + ">";
    }
    return "<?type>";
}

inline std::string show(const ExprPtr& e) {
    if (!e) return "<null>";
    if (auto* i = as<IntLiteral>(e)) return i->text;
    if (auto* b = as<BoolLiteral>(e)) return b->value ? "true" : "false";
    if (auto* s = as<StringLiteral>(e)) return "\"" + s->value + "\"";
    if (auto* p = as<PathExpr>(e)) return (p->topLevel ? "." : "") + p->name.text;
    if (auto* m = as<MemberExpr>(e)) return "(. " + show(m->base) + " " + m->member.text + ")";
    if (auto* i = as<IndexExpr>(e)) return "(index " + show(i->base) + " " + show(i->index) + ")";
    if (auto* s = as<SliceExpr>(e))
        return "(slice " + show(s->base) + " " + show(s->hi) + " " + show(s->lo) + ")";
    if (auto* u = as<UnaryExpr>(e)) {
        const char* op = u->op == UnaryOp::LNot     ? "!"
                         : u->op == UnaryOp::BitNot ? "~"
                         : u->op == UnaryOp::Neg    ? "neg"
                                                    : "pos";
        return std::string("(") + op + " " + show(u->operand) + ")";
    }
    if (auto* b = as<BinaryExpr>(e))
        return std::string("(") + ast::spelling(b->op) + " " + show(b->lhs) + " " + show(b->rhs) +
               ")";
    if (auto* t = as<TernaryExpr>(e))
        return "(? " + show(t->cond) + " " + show(t->then) + " " + show(t->otherwise) + ")";
    if (auto* c = as<CastExpr>(e)) return "(cast " + show(c->target) + " " + show(c->operand) + ")";
    if (auto* c = as<CallExpr>(e)) {
        std::string out = "(call " + show(c->callee);
        if (!c->typeArgs.empty()) {
            out += "<";
            for (size_t i = 0; i < c->typeArgs.size(); ++i)
                out += (i ? "," : "") + show(c->typeArgs[i]);
            out += ">";
        }
        return out + showArgs(c->args) + ")";
    }
    if (auto* l = as<ListExpr>(e)) {
        std::string out = "{";
        for (size_t i = 0; i < l->elements.size(); ++i)
            out += (i ? " " : "") + show(l->elements[i]);
        return out + "}";
    }
    if (auto* s = as<StructExpr>(e)) {
        std::string out = "{";
        for (size_t i = 0; i < s->fields.size(); ++i)
            out += (i ? " " : "") + s->fields[i].first.text + "=" + show(s->fields[i].second);
        return out + "}";
    }
    if (as<InvalidHeaderExpr>(e)) return "{#}";
    if (as<DefaultExpr>(e)) return "default";
    if (as<DontCareExpr>(e)) return "_";
    return "<?expr>";
}

// ---- parse helpers

struct Parsed {
    std::unique_ptr<SourceBuffer> source;
    std::unique_ptr<Diagnostics> diags;
    Program program;
    std::vector<std::string> errors() const {
        std::vector<std::string> out;
        for (const auto& d : diags->all()) out.push_back(diags->headline(d));
        return out;
    }
};

inline Parsed parse(const std::string& text) {
    Parsed p;
    p.source = std::make_unique<SourceBuffer>("t.p4", text);
    p.diags = std::make_unique<Diagnostics>(p.source.get());
    p.program = parseProgram(*p.source, *p.diags);
    return p;
}

// Parses a program that must have no errors.
inline Parsed parseOk(const std::string& text) {
    Parsed p = parse(text);
    EXPECT_EQ(p.errors(), std::vector<std::string>{}) << text;
    return p;
}

template <typename T>
T& declAt(const Parsed& p, size_t i) {
    EXPECT_LT(i, p.program.decls.size());
    auto* d = as<T>(p.program.decls.at(i));
    EXPECT_NE(d, nullptr) << "declaration " << i << " has another kind";
    return *d;
}

// The expression as the initializer of a constant.
inline std::string expr(const std::string& text) {
    Parsed p = parseOk("const bit<8> c = " + text + ";");
    if (p.program.decls.size() != 1) return "<no decl>";
    return show(as<ConstDecl>(p.program.decls[0])->init);
}

// The statements of `apply { ... }` in a control.
inline std::vector<StmtPtr> stmts(const std::string& body) {
    Parsed p = parseOk("control C() { apply { " + body + " } }");
    if (p.program.decls.size() != 1) return {};
    return as<ControlDecl>(p.program.decls[0])->apply->stmts;
}

inline std::vector<std::string> errorsOf(const std::string& text) { return parse(text).errors(); }

}  // namespace hop::parsertest
