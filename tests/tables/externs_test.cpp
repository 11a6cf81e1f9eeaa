// SPDX-License-Identifier: Apache-2.0
// BMv2 CLI lines on counters, meters and registers (runtime/tables/externs.hpp): every line,
// names as BMv2's CLI resolves them (full or unique suffix), located errors, the text BMv2's
// runtime_CLI.py prints; and ExternCsr's hop_register protocol against a block emulated word by
// word as rtl/hop_register.sv's header describes it.
#include "runtime/tables/externs.hpp"

#include <gtest/gtest.h>

#include <map>

#include "regmap/meter_cell.hpp"
#include "runtime/tables/extern_csr.hpp"

namespace hop::tables {
namespace {

using XK = ir::ExternObject::Kind;
using Unit = ir::ExternObject::Unit;
using Kind = ExternCommand::Kind;

ir::ExternObject ext(XK kind, const std::string& name, int64_t size, int width = 0,
                     Unit unit = Unit::Packets, ir::TableId table = -1) {
    ir::ExternObject x;
    x.kind = kind;
    x.name = name;
    x.size = size;
    x.width = width;
    x.unit = unit;
    x.table = table;
    return x;
}

const ir::Program& program() {
    static const ir::Program p = [] {
        ir::Program p;
        p.name = "t";
        ir::Table t;
        t.name = "MyIngress.fwd";
        p.tables.push_back(t);
        p.externs = {
            ext(XK::Counter, "MyIngress.c", 8, 0, Unit::Both),               // 0
            ext(XK::Register, "MyIngress.r", 4, 16),                         // 1
            ext(XK::Meter, "MyIngress.m", 2, 0, Unit::Bytes),                // 2
            ext(XK::DirectCounter, "MyIngress.dc", 0, 0, Unit::Packets, 0),  // 3
            ext(XK::DirectMeter, "MyIngress.dm", 0, 2, Unit::Packets, 0),    // 4
            ext(XK::Register, "MyEgress.c", 2, 8),                           // 5
            ext(XK::Counter, "MyIngress.bytes", 4, 0, Unit::Bytes),          // 6
            ext(XK::Counter, "MyEgress.bytes", 4, 0, Unit::Packets),         // 7
        };
        return p;
    }();
    return p;
}

std::optional<ExternCommand> parse(const std::string& line, ParseError& error) {
    return parseExternCommand(program(), line, {"cmds.txt", 2, 1}, error);
}

ExternCommand ok(const std::string& line) {
    ParseError error;
    auto cmd = parse(line, error);
    EXPECT_TRUE(cmd.has_value()) << line << ": " << error.str();
    return cmd.value_or(ExternCommand{});
}

// The located message of a line that must not parse.
std::string bad(const std::string& line) {
    ParseError error;
    auto cmd = parse(line, error);
    EXPECT_FALSE(cmd.has_value()) << line;
    return error.str();
}

TEST(ExternLines, EveryLine) {
    EXPECT_TRUE(isExternCommand("counter_read MyIngress.c 3"));
    EXPECT_TRUE(isExternCommand("  meter_set_rates m 0 1:2 3:4"));
    EXPECT_FALSE(isExternCommand("table_add t a 1 => 2"));
    EXPECT_FALSE(isExternCommand("counter_write c 0 1 2"));  // STF only (p4c's runner)

    ExternCommand c = ok("counter_read MyIngress.c 3");
    EXPECT_EQ(c.kind, Kind::CounterRead);
    EXPECT_EQ(c.ext, 0);
    EXPECT_EQ(c.name, "MyIngress.c");
    EXPECT_EQ(c.index, 3u);

    c = ok("counter_reset MyIngress.bytes");
    EXPECT_EQ(c.kind, Kind::CounterReset);
    EXPECT_EQ(c.ext, 6);
    EXPECT_FALSE(c.index);

    c = ok("register_read r 2");  // a unique suffix, as BMv2's CLI accepts
    EXPECT_EQ(c.kind, Kind::RegisterRead);
    EXPECT_EQ(c.ext, 1);
    EXPECT_EQ(c.name, "r");
    EXPECT_EQ(c.index, 2u);

    c = ok("register_read MyIngress.r");  // every cell
    EXPECT_FALSE(c.index);

    c = ok("register_write MyIngress.r 3 0xffff");
    EXPECT_EQ(c.kind, Kind::RegisterWrite);
    EXPECT_EQ(c.index, 3u);
    EXPECT_EQ(c.value, 0xffff);

    c = ok("register_reset MyEgress.c");
    EXPECT_EQ(c.kind, Kind::RegisterReset);
    EXPECT_EQ(c.ext, 5);
    // As BMv2's CLI, a name resolves among the externs of the command's kind: `c` is the
    // counter MyIngress.c to counter_*, the register MyEgress.c to register_*.
    EXPECT_EQ(ok("counter_reset c").ext, 0);
    EXPECT_EQ(ok("register_read c 1").ext, 5);

    c = ok("meter_array_set_rates MyIngress.m 0.5:1000 1.25:2000");
    EXPECT_EQ(c.kind, Kind::MeterArraySetRates);
    EXPECT_FALSE(c.index);
    ASSERT_EQ(c.rates.size(), 2u);
    EXPECT_DOUBLE_EQ(c.rates[0].perMicrosecond, 0.5);
    EXPECT_EQ(c.rates[0].burst, 1000u);
    EXPECT_DOUBLE_EQ(c.rates[1].perMicrosecond, 1.25);
    EXPECT_EQ(c.rates[1].burst, 2000u);

    c = ok("meter_set_rates m 1 1:10 2:20");
    EXPECT_EQ(c.kind, Kind::MeterSetRates);
    EXPECT_EQ(c.index, 1u);
    EXPECT_EQ(c.rates.size(), 2u);

    // Direct counters and meters by entry handle: any handle parses (the target knows which
    // entries exist).
    c = ok("counter_read MyIngress.dc 1000");
    EXPECT_EQ(c.ext, 3);
    EXPECT_EQ(c.index, 1000u);
    c = ok("meter_set_rates dm 7 1:10 2:20");
    EXPECT_EQ(c.ext, 4);
    EXPECT_EQ(c.index, 7u);
}

TEST(ExternLines, LocatedErrors) {
    EXPECT_EQ(bad("counter_read nope 1"),
              "cmds.txt:2:14: error: the program has no counter named 'nope'");
    EXPECT_EQ(bad("counter_read bytes 0"),
              "cmds.txt:2:14: error: 'bytes' is ambiguous: MyIngress.bytes, MyEgress.bytes");
    EXPECT_EQ(bad("counter_read MyIngress.r 1"),
              "cmds.txt:2:14: error: MyIngress.r is a register, not a counter");
    EXPECT_EQ(bad("register_write MyIngress.m 0 1"),
              "cmds.txt:2:16: error: MyIngress.m is a meter, not a register");
    EXPECT_EQ(bad("meter_set_rates MyIngress.dc 0 1:1 1:1"),
              "cmds.txt:2:17: error: MyIngress.dc is a direct counter, not a meter");
    EXPECT_EQ(bad("counter_read MyIngress.c 8"),
              "cmds.txt:2:26: error: index 8 is past the end of counter MyIngress.c (size 8)");
    EXPECT_EQ(bad("register_write MyIngress.r 4 1"),
              "cmds.txt:2:28: error: index 4 is past the end of register MyIngress.r (size 4)");
    EXPECT_EQ(bad("counter_read MyIngress.c x"), "cmds.txt:2:26: error: invalid index 'x'");
    EXPECT_EQ(bad("counter_read MyIngress.c -1"), "cmds.txt:2:26: error: invalid index '-1'");
    EXPECT_EQ(bad("counter_read MyIngress.dc 99999999999"),
              "cmds.txt:2:27: error: invalid entry handle '99999999999'");
    EXPECT_EQ(bad("register_write MyIngress.r 0 0x10000"),
              "cmds.txt:2:30: error: value '0x10000' does not fit in 16 bits (register "
              "MyIngress.r is bit<16>)");
    EXPECT_EQ(bad("register_write MyIngress.r 0 zz"),
              "cmds.txt:2:30: error: invalid value 'zz' (register MyIngress.r is bit<16>)");
    EXPECT_EQ(bad("counter_read MyIngress.c"),
              "cmds.txt:2:25: error: usage: counter_read NAME INDEX");
    EXPECT_EQ(bad("counter_read"), "cmds.txt:2:13: error: usage: counter_read NAME INDEX");
    EXPECT_EQ(bad("counter_reset MyIngress.c 1"),
              "cmds.txt:2:27: error: unexpected '1' (usage: counter_reset NAME)");
    EXPECT_EQ(bad("register_write MyIngress.r 1"),
              "cmds.txt:2:29: error: usage: register_write NAME INDEX VALUE");
    EXPECT_EQ(bad("register_read MyIngress.r 1 2"),
              "cmds.txt:2:29: error: unexpected '2' (usage: register_read NAME [INDEX])");
    // Rates: two pairs (v1model meters are two-rate), each RATE:BURST.
    EXPECT_EQ(bad("meter_array_set_rates MyIngress.m 1:10"),
              "cmds.txt:2:39: error: MyIngress.m takes 2 rates (committed, then peak: "
              "RATE:BURST RATE:BURST), got 1");
    EXPECT_EQ(bad("meter_array_set_rates m 1:10 2:20 3:30"),
              "cmds.txt:2:35: error: MyIngress.m takes 2 rates (committed, then peak: "
              "RATE:BURST RATE:BURST), got 3");
    EXPECT_EQ(bad("meter_set_rates m 0 1:10 20"), "cmds.txt:2:26: error: '20' is not RATE:BURST");
    EXPECT_EQ(bad("meter_set_rates m 0 -1:10 2:20"),
              "cmds.txt:2:21: error: invalid rate '-1' in '-1:10' (units per microsecond, a "
              "number from 0)");
    EXPECT_EQ(bad("meter_set_rates m 0 nan:10 2:20"),
              "cmds.txt:2:21: error: invalid rate 'nan' in 'nan:10' (units per microsecond, a "
              "number from 0)");
    EXPECT_EQ(bad("meter_set_rates m 0 1:10 2:x"),
              "cmds.txt:2:28: error: invalid burst 'x' in '2:x' (units, an integer from 0 to "
              "2147483647)");
    EXPECT_EQ(bad("meter_set_rates m 2 1:10 2:20"),
              "cmds.txt:2:19: error: index 2 is past the end of meter MyIngress.m (size 2)");
    EXPECT_EQ(bad("meter_array_set_rates dm 1:10 2:20"),
              "cmds.txt:2:23: error: MyIngress.dm is a direct meter: set its rates per entry "
              "with meter_set_rates NAME HANDLE RATE:BURST RATE:BURST");
    // Blank and comment lines: nothing to do, no message.
    ParseError error;
    EXPECT_FALSE(parse("   # counter_read c 1", error));
    EXPECT_EQ(error.message, "");
}

// An ExternAccess that records what it is asked and answers from maps.
class FakeAccess : public ExternAccess {
  public:
    const ir::Program& program() const override { return tables::program(); }
    bool readCounter(int ext, uint64_t index, CounterValue& value, std::string& error) override {
        if (ext == 3 && index != 0) {
            error = "no entry " + std::to_string(index);
            return false;
        }
        value = counters[{ext, index}];
        return true;
    }
    bool writeCounter(int ext, uint64_t index, const CounterValue& value, std::string&) override {
        counters[{ext, index}] = value;
        return true;
    }
    bool resetCounters(int ext, std::string&) override {
        log += "reset counters " + std::to_string(ext) + ";";
        return true;
    }
    bool readRegister(int ext, uint64_t index, BigInt& value, std::string&) override {
        value = registers[{ext, index}];
        return true;
    }
    bool writeRegister(int ext, uint64_t index, const BigInt& value, std::string&) override {
        registers[{ext, index}] = value;
        return true;
    }
    bool resetRegisters(int ext, std::string&) override {
        log += "reset registers " + std::to_string(ext) + ";";
        return true;
    }
    bool setMeterRates(int ext, std::optional<uint64_t> index, const std::vector<MeterRate>& rates,
                       std::string&) override {
        log += "rates " + std::to_string(ext) + " " + (index ? std::to_string(*index) : "all");
        for (const auto& r : rates) log += " " + std::to_string(r.burst);
        log += ";";
        return true;
    }
    bool meterRates(int, uint64_t, std::vector<MeterRate>&, std::string&) override { return true; }

    std::map<std::pair<int, uint64_t>, CounterValue> counters;
    std::map<std::pair<int, uint64_t>, BigInt> registers;
    std::string log;
};

std::vector<std::string> run(FakeAccess& access, const std::string& line, bool expectOk = true) {
    std::vector<std::string> out;
    std::string error;
    EXPECT_EQ(runExternCommand(access, ok(line), out, error), expectOk) << line << ": " << error;
    if (!expectOk) out.push_back("error: " + error);
    return out;
}

using Lines = std::vector<std::string>;

TEST(ExternLines, RunPrintsAsBmv2) {
    FakeAccess a;
    a.counters[{0, 3}] = {2, 128};
    // runtime_CLI.py: print("%s[%d]= " % (name, index), value): the name as typed, two blanks,
    // the Thrift struct BmCounterValue {1: bytes, 2: packets}.
    EXPECT_EQ(run(a, "counter_read MyIngress.c 3"),
              Lines{"MyIngress.c[3]=  BmCounterValue(bytes=128, packets=2)"});
    EXPECT_EQ(run(a, "counter_read MyIngress.bytes 0"),
              Lines{"MyIngress.bytes[0]=  BmCounterValue(bytes=0, packets=0)"});
    EXPECT_EQ(run(a, "counter_read MyIngress.dc 0"),
              (Lines{"this is the direct counter for table MyIngress.fwd",
                     "MyIngress.dc[0]=  BmCounterValue(bytes=0, packets=0)"}));
    EXPECT_EQ(run(a, "counter_read MyIngress.dc 5", false),
              (Lines{"this is the direct counter for table MyIngress.fwd", "error: no entry 5"}));

    EXPECT_EQ(run(a, "register_write MyIngress.r 2 42"), Lines{});
    EXPECT_EQ(a.registers[(std::pair<int, uint64_t>{1, 2})], 42);
    EXPECT_EQ(run(a, "register_read MyIngress.r 2"), Lines{"MyIngress.r[2]= 42"});
    EXPECT_EQ(run(a, "register_read r"), Lines{"r= 0, 0, 42, 0"});

    EXPECT_EQ(run(a, "counter_reset c"), Lines{});
    EXPECT_EQ(run(a, "register_reset c"), Lines{});
    EXPECT_EQ(run(a, "counter_reset MyIngress.dc"),
              Lines{"this is the direct counter for table MyIngress.fwd"});
    EXPECT_EQ(run(a, "meter_array_set_rates m 1:10 2:20"), Lines{});
    EXPECT_EQ(run(a, "meter_set_rates dm 4 1:11 2:22"), Lines{});
    EXPECT_EQ(a.log,
              "reset counters 0;reset registers 5;reset counters 3;rates 2 all 10 20;rates 4 4 11 "
              "22;");
}

// rtl/hop_register.sv's CSR side, word by word: INFO (busy for two polls after a command, the
// cell count), WIDTH, INDEX, CMD (READ latches the cell into DATA, WRITE stores DATA, RESET
// zeroes every cell), DATA (low word first).
class FakeBlocks {
  public:
    struct Block {
        regmap::ExternBlock b;
        std::vector<BigInt> cells;
        uint32_t index = 0;
        std::vector<uint32_t> data;
        int busy = 0;
    };
    void add(int object, const std::string& name, const char* kind, int width, int depth,
             uint32_t base) {
        regmap::ExternBlock b;
        b.object = object;
        b.name = name;
        b.kind = kind;
        b.width = width;
        b.depth = depth;
        b.base = base;
        b.span = regmap::registerSpan(width);
        map.externs.push_back(b);
        blocks.push_back(
            {b, std::vector<BigInt>(depth), 0, std::vector<uint32_t>((width + 31) / 32), 0});
    }
    CsrPort port() {
        return {[this](uint32_t addr, std::string& error) -> std::optional<uint32_t> {
                    Block* k = at(addr);
                    if (!k) {
                        error = "no block";
                        return std::nullopt;
                    }
                    const uint32_t w = (addr - k->b.base) / 4;
                    ++reads;
                    if (w == regmap::kRegWordInfo || w == regmap::kRegWordCmd) {
                        const bool busy = k->busy > 0;
                        if (busy) --k->busy;
                        return (busy ? 1u << 31 : 0u) | static_cast<uint32_t>(k->b.depth);
                    }
                    if (w == regmap::kRegWordWidth) return static_cast<uint32_t>(k->b.width);
                    if (w == regmap::kRegWordIndex) return k->index;
                    return k->data.at(w - regmap::kRegWordData);
                },
                [this](uint32_t addr, uint32_t value, std::string& error) {
                    Block* k = at(addr);
                    if (!k) {
                        error = "no block";
                        return false;
                    }
                    const uint32_t w = (addr - k->b.base) / 4;
                    EXPECT_EQ(k->busy, 0) << "written while busy";
                    if (w == regmap::kRegWordIndex) {
                        k->index = value;
                    } else if (w == regmap::kRegWordCmd) {
                        k->busy = 2;
                        BigInt& cell = k->cells.at(k->index);
                        if (value == regmap::kRegCmdRead) {
                            for (size_t i = 0; i < k->data.size(); ++i)
                                k->data[i] =
                                    static_cast<uint32_t>((cell >> (32 * i)) & 0xffffffffu);
                        } else if (value == regmap::kRegCmdWrite) {
                            cell = 0;
                            for (size_t i = k->data.size(); i-- > 0;)
                                cell = (cell << 32) | k->data[i];
                        } else if (value == regmap::kRegCmdReset) {
                            for (auto& c : k->cells) c = 0;
                        }
                    } else if (w >= regmap::kRegWordData) {
                        k->data.at(w - regmap::kRegWordData) = value;
                    }
                    return true;
                }};
    }
    Block* at(uint32_t addr) {
        for (auto& k : blocks)
            if (addr >= k.b.base && addr < k.b.base + k.b.span) return &k;
        return nullptr;
    }
    regmap::RegMap map;
    std::vector<Block> blocks;
    int reads = 0;
};

TEST(ExternCsr, RegistersAndCountersThroughTheirBlocks) {
    FakeBlocks f;
    f.add(0, "MyIngress.c", "counter", 128, 8, 0x1000);  // packets_and_bytes
    f.add(1, "MyIngress.r", "register", 16, 4, 0x2000);
    f.add(6, "MyIngress.bytes", "counter", 64, 4, 0x3000);
    ExternCsr csr(program(), f.map, f.port());
    std::string error;

    // A packets_and_bytes cell: bytes in the high 64 bits, packets in the low.
    f.blocks[0].cells[3] = (BigInt(128) << 64) | 2;
    CounterValue v;
    ASSERT_TRUE(csr.readCounter(0, 3, v, error)) << error;
    EXPECT_EQ(v.packets, 2u);
    EXPECT_EQ(v.bytes, 128u);
    ASSERT_TRUE(csr.writeCounter(0, 5, {7, 0x100000000ull}, error)) << error;
    EXPECT_EQ(f.blocks[0].cells[5], (BigInt(0x100000000ull) << 64) | 7);
    // A bytes counter keeps bytes only; packets read 0.
    f.blocks[2].cells[1] = 1500;
    ASSERT_TRUE(csr.readCounter(6, 1, v, error)) << error;
    EXPECT_EQ(v.packets, 0u);
    EXPECT_EQ(v.bytes, 1500u);
    ASSERT_TRUE(csr.resetCounters(0, error)) << error;
    EXPECT_EQ(f.blocks[0].cells[3], 0);
    EXPECT_EQ(f.blocks[0].cells[5], 0);

    // Registers: written as the width keeps the value, read back, reset.
    ASSERT_TRUE(csr.writeRegister(1, 2, BigInt(0x12345), error)) << error;
    EXPECT_EQ(f.blocks[1].cells[2], 0x2345);
    BigInt r;
    ASSERT_TRUE(csr.readRegister(1, 2, r, error)) << error;
    EXPECT_EQ(r, 0x2345);
    ASSERT_TRUE(csr.resetRegisters(1, error)) << error;
    ASSERT_TRUE(csr.readRegister(1, 2, r, error)) << error;
    EXPECT_EQ(r, 0);

    // Through the CLI lines, as hopd runs them.
    f.blocks[0].cells[4] = (BigInt(640) << 64) | 10;
    std::vector<std::string> out;
    ParseError pe;
    auto cmd = parseExternCommand(program(), "counter_read MyIngress.c 4", {}, pe);
    ASSERT_TRUE(cmd && runExternCommand(csr, *cmd, out, error)) << error;
    EXPECT_EQ(out, Lines{"MyIngress.c[4]=  BmCounterValue(bytes=640, packets=10)"});
}

// A direct counter's block: cells are entry handles, and the table's owner says which are in
// use. A 64-bit cell keeps what its type counts.
TEST(ExternCsr, DirectCountersByHandleAnd64BitCells) {
    FakeBlocks f;
    f.add(3, "MyIngress.dc", "counter", 64, 8, 0x1000);  // packets
    f.add(6, "MyIngress.bytes", "counter", 64, 4, 0x2000);
    ExternCsr csr(program(), f.map, f.port());
    csr.setDirectCellCheck([](int ext, uint64_t cell) { return ext == 3 && cell % 2 == 0; });
    std::string error;
    CounterValue v;
    f.blocks[0].cells[2] = 5;
    ASSERT_TRUE(csr.readCounter(3, 2, v, error)) << error;
    EXPECT_EQ(v.packets, 5u);
    EXPECT_EQ(v.bytes, 0u);
    EXPECT_FALSE(csr.readCounter(3, 1, v, error));
    EXPECT_EQ(error,
              "direct_counter MyIngress.dc of table MyIngress.fwd: the table has no entry with "
              "handle 1");
    ASSERT_TRUE(csr.resetCounters(3, error)) << error;
    EXPECT_EQ(f.blocks[0].cells[2], 0);
    ASSERT_TRUE(csr.writeCounter(6, 3, {9, 900}, error)) << error;
    EXPECT_EQ(f.blocks[1].cells[3], 900);
}

// A meter's block (rtl/hop_meter.sv): setting rates writes the cell of regmap/meter_cell.hpp,
// configured, both buckets full, nothing earned; meter_array_set_rates every cell; the rates
// read back from the cell, committed then peak; the rules of the model (two rates, committed
// not above peak, a direct meter per entry) refuse the rest with the model's words.
TEST(ExternCsr, MeterRatesAreHopMeterCells) {
    FakeBlocks f;
    f.add(2, "MyIngress.m", "meter", regmap::kMeterCellBits, 2, 0x1000);
    f.add(4, "MyIngress.dm", "meter", regmap::kMeterCellBits, 4, 0x2000);
    ExternCsr csr(program(), f.map, f.port());
    csr.setDirectCellCheck([](int, uint64_t cell) { return cell == 3; });
    std::string error;
    ASSERT_TRUE(csr.setMeterRates(2, 1, {{0.25, 2}, {10, 300}}, error)) << error;
    regmap::MeterCellState c = regmap::unpackMeterCell(f.blocks[0].cells[1]);
    EXPECT_TRUE(c.configured);
    EXPECT_EQ(c.committed.rateQ32, uint64_t{1} << 30);
    EXPECT_EQ(c.committed.burst, 2u);
    EXPECT_EQ(c.committed.tokens, 2u);
    EXPECT_EQ(c.peak.rateQ32, uint64_t{10} << 32);
    EXPECT_EQ(c.peak.tokens, 300u);
    EXPECT_EQ(c.peak.last, 0u);
    EXPECT_EQ(f.blocks[0].cells[0], 0);
    std::vector<MeterRate> rates;
    ASSERT_TRUE(csr.meterRates(2, 1, rates, error)) << error;
    ASSERT_EQ(rates.size(), 2u);
    EXPECT_EQ(rates[0].perMicrosecond, 0.25);
    EXPECT_EQ(rates[1].burst, 300u);
    ASSERT_TRUE(csr.meterRates(2, 0, rates, error)) << error;
    EXPECT_TRUE(rates.empty());  // never set: GREEN
    ASSERT_TRUE(csr.setMeterRates(2, std::nullopt, {{1, 5}, {2, 6}}, error)) << error;
    EXPECT_EQ(f.blocks[0].cells[0], f.blocks[0].cells[1]);
    EXPECT_EQ(regmap::unpackMeterCell(f.blocks[0].cells[0]).peak.burst, 6u);
    // A direct meter, by entry handle.
    ASSERT_TRUE(csr.setMeterRates(4, 3, {{1, 5}, {2, 6}}, error)) << error;
    EXPECT_TRUE(regmap::unpackMeterCell(f.blocks[1].cells[3]).configured);
    EXPECT_FALSE(csr.setMeterRates(4, 2, {{1, 5}, {2, 6}}, error));
    EXPECT_EQ(error,
              "direct_meter MyIngress.dm of table MyIngress.fwd: the table has no entry with "
              "handle 2");
    EXPECT_FALSE(csr.setMeterRates(4, std::nullopt, {{1, 5}, {2, 6}}, error));
    EXPECT_EQ(error,
              "direct_meter MyIngress.dm: rates are set per table entry (meter_set_rates "
              "MyIngress.dm HANDLE ...)");
    EXPECT_FALSE(csr.setMeterRates(2, 0, {{3, 5}, {2, 6}}, error));
    EXPECT_EQ(error, "meter MyIngress.m: the committed rate 3:5 is above the peak rate 2:6");
    EXPECT_FALSE(csr.setMeterRates(2, 0, {{1, 5}}, error));
    EXPECT_EQ(error, "meter MyIngress.m: expected 2 rates (committed, then peak), got 1");
    EXPECT_FALSE(csr.setMeterRates(2, 2, {{1, 5}, {2, 6}}, error));
    EXPECT_EQ(error, "index 2 is past the end of MyIngress.m (size 2)");
}

TEST(ExternCsr, ErrorsNameTheExtern) {
    FakeBlocks f;
    f.add(1, "MyIngress.r", "register", 16, 4, 0x2000);
    ExternCsr csr(program(), f.map, f.port());
    std::string error;
    BigInt r;
    EXPECT_FALSE(csr.readRegister(1, 4, r, error));
    EXPECT_EQ(error, "index 4 is past the end of MyIngress.r (size 4)");
    CounterValue v;
    EXPECT_FALSE(csr.readCounter(1, 0, v, error));
    EXPECT_EQ(error, "MyIngress.r is a register, not a counter");
    // Externs the hardware has no block for.
    const std::string notBuilt =
        " is not in this program's hardware (its register map has no block for it)";
    EXPECT_FALSE(csr.readCounter(3, 0, v, error));
    EXPECT_EQ(error, "MyIngress.dc" + notBuilt);
    EXPECT_FALSE(csr.setMeterRates(2, std::nullopt, {{1, 10}, {2, 20}}, error));
    EXPECT_EQ(error, "MyIngress.m" + notBuilt);
    EXPECT_FALSE(csr.readCounter(0, 0, v, error));
    EXPECT_EQ(error, "MyIngress.c" + notBuilt);
    // A block that stays busy.
    f.blocks[0].busy = 1 << 30;
    EXPECT_FALSE(csr.readRegister(1, 0, r, error));
    EXPECT_EQ(error, "MyIngress.r: the CSR command did not finish");
}

}  // namespace
}  // namespace hop::tables
