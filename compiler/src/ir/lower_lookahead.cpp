// SPDX-License-Identifier: Apache-2.0
// Lowers `packet.lookahead<T>()` of a header or struct type: a field of the result
// (`pkt.lookahead<h_t>().f`) and the whole value assigned to a header or struct. Every read is a
// slice of one lookahead of all of T's bits, so a packet shorter than T rejects with
// PacketTooShort wherever the value is used, as P4_16 12.8.4 asks (p4c's ExpandLookahead reads
// all of T's bits likewise).
#include <fmt/format.h>

#include "ir/lower_internal.hpp"

namespace hop::ir::detail {

// Bits a value of type `t` takes in the packet: a header's fields, a struct's fields (header
// members with their fields, no validity), in order; -1 for a type with no fixed layout
// (varbit, stack, union).
int Lowering::lookaheadBits(const sema::Type* t) const {
    if (!t) return -1;
    if (t->kind == TypeKind::Header || t->kind == TypeKind::Struct) {
        int bits = 0;
        for (const auto& f : t->fields) {
            const int w = lookaheadBits(f.type);
            if (w < 0) return -1;
            bits += w;
        }
        return bits;
    }
    if (t->kind == TypeKind::Varbit) return -1;
    Scalar s = scalarOf(t);
    return s.width > 0 && !s.isInt ? s.width : -1;
}

// The call is `packet.lookahead<T>()` in a parser.
static bool isLookahead(const ast::Expr* e, const sema::CheckedProgram& cp) {
    auto* c = dyn<CallExpr>(e);
    auto* callee = c ? dyn<MemberExpr>(c->callee) : nullptr;
    if (!callee) return false;
    const sema::CallTarget* target = cp.callOf(c);
    std::string method = callee->member.text;
    if (target && target->kind == sema::CallTarget::Kind::Builtin && !target->builtin.empty())
        method = target->builtin;
    return method == "lookahead";
}

// Bits [offset, offset + width) of T, counted from T's first bit, as a value of `scalar`'s type.
ExprPtr Lowering::lookaheadSlice(int total, int offset, Scalar scalar) {
    ExprPtr all = lookahead(total);
    const int w = scalar.width;
    ExprPtr v = w == total ? all : slice(all, total - 1 - offset, total - offset - w);
    if (scalar.isBool) return binary(BinaryOp::Ne, v, constant(0, 1));
    if (scalar.isSigned) return cast(v, w, true);
    return v;
}

std::optional<ExprPtr> Lowering::lookaheadMember(const MemberExpr* m) {
    // The member chain down to the call: `pkt.lookahead<S>().h.f` names h, then f.
    std::vector<const MemberExpr*> chain;
    const ast::Expr* e = m;
    while (auto* mm = dyn<MemberExpr>(e)) {
        chain.push_back(mm);
        e = mm->base.get();
    }
    if (!isLookahead(e, cp_)) return std::nullopt;
    auto* call = dyn<CallExpr>(e);
    if (!inParser_) {
        diags_.unsupported(m->loc, "lookahead outside of a parser");
        return nullptr;
    }
    const int total = lookaheadBits(call->type);
    if (total <= 0) {
        diags_.unsupported(call->loc, "lookahead of a type with no fixed width");
        return nullptr;
    }
    const sema::Type* t = call->type;
    int offset = 0;
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        const std::string& name = (*it)->member.text;
        const sema::Field* f = t ? t->field(name) : nullptr;
        if (!f) {
            diags_.unsupported((*it)->loc, "'" + exprText(*it) + "' of a lookahead");
            return nullptr;
        }
        for (const auto& g : t->fields) {
            if (&g == f) break;
            offset += lookaheadBits(g.type);
        }
        t = f->type;
    }
    Scalar s = scalarOf(t);
    if (s.width == 0 || s.isInt) {
        diags_.unsupported(m->loc, "'" + exprText(m) + "' as a value");
        return nullptr;
    }
    return lookaheadSlice(total, offset, s);
}

// `dst = pkt.lookahead<T>()` for a header or struct T: each field from its bits, each header of
// `dst` made valid (a lookahead's header is valid, as an extract's).
bool Lowering::lookaheadInto(const std::string& dst, const sema::Type* t, const CallExpr* c,
                             ExprPtr pred, SourceLoc loc) {
    if (!isLookahead(c, cp_)) return false;
    const int total = lookaheadBits(c->type);
    if (!inParser_ || total <= 0) {
        diags_.unsupported(c->loc, inParser_ ? "lookahead of a type with no fixed width"
                                             : "lookahead outside of a parser");
        return true;
    }
    int offset = 0;
    std::function<void(const std::string&, const sema::Type*)> fill = [&](const std::string& path,
                                                                          const sema::Type* ft) {
        if (ft->kind == TypeKind::Header || ft->kind == TypeKind::Struct) {
            for (const auto& f : ft->fields) fill(path + "." + f.name, f.type);
            if (ft->kind == TypeKind::Header) setValidAt(path, pred, loc);
            return;
        }
        const Scalar s = scalarOf(ft);
        if (FieldId f = p_.findField(path); f >= 0) {
            const Field& fd = p_.fields[f];
            assign(fieldRef(f, fd.width, fd.isSigned, fd.isBool), lookaheadSlice(total, offset, s),
                   pred, loc);
        } else {
            diags_.unsupported(loc, "assigning to '" + path + "'");
        }
        offset += s.width;
    };
    fill(dst, t);
    return true;
}

}  // namespace hop::ir::detail
