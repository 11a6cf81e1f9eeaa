// SPDX-License-Identifier: Apache-2.0
// Lowers call statements: table applies, header validity, extern methods and extern functions.
#include <map>

#include "ir/lower_internal.hpp"

namespace hop::ir::detail {

ExprPtr Lowering::lowerCallStmt(const CallExpr* c, ExprPtr pred, SourceLoc loc) {
    const sema::CallTarget* target = cp_.callOf(c);
    auto* callee = dyn<MemberExpr>(c->callee);
    auto* path = dyn<PathExpr>(c->callee);
    std::string method = callee ? callee->member.text : (path ? path->name.text : "");
    using K = sema::CallTarget::Kind;
    K kind = target ? target->kind : K::Unknown;
    if (kind == K::Builtin && !target->builtin.empty()) method = target->builtin;

    // Direct action calls and functions: inline.
    const ActionDecl* action = nullptr;
    if (kind == K::Action) action = dyn<ActionDecl>(target->decl);
    if (!action && path) action = dyn<ActionDecl>(path->decl);
    if (action) {
        actionFor(action);  // listed in P4Info like p4c does, even when only called directly
        return inlineCall(action, action->params, action->body.get(), c, pred);
    }
    // A control instance's apply: its body inlined.
    if (callee && callee->member.text == "apply")
        if (auto* base = dyn<PathExpr>(callee->base))
            if (const Decl* inst = controlInstance(base)) return applySubControl(inst, c, pred);
    const FunctionDecl* fn = nullptr;
    if (kind == K::Function) fn = dyn<FunctionDecl>(target->decl);
    if (!fn && path) fn = dyn<FunctionDecl>(path->decl);
    if (fn) return inlineCall(fn, fn->params, fn->body.get(), c, pred);

    static const std::map<std::string, CallHandler> kHandlers = {
        {"apply", &Lowering::callTableApply},
        {"setValid", &Lowering::callSetValidity},
        {"setInvalid", &Lowering::callSetValidity},
        {"count", &Lowering::callCount},
        {"read", &Lowering::callRead},
        {"write", &Lowering::callRegisterWrite},
        {"execute_meter", &Lowering::callExecuteMeter},
        {"extract", &Lowering::callExtract},
        {"advance", &Lowering::callAdvance},
        {"mark_to_drop", &Lowering::callMarkToDrop},
        {"verify", &Lowering::callVerify},
        {"push_front", &Lowering::callPushPop},
        {"pop_front", &Lowering::callPushPop},
        {"verify_checksum", &Lowering::callChecksum},
        {"update_checksum", &Lowering::callChecksum},
        {"verify_checksum_with_payload", &Lowering::callChecksum},
        {"update_checksum_with_payload", &Lowering::callChecksum},
        {"hash", &Lowering::callHash},
        {"random", &Lowering::callRandom},
        {"truncate", &Lowering::callTruncate},
        {"log_msg", &Lowering::callLogMsg},
        {"assert", &Lowering::callCheck},
        {"assume", &Lowering::callCheck},
        {"digest", &Lowering::callDigest},
        {"clone", &Lowering::callClone},
        {"clone3", &Lowering::callClone},
        {"clone_preserving_field_list", &Lowering::callClone},
        {"resubmit", &Lowering::callResubmit},
        {"resubmit_preserving_field_list", &Lowering::callResubmit},
        {"recirculate", &Lowering::callResubmit},
        {"recirculate_preserving_field_list", &Lowering::callResubmit},
    };
    CallSite site{c, callee, {}, method, loc};
    if (callee) site.receiver = resolve(callee->base.get());
    if (auto it = kHandlers.find(method); it != kHandlers.end())
        if (auto next = (this->*it->second)(site, pred)) return *next;
    diags_.unsupported(loc, "the call '" + exprText(c->callee.get()) + "(...)'");
    return pred;
}

std::optional<ExprPtr> Lowering::callTableApply(const CallSite& c, ExprPtr pred) {
    if (c.receiver.kind != Ref::Kind::Table) return std::nullopt;
    TableId table = c.receiver.table;
    if (inParser_ || checksumMode_) {
        diags_.unsupported(c.loc, "applying a table here");
        return pred;
    }
    if (!applied_.insert(table).second) {
        diags_.unsupported(c.loc, "applying table '" + p_.tables[table].localName +
                                      "' more than once in a control");
        return pred;
    }
    Stmt s;
    s.kind = StmtKind::ApplyTable;
    s.table = table;
    s.loc = c.loc;
    emit(s, pred);
    // An action that exits ends the control: later statements test the flag.
    bool mayExit = false;
    for (const auto& r : p_.tables[table].actions)
        for (const auto& st : r.bound ? r.body : p_.actions[r.action].body)
            mayExit = mayExit || st.kind == StmtKind::Exit;
    if (mayExit) {
        applyMayExit_ = true;
        if (exitFlag_ < 0) {
            HeaderId h = temporaries(owner_);
            exitFlag_ = p_.addField(h, owner_ + ".$exit", 1, false, true);
        }
        return andPred(pred, notPred(fieldRef(exitFlag_, 1, false, true)));
    }
    return pred;
}

std::optional<ExprPtr> Lowering::callSetValidity(const CallSite& c, ExprPtr pred) {
    if (c.receiver.kind != Ref::Kind::Path) return std::nullopt;
    if (!c.receiver.alts.empty()) {
        // A run-time index: one predicated statement per element it can name.
        for (const auto& [cond, path] : c.receiver.alts) {
            HeaderId h = p_.findHeader(path);
            if (h < 0) return std::nullopt;
            Stmt s;
            s.kind = c.method == "setValid" ? StmtKind::SetValid : StmtKind::SetInvalid;
            s.header = h;
            s.loc = c.loc;
            ExprPtr at = stable(andPred(pred, cond), "idx", c.loc);
            emit(s, at);
            invalidateSiblings(h, at, c.loc);
        }
        return pred;
    }
    HeaderId h = p_.findHeader(c.receiver.path);
    if (h < 0) {
        diags_.unsupported(c.loc, c.method + " on '" + c.receiver.path + "'");
        return pred;
    }
    bool valid = c.method == "setValid";
    Stmt s;
    s.kind = valid ? StmtKind::SetValid : StmtKind::SetInvalid;
    s.header = h;
    s.loc = c.loc;
    emit(s, pred);
    invalidateSiblings(h, pred, c.loc);
    return pred;
}

// --- stateful externs

const ExternObject* Lowering::receiverExtern(const CallSite& c) const {
    return c.receiver.kind == Ref::Kind::Extern ? &p_.externs[c.receiver.object] : nullptr;
}

std::optional<ExprPtr> Lowering::callCount(const CallSite& c, ExprPtr pred) {
    using XK = ExternObject::Kind;
    const ExternObject* x = receiverExtern(c);
    if (!x || (x->kind != XK::Counter && x->kind != XK::DirectCounter)) return std::nullopt;
    Stmt s;
    s.object = c.receiver.object;
    s.loc = c.loc;
    s.kind = StmtKind::Count;
    if (x->kind == XK::Counter) s.src = lowerExpr(c.arg(0), {32});
    emit(s, pred);
    return pred;
}

std::optional<ExprPtr> Lowering::callRead(const CallSite& c, ExprPtr pred) {
    using XK = ExternObject::Kind;
    const ExternObject* x = receiverExtern(c);
    if (!x || (x->kind != XK::Register && x->kind != XK::DirectMeter)) return std::nullopt;
    Stmt s;
    s.object = c.receiver.object;
    s.loc = c.loc;
    if (x->kind == XK::Register) {
        s.kind = StmtKind::RegRead;
        s.dst = lvalue(c.arg(0));
        s.src = lowerExpr(c.arg(1), {32});
        if (s.dst && s.src) emit(s, pred);
        return pred;
    }
    // A direct meter's read is its execution: the colour of the entry that matched.
    s.kind = StmtKind::MeterExec;
    s.dst = lvalue(c.arg(0));
    if (s.dst) emit(s, pred);
    return pred;
}

std::optional<ExprPtr> Lowering::callRegisterWrite(const CallSite& c, ExprPtr pred) {
    const ExternObject* x = receiverExtern(c);
    if (!x || x->kind != ExternObject::Kind::Register) return std::nullopt;
    Stmt s;
    s.object = c.receiver.object;
    s.loc = c.loc;
    s.kind = StmtKind::RegWrite;
    s.src = lowerExpr(c.arg(0), {32});
    s.src2 = lowerExpr(c.arg(1), {x->width});
    if (s.src && s.src2) emit(s, pred);
    return pred;
}

std::optional<ExprPtr> Lowering::callExecuteMeter(const CallSite& c, ExprPtr pred) {
    const ExternObject* x = receiverExtern(c);
    if (!x || x->kind != ExternObject::Kind::Meter) return std::nullopt;
    Stmt s;
    s.object = c.receiver.object;
    s.loc = c.loc;
    s.kind = StmtKind::MeterExec;
    s.src = lowerExpr(c.arg(0), {32});
    s.dst = lvalue(c.arg(1));
    if (s.dst && s.src) emit(s, pred);
    return pred;
}

// --- packet_in methods in the parser

std::optional<ExprPtr> Lowering::callExtract(const CallSite& c, ExprPtr pred) {
    if (!c.callee || !inParser_) return std::nullopt;
    const ast::Expr* h = c.arg(0);
    if (!h && !c.call->args.empty()) return extractDontCare(c, pred);  // `_`: no value
    Stmt s;
    s.kind = StmtKind::Extract;
    s.loc = c.loc;
    SourceLoc where = c.loc;  // where a bad target is reported
    if (unionStackNext(h, s)) {
        where = h->loc;  // `stack.next.member` of a stack of unions
    } else if (auto* m = dyn<MemberExpr>(h); m && m->member.text == "next") {
        // `stack.next`: the element is chosen where the extract runs (Stmt::stack).
        Ref base = resolve(m->base.get());
        s.stack = base.kind == Ref::Kind::Path && base.alts.empty() ? stackAt(base.path) : -1;
        where = h->loc;
    } else {
        Ref r = resolve(h);
        s.header = r.kind == Ref::Kind::Path ? p_.findHeader(r.path) : -1;
    }
    if (s.stack < 0 && s.header < 0) {
        diags_.unsupported(where, "extracting into '" + exprText(h) + "'");
        return pred;
    }
    if (c.call->args.size() > 1) s.length = lowerExpr(c.arg(1), {32});
    emit(s, pred);
    return pred;
}

// `extract<T>(_)`: the header is read and dropped, so only the cursor moves, by T's size, with
// the same PacketTooShort check as an extraction (BMv2 extracts into a temporary).
std::optional<ExprPtr> Lowering::extractDontCare(const CallSite& c, ExprPtr pred) {
    const sema::CallTarget* target = cp_.callOf(c.call);
    const sema::Type* t = target && !target->typeArgs.empty() ? target->typeArgs[0] : nullptr;
    if (!t || t->kind != TypeKind::Header || t->width <= 0 || c.call->args.size() > 1) {
        diags_.unsupported(c.loc, "extracting into '_' other than a fixed-size header");
        return pred;
    }
    Stmt s;
    s.kind = StmtKind::Advance;
    s.src = constant(t->width, 32);
    s.loc = c.loc;
    emit(s, pred);
    return pred;
}

std::optional<ExprPtr> Lowering::callAdvance(const CallSite& c, ExprPtr pred) {
    if (!c.callee || !inParser_) return std::nullopt;
    Stmt s;
    s.kind = StmtKind::Advance;
    s.src = lowerExpr(c.arg(0), {32});
    s.loc = c.loc;
    if (s.src) emit(s, pred);
    return pred;
}

// --- extern functions

std::optional<ExprPtr> Lowering::callMarkToDrop(const CallSite& c, ExprPtr pred) {
    if (inParser_) return std::nullopt;
    Stmt s;
    s.kind = StmtKind::MarkToDrop;
    s.loc = c.loc;
    emit(s, pred);
    return pred;
}

std::optional<ExprPtr> Lowering::callVerify(const CallSite& c, ExprPtr pred) {
    if (!inParser_) return std::nullopt;
    Stmt s;
    s.kind = StmtKind::Verify;
    s.src = lowerExpr(c.arg(0));
    auto* m = dyn<MemberExpr>(c.arg(1));
    s.error = m ? errorCode(m->member.text) : -1;
    s.loc = c.loc;
    if (s.error < 0) {
        diags_.unsupported(c.loc, "verify with a run-time error value");
        return pred;
    }
    if (s.src) emit(s, pred);
    return pred;
}

// ---- copy-in/copy-out (P4_16 6.8): which locations a callee names other than through its
// parameters, so that an out/inout argument it also reaches that way is passed by copy.

bool pathsOverlap(const std::string& a, const std::string& b) {
    const std::string& s = a.size() <= b.size() ? a : b;
    const std::string& l = a.size() <= b.size() ? b : a;
    if (l.compare(0, s.size(), s) != 0) return false;
    return l.size() == s.size() || l[s.size()] == '.' || l[s.size()] == '[';
}

namespace {

struct TouchWalker {
    Lowering* l;
    std::function<std::optional<std::string>(const ast::Expr*)> path;
    std::vector<std::string>& out;
    std::set<const Decl*> visited;

    void stmt(const ast::Stmt* s, int depth) {
        if (!s || depth > 32) return;
        if (auto* a = dyn<AssignStmt>(s)) {
            expr(a->lhs.get(), depth);
            expr(a->rhs.get(), depth);
        } else if (auto* c = dyn<CallStmt>(s)) {
            expr(c->call.get(), depth);
        } else if (auto* b = dyn<BlockStmt>(s)) {
            for (const auto& x : b->stmts) stmt(x.get(), depth + 1);
        } else if (auto* i = dyn<IfStmt>(s)) {
            expr(i->cond.get(), depth);
            stmt(i->then.get(), depth + 1);
            stmt(i->otherwise.get(), depth + 1);
        } else if (auto* sw = dyn<SwitchStmt>(s)) {
            expr(sw->subject.get(), depth);
            for (const auto& c : sw->cases) stmt(c.body.get(), depth + 1);
        } else if (auto* r = dyn<ReturnStmt>(s)) {
            expr(r->value.get(), depth);
        } else if (auto* d = dyn<DeclStmt>(s)) {
            if (auto* v = dyn<VarDecl>(d->decl)) expr(v->init.get(), depth);
        } else if (auto* f = dyn<ast::ForStmt>(s)) {
            for (const auto& x : f->init) stmt(x.get(), depth + 1);
            expr(f->cond.get(), depth);
            for (const auto& x : f->update) stmt(x.get(), depth + 1);
            stmt(f->body.get(), depth + 1);
        } else if (auto* f = dyn<ast::ForInStmt>(s)) {
            expr(f->collection.get(), depth);
            stmt(f->body.get(), depth + 1);
        }
    }

    void expr(const ast::Expr* e, int depth) {
        if (!e || depth > 64) return;
        if (dyn<PathExpr>(e) || dyn<MemberExpr>(e) || dyn<IndexExpr>(e)) {
            if (auto p = path(e)) {
                out.push_back(*p);
            } else if (auto* m = dyn<MemberExpr>(e)) {
                expr(m->base.get(), depth + 1);
            } else if (auto* i = dyn<IndexExpr>(e)) {
                expr(i->base.get(), depth + 1);
            }
            if (auto* i = dyn<IndexExpr>(e)) expr(i->index.get(), depth + 1);
            return;
        }
        if (auto* c = dyn<CallExpr>(e)) {
            expr(c->callee.get(), depth + 1);
            for (const auto& a : c->args) expr(a.value.get(), depth + 1);
            // A called action or function reaches what its body names.
            auto* p = dyn<PathExpr>(c->callee);
            const Decl* d = p ? p->decl : nullptr;
            if (d && visited.insert(d).second) {
                if (auto* a = dyn<ActionDecl>(d)) stmt(a->body.get(), depth + 1);
                if (auto* f = dyn<FunctionDecl>(d)) stmt(f->body.get(), depth + 1);
            }
            return;
        }
        if (auto* b = dyn<BinaryExpr>(e)) {
            expr(b->lhs.get(), depth + 1);
            expr(b->rhs.get(), depth + 1);
        } else if (auto* u = dyn<ast::UnaryExpr>(e)) {
            expr(u->operand.get(), depth + 1);
        } else if (auto* t = dyn<TernaryExpr>(e)) {
            expr(t->cond.get(), depth + 1);
            expr(t->then.get(), depth + 1);
            expr(t->otherwise.get(), depth + 1);
        } else if (auto* c = dyn<CastExpr>(e)) {
            expr(c->operand.get(), depth + 1);
        } else if (auto* s = dyn<SliceExpr>(e)) {
            expr(s->base.get(), depth + 1);
        } else if (auto* l = dyn<ListExpr>(e)) {
            for (const auto& x : l->elements) expr(x.get(), depth + 1);
        } else if (auto* st = dyn<ast::StructExpr>(e)) {
            for (const auto& f : st->fields) expr(f.second.get(), depth + 1);
        }
    }
};

}  // namespace

// The layout path a name chain of the caller's scope stands for (`hdr.h.a`, `hdr.s[1]`); none
// for a callee's own parameters and locals, tables and externs. A run-time index names the
// whole stack.
std::optional<std::string> Lowering::namedPath(const ast::Expr* e) {
    if (auto* p = dyn<PathExpr>(e)) {
        const Param* prm = cp_.paramOf(p);
        if (prm && !params_.count(prm)) return std::nullopt;
        if (!prm && (!p->decl || dyn<TableDecl>(p->decl))) return std::nullopt;
        Ref r = resolve(e);
        if (r.kind != Ref::Kind::Path || !r.alts.empty()) return std::nullopt;
        return r.path;
    }
    if (auto* m = dyn<MemberExpr>(e)) {
        auto base = namedPath(m->base.get());
        if (!base) return std::nullopt;
        if (m->member.text == "next" || m->member.text == "last" || m->member.text == "lastIndex")
            return base;
        return *base + "." + m->member.text;
    }
    if (auto* i = dyn<IndexExpr>(e)) {
        auto base = namedPath(i->base.get());
        if (!base) return std::nullopt;
        if (auto k = constOf(i->index.get())) return *base + "[" + k->str() + "]";
        return base;
    }
    return std::nullopt;
}

std::vector<std::string> Lowering::touchedPaths(const ast::Stmt* body) {
    std::vector<std::string> out;
    TouchWalker w{this, [this](const ast::Expr* e) { return namedPath(e); }, out, {}};
    w.stmt(body, 0);
    return out;
}

}  // namespace hop::ir::detail
