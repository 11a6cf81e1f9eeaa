// SPDX-License-Identifier: Apache-2.0
// Lowers the verify and compute checksum controls and their verify/update_checksum calls, and
// the hash extern: the calls that compute over a list of fields with a HashAlgorithm.
#include <map>

#include "hash/hash.hpp"
#include "ir/lower_internal.hpp"

namespace hop::ir::detail {

// `HashAlgorithm.<member>`: a compile-time constant in every program (p4c's BMv2 backend
// requires one too).
std::optional<HashAlgorithm> Lowering::hashAlgorithm(const ast::Expr* e, SourceLoc loc) {
    static const std::map<std::string, HashAlgorithm> kAlgorithms = {
        {"csum16", HashAlgorithm::Csum16},
        {"crc16", HashAlgorithm::Crc16},
        {"crc32", HashAlgorithm::Crc32},
        {"identity", HashAlgorithm::Identity},
        {"xor16", HashAlgorithm::Xor16},
        {"random", HashAlgorithm::Random},
        {"crc16_custom", HashAlgorithm::Crc16Custom},
        {"crc32_custom", HashAlgorithm::Crc32Custom}};
    if (auto* p = dyn<PathExpr>(e))
        if (auto* c = dyn<ConstDecl>(p->decl)) e = c->init.get();
    auto* m = dyn<MemberExpr>(e);
    auto it = m ? kAlgorithms.find(m->member.text) : kAlgorithms.end();
    if (it == kAlgorithms.end()) {
        diags_.unsupported(e ? e->loc : loc,
                           "a hash algorithm that is not a constant HashAlgorithm member");
        return std::nullopt;
    }
    return it->second;
}

// The values a field list stands for, in order: a header or struct stands for its fields.
bool Lowering::hashData(const ast::Expr* e, std::vector<ExprPtr>& out) {
    if (auto* list = dyn<ListExpr>(e)) {
        for (const auto& el : list->elements)
            if (!hashData(el.get(), out)) return false;
        return true;
    }
    if (auto* st = dyn<ast::StructExpr>(e)) {
        for (const auto& f : st->fields)
            if (!hashData(f.second.get(), out)) return false;
        return true;
    }
    const bool aggregate =
        e->type && (e->type->kind == TypeKind::Header || e->type->kind == TypeKind::Struct);
    if (aggregate) {
        Ref r = resolve(e);
        if (r.kind != Ref::Kind::Path || !r.alts.empty()) {
            diags_.unsupported(e->loc, "'" + exprText(e) + "' in a hash's data");
            return false;
        }
        const std::string prefix = r.path + ".";
        for (FieldId f = 0; f < static_cast<FieldId>(p_.fields.size()); ++f) {
            const Field& fd = p_.fields[f];
            if (fd.name.compare(0, prefix.size(), prefix) == 0)
                out.push_back(fieldRef(f, fd.width, fd.isSigned, fd.isBool));
        }
        return true;
    }
    ExprPtr v = lowerExpr(e);
    if (!v) return false;
    if (v->width <= 0) {
        diags_.unsupported(e->loc, "a value of no width in a hash's data");
        return false;
    }
    out.push_back(v);
    return true;
}

// hash(out O result, in HashAlgorithm algo, in T base, in D data, in M max).
std::optional<ExprPtr> Lowering::callHash(const CallSite& c, ExprPtr pred) {
    if (c.callee || c.call->args.size() != 5) return std::nullopt;
    if (inParser_ || checksumMode_) {
        diags_.unsupported(c.loc, "hash in a parser or a checksum control");
        return pred;
    }
    auto algorithm = hashAlgorithm(c.arg(1), c.loc);
    if (!algorithm) return pred;
    if (auto why = hash::unsupportedReason(*algorithm)) {
        diags_.unsupported(c.arg(1)->loc, *why);
        return pred;
    }
    Stmt s;
    s.kind = StmtKind::Hash;
    s.loc = c.loc;
    s.algorithm = *algorithm;
    s.dst = lvalue(c.arg(0));
    s.src = lowerExpr(c.arg(2), {64});
    s.src2 = lowerExpr(c.arg(4), {64});
    if (!hashData(c.arg(3), s.args)) return pred;
    if (s.dst && s.src && s.src2) emit(s, pred);
    return pred;
}

void Lowering::lowerChecksumControl(const ControlDecl* c, bool verify) {
    owner_ = c->name.text;
    params_.clear();
    bindBlockParams(c->params);
    std::vector<Stmt> sink;
    out_ = &sink;
    checksumMode_ = true;
    checksumVerify_ = verify;
    for (const auto& d : c->locals)
        if (!dyn<ConstDecl>(d))
            diags_.unsupported(d->loc, "a local declaration in a checksum control");
    if (c->apply) lowerBlock(c->apply->stmts, nullptr);
    checksumMode_ = false;
    for (const auto& s : sink) diags_.unsupported(s.loc, "this statement in a checksum control");
}

// verify_checksum, update_checksum and their _with_payload forms, each in its own control.
std::optional<ExprPtr> Lowering::callChecksum(const CallSite& c, ExprPtr pred) {
    if (!checksumMode_) return std::nullopt;
    const std::string& method = c.method;
    bool verify = method.rfind("verify", 0) == 0;
    if (verify != checksumVerify_) {
        diags_.unsupported(c.loc, method + " in this control");
        return pred;
    }
    ChecksumUnit u;
    u.verify = verify;
    u.withPayload = method.find("with_payload") != std::string::npos;
    u.loc = c.loc;
    ExprPtr cond = lowerExpr(c.arg(0));
    u.condition = andPred(pred, cond);
    if (auto* list = dyn<ListExpr>(c.arg(1))) {
        for (const auto& el : list->elements) {
            if (ExprPtr v = lowerExpr(el.get())) u.data.push_back(v);
        }
    } else {
        diags_.unsupported(c.loc, "a checksum field list that is not a list expression");
    }
    u.checksum = lvalue(c.arg(2));
    auto algorithm = hashAlgorithm(c.arg(3), c.loc);
    if (!algorithm) return pred;
    u.algorithm = *algorithm;
    if (u.checksum && cond) (verify ? p_.verifyChecksums : p_.updateChecksums).push_back(u);
    return pred;
}

}  // namespace hop::ir::detail
