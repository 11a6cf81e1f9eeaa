// SPDX-License-Identifier: Apache-2.0
// LPM node-image builder for rtl/hop_table_lpm.sv: a pipelined multibit trie (Tree Bitmap
// style, no leaf pushing) with a direct-indexed first level, incremental make-before-break
// updates that report exactly the memory words a driver must write, and a software walker that
// reads the image exactly as the hardware does.
//
// Memories (one per pipeline stage; "mem" numbers are the RTL's memory select):
//   mem 0          L0, direct: 2^s0 words indexed by the top s0 key bits.
//                  word = {node_valid, node_ptr[A1], res_valid, res_idx[RA]}   (MSB..LSB)
//                  res_idx is the longest prefix of length <= s0 covering the entry.
//   mem k (1..L-1) trie level k: one word per node at bit depth d_k = s0+..+s_{k-1}, stride s_k.
//                  word = {child_bm[2^s], internal_bm[2^(s+1)-2], child_base[A_{k+1}],
//                  res_base[RA]} (child_bm and child_base are absent on the last level). internal
//                  bit (2^l - 2 + v) marks the prefix of length d_k + l whose bits below d_k are v
//                  (l = 1..s). Node children are one contiguous array at child_base, ordered by
//                  chunk; the node's prefixes one contiguous array at res_base in the result
//                  memory, ordered by internal bit.
//   mem L          results: one RW-bit word per prefix (the table's value: an action-data index,
//                  or {action, params} for a small table).
// A lookup reads L0, then one node per level while the child bit is set, remembering the
// result index of the longest internal match; a final read of the result memory. Every prefix
// occupies exactly one result word, so result memory = number of prefixes.
//
// Sizing rule (LpmConfig::forSize): size = P4 `size` = max prefixes. results = size + slack;
// level k holds at most min(2^d_k, size) nodes (a node exists only above a prefix), plus slack
// for one make-before-break copy of the largest child array. nodesPerPrefix (measured on a
// representative table) caps the levels for big tables; see kIpv4InternetNodesPerPrefix.
//
// Updates are hitless: new arrays go to free space first, then one word flips (the parent's
// node word or an L0 word; changing an existing prefix's value is one result-word write).
// Space freed by an update is quarantined until the next update starts, so the driver must let
// the pipeline drain (LATENCY cycles; any CSR round trip) between updates.
// Prefix values with bits set below the prefix length are rejected (not normalised).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "regmap/lpm_config.hpp"

namespace hop::tables {

class SnapshotReader;
class SnapshotWriter;

using LpmKey = unsigned __int128;

enum class LpmErrc {
    Ok,
    PrefixTooLong,    // length > key width
    HostBitsSet,      // value has bits below the prefix length
    ValueTooWide,     // result does not fit resultWidth
    TableFull,        // `size` prefixes already
    MemoryExhausted,  // a level's (or the result) memory has no room for the new array
    NotFound,         // erase of a prefix that is not there
};

struct LpmStatus {
    LpmErrc code = LpmErrc::Ok;
    std::string message;
    explicit operator bool() const { return code == LpmErrc::Ok; }
};

// One word for the driver: stage `data` (32-bit chunks, least significant first) and commit it
// to memory `mem` at `addr`. Writes of one update must be applied in the reported order.
struct LpmWordWrite {
    int mem = 0;
    uint32_t addr = 0;
    std::vector<uint32_t> data;
    bool operator==(const LpmWordWrite&) const = default;
};

// Receives the words of a bulk rebuild, in the order they must be written.
class LpmWordSink {
  public:
    virtual ~LpmWordSink() = default;
    // Before the words: how many follow for each memory (index = mem).
    virtual void expect(std::span<const size_t> wordsPerMemory) { (void)wordsPerMemory; }
    virtual void word(int mem, uint32_t addr, std::span<const uint32_t> data) = 0;
};

struct LpmRoute {
    LpmKey value = 0;  // right-aligned keyWidth-bit value
    int length = 0;
    uint64_t result = 0;
};

struct LpmMemoryInfo {
    std::string name;
    int wordBits = 0;
    int addrBits = 0;
    uint64_t capacityWords = 0;
    uint64_t usedWords = 0;
    uint64_t usedBytes() const { return (usedWords * wordBits + 7) / 8; }
    uint64_t capacityBytes() const { return (capacityWords * wordBits + 7) / 8; }
};

class Lpm {
  public:
    explicit Lpm(LpmConfig config);  // throws std::invalid_argument when !validate().empty()
    ~Lpm();
    Lpm(Lpm&&) noexcept;
    Lpm& operator=(Lpm&&) noexcept;

    const LpmConfig& config() const;
    int levels() const;           // L (memories 0..L-1 are trie levels, L is results)
    int memories() const;         // L + 1
    int wordBits(int mem) const;  // width of a word of memory `mem`
    int addrBits(int mem) const;  // address width of memory `mem`
    int depth(int level) const;   // key bits consumed above the level
    size_t prefixCount() const;

    // Replaces the whole table with `routes` (duplicates: the last one wins), laid out
    // compactly. The driver then writes imageWrites().
    LpmStatus build(std::span<const LpmRoute> routes);
    // Replaces the whole table with `routes` (duplicates: the last one wins), laid out
    // compactly, HITLESSLY while the current image is looked up: when the table holds
    // prefixes, the new image goes above every word the current one uses (its words are freed,
    // quarantined until the next update); `writes` (appended) are every word of the new image,
    // results and deeper levels first, then the L0 words that change. An empty table is laid
    // out from address 0. For bulk loads: add many prefixes at once with routes() + the new
    // ones. On error (MemoryExhausted when both images do not fit) nothing changes.
    LpmStatus rebuild(std::span<const LpmRoute> routes, std::vector<LpmWordWrite>* writes);
    // The same, taking the list (sorted in place, released once the image is built) and
    // handing each word to `sink` (may be null) as it is read from the new image: no list of
    // words exists at once.
    LpmStatus rebuild(std::vector<LpmRoute>&& routes, LpmWordSink* sink);
    // Every prefix in the table.
    std::vector<LpmRoute> routes() const;
    // Adds a prefix or changes its result. `writes` (appended) are the words to write, in order.
    LpmStatus insert(LpmKey value, int length, uint64_t result,
                     std::vector<LpmWordWrite>* writes = nullptr);
    LpmStatus erase(LpmKey value, int length, std::vector<LpmWordWrite>* writes = nullptr);
    std::optional<uint64_t> find(LpmKey value, int length) const;  // exact prefix

    // The lookup the hardware does, on the image.
    std::optional<uint64_t> lookup(LpmKey key) const;
    // The same walk over words from elsewhere (a board read back, an emulated CSR block):
    // `source(mem, addr)` gives the word as 32-bit chunks, least significant first.
    using WordSource = std::function<std::vector<uint32_t>(int mem, uint32_t addr)>;
    std::optional<uint64_t> lookupIn(LpmKey key, const WordSource& source) const;

    // The image: word `addr` of memory `mem` as 32-bit chunks; every word in use, for a load.
    std::vector<uint32_t> word(int mem, uint32_t addr) const;
    std::vector<LpmWordWrite> imageWrites() const;
    std::vector<LpmMemoryInfo> memoryInfo() const;
    uint64_t usedBytes() const;  // sum of memoryInfo().usedBytes()

    // The placement (image words in use, free space and its quarantine, the trie), for hopd's
    // state file. restore() needs an Lpm of the same config; it does not run the builder, and
    // afterwards this Lpm answers and updates exactly as the saved one did. A short, damaged or
    // foreign snapshot sets `error` and leaves this Lpm as it was.
    void save(SnapshotWriter& out) const;
    bool restore(SnapshotReader& in, std::string& error);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

const char* lpmErrcName(LpmErrc code);

}  // namespace hop::tables
