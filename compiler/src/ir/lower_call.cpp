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
    auto argExpr = [&](size_t i) -> const ast::Expr* {
        return i < c->args.size() ? c->args[i].value.get() : nullptr;
    };

    // Direct action calls and functions: inline.
    const ActionDecl* action = nullptr;
    if (kind == K::Action) action = dyn<ActionDecl>(target->decl);
    if (!action && path) action = dyn<ActionDecl>(path->decl);
    if (action) {
        actionFor(action);  // listed in P4Info like p4c does, even when only called directly
        return inlineCall(action, action->params, action->body.get(), c, pred);
    }
    const FunctionDecl* fn = nullptr;
    if (kind == K::Function) fn = dyn<FunctionDecl>(target->decl);
    if (!fn && path) fn = dyn<FunctionDecl>(path->decl);
    if (fn) return inlineCall(fn, fn->params, fn->body.get(), c, pred);

    if (callee) {
        Ref base = resolve(callee->base.get());
        // Tables.
        if (base.kind == Ref::Kind::Table && method == "apply") {
            if (inParser_ || checksumMode_) {
                diags_.unsupported(loc, "applying a table here");
                return pred;
            }
            if (!applied_.insert(base.table).second) {
                diags_.unsupported(loc, "applying table '" + p_.tables[base.table].localName +
                                            "' more than once in a control");
                return pred;
            }
            Stmt s;
            s.kind = StmtKind::ApplyTable;
            s.table = base.table;
            s.loc = loc;
            emit(s, pred);
            // An action that exits ends the control: later statements test the flag.
            bool mayExit = false;
            for (const auto& r : p_.tables[base.table].actions)
                for (const auto& st : p_.actions[r.action].body)
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
        // Header validity.
        if (base.kind == Ref::Kind::Path && (method == "setValid" || method == "setInvalid")) {
            HeaderId h = p_.findHeader(base.path);
            if (h < 0) {
                diags_.unsupported(loc, method + " on '" + base.path + "'");
                return pred;
            }
            Stmt s;
            s.kind = method == "setValid" ? StmtKind::SetValid : StmtKind::SetInvalid;
            s.header = h;
            s.loc = loc;
            emit(s, pred);
            // A union holds at most one valid member.
            if (method == "setValid" && p_.headers[h].headerUnion >= 0)
                for (HeaderId other : p_.unions[p_.headers[h].headerUnion].members)
                    if (other != h) {
                        Stmt x = s;
                        x.kind = StmtKind::SetInvalid;
                        x.header = other;
                        emit(x, pred);
                    }
            return pred;
        }
        // Stateful externs.
        if (base.kind == Ref::Kind::Extern) {
            const ExternObject& x = p_.externs[base.object];
            Stmt s;
            s.object = base.object;
            s.loc = loc;
            using XK = ExternObject::Kind;
            if (method == "count" && (x.kind == XK::Counter || x.kind == XK::DirectCounter)) {
                s.kind = StmtKind::Count;
                if (x.kind == XK::Counter) s.src = lowerExpr(argExpr(0), {32});
                emit(s, pred);
                return pred;
            }
            if (method == "read" && x.kind == XK::Register) {
                s.kind = StmtKind::RegRead;
                s.dst = lvalue(argExpr(0));
                s.src = lowerExpr(argExpr(1), {32});
                if (s.dst && s.src) emit(s, pred);
                return pred;
            }
            if (method == "write" && x.kind == XK::Register) {
                s.kind = StmtKind::RegWrite;
                s.src = lowerExpr(argExpr(0), {32});
                s.src2 = lowerExpr(argExpr(1), {x.width});
                if (s.src && s.src2) emit(s, pred);
                return pred;
            }
            if (method == "execute_meter" && x.kind == XK::Meter) {
                s.kind = StmtKind::MeterExec;
                s.src = lowerExpr(argExpr(0), {32});
                s.dst = lvalue(argExpr(1));
                if (s.dst && s.src) emit(s, pred);
                return pred;
            }
            if (method == "read" && x.kind == XK::DirectMeter) {
                s.kind = StmtKind::MeterExec;
                s.dst = lvalue(argExpr(0));
                if (s.dst) emit(s, pred);
                return pred;
            }
        }
        // packet_in methods in the parser.
        if (inParser_ && method == "extract") {
            const ast::Expr* h = argExpr(0);
            if (auto* m = dyn<MemberExpr>(h);
                m && (m->member.text == "next" || m->member.text == "last")) {
                diags_.unsupported(h->loc,
                                   "extracting into a header stack with ." + m->member.text);
                return pred;
            }
            Ref r = resolve(h);
            HeaderId hid = r.kind == Ref::Kind::Path ? p_.findHeader(r.path) : -1;
            if (hid < 0) {
                diags_.unsupported(loc, "extracting into '" + exprText(h) + "'");
                return pred;
            }
            Stmt s;
            s.kind = StmtKind::Extract;
            s.header = hid;
            s.loc = loc;
            if (c->args.size() > 1) s.length = lowerExpr(argExpr(1), {32});
            emit(s, pred);
            return pred;
        }
        if (inParser_ && method == "advance") {
            Stmt s;
            s.kind = StmtKind::Advance;
            s.src = lowerExpr(argExpr(0), {32});
            s.loc = loc;
            if (s.src) emit(s, pred);
            return pred;
        }
    }
    // Extern functions.
    if (method == "mark_to_drop" && !inParser_) {
        Stmt s;
        s.kind = StmtKind::MarkToDrop;
        s.loc = loc;
        emit(s, pred);
        return pred;
    }
    if (method == "verify" && inParser_) {
        Stmt s;
        s.kind = StmtKind::Verify;
        s.src = lowerExpr(argExpr(0));
        auto* m = dyn<MemberExpr>(argExpr(1));
        s.error = m ? errorCode(m->member.text) : -1;
        s.loc = loc;
        if (s.error < 0) {
            diags_.unsupported(loc, "verify with a run-time error value");
            return pred;
        }
        if (s.src) emit(s, pred);
        return pred;
    }
    if (checksumMode_ &&
        (method == "verify_checksum" || method == "update_checksum" ||
         method == "verify_checksum_with_payload" || method == "update_checksum_with_payload")) {
        bool verify = method.rfind("verify", 0) == 0;
        if (verify != checksumVerify_) {
            diags_.unsupported(loc, method + " in this control");
            return pred;
        }
        ChecksumUnit u;
        u.verify = verify;
        u.withPayload = method.find("with_payload") != std::string::npos;
        u.loc = loc;
        ExprPtr cond = lowerExpr(argExpr(0));
        u.condition = andPred(pred, cond);
        if (auto* list = dyn<ListExpr>(argExpr(1))) {
            for (const auto& el : list->elements) {
                if (ExprPtr v = lowerExpr(el.get())) u.data.push_back(v);
            }
        } else {
            diags_.unsupported(loc, "a checksum field list that is not a list expression");
        }
        u.checksum = lvalue(argExpr(2));
        const ast::Expr* algo = argExpr(3);
        auto* am = dyn<MemberExpr>(algo);
        std::string a = am ? am->member.text : "";
        static const std::map<std::string, ChecksumAlgorithm> kAlgorithms = {
            {"csum16", ChecksumAlgorithm::Csum16},
            {"crc16", ChecksumAlgorithm::Crc16},
            {"crc32", ChecksumAlgorithm::Crc32},
            {"identity", ChecksumAlgorithm::Identity},
            {"xor16", ChecksumAlgorithm::Xor16},
            {"random", ChecksumAlgorithm::Random},
            {"crc16_custom", ChecksumAlgorithm::Crc16Custom},
            {"crc32_custom", ChecksumAlgorithm::Crc32Custom}};
        auto it = kAlgorithms.find(a);
        if (it == kAlgorithms.end()) {
            diags_.unsupported(algo ? algo->loc : loc, "this checksum algorithm");
            return pred;
        }
        u.algorithm = it->second;
        if (u.checksum && cond) (verify ? p_.verifyChecksums : p_.updateChecksums).push_back(u);
        return pred;
    }
    diags_.unsupported(loc, "the call '" + exprText(c->callee.get()) + "(...)'");
    return pred;
}

}  // namespace hop::ir::detail
