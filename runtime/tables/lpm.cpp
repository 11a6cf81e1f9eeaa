// SPDX-License-Identifier: Apache-2.0
// LPM node-image builder: software trie that mirrors the hardware image, per-memory block
// allocators, make-before-break updates (see lpm.hpp for the format).
#include "runtime/tables/lpm.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>
#include <tuple>
#include <unordered_map>

namespace hop::tables {

namespace {

int clog2(uint64_t n) {
    int b = 0;
    while ((uint64_t{1} << b) < n) ++b;
    return std::max(b, 1);
}

uint64_t mask64(int n) { return n >= 64 ? ~uint64_t{0} : ((uint64_t{1} << n) - 1); }

uint64_t getBits(const uint64_t* w, int off, int n) {
    if (n == 0) return 0;
    const int i = off >> 6, b = off & 63;
    uint64_t v = w[i] >> b;
    if (b + n > 64) v |= w[i + 1] << (64 - b);
    return v & mask64(n);
}

void setBits(uint64_t* w, int off, int n, uint64_t v) {
    if (n == 0) return;
    v &= mask64(n);
    const int i = off >> 6, b = off & 63;
    w[i] = (w[i] & ~(mask64(n) << b)) | (v << b);
    if (b + n > 64) {
        const int hi = b + n - 64;
        w[i + 1] = (w[i + 1] & ~mask64(hi)) | (v >> (64 - b));
    }
}

bool testBit(const uint64_t* w, int off) { return (w[off >> 6] >> (off & 63)) & 1; }

// Set bits of w in [off, off + n).
int popcountRange(const uint64_t* w, int off, int n) {
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

  private:
    uint32_t capacity_ = 0, top_ = 0, used_ = 0;
    std::vector<std::vector<uint32_t>> free_;
    std::vector<std::pair<uint32_t, uint32_t>> pending_;
};

struct Node {
    int32_t parent = -1;  // node index at the level above; the L0 entry for level 1
    uint32_t slot = 0;    // chunk value in the parent
    uint32_t addr = 0;    // this node's word in its level's memory
    uint32_t childBase = 0, resBase = 0;
    uint32_t nChildren = 0, nResults = 0;
    std::vector<int32_t> child;     // 2^s node indices at the next level, -1 = none
    std::vector<uint64_t> present;  // internal bitmap, hardware bit order
    std::vector<uint64_t> value;    // per internal position
};

struct ShortPrefix {
    uint64_t value = 0;
    uint32_t resIdx = 0;
};

}  // namespace

const char* lpmErrcName(LpmErrc code) {
    switch (code) {
        case LpmErrc::Ok:
            return "ok";
        case LpmErrc::PrefixTooLong:
            return "prefix longer than key";
        case LpmErrc::HostBitsSet:
            return "value has bits beyond the prefix";
        case LpmErrc::ValueTooWide:
            return "result does not fit";
        case LpmErrc::TableFull:
            return "table full";
        case LpmErrc::MemoryExhausted:
            return "level memory exhausted";
        case LpmErrc::NotFound:
            return "no such prefix";
    }
    return "?";
}

struct Lpm::Impl {
    LpmConfig cfg;
    int W = 0, L = 0;
    std::vector<int> depth, stride;
    std::vector<int> aw, wb, u64w;  // per memory
    int RA = 0;
    // Level k (>= 1) field offsets.
    std::vector<int> childBaseOff, ibOff, cbOff;
    std::vector<std::vector<uint64_t>> mem;
    std::vector<BlockAllocator> alloc;  // per memory, 1..L
    std::vector<std::vector<Node>> nodes;
    std::vector<std::vector<int32_t>> freeNodes;
    std::vector<int32_t> l0node;
    std::vector<int8_t> bestLen;
    std::vector<std::unordered_map<uint64_t, ShortPrefix>> shorts;  // by length 0..s0
    size_t count = 0;
    std::vector<LpmWordWrite>* rec = nullptr;

    explicit Impl(LpmConfig c) : cfg(std::move(c)) {
        if (auto e = cfg.validate(); !e.empty()) throw std::invalid_argument("lpm config: " + e);
        W = cfg.keyWidth;
        L = static_cast<int>(cfg.strides.size());
        stride = cfg.strides;
        depth.assign(L, 0);
        for (int k = 1; k < L; ++k) depth[k] = depth[k - 1] + stride[k - 1];
        RA = clog2(cfg.resultCapacity);
        aw.assign(L + 1, 0);
        wb.assign(L + 1, 0);
        aw[0] = stride[0];
        for (int k = 1; k < L; ++k) aw[k] = clog2(cfg.nodeCapacity[k]);
        aw[L] = RA;
        wb[0] = RA + 2 + aw[1];
        childBaseOff.assign(L, 0);
        ibOff.assign(L, 0);
        cbOff.assign(L, 0);
        for (int k = 1; k < L; ++k) {
            const bool last = k == L - 1;
            childBaseOff[k] = RA;
            ibOff[k] = RA + (last ? 0 : aw[k + 1]);
            cbOff[k] = ibOff[k] + (1 << (stride[k] + 1)) - 2;
            wb[k] = cbOff[k] + (last ? 0 : (1 << stride[k]));
        }
        wb[L] = cfg.resultWidth;
        u64w.assign(L + 1, 0);
        mem.resize(L + 1);
        for (int m = 0; m <= L; ++m) {
            u64w[m] = (wb[m] + 63) / 64;
            mem[m].assign(static_cast<size_t>(capacity(m)) * u64w[m], 0);
        }
        alloc.resize(L + 1);
        for (int k = 1; k < L; ++k)
            alloc[k] = BlockAllocator(cfg.nodeCapacity[k], 1u << stride[k - 1]);
        int maxInternal = 1;
        for (int k = 1; k < L; ++k) maxInternal = std::max(maxInternal, (1 << (stride[k] + 1)) - 2);
        alloc[L] = BlockAllocator(cfg.resultCapacity, maxInternal);
        nodes.resize(L);
        freeNodes.resize(L);
        l0node.assign(size_t{1} << stride[0], -1);
        bestLen.assign(size_t{1} << stride[0], -1);
        shorts.resize(stride[0] + 1);
    }

    uint64_t capacity(int m) const {
        if (m == 0) return uint64_t{1} << stride[0];
        if (m == L) return cfg.resultCapacity;
        return cfg.nodeCapacity[m];
    }
    uint64_t* word(int m, uint32_t a) { return &mem[m][static_cast<size_t>(a) * u64w[m]]; }
    const uint64_t* word(int m, uint32_t a) const {
        return &mem[m][static_cast<size_t>(a) * u64w[m]];
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

    std::vector<uint32_t> chunks(int m, uint32_t a) const {
        std::vector<uint32_t> out((wb[m] + 31) / 32);
        const uint64_t* w = word(m, a);
        for (size_t i = 0; i < out.size(); ++i)
            out[i] = static_cast<uint32_t>(w[i / 2] >> (32 * (i % 2)));
        return out;
    }
    void record(int m, uint32_t a) {
        if (rec) rec->push_back({m, a, chunks(m, a)});
    }

    // --- encoders: write the image word (and record it) ------------------------------------
    void putResult(uint32_t idx, uint64_t value) {
        uint64_t* w = word(L, idx);
        std::fill(w, w + u64w[L], 0);
        setBits(w, 0, cfg.resultWidth, value);
        record(L, idx);
    }
    void putL0(uint32_t e) {
        uint64_t* w = word(0, e);
        std::fill(w, w + u64w[0], 0);
        if (bestLen[e] >= 0) {
            const int l = bestLen[e];
            const auto& sp = shorts[l].at(e >> (stride[0] - l));
            setBits(w, 0, RA, sp.resIdx);
            setBits(w, RA, 1, 1);
        }
        if (l0node[e] >= 0) {
            setBits(w, RA + 1, aw[1], nodes[1][l0node[e]].addr);
            setBits(w, RA + 1 + aw[1], 1, 1);
        }
        record(0, e);
    }
    void putNode(int k, int32_t n) {
        const Node& nd = nodes[k][n];
        uint64_t* w = word(k, nd.addr);
        std::fill(w, w + u64w[k], 0);
        setBits(w, 0, RA, nd.resBase);
        if (k < L - 1) {
            setBits(w, childBaseOff[k], aw[k + 1], nd.childBase);
            for (size_t c = 0; c < nd.child.size(); ++c)
                if (nd.child[c] >= 0) setBits(w, cbOff[k] + static_cast<int>(c), 1, 1);
        }
        const int ib = internalBits(k);
        for (int p = 0; p < ib; p += 64)
            setBits(w, ibOff[k] + p, std::min(64, ib - p), nd.present[p / 64]);
        record(k, nd.addr);
    }
    void putResults(int k, int32_t n) {
        const Node& nd = nodes[k][n];
        uint32_t i = 0;
        for (int p = 0; p < internalBits(k); ++p)
            if (testBit(nd.present.data(), p)) putResult(nd.resBase + i++, nd.value[p]);
    }
    // Every child of node n (level k) rewritten at its rank in the array at childBase.
    void putChildArray(int k, int32_t n) {
        Node& nd = nodes[k][n];
        uint32_t i = 0;
        for (size_t c = 0; c < nd.child.size(); ++c)
            if (nd.child[c] >= 0) {
                nodes[k + 1][nd.child[c]].addr = nd.childBase + i++;
                putNode(k + 1, nd.child[c]);
            }
    }

    int32_t newNode(int k, int32_t parent, uint32_t slot) {
        int32_t n;
        if (!freeNodes[k].empty()) {
            n = freeNodes[k].back();
            freeNodes[k].pop_back();
        } else {
            n = static_cast<int32_t>(nodes[k].size());
            nodes[k].emplace_back();
        }
        Node& nd = nodes[k][n];
        nd = Node{};
        nd.parent = parent;
        nd.slot = slot;
        if (k < L - 1) nd.child.assign(size_t{1} << stride[k], -1);
        nd.present.assign((internalBits(k) + 63) / 64, 0);
        nd.value.assign(internalBits(k), 0);
        return n;
    }
    void dropNode(int k, int32_t n) {
        nodes[k][n] = Node{};
        freeNodes[k].push_back(n);
    }

    LpmStatus check(LpmKey value, int length) const {
        if (length < 0 || length > W)
            return {LpmErrc::PrefixTooLong, "prefix length " + std::to_string(length) +
                                                " is longer than the " + std::to_string(W) +
                                                "-bit key"};
        const LpmKey keyMask = W == 128 ? ~LpmKey{0} : ((LpmKey{1} << W) - 1);
        const LpmKey hostMask = length == W ? 0 : (keyMask >> length);
        if (value & ~keyMask)
            return {LpmErrc::HostBitsSet,
                    "value does not fit in the " + std::to_string(W) + "-bit key"};
        if (value & hostMask)
            return {LpmErrc::HostBitsSet, "value has bits set beyond the /" +
                                              std::to_string(length) +
                                              " prefix (give the network address)"};
        return {};
    }
    LpmStatus checkResult(uint64_t result) const {
        if (cfg.resultWidth < 64 && (result >> cfg.resultWidth))
            return {LpmErrc::ValueTooWide, "result " + std::to_string(result) +
                                               " does not fit in " +
                                               std::to_string(cfg.resultWidth) + " bits"};
        return {};
    }
    LpmStatus full() const {
        return {LpmErrc::TableFull,
                "table full: it holds its size of " + std::to_string(cfg.size) + " prefixes"};
    }
    LpmStatus exhausted(int m) const {
        return {LpmErrc::MemoryExhausted,
                (m == L ? std::string("result memory") : "trie level " + std::to_string(m)) +
                    " memory exhausted (" + std::to_string(capacity(m)) + " words)"};
    }

    // --- short prefixes (length <= s0): result word + expanded L0 entries ---------------
    LpmStatus insertShort(LpmKey key, int len, uint64_t result) {
        const int s0 = stride[0];
        const uint64_t idx = len == 0 ? 0 : static_cast<uint64_t>(key >> (W - len));
        auto it = shorts[len].find(idx);
        if (it != shorts[len].end()) {
            it->second.value = result;
            putResult(it->second.resIdx, result);
            return {};
        }
        if (count >= cfg.size) return full();
        auto r = alloc[L].alloc(1);
        if (!r) return exhausted(L);
        shorts[len][idx] = {result, *r};
        ++count;
        putResult(*r, result);
        const uint64_t first = idx << (s0 - len), n = uint64_t{1} << (s0 - len);
        for (uint64_t e = first; e < first + n; ++e)
            if (bestLen[e] < len) {
                bestLen[e] = static_cast<int8_t>(len);
                putL0(static_cast<uint32_t>(e));
            }
        return {};
    }
    LpmStatus eraseShort(LpmKey key, int len) {
        const int s0 = stride[0];
        const uint64_t idx = len == 0 ? 0 : static_cast<uint64_t>(key >> (W - len));
        auto it = shorts[len].find(idx);
        if (it == shorts[len].end()) return {LpmErrc::NotFound, "no such prefix"};
        const uint32_t resIdx = it->second.resIdx;
        shorts[len].erase(it);
        --count;
        const uint64_t first = idx << (s0 - len), n = uint64_t{1} << (s0 - len);
        for (uint64_t e = first; e < first + n; ++e)
            if (bestLen[e] == len) {
                int b = -1;
                for (int l = len - 1; l >= 0 && b < 0; --l)
                    if (shorts[l].count(e >> (s0 - l))) b = l;
                bestLen[e] = static_cast<int8_t>(b);
                putL0(static_cast<uint32_t>(e));
            }
        alloc[L].release(resIdx, 1);
        return {};
    }

    // Nodes on the key's path: path[k] for k = 1..; returns the deepest level found (0 = none).
    int walk(LpmKey key, int kt, std::vector<int32_t>& path) const {
        path.assign(L, -1);
        int32_t n = l0node[chunk(key, 0)];
        int j = 0;
        for (int k = 1; k <= kt && n >= 0; ++k) {
            path[k] = n;
            j = k;
            if (k < kt) n = nodes[k][n].child[chunk(key, k)];
        }
        return j;
    }

    LpmStatus insertLong(LpmKey key, int len, uint64_t result) {
        const int kt = levelOf(len);
        const int pos = posOf(key, len, kt);
        std::vector<int32_t> path;
        const int j = walk(key, kt, path);
        if (j == kt) {
            Node& x = nodes[kt][path[kt]];
            if (testBit(x.present.data(), pos)) {  // change of value: one word
                x.value[pos] = result;
                putResult(x.resBase + popcountRange(x.present.data(), 0, pos), result);
                return {};
            }
            if (count >= cfg.size) return full();
            auto r = alloc[L].alloc(x.nResults + 1);
            if (!r) return exhausted(L);
            const uint32_t oldBase = x.resBase, oldN = x.nResults;
            setBits(x.present.data(), pos, 1, 1);
            x.value[pos] = result;
            x.resBase = *r;
            ++x.nResults;
            ++count;
            putResults(kt, path[kt]);
            putNode(kt, path[kt]);  // the flip
            alloc[L].release(oldBase, oldN);
            return {};
        }
        if (count >= cfg.size) return full();
        // New nodes at levels j+1..kt. Allocate everything first so a failure changes nothing.
        std::vector<uint32_t> base(L + 1, 0);
        std::vector<std::pair<int, uint32_t>> got;  // (mem, n) for rollback
        auto take = [&](int m, uint32_t n) -> bool {
            auto r = alloc[m].alloc(n);
            if (!r) return false;
            got.push_back({m, n});
            base[m] = *r;
            return true;
        };
        auto rollback = [&](int m) {
            for (size_t i = 0; i < got.size(); ++i)
                alloc[got[i].first].releaseNow(base[got[i].first], got[i].second);
            return exhausted(m);
        };
        if (!take(L, 1)) return rollback(L);
        for (int m = j + 2; m <= kt; ++m)
            if (!take(m, 1)) return rollback(m);
        const uint32_t parentChildren = j == 0 ? 1 : nodes[j][path[j]].nChildren + 1;
        if (!take(j + 1, parentChildren)) return rollback(j + 1);

        // Software trie.
        int32_t parent = j == 0 ? static_cast<int32_t>(chunk(key, 0)) : path[j];
        for (int m = j + 1; m <= kt; ++m) {
            const uint32_t slot = static_cast<uint32_t>(chunk(key, m - 1));
            const int32_t n = newNode(m, parent, slot);
            path[m] = n;
            if (m == j + 1) {
                if (j == 0)
                    l0node[slot] = n;
                else {
                    Node& p = nodes[j][path[j]];
                    p.child[slot] = n;
                    ++p.nChildren;
                }
            } else {
                Node& p = nodes[m - 1][path[m - 1]];
                p.child[slot] = n;
                p.nChildren = 1;
                p.childBase = base[m];
                nodes[m][n].addr = base[m];
            }
            parent = n;
        }
        Node& x = nodes[kt][path[kt]];
        setBits(x.present.data(), pos, 1, 1);
        x.value[pos] = result;
        x.nResults = 1;
        x.resBase = base[L];
        ++count;
        // Bottom-up writes: result, new single-node arrays, the parent's new child array, flip.
        putResult(base[L], result);
        for (int m = kt; m >= j + 2; --m) putNode(m, path[m]);
        if (j == 0) {
            nodes[1][path[1]].addr = base[1];
            putNode(1, path[1]);
            putL0(static_cast<uint32_t>(chunk(key, 0)));
        } else {
            Node& p = nodes[j][path[j]];
            const uint32_t oldBase = p.childBase, oldN = p.nChildren - 1;
            p.childBase = base[j + 1];
            putChildArray(j, path[j]);
            putNode(j, path[j]);
            alloc[j + 1].release(oldBase, oldN);
        }
        return {};
    }

    LpmStatus eraseLong(LpmKey key, int len) {
        const int kt = levelOf(len);
        const int pos = posOf(key, len, kt);
        std::vector<int32_t> path;
        const int j = walk(key, kt, path);
        if (j != kt || !testBit(nodes[kt][path[kt]].present.data(), pos))
            return {LpmErrc::NotFound, "no such prefix"};
        Node& x = nodes[kt][path[kt]];
        if (x.nResults > 1 || x.nChildren > 0) {
            auto r = alloc[L].alloc(x.nResults - 1);
            if (!r) return exhausted(L);
            const uint32_t oldBase = x.resBase, oldN = x.nResults;
            setBits(x.present.data(), pos, 1, 0);
            x.resBase = *r;
            --x.nResults;
            --count;
            putResults(kt, path[kt]);
            putNode(kt, path[kt]);
            alloc[L].release(oldBase, oldN);
            return {};
        }
        // x becomes empty: cut the highest ancestor that would only lead to it.
        int y = kt;
        while (y > 1 && nodes[y - 1][path[y - 1]].nResults == 0 &&
               nodes[y - 1][path[y - 1]].nChildren == 1)
            --y;
        if (y == 1) {
            const uint32_t e = static_cast<uint32_t>(chunk(key, 0));
            l0node[e] = -1;
            putL0(e);
            alloc[1].release(nodes[1][path[1]].addr, 1);
        } else {
            Node& z = nodes[y - 1][path[y - 1]];
            auto r = alloc[y].alloc(z.nChildren - 1);
            if (!r) return exhausted(y);  // nothing changed yet
            const uint32_t oldBase = z.childBase, oldN = z.nChildren;
            z.child[chunk(key, y - 1)] = -1;
            --z.nChildren;
            z.childBase = *r;
            putChildArray(y - 1, path[y - 1]);
            putNode(y - 1, path[y - 1]);
            alloc[y].release(oldBase, oldN);
        }
        for (int m = y; m <= kt; ++m) {
            Node& nd = nodes[m][path[m]];
            if (m < kt) alloc[m + 1].release(nd.childBase, nd.nChildren);
            if (m == kt) alloc[L].release(nd.resBase, nd.nResults);
            dropNode(m, path[m]);
        }
        --count;
        return {};
    }

    // --- bulk build -----------------------------------------------------------------------
    void clear() {
        for (int m = 0; m <= L; ++m) std::fill(mem[m].begin(), mem[m].end(), 0);
        for (int m = 1; m <= L; ++m) alloc[m].reset();
        for (int k = 0; k < L; ++k) {
            nodes[k].clear();
            freeNodes[k].clear();
        }
        std::fill(l0node.begin(), l0node.end(), -1);
        std::fill(bestLen.begin(), bestLen.end(), -1);
        for (auto& s : shorts) s.clear();
        count = 0;
    }

    // reserve[m] (m = 1..L, may be empty): words at the bottom of memory m the layout leaves
    // alone (the image being replaced); they are quarantined once the new image is laid out.
    LpmStatus build(std::span<const LpmRoute> routes, std::span<const uint32_t> reserve = {}) {
        clear();
        const int s0 = stride[0];
        for (int m = 1; m <= L && m < static_cast<int>(reserve.size()); ++m)
            if (reserve[m] && !alloc[m].alloc(reserve[m])) return exhausted(m);
        std::vector<int32_t> path;
        for (const LpmRoute& r : routes) {
            if (auto s = check(r.value, r.length); !s) return s;
            if (auto s = checkResult(r.result); !s) return s;
            if (r.length <= s0) {
                const uint64_t idx =
                    r.length == 0 ? 0 : static_cast<uint64_t>(r.value >> (W - r.length));
                auto [it, added] = shorts[r.length].try_emplace(idx, ShortPrefix{r.result, 0});
                if (!added) it->second.value = r.result;
                count += added;
            } else {
                const int kt = levelOf(r.length);
                int32_t n = -1;
                for (int k = 1; k <= kt; ++k) {
                    const uint32_t slot = static_cast<uint32_t>(chunk(r.value, k - 1));
                    int32_t& ref = k == 1 ? l0node[slot] : nodes[k - 1][n].child[slot];
                    if (ref < 0) {
                        const int32_t c = newNode(k, k == 1 ? static_cast<int32_t>(slot) : n, slot);
                        // newNode may reallocate nodes[k], never nodes[k-1]: ref is still valid.
                        (k == 1 ? l0node[slot] : nodes[k - 1][n].child[slot]) = c;
                        if (k > 1) ++nodes[k - 1][n].nChildren;
                    }
                    n = k == 1 ? l0node[slot] : nodes[k - 1][n].child[slot];
                }
                Node& x = nodes[kt][n];
                const int pos = posOf(r.value, r.length, kt);
                if (!testBit(x.present.data(), pos)) {
                    setBits(x.present.data(), pos, 1, 1);
                    ++x.nResults;
                    ++count;
                }
                x.value[pos] = r.result;
            }
            if (count > cfg.size) {
                clear();
                return full();
            }
        }
        // Layout: short prefixes' results first, then level by level in address order.
        for (int l = 0; l <= s0; ++l)
            for (auto& [idx, sp] : shorts[l]) {
                auto a = alloc[L].alloc(1);
                if (!a) return clear(), exhausted(L);
                sp.resIdx = *a;
                putResult(*a, sp.value);
                const uint64_t first = idx << (s0 - l), n = uint64_t{1} << (s0 - l);
                for (uint64_t e = first; e < first + n; ++e)
                    if (bestLen[e] < l) bestLen[e] = static_cast<int8_t>(l);
            }
        std::vector<int32_t> order, next;
        for (size_t e = 0; e < l0node.size(); ++e)
            if (l0node[e] >= 0) {
                auto a = alloc[1].alloc(1);
                if (!a) return clear(), exhausted(1);
                nodes[1][l0node[e]].addr = *a;
                order.push_back(l0node[e]);
            }
        for (int k = 1; k < L; ++k) {
            next.clear();
            for (int32_t n : order) {
                Node& nd = nodes[k][n];
                auto r = alloc[L].alloc(nd.nResults);
                if (!r) return clear(), exhausted(L);
                nd.resBase = *r;
                if (k < L - 1 && nd.nChildren) {
                    auto c = alloc[k + 1].alloc(nd.nChildren);
                    if (!c) return clear(), exhausted(k + 1);
                    nd.childBase = *c;
                    uint32_t i = 0;
                    for (int32_t ch : nd.child)
                        if (ch >= 0) {
                            nodes[k + 1][ch].addr = nd.childBase + i++;
                            next.push_back(ch);
                        }
                }
                putResults(k, n);
                putNode(k, n);
            }
            order.swap(next);
        }
        for (uint32_t e = 0; e < l0node.size(); ++e) putL0(e);
        for (int m = 1; m <= L && m < static_cast<int>(reserve.size()); ++m)
            alloc[m].releaseRange(0, reserve[m]);
        return {};
    }

    // Every prefix, shortest first (L0's short prefixes, then the trie depth first).
    void collect(std::vector<LpmRoute>& out) const {
        const int s0 = stride[0];
        auto at = [&](uint64_t bits, int len) -> LpmKey {
            return len == 0 ? 0 : static_cast<LpmKey>(bits) << (W - len);
        };
        for (int l = 0; l <= s0; ++l)
            for (const auto& [idx, sp] : shorts[l]) out.push_back({at(idx, l), l, sp.value});
        // (level, node, key bits above the level)
        std::vector<std::tuple<int, int32_t, LpmKey>> stack;
        for (size_t e = 0; e < l0node.size(); ++e)
            if (l0node[e] >= 0) stack.emplace_back(1, l0node[e], at(e, s0));
        while (!stack.empty()) {
            const auto [k, n, key] = stack.back();
            stack.pop_back();
            const Node& nd = nodes[k][n];
            for (int p = 0; p < internalBits(k); ++p) {
                if (!testBit(nd.present.data(), p)) continue;
                const int l = std::bit_width(static_cast<unsigned>(p + 2)) - 1;
                const uint64_t v = static_cast<uint64_t>(p + 2 - (1 << l));
                out.push_back({key | (static_cast<LpmKey>(v) << (W - depth[k] - l)), depth[k] + l,
                               nd.value[p]});
            }
            for (size_t c = 0; c < nd.child.size(); ++c)
                if (nd.child[c] >= 0)
                    stack.emplace_back(
                        k + 1, nd.child[c],
                        key | (static_cast<LpmKey>(c) << (W - depth[k] - stride[k])));
        }
    }

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

Lpm::Lpm(LpmConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}
Lpm::~Lpm() = default;
Lpm::Lpm(Lpm&&) noexcept = default;
Lpm& Lpm::operator=(Lpm&&) noexcept = default;

const LpmConfig& Lpm::config() const { return impl_->cfg; }
int Lpm::levels() const { return impl_->L; }
int Lpm::memories() const { return impl_->L + 1; }
int Lpm::wordBits(int mem) const { return impl_->wb.at(mem); }
int Lpm::addrBits(int mem) const { return impl_->aw.at(mem); }
int Lpm::depth(int level) const { return impl_->depth.at(level); }
size_t Lpm::prefixCount() const { return impl_->count; }

LpmStatus Lpm::build(std::span<const LpmRoute> routes) {
    impl_->rec = nullptr;
    return impl_->build(routes);
}

LpmStatus Lpm::insert(LpmKey value, int length, uint64_t result,
                      std::vector<LpmWordWrite>* writes) {
    Impl& m = *impl_;
    if (auto s = m.check(value, length); !s) return s;
    if (auto s = m.checkResult(result); !s) return s;
    for (int i = 1; i <= m.L; ++i) m.alloc[i].reclaim();
    m.rec = writes;
    LpmStatus s = length <= m.stride[0] ? m.insertShort(value, length, result)
                                        : m.insertLong(value, length, result);
    m.rec = nullptr;
    return s;
}

LpmStatus Lpm::erase(LpmKey value, int length, std::vector<LpmWordWrite>* writes) {
    Impl& m = *impl_;
    if (auto s = m.check(value, length); !s) return s;
    for (int i = 1; i <= m.L; ++i) m.alloc[i].reclaim();
    m.rec = writes;
    LpmStatus s = length <= m.stride[0] ? m.eraseShort(value, length) : m.eraseLong(value, length);
    m.rec = nullptr;
    return s;
}

std::optional<uint64_t> Lpm::find(LpmKey value, int length) const {
    const Impl& m = *impl_;
    if (!m.check(value, length)) return std::nullopt;
    if (length <= m.stride[0]) {
        const uint64_t idx = length == 0 ? 0 : static_cast<uint64_t>(value >> (m.W - length));
        auto it = m.shorts[length].find(idx);
        if (it == m.shorts[length].end()) return std::nullopt;
        return it->second.value;
    }
    const int kt = m.levelOf(length);
    std::vector<int32_t> path;
    if (m.walk(value, kt, path) != kt) return std::nullopt;
    const Node& x = m.nodes[kt][path[kt]];
    const int pos = m.posOf(value, length, kt);
    if (!testBit(x.present.data(), pos)) return std::nullopt;
    return x.value[pos];
}

std::optional<uint64_t> Lpm::lookup(LpmKey key) const { return impl_->lookup(key); }

std::optional<uint64_t> Lpm::lookupIn(LpmKey key, const WordSource& source) const {
    const Impl& m = *impl_;
    // One buffer per memory: a walk reads each memory at most once.
    std::vector<std::vector<uint64_t>> buf(m.L + 1);
    return m.lookupWith(key, [&](int mem, uint32_t addr) -> const uint64_t* {
        auto& b = buf[mem];
        b.assign(m.u64w[mem] + 1, 0);  // +1: getBits may look one word past a field
        const std::vector<uint32_t> chunks = source(mem, addr);
        for (size_t i = 0; i < chunks.size() && i / 2 < static_cast<size_t>(m.u64w[mem]); ++i)
            b[i / 2] |= uint64_t{chunks[i]} << (32 * (i % 2));
        return b.data();
    });
}

std::vector<LpmRoute> Lpm::routes() const {
    std::vector<LpmRoute> out;
    out.reserve(impl_->count);
    impl_->collect(out);
    return out;
}

LpmStatus Lpm::rebuild(std::span<const LpmRoute> routes, std::vector<LpmWordWrite>* writes) {
    Impl& cur = *impl_;
    for (const LpmRoute& r : routes) {
        if (auto s = cur.check(r.value, r.length); !s) return s;
        if (auto s = cur.checkResult(r.result); !s) return s;
    }
    // Shortest first, then by value: the layout depends on the set of prefixes only (stable:
    // of duplicates the last one still wins).
    std::vector<LpmRoute> sorted(routes.begin(), routes.end());
    std::stable_sort(sorted.begin(), sorted.end(), [](const LpmRoute& a, const LpmRoute& b) {
        return a.length != b.length ? a.length < b.length : a.value < b.value;
    });
    // With prefixes in the table, the new image goes above every word the current one may
    // use (its allocators' tops), so a lookup sees the old image until its L0 word flips.
    // An empty table has nothing reachable below L0: the new image starts at 0.
    std::vector<uint32_t> reserve(cur.L + 1, 0);
    if (cur.count > 0)
        for (int m = 1; m <= cur.L; ++m) reserve[m] = cur.alloc[m].top();
    auto fresh = std::make_unique<Impl>(cur.cfg);
    if (auto s = fresh->build(sorted, reserve); !s) return s;
    if (writes) {
        for (int m = cur.L; m >= 1; --m)
            for (uint32_t a = reserve[m]; a < fresh->alloc[m].top(); ++a)
                writes->push_back({m, a, fresh->chunks(m, a)});
        // L0 last, the words that change only: each one flips its slice of the key space.
        for (uint32_t e = 0; e < fresh->capacity(0); ++e) {
            auto now = fresh->chunks(0, e);
            if (now != cur.chunks(0, e)) writes->push_back({0, e, std::move(now)});
        }
    }
    impl_ = std::move(fresh);
    return {};
}

std::vector<uint32_t> Lpm::word(int mem, uint32_t addr) const { return impl_->chunks(mem, addr); }

std::vector<LpmWordWrite> Lpm::imageWrites() const {
    const Impl& m = *impl_;
    std::vector<LpmWordWrite> out;
    // Results and deeper levels first, L0 last: a load under traffic is make-before-break too.
    for (int mem = m.L; mem >= 0; --mem)
        for (uint32_t a = 0; a < m.top(mem); ++a) out.push_back({mem, a, m.chunks(mem, a)});
    return out;
}

std::vector<LpmMemoryInfo> Lpm::memoryInfo() const {
    const Impl& m = *impl_;
    std::vector<LpmMemoryInfo> out;
    for (int mem = 0; mem <= m.L; ++mem) {
        LpmMemoryInfo i;
        i.name = mem == 0     ? "L0 direct"
                 : mem == m.L ? "results"
                              : "level " + std::to_string(mem) + " nodes";
        i.wordBits = m.wb[mem];
        i.addrBits = m.aw[mem];
        i.capacityWords = m.capacity(mem);
        i.usedWords = m.used(mem);
        out.push_back(i);
    }
    return out;
}

uint64_t Lpm::usedBytes() const {
    uint64_t b = 0;
    for (const auto& i : memoryInfo()) b += i.usedBytes();
    return b;
}

}  // namespace hop::tables
