// SPDX-License-Identifier: Apache-2.0
// hop_axil_csr: a C++ AXI4-Lite master against the slave, with the testbench answering the CSR
// bus as a small register file. Writes with AW before W, W before AW and both together,
// back to back, concurrent with reads, random idle cycles on every request channel and random
// BREADY/RREADY delays; every response, every bus strobe and the final register contents equal
// the model; SLVERR for unmapped addresses and partial strobes, which never reach the bus.
#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <optional>
#include <random>

#include VMODEL_HEADER
#include "verilator_util.hpp"

namespace {

using hop::rtltest::Sim;

#ifndef CSR_ADDR_W
#define CSR_ADDR_W 12
#endif
#ifndef CSR_MAP_BYTES
#define CSR_MAP_BYTES (1ull << CSR_ADDR_W)
#endif
constexpr uint64_t kSpace = 1ull << CSR_ADDR_W;
constexpr uint64_t kMapBytes = CSR_MAP_BYTES;
constexpr uint8_t kOkay = 0, kSlvErr = 2;

enum class Order { kAwFirst, kWFirst, kTogether };

struct Write {
    uint32_t addr, data;
    uint8_t strb;
    Order order;
    int lag;  // cycles between the leading channel's handshake and the other channel's valid
    bool mapped() const { return addr < kMapBytes && strb == 0xf; }
};

struct Read {
    uint32_t addr;
    size_t afterWrites = 0;  // the AR waits until this many B responses have come back
    bool mapped() const { return addr < kMapBytes; }
};

struct BusOp {
    bool write;
    uint32_t addr, data;
    bool operator==(const BusOp&) const = default;
};

struct Options {
    double idle = 0.0;       // chance a request channel waits a cycle before raising valid
    double respStall = 0.0;  // chance BREADY / RREADY is low in a cycle
};

// Everything the master observed.
struct Trace {
    std::vector<uint8_t> bresp;
    std::vector<std::pair<uint32_t, uint8_t>> rresp;  // data, resp
    std::vector<BusOp> bus;                           // strobes seen on the CSR bus
    std::vector<uint32_t> readValues;                 // what the register file answered
    std::map<uint32_t, uint32_t> regs;
    uint64_t cycles = 0;
};

Trace run(const std::vector<Write>& writes, const std::vector<Read>& reads, Options opt,
          uint32_t seed) {
    Sim<VMODEL> sim;
    std::mt19937 rng(seed);
    std::bernoulli_distribution isIdle(opt.idle), isStall(opt.respStall);
    Trace t;
    size_t aw = 0, w = 0, ar = 0;  // next item per request channel
    std::vector<std::optional<uint64_t>> awDone(writes.size()), wDone(writes.size());
    bool awValid = false, wValid = false, arValid = false;
    uint32_t rdataNext = 0;
    std::optional<uint64_t> lastWrStrobe;
    for (uint64_t cycle = 0; cycle < 200000; ++cycle) {
        if (t.bresp.size() == writes.size() && t.rresp.size() == reads.size()) break;
        // AW / W: the order of the two channels per write, then random idle cycles.
        auto mayStart = [&](size_t k, bool isAw) {
            const Write& wr = writes[k];
            const auto& other = isAw ? wDone[k] : awDone[k];
            const bool lagging =
                (wr.order == Order::kWFirst && isAw) || (wr.order == Order::kAwFirst && !isAw);
            if (lagging && (!other || cycle < *other + wr.lag)) return false;
            return wr.order == Order::kTogether || !isIdle(rng);
        };
        if (!awValid && aw < writes.size() && mayStart(aw, true)) awValid = true;
        if (!wValid && w < writes.size() && mayStart(w, false)) wValid = true;
        // Both channels of a "together" write rise in the same cycle, after one idle roll.
        if (awValid && wValid && aw == w && writes[aw].order == Order::kTogether && !awDone[aw] &&
            !wDone[w] && isIdle(rng))
            awValid = wValid = false;
        if (!arValid && ar < reads.size() && t.bresp.size() >= reads[ar].afterWrites &&
            !isIdle(rng))
            arValid = true;
        sim->s_axil_awvalid = awValid;
        sim->s_axil_awaddr = awValid ? writes[aw].addr : 0xdead;
        sim->s_axil_awprot = 0;
        sim->s_axil_wvalid = wValid;
        sim->s_axil_wdata = wValid ? writes[w].data : 0xdeadbeef;
        sim->s_axil_wstrb = wValid ? writes[w].strb : 0;
        sim->s_axil_arvalid = arValid;
        sim->s_axil_araddr = arValid ? reads[ar].addr : 0xbeef;
        sim->s_axil_arprot = 0;
        sim->s_axil_bready = !isStall(rng);
        sim->s_axil_rready = !isStall(rng);
        sim->csr_rdata = rdataNext;
        sim.settle();
        // The register file behind the bus: strobes are sampled at this edge.
        EXPECT_FALSE(sim->csr_wr && sim->csr_rd) << "cycle " << cycle;
        rdataNext = 0;
        if (sim->csr_wr) {
            lastWrStrobe = cycle;
            EXPECT_EQ(sim->csr_addr & 3, 0u);
            t.bus.push_back({true, sim->csr_addr, sim->csr_wdata});
            t.regs[sim->csr_addr] = sim->csr_wdata;
        }
        if (sim->csr_rd) {
            // A block may answer a command written by the last write 3 cycles after its strobe
            // (hop_table_lpm's READ): no read strobe comes sooner.
            if (lastWrStrobe)
                EXPECT_GE(cycle - *lastWrStrobe, 3u) << "read strobe too soon, cycle " << cycle;
            EXPECT_EQ(sim->csr_addr & 3, 0u);
            t.bus.push_back({false, sim->csr_addr, 0});
            auto it = t.regs.find(sim->csr_addr);
            rdataNext = it == t.regs.end() ? 0x5a5a0000u ^ sim->csr_addr : it->second;
            t.readValues.push_back(rdataNext);
        }
        if (sim->s_axil_bvalid && sim->s_axil_bready) t.bresp.push_back(sim->s_axil_bresp);
        if (sim->s_axil_rvalid && sim->s_axil_rready)
            t.rresp.push_back({sim->s_axil_rdata, sim->s_axil_rresp});
        const bool awTaken = awValid && sim->s_axil_awready;
        const bool wTaken = wValid && sim->s_axil_wready;
        const bool arTaken = arValid && sim->s_axil_arready;
        sim.tick();
        if (awTaken) {
            awDone[aw++] = cycle;
            awValid = false;
        }
        if (wTaken) {
            wDone[w++] = cycle;
            wValid = false;
        }
        if (arTaken) {
            ++ar;
            arValid = false;
        }
    }
    sim.settle();
    EXPECT_FALSE(sim->s_axil_bvalid || sim->s_axil_rvalid) << "responses left over";
    t.cycles = sim.cycles();
    return t;
}

uint32_t randomAddr(std::mt19937& rng, double unmapped) {
    std::bernoulli_distribution out(unmapped);
    // A handful of registers so that reads and writes meet; unaligned low bits are ignored.
    if constexpr (kMapBytes < kSpace) {
        if (out(rng)) return static_cast<uint32_t>(kMapBytes + rng() % (kSpace - kMapBytes));
    }
    return static_cast<uint32_t>((rng() % 16) * 4 + (rng() % 8 == 0 ? rng() % 4 : 0));
}

void checkTrace(const Trace& t, const std::vector<Write>& writes, const std::vector<Read>& reads) {
    ASSERT_EQ(t.bresp.size(), writes.size());
    ASSERT_EQ(t.rresp.size(), reads.size());
    // Writes reach the bus in order, mapped full-word ones only, with the word address.
    std::vector<BusOp> busWrites, busReads;
    for (const BusOp& op : t.bus) (op.write ? busWrites : busReads).push_back(op);
    std::vector<BusOp> wantWrites;
    std::map<uint32_t, uint32_t> regs;
    for (size_t i = 0; i < writes.size(); ++i) {
        EXPECT_EQ(t.bresp[i], writes[i].mapped() ? kOkay : kSlvErr) << "write " << i;
        if (!writes[i].mapped()) continue;
        wantWrites.push_back({true, writes[i].addr & ~3u, writes[i].data});
        regs[writes[i].addr & ~3u] = writes[i].data;
    }
    EXPECT_EQ(busWrites, wantWrites);
    EXPECT_EQ(t.regs, regs);
    // Reads reach the bus in order and return what the register file answered at that time.
    size_t k = 0;
    for (size_t i = 0; i < reads.size(); ++i) {
        if (!reads[i].mapped()) {
            EXPECT_EQ(t.rresp[i], std::make_pair(0u, kSlvErr)) << "read " << i;
            continue;
        }
        ASSERT_LT(k, busReads.size());
        EXPECT_EQ(busReads[k].addr, reads[i].addr & ~3u) << "read " << i;
        EXPECT_EQ(t.rresp[i], std::make_pair(t.readValues[k], kOkay)) << "read " << i;
        ++k;
    }
    EXPECT_EQ(k, busReads.size());
}

std::vector<Write> randomWrites(std::mt19937& rng, int n, std::optional<Order> order) {
    std::vector<Write> v;
    for (int i = 0; i < n; ++i) {
        Write w;
        w.addr = randomAddr(rng, 0.1);
        w.data = static_cast<uint32_t>(rng());
        w.strb = rng() % 10 == 0 ? static_cast<uint8_t>(rng() % 15) : 0xf;
        w.order = order ? *order : static_cast<Order>(rng() % 3);
        w.lag = static_cast<int>(rng() % 4);
        v.push_back(w);
    }
    return v;
}

std::vector<Read> randomReads(std::mt19937& rng, int n) {
    std::vector<Read> v;
    for (int i = 0; i < n; ++i) v.push_back({randomAddr(rng, 0.1)});
    return v;
}

TEST(AxilCsr, WritesInEveryChannelOrderWithReadsAndBackpressure) {
    uint32_t seed = 1;
    for (Order order : {Order::kAwFirst, Order::kWFirst, Order::kTogether})
        for (double idle : {0.0, 0.5})
            for (double stall : {0.0, 0.5, 0.9}) {
                std::mt19937 rng(seed);
                auto writes = randomWrites(rng, 150, order);
                auto reads = randomReads(rng, 150);
                Trace t = run(writes, reads, {idle, stall}, seed++);
                SCOPED_TRACE(testing::Message()
                             << "order " << int(order) << " idle " << idle << " stall " << stall);
                checkTrace(t, writes, reads);
            }
}

TEST(AxilCsr, ReadAfterWriteResponseSeesTheWrite) {
    // Each read waits for the B of the write before it, so it must return the written value
    // (every write goes to its own register: later writes do not overwrite it).
    std::mt19937 rng(5);
    std::vector<Write> writes;
    std::vector<Read> reads;
    for (int i = 0; i < 100; ++i) {
        const uint32_t addr = static_cast<uint32_t>(i * 4);
        writes.push_back({addr, static_cast<uint32_t>(rng()), 0xf, static_cast<Order>(i % 3),
                          static_cast<int>(rng() % 3)});
        reads.push_back({addr, writes.size()});
    }
    Trace t = run(writes, reads, {0.3, 0.3}, 17);
    checkTrace(t, writes, reads);
    for (size_t i = 0; i < reads.size(); ++i)
        ASSERT_EQ(t.rresp[i], std::make_pair(writes[i].data, kOkay)) << "read " << i;
}

TEST(AxilCsr, BackToBackWritesTakeTwoCyclesEach) {
    std::mt19937 rng(9);
    std::vector<Write> writes;
    for (int i = 0; i < 100; ++i)
        writes.push_back({static_cast<uint32_t>(i * 4 % kMapBytes), static_cast<uint32_t>(rng()),
                          0xf, Order::kTogether, 0});
    Trace t = run(writes, {}, {}, 3);
    checkTrace(t, writes, {});
    EXPECT_LE(t.cycles, 4u + 2u * 100u + 4u);
}

}  // namespace
