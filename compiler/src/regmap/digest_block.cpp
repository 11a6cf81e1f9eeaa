// SPDX-License-Identifier: Apache-2.0
#include "regmap/digest_block.hpp"

#include <fmt/format.h>

namespace hop::regmap {

std::optional<DigestBlock> digestBlock(const ir::Program& program) {
    if (program.digests.empty()) return std::nullopt;
    DigestBlock b;
    for (const auto& d : program.digests) {
        DigestBlock::Type t;
        t.name = d.name;
        int offset = kDigestNumberBits;
        for (const auto& f : d.fields) {
            t.members.push_back({f.name, f.width, offset});
            offset += f.width;
        }
        b.dataWidth = std::max(b.dataWidth, offset);
        b.types.push_back(std::move(t));
    }
    b.span = digestSpan(static_cast<uint32_t>(b.dataWidth));
    return b;
}

nlohmann::json digestToJson(const DigestBlock& block) {
    nlohmann::json types = nlohmann::json::array();
    for (size_t i = 0; i < block.types.size(); ++i) {
        nlohmann::json members = nlohmann::json::array();
        for (const auto& m : block.types[i].members)
            members.push_back({{"name", m.name}, {"width", m.width}, {"offset", m.offset}});
        types.push_back({{"name", block.types[i].name}, {"number", i + 1}, {"members", members}});
    }
    return {{"module", "hop_digest_fifo"},
            {"base", block.base},
            {"span", block.span},
            {"data_width", block.dataWidth},
            {"depth", block.depth},
            {"number_bits", kDigestNumberBits},
            {"registers",
             {{"COUNT", 4 * kDigestWordCount},
              {"DROPS", 4 * kDigestWordDrops},
              {"POP", 4 * kDigestWordPop},
              {"WORDS", 4 * kDigestWordWords},
              {"DATA", 4 * kDigestWordData}}},
            {"types", types}};
}

namespace {

struct Bad {
    std::string what;
};

int64_t integer(const nlohmann::json& j, const std::string& path, const char* key, int64_t lo,
                int64_t hi) {
    if (!j.is_object() || !j.contains(key) || !j[key].is_number_integer())
        throw Bad{fmt::format("{}.{} must be an integer", path, key)};
    const int64_t v = j[key].get<int64_t>();
    if (v < lo || v > hi)
        throw Bad{fmt::format("{}.{} = {} is outside {}..{}", path, key, v, lo, hi)};
    return v;
}

std::string name(const nlohmann::json& j, const std::string& path) {
    if (!j.is_object() || !j.contains("name") || !j["name"].is_string())
        throw Bad{path + ".name must be a string"};
    return j["name"].get<std::string>();
}

}  // namespace

std::optional<DigestBlock> digestFromJson(const nlohmann::json& json, const std::string& path,
                                          uint32_t mapBytes, std::string& error) {
    try {
        DigestBlock b;
        b.dataWidth = static_cast<int>(integer(json, path, "data_width", kDigestNumberBits, 4096));
        b.depth = static_cast<int>(integer(json, path, "depth", 2, 1 << 16));
        if ((b.depth & (b.depth - 1)) != 0) throw Bad{path + ".depth must be a power of two"};
        if (integer(json, path, "number_bits", 0, 64) != kDigestNumberBits)
            throw Bad{fmt::format("{}.number_bits must be {}", path, kDigestNumberBits)};
        b.base = static_cast<uint32_t>(integer(json, path, "base", 0, UINT32_MAX));
        b.span = static_cast<uint32_t>(integer(json, path, "span", 4, UINT32_MAX));
        if (b.span != digestSpan(static_cast<uint32_t>(b.dataWidth)) || b.base % b.span != 0 ||
            uint64_t{b.base} + b.span > mapBytes)
            throw Bad{
                fmt::format("{}: base 0x{:x} / span 0x{:x} do not fit", path, b.base, b.span)};
        if (!json.contains("types") || !json["types"].is_array() || json["types"].empty())
            throw Bad{path + ".types must be a non-empty array"};
        const auto& types = json["types"];
        for (size_t i = 0; i < types.size(); ++i) {
            const std::string tp = fmt::format("{}.types[{}]", path, i);
            DigestBlock::Type t;
            t.name = name(types[i], tp);
            if (integer(types[i], tp, "number", 1, 65535) != static_cast<int64_t>(i + 1))
                throw Bad{fmt::format("{}.number must be {}", tp, i + 1)};
            if (!types[i].contains("members") || !types[i]["members"].is_array())
                throw Bad{tp + ".members must be an array"};
            const auto& members = types[i]["members"];
            for (size_t k = 0; k < members.size(); ++k) {
                const std::string mp = fmt::format("{}.members[{}]", tp, k);
                DigestBlock::Member m;
                m.name = name(members[k], mp);
                m.width = static_cast<int>(integer(members[k], mp, "width", 1, b.dataWidth));
                m.offset = static_cast<int>(
                    integer(members[k], mp, "offset", kDigestNumberBits, b.dataWidth - m.width));
                t.members.push_back(std::move(m));
            }
            b.types.push_back(std::move(t));
        }
        return b;
    } catch (const Bad& bad) {
        error = bad.what;
    }
    return std::nullopt;
}

std::optional<DigestEntry> decodeDigest(const DigestBlock& block,
                                        const std::vector<uint32_t>& words, std::string& error) {
    ir::BigInt all = 0;
    for (size_t i = words.size(); i-- > 0;) all = (all << 32) | words[i];
    auto bits = [&](int offset, int width) {
        return ir::BigInt((all >> offset) & ((ir::BigInt(1) << width) - 1));
    };
    const int number = static_cast<int>(bits(0, kDigestNumberBits));
    if (number < 1 || number > static_cast<int>(block.types.size())) {
        error = fmt::format("a digest entry with number {} (the program has {} digests)", number,
                            block.types.size());
        return std::nullopt;
    }
    DigestEntry e;
    e.type = number - 1;
    for (const auto& m : block.types[e.type].members) e.values.push_back(bits(m.offset, m.width));
    return e;
}

}  // namespace hop::regmap
