// SPDX-License-Identifier: Apache-2.0
// Meters, model vs RTL (tests/stf/meters.p4: an indexed packets meter, an indexed bytes meter
// and a direct meter on table `classify`; each frame carries the three colours out). Rates set
// through the control plane on both engines (per cell, the whole array, per entry), then random
// frames with 30 % idle input cycles and 30 % output backpressure, several frames in each
// microsecond so every colour shows, bursts on one index and one entry, indices past the end,
// entries without rates, misses; halfway two entries are deleted and added again (a new entry's
// direct meter starts unconfigured, as in BMv2). The outputs, and every meter cell's whole state
// (tokens and tokens earned of both buckets) read back at the end, are equal. And every frame on
// one index and one entry back to back at DATA_W=512: one frame per clock, the same colours as the
// model. The Verilated models are the STF tests' (hop_rtl_model_meters_w64 / _w512).
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "runtime/tables/extern_csr.hpp"
#include "runtime/tables/externs.hpp"
#include "sim/hopsim/stf.hpp"
#include "sim/rtl/rtl_engine.hpp"
#include "tests/diff/common.hpp"
#include "tests/diff/rtl_engine.hpp"

namespace hop {
namespace {

constexpr const char* kProgram = "meters";

struct Bench {
    explicit Bench(int width, const sim::rtl::RtlOptions& ro) {
        fe = difftest::compileExample(kProgram, "tests/stf");
        if (!fe) return;
        rtl = difftest::rtlEngine(*fe->ir, kProgram, "tests/stf", width, ro, HOP_RTL_CACHE);
        model = std::make_unique<sim::ModelEngine>(*fe->ir);
    }
    const ir::Program& program() const { return *fe->ir; }
    int ext(const char* name) {
        std::string error;
        const int e = tables::findExtern(program(), name, error);
        EXPECT_GE(e, 0) << error;
        return e;
    }
    // The same control-plane call on both engines, which must agree.
    void setRates(const char* name, std::optional<uint64_t> index,
                  std::vector<tables::MeterRate> rates) {
        std::string me, re;
        const int e = ext(name);
        ASSERT_TRUE(hopsim::externAccess(*model)->setMeterRates(e, index, rates, me)) << me;
        ASSERT_TRUE(hopsim::externAccess(*rtl)->setMeterRates(e, index, rates, re)) << re;
    }
    // classify: key -> mark() (reads the direct meter) or unmarked(); the entry's handle.
    int add(uint8_t key, bool mark) {
        tables::Command c;
        c.entry.table = program().findTable("I.classify");
        ir::Match m;
        m.kind = ir::Match::Kind::Exact;
        m.value = key;
        c.entry.keys = {m};
        for (size_t i = 0; i < program().actions.size(); ++i)
            if (program().actions[i].name.ends_with(mark ? "mark" : "unmarked"))
                c.entry.action = {static_cast<ir::ActionId>(i), {}};
        std::string me, re;
        EXPECT_TRUE(rtl->apply(c, re)) << re;
        EXPECT_TRUE(model->apply(c, me)) << me;
        int handle = -1;
        for (const auto& [h, entry] : rtl->loader().entries(c.entry.table))
            if (entry.keys.at(0).value == key) handle = h;
        return handle;
    }
    // Deletes classify's entry of `key` on both engines.
    void remove(uint8_t key) {
        const ir::TableId t = program().findTable("I.classify");
        for (const auto& [h, entry] : rtl->loader().entries(t)) {
            if (entry.keys.at(0).value != key) continue;
            tables::Command del;
            del.kind = tables::Command::Kind::Delete;
            del.entry.table = t;
            del.handle = h;
            std::string me, re;
            ASSERT_TRUE(rtl->apply(del, re)) << re;
            ASSERT_TRUE(model->apply(del, me)) << me;
            return;
        }
        FAIL() << "no entry of key " << int{key};
    }
    void send(const sim::Packet& p) {
        model->send(p);
        rtl->send(p);
    }
    // Drains both; the outputs must be equal, frame by frame.
    void expectSameOutputs(size_t want) {
        sim::Drained md, rd;
        ASSERT_NO_FATAL_FAILURE(difftest::drainBoth(*model, *rtl, md, rd));
        const auto mo = difftest::outputsInOrder(md), ro = difftest::outputsInOrder(rd);
        ASSERT_EQ(mo.size(), want);
        ASSERT_EQ(ro.size(), want);
        for (size_t i = 0; i < mo.size(); ++i) {
            ASSERT_EQ(mo[i].port, ro[i].port) << "frame " << i;
            ASSERT_EQ(mo[i].bytes, ro[i].bytes) << "frame " << i;
            ++colours[mo[i].bytes.at(2) & 3];
        }
    }
    // Every cell of every meter (a direct meter's: the entries in use): the model's buckets
    // and the RTL's, read through the block's CSR.
    void expectSameMeterState(int atLeast) {
        tables::ExternCsr csr(
            program(), rtl->built().regmap,
            {[this](uint32_t a, std::string& e) { return rtl->read(a, e); },
             [this](uint32_t a, uint32_t v, std::string& e) { return rtl->write(a, v, e); }});
        int compared = 0;
        for (size_t i = 0; i < program().externs.size(); ++i) {
            const ir::ExternObject& x = program().externs[i];
            const int e = static_cast<int>(i);
            std::vector<uint64_t> cells;
            if (x.kind == ir::ExternObject::Kind::Meter) {
                for (int64_t c = 0; c < x.size; ++c) cells.push_back(static_cast<uint64_t>(c));
            } else if (x.kind == ir::ExternObject::Kind::DirectMeter) {
                for (const auto& [h, entry] : rtl->loader().entries(x.table))
                    cells.push_back(static_cast<uint64_t>(h));
            }
            for (uint64_t c : cells) {
                std::string me, re;
                std::vector<sim::Model::MeterBucketState> want;
                ASSERT_TRUE(model->model().meterState(e, c, want, me)) << me;
                regmap::MeterCellState got;
                ASSERT_TRUE(csr.readMeterCell(e, c, got, re)) << re;
                ASSERT_EQ(got.configured, !want.empty()) << x.name << "[" << c << "]";
                if (want.empty()) continue;
                EXPECT_EQ(got.peak.tokens, want[0].tokens) << x.name << "[" << c << "]";
                EXPECT_EQ(got.peak.last, want[0].last) << x.name << "[" << c << "]";
                EXPECT_EQ(got.committed.tokens, want[1].tokens) << x.name << "[" << c << "]";
                EXPECT_EQ(got.committed.last, want[1].last) << x.name << "[" << c << "]";
                ++compared;
            }
        }
        EXPECT_GE(compared, atLeast) << "configured cells compared";
        std::string me, re;
        EXPECT_EQ(hopsim::externAccess(*model)->dumpState(me),
                  hopsim::externAccess(*rtl)->dumpState(re))
            << me << re;
    }

    std::unique_ptr<Frontend> fe;
    std::unique_ptr<sim::rtl::RtlEngine> rtl;
    std::unique_ptr<sim::ModelEngine> model;
    uint64_t colours[4] = {0, 0, 0, 0};  // by_packets' colours out (3: 0x33, past the end)
};

// idx key colour bcolour dcolour, then `payload` bytes.
sim::Packet frame(uint8_t idx, uint8_t key, size_t payload, uint64_t us, std::mt19937& rng) {
    sim::Packet p;
    p.bytes = {idx, key, 0, 0, 0};
    for (size_t i = 0; i < payload; ++i) p.bytes.push_back(static_cast<uint8_t>(rng()));
    p.timeNs = us * 1000;
    return p;
}

class MetersModelVsRtl : public ::testing::TestWithParam<int> {};

TEST_P(MetersModelVsRtl, RandomTrafficMarksAsTheModel) {
    const int width = GetParam();
    sim::rtl::RtlOptions ro;
    ro.idleIn = 0.3;
    ro.stallOut = 0.3;
    ro.seed = 31;
    Bench b(width, ro);
    ASSERT_TRUE(b.rtl && b.model);
    // by_bytes: the whole array; by_packets: per cell, cell 2 never; per_entry: even keys.
    ASSERT_NO_FATAL_FAILURE(b.setRates("by_bytes", std::nullopt, {{10, 100}, {20, 150}}));
    ASSERT_NO_FATAL_FAILURE(b.setRates("by_packets", 0, {{0.25, 2}, {0.5, 3}}));
    ASSERT_NO_FATAL_FAILURE(b.setRates("by_packets", 1, {{1, 4}, {2, 8}}));
    ASSERT_NO_FATAL_FAILURE(b.setRates("by_packets", 3, {{0, 1}, {0.75, 2}}));
    for (uint8_t key = 1; key <= 6; ++key) {
        const int h = b.add(key, key != 5);
        ASSERT_GE(h, 0);
        if (key % 2 == 0) ASSERT_NO_FATAL_FAILURE(b.setRates("per_entry", h, {{0.5, 2}, {1, 3}}));
    }
    std::mt19937 rng(0x3e7e5 + width);
    constexpr int kFrames = 30000;
    uint64_t us = 5;
    for (int i = 0; i < kFrames; ++i) {
        if (i == kFrames / 2) {
            // Entries 2 and 3 go and come back: the new entries take the freed handles, and
            // their direct meter cells start unconfigured (BMv2), until key 2's rates are set.
            ASSERT_NO_FATAL_FAILURE(b.expectSameOutputs(kFrames / 2));
            ASSERT_NO_FATAL_FAILURE(b.remove(2));
            ASSERT_NO_FATAL_FAILURE(b.remove(3));
            // Key 3 first: it takes key 2's old handle, whose cell had rates.
            ASSERT_GE(b.add(3, true), 0);
            const int h2 = b.add(2, true);
            ASSERT_NO_FATAL_FAILURE(b.setRates("per_entry", h2, {{0.25, 1}, {1, 2}}));
        }
        // Up to 3 frames a microsecond, now and then a pause; stretches on one index and key.
        const uint32_t r = rng() % 100;
        if (r < 30)
            us += 1;
        else if (r == 99)
            us += 20 + rng() % 200;
        const bool burst = (i / 500) % 3 == 1;
        const auto idx = static_cast<uint8_t>(burst ? 0 : rng() % 6);  // 4, 5: past the end
        const auto key = static_cast<uint8_t>(burst ? 2 : rng() % 8);  // 0, 7: misses
        b.send(frame(idx, key, rng() % 40, us, rng));
    }
    ASSERT_NO_FATAL_FAILURE(b.expectSameOutputs(kFrames - kFrames / 2));
    std::cout << "[ meters ] DATA_W=" << width << ": " << kFrames << " frames, by_packets GREEN "
              << b.colours[0] << ", YELLOW " << b.colours[1] << ", RED " << b.colours[2]
              << ", past the end " << b.colours[3] << "\n";
    for (int c = 0; c < 4; ++c) EXPECT_GT(b.colours[c], 100u) << "colour " << c;
    // by_packets 0, 1, 3; by_bytes 0, 1; per_entry's three even keys.
    b.expectSameMeterState(8);
}

INSTANTIATE_TEST_SUITE_P(Widths, MetersModelVsRtl, ::testing::Values(64, 512),
                         [](const auto& info) { return "w" + std::to_string(info.param); });

// Every 64-byte frame on by_packets[0], by_bytes[0] and one direct-meter entry, back to back at
// DATA_W=512 (each cell read while the previous frame's marking is in flight, every cycle), the
// time moving a microsecond every 8 frames: one frame per clock, colours and state as the model.
TEST(MetersLineRate, SameCellBackToBackMarksEveryFrame) {
    Bench b(512, {});
    ASSERT_TRUE(b.rtl && b.model);
    ASSERT_NO_FATAL_FAILURE(b.setRates("by_packets", 0, {{1, 3}, {2, 6}}));
    ASSERT_NO_FATAL_FAILURE(b.setRates("by_bytes", std::nullopt, {{64, 256}, {128, 512}}));
    const int h = b.add(9, true);
    ASSERT_GE(h, 0);
    ASSERT_NO_FATAL_FAILURE(b.setRates("per_entry", h, {{0.5, 2}, {1, 4}}));
    std::mt19937 rng(5);
    constexpr int kFrames = 2000;
    b.rtl->resetStats();
    for (int i = 0; i < kFrames; ++i) b.send(frame(0, 9, 59, 100 + i / 8, rng));
    ASSERT_NO_FATAL_FAILURE(b.expectSameOutputs(kFrames));
    const sim::rtl::RtlStats& st = b.rtl->stats();
    std::cout << "[ meters line rate ] " << st.framesIn << " frames in " << st.beatsIn << " beats, "
              << st.inStalls << " input stalls; GREEN " << b.colours[0] << ", YELLOW "
              << b.colours[1] << ", RED " << b.colours[2] << "\n";
    EXPECT_EQ(st.beatsIn, static_cast<uint64_t>(kFrames));
    EXPECT_EQ(st.inStalls, 0u) << "the pipeline did not take a frame per clock";
    for (int c = 0; c < 3; ++c) EXPECT_GT(b.colours[c], 100u) << "colour " << c;
    b.expectSameMeterState(4);
}

}  // namespace
}  // namespace hop
