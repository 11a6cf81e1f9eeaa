// SPDX-License-Identifier: Apache-2.0
// The LPM table driver (runtime/tables/lpm_table): logical entries of router.p4's ipv4_lpm
// become CSR writes; replayed on a model of hop_table_lpm's CSR map written from its header
// comment (STAGE chunks, COMMIT {sel, addr}), they must leave exactly the node image in the
// memories, and lookups must agree with a plain longest-prefix search. Errors leave the table
// unchanged.
#include "runtime/tables/lpm_table.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "driver/compile.hpp"
#include "runtime/tables/entry.hpp"
#include "runtime/tables/snapshot.hpp"
#include "source/preprocess.hpp"
#include "tests/tables/router_frontend.hpp"

namespace hop {
namespace {

using tables::CsrWrites;
using tables::LpmCsr;

class LpmTableTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        fe_ = testing::routerFrontend();
        ASSERT_TRUE(fe_ && fe_->ok);
    }
    const ir::Program& program() { return *fe_->ir; }
    ir::TableId lpmTable() { return program().findTable("RouterIngress.ipv4_lpm"); }
    tables::LpmConfig config(uint64_t size = 4096) {
        // set_nexthop(bit<16>) or NoAction: 1 action bit + 16 parameter bits.
        return tables::LpmConfig::forSize(32, {12, 4, 4, 4, 4, 4}, size, 17);
    }
    tables::Entry entry(const std::string& line) {
        tables::ParseError perr;
        auto c = tables::parseStfTableCommand(program(), line, {"test", 1, 1}, perr);
        EXPECT_TRUE(c.has_value()) << perr.str();
        return c ? c->entry : tables::Entry{};
    }
    tables::Entry route(uint32_t value, int len, uint32_t nh) {
        return entry(
            fmt::format("add RouterIngress.ipv4_lpm hdr.ipv4.dstAddr:0x{:08x}/{} "
                        "RouterIngress.set_nexthop(nexthop_id:{})",
                        value, len, nh));
    }
    static Frontend* fe_;
};
Frontend* LpmTableTest::fe_ = nullptr;

// hop_table_lpm's CSR map, from its header comment.
struct CsrModel {
    std::map<uint32_t, uint32_t> stage;                            // chunk -> value
    std::map<int, std::map<uint32_t, std::vector<uint32_t>>> mem;  // sel -> addr -> chunks
    void apply(const CsrWrites& ws, size_t chunks) {
        for (const auto& w : ws) {
            if (w.addr >= LpmCsr::kStage && w.addr < LpmCsr::kRdata) {
                stage[(w.addr - LpmCsr::kStage) / 4] = w.value;
            } else {
                ASSERT_EQ(w.addr, LpmCsr::kCommit) << "an unexpected CSR offset";
                std::vector<uint32_t> word(chunks);
                for (size_t i = 0; i < chunks; ++i) word[i] = stage[i];
                mem[int(w.value >> 24)][w.value & 0xffffff] = word;
            }
        }
    }
};

// The prefix of `routes` that covers `a` with the longest length (a plain search).
std::optional<uint32_t> naive(const std::map<std::pair<uint32_t, int>, uint32_t>& routes,
                              uint32_t a) {
    for (int len = 32; len >= 0; --len) {
        const uint32_t mask = len == 0 ? 0 : ~uint32_t{0} << (32 - len);
        auto it = routes.find({a & mask, len});
        if (it != routes.end()) return it->second;
    }
    return std::nullopt;
}

TEST_F(LpmTableTest, WritesLeaveTheImageInTheMemories) {
    tables::LpmTable t(program(), lpmTable(), config());
    CsrModel hw;
    hw.apply(t.clear(), 8);
    std::mt19937 rng(5);
    std::map<std::pair<uint32_t, int>, uint32_t> routes;
    for (int i = 0; i < 1500; ++i) {
        const int len = static_cast<int>(rng() % 33);
        const uint32_t v =
            len == 0 ? 0 : static_cast<uint32_t>(rng()) & (~uint32_t{0} << (32 - len));
        const uint32_t nh = rng() & 0xffff;
        std::string error;
        const bool known = routes.count({v, len}) != 0;
        auto ws = t.add(route(v, len, nh), error);
        if (known) {
            EXPECT_FALSE(ws.has_value());
            EXPECT_NE(error.find("duplicate"), std::string::npos) << error;
            continue;
        }
        ASSERT_TRUE(ws.has_value()) << error;
        hw.apply(*ws, 8);
        routes[{v, len}] = nh;
    }
    // Delete a third of them.
    int n = 0;
    for (auto it = routes.begin(); it != routes.end();) {
        if (n++ % 3) {
            ++it;
            continue;
        }
        std::string error;
        tables::Entry e = route(it->first.first, it->first.second, 0);
        auto ws = t.remove(e, error);
        ASSERT_TRUE(ws.has_value()) << error;
        hw.apply(*ws, 8);
        it = routes.erase(it);
    }
    EXPECT_EQ(t.size(), routes.size());
    // The memories hold the image: every word the image has in use, as the driver wrote it.
    for (const auto& w : t.image().imageWrites()) {
        auto& m = hw.mem[w.mem];
        ASSERT_TRUE(m.count(w.addr)) << "mem " << w.mem << " word " << w.addr << " never written";
        std::vector<uint32_t> got(m[w.addr].begin(), m[w.addr].begin() + w.data.size());
        EXPECT_EQ(got, w.data) << "mem " << w.mem << " word " << w.addr;
    }
    // Lookups on the image equal a plain longest-prefix search; result = {action 0, nh}.
    for (int i = 0; i < 20000; ++i) {
        const uint32_t a = static_cast<uint32_t>(rng());
        auto want = naive(routes, a);
        auto got = t.image().lookup(a);
        ASSERT_EQ(want.has_value(), got.has_value()) << std::hex << a;
        if (want) {
            EXPECT_EQ(*got, uint64_t{*want}) << std::hex << a;
        }
    }
}

TEST_F(LpmTableTest, DefaultActionIsTheDefaultResultRegister) {
    tables::LpmTable t(program(), lpmTable(), config());
    std::string error;
    const tables::Entry e = route(0xc0000200, 24, 7);
    auto ws = t.setDefault(e.action, error);
    ASSERT_TRUE(ws.has_value()) << error;
    ASSERT_FALSE(ws->empty());
    EXPECT_EQ(ws->back().addr, LpmCsr::kCommit);
    EXPECT_EQ(ws->back().value >> 24, 255u);
    EXPECT_EQ(ws->front().addr, LpmCsr::kStage);
    EXPECT_EQ(ws->front().value, 7u);  // action 0 (set_nexthop), nexthop_id 7
}

TEST_F(LpmTableTest, BadEntriesAreErrorsAndChangeNothing) {
    tables::LpmTable t(program(), lpmTable(), config(4));
    std::string error;
    ASSERT_TRUE(t.add(route(0x0a000000, 8, 1), error)) << error;
    EXPECT_FALSE(t.add(route(0x0a000000, 8, 2), error));
    EXPECT_NE(error.find("duplicate"), std::string::npos) << error;
    EXPECT_FALSE(t.remove(route(0x0b000000, 8, 0), error));
    EXPECT_EQ(error, "no such entry");
    EXPECT_FALSE(t.modify(route(0x0b000000, 8, 0), error));
    EXPECT_EQ(error, "no such entry");
    tables::Entry host = route(0x0a000000, 8, 1);
    host.keys[0].value = 0x0a000001;  // bits beyond /8
    EXPECT_FALSE(t.add(host, error));
    EXPECT_NE(error.find("beyond"), std::string::npos) << error;
    for (uint32_t i = 1; i < 4; ++i) {
        ASSERT_TRUE(t.add(route(i << 24, 8, i), error)) << error;
    }
    EXPECT_FALSE(t.add(route(0x20000000, 8, 9), error));
    EXPECT_NE(error.find("full"), std::string::npos) << error;
    EXPECT_EQ(t.size(), 4u);
    EXPECT_EQ(t.image().lookup(0x0a010203), 1u);
    ASSERT_TRUE(t.modify(route(0x0a000000, 8, 5), error)) << error;
    EXPECT_EQ(t.image().lookup(0x0a010203), 5u);
}

TEST_F(LpmTableTest, NotAnLpmTableOrWrongConfigThrows) {
    EXPECT_THROW(
        tables::LpmTable(program(), program().findTable("RouterIngress.nexthop"), config()),
        std::invalid_argument);
    auto c = config();
    c.resultWidth = 20;
    EXPECT_THROW(tables::LpmTable(program(), lpmTable(), c), std::invalid_argument);
}

TEST_F(LpmTableTest, LoadWritesDeeperMemoriesBeforeL0) {
    tables::LpmTable t(program(), lpmTable(), config());
    std::vector<tables::Entry> es = {route(0x0a000000, 8, 1), route(0x0a010000, 16, 2),
                                     route(0x0a010200, 24, 3), route(0x0a010203, 32, 4)};
    std::string error;
    auto ws = t.load(es, error);
    ASSERT_TRUE(ws.has_value()) << error;
    CsrModel hw;
    hw.apply(*ws, 8);
    EXPECT_EQ(hw.mem[0].size(), 4096u) << "every L0 word is written";
    int lastSel = 255;
    for (const auto& w : *ws)
        if (w.addr == LpmCsr::kCommit) {
            EXPECT_LE(int(w.value >> 24), lastSel);
            lastSel = int(w.value >> 24);
        }
    EXPECT_EQ(t.image().lookup(0x0a010203), 4u);
    EXPECT_EQ(t.image().lookup(0x0a010204), 3u);
    EXPECT_EQ(t.image().lookup(0x0a020000), 1u);
    EXPECT_FALSE(t.image().lookup(0x0b000000).has_value());
    es.push_back(route(0x0a000000, 8, 1));
    es.back().keys[0].value = 1;  // host bits: the whole load fails, the table stays
    EXPECT_FALSE(t.load(es, error));
    EXPECT_NE(error.find("entry 5"), std::string::npos) << error;
    EXPECT_EQ(t.size(), 4u);
}

}  // namespace
// addMany from a source read one entry at a time writes what a rebuild of the same prefixes
// reports (Lpm::rebuild's word list through toCsr), into an empty and into a filled table.
TEST_F(LpmTableTest, AddManyFromASourceWritesTheRebuildsWords) {
    std::mt19937 rng(3);
    std::vector<tables::Entry> first, second;
    std::set<std::pair<uint32_t, int>> seen;
    for (int i = 0; i < 3000; ++i) {
        const int len = static_cast<int>(rng() % 33);
        const uint32_t v =
            len == 0 ? 0 : static_cast<uint32_t>(rng()) & (~uint32_t{0} << (32 - len));
        if (!seen.insert({v, len}).second) continue;
        (i % 3 ? first : second).push_back(route(v, len, rng() & 0xffff));
    }
    tables::LpmTable t(program(), lpmTable(), config());
    tables::Lpm shadow(config());
    std::string error;
    for (const auto* batch : {&first, &second}) {
        size_t reads = 0;
        const tables::EntrySource source{batch->size(), [&](size_t i, tables::Entry& out) {
                                             ++reads;
                                             out = (*batch)[i];
                                         }};
        auto ws = t.addMany(source, error);
        ASSERT_TRUE(ws.has_value()) << error;
        EXPECT_EQ(reads, batch->size());
        std::vector<tables::LpmRoute> routes = shadow.routes();
        for (const auto& e : *batch)
            routes.push_back({e.keys[0].value.convert_to<uint32_t>(), e.keys[0].prefixLen,
                              e.action.args[0].convert_to<uint64_t>()});
        std::vector<tables::LpmWordWrite> words;
        ASSERT_TRUE(shadow.rebuild(routes, &words));
        EXPECT_EQ(*ws, t.toCsr(words));
    }
    EXPECT_EQ(t.size(), first.size() + second.size());
}

TEST_F(LpmTableTest, AddManyErrorsNameTheEntryAndChangeNothing) {
    tables::LpmTable t(program(), lpmTable(), config(8));
    std::string error;
    ASSERT_TRUE(t.add(route(0x0a000000, 8, 1), error)) << error;
    auto many = [&](std::vector<tables::Entry> es) {
        return t.addMany(tables::EntrySource::of(es), error);
    };
    // Twice in the list: the smallest such prefix, its first two entries.
    EXPECT_FALSE(many({route(0x0c000000, 8, 1), route(0x0b000000, 8, 1), route(0x0c000000, 8, 2),
                       route(0x0b000000, 8, 3), route(0x0b000000, 8, 4)}));
    EXPECT_EQ(error, "entry 4: duplicate entry: the same prefix as entry 2 of the list");
    EXPECT_FALSE(many({route(0x0b000000, 8, 1), route(0x0a000000, 8, 1)}));
    EXPECT_EQ(error, "entry 2: duplicate entry: the prefix is already in the table");
    tables::Entry host = route(0x0b000000, 8, 1);
    host.keys[0].value = 0x0b000001;
    EXPECT_FALSE(many({route(0x0c000000, 8, 1), host}));
    EXPECT_EQ(error, "entry 2: prefix value has bits set beyond its length /8");
    std::vector<tables::Entry> lots;
    for (uint32_t i = 0; i < 8; ++i) lots.push_back(route((0x10 + i) << 24, 8, i));
    EXPECT_FALSE(many(lots));
    EXPECT_NE(error.find("is full: 1 + 8 entries"), std::string::npos) << error;
    EXPECT_EQ(t.size(), 1u);
    EXPECT_EQ(t.image().lookup(0x0b000001), std::nullopt);
    EXPECT_EQ(t.image().lookup(0x0a000001), 1u);
}

// A restored table (and its default result) writes what the saved one writes for the same
// later adds, removes and bulk adds.
TEST_F(LpmTableTest, RestoredTableWritesWhatTheSavedOneWrites) {
    std::mt19937 rng(9);
    auto randomRoute = [&] {
        const int len = static_cast<int>(rng() % 33);
        const uint32_t v =
            len == 0 ? 0
                     : static_cast<uint32_t>(rng()) & (~uint32_t{0} << (32 - len)) & 0x3fffffffu;
        return route(v, len, rng() & 0xffff);
    };
    tables::LpmTable saved(program(), lpmTable(), config());
    std::string error;
    std::vector<tables::Entry> bulk;
    for (int i = 0; i < 800; ++i) bulk.push_back(randomRoute());
    std::sort(bulk.begin(), bulk.end(), [](const tables::Entry& a, const tables::Entry& b) {
        return std::pair(a.keys[0].value, a.keys[0].prefixLen) <
               std::pair(b.keys[0].value, b.keys[0].prefixLen);
    });
    bulk.erase(std::unique(bulk.begin(), bulk.end(),
                           [](const tables::Entry& a, const tables::Entry& b) {
                               return tables::sameMatch(a, b);
                           }),
               bulk.end());
    ASSERT_TRUE(saved.addMany(bulk, error)) << error;
    std::vector<tables::Entry> live = bulk;
    for (int i = 0; i < 400; ++i) {
        if (rng() % 3 == 0) {
            const size_t j = rng() % live.size();
            ASSERT_TRUE(saved.remove(live[j], error)) << error;
            live.erase(live.begin() + static_cast<std::ptrdiff_t>(j));
        } else if (tables::Entry e = randomRoute(); saved.add(e, error)) {
            live.push_back(e);
        }
    }
    ASSERT_TRUE(saved.setDefault(route(0, 0, 42).action, error)) << error;
    tables::SnapshotWriter out;
    saved.save(out);
    tables::LpmTable restored(program(), lpmTable(), config());
    tables::SnapshotReader in(out.bytes());
    ASSERT_TRUE(restored.restore(in, error)) << error;
    EXPECT_TRUE(in.atEnd());
    EXPECT_EQ(restored.defaultResult(), saved.defaultResult());
    EXPECT_EQ(restored.defaultResult(), 42u);
    EXPECT_EQ(restored.size(), saved.size());
    for (int i = 0; i < 400; ++i) {
        std::string ea, eb;
        std::optional<CsrWrites> wa, wb;
        const int what = static_cast<int>(rng() % 10);
        if (what == 0) {
            std::vector<tables::Entry> more;
            for (int j = 0; j < 30; ++j) more.push_back(randomRoute());
            wa = saved.addMany(more, ea);
            wb = restored.addMany(more, eb);
        } else if (what < 4 && !live.empty()) {
            const size_t j = rng() % live.size();
            wa = saved.remove(live[j], ea);
            wb = restored.remove(live[j], eb);
            live.erase(live.begin() + static_cast<std::ptrdiff_t>(j));
        } else {
            const tables::Entry e = randomRoute();
            wa = saved.add(e, ea);
            wb = restored.add(e, eb);
            if (wa) live.push_back(e);
        }
        ASSERT_EQ(wa, wb) << i;
        ASSERT_EQ(ea, eb) << i;
    }
    // A damaged snapshot: refused, the table keeps what it had.
    std::string cut = out.bytes();
    cut.resize(cut.size() / 2);
    tables::SnapshotReader bad(cut);
    const size_t before = restored.size();
    EXPECT_FALSE(restored.restore(bad, error));
    EXPECT_NE(error.find("snapshot"), std::string::npos) << error;
    EXPECT_EQ(restored.size(), before);
}

}  // namespace hop
