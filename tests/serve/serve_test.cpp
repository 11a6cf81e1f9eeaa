// SPDX-License-Identifier: Apache-2.0
// `hopsim serve` without TAPs, through the device socket: runtime/device's SimDevice and raw
// protocol messages (malformed, truncated, oversize), write lists, router.p4's LPM loaded in bulk
// (serve_clients_test.cpp: clients, the CPU port, `hopsim load`, an idle board, command lines).
// Each test starts its own board (a hopsim process) on the Verilated model tests/stf prebuilds
// (DATA_W=64; serve_fixture.hpp).
#include "tests/serve/serve_fixture.hpp"

namespace {

using namespace hop::servetest;
namespace fs = std::filesystem;
namespace proto = hop::device::proto;
using namespace std::chrono_literals;

TEST_F(Serve, ReadsThePipelineRegistersOfTheRegisterMap) {
    Board& board = start();
    ASSERT_TRUE(board.ready());
    const auto map = regmapOf("basic");
    auto device = open();
    ASSERT_TRUE(device);
    EXPECT_EQ(device->info().program, "basic");
    EXPECT_EQ(device->info().dataWidth, 64);
    EXPECT_EQ(device->info().cpuPort, 0u);  // basic.p4 has no CPU port
    std::string error;
    EXPECT_EQ(device->read(map.pipelineBase + 4 * hop::regmap::kWordId, error),
              hop::regmap::kPipelineId)
        << error;
    EXPECT_EQ(device->read(map.pipelineBase + 4 * hop::regmap::kWordDataWidth, error), 64u);
    EXPECT_EQ(device->read(map.pipelineBase + 4 * hop::regmap::kWordRxPackets, error), 0u);
    // No CPU port: a frame for it is refused with a reason.
    const std::vector<uint8_t> frame(60, 0xab);
    EXPECT_FALSE(device->sendPacket(frame, error));
    EXPECT_NE(error.find("no CPU port"), std::string::npos) << error;
    device.reset();
    stopCleanly();
}

TEST_F(Serve, WritesReadBackAndBursts) {
    Board& board = start();
    ASSERT_TRUE(board.ready());
    const auto map = regmapOf("basic");
    const auto* lpm = map.find("MyIngress.ipv4_lpm");
    ASSERT_TRUE(lpm);
    // hop_table_lpm's STAGE words (0x100 + 4 i) are read-write and only take effect on COMMIT.
    const uint32_t stage = lpm->base + 0x100;
    auto device = open();
    ASSERT_TRUE(device);
    std::string error;
    ASSERT_TRUE(device->write(stage, 0x12345678, error)) << error;
    EXPECT_EQ(device->read(stage, error), 0x12345678u) << error;
    const std::vector<uint32_t> values{0xdeadbeef, 0x00c0ffee};
    ASSERT_TRUE(device->writeBurst(stage, values, error)) << error;
    EXPECT_EQ(device->read(stage, error), 0xdeadbeefu);
    EXPECT_EQ(device->read(stage + 4, error), 0x00c0ffeeu);
    // The board counts what clients wrote: 3 words.
    auto stats = device->stats(proto::StatsFormat::Json, error);
    ASSERT_TRUE(stats) << error;
    const auto j = nlohmann::json::parse(*stats);
    EXPECT_EQ(j["clients"]["csr_writes"], 3);
    EXPECT_EQ(j["pipeline"]["rx"], 0);
    EXPECT_EQ(j["program"], "basic");
    auto plain = device->stats(proto::StatsFormat::Text, error);
    ASSERT_TRUE(plain) << error;
    EXPECT_NE(plain->find("pipeline counters: 0 frames in"), std::string::npos) << *plain;
    device.reset();
    stopCleanly();
}

TEST_F(Serve, MalformedRequestsGetErrorsAndTheBoardKeepsAnswering) {
    Board& board = start();
    ASSERT_TRUE(board.ready());
    RawClient c(board.socket());
    ASSERT_TRUE(c.connected());
    auto hello = c.receive();
    ASSERT_TRUE(hello);
    EXPECT_EQ(hello->type, static_cast<uint16_t>(proto::Type::Hello));

    auto expectError = [&](uint32_t id, const std::string& part) {
        auto m = c.receive();
        ASSERT_TRUE(m) << "no reply to request " << id;
        EXPECT_EQ(m->type, static_cast<uint16_t>(proto::Type::Error)) << text(*m);
        EXPECT_EQ(m->id, id);
        EXPECT_NE(text(*m).find(part), std::string::npos) << text(*m);
    };
    c.send(0x42, 1, {});
    expectError(1, "type 0x0042 is not a request");
    c.send(static_cast<uint16_t>(proto::Type::Read), 2, {1, 2, 3});
    expectError(2, "READ needs a payload of 4 bytes, got 3");
    c.send(static_cast<uint16_t>(proto::Type::Read), 3, words({2}));
    expectError(3, "not a multiple of 4");
    c.send(static_cast<uint16_t>(proto::Type::Read), 4, words({0}), /*flags=*/1);
    expectError(4, "flags must be 0");
    c.send(static_cast<uint16_t>(proto::Type::Write), 5, words({0}));
    expectError(5, "WRITE needs a payload of 8 bytes");
    std::vector<uint8_t> burst = words({0x100});
    burst.resize(4 + 4 * (proto::kMaxBurstWords + 1));
    c.send(static_cast<uint16_t>(proto::Type::WriteBurst), 6, burst);
    expectError(6, "the limit is 4096");
    c.send(static_cast<uint16_t>(proto::Type::WriteBurst), 7, words({0x100}));
    expectError(7, "WRITE_BURST needs an address and 1 to 4096 words");
    c.send(static_cast<uint16_t>(proto::Type::SendPacket), 8,
           std::vector<uint8_t>(proto::kMaxFrameBytes + 1));
    expectError(8, "SEND_PACKET needs a frame of 1 to 16384 bytes");
    c.send(static_cast<uint16_t>(proto::Type::Ok), 9, {});
    expectError(9, "OK is not a request");
    // Still answering on the same connection.
    c.send(static_cast<uint16_t>(proto::Type::Read), 10, words({4 * hop::regmap::kWordId}));
    auto value = c.receive();
    ASSERT_TRUE(value);
    EXPECT_EQ(value->type, static_cast<uint16_t>(proto::Type::Value));
    EXPECT_EQ(value->id, 10u);
    EXPECT_EQ(proto::getU32(value->payload.data()), hop::regmap::kPipelineId);
    // A length no message may have: an error, then the board closes the connection.
    c.sendRaw(RawClient::header(1u << 30, static_cast<uint16_t>(proto::Type::Read), 0, 11));
    expectError(11, "the limit is 65536 bytes");
    EXPECT_FALSE(c.receive(5s));
    EXPECT_TRUE(c.eof());

    // The board still serves the next client.
    auto device = open();
    ASSERT_TRUE(device);
    std::string error;
    EXPECT_EQ(device->read(4 * hop::regmap::kWordId, error), hop::regmap::kPipelineId) << error;
    device.reset();
    stopCleanly();
}

// WRITE_LIST: (address, value) pairs in one message, one reply. 5,000 words go into
// hop_table_lpm's result memory (STAGE then COMMIT: 10,000 writes in two lists, both in flight)
// and read back through READ / RDATA; the board counts every write and clocks the bus for each
// (a list that skipped the AXI4-Lite bus would not take 2 cycles a write), back to back.
TEST_F(Serve, WriteListsRunOnTheBusAndReadBack) {
    Board& board = start();
    ASSERT_TRUE(board.ready());
    const auto map = regmapOf("basic");
    const auto* lpm = map.find("MyIngress.ipv4_lpm");
    ASSERT_TRUE(lpm);
    ASSERT_EQ(lpm->kind, hop::regmap::TableKind::Lpm);
    const uint32_t stage = lpm->base + 0x100, commit = lpm->base + 0x008;
    const uint32_t read = lpm->base + 0x00c, rdata = lpm->base + 0x200;
    const uint32_t sel = static_cast<uint32_t>(lpm->lpm.strides.size());  // the result memory
    const uint32_t n = std::min<uint32_t>(5000, lpm->lpm.resultCapacity);
    const uint32_t mask = (1u << lpm->lpm.resultWidth) - 1;
    auto device = open();
    ASSERT_TRUE(device);
    EXPECT_EQ(device->info().maxListPairs, proto::kMaxListPairs);
    std::string error;
    auto stats = [&]() {
        auto text = device->stats(proto::StatsFormat::Json, error);
        EXPECT_TRUE(text) << error;
        return text ? nlohmann::json::parse(*text) : nlohmann::json{};
    };
    const auto before = stats();
    std::vector<hop::device::CsrWord> list;
    auto value = [&](uint32_t a) { return (a * 2654435761u) & mask; };
    for (uint32_t a = 0; a < n; ++a) {
        list.push_back({stage, value(a)});
        list.push_back({commit, (sel << 24) | a});
    }
    ASSERT_TRUE(device->writeList(list, error)) << error;
    const auto after = stats();
    EXPECT_EQ(after["clients"]["csr_writes"].get<uint64_t>() -
                  before["clients"]["csr_writes"].get<uint64_t>(),
              list.size());
    EXPECT_EQ(after["clients"]["write_lists"].get<uint64_t>() -
                  before["clients"]["write_lists"].get<uint64_t>(),
              (list.size() + proto::kMaxListPairs - 1) / proto::kMaxListPairs);
    // The statistics' own reads of the pipeline counters take a few cycles too.
    const uint64_t cycles = after["cycles"].get<uint64_t>() - before["cycles"].get<uint64_t>();
    EXPECT_GE(cycles, 2 * list.size());
    EXPECT_LE(cycles, 2 * list.size() + 200);
    std::printf("WRITE_LIST: %zu writes in %llu cycles\n", list.size(),
                static_cast<unsigned long long>(cycles));
    for (uint32_t a = 0; a < n; a += 97) {
        ASSERT_TRUE(device->write(read, (sel << 24) | a, error)) << error;
        EXPECT_EQ(device->read(rdata, error), value(a)) << "result word " << a << ": " << error;
    }
    // A list longer than the transport's messages, on a device without lists (the default
    // Device::writeList, one WRITE at a time) gives the same words.
    list.clear();
    for (uint32_t a = 0; a < 8; ++a) {
        list.push_back({stage, value(a) ^ mask});
        list.push_back({commit, (sel << 24) | a});
    }
    ASSERT_TRUE(device->Device::writeList(list, error)) << error;
    for (uint32_t a = 0; a < 8; ++a) {
        ASSERT_TRUE(device->write(read, (sel << 24) | a, error)) << error;
        EXPECT_EQ(device->read(rdata, error), value(a) ^ mask) << error;
    }
    device.reset();
    stopCleanly();
}

TEST_F(Serve, MalformedWriteListsGetErrorsAndTheBoardKeepsAnswering) {
    Board& board = start();
    ASSERT_TRUE(board.ready());
    const auto map = regmapOf("basic");
    const auto* lpm = map.find("MyIngress.ipv4_lpm");
    ASSERT_TRUE(lpm);
    const uint32_t stage = lpm->base + 0x100;
    {
        RawClient c(board.socket());
        ASSERT_TRUE(c.connected());
        auto hello = c.receive();
        ASSERT_TRUE(hello);
        const auto info = nlohmann::json::parse(hello->payload.begin() + 4, hello->payload.end());
        EXPECT_EQ(info["write_list"], proto::kMaxListPairs);
        auto expectError = [&](uint32_t id, const std::string& part) {
            auto m = c.receive();
            ASSERT_TRUE(m) << "no reply to request " << id;
            EXPECT_EQ(m->type, static_cast<uint16_t>(proto::Type::Error)) << text(*m);
            EXPECT_EQ(m->id, id);
            EXPECT_NE(text(*m).find(part), std::string::npos) << text(*m);
        };
        auto expectOk = [&](uint32_t id) {
            auto m = c.receive();
            ASSERT_TRUE(m);
            EXPECT_EQ(m->type, static_cast<uint16_t>(proto::Type::Ok)) << text(*m);
            EXPECT_EQ(m->id, id);
        };
        auto expectValue = [&](uint32_t id, uint32_t value) {
            auto m = c.receive();
            ASSERT_TRUE(m);
            ASSERT_EQ(m->type, static_cast<uint16_t>(proto::Type::Value)) << text(*m);
            EXPECT_EQ(m->id, id);
            EXPECT_EQ(proto::getU32(m->payload.data()), value);
        };
        const auto list = static_cast<uint16_t>(proto::Type::WriteList);
        c.send(list, 1, {});
        expectError(1, "WRITE_LIST needs 1 to 8192 (address, value) pairs");
        c.send(list, 2, words({stage, 1, stage}));
        expectError(2, "(a multiple of 8 bytes), got 12 bytes");
        c.send(list, 3, words({stage, 0x11111111}), /*flags=*/2);
        expectError(3, "flags must be 0");
        // An unaligned address anywhere: nothing of the list is written.
        c.send(list, 4, words({stage, 0x22222222, stage + 4, 0x33333333, stage + 2, 0}));
        expectError(4, "address 0x" + fmt::format("{:x}", stage + 2) + " of pair 2");
        c.send(static_cast<uint16_t>(proto::Type::Read), 5, words({stage}));
        expectValue(5, 0);
        // Good lists on the same connection; the last write to a word wins.
        c.send(list, 6, words({stage, 0x44444444, stage + 4, 0x55555555, stage, 0x66666666}));
        expectOk(6);
        c.send(static_cast<uint16_t>(proto::Type::Read), 7, words({stage}));
        expectValue(7, 0x66666666);
        c.send(static_cast<uint16_t>(proto::Type::Read), 8, words({stage + 4}));
        expectValue(8, 0x55555555);
        // A list cut short: the connection ends in the middle of it.
        c.sendRaw(RawClient::header(16, list, 0, 9));
        c.sendRaw(words({stage, 0x77777777}));
        c.shutdownWrite();
        expectError(0, "truncated message: the connection ended 20 bytes into a message");
        EXPECT_FALSE(c.receive(5s));
        EXPECT_TRUE(c.eof());
    }
    // The board serves the next client, and the cut list wrote nothing.
    auto device = open();
    ASSERT_TRUE(device);
    std::string error;
    EXPECT_EQ(device->read(stage, error), 0x66666666u) << error;
    EXPECT_EQ(device->read(4 * hop::regmap::kWordId, error), hop::regmap::kPipelineId) << error;
    device.reset();
    stopCleanly();
}

// router.p4's ipv4_lpm (hop_table_lpm) loaded in one bulk update: 20,000 real prefixes (every
// 45th of the 2023 table) through PipelineLoader::addMany, written with WRITE_LISTs. Lookups on
// sampled addresses, walked over the words READ / RDATA fetch from the board, equal a software
// reference LPM (so the writes did reach the memories); then one add and one delete write a
// handful of words and the board's walk sees them.
TEST_F(Serve, RouterLpmBulkLoadResolvesAsAReference) {
    Board& board = start("router");
    ASSERT_TRUE(board.ready());
    std::ostringstream err;
    auto loaded = hop::hopsim::loadProgram(kSource + "/examples/router.p4", {}, err);
    ASSERT_TRUE(loaded) << err.str();
    const hop::ir::Program& program = loaded->ir();
    const auto map = regmapOf("router");
    hop::tables::PipelineLoader loader(program, map);
    ASSERT_TRUE(loader.ok()) << loader.error();
    const hop::ir::TableId t = program.findTable("RouterIngress.ipv4_lpm");
    const hop::ir::ActionId setNexthop = program.findAction("RouterIngress.set_nexthop");
    const auto* blk = map.find("RouterIngress.ipv4_lpm");
    ASSERT_TRUE(blk);
    ASSERT_EQ(blk->kind, hop::regmap::TableKind::Lpm);

    std::string error;
    auto all =
        hop::tables::readPrefixFile(HOP_SHARED_DATA "/tier1-full-table-2023.txt.gz", 4, error);
    ASSERT_TRUE(error.empty()) << error;
    std::vector<hop::tables::Entry> entries;
    std::vector<std::unordered_map<uint32_t, uint32_t>> ref(33);
    auto entryOf = [&](uint32_t value, int length, uint32_t nh) {
        hop::tables::Entry e;
        e.table = t;
        hop::ir::Match m;
        m.kind = hop::ir::Match::Kind::Lpm;
        m.prefixLen = length;
        m.mask = length == 0 ? 0 : (~uint64_t{0} << (32 - length)) & 0xffffffffu;
        m.value = value;
        e.keys.push_back(m);
        e.action.action = setNexthop;
        e.action.args.push_back(nh);
        return e;
    };
    for (size_t i = 0; i < all.size(); i += 45) {
        const auto v = static_cast<uint32_t>(all[i].value);
        const uint32_t nh = static_cast<uint32_t>((v * 2654435761u + all[i].length) % 4000 + 1);
        ref[all[i].length][v] = nh;
        entries.push_back(entryOf(v, all[i].length, nh));
    }
    ASSERT_GE(entries.size(), 20000u);
    auto lookup = [&](uint32_t a) -> std::optional<uint32_t> {
        for (int len = 32; len >= 0; --len) {
            auto it = ref[len].find(len == 0 ? 0 : a & (~uint32_t{0} << (32 - len)));
            if (it != ref[len].end()) return it->second;
        }
        return std::nullopt;
    };

    auto device = open();
    ASSERT_TRUE(device);
    auto writeAll = [&](const hop::tables::CsrWrites& writes) {
        std::vector<hop::device::CsrWord> list;
        for (const auto& w : writes) list.push_back({w.addr, w.value});
        return device->writeList(list, error);
    };
    const auto t0 = std::chrono::steady_clock::now();
    auto writes = loader.addMany(t, entries, error);
    ASSERT_TRUE(writes) << error;
    ASSERT_TRUE(writeAll(*writes)) << error;
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const hop::tables::Lpm& image = loader.lpmTable(t)->image();
    std::printf("%zu prefixes: %zu CSR writes in %.2f s, %llu bytes of node memory\n",
                entries.size(), writes->size(), s,
                static_cast<unsigned long long>(image.usedBytes()));

    // The hardware's walk, over words read back from the board.
    uint64_t fetched = 0;
    const hop::tables::Lpm::WordSource board_words = [&](int mem, uint32_t addr) {
        std::vector<uint32_t> chunks;
        ++fetched;
        if (!device->write(blk->base + 0x00c, (static_cast<uint32_t>(mem) << 24) | addr, error))
            return chunks;
        for (int i = 0; i < (image.wordBits(mem) + 31) / 32; ++i)
            chunks.push_back(device->read(blk->base + 0x200 + 4 * i, error).value_or(0xdeadbeef));
        return chunks;
    };
    std::mt19937 rng(45);
    auto check = [&](uint32_t a) {
        const auto want = lookup(a);
        const auto got = image.lookupIn(a, board_words);
        ASSERT_TRUE(error.empty()) << error;
        ASSERT_EQ(got.has_value(), want.has_value()) << std::hex << "address 0x" << a;
        if (want) {
            EXPECT_EQ(*got & 0xffff, *want) << std::hex << "address 0x" << a;
        }
    };
    for (int i = 0; i < 300; ++i) {
        const auto& e = entries[rng() % entries.size()];
        const uint32_t v = static_cast<uint32_t>(e.keys[0].value);
        const int len = e.keys[0].prefixLen;
        const uint32_t host = len == 32 ? 0 : (rng() & (0xffffffffu >> len));
        check(i % 3 == 0 ? static_cast<uint32_t>(rng()) : v | host);
        if (::testing::Test::HasFatalFailure()) return;
    }
    EXPECT_GT(fetched, 300u);

    // One add, one delete: incremental, a handful of words.
    hop::tables::Command add;
    add.entry = entryOf(0xcb007100, 24, 77);
    auto one = loader.apply(add, error);
    ASSERT_TRUE(one) << error;
    EXPECT_LT(one->size(), 40u);
    ASSERT_TRUE(writeAll(*one)) << error;
    ref[24][0xcb007100] = 77;
    const auto& victim = entries[1234];
    hop::tables::Command del;
    del.kind = hop::tables::Command::Kind::Delete;
    del.entry = victim;
    auto gone = loader.apply(del, error);
    ASSERT_TRUE(gone) << error;
    EXPECT_LT(gone->size(), 60u);
    ASSERT_TRUE(writeAll(*gone)) << error;
    ref[victim.keys[0].prefixLen].erase(static_cast<uint32_t>(victim.keys[0].value));
    std::printf("after the bulk load: an add wrote %zu CSR words, a delete %zu (the load %zu)\n",
                one->size(), gone->size(), writes->size());
    check(0xcb007105);
    check(static_cast<uint32_t>(victim.keys[0].value));
    device.reset();
    stopCleanly();
}

TEST_F(Serve, TruncatedRequestsGetAnError) {
    Board& board = start();
    ASSERT_TRUE(board.ready());
    {
        // Half a header, then the end of the client's input.
        RawClient c(board.socket());
        ASSERT_TRUE(c.receive());  // HELLO
        c.sendRaw({8, 0, 0, 0, 1, 0});
        c.shutdownWrite();
        auto m = c.receive();
        ASSERT_TRUE(m);
        EXPECT_EQ(m->type, static_cast<uint16_t>(proto::Type::Error));
        EXPECT_NE(text(*m).find("truncated message: the connection ended 6 bytes into a message"),
                  std::string::npos)
            << text(*m);
        EXPECT_FALSE(c.receive(5s));
        EXPECT_TRUE(c.eof());
    }
    {
        // A whole header announcing 8 bytes, 4 of them sent.
        RawClient c(board.socket());
        ASSERT_TRUE(c.receive());
        auto b = RawClient::header(8, static_cast<uint16_t>(proto::Type::Write), 0, 3);
        b.insert(b.end(), {0, 0, 0, 0});
        c.sendRaw(b);
        c.shutdownWrite();
        auto m = c.receive();
        ASSERT_TRUE(m);
        EXPECT_EQ(m->type, static_cast<uint16_t>(proto::Type::Error));
        EXPECT_NE(text(*m).find("16 bytes into a message"), std::string::npos) << text(*m);
    }
    auto device = open();
    ASSERT_TRUE(device);
    std::string error;
    EXPECT_EQ(device->read(4 * hop::regmap::kWordId, error), hop::regmap::kPipelineId) << error;
    device.reset();
    stopCleanly();
}

}  // namespace
