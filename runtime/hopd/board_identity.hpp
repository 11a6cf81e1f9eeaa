// SPDX-License-Identifier: Apache-2.0
// Is this board running this compiled program? The pipeline's ID words say so exactly: ID
// (regmap::kPipelineId), DATA_W, and HASH_LO/HI, the content hash of the register map the
// program was compiled with; and the whole register map must be decoded (a BAR too small for
// it fails here, not halfway through loading a table). Needs only the device and the map.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "regmap/regmap.hpp"
#include "runtime/device/device.hpp"

namespace hop::hopd {

struct IdentityError {
    int exitCode = 1;     // 3: the board did not answer or is no pipeline; 1: another program
    std::string message;  // one line, without "error:"
};

// `program`: the program's name; `origin`: where its compiled files come from (messages);
// `hash`: the content hash of `map`, as the compiled program records it.
std::optional<IdentityError> checkBoardIdentity(device::Device& board, const regmap::RegMap& map,
                                                uint64_t hash, const std::string& program,
                                                const std::string& origin);

}  // namespace hop::hopd
