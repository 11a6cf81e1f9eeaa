// SPDX-License-Identifier: Apache-2.0
// hop_table_direct: entries written through the CSR bus by runtime/tables/exact's direct mode;
// back-to-back lookups against a reference map; updates while lookups flow give the old or the
// new answer; default action, read-back and counters.
#include <gtest/gtest.h>

#include VMODEL_HEADER
#include "table_bench.hpp"

namespace {

TEST(TableDirect, LoadLookupAndHitlessUpdates) {
    hop::tables::TableGeometry g;
    g.kind = hop::tables::TableKind::Direct;
    g.keyWidth = TABLE_KEY_W;
    g.actionWidth = TABLE_ACTION_W;
    g.paramWidth = TABLE_PARAM_W;
    g.depth = 1 << TABLE_KEY_W;
    g.slots = 1;
    hop::rtltest::runExactTableTest<VMODEL>(g, 2, TABLE_BASE, 7);
}

}  // namespace
