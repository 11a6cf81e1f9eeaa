// SPDX-License-Identifier: Apache-2.0
// The CSR words of rtl/hop_queue_set.sv (the traffic manager's queues), as byte offsets / 4
// from the block's base. The block keeps the same numbers as localparams (Yosys reads no
// packages); rtl.hop_queue_set_* reads and writes the block through this header only.
#pragma once

#include <cstdint>

namespace hop::regmap {

enum QueueWord : uint32_t {
    kQueueWordInfo = 0,      // R  [7:0] QUEUES, [15:8] log2 QDEPTH
    kQueueWordIndex = 1,     // RW the queue LIMIT, DEPTH and DROPS name
    kQueueWordLimit = 2,     // RW the queue's limit in entries (at most QDEPTH, its reset value;
                             //    a larger value sets QDEPTH); past it an enqueue is dropped
    kQueueWordDepth = 3,     // R  the queue's depth now
    kQueueWordDrops = 4,     // R  enqueues the queue dropped (wraps)
    kQueueWordEnqueued = 5,  // R  enqueues taken, every queue (wraps)
    kQueueWordDequeued = 6,  // R  dequeues, every queue (wraps)
    kQueueWordDropped = 7,   // R  enqueues dropped, every queue (wraps)
};

constexpr uint32_t kQueueSetSpan = 0x20;

}  // namespace hop::regmap
