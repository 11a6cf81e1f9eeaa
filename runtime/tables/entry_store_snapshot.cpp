// SPDX-License-Identifier: Apache-2.0
// An EntryStore's snapshot (see entry_store.hpp): the records as one block, the insertion
// order, the entries kept aside; restore() checks everything a decode relies on and rebuilds
// the free handles and the index in one pass.
#include <algorithm>
#include <iterator>
#include <limits>

#include "runtime/tables/entry_store.hpp"
#include "runtime/tables/snapshot_values.hpp"

namespace hop::tables {

namespace {

int bytesOf(int width) { return std::max(0, (width + 7) / 8); }

}  // namespace

void EntryStore::save(SnapshotWriter& out) const {
    out.tag("ESTO");
    out.u64(recSize_);
    out.u64(uint64_t(end_));
    out.seq(std::span<const uint8_t>(recs_.data(), size_t(end_) * recSize_));
    std::vector<int32_t> order;
    order.reserve(count_);
    for (int h = head_; h >= 0; h = next_[size_t(h)]) order.push_back(h);
    out.seq(order);
    std::vector<int> asideHandles;
    for (const auto& [h, e] : aside_) asideHandles.push_back(h);
    std::sort(asideHandles.begin(), asideHandles.end());
    out.u64(asideHandles.size());
    for (int h : asideHandles) {
        out.u32(uint32_t(h));
        putEntry(out, aside_.at(h));
    }
}

bool EntryStore::restore(SnapshotReader& in, std::string& error) {
    auto fail = [&](const std::string& why) {
        error = "entry store: " + why;
        return false;
    };
    in.expect("ESTO");
    const uint64_t recSize = in.u64();
    if (in.ok() && recSize != recSize_) {
        return fail("records of " + std::to_string(recSize) + " bytes, this table's have " +
                    std::to_string(recSize_));
    }
    const uint64_t end = in.u64();
    if (in.ok() && end > uint64_t(std::numeric_limits<int32_t>::max()) - 2)
        return fail("too many handles");
    EntryStore s(*program_, table_);
    s.recs_ = in.seq<uint8_t>();
    const auto order = in.seq<int32_t>();
    const uint64_t asideCount = in.u64();
    std::vector<std::pair<int, Entry>> aside;
    size_t maxArgs = 0;
    for (const auto& a : program_->actions) maxArgs = std::max(maxArgs, a.params.size());
    for (uint64_t i = 0; i < asideCount && in.ok(); ++i) {
        const uint32_t h = in.u32();
        aside.emplace_back(int(h), getEntry(in, keys_.size(), maxArgs));
    }
    if (!in.ok()) return fail(in.error());
    if (s.recs_.size() != end * recSize_) return fail("the records do not fill the handles");
    s.end_ = int(end);

    // Every record must decode without reading outside itself or the program.
    size_t live = 0, asideRecords = 0;
    for (int h = 0; h < s.end_; ++h) {
        const uint8_t* rec = s.record(h);
        if (rec[0] == kFree) continue;
        ++live;
        if (rec[0] == kAside) {
            ++asideRecords;
            continue;
        }
        if (rec[0] != kPacked) return fail("record " + std::to_string(h) + " is damaged");
        for (const KeyLayout& l : keys_) {
            if (rec[l.offset] > static_cast<uint8_t>(KeyMatch::Kind::DontCare))
                return fail("record " + std::to_string(h) + " has a key of an unknown kind");
            if (l.lenOffset >= 0 && rec[l.offset] == static_cast<uint8_t>(KeyMatch::Kind::Lpm)) {
                int len = rec[l.lenOffset];
                if (l.lenBytes == 2) len |= rec[l.lenOffset + 1] << 8;
                if (len > l.width)
                    return fail("record " + std::to_string(h) +
                                " has a prefix longer than its key");
            }
        }
        if (priority_ && rec[priorityOffset_] > 1)
            return fail("record " + std::to_string(h) + " is damaged");
        int action = rec[actionOffset_];
        if (actionBytes_ == 2) action |= rec[actionOffset_ + 1] << 8;
        if (action >= static_cast<int>(program_->actions.size()))
            return fail("record " + std::to_string(h) + " names action " + std::to_string(action));
        int args = 0;
        for (const auto& p : program_->actions[action].params) args += bytesOf(p.width);
        if (size_t(actionOffset_ + actionBytes_ + args) > recSize_)
            return fail("record " + std::to_string(h) + " names an action of another table");
    }
    if (order.size() != live) return fail("the insertion order does not list every entry");
    s.prev_.assign(size_t(end), -1);
    s.next_.assign(size_t(end), -1);
    std::vector<bool> seen(size_t(end), false);
    for (int32_t h : order) {
        if (h < 0 || h >= s.end_ || s.record(h)[0] == kFree || seen[size_t(h)])
            return fail("the insertion order lists handle " + std::to_string(h) + " wrongly");
        seen[size_t(h)] = true;
        s.prev_[size_t(h)] = s.tail_;
        if (s.tail_ >= 0)
            s.next_[size_t(s.tail_)] = h;
        else
            s.head_ = h;
        s.tail_ = h;
    }
    s.count_ = live;
    if (aside.size() != asideRecords)
        return fail("the entries kept aside do not match the records");
    for (auto& [h, e] : aside) {
        if (h < 0 || h >= s.end_ || s.record(h)[0] != kAside || s.aside_.count(h))
            return fail("an entry kept aside has handle " + std::to_string(h));
        if (e.table != table_ || e.keys.size() != keys_.size())
            return fail("an entry kept aside is not one of this table");
        if (e.action.action < 0 ||
            e.action.action >= static_cast<ir::ActionId>(program_->actions.size()))
            return fail("an entry kept aside names action " + std::to_string(e.action.action));
        if (e.action.args.size() != program_->actions[e.action.action].params.size())
            return fail("an entry kept aside has a damaged action");
        s.aside_.emplace(h, std::move(e));
    }
    // Free handles in ascending order: already a min-heap.
    for (int h = 0; h < s.end_; ++h)
        if (s.record(h)[0] == kFree) s.freeHandles_.push_back(h);
    if (!s.rebuildIndex(error)) return false;
    *this = std::move(s);
    return true;
}

bool EntryStore::rebuildIndex(std::string& error) {
    indexed_ = 0;
    unindexed_.clear();
    const auto handles = static_cast<uint32_t>(size_t(end_) + 2);
    handleBits_ = std::min(32, static_cast<int>(std::bit_width(handles)));
    std::vector<uint32_t>(std::max<size_t>(16, count_ + count_ / 3 + 1), 0).swap(slots_);
    const size_t n = slots_.size();
    std::string canon, have;
    for (int h = head_; h >= 0; h = next_[size_t(h)]) {
        if (!canonicalOf(h, canon)) {
            unindexed_.push_back(h);
            continue;
        }
        const uint64_t hash = hashOf(canon);
        const uint32_t tag = tagOf(hash);
        // One walk finds an entry with the same match (a damaged snapshot) or the place.
        size_t i = home(hash);
        for (; slots_[i] != 0; i = i + 1 == n ? 0 : i + 1) {
            if (handleBits_ < 32 && (slots_[i] >> handleBits_) != tag) continue;
            const int same = handleIn(slots_[i]);
            if (canonicalOf(same, have) && have == canon) {
                error = "entry store: entries " + std::to_string(same) + " and " +
                        std::to_string(h) + " have the same match";
                return false;
            }
        }
        slots_[i] = (handleBits_ >= 32 ? 0 : tagOf(hash) << handleBits_) | uint32_t(h + 1);
        ++indexed_;
    }
    for (int h : unindexed_) {
        const Entry& e = aside_.at(h);
        Entry a = e;
        if (!priority_) a.priority.reset();
        for (int g : unindexed_) {
            if (g == h) break;
            Entry b = aside_.at(g);
            if (!priority_) b.priority.reset();
            if (sameMatch(a, b)) {
                error = "entry store: entries " + std::to_string(g) + " and " + std::to_string(h) +
                        " have the same match";
                return false;
            }
        }
    }
    return true;
}

}  // namespace hop::tables
