// SPDX-License-Identifier: Apache-2.0
// Compile-time integer values as P4 types hold them, shared by the expression checkers.
#pragma once

#include "sema/types.hpp"

namespace hop::sema {

inline BigInt pow2(int n) {
    BigInt r = 1;
    r <<= n;
    return r;
}

// The value `v` as the type `t` holds it: bit<W> wraps modulo 2^W, int<W> to two's complement.
inline BigInt wrap(const BigInt& v, const Type* t) {
    if (!t) return v;
    if (t->kind == TypeKind::Bool) return v != 0 ? 1 : 0;
    if (t->kind == TypeKind::SerEnum) t = t->underlying;
    if (!t || t->kind != TypeKind::Bits) return v;
    BigInt m = pow2(t->width);
    BigInt r = v % m;
    if (r < 0) r += m;
    if (t->isSigned && r >= pow2(t->width - 1)) r -= m;
    return r;
}

inline BigInt asUnsigned(const BigInt& v, int width) {
    BigInt m = pow2(width);
    BigInt r = v % m;
    if (r < 0) r += m;
    return r;
}

// Arithmetic shift right (floor division by 2^n), also for negative values.
inline BigInt shr(const BigInt& v, unsigned n) {
    if (v >= 0) return v >> n;
    BigInt neg = -v - 1;
    return -(neg >> n) - 1;
}

inline bool fits(const BigInt& v, const Type* t) {
    if (t->kind != TypeKind::Bits) return true;
    if (t->isSigned) return v >= -pow2(t->width - 1) && v < pow2(t->width - 1);
    return v >= 0 && v < pow2(t->width);
}

// Serializable enums take part in arithmetic as their underlying type (spec: implicit cast).
inline const Type* numeric(const Type* t) {
    if (t && t->kind == TypeKind::SerEnum && t->underlying) return t->underlying;
    return t;
}

inline bool isNumeric(const Type* t) { return t && (t->isBits() || t->kind == TypeKind::Int); }

}  // namespace hop::sema
