// SPDX-License-Identifier: Apache-2.0
// What hopd expects the table memories to hold, learnt from the CSR writes it sends (or replays):
// for every table block of the register map, the staging words at each COMMIT (exact, direct
// and ternary blocks: entry index -> {ctrl, action, params, key, mask}; LPM blocks: memory word
// {sel, addr} -> its chunks). readBack() fetches a word from the hardware through the blocks'
// read-back paths (exact/direct/ternary: COMMIT op 2 (3 for the default) then the staging
// words; LPM: READ then RDATA), so hopd can check that the board holds what it wrote.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "regmap/regmap.hpp"
#include "runtime/device/device.hpp"
#include "runtime/tables/table_csr.hpp"

namespace hop::hopd {

class HwShadow {
  public:
    explicit HwShadow(const regmap::RegMap& map);

    // Where one memory word lives: the block (index into map.tables) and, for exact/direct/
    // ternary blocks, the entry index (kDefault for the default registers), for LPM blocks
    // {sel[7:0], addr[23:0]}.
    struct WordRef {
        size_t block = 0;
        uint32_t where = 0;
        auto operator<=>(const WordRef&) const = default;
    };
    static constexpr uint32_t kDefault = 0xffffffffu;

    // Follows absolute-address writes in order; returns the words they committed.
    std::vector<WordRef> observe(const tables::CsrWrites& writes);

    const std::vector<uint32_t>* expected(const WordRef& ref) const;
    // Committed words of one block, in index order.
    std::vector<std::pair<WordRef, const std::vector<uint32_t>*>> words(size_t block) const;
    size_t size() const { return words_.size(); }

    // The word as the hardware holds it, as many 32-bit words as expected() has (or `count`).
    std::optional<std::vector<uint32_t>> readBack(device::Device& dev, const WordRef& ref,
                                                  size_t count, std::string& error) const;

    const regmap::RegMap& map() const { return map_; }
    std::optional<size_t> blockOf(const std::string& tableName) const;

  private:
    struct Staging {
        std::vector<uint32_t> words;
        size_t written = 0;  // LPM: chunks written since the last commit (highest index + 1)
    };
    regmap::RegMap map_;
    std::vector<Staging> staging_;
    std::map<WordRef, std::vector<uint32_t>> words_;
};

}  // namespace hop::hopd
