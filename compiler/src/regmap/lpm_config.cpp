// SPDX-License-Identifier: Apache-2.0
#include "regmap/lpm_config.hpp"

#include <algorithm>
#include <cmath>

namespace hop::tables {

LpmConfig LpmConfig::forSize(int keyWidth, std::vector<int> strides, uint64_t size, int resultWidth,
                             std::vector<double> nodesPerPrefix) {
    LpmConfig c;
    c.keyWidth = keyWidth;
    c.strides = std::move(strides);
    c.resultWidth = resultWidth;
    c.size = size;
    const size_t L = c.strides.size();
    c.nodeCapacity.assign(L, 0);
    int depth = c.strides.empty() ? 0 : c.strides[0];
    int maxInternal = 1;
    for (size_t k = 1; k < L; ++k) {
        double worst = depth >= 60 ? 1e18 : std::ldexp(1.0, depth);
        worst = std::min(worst, static_cast<double>(size));
        if (k - 1 < nodesPerPrefix.size())
            worst = std::min(worst, std::ceil(nodesPerPrefix[k - 1] * static_cast<double>(size)));
        // Slack: one make-before-break copy of the largest child array (plus one).
        const double slack = k == 1 ? 2 : 2 * std::ldexp(1.0, c.strides[k - 1]);
        c.nodeCapacity[k] = static_cast<uint32_t>(std::min(worst + slack, 4.0e9));
        maxInternal = std::max(maxInternal, (1 << (c.strides[k] + 1)) - 2);
        depth += c.strides[k];
    }
    c.resultCapacity = static_cast<uint32_t>(std::min<uint64_t>(size + 2 * maxInternal, 4e9));
    return c;
}

std::string LpmConfig::validate() const {
    if (keyWidth < 1 || keyWidth > 128) return "key width must be 1..128";
    if (strides.size() < 2) return "at least two levels (a direct level 0 and one trie level)";
    int sum = 0;
    for (size_t k = 0; k < strides.size(); ++k) {
        if (k == 0 && (strides[0] < 1 || strides[0] > 24))
            return "level 0 stride must be 1..24 (direct-indexed)";
        if (k > 0 && (strides[k] < 1 || strides[k] > 8)) return "trie strides must be 1..8";
        sum += strides[k];
    }
    if (sum != keyWidth) return "strides must sum to the key width";
    if (resultWidth < 1 || resultWidth > 64) return "result width must be 1..64";
    if (nodeCapacity.size() != strides.size()) return "nodeCapacity needs one entry per level";
    for (size_t k = 1; k < strides.size(); ++k)
        if (nodeCapacity[k] < 1) return "every trie level needs a capacity";
    if (resultCapacity < 1) return "result capacity must be at least 1";
    return {};
}

}  // namespace hop::tables
