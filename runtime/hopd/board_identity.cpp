// SPDX-License-Identifier: Apache-2.0
#include "runtime/hopd/board_identity.hpp"

#include <fmt/format.h>

namespace hop::hopd {

std::optional<IdentityError> checkBoardIdentity(device::Device& board, const regmap::RegMap& map,
                                                uint64_t hash, const std::string& program,
                                                const std::string& origin) {
    const auto& info = board.info();
    std::string error;
    auto word = [&](int index) { return board.read(map.pipelineBase + 4 * index, error); };
    auto id = word(regmap::kWordId);
    auto width = id ? word(regmap::kWordDataWidth) : std::nullopt;
    if (!width) return IdentityError{3, error};
    if (*id != regmap::kPipelineId || *width != static_cast<uint32_t>(info.dataWidth)) {
        return IdentityError{3, fmt::format("{} does not identify as a DATA_W={} pipeline",
                                            board.name(), info.dataWidth)};
    }
    if (!board.read(map.mapBytes - 4, error)) {
        return IdentityError{3, fmt::format("the register map of {} at DATA_W={} needs 0x{:x} "
                                            "bytes of CSR space: {}",
                                            program, info.dataWidth, map.mapBytes, error)};
    }
    auto lo = word(regmap::kWordHashLo);
    auto hi = lo ? word(regmap::kWordHashHi) : std::nullopt;
    if (!hi) return IdentityError{3, error};
    const uint64_t boardHash = uint64_t{*hi} << 32 | *lo;
    if (boardHash != hash) {
        return IdentityError{
            1, fmt::format("{} runs a program with hash 0x{:016x}, {} has 0x{:016x} (compile {} "
                           "again for this board, or give the directory it was built from)",
                           board.name(), boardHash, origin, hash, program)};
    }
    return std::nullopt;
}

}  // namespace hop::hopd
