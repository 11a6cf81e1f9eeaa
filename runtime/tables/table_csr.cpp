// SPDX-License-Identifier: Apache-2.0
#include "runtime/tables/table_csr.hpp"

#include <algorithm>

#include "regmap/direct_cells.hpp"

namespace hop::tables {

int64_t ceilPow2(int64_t n) {
    int64_t p = 1;
    while (p < n) p <<= 1;
    return p;
}

bool fitsWidth(const BigInt& value, int width) { return value >= 0 && (value >> width) == 0; }

uint32_t TableGeometry::span() const { return static_cast<uint32_t>(ceilPow2(4 * words())); }

std::vector<std::string> TableGeometry::verilatorParams() const {
    std::vector<std::string> out = {
        "-GKEY_W=" + std::to_string(keyWidth), "-GACTION_W=" + std::to_string(actionWidth),
        "-GPARAM_W=" + std::to_string(paramWidth), "-GDEPTH=" + std::to_string(depth)};
    if (kind == TableKind::Exact) out.push_back("-GSLOTS=" + std::to_string(slots));
    return out;
}

static void putWords(CsrWrites& out, const BigInt& value, int width, int words,
                     uint32_t (TableGeometry::*addr)(int) const, const TableGeometry& g) {
    const KeyWords w = toWords(value, width);
    for (int i = 0; i < words; ++i) out.push_back({(g.*addr)(i), w[i]});
}

CsrWrites stageAndCommit(const TableGeometry& g, const HwEntry& e, uint32_t index, CommitOp op) {
    CsrWrites out;
    out.push_back({TableGeometry::kStgCtrl, e.valid ? 1u : 0u});
    out.push_back({TableGeometry::kStgAction, e.action});
    putWords(out, e.params, g.paramWidth, g.paramWords(), &TableGeometry::stgParam, g);
    putWords(out, e.key, g.keyWidth, g.keyWords(), &TableGeometry::stgKey, g);
    putWords(out, e.mask, g.keyWidth, g.maskWords(), &TableGeometry::stgMask, g);
    out.push_back({TableGeometry::kCommit, commitWord(op, index)});
    return out;
}

TableGeometry baseGeometry(const ir::Program& program, const ir::Table& table) {
    TableGeometry g;
    g.keyWidth = 0;
    for (const ir::TableKey& k : table.keys) g.keyWidth += k.width;
    g.keyWidth = std::max(g.keyWidth, 1);
    int ids = std::max<int>(1, static_cast<int>(table.actions.size()));
    g.actionWidth = 1;
    while ((1 << g.actionWidth) < ids) ++g.actionWidth;
    g.paramWidth = regmap::tableParamWidth(program, table);
    return g;
}

std::optional<uint32_t> encodeAction(const ir::Program& program, const ir::Table& table,
                                     const ir::ActionCall& call, BigInt& params,
                                     std::string& error) {
    auto it = std::find_if(table.actions.begin(), table.actions.end(),
                           [&](const ir::ActionRef& r) { return r.action == call.action; });
    if (call.action < 0 || it == table.actions.end()) {
        error = "action is not an action of table '" + table.name + "'";
        return std::nullopt;
    }
    const ir::Action& action = program.actions[call.action];
    // The loader's hidden last argument: the entry's direct-extern cell (regmap/direct_cells.hpp).
    const int cellWidth = regmap::directCellWidth(table);
    const bool withCell = cellWidth > 0 && call.args.size() == action.params.size() + 1;
    if (call.args.size() != action.params.size() && !withCell) {
        error = "action '" + action.name + "' takes " + std::to_string(action.params.size()) +
                " arguments, got " + std::to_string(call.args.size());
        return std::nullopt;
    }
    params = 0;
    for (size_t i = 0; i < action.params.size(); ++i) {
        const int w = action.params[i].width;
        if (!fitsWidth(call.args[i], w)) {
            error = "argument '" + action.params[i].name + "' does not fit in " +
                    std::to_string(w) + " bits";
            return std::nullopt;
        }
        params = (params << w) | call.args[i];
    }
    if (withCell) {
        const BigInt& cell = call.args.back();
        if (!fitsWidth(cell, cellWidth)) {
            error = "direct-extern cell " + cell.str() + " does not fit in " +
                    std::to_string(cellWidth) + " bits";
            return std::nullopt;
        }
        params |= cell << regmap::actionParamBits(program, table);
    }
    return static_cast<uint32_t>(it - table.actions.begin());
}

}  // namespace hop::tables
