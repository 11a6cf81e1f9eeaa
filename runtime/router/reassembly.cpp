// SPDX-License-Identifier: Apache-2.0
#include "runtime/router/reassembly.hpp"

#include <algorithm>

namespace hop::router {

void ReassemblyCounters::list(std::vector<Counter>& out, const std::string& prefix) const {
    out.push_back({prefix + "fragments", fragments});
    out.push_back({prefix + "reassembled", reassembled});
    out.push_back({prefix + "duplicates", duplicates});
    out.push_back({prefix + "overlaps", overlaps});
    out.push_back({prefix + "inconsistent", inconsistent});
    out.push_back({prefix + "late_fragments", lateFragments});
    out.push_back({prefix + "malformed", malformed});
    out.push_back({prefix + "too_long", tooLong});
    out.push_back({prefix + "timeouts", timeouts});
    out.push_back({prefix + "memory_evictions", memoryEvictions});
    out.push_back({prefix + "memory_drops", memoryDrops});
}

Reassembler::Reassembler(ReassemblyConfig config) : config_(config) {}

void Reassembler::erase(Iterator it) {
    memory_ -= it->second.memory;
    byAge_.erase(it->second.seq);
    datagrams_.erase(it);
}

void Reassembler::drop(Iterator it, uint64_t& counter) {
    ++counter;
    Datagram& d = it->second;
    memory_ -= d.memory;
    d.dropped = true;
    d.data.clear();
    d.firstHeader.clear();
    d.received = 0;
    d.memory = kDatagramOverhead;
    memory_ += d.memory;
}

bool Reassembler::makeRoom(size_t need, const Key& keep) {
    auto age = byAge_.begin();
    while (memory_ + need > config_.memoryCap && age != byAge_.end()) {
        if (age->second == keep) {
            ++age;
            continue;
        }
        auto it = datagrams_.find(age->second);
        ++age;
        ++counters_.memoryEvictions;
        erase(it);
    }
    return memory_ + need <= config_.memoryCap;
}

std::optional<Bytes> Reassembler::add(const Ipv4Packet& fragment, TimePoint now) {
    ++counters_.fragments;
    if (!fragment.isFragment()) return Bytes(fragment.datagram.begin(), fragment.datagram.end());
    const size_t offset = fragment.fragmentByteOffset();
    const ByteView bytes = fragment.payload;
    const bool last = !fragment.header.moreFragments;
    if (!last && (bytes.empty() || bytes.size() % 8 != 0)) {
        ++counters_.malformed;
        return std::nullopt;
    }

    const Key key{fragment.header.src.value, fragment.header.dst.value, fragment.header.id,
                  fragment.header.protocol};
    auto it = datagrams_.find(key);
    if (it == datagrams_.end()) {
        if (!makeRoom(kDatagramOverhead, key)) {
            ++counters_.memoryDrops;
            return std::nullopt;
        }
        Datagram d;
        d.seq = nextSeq_++;
        d.deadline = now + config_.timeout;
        byAge_.emplace(d.seq, key);
        memory_ += d.memory;
        it = datagrams_.emplace(key, std::move(d)).first;
    }
    Datagram& d = it->second;
    if (d.dropped) {
        ++counters_.lateFragments;
        return std::nullopt;
    }
    // The smallest header is 20 bytes; the first fragment's real one is checked on completion.
    if (offset + bytes.size() + kIpv4MinHeaderSize > kIpv4MaxDatagram) {
        drop(it, counters_.tooLong);
        return std::nullopt;
    }

    const size_t begin = offset;
    const size_t end = offset + bytes.size();
    auto next = d.data.lower_bound(begin);
    const bool duplicate = next != d.data.end() && next->first == begin &&
                           next->second.size() == bytes.size() &&
                           std::equal(bytes.begin(), bytes.end(), next->second.begin());
    if (!duplicate) {
        bool overlap = next != d.data.end() && next->first < end;
        if (next != d.data.begin()) {
            auto prev = std::prev(next);
            overlap = overlap || prev->first + prev->second.size() > begin;
        }
        if (overlap) {
            drop(it, counters_.overlaps);
            return std::nullopt;
        }
    }
    // Ends must agree, and no data may lie beyond the end (a duplicate may be the first to
    // say where the end is: the same range sent again with MF clear).
    if (last) {
        auto back = d.data.rbegin();
        bool beyond = back != d.data.rend() && back->first + back->second.size() > end;
        if ((d.end && *d.end != end) || beyond) {
            drop(it, counters_.inconsistent);
            return std::nullopt;
        }
        d.end = end;
    } else if (d.end && end > *d.end) {
        drop(it, counters_.inconsistent);
        return std::nullopt;
    }
    if (duplicate) {
        ++counters_.duplicates;
    } else {
        const size_t need =
            bytes.size() + kFragmentOverhead + (begin == 0 ? fragment.headerLength() : 0);
        if (!makeRoom(need, key)) {
            ++counters_.memoryDrops;
            erase(it);
            return std::nullopt;
        }
        d.data.emplace(begin, Bytes(bytes.begin(), bytes.end()));
        d.received += bytes.size();
        if (begin == 0)
            d.firstHeader.assign(fragment.headerBytes.begin(), fragment.headerBytes.end());
        d.memory += need;
        memory_ += need;
    }

    // No overlaps and nothing beyond the end: complete when the bytes add up to the end.
    if (!d.end || d.received != *d.end || d.firstHeader.empty()) return std::nullopt;
    if (d.firstHeader.size() + *d.end > kIpv4MaxDatagram) {
        drop(it, counters_.tooLong);
        return std::nullopt;
    }
    Bytes whole = assemble(d);
    erase(it);
    ++counters_.reassembled;
    return whole;
}

Bytes Reassembler::assemble(const Datagram& d) const {
    Bytes out(d.firstHeader);
    out.reserve(d.firstHeader.size() + *d.end);
    for (const auto& [offset, bytes] : d.data) out.insert(out.end(), bytes.begin(), bytes.end());
    store16(out.data() + 2, uint16_t(out.size()));
    // Keep the reserved and DF bits of the first fragment; clear MF and the offset.
    store16(out.data() + 6, uint16_t(load16(out.data() + 6) & 0xc000));
    setIpv4Checksum(out);
    return out;
}

std::vector<Bytes> Reassembler::expire(TimePoint now) {
    std::vector<Bytes> firstFragments;
    // Every datagram has the same timeout, so age order is deadline order.
    while (!byAge_.empty()) {
        auto it = datagrams_.find(byAge_.begin()->second);
        Datagram& d = it->second;
        if (d.deadline > now) break;
        if (!d.dropped) {
            ++counters_.timeouts;
            auto first = d.data.find(0);
            if (first != d.data.end()) {
                // The first fragment as it arrived: its header (total length included) and data.
                Bytes bytes(d.firstHeader);
                bytes.insert(bytes.end(), first->second.begin(), first->second.end());
                firstFragments.push_back(std::move(bytes));
            }
        }
        erase(it);
    }
    return firstFragments;
}

std::optional<TimePoint> Reassembler::nextDeadline() const {
    if (byAge_.empty()) return std::nullopt;
    return datagrams_.at(byAge_.begin()->second).deadline;
}

}  // namespace hop::router
