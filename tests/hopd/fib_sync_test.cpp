// SPDX-License-Identifier: Apache-2.0
// hopd --fib-sync without a socket: netlink route messages built byte by byte (new, delete,
// replace, other tables and types, multipath, every malformed kind, truncation at every length,
// random bytes) through the parser, the mirror and the dump state machine, with a fake hopd.
#include "runtime/hopd/fib_sync.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <cstring>
#include <map>
#include <random>
#include <set>

namespace hop::hopd::fib {
namespace {

using router::Ipv4Addr;

uint32_t ip(const char* text) { return Ipv4Addr::parse(text)->value; }

// Netlink messages appended to one buffer, as one recv() returns them.
class Buffer {
  public:
    struct Route {
        uint16_t type = RTM_NEWROUTE;
        uint16_t flags = 0;
        uint32_t seq = 0;
        uint8_t family = AF_INET;
        const char* dst = "203.0.113.0";
        uint8_t len = 24;
        const char* gateway = nullptr;
        int oif = 0;
        uint8_t table = RT_TABLE_MAIN;
        int64_t rtaTable = -1;  // RTA_TABLE when >= 0
        uint8_t rtype = RTN_UNICAST;
        uint8_t protocol = RTPROT_STATIC;
        int64_t priority = -1;  // RTA_PRIORITY when >= 0
        uint32_t rtmFlags = 0;
    };

    Buffer& route(const Route& r) {
        begin(r.type, r.flags, r.seq);
        rtmsg m{};
        m.rtm_family = r.family;
        m.rtm_dst_len = r.len;
        m.rtm_table = r.table;
        m.rtm_protocol = r.protocol;
        m.rtm_scope = r.gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
        m.rtm_type = r.rtype;
        m.rtm_flags = r.rtmFlags;
        raw(&m, sizeof(m));
        if (r.dst && r.len > 0) address(RTA_DST, r.dst);
        if (r.gateway) address(RTA_GATEWAY, r.gateway);
        if (r.oif) u32(RTA_OIF, static_cast<uint32_t>(r.oif));
        if (r.rtaTable >= 0) u32(RTA_TABLE, static_cast<uint32_t>(r.rtaTable));
        if (r.priority >= 0) u32(RTA_PRIORITY, static_cast<uint32_t>(r.priority));
        return end();
    }
    Buffer& begin(uint16_t type, uint16_t flags = 0, uint32_t seq = 0) {
        start_ = bytes.size();
        nlmsghdr h{};
        h.nlmsg_type = type;
        h.nlmsg_flags = flags;
        h.nlmsg_seq = seq;
        raw(&h, sizeof(h));
        return *this;
    }
    Buffer& raw(const void* data, size_t size) {
        const auto* p = static_cast<const uint8_t*>(data);
        bytes.insert(bytes.end(), p, p + size);
        return *this;
    }
    Buffer& attr(uint16_t type, const void* data, size_t size) {
        rtattr a{};
        a.rta_type = type;
        a.rta_len = static_cast<uint16_t>(RTA_LENGTH(size));
        raw(&a, sizeof(a));
        raw(data, size);
        bytes.resize(start_ + NLMSG_ALIGN(bytes.size() - start_));
        return *this;
    }
    Buffer& u32(uint16_t type, uint32_t value) { return attr(type, &value, 4); }
    Buffer& address(uint16_t type, const char* text) {
        const uint32_t be = htonl(ip(text));
        return attr(type, &be, 4);
    }
    Buffer& end() {
        const auto len = static_cast<uint32_t>(bytes.size() - start_);
        std::memcpy(bytes.data() + start_, &len, 4);  // nlmsg_len
        bytes.resize(start_ + NLMSG_ALIGN(len));
        return *this;
    }
    Buffer& done(uint32_t seq, int error = 0) {
        begin(NLMSG_DONE, NLM_F_MULTI, seq);
        int value = -error;
        raw(&value, sizeof(value));
        return end();
    }
    Buffer& error(uint32_t seq, int error) {
        begin(NLMSG_ERROR, 0, seq);
        nlmsgerr e{};
        e.error = -error;
        raw(&e, sizeof(e));
        return end();
    }
    Buffer& link() {
        begin(RTM_NEWLINK);
        ifinfomsg i{};
        raw(&i, sizeof(i));
        return end();
    }
    // Patches the nlmsg_len of the last message begun.
    Buffer& setLength(uint32_t len) {
        std::memcpy(bytes.data() + start_, &len, 4);
        return *this;
    }
    std::vector<Message> parse() const { return parseMessages(bytes.data(), bytes.size()); }

    std::vector<uint8_t> bytes;

  private:
    size_t start_ = 0;
};

Message one(const Buffer& b) {
    auto list = b.parse();
    EXPECT_EQ(list.size(), 1u);
    return list.empty() ? Message{} : list[0];
}

// --- the parser

TEST(FibParse, NewRouteViaGateway) {
    Buffer b;
    b.route(
        {.flags = NLM_F_CREATE | NLM_F_EXCL, .gateway = "198.51.100.1", .oif = 3, .priority = 20});
    const auto m = one(b);
    ASSERT_EQ(m.kind, Message::Kind::Route) << m.why;
    EXPECT_FALSE(m.route.remove);
    EXPECT_FALSE(m.route.replace);
    EXPECT_EQ(m.route.dst, ip("203.0.113.0"));
    EXPECT_EQ(m.route.dstLen, 24);
    EXPECT_EQ(m.route.gateway, ip("198.51.100.1"));
    EXPECT_EQ(m.route.oif, 3);
    EXPECT_EQ(m.route.priority, 20u);
    EXPECT_EQ(m.route.table, RT_TABLE_MAIN);
    EXPECT_EQ(classify(m.route), Skip::None);
    EXPECT_EQ(m.route.str(),
              "203.0.113.0/24 via 198.51.100.1 oif 3 table 254 proto 4 type 1 metric 20");
}

TEST(FibParse, DevRouteAndDefault) {
    Buffer b;
    b.route({.dst = "192.0.2.128", .len = 25, .oif = 7});
    b.route({.dst = nullptr, .len = 0, .gateway = "192.0.2.1"});
    auto list = b.parse();
    ASSERT_EQ(list.size(), 2u);
    ASSERT_EQ(list[0].kind, Message::Kind::Route) << list[0].why;
    EXPECT_EQ(list[0].route.oif, 7);
    EXPECT_FALSE(list[0].route.gateway);
    ASSERT_EQ(list[1].kind, Message::Kind::Route) << list[1].why;
    EXPECT_EQ(list[1].route.dst, 0u);
    EXPECT_EQ(list[1].route.dstLen, 0);
}

TEST(FibParse, DeleteAndReplace) {
    Buffer b;
    b.route({.type = RTM_DELROUTE, .gateway = "198.51.100.1"});
    b.route({.flags = NLM_F_REPLACE, .gateway = "198.51.100.2"});
    auto list = b.parse();
    ASSERT_EQ(list.size(), 2u);
    EXPECT_TRUE(list[0].route.remove);
    EXPECT_FALSE(list[0].route.replace);
    EXPECT_FALSE(list[1].route.remove);
    EXPECT_TRUE(list[1].route.replace);
    EXPECT_EQ(list[1].route.gateway, ip("198.51.100.2"));
}

TEST(FibParse, TablesTypesAndFamilies) {
    Buffer b;
    b.route({.table = RT_TABLE_LOCAL, .rtype = RTN_LOCAL});         // local table
    b.route({.table = RT_TABLE_COMPAT, .rtaTable = 1000});          // RTA_TABLE decides
    b.route({.table = RT_TABLE_MAIN, .rtaTable = RT_TABLE_LOCAL});  // RTA_TABLE over rtm_table
    b.route({.rtype = RTN_BLACKHOLE});
    b.route({.rtype = RTN_BROADCAST});
    b.route({.gateway = "198.51.100.1", .rtmFlags = RTM_F_CLONED});
    b.route({.family = AF_INET6});
    b.route({.gateway = "198.51.100.1", .table = 100, .rtaTable = RT_TABLE_MAIN});
    auto list = b.parse();
    ASSERT_EQ(list.size(), 8u);
    for (const auto& m : list) ASSERT_EQ(m.kind, Message::Kind::Route) << m.why;
    EXPECT_EQ(classify(list[0].route), Skip::Table);
    EXPECT_EQ(list[1].route.table, 1000u);
    EXPECT_EQ(classify(list[1].route), Skip::Table);
    EXPECT_EQ(classify(list[2].route), Skip::Table);
    EXPECT_EQ(classify(list[3].route), Skip::Type);
    EXPECT_EQ(classify(list[4].route), Skip::Type);
    EXPECT_EQ(classify(list[5].route), Skip::Cloned);
    EXPECT_EQ(classify(list[6].route), Skip::Family);
    EXPECT_EQ(classify(list[7].route), Skip::None);
}

TEST(FibParse, DoneErrorAckLink) {
    Buffer b;
    b.done(5).error(6, EBUSY).error(7, 0).link();
    b.begin(RTM_NEWADDR).raw("\0\0\0\0\0\0\0\0", 8).end();
    b.begin(NLMSG_NOOP).end();
    auto list = b.parse();
    ASSERT_EQ(list.size(), 6u);
    EXPECT_EQ(list[0].kind, Message::Kind::Done);
    EXPECT_EQ(list[0].seq, 5u);
    EXPECT_EQ(list[0].error, 0);
    EXPECT_EQ(list[1].kind, Message::Kind::Error);
    EXPECT_EQ(list[1].error, EBUSY);
    EXPECT_EQ(list[2].kind, Message::Kind::Ack);
    EXPECT_EQ(list[3].kind, Message::Kind::Link);
    EXPECT_EQ(list[4].kind, Message::Kind::Address);
    EXPECT_EQ(list[5].kind, Message::Kind::Other);
}

TEST(FibParse, MultipathTakesTheFirstLiveHop) {
    // Two next hops: the first dead, the second via 198.51.100.2 on ifindex 4.
    std::vector<uint8_t> hops;
    auto hop = [&](uint8_t flags, int ifindex, const char* gateway) {
        rtnexthop nh{};
        nh.rtnh_len = static_cast<unsigned short>(RTNH_LENGTH(RTA_LENGTH(4)));
        nh.rtnh_flags = flags;
        nh.rtnh_ifindex = ifindex;
        const auto* p = reinterpret_cast<const uint8_t*>(&nh);
        hops.insert(hops.end(), p, p + sizeof(nh));
        rtattr a{};
        a.rta_len = RTA_LENGTH(4);
        a.rta_type = RTA_GATEWAY;
        p = reinterpret_cast<const uint8_t*>(&a);
        hops.insert(hops.end(), p, p + sizeof(a));
        const uint32_t be = htonl(ip(gateway));
        p = reinterpret_cast<const uint8_t*>(&be);
        hops.insert(hops.end(), p, p + 4);
    };
    hop(RTNH_F_DEAD, 3, "198.51.100.1");
    hop(0, 4, "198.51.100.2");
    Buffer b;
    b.begin(RTM_NEWROUTE);
    rtmsg m{};
    m.rtm_family = AF_INET;
    m.rtm_dst_len = 24;
    m.rtm_table = RT_TABLE_MAIN;
    m.rtm_type = RTN_UNICAST;
    b.raw(&m, sizeof(m))
        .address(RTA_DST, "203.0.113.0")
        .attr(RTA_MULTIPATH, hops.data(), hops.size());
    b.end();
    const auto msg = one(b);
    ASSERT_EQ(msg.kind, Message::Kind::Route) << msg.why;
    EXPECT_TRUE(msg.route.multipath);
    EXPECT_EQ(msg.route.gateway, ip("198.51.100.2"));
    EXPECT_EQ(msg.route.oif, 4);
    EXPECT_FALSE(msg.route.flags & RTNH_F_DEAD);

    // A next hop whose length runs past the attribute.
    hops[0] = 200;
    Buffer bad;
    bad.begin(RTM_NEWROUTE).raw(&m, sizeof(m)).address(RTA_DST, "203.0.113.0");
    bad.attr(RTA_MULTIPATH, hops.data(), hops.size()).end();
    const auto badMsg = one(bad);
    EXPECT_EQ(badMsg.kind, Message::Kind::Malformed);
    EXPECT_NE(badMsg.why.find("RTA_MULTIPATH"), std::string::npos) << badMsg.why;
}

TEST(FibParse, MessageLengthBeyondTheBufferEndsIt) {
    Buffer b;
    b.route({.gateway = "198.51.100.1"}).setLength(4000);
    b.route({.gateway = "198.51.100.2"});
    auto list = b.parse();
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].kind, Message::Kind::Malformed);
    EXPECT_NE(list[0].why.find("message length 4000"), std::string::npos) << list[0].why;
}

TEST(FibParse, MessageLengthShorterThanTheHeader) {
    Buffer b;
    b.route({.gateway = "198.51.100.1"}).setLength(8);
    auto list = b.parse();
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].kind, Message::Kind::Malformed);
}

TEST(FibParse, TrailingBytesShorterThanAHeader) {
    Buffer b;
    b.route({.gateway = "198.51.100.1"}).raw("abcdef", 6);
    auto list = b.parse();
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].kind, Message::Kind::Route);
    EXPECT_EQ(list[1].kind, Message::Kind::Malformed);
    EXPECT_EQ(list[1].why, "6 bytes left, too few for a netlink header");
}

TEST(FibParse, TruncatedAttributeSkipsOnlyItsMessage) {
    Buffer b;
    // RTA_GATEWAY claims 40 bytes; the message ends after its 4.
    b.begin(RTM_NEWROUTE);
    rtmsg m{};
    m.rtm_family = AF_INET;
    m.rtm_dst_len = 24;
    m.rtm_table = RT_TABLE_MAIN;
    m.rtm_type = RTN_UNICAST;
    b.raw(&m, sizeof(m)).address(RTA_DST, "203.0.113.0");
    rtattr a{};
    a.rta_type = RTA_GATEWAY;
    a.rta_len = 40;
    b.raw(&a, sizeof(a)).raw("\xc6\x33\x64\x01", 4).end();
    b.route({.dst = "192.0.2.0", .gateway = "198.51.100.1"});  // the next one is read
    auto list = b.parse();
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].kind, Message::Kind::Malformed);
    EXPECT_NE(list[0].why.find("attribute 5 of length 40"), std::string::npos) << list[0].why;
    EXPECT_EQ(list[1].kind, Message::Kind::Route);
    EXPECT_EQ(list[1].route.dst, ip("192.0.2.0"));
}

TEST(FibParse, MalformedRouteMessages) {
    rtmsg m{};
    m.rtm_family = AF_INET;
    m.rtm_table = RT_TABLE_MAIN;
    m.rtm_type = RTN_UNICAST;
    auto expectMalformed = [](const Buffer& b, const std::string& why) {
        const auto msg = one(b);
        EXPECT_EQ(msg.kind, Message::Kind::Malformed);
        EXPECT_NE(msg.why.find(why), std::string::npos) << msg.why;
    };
    {  // a gateway of 3 bytes
        Buffer b;
        m.rtm_dst_len = 24;
        b.begin(RTM_NEWROUTE).raw(&m, sizeof(m)).address(RTA_DST, "203.0.113.0");
        b.attr(RTA_GATEWAY, "\x01\x02\x03", 3).end();
        expectMalformed(b, "RTA_GATEWAY of 3 bytes");
    }
    {  // prefix length 33
        Buffer b;
        m.rtm_dst_len = 33;
        b.begin(RTM_NEWROUTE).raw(&m, sizeof(m)).address(RTA_DST, "203.0.113.0").end();
        expectMalformed(b, "prefix length 33");
    }
    {  // host bits
        Buffer b;
        m.rtm_dst_len = 24;
        b.begin(RTM_NEWROUTE).raw(&m, sizeof(m)).address(RTA_DST, "203.0.113.7").end();
        expectMalformed(b, "host bits");
    }
    {  // no RTA_DST for a /24
        Buffer b;
        m.rtm_dst_len = 24;
        b.begin(RTM_NEWROUTE).raw(&m, sizeof(m)).u32(RTA_OIF, 2).end();
        expectMalformed(b, "without RTA_DST");
    }
    {  // shorter than struct rtmsg
        Buffer b;
        b.begin(RTM_NEWROUTE).raw(&m, 6).end();
        expectMalformed(b, "shorter than struct rtmsg");
    }
    {  // an attribute length below its own header
        Buffer b;
        m.rtm_dst_len = 0;
        rtattr a{};
        a.rta_len = 2;
        a.rta_type = RTA_OIF;
        b.begin(RTM_NEWROUTE).raw(&m, sizeof(m)).raw(&a, sizeof(a)).end();
        expectMalformed(b, "attribute 4 of length 2");
    }
    {  // an error message without its code
        Buffer b;
        b.begin(NLMSG_ERROR).raw("\0\0", 2).end();
        expectMalformed(b, "NLMSG_ERROR");
    }
}

// Every prefix of a valid buffer, and every single-byte change of it: parsed without reading
// past the end (run under ASan to see it), every message either a route, or malformed.
TEST(FibParse, TruncationAndCorruptionNeverCrash) {
    Buffer b;
    b.route({.gateway = "198.51.100.1", .oif = 3, .priority = 5});
    b.route({.type = RTM_DELROUTE, .dst = "192.0.2.0", .oif = 2});
    b.done(1);
    for (size_t n = 0; n <= b.bytes.size(); ++n) {
        std::vector<uint8_t> cut(b.bytes.begin(), b.bytes.begin() + static_cast<long>(n));
        auto list = parseMessages(cut.data(), cut.size());
        for (const auto& m : list) {
            if (m.kind == Message::Kind::Malformed) {
                EXPECT_FALSE(m.why.empty());
            }
        }
    }
    std::mt19937 rng(6);
    for (size_t i = 0; i < b.bytes.size(); ++i) {
        for (int k = 0; k < 8; ++k) {
            auto bytes = b.bytes;
            bytes[i] = static_cast<uint8_t>(rng());
            auto list = parseMessages(bytes.data(), bytes.size());
            EXPECT_LE(list.size(), 3u);
        }
    }
    for (int k = 0; k < 2000; ++k) {
        std::vector<uint8_t> bytes(rng() % 300);
        for (auto& x : bytes) x = static_cast<uint8_t>(rng());
        if (bytes.size() >= 16 && k % 2) {  // a plausible length: the payload is looked at
            const uint32_t len = static_cast<uint32_t>(bytes.size());
            std::memcpy(bytes.data(), &len, 4);
            bytes[4] = RTM_NEWROUTE;
            bytes[5] = 0;
        }
        parseMessages(bytes.data(), bytes.size());
    }
}

// --- the mirror

RouteMessage via(const char* dst, int len, const char* gateway, uint32_t metric = 0) {
    RouteMessage r;
    r.family = AF_INET;
    r.dst = ip(dst);
    r.dstLen = static_cast<uint8_t>(len);
    r.gateway = ip(gateway);
    r.priority = metric;
    r.table = RT_TABLE_MAIN;
    r.type = RTN_UNICAST;
    return r;
}

TEST(FibMirror, LowestMetricFirstAmongEqual) {
    FibMirror m;
    const FibMirror::Key key{ip("203.0.113.0"), 24};
    m.apply(via("203.0.113.0", 24, "198.51.100.1", 20));
    m.apply(via("203.0.113.0", 24, "198.51.100.2", 10));
    m.apply(via("203.0.113.0", 24, "198.51.100.3", 10));  // appended
    EXPECT_EQ(m.size(), 3u);
    EXPECT_EQ(m.best(key)->gateway, ip("198.51.100.2"));
    auto del = via("203.0.113.0", 24, "198.51.100.2", 10);
    del.remove = true;
    m.apply(del);
    EXPECT_EQ(m.best(key)->gateway, ip("198.51.100.3"));
    auto replace = via("203.0.113.0", 24, "198.51.100.4", 10);
    replace.replace = true;
    m.apply(replace);
    EXPECT_EQ(m.best(key)->gateway, ip("198.51.100.4"));
    EXPECT_EQ(m.size(), 2u);
    auto dead = via("203.0.113.0", 24, "198.51.100.4", 10);
    dead.flags = RTNH_F_DEAD;
    m.apply(dead);  // the same route announced again, now dead
    EXPECT_EQ(m.best(key)->gateway, ip("198.51.100.1"));
    del = via("203.0.113.0", 24, "198.51.100.1", 20);
    del.remove = true;
    m.apply(del);
    EXPECT_EQ(m.best(key), nullptr);  // only a dead one left
    del.priority = 10;
    m.apply(del);  // no exact match: the first of the metric
    EXPECT_EQ(m.size(), 0u);
    EXPECT_TRUE(m.keys().empty());
}

// --- the port map

TEST(FibPortMap, ExplicitThenSubnet) {
    std::vector<router::Interface> interfaces(2);
    interfaces[0].port = 1;
    interfaces[0].address = Ipv4Addr(ip("192.0.2.254"));
    interfaces[1].port = 2;
    interfaces[1].address = Ipv4Addr(ip("198.51.100.254"));
    int lookups = 0;
    PortMap map({{"up0", 7}}, interfaces, [&](int ifindex) -> std::optional<PortMap::Link> {
        ++lookups;
        switch (ifindex) {
            case 1:
                return PortMap::Link{"up0", {Ipv4Addr(ip("192.0.2.254"))}};
            case 2:
                return PortMap::Link{"veth2",
                                     {Ipv4Addr(ip("10.0.0.1")), Ipv4Addr(ip("198.51.100.9"))}};
            case 3:
                return PortMap::Link{"mgmt", {Ipv4Addr(ip("10.0.0.1"))}};
        }
        return std::nullopt;
    });
    EXPECT_EQ(map.port(1), 7);  // --fib-port wins over the subnet
    EXPECT_EQ(map.port(2), 2);
    EXPECT_EQ(map.port(3), std::nullopt);
    EXPECT_EQ(map.port(9), std::nullopt);
    EXPECT_EQ(map.port(2), 2);
    EXPECT_EQ(lookups, 4);  // cached
    map.invalidate();
    EXPECT_EQ(map.port(2), 2);
    EXPECT_EQ(lookups, 5);
}

TEST(FibPortMap, ParseOption) {
    std::string name, error;
    router::Port port = 0;
    ASSERT_TRUE(PortMap::parseOption("veth1=2", name, port, error)) << error;
    EXPECT_EQ(name, "veth1");
    EXPECT_EQ(port, 2);
    EXPECT_FALSE(PortMap::parseOption("veth1", name, port, error));
    EXPECT_EQ(error, "--fib-port veth1: expected IFNAME=PORT");
    EXPECT_FALSE(PortMap::parseOption("veth1=510", name, port, error));
    EXPECT_EQ(error, "--fib-port veth1=510: port '510' is not 1-509");
    EXPECT_FALSE(PortMap::parseOption("veth1=x", name, port, error));
    EXPECT_FALSE(PortMap::parseOption("=3", name, port, error));
    EXPECT_FALSE(PortMap::parseOption("averyveryverylongname=3", name, port, error));
}

// --- the state machine, with a fake hopd

struct FakeHopd {
    std::vector<std::string> calls;
    std::map<std::string, std::string> others;  // prefix -> origin hopd holds otherwise
    std::set<std::string> refuse;               // prefixes whose install fails
    Install install() {
        return [this](Ipv4Addr prefix, int length, const RouteSpec* spec, std::string& error) {
            const std::string key = fmt::format("{}/{}", prefix.str(), length);
            if (auto it = others.find(key); it != others.end()) {
                error = it->second;
                return spec ? Outcome::Shadowed : Outcome::Done;
            }
            if (spec && refuse.count(key)) {
                error = "gateway is not on the subnet of any interface";
                calls.push_back("refused " + spec->str());
                return Outcome::Failed;
            }
            calls.push_back(spec ? "hold " + spec->str() : "drop " + key);
            return Outcome::Done;
        };
    }
    std::vector<std::string> take() { return std::exchange(calls, {}); }
};

PortMap testPorts() {
    std::vector<router::Interface> interfaces(2);
    interfaces[0].port = 1;
    interfaces[0].address = Ipv4Addr(ip("192.0.2.254"));
    interfaces[1].port = 2;
    interfaces[1].address = Ipv4Addr(ip("198.51.100.254"));
    return PortMap({}, interfaces, [](int ifindex) -> std::optional<PortMap::Link> {
        if (ifindex == 11) return PortMap::Link{"veth1", {Ipv4Addr(ip("192.0.2.254"))}};
        if (ifindex == 12) return PortMap::Link{"veth2", {Ipv4Addr(ip("198.51.100.254"))}};
        if (ifindex == 13) return PortMap::Link{"mgmt", {}};
        return std::nullopt;
    });
}

void feed(FibState& s, const Buffer& b) { s.process(b.bytes.data(), b.bytes.size()); }

using Calls = std::vector<std::string>;

TEST(FibState, DumpThenGoLiveThenChanges) {
    FakeHopd hopd;
    hopd.others["192.0.2.0/24"] = "connected";
    FibState s(testPorts(), hopd.install());
    s.startDump(1);
    Buffer dump;
    dump.route({.flags = NLM_F_MULTI,
                .seq = 1,
                .dst = "192.0.2.0",
                .oif = 11,
                .protocol = RTPROT_KERNEL});  // connected: hopd has it from its file
    dump.route({.flags = NLM_F_MULTI, .seq = 1, .gateway = "198.51.100.1", .oif = 12});
    dump.route({.flags = NLM_F_MULTI,
                .seq = 1,
                .dst = "192.0.2.254",
                .len = 32,
                .table = RT_TABLE_LOCAL,
                .rtaTable = RT_TABLE_LOCAL,
                .rtype = RTN_LOCAL});
    dump.route({.flags = NLM_F_MULTI, .seq = 1, .dst = "10.0.0.0", .len = 8, .oif = 13});
    feed(s, dump);
    EXPECT_TRUE(s.dumping());
    EXPECT_TRUE(hopd.calls.empty());
    Buffer end;
    end.done(1);
    feed(s, end);
    EXPECT_FALSE(s.dumping());
    EXPECT_TRUE(s.haveTable());
    EXPECT_TRUE(hopd.calls.empty());  // not live yet
    EXPECT_EQ(s.mirror().size(), 3u);
    s.goLive();
    EXPECT_EQ(hopd.take(), Calls{"hold 203.0.113.0/24 via 198.51.100.1"});
    EXPECT_EQ(s.counters().shadowed, 1u);
    EXPECT_EQ(s.counters().skipped.at("shadowed by connected"), 1u);
    EXPECT_EQ(s.counters().skipped.at("table"), 1u);
    EXPECT_EQ(s.counters().skipped.at("unmapped"), 1u);
    auto log = s.takeLog();
    ASSERT_EQ(log.size(), 1u);
    EXPECT_NE(log[0].find("10.0.0.0/8 oif 13"), std::string::npos) << log[0];

    // ip route change: replaced in place.
    Buffer change;
    change.route({.flags = NLM_F_REPLACE, .gateway = "198.51.100.2", .oif = 12});
    feed(s, change);
    EXPECT_EQ(hopd.take(), Calls{"hold 203.0.113.0/24 via 198.51.100.2"});
    EXPECT_EQ(s.counters().changed, 1u);
    // a dev route on a port found by the interface's subnet
    Buffer dev;
    dev.route({.dst = "198.51.100.128", .len = 25, .oif = 12});
    feed(s, dev);
    EXPECT_EQ(hopd.take(), Calls{"hold 198.51.100.128/25 dev 2"});
    // a second route of the prefix with a higher metric: the kernel does not use it
    Buffer backup;
    backup.route({.gateway = "198.51.100.3", .oif = 12, .priority = 100});
    feed(s, backup);
    EXPECT_TRUE(hopd.take().empty());
    // ip route del: the next-best comes in
    Buffer del;
    del.route({.type = RTM_DELROUTE, .gateway = "198.51.100.2", .oif = 12});
    feed(s, del);
    EXPECT_EQ(hopd.take(), Calls{"hold 203.0.113.0/24 via 198.51.100.3"});
    Buffer del2;
    del2.route({.type = RTM_DELROUTE, .gateway = "198.51.100.3", .oif = 12, .priority = 100});
    feed(s, del2);
    EXPECT_EQ(hopd.take(), Calls{"drop 203.0.113.0/24"});
    EXPECT_EQ(s.counters().removed, 1u);
    // a route in another table changes nothing
    Buffer other;
    other.route({.gateway = "198.51.100.1", .table = 100, .rtaTable = 100});
    other.route({.type = RTM_DELROUTE, .gateway = "198.51.100.1", .table = 100, .rtaTable = 100});
    feed(s, other);
    EXPECT_TRUE(hopd.take().empty());
    EXPECT_EQ(s.counters().skipped.at("table"), 3u);
    EXPECT_EQ(s.installed().size(), 1u);  // 198.51.100.128/25
}

TEST(FibState, ShadowedRouteComesInWhenTheOtherGoes) {
    FakeHopd hopd;
    hopd.others["203.0.113.0/24"] = "runtime";
    FibState s(testPorts(), hopd.install());
    s.goLive();
    Buffer add;
    add.route({.gateway = "198.51.100.1"});
    feed(s, add);
    EXPECT_TRUE(hopd.take().empty());
    EXPECT_EQ(s.counters().skipped.at("shadowed by runtime"), 1u);
    hopd.others.clear();  // hopctl route del
    s.refresh(ip("203.0.113.0"), 24);
    EXPECT_EQ(hopd.take(), Calls{"hold 203.0.113.0/24 via 198.51.100.1"});
}

TEST(FibState, FailedChangeDropsTheOldRoute) {
    FakeHopd hopd;
    FibState s(testPorts(), hopd.install());
    s.goLive();
    Buffer add;
    add.route({.gateway = "198.51.100.1"});
    feed(s, add);
    EXPECT_EQ(hopd.take(), Calls{"hold 203.0.113.0/24 via 198.51.100.1"});
    hopd.refuse.insert("203.0.113.0/24");
    Buffer change;
    change.route({.flags = NLM_F_REPLACE, .gateway = "203.0.113.77"});
    feed(s, change);
    EXPECT_EQ(hopd.take(),
              (Calls{"refused 203.0.113.0/24 via 203.0.113.77", "drop 203.0.113.0/24"}));
    EXPECT_EQ(s.counters().failed, 1u);
    EXPECT_TRUE(s.installed().empty());
}

TEST(FibState, OverrunRedumpsAndReconciles) {
    FakeHopd hopd;
    FibState s(testPorts(), hopd.install());
    s.goLive();
    Buffer add;
    add.route({.gateway = "198.51.100.1"});
    add.route({.dst = "192.0.2.128", .len = 25, .oif = 11});
    feed(s, add);
    EXPECT_EQ(hopd.take().size(), 2u);
    // Messages were lost: a delete of 203.0.113.0/24 and an add of 198.51.100.0/25.
    s.overrun();
    EXPECT_TRUE(s.dumpWanted());
    s.startDump(2);
    Buffer dump;
    dump.route({.flags = NLM_F_MULTI, .seq = 2, .dst = "192.0.2.128", .len = 25, .oif = 11});
    dump.route(
        {.flags = NLM_F_MULTI, .seq = 2, .dst = "198.51.100.0", .len = 25, .gateway = "192.0.2.1"});
    feed(s, dump);
    EXPECT_TRUE(hopd.take().empty());  // nothing until the dump ends
    Buffer end;
    end.done(2);
    feed(s, end);
    EXPECT_EQ(hopd.take(), (Calls{"hold 198.51.100.0/25 via 192.0.2.1", "drop 203.0.113.0/24"}));
    EXPECT_EQ(s.counters().overruns, 1u);
    EXPECT_EQ(s.counters().dumps, 1u);
}

TEST(FibState, SpoiltDumpsAreDumpedAgain) {
    FakeHopd hopd;
    FibState s(testPorts(), hopd.install());
    // an overrun during the dump
    s.startDump(1);
    s.overrun();
    Buffer end1;
    end1.done(1);
    feed(s, end1);
    EXPECT_FALSE(s.haveTable());
    EXPECT_TRUE(s.dumpWanted());
    // an interrupted dump (NLM_F_DUMP_INTR)
    s.startDump(2);
    Buffer intr;
    intr.route({.flags = NLM_F_MULTI | NLM_F_DUMP_INTR, .seq = 2, .gateway = "198.51.100.1"});
    intr.done(2);
    feed(s, intr);
    EXPECT_FALSE(s.haveTable());
    EXPECT_TRUE(s.dumpWanted());
    EXPECT_EQ(s.counters().interruptedDumps, 1u);
    // a link changes during the dump
    s.startDump(3);
    Buffer link;
    link.link().done(3);
    feed(s, link);
    EXPECT_TRUE(s.dumpWanted());
    // the kernel says busy
    s.startDump(4);
    Buffer busy;
    busy.error(4, EBUSY);
    feed(s, busy);
    EXPECT_FALSE(s.dumping());
    EXPECT_TRUE(s.dumpWanted());
    // a dump that ends well
    s.startDump(5);
    Buffer good;
    good.route({.flags = NLM_F_MULTI, .seq = 5, .gateway = "198.51.100.1"}).done(5);
    feed(s, good);
    EXPECT_TRUE(s.haveTable());
    EXPECT_FALSE(s.dumpWanted());
    EXPECT_EQ(s.mirror().size(), 1u);
    // the end of a dump that is not ours changes nothing
    Buffer stray;
    stray.done(99);
    feed(s, stray);
    EXPECT_EQ(s.mirror().size(), 1u);
    // a link event while live asks for a dump
    Buffer link2;
    link2.link();
    feed(s, link2);
    EXPECT_TRUE(s.dumpWanted());
    EXPECT_EQ(s.counters().linkEvents, 2u);
}

TEST(FibState, MalformedMessagesAreCountedAndSkipped) {
    FakeHopd hopd;
    FibState s(testPorts(), hopd.install());
    s.goLive();
    Buffer b;
    b.begin(RTM_NEWROUTE).raw("\x02\x18", 2).end();  // shorter than rtmsg
    b.route({.gateway = "198.51.100.1"});
    feed(s, b);
    EXPECT_EQ(s.counters().malformed, 1u);
    EXPECT_EQ(hopd.take(), Calls{"hold 203.0.113.0/24 via 198.51.100.1"});
    auto log = s.takeLog();
    ASSERT_EQ(log.size(), 1u);
    EXPECT_NE(log[0].find("malformed netlink message"), std::string::npos);
    // random bytes
    std::mt19937 rng(1);
    for (int k = 0; k < 500; ++k) {
        std::vector<uint8_t> bytes(rng() % 200);
        for (auto& x : bytes) x = static_cast<uint8_t>(rng());
        s.process(bytes.data(), bytes.size());
    }
    EXPECT_GT(s.counters().malformed, 100u);
    EXPECT_LE(s.takeLog().size(), 201u);  // capped
    EXPECT_NE(s.counters().str().find("malformed"), std::string::npos);
}

}  // namespace
}  // namespace hop::hopd::fib
