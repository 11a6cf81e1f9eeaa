// SPDX-License-Identifier: Apache-2.0
// The CSR words of rtl/hop_packet_buffer.sv (the traffic manager's packet buffer), as byte
// offsets / 4 from the block's base. The block keeps the same numbers as localparams (Yosys
// reads no packages); rtl.hop_packet_buffer_* reads the block through this header only.
#pragma once

#include <cstdint>

namespace hop::regmap {

enum BufferWord : uint32_t {
    kBufferWordInfo =
        0,  // R [7:0] log2 CELLS, [15:8] DATA_W / 8, [23] busy (filling the free list)
    kBufferWordFree = 1,     // R cells free now
    kBufferWordFrames = 2,   // R frames written whole (wraps)
    kBufferWordDropped = 3,  // R frames dropped for lack of cells (wraps)
    kBufferWordReads = 4,    // R frames streamed out (wraps)
    kBufferWordFreed = 5,    // R frames whose cells were returned, by a read or a discard (wraps)
};

constexpr uint32_t kBufferSpan = 0x20;

}  // namespace hop::regmap
