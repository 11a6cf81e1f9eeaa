// SPDX-License-Identifier: Apache-2.0
#include "runtime/device/identity.hpp"

#include <fmt/format.h>

namespace hop::device {

std::optional<Identity> readIdentity(Device& board, uint32_t pipelineBase, std::string& error) {
    Identity id;
    auto word = [&](uint32_t w, uint32_t& out) {
        auto v = board.read(pipelineBase + 4 * w, error);
        if (v) out = *v;
        return v.has_value();
    };
    uint32_t lo = 0, hi = 0;
    if (!word(regmap::kWordId, id.id) || !word(regmap::kWordDataWidth, id.dataWidth) ||
        !word(regmap::kWordHashLo, lo) || !word(regmap::kWordHashHi, hi)) {
        return std::nullopt;
    }
    id.hash = (uint64_t{hi} << 32) | lo;
    return id;
}

IdentityCheck checkIdentity(Device& board, const regmap::RegMap& map, uint64_t hash,
                            const std::string& origin, std::string& error) {
    auto id = readIdentity(board, map.pipelineBase, error);
    if (!id) return IdentityCheck::Unreadable;
    if (id->id != regmap::kPipelineId) {
        error = fmt::format("{} does not identify as a hopline pipeline (ID word 0x{:08x})",
                            board.name(), id->id);
        return IdentityCheck::NotAPipeline;
    }
    if (id->dataWidth != static_cast<uint32_t>(map.dataWidth) || id->hash != hash) {
        error = fmt::format(
            "{} runs a program with register-map hash 0x{:016x} at DATA_W={}; {} has hash "
            "0x{:016x} at DATA_W={} (give the compiled directory the board was built from, or "
            "load the board with this one)",
            board.name(), id->hash, id->dataWidth, origin, hash, map.dataWidth);
        return IdentityCheck::Other;
    }
    // A BAR too small for the map fails here, not halfway through loading a table.
    std::string why;
    if (!board.read(map.mapBytes - 4, why)) {
        error =
            fmt::format("the register map of {} at DATA_W={} needs 0x{:x} bytes of CSR space: {}",
                        map.program, map.dataWidth, map.mapBytes, why);
        return IdentityCheck::Unreadable;
    }
    return IdentityCheck::Same;
}

int exitCode(IdentityCheck check) {
    switch (check) {
        case IdentityCheck::Same:
            return 0;
        case IdentityCheck::Other:
            return 1;
        case IdentityCheck::Unreadable:
        case IdentityCheck::NotAPipeline:
            return 3;
    }
    return 3;
}

}  // namespace hop::device
