// SPDX-License-Identifier: Apache-2.0
// LPM node-image builder, its placement snapshot: the image words in use, the allocators (free
// lists and quarantine included), the trie's pools and the short prefixes, written and read by
// one list of fields (Impl::fields) so both directions agree. A checksum over every field and
// a consistency check of the indices catch a damaged snapshot before it is used.
#include <limits>
#include <string>

#include "runtime/tables/lpm_impl.hpp"
#include "runtime/tables/snapshot.hpp"

namespace hop::tables {

namespace {

// A running 64-bit hash of the fields' bytes (FNV-1a over 64-bit words, the tail bytewise).
class FieldHash {
  public:
    void add(const void* p, size_t n) {
        const auto* b = static_cast<const unsigned char*>(p);
        for (; n >= 8; n -= 8, b += 8) {
            uint64_t w;
            std::memcpy(&w, b, 8);
            h_ = (h_ ^ w) * 0x100000001b3ull;
            h_ ^= h_ >> 29;
        }
        for (; n > 0; --n, ++b) h_ = (h_ ^ *b) * 0x100000001b3ull;
    }
    uint64_t value() const { return h_; }

  private:
    uint64_t h_ = 0xcbf29ce484222325ull;
};

// Nested sequences (one per memory, per level, per block size) have at most this many elements.
constexpr uint64_t kMaxOuter = 1u << 16;

class Saver {
  public:
    static constexpr bool kLoading = false;
    explicit Saver(SnapshotWriter& out) : out_(out) {}

    template <typename T>
    requires std::is_arithmetic_v<T>
    void value(T& v) {
        uint64_t x = 0;
        std::memcpy(&x, &v, sizeof v);
        out_.u64(x);
        hash_.add(&x, 8);
    }
    template <typename T>
    void value(std::vector<T>& v) {
        if constexpr (std::is_trivially_copyable_v<T>) {
            out_.seq(v);
            const uint64_t n = v.size();
            hash_.add(&n, 8);
            hash_.add(v.data(), v.size() * sizeof(T));
        } else {
            uint64_t n = v.size();
            value(n);
            for (auto& x : v) value(x);
        }
    }
    void value(std::vector<std::pair<uint32_t, uint32_t>>& v) {
        std::vector<uint64_t> packed;
        packed.reserve(v.size());
        for (auto [a, b] : v) packed.push_back(uint64_t{a} << 32 | b);
        value(packed);
    }
    // n words at p.
    void words(uint64_t* p, size_t n) {
        out_.seq(std::span<const uint64_t>(p, n));
        const uint64_t count = n;
        hash_.add(&count, 8);
        hash_.add(p, n * sizeof(uint64_t));
    }
    bool ok() const { return true; }
    void fail(const std::string&) {}
    uint64_t hash() const { return hash_.value(); }

  private:
    SnapshotWriter& out_;
    FieldHash hash_;
};

class Loader {
  public:
    static constexpr bool kLoading = true;
    explicit Loader(SnapshotReader& in) : in_(in) {}

    template <typename T>
    requires std::is_arithmetic_v<T>
    void value(T& v) {
        const uint64_t x = in_.u64();
        hash_.add(&x, 8);
        if constexpr (sizeof(T) < 8) {
            if (std::is_signed_v<T> ? (static_cast<int64_t>(x) < std::numeric_limits<T>::min() ||
                                       static_cast<int64_t>(x) > std::numeric_limits<T>::max())
                                    : x > static_cast<uint64_t>(std::numeric_limits<T>::max()))
                in_.fail("a value out of range at byte " + std::to_string(in_.position()));
        }
        std::memcpy(&v, &x, sizeof v);
    }
    template <typename T>
    void value(std::vector<T>& v) {
        if constexpr (std::is_trivially_copyable_v<T>) {
            v = in_.seq<T>();
            const uint64_t n = v.size();
            hash_.add(&n, 8);
            hash_.add(v.data(), v.size() * sizeof(T));
        } else {
            uint64_t n = 0;
            value(n);
            if (n > kMaxOuter) in_.fail("a list of " + std::to_string(n) + " lists");
            v.assign(ok() ? n : 0, T{});
            for (auto& x : v) value(x);
        }
    }
    void value(std::vector<std::pair<uint32_t, uint32_t>>& v) {
        std::vector<uint64_t> packed;
        value(packed);
        v.clear();
        for (uint64_t x : packed)
            v.push_back({static_cast<uint32_t>(x >> 32), static_cast<uint32_t>(x)});
    }
    void words(uint64_t* p, size_t n) {
        std::vector<uint64_t> v;
        value(v);
        if (ok() && v.size() != n)
            in_.fail("an image of " + std::to_string(v.size()) + " words where " +
                     std::to_string(n) + " are in use");
        if (ok()) std::copy(v.begin(), v.end(), p);
    }
    bool ok() const { return in_.ok(); }
    void fail(const std::string& why) { in_.fail(why); }
    uint64_t hash() const { return hash_.value(); }

  private:
    SnapshotReader& in_;
    FieldHash hash_;
};

}  // namespace

template <typename Io>
void Lpm::Impl::fields(Io& io) {
    io.value(count);
    for (int m = 1; m <= L; ++m) {
        alloc[m].fields(io);
        const size_t maxBlock = m == L ? scratch.size() : size_t{1} << stride[m - 1];
        if (Io::kLoading && io.ok() &&
            !alloc[m].valid(static_cast<uint32_t>(capacity(m)), maxBlock)) {
            io.fail("the allocator of memory " + std::to_string(m) + " does not fit it");
            return;
        }
    }
    // The image: every L0 word, the others up to their allocator's top (nothing above is set).
    for (int m = 0; m <= L && io.ok(); ++m)
        io.words(mem[m].data(), static_cast<size_t>(top(m)) * u64w[m]);
    io.value(nodes);
    io.value(presentPool);
    io.value(childPool);
    io.value(freeNodes);
    io.value(l0node);
    io.value(bestLen);
    // The short prefixes in the maps' iteration order (routes() lists them so), with the bucket
    // count: inserting them in reverse order into as many buckets gives the same order back.
    for (int l = 0; l <= stride[0] && io.ok(); ++l) {
        auto& map = shorts[l];
        uint64_t buckets = map.bucket_count();
        std::vector<uint64_t> flat;
        if constexpr (!Io::kLoading) {
            flat.reserve(map.size() * 3);
            for (const auto& [idx, sp] : map) flat.insert(flat.end(), {idx, sp.value, sp.resIdx});
        }
        io.value(buckets);
        io.value(flat);
        if constexpr (Io::kLoading) {
            if (!io.ok()) return;
            if (flat.size() % 3 != 0 || flat.size() / 3 > (uint64_t{1} << l) ||
                buckets > 2 * (uint64_t{1} << l) + 16) {
                io.fail("the short prefixes of length " + std::to_string(l) + " do not fit");
                return;
            }
            map.clear();
            map.rehash(buckets);
            for (size_t i = flat.size(); i >= 3; i -= 3)
                map[flat[i - 3]] = {flat[i - 2], static_cast<uint32_t>(flat[i - 1])};
        }
    }
}

std::string Lpm::Impl::invalid() const {
    if (count > cfg.size) return "more prefixes than the table's size";
    if (nodes.size() != static_cast<size_t>(L) || presentPool.size() != nodes.size() ||
        childPool.size() != nodes.size() || freeNodes.size() != nodes.size())
        return "the trie has the wrong number of levels";
    if (l0node.size() != capacity(0) || bestLen.size() != capacity(0))
        return "level 0 has the wrong number of entries";
    auto nodeIndex = [&](int k, int32_t n) {
        return n >= -1 && (n < 0 || static_cast<size_t>(n) < nodes[k].size());
    };
    for (int32_t n : l0node)
        if (L < 2 || !nodeIndex(1, n)) return "a level 0 entry points at no node";
    for (size_t e = 0; e < bestLen.size(); ++e) {
        const int l = bestLen[e];
        if (l < -1 || l > stride[0]) return "a level 0 entry has a bad prefix length";
        if (l >= 0 && !shorts[l].count(e >> (stride[0] - l)))
            return "a level 0 entry's prefix is missing";
    }
    for (int l = 0; l <= stride[0]; ++l)
        for (const auto& [idx, sp] : shorts[l])
            if (idx >= (uint64_t{1} << l) || sp.resIdx >= capacity(L))
                return "a short prefix out of range";
    for (int k = 1; k < L; ++k) {
        const size_t n = nodes[k].size();
        if (presentPool[k].size() != n * pw[k] || childPool[k].size() != n * cw[k])
            return "the pools of level " + std::to_string(k) + " do not match its nodes";
        for (const Node& nd : nodes[k])
            if (nd.addr >= capacity(k) || uint64_t{nd.resBase} + nd.nResults > capacity(L) ||
                nd.nResults > static_cast<uint32_t>(internalBits(k)) ||
                nd.nChildren > static_cast<uint32_t>(cw[k]) ||
                (k + 1 < L && uint64_t{nd.childBase} + nd.nChildren > capacity(k + 1)))
                return "a node of level " + std::to_string(k) + " out of range";
        for (int32_t c : childPool[k])
            if (!nodeIndex(k + 1, c))
                return "a child of level " + std::to_string(k) + " is no node";
        for (int32_t f : freeNodes[k])
            if (f < 0 || static_cast<size_t>(f) >= n) return "a free node that does not exist";
    }
    return "";
}

void Lpm::save(SnapshotWriter& out) const {
    Impl& m = *impl_;  // fields() reads only when saving
    out.tag("LPM1");
    Saver io(out);
    std::vector<uint64_t> geometry = m.fingerprint();
    io.value(geometry);
    m.fields(io);
    out.u64(io.hash());
}

bool Lpm::restore(SnapshotReader& in, std::string& error) {
    auto fresh = std::make_unique<Impl>(impl_->cfg);
    Loader io(in);
    if (in.expect("LPM1")) {
        std::vector<uint64_t> geometry;
        io.value(geometry);
        if (io.ok() && geometry != fresh->fingerprint())
            in.fail("the snapshot is of an LPM table of another geometry");
        if (io.ok()) fresh->fields(io);
        const uint64_t hash = io.hash();
        if (in.u64() != hash && in.ok()) in.fail("the LPM snapshot's checksum does not match");
    }
    if (in.ok())
        if (std::string why = fresh->invalid(); !why.empty()) in.fail(why);
    if (!in.ok()) {
        error = "LPM snapshot: " + in.error();
        return false;
    }
    impl_ = std::move(fresh);
    return true;
}

}  // namespace hop::tables
