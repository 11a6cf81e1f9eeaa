// SPDX-License-Identifier: Apache-2.0
// What the model tests share: programs from files, examples and inline text; STF and BMv2
// table lines; hand-made Ethernet/IPv4 packets and an RFC 1071 checksum written here
// independently of the model.
#pragma once

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
#include "tests/compiler/compile_file.hpp"
#include "tests/sim/compile_text.hpp"

namespace hop::sim::modeltest {

using Bytes = std::vector<uint8_t>;

// --- programs ----------------------------------------------------------------------------

inline std::unique_ptr<Frontend> compileFile(const std::string& path) {
    auto fe = testing_support::compileFile(path);
    if (fe) EXPECT_TRUE(fe->ok) << testing_support::diagnostics(*fe);
    return fe;
}

inline std::unique_ptr<Frontend> compileExample(const std::string& name) {
    return compileFile(std::string(HOP_SOURCE_DIR) + "/examples/" + name + ".p4");
}

using test::compileText;

// Applies STF `add`/`setdefault` lines; fails the test on any error.
inline void stf(Model& m, const std::vector<std::string>& lines) {
    for (const auto& line : lines) {
        tables::ParseError err;
        auto cmd = tables::parseStfTableCommand(m.program(), line, {"test.stf", 1, 1}, err);
        ASSERT_TRUE(cmd.has_value()) << err.str();
        std::string error;
        ASSERT_TRUE(m.apply(*cmd, error)) << line << ": " << error;
    }
}

inline int bmv2(Model& m, const std::string& line) {
    tables::ParseError err;
    auto cmd = tables::parseBmv2Command(m.program(), line, {"cmds.txt", 1, 1}, err);
    EXPECT_TRUE(cmd.has_value()) << err.str();
    if (!cmd) return -1;
    std::string error;
    int handle = -1;
    EXPECT_TRUE(m.apply(*cmd, error, &handle)) << line << ": " << error;
    return handle;
}

// --- packets -----------------------------------------------------------------------------

// RFC 1071, written as the RFC's sample code does it: a 32-bit accumulator of 16-bit words,
// folded once at the end.
inline uint16_t rfc1071(const Bytes& data, size_t from, size_t count) {
    uint32_t sum = 0;
    size_t i = from;
    for (; count > 1; count -= 2, i += 2) sum += (data[i] << 8) | data[i + 1];
    if (count > 0) sum += data[i] << 8;
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(~sum);
}

inline void put16(Bytes& b, size_t at, uint16_t v) {
    b[at] = static_cast<uint8_t>(v >> 8);
    b[at + 1] = static_cast<uint8_t>(v);
}
inline uint16_t get16(const Bytes& b, size_t at) {
    return static_cast<uint16_t>((b[at] << 8) | b[at + 1]);
}

struct Ipv4Options {
    uint8_t ttl = 64;
    uint8_t protocol = 17;
    uint32_t src = 0xc0000201;  // 192.0.2.1
    uint32_t dst = 0xc6336405;  // 198.51.100.5
    uint8_t version = 4;
    uint8_t ihl = 5;
    size_t payload = 8;
    bool badChecksum = false;
    int totalLenDelta = 0;
};

const Bytes kMacA = {0x02, 0, 0, 0, 0, 0x0a};
const Bytes kMacB = {0x02, 0, 0, 0, 0, 0x0b};

inline Bytes ethernet(const Bytes& dst, const Bytes& src, uint16_t type) {
    Bytes b(dst);
    b.insert(b.end(), src.begin(), src.end());
    b.push_back(static_cast<uint8_t>(type >> 8));
    b.push_back(static_cast<uint8_t>(type));
    return b;
}

inline Bytes ipv4Packet(const Ipv4Options& o, const Bytes& dstMac = kMacA,
                        const Bytes& srcMac = kMacB) {
    Bytes b = ethernet(dstMac, srcMac, 0x0800);
    const size_t ip = b.size();
    const size_t hlen = o.ihl * 4u < 20 ? 20 : o.ihl * 4u;
    b.resize(ip + hlen, 0);
    b[ip] = static_cast<uint8_t>((o.version << 4) | o.ihl);
    put16(b, ip + 2, static_cast<uint16_t>(hlen + o.payload + o.totalLenDelta));
    put16(b, ip + 4, 0x1234);
    b[ip + 8] = o.ttl;
    b[ip + 9] = o.protocol;
    for (int i = 0; i < 4; ++i) {
        b[ip + 12 + i] = static_cast<uint8_t>(o.src >> (24 - 8 * i));
        b[ip + 16 + i] = static_cast<uint8_t>(o.dst >> (24 - 8 * i));
    }
    put16(b, ip + 10, static_cast<uint16_t>(rfc1071(b, ip, hlen) ^ (o.badChecksum ? 0x55 : 0)));
    for (size_t i = 0; i < o.payload; ++i) b.push_back(static_cast<uint8_t>(0xa0 + i));
    return b;
}

// The IPv4 header checksum is right when the sum over the header, checksum included, is 0.
inline bool ipv4ChecksumOk(const Bytes& b, size_t ip = 14) { return rfc1071(b, ip, 20) == 0; }

inline std::string traceText(const Result& r) {
    std::string out;
    for (const auto& e : r.trace) out += e.text + "\n";
    return out;
}

}  // namespace hop::sim::modeltest
