// SPDX-License-Identifier: Apache-2.0
// Digests, model vs RTL (examples/learning_switch.p4 at DATA_W 64): the RTL engine pops the
// pipeline's digest FIFO through its CSRs (runtime/tables/digest_csr.hpp) and must hand back
// the digests the model sends, in the same order, with the same values: frames from random
// source MACs on ports 1..4, some known to smac, back to back with idle input cycles and output
// backpressure, including frames dropped after ingress (flooded from ports 3 and 4), whose
// digests BMv2's simple_switch sends all the same. And a host that lags: with nobody popping,
// the FIFO keeps its first DEPTH digests and counts the rest in DROPS.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "sim/rtl/rtl_engine.hpp"
#include "tests/diff/common.hpp"
#include "tests/diff/rtl_engine.hpp"

namespace hop {
namespace {

constexpr const char* kProgram = "learning_switch";
constexpr int kWidth = 64;

sim::Packet frame(uint64_t dst, uint64_t src, uint32_t port, size_t bytes) {
    sim::Packet p;
    p.port = port;
    for (int i = 5; i >= 0; --i) p.bytes.push_back(static_cast<uint8_t>(dst >> (8 * i)));
    for (int i = 5; i >= 0; --i) p.bytes.push_back(static_cast<uint8_t>(src >> (8 * i)));
    p.bytes.push_back(0x08);
    p.bytes.push_back(0x00);
    p.bytes.resize(bytes, 0x5a);
    return p;
}

std::vector<std::string> lines(const ir::Program& program,
                               const std::vector<sim::DigestMessage>& digests) {
    std::vector<std::string> out;
    for (const auto& d : digests) out.push_back(sim::digestLine(program, d));
    return out;
}

tables::Command command(const ir::Program& program, const std::string& line) {
    tables::ParseError pe;
    auto cmd = tables::parseBmv2Command(program, line, {}, pe);
    EXPECT_TRUE(cmd) << pe.str();
    return cmd.value_or(tables::Command{});
}

TEST(Digests, RtlSendsWhatTheModelSends) {
    auto fe = difftest::compileExample(kProgram);
    ASSERT_TRUE(fe);
    const ir::Program& program = *fe->ir;
    sim::rtl::RtlOptions ro;
    ro.idleIn = 0.3;
    ro.stallOut = 0.3;
    ro.seed = 15;
    auto rtl = difftest::rtlEngine(program, kProgram, "examples", kWidth, ro, HOP_RTL_CACHE);
    ASSERT_TRUE(rtl);
    sim::ModelEngine model(program);
    // Sources 02:00:00:00:00:01..16; the first four are known, and forwarded to.
    const uint64_t base = 0x020000000000ull;
    for (int m = 1; m <= 4; ++m) {
        for (const auto& line :
             {fmt::format("table_add smac NoAction 0x{:012x} =>", base + m),
              fmt::format("table_add dmac forward 0x{:012x} => {}", base + m, m)}) {
            std::string me, re;
            const auto cmd = command(program, line);
            ASSERT_TRUE(model.apply(cmd, me)) << me;
            ASSERT_TRUE(rtl->apply(cmd, re)) << re;
        }
    }
    std::mt19937 rng(1515);
    for (int round = 0; round < 3; ++round) {
        for (int i = 0; i < 200; ++i) {
            const sim::Packet p =
                frame(base + 1 + rng() % 20, base + 1 + rng() % 16, 1 + rng() % 4, 60 + rng() % 80);
            model.send(p);
            rtl->send(p);
        }
        sim::Drained md, rd;
        ASSERT_NO_FATAL_FAILURE(difftest::drainBoth(model, *rtl, md, rd));
        const auto ml = lines(program, md.digests), rl = lines(program, rd.digests);
        EXPECT_GT(ml.size(), 100u);
        ASSERT_EQ(ml.size(), rl.size());
        for (size_t i = 0; i < ml.size(); ++i) ASSERT_EQ(ml[i], rl[i]) << "digest " << i;
        const auto mo = difftest::outputsInOrder(md), ro2 = difftest::outputsInOrder(rd);
        ASSERT_EQ(mo.size(), ro2.size());
        EXPECT_LT(mo.size(), 200u);  // frames from ports 3 and 4 to unknown MACs are dropped
    }
}

TEST(Digests, AHostThatLagsLosesTheNewestAndTheBoardCountsThem) {
    auto fe = difftest::compileExample(kProgram);
    ASSERT_TRUE(fe);
    const ir::Program& program = *fe->ir;
    sim::rtl::RtlOptions ro;
    ro.popDigests = false;
    auto rtl = difftest::rtlEngine(program, kProgram, "examples", kWidth, ro, HOP_RTL_CACHE);
    ASSERT_TRUE(rtl);
    const auto& blk = *rtl->built().regmap.digest;
    ASSERT_EQ(blk.depth, regmap::kDigestDepth);
    sim::ModelEngine model(program);
    const int extra = 7;
    for (int i = 0; i < blk.depth + extra; ++i) {
        const sim::Packet p = frame(0xffffffffffffull, 0x020000000100ull + i, 1, 64);
        model.send(p);
        rtl->send(p);
    }
    sim::Drained md, rd;
    ASSERT_NO_FATAL_FAILURE(difftest::drainBoth(model, *rtl, md, rd));
    std::string error;
    EXPECT_TRUE(rd.digests.empty());
    auto count = rtl->read(blk.base + 4 * regmap::kDigestWordCount, error);
    ASSERT_TRUE(count) << error;
    EXPECT_EQ(*count, static_cast<uint32_t>(blk.depth));
    std::vector<sim::DigestMessage> popped;
    uint32_t drops = 0;
    ASSERT_TRUE(rtl->popDigests(popped, error, &drops)) << error;
    EXPECT_EQ(drops, static_cast<uint32_t>(extra));
    auto ml = lines(program, md.digests);
    ASSERT_EQ(ml.size(), static_cast<size_t>(blk.depth + extra));
    ml.resize(blk.depth);
    EXPECT_EQ(lines(program, popped), ml);
    // Popped: the FIFO is empty, and takes digests again.
    count = rtl->read(blk.base + 4 * regmap::kDigestWordCount, error);
    ASSERT_TRUE(count) << error;
    EXPECT_EQ(*count, 0u);
    rtl->send(frame(0xffffffffffffull, 0x020000000999ull, 2, 64));
    ASSERT_TRUE(rtl->drain(rd, error)) << error;
    popped.clear();
    ASSERT_TRUE(rtl->popDigests(popped, error, &drops)) << error;
    EXPECT_EQ(
        lines(program, popped),
        std::vector<std::string>{"mac_learn_digest_t srcAddr=0x20000000999 ingress_port=0x2"});
}

// tests/diff/digests.p4: three digest types in one FIFO (the entry's members muxed by its
// number), values as of the call, the last call winning, drops; its DATA_W=64 model is built
// here (about 10 s; not prebuilt).
TEST(Digests, ThreeTypesInOneFifoAsTheModel) {
    auto fe = difftest::compileExample("digests", "tests/diff");
    ASSERT_TRUE(fe);
    const ir::Program& program = *fe->ir;
    sim::rtl::RtlOptions ro;
    ro.idleIn = 0.2;
    ro.stallOut = 0.2;
    ro.seed = 3;
    auto rtl = difftest::rtlEngine(program, "digests", "tests/diff", kWidth, ro, HOP_RTL_CACHE);
    ASSERT_TRUE(rtl);
    EXPECT_EQ(rtl->built().regmap.digest->dataWidth, 16 + 41);
    sim::ModelEngine model(program);
    std::mt19937 rng(57);
    for (int i = 0; i < 400; ++i) {
        sim::Packet p;
        p.port = i % 2 ? 1 : 5;
        p.bytes = {static_cast<uint8_t>(rng() % 3), static_cast<uint8_t>(rng() % 4),
                   static_cast<uint8_t>(rng() % 3), static_cast<uint8_t>(rng() % 2 ? 7 : 3)};
        p.bytes.resize(14 + rng() % 60, 0x11);
        model.send(p);
        rtl->send(p);
    }
    sim::Drained md, rd;
    ASSERT_NO_FATAL_FAILURE(difftest::drainBoth(model, *rtl, md, rd));
    const auto ml = lines(program, md.digests), rl = lines(program, rd.digests);
    ASSERT_EQ(ml.size(), rl.size());
    for (size_t i = 0; i < ml.size(); ++i) ASSERT_EQ(ml[i], rl[i]) << "digest " << i;
    std::map<std::string, int> types;
    for (const auto& l : ml) ++types[l.substr(0, l.find(' '))];
    EXPECT_GT(types["ab_t"], 20);
    EXPECT_GT(types["cd_t"], 20);
    EXPECT_GT(types["e_t"], 20);
}

}  // namespace
}  // namespace hop
