// SPDX-License-Identifier: Apache-2.0
// The hash extern as combinational logic in the stage of its statement (one packet per clock):
// one SystemVerilog function per hash and per combination of the validity of the headers its
// fields come from (BMv2 leaves a field of an invalid header out of the calculation, so each
// combination hashes a different number of bits). A CRC over a fixed number of bits is
// linear: each result bit is the parity of a constant mask of the input bits, XOR a constant
// (hash::linearCrc, computed from the software CRC). `% max` is a mask for a constant power of
// two, the value itself when max exceeds every hash value, one subtraction when it exceeds half
// of them, and otherwise a sum of residues from tables (constantModulo): SystemVerilog's `%`
// by a constant synthesizes to a whole divider (68 logic levels for 16 bits mod 7, not 9.5).
#include "hash/hash.hpp"

#include "verilog/generator.hpp"

namespace hop::verilog {

namespace {

// Input bits, zero-padded as BMv2 pads them: to whole bytes, to 16-bit words for the
// word-based algorithms.
int paddedBits(ir::HashAlgorithm a, int bits) {
    const int unit = a == ir::HashAlgorithm::Csum16 || a == ir::HashAlgorithm::Xor16 ? 16 : 8;
    return (bits + unit - 1) / unit * unit;
}

std::string hexMask(const std::vector<bool>& bits) {
    ir::BigInt v = 0;
    for (size_t i = bits.size(); i-- > 0;) v = (v << 1) | (bits[i] ? 1 : 0);
    return literal(v, static_cast<int>(bits.size()));
}

// The function's body: the result (`out` bits) of algorithm `a` over `d`, P bits, MSB first.
void functionBody(CodeBuilder& cb, const std::string& fn, ir::HashAlgorithm a, int P, int out) {
    auto word = [&](int i) { return slice("d", P - 16 * (i + 1), 16); };
    if (auto crc = hash::crcOf(a)) {
        const hash::LinearCrc l = hash::linearCrc(*crc, static_cast<size_t>(P / 8));
        std::string bits;
        for (int j = out - 1; j >= 0; --j) {
            std::vector<bool> mask(P, false);  // index = SV bit (bit P-1 is the first)
            bool any = false;
            for (int i = 0; i < P; ++i)
                if ((l.columns[i] >> j) & 1) any = mask[P - 1 - i] = true;
            bits += (bits.empty() ? "" : ", ") +
                    (any ? fmt::format("^(d & {})", hexMask(mask)) : std::string("1'b0"));
        }
        cb.line(fmt::format("{} = {{{}}} ^ {};", fn, bits, literal(l.constant, out)));
        return;
    }
    switch (a) {
        case ir::HashAlgorithm::Csum16: {
            std::string sum;
            for (int i = 0; i < P / 16; ++i)
                sum += (i ? " + " : "") + fmt::format("32'({})", word(i));
            cb.line(fmt::format("s = {};", sum));
            cb.line("s = 32'(s[15:0]) + 32'(s[31:16]);");
            cb.line("s = 32'(s[15:0]) + 32'(s[31:16]);");
            cb.line(fmt::format("{} = ~s[15:0];", fn));
            return;
        }
        case ir::HashAlgorithm::Xor16: {
            std::string x;
            for (int i = 0; i < P / 16; ++i) x += (i ? " ^ " : "") + word(i);
            cb.line(fmt::format("{} = {};", fn, x));
            return;
        }
        case ir::HashAlgorithm::Identity:
            // At most the first 8 bytes (hashValue passes no more), as a number.
            cb.line(fmt::format("{} = 64'(d);", fn));
            return;
        default:
            break;
    }
}

// The value over no bits at all (every field's header invalid).
uint64_t emptyValue(ir::HashAlgorithm a) { return hash::compute(a, {}); }

}  // namespace

// Declares `fn`: algorithm `a` over P bits (already padded), returning hash::outputWidth bits.
std::string Generator::hashFunction(const std::string& fn, ir::HashAlgorithm a, int P) {
    const int out = hash::outputWidth(a);
    decl_.open(fmt::format("function automatic logic [{}:0] {}(input logic [{}:0] d);", out - 1, fn,
                           P - 1));
    if (a == ir::HashAlgorithm::Csum16) decl_.line("logic [31:0] s;");
    functionBody(decl_, fn, a, P, out);
    decl_.close("endfunction");
    return fn;
}

std::string Generator::hashValue(const ir::Stmt& s, const std::string& b,
                                 const std::string& paramVar,
                                 const std::vector<int>* paramOffsets) {
    const int out = hash::outputWidth(s.algorithm);
    // The headers whose validity decides which fields are hashed.
    std::vector<ir::HeaderId> hdrs;
    std::vector<int> hdrOf(s.args.size(), -1);
    for (size_t i = 0; i < s.args.size(); ++i) {
        const ir::Expr& e = *s.args[i];
        if (e.kind != ir::ExprKind::Field) continue;
        const ir::HeaderId h = p_.fields[e.index].header;
        if (p_.headers[h].kind != ir::Header::Kind::Packet) continue;
        auto it = std::find(hdrs.begin(), hdrs.end(), h);
        hdrOf[i] = static_cast<int>(it - hdrs.begin());
        if (it == hdrs.end()) hdrs.push_back(h);
    }
    constexpr size_t kMaxHeaders = 3;
    if (hdrs.size() > kMaxHeaders) {
        diags_.unsupported(s.loc,
                           "a hash over the fields of more than 3 headers in the Verilog backend "
                           "(one circuit per combination of their validity)");
        failed_ = true;
        return literal(0, out);
    }
    std::vector<std::string> data(s.args.size());
    for (size_t i = 0; i < s.args.size(); ++i)
        data[i] = emitExpr(s.args[i], b, s.loc, paramVar, paramOffsets);
    auto [it, added] = hashIds_.try_emplace(&s, static_cast<int>(hashIds_.size()));
    const int id = it->second;
    std::string value;
    const unsigned combos = 1u << hdrs.size();
    for (unsigned m = combos; m-- > 0;) {
        // The fields hashed when exactly the headers in `m` are valid.
        std::string in;
        int bits = 0;
        for (size_t i = 0; i < s.args.size(); ++i)
            if (hdrOf[i] < 0 || ((m >> hdrOf[i]) & 1)) {
                in += (in.empty() ? "" : ", ") + data[i];
                bits += s.args[i]->width;
            }
        const int P = paddedBits(s.algorithm, bits);
        std::string v;
        if (P == 0) {
            v = literal(emptyValue(s.algorithm), out);
        } else {
            if (P > bits) in += fmt::format(", {}'d0", P - bits);
            const std::string fn = fmt::format("hash{}_{}", id, m);
            std::string arg = "{" + in + "}";
            int argBits = P;
            if (s.algorithm == ir::HashAlgorithm::Identity && P > 64) {
                // Only the first 8 bytes count: the function takes just them.
                arg = fmt::format("64'({} >> {})", arg, P - 64);
                argBits = 64;
            }
            if (added) hashFunction(fn, s.algorithm, argBits);
            v = fmt::format("{}({})", fn, arg);
        }
        if (value.empty()) {
            value = v;
            continue;
        }
        std::string cond;
        for (size_t k = 0; k < hdrs.size(); ++k)
            cond += (cond.empty() ? "" : " && ") + std::string((m >> k) & 1 ? "" : "!") +
                    emitExpr(ir::validRef(hdrs[k]), b, s.loc);
        value = fmt::format("(({}) ? {} : {})", cond, v, value);
    }
    return value;
}

namespace {

int bitLength(const ir::BigInt& v) {
    return v == 0 ? 1 : static_cast<int>(boost::multiprecision::msb(v)) + 1;
}

}  // namespace

// A function of `bits` bits modulo the constant m, without a divider: h is cut in 4-bit
// chunks, each chunk's (chunk << 4j) mod m read from a 16-entry table of constants (a LUT per
// result bit), the residues added, and the sum (below chunks * m) brought below m by
// conditional subtractions of m << t.
std::string Generator::constantModulo(const ir::BigInt& m, int bits) {
    const std::string fn = fmt::format("hash_mod{}", modIds_.size());
    auto [it, added] = modIds_.try_emplace({m.str(), bits}, fn);
    if (!added) return it->second;
    const int chunks = (bits + 3) / 4;
    const int w = bitLength(m - 1);              // a residue's bits
    const int ws = bitLength(chunks * (m - 1));  // the sum's bits
    decl_.open(fmt::format("function automatic logic [{}:0] {}(input logic [{}:0] h);", bits - 1,
                           fn, bits - 1));
    decl_.line(fmt::format("logic [{}:0] s;", ws - 1));
    std::string sum;
    for (int j = 0; j < chunks; ++j) {
        ir::BigInt table = 0;
        for (int v = 15; v >= 0; --v) table = (table << w) | ((ir::BigInt(v) << (4 * j)) % m);
        const int lo = 4 * j, n = std::min(4, bits - lo);
        sum += fmt::format("{}{}'({}'({} >> (16'({}) * 16'd{})))", j ? " + " : "", ws, w,
                           literal(table, 16 * w), slice("h", lo, n), w);
    }
    decl_.line(fmt::format("s = {};", sum));
    for (int t = bitLength(ir::BigInt(chunks)) - 1; t >= 0; --t) {
        const ir::BigInt k = m << t;
        if (k >= (ir::BigInt(1) << ws)) continue;
        decl_.line(fmt::format("if (s >= {}) s = s - {};", literal(k, ws), literal(k, ws)));
    }
    decl_.line(fmt::format("{} = {}'(s);", fn, bits));
    decl_.close("endfunction");
    return fn;
}

// base + (h % max) as hash::hashOffset computes it, truncated to the result's width.
std::string Generator::hashOffset(const ir::Stmt& s, const std::string& h, const std::string& b,
                                  const std::string& paramVar,
                                  const std::vector<int>* paramOffsets) {
    const int out = hash::outputWidth(s.algorithm);
    const int w = s.dst->width;
    const int wc = std::min(w, 64);  // the sum is modulo 2^64, then truncated to w
    if (s.src2->kind != ir::ExprKind::Constant) {
        diags_.unsupported(s.loc,
                           "a hash whose max is not a compile-time constant in the Verilog "
                           "backend (h % max of a run-time max needs a divider, which one packet "
                           "per clock cannot afford in one stage)");
        failed_ = true;
        return literal(0, w);
    }
    ir::BigInt m = s.src2->value;
    if (s.src2->isSigned && boost::multiprecision::bit_test(m, s.src2->width - 1))
        m += (ir::BigInt(1) << 64) - (ir::BigInt(1) << s.src2->width);  // sign-extended
    m &= (ir::BigInt(1) << 64) - 1;
    if (m == 0) m = 1;
    std::string rem;
    if (m >= (ir::BigInt(1) << out)) {
        rem = h;  // every hash value is below max
    } else if ((m & (m - 1)) == 0) {
        rem = m == 1 ? literal(0, out) : fmt::format("({} & {})", h, literal(m - 1, out));
    } else if (2 * m >= (ir::BigInt(1) << out)) {
        // Every hash value is below 2 * max: at most one subtraction.
        const std::string k = literal(m, out);
        rem = fmt::format("(({} >= {}) ? {}'({} - {}) : {})", h, k, out, h, k, h);
    } else {
        rem = fmt::format("{}({})", constantModulo(m, out), h);
    }
    // Sized on its own: in the sum's wider context lint would widen the functions' results.
    rem = fmt::format("{}'({})", out, rem);
    const std::string base =
        emitExpr(ir::cast(ir::cast(s.src, 64, false), wc, false), b, s.loc, paramVar, paramOffsets);
    std::string sum = fmt::format("{}'({} + {}'({}))", wc, base, wc, rem);
    if (w > wc) sum = fmt::format("{}'({})", w, sum);
    return sum;
}

}  // namespace hop::verilog
