// SPDX-License-Identifier: Apache-2.0
// Lowers the verify and compute checksum controls and their verify/update_checksum calls.
#include <map>

#include "ir/lower_internal.hpp"

namespace hop::ir::detail {

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
    const ast::Expr* algo = c.arg(3);
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
        diags_.unsupported(algo ? algo->loc : c.loc, "this checksum algorithm");
        return pred;
    }
    u.algorithm = it->second;
    if (u.checksum && cond) (verify ? p_.verifyChecksums : p_.updateChecksums).push_back(u);
    return pred;
}

}  // namespace hop::ir::detail
