// SPDX-License-Identifier: Apache-2.0
// hopd's P4Info reader: the packet_in / packet_out layouts (router.p4's and others), the
// tables by alias, every malformed or missing layout as one error naming the file, and
// finding the P4Info of a hopc output directory.
#include "runtime/hopd/program_info.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "runtime/router/punt.hpp"

namespace hop::hopd {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json header(const std::string& name, const std::vector<std::pair<std::string, int>>& fields) {
    json metadata = json::array();
    int id = 1;
    for (const auto& [field, bits] : fields) {
        metadata.push_back({{"id", id++}, {"name", field}, {"bitwidth", bits}});
    }
    return {{"preamble", {{"id", 67000000 + id}, {"name", name}, {"alias", name}}},
            {"metadata", metadata}};
}

// router.p4's P4Info as hopc writes it (the parts hopd reads).
json routerP4Info() {
    json doc;
    doc["controllerPacketMetadata"] = {header("packet_in", {{"ingress_port", 9}, {"reason", 7}}),
                                       header("packet_out", {{"egress_port", 9}, {"_pad", 7}})};
    doc["tables"] = json::array();
    for (const char* t : {"port_mac", "local_addr", "ipv4_lpm", "nexthop", "egress_mtu"}) {
        doc["tables"].push_back(
            {{"preamble", {{"name", std::string("RouterIngress.") + t}, {"alias", t}}}});
    }
    return doc;
}

TEST(ProgramInfo, RouterLayoutMatchesThePuntHelpers) {
    std::string error;
    auto info = parseP4Info(routerP4Info(), "router.p4info.json", error);
    ASSERT_TRUE(info) << error;
    EXPECT_EQ(info->packetIn.str(), "packet_in {ingress_port:9, reason:7}");
    EXPECT_EQ(info->packetOut.str(), "packet_out {egress_port:9, _pad:7}");
    EXPECT_EQ(info->packetIn.bytes, 2);
    EXPECT_EQ(info->tables.at("ipv4_lpm"), "RouterIngress.ipv4_lpm");
    const router::Bytes frame = {1, 2, 3, 4, 5};
    for (router::Port port : {0, 1, 2, 257, 509, 511}) {
        EXPECT_EQ(info->encodePacketOut(port, frame), router::encodePacketOut(port, frame));
        router::Bytes message = {static_cast<uint8_t>(port >> 1),
                                 static_cast<uint8_t>((port & 1) << 7 | 5), 9, 8};
        auto in = info->decodePacketIn(message);
        auto want = router::decodePacketIn(message);
        ASSERT_TRUE(in && want);
        EXPECT_EQ(in->ingressPort, want->ingressPort);
        EXPECT_EQ(in->reason, want->reason);
        EXPECT_EQ(in->frame.size(), 2u);
    }
    EXPECT_FALSE(info->decodePacketIn(router::Bytes{7}));
}

TEST(ProgramInfo, AnotherLayout) {
    // packet_in {pad:4, reason:8, ingress_port:12, flags:8}, packet_out {x:3, egress_port:16, y:5}
    json doc;
    doc["controllerPacketMetadata"] = {
        header("packet_in", {{"pad", 4}, {"reason", 8}, {"ingress_port", 12}, {"flags", 8}}),
        header("packet_out", {{"x", 3}, {"egress_port", 16}, {"y", 5}}),
        header("digest_like", {{"whatever", 3}})};  // other controller headers are ignored
    std::string error;
    auto info = parseP4Info(doc, "other.p4info.json", error);
    ASSERT_TRUE(info) << error;
    EXPECT_EQ(info->packetIn.bytes, 4);
    // pad=0xf reason=0xa5 ingress_port=0x123 flags=0xff, then the frame
    const router::Bytes message = {0xfa, 0x51, 0x23, 0xff, 0xee};
    auto in = info->decodePacketIn(message);
    ASSERT_TRUE(in);
    EXPECT_EQ(in->reason, 0xa5);
    EXPECT_EQ(in->ingressPort, 0x123);
    ASSERT_EQ(in->frame.size(), 1u);
    EXPECT_EQ(in->frame[0], 0xee);
    // egress_port 0xabcd at bits 3..18: 000 1010 1011 1100 1101 00000
    const router::Bytes frame = {0x42};
    EXPECT_EQ(info->encodePacketOut(0xabcd, frame), (router::Bytes{0x15, 0x79, 0xa0, 0x42}));
}

void expectError(const json& doc, const std::string& message) {
    std::string error;
    EXPECT_FALSE(parseP4Info(doc, "prog.p4info.json", error));
    EXPECT_EQ(error, "prog.p4info.json: error: " + message);
}

TEST(ProgramInfo, MalformedOrMissingLayouts) {
    json doc = routerP4Info();
    doc.erase("controllerPacketMetadata");
    expectError(doc,
                "no controllerPacketMetadata 'packet_in' (hopd needs a header annotated "
                "@controller_header(\"packet_in\"); router.p4's are packet_in {ingress_port:9, "
                "reason:7} and packet_out {egress_port:9, _pad:7})");
    doc = routerP4Info();
    doc["controllerPacketMetadata"].erase(1);
    expectError(doc,
                "no controllerPacketMetadata 'packet_out' (hopd needs a header annotated "
                "@controller_header(\"packet_out\"); router.p4's are packet_in {ingress_port:9, "
                "reason:7} and packet_out {egress_port:9, _pad:7})");
    doc = routerP4Info();
    doc["controllerPacketMetadata"][0] = header("packet_in", {{"ingress_port", 9}, {"why", 7}});
    expectError(doc,
                "controllerPacketMetadata packet_in {ingress_port:9, why:7} has no field "
                "'reason'");
    doc["controllerPacketMetadata"][0] = header("packet_in", {{"ingress_port", 9}, {"reason", 6}});
    expectError(doc,
                "controllerPacketMetadata packet_in {ingress_port:9, reason:6} is 15 bits, "
                "not a whole number of bytes");
    doc["controllerPacketMetadata"][0] = header("packet_in", {{"ingress_port", 20}, {"reason", 4}});
    expectError(doc,
                "controllerPacketMetadata packet_in {ingress_port:20, reason:4}: "
                "'ingress_port' is 20 bits, hopd takes at most 16");
    doc["controllerPacketMetadata"][0] = header("packet_in", {{"ingress_port", 9}, {"reason", 7}});
    doc["controllerPacketMetadata"][0]["metadata"][1]["bitwidth"] = "7";
    expectError(doc,
                "controllerPacketMetadata 'packet_in' field 'reason' has no valid bitwidth "
                "(a positive integer)");
    doc["controllerPacketMetadata"][0]["metadata"][1].erase("bitwidth");
    expectError(doc,
                "controllerPacketMetadata 'packet_in' field 'reason' has no valid bitwidth "
                "(a positive integer)");
    doc["controllerPacketMetadata"][0]["metadata"][1] = json::object();
    expectError(doc, "controllerPacketMetadata 'packet_in' field 2 has no name");
    doc["controllerPacketMetadata"][0]["metadata"] = json::array();
    expectError(doc, "controllerPacketMetadata 'packet_in' has no metadata fields");
    doc["controllerPacketMetadata"][0].erase("preamble");
    expectError(doc, "a controllerPacketMetadata entry has no preamble name");
    doc["controllerPacketMetadata"] = 3;
    expectError(doc, "controllerPacketMetadata is not a list");
    expectError(json::array(), "not a P4Info JSON object");
    doc = routerP4Info();
    doc["controllerPacketMetadata"][1] = header("packet_out", {{"port", 9}, {"_pad", 7}});
    expectError(doc,
                "controllerPacketMetadata packet_out {port:9, _pad:7} has no field "
                "'egress_port'");
}

class TempDir {
  public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "hopd-p4info.XXXXXX").string();
        path = ::mkdtemp(pattern.data());
    }
    ~TempDir() { fs::remove_all(path); }
    void write(const std::string& name, const std::string& text) const {
        std::ofstream(fs::path(path) / name) << text;
    }
    std::string path;
};

TEST(ProgramInfo, Files) {
    TempDir dir;
    std::string error;
    EXPECT_FALSE(findP4InfoFile(dir.path, "/src/router.p4", error));
    EXPECT_EQ(error, dir.path +
                         ": error: no PROGRAM.p4info.json in this hopc output directory "
                         "(hopd reads the packet_in / packet_out layout from it); compile "
                         "the program again with hopc");
    dir.write("router.p4info.json", routerP4Info().dump());
    dir.write("program.json", "{}");
    auto file = findP4InfoFile(dir.path, "/src/router.p4", error);
    ASSERT_TRUE(file) << error;
    EXPECT_EQ(*file, dir.path + "/router.p4info.json");
    auto info = readP4InfoFile(*file, error);
    ASSERT_TRUE(info) << error;
    EXPECT_EQ(info->file, *file);
    dir.write("old.p4info.json", "{}");
    file = findP4InfoFile(dir.path, "/src/router.p4", error);
    ASSERT_TRUE(file) << error;
    EXPECT_EQ(*file, dir.path + "/router.p4info.json");
    EXPECT_FALSE(findP4InfoFile(dir.path, "/src/other.p4", error));
    EXPECT_EQ(error, dir.path + ": error: 2 P4Info files and none named other.p4info.json");

    dir.write("bad.p4info.json", "{\"controllerPacketMetadata\": [");
    EXPECT_FALSE(readP4InfoFile(dir.path + "/bad.p4info.json", error));
    EXPECT_EQ(error, dir.path + "/bad.p4info.json: error: malformed JSON");
    EXPECT_FALSE(readP4InfoFile(dir.path + "/old.p4info.json", error));
    EXPECT_EQ(error.rfind(dir.path + "/old.p4info.json: error: no controllerPacketMetadata "
                                     "'packet_in'",
                          0),
              0u)
        << error;
    EXPECT_FALSE(readP4InfoFile(dir.path + "/none.p4info.json", error));
    EXPECT_EQ(error, dir.path + "/none.p4info.json: error: cannot read the file");
}

}  // namespace
}  // namespace hop::hopd
