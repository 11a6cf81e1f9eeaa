// SPDX-License-Identifier: Apache-2.0
// The reference interpreter: v1model's hash extern, as BMv2's modify_field_with_hash_based_offset
// computes it (hash/hash.hpp), and log_msg.
#include "hash/hash.hpp"
#include "sim/model/model_impl.hpp"

namespace hop::sim {

namespace {

uint64_t low64(const BigInt& v) { return static_cast<uint64_t>(v & ones(64)); }

}  // namespace

void Model::Impl::hashStmt(const ir::Stmt& s, const std::vector<BigInt>* args) {
    scratch.clear();
    for (const auto& d : s.args) {
        if (d->kind == ir::ExprKind::Field) {
            // BMv2 leaves the fields of a header that is not valid out of the calculation.
            const ir::Header& h = p.headers[p.fields[d->index].header];
            if (h.kind == ir::Header::Kind::Packet && !valid[p.fields[d->index].header]) continue;
        }
        scratch.write(eval(d, args), d->width);
    }
    const uint64_t h = hash::compute(s.algorithm, scratch.bytes());
    // base and max as BMv2 reads them (Data::get<uint64_t>): a signed value sign-extended.
    auto operand = [&](const ir::ExprPtr& e) {
        BigInt v = eval(e, args);
        if (e->isSigned) v = wrap(toSigned(v, e->width), 64);
        return low64(v);
    };
    const uint64_t base = operand(s.src), max = operand(s.src2);
    const uint64_t v = hash::hashOffset(h, base, max);
    assign(s.dst, BigInt(v));
    if (tracing)
        note(TraceEvent::Kind::Note, std::string("hash ") + ir::toString(s.algorithm) + " = " +
                                         number(BigInt(h)) + ", base " + number(BigInt(base)) +
                                         ", max " + number(BigInt(max)) + " -> " +
                                         number(wrap(BigInt(v), s.dst->width)));
}

// log_msg as BMv2 prints it: each `{}` of the message replaced by the next value, in decimal
// (a `{}` past the values stays as it is).
void Model::Impl::logStmt(const ir::Stmt& s, const std::vector<BigInt>* args) {
    std::string out;
    size_t next = 0;
    for (size_t i = 0; i < s.text.size(); ++i) {
        if (s.text.compare(i, 2, "{}") == 0 && next < s.args.size()) {
            const ir::ExprPtr& e = s.args[next++];
            BigInt v = eval(e, args);
            out += e->isSigned ? toSigned(v, e->width).str() : v.str();
            ++i;
            continue;
        }
        out += s.text[i];
    }
    note(TraceEvent::Kind::Note, "log_msg: " + out);
}

}  // namespace hop::sim
