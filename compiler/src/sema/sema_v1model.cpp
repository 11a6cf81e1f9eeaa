// SPDX-License-Identifier: Apache-2.0
// The v1model binding: `V1Switch(...) main;` bound to its six blocks and its H and M types.
#include "sema/checker.hpp"

namespace hop::sema {

using namespace hop::ast;

static const Decl* blockDeclOf(const Expr* e) {
    if (auto* c = as<const CallExpr>(e)) e = c->callee.get();
    auto* p = as<const PathExpr>(e);
    if (!p || !p->decl) return nullptr;
    if (auto* inst = as<const InstanceDecl>(p->decl)) {
        auto* n = as<const NamedTypeRef>(inst->typeRef);
        return n ? n->decl : nullptr;
    }
    return p->decl;
}

void Checker::bindMain(Program& program) {
    InstanceDecl* main = nullptr;
    for (const auto& d : program.decls)
        if (auto* i = as<InstanceDecl>(d); i && i->name.text == "main") main = i;
    if (!main) {
        // Other errors already explain why the program is incomplete.
        if (!options_.requireMain || diags_.hasErrors()) return;
        SourceLoc loc;
        for (const auto& d : program.decls)
            if (d) loc = d->name.loc.valid() ? d->name.loc : d->loc;
        diags_.error(loc, "no 'main' package instantiation (e.g. V1Switch(...) main;)");
        return;
    }
    const Type* t = main->type;
    if (!t) return;
    if (t->kind != TypeKind::Package) {
        diags_.error(main->name.loc, "'main' must be an instance of a package, not {}", t->str());
        return;
    }
    if (t->name != "V1Switch") {
        if (options_.requireMain)
            diags_.unsupported(main->typeRef ? main->typeRef->loc : main->loc,
                               "package '" + t->name + "'");
        return;
    }
    auto& b = out_.v1model;
    b.main = main;
    const Type* generic = t->decl ? t->decl->type : nullptr;
    for (size_t i = 0; i < main->args.size(); ++i) {
        size_t slot = i;
        if (main->args[i].name && generic) {
            for (size_t j = 0; j < generic->params.size(); ++j)
                if (generic->params[j].name == main->args[i].name->text) slot = j;
        }
        const Decl* bd = blockDeclOf(main->args[i].value.get());
        switch (slot) {
            case 0:
                b.parser = as<const ParserDecl>(bd);
                break;
            case 1:
                b.verifyChecksum = as<const ControlDecl>(bd);
                break;
            case 2:
                b.ingress = as<const ControlDecl>(bd);
                break;
            case 3:
                b.egress = as<const ControlDecl>(bd);
                break;
            case 4:
                b.computeChecksum = as<const ControlDecl>(bd);
                break;
            case 5:
                b.deparser = as<const ControlDecl>(bd);
                break;
            default:
                break;
        }
    }
    if (t->typeArgs.size() >= 2) {
        b.headersType = t->typeArgs[0];
        b.metadataType = t->typeArgs[1];
    }
}

}  // namespace hop::sema
