// SPDX-License-Identifier: Apache-2.0
// The CSR map of rtl/hop_table_lpm.sv (byte offsets from the block's BASE), the C++ side of
// its OFF_* localparams: the Verilated tests of the block (tests/rtl/hop_table_lpm_test.cpp)
// check every one equal, so the two cannot drift apart.
#pragma once

#include <cstdint>

namespace hop::tables {

struct LpmCsr {
    static constexpr uint32_t kId = 0x000;
    static constexpr uint32_t kIdValue = 0x4c504d01;
    static constexpr uint32_t kInfo = 0x004;         // {LEVELS, busy[23], LATENCY[6:0], KEY_W}
    static constexpr uint32_t kInfoBusy = 1u << 23;  // the init walk after reset
    static constexpr uint32_t kCommit = 0x008;       // {sel[7:0], addr[23:0]}
    static constexpr uint32_t kRead = 0x00c;         // {sel[7:0], addr[23:0]}
    static constexpr uint32_t kHitLo = 0x010;        // reading it latches kHitHi; write clears
    static constexpr uint32_t kHitHi = 0x014;
    static constexpr uint32_t kMissLo = 0x018;  // reading it latches kMissHi; write clears
    static constexpr uint32_t kMissHi = 0x01c;
    static constexpr uint32_t kStage = 0x100;  // + 4 * chunk
    static constexpr uint32_t kRdata = 0x200;  // + 4 * chunk
    static constexpr uint32_t kSpan = 0x400;
    static constexpr int kDefaultSel = 255;
};

}  // namespace hop::tables
