// SPDX-License-Identifier: Apache-2.0
// The human-readable summary of a compiled program (`hopc --summary`), read from its P4Info so
// that it shows exactly what a controller sees.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace hop {

std::string summarizeP4Info(const nlohmann::json& p4info);

}  // namespace hop
