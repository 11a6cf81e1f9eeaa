// SPDX-License-Identifier: Apache-2.0
// The CSR words of rtl/hop_digest_fifo.sv (v1model's digests on their way to the host), as byte
// offsets / 4 from the block's base. The block's base comes from the register map; the words
// are the block's own, and rtl.hop_digest_fifo_* reads every one through this enum.
#pragma once

#include <cstdint>

namespace hop::regmap {

enum DigestWord : uint32_t {
    kDigestWordCount = 0,  // digests waiting (read)
    kDigestWordDrops = 1,  // digests lost because the FIFO was full (read; wraps)
    kDigestWordPop = 2,    // write (any value): removes the oldest digest; reads 0
    kDigestWordWords = 3,  // 32-bit data words per digest (read)
    kDigestWordData = 4,   // data word i at kDigestWordData + i: bits [32i+31:32i] of the oldest
                           // digest (0 when none)
};

// The block's span for `dataBits` bits per digest: the data words after the four above,
// rounded up to a power of two (at least 0x20).
constexpr uint32_t digestSpan(uint32_t dataBits) {
    const uint32_t bytes = 4 * (kDigestWordData + (dataBits + 31) / 32);
    uint32_t span = 0x20;
    while (span < bytes) span <<= 1;
    return span;
}

}  // namespace hop::regmap
