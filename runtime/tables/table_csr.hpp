// SPDX-License-Identifier: Apache-2.0
// What the exact, direct and ternary table drivers share: the CSR map of hop_table_exact /
// hop_table_direct / hop_table_ternary, the block parameters derived from a P4 table, and the
// encoding of actions into the action id and parameter bits the hardware returns.
//
// The map's SystemVerilog side is the W_* / NWORDS / SPAN / OP_* localparams of their common
// front end rtl/hop_table_csr.sv; tests/rtl/hop_table_csr_test.cpp (rtl.hop_table_csr_*) fails
// when those and the offsets, span and CommitOp values here differ. Change both together.
//
// Encoding (the Verilog backend must use the same):
//   - KEY_W: the table's key fields concatenated, first field in the high bits.
//   - action id: the action's position in the table's `actions` list (Table::actions);
//     ACTION_W = max(1, ceil(log2(number of actions))).
//   - params: the action's arguments concatenated, first parameter in the high bits, at the low
//     end of PARAM_W = max(1, largest total parameter width of the table's actions + cell bits).
//   - a table with direct counters: the entry's cell index (regmap/direct_cells.hpp) in the
//     directCellWidth() bits above the largest parameter list; encodeAction takes it as one more
//     argument after the action's own (the loader adds it; without it the bits are 0).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/tables/entry.hpp"
#include "runtime/tables/hash.hpp"

namespace hop::tables {

// One 32-bit CSR write, `addr` a byte offset from the block's BASE.
struct CsrWrite {
    uint32_t addr = 0;
    uint32_t value = 0;
    bool operator==(const CsrWrite&) const = default;
};
using CsrWrites = std::vector<CsrWrite>;

enum class TableKind : uint32_t { Exact = 1, Direct = 2, Ternary = 3 };

enum class CommitOp : uint32_t { Write = 0, SetDefault = 1, Read = 2, ReadDefault = 3 };

// Parameters of one table block and its CSR map.
struct TableGeometry {
    TableKind kind = TableKind::Exact;
    int keyWidth = 1;
    int actionWidth = 1;
    int paramWidth = 1;
    int depth = 64;  // entries (exact: both ways; direct: 2^keyWidth; ternary: slots)
    int slots = 4;   // exact: entries per bucket

    static constexpr uint32_t kCommit = 0x00;
    static constexpr uint32_t kInfo = 0x04;
    static constexpr uint32_t kHitLo = 0x08;
    static constexpr uint32_t kHitHi = 0x0c;
    static constexpr uint32_t kMissLo = 0x10;
    static constexpr uint32_t kMissHi = 0x14;
    static constexpr uint32_t kStgCtrl = 0x18;
    static constexpr uint32_t kStgAction = 0x1c;

    int paramWords() const { return (paramWidth + 31) / 32; }
    int keyWords() const { return kind == TableKind::Direct ? 0 : (keyWidth + 31) / 32; }
    int maskWords() const { return kind == TableKind::Ternary ? keyWords() : 0; }
    uint32_t stgParam(int i) const { return 0x20 + 4 * i; }
    uint32_t stgKey(int i) const { return 0x20 + 4 * (paramWords() + i); }
    uint32_t stgMask(int i) const { return 0x20 + 4 * (paramWords() + keyWords() + i); }
    int words() const { return 8 + paramWords() + keyWords() + maskWords(); }
    // Bytes the block decodes (a power of two); BASE must be a multiple of it.
    uint32_t span() const;
    // Exact tables: buckets per way.
    int buckets() const { return depth / (2 * slots); }
    // `-GKEY_W=.. -GACTION_W=..` etc. for Verilator, in the order of the module's parameters.
    std::vector<std::string> verilatorParams() const;
};

static inline uint32_t commitWord(CommitOp op, uint32_t index) {
    return (static_cast<uint32_t>(op) << 30) | index;
}

// An entry in hardware terms.
struct HwEntry {
    bool valid = true;
    BigInt key;   // exact/ternary value
    BigInt mask;  // ternary only (1 = compared)
    uint32_t action = 0;
    BigInt params;
};

// The writes that stage `e` and commit it to entry `index` (or to the default registers with
// CommitOp::SetDefault).
CsrWrites stageAndCommit(const TableGeometry& g, const HwEntry& e, uint32_t index,
                         CommitOp op = CommitOp::Write);

// Key width, action width and parameter width of a P4 table (depth and kind are left to the
// caller).
TableGeometry baseGeometry(const ir::Program& program, const ir::Table& table);

// The action id and parameter bits of a call in `table`; nullopt with `error` when the action
// is not one of the table's or an argument does not fit.
std::optional<uint32_t> encodeAction(const ir::Program& program, const ir::Table& table,
                                     const ir::ActionCall& call, BigInt& params,
                                     std::string& error);

// Is `value` a `width`-bit unsigned number?
bool fitsWidth(const BigInt& value, int width);

// The smallest power of two >= n (n >= 1).
int64_t ceilPow2(int64_t n);

}  // namespace hop::tables
