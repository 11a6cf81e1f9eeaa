// SPDX-License-Identifier: Apache-2.0
// The traffic manager on the reference interpreter, against BMv2 simple_switch's documented
// behaviour (docs/simple_switch.md, v1model.p4): instance_type values (NORMAL 0, INGRESS_CLONE 1,
// EGRESS_CLONE 2, RECIRC 4, REPLICATION 5, RESUBMIT 6); resubmit runs the packet as received
// through ingress again; an I2E clone is the packet as received, an E2E clone the packet as
// egress left it; both keep only the metadata of their @field_list, with the values those
// fields have when the control ends; multicast makes one copy per port of each node of the
// group, egress_rid the node's; the order after ingress is clone, then resubmit, else
// multicast, else drop, else unicast; after egress clone, then drop, then recirculate.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "driver/compile.hpp"
#include "sim/model/model.hpp"
#include "tests/sim/compile_text.hpp"

namespace hop::sim {
namespace {

using Bytes = std::vector<uint8_t>;
using test::compileText;
using test::diagnostics;

// One 4-byte header `a b c d`; meta.kept is in @field_list(1), meta.other in none. INGRESS and
// EGRESS are the apply blocks' statements; ingress starts by sending to port 1.
std::string program(const std::string& ingress, const std::string& egress = "") {
    return R"(#include <core.p4>
#include <v1model.p4>
header h_t { bit<8> a; bit<8> b; bit<8> c; bit<8> d; }
struct headers_t { h_t h; }
struct meta_t { @field_list(1) bit<8> kept; bit<8> other; }
struct pass_t { bit<8> a; }
parser P(packet_in pkt, out headers_t hdr, inout meta_t m, inout standard_metadata_t sm) {
    state start { pkt.extract(hdr.h); transition accept; }
}
control VC(inout headers_t hdr, inout meta_t m) { apply { } }
control I(inout headers_t hdr, inout meta_t m, inout standard_metadata_t sm) {
    apply {
        sm.egress_spec = 1;
)" + ingress +
           R"(
    }
}
control E(inout headers_t hdr, inout meta_t m, inout standard_metadata_t sm) { apply {
)" + egress +
           R"(
} }
control CC(inout headers_t hdr, inout meta_t m) { apply { } }
control D(packet_out pkt, in headers_t hdr) { apply { pkt.emit(hdr.h); } }
V1Switch(P(), VC(), I(), E(), CC(), D()) main;
)";
}

struct Out {
    uint32_t port;
    Bytes bytes;
    bool operator==(const Out&) const = default;
};

std::vector<Out> outputs(const Result& r) {
    std::vector<Out> out;
    for (const auto& p : r.outputs) out.push_back({p.port, p.bytes});
    return out;
}

void mirror(Model& m, uint32_t session, uint32_t port) {
    std::string error;
    ASSERT_TRUE(m.trafficManager().addMirror(session, {port, std::nullopt}, error)) << error;
}

TEST(ModelTm, ResubmitKeepsTheListedFieldsOfThePacketAsReceived) {
    auto fe = compileText(program(R"(
        if (sm.instance_type == 0) {
            m.kept = 7;
            m.other = 9;
            hdr.h.d = 55;  // the resubmitted packet is the one received: not seen again
            resubmit_preserving_field_list(1);
        } else {
            hdr.h.a = m.kept;
            hdr.h.b = m.other;
            hdr.h.c = (bit<8>)sm.instance_type;
            sm.egress_spec = 2;
        })"));
    ASSERT_TRUE(fe);
    Model m(*fe->ir);
    const Result r = m.process({3, Bytes{1, 2, 3, 4}, 0});
    EXPECT_EQ(r.error, "");
    EXPECT_EQ(outputs(r), (std::vector<Out>{{2, {7, 0, kInstanceResubmit, 4}}}));
}

TEST(ModelTm, IngressCloneIsThePacketAsReceivedWithTheListAsIngressLeftIt) {
    auto fe = compileText(program(R"(
        clone_preserving_field_list(CloneType.I2E, 5, 1);
        m.kept = 3;  // after the call: simple_switch copies the list when ingress ends
        m.other = 8;
        hdr.h.a = 100;)",
                                  R"(
        if (sm.instance_type == 1) {
            hdr.h.b = m.kept;
            hdr.h.c = (bit<8>)sm.egress_port;
            hdr.h.d = m.other;
        })"));
    ASSERT_TRUE(fe);
    Model m(*fe->ir);
    // No session configured: simple_switch makes no clone.
    EXPECT_EQ(outputs(m.process({0, Bytes{1, 2, 3, 4}, 0})),
              (std::vector<Out>{{1, {100, 2, 3, 4}}}));
    mirror(m, 5, 4);
    EXPECT_EQ(outputs(m.process({0, Bytes{1, 2, 3, 4}, 0})),
              (std::vector<Out>{{4, {1, 3, 4, 0}}, {1, {100, 2, 3, 4}}}));
}

TEST(ModelTm, EgressCloneIsThePacketAsEgressLeftIt) {
    auto fe = compileText(program("", R"(
        if (sm.instance_type == 0) {
            hdr.h.a = 50;
            clone(CloneType.E2E, 6);
            m.other = 1;
        } else if (sm.instance_type == 2) {
            hdr.h.b = (bit<8>)sm.egress_port;
            hdr.h.c = m.other;
        })"));
    ASSERT_TRUE(fe);
    Model m(*fe->ir);
    mirror(m, 6, 9);
    EXPECT_EQ(outputs(m.process({0, Bytes{1, 2, 3, 4}, 0})),
              (std::vector<Out>{{1, {50, 2, 3, 4}}, {9, {50, 9, 0, 4}}}));
}

TEST(ModelTm, EgressCloneKeepsItsFieldList) {
    auto fe = compileText(program("", R"(
        if (sm.instance_type == 0) {
            m.kept = 12;
            m.other = 13;
            clone_preserving_field_list(CloneType.E2E, 6, 1);
        } else {
            hdr.h.a = m.kept;
            hdr.h.b = m.other;
            hdr.h.c = (bit<8>)sm.instance_type;
        })"));
    ASSERT_TRUE(fe);
    Model m(*fe->ir);
    mirror(m, 6, 9);
    EXPECT_EQ(outputs(m.process({0, Bytes{1, 2, 3, 4}, 0})),
              (std::vector<Out>{{1, {1, 2, 3, 4}}, {9, {12, 0, kInstanceEgressClone, 4}}}));
}

TEST(ModelTm, MulticastCopiesPerNodeAndPortWithTheNodesRid) {
    auto fe = compileText(program("sm.mcast_grp = 3;", R"(
        hdr.h.a = (bit<8>)sm.egress_rid;
        hdr.h.b = (bit<8>)sm.instance_type;
        hdr.h.c = (bit<8>)sm.egress_port;)"));
    ASSERT_TRUE(fe);
    Model m(*fe->ir);
    auto& tm = m.trafficManager();
    std::string error;
    int n0 = -1, n1 = -1;
    ASSERT_TRUE(tm.createGroup(3, error)) << error;
    ASSERT_TRUE(tm.createNode(10, {7, 2}, n0, error)) << error;
    ASSERT_TRUE(tm.createNode(20, {5}, n1, error)) << error;
    EXPECT_EQ(n0, 0);  // BMv2 numbers node handles from 0
    EXPECT_EQ(n1, 1);
    ASSERT_TRUE(tm.associate(3, n1, error)) << error;
    ASSERT_TRUE(tm.associate(3, n0, error)) << error;
    EXPECT_EQ(outputs(m.process({0, Bytes{1, 2, 3, 4}, 0})),
              (std::vector<Out>{{5, {20, 5, 5, 4}}, {2, {10, 5, 2, 4}}, {7, {10, 5, 7, 4}}}));
    // A group without nodes replicates to nothing: the packet is dropped.
    ASSERT_TRUE(tm.dissociate(3, n0, error)) << error;
    ASSERT_TRUE(tm.dissociate(3, n1, error)) << error;
    const Result none = m.process({0, Bytes{1, 2, 3, 4}, 0});
    EXPECT_TRUE(none.outputs.empty());
    EXPECT_EQ(none.decision.kind, Decision::Kind::Drop);
    EXPECT_EQ(none.decision.reason, "multicast group 3 has no copies");
}

TEST(ModelTm, RecirculateRunsTheDeparsedPacketThroughIngress) {
    auto fe = compileText(program(R"(
        hdr.h.b = m.kept;
        hdr.h.c = (bit<8>)sm.instance_type;)",
                                  R"(
        if (m.kept == 0) {
            hdr.h.a = hdr.h.a + 1;
            m.kept = 4;
            m.other = 4;
            recirculate_preserving_field_list(1);
        } else {
            hdr.h.d = m.other;
        })"));
    ASSERT_TRUE(fe);
    Model m(*fe->ir);
    // Pass 1: ingress b=0 c=0, egress a=2 and recirculates; pass 2 (RECIRC): b=4 (kept), c=4,
    // and egress, with kept 4, writes d = other = 0 (not kept).
    EXPECT_EQ(outputs(m.process({0, Bytes{1, 2, 3, 4}, 0})),
              (std::vector<Out>{{1, {2, 4, kInstanceRecirc, 0}}}));
}

TEST(ModelTm, ALoopIsBoundedAndCounted) {
    auto fe = compileText(program(R"(
        digest<pass_t>(1, {hdr.h.a});
        resubmit_preserving_field_list(1);)"));
    ASSERT_TRUE(fe);
    Model m(*fe->ir);
    const Result r = m.process({0, Bytes{1, 2, 3, 4}, 0});
    EXPECT_TRUE(r.outputs.empty());
    EXPECT_EQ(r.digests.size(), static_cast<size_t>(kMaxReentries) + 1);  // one per pass
    EXPECT_EQ(r.decision.kind, Decision::Kind::Drop);
    EXPECT_EQ(r.decision.reason, "re-entry limit (16)");
    EXPECT_EQ(m.dropCounts().at("re-entry limit (16)"), 1u);

    auto rec = compileText(program("", "recirculate_preserving_field_list(1);"));
    ASSERT_TRUE(rec);
    Model mr(*rec->ir);
    const Result rr = mr.process({0, Bytes{1, 2, 3, 4}, 0});
    EXPECT_TRUE(rr.outputs.empty());
    EXPECT_EQ(rr.decision.reason, "re-entry limit (16)");
}

TEST(ModelTm, PrecedenceAfterIngress) {
    // Resubmit wins over multicast and unicast.
    auto fe = compileText(program(R"(
        if (sm.instance_type == 0) {
            sm.mcast_grp = 3;
            resubmit_preserving_field_list(1);
        } else {
            sm.egress_spec = 2;
        })"));
    ASSERT_TRUE(fe);
    Model m(*fe->ir);
    std::string error;
    int h = -1;
    ASSERT_TRUE(m.trafficManager().createGroup(3, error));
    ASSERT_TRUE(m.trafficManager().createNode(0, {4, 5}, h, error));
    ASSERT_TRUE(m.trafficManager().associate(3, h, error));
    EXPECT_EQ(outputs(m.process({0, Bytes{1, 2, 3, 4}, 0})), (std::vector<Out>{{2, {1, 2, 3, 4}}}));

    // Multicast wins over egress_spec; mark_to_drop after it clears mcast_grp: dropped.
    auto mc = compileText(program(R"(
        sm.mcast_grp = 3;
        if (hdr.h.a == 9) { mark_to_drop(sm); })"));
    ASSERT_TRUE(mc);
    Model mm(*mc->ir);
    ASSERT_TRUE(mm.trafficManager().createGroup(3, error));
    ASSERT_TRUE(mm.trafficManager().createNode(0, {4, 5}, h, error));
    ASSERT_TRUE(mm.trafficManager().associate(3, h, error));
    EXPECT_EQ(outputs(mm.process({0, Bytes{1, 2, 3, 4}, 0})),
              (std::vector<Out>{{4, {1, 2, 3, 4}}, {5, {1, 2, 3, 4}}}));
    const Result dropped = mm.process({0, Bytes{9, 2, 3, 4}, 0});
    EXPECT_TRUE(dropped.outputs.empty());
    EXPECT_EQ(dropped.decision.reason, "mark_to_drop in ingress");

    // An ingress clone is made whatever happens to the packet: dropped, or resubmitted.
    auto cl = compileText(program(R"(
        clone(CloneType.I2E, 5);
        if (hdr.h.a == 9) { mark_to_drop(sm); }
        if (hdr.h.a == 8 && sm.instance_type == 0) { resubmit_preserving_field_list(1); })"));
    ASSERT_TRUE(cl);
    Model mc2(*cl->ir);
    mirror(mc2, 5, 6);
    EXPECT_EQ(outputs(mc2.process({0, Bytes{9, 2, 3, 4}, 0})),
              (std::vector<Out>{{6, {9, 2, 3, 4}}}));
    // Resubmitted: the first pass's clone, then the second pass's clone and the packet.
    EXPECT_EQ(outputs(mc2.process({0, Bytes{8, 2, 3, 4}, 0})),
              (std::vector<Out>{{6, {8, 2, 3, 4}}, {6, {8, 2, 3, 4}}, {1, {8, 2, 3, 4}}}));
}

TEST(ModelTm, PrecedenceAfterEgress) {
    // An egress clone is made even when egress drops the packet; a dropped packet does not
    // recirculate.
    auto fe = compileText(program("", R"(
        if (sm.instance_type == 0) {
            clone(CloneType.E2E, 6);
            recirculate_preserving_field_list(1);
            mark_to_drop(sm);
        })"));
    ASSERT_TRUE(fe);
    Model m(*fe->ir);
    mirror(m, 6, 9);
    const Result r = m.process({0, Bytes{1, 2, 3, 4}, 0});
    EXPECT_EQ(outputs(r), (std::vector<Out>{{9, {1, 2, 3, 4}}}));
    EXPECT_EQ(m.dropCounts().at("mark_to_drop in egress"), 1u);
}

TEST(ModelTm, BadUsesAreLocatedErrors) {
    struct Case {
        std::string ingress, egress, message;
    };
    const std::vector<Case> cases = {
        {"CloneType t = CloneType.I2E; clone(t, 1);", "",
         "clone's clone type must be written CloneType.I2E or CloneType.E2E"},
        {"clone(CloneType.E2E, 1);", "", "clone(CloneType.E2E) in the ingress control"},
        {"", "clone(CloneType.I2E, 1);", "clone(CloneType.I2E) in the egress control"},
        {"clone_preserving_field_list(CloneType.I2E, 1, m.other);", "",
         "clone_preserving_field_list's field list index must be a constant from 0 to 255"},
        {"resubmit_preserving_field_list(300);", "", "300 does not fit in bit<8>"},
        {"", "resubmit_preserving_field_list(1);",
         "resubmit_preserving_field_list is only supported in the ingress control"},
        {"recirculate_preserving_field_list(1);", "",
         "recirculate_preserving_field_list is only supported in the egress control"},
        {"resubmit({hdr.h.a});", "", "'hdr.h.a' in resubmit's data is not a metadata field"},
    };
    for (const Case& c : cases) {
        auto fe = compileText(program(c.ingress, c.egress), false);
        ASSERT_TRUE(fe);
        EXPECT_FALSE(fe->ok) << c.ingress << c.egress;
        const std::string d = diagnostics(*fe);
        EXPECT_NE(d.find(c.message), std::string::npos) << d;
        // Located: file:line:col.
        EXPECT_NE(d.find(".p4:"), std::string::npos) << d;
    }
}

TEST(ModelTm, DeprecatedCallsKeepTheirDataFields) {
    auto fe = compileText(program(R"(
        if (sm.instance_type == 0) {
            m.other = 21;
            m.kept = 22;
            resubmit({m.other});
        } else {
            hdr.h.a = m.other;
            hdr.h.b = m.kept;
        })"));
    ASSERT_TRUE(fe);
    Model m(*fe->ir);
    EXPECT_EQ(outputs(m.process({0, Bytes{1, 2, 3, 4}, 0})),
              (std::vector<Out>{{1, {21, 0, 3, 4}}}));
}

}  // namespace
}  // namespace hop::sim
