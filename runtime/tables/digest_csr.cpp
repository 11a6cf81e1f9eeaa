// SPDX-License-Identifier: Apache-2.0
#include "runtime/tables/digest_csr.hpp"

#include "runtime/tables/entry_parse.hpp"

namespace hop::tables {

bool popDigests(const regmap::DigestBlock& block, const CsrPort& port, DigestPoll& poll,
                std::string& error, size_t max) {
    const uint32_t words = (static_cast<uint32_t>(block.dataWidth) + 31) / 32;
    auto at = [&](uint32_t word) { return block.base + 4 * word; };
    size_t popped = 0;
    for (;;) {
        auto count = port.read(at(regmap::kDigestWordCount), error);
        if (!count) return false;
        if (*count == 0 || (max && popped >= max)) break;
        for (uint32_t n = 0; n < *count && !(max && popped >= max); ++n) {
            std::vector<uint32_t> data;
            for (uint32_t w = 0; w < words; ++w) {
                auto v = port.read(at(regmap::kDigestWordData + w), error);
                if (!v) return false;
                data.push_back(*v);
            }
            auto entry = regmap::decodeDigest(block, data, error);
            if (!entry) return false;
            if (!port.write(at(regmap::kDigestWordPop), 1, error)) return false;
            poll.entries.push_back(std::move(*entry));
            ++popped;
        }
    }
    auto drops = port.read(at(regmap::kDigestWordDrops), error);
    if (!drops) return false;
    poll.drops = *drops;
    return true;
}

std::string digestText(const regmap::DigestBlock& block, const regmap::DigestEntry& entry) {
    const auto& t = block.types.at(entry.type);
    std::string out = t.name;
    for (size_t i = 0; i < t.members.size() && i < entry.values.size(); ++i)
        out += " " + t.members[i].name + "=" + parse::hexString(entry.values[i]);
    return out;
}

}  // namespace hop::tables
