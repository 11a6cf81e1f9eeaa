// SPDX-License-Identifier: Apache-2.0
// The compiled program as the contract (compiler/src/program/compiled.hpp): regmap.json and its
// control-plane view read back exactly as written, the manifest's hashes, the pipeline's HASH
// words, and a hopc output directory that works without its .p4 file.
#include "program/compiled.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "regmap/control_plane.hpp"
#include "regmap/regmap.hpp"

namespace hop {
namespace {

namespace fs = std::filesystem;

const std::string kSource = HOP_SOURCE_DIR;

program::Options options(int dataWidth = 512) {
    program::Options o;
    o.preprocess.p4includeDir = kSource + "/p4include";
    o.dataWidth = dataWidth;
    return o;
}

std::optional<program::Compiled> example(const std::string& name, int dataWidth = 512) {
    std::ostringstream err;
    auto c = program::load(kSource + "/examples/" + name + ".p4", options(dataWidth), err);
    EXPECT_TRUE(c) << err.str();
    return c;
}

fs::path tempDir(const std::string& tag) {
    fs::path dir =
        fs::temp_directory_path() / ("hop-compiled-" + tag + "-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

int run(const std::string& cmd, std::string* output = nullptr) {
    const std::string file = (fs::temp_directory_path() / "hop-compiled-cmd.out").string();
    const int rc = std::system((cmd + " > " + file + " 2>&1").c_str());
    std::ifstream in(file);
    std::ostringstream s;
    s << in.rdbuf();
    if (output) *output = s.str();
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

class EveryExample : public testing::TestWithParam<const char*> {};

TEST_P(EveryExample, RegmapJsonReadsBackAsWritten) {
    for (int width : {64, 512}) {
        auto c = example(GetParam(), width);
        ASSERT_TRUE(c && c->hasRtl());
        const nlohmann::json written = regmap::toJson(c->regmap());
        std::string error;
        auto back = regmap::fromJson(written, error);
        ASSERT_TRUE(back) << error;
        EXPECT_EQ(regmap::toJson(*back), written);
        EXPECT_EQ(regmap::contentHash(*back), c->hash());
        EXPECT_EQ(back->dataWidth, width);
        ASSERT_EQ(back->tables.size(), c->regmap().tables.size());
        for (size_t i = 0; i < back->tables.size(); ++i) {
            const auto& a = back->tables[i];
            const auto& b = c->regmap().tables[i];
            EXPECT_EQ(a.name, b.name);
            EXPECT_EQ(a.table, b.table);
            EXPECT_EQ(a.base, b.base);
            EXPECT_EQ(a.span, b.span);
            EXPECT_EQ(a.kind, b.kind);
            EXPECT_EQ(a.depth, b.depth);
            EXPECT_EQ(a.latency, b.latency);
            EXPECT_EQ(a.lpm.strides, b.lpm.strides);
            EXPECT_EQ(a.lpm.nodeCapacity, b.lpm.nodeCapacity);
            EXPECT_EQ(a.lpm.resultCapacity, b.lpm.resultCapacity);
        }
    }
}

TEST_P(EveryExample, ControlPlaneIsTheProgramsTables) {
    auto c = example(GetParam());
    ASSERT_TRUE(c && c->hasRtl());
    std::ostringstream err;
    const Frontend* fe = c->frontend(err);
    ASSERT_TRUE(fe) << err.str();
    const ir::Program& full = *fe->ir;
    const ir::Program& cp = c->tables();
    EXPECT_EQ(regmap::controlPlaneJson(cp), regmap::controlPlaneJson(full));
    ASSERT_EQ(cp.tables.size(), full.tables.size());
    ASSERT_EQ(cp.actions.size(), full.actions.size());
    for (size_t t = 0; t < cp.tables.size(); ++t) {
        EXPECT_EQ(cp.tables[t].name, full.tables[t].name);
        ASSERT_EQ(cp.tables[t].keys.size(), full.tables[t].keys.size());
        for (size_t k = 0; k < cp.tables[t].keys.size(); ++k) {
            EXPECT_EQ(cp.tables[t].keys[k].width, full.tables[t].keys[k].width);
            EXPECT_EQ(cp.tables[t].keys[k].matchKind, full.tables[t].keys[k].matchKind);
        }
        EXPECT_EQ(cp.tables[t].entries.size(), full.tables[t].entries.size());
        EXPECT_EQ(cp.tables[t].defaultAction.action, full.tables[t].defaultAction.action);
        EXPECT_EQ(cp.tables[t].defaultAction.args, full.tables[t].defaultAction.args);
    }
}

TEST_P(EveryExample, PipelineCarriesTheHashInItsIdWords) {
    auto c = example(GetParam());
    ASSERT_TRUE(c && c->hasRtl());
    const auto rtl = c->rtlFiles();
    const std::string pipeline = rtl.at(c->name() + "_pipeline.sv");
    // hop_pipeline_csr's HASH parameter, which its HASH_LO / HASH_HI words return
    // (rtl.hop_pipeline_csr_* read them through regmap.hpp's word offsets).
    char hash[48];
    std::snprintf(hash, sizeof hash, ".HASH(64'h%016llx)",
                  static_cast<unsigned long long>(c->hash()));
    EXPECT_NE(pipeline.find(hash), std::string::npos) << hash;
    // Another width is another register map, so another hash.
    auto narrow = example(GetParam(), 64);
    ASSERT_TRUE(narrow);
    EXPECT_NE(narrow->hash(), c->hash());
}

INSTANTIATE_TEST_SUITE_P(Examples, EveryExample,
                         testing::Values("basic", "tunnel", "acl", "router", "learning_switch"));

// learning_switch.p4's digest block: the entry layout hosts decode, and every malformed field
// named.
TEST(RegmapJson, DigestBlockLayoutAndMalformedBlocks) {
    auto c = example("learning_switch");
    ASSERT_TRUE(c && c->hasRtl());
    const auto& d = c->regmap().digest;
    ASSERT_TRUE(d);
    EXPECT_EQ(d->dataWidth, 16 + 48 + 9);
    EXPECT_EQ(d->depth, regmap::kDigestDepth);
    EXPECT_EQ(d->span, regmap::digestSpan(73));
    EXPECT_EQ(d->base % d->span, 0u);
    ASSERT_EQ(d->types.size(), 1u);
    EXPECT_EQ(d->types[0].name, "mac_learn_digest_t");
    ASSERT_EQ(d->types[0].members.size(), 2u);
    EXPECT_EQ(d->types[0].members[0].name, "srcAddr");
    EXPECT_EQ(d->types[0].members[0].offset, 16);
    EXPECT_EQ(d->types[0].members[1].name, "ingress_port");
    EXPECT_EQ(d->types[0].members[1].offset, 64);
    // An entry as the FIFO holds it: number 1, srcAddr, port 3 (three DATA words).
    std::string error;
    const ir::BigInt entry = (ir::BigInt(3) << 64) | (ir::BigInt(0x020000000101ull) << 16) | 1;
    std::vector<uint32_t> words;
    for (int w = 0; w < 3; ++w)
        words.push_back(static_cast<uint32_t>((entry >> (32 * w)) & 0xffffffffu));
    auto e = regmap::decodeDigest(*d, words, error);
    ASSERT_TRUE(e) << error;
    EXPECT_EQ(e->type, 0);
    EXPECT_EQ(e->values, (std::vector<ir::BigInt>{0x020000000101ull, 3}));
    words[0] &= ~0xffffu;
    EXPECT_FALSE(regmap::decodeDigest(*d, words, error));
    EXPECT_EQ(error, "a digest entry with number 0 (the program has 1 digests)");

    const nlohmann::json good = regmap::toJson(c->regmap());
    auto expectError = [&](nlohmann::json j, const std::string& want) {
        error.clear();
        EXPECT_FALSE(regmap::fromJson(j, error));
        EXPECT_EQ(error, want);
    };
    nlohmann::json j = good;
    j["digests"]["span"] = 0x40;
    expectError(j, fmt::format("regmap.digests: base 0x{:x} / span 0x40 do not fit", d->base));
    j = good;
    j["digests"]["types"][0]["number"] = 2;
    expectError(j, "regmap.digests.types[0].number must be 1");
    j = good;
    j["digests"]["types"][0]["members"][1]["offset"] = 70;
    expectError(j, "regmap.digests.types[0].members[1].offset = 70 is outside 16..64");
    j = good;
    j["digests"]["depth"] = 48;
    expectError(j, "regmap.digests.depth must be a power of two");
    j = good;
    j["digests"]["types"] = nlohmann::json::array();
    expectError(j, "regmap.digests.types must be a non-empty array");
}

TEST(RegmapJson, MalformedMapsNameWhatIsWrong) {
    auto c = example("basic");
    ASSERT_TRUE(c);
    const nlohmann::json good = regmap::toJson(c->regmap());
    std::string error;
    auto expectError = [&](nlohmann::json j, const std::string& want) {
        error.clear();
        EXPECT_FALSE(regmap::fromJson(j, error));
        EXPECT_NE(error.find(want), std::string::npos) << error << " / wanted: " << want;
    };
    nlohmann::json j = good;
    j.erase("tables");
    expectError(j, "regmap.tables is missing");
    j = good;
    j["tables"][0]["kind"] = "hashed";
    expectError(j, "regmap.tables[0].kind = \"hashed\"");
    j = good;
    j["tables"][0]["base"] = good["tables"][0]["base"].get<uint32_t>() + 4;
    expectError(j, "regmap.tables[0].base");
    j = good;
    j["data_width"] = "wide";
    expectError(j, "regmap.data_width must be an integer");
    j = good;
    j["tables"][0]["depth"] = -1;
    expectError(j, "regmap.tables[0].depth = -1 is out of range");
    j = good;
    j["pipeline"]["id"] = 0;
    expectError(j, "regmap.pipeline.id");
    std::string why;
    nlohmann::json cp = good["control_plane"];
    cp["tables"][0]["actions"][0]["action"] = 999;
    EXPECT_FALSE(regmap::controlPlaneProgram(cp, "basic", why));
    EXPECT_NE(why.find("control_plane.tables[0].actions[0].action"), std::string::npos) << why;
}

// The control-plane view carries the counters, meters and registers in the program's order
// (the register map's extern blocks index them): what hopd resolves CLI names against.
TEST(ControlPlane, ExternsReadBackAsWritten) {
    ir::Program p;
    ir::Action a;
    a.name = a.localName = "NoAction";
    p.actions.push_back(a);
    ir::Table t;
    t.name = "I.t";
    t.defaultAction.action = 0;
    p.tables.push_back(t);
    using XK = ir::ExternObject::Kind;
    using Unit = ir::ExternObject::Unit;
    p.externs.push_back({XK::Counter, Unit::Both, "I.c", 8, 0, -1, {}, 7u});
    p.externs.push_back({XK::Register, Unit::Packets, "I.r", 4, 72, -1, {}, std::nullopt});
    p.externs.push_back({XK::DirectMeter, Unit::Bytes, "I.dm", 0, 2, 0, {}, std::nullopt});
    const nlohmann::json j = regmap::controlPlaneJson(p);
    ASSERT_TRUE(j.contains("externs"));
    std::string why;
    auto back = regmap::controlPlaneProgram(j, "t", why);
    ASSERT_TRUE(back) << why;
    EXPECT_EQ(regmap::controlPlaneJson(*back), j);
    ASSERT_EQ(back->externs.size(), 3u);
    EXPECT_EQ(back->externs[0].name, "I.c");
    EXPECT_EQ(back->externs[0].unit, Unit::Both);
    EXPECT_EQ(back->externs[0].id, 7u);
    EXPECT_EQ(back->externs[1].width, 72);
    EXPECT_EQ(back->externs[2].kind, XK::DirectMeter);
    EXPECT_EQ(back->externs[2].table, 0);
    // A program without externs keeps the map it had.
    EXPECT_FALSE(regmap::controlPlaneJson(ir::Program{}).contains("externs"));
    nlohmann::json bad = j;
    bad["externs"][1]["kind"] = "bloom";
    EXPECT_FALSE(regmap::controlPlaneProgram(bad, "t", why));
    EXPECT_NE(why.find("control_plane.externs[1].kind"), std::string::npos) << why;
}

// hopc's directory is complete: with the .p4 gone, it still loads, runs the front end from its
// preprocessed source and builds its RTL at another width.
TEST(CompiledDirectory, WorksWithoutItsSource) {
    const fs::path dir = tempDir("nosource");
    fs::copy_file(kSource + "/examples/basic.p4", dir / "basic.p4");
    std::string out;
    ASSERT_EQ(run(std::string(HOP_HOPC) + " " + (dir / "basic.p4").string() + " -o " +
                      (dir / "out").string(),
                  &out),
              0)
        << out;
    for (const char* f : {"manifest.json", "basic.p4info.json", "basic.p4i", "regmap.json",
                          "regmap.hpp", "rtl/basic_top.sv", "program.json"})
        EXPECT_TRUE(fs::exists(dir / "out" / f)) << f;
    fs::remove(dir / "basic.p4");
    std::ostringstream err;
    auto c = program::load((dir / "out").string(), options(), err);
    ASSERT_TRUE(c) << err.str();
    EXPECT_EQ(c->name(), "basic");
    EXPECT_EQ(c->source(), (dir / "basic.p4").string());
    EXPECT_EQ(c->topModule(), "basic_top");
    const Frontend* fe = c->frontend(err);
    ASSERT_TRUE(fe) << err.str();
    EXPECT_EQ(fe->ir->tables.size(), c->tables().tables.size());
    auto narrow = program::atDataWidth(*c, 64, err);
    ASSERT_TRUE(narrow) << err.str();
    EXPECT_EQ(narrow->dataWidth(), 64);
    EXPECT_EQ(narrow->hash(), example("basic", 64)->hash());
    nlohmann::json manifest = nlohmann::json::parse(c->files().at("manifest.json"));
    EXPECT_EQ(manifest["regmap_hash"], program::hashText(c->hash()));
    fs::remove_all(dir);
}

TEST(CompiledDirectory, RefusesWhatHopcDidNotWrite) {
    const fs::path dir = tempDir("tampered");
    std::string out;
    ASSERT_EQ(
        run(std::string(HOP_HOPC) + " " + kSource + "/examples/basic.p4 -o " + dir.string(), &out),
        0)
        << out;
    std::ostringstream err;
    ASSERT_TRUE(program::readDirectory(dir.string(), err)) << err.str();

    // An edited register map: its file hash no longer matches.
    std::string regmapText = program::readDirectory(dir.string(), err)->files().at("regmap.json");
    const std::string edited =
        std::string(regmapText).replace(regmapText.find("\"base\""), 6, "\"base\" ");
    std::ofstream(dir / "regmap.json", std::ios::binary) << edited;
    err.str("");
    EXPECT_FALSE(program::readDirectory(dir.string(), err));
    EXPECT_NE(err.str().find(dir.string() + "/regmap.json: error: differs from what hopc wrote"),
              std::string::npos)
        << err.str();
    std::ofstream(dir / "regmap.json", std::ios::binary) << regmapText;

    // A missing file.
    fs::rename(dir / "basic.p4i", dir / "moved.p4i");
    err.str("");
    EXPECT_FALSE(program::readDirectory(dir.string(), err));
    EXPECT_NE(err.str().find("basic.p4i is missing"), std::string::npos) << err.str();
    fs::rename(dir / "moved.p4i", dir / "basic.p4i");

    // No manifest: not a hopc output directory.
    fs::remove(dir / "manifest.json");
    err.str("");
    EXPECT_FALSE(program::readDirectory(dir.string(), err));
    EXPECT_NE(err.str().find("not a hopc output directory (no manifest.json)"), std::string::npos)
        << err.str();
    fs::remove_all(dir);
}

}  // namespace
}  // namespace hop
