// SPDX-License-Identifier: Apache-2.0
#include "runtime/hopd/hw_shadow.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>

#include "runtime/tables/lpm_table.hpp"

namespace hop::hopd {

namespace {

constexpr uint32_t kExactStageFirst = tables::TableGeometry::kStgCtrl;  // 0x18
constexpr size_t kLpmMaxChunks = 64;

bool isLpm(const regmap::TableBlock& b) { return b.kind == regmap::TableKind::Lpm; }

}  // namespace

HwShadow::HwShadow(const regmap::RegMap& map)
    : map_(map), staging_(map.tables.size()), flat_(map.tables.size()) {
    for (size_t i = 0; i < map_.tables.size(); ++i) {
        const auto& b = map_.tables[i];
        staging_[i].words.assign(
            isLpm(b) ? kLpmMaxChunks : static_cast<size_t>(regmap::tableWords(b)) - 6, 0);
        if (!isLpm(b)) continue;
        for (const auto& m : regmap::lpmMemories(b)) {
            FlatMemory f;
            f.capacity = m.words;
            f.chunks = static_cast<uint32_t>(std::max(1, (m.width + 31) / 32));
            flat_[i].push_back(std::move(f));
        }
    }
}

const HwShadow::FlatMemory* HwShadow::flatOf(const WordRef& ref) const {
    const auto& memories = flat_.at(ref.block);
    const uint32_t sel = ref.where >> 24, addr = ref.where & 0xffffffu;
    if (ref.where == kDefault || sel >= memories.size()) return nullptr;
    const FlatMemory& m = memories[sel];
    return addr < m.capacity ? &m : nullptr;
}

void HwShadow::commitLpm(size_t block, uint32_t where, const Staging& s) {
    const WordRef ref{block, where};
    auto& memories = flat_[block];
    const uint32_t sel = where >> 24;
    const uint64_t addr = where & 0xffffffu;
    FlatMemory* f = where != kDefault && sel < memories.size() && addr < memories[sel].capacity
                        ? &memories[sel]
                        : nullptr;
    if (!f || s.written > f->chunks) {
        // Outside the RAMs' geometry (the default result register): the chunks written.
        if (f && f->has(addr)) {
            f->committed[addr / 64] &= ~(uint64_t{1} << (addr % 64));
            --committed_;
        }
        auto [it, fresh] = words_.try_emplace(ref);
        it->second.assign(s.words.begin(), s.words.begin() + static_cast<long>(s.written));
        committed_ += fresh;
        return;
    }
    if (words_.erase(ref)) --committed_;
    // A RAM's word holds the whole staging register (chunks not written since the last commit
    // keep their value), as the block copies it.
    if (f->data.size() < (addr + 1) * f->chunks) {
        f->data.resize((addr + 1) * f->chunks);
        f->committed.resize(addr / 64 + 1);
    }
    std::copy_n(s.words.begin(), f->chunks, f->data.begin() + static_cast<long>(addr * f->chunks));
    if (!f->has(addr)) {
        f->committed[addr / 64] |= uint64_t{1} << (addr % 64);
        ++committed_;
    }
}

std::optional<size_t> HwShadow::blockOf(const std::string& tableName) const {
    for (size_t i = 0; i < map_.tables.size(); ++i) {
        if (map_.tables[i].name == tableName) return i;
    }
    return std::nullopt;
}

std::vector<HwShadow::WordRef> HwShadow::observe(const tables::CsrWrites& writes, size_t keep) {
    std::vector<WordRef> committed;
    auto note = [&](const WordRef& ref) {
        if (keep == 0) return;
        if (committed.size() >= 2 * std::min(keep, SIZE_MAX / 2)) {
            committed.erase(committed.begin(), committed.end() - static_cast<long>(keep - 1));
        }
        committed.push_back(ref);
    };
    // The block of the write before first: a bulk update's million writes go to one block.
    size_t last = 0;
    for (const auto& w : writes) {
        for (size_t k = 0; k <= map_.tables.size(); ++k) {
            const size_t i = k == 0 ? last : k - 1;
            if (i >= map_.tables.size()) continue;
            const auto& b = map_.tables[i];
            if (w.addr < b.base || w.addr >= b.base + b.span) continue;
            last = i;
            const uint32_t off = w.addr - b.base;
            Staging& s = staging_[i];
            if (isLpm(b)) {
                if (off >= tables::LpmCsr::kStage &&
                    off < tables::LpmCsr::kStage + 4 * kLpmMaxChunks) {
                    const size_t chunk = (off - tables::LpmCsr::kStage) / 4;
                    s.words[chunk] = w.value;
                    s.written = std::max(s.written, chunk + 1);
                } else if (off == tables::LpmCsr::kCommit) {
                    commitLpm(i, w.value, s);
                    s.written = 0;
                    note({i, w.value});
                }
            } else {
                if (off >= kExactStageFirst && off < kExactStageFirst + 4 * s.words.size()) {
                    s.words[(off - kExactStageFirst) / 4] = w.value;
                } else if (off == tables::TableGeometry::kCommit) {
                    const uint32_t op = w.value >> 30;
                    if (op == static_cast<uint32_t>(tables::CommitOp::Write) ||
                        op == static_cast<uint32_t>(tables::CommitOp::SetDefault)) {
                        WordRef ref{i, op == 0 ? (w.value & 0x3fffffffu) : kDefault};
                        auto [it, fresh] = words_.try_emplace(ref);
                        it->second = s.words;
                        committed_ += fresh;
                        note(ref);
                    }
                }
            }
            break;
        }
    }
    if (committed.size() > keep) {
        committed.erase(committed.begin(), committed.end() - static_cast<long>(keep));
    }
    return committed;
}

std::optional<std::vector<uint32_t>> HwShadow::expected(const WordRef& ref) const {
    if (const FlatMemory* f = flatOf(ref)) {
        const uint64_t addr = ref.where & 0xffffffu;
        if (f->has(addr)) {
            const auto first = f->data.begin() + static_cast<long>(addr * f->chunks);
            return std::vector<uint32_t>(first, first + f->chunks);
        }
    }
    auto it = words_.find(ref);
    if (it == words_.end()) return std::nullopt;
    return it->second;
}

void HwShadow::forEachWord(
    size_t block,
    const std::function<void(const WordRef&, std::span<const uint32_t>)>& visit) const {
    // The flat words and the map's entries of the block merged in index order.
    auto it = words_.lower_bound(WordRef{block, 0});
    auto mapUntil = [&](uint64_t where) {
        for (; it != words_.end() && it->first.block == block && it->first.where < where; ++it) {
            visit(it->first, it->second);
        }
    };
    const auto& memories = flat_.at(block);
    for (size_t sel = 0; sel < memories.size(); ++sel) {
        const FlatMemory& f = memories[sel];
        for (size_t w = 0; w < f.committed.size(); ++w) {
            for (uint64_t bits = f.committed[w]; bits; bits &= bits - 1) {
                const uint64_t addr = w * 64 + static_cast<uint64_t>(std::countr_zero(bits));
                const uint32_t where = static_cast<uint32_t>(sel << 24 | addr);
                mapUntil(where);
                visit({block, where},
                      std::span<const uint32_t>(f.data.data() + addr * f.chunks, f.chunks));
            }
        }
    }
    mapUntil(uint64_t{1} << 32);
}

size_t HwShadow::memoryBytes() const {
    size_t bytes = 0;
    for (const auto& memories : flat_) {
        for (const auto& f : memories) {
            bytes += f.data.capacity() * sizeof(uint32_t) + f.committed.capacity() * 8;
        }
    }
    for (const auto& [ref, data] : words_) bytes += 64 + data.capacity() * sizeof(uint32_t);
    return bytes;
}

void HwShadow::save(tables::SnapshotWriter& out) const {
    out.tag("HWSH");
    out.u64(map_.tables.size());
    for (size_t i = 0; i < map_.tables.size(); ++i) {
        out.seq(staging_[i].words);
        out.u64(staging_[i].written);
        out.u64(flat_[i].size());
        for (const FlatMemory& f : flat_[i]) {
            out.u64(f.capacity);
            out.u32(f.chunks);
            out.seq(f.data);
            out.seq(f.committed);
        }
    }
    out.u64(words_.size());
    for (const auto& [ref, data] : words_) {
        out.u64(ref.block);
        out.u32(ref.where);
        out.seq(data);
    }
    out.u64(committed_);
}

bool HwShadow::restore(tables::SnapshotReader& in, std::string& error) {
    // Read into copies checked against this map; the shadow changes only when all of it fits.
    auto fail = [&](const std::string& why) {
        in.fail(why);
        error = "hardware shadow: " + in.error();
        return false;
    };
    if (!in.expect("HWSH")) return fail("");
    if (in.u64() != map_.tables.size()) return fail("another register map (block count)");
    std::vector<Staging> staging(map_.tables.size());
    std::vector<std::vector<FlatMemory>> flat(map_.tables.size());
    size_t committed = 0;
    for (size_t i = 0; i < map_.tables.size() && in.ok(); ++i) {
        staging[i].words = in.seq<uint32_t>();
        staging[i].written = in.u64();
        if (staging[i].words.size() != staging_[i].words.size() ||
            staging[i].written > staging[i].words.size()) {
            return fail(fmt::format("block {}: staging registers of another size", i));
        }
        if (in.u64() != flat_[i].size()) return fail(fmt::format("block {}: another geometry", i));
        for (const FlatMemory& want : flat_[i]) {
            FlatMemory f;
            f.capacity = in.u64();
            f.chunks = in.u32();
            f.data = in.seq<uint32_t>();
            f.committed = in.seq<uint64_t>();
            const uint64_t words = f.data.size() / std::max<uint32_t>(f.chunks, 1);
            if (f.capacity != want.capacity || f.chunks != want.chunks ||
                f.data.size() % f.chunks != 0 || words > f.capacity ||
                f.committed.size() != (words + 63) / 64) {
                return fail(fmt::format("block {}: a memory of another geometry", i));
            }
            for (uint64_t w : f.committed) committed += static_cast<size_t>(std::popcount(w));
            if (!f.committed.empty() && words % 64 != 0 && (f.committed.back() >> (words % 64))) {
                return fail(fmt::format("block {}: a word committed past the memory's data", i));
            }
            flat[i].push_back(std::move(f));
        }
    }
    std::map<WordRef, std::vector<uint32_t>> words;
    const uint64_t entries = in.u64();
    for (uint64_t k = 0; k < entries && in.ok(); ++k) {
        WordRef ref;
        ref.block = static_cast<size_t>(in.u64());
        ref.where = in.u32();
        auto data = in.seq<uint32_t>();
        if (in.ok() && ref.block >= map_.tables.size()) return fail("a word of no block");
        words[ref] = std::move(data);
    }
    committed += words.size();
    if (in.ok() && in.u64() != committed) return fail("the word count does not add up");
    if (!in.ok()) return fail("");
    staging_ = std::move(staging);
    flat_ = std::move(flat);
    words_ = std::move(words);
    committed_ = committed;
    return true;
}

std::optional<std::vector<uint32_t>> HwShadow::readBack(device::Device& dev, const WordRef& ref,
                                                        size_t count, std::string& error) const {
    const auto& b = map_.tables.at(ref.block);
    std::vector<uint32_t> out;
    if (isLpm(b)) {
        if (!dev.write(b.base + tables::LpmCsr::kRead, ref.where, error)) return std::nullopt;
        for (size_t i = 0; i < count; ++i) {
            auto v =
                dev.read(b.base + tables::LpmCsr::kRdata + 4 * static_cast<uint32_t>(i), error);
            if (!v) return std::nullopt;
            out.push_back(*v);
        }
    } else {
        const uint32_t command = ref.where == kDefault
                                     ? tables::commitWord(tables::CommitOp::ReadDefault, 0)
                                     : tables::commitWord(tables::CommitOp::Read, ref.where);
        if (!dev.write(b.base + tables::TableGeometry::kCommit, command, error)) {
            return std::nullopt;
        }
        for (size_t i = 0; i < count; ++i) {
            auto v = dev.read(b.base + kExactStageFirst + 4 * static_cast<uint32_t>(i), error);
            if (!v) return std::nullopt;
            out.push_back(*v);
        }
    }
    return out;
}

}  // namespace hop::hopd
