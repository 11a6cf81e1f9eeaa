// SPDX-License-Identifier: Apache-2.0
// Compact logical entries of one table (see entry_store.hpp).
#include "runtime/tables/entry_store.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <iterator>
#include <limits>

namespace hop::tables {

namespace {

int bytesOf(int width) { return std::max(0, (width + 7) / 8); }

// `v` as `n` little-endian bytes; false when it is negative or wider.
bool putBig(const BigInt& v, int n, uint8_t* out) {
    if (v.sign() < 0) return false;
    if (v.is_zero()) {
        std::memset(out, 0, size_t(n));
        return true;
    }
    if (static_cast<int>(boost::multiprecision::msb(v)) >= 8 * n) return false;
    if (n <= 8) {
        auto x = static_cast<uint64_t>(v);
        for (int i = 0; i < n; ++i, x >>= 8) out[i] = static_cast<uint8_t>(x);
        return true;
    }
    BigInt x = v;
    for (int i = 0; i < n; i += 8) {
        auto chunk = static_cast<uint64_t>(x & BigInt(~uint64_t{0}));
        for (int b = i; b < std::min(n, i + 8); ++b, chunk >>= 8)
            out[b] = static_cast<uint8_t>(chunk);
        x >>= 64;
    }
    return true;
}

void getBig(const uint8_t* in, int n, BigInt& v) {
    if (n <= 8) {
        uint64_t x = 0;
        for (int i = n - 1; i >= 0; --i) x = (x << 8) | in[i];
        v = x;
        return;
    }
    v = 0;
    for (int i = ((n - 1) / 8) * 8; i >= 0; i -= 8) {
        uint64_t x = 0;
        for (int b = std::min(n, i + 8) - 1; b >= i; --b) x = (x << 8) | in[b];
        v = (v << 64) | BigInt(x);
    }
}

// The mask of a `len`-bit prefix of a `width`-bit key (len <= width).
BigInt prefixMask(int width, int len) {
    if (width <= 64) {
        const uint64_t ones = len == 0 ? 0 : (~uint64_t{0} >> (64 - len));
        return BigInt(ones << (width - len));
    }
    return ((BigInt(1) << len) - 1) << (width - len);
}

// The same as `n` little-endian bytes.
void prefixMaskBytes(int width, int len, int n, uint8_t* out) {
    const int low = width - len;  // bits [low, width) are set
    for (int i = 0; i < n; ++i) {
        const int a = std::max(8 * i, low), b = std::min(8 * i + 8, width);
        out[i] = a < b ? static_cast<uint8_t>(((1u << (b - a)) - 1) << (a - 8 * i)) : 0;
    }
}

void putBytes(std::string& out, const uint8_t* p, int n) {
    out.append(reinterpret_cast<const char*>(p), size_t(n));
}

}  // namespace

EntryStore::EntryStore(const ir::Program& program, ir::TableId table)
    : program_(&program), table_(table) {
    const ir::Table& t = program.tables.at(static_cast<size_t>(table));
    int off = 1;  // the state byte
    for (const auto& k : t.keys) {
        KeyLayout l;
        l.width = k.width;
        l.bytes = bytesOf(k.width);
        l.offset = off;
        off += 1 + l.bytes;
        switch (k.matchKind) {
            case ir::MatchKind::Ternary:
            case ir::MatchKind::Optional:
                l.maskOffset = off;
                off += l.bytes;
                break;
            case ir::MatchKind::Range:
                l.highOffset = off;
                off += l.bytes;
                break;
            case ir::MatchKind::Lpm:
                l.lenOffset = off;
                l.lenBytes = k.width < 256 ? 1 : 2;
                off += l.lenBytes;
                break;
            default:
                break;
        }
        keys_.push_back(l);
    }
    priority_ = needsPriority(t);
    priorityOffset_ = off;
    if (priority_) off += 1 + 8;
    actionOffset_ = off;
    actionBytes_ = program.actions.size() <= 0xff ? 1 : 2;
    int args = 0;
    for (const auto& r : t.actions) {
        if (r.action < 0 || r.action >= static_cast<ir::ActionId>(program.actions.size())) continue;
        int n = 0;
        for (const auto& p : program.actions[r.action].params) n += bytesOf(p.width);
        args = std::max(args, n);
    }
    recSize_ = size_t(off + actionBytes_ + args);
    rehash(0);
}

bool EntryStore::packAction(const ir::ActionCall& a, uint8_t* rec) const {
    if (a.action < 0 || a.action >= static_cast<ir::ActionId>(program_->actions.size()) ||
        a.action >= (1 << (8 * actionBytes_)))
        return false;
    const auto& params = program_->actions[a.action].params;
    if (a.args.size() != params.size()) return false;
    size_t off = size_t(actionOffset_ + actionBytes_);
    for (size_t i = 0; i < params.size(); ++i) {
        const int n = bytesOf(params[i].width);
        if (off + size_t(n) > recSize_ || !putBig(a.args[i], n, rec + off)) return false;
        off += size_t(n);
    }
    std::memset(rec + off, 0, recSize_ - off);
    rec[actionOffset_] = static_cast<uint8_t>(a.action);
    if (actionBytes_ == 2) rec[actionOffset_ + 1] = static_cast<uint8_t>(a.action >> 8);
    return true;
}

bool EntryStore::pack(const Entry& e, uint8_t* rec) const {
    std::memset(rec, 0, recSize_);
    if (e.table != table_ || e.keys.size() != keys_.size()) return false;
    for (size_t i = 0; i < keys_.size(); ++i) {
        const KeyMatch& k = e.keys[i];
        const KeyLayout& l = keys_[i];
        const int kind = static_cast<int>(k.kind);
        if (kind < 0 || kind > static_cast<int>(KeyMatch::Kind::DontCare)) return false;
        rec[l.offset] = static_cast<uint8_t>(kind);
        if (!putBig(k.value, l.bytes, rec + l.offset + 1)) return false;
        if (l.lenOffset >= 0) {
            if (k.prefixLen < 0 || k.prefixLen >= (1 << (8 * l.lenBytes))) return false;
            rec[l.lenOffset] = static_cast<uint8_t>(k.prefixLen);
            if (l.lenBytes == 2) rec[l.lenOffset + 1] = static_cast<uint8_t>(k.prefixLen >> 8);
        } else if (k.prefixLen != 0) {
            return false;
        }
        if (l.maskOffset >= 0) {
            if (!putBig(k.mask, l.bytes, rec + l.maskOffset)) return false;
        } else if (k.kind == KeyMatch::Kind::Lpm && l.lenOffset >= 0) {
            if (k.prefixLen > l.width || k.mask != prefixMask(l.width, k.prefixLen)) return false;
        } else if (!k.mask.is_zero()) {
            return false;
        }
        if (l.highOffset >= 0) {
            if (!putBig(k.high, l.bytes, rec + l.highOffset)) return false;
        } else if (!k.high.is_zero()) {
            return false;
        }
    }
    if (e.priority) {
        if (!priority_) return false;
        rec[priorityOffset_] = 1;
        const auto v = static_cast<uint64_t>(*e.priority);
        for (int b = 0; b < 8; ++b) rec[priorityOffset_ + 1 + b] = static_cast<uint8_t>(v >> 8 * b);
    }
    if (!packAction(e.action, rec)) return false;
    rec[0] = kPacked;
    return true;
}

void EntryStore::decode(int handle, Entry& e) const {
    const uint8_t* rec = record(handle);
    if (rec[0] == kAside) {
        e = aside_.at(handle);
        return;
    }
    e.table = table_;
    e.keys.resize(keys_.size());
    for (size_t i = 0; i < keys_.size(); ++i) {
        const KeyLayout& l = keys_[i];
        KeyMatch& k = e.keys[i];
        k.kind = static_cast<KeyMatch::Kind>(rec[l.offset]);
        getBig(rec + l.offset + 1, l.bytes, k.value);
        k.prefixLen = 0;
        if (l.lenOffset >= 0) {
            k.prefixLen = rec[l.lenOffset];
            if (l.lenBytes == 2) k.prefixLen |= rec[l.lenOffset + 1] << 8;
        }
        if (l.maskOffset >= 0)
            getBig(rec + l.maskOffset, l.bytes, k.mask);
        else if (k.kind == KeyMatch::Kind::Lpm && l.lenOffset >= 0)
            k.mask = prefixMask(l.width, k.prefixLen);
        else
            k.mask = 0;
        if (l.highOffset >= 0)
            getBig(rec + l.highOffset, l.bytes, k.high);
        else
            k.high = 0;
    }
    e.priority.reset();
    if (priority_ && rec[priorityOffset_]) {
        uint64_t v = 0;
        for (int b = 7; b >= 0; --b) v = (v << 8) | rec[priorityOffset_ + 1 + b];
        e.priority = static_cast<int64_t>(v);
    }
    e.action.action = rec[actionOffset_];
    if (actionBytes_ == 2) e.action.action |= rec[actionOffset_ + 1] << 8;
    const auto& params = program_->actions[e.action.action].params;
    e.action.args.resize(params.size());
    int off = actionOffset_ + actionBytes_;
    for (size_t i = 0; i < params.size(); ++i) {
        const int n = bytesOf(params[i].width);
        getBig(rec + off, n, e.action.args[i]);
        off += n;
    }
}

Entry EntryStore::entry(int handle) const {
    Entry e;
    decode(handle, e);
    return e;
}

void EntryStore::canonicalOfRecord(const uint8_t* rec, std::string& out) const {
    out.clear();
    uint8_t mask[64];
    std::vector<uint8_t> wideMask;
    for (const KeyLayout& l : keys_) {
        const uint8_t* value = rec + l.offset + 1;
        const auto kind = static_cast<KeyMatch::Kind>(rec[l.offset]);
        out += static_cast<char>(rec[l.offset]);
        int len = 0;
        if (l.lenOffset >= 0) {
            len = rec[l.lenOffset];
            if (l.lenBytes == 2) len |= rec[l.lenOffset + 1] << 8;
        }
        auto appendMasked = [&] {
            uint8_t* m = mask;
            if (l.bytes > static_cast<int>(sizeof mask)) {
                wideMask.resize(size_t(l.bytes));
                m = wideMask.data();
            }
            if (l.maskOffset >= 0)
                std::memcpy(m, rec + l.maskOffset, size_t(l.bytes));
            else if (kind == KeyMatch::Kind::Lpm && l.lenOffset >= 0)
                prefixMaskBytes(l.width, len, l.bytes, m);
            else
                std::memset(m, 0, size_t(l.bytes));
            if (kind == KeyMatch::Kind::Ternary) putBytes(out, m, l.bytes);
            for (int i = 0; i < l.bytes; ++i) out += static_cast<char>(value[i] & m[i]);
        };
        switch (kind) {
            case KeyMatch::Kind::Exact:
                putBytes(out, value, l.bytes);
                break;
            case KeyMatch::Kind::Ternary:
                appendMasked();
                break;
            case KeyMatch::Kind::Lpm:
                out += static_cast<char>(len & 0xff);
                out += static_cast<char>(len >> 8);
                appendMasked();
                break;
            case KeyMatch::Kind::Range: {
                putBytes(out, value, l.bytes);
                if (l.highOffset >= 0) {
                    putBytes(out, rec + l.highOffset, l.bytes);
                } else {
                    out.append(size_t(l.bytes), '\0');
                }
                break;
            }
            case KeyMatch::Kind::DontCare:
                break;
        }
    }
    if (priority_) putBytes(out, rec + priorityOffset_ + 1, 8);
}

bool EntryStore::canonicalOfEntry(const Entry& e, std::string& out) const {
    out.clear();
    if (e.table != table_ || e.keys.size() != keys_.size()) return false;
    uint8_t buf[64];
    std::vector<uint8_t> wide;
    for (size_t i = 0; i < keys_.size(); ++i) {
        const KeyMatch& k = e.keys[i];
        const KeyLayout& l = keys_[i];
        uint8_t* b = buf;
        if (l.bytes > static_cast<int>(sizeof buf)) {
            wide.resize(size_t(l.bytes));
            b = wide.data();
        }
        auto put = [&](const BigInt& v) {
            if (!putBig(v, l.bytes, b)) return false;
            putBytes(out, b, l.bytes);
            return true;
        };
        out += static_cast<char>(k.kind);
        switch (k.kind) {
            case KeyMatch::Kind::Exact:
                if (!put(k.value)) return false;
                break;
            case KeyMatch::Kind::Ternary:
                if (!put(k.mask) || !put(BigInt(k.value & k.mask))) return false;
                break;
            case KeyMatch::Kind::Lpm:
                if (k.prefixLen < 0 || k.prefixLen > 0xffff) return false;
                out += static_cast<char>(k.prefixLen & 0xff);
                out += static_cast<char>(k.prefixLen >> 8);
                if (!put(BigInt(k.value & k.mask))) return false;
                break;
            case KeyMatch::Kind::Range:
                if (!put(k.value) || !put(k.high)) return false;
                break;
            case KeyMatch::Kind::DontCare:
                break;
            default:
                return false;
        }
    }
    if (priority_) {
        const auto v = static_cast<uint64_t>(e.priority.value_or(0));
        for (int b = 0; b < 8; ++b) out += static_cast<char>(v >> 8 * b);
    }
    return true;
}

bool EntryStore::canonicalOf(int handle, std::string& out) const {
    const uint8_t* rec = record(handle);
    if (rec[0] == kPacked) {
        canonicalOfRecord(rec, out);
        return true;
    }
    return canonicalOfEntry(aside_.at(handle), out);
}

uint64_t EntryStore::hashOf(const std::string& bytes) {
    uint64_t h = 0x9e3779b97f4a7c15ull ^ bytes.size();
    size_t i = 0;
    for (; i + 8 <= bytes.size(); i += 8) {
        uint64_t x;
        std::memcpy(&x, bytes.data() + i, 8);
        h = (h ^ x) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
    }
    uint64_t x = 0;
    std::memcpy(&x, bytes.data() + i, bytes.size() - i);
    h = (h ^ x) * 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 29;
    h *= 0xff51afd7ed558ccdull;
    return h ^ (h >> 32);
}

bool EntryStore::contains(int handle) const {
    return handle >= 0 && handle < end_ && record(handle)[0] != kFree;
}

int EntryStore::nextHandle() const { return freeHandles_.empty() ? end_ : freeHandles_.front(); }

std::optional<int> EntryStore::probe(const std::string& canon, uint64_t hash) const {
    const uint32_t tag = tagOf(hash);
    std::string have;
    for (size_t i = home(hash);; i = i + 1 == slots_.size() ? 0 : i + 1) {
        const uint32_t s = slots_[i];
        if (s == 0) return std::nullopt;
        if (handleBits_ < 32 && (s >> handleBits_) != tag) continue;
        const int h = handleIn(s);
        if (canonicalOf(h, have) && have == canon) return h;
    }
}

void EntryStore::keyOf(const Entry& like, MatchKey& key) const {
    key.indexed = canonicalOfEntry(like, key.bytes);
    key.hash = key.indexed ? hashOf(key.bytes) : 0;
}

std::optional<int> EntryStore::findMatch(const Entry& like) const {
    MatchKey key;
    keyOf(like, key);
    return findMatch(like, key);
}

std::optional<int> EntryStore::findMatch(const Entry& like, const MatchKey& key) const {
    if (key.indexed) return probe(key.bytes, key.hash);
    // Only an entry kept aside can have such a match.
    Entry a = like;
    if (!priority_) a.priority.reset();
    for (int h : unindexed_) {
        Entry b = aside_.at(h);
        if (!priority_) b.priority.reset();
        if (sameMatch(a, b)) return h;
    }
    return std::nullopt;
}

void EntryStore::rehash(size_t entries) {
    entries = std::max(entries, indexed_);
    const size_t n = std::max<size_t>(16, entries + entries / 3 + 1);
    const auto handles = static_cast<uint32_t>(std::max<size_t>(size_t(end_), entries) + 2);
    handleBits_ = std::min(32, static_cast<int>(std::bit_width(handles)));
    std::vector<uint32_t>(n, 0).swap(slots_);
    std::string canon;
    for (int h = head_; h >= 0; h = next_[size_t(h)]) {
        if (!canonicalOf(h, canon)) continue;
        const uint64_t hash = hashOf(canon);
        size_t i = home(hash);
        while (slots_[i] != 0) i = i + 1 == n ? 0 : i + 1;
        slots_[i] = (handleBits_ >= 32 ? 0 : tagOf(hash) << handleBits_) | uint32_t(h + 1);
    }
}

void EntryStore::indexInsert(int handle) {
    const bool full = (indexed_ + 1) * 8 > slots_.size() * 7;
    const bool wide = handleBits_ < 32 && uint64_t(handle) + 2 > (uint64_t{1} << handleBits_);
    if (full || wide) rehash(full ? 2 * (indexed_ + 1) : indexed_ + 1);
    std::string canon;
    canonicalOf(handle, canon);
    const uint64_t hash = hashOf(canon);
    size_t i = home(hash);
    while (slots_[i] != 0) i = i + 1 == slots_.size() ? 0 : i + 1;
    slots_[i] = (handleBits_ >= 32 ? 0 : tagOf(hash) << handleBits_) | uint32_t(handle + 1);
    ++indexed_;
}

void EntryStore::indexErase(int handle) {
    std::string canon;
    canonicalOf(handle, canon);
    const size_t n = slots_.size();
    size_t i = home(hashOf(canon));
    while (slots_[i] != 0 && handleIn(slots_[i]) != handle) i = i + 1 == n ? 0 : i + 1;
    if (slots_[i] == 0) return;
    // Backward shift: every later slot of the cluster whose home is not between the hole and
    // itself moves into the hole, so that probes never stop early.
    for (size_t j = i;;) {
        j = j + 1 == n ? 0 : j + 1;
        if (slots_[j] == 0) break;
        canonicalOf(handleIn(slots_[j]), canon);
        const size_t k = home(hashOf(canon));
        const bool between = i <= j ? (i < k && k <= j) : (i < k || k <= j);
        if (!between) {
            slots_[i] = slots_[j];
            i = j;
        }
    }
    slots_[i] = 0;
    --indexed_;
}

int EntryStore::add(const Entry& entry) {
    int h;
    if (!freeHandles_.empty()) {
        std::pop_heap(freeHandles_.begin(), freeHandles_.end(), std::greater<>());
        h = freeHandles_.back();
        freeHandles_.pop_back();
    } else {
        h = end_++;
        recs_.resize(size_t(end_) * recSize_);
        prev_.push_back(-1);
        next_.push_back(-1);
    }
    uint8_t* rec = record(h);
    if (!pack(entry, rec)) {
        std::memset(rec, 0, recSize_);
        rec[0] = kAside;
        aside_[h] = entry;
    }
    ++count_;
    // Indexed before it is linked: a rehash on the way walks the order list.
    std::string canon;
    if (canonicalOf(h, canon))
        indexInsert(h);
    else
        unindexed_.push_back(h);
    prev_[size_t(h)] = tail_;
    next_[size_t(h)] = -1;
    if (tail_ >= 0)
        next_[size_t(tail_)] = h;
    else
        head_ = h;
    tail_ = h;
    return h;
}

void EntryStore::setAction(int handle, const ir::ActionCall& action) {
    uint8_t* rec = record(handle);
    if (rec[0] == kPacked) {
        std::vector<uint8_t> copy(rec, rec + recSize_);
        if (packAction(action, copy.data())) {
            std::memcpy(rec, copy.data(), recSize_);
            return;
        }
        // The new action does not fit the layout: the entry goes aside, with the same
        // canonical match, so its place in the index stays right.
        Entry e = entry(handle);
        e.action = action;
        std::memset(rec, 0, recSize_);
        rec[0] = kAside;
        aside_[handle] = std::move(e);
        return;
    }
    aside_.at(handle).action = action;
}

void EntryStore::erase(int handle) {
    auto un = std::find(unindexed_.begin(), unindexed_.end(), handle);
    if (un != unindexed_.end())
        unindexed_.erase(un);
    else
        indexErase(handle);
    const auto h = size_t(handle);
    if (prev_[h] >= 0)
        next_[size_t(prev_[h])] = next_[h];
    else
        head_ = next_[h];
    if (next_[h] >= 0)
        prev_[size_t(next_[h])] = prev_[h];
    else
        tail_ = prev_[h];
    prev_[h] = next_[h] = -1;
    uint8_t* rec = record(handle);
    if (rec[0] == kAside) aside_.erase(handle);
    std::memset(rec, 0, recSize_);
    freeHandles_.push_back(handle);
    std::push_heap(freeHandles_.begin(), freeHandles_.end(), std::greater<>());
    --count_;
}

void EntryStore::clear() {
    std::vector<uint8_t>().swap(recs_);
    std::vector<int32_t>().swap(prev_);
    std::vector<int32_t>().swap(next_);
    std::vector<int>().swap(freeHandles_);
    aside_.clear();
    unindexed_.clear();
    head_ = tail_ = -1;
    end_ = 0;
    count_ = 0;
    indexed_ = 0;
    rehash(0);
}

void EntryStore::reserve(size_t more) {
    const size_t handles =
        size_t(end_) + (more > freeHandles_.size() ? more - freeHandles_.size() : 0);
    recs_.reserve(handles * recSize_);
    prev_.reserve(handles);
    next_.reserve(handles);
    if ((count_ + more) * 8 > slots_.size() * 7 ||
        (handleBits_ < 32 && handles + 2 > (size_t{1} << handleBits_)))
        rehash(count_ + more);
}

void EntryStore::trimTo(int end) {
    if (end >= end_) return;
    std::erase_if(freeHandles_, [end](int h) { return h >= end; });
    std::make_heap(freeHandles_.begin(), freeHandles_.end(), std::greater<>());
    end_ = end;
    recs_.resize(size_t(end_) * recSize_);
    prev_.resize(size_t(end_));
    next_.resize(size_t(end_));
}

size_t EntryStore::memoryBytes() const {
    size_t bytes = recs_.capacity() + 4 * (prev_.capacity() + next_.capacity()) +
                   sizeof(int) * (freeHandles_.capacity() + unindexed_.capacity()) +
                   4 * slots_.capacity();
    for (const auto& [h, e] : aside_) {
        bytes += sizeof(Entry) + 64 + e.keys.size() * sizeof(KeyMatch) +
                 e.action.args.size() * sizeof(BigInt);
    }
    return bytes;
}

}  // namespace hop::tables
