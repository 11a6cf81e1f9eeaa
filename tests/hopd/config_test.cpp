// SPDX-License-Identifier: Apache-2.0
// hopd's interface and route files: good lines, every malformed kind with its located error.
#include "runtime/hopd/config.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace hop::hopd {
namespace {

using router::Ipv4Addr;

std::string interfaceError(const std::string& line) {
    std::string error;
    auto intf = parseInterfaceLine(line, "intf.txt", 3, error);
    EXPECT_FALSE(intf) << line;
    return error;
}

std::string routeError(const std::string& line) {
    std::string error;
    auto route = parseRouteLine(line, "routes.txt", 7, error);
    EXPECT_FALSE(route) << line;
    return error;
}

TEST(InterfaceLine, Good) {
    std::string error;
    auto i = parseInterfaceLine("  1 192.0.2.254/24 02:00:00:00:01:fe  # uplink", "f", 1, error);
    ASSERT_TRUE(i) << error;
    EXPECT_EQ(i->port, 1);
    EXPECT_EQ(i->address, Ipv4Addr(192, 0, 2, 254));
    EXPECT_EQ(i->prefixLength, 24);
    EXPECT_EQ(i->mac.str(), "02:00:00:00:01:fe");
    EXPECT_EQ(i->mtu, 1500);
    i = parseInterfaceLine("2 198.51.100.1/31 02:00:00:00:02:fe mtu 1280", "f", 1, error);
    ASSERT_TRUE(i) << error;
    EXPECT_EQ(i->mtu, 1280);
    EXPECT_EQ(i->prefixLength, 31);
}

TEST(InterfaceLine, BlankAndComment) {
    std::string error = "x";
    EXPECT_FALSE(parseInterfaceLine("   # nothing", "f", 1, error));
    EXPECT_EQ(error, "");
    EXPECT_FALSE(parseInterfaceLine("", "f", 1, error));
    EXPECT_EQ(error, "");
}

TEST(InterfaceLine, Errors) {
    EXPECT_EQ(interfaceError("1 192.0.2.254/24"),
              "intf.txt:3:17: error: expected PORT ADDRESS/LENGTH MAC [mtu N]");
    EXPECT_EQ(interfaceError("510 192.0.2.254/24 02:00:00:00:01:fe"),
              "intf.txt:3:1: error: invalid port '510' (1-509)");
    EXPECT_EQ(interfaceError("x 192.0.2.254/24 02:00:00:00:01:fe"),
              "intf.txt:3:1: error: invalid port 'x' (1-509)");
    EXPECT_EQ(interfaceError("1 192.0.2.254 02:00:00:00:01:fe"),
              "intf.txt:3:3: error: expected ADDRESS/LENGTH, not '192.0.2.254'");
    EXPECT_EQ(interfaceError("1 192.0.2.300/24 02:00:00:00:01:fe"),
              "intf.txt:3:3: error: invalid IPv4 address '192.0.2.300'");
    EXPECT_EQ(interfaceError("1 192.0.2.254/33 02:00:00:00:01:fe"),
              "intf.txt:3:15: error: invalid prefix length '33' (1-32)");
    EXPECT_EQ(interfaceError("1 192.0.2.0/24 02:00:00:00:01:fe"),
              "intf.txt:3:3: error: '192.0.2.0/24' is not a host address");
    EXPECT_EQ(interfaceError("1 192.0.2.255/24 02:00:00:00:01:fe"),
              "intf.txt:3:3: error: '192.0.2.255/24' is not a host address");
    EXPECT_EQ(interfaceError("1 224.0.0.1/24 02:00:00:00:01:fe"),
              "intf.txt:3:3: error: '224.0.0.1/24' is not a host address");
    EXPECT_EQ(interfaceError("1 192.0.2.254/24 02:00:00:00:01"),
              "intf.txt:3:18: error: invalid MAC address '02:00:00:00:01'");
    EXPECT_EQ(interfaceError("1 192.0.2.254/24 01:00:5e:00:00:01"),
              "intf.txt:3:18: error: '01:00:5e:00:00:01' is not a unicast MAC address");
    EXPECT_EQ(interfaceError("1 192.0.2.254/24 02:00:00:00:01:fe mtu"),
              "intf.txt:3:36: error: 'mtu' needs a value");
    EXPECT_EQ(interfaceError("1 192.0.2.254/24 02:00:00:00:01:fe mtu 40"),
              "intf.txt:3:40: error: invalid MTU '40' (68-9198)");
    EXPECT_EQ(interfaceError("1 192.0.2.254/24 02:00:00:00:01:fe speed 10"),
              "intf.txt:3:36: error: unexpected 'speed'");
}

TEST(InterfaceFile, AcrossLines) {
    std::string error;
    std::istringstream good(
        "# router ports\n1 192.0.2.254/24 02:00:00:00:01:fe\n\n"
        "1 203.0.113.254/24 02:00:00:00:01:fe\n2 198.51.100.254/24 02:00:00:00:02:fe mtu 1280\n");
    auto list = parseInterfaces(good, "i", error);
    ASSERT_TRUE(list) << error;
    EXPECT_EQ(list->size(), 3u);

    std::istringstream twoMacs(
        "1 192.0.2.254/24 02:00:00:00:01:fe\n 1 203.0.113.254/24 02:00:00:00:01:ff\n");
    EXPECT_FALSE(parseInterfaces(twoMacs, "i", error));
    EXPECT_EQ(error,
              "i:2:2: error: port 1 is already 02:00:00:00:01:fe mtu 1500: every address of a "
              "port has the same MAC and MTU");
    std::istringstream twice(
        "1 192.0.2.254/24 02:00:00:00:01:fe\n2 192.0.2.254/24 02:00:00:00:02:fe\n");
    EXPECT_FALSE(parseInterfaces(twice, "i", error));
    EXPECT_EQ(error, "i:2:3: error: address 192.0.2.254 is already on port 1");
}

TEST(RouteLine, Good) {
    std::string error;
    auto r = parseRouteLine("203.0.113.0/24 via 198.51.100.1", "f", 1, error);
    ASSERT_TRUE(r) << error;
    EXPECT_EQ(r->prefix, Ipv4Addr(203, 0, 113, 0));
    EXPECT_EQ(r->length, 24);
    EXPECT_EQ(r->gateway, Ipv4Addr(198, 51, 100, 1));
    EXPECT_FALSE(r->port);
    EXPECT_EQ(r->str(), "203.0.113.0/24 via 198.51.100.1");
    r = parseRouteLine("\tdefault dev 3 # to the world", "f", 1, error);
    ASSERT_TRUE(r) << error;
    EXPECT_EQ(r->length, 0);
    EXPECT_EQ(r->port, 3);
    EXPECT_EQ(r->str(), "0.0.0.0/0 dev 3");
    r = parseRouteLine("192.0.2.7 via 192.0.2.1", "f", 1, error);
    ASSERT_TRUE(r) << error;
    EXPECT_EQ(r->length, 32);
}

TEST(RouteLine, Errors) {
    EXPECT_EQ(routeError("203.0.113.0/24"),
              "routes.txt:7:15: error: expected PREFIX via GATEWAY or PREFIX dev PORT");
    EXPECT_EQ(routeError("203.0.113.1/24 via 198.51.100.1"),
              "routes.txt:7:1: error: '203.0.113.1/24' has host bits set (the prefix is "
              "203.0.113.0/24)");
    EXPECT_EQ(routeError("203.0.113.0/40 via 198.51.100.1"),
              "routes.txt:7:1: error: invalid prefix length in '203.0.113.0/40' (0-32)");
    EXPECT_EQ(routeError("203.0.113/24 via 198.51.100.1"),
              "routes.txt:7:1: error: invalid prefix '203.0.113/24'");
    EXPECT_EQ(routeError("203.0.113.0/24 through 198.51.100.1"),
              "routes.txt:7:16: error: expected 'via' or 'dev', not 'through'");
    EXPECT_EQ(routeError("203.0.113.0/24 via gw"), "routes.txt:7:20: error: invalid gateway 'gw'");
    EXPECT_EQ(routeError("203.0.113.0/24 via 255.255.255.255"),
              "routes.txt:7:20: error: '255.255.255.255' is not a unicast address");
    EXPECT_EQ(routeError("203.0.113.0/24 dev 0"),
              "routes.txt:7:20: error: invalid port '0' (1-509)");
    EXPECT_EQ(routeError("203.0.113.0/24 via 198.51.100.1 metric 5"),
              "routes.txt:7:33: error: unexpected 'metric'");
}

TEST(RouteFile, Duplicate) {
    std::string error;
    std::istringstream in(
        "# routes\n203.0.113.0/24 via 198.51.100.1\n"
        "  203.0.113.0/24 dev 2\n");
    EXPECT_FALSE(parseRoutes(in, "r", error));
    EXPECT_EQ(error, "r:3:3: error: 203.0.113.0/24 is already routed (line 2)");
}

}  // namespace
}  // namespace hop::hopd
