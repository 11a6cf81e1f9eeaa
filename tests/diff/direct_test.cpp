// SPDX-License-Identifier: Apache-2.0
// Direct counters, model vs RTL (tests/stf/direct_counters.p4: direct counters on an exact, an
// LPM and a ternary table). Random entries and traffic with 30 % idle input cycles and 30 %
// output backpressure; halfway, every third entry is deleted and new ones are added (a new
// entry reuses a freed handle, and its cell must start at 0 in hardware as in BMv2); at the end
// the outputs and every direct counter cell are equal. And every packet hitting the same entry
// of every table back to back at DATA_W=512: one frame per clock, and the counts are exact.
#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "runtime/tables/externs.hpp"
#include "sim/hopsim/stf.hpp"
#include "sim/rtl/rtl_build.hpp"
#include "sim/rtl/rtl_engine.hpp"
#include "tests/diff/common.hpp"
#include "tests/diff/rtl_engine.hpp"
#include "tests/diff/traffic.hpp"

namespace hop {
namespace {

constexpr const char* kProgram = "direct_counters";

std::unique_ptr<sim::rtl::RtlEngine> rtlEngine(const ir::Program& program, int width,
                                               const sim::rtl::RtlOptions& options) {
    return difftest::rtlEngine(program, kProgram, "tests/stf", width, options, HOP_RTL_CACHE);
}

// Sends `frames` frames to both engines and drains them; appends the outputs of each.
void run(difftest::Traffic& traffic, int frames, sim::Engine& model, sim::Engine& rtl,
         std::vector<sim::Packet>& modelOut, std::vector<sim::Packet>& rtlOut) {
    for (int i = 0; i < frames; ++i) {
        const sim::Packet p = traffic.packet();
        model.send(p);
        rtl.send(p);
    }
    sim::Drained md, rd;
    ASSERT_NO_FATAL_FAILURE(difftest::drainBoth(model, rtl, md, rd));
    for (auto& p : difftest::outputsInOrder(md)) modelOut.push_back(std::move(p));
    for (auto& p : difftest::outputsInOrder(rd)) rtlOut.push_back(std::move(p));
}

// Applies each command to the RTL and, when it takes it, to the model; returns how many.
int applyBoth(const std::vector<tables::Command>& cmds, sim::Engine& model, sim::Engine& rtl) {
    int applied = 0;
    for (const auto& cmd : cmds) {
        std::string rtlError, modelError;
        if (!rtl.apply(cmd, rtlError)) continue;  // duplicates, a full table
        EXPECT_TRUE(model.apply(cmd, modelError)) << modelError;
        ++applied;
    }
    return applied;
}

void expectSameOutputs(const std::vector<sim::Packet>& mo, const std::vector<sim::Packet>& ro) {
    std::map<uint32_t, std::vector<const sim::Packet*>> mp, rp;
    for (const auto& p : mo) mp[p.port].push_back(&p);
    for (const auto& p : ro) rp[p.port].push_back(&p);
    ASSERT_EQ(mo.size(), ro.size()) << "number of output frames";
    for (const auto& [port, frames] : mp) {
        const auto& other = rp[port];
        ASSERT_EQ(frames.size(), other.size()) << "frames out of port " << port;
        for (size_t i = 0; i < frames.size(); ++i)
            ASSERT_EQ(frames[i]->bytes, other[i]->bytes) << "frame " << i << " of port " << port;
    }
}

std::string state(sim::Engine& e) {
    std::string error;
    const auto s = hopsim::externAccess(e)->dumpState(error);
    EXPECT_TRUE(s) << error;
    return s.value_or("");
}

class DirectCounters : public ::testing::TestWithParam<int> {};

TEST_P(DirectCounters, RandomEntriesDeletesAndTrafficCountAsTheModel) {
    const int width = GetParam();
    auto fe = difftest::compileExample(kProgram, "tests/stf");
    ASSERT_TRUE(fe);
    const ir::Program& program = *fe->ir;
    sim::rtl::RtlOptions ro;
    ro.idleIn = 0.3;
    ro.stallOut = 0.3;
    ro.seed = 23;
    auto rtl = rtlEngine(program, width, ro);
    ASSERT_TRUE(rtl);
    sim::ModelEngine model(program);
    difftest::Traffic traffic(program, 0xd1ec7000 + width);
    const int added = applyBoth(traffic.tableCommands(48), model, *rtl);
    EXPECT_GT(added, 20);
    std::vector<sim::Packet> mo, rto;
    run(traffic, 6000, model, *rtl, mo, rto);

    // Every third entry of every table goes; new ones take the freed handles.
    int deleted = 0;
    for (size_t t = 0; t < program.tables.size(); ++t) {
        int n = 0;
        for (const auto& [handle, entry] : rtl->loader().entries(static_cast<ir::TableId>(t))) {
            if (n++ % 3 != 0) continue;
            tables::Command del;
            del.kind = tables::Command::Kind::Delete;
            del.entry.table = static_cast<ir::TableId>(t);
            del.handle = handle;
            std::string me, re;
            ASSERT_TRUE(rtl->apply(del, re)) << re;
            ASSERT_TRUE(model.apply(del, me)) << me;
            ++deleted;
        }
    }
    EXPECT_GT(deleted, 5);
    difftest::Traffic more(program, 0xadd0000 + width);
    const int readded = applyBoth(more.tableCommands(16), model, *rtl);
    run(traffic, 6000, model, *rtl, mo, rto);
    std::cout << "[ direct ] DATA_W=" << width << ": " << added << " entries, " << deleted
              << " deleted, " << readded << " added, " << mo.size() << " frames out\n";
    expectSameOutputs(mo, rto);
    const std::string ms = state(model), rs = state(*rtl);
    EXPECT_EQ(ms, rs);
    EXPECT_NE(ms.find("packets="), std::string::npos) << "nothing was counted:\n" << ms;
}

INSTANTIATE_TEST_SUITE_P(Widths, DirectCounters, ::testing::Values(64, 512),
                         [](const auto& info) { return "w" + std::to_string(info.param); });

// Every frame hits entry 0 of each table, back to back at one 64-byte frame per clock: the cell
// is read while the previous frame's write is in flight, every cycle (the block's forwarding).
TEST(DirectCountersLineRate, SameEntryBackToBackCountsEveryFrame) {
    auto fe = difftest::compileExample(kProgram, "tests/stf");
    ASSERT_TRUE(fe);
    const ir::Program& program = *fe->ir;
    auto rtl = rtlEngine(program, 512, {});
    ASSERT_TRUE(rtl);
    sim::ModelEngine model(program);
    auto table = [&](const char* name) { return program.findTable(name); };
    auto action = [&](const char* name) {
        for (size_t i = 0; i < program.actions.size(); ++i)
            if (program.actions[i].name.ends_with(name)) return static_cast<ir::ActionId>(i);
        return ir::ActionId{-1};
    };
    auto add = [&](const char* t, ir::Match m, const char* a, std::vector<ir::BigInt> args,
                   std::optional<int64_t> priority = std::nullopt) {
        tables::Command c;
        c.entry.table = table(t);
        c.entry.keys = {m};
        c.entry.action = {action(a), std::move(args)};
        c.entry.priority = priority;
        std::string me, re;
        ASSERT_TRUE(rtl->apply(c, re)) << re;
        ASSERT_TRUE(model.apply(c, me)) << me;
    };
    ir::Match exact;
    exact.kind = ir::Match::Kind::Exact;
    exact.value = 0x0101;
    ir::Match lpm;
    lpm.kind = ir::Match::Kind::Lpm;
    lpm.value = 0x0a000000;
    lpm.prefixLen = 8;
    lpm.mask = 0xff000000;
    ir::Match tern;
    tern.kind = ir::Match::Kind::Ternary;
    tern.value = 0x10;
    tern.mask = 0xf0;
    ASSERT_NO_FATAL_FAILURE(add("I.keyed", exact, "mark", {0xaa}));
    ASSERT_NO_FATAL_FAILURE(add("I.prefixes", lpm, "route", {2}));
    ASSERT_NO_FATAL_FAILURE(add("I.ops", tern, "rewrite", {0x77}, 1));
    // op key addr mark, then padding to 64 bytes.
    std::vector<uint8_t> frame = {0x12, 0x01, 0x01, 0x0a, 0x01, 0x02, 0x03, 0x00};
    frame.resize(64, 0);
    constexpr int kFrames = 2000;
    rtl->resetStats();
    for (int i = 0; i < kFrames; ++i) {
        frame[63] = static_cast<uint8_t>(i);  // consecutive frames differ
        const sim::Packet p{0, frame};
        model.send(p);
        rtl->send(p);
    }
    sim::Drained md, rd;
    ASSERT_NO_FATAL_FAILURE(difftest::drainBoth(model, *rtl, md, rd));
    std::string error;
    const sim::rtl::RtlStats& st = rtl->stats();
    std::cout << "[ direct line rate ] " << st.framesIn << " frames in " << st.beatsIn << " beats, "
              << st.inStalls << " input stalls\n";
    EXPECT_EQ(st.beatsIn, static_cast<uint64_t>(kFrames));
    EXPECT_EQ(st.inStalls, 0u) << "the pipeline did not take a frame per clock";
    expectSameOutputs(difftest::outputsInOrder(md), difftest::outputsInOrder(rd));
    EXPECT_EQ(difftest::outputsInOrder(rd).size(), static_cast<size_t>(kFrames));
    const std::string ms = state(model), rs = state(*rtl);
    EXPECT_EQ(ms, rs);
    // BMv2's values, from the definition: every frame, 64 bytes each.
    auto access = hopsim::externAccess(*rtl);
    for (const char* name : {"by_key", "by_prefix", "by_op"}) {
        const int ext = tables::findExtern(access->program(), name, error);
        ASSERT_GE(ext, 0) << error;
        tables::CounterValue v;
        ASSERT_TRUE(access->readCounter(ext, 0, v, error)) << error;
        EXPECT_EQ(v.packets, static_cast<uint64_t>(kFrames)) << name;
        EXPECT_EQ(v.bytes, static_cast<uint64_t>(64 * kFrames)) << name;
    }
}

}  // namespace
}  // namespace hop
