// SPDX-License-Identifier: Apache-2.0
// Geometry of an LPM table block (rtl/hop_table_lpm.sv): strides and memory sizes. Shared by
// the register map (which gives the block its parameters) and the node-image builder
// (runtime/tables/lpm.hpp, which fills the memories), so both always agree.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hop::tables {

// Nodes per prefix per level measured on tier1-full-table-2023 for 12-4-4-4-4-4, with 25 %
// headroom (levels 1..5): 2,928 / 25,398 / 140,640 / 451 / 595 nodes for 901,899 prefixes.
inline const std::vector<double> kIpv4InternetNodesPerPrefix = {0.0041, 0.0352, 0.195, 0.0007,
                                                                0.0009};

struct LpmConfig {
    int keyWidth = 32;
    std::vector<int> strides{12, 4, 4, 4, 4, 4};  // level 0 direct; sum == keyWidth
    int resultWidth = 20;
    uint64_t size = 0;                   // max prefixes (P4 `size`)
    std::vector<uint32_t> nodeCapacity;  // words per level; index 0 unused (L0 is 2^s0)
    uint32_t resultCapacity = 0;         // words of the result memory

    // The sizing rule of runtime/tables/lpm.hpp (its file comment). An empty nodesPerPrefix means
    // the worst case min(2^d_k, size) per level.
    static LpmConfig forSize(int keyWidth, std::vector<int> strides, uint64_t size,
                             int resultWidth = 20, std::vector<double> nodesPerPrefix = {});
    std::string validate() const;  // empty when usable
};

}  // namespace hop::tables
