// SPDX-License-Identifier: Apache-2.0
// The externs hopline accepts in the language but cannot implement in hardware yet. Kept apart
// from the checker so that checking the language never depends on what a backend can do, and
// so that a backend that learns an extern only removes its name from one list.
#include <functional>

#include "sema/sema.hpp"

namespace hop::sema {

using namespace hop::ast;

const std::set<std::string>& unsupportedExterns() {
    static const std::set<std::string> names = {
        // table implementations
        "action_profile",
        "action_selector",
        "Checksum16",
    };
    return names;
}

namespace {

// The checksum algorithms both engines run: the Internet checksum and the CRCs.
const std::set<std::string>& checksumExterns() {
    static const std::set<std::string> names = {"verify_checksum", "update_checksum",
                                                "verify_checksum_with_payload",
                                                "update_checksum_with_payload"};
    return names;
}
const std::set<std::string>& supportedChecksumAlgorithms() {
    static const std::set<std::string> names = {"csum16", "crc16", "crc32"};
    return names;
}

class Walker {
  public:
    explicit Walker(Diagnostics& d) : diags_(d) {}

    void decl(const Decl* d) {
        if (!d) return;
        if (auto* i = as<const InstanceDecl>(d)) {
            auto* n = as<const NamedTypeRef>(i->typeRef);
            if (n && n->decl && as<const ExternDecl>(n->decl) &&
                unsupportedExterns().count(n->decl->name.text))
                diags_.unsupported(n->name.loc, n->decl->name.text);
            for (const auto& a : i->args) expr(a.value.get());
            for (const auto& x : i->initializer) decl(x.get());
        } else if (auto* c = as<const ConstDecl>(d)) {
            expr(c->init.get());
        } else if (auto* v = as<const VarDecl>(d)) {
            expr(v->init.get());
        } else if (auto* f = as<const FunctionDecl>(d)) {
            stmt(f->body.get());
        } else if (auto* a = as<const ActionDecl>(d)) {
            stmt(a->body.get());
        } else if (auto* t = as<const TableDecl>(d)) {
            for (const auto& p : t->properties) {
                for (const auto& k : p.keys) expr(k.expr.get());
                for (const auto& e : p.entries) expr(e.action.expr.get());
                expr(p.value.get());
            }
        } else if (auto* p = as<const ParserDecl>(d)) {
            for (const auto& l : p->locals) decl(l.get());
            for (const auto& s : p->states) {
                if (!s) continue;
                for (const auto& st : s->stmts) stmt(st.get());
                if (s->transition)
                    for (const auto& e : s->transition->selectExprs) expr(e.get());
            }
        } else if (auto* c = as<const ControlDecl>(d)) {
            for (const auto& l : c->locals) decl(l.get());
            stmt(c->apply.get());
        }
    }

  private:
    void stmt(const Stmt* s) {
        if (!s || ++depth_ > 2000) {
            if (s) --depth_;
            return;
        }
        if (auto* a = as<const AssignStmt>(s)) {
            expr(a->lhs.get());
            expr(a->rhs.get());
        } else if (auto* c = as<const CallStmt>(s)) {
            expr(c->call.get());
        } else if (auto* b = as<const BlockStmt>(s)) {
            for (const auto& x : b->stmts) stmt(x.get());
        } else if (auto* i = as<const IfStmt>(s)) {
            expr(i->cond.get());
            stmt(i->then.get());
            stmt(i->otherwise.get());
        } else if (auto* sw = as<const SwitchStmt>(s)) {
            expr(sw->subject.get());
            for (const auto& c : sw->cases) stmt(c.body.get());
        } else if (auto* r = as<const ReturnStmt>(s)) {
            expr(r->value.get());
        } else if (auto* d = as<const DeclStmt>(s)) {
            decl(d->decl.get());
        } else if (auto* f = as<const ForStmt>(s)) {
            for (const auto& x : f->init) stmt(x.get());
            expr(f->cond.get());
            for (const auto& x : f->update) stmt(x.get());
            stmt(f->body.get());
        } else if (auto* f = as<const ForInStmt>(s)) {
            expr(f->collection.get());
            stmt(f->body.get());
        }
        --depth_;
    }

    void expr(const Expr* e) {
        if (!e || ++depth_ > 2000) {
            if (e) --depth_;
            return;
        }
        if (auto* c = as<const CallExpr>(e)) {
            call(c);
            expr(c->callee.get());
            for (const auto& a : c->args) expr(a.value.get());
        } else if (auto* m = as<const MemberExpr>(e)) {
            expr(m->base.get());
        } else if (auto* i = as<const IndexExpr>(e)) {
            expr(i->base.get());
            expr(i->index.get());
        } else if (auto* s = as<const SliceExpr>(e)) {
            expr(s->base.get());
        } else if (auto* u = as<const UnaryExpr>(e)) {
            expr(u->operand.get());
        } else if (auto* b = as<const BinaryExpr>(e)) {
            expr(b->lhs.get());
            expr(b->rhs.get());
        } else if (auto* t = as<const TernaryExpr>(e)) {
            expr(t->cond.get());
            expr(t->then.get());
            expr(t->otherwise.get());
        } else if (auto* c = as<const CastExpr>(e)) {
            expr(c->operand.get());
        } else if (auto* l = as<const ListExpr>(e)) {
            for (const auto& x : l->elements) expr(x.get());
        } else if (auto* s = as<const StructExpr>(e)) {
            for (const auto& f : s->fields) expr(f.second.get());
        }
        --depth_;
    }

    void call(const CallExpr* c) {
        auto* p = as<const PathExpr>(c->callee);
        if (!p || !p->decl || !as<const ExternDecl>(p->decl)) return;
        const std::string& name = p->decl->name.text;
        if (unsupportedExterns().count(name)) {
            diags_.unsupported(p->name.loc, name);
            return;
        }
        if (!checksumExterns().count(name)) return;
        // The algorithm is the last argument: HashAlgorithm.<member>.
        for (const auto& a : c->args) {
            auto* m = as<const MemberExpr>(a.value);
            auto* base = m ? as<const PathExpr>(m->base) : nullptr;
            if (!base || base->name.text != "HashAlgorithm") continue;
            if (!supportedChecksumAlgorithms().count(m->member.text))
                diags_.unsupported(m->member.loc,
                                   "HashAlgorithm." + m->member.text + " in " + name);
        }
    }

    Diagnostics& diags_;
    int depth_ = 0;
};

}  // namespace

void reportUnsupported(const CheckedProgram& program, Diagnostics& diags) {
    if (!program.program) return;
    Walker w(diags);
    for (const auto& d : program.program->decls) w.decl(d.get());
}

}  // namespace hop::sema
