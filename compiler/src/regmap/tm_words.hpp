// SPDX-License-Identifier: Apache-2.0
// The CSR window of rtl/hop_traffic_manager.sv (v1model's traffic manager): its three blocks at
// fixed offsets from its base, and its own words, as byte offsets / 4 from kTmOwnOffset. The
// block keeps the same numbers as localparams (Yosys reads no packages); rtl.hop_traffic_manager
// drives the block through this header only.
#pragma once

#include <cstdint>

namespace hop::regmap {

constexpr uint32_t kTmBufferOffset = 0x00;      // hop_packet_buffer (buffer_words.hpp)
constexpr uint32_t kTmQueuesOffset = 0x20;      // hop_queue_set (queue_words.hpp)
constexpr uint32_t kTmReplicatorOffset = 0x40;  // hop_replicator (replicator_words.hpp)
constexpr uint32_t kTmOwnOffset = 0x60;         // the words below
constexpr uint32_t kTmSpan = 0x80;

enum TmWord : uint32_t {
    kTmWordInfo = 0,         // R [7:0] PORTS, [15:8] PRIOS, [23] busy
    kTmWordDecisions = 1,    // R decisions taken (one per frame from ingress)
    kTmWordUnicast = 2,      // R frames sent to one port
    kTmWordMulticast = 3,    // R frames sent to a multicast group
    kTmWordDroppedSpec = 4,  // R frames dropped by egress_spec (511, or a port past PORTS)
    kTmWordNoBuffer = 5,     // R frames the buffer had no room for, dropped whole
    kTmWordCopies = 6,       // R copies sent to egress
    kTmWordPause = 7,        // RW bit p: port p's queues are not served (port_pause)
};

// A queue's number in hop_queue_set: port * PRIOS + the priority (clamped to PRIOS - 1).
constexpr uint32_t tmQueue(uint32_t port, uint32_t priority, uint32_t prios) {
    return port * prios + (priority < prios ? priority : prios - 1);
}

}  // namespace hop::regmap
