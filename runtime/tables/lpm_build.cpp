// SPDX-License-Identifier: Apache-2.0
// LPM node-image builder, the bulk build: every prefix laid out compactly, and the prefixes read
// back from the trie.
#include <tuple>

#include "runtime/tables/lpm_impl.hpp"

namespace hop::tables {

// --- bulk build -----------------------------------------------------------------------
void Lpm::Impl::clear() {
    // Nothing is ever written above an allocator's top.
    for (int m = 0; m <= L; ++m) mem[m].clear(static_cast<size_t>(top(m)) * u64w[m]);
    for (int m = 1; m <= L; ++m) alloc[m].reset();
    for (int k = 0; k < L; ++k) {
        nodes[k].clear();
        presentPool[k].clear();
        childPool[k].clear();
        freeNodes[k].clear();
    }
    std::fill(l0node.begin(), l0node.end(), -1);
    std::fill(bestLen.begin(), bestLen.end(), -1);
    for (auto& s : shorts) s.clear();
    count = 0;
}

// reserve[m] (m = 1..L, may be empty): words at the bottom of memory m the layout leaves
// alone (the image being replaced); they are quarantined once the new image is laid out.
LpmStatus Lpm::Impl::build(std::span<const LpmRoute> routes, std::span<const uint32_t> reserve) {
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
                // newNode(k) may move level k's pools, never level k-1's: ref stays valid.
                int32_t& ref = k == 1 ? l0node[slot] : child(k - 1, n)[slot];
                if (ref < 0) {
                    ref = newNode(k);
                    if (k > 1) ++nodes[k - 1][n].nChildren;
                }
                n = ref;
            }
            const int pos = posOf(r.value, r.length, kt);
            if (!testBit(present(kt, n), pos)) {
                setBits(present(kt, n), pos, 1, 1);
                ++nodes[kt][n].nResults;
                ++count;
            }
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
                const int32_t* ch = child(k, n);
                for (int c = 0; c < cw[k]; ++c)
                    if (ch[c] >= 0) {
                        nodes[k + 1][ch[c]].addr = nd.childBase + i++;
                        next.push_back(ch[c]);
                    }
            }
            putNode(k, n);
        }
        order.swap(next);
    }
    // The values, in the result words the layout gave each node's prefixes (of duplicates the
    // last one is written last).
    for (const LpmRoute& r : routes) {
        if (r.length <= s0) continue;
        const int kt = levelOf(r.length);
        int32_t n = l0node[chunk(r.value, 0)];
        for (int k = 1; k < kt; ++k) n = child(k, n)[chunk(r.value, k)];
        putResult(
            nodes[kt][n].resBase + popcountRange(present(kt, n), 0, posOf(r.value, r.length, kt)),
            r.result);
    }
    for (uint32_t e = 0; e < l0node.size(); ++e) putL0(e);
    for (int m = 1; m <= L && m < static_cast<int>(reserve.size()); ++m)
        alloc[m].releaseRange(0, reserve[m]);
    return {};
}

// Every prefix, shortest first (L0's short prefixes, then the trie depth first).
void Lpm::Impl::collect(std::vector<LpmRoute>& out) const {
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
        const uint64_t* pr = present(k, n);
        uint32_t idx = nodes[k][n].resBase;
        for (int p = 0; p < internalBits(k); ++p) {
            if (!testBit(pr, p)) continue;
            const int l = std::bit_width(static_cast<unsigned>(p + 2)) - 1;
            const uint64_t v = static_cast<uint64_t>(p + 2 - (1 << l));
            out.push_back({key | (static_cast<LpmKey>(v) << (W - depth[k] - l)), depth[k] + l,
                           resultAt(idx++)});
        }
        const int32_t* ch = child(k, n);
        for (int c = 0; c < cw[k]; ++c)
            if (ch[c] >= 0)
                stack.emplace_back(k + 1, ch[c],
                                   key | (static_cast<LpmKey>(c) << (W - depth[k] - stride[k])));
    }
}

}  // namespace hop::tables
