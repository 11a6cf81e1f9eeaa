// SPDX-License-Identifier: Apache-2.0
// The CSR words of rtl/hop_replicator.sv (v1model's multicast replication, the traffic
// manager's replication engine), as byte offsets / 4 from the block's base, its commands and the
// layout of its two tables. The block keeps the same numbers as localparams (Yosys reads no
// packages); rtl.hop_replicator_* drives the block through this header only, so the two cannot
// disagree without a failing test.
#pragma once

#include <cstdint>

namespace hop::regmap {

enum ReplicatorWord : uint32_t {
    kReplWordInfo = 0,     // R  [7:0] log2 NODES, [15:8] log2 GROUPS, [22:16] PORTS, [23] busy,
                           //    [24] draining: a packet that read its group word before the
                           //    last WRITE_GROUP still reads nodes
    kReplWordIndex = 1,    // RW the group or node the next command names
    kReplWordCmd = 2,      // W  a ReplicatorCmd; R the last command's status (1: refused)
    kReplWordData0 = 3,    // RW group: [15:0] first node (base), [31:16] its copies in all;
                           //    node: replication id (16 bits)
    kReplWordData1 = 4,    // RW group: node count; node: port set (bit p: port p)
    kReplWordPackets = 5,  // R  packets taken (wraps)
    kReplWordCopies = 6,   // R  copies sent (wraps)
    kReplWordNoCopy = 7,   // R  packets for a group with no node (count 0, or past the table)
};

// CMD: WRITE_* copies DATA0/DATA1 into the table entry INDEX in one cycle (a packet sees the
// old entry or the new one); READ_* loads DATA0/DATA1 from it. Refused (status 1, nothing
// changes) while busy, with INDEX past the table or with another value.
enum ReplicatorCmd : uint32_t {
    kReplWriteGroup = 1,
    kReplWriteNode = 2,
    kReplReadGroup = 3,
    kReplReadNode = 4,
};

constexpr uint32_t kReplicatorSpan = 0x20;
constexpr uint32_t kReplInfoDrainingBit = 24;  // INFO: packets may still read freed nodes
constexpr uint32_t kReplicatorMaxPorts = 32;   // a node's port set is one 32-bit word

}  // namespace hop::regmap
