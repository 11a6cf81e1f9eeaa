// SPDX-License-Identifier: Apache-2.0
// The hash library (compiler/src/hash) against catalogued check values, and what the lowering
// and the Verilog backend make of v1model's hash extern or refuse, with a location. The
// extern's outputs on both engines are checked by tests/stf/hash_algos-*.stf.
#include "hash/hash.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>

#include "driver/compile.hpp"
#include "ir/dump.hpp"
#include "source/preprocess.hpp"
#include "verilog/backend.hpp"

namespace hop {
namespace {

using ir::HashAlgorithm;

const std::vector<uint8_t> kCheck = {'1', '2', '3', '4', '5', '6', '7', '8', '9'};

uint64_t crcOf(const hash::Crc& c, const std::vector<uint8_t>& d) {
    return hash::crc(c, d.data(), d.size());
}

// The catalogue of parametrised CRC algorithms: check = CRC of "123456789".
TEST(HashLibrary, CrcEngineGivesTheCatalogueCheckValues) {
    EXPECT_EQ(crcOf({32, 0x04c11db7, 0xffffffff, true, true, 0xffffffff}, kCheck), 0xcbf43926u);
    EXPECT_EQ(crcOf({16, 0x8005, 0, true, true, 0}, kCheck), 0xbb3du);    // ARC
    EXPECT_EQ(crcOf({16, 0x1021, 0, false, false, 0}, kCheck), 0x31c3u);  // XMODEM
    EXPECT_EQ(crcOf({8, 0x07, 0, false, false, 0}, kCheck), 0xf4u);       // SMBUS
    EXPECT_EQ(crcOf({32, 0x04c11db7, 0xffffffff, false, false, 0xffffffff}, kCheck),
              0xfc891918u);  // BZIP2
    EXPECT_EQ(crcOf({64, 0x42f0e1eba9ea3693, ~uint64_t{0}, true, true, ~uint64_t{0}}, kCheck),
              0x995dc9bbdf1939faull);  // 64/XZ
}

// BMv2's crc32 and crc16 (and the _custom ones until the control plane changes them).
TEST(HashLibrary, BmV2AlgorithmsOverTheCheckInput) {
    EXPECT_EQ(hash::compute(HashAlgorithm::Crc32, kCheck), 0xcbf43926u);
    EXPECT_EQ(hash::compute(HashAlgorithm::Crc32Custom, kCheck), 0xcbf43926u);
    EXPECT_EQ(hash::compute(HashAlgorithm::Crc16, kCheck), 0xbb3du);
    EXPECT_EQ(hash::compute(HashAlgorithm::Crc16Custom, kCheck), 0xbb3du);
    EXPECT_EQ(hash::compute(HashAlgorithm::Identity, kCheck), 0x3132333435363738u);  // 8 bytes
    EXPECT_EQ(hash::compute(HashAlgorithm::Identity, {0xab, 0xcd}), 0xabcdu);
    EXPECT_EQ(hash::compute(HashAlgorithm::Xor16, kCheck),
              0x3132u ^ 0x3334 ^ 0x3536 ^ 0x3738 ^ 0x3900);
    EXPECT_EQ(hash::outputWidth(HashAlgorithm::Crc32), 32);
    EXPECT_EQ(hash::outputWidth(HashAlgorithm::Identity), 64);
    EXPECT_EQ(hash::outputWidth(HashAlgorithm::Csum16), 16);
    EXPECT_TRUE(hash::unsupportedReason(HashAlgorithm::Random).has_value());
    EXPECT_FALSE(hash::unsupportedReason(HashAlgorithm::Crc16).has_value());
}

// RFC 1071 section 3's example: the bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2; the checksum is
// its complement. An odd byte count pads with a zero byte after the last one.
TEST(HashLibrary, Csum16IsRfc1071) {
    const std::vector<uint8_t> rfc = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    EXPECT_EQ(hash::compute(HashAlgorithm::Csum16, rfc), 0x220du);
    EXPECT_EQ(hash::csum16(rfc.data(), 7), static_cast<uint16_t>(~(0xddf2 - 0xf7) & 0xffff));
    EXPECT_EQ(hash::compute(HashAlgorithm::Csum16, {}), 0xffffu);
    EXPECT_EQ(hash::compute(HashAlgorithm::Csum16, {0xff, 0xff, 0xff, 0xff}), 0u);
}

TEST(HashLibrary, OffsetFollowsBmV2) {
    EXPECT_EQ(hash::hashOffset(0xbb3d, 100, 7), 0xbb3du % 7 + 100);
    EXPECT_EQ(hash::hashOffset(0xbb3d, 42, 0), 42u);       // max 0 is taken as 1
    EXPECT_EQ(hash::hashOffset(5, ~uint64_t{0}, 16), 4u);  // modulo 2^64
}

// The linear form the Verilog backend builds equals the CRC on random inputs.
TEST(HashLibrary, LinearCrcEqualsTheCrc) {
    std::mt19937_64 rng(15);
    for (auto a : {HashAlgorithm::Crc16, HashAlgorithm::Crc32}) {
        const hash::Crc c = *hash::crcOf(a);
        for (size_t n : {1u, 2u, 7u, 13u}) {
            const hash::LinearCrc l = hash::linearCrc(c, n);
            for (int k = 0; k < 50; ++k) {
                std::vector<uint8_t> d(n);
                for (auto& b : d) b = static_cast<uint8_t>(rng());
                uint64_t v = l.constant;
                for (size_t i = 0; i < n * 8; ++i)
                    if ((d[i / 8] >> (7 - i % 8)) & 1) v ^= l.columns[i];
                EXPECT_EQ(v, crcOf(c, d));
            }
        }
    }
}

std::unique_ptr<Frontend> compileText(const std::string& text) {
    const std::string path =
        ::testing::TempDir() + "/hash_test_" + std::to_string(getpid()) + ".p4";
    std::ofstream(path) << text;
    PreprocessOptions pp;
    pp.p4includeDir = std::string(HOP_SOURCE_DIR) + "/p4include";
    std::string error;
    auto source = preprocess(path, pp, error);
    std::remove(path.c_str());
    EXPECT_TRUE(source.has_value()) << error;
    if (!source) return nullptr;
    return runFrontend(std::move(*source), {.languageOnly = false, .name = "hash_test"});
}

std::string printed(const Diagnostics& d) {
    std::ostringstream os;
    d.print(os);
    return os.str();
}

// A program whose ingress is `body` (line 10 of the source), hashing into hdr.h.r.
std::string program(const std::string& body) {
    return R"(#include <core.p4>
#include <v1model.p4>
header h_t { bit<32> a; bit<16> r; }
struct headers { h_t h; }
struct metadata { bit<32> m; }
parser P(packet_in p, out headers hdr, inout metadata m, inout standard_metadata_t sm) {
    state start { p.extract(hdr.h); transition accept; }
}
control I(inout headers hdr, inout metadata m, inout standard_metadata_t sm) {
)" + body + R"(
}
control VC(inout headers hdr, inout metadata m) { apply { } }
control E(inout headers hdr, inout metadata m, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata m) { apply { } }
control D(packet_out p, in headers hdr) { apply { p.emit(hdr.h); } }
V1Switch(P(), VC(), I(), E(), CC(), D()) main;
)";
}

TEST(HashExtern, LowersToOneHashStatement) {
    auto fe = compileText(
        program("    apply { hash(hdr.h.r, HashAlgorithm.crc16, 16w3, { hdr.h.a, m.m }, 32w7); }"));
    ASSERT_TRUE(fe && fe->ok) << printed(*fe->diags);
    const std::string d = ir::dumpIr(*fe->ir);
    EXPECT_NE(d.find("hdr.h.r = hash(crc16, 16w3, {hdr.h.a, meta.m}, 32w7)"), std::string::npos)
        << d;
}

TEST(HashExtern, RandomAlgorithmIsALocatedError) {
    auto fe = compileText(
        program("    apply { hash(hdr.h.r, HashAlgorithm.random, 16w0, { hdr.h.a }, 32w7); }"));
    ASSERT_TRUE(fe);
    EXPECT_FALSE(fe->ok);
    const std::string out = printed(*fe->diags);
    EXPECT_NE(out.find(":10:27: error: HashAlgorithm.random (BMv2 simple_switch has no 'random' "
                       "hash algorithm"),
              std::string::npos)
        << out;
}

// h % max for a max known only at run time would need a divider in the stage.
// A run-time max is a division over pipeline stages (runtime_modulo_test.cpp has the rest).
TEST(HashExtern, RunTimeMaxBuilds) {
    auto fe = compileText(
        program("    apply { hash(hdr.h.r, HashAlgorithm.crc16, 16w0, { hdr.h.a }, m.m); }"));
    ASSERT_TRUE(fe && fe->ok) << printed(*fe->diags);
    Diagnostics d(fe->source.get());
    auto out = verilog::generate(*fe->ir, {}, d);
    EXPECT_TRUE(out.has_value()) << printed(d);
}

TEST(HashExtern, ConstantMaxBuilds) {
    auto fe = compileText(
        program("    apply { hash(hdr.h.r, HashAlgorithm.crc32, 16w0, { hdr.h.a }, 32w1000); }"));
    ASSERT_TRUE(fe && fe->ok) << printed(*fe->diags);
    Diagnostics d(fe->source.get());
    auto out = verilog::generate(*fe->ir, {}, d);
    ASSERT_TRUE(out.has_value()) << printed(d);
}

}  // namespace
}  // namespace hop
