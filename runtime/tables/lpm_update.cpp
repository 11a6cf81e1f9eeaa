// SPDX-License-Identifier: Apache-2.0
// LPM node-image builder, incremental updates: short prefixes (L0 and their result words) and long
// ones (trie nodes), each make-before-break.
#include "runtime/tables/lpm_impl.hpp"

namespace hop::tables {

// --- short prefixes (length <= s0): result word + expanded L0 entries ---------------
LpmStatus Lpm::Impl::insertShort(LpmKey key, int len, uint64_t result) {
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

LpmStatus Lpm::Impl::eraseShort(LpmKey key, int len) {
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
int Lpm::Impl::walk(LpmKey key, int kt, std::vector<int32_t>& path) const {
    path.assign(L, -1);
    int32_t n = l0node[chunk(key, 0)];
    int j = 0;
    for (int k = 1; k <= kt && n >= 0; ++k) {
        path[k] = n;
        j = k;
        if (k < kt) n = child(k, n)[chunk(key, k)];
    }
    return j;
}

LpmStatus Lpm::Impl::insertLong(LpmKey key, int len, uint64_t result) {
    const int kt = levelOf(len);
    const int pos = posOf(key, len, kt);
    std::vector<int32_t> path;
    const int j = walk(key, kt, path);
    if (j == kt) {
        Node& x = nodes[kt][path[kt]];
        uint64_t* pr = present(kt, path[kt]);
        if (testBit(pr, pos)) {  // change of value: one word
            putResult(x.resBase + popcountRange(pr, 0, pos), result);
            return {};
        }
        if (count >= cfg.size) return full();
        auto r = alloc[L].alloc(x.nResults + 1);
        if (!r) return exhausted(L);
        const uint32_t oldBase = x.resBase, oldN = x.nResults;
        gather(kt, path[kt]);
        setBits(pr, pos, 1, 1);
        scratch[pos] = result;
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
    for (int m = j + 1; m <= kt; ++m) {
        const uint32_t slot = static_cast<uint32_t>(chunk(key, m - 1));
        const int32_t n = newNode(m);
        path[m] = n;
        if (m == j + 1) {
            if (j == 0)
                l0node[slot] = n;
            else {
                child(j, path[j])[slot] = n;
                ++nodes[j][path[j]].nChildren;
            }
        } else {
            Node& p = nodes[m - 1][path[m - 1]];
            child(m - 1, path[m - 1])[slot] = n;
            p.nChildren = 1;
            p.childBase = base[m];
            nodes[m][n].addr = base[m];
        }
    }
    Node& x = nodes[kt][path[kt]];
    setBits(present(kt, path[kt]), pos, 1, 1);
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

LpmStatus Lpm::Impl::eraseLong(LpmKey key, int len) {
    const int kt = levelOf(len);
    const int pos = posOf(key, len, kt);
    std::vector<int32_t> path;
    const int j = walk(key, kt, path);
    if (j != kt || !testBit(present(kt, path[kt]), pos))
        return {LpmErrc::NotFound, "no such prefix"};
    Node& x = nodes[kt][path[kt]];
    if (x.nResults > 1 || x.nChildren > 0) {
        auto r = alloc[L].alloc(x.nResults - 1);
        if (!r) return exhausted(L);
        const uint32_t oldBase = x.resBase, oldN = x.nResults;
        gather(kt, path[kt]);
        setBits(present(kt, path[kt]), pos, 1, 0);
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
        child(y - 1, path[y - 1])[chunk(key, y - 1)] = -1;
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

}  // namespace hop::tables
