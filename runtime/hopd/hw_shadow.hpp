// SPDX-License-Identifier: Apache-2.0
// What hopd expects the table memories to hold, learnt from the CSR writes it sends (or replays):
// for every table block of the register map, the staging words at each COMMIT (exact, direct
// and ternary blocks: entry index -> {ctrl, action, params, key, mask}; LPM blocks: memory word
// {sel, addr} -> its chunks). readBack() fetches a word from the hardware through the blocks'
// read-back paths (exact/direct/ternary: COMMIT op 2 (3 for the default) then the staging
// words; LPM: READ then RDATA), so hopd can check that the board holds what it wrote.
//
// An LPM block's RAMs (a full table: a million words) are held flat: per memory, the words'
// chunks side by side (the memory's width from regmap::lpmMemories) and a bitmap of the words
// committed, grown up to the highest address written. Everything else (the small blocks, an
// LPM block's default result register, a word outside the block's geometry) is one map entry
// per word. save() / restore() copy it all through a table snapshot (tables::SnapshotWriter).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "regmap/regmap.hpp"
#include "runtime/device/device.hpp"
#include "runtime/tables/snapshot.hpp"
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

    // Follows absolute-address writes in order; returns the last `keep` words they committed
    // (a bulk update commits a million).
    std::vector<WordRef> observe(const tables::CsrWrites& writes, size_t keep = SIZE_MAX);

    // The 32-bit words the hardware should hold at `ref`, or nullopt when hopd committed none.
    std::optional<std::vector<uint32_t>> expected(const WordRef& ref) const;
    // Every committed word of one block, in index order.
    void forEachWord(
        size_t block,
        const std::function<void(const WordRef&, std::span<const uint32_t>)>& visit) const;
    size_t size() const { return committed_; }
    // Bytes held (the flat memories, bitmaps and map entries), for reports and tests.
    size_t memoryBytes() const;

    // The word as the hardware holds it, as many 32-bit words as expected() has (or `count`).
    std::optional<std::vector<uint32_t>> readBack(device::Device& dev, const WordRef& ref,
                                                  size_t count, std::string& error) const;

    const regmap::RegMap& map() const { return map_; }
    std::optional<size_t> blockOf(const std::string& tableName) const;

    // The whole shadow (committed words and staging registers) as one snapshot section.
    void save(tables::SnapshotWriter& out) const;
    // Reads what save() wrote for the same register map; on error (a damaged or foreign
    // snapshot) returns false with `error` and leaves the shadow as it was.
    bool restore(tables::SnapshotReader& in, std::string& error);

  private:
    struct Staging {
        std::vector<uint32_t> words;
        uint64_t written = 0;  // LPM: chunks written since the last commit (highest index + 1)
    };
    // One RAM of an LPM block: word a is data[a * chunks, (a + 1) * chunks), committed when bit
    // a of `committed` is set.
    struct FlatMemory {
        uint64_t capacity = 0;  // words the RAM has
        uint32_t chunks = 1;    // 32-bit chunks per word
        std::vector<uint32_t> data;
        std::vector<uint64_t> committed;
        bool has(uint64_t addr) const {
            return addr / 64 < committed.size() && ((committed[addr / 64] >> (addr % 64)) & 1);
        }
    };
    // The flat memory word of `ref`, or null when it is held in words_.
    const FlatMemory* flatOf(const WordRef& ref) const;
    void commitLpm(size_t block, uint32_t where, const Staging& s);

    regmap::RegMap map_;
    std::vector<Staging> staging_;
    std::vector<std::vector<FlatMemory>> flat_;  // per block; empty for other kinds
    std::map<WordRef, std::vector<uint32_t>> words_;
    size_t committed_ = 0;
};

}  // namespace hop::hopd
