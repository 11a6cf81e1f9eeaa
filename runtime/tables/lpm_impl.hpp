// SPDX-License-Identifier: Apache-2.0
// The LPM image builder's state (runtime/tables only; the interface is lpm.hpp), one file per part:
//   lpm.cpp         the image's words and their encoders, the public interface
//   lpm_update.cpp  incremental make-before-break insert and erase
//   lpm_build.cpp   the compact bulk build
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/tables/lpm.hpp"

namespace hop::tables {

namespace lpm_detail {

inline int clog2(uint64_t n) {
    int b = 0;
    while ((uint64_t{1} << b) < n) ++b;
    return std::max(b, 1);
}

inline uint64_t mask64(int n) { return n >= 64 ? ~uint64_t{0} : ((uint64_t{1} << n) - 1); }

inline uint64_t getBits(const uint64_t* w, int off, int n) {
    if (n == 0) return 0;
    const int i = off >> 6, b = off & 63;
    uint64_t v = w[i] >> b;
    if (b + n > 64) v |= w[i + 1] << (64 - b);
    return v & mask64(n);
}

inline void setBits(uint64_t* w, int off, int n, uint64_t v) {
    if (n == 0) return;
    v &= mask64(n);
    const int i = off >> 6, b = off & 63;
    w[i] = (w[i] & ~(mask64(n) << b)) | (v << b);
    if (b + n > 64) {
        const int hi = b + n - 64;
        w[i + 1] = (w[i + 1] & ~mask64(hi)) | (v >> (64 - b));
    }
}

// Asks for 2 MiB pages for the whole pages inside [p, p + bytes), memory a bulk load is about
// to fill: on a VM each 4 KiB page fault costs microseconds, and a full table touches tens of
// thousands of pages. Only a hint (Linux: effective when transparent_hugepage is "madvise").
void adviseHuge(const void* p, size_t bytes);

// A zeroed array of words from calloc: pages never written are never touched (a level's memory
// is sized for the largest table, most tables use part of it).
class ZeroWords {
  public:
    ZeroWords() = default;
    explicit ZeroWords(size_t n);
    uint64_t* data() { return p_.get(); }
    const uint64_t* data() const { return p_.get(); }
    size_t size() const { return n_; }
    void clear(size_t n);  // the first n words 0

  private:
    struct Free {
        void operator()(uint64_t* p) const;
    };
    std::unique_ptr<uint64_t[], Free> p_;
    size_t n_ = 0;
};

inline bool testBit(const uint64_t* w, int off) { return (w[off >> 6] >> (off & 63)) & 1; }

// Set bits of w in [off, off + n).
inline int popcountRange(const uint64_t* w, int off, int n) {
    int c = 0;
    while (n > 0) {
        const int take = std::min(n, 64 - (off & 63));
        c += std::popcount(getBits(w, off, take));
        off += take;
        n -= take;
    }
    return c;
}

// Contiguous blocks of one memory. Freed blocks wait in quarantine until reclaim() (the start of
// the next update), so a lookup still in the pipeline never reads a reused word.
class BlockAllocator {
  public:
    BlockAllocator() = default;
    BlockAllocator(uint32_t capacity, uint32_t maxBlock)
        : capacity_(capacity), free_(maxBlock + 1) {}
    void reset() {
        top_ = used_ = 0;
        for (auto& f : free_) f.clear();
        pending_.clear();
    }
    std::optional<uint32_t> alloc(uint32_t n) {
        if (n == 0) return 0;
        if (n < free_.size() && !free_[n].empty()) {
            uint32_t b = free_[n].back();
            free_[n].pop_back();
            used_ += n;
            return b;
        }
        if (uint64_t{top_} + n <= capacity_) {
            uint32_t b = top_;
            top_ += n;
            used_ += n;
            return b;
        }
        for (uint32_t m = n + 1; m < free_.size(); ++m)
            if (!free_[m].empty()) {
                uint32_t b = free_[m].back();
                free_[m].pop_back();
                free_[m - n].push_back(b + n);
                used_ += n;
                return b;
            }
        return std::nullopt;
    }
    void release(uint32_t base, uint32_t n) {
        if (n) pending_.push_back({base, n});
    }
    void releaseNow(uint32_t base, uint32_t n) {
        if (!n) return;
        free_[n].push_back(base);
        used_ -= n;
    }
    void reclaim() {
        for (auto [b, n] : pending_) releaseNow(b, n);
        pending_.clear();
    }
    // Quarantines [base, base + n) as blocks of at most the largest block size.
    void releaseRange(uint32_t base, uint32_t n) {
        const uint32_t most = static_cast<uint32_t>(free_.size()) - 1;
        while (n > 0 && most > 0) {
            const uint32_t take = std::min(n, most);
            release(base, take);
            base += take;
            n -= take;
        }
    }
    uint32_t used() const { return used_; }  // includes quarantined blocks
    uint32_t top() const { return top_; }

    // Every field, for a snapshot (lpm_snapshot.cpp: `io` writes or reads each in turn).
    template <typename Io>
    void fields(Io& io) {
        io.value(capacity_);
        io.value(top_);
        io.value(used_);
        io.value(free_);
        io.value(pending_);
    }
    // A restored allocator is consistent with its memory of `capacity` words.
    bool valid(uint32_t capacity, size_t maxBlock) const {
        if (capacity_ != capacity || top_ > capacity_ || used_ > top_ ||
            free_.size() != maxBlock + 1)
            return false;
        for (size_t n = 0; n < free_.size(); ++n)
            for (uint32_t b : free_[n])
                if (uint64_t{b} + n > top_) return false;
        for (auto [b, n] : pending_)
            if (n >= free_.size() || uint64_t{b} + n > top_) return false;
        return true;
    }

  private:
    uint32_t capacity_ = 0, top_ = 0, used_ = 0;
    std::vector<std::vector<uint32_t>> free_;
    std::vector<std::pair<uint32_t, uint32_t>> pending_;
};

// A trie node's own fields. Its bitmaps live in per-level pools (Lpm::Impl::present, child) and
// its prefixes' values only in the result memory (the words at resBase), so a node costs a few
// dozen bytes and no allocation of its own.
struct Node {
    uint32_t addr = 0;  // this node's word in its level's memory
    uint32_t childBase = 0, resBase = 0;
    uint32_t nChildren = 0, nResults = 0;
};

struct ShortPrefix {
    uint64_t value = 0;
    uint32_t resIdx = 0;
};

}  // namespace lpm_detail

using namespace lpm_detail;

struct Lpm::Impl {
    LpmConfig cfg;
    int W = 0, L = 0;
    std::vector<int> depth, stride;
    std::vector<int> aw, wb, u64w;  // per memory
    int RA = 0;
    // Level k (>= 1) field offsets.
    std::vector<int> childBaseOff, ibOff, cbOff;
    std::vector<ZeroWords> mem;
    std::vector<BlockAllocator> alloc;  // per memory, 1..L
    std::vector<std::vector<Node>> nodes;
    // Per level: pw[k] words of internal bitmap and cw[k] child node indices (-1 = none; none
    // on the last level) per node, node n's at n * pw[k] and n * cw[k].
    std::vector<int> pw, cw;
    std::vector<std::vector<uint64_t>> presentPool;
    std::vector<std::vector<int32_t>> childPool;
    std::vector<std::vector<int32_t>> freeNodes;
    std::vector<int32_t> l0node;
    std::vector<int8_t> bestLen;
    std::vector<std::unordered_map<uint64_t, ShortPrefix>> shorts;  // by length 0..s0
    size_t count = 0;
    std::vector<LpmWordWrite>* rec = nullptr;
    std::vector<uint64_t> scratch;  // a node's values by internal position, during an update

    explicit Impl(LpmConfig c);

    uint64_t* present(int k, int32_t n) { return &presentPool[k][static_cast<size_t>(n) * pw[k]]; }
    const uint64_t* present(int k, int32_t n) const {
        return &presentPool[k][static_cast<size_t>(n) * pw[k]];
    }
    int32_t* child(int k, int32_t n) { return &childPool[k][static_cast<size_t>(n) * cw[k]]; }
    const int32_t* child(int k, int32_t n) const {
        return &childPool[k][static_cast<size_t>(n) * cw[k]];
    }
    // The value a result word holds.
    uint64_t resultAt(uint32_t idx) const { return getBits(word(L, idx), 0, cfg.resultWidth); }
    // The value of the prefix at internal position `pos` of node n (level k), present.
    uint64_t valueAt(int k, int32_t n, int pos) const {
        return resultAt(nodes[k][n].resBase + popcountRange(present(k, n), 0, pos));
    }
    // scratch[p] = the value of every prefix p of node n (level k), from its result words.
    void gather(int k, int32_t n);

    uint64_t capacity(int m) const {
        if (m == 0) return uint64_t{1} << stride[0];
        if (m == L) return cfg.resultCapacity;
        return cfg.nodeCapacity[m];
    }
    uint64_t* word(int m, uint32_t a) { return mem[m].data() + static_cast<size_t>(a) * u64w[m]; }
    const uint64_t* word(int m, uint32_t a) const {
        return mem[m].data() + static_cast<size_t>(a) * u64w[m];
    }
    uint64_t chunk(LpmKey key, int k) const {
        return static_cast<uint64_t>(key >> (W - depth[k] - stride[k])) & mask64(stride[k]);
    }
    // The level whose node holds a prefix of this length (length > s0).
    int levelOf(int len) const {
        for (int k = 1; k < L; ++k)
            if (len <= depth[k] + stride[k]) return k;
        return L - 1;
    }
    int posOf(LpmKey key, int len, int k) const {
        const int l = len - depth[k];
        const uint64_t v = static_cast<uint64_t>(key >> (W - len)) & mask64(l);
        return (1 << l) - 2 + static_cast<int>(v);
    }
    int internalBits(int k) const { return (1 << (stride[k] + 1)) - 2; }

    int chunkCount(int m) const { return (wb[m] + 31) / 32; }
    void chunksInto(int m, uint32_t a, uint32_t* out) const {
        const uint64_t* w = word(m, a);
        for (int i = 0; i < chunkCount(m); ++i)
            out[i] = static_cast<uint32_t>(w[i / 2] >> (32 * (i % 2)));
    }
    std::vector<uint32_t> chunks(int m, uint32_t a) const {
        std::vector<uint32_t> out(chunkCount(m));
        chunksInto(m, a, out.data());
        return out;
    }
    void record(int m, uint32_t a) {
        if (rec) rec->push_back({m, a, chunks(m, a)});
    }

    // --- encoders: write the image word (and record it) ------------------------------------
    void putResult(uint32_t idx, uint64_t value);
    void putL0(uint32_t e);
    void putNode(int k, int32_t n);
    // Node n's result words at its resBase, the values from scratch (by internal position).
    void putResults(int k, int32_t n);
    // Every child of node n (level k) rewritten at its rank in the array at childBase.
    void putChildArray(int k, int32_t n);

    int32_t newNode(int k);  // empty: no prefixes, no children
    void dropNode(int k, int32_t n);

    LpmStatus check(LpmKey value, int length) const;
    LpmStatus checkResult(uint64_t result) const;
    LpmStatus full() const;
    LpmStatus exhausted(int m) const;

    // --- short prefixes (length <= s0): result word + expanded L0 entries ---------------
    LpmStatus insertShort(LpmKey key, int len, uint64_t result);
    LpmStatus eraseShort(LpmKey key, int len);

    // Nodes on the key's path: path[k] for k = 1..; returns the deepest level found (0 = none).
    int walk(LpmKey key, int kt, std::vector<int32_t>& path) const;

    LpmStatus insertLong(LpmKey key, int len, uint64_t result);

    LpmStatus eraseLong(LpmKey key, int len);

    // --- bulk build -----------------------------------------------------------------------
    void clear();

    // reserve[m] (m = 1..L, may be empty): words at the bottom of memory m the layout leaves
    // alone (the image being replaced); they are quarantined once the new image is laid out.
    LpmStatus build(std::span<const LpmRoute> routes, std::span<const uint32_t> reserve = {});

    // Every prefix, shortest first (L0's short prefixes, then the trie depth first).
    void collect(std::vector<LpmRoute>& out) const;

    // Every field that says where things are, for a snapshot (lpm_snapshot.cpp).
    template <typename Io>
    void fields(Io& io);
    // What a snapshot must have been taken with: the config's numbers.
    std::vector<uint64_t> fingerprint() const {
        std::vector<uint64_t> f = {uint64_t(cfg.keyWidth), uint64_t(cfg.resultWidth), cfg.size,
                                   cfg.resultCapacity};
        for (int s : cfg.strides) f.push_back(uint64_t(s));
        for (uint64_t c : cfg.nodeCapacity) f.push_back(c);
        return f;
    }
    // A restored state refers only to what exists; "" or what is wrong.
    std::string invalid() const;

    std::optional<uint64_t> lookup(LpmKey key) const {
        return lookupWith(key, [this](int m, uint32_t a) { return word(m, a); });
    }
    // The hardware's walk over words `fetch(mem, addr)` gives (u64w[mem] 64-bit words each).
    template <typename Fetch>
    std::optional<uint64_t> lookupWith(LpmKey key, Fetch&& fetch) const {
        const uint64_t* w = fetch(0, static_cast<uint32_t>(chunk(key, 0)));
        bool hit = getBits(w, RA, 1);
        uint64_t best = getBits(w, 0, RA);
        if (getBits(w, RA + 1 + aw[1], 1)) {
            uint64_t ptr = getBits(w, RA + 1, aw[1]);
            for (int k = 1; k < L; ++k) {
                const uint64_t* n = fetch(k, static_cast<uint32_t>(ptr));
                const int s = stride[k];
                const uint64_t c = chunk(key, k);
                for (int l = s; l >= 1; --l) {
                    const int pos = (1 << l) - 2 + static_cast<int>(c >> (s - l));
                    if (testBit(n, ibOff[k] + pos)) {
                        hit = true;
                        best = getBits(n, 0, RA) + popcountRange(n, ibOff[k], pos);
                        break;
                    }
                }
                if (k == L - 1 || !testBit(n, cbOff[k] + static_cast<int>(c))) break;
                ptr = getBits(n, childBaseOff[k], aw[k + 1]) +
                      popcountRange(n, cbOff[k], static_cast<int>(c));
            }
        }
        if (!hit) return std::nullopt;
        return getBits(fetch(L, static_cast<uint32_t>(best)), 0, cfg.resultWidth);
    }

    uint64_t used(int m) const {
        if (m == 0) return capacity(0);
        return alloc[m].used();
    }
    uint64_t top(int m) const { return m == 0 ? capacity(0) : alloc[m].top(); }
};

}  // namespace hop::tables
