// SPDX-License-Identifier: Apache-2.0
// Is this board running this compiled program? The one check hopd, `hopsim load` and the
// board's own clients make before writing a table: the pipeline block's ID and DATA_W words,
// then its HASH_LO/HI words against the compiled program's content hash (regmap::contentHash,
// the manifest's regmap_hash), then that the whole register map is decoded.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "regmap/regmap.hpp"
#include "runtime/device/device.hpp"

namespace hop::device {

struct Identity {
    uint32_t id = 0;
    uint32_t dataWidth = 0;
    uint64_t hash = 0;
};

// The identity words of the pipeline block at `pipelineBase`, or nullopt with `error`.
std::optional<Identity> readIdentity(Device& board, uint32_t pipelineBase, std::string& error);

enum class IdentityCheck {
    Same,          // the board runs the program
    Unreadable,    // the board cannot be read, or does not decode the whole map (exit code 3)
    NotAPipeline,  // no hopline pipeline there (exit code 3)
    Other,         // another program, or the same at another DATA_W (exit code 1)
};

// Checks `board` against the program compiled in `origin` (a directory or a .p4 compiled in
// process; named in messages) with register map `map` and content hash `hash`. Anything but
// Same comes with `error`, a sentence naming the board and, for Other, both hashes.
IdentityCheck checkIdentity(Device& board, const regmap::RegMap& map, uint64_t hash,
                            const std::string& origin, std::string& error);

// The process exit code hopd and hopsim use for a check's outcome (0, 1 or 3).
int exitCode(IdentityCheck check);

}  // namespace hop::device
