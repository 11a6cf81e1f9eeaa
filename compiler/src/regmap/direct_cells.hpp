// SPDX-License-Identifier: Apache-2.0
// Where a table's direct counters keep an entry's cell in hardware. Every direct extern of a
// table has one cell per entry, at the entry's handle (BMv2's handles are the lowest one free, so
// below the table's `size`, and freed on delete) or, for const entries, at their position. The
// table block returns the cell with the entry's action: its action data carries the index as a
// hidden field above the actions' parameters, so an entry that moves inside an exact or LPM
// block takes its cell along, and one mechanism serves every table kind.
#pragma once

#include <algorithm>
#include <cstdint>

#include "ir/ir.hpp"

namespace hop::regmap {

// Cells of the table's direct externs; 0 for a table without any.
inline int64_t directCells(const ir::Table& t) {
    if (t.directExterns.empty()) return 0;
    const int64_t consts = t.entriesConst ? static_cast<int64_t>(t.entries.size()) : 0;
    return std::max<int64_t>({t.size, consts, 1});
}

// Bits of a cell index in the action data (at least 1; 0 for a table without direct externs).
inline int directCellWidth(const ir::Table& t) {
    const int64_t cells = directCells(t);
    if (cells == 0) return 0;
    int w = 1;
    while (w < 62 && (int64_t{1} << w) < cells) ++w;
    return w;
}

// The widest parameter list of the table's actions, in bits (0 when none takes parameters): the
// hidden cell index starts there.
inline int actionParamBits(const ir::Program& program, const ir::Table& t) {
    int bits = 0;
    for (const ir::ActionRef& ref : t.actions) {
        int w = 0;
        for (const ir::ActionParam& p : program.actions[ref.action].params) w += p.width;
        bits = std::max(bits, w);
    }
    return bits;
}

// PARAM_W of the table's block: the parameters, then the cell index, at least 1 bit.
inline int tableParamWidth(const ir::Program& program, const ir::Table& t) {
    return std::max(1, actionParamBits(program, t) + directCellWidth(t));
}

}  // namespace hop::regmap
