// SPDX-License-Identifier: Apache-2.0
// The binary encoding of a table snapshot (hopd's state file keeps one, so that a restart
// restores every driver's placement at once instead of replaying each command since the
// board was reset). Values are little-endian and fixed-width; a sequence is its count (u64)
// then its elements. Every driver writes its own section with SnapshotWriter and reads it back
// with SnapshotReader, which never reads past the end: a short or damaged snapshot sets an
// error (the first one is kept) and every later read returns zeros, so a reader checks ok()
// once at the end of its section rather than after every value.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace hop::tables {

class SnapshotWriter {
  public:
    // Room for `bytes` more without growing (a full table's snapshot is tens of MB).
    void reserve(size_t bytes) { out_.reserve(out_.size() + bytes); }
    void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
    void u16(uint16_t v) { raw(&v, sizeof v); }
    void u32(uint32_t v) { raw(&v, sizeof v); }
    void u64(uint64_t v) { raw(&v, sizeof v); }
    void i64(int64_t v) { raw(&v, sizeof v); }
    void str(const std::string& s) {
        u64(s.size());
        out_.append(s);
    }
    // A sequence of trivially copyable values (the host is little-endian: static_assert below).
    template <typename T>
    void seq(std::span<const T> values) {
        static_assert(std::is_trivially_copyable_v<T>);
        u64(values.size());
        raw(values.data(), values.size_bytes());
    }
    template <typename T>
    void seq(const std::vector<T>& values) {
        seq(std::span<const T>(values));
    }
    // A section tag: a reader checks it with expect() to find a section out of place early.
    void tag(const char (&name)[5]) { raw(name, 4); }

    const std::string& bytes() const { return out_; }
    std::string take() { return std::move(out_); }

  private:
    void raw(const void* p, size_t n) { out_.append(static_cast<const char*>(p), n); }
    std::string out_;
};

class SnapshotReader {
  public:
    explicit SnapshotReader(std::string_view bytes) : in_(bytes) {}

    uint8_t u8() {
        uint8_t v = 0;
        raw(&v, 1);
        return v;
    }
    uint16_t u16() { return value<uint16_t>(); }
    uint32_t u32() { return value<uint32_t>(); }
    uint64_t u64() { return value<uint64_t>(); }
    int64_t i64() { return value<int64_t>(); }
    std::string str() {
        const uint64_t n = count(1);
        std::string s(n, '\0');
        raw(s.data(), n);
        return s;
    }
    template <typename T>
    std::vector<T> seq() {
        static_assert(std::is_trivially_copyable_v<T>);
        const uint64_t n = count(sizeof(T));
        std::vector<T> v(n);
        raw(v.data(), n * sizeof(T));
        return v;
    }
    // The tag written by SnapshotWriter::tag(); an error naming both when it differs.
    bool expect(const char (&name)[5]) {
        char got[4] = {};
        raw(got, 4);
        if (ok() && std::memcmp(got, name, 4) != 0) {
            fail("expected section '" + std::string(name, 4) + "', found '" + std::string(got, 4) +
                 "'");
        }
        return ok();
    }

    // Marks the snapshot unusable (the first reason is kept).
    void fail(const std::string& why) {
        if (error_.empty()) error_ = why;
    }
    bool ok() const { return error_.empty(); }
    const std::string& error() const { return error_; }
    bool atEnd() const { return pos_ == in_.size(); }
    size_t position() const { return pos_; }

  private:
    template <typename T>
    T value() {
        T v{};
        raw(&v, sizeof v);
        return v;
    }
    // A count of elements of `size` bytes each, refused when the rest cannot hold them.
    uint64_t count(size_t size) {
        const uint64_t n = u64();
        if (ok() && n > (in_.size() - pos_) / std::max<size_t>(size, 1)) {
            fail("a sequence of " + std::to_string(n) + " elements runs past the end at byte " +
                 std::to_string(pos_));
        }
        return ok() ? n : 0;
    }
    void raw(void* p, size_t n) {
        if (!ok()) {
            std::memset(p, 0, n);
            return;
        }
        if (n > in_.size() - pos_) {
            fail("truncated at byte " + std::to_string(pos_));
            std::memset(p, 0, n);
            return;
        }
        std::memcpy(p, in_.data() + pos_, n);
        pos_ += n;
    }
    std::string_view in_;
    size_t pos_ = 0;
    std::string error_;
};

static_assert(std::endian::native == std::endian::little,
              "snapshots are written in the host's byte order, which must be little-endian");

}  // namespace hop::tables
