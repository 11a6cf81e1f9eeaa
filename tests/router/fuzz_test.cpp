// SPDX-License-Identifier: Apache-2.0
// A bounded fuzz run through the facade: 200,000 random and mutated frames from a fixed seed,
// with random punt reasons and ports and a clock that moves on, timers included. Nothing may
// crash (run it under ASan/UBSan for more), every frame out must be well-formed (valid IPv4
// header checksum, lengths consistent, within the egress MTU, whole ICMP with a valid checksum),
// every event must name a configured port and a unicast MAC, and the bounds must hold.
#include <gtest/gtest.h>

#include <chrono>
#include <random>

#include "router_test_util.hpp"

namespace hop::router {
namespace {

using namespace test;

struct Seed {
    Port port;
    Bytes frame;
};

std::vector<Seed> seeds() {
    std::vector<Seed> out;
    const MacAddr routerMac[] = {{}, kMac1, kMac2, kMac3};
    const MacAddr hostMac[] = {{}, kMacH1, kMacH2, kMacH3};
    const Ipv4Addr host[] = {{}, kH1, kH2, kH3};
    const Ipv4Addr router[] = {{}, kR1, kR2, kR3};
    auto add = [&](Port port, const Bytes& datagram) {
        out.push_back({port, ethernet(routerMac[port], hostMac[port], datagram)});
    };
    for (Port p = 1; p <= 3; ++p) {
        out.push_back(
            {p, arpFrame(kArpRequest, MacAddr::broadcast(), hostMac[p], host[p], {}, router[p])});
        out.push_back(
            {p, arpFrame(kArpReply, routerMac[p], hostMac[p], host[p], routerMac[p], router[p])});
        out.push_back(
            {p, arpFrame(kArpRequest, MacAddr::broadcast(), hostMac[p], host[p], {}, host[p])});
        add(p, echoRequest(host[p], router[p], 56));
        add(p, udp(host[p], router[p], 20));
        add(p, ipv4(host[p], router[p], kIpProtoTcp, pattern(20)));
    }
    out.push_back({2, arpFrame(kArpReply, kMac2, kMacGw, kGw, kMac2, kR2)});
    IpOptions opts;
    opts.options = {0x94, 0x04, 0x00, 0x00, 0x07, 0x07, 0x04, 0, 0, 0, 0, 0};
    IpOptions ttl1;
    ttl1.ttl = 1;
    IpOptions df;
    df.df = true;
    IpOptions lsrr;
    lsrr.options = {0x83, 0x07, 0x04, 198, 51, 100, 20, 0};
    for (const IpOptions& o : {IpOptions{}, opts, ttl1, df, lsrr}) {
        add(1, udp(kH1, kH2, 100, o));
        add(1, udp(kH1, kH3, 700, o));
        add(1, udp(kH1, kBehindGw, 1400, o));
        add(1, udp(kH1, kNoRoute, 30, o));
        add(2, echoRequest(kH2, kH1, 1450, o));
        add(3, ipv4(kH3, kH1, kIpProtoIcmp, buildIcmp(kIcmpDestUnreachable, 1, 0, udp(kH1, kH3, 8)),
                    o));
    }
    // Fragments to the router (a large ping) and in transit.
    for (size_t mtu : {576, 1500}) {
        IpOptions o;
        o.id = uint16_t(mtu);
        for (const Bytes& f : fragmentDatagram(echoRequest(kH1, kR1, 3000, o), mtu).value())
            add(1, f);
        for (const Bytes& f : fragmentDatagram(udp(kH1, kH2, 2000, o), mtu).value()) add(1, f);
    }
    return out;
}

void mutate(Bytes& frame, std::mt19937_64& rng) {
    auto below = [&](size_t n) { return n == 0 ? size_t(0) : size_t(rng() % n); };
    const int count = 1 + int(rng() % 4);
    for (int i = 0; i < count; ++i) {
        switch (rng() % 10) {
            case 0:  // flip a bit
                if (!frame.empty()) frame[below(frame.size())] ^= uint8_t(1u << (rng() % 8));
                break;
            case 1:  // set a byte
                if (!frame.empty()) frame[below(frame.size())] = uint8_t(rng());
                break;
            case 2:  // truncate
                frame.resize(below(frame.size() + 1));
                break;
            case 3: {  // append
                size_t n = below(64);
                for (size_t k = 0; k < n; ++k) frame.push_back(uint8_t(rng()));
                break;
            }
            case 4:  // a header byte of IPv4 (or ARP), then a correct checksum
            case 5:
                if (frame.size() >= 34) {
                    frame[14 + below(20)] = uint8_t(rng());
                    size_t hl = size_t(frame[14] & 0x0f) * 4;
                    if (hl >= 20 && 14 + hl <= frame.size())
                        setIpv4Checksum(std::span<uint8_t>(frame).subspan(14));
                }
                break;
            case 6:  // fragment fields, then a correct checksum
                if (frame.size() >= 34 && (frame[14] >> 4) == 4 && (frame[14] & 0x0f) >= 5 &&
                    14 + size_t(frame[14] & 0x0f) * 4 <= frame.size()) {
                    store16(&frame[20], uint16_t(rng() & 0x3fff & (rng() % 2 ? 0x3fff : 0x2007)));
                    setIpv4Checksum(std::span<uint8_t>(frame).subspan(14));
                }
                break;
            case 7:  // link-layer broadcast
                if (frame.size() >= 6) std::fill(frame.begin(), frame.begin() + 6, 0xff);
                break;
            case 8:  // EtherType
                if (frame.size() >= 14)
                    store16(&frame[12], rng() % 2 ? kEtherTypeArp : kEtherTypeIpv4);
                break;
            case 9:  // total length, then a correct checksum
                if (frame.size() >= 34 && (frame[14] & 0x0f) >= 5 &&
                    14 + size_t(frame[14] & 0x0f) * 4 <= frame.size()) {
                    store16(&frame[16], uint16_t(below(frame.size())));
                    setIpv4Checksum(std::span<uint8_t>(frame).subspan(14));
                }
                break;
        }
    }
}

TEST(Fuzz, RandomAndMutatedFramesThroughTheFacade) {
    constexpr int kIterations = 200000;
    SlowPathConfig config = testConfig();
    config.reassembly.memoryCap = 256 << 10;  // small, so that the cap is reached
    config.arp.maxEntries = 32;
    config.arp.maxPending = 8;
    config.icmp.ratePerSecond = 2;  // low, so that the rate limit is reached too
    config.icmp.burst = 4;
    SlowPath path(config);
    const std::vector<Interface> ifs = testInterfaces();
    const std::vector<Seed> corpus = seeds();
    std::mt19937_64 rng(0x68'6f'70'6c'69'6e'65);  // "hopline"

    const auto started = std::chrono::steady_clock::now();
    TimePoint now = at(0);
    size_t framesOut = 0, bad = 0;
    auto check = [&](const Actions& a) {
        for (const TxFrame& f : a.frames) {
            ++framesOut;
            auto ok = wellFormed(f, ifs);
            if (!ok && ++bad <= 5) ADD_FAILURE() << ok.message();
        }
        for (const NeighbourEvent& e : a.events) {
            bool known = std::any_of(ifs.begin(), ifs.end(),
                                     [&](const Interface& i) { return i.port == e.port; });
            if ((!known || e.mac.isGroup() || e.mac.isZero()) && ++bad <= 5)
                ADD_FAILURE() << "event for " << e.ip.str() << " " << e.mac.str();
        }
    };
    for (int i = 0; i < kIterations; ++i) {
        Bytes frame;
        Port port;
        if (rng() % 5 == 0) {
            frame.resize(rng() % 1600);
            for (auto& b : frame) b = uint8_t(rng());
            port = Port(rng() % 5);
        } else {
            const Seed& seed = corpus[rng() % corpus.size()];
            frame = seed.frame;
            port = rng() % 10 == 0 ? Port(rng() % 5) : seed.port;
            if (rng() % 4 != 0) mutate(frame, rng);
        }
        now += std::chrono::microseconds(rng() % 50000);
        check(path.handlePunt(port, uint8_t(rng() % 9), frame, now));
        if (auto deadline = path.nextDeadline(); deadline && *deadline <= now)
            check(path.tick(now));
        ASSERT_LE(path.reassembler().memoryInUse(), config.reassembly.memoryCap);
        ASSERT_LE(path.neighbours().size(), config.arp.maxEntries);
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    EXPECT_EQ(bad, 0u);

    // The run must reach the deep paths, not only the parsers' error exits.
    const SlowPathCounters& s = path.stats();
    std::map<std::string, uint64_t> reached = {
        {"forwarded", s.forwarded},
        {"echo replies", s.echoReplies},
        {"fragmented", s.fragmentedDatagrams},
        {"time exceeded", s.sentTimeExceeded},
        {"net unreachable", s.sentNetUnreachable},
        {"host unreachable", s.sentHostUnreachable},
        {"frag needed", s.sentFragNeeded},
        {"port unreachable", s.sentPortUnreachable},
        {"protocol unreachable", s.sentProtocolUnreachable},
        {"reassembly time exceeded", s.sentReassemblyTimeExceeded},
        {"rate limited", s.rateLimited},
        {"suppressed (ICMP error)", s.suppressedIcmpError},
        {"suppressed (fragment)", s.suppressedFragment},
        {"ARP answered", path.arp().counters().requestsAnswered},
        {"ARP failed", path.arp().counters().failed},
        {"reassembled", path.reassembler().counters().reassembled},
        {"overlaps", path.reassembler().counters().overlaps},
        {"reassembly timeouts", path.reassembler().counters().timeouts},
    };
    for (const auto& [what, count] : reached) EXPECT_GT(count, 0u) << what;
    std::string summary;
    for (const auto& [what, count] : reached) summary += what + "=" + std::to_string(count) + " ";
    std::printf("%d frames in, %zu out in %.2f s; %s\n", kIterations, framesOut, seconds,
                summary.c_str());
}

}  // namespace
}  // namespace hop::router
