// SPDX-License-Identifier: Apache-2.0
#include "runtime/hopd/table_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <span>

#include "runtime/hopd/failure.hpp"
#include "runtime/tables/lpm.hpp"
#include "runtime/tables/lpm_table.hpp"

namespace hop::hopd {

namespace {

constexpr size_t kVerifyTail = 64;     // commands whose words are read back on a restart
constexpr size_t kBulkReadBack = 512;  // of a bulk update: its last words (the L0 words that
                                       // switched to the new image, and the deepest before)

}  // namespace

TableWriter::TableWriter(const ir::Program& program, const regmap::RegMap& map,
                         device::Device& device, StateJournal& journal)
    : program_(program),
      map_(map),
      device_(device),
      journal_(journal),
      loader_(program, map),
      shadow_(map) {
    if (!loader_.ok()) throw Failure(1, "hopd: error: " + loader_.error());
    for (const auto& b : map_.tables) {
        if (b.kind == regmap::TableKind::Lpm) {
            stageRanges_.emplace_back(b.base + tables::LpmCsr::kStage,
                                      b.base + tables::LpmCsr::kRdata);
        }
    }
}

bool TableWriter::isStage(uint32_t addr) const {
    for (const auto& [lo, hi] : stageRanges_) {
        if (addr >= lo && addr < hi) return true;
    }
    return false;
}

bool TableWriter::writeAll(const tables::CsrWrites& writes, std::string& error) {
    // In order, as write lists (SimDevice: WRITE_LIST messages, several in flight, one reply
    // each; a device without lists writes word by word): one round trip per command instead of
    // one per word. A long list (a full table) goes in slices, reporting progress after each.
    constexpr size_t kSlice = size_t{1} << 16;
    std::vector<device::CsrWord> list;
    if (writeProgress) writeProgress(0, writes.size());
    for (size_t i = 0; i < writes.size(); i += kSlice) {
        const size_t n = std::min(kSlice, writes.size() - i);
        list.clear();
        list.reserve(n);
        for (size_t k = i; k < i + n; ++k) {
            const auto& w = writes[k];
            if (isStage(w.addr)) {
                auto [it, fresh] = staged_.try_emplace(w.addr, w.value);
                if (!fresh && it->second == w.value) {
                    ++counters.stagedSkipped;
                    continue;
                }
                it->second = w.value;
            }
            list.push_back({w.addr, w.value});
        }
        if (!device_.writeList(list, error)) {
            staged_.clear();  // not known which of them the board took
            return false;
        }
        counters.csrWords += list.size();
        if (writeProgress) writeProgress(i + n, writes.size());
    }
    return true;
}

void TableWriter::observe(tables::CsrWrites writes, size_t keep) {
    // Outside a replay nothing reads the committed words back: none are kept.
    auto committed = shadow_.observe(writes, replaying_ ? keep : 0);
    if (!replaying_) return;
    tail_.push_back(std::move(committed));
    if (tail_.size() > kVerifyTail) tail_.pop_front();
    lastWrites_ = std::move(writes);
}

bool TableWriter::apply(const tables::Command& command, std::string& error, int* handleOut) {
    int handle = -1;
    auto writes = loader_.apply(command, error, &handle);
    if (!writes) {
        ++counters.tableErrors;
        return false;
    }
    if (!replaying_) {
        tables::Command canonical = command;
        if (command.kind == tables::Command::Kind::Modify ||
            command.kind == tables::Command::Kind::Delete) {
            canonical.handle = command.handle ? command.handle : std::optional<int>(handle);
        }
        journal_.command(program_, canonical);
        if (!writeAll(*writes, error)) throw Failure(3, "hopd: error: " + error);
    }
    observe(std::move(*writes), SIZE_MAX);
    ++counters.commands;
    if (handleOut) *handleOut = handle;
    return true;
}

TableWriter::Outcome TableWriter::ensure(tables::Command add, std::string& error, int* handle) {
    if (auto existing = find(add.entry.table, add.entry)) {
        if (existing->second.action.action == add.entry.action.action &&
            existing->second.action.args == add.entry.action.args) {
            ++counters.identical;
            if (handle) *handle = existing->first;
            return Outcome::Identical;
        }
        add.kind = tables::Command::Kind::Modify;
        add.handle = existing->first;
    }
    return apply(add, error, handle) ? Outcome::Written : Outcome::Failed;
}

tables::LogicalTable::Found TableWriter::lookup(ir::TableId table,
                                                const tables::Entry& like) const {
    const tables::LogicalTable* logical = loader_.logicalTable(table);
    return logical ? logical->find(like) : tables::LogicalTable::Found{};
}

std::optional<std::pair<int, tables::Entry>> TableWriter::find(ir::TableId table,
                                                               const tables::Entry& like) const {
    int handle = -1;
    auto entry = findStored(table, like, &handle);
    if (!entry) return std::nullopt;
    return std::pair{handle, std::move(*entry)};
}

std::optional<tables::Entry> TableWriter::findStored(ir::TableId table, const tables::Entry& like,
                                                     int* handle) const {
    const tables::LogicalTable::Found slot = lookup(table, like);
    if (!slot) return std::nullopt;
    if (handle) *handle = slot->handle;
    return slot->entry;
}

void TableWriter::forEachEntry(
    ir::TableId table, const std::function<void(int handle, const tables::Entry&)>& visit) const {
    const tables::LogicalTable* logical = loader_.logicalTable(table);
    if (!logical) return;
    logical->forEach([&](int handle, const tables::Entry& e) { visit(handle, e); });
}

void TableWriter::applyBulk(ir::TableId table, const tables::EntrySource& source) {
    if (source.count == 0) return;
    // The state file's lines first (before the writes, as apply() journals).
    if (!replaying_) journal_.bulk(program_, table, source);
    std::string error;
    auto writes = loader_.addMany(table, source, error);
    if (!writes) {
        ++counters.tableErrors;
        throw Failure(1, "hopd: error: " + error);
    }
    if (!replaying_ && !writeAll(*writes, error)) throw Failure(3, "hopd: error: " + error);
    observe(std::move(*writes), kBulkReadBack);
    counters.commands += source.count;
}

void TableWriter::applyBulk(std::vector<tables::Command> adds) {
    if (adds.empty()) return;
    const ir::TableId table = adds.front().entry.table;
    for (const auto& c : adds) {
        if (c.kind != tables::Command::Kind::Add || c.entry.table != table) {
            throw Failure(1, "hopd: error: a bulk update holds adds to one table only");
        }
    }
    applyBulk(table, {adds.size(), [&adds](size_t i, tables::Entry& out) { out = adds[i].entry; }});
}

void TableWriter::endReplay() {
    replaying_ = false;
    // Make the last command whole (hopd may have died in the middle of its writes): the same
    // words again are the same table.
    std::string error;
    if (!writeAll(lastWrites_, error)) throw Failure(3, "hopd: error: " + error);
    lastWrites_ = {};
}

std::pair<size_t, size_t> TableWriter::verify(const std::string& statePath) {
    std::set<HwShadow::WordRef> refs;
    for (const auto& c : tail_) refs.insert(c.begin(), c.end());
    size_t checked = 0;
    for (const auto& ref : refs) {
        const auto want = shadow_.expected(ref);
        if (!want) continue;
        std::string error;
        auto got = shadow_.readBack(device_, ref, want->size(), error);
        if (!got) throw Failure(3, "hopd: error: " + error);
        if (*got != *want) {
            throw Failure(
                3, fmt::format("hopd: error: {} does not hold what {} says: table {} word 0x{:x} "
                               "reads back differently; restart the board (a fresh board starts "
                               "a new state file)",
                               device_.name(), statePath, map_.tables[ref.block].name, ref.where));
        }
        ++checked;
    }
    const size_t commands = tail_.size();
    tail_.clear();
    return {checked, commands};
}

void TableWriter::dump(const std::string& name, std::vector<std::string>& out) {
    std::vector<std::string> names;
    for (const auto& t : program_.tables) names.push_back(t.name);
    const int index = tables::resolveName(names, name);
    if (index < 0) throw std::runtime_error(fmt::format("unknown table '{}'", name));
    const ir::Table& table = program_.tables[static_cast<size_t>(index)];
    auto entries = loader_.entries(index);
    out.push_back(fmt::format("{}: {} entries", table.name, entries.size()));
    for (const auto& [handle, entry] : entries) {
        out.push_back(fmt::format("  {:>6}  {}", handle, tables::formatEntry(program_, entry)));
    }
    // Read back every word hopd committed to the block and compare.
    auto block = shadow_.blockOf(table.name);
    if (!block) {
        out.push_back("hardware: no block for this table");
        return;
    }
    size_t checked = 0, differ = 0, valid = 0;
    const bool lpm = map_.tables[*block].kind == regmap::TableKind::Lpm;
    shadow_.forEachWord(*block, [&](const HwShadow::WordRef& ref, std::span<const uint32_t> want) {
        std::string error;
        auto got = shadow_.readBack(device_, ref, want.size(), error);
        if (!got) throw Failure(3, "hopd: error: " + error);
        ++checked;
        if (!std::equal(got->begin(), got->end(), want.begin(), want.end())) {
            ++differ;
            if (differ <= 10) {
                out.push_back(fmt::format("hardware: word 0x{:x} differs", ref.where));
            }
        }
        if (!lpm && ref.where != HwShadow::kDefault && !got->empty() && ((*got)[0] & 1)) ++valid;
    });
    if (lpm) {
        out.push_back(
            fmt::format("hardware: {} memory words read back, {} differ", checked, differ));
    } else {
        out.push_back(fmt::format("hardware: {} entries valid of {} read back, {} differ", valid,
                                  checked, differ));
    }
}

std::string TableWriter::nodeMemory(ir::TableId table) const {
    auto block = shadow_.blockOf(program_.tables.at(table).name);
    if (!block) return "none";
    const auto& config = map_.tables[*block].lpm;
    tables::Lpm probe(config);  // for the word widths only
    std::map<int, uint64_t> words;
    shadow_.forEachWord(*block, [&](const HwShadow::WordRef& ref, std::span<const uint32_t>) {
        ++words[static_cast<int>(ref.where >> 24)];
    });
    uint64_t bits = 0, count = 0;
    for (const auto& [mem, n] : words) {
        if (mem >= probe.memories()) continue;  // the default result register
        bits += n * static_cast<uint64_t>(probe.wordBits(mem));
        count += n;
    }
    return fmt::format("{} words, {} bytes", count, (bits + 7) / 8);
}

}  // namespace hop::hopd
