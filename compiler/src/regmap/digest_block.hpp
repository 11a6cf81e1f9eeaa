// SPDX-License-Identifier: Apache-2.0
// The register map's digest block: one rtl/hop_digest_fifo.sv for every digest of the program
// (v1model's digest<T>, ir.hpp's Digest), and the layout of its entries, so the RTL engine and
// hopd decode digests from regmap.json alone.
//
// Entry layout (DATA_W = dataWidth bits, read as DATA words, low word first): bits [15:0] the
// digest's number (1 + its index in `types`, as ir::kDigestIdField holds it), then the digest's
// members in T's order from bit 16 up, the first member in the lowest bits. dataWidth is 16 +
// the widest digest's members.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ir/ir.hpp"
#include "regmap/digest_words.hpp"

namespace hop::regmap {

inline constexpr int kDigestNumberBits = 16;  // = ir::kDigestIdWidth
inline constexpr int kDigestDepth = 64;       // entries the FIFO holds while the host lags

struct DigestBlock {
    struct Member {
        std::string name;
        int width = 1, offset = 0;  // bits [offset, offset + width) of the entry
    };
    struct Type {
        std::string name;  // T's name, the P4Info digest's
        std::vector<Member> members;
    };
    std::vector<Type> types;  // type i has number i + 1
    int dataWidth = kDigestNumberBits, depth = kDigestDepth;
    uint32_t base = 0, span = 0;
};

// The block of a program that calls digest (base and span left 0), nullopt otherwise.
std::optional<DigestBlock> digestBlock(const ir::Program& program);

nlohmann::json digestToJson(const DigestBlock& block);
// nullopt with `error` naming what is malformed (`path` is the JSON path of `json`).
std::optional<DigestBlock> digestFromJson(const nlohmann::json& json, const std::string& path,
                                          uint32_t mapBytes, std::string& error);

// One decoded digest: its type (index into DigestBlock::types) and its members' values.
struct DigestEntry {
    int type = -1;
    std::vector<ir::BigInt> values;
};
// An entry from its DATA words (DigestBlock::dataWidth bits, low word first); nullopt with
// `error` when its number names no digest.
std::optional<DigestEntry> decodeDigest(const DigestBlock& block,
                                        const std::vector<uint32_t>& words, std::string& error);

}  // namespace hop::regmap
