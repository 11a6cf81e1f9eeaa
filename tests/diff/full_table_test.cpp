// SPDX-License-Identifier: Apache-2.0
// router.p4 on RTL (DATA_W=512) with the whole Internet routing table: every IPv4 prefix of
// ../shared/data/tier1-full-table-2023.txt.gz (901,899) is loaded into the pipeline's
// hop_table_lpm through its CSR slave (LpmTable::load, the image at the addresses of the
// register map), 1,024 next hops into the nexthop table, then 100,000 frames to random
// destinations go through the pipeline back to back. The oracle is a straightforward software
// LPM (one hash map per prefix length, longest first): a frame must leave on its next hop's
// port with its MAC address, or go to the CPU port with reason "no route" when no prefix
// covers the destination. Node memory in use, the RAM the block instantiates (from the
// parameters of the generated Verilog) and build time are printed.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <random>
#include <sstream>
#include <unordered_map>

#include "runtime/tables/lpm_routes.hpp"
#include "runtime/tables/lpm_table.hpp"
#include "sim/rtl/rtl_build.hpp"
#include "sim/rtl/rtl_engine.hpp"
#include "tests/common/lpm_verilog.hpp"
#include "tests/diff/common.hpp"

namespace hop {
namespace {

constexpr int kNextHops = 1024;
constexpr uint32_t kCpuPort = 510;

uint64_t nextHopOf(uint32_t value, int length) {
    uint64_t x = uint64_t{value} * 0x9e3779b97f4a7c15 + static_cast<uint64_t>(length);
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccd;
    x ^= x >> 33;
    return x % kNextHops;
}

uint64_t portMac(uint32_t port) { return 0x020000000100ull + port; }
uint64_t nextHopMac(uint32_t nh) { return 0x0a0000000000ull + nh; }

void putBe(std::vector<uint8_t>& b, uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

// A 64-byte IPv4/UDP-ish frame to `dst`, arriving on `port`, addressed to the port's MAC.
std::vector<uint8_t> frame(uint32_t port, uint32_t dst) {
    std::vector<uint8_t> f;
    putBe(f, portMac(port), 6);
    putBe(f, 0x0200000000feull, 6);
    putBe(f, 0x0800, 2);
    std::vector<uint8_t> ip = {0x45, 0, 0, 50, 0x12, 0x34, 0, 0, 64, 17, 0, 0, 198, 51, 100, 7};
    putBe(ip, dst, 4);
    uint32_t sum = 0;
    for (size_t i = 0; i < ip.size(); i += 2) sum += (ip[i] << 8) | ip[i + 1];
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    ip[10] = static_cast<uint8_t>(~sum >> 8);
    ip[11] = static_cast<uint8_t>(~sum);
    f.insert(f.end(), ip.begin(), ip.end());
    while (f.size() < 64) f.push_back(static_cast<uint8_t>(f.size()));
    return f;
}

TEST(FullTable, RouterOnRtlForwardsLikeAPlainLpm) {
    auto fe = difftest::compileExample("router");
    ASSERT_TRUE(fe);
    std::string error;
    const ir::Program& program = *fe->ir;

    auto compiled = difftest::compiledExample("router", 512);
    ASSERT_TRUE(compiled);
    std::ostringstream err;
    int code = 0;
    auto built =
        sim::rtl::buildModel(*compiled, {.dataWidth = 512, .cacheDir = HOP_RTL_CACHE}, err, code);
    ASSERT_TRUE(built.has_value()) << err.str();
    const regmap::TableBlock* blk = built->regmap.find("RouterIngress.ipv4_lpm");
    ASSERT_NE(blk, nullptr);
    ASSERT_EQ(blk->kind, regmap::TableKind::Lpm);
    const uint32_t base = blk->base;
    const tables::LpmConfig config = blk->lpm;
    // The RAM hop_table_lpm instantiates: words x width of every memory, as the generated
    // Verilog's parameters give them (NODE_DEPTH / RES_DEPTH = the register map's capacities).
    std::string verilog;
    {
        std::ifstream in(built->dir + "/src/router_pipeline.sv");
        ASSERT_TRUE(in) << built->dir << "/src/router_pipeline.sv";
        std::ostringstream text;
        text << in.rdbuf();
        verilog = text.str();
    }
    const auto rams = hop::testutil::lpmMemoriesInVerilog(verilog, blk->name, error);
    ASSERT_TRUE(rams.has_value()) << error;
    const uint64_t instantiated = regmap::lpmBytes(*rams);
    EXPECT_EQ(instantiated, regmap::lpmBytes(regmap::lpmMemories(*blk)));
    auto rtl = sim::rtl::RtlEngine::create(program, std::move(*built), {}, error);
    ASSERT_TRUE(rtl) << error;

    // The routes, and the oracle.
    auto routes = tables::readPrefixFile(HOP_SHARED_DATA "/tier1-full-table-2023.txt.gz", 4, error);
    ASSERT_TRUE(error.empty()) << error;
    ASSERT_EQ(routes.size(), 901899u);
    std::vector<std::unordered_map<uint32_t, uint32_t>> byLength(33);
    const ir::TableId lpmId = program.findTable("RouterIngress.ipv4_lpm");
    const ir::ActionId setNexthop = program.findAction("RouterIngress.set_nexthop");
    std::vector<tables::Entry> entries;
    entries.reserve(routes.size());
    for (const auto& r : routes) {
        const uint32_t v = static_cast<uint32_t>(r.value);
        const uint32_t nh = static_cast<uint32_t>(nextHopOf(v, r.length));
        byLength[r.length][v] = nh;
        tables::Entry e;
        e.table = lpmId;
        ir::Match m;
        m.kind = ir::Match::Kind::Lpm;
        m.value = v;
        m.prefixLen = r.length;
        m.mask = r.length == 0 ? 0 : (~uint64_t{0} << (32 - r.length)) & 0xffffffffu;
        e.keys.push_back(m);
        e.action.action = setNexthop;
        e.action.args.push_back(nh);
        entries.push_back(std::move(e));
    }
    auto lookup = [&](uint32_t a) -> std::optional<uint32_t> {
        for (int len = 32; len >= 0; --len) {
            const uint32_t key = len == 0 ? 0 : a & (~uint32_t{0} << (32 - len));
            auto it = byLength[len].find(key);
            if (it != byLength[len].end()) return it->second;
        }
        return std::nullopt;
    };

    // Build the image and write it through the CSR slave.
    tables::LpmTable lpm(program, lpmId, config);
    const auto t0 = std::chrono::steady_clock::now();
    auto writes = lpm.load(entries, error);
    const double buildMs =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_TRUE(writes.has_value()) << error;
    const uint64_t inUse = lpm.image().usedBytes();
    std::cout << "[ full table ] " << routes.size() << " prefixes (" << lpm.size()
              << " distinct): node image built in " << buildMs << " ms, " << inUse
              << " bytes of node memory in use (" << fmt::format("{:.2f}", inUse / 1048576.0)
              << " MiB), " << instantiated << " bytes instantiated ("
              << fmt::format("{:.2f}", instantiated / 1048576.0) << " MiB), " << writes->size()
              << " CSR writes\n";
    for (size_t m = 0; m < rams->size(); ++m) {
        const auto info = lpm.image().memoryInfo().at(m);
        EXPECT_EQ(info.capacityWords, (*rams)[m].words) << info.name;
        EXPECT_EQ(info.wordBits, (*rams)[m].width) << info.name;
        std::cout << fmt::format(
            "[ full table ]   {:<15} {:>3}-bit words: {:>8} in use of {:>8} instantiated\n",
            info.name, info.wordBits, info.usedWords, (*rams)[m].words);
    }
    for (const auto& w : *writes) ASSERT_TRUE(rtl->write(base + w.addr, w.value, error)) << error;

    // Ports' MAC addresses and the next hops, through the ordinary control-plane path.
    auto add = [&](const std::string& line) {
        tables::ParseError perr;
        auto cmd = tables::parseStfTableCommand(program, line, {"full_table", 1, 1}, perr);
        ASSERT_TRUE(cmd.has_value()) << perr.str();
        ASSERT_TRUE(rtl->apply(*cmd, error)) << error;
    };
    for (uint32_t p = 0; p < 8; ++p)
        add(fmt::format(
            "add port_mac standard_metadata.ingress_port:{} set_port_mac(mac:0x{:012x})", p,
            portMac(p)));
    for (uint32_t nh = 0; nh < kNextHops; ++nh)
        add(
            fmt::format("add nexthop meta.nexthop_id:{} set_nexthop_l2(dmac:0x{:012x}, "
                        "smac:0x{:012x}, port:{})",
                        nh, nextHopMac(nh), portMac(nh % 8), nh % 8));

    // 100,000 random destinations, back to back.
    constexpr int kFrames = 100000;
    std::mt19937 rng(2023);
    std::vector<std::optional<uint32_t>> expected;
    rtl->resetStats();
    for (int i = 0; i < kFrames; ++i) {
        const uint32_t dst = static_cast<uint32_t>(rng());
        const uint32_t port = static_cast<uint32_t>(i % 8);
        expected.push_back(lookup(dst));
        rtl->send({port, frame(port, dst)});
    }
    sim::Drained d;
    ASSERT_TRUE(rtl->drain(d, error)) << error;
    const std::vector<sim::Packet> outs = difftest::outputsInOrder(d);
    ASSERT_EQ(outs.size(), expected.size());
    int routed = 0, punted = 0;
    for (int i = 0; i < kFrames; ++i) {
        const sim::Packet& p = outs[i];
        if (expected[i]) {
            const uint32_t nh = *expected[i];
            ASSERT_EQ(p.port, nh % 8) << "frame " << i;
            uint64_t dmac = 0;
            for (int b = 0; b < 6; ++b) dmac = (dmac << 8) | p.bytes[b];
            ASSERT_EQ(dmac, nextHopMac(nh)) << "frame " << i;
            ++routed;
        } else {
            ASSERT_EQ(p.port, kCpuPort) << "frame " << i << " has no route";
            ASSERT_GE(p.bytes.size(), 2u);
            EXPECT_EQ(p.bytes[1] & 0x7f, 4) << "reason: no route";
            ++punted;
        }
    }
    std::cout << "[ full table ] " << kFrames << " random destinations: " << routed
              << " routed to their next hop, " << punted << " punted (no route), as the plain LPM "
              << "says; " << rtl->stats().cycles << " cycles, input stalls "
              << rtl->stats().inStalls << "\n";
}

}  // namespace
}  // namespace hop
