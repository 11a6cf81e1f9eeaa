// SPDX-License-Identifier: Apache-2.0
// P4Info (P4Runtime's description of a program's control-plane objects) as JSON, in protobuf's
// JSON mapping of p4.config.v1.P4Info: camelCase names, int64 as strings, enums by name,
// fields with default values left out.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "ir/ir.hpp"

namespace hop::p4info {

// The most significant byte of every P4Runtime id names the kind of object
// (p4.config.v1.P4Ids.Prefix).
enum class IdPrefix : uint32_t {
    Action = 0x01,
    Table = 0x02,
    ValueSet = 0x03,
    ControllerHeader = 0x04,
    ActionProfile = 0x11,
    Counter = 0x12,
    DirectCounter = 0x13,
    Meter = 0x14,
    DirectMeter = 0x15,
    Register = 0x16,
    Digest = 0x17,
};

// The hash p4c takes of a fully qualified name for the low 24 bits of an id (Jenkins'
// one-at-a-time), so that our ids equal p4c's for the same program.
uint32_t nameHash(const std::string& name);

// The ids and aliases of every control-plane object of a program, as p4c assigns them: @id
// annotations first, then per kind in ascending prefix order and by sorted name, the hash with
// linear probing on collision. Aliases are the shortest unique dot-separated suffix among all
// names.
struct Symbols {
    std::map<std::pair<IdPrefix, std::string>, uint32_t> ids;
    std::map<std::string, std::string> aliases;
    uint32_t id(IdPrefix prefix, const std::string& name) const;
    std::string alias(const std::string& name) const;
};
Symbols assignIds(const ir::Program& program);

nlohmann::json p4infoJson(const ir::Program& program);

}  // namespace hop::p4info
