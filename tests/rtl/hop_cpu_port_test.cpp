// SPDX-License-Identifier: Apache-2.0
// hop_cpu_port: both directions at once under every mix of idle input cycles and output
// backpressure, against a reference model written here. Punt: the frames the host gets (by
// stream or by PIO reads) are exactly the frames a store-and-forward tail drop keeps, whole,
// in order; drops happen only when the RAM is full and are counted as "full" or "too long"
// exactly; PUNT_STATUS gives the length; a discard skips the rest of a frame. Inject: every
// frame from the host stream and every PIO frame accepted by INJ_COMMIT leaves whole, never
// interleaved, with tuser = CPU_PORT; bad commits are refused and counted. Every output is a
// flop (no input changes an output without a clock edge), and the CSR counters agree.
#include <gtest/gtest.h>

#include "hop_cpu_port_bench.hpp"

namespace {

using namespace hop::cpuporttest;

TEST(CpuPort, StreamModeEveryMixOfIdleAndBackpressureMatchesTheModel) {
    const Totals t = sweep(Config::kStream, 1);
    EXPECT_GT(t.stream, 300u);  // frames reached the host ...
    EXPECT_GT(t.drops, 100u);   // ... others were dropped, some of them too long for the RAM
    EXPECT_GT(t.dropLong, 30u);
    EXPECT_GT(t.pioTx, 100u);  // PIO frames were injected ...
    EXPECT_GT(t.bad, 50u);     // ... and bad commits refused
    EXPECT_EQ(t.pio, 0u);
}

TEST(CpuPort, PioModeEveryMixOfIdleAndBackpressureMatchesTheModel) {
    const Totals t = sweep(Config::kPio, 100);
    EXPECT_GT(t.pio, 300u);
    EXPECT_GT(t.discards, 30u);
    EXPECT_GT(t.drops, 100u);
    EXPECT_EQ(t.stream, 0u);
}

TEST(CpuPort, ModeSwitchesTakeEffectAtFrameBoundaries) {
    const Totals t = sweep(Config::kMixed, 200);
    EXPECT_GT(t.pio, 100u);
    EXPECT_GT(t.stream, 100u);
}

TEST(CpuPort, OneBeatFramesBackToBackAtOneBeatPerClock) {
    // One-beat frames on both stream paths, no idle cycle, no backpressure: one beat per
    // clock each way, nothing dropped.
    Config c;
    c.puntMaxBytes = kLanes;
    c.puntFrames = 400;
    c.injFrames = 0;
    c.pioTxFrames = 0;
    c.seed = 7;
    Bench b(c);
    b.run();
    EXPECT_EQ(b.drops(), 0u);
    EXPECT_EQ(b.streamFramesRead(), 400u);
    // Four reset cycles, two of latency, the final register reads.
    EXPECT_LE(b.cycles(), 4u + 400u + 2u + 8u + 20u * 2u);
}

TEST(CpuPort, WindowAnswersOnlyItsOwnAddressesAndResetClearsState) {
    Sim<VMODEL> sim;
    auto read = [&](uint32_t addr) {
        sim->csr_rd = 1;
        sim->csr_addr = addr;
        sim.tick();
        sim->csr_rd = 0;
        sim.settle();
        return uint32_t(sim->csr_rdata);
    };
    auto write = [&](uint32_t addr, uint32_t v) {
        sim->csr_wr = 1;
        sim->csr_addr = addr;
        sim->csr_wdata = v;
        sim.tick();
        sim->csr_wr = 0;
    };
    sim->csr_wr = 0;
    sim->s_axis_pipe_tvalid = 0;
    sim->s_axis_host_tvalid = 0;
    sim->m_axis_host_tready = 1;
    sim->m_axis_pipe_tready = 1;
    EXPECT_EQ(read(kBase + kPuntCapReg), kPuntCap);
    EXPECT_EQ(read(kBase + 0x80 + kPuntCapReg), 0u);  // just past the window
    EXPECT_EQ(read(kBase + 0x50), 0u);                // unused offset in it
    if (kBase != 0) {
        EXPECT_EQ(read(kPuntCapReg), 0u);
    }
    // A write outside the window does nothing; inside, CTRL holds its bit.
    write(kBase + 0x80 + kCtrl, 1);
    EXPECT_EQ(read(kBase + kCtrl), 0u);
    write(kBase + kCtrl, 1);
    EXPECT_EQ(read(kBase + kCtrl), 1u);

    // Leave state everywhere: a punted frame waiting for PIO, a frame half read, a dropped
    // frame, a PIO frame staged, a bad commit, an injected frame; then reset.
    std::mt19937 rng(3);
    auto punt = [&](const Bytes& f) {
        for (auto& b : frameToBeats(f, kLanes)) {
            putBytes(sim->s_axis_pipe_tdata, b.data.data(), kLanes);
            sim->s_axis_pipe_tkeep = b.keep;
            sim->s_axis_pipe_tlast = b.last;
            sim->s_axis_pipe_tvalid = 1;
            sim.tick();
        }
        sim->s_axis_pipe_tvalid = 0;
    };
    punt(randomBytes(rng, kLanes + 3));
    punt(randomBytes(rng, kPuntCap + 1));  // too long
    for (int i = 0; i < 3; ++i) sim.tick();
    const uint32_t status = read(kBase + kPuntStatus);
    EXPECT_EQ(status, 0x80000000u | uint32_t(kLanes + 3));
    read(kBase + kPuntData);
    write(kBase + kInjCommit, 5);  // nothing staged: refused
    write(kBase + kInjData, 0x11223344);
    write(kBase + kInjCommit, 4);
    for (int i = 0; i < 6; ++i) sim.tick();
    write(kBase + kInjData, 0x55667788);
    EXPECT_EQ(read(kBase + kInjBad), 1u);
    EXPECT_EQ(read(kBase + kInjPktsLo), 1u);
    EXPECT_EQ(read(kBase + kInjBytesLo), 4u);
    EXPECT_EQ(read(kBase + kPuntDropLong), 1u);
    EXPECT_EQ(read(kBase + kPuntPktsLo), 1u);
    sim->rst = 1;
    for (int i = 0; i < 2; ++i) sim.tick();
    sim->rst = 0;
    sim.settle();
    EXPECT_FALSE(sim->m_axis_host_tvalid);
    EXPECT_FALSE(sim->m_axis_pipe_tvalid);
    EXPECT_EQ(sim->punt_fill, 0u);
    for (uint32_t off : {kCtrl, kPuntStatus, kPuntData, kInjBad, kPuntFill, kPuntDropFull,
                         kPuntDropLong, kPuntPktsLo, kPuntBytesLo, kInjPktsLo, kInjBytesLo})
        EXPECT_EQ(read(kBase + off), 0u) << "offset " << off;
    EXPECT_EQ(read(kBase + kInjCommit), kInjCap);
    // The staged word is gone too: a one-word commit after reset is refused.
    write(kBase + kInjCommit, 4);
    EXPECT_EQ(read(kBase + kInjBad), 1u);
    for (int i = 0; i < 6; ++i) sim.tick();
    EXPECT_FALSE(sim->m_axis_pipe_tvalid);
}

}  // namespace
