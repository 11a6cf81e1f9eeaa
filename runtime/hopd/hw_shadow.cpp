// SPDX-License-Identifier: Apache-2.0
#include "runtime/hopd/hw_shadow.hpp"

#include <fmt/format.h>

#include "runtime/tables/lpm_table.hpp"

namespace hop::hopd {

namespace {

constexpr uint32_t kExactStageFirst = tables::TableGeometry::kStgCtrl;  // 0x18
constexpr size_t kLpmMaxChunks = 64;

bool isLpm(const regmap::TableBlock& b) { return b.kind == regmap::TableKind::Lpm; }

}  // namespace

HwShadow::HwShadow(const regmap::RegMap& map) : map_(map), staging_(map.tables.size()) {
    for (size_t i = 0; i < map_.tables.size(); ++i) {
        const auto& b = map_.tables[i];
        staging_[i].words.assign(
            isLpm(b) ? kLpmMaxChunks : static_cast<size_t>(regmap::tableWords(b)) - 6, 0);
    }
}

std::optional<size_t> HwShadow::blockOf(const std::string& tableName) const {
    for (size_t i = 0; i < map_.tables.size(); ++i) {
        if (map_.tables[i].name == tableName) return i;
    }
    return std::nullopt;
}

std::vector<HwShadow::WordRef> HwShadow::observe(const tables::CsrWrites& writes) {
    std::vector<WordRef> committed;
    for (const auto& w : writes) {
        for (size_t i = 0; i < map_.tables.size(); ++i) {
            const auto& b = map_.tables[i];
            if (w.addr < b.base || w.addr >= b.base + b.span) continue;
            const uint32_t off = w.addr - b.base;
            Staging& s = staging_[i];
            if (isLpm(b)) {
                if (off >= tables::LpmCsr::kStage &&
                    off < tables::LpmCsr::kStage + 4 * kLpmMaxChunks) {
                    const size_t chunk = (off - tables::LpmCsr::kStage) / 4;
                    s.words[chunk] = w.value;
                    s.written = std::max(s.written, chunk + 1);
                } else if (off == tables::LpmCsr::kCommit) {
                    WordRef ref{i, w.value};
                    words_[ref].assign(s.words.begin(),
                                       s.words.begin() + static_cast<long>(s.written));
                    s.written = 0;
                    committed.push_back(ref);
                }
            } else {
                if (off >= kExactStageFirst && off < kExactStageFirst + 4 * s.words.size()) {
                    s.words[(off - kExactStageFirst) / 4] = w.value;
                } else if (off == tables::TableGeometry::kCommit) {
                    const uint32_t op = w.value >> 30;
                    if (op == static_cast<uint32_t>(tables::CommitOp::Write) ||
                        op == static_cast<uint32_t>(tables::CommitOp::SetDefault)) {
                        WordRef ref{i, op == 0 ? (w.value & 0x3fffffffu) : kDefault};
                        words_[ref] = s.words;
                        committed.push_back(ref);
                    }
                }
            }
            break;
        }
    }
    return committed;
}

const std::vector<uint32_t>* HwShadow::expected(const WordRef& ref) const {
    auto it = words_.find(ref);
    return it == words_.end() ? nullptr : &it->second;
}

std::vector<std::pair<HwShadow::WordRef, const std::vector<uint32_t>*>> HwShadow::words(
    size_t block) const {
    std::vector<std::pair<WordRef, const std::vector<uint32_t>*>> out;
    for (auto it = words_.lower_bound(WordRef{block, 0});
         it != words_.end() && it->first.block == block; ++it) {
        out.emplace_back(it->first, &it->second);
    }
    return out;
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
