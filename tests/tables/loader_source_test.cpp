// SPDX-License-Identifier: Apache-2.0
// tables::PipelineLoader with router.p4: a bulk add read from an EntrySource makes the same
// writes and handles as the same entries in a vector, refuses the same errors without changing
// anything, and a table's logical entries go into a snapshot and come back.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "driver/compile.hpp"
#include "regmap/regmap.hpp"
#include "runtime/tables/loader.hpp"
#include "runtime/tables/lpm_table.hpp"
#include "source/preprocess.hpp"
#include "tests/tables/router_frontend.hpp"

namespace hop {
namespace {

using tables::Entry;
using tables::EntrySource;

class LoaderSourceTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        fe_ = testing::routerFrontend();
        ASSERT_TRUE(fe_ && fe_->ok);
        Diagnostics diags;
        auto map = regmap::build(*fe_->ir, 512, diags);
        ASSERT_TRUE(map);
        map_ = new regmap::RegMap(*map);
    }
    static void TearDownTestSuite() {
        delete map_;
        map_ = nullptr;
    }
    const ir::Program& program() { return *fe_->ir; }
    ir::TableId lpmTable() { return program().findTable("RouterIngress.ipv4_lpm"); }
    Entry route(uint32_t value, int len, uint32_t nh) {
        tables::ParseError perr;
        auto c = tables::parseBmv2Command(
            program(),
            fmt::format("table_add ipv4_lpm set_nexthop {}.{}.{}.{}/{} => {}", value >> 24,
                        (value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff, len, nh),
            {"test", 1, 1}, perr);
        EXPECT_TRUE(c.has_value()) << perr.str();
        return c ? c->entry : Entry{};
    }
    std::vector<std::string> listing(const tables::PipelineLoader& loader, ir::TableId t) {
        std::vector<std::string> out;
        loader.logicalTable(t)->forEach([&](int h, const Entry& e) {
            out.push_back(std::to_string(h) + " " + tables::formatEntry(program(), e));
        });
        return out;
    }
    static Frontend* fe_;
    static regmap::RegMap* map_;
};
Frontend* LoaderSourceTest::fe_ = nullptr;
regmap::RegMap* LoaderSourceTest::map_ = nullptr;

TEST_F(LoaderSourceTest, ASourceMakesTheWritesOfAVector) {
    const ir::TableId t = lpmTable();
    std::vector<Entry> routes;
    for (uint32_t i = 0; i < 2000; ++i) routes.push_back(route(0x0a000000 + (i << 8), 24, i));
    tables::PipelineLoader byVector(program(), *map_), bySource(program(), *map_);
    ASSERT_TRUE(byVector.ok()) << byVector.error();
    ASSERT_NE(bySource.lpmTable(t), nullptr);
    std::string error;
    std::vector<int> hv, hs;
    auto wv = byVector.addMany(t, routes, error, &hv);
    ASSERT_TRUE(wv) << error;
    // Entries of the source name no table: the loader sets it.
    const EntrySource source{routes.size(), [&](size_t i, Entry& out) {
                                 out = routes[i];
                                 out.table = -1;
                             }};
    auto ws = bySource.addMany(t, source, error, &hs);
    ASSERT_TRUE(ws) << error;
    EXPECT_EQ(hs, hv);
    ASSERT_EQ(ws->size(), wv->size());
    for (size_t i = 0; i < ws->size(); ++i) {
        EXPECT_EQ((*ws)[i].addr, (*wv)[i].addr) << i;
        EXPECT_EQ((*ws)[i].value, (*wv)[i].value) << i;
    }
    EXPECT_EQ(listing(bySource, t), listing(byVector, t));
    EXPECT_EQ(bySource.lpmTable(t)->size(), 2000u);

    // A repeat inside the source: the error names it, and neither the logical table nor the
    // block's image changes.
    std::vector<Entry> more;
    for (uint32_t i = 0; i < 50; ++i) more.push_back(route(0x0b000000 + (i << 8), 24, i));
    more.push_back(more[10]);
    error.clear();
    EXPECT_FALSE(bySource.addMany(t, EntrySource::of(more), error, &hs));
    EXPECT_EQ(error,
              "entry 51: duplicate entry in table 'RouterIngress.ipv4_lpm' (same match as entry "
              "11 of the list)");
    EXPECT_EQ(hs, hv);
    EXPECT_EQ(bySource.lpmTable(t)->size(), 2000u);
    EXPECT_EQ(listing(bySource, t), listing(byVector, t));
}

TEST_F(LoaderSourceTest, LogicalEntriesGoIntoASnapshotAndComeBack) {
    const ir::TableId t = lpmTable();
    tables::PipelineLoader loader(program(), *map_);
    std::vector<Entry> routes;
    for (uint32_t i = 0; i < 300; ++i) routes.push_back(route(0x0c000000 + (i << 8), 24, i));
    std::string error;
    ASSERT_TRUE(loader.addMany(t, EntrySource::of(routes), error)) << error;
    tables::Command del;
    del.kind = tables::Command::Kind::Delete;
    del.entry.table = t;
    del.handle = 7;
    ASSERT_TRUE(loader.apply(del, error)) << error;
    tables::SnapshotWriter out;
    ASSERT_TRUE(loader.saveLogical(t, out, error)) << error;

    tables::PipelineLoader restarted(program(), *map_);
    tables::SnapshotReader in(out.bytes());
    ASSERT_TRUE(restarted.restoreLogical(t, in, error)) << error;
    EXPECT_EQ(listing(restarted, t), listing(loader, t));
    EXPECT_EQ(restarted.logicalTable(t)->find(routes[8])->handle, 8);
    EXPECT_EQ(restarted.logicalTable(t)->find(routes[7]), nullptr);

    tables::SnapshotReader again(out.bytes());
    EXPECT_FALSE(restarted.restoreLogical(9999, again, error));
    EXPECT_EQ(error, "table id 9999 has no block in the register map");
}

}  // namespace
}  // namespace hop
