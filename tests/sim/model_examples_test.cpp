// SPDX-License-Identifier: Apache-2.0
// The reference interpreter on the examples router.p4, tunnel.p4 and acl.p4 (model_test.cpp:
// basic.p4 and inline programs), with hand-made packets.
#include <gtest/gtest.h>

#include "tests/sim/model_test_util.hpp"

namespace hop::sim {
namespace {

using namespace modeltest;
using Bytes = std::vector<uint8_t>;

// --- router.p4 ---------------------------------------------------------------------------

class RouterTest : public ::testing::Test {
  protected:
    void SetUp() override {
        fe_ = compileExample("router");
        ASSERT_TRUE(fe_ && fe_->ir);
        model_ = std::make_unique<Model>(*fe_->ir);
        stf(*model_, {"add port_mac ingress_port:1 set_port_mac(mac:02:00:00:00:00:0a)",
                      "add port_mac ingress_port:2 set_port_mac(mac:02:00:00:00:00:0b)",
                      "add local_addr dstAddr:192.0.2.254 local_hit()",
                      "add ipv4_lpm dstAddr:198.51.100.0/24 set_nexthop(nexthop_id:7)",
                      "add ipv4_lpm dstAddr:203.0.113.0/24 set_nexthop(nexthop_id:9)",
                      "add nexthop nexthop_id:7 set_nexthop_l2(dmac:02:00:00:00:00:77, "
                      "smac:02:00:00:00:00:0b, port:2)"});
    }
    // Runs a packet that must be punted; checks packet_in and that the frame follows intact.
    void expectPunt(const Bytes& in, int reason) {
        Result r = model_->process({1, in}, true);
        ASSERT_EQ(r.decision.kind, Decision::Kind::Punt) << traceText(r);
        EXPECT_EQ(r.decision.reason, std::to_string(reason));
        EXPECT_EQ(r.decision.egressPort, 510u);
        ASSERT_EQ(r.outputs.size(), 1u);
        const Bytes& out = r.outputs[0].bytes;
        ASSERT_EQ(out.size(), in.size() + 2);
        EXPECT_EQ(get16(out, 0), (1u << 7) | reason);  // ingress_port 1, reason
        EXPECT_EQ(Bytes(out.begin() + 2, out.end()), in);
    }
    std::unique_ptr<Frontend> fe_;
    std::unique_ptr<Model> model_;
};

TEST_F(RouterTest, RoutesWithTtlAndChecksum) {
    Bytes in = ipv4Packet({.ttl = 10});
    Result r = model_->process({1, in}, true);
    ASSERT_EQ(r.decision.kind, Decision::Kind::Forward) << traceText(r);
    const Bytes& out = r.outputs.at(0).bytes;
    EXPECT_EQ(r.outputs[0].port, 2u);
    EXPECT_EQ(Bytes(out.begin(), out.begin() + 6), (Bytes{2, 0, 0, 0, 0, 0x77}));
    EXPECT_EQ(Bytes(out.begin() + 6, out.begin() + 12), kMacB);
    EXPECT_EQ(out[22], 9);
    EXPECT_TRUE(ipv4ChecksumOk(out));
}

TEST_F(RouterTest, PuntsArp) {
    Bytes arp = ethernet({0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, kMacB, 0x0806);
    for (int i = 0; i < 28; ++i) arp.push_back(static_cast<uint8_t>(i));
    expectPunt(arp, 1);
}

TEST_F(RouterTest, PuntsLocal) { expectPunt(ipv4Packet({.dst = 0xc00002fe}), 2); }

TEST_F(RouterTest, PuntsTtlExpiry) { expectPunt(ipv4Packet({.ttl = 1}), 3); }

TEST_F(RouterTest, PuntsNoRoute) { expectPunt(ipv4Packet({.dst = 0x0a000001}), 4); }

TEST_F(RouterTest, PuntsUnresolvedNexthop) { expectPunt(ipv4Packet({.dst = 0xcb007105}), 5); }

TEST_F(RouterTest, PuntsAboveMtu) {
    stf(*model_, {"add egress_mtu out_port:2 set_mtu(mtu:100)"});
    expectPunt(ipv4Packet({.payload = 100}), 6);
    EXPECT_EQ(model_->process({1, ipv4Packet({.payload = 80})}).decision.kind,
              Decision::Kind::Forward);
}

TEST_F(RouterTest, PuntsOptions) {
    // IHL 6: the checksum is not verified by the pipeline (options stay in the payload).
    expectPunt(ipv4Packet({.ihl = 6}), 7);
}

TEST_F(RouterTest, PacketOutGoesToTheNamedPortWithoutItsHeader) {
    Bytes frame = ipv4Packet({});
    Bytes in = {static_cast<uint8_t>(3 >> 1), static_cast<uint8_t>((3 & 1) << 7)};
    in.insert(in.end(), frame.begin(), frame.end());
    Result r = model_->process({510, in});
    ASSERT_EQ(r.decision.kind, Decision::Kind::Forward);
    EXPECT_EQ(r.outputs.at(0).port, 3u);
    EXPECT_EQ(r.outputs[0].bytes, frame);
}

TEST_F(RouterTest, DropsMalformedIpv4) {
    for (const Ipv4Options& o : {Ipv4Options{.badChecksum = true}, Ipv4Options{.version = 6},
                                 Ipv4Options{.ihl = 4}, Ipv4Options{.totalLenDelta = 10}}) {
        Result r = model_->process({1, ipv4Packet(o)}, true);
        EXPECT_EQ(r.decision.kind, Decision::Kind::Drop) << traceText(r);
        EXPECT_EQ(r.decision.reason, "mark_to_drop in ingress");
    }
}

TEST_F(RouterTest, DropsFramesNotForUs) {
    Result r = model_->process({1, ipv4Packet({}, kMacB, kMacA)});
    EXPECT_EQ(r.decision.kind, Decision::Kind::Drop);
    r = model_->process({3, ipv4Packet({})});  // no port_mac entry for port 3
    EXPECT_EQ(r.decision.kind, Decision::Kind::Drop);
}

// --- tunnel.p4 ---------------------------------------------------------------------------

TEST(TunnelTest, EncapThenDecapGivesTheOriginal) {
    auto fe = compileExample("tunnel");
    ASSERT_TRUE(fe && fe->ir);
    Model entry(*fe->ir), exit(*fe->ir);
    stf(entry, {"add ipv4_lpm dstAddr:198.51.100.0/24 myTunnel_ingress(dst_id:5)",
                "add myTunnel_exact dst_id:5 myTunnel_forward(port:2)"});
    stf(exit, {"add myTunnel_exact dst_id:5 myTunnel_egress(dstAddr:02:00:00:00:00:0a, port:3)"});
    Bytes original = ipv4Packet({});
    Result r1 = entry.process({1, original}, true);
    ASSERT_EQ(r1.outputs.size(), 1u) << traceText(r1);
    const Bytes& tunnelled = r1.outputs[0].bytes;
    EXPECT_EQ(r1.outputs[0].port, 2u);
    ASSERT_EQ(tunnelled.size(), original.size() + 4);
    EXPECT_EQ(get16(tunnelled, 12), 0x1212);
    EXPECT_EQ(get16(tunnelled, 14), 0x0800);  // proto_id
    EXPECT_EQ(get16(tunnelled, 16), 5);       // dst_id
    Result r2 = exit.process({2, tunnelled}, true);
    ASSERT_EQ(r2.outputs.size(), 1u) << traceText(r2);
    EXPECT_EQ(r2.outputs[0].port, 3u);
    EXPECT_EQ(r2.outputs[0].bytes, original);
}

// --- acl.p4 ------------------------------------------------------------------------------

class AclTest : public ::testing::Test {
  protected:
    void SetUp() override {
        fe_ = compileExample("acl");
        ASSERT_TRUE(fe_ && fe_->ir);
        model_ = std::make_unique<Model>(*fe_->ir);
        stf(*model_, {"add ipv4_lpm dstAddr:0x******** ipv4_forward(dstAddr:0x1, port:1)"});
    }
    // A TCP or UDP packet with the given ports.
    Result send(uint8_t proto, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport) {
        Bytes b = ipv4Packet(
            {.protocol = proto, .src = src, .dst = dst, .payload = proto == 6 ? 20u : 8u});
        put16(b, 34, sport);
        put16(b, 36, dport);
        return model_->process({0, b}, true);
    }
    std::unique_ptr<Frontend> fe_;
    std::unique_ptr<Model> model_;
};

TEST_F(AclTest, HigherConstPriorityWins) {
    // SSH to 192.0.2.0/24: permitted from 198.51.100.0/24 (priority 100), denied otherwise (90).
    Result r = send(6, 0xc6336407, 0xc0000209, 40000, 22);
    EXPECT_EQ(r.decision.kind, Decision::Kind::Forward) << traceText(r);
    r = send(6, 0x0a000001, 0xc0000209, 40000, 22);
    EXPECT_EQ(r.decision.kind, Decision::Kind::Drop) << traceText(r);
}

TEST_F(AclTest, RangesOfUdpPorts) {
    EXPECT_EQ(send(17, 0x0a000001, 0x0a000002, 5000, 53).decision.kind, Decision::Kind::Forward);
    EXPECT_EQ(send(17, 0x0a000001, 0x0a000002, 5000, 80).decision.kind, Decision::Kind::Drop);
    EXPECT_EQ(send(17, 0x0a000001, 0x0a000002, 5000, 8080).decision.kind, Decision::Kind::Forward);
    EXPECT_EQ(send(6, 0xcb007101, 0x0a000002, 5000, 8080).decision.kind, Decision::Kind::Drop);
}

TEST_F(AclTest, ClassifyFirstConstEntryWins) {
    // TCP to port 80 is class 1; the hit sets the low diffserv bit.
    Result r = send(6, 0x0a000001, 0x0a000002, 5000, 80);
    ASSERT_EQ(r.outputs.size(), 1u);
    EXPECT_EQ(r.outputs[0].bytes[15], 1);
    EXPECT_TRUE(ipv4ChecksumOk(r.outputs[0].bytes));
    EXPECT_NE(traceText(r).find("MyIngress.set_class(cls=1)"), std::string::npos) << traceText(r);
}

}  // namespace
}  // namespace hop::sim
