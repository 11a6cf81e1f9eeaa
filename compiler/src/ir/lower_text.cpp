// SPDX-License-Identifier: Apache-2.0
// Annotations and expressions as source text, for P4Info names and the IR's annotations.
#include "ir/lower_internal.hpp"

namespace hop::ir::detail {

std::vector<std::string> annotationList(const ast::Annotations& as) {
    std::vector<std::string> out;
    for (const auto& a : as) out.push_back(annotationText(a));
    return out;
}

const ast::Annotation* findAnnotation(const ast::Annotations& as, const std::string& name) {
    for (const auto& a : as)
        if (a.name.text == name) return &a;
    return nullptr;
}

std::optional<std::string> stringArg(const ast::Annotation& a) {
    if (!a.args.empty())
        if (auto* s = dyn<StringLiteral>(a.args[0])) return s->value;
    // Fall back to the raw text: `"name"` with its quotes.
    std::string b = a.body;
    while (!b.empty() && (b.front() == ' ' || b.front() == '"')) b.erase(b.begin());
    while (!b.empty() && (b.back() == ' ' || b.back() == '"')) b.pop_back();
    if (b.empty()) return std::nullopt;
    return b;
}

std::optional<uint32_t> idAnnotation(const ast::Annotations& as) {
    const auto* a = findAnnotation(as, "id");
    if (!a) return std::nullopt;
    if (!a->args.empty()) {
        if (a->args[0]->constValue) return static_cast<uint32_t>(*a->args[0]->constValue);
        if (auto* lit = dyn<IntLiteral>(a->args[0])) return static_cast<uint32_t>(lit->value);
    }
    try {
        return static_cast<uint32_t>(std::stoul(a->body, nullptr, 0));
    } catch (...) {
        return std::nullopt;
    }
}

std::string exprText(const ast::Expr* e) {
    if (!e) return "_";
    if (auto* p = dyn<PathExpr>(e)) return (p->topLevel ? "." : "") + p->name.text;
    if (auto* m = dyn<MemberExpr>(e)) return exprText(m->base.get()) + "." + m->member.text;
    if (auto* i = dyn<IndexExpr>(e))
        return exprText(i->base.get()) + "[" + exprText(i->index.get()) + "]";
    if (auto* s = dyn<SliceExpr>(e))
        return exprText(s->base.get()) + "[" + exprText(s->hi.get()) + ":" + exprText(s->lo.get()) +
               "]";
    if (auto* c = dyn<CallExpr>(e)) {
        std::string out = exprText(c->callee.get()) + "(";
        for (size_t i = 0; i < c->args.size(); ++i)
            out += (i ? ", " : "") + exprText(c->args[i].value.get());
        return out + ")";
    }
    if (auto* l = dyn<IntLiteral>(e)) return l->text.empty() ? l->value.str() : l->text;
    if (auto* b = dyn<BoolLiteral>(e)) return b->value ? "true" : "false";
    if (auto* s = dyn<StringLiteral>(e)) return "\"" + s->value + "\"";
    if (e->constValue) return e->constValue->str();
    return "<expr>";
}

std::string annotationText(const ast::Annotation& a) {
    std::string out = "@" + a.name.text;
    if (!a.body.empty()) return out + "(" + a.body + ")";
    if (!a.args.empty()) {
        out += "(";
        for (size_t i = 0; i < a.args.size(); ++i)
            out += (i ? ", " : "") + exprText(a.args[i].get());
        return out + ")";
    }
    return out;
}

}  // namespace hop::ir::detail
