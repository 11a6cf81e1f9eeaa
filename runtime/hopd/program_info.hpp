// SPDX-License-Identifier: Apache-2.0
// What hopd takes from a program's P4Info (`<prog>.p4info.json`, which hopc writes beside the
// program's other outputs): the layout of the controller headers packet_in and packet_out
// (DESIGN.md, "CPU port and punt") and the full names of the tables by alias.
//
// hopd needs, in any order and among any other fields (all fields together a whole number of
// bytes, as P4 headers are):
//   packet_in:  ingress_port (at most 16 bits), reason (at most 8 bits)
//   packet_out: egress_port (at most 16 bits); hopd writes every other field as zero.
// router.p4's are packet_in {ingress_port:9, reason:7} and packet_out {egress_port:9, _pad:7}.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "runtime/router/types.hpp"

namespace hop::hopd {

struct ControllerHeaderLayout {
    struct Field {
        std::string name;
        int bits = 0;
        int offset = 0;  // from the header's first bit (the most significant bit of byte 0)
    };
    std::string name;
    std::vector<Field> fields;
    int bytes = 0;
    const Field* field(const std::string& fieldName) const;
    std::string str() const;  // `packet_in {ingress_port:9, reason:7}`
    friend bool operator==(const ControllerHeaderLayout& a, const ControllerHeaderLayout& b) {
        return a.str() == b.str();
    }
};

struct PacketIn {
    router::Port ingressPort = 0;
    uint8_t reason = 0;
    router::ByteView frame;
};

struct ProgramInfo {
    std::string file;  // where it was read from (or what it was generated from)
    ControllerHeaderLayout packetIn, packetOut;
    std::map<std::string, std::string> tables;  // alias -> full name

    // A whole packet_in message; nullopt when it is shorter than the header.
    std::optional<PacketIn> decodePacketIn(router::ByteView message) const;
    // packet_out (egress_port; other fields zero) + frame. Only the field's low bits of `port`
    // fit.
    router::Bytes encodePacketOut(router::Port port, router::ByteView frame) const;
};

// P4Info in protobuf's JSON mapping; every error is `FILE: error: ...` with `file` as given.
// `controllerHeaders` false (hopd --no-router): a program without packet_in and packet_out is
// taken too (the layouts stay empty, bytes 0); one that has them must have them right.
std::optional<ProgramInfo> parseP4Info(const nlohmann::json& doc, const std::string& file,
                                       std::string& error, bool controllerHeaders = true);
std::optional<ProgramInfo> readP4InfoFile(const std::string& path, std::string& error);

// The P4Info of a hopc output directory: its one `*.p4info.json` (if there are several, the one
// named after the program's source file). Nullopt with `error`.
std::optional<std::string> findP4InfoFile(const std::string& directory,
                                          const std::string& sourcePath, std::string& error);

}  // namespace hop::hopd
