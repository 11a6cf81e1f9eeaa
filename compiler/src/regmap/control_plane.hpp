// SPDX-License-Identifier: Apache-2.0
// The control-plane view of a program, as regmap.json's "control_plane" carries it: every
// action's name and parameters (bodies left out), and every table's keys, listed actions,
// default action and entries, and the counters, meters and registers (name, kind, size,
// width; "externs", left out when the program has none). It says what a table block's key, action
// and parameter encodings mean (action code i = the table's i-th listed action; parameters packed
// as declared), so the table loader, hopd and the RTL engine work from a compiled directory alone.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "ir/ir.hpp"

namespace hop::regmap {

nlohmann::json controlPlaneJson(const ir::Program& program);

// An ir::Program holding `name`, `tables`, `actions` (without bodies) and `externs` read back from
// controlPlaneJson's output; nullopt with `error` naming the malformed member.
std::optional<ir::Program> controlPlaneProgram(const nlohmann::json& json, const std::string& name,
                                               std::string& error);

}  // namespace hop::regmap
