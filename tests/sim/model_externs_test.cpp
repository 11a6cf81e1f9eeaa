// SPDX-License-Identifier: Apache-2.0
// The reference interpreter's stateful externs against BMv2 simple_switch's definitions:
// registers, counters, direct counters, meters (RFC 2698 as BMv2's Meter::execute) and direct
// meters, their control-plane access and the state dump. Expected values are worked out by
// hand from those definitions in the comments beside them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "driver/compile.hpp"
#include "runtime/tables/entry.hpp"
#include "sim/model/model.hpp"
#include "source/preprocess.hpp"
#include "tests/sim/compile_text.hpp"

namespace hop::sim {
namespace {

using Bytes = std::vector<uint8_t>;

using test::compileText;

// A program of one 4-byte header `a b c d`; BODY is the ingress control's locals and apply.
std::string program(const std::string& body, const std::string& egress = "apply { }") {
    return R"(#include <core.p4>
#include <v1model.p4>
header h_t { bit<8> a; bit<8> b; bit<8> c; bit<8> d; }
struct headers_t { h_t h; }
struct meta_t { }
parser P(packet_in pkt, out headers_t hdr, inout meta_t m, inout standard_metadata_t sm) {
    state start { pkt.extract(hdr.h); transition accept; }
}
control VC(inout headers_t hdr, inout meta_t m) { apply { } }
control I(inout headers_t hdr, inout meta_t m, inout standard_metadata_t sm) {
)" + body + R"(
}
control E(inout headers_t hdr, inout meta_t m, inout standard_metadata_t sm) {
)" + egress +
           R"(
}
control CC(inout headers_t hdr, inout meta_t m) { apply { } }
control D(packet_out pkt, in headers_t hdr) { apply { pkt.emit(hdr.h); } }
V1Switch(P(), VC(), I(), E(), CC(), D()) main;
)";
}

Bytes run(Model& m, Bytes in, uint64_t timeNs = 0) {
    Result r = m.process({0, std::move(in), timeNs});
    EXPECT_EQ(r.error, "");
    EXPECT_EQ(r.outputs.size(), 1u);
    return r.outputs.empty() ? Bytes{} : r.outputs[0].bytes;
}

int addEntry(Model& m, const std::string& line) {
    tables::ParseError err;
    auto cmd = tables::parseBmv2Command(m.program(), line, {"cmds.txt", 1, 1}, err);
    EXPECT_TRUE(cmd.has_value()) << err.str();
    std::string error;
    int handle = -1;
    EXPECT_TRUE(cmd && m.apply(*cmd, error, &handle)) << line << ": " << error;
    return handle;
}

int ext(const Model& m, const std::string& name) {
    std::string error;
    const int i = m.findExtern(name, error);
    EXPECT_GE(i, 0) << error;
    return i;
}

// r[a] += b, returning the old value in c; a past the end (8) leaves c as it was (0xee).
TEST(ModelRegisters, ReadModifyWriteAndBounds) {
    auto fe = compileText(program(R"(register<bit<8>>(8) r;
    apply {
        sm.egress_spec = 1;
        bit<8> old = 0xee;
        r.read(old, (bit<32>)hdr.h.a);
        r.write((bit<32>)hdr.h.a, old + hdr.h.b);
        hdr.h.c = old;
    })"));
    ASSERT_TRUE(fe);
    Model m(*fe->ir);
    EXPECT_EQ(run(m, {3, 5, 0, 0}), (Bytes{3, 5, 0, 0}));
    EXPECT_EQ(run(m, {3, 7, 0, 0}), (Bytes{3, 7, 5, 0}));       // sees the packet before
    EXPECT_EQ(run(m, {3, 250, 0, 0}), (Bytes{3, 250, 12, 0}));  // 12 + 250 wraps to 6
    EXPECT_EQ(run(m, {8, 1, 0, 0}), (Bytes{8, 1, 0xee, 0}));    // past the end: c untouched
    const int r = ext(m, "r");
    ir::BigInt v;
    std::string error;
    ASSERT_TRUE(m.readRegister(r, 3, v, error)) << error;
    EXPECT_EQ(v, 6);
    ASSERT_TRUE(m.writeRegister(r, 4, 200, error)) << error;
    EXPECT_EQ(run(m, {4, 1, 0, 0}), (Bytes{4, 1, 200, 0}));
    EXPECT_FALSE(m.writeRegister(r, 8, 1, error));
    EXPECT_EQ(error, "register I.r: index 8 is out of range (size 8)");
    EXPECT_FALSE(m.writeRegister(r, 0, 256, error));
    EXPECT_EQ(error, "register I.r: 256 does not fit in its 8 bits");
    CounterValue counts;
    EXPECT_FALSE(m.readCounter(r, 0, counts, error));
    EXPECT_EQ(error, "I.r is a register, not a counter");
    EXPECT_EQ(m.findExtern("nope", error), -1);
    EXPECT_EQ(error, "the program has no counter, meter or register named 'nope'");
    ASSERT_TRUE(m.resetRegisters(r, error));
    EXPECT_EQ(run(m, {3, 1, 0, 0}), (Bytes{3, 1, 0, 0}));
}

// BMv2 counts 1 packet and the received length per count(), in egress too; past the end nothing.
TEST(ModelCounters, PacketsAndReceivedBytes) {
    auto fe = compileText(program(R"(counter(2, CounterType.packets) c;
    apply { sm.egress_spec = 1; c.count((bit<32>)hdr.h.a); })",
                                  R"(counter(1, CounterType.bytes) e;
    apply { hdr.h.d = 9; e.count(0); })"));
    ASSERT_TRUE(fe);
    Model m(*fe->ir);
    run(m, {1, 0, 0, 0, 0xaa, 0xbb});  // 6 bytes
    run(m, {1, 0, 0, 0});              // 4 bytes
    run(m, {5, 0, 0, 0});              // past the end of c
    CounterValue v;
    std::string error;
    ASSERT_TRUE(m.readCounter(ext(m, "I.c"), 1, v, error)) << error;
    EXPECT_EQ(v.packets, 2u);
    EXPECT_EQ(v.bytes, 10u);
    ASSERT_TRUE(m.readCounter(ext(m, "c"), 0, v, error));
    EXPECT_EQ(v.packets, 0u);
    ASSERT_TRUE(m.readCounter(ext(m, "E.e"), 0, v, error));
    EXPECT_EQ(v.packets, 3u);
    EXPECT_EQ(v.bytes, 14u);
    EXPECT_FALSE(m.readCounter(ext(m, "c"), 2, v, error));
    EXPECT_EQ(error, "counter I.c: index 2 is out of range (size 2)");
    EXPECT_EQ(m.dumpState(),
              "counter I.c packets x 2\n"
              "  [1] packets=2\n"
              "counter E.e bytes x 1\n"
              "  [0] bytes=14\n");
}

// A direct counter counts every hit of its entry, whatever the action calls; misses nothing.
// A deleted entry's count goes with it: the entry added next at that handle starts at 0.
TEST(ModelCounters, DirectCounterPerEntryOnHits) {
    auto fe = compileText(program(R"(direct_counter(CounterType.packets_and_bytes) dc;
    action fwd(bit<9> p) { sm.egress_spec = p; }
    action other() { sm.egress_spec = 2; }
    table t { key = { hdr.h.a: exact; } actions = { fwd; other; } default_action = other();
              counters = dc; }
    apply { t.apply(); })"));
    ASSERT_TRUE(fe);
    Model m(*fe->ir);
    EXPECT_EQ(addEntry(m, "table_add t fwd 1 => 1"), 0);
    EXPECT_EQ(addEntry(m, "table_add t other 2 =>"), 1);
    m.process({0, {1, 0, 0, 0}});
    m.process({0, {1, 0, 0, 0, 0}});
    m.process({0, {2, 0, 0, 0}});
    m.process({0, {3, 0, 0, 0}});  // miss
    const int dc = ext(m, "dc");
    CounterValue v;
    std::string error;
    ASSERT_TRUE(m.readCounter(dc, 0, v, error)) << error;
    EXPECT_EQ(v.packets, 2u);
    EXPECT_EQ(v.bytes, 9u);
    ASSERT_TRUE(m.readCounter(dc, 1, v, error));
    EXPECT_EQ(v.packets, 1u);
    EXPECT_FALSE(m.readCounter(dc, 2, v, error));
    EXPECT_EQ(error, "direct_counter I.dc of table I.t: the table has no entry with handle 2");
    addEntry(m, "table_delete t 0");
    EXPECT_EQ(addEntry(m, "table_add t fwd 7 => 1"), 0);
    ASSERT_TRUE(m.readCounter(dc, 0, v, error));
    EXPECT_EQ(v.packets, 0u);
}

// Packets meter, CIR 0.5/us CBS 1, PIR 1/us PBS 2 (BMv2: buckets full when set, tokens earned
// from time 0 as floor(us * rate), peak bucket first). By hand:
//   t=0  P 2->1, C 1->0: GREEN     t=0  P 1->0, C 0: YELLOW      t=0  P 0: RED    t=0 RED
//   t=1  P +1 ->0, C +0: YELLOW    t=2  P +1 ->0, C +1 ->0: GREEN
//   t=2.999 (2 us) P 0: RED        t=10 P full 2->1, C full 1->0: GREEN
TEST(ModelMeters, TwoRateThreeColourOnTheSimulatedClock) {
    auto fe = compileText(program(R"(meter(2, MeterType.packets) mt;
    apply {
        sm.egress_spec = 1;
        bit<8> colour = 0x33;
        mt.execute_meter((bit<32>)hdr.h.a, colour);
        hdr.h.c = colour;
    })"));
    ASSERT_TRUE(fe);
    Model m(*fe->ir);
    // Never configured: GREEN.
    EXPECT_EQ(run(m, {0, 0, 9, 0})[2], 0);
    const int mt = ext(m, "mt");
    std::string error;
    EXPECT_FALSE(m.setMeterRates(mt, 0, {{1, 1}, {0.5, 2}}, error));
    EXPECT_EQ(error, "meter I.mt: the committed rate 1:1 is above the peak rate 0.5:2");
    ASSERT_TRUE(m.setMeterRates(mt, 0, {{0.5, 1}, {1, 2}}, error)) << error;
    const std::vector<std::pair<uint64_t, int>> expected = {
        {0, 0}, {0, 1}, {0, 2}, {0, 2}, {1000, 1}, {2000, 0}, {2999, 2}, {10000, 0}};
    for (const auto& [ns, colour] : expected)
        EXPECT_EQ(run(m, {0, 0, 9, 0}, ns)[2], colour) << "at " << ns << " ns";
    EXPECT_EQ(run(m, {2, 0, 9, 0})[2], 0x33);  // past the end: untouched
    std::vector<MeterRate> rates;
    ASSERT_TRUE(m.meterRates(mt, 0, rates, error));
    ASSERT_EQ(rates.size(), 2u);
    EXPECT_EQ(rates[0].perMicrosecond, 0.5);
    EXPECT_EQ(rates[1].burst, 2u);
    ASSERT_TRUE(m.meterRates(mt, 1, rates, error));
    EXPECT_TRUE(rates.empty());
    EXPECT_EQ(m.dumpState(), "meter I.mt packets x 2\n  [0] 0.5:1 1:2\n");
}

// Rates are kept in Q32.32 units per microsecond, as the hardware keeps them: 1/3 becomes
// round(2^32 / 3) / 2^32, so at 3 us the committed bucket has earned floor(3 * 1431655765 / 2^32)
// = 0 tokens (BMv2's double would give 1), at 4 us 1. By hand, CIR 1/3 CBS 1, PIR 1 PBS 5:
//   t=0 C 1->0: GREEN    t=3 C +0: YELLOW    t=4 C +1 ->0: GREEN
TEST(ModelMeters, RatesAreQuantizedToQ32_32) {
    auto fe = compileText(program(R"(meter(1, MeterType.packets) mt;
    apply {
        sm.egress_spec = 1;
        bit<8> colour = 0x33;
        mt.execute_meter((bit<32>)hdr.h.a, colour);
        hdr.h.c = colour;
    })"));
    ASSERT_TRUE(fe);
    Model m(*fe->ir);
    const int mt = ext(m, "mt");
    std::string error;
    ASSERT_TRUE(m.setMeterRates(mt, 0, {{1.0 / 3.0, 1}, {1, 5}}, error)) << error;
    EXPECT_EQ(run(m, {0, 0, 9, 0}, 0)[2], 0);
    EXPECT_EQ(run(m, {0, 0, 9, 0}, 3000)[2], 1);
    EXPECT_EQ(run(m, {0, 0, 9, 0}, 4000)[2], 0);
    std::vector<MeterRate> rates;
    ASSERT_TRUE(m.meterRates(mt, 0, rates, error));
    ASSERT_EQ(rates.size(), 2u);
    EXPECT_EQ(rates[0].perMicrosecond, 1431655765.0 / 4294967296.0);
    EXPECT_FALSE(m.setMeterRates(mt, 0, {{1, 1}, {4294967296.0, 1}}, error));
    EXPECT_EQ(error,
              "meter I.mt: the rate 4.29497e+09:1 is not between 0 and 4294967296 units "
              "per microsecond");
}

// A bytes meter takes the received length; a direct meter runs at its table's hit and the
// action's read() gives its colour, while a miss leaves the destination alone.
TEST(ModelMeters, BytesAndDirect) {
    auto fe = compileText(program(R"(meter(1, MeterType.bytes) mb;
    direct_meter<bit<8>>(MeterType.packets) dm;
    action mark() { dm.read(hdr.h.d); }
    action none() { }
    table t { key = { hdr.h.a: exact; } actions = { mark; none; } default_action = none();
              meters = dm; }
    apply {
        sm.egress_spec = 1;
        mb.execute_meter(0, hdr.h.c);
        hdr.h.d = 0x44;
        t.apply();
    })"));
    ASSERT_TRUE(fe);
    Model m(*fe->ir);
    std::string error;
    // mb: committed 0 bytes/us with 10 bytes, peak 0 bytes/us with 20 bytes; 6-byte packets:
    //   P 20->14, C 10->4: GREEN; P 14->8, C 4: YELLOW; P 8->2, C 4: YELLOW; P 2: RED.
    // dm, entry 0: both buckets 1 packet, no refill: GREEN, then P 0: RED.
    ASSERT_TRUE(m.setMeterRates(ext(m, "mb"), std::nullopt, {{0, 10}, {0, 20}}, error)) << error;
    addEntry(m, "table_add t mark 1 =>");
    ASSERT_TRUE(m.setMeterRates(ext(m, "dm"), 0, {{0, 1}, {0, 1}}, error)) << error;
    EXPECT_FALSE(m.setMeterRates(ext(m, "dm"), std::nullopt, {{0, 1}, {0, 1}}, error));
    EXPECT_EQ(run(m, {1, 0, 0, 0, 0, 0}), (Bytes{1, 0, 0, 0, 0, 0}));
    EXPECT_EQ(run(m, {1, 0, 0, 0, 0, 0}), (Bytes{1, 0, 1, 2, 0, 0}));
    EXPECT_EQ(run(m, {2, 0, 0, 0, 0, 0}), (Bytes{2, 0, 1, 0x44, 0, 0}));  // miss
    EXPECT_EQ(run(m, {2, 0, 0, 0, 0, 0}), (Bytes{2, 0, 2, 0x44, 0, 0}));
}

}  // namespace
}  // namespace hop::sim

namespace hop::sim {
namespace {

// A control instance applied twice keeps one counter (as p4c names it, `I.s.c`); another
// instance of the same control has its own.
TEST(ModelCounters, OnePerControlInstance) {
    const std::string text = program(R"(Sub() s;
    Sub() t;
    apply { sm.egress_spec = 1; s.apply(hdr.h.a); s.apply(hdr.h.b); t.apply(hdr.h.c); })");
    auto fe = compileText(text.substr(0, text.find("control I")) + R"(control Sub(inout bit<8> x) {
    counter(1, CounterType.packets) c;
    apply { c.count(0); }
}
)" + text.substr(text.find("control I")));
    ASSERT_TRUE(fe);
    Model m(*fe->ir);
    run(m, {0, 0, 0, 0});
    EXPECT_EQ(m.dumpState(),
              "counter I.s.c packets x 1\n"
              "  [0] packets=2\n"
              "counter I.t.c packets x 1\n"
              "  [0] packets=1\n");
}

}  // namespace
}  // namespace hop::sim

namespace hop::sim {
namespace {

// A control instance passed to two others as a constructor argument is one instance: its
// counter (`I.one.c`) counts every application.
TEST(ModelCounters, OneInstanceThroughConstructorArguments) {
    const std::string text = program(R"(Add() one;
    Twice(one) two;
    Twice(one) again;
    apply { sm.egress_spec = 1; two.apply(hdr.h.a); again.apply(hdr.h.b); })");
    auto fe = compileText(text.substr(0, text.find("control I")) + R"(control Ctl(inout bit<8> x);
control Add(inout bit<8> x) {
    counter(1, CounterType.packets) c;
    apply { x = x + 1; c.count(0); }
}
control Twice(inout bit<8> x)(Ctl k) {
    apply { k.apply(x); k.apply(x); }
}
)" + text.substr(text.find("control I")));
    ASSERT_TRUE(fe);
    Model m(*fe->ir);
    EXPECT_EQ(run(m, {1, 2, 0, 0}), (Bytes{3, 4, 0, 0}));
    EXPECT_EQ(m.dumpState(), "counter I.one.c packets x 1\n  [0] packets=4\n");
}

}  // namespace
}  // namespace hop::sim
