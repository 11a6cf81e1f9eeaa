// SPDX-License-Identifier: Apache-2.0
// The digests of a board, popped from its digest FIFO (rtl/hop_digest_fifo.sv; the register
// map's "digests" block, regmap/digest_block.hpp). One implementation of the block's protocol
// for every client: hopd over a runtime/device Device, hopsim's RTL engine over its bus.
//   - COUNT says how many whole entries wait; the oldest one's DATA words read as one entry
//     (it changes only on POP), then a POP write removes it; entries leave in the order the
//     packets sent them;
//   - DROPS counts the digests lost while the FIFO was full (the host lagged).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "regmap/digest_block.hpp"
#include "runtime/tables/extern_csr.hpp"

namespace hop::tables {

struct DigestPoll {
    std::vector<regmap::DigestEntry> entries;  // in order
    uint32_t drops = 0;                        // the DROPS word after the last POP
};

// Pops the digests waiting (at most `max`; 0: until COUNT reads 0) into `poll.entries` and reads
// DROPS; false with `error` on a CSR error or an entry whose number names no digest (the
// entries popped before it are kept).
bool popDigests(const regmap::DigestBlock& block, const CsrPort& port, DigestPoll& poll,
                std::string& error, size_t max = 0);

// `NAME member=0x... ...`, values in hex as hopsim's digests.txt writes them.
std::string digestText(const regmap::DigestBlock& block, const regmap::DigestEntry& entry);

}  // namespace hop::tables
