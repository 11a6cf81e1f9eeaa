// SPDX-License-Identifier: Apache-2.0
// The semantic checker's entry points and scopes. The rest of the checker, by what it checks:
// sema_types.cpp (type references, generics, layout), sema_decl.cpp (declarations),
// sema_table.cpp (tables), sema_v1model.cpp (the V1Switch binding), sema_stmt.cpp (statements),
// sema_expr.cpp, sema_operators.cpp, sema_convert.cpp and sema_call.cpp (expressions);
// the unsupported-extern list is in unsupported.cpp.
#include "sema/checker.hpp"

namespace hop::sema {

using namespace hop::ast;

Checker::Checker(Diagnostics& diags, CheckedProgram& out, const CheckOptions& options)
    : diags_(diags), out_(out), types_(*out.types), options_(options) {}

const std::vector<Entity>* Checker::lookupAll(const std::string& name, bool topLevel) const {
    for (const Scope* s = topLevel ? &global_ : scope_; s; s = s->parent) {
        auto it = s->names.find(name);
        if (it != s->names.end() && !it->second.empty()) return &it->second;
    }
    return nullptr;
}

const Entity* Checker::lookup(const std::string& name, bool topLevel) const {
    const auto* all = lookupAll(name, topLevel);
    return all ? &all->front() : nullptr;
}

static int paramCountOf(const Entity& e) {
    if (auto* x = as<ExternDecl>(e.decl); x && x->isFunction)
        return static_cast<int>(x->function.params.size());
    if (auto* f = as<FunctionDecl>(e.decl)) return static_cast<int>(f->params.size());
    return -1;
}

void Checker::add(const Name& name, Entity e) {
    if (name.text.empty()) return;
    auto& v = scope_->names[name.text];
    if (!v.empty()) {
        // Extern functions and functions overload on their number of parameters (p4c's rule).
        int n = paramCountOf(e);
        bool overload = n >= 0;
        for (const auto& other : v)
            if (paramCountOf(other) < 0 || paramCountOf(other) == n) overload = false;
        if (!overload) {
            diags_.error(name.loc, "'{}' is already declared", name.text);
            return;
        }
    }
    v.push_back(e);
}

void Checker::addParam(Param* p) {
    if (!p) return;
    p->semaType = resolveType(p->type);
    if (p->defaultValue) {
        expr(p->defaultValue.get());
        convert(p->defaultValue.get(), p->semaType, Conv::Init);
    }
    Entity e;
    e.kind = Entity::Kind::Param;
    e.param = p;
    add(p->name, e);
}

std::vector<const Type*> Checker::addTypeVars(const TypeParams& tp) {
    std::vector<const Type*> vars;
    for (const auto& n : tp.names) {
        Type* t = types_.make(TypeKind::TypeVar, n.text);
        vars.push_back(t);
        Entity e;
        e.kind = Entity::Kind::TypeVar;
        e.type = t;
        add(n, e);
    }
    return vars;
}

std::vector<ParamInfo> Checker::paramInfos(const std::vector<ParamPtr>& ps) {
    std::vector<ParamInfo> out;
    for (const auto& p : ps) {
        if (!p) continue;
        ParamInfo pi;
        pi.name = p->name.text;
        pi.direction = p->direction;
        pi.type = p->semaType;
        pi.hasDefault = p->defaultValue != nullptr;
        for (const auto& a : p->annotations)
            if (a.name.text == "optional") pi.optional = true;
        out.push_back(pi);
    }
    return out;
}

void Checker::run(Program& program) {
    out_.program = &program;
    for (const auto& d : program.decls) declare(d, true);
    bindMain(program);
}

bool check(Program& program, Diagnostics& diags, CheckedProgram& out, const CheckOptions& options) {
    int before = diags.errorCount();
    Checker c(diags, out, options);
    c.run(program);
    if (options.reportUnsupported) reportUnsupported(out, diags);
    return diags.errorCount() == before;
}

bool check(Program& program, Diagnostics& diags, CheckedProgram& out) {
    return check(program, diags, out, CheckOptions{});
}

bool checkLanguageOnly(Program& program, Diagnostics& diags, CheckedProgram& out) {
    CheckOptions o;
    o.requireMain = false;
    o.reportUnsupported = false;
    return check(program, diags, out, o);
}

}  // namespace hop::sema
