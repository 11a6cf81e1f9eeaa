// SPDX-License-Identifier: Apache-2.0
// LPM node-image builder: software trie that mirrors the hardware image, per-memory block
// allocators, make-before-break updates (see lpm.hpp for the format).
#include "runtime/tables/lpm.hpp"

#include <cstdlib>
#include <stdexcept>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "runtime/tables/lpm_impl.hpp"

namespace hop::tables {

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

namespace lpm_detail {

void adviseHuge(const void* p, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    constexpr uintptr_t kHuge = uintptr_t{2} << 20;
    const uintptr_t begin = (reinterpret_cast<uintptr_t>(p) + kHuge - 1) & ~(kHuge - 1);
    const uintptr_t end = (reinterpret_cast<uintptr_t>(p) + bytes) & ~(kHuge - 1);
    if (p && end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}

ZeroWords::ZeroWords(size_t n) : p_(static_cast<uint64_t*>(std::calloc(n ? n : 1, 8))), n_(n) {
    if (!p_) throw std::bad_alloc();
}

void ZeroWords::clear(size_t n) { std::fill_n(p_.get(), std::min(n, n_), 0); }

void ZeroWords::Free::operator()(uint64_t* p) const { std::free(p); }

}  // namespace lpm_detail

Lpm::Impl::Impl(LpmConfig c) : cfg(std::move(c)) {
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
        mem[m] = ZeroWords(static_cast<size_t>(capacity(m)) * u64w[m]);
        adviseHuge(mem[m].data(), mem[m].size() * sizeof(uint64_t));
    }
    alloc.resize(L + 1);
    for (int k = 1; k < L; ++k) alloc[k] = BlockAllocator(cfg.nodeCapacity[k], 1u << stride[k - 1]);
    int maxInternal = 1;
    for (int k = 1; k < L; ++k) maxInternal = std::max(maxInternal, (1 << (stride[k] + 1)) - 2);
    alloc[L] = BlockAllocator(cfg.resultCapacity, maxInternal);
    nodes.resize(L);
    pw.assign(L, 0);
    cw.assign(L, 0);
    for (int k = 1; k < L; ++k) {
        pw[k] = (internalBits(k) + 63) / 64;
        cw[k] = k < L - 1 ? 1 << stride[k] : 0;
    }
    presentPool.resize(L);
    childPool.resize(L);
    // Room for as many nodes as the level's memory holds: reserved, not touched until used, so
    // a bulk build neither copies the pools as they grow nor faults in more than it fills
    // (address space only; capped so a huge level does not ask for gigabytes of it).
    for (int k = 1; k < L; ++k) {
        const size_t perNode = sizeof(Node) + pw[k] * sizeof(uint64_t) + cw[k] * sizeof(int32_t);
        const size_t room = std::min<size_t>(capacity(k), (size_t{256} << 20) / perNode);
        nodes[k].reserve(room);
        presentPool[k].reserve(room * pw[k]);
        childPool[k].reserve(room * cw[k]);
        adviseHuge(nodes[k].data(), nodes[k].capacity() * sizeof(Node));
        adviseHuge(presentPool[k].data(), presentPool[k].capacity() * sizeof(uint64_t));
        adviseHuge(childPool[k].data(), childPool[k].capacity() * sizeof(int32_t));
    }
    scratch.assign(maxInternal, 0);
    freeNodes.resize(L);
    l0node.assign(size_t{1} << stride[0], -1);
    bestLen.assign(size_t{1} << stride[0], -1);
    shorts.resize(stride[0] + 1);
}

// --- encoders: write the image word (and record it) ------------------------------------
void Lpm::Impl::putResult(uint32_t idx, uint64_t value) {
    uint64_t* w = word(L, idx);
    std::fill(w, w + u64w[L], 0);
    setBits(w, 0, cfg.resultWidth, value);
    record(L, idx);
}

void Lpm::Impl::putL0(uint32_t e) {
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

void Lpm::Impl::putNode(int k, int32_t n) {
    const Node& nd = nodes[k][n];
    uint64_t* w = word(k, nd.addr);
    std::fill(w, w + u64w[k], 0);
    setBits(w, 0, RA, nd.resBase);
    if (k < L - 1) {
        setBits(w, childBaseOff[k], aw[k + 1], nd.childBase);
        const int32_t* ch = child(k, n);
        for (int c = 0; c < cw[k]; ++c)
            if (ch[c] >= 0) setBits(w, cbOff[k] + c, 1, 1);
    }
    const int ib = internalBits(k);
    const uint64_t* pr = present(k, n);
    for (int p = 0; p < ib; p += 64) setBits(w, ibOff[k] + p, std::min(64, ib - p), pr[p / 64]);
    record(k, nd.addr);
}

void Lpm::Impl::putResults(int k, int32_t n) {
    const uint32_t base = nodes[k][n].resBase;
    const uint64_t* pr = present(k, n);
    uint32_t i = 0;
    for (int p = 0; p < internalBits(k); ++p)
        if (testBit(pr, p)) putResult(base + i++, scratch[p]);
}

void Lpm::Impl::gather(int k, int32_t n) {
    const uint32_t base = nodes[k][n].resBase;
    const uint64_t* pr = present(k, n);
    uint32_t i = 0;
    for (int p = 0; p < internalBits(k); ++p)
        if (testBit(pr, p)) scratch[p] = resultAt(base + i++);
}

// Every child of node n (level k) rewritten at its rank in the array at childBase.
void Lpm::Impl::putChildArray(int k, int32_t n) {
    const uint32_t base = nodes[k][n].childBase;
    const int32_t* ch = child(k, n);
    uint32_t i = 0;
    for (int c = 0; c < cw[k]; ++c)
        if (ch[c] >= 0) {
            nodes[k + 1][ch[c]].addr = base + i++;
            putNode(k + 1, ch[c]);
        }
}

int32_t Lpm::Impl::newNode(int k) {
    int32_t n;
    if (!freeNodes[k].empty()) {
        n = freeNodes[k].back();
        freeNodes[k].pop_back();
    } else {
        n = static_cast<int32_t>(nodes[k].size());
        nodes[k].emplace_back();
        presentPool[k].resize(presentPool[k].size() + pw[k]);
        childPool[k].resize(childPool[k].size() + cw[k]);
    }
    nodes[k][n] = Node{};
    std::fill_n(present(k, n), pw[k], 0);
    std::fill_n(child(k, n), cw[k], -1);
    return n;
}

void Lpm::Impl::dropNode(int k, int32_t n) {
    nodes[k][n] = Node{};
    std::fill_n(present(k, n), pw[k], 0);
    std::fill_n(child(k, n), cw[k], -1);
    freeNodes[k].push_back(n);
}

LpmStatus Lpm::Impl::check(LpmKey value, int length) const {
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
        return {LpmErrc::HostBitsSet, "value has bits set beyond the /" + std::to_string(length) +
                                          " prefix (give the network address)"};
    return {};
}

LpmStatus Lpm::Impl::checkResult(uint64_t result) const {
    if (cfg.resultWidth < 64 && (result >> cfg.resultWidth))
        return {LpmErrc::ValueTooWide, "result " + std::to_string(result) + " does not fit in " +
                                           std::to_string(cfg.resultWidth) + " bits"};
    return {};
}

LpmStatus Lpm::Impl::full() const {
    return {LpmErrc::TableFull,
            "table full: it holds its size of " + std::to_string(cfg.size) + " prefixes"};
}

LpmStatus Lpm::Impl::exhausted(int m) const {
    return {LpmErrc::MemoryExhausted,
            (m == L ? std::string("result memory") : "trie level " + std::to_string(m)) +
                " memory exhausted (" + std::to_string(capacity(m)) + " words)"};
}

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
    // The node at the prefix's level on its path (no path list: a bulk add asks a million times).
    const int kt = m.levelOf(length);
    int32_t n = m.l0node[m.chunk(value, 0)];
    for (int k = 1; k < kt && n >= 0; ++k) n = m.child(k, n)[m.chunk(value, k)];
    if (n < 0) return std::nullopt;
    const int pos = m.posOf(value, length, kt);
    if (!testBit(m.present(kt, n), pos)) return std::nullopt;
    return m.valueAt(kt, n, pos);
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
    struct Collect : LpmWordSink {
        std::vector<LpmWordWrite>* out;
        explicit Collect(std::vector<LpmWordWrite>* o) : out(o) {}
        void word(int mem, uint32_t addr, std::span<const uint32_t> data) override {
            out->push_back({mem, addr, {data.begin(), data.end()}});
        }
    } collect(writes);
    return rebuild(std::vector<LpmRoute>(routes.begin(), routes.end()),
                   writes ? &collect : nullptr);
}

LpmStatus Lpm::rebuild(std::vector<LpmRoute>&& routes, LpmWordSink* sink) {
    Impl& cur = *impl_;
    for (const LpmRoute& r : routes) {
        if (auto s = cur.check(r.value, r.length); !s) return s;
        if (auto s = cur.checkResult(r.result); !s) return s;
    }
    // Shortest first, then by value: the layout depends on the set of prefixes only (stable:
    // of duplicates the last one still wins; a sorted list stays as it is).
    const auto shorter = [](const LpmRoute& a, const LpmRoute& b) {
        return a.length != b.length ? a.length < b.length : a.value < b.value;
    };
    if (!std::is_sorted(routes.begin(), routes.end(), shorter))
        std::stable_sort(routes.begin(), routes.end(), shorter);
    // With prefixes in the table, the new image goes above every word the current one may
    // use (its allocators' tops), so a lookup sees the old image until its L0 word flips.
    // An empty table has nothing reachable below L0: the new image starts at 0.
    std::vector<uint32_t> reserve(cur.L + 1, 0);
    if (cur.count > 0)
        for (int m = 1; m <= cur.L; ++m) reserve[m] = cur.alloc[m].top();
    auto fresh = std::make_unique<Impl>(cur.cfg);
    if (auto s = fresh->build(routes, reserve); !s) return s;
    std::vector<LpmRoute>().swap(routes);  // the image holds them now
    if (sink) {
        // L0 last, the words that change only: each one flips its slice of the key space.
        std::vector<uint32_t> flips;
        const size_t l0 = static_cast<size_t>(cur.u64w[0]);
        for (uint32_t e = 0; e < fresh->capacity(0); ++e)
            if (!std::equal(fresh->word(0, e), fresh->word(0, e) + l0, cur.word(0, e)))
                flips.push_back(e);
        std::vector<size_t> counts(cur.L + 1, 0);
        counts[0] = flips.size();
        for (int m = 1; m <= cur.L; ++m) counts[m] = fresh->alloc[m].top() - reserve[m];
        sink->expect(counts);
        int most = 0;
        for (int m = 0; m <= cur.L; ++m) most = std::max(most, fresh->chunkCount(m));
        std::vector<uint32_t> buf(most);
        auto emit = [&](int m, uint32_t a) {
            fresh->chunksInto(m, a, buf.data());
            sink->word(m, a, std::span<const uint32_t>(buf.data(), fresh->chunkCount(m)));
        };
        for (int m = cur.L; m >= 1; --m)
            for (uint32_t a = reserve[m]; a < fresh->alloc[m].top(); ++a) emit(m, a);
        for (uint32_t e : flips) emit(0, e);
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
