// SPDX-License-Identifier: Apache-2.0
// Snapshot encodings of the values table drivers keep besides fixed-width numbers (snapshot.hpp):
// a BigInt (sign, then its magnitude's bytes, most significant first) and a logical Entry.
#pragma once

#include <iterator>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/tables/entry.hpp"
#include "runtime/tables/snapshot.hpp"

namespace hop::tables {

// Wider than any key or action data a table holds: a longer one is a damaged snapshot.
inline constexpr uint64_t kSnapshotMaxBigIntBytes = 1024;

// FNV-1a of a section's bytes: a driver appends it after its section and checks it on restore by
// encoding what it read again (the encoding is canonical), so a damaged byte is an error even
// where the damaged value would still fit.
inline uint64_t snapshotHash(std::string_view bytes) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (const char c : bytes) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
    return h;
}

// Appends the hash of everything written since `start`.
inline void sealSection(SnapshotWriter& out, size_t start) {
    out.u64(snapshotHash(std::string_view(out.bytes()).substr(start)));
}

// The check of a section sealed by sealSection(): `save` writes what was read, encoded again;
// its hash must be `sealed`.
template <typename Save>
bool sealMatches(uint64_t sealed, Save&& save) {
    SnapshotWriter again;
    save(again);
    return snapshotHash(again.bytes()) == sealed;
}

inline void putBigInt(SnapshotWriter& out, const BigInt& v) {
    std::vector<uint8_t> bytes;
    const BigInt magnitude = v < 0 ? BigInt(-v) : v;
    if (magnitude != 0) boost::multiprecision::export_bits(magnitude, std::back_inserter(bytes), 8);
    out.u8(v < 0);
    out.seq(bytes);
}

inline BigInt getBigInt(SnapshotReader& in) {
    const uint8_t negative = in.u8();
    const std::vector<uint8_t> bytes = in.seq<uint8_t>();
    if (in.ok() && (negative > 1 || bytes.size() > kSnapshotMaxBigIntBytes))
        in.fail("a damaged number at byte " + std::to_string(in.position()));
    BigInt v = 0;
    if (!in.ok()) return v;
    if (!bytes.empty()) boost::multiprecision::import_bits(v, bytes.begin(), bytes.end(), 8);
    return negative ? BigInt(-v) : v;
}

inline void putEntry(SnapshotWriter& out, const Entry& e) {
    out.i64(e.table);
    out.u64(e.keys.size());
    for (const KeyMatch& k : e.keys) {
        out.u8(static_cast<uint8_t>(k.kind));
        putBigInt(out, k.value);
        putBigInt(out, k.mask);
        putBigInt(out, k.high);
        out.i64(k.prefixLen);
    }
    out.i64(e.action.action);
    out.u64(e.action.args.size());
    for (const BigInt& a : e.action.args) putBigInt(out, a);
    out.u8(e.priority.has_value());
    out.i64(e.priority.value_or(0));
}

// An entry of a table with `keys` keys whose actions take at most `maxArgs` arguments.
inline Entry getEntry(SnapshotReader& in, size_t keys, size_t maxArgs) {
    // An int written as i64 (a value that does not fit is damage).
    auto getInt = [&in] {
        const int64_t v = in.i64();
        if (in.ok() && (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()))
            in.fail("a damaged number at byte " + std::to_string(in.position()));
        return static_cast<int>(v);
    };
    Entry e;
    e.table = static_cast<ir::TableId>(getInt());
    const uint64_t nKeys = in.u64();
    if (in.ok() && nKeys != keys) in.fail("an entry with " + std::to_string(nKeys) + " keys");
    for (uint64_t i = 0; i < nKeys && in.ok(); ++i) {
        KeyMatch k;
        const uint8_t kind = in.u8();
        if (kind > static_cast<uint8_t>(ir::Match::Kind::DontCare)) in.fail("a bad match kind");
        k.kind = static_cast<ir::Match::Kind>(kind);
        k.value = getBigInt(in);
        k.mask = getBigInt(in);
        k.high = getBigInt(in);
        k.prefixLen = getInt();
        e.keys.push_back(std::move(k));
    }
    e.action.action = static_cast<ir::ActionId>(getInt());
    const uint64_t nArgs = in.u64();
    if (in.ok() && nArgs > maxArgs)
        in.fail("an action call with " + std::to_string(nArgs) + " arguments");
    for (uint64_t i = 0; i < nArgs && in.ok(); ++i) e.action.args.push_back(getBigInt(in));
    const uint8_t hasPriority = in.u8();
    const int64_t priority = in.i64();
    if (in.ok() && (hasPriority > 1 || (hasPriority == 0 && priority != 0)))
        in.fail("a damaged priority at byte " + std::to_string(in.position()));
    if (hasPriority == 1) e.priority = priority;
    return e;
}

}  // namespace hop::tables
