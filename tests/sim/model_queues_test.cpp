// SPDX-License-Identifier: Apache-2.0
// The traffic manager's queues on the reference interpreter: BMv2's queue metadata (v1model.p4,
// docs/simple_switch.md): enq_qdepth is the number of packets in the queue when the packet was
// queued, deq_qdepth the number left when it was taken out; priority picks one of eight strict-
// priority queues per port (7 first). hopline's port_pause stops a port's queues being served:
// the copies wait, in order, until port_resume; set_queue_depth is the queue's tail-drop limit.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/model/model.hpp"
#include "tests/sim/compile_text.hpp"

namespace hop::sim {
namespace {

using Bytes = std::vector<uint8_t>;
using test::compileText;

// One 4-byte header `a b c d`: ingress sends to port a with priority b; egress writes the
// queue metadata into the header: c = enq_qdepth, d = deq_qdepth.
const char* kProgram = R"(#include <core.p4>
#include <v1model.p4>
header h_t { bit<8> a; bit<8> b; bit<8> c; bit<8> d; }
struct headers_t { h_t h; }
struct meta_t { }
parser P(packet_in pkt, out headers_t hdr, inout meta_t m, inout standard_metadata_t sm) {
    state start { pkt.extract(hdr.h); transition accept; }
}
control VC(inout headers_t hdr, inout meta_t m) { apply { } }
control I(inout headers_t hdr, inout meta_t m, inout standard_metadata_t sm) {
    apply {
        sm.egress_spec = (bit<9>)hdr.h.a;
        sm.priority = (bit<3>)hdr.h.b;
        sm.enq_qdepth = 99;  // the traffic manager's value replaces it
    }
}
control E(inout headers_t hdr, inout meta_t m, inout standard_metadata_t sm) {
    apply {
        hdr.h.c = (bit<8>)sm.enq_qdepth;
        hdr.h.d = (bit<8>)sm.deq_qdepth;
    }
}
control CC(inout headers_t hdr, inout meta_t m) { apply { } }
control D(packet_out pkt, in headers_t hdr) { apply { pkt.emit(hdr.h); } }
V1Switch(P(), VC(), I(), E(), CC(), D()) main;
)";

void run(Model& m, const std::string& line) {
    tables::ParseError pe;
    auto cmd = tables::parseTmCommand(line, tables::Origin{"test", 1, 1}, pe);
    ASSERT_TRUE(cmd) << pe.str();
    std::vector<std::string> out;
    std::string error;
    ASSERT_TRUE(tables::runTmCommand(m.trafficManager(), *cmd, out, error)) << error;
}

TEST(ModelQueues, AnIdlePortsQueueIsEmpty) {
    auto fe = compileText(kProgram);
    ASSERT_TRUE(fe);
    Model m(*fe->ir);
    const Result r = m.process({0, Bytes{2, 0, 7, 7}, 0});
    ASSERT_EQ(r.outputs.size(), 1u);
    EXPECT_EQ(r.outputs[0].bytes, (Bytes{2, 0, 0, 0}));
}

TEST(ModelQueues, APausedPortsCopiesWaitAndLeaveInPriorityOrder) {
    auto fe = compileText(kProgram);
    ASSERT_TRUE(fe);
    Model m(*fe->ir);
    run(m, "port_pause 2");
    // Three at priority 0, two at priority 5, one for port 3 (not paused).
    for (Bytes b : {Bytes{2, 0, 0, 0}, Bytes{2, 5, 0, 0}, Bytes{2, 0, 1, 0}, Bytes{2, 5, 1, 0},
                    Bytes{2, 0, 2, 0}}) {
        const Result r = m.process({0, b, 0});
        EXPECT_TRUE(r.outputs.empty());
        EXPECT_EQ(r.decision.kind, Decision::Kind::Forward);
        EXPECT_EQ(r.decision.egressPort, 2u);
    }
    const Result other = m.process({0, Bytes{3, 0, 0, 0}, 0});
    ASSERT_EQ(other.outputs.size(), 1u);
    EXPECT_EQ(other.outputs[0].bytes, (Bytes{3, 0, 0, 0}));
    // Nothing leaves until the port resumes (resuming another port releases nothing).
    EXPECT_TRUE(m.resume(3).outputs.empty());
    run(m, "port_resume 2");
    const Result r = m.resume(2);
    // Priority 5 first: its two copies saw 0 and 1 ahead, left 1 and 0 behind; then priority 0.
    std::vector<Bytes> got;
    for (const auto& p : r.outputs) {
        EXPECT_EQ(p.port, 2u);
        got.push_back(p.bytes);
    }
    EXPECT_EQ(got, (std::vector<Bytes>{
                       {2, 5, 0, 1}, {2, 5, 1, 0}, {2, 0, 0, 2}, {2, 0, 1, 1}, {2, 0, 2, 0}}));
    EXPECT_TRUE(m.resume(2).outputs.empty());
}

TEST(ModelQueues, AFullQueueDropsAtTheTailAndCountsIt) {
    auto fe = compileText(kProgram);
    ASSERT_TRUE(fe);
    Model m(*fe->ir);
    run(m, "set_queue_depth 3 2");
    run(m, "port_pause 2");
    for (int i = 0; i < 5; ++i) {
        const Result r = m.process({0, Bytes{2, 1, static_cast<uint8_t>(i), 0}, 0});
        if (i < 3) {
            EXPECT_EQ(r.decision.kind, Decision::Kind::Forward) << i;
        } else {
            EXPECT_EQ(r.decision.kind, Decision::Kind::Drop) << i;
            EXPECT_EQ(r.decision.reason, "queue full (port 2, priority 1, 3 copies)");
        }
    }
    EXPECT_EQ(m.dropCounts().at("queue full (port 2, priority 1, 3 copies)"), 2u);
    // Another priority's queue has its own limit.
    EXPECT_EQ(m.process({0, Bytes{2, 4, 0, 0}, 0}).decision.kind, Decision::Kind::Forward);
    run(m, "port_resume 2");
    EXPECT_EQ(m.resume(2).outputs.size(), 4u);
}

}  // namespace
}  // namespace hop::sim
