// SPDX-License-Identifier: Apache-2.0
// Reassembly of IPv4 fragments addressed to the router (RFC 791 3.2, RFC 815's hole bookkeeping
// replaced by an ordered map of received ranges). Datagrams are keyed by (source, destination,
// protocol, identification).
//
// Rules, and which outcome counts where:
//   - fragments arrive in any order; a datagram is complete when its last fragment (MF clear)
//     has been seen and received ranges cover [0, end) without gaps;
//   - an exact duplicate (same offset, same length, same bytes) is ignored (`duplicates`);
//   - ANY other overlap, identical bytes or not, drops the whole datagram (`overlaps`), the
//     stricter choice of RFC 5722 (written for IPv6, applied here to IPv4 as Linux and the
//     BSDs do for IPv6): the datagram's fragments still to come are dropped as well
//     (`late_fragments`) until its timeout, so that no datagram is built from a mixture;
//   - two different ends, or data beyond the end, drop the whole datagram too (`inconsistent`);
//   - a fragment with MF set whose data is empty or not a multiple of 8 bytes is dropped alone
//     (`malformed`); a datagram that would exceed 65535 bytes is dropped whole (`too_long`);
//   - a datagram not complete `timeout` after its first fragment arrived is dropped
//     (`timeouts`); expire() hands back its first fragment, if it arrived, so that the caller
//     can send ICMP time exceeded, code 1 (RFC 792, RFC 1122 3.3.2);
//   - memory: every datagram in progress costs kDatagramOverhead, plus its first fragment's
//     header, plus for each fragment its data and kFragmentOverhead. When a fragment would take
//     the total above `memoryCap`, the oldest other datagrams are dropped until it fits
//     (`memory_evictions`); if it still does not fit its own datagram is dropped
//     (`memory_drops`).
#pragma once

#include <map>
#include <optional>
#include <vector>

#include "runtime/router/packet.hpp"

namespace hop::router {

struct ReassemblyConfig {
    Duration timeout = std::chrono::seconds(30);
    size_t memoryCap = 4 << 20;
};

struct ReassemblyCounters {
    uint64_t fragments = 0;    // fragments given to add()
    uint64_t reassembled = 0;  // datagrams completed
    uint64_t duplicates = 0;
    uint64_t overlaps = 0;
    uint64_t inconsistent = 0;
    uint64_t lateFragments = 0;
    uint64_t malformed = 0;
    uint64_t tooLong = 0;
    uint64_t timeouts = 0;
    uint64_t memoryEvictions = 0;
    uint64_t memoryDrops = 0;

    void list(std::vector<Counter>& out, const std::string& prefix) const;
};

class Reassembler {
  public:
    static constexpr size_t kDatagramOverhead = 128;
    static constexpr size_t kFragmentOverhead = 64;

    explicit Reassembler(ReassemblyConfig config = {});

    // A fragment addressed to the router. Returns the reassembled datagram when this fragment
    // completes one (a datagram that is not a fragment is returned as it is). The caller should
    // call expire(now) first so that stale datagrams do not absorb new fragments.
    std::optional<Bytes> add(const Ipv4Packet& fragment, TimePoint now);

    // Drops the datagrams whose time is up; returns the first fragments of those that had one.
    std::vector<Bytes> expire(TimePoint now);

    std::optional<TimePoint> nextDeadline() const;
    size_t memoryInUse() const { return memory_; }
    size_t datagramsInProgress() const { return datagrams_.size(); }  // dropped ones included
    const ReassemblyCounters& counters() const { return counters_; }
    const ReassemblyConfig& config() const { return config_; }

  private:
    struct Key {
        uint32_t src = 0;
        uint32_t dst = 0;
        uint16_t id = 0;
        uint8_t protocol = 0;
        friend auto operator<=>(const Key&, const Key&) = default;
    };
    struct Datagram {
        uint64_t seq = 0;  // arrival order of the first fragment: age for timeouts and eviction
        TimePoint deadline;
        bool dropped = false;          // overlap or inconsistency seen: discard what follows
        std::map<size_t, Bytes> data;  // offset in bytes -> fragment data
        size_t received = 0;           // bytes of data held
        std::optional<size_t> end;     // known once the last fragment arrived
        Bytes firstHeader;             // header of the fragment at offset 0, options included
        size_t memory = kDatagramOverhead;
    };
    using Iterator = std::map<Key, Datagram>::iterator;

    void drop(Iterator it, uint64_t& counter);  // keeps it as a tombstone
    void erase(Iterator it);
    bool makeRoom(size_t need, const Key& keep);
    Bytes assemble(const Datagram& d) const;

    ReassemblyConfig config_;
    ReassemblyCounters counters_;
    std::map<Key, Datagram> datagrams_;
    std::map<uint64_t, Key> byAge_;
    uint64_t nextSeq_ = 0;
    size_t memory_ = 0;
};

}  // namespace hop::router
