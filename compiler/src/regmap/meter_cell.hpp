// SPDX-License-Identifier: Apache-2.0
// The cell of rtl/hop_meter.sv (a v1model meter's two buckets), as the control plane writes and
// reads it through the block's hop_register CSR words (kRegWord*): bit 0 configured, then the
// peak bucket, then the committed bucket, each {rate Q32.32 units/us (64), burst (32), tokens
// (32), tokens earned up to the last update (64)} from its low bit. Setting rates writes a cell
// with both buckets full and nothing earned; a cell of 0 is unconfigured (marks GREEN).
#pragma once

#include <cstdint>

#include "ir/ir.hpp"

namespace hop::regmap {

inline constexpr int kMeterBucketBits = 64 + 32 + 32 + 64;
inline constexpr int kMeterCellBits = 1 + 2 * kMeterBucketBits;  // 385, hop_meter's WIDTH

struct MeterBucket {
    uint64_t rateQ32 = 0;  // units per microsecond, unsigned Q32.32
    uint32_t burst = 0, tokens = 0;
    uint64_t last = 0;
};
struct MeterCellState {
    bool configured = false;
    MeterBucket peak, committed;
};

inline ir::BigInt packMeterCell(const MeterCellState& c) {
    ir::BigInt v = c.configured ? 1 : 0;
    int pos = 1;
    for (const MeterBucket* b : {&c.peak, &c.committed}) {
        v |= ir::BigInt(b->rateQ32) << pos;
        v |= ir::BigInt(b->burst) << (pos + 64);
        v |= ir::BigInt(b->tokens) << (pos + 96);
        v |= ir::BigInt(b->last) << (pos + 128);
        pos += kMeterBucketBits;
    }
    return v;
}

inline MeterCellState unpackMeterCell(const ir::BigInt& v) {
    auto bits = [&](int lo, int width) {
        return static_cast<uint64_t>((v >> lo) & ((ir::BigInt(1) << width) - 1));
    };
    MeterCellState c;
    c.configured = bits(0, 1) != 0;
    int pos = 1;
    for (MeterBucket* b : {&c.peak, &c.committed}) {
        b->rateQ32 = bits(pos, 64);
        b->burst = static_cast<uint32_t>(bits(pos + 64, 32));
        b->tokens = static_cast<uint32_t>(bits(pos + 96, 32));
        b->last = bits(pos + 128, 64);
        pos += kMeterBucketBits;
    }
    return c;
}

}  // namespace hop::regmap
