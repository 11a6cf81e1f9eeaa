// SPDX-License-Identifier: Apache-2.0
#include "runtime/tables/lpm_table.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "runtime/tables/lpm_impl.hpp"
#include "runtime/tables/snapshot.hpp"

namespace hop::tables {

namespace {

const ir::Table& lpmTableOf(const ir::Program& program, ir::TableId table) {
    if (table < 0 || table >= static_cast<ir::TableId>(program.tables.size()))
        throw std::invalid_argument("no such table");
    const ir::Table& t = program.tables[table];
    if (t.keys.size() != 1 || t.keys[0].matchKind != ir::MatchKind::Lpm)
        throw std::invalid_argument("table '" + t.name +
                                    "' is not an LPM table (one key, match kind lpm)");
    return t;
}

LpmConfig checkedConfig(const ir::Program& program, const ir::Table& table, LpmConfig config) {
    const TableGeometry g = baseGeometry(program, table);
    if (config.keyWidth != table.keys[0].width)
        throw std::invalid_argument("LPM config of table '" + table.name + "' has key width " +
                                    std::to_string(config.keyWidth) + ", the key has " +
                                    std::to_string(table.keys[0].width) + " bits");
    if (config.resultWidth != g.actionWidth + g.paramWidth)
        throw std::invalid_argument("LPM config of table '" + table.name + "' has result width " +
                                    std::to_string(config.resultWidth) + ", the table needs " +
                                    std::to_string(g.actionWidth + g.paramWidth));
    if (const std::string why = config.validate(); !why.empty())
        throw std::invalid_argument("LPM config of table '" + table.name + "': " + why);
    return config;
}

const BigInt kZero = 0;

LpmKey toKey(const BigInt& v) {
    LpmKey k = 0;
    BigInt x = v;
    for (int shift = 0; shift < 128 && x != 0; shift += 32) {
        k |= static_cast<LpmKey>(static_cast<uint32_t>(x & 0xffffffffu)) << shift;
        x >>= 32;
    }
    return k;
}

}  // namespace

LpmTable::LpmTable(const ir::Program& program, ir::TableId table, const LpmConfig& config)
    : program_(program),
      table_(lpmTableOf(program, table)),
      lpm_(checkedConfig(program, table_, config)),
      paramWidth_(baseGeometry(program, table_).paramWidth) {}

std::optional<LpmTable::Prefix> LpmTable::prefixOf(const Entry& entry, bool withAction,
                                                   std::string& error) const {
    if (entry.keys.size() != 1) {
        error = "entry has " + std::to_string(entry.keys.size()) + " keys, table '" + table_.name +
                "' has 1";
        return std::nullopt;
    }
    const int width = table_.keys[0].width;
    const KeyMatch& k = entry.keys[0];
    Prefix p;
    switch (k.kind) {
        case ir::Match::Kind::Lpm:
            p.length = k.prefixLen;
            break;
        case ir::Match::Kind::Exact:
            p.length = width;
            break;
        case ir::Match::Kind::DontCare:
            p.length = 0;
            break;
        default:
            error = "key '" + table_.keys[0].name + "' of an LPM table needs a prefix";
            return std::nullopt;
    }
    if (p.length < 0 || p.length > width) {
        error = "prefix length " + std::to_string(p.length) + " does not fit the " +
                std::to_string(width) + "-bit key '" + table_.keys[0].name + "'";
        return std::nullopt;
    }
    const BigInt& value = k.kind == ir::Match::Kind::DontCare ? kZero : k.value;
    // The common case in machine words (a full table is a million of these).
    if (width <= 64 && value >= 0 && value <= std::numeric_limits<uint64_t>::max()) {
        const uint64_t v = static_cast<uint64_t>(value);
        if (width < 64 && (v >> width) != 0) {
            error = "key does not fit in " + std::to_string(width) + " bits";
            return std::nullopt;
        }
        const int host = width - p.length;
        if (host > 0 && (v & (host >= 64 ? ~uint64_t{0} : (uint64_t{1} << host) - 1)) != 0) {
            error = "prefix value has bits set beyond its length /" + std::to_string(p.length);
            return std::nullopt;
        }
        p.value = v;
    } else {
        if (auto s = slowPrefixValue(value, width, p.length, error); s)
            p.value = *s;
        else
            return std::nullopt;
    }
    if (withAction) {
        const auto word = resultWord(entry.action, error);
        if (!word) return std::nullopt;
        p.result = *word;
    }
    return p;
}

std::optional<LpmKey> LpmTable::slowPrefixValue(const BigInt& value, int width, int length,
                                                std::string& error) {
    if (!fitsWidth(value, width)) {
        error = "key does not fit in " + std::to_string(width) + " bits";
        return std::nullopt;
    }
    if (length < width && (value & ((BigInt(1) << (width - length)) - 1)) != 0) {
        error = "prefix value has bits set beyond its length /" + std::to_string(length);
        return std::nullopt;
    }
    return toKey(value);
}

std::optional<uint64_t> LpmTable::resultWord(const ir::ActionCall& call, std::string& error) const {
    BigInt params;
    const std::optional<uint32_t> id = encodeAction(program_, table_, call, params, error);
    if (!id) return std::nullopt;
    return (static_cast<uint64_t>(*id) << paramWidth_) | static_cast<uint64_t>(params);
}

CsrWrites LpmTable::toCsr(const std::vector<LpmWordWrite>& words) const {
    CsrWrites out;
    for (const LpmWordWrite& w : words) {
        for (size_t i = 0; i < w.data.size(); ++i)
            out.push_back({LpmCsr::kStage + 4 * static_cast<uint32_t>(i), w.data[i]});
        out.push_back(
            {LpmCsr::kCommit, (static_cast<uint32_t>(w.mem) << 24) | (w.addr & 0xffffff)});
    }
    return out;
}

namespace {

std::string failure(const std::string& table, const LpmStatus& s) {
    switch (s.code) {
        case LpmErrc::TableFull:
            return "table '" + table + "' is full";
        case LpmErrc::MemoryExhausted:
            return "table '" + table + "' has no room for this prefix (" + s.message + ")";
        case LpmErrc::NotFound:
            return "no such entry";
        default:
            return s.message.empty() ? std::string(lpmErrcName(s.code)) : s.message;
    }
}

}  // namespace

std::optional<CsrWrites> LpmTable::add(const Entry& entry, std::string& error) {
    const auto p = prefixOf(entry, true, error);
    if (!p) return std::nullopt;
    if (lpm_.find(p->value, p->length)) {
        error = "duplicate entry: the prefix is already in the table";
        return std::nullopt;
    }
    std::vector<LpmWordWrite> words;
    if (LpmStatus s = lpm_.insert(p->value, p->length, p->result, &words); !s) {
        error = failure(table_.name, s);
        return std::nullopt;
    }
    return toCsr(words);
}

std::optional<CsrWrites> LpmTable::modify(const Entry& entry, std::string& error) {
    const auto p = prefixOf(entry, true, error);
    if (!p) return std::nullopt;
    if (!lpm_.find(p->value, p->length)) {
        error = "no such entry";
        return std::nullopt;
    }
    std::vector<LpmWordWrite> words;
    if (LpmStatus s = lpm_.insert(p->value, p->length, p->result, &words); !s) {
        error = failure(table_.name, s);
        return std::nullopt;
    }
    return toCsr(words);
}

std::optional<CsrWrites> LpmTable::remove(const Entry& entry, std::string& error) {
    const auto p = prefixOf(entry, false, error);
    if (!p) return std::nullopt;
    std::vector<LpmWordWrite> words;
    if (LpmStatus s = lpm_.erase(p->value, p->length, &words); !s) {
        error = failure(table_.name, s);
        return std::nullopt;
    }
    return toCsr(words);
}

std::optional<CsrWrites> LpmTable::setDefault(const ir::ActionCall& call, std::string& error) {
    const auto word = resultWord(call, error);
    if (!word) return std::nullopt;
    defaultResult_ = *word;
    LpmWordWrite w;
    w.mem = LpmCsr::kDefaultSel;
    w.addr = 0;
    w.data = {static_cast<uint32_t>(*word), static_cast<uint32_t>(*word >> 32)};
    return toCsr({w});
}

void LpmTable::save(SnapshotWriter& out) const {
    out.tag("LPMT");
    out.u8(defaultResult_.has_value());
    out.u64(defaultResult_.value_or(0));
    lpm_.save(out);
}

bool LpmTable::restore(SnapshotReader& in, std::string& error) {
    if (!in.expect("LPMT")) {
        error = "LPM table snapshot: " + in.error();
        return false;
    }
    const uint8_t hasDefault = in.u8();
    const uint64_t word = in.u64();
    if (in.ok() && hasDefault > 1) in.fail("a bad default flag");
    if (!in.ok()) {
        error = "LPM table snapshot: " + in.error();
        return false;
    }
    if (!lpm_.restore(in, error)) return false;
    defaultResult_ = hasDefault ? std::optional<uint64_t>(word) : std::nullopt;
    return true;
}

std::optional<CsrWrites> LpmTable::load(std::span<const Entry> entries, std::string& error) {
    std::vector<LpmRoute> routes;
    routes.reserve(entries.size());
    for (size_t i = 0; i < entries.size(); ++i) {
        const auto p = prefixOf(entries[i], true, error);
        if (!p) {
            error = "entry " + std::to_string(i + 1) + ": " + error;
            return std::nullopt;
        }
        routes.push_back({p->value, p->length, p->result});
    }
    Lpm fresh(lpm_.config());
    if (LpmStatus s = fresh.build(routes); !s) {
        error = failure(table_.name, s);
        return std::nullopt;
    }
    lpm_ = std::move(fresh);
    // Every word in use and every L0 word (the image lists only those in use; the others
    // must be made invalid). Not hitless: meant for a table nothing looks up yet.
    std::vector<LpmWordWrite> words;
    for (LpmWordWrite& w : lpm_.imageWrites())
        if (w.mem != 0) words.push_back(std::move(w));
    for (uint32_t a = 0; a < (uint32_t{1} << lpm_.config().strides[0]); ++a)
        words.push_back({0, a, lpm_.word(0, a)});
    // Lower levels and results before the L0 words that point at them.
    std::stable_sort(words.begin(), words.end(),
                     [](const LpmWordWrite& a, const LpmWordWrite& b) { return a.mem > b.mem; });
    return toCsr(words);
}

std::optional<CsrWrites> LpmTable::addMany(std::span<const Entry> entries, std::string& error) {
    return addMany(
        EntrySource{entries.size(), [entries](size_t i, Entry& out) { out = entries[i]; }}, error);
}

namespace {

// Each word straight into CSR writes: its STAGE chunks, then its COMMIT (LpmTable::toCsr).
class CsrSink : public LpmWordSink {
  public:
    CsrSink(const Lpm& lpm, CsrWrites& out) : lpm_(lpm), out_(out) {}
    void expect(std::span<const size_t> wordsPerMemory) override {
        size_t n = out_.size();
        for (size_t m = 0; m < wordsPerMemory.size(); ++m)
            n += wordsPerMemory[m] * ((lpm_.wordBits(static_cast<int>(m)) + 31) / 32 + 1);
        out_.reserve(n);
        adviseHuge(out_.data() + out_.size(), (n - out_.size()) * sizeof(CsrWrite));
    }
    void word(int mem, uint32_t addr, std::span<const uint32_t> data) override {
        for (size_t i = 0; i < data.size(); ++i)
            out_.push_back({LpmCsr::kStage + 4 * static_cast<uint32_t>(i), data[i]});
        out_.push_back({LpmCsr::kCommit, (static_cast<uint32_t>(mem) << 24) | (addr & 0xffffff)});
    }

  private:
    const Lpm& lpm_;
    CsrWrites& out_;
};

bool shorterRoute(const LpmRoute& a, const LpmRoute& b) {
    return a.length != b.length ? a.length < b.length : a.value < b.value;
}

}  // namespace

std::optional<CsrWrites> LpmTable::addMany(const EntrySource& source, std::string& error) {
    std::vector<LpmRoute> routes = lpm_.routes();
    const size_t before = routes.size();
    routes.reserve(before + source.count);
    adviseHuge(routes.data() + before, source.count * sizeof(LpmRoute));
    Entry entry;
    for (size_t i = 0; i < source.count; ++i) {
        source.at(i, entry);
        const auto p = prefixOf(entry, true, error);
        if (!p) {
            error = "entry " + std::to_string(i + 1) + ": " + error;
            return std::nullopt;
        }
        if (before > 0 && lpm_.find(p->value, p->length)) {
            error = "entry " + std::to_string(i + 1) +
                    ": duplicate entry: the prefix is already in the table";
            return std::nullopt;
        }
        routes.push_back({p->value, p->length, p->result});
    }
    // Twice among the new ones? (None is in the table: sorted, equal prefixes are neighbours.)
    std::sort(routes.begin(), routes.end(), shorterRoute);  // of equal ones none goes on
    std::optional<std::pair<LpmKey, int>> twice;            // the smallest by value, then length
    for (size_t i = 1; i < routes.size(); ++i)
        if (!shorterRoute(routes[i - 1], routes[i])) {
            const std::pair<LpmKey, int> k{routes[i].value, routes[i].length};
            if (!twice || k < *twice) twice = k;
        }
    if (twice) {
        // Its first two entries (read again: the list no longer says where each came from).
        std::optional<size_t> first;
        for (size_t i = 0; i < source.count; ++i) {
            source.at(i, entry);
            const auto p = prefixOf(entry, false, error);
            if (!p || p->value != twice->first || p->length != twice->second) continue;
            if (!first) {
                first = i;
                continue;
            }
            error = "entry " + std::to_string(i + 1) + ": duplicate entry: the same prefix as " +
                    "entry " + std::to_string(*first + 1) + " of the list";
            return std::nullopt;
        }
        error = "duplicate entry: a prefix is twice in the list";
        return std::nullopt;
    }
    if (routes.size() > lpm_.config().size) {
        error = "table '" + table_.name + "' is full: " + std::to_string(before) + " + " +
                std::to_string(source.count) + " entries do not fit its size of " +
                std::to_string(lpm_.config().size);
        return std::nullopt;
    }
    CsrWrites out;
    CsrSink sink(lpm_, out);
    if (LpmStatus s = lpm_.rebuild(std::move(routes), &sink); !s) {
        error = failure(table_.name, s);
        return std::nullopt;
    }
    return out;
}

CsrWrites LpmTable::clear() const {
    CsrWrites out;
    const int chunks = (lpm_.wordBits(0) + 31) / 32;
    for (int i = 0; i < chunks; ++i) out.push_back({LpmCsr::kStage + 4 * uint32_t(i), 0});
    for (uint32_t a = 0; a < (uint32_t{1} << lpm_.config().strides[0]); ++a)
        out.push_back({LpmCsr::kCommit, a});
    return out;
}

}  // namespace hop::tables
