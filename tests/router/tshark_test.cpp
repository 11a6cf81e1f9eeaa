// SPDX-License-Identifier: Apache-2.0
// tshark as an independent oracle: every kind of packet the slow path builds is written to a
// pcap (the file format written here, see PcapWriter) and decoded by tshark, with IPv4 checksum
// verification on; no frame may be malformed, carry a bad checksum or draw a warning or error,
// and tshark must see what the frame is meant to be. Fragments are then reassembled by tshark's
// own IPv4 reassembly and the payload compared. tshark only reads files here.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <sstream>

#include "router_test_util.hpp"

namespace hop::router {
namespace {

using namespace test;

struct Built {
    std::string what;
    // What tshark must decode: ARP opcode, or ICMP type/code/next-hop MTU ("" = not ICMP/ARP).
    std::string arpOpcode, icmpType, icmpCode, icmpMtu;
    Bytes frame;
};

// Drives the slow path through every case that makes it build a packet.
std::vector<Built> everyKind() {
    std::vector<Built> out;
    SlowPath path(testConfig());
    auto host = [&](Port port, uint8_t reason, const Bytes& datagram, double t) {
        const MacAddr routerMac[] = {{}, kMac1, kMac2, kMac3};
        const MacAddr hostMac[] = {{}, kMacH1, kMacH2, kMacH3};
        return path.handlePunt(port, reason, ethernet(routerMac[port], hostMac[port], datagram),
                               at(t));
    };
    auto keep = [&](const Actions& a, const std::string& what, std::string arpOp, std::string type,
                    std::string code, std::string mtu = "") {
        EXPECT_FALSE(a.frames.empty()) << what;
        for (const TxFrame& f : a.frames) out.push_back({what, arpOp, type, code, mtu, f.frame});
    };
    constexpr uint8_t kArp = 1, kLocal = 2, kTtl = 3, kNoRouteReason = 4, kNoNexthop = 5, kMtu = 6,
                      kOptions = 7;

    keep(path.handlePunt(1, kArp, arpFrame(kArpRequest, MacAddr::broadcast(), kMacH1, kH1, {}, kR1),
                         at(0)),
         "ARP reply", "2", "", "");
    keep(host(1, kLocal, echoRequest(kH1, kR1, 56), 0.1), "echo reply", "", "0", "0");
    IpOptions ttl1;
    ttl1.ttl = 1;
    keep(host(1, kTtl, udp(kH1, kH2, 30, ttl1), 0.2), "time exceeded", "", "11", "0");
    IpOptions ttl1Options = ttl1;
    ttl1Options.options = {0x94, 0x04, 0x00, 0x00, 0x07, 0x07, 0x04, 0, 0, 0, 0, 0};
    keep(host(1, kOptions, udp(kH1, kH2, 30, ttl1Options), 0.3), "time exceeded quoting options",
         "", "11", "0");
    keep(host(1, kNoRouteReason, udp(kH1, kNoRoute, 30), 0.4), "net unreachable", "", "3", "0");
    keep(host(1, kLocal, udp(kH1, kR1, 30), 0.5), "port unreachable", "", "3", "3");
    keep(host(1, kLocal, ipv4(kH1, kR1, kIpProtoTcp, pattern(20)), 0.6), "protocol unreachable", "",
         "3", "2");
    // H2 does not answer: an ARP request, retries, then host unreachable.
    keep(host(1, kNoNexthop, udp(kH1, kH2, 30), 1), "ARP request", "1", "", "");
    keep(path.tick(at(2)), "ARP request (retry)", "1", "", "");
    keep(path.tick(at(3)), "ARP request (last retry)", "1", "", "");
    keep(path.tick(at(4)), "host unreachable", "", "3", "1");
    // H2 answers now.
    path.handlePunt(2, kArp, arpFrame(kArpRequest, MacAddr::broadcast(), kMacH2, kH2, {}, kR2),
                    at(5));
    IpOptions df;
    df.df = true;
    keep(host(1, kMtu, udp(kH1, kH2, 1400, df), 6), "fragmentation needed", "", "3", "4", "1280");
    keep(host(1, kNoNexthop, udp(kH1, kH2, 100), 7), "forwarded", "", "", "");
    // A reassembly timeout.
    Bytes big = echoRequest(kH1, kR1, 3000);
    host(1, kLocal, std::move(fragmentDatagram(big, 1500)).value()[0], 8);
    keep(path.tick(at(38)), "reassembly time exceeded", "", "11", "1");
    // A unicast ARP refresh poll.
    keep(path.tick(at(60)), "ARP refresh", "1", "", "");
    return out;
}

// Fragments the slow path sends: a forwarded UDP datagram with options, and an echo reply to a
// large ping of the router, each alongside the datagram they must reassemble to.
struct Fragmented {
    std::string what;
    Bytes original;  // the IPv4 datagram the fragments must reassemble to
    std::vector<Bytes> frames;
};

std::vector<Fragmented> fragmentedOutputs() {
    std::vector<Fragmented> out;
    SlowPath path(testConfig());
    for (Port port : {1, 2}) {
        const MacAddr hostMac = port == 1 ? kMacH1 : kMacH2;
        path.handlePunt(port, 1,
                        arpFrame(kArpRequest, MacAddr::broadcast(), hostMac, port == 1 ? kH1 : kH2,
                                 {}, port == 1 ? kR1 : kR2),
                        at(0));
    }
    IpOptions o;
    o.id = 0x77;
    o.options = {0x94, 0x04, 0x00, 0x00, 0x07, 0x07, 0x04, 0, 0, 0, 0, 0};
    Bytes datagram = udp(kH1, kH2, 4000, o);
    Actions a =
        path.handlePunt(1, uint8_t(PuntReason::Options), ethernet(kMac1, kMacH1, datagram), at(1));
    Fragmented forwarded{"forwarded UDP with options", datagram, {}};
    forwarded.original[8] -= 1;  // the TTL it leaves with
    setIpv4Checksum(forwarded.original);
    for (const TxFrame& f : a.frames) forwarded.frames.push_back(f.frame);
    out.push_back(std::move(forwarded));

    Bytes request = echoRequest(kH1, kR1, 3000);
    Actions reply;
    auto requestFragments = fragmentDatagram(request, 1500);
    for (const Bytes& f : requestFragments.value())
        reply = path.handlePunt(1, uint8_t(PuntReason::Local), ethernet(kMac1, kMacH1, f), at(2));
    Fragmented echo{"echo reply to a large ping", {}, {}};
    auto p = parseIpv4(request);
    auto icmp = parseIcmp(p->payload);
    echo.original = buildEchoReply(*p, *icmp, 0);  // compared by payload only (id differs)
    for (const TxFrame& f : reply.frames) echo.frames.push_back(f.frame);
    out.push_back(std::move(echo));
    return out;
}

std::string tempPath(const std::string& name) {
    auto dir =
        std::filesystem::temp_directory_path() / ("hop_router_tshark_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    return (dir / name).string();
}

std::vector<std::vector<std::string>> tsharkFields(const std::string& pcap,
                                                   const std::string& options,
                                                   const std::vector<std::string>& fields) {
    std::string command = std::string(HOP_TSHARK) + " -n -r " + pcap + " " + options +
                          " -T fields -E separator=/t -E occurrence=a -E aggregator=,";
    for (const std::string& f : fields) command += " -e " + f;
    command += " 2>/dev/null";
    std::vector<std::vector<std::string>> rows;
    std::istringstream lines(run(command));
    for (std::string line; std::getline(lines, line);) {
        std::vector<std::string> row;
        size_t start = 0;
        for (;;) {
            size_t tab = line.find('\t', start);
            row.push_back(line.substr(start, tab - start));
            if (tab == std::string::npos) break;
            start = tab + 1;
        }
        row.resize(fields.size());
        rows.push_back(std::move(row));
    }
    return rows;
}

bool hasValue(const std::string& list, const std::string& value) {
    std::istringstream in(list);
    for (std::string item; std::getline(in, item, ',');)
        if (item == value) return true;
    return false;
}

TEST(Tshark, DecodesEveryPacketTheSlowPathBuilds) {
    std::vector<Built> built = everyKind();
    const std::string pcap = tempPath("every_kind.pcap");
    PcapWriter writer(pcap);
    for (const Built& b : built) writer.add(b.frame);
    writer.close();

    // Expert severities: 0x200000 chat, 0x400000 note, 0x600000 warn, 0x800000 error.
    const std::vector<std::string> fields = {
        "frame.number",       "_ws.malformed",      "_ws.expert.severity",
        "_ws.expert.message", "ip.checksum.status", "icmp.checksum.status",
        "arp.opcode",         "icmp.type",          "icmp.code",
        "icmp.mtu",           "_ws.col.Info"};
    auto rows = tsharkFields(pcap, "-o ip.check_checksum:TRUE -o ip.defragment:FALSE", fields);
    ASSERT_EQ(rows.size(), built.size()) << "tshark did not read every frame of " << pcap;
    for (size_t i = 0; i < rows.size(); ++i) {
        const auto& r = rows[i];
        const Built& b = built[i];
        SCOPED_TRACE("frame " + r[0] + " (" + b.what + "): " + r[10]);
        EXPECT_EQ(r[1], "") << "malformed";
        EXPECT_FALSE(hasValue(r[2], "6291456") || hasValue(r[2], "8388608")) << r[3];
        if (!b.arpOpcode.empty()) {
            EXPECT_EQ(r[6], b.arpOpcode);
            continue;
        }
        // Every IPv4 header, the quoted one included, verified good.
        EXPECT_FALSE(r[4].empty());
        EXPECT_FALSE(hasValue(r[4], "0")) << "bad IPv4 checksum";
        EXPECT_FALSE(hasValue(r[4], "2")) << "IPv4 checksum not verified";
        if (b.icmpType.empty()) continue;
        // Ours verified good (a quoted ICMP header, cut short, cannot be verified).
        EXPECT_EQ(r[5].substr(0, r[5].find(',')), "1") << "ICMP checksum";
        EXPECT_FALSE(hasValue(r[5], "0")) << "bad ICMP checksum";
        // The first type/code is ours; a quoted datagram may add its own after it.
        EXPECT_EQ(r[7].substr(0, r[7].find(',')), b.icmpType);
        EXPECT_EQ(r[8].substr(0, r[8].find(',')), b.icmpCode);
        EXPECT_EQ(r[9], b.icmpMtu);
    }
    std::filesystem::remove_all(std::filesystem::path(pcap).parent_path());
}

TEST(Tshark, ReassemblesTheFragmentsTheSlowPathSends) {
    for (const Fragmented& f : fragmentedOutputs()) {
        SCOPED_TRACE(f.what);
        ASSERT_GT(f.frames.size(), 1u);
        const std::string pcap = tempPath("fragments.pcap");
        PcapWriter writer(pcap);
        for (const Bytes& frame : f.frames) writer.add(frame);
        writer.close();
        auto rows = tsharkFields(
            pcap, "-o ip.check_checksum:TRUE -o ip.defragment:TRUE",
            {"frame.number", "_ws.malformed", "_ws.expert.severity", "ip.checksum.status",
             "ip.reassembled.length", "ip.reassembled.data", "ip.fragment.error"});
        ASSERT_EQ(rows.size(), f.frames.size());
        for (const auto& r : rows) {
            EXPECT_EQ(r[1], "");
            EXPECT_FALSE(hasValue(r[2], "6291456") || hasValue(r[2], "8388608"));
            EXPECT_FALSE(hasValue(r[3], "0"));
            EXPECT_EQ(r[6], "");
        }
        // The last frame carries the reassembled datagram's payload.
        auto original = parseIpv4(f.original);
        const auto& last = rows.back();
        EXPECT_EQ(last[4], std::to_string(original->payload.size()));
        std::string hex;
        for (uint8_t byte : original->payload) {
            char two[3];
            snprintf(two, sizeof two, "%02x", byte);
            hex += two;
        }
        EXPECT_EQ(last[5], hex);
        std::filesystem::remove_all(std::filesystem::path(pcap).parent_path());
    }
}

}  // namespace
}  // namespace hop::router
