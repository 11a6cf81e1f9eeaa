// SPDX-License-Identifier: Apache-2.0
// tables::PipelineLoader on the examples' register maps: initial writes, commands turned into
// absolute CSR writes inside the right block, BMv2 handles, and every error as a message.
#include "runtime/tables/loader.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "driver/compile.hpp"
#include "regmap/regmap.hpp"
#include "runtime/tables/lpm_table.hpp"
#include "runtime/tables/ternary.hpp"
#include "source/preprocess.hpp"

namespace hop {
namespace {

struct Compiled {
    std::unique_ptr<Frontend> fe;
    regmap::RegMap map;
    const ir::Program& program() const { return *fe->ir; }
};

Compiled compilePath(const std::string& path) {
    PreprocessOptions pp;
    pp.p4includeDir = std::string(HOP_SOURCE_DIR) + "/p4include";
    std::string error;
    auto source = preprocess(path, pp, error);
    if (!source) throw std::runtime_error(error);
    Compiled c;
    c.fe = runFrontend(std::move(*source), {.languageOnly = false, .name = programName(path)});
    if (!c.fe->ok) throw std::runtime_error("front end failed");
    Diagnostics diags;
    auto map = regmap::build(*c.fe->ir, 512, diags);
    if (!map) throw std::runtime_error("no register map");
    c.map = *map;
    return c;
}

Compiled compile(const std::string& name) {
    return compilePath(std::string(HOP_SOURCE_DIR) + "/examples/" + name + ".p4");
}

tables::Command stf(const Compiled& c, const std::string& line) {
    tables::ParseError perr;
    auto cmd = tables::parseStfTableCommand(c.program(), line, {"t", 1, 1}, perr);
    if (!cmd) throw std::runtime_error(perr.str());
    return *cmd;
}

tables::Command bmv2(const Compiled& c, const std::string& line) {
    tables::ParseError perr;
    auto cmd = tables::parseBmv2Command(c.program(), line, {"t", 1, 1}, perr);
    if (!cmd) throw std::runtime_error(perr.str());
    return *cmd;
}

// Every write lands inside the block of `table`.
void expectInBlock(const regmap::RegMap& map, const std::string& table,
                   const tables::CsrWrites& ws) {
    const regmap::TableBlock* blk = map.find(table);
    ASSERT_NE(blk, nullptr) << table;
    ASSERT_FALSE(ws.empty());
    for (const auto& w : ws) {
        EXPECT_GE(w.addr, blk->base) << table;
        EXPECT_LT(w.addr, blk->base + blk->span) << table;
    }
}

TEST(PipelineLoader, InitialWritesCoverEveryBlock) {
    for (const char* name : {"basic", "tunnel", "acl"}) {
        SCOPED_TRACE(name);
        Compiled c = compile(name);
        tables::PipelineLoader loader(c.program(), c.map);
        ASSERT_TRUE(loader.ok()) << loader.error();
        // Every table has a default action, so every block gets writes.
        for (const auto& blk : c.map.tables) {
            bool some = false;
            for (const auto& w : loader.initial())
                some = some || (w.addr >= blk.base && w.addr < blk.base + blk.span);
            EXPECT_TRUE(some) << blk.name;
        }
        for (const auto& w : loader.initial()) EXPECT_GE(w.addr, c.map.tables.front().base);
    }
}

TEST(PipelineLoader, ExactTableHandlesAndErrors) {
    Compiled c = compile("tunnel");
    tables::PipelineLoader loader(c.program(), c.map);
    ASSERT_TRUE(loader.ok()) << loader.error();
    EXPECT_FALSE(loader.initWalkInfoAddresses().empty());  // the exact/direct block's init walk
    std::string error;
    int handle = -1;
    auto ws = loader.apply(stf(c,
                               "add myTunnel_exact hdr.myTunnel.dst_id:1 "
                               "myTunnel_forward(port:2)"),
                           error, &handle);
    ASSERT_TRUE(ws) << error;
    EXPECT_EQ(handle, 0);
    expectInBlock(c.map, "MyIngress.myTunnel_exact", *ws);
    ws = loader.apply(stf(c, "add myTunnel_exact hdr.myTunnel.dst_id:2 myTunnel_forward(port:3)"),
                      error, &handle);
    ASSERT_TRUE(ws) << error;
    EXPECT_EQ(handle, 1);
    // A duplicate is an error and changes nothing.
    ws = loader.apply(stf(c, "add myTunnel_exact hdr.myTunnel.dst_id:1 myTunnel_forward(port:4)"),
                      error);
    EXPECT_FALSE(ws);
    EXPECT_EQ(error, "duplicate entry in table 'MyIngress.myTunnel_exact' (same match as entry 0)");
    EXPECT_EQ(loader.entries(c.program().findTable("MyIngress.myTunnel_exact")).size(), 2u);
    // BMv2: delete by handle, modify by handle, unknown handle.
    ws = loader.apply(bmv2(c, "table_delete myTunnel_exact 0"), error, &handle);
    ASSERT_TRUE(ws) << error;
    EXPECT_EQ(handle, 0);
    ws = loader.apply(bmv2(c, "table_delete myTunnel_exact 0"), error);
    EXPECT_FALSE(ws);
    EXPECT_EQ(error, "table 'MyIngress.myTunnel_exact' has no entry with handle 0");
    ws = loader.apply(bmv2(c, "table_modify myTunnel_exact myTunnel_forward 1 => 7"), error);
    ASSERT_TRUE(ws) << error;
    // The lowest free handle is given again.
    ws = loader.apply(stf(c, "add myTunnel_exact hdr.myTunnel.dst_id:9 myTunnel_forward(port:2)"),
                      error, &handle);
    ASSERT_TRUE(ws) << error;
    EXPECT_EQ(handle, 0);
    ws = loader.apply(bmv2(c, "table_clear myTunnel_exact"), error);
    ASSERT_TRUE(ws) << error;
    EXPECT_EQ(loader.entries(c.program().findTable("MyIngress.myTunnel_exact")).size(), 0u);
    // Unknown table ids are errors, not crashes.
    tables::Command bad;
    bad.entry.table = 99;
    EXPECT_FALSE(loader.apply(bad, error));
    EXPECT_EQ(error, "unknown table id 99");
}

TEST(PipelineLoader, LpmTableAddModifyDelete) {
    Compiled c = compile("basic");
    tables::PipelineLoader loader(c.program(), c.map);
    ASSERT_TRUE(loader.ok()) << loader.error();
    std::string error;
    const std::string add24 =
        "add MyIngress.ipv4_lpm hdr.ipv4.dstAddr:0xc0000200/24 "
        "MyIngress.ipv4_forward(dstAddr:0x000000000202, port:2)";
    auto ws = loader.apply(stf(c, add24), error);
    ASSERT_TRUE(ws) << error;
    expectInBlock(c.map, "MyIngress.ipv4_lpm", *ws);
    ws = loader.apply(stf(c,
                          "add MyIngress.ipv4_lpm hdr.ipv4.dstAddr:0xc0000280/25 "
                          "MyIngress.ipv4_forward(dstAddr:0x000000000303, port:3)"),
                      error);
    ASSERT_TRUE(ws) << error;
    EXPECT_FALSE(loader.apply(stf(c, add24), error));
    EXPECT_NE(error.find("duplicate entry"), std::string::npos) << error;
    // Host bits do not make another prefix (the index keys on value & mask).
    EXPECT_FALSE(loader.apply(stf(c,
                                  "add MyIngress.ipv4_lpm hdr.ipv4.dstAddr:0xc0000201/24 "
                                  "MyIngress.ipv4_forward(dstAddr:0x000000000202, port:2)"),
                              error));
    EXPECT_EQ(error, "duplicate entry in table 'MyIngress.ipv4_lpm' (same match as entry 0)");
    // Delete by match finds the entry whatever its host bits.
    auto del = stf(c, add24);
    del.kind = tables::Command::Kind::Delete;
    del.entry.keys[0].value += 1;
    ASSERT_TRUE(loader.apply(del, error)) << error;
    ASSERT_TRUE(loader.apply(stf(c, add24), error)) << error;
    // Insertion order is kept: the /25 (handle 1) first, then the /24 added again (handle 0).
    const auto listed = loader.entries(c.program().findTable("MyIngress.ipv4_lpm"));
    ASSERT_EQ(listed.size(), 2u);
    EXPECT_EQ(listed[0].first, 1);
    EXPECT_EQ(listed[1].first, 0);
    ws =
        loader.apply(bmv2(c, "table_modify ipv4_lpm ipv4_forward 0 => 00:00:00:00:09:09 9"), error);
    ASSERT_TRUE(ws) << error;
    ws = loader.apply(bmv2(c, "table_delete ipv4_lpm 1"), error);
    ASSERT_TRUE(ws) << error;
    ws = loader.apply(stf(c, "setdefault ipv4_lpm NoAction()"), error);
    ASSERT_TRUE(ws) << error;
    expectInBlock(c.map, "MyIngress.ipv4_lpm", *ws);
    // An action the table does not list.
    tables::Command cmd = stf(c, add24);
    cmd.entry.action.action = c.program().findAction("MyIngress.drop") + 1000;
    EXPECT_FALSE(loader.apply(cmd, error));
    EXPECT_NE(error.find("is not an action of table 'MyIngress.ipv4_lpm'"), std::string::npos)
        << error;
}

// Many adds at once (a full routing table): the same checks and handles as one by one, one
// hitless rebuild of the image whose writes stay in the block; errors change nothing; later
// single adds and deletes stay incremental.
TEST(PipelineLoader, LpmAddManyIsOneBulkUpdate) {
    Compiled c = compile("basic");
    tables::PipelineLoader loader(c.program(), c.map);
    ASSERT_TRUE(loader.ok()) << loader.error();
    const ir::TableId t = c.program().findTable("MyIngress.ipv4_lpm");
    std::string error;
    ASSERT_TRUE(loader.apply(stf(c,
                                 "add MyIngress.ipv4_lpm hdr.ipv4.dstAddr:0xc0000200/24 "
                                 "MyIngress.ipv4_forward(dstAddr:0x000000000202, port:2)"),
                             error))
        << error;
    std::vector<tables::Entry> many;
    for (uint32_t i = 0; i < 500; ++i) {
        many.push_back(stf(c, fmt::format("add MyIngress.ipv4_lpm hdr.ipv4.dstAddr:0x{:08x}/{} "
                                          "MyIngress.ipv4_forward(dstAddr:0x{:012x}, port:{})",
                                          0x0a000000u + (i << 12), 20 + i % 5, i, i % 8))
                           .entry);
        many.back().keys[0].value &= many.back().keys[0].mask;
    }
    // A duplicate of an entry in the table, then one inside the list: errors naming the entry.
    auto dup = many;
    dup.push_back(stf(c,
                      "add MyIngress.ipv4_lpm hdr.ipv4.dstAddr:0xc0000200/24 "
                      "MyIngress.ipv4_forward(dstAddr:0x000000000909, port:9)")
                      .entry);
    EXPECT_FALSE(loader.addMany(t, dup, error));
    EXPECT_NE(error.find("entry 501: duplicate entry"), std::string::npos) << error;
    dup = many;
    dup.push_back(many[7]);
    EXPECT_FALSE(loader.addMany(t, dup, error));
    EXPECT_NE(error.find("entry 501: duplicate entry"), std::string::npos) << error;
    EXPECT_NE(error.find("entry 8 of the list"), std::string::npos) << error;
    EXPECT_EQ(loader.entries(t).size(), 1u);

    std::vector<int> handles;
    auto ws = loader.addMany(t, many, error, &handles);
    ASSERT_TRUE(ws) << error;
    expectInBlock(c.map, "MyIngress.ipv4_lpm", *ws);
    ASSERT_EQ(handles.size(), many.size());
    for (size_t i = 0; i < handles.size(); ++i) EXPECT_EQ(handles[i], static_cast<int>(i + 1));
    EXPECT_EQ(loader.entries(t).size(), 501u);
    const tables::LpmTable* lpm = loader.lpmTable(t);
    ASSERT_TRUE(lpm);
    EXPECT_EQ(lpm->size(), 501u);
    // One word write is STAGE chunks + COMMIT: about (chunks + 1) writes per word in use.
    const auto info = lpm->image().memoryInfo();
    size_t words = 0;
    for (size_t m = 1; m < info.size(); ++m) words += info[m].usedWords;
    EXPECT_LT(ws->size(), 8 * words + 8 * 4096);
    // Afterwards: by match and by handle as ever, and small.
    auto one = loader.apply(stf(c,
                                "add MyIngress.ipv4_lpm hdr.ipv4.dstAddr:0xcb007100/24 "
                                "MyIngress.ipv4_forward(dstAddr:0x000000000404, port:4)"),
                            error);
    ASSERT_TRUE(one) << error;
    EXPECT_LT(one->size(), 40u);
    auto del = loader.apply(bmv2(c, "table_delete ipv4_lpm 250"), error);
    ASSERT_TRUE(del) << error;
    EXPECT_LT(del->size(), 60u);
    EXPECT_FALSE(lpm->image().find(many[249].keys[0].value.convert_to<uint32_t>(),
                                   many[249].keys[0].prefixLen));
    EXPECT_TRUE(lpm->image().find(many[250].keys[0].value.convert_to<uint32_t>(),
                                  many[250].keys[0].prefixLen));
    EXPECT_FALSE(
        loader.apply(stf(c, fmt::format("add MyIngress.ipv4_lpm hdr.ipv4.dstAddr:0x{:08x}/{} "
                                        "MyIngress.ipv4_forward(dstAddr:0x1, port:1)",
                                        0x0a000000u + (3 << 12), 23)),
                     error));
    EXPECT_NE(error.find("duplicate entry"), std::string::npos) << error;
}

// An LPM table in ternary slots (what the register map gives an lpm key combined with others):
// entries get priority = prefix length; modify and delete go through the driver's slot ids.
TEST(PipelineLoader, LpmAsTernary) {
    Compiled c = compile("basic");
    regmap::RegMap map = c.map;
    const ir::TableId t = c.program().findTable("MyIngress.ipv4_lpm");
    for (auto& blk : map.tables) {
        if (blk.name != "MyIngress.ipv4_lpm") continue;
        const tables::TableGeometry g =
            tables::TernaryTable::geometryFor(c.program(), c.program().tables[t]);
        blk.kind = regmap::TableKind::Ternary;
        blk.lpmAsTernary = true;
        blk.depth = g.depth;
        blk.keyWidth = g.keyWidth;
        blk.actionWidth = g.actionWidth;
        blk.paramWidth = g.paramWidth;
        blk.span = g.span();
        blk.base = 0x10000;
    }
    tables::PipelineLoader loader(c.program(), map);
    ASSERT_TRUE(loader.ok()) << loader.error();
    EXPECT_TRUE(loader.initWalkInfoAddresses().empty());
    std::string error;
    auto ws = loader.apply(stf(c,
                               "add ipv4_lpm hdr.ipv4.dstAddr:0xc0000200/24 "
                               "ipv4_forward(dstAddr:0x000000000202, port:2)"),
                           error);
    ASSERT_TRUE(ws) << error;
    expectInBlock(map, "MyIngress.ipv4_lpm", *ws);
    ws = loader.apply(stf(c,
                          "add ipv4_lpm hdr.ipv4.dstAddr:0xc0000280/25 "
                          "ipv4_forward(dstAddr:0x000000000303, port:3)"),
                      error);
    ASSERT_TRUE(ws) << error;
    ASSERT_TRUE(
        loader.apply(bmv2(c, "table_modify ipv4_lpm ipv4_forward 1 => 00:00:00:00:09:09 9"), error))
        << error;
    ASSERT_TRUE(loader.apply(bmv2(c, "table_delete ipv4_lpm 0"), error)) << error;
    ASSERT_TRUE(loader.apply(bmv2(c, "table_clear ipv4_lpm"), error)) << error;
    EXPECT_TRUE(loader.entries(t).empty());
}

TEST(PipelineLoader, ConstEntriesAreLoadedAndFixed) {
    Compiled c = compile("acl");
    tables::PipelineLoader loader(c.program(), c.map);
    ASSERT_TRUE(loader.ok()) << loader.error();
    std::string error;
    tables::Command cmd;
    cmd.kind = tables::Command::Kind::Clear;
    cmd.entry.table = c.program().findTable("MyIngress.classify");
    EXPECT_FALSE(loader.apply(cmd, error));
    EXPECT_EQ(error, "table 'MyIngress.classify' has const entries: it cannot be cleared");
}

// A table's initial entries that are not const are logical entries as BMv2 (and the model) load
// them: listed, with handles 0, 1, ..., refused as duplicates, deleted by handle.
TEST(PipelineLoader, InitialEntriesAreLogicalEntries) {
    std::ifstream in(std::string(HOP_SOURCE_DIR) + "/examples/tunnel.p4");
    std::stringstream text;
    text << in.rdbuf();
    std::string source = text.str();
    const std::string anchor = "        size = 1024;\n        default_action = drop();\n";
    const size_t at = source.find(anchor, source.find("table myTunnel_exact {"));
    ASSERT_NE(at, std::string::npos);
    source.insert(at + anchor.size(),
                  "        entries = {\n            7 : myTunnel_forward(3);\n"
                  "            8 : myTunnel_forward(4);\n        }\n");
    const std::string path = ::testing::TempDir() + "/tunnel_initial_entries.p4";
    std::ofstream(path) << source;
    Compiled c = compilePath(path);
    tables::PipelineLoader loader(c.program(), c.map);
    ASSERT_TRUE(loader.ok()) << loader.error();
    const ir::TableId t = c.program().findTable("MyIngress.myTunnel_exact");
    const auto initial = loader.entries(t);
    ASSERT_EQ(initial.size(), 2u);
    EXPECT_EQ(initial[0].first, 0);
    EXPECT_EQ(initial[1].first, 1);
    EXPECT_EQ(initial[1].second.keys.at(0).value, 8);
    std::string error;
    EXPECT_FALSE(loader.apply(
        stf(c, "add myTunnel_exact hdr.myTunnel.dst_id:8 myTunnel_forward(port:5)"), error));
    EXPECT_EQ(error, "duplicate entry in table 'MyIngress.myTunnel_exact' (same match as entry 1)");
    int handle = -1;
    ASSERT_TRUE(
        loader.apply(stf(c, "add myTunnel_exact hdr.myTunnel.dst_id:9 myTunnel_forward(port:5)"),
                     error, &handle))
        << error;
    EXPECT_EQ(handle, 2);
    ASSERT_TRUE(loader.apply(bmv2(c, "table_delete myTunnel_exact 0"), error)) << error;
    EXPECT_EQ(loader.entries(t).size(), 2u);
    ASSERT_NE(loader.logicalTable(t), nullptr);
    EXPECT_EQ(loader.logicalTable(t)->find(1)->entry.keys.at(0).value, 8);
}

TEST(PipelineLoader, MapAndDriversMustAgree) {
    Compiled c = compile("tunnel");
    regmap::RegMap map = c.map;
    for (auto& blk : map.tables)
        if (blk.kind == regmap::TableKind::Exact) blk.depth *= 2;
    tables::PipelineLoader loader(c.program(), map);
    EXPECT_FALSE(loader.ok());
    EXPECT_NE(loader.error().find("table 'MyIngress.myTunnel_exact': depth "), std::string::npos)
        << loader.error();
    map = c.map;
    map.tables.front().name = "MyIngress.nonexistent";
    map.tables.front().table = -1;
    tables::PipelineLoader missing(c.program(), map);
    EXPECT_FALSE(missing.ok());
    EXPECT_EQ(missing.error(),
              "the register map names table 'MyIngress.nonexistent', which the program lacks");
}

}  // namespace
}  // namespace hop

namespace hop {
namespace {

// A table with direct counters: each entry's action data carries its cell (its handle) above the
// parameters, and a delete sets the entry's counter cells back to 0 through their CSR blocks.
TEST(PipelineLoader, DirectCounterCellRidesInTheActionData) {
    Compiled c = compilePath(std::string(HOP_SOURCE_DIR) + "/tests/stf/direct_counters.p4");
    const regmap::TableBlock* ops = c.map.find("I.ops");
    ASSERT_NE(ops, nullptr);
    // rewrite(bit<8>): the cell (16 entries: 4 bits) above the 8 parameter bits.
    EXPECT_EQ(ops->cellOffset, 8);
    EXPECT_EQ(ops->cellWidth, 4);
    EXPECT_EQ(ops->paramWidth, 12);
    const regmap::ExternBlock* counter = nullptr;
    for (const auto& x : c.map.externs)
        if (x.name == "I.by_op") counter = &x;
    ASSERT_NE(counter, nullptr);
    EXPECT_EQ(counter->table, "I.ops");
    EXPECT_EQ(counter->depth, 16);
    EXPECT_EQ(counter->width, 128);
    // The map says so to any loader, and reads back the same.
    const nlohmann::json j = regmap::toJson(c.map);
    std::string error;
    auto back = regmap::fromJson(j, error);
    ASSERT_TRUE(back) << error;
    EXPECT_EQ(regmap::toJson(*back), j);

    tables::PipelineLoader loader(c.program(), c.map);
    ASSERT_TRUE(loader.ok()) << loader.error();
    const uint32_t param0 = ops->base + tables::TableGeometry{}.stgParam(0);
    // Some slot is staged with these parameter bits (the block may move other entries too).
    auto staged = [&](const tables::CsrWrites& ws, uint32_t value) {
        for (const auto& w : ws)
            if (w.addr == param0 && w.value == value) return true;
        return false;
    };
    int handle = -1;
    auto ws =
        loader.apply(stf(c, "add ops 20 req.op:0x10&&&0xf0 rewrite(op:0x77)"), error, &handle);
    ASSERT_TRUE(ws) << error;
    EXPECT_EQ(handle, 0);
    EXPECT_TRUE(staged(*ws, 0x077));
    ws = loader.apply(stf(c, "add ops 30 req.op:0x12&&&0xff rewrite(op:0x55)"), error, &handle);
    ASSERT_TRUE(ws) << error;
    EXPECT_EQ(handle, 1);
    EXPECT_TRUE(staged(*ws, (1 << 8) | 0x55));
    // Delete handle 0: the table's writes, then the cell's: DATA 0, INDEX 0, CMD WRITE.
    ws = loader.apply(bmv2(c, "table_delete ops 0"), error);
    ASSERT_TRUE(ws) << error;
    ASSERT_GE(ws->size(), 3u);
    const tables::CsrWrite cmd = ws->back(), index = (*ws)[ws->size() - 2];
    EXPECT_EQ(cmd.addr, counter->base + 4 * regmap::kRegWordCmd);
    EXPECT_EQ(cmd.value, regmap::kRegCmdWrite);
    EXPECT_EQ(index.addr, counter->base + 4 * regmap::kRegWordIndex);
    EXPECT_EQ(index.value, 0u);
    // The next entry takes the freed handle, and its cell.
    ws = loader.apply(stf(c, "add ops 10 req.op:0x20&&&0xf0 rewrite(op:0x33)"), error, &handle);
    ASSERT_TRUE(ws) << error;
    EXPECT_EQ(handle, 0);
    EXPECT_TRUE(staged(*ws, 0x033));
}

}  // namespace
}  // namespace hop
