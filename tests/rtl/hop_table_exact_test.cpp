// SPDX-License-Identifier: Apache-2.0
// hop_table_exact: entries placed by runtime/tables/exact (the shared CRC hash functions) and
// written through the CSR bus; back-to-back lookups against a reference map; updates (cuckoo
// moves included) while lookups flow give the old or the new answer; default action, read-back
// and counters. Geometry from the Verilator parameters (TABLE_* macros, tests/rtl/tables.cmake).
#include <gtest/gtest.h>

#include VMODEL_HEADER
#include "table_bench.hpp"

namespace {

TEST(TableExact, LoadLookupAndHitlessUpdates) {
    hop::tables::TableGeometry g;
    g.kind = hop::tables::TableKind::Exact;
    g.keyWidth = TABLE_KEY_W;
    g.actionWidth = TABLE_ACTION_W;
    g.paramWidth = TABLE_PARAM_W;
    g.depth = TABLE_DEPTH;
    g.slots = TABLE_SLOTS;
    hop::rtltest::runExactTableTest<VMODEL>(g, 3, TABLE_BASE, 42);
}

}  // namespace
