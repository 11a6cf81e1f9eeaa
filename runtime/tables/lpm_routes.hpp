// SPDX-License-Identifier: Apache-2.0
// Prefix lists for the LPM builder, its tests and benchmarks: one prefix a line (`a.b.c.d/len`
// or an IPv6 prefix), optionally gzip-compressed (read through `zcat`), IPv4 and IPv6 apart.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "runtime/tables/lpm.hpp"

namespace hop::tables {

// `10.0.0.0/8` (family 4, a 32-bit key) or `2001:db8::/32` (family 6, a 128-bit key); the
// result is left 0. nullopt for anything else, including the other family.
std::optional<LpmRoute> parsePrefix(const std::string& text, int family);

// Every prefix of `family` in the file, in file order; lines of the other family, blank lines
// and lines starting with `#` or `;` are skipped. A `.gz` file is read through zcat.
// Sets `error` (and returns what was read) when the file cannot be read or a line is malformed.
std::vector<LpmRoute> readPrefixFile(const std::string& path, int family, std::string& error);

}  // namespace hop::tables
