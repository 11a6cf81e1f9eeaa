// SPDX-License-Identifier: Apache-2.0
// A logical table command as the BMv2 CLI line that parses back to it (tables::parseBmv2Command):
// full table and action names, values in hex, BMv2 priorities. hopd's state file is made of
// these lines.
#pragma once

#include <string>

#include "runtime/tables/entry.hpp"

namespace hop::hopd {

std::string toBmv2(const ir::Program& program, const tables::Command& command);

// `0x1f`
std::string hex(const tables::BigInt& value);

}  // namespace hop::hopd
