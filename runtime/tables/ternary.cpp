// SPDX-License-Identifier: Apache-2.0
#include "runtime/tables/ternary.hpp"

#include <algorithm>
#include <cstdlib>

#include "runtime/tables/snapshot_values.hpp"

namespace hop::tables {

TernaryTable::TernaryTable(const TableGeometry& geometry)
    : geom_(geometry), slots_(geometry.depth) {}

TernaryTable::TernaryTable(const ir::Program& program, ir::TableId table)
    : TernaryTable(geometryFor(program, program.tables[table])) {
    program_ = &program;
    table_ = &program.tables[table];
}

TableGeometry TernaryTable::geometryFor(const ir::Program& program, const ir::Table& table) {
    TableGeometry g = baseGeometry(program, table);
    g.kind = TableKind::Ternary;
    g.slots = 1;
    g.depth = static_cast<int>(std::clamp<int64_t>(table.size, 2, 4096));
    return g;
}

static BigInt ones(int width) { return (BigInt(1) << width) - 1; }

std::vector<TernaryTable::Piece> TernaryTable::rangeToPrefixes(const BigInt& lo, const BigInt& hi,
                                                               int width) {
    std::vector<Piece> out;
    BigInt cur = lo;
    while (cur <= hi) {
        // The largest aligned block starting at `cur` that stays inside [cur, hi].
        int k = 0;
        while (k < width && bit_test(cur, k) == false && cur + (BigInt(1) << (k + 1)) - 1 <= hi)
            ++k;
        const BigInt size = BigInt(1) << k;
        out.push_back({cur, ones(width) ^ (size - 1)});
        cur += size;
    }
    return out;
}

std::optional<std::vector<TernaryTable::Piece>> TernaryTable::expand(const ir::Table& table,
                                                                     const Entry& entry,
                                                                     std::string& error) {
    if (entry.keys.size() != table.keys.size()) {
        error = "entry has " + std::to_string(entry.keys.size()) + " keys, table '" + table.name +
                "' has " + std::to_string(table.keys.size());
        return std::nullopt;
    }
    std::vector<Piece> acc = {{0, 0}};
    for (size_t i = 0; i < table.keys.size(); ++i) {
        const KeyMatch& m = entry.keys[i];
        const int w = table.keys[i].width;
        const std::string& name = table.keys[i].name;
        std::vector<Piece> field;
        auto fits = [&](const BigInt& v) {
            if (fitsWidth(v, w)) return true;
            error = "key '" + name + "' does not fit in " + std::to_string(w) + " bits";
            return false;
        };
        switch (m.kind) {
            case KeyMatch::Kind::Exact:
                if (!fits(m.value)) return std::nullopt;
                field.push_back({m.value, ones(w)});
                break;
            case KeyMatch::Kind::Ternary:
            case KeyMatch::Kind::Lpm:
                if (!fits(m.value) || !fits(m.mask)) return std::nullopt;
                field.push_back({m.value & m.mask, m.mask});
                break;
            case KeyMatch::Kind::Range:
                if (!fits(m.value) || !fits(m.high)) return std::nullopt;
                if (m.value > m.high) {
                    error = "empty range for key '" + name + "'";
                    return std::nullopt;
                }
                field = rangeToPrefixes(m.value, m.high, w);
                break;
            case KeyMatch::Kind::DontCare:
                field.push_back({0, 0});
                break;
        }
        std::vector<Piece> next;
        next.reserve(acc.size() * field.size());
        for (const Piece& a : acc)
            for (const Piece& f : field)
                next.push_back({(a.value << w) | f.value, (a.mask << w) | f.mask});
        acc = std::move(next);
        if (acc.size() > 4096) {
            error = "entry expands to more than 4096 ternary slots";
            return std::nullopt;
        }
    }
    return acc;
}

std::vector<Entry> TernaryTable::constEntries(const ir::Program& program, ir::TableId table) {
    const ir::Table& t = program.tables[table];
    std::vector<Entry> out;
    const int64_t n = static_cast<int64_t>(t.entries.size());
    for (int64_t i = 0; i < n; ++i) {
        const ir::TableEntry& te = t.entries[i];
        Entry e;
        e.table = table;
        e.keys = te.keys;
        e.action = te.action;
        e.priority = programEntryPriority(t, static_cast<size_t>(i));
        out.push_back(std::move(e));
    }
    return out;
}

// Does slot `a` rank strictly before an entry of (priority, seq)?
bool TernaryTable::before(const Slot& a, int64_t priority, uint64_t seq) const {
    return a.priority > priority || (a.priority == priority && a.seq < seq);
}
bool TernaryTable::after(const Slot& a, int64_t priority, uint64_t seq) const {
    return a.priority < priority || (a.priority == priority && a.seq > seq);
}

HwEntry TernaryTable::hw(const Slot& s) const {
    HwEntry e;
    e.valid = s.used;
    e.key = s.value;
    e.mask = s.mask;
    e.action = s.action;
    e.params = s.params;
    return e;
}

void TernaryTable::moveSlot(int from, int to, CsrWrites& out) {
    slots_[to] = slots_[from];
    const CsrWrites w = stageAndCommit(geom_, hw(slots_[to]), uint32_t(to));
    out.insert(out.end(), w.begin(), w.end());
    ++moves_;
}

int TernaryTable::insertPiece(const Piece& piece, int64_t priority, uint64_t seq, uint64_t id,
                              uint32_t action, const BigInt& params, CsrWrites& out) {
    const int depth = geom_.depth;
    // The piece must follow every higher priority and every older equal-priority slot it
    // overlaps (the tie rule only matters where two entries can both match), and precede every
    // lower priority; anywhere in between is fine.
    int a = -1;     // last slot that must precede the new piece
    int b = depth;  // first slot that must follow it
    for (int i = 0; i < depth; ++i) {
        const Slot& s = slots_[i];
        if (!s.used) continue;
        const bool overlaps = ((s.value ^ piece.value) & s.mask & piece.mask) == 0;
        if (before(s, priority, seq) && (s.priority != priority || overlaps)) a = i;
        if (b == depth && after(s, priority, seq) && (s.priority != priority || overlaps)) b = i;
    }
    int at = -1;
    const int mid = a + (b - a) / 2;
    for (int i = a + 1; i < b; ++i)
        if (!slots_[i].used && (at < 0 || std::abs(i - mid) < std::abs(at - mid))) at = i;
    if (at < 0) {
        int up = b;  // nearest free slot at or after b
        while (up < depth && slots_[up].used) ++up;
        int down = a;  // nearest free slot at or before a
        while (down >= 0 && slots_[down].used) --down;
        const bool useUp = up < depth && (down < 0 || up - b <= a - down);
        if (useUp) {
            for (int i = up; i > b; --i) moveSlot(i - 1, i, out);
            at = b;
        } else {
            for (int i = down; i < a; ++i) moveSlot(i + 1, i, out);
            at = a;
        }
    }
    Slot& s = slots_[at];
    s.used = true;
    s.value = piece.value;
    s.mask = piece.mask;
    s.action = action;
    s.params = params;
    s.priority = priority;
    s.seq = seq;
    s.id = id;
    const CsrWrites w = stageAndCommit(geom_, hw(s), uint32_t(at));
    out.insert(out.end(), w.begin(), w.end());
    return at;
}

std::optional<CsrWrites> TernaryTable::insert(const std::vector<Piece>& pieces, int64_t priority,
                                              uint32_t action, const BigInt& params,
                                              std::string& error, uint64_t* id) {
    if (action >> geom_.actionWidth || !fitsWidth(params, geom_.paramWidth)) {
        error = "action data does not fit the table";
        return std::nullopt;
    }
    for (const Piece& p : pieces) {
        if (!fitsWidth(p.value, geom_.keyWidth) || !fitsWidth(p.mask, geom_.keyWidth)) {
            error = "key does not fit in " + std::to_string(geom_.keyWidth) + " bits";
            return std::nullopt;
        }
    }
    if (used_ + pieces.size() > size_t(geom_.depth)) {
        error = "table" + (table_ ? " '" + table_->name + "'" : std::string()) + " is full (" +
                std::to_string(used_) + " of " + std::to_string(geom_.depth) +
                " slots used, the entry needs " + std::to_string(pieces.size()) + ")";
        return std::nullopt;
    }
    const uint64_t seq = nextSeq_++;
    CsrWrites out;
    for (const Piece& p : pieces) {
        // Canonical: value bits outside the mask are zero (the hardware ignores them anyway).
        insertPiece({p.value & p.mask, p.mask}, priority, seq, seq, action, params, out);
        ++used_;
    }
    if (id) *id = seq;
    return out;
}

std::optional<CsrWrites> TernaryTable::modify(uint64_t id, uint32_t action, const BigInt& params,
                                              std::string& error) {
    if (action >> geom_.actionWidth || !fitsWidth(params, geom_.paramWidth)) {
        error = "action data does not fit the table";
        return std::nullopt;
    }
    CsrWrites out;
    for (int i = 0; i < geom_.depth; ++i) {
        Slot& s = slots_[i];
        if (!s.used || s.id != id) continue;
        s.action = action;
        s.params = params;
        const CsrWrites w = stageAndCommit(geom_, hw(s), uint32_t(i));
        out.insert(out.end(), w.begin(), w.end());
    }
    if (out.empty()) {
        error = "no such entry";
        return std::nullopt;
    }
    return out;
}

std::optional<CsrWrites> TernaryTable::erase(uint64_t id, std::string& error) {
    CsrWrites out;
    for (int i = 0; i < geom_.depth; ++i) {
        Slot& s = slots_[i];
        if (!s.used || s.id != id) continue;
        s.used = false;
        --used_;
        out.push_back({TableGeometry::kStgCtrl, 0});
        out.push_back({TableGeometry::kCommit, commitWord(CommitOp::Write, uint32_t(i))});
    }
    if (out.empty()) {
        error = "no such entry";
        return std::nullopt;
    }
    return out;
}

CsrWrites TernaryTable::setDefault(uint32_t action, const BigInt& params) const {
    HwEntry e;
    e.action = action;
    e.params = params;
    e.mask = 0;
    return stageAndCommit(geom_, e, 0, CommitOp::SetDefault);
}

int TernaryTable::find(const BigInt& key) const {
    for (int i = 0; i < geom_.depth; ++i) {
        const Slot& s = slots_[i];
        if (s.used && ((key ^ s.value) & s.mask) == 0) return i;
    }
    return -1;
}

#define HOP_NEED_PROGRAM()                                           \
    if (!program_ || !table_) {                                      \
        error = "table built from a geometry takes hardware values"; \
        return std::nullopt;                                         \
    }

std::optional<CsrWrites> TernaryTable::add(const Entry& entry, std::string& error) {
    HOP_NEED_PROGRAM()
    for (const Logical& l : logical_) {
        if (sameMatch(l.entry, entry)) {
            error = "duplicate entry: the same match and priority are already in the table";
            return std::nullopt;
        }
    }
    const std::optional<std::vector<Piece>> pieces = expand(*table_, entry, error);
    if (!pieces) return std::nullopt;
    BigInt params;
    const std::optional<uint32_t> action =
        encodeAction(*program_, *table_, entry.action, params, error);
    if (!action) return std::nullopt;
    uint64_t id = 0;
    std::optional<CsrWrites> out =
        insert(*pieces, entry.priority.value_or(0), *action, params, error, &id);
    if (out) logical_.push_back({entry, id});
    return out;
}

std::optional<CsrWrites> TernaryTable::modify(const Entry& entry, std::string& error) {
    HOP_NEED_PROGRAM()
    for (Logical& l : logical_) {
        if (!sameMatch(l.entry, entry)) continue;
        BigInt params;
        const std::optional<uint32_t> action =
            encodeAction(*program_, *table_, entry.action, params, error);
        if (!action) return std::nullopt;
        std::optional<CsrWrites> out = modify(l.id, *action, params, error);
        if (out) l.entry.action = entry.action;
        return out;
    }
    error = "no such entry";
    return std::nullopt;
}

std::optional<CsrWrites> TernaryTable::remove(const Entry& entry, std::string& error) {
    HOP_NEED_PROGRAM()
    for (size_t i = 0; i < logical_.size(); ++i) {
        if (!sameMatch(logical_[i].entry, entry)) continue;
        std::optional<CsrWrites> out = erase(logical_[i].id, error);
        if (out) logical_.erase(logical_.begin() + static_cast<std::ptrdiff_t>(i));
        return out;
    }
    error = "no such entry";
    return std::nullopt;
}

std::optional<CsrWrites> TernaryTable::setDefault(const ir::ActionCall& call, std::string& error) {
    HOP_NEED_PROGRAM()
    BigInt params;
    const std::optional<uint32_t> action = encodeAction(*program_, *table_, call, params, error);
    if (!action) return std::nullopt;
    default_ = {*action, params};
    return setDefault(*action, params);
}

#undef HOP_NEED_PROGRAM

void TernaryTable::save(SnapshotWriter& out) const {
    const size_t start = out.bytes().size();
    saveUnsealed(out);
    sealSection(out, start);
}

void TernaryTable::saveUnsealed(SnapshotWriter& out) const {
    out.tag("TERN");
    out.seq(std::vector<uint64_t>{uint64_t(geom_.keyWidth), uint64_t(geom_.actionWidth),
                                  uint64_t(geom_.paramWidth), uint64_t(geom_.depth)});
    out.u64(used_);
    out.u64(nextSeq_);
    out.u64(moves_);
    out.u8(default_.has_value());
    out.u32(default_ ? default_->first : 0);
    putBigInt(out, default_ ? default_->second : BigInt(0));
    for (int i = 0; i < geom_.depth; ++i) {
        const Slot& s = slots_[i];
        if (!s.used) continue;
        out.u32(uint32_t(i));
        putBigInt(out, s.value);
        putBigInt(out, s.mask);
        out.u32(s.action);
        putBigInt(out, s.params);
        out.i64(s.priority);
        out.u64(s.seq);
        out.u64(s.id);
    }
    out.u64(logical_.size());
    for (const Logical& l : logical_) {
        putEntry(out, l.entry);
        out.u64(l.id);
    }
}

bool TernaryTable::restore(SnapshotReader& in, std::string& error) {
    TernaryTable t(geom_);
    t.program_ = program_;
    t.table_ = table_;
    const std::vector<uint64_t> geometry = {uint64_t(geom_.keyWidth), uint64_t(geom_.actionWidth),
                                            uint64_t(geom_.paramWidth), uint64_t(geom_.depth)};
    if (in.expect("TERN") && in.seq<uint64_t>() != geometry && in.ok())
        in.fail("the snapshot is of a table of another geometry");
    const uint64_t used = in.u64();
    t.nextSeq_ = in.u64();
    t.moves_ = in.u64();
    const uint8_t hasDefault = in.u8();
    const uint32_t defaultAction = in.u32();
    const BigInt defaultParams = getBigInt(in);
    if (in.ok() && (hasDefault > 1 || used > slots_.size())) in.fail("a damaged header");
    if (hasDefault == 1) t.default_ = {defaultAction, defaultParams};
    for (uint64_t n = 0; n < used && in.ok(); ++n) {
        const uint32_t i = in.u32();
        Slot s;
        s.used = true;
        s.value = getBigInt(in);
        s.mask = getBigInt(in);
        s.action = in.u32();
        s.params = getBigInt(in);
        s.priority = in.i64();
        s.seq = in.u64();
        s.id = in.u64();
        if (!in.ok()) break;
        if (i >= t.slots_.size() || t.slots_[i].used || !fitsWidth(s.value, geom_.keyWidth) ||
            !fitsWidth(s.mask, geom_.keyWidth) || s.action >> geom_.actionWidth ||
            !fitsWidth(s.params, geom_.paramWidth) || s.seq >= t.nextSeq_ || s.id >= t.nextSeq_) {
            in.fail("slot " + std::to_string(n) + " does not fit the table");
            break;
        }
        t.slots_[i] = std::move(s);
    }
    const uint64_t logical = in.u64();
    if (in.ok() && logical > used) in.fail("more entries than used slots");
    const size_t keys = table_ ? table_->keys.size() : 0;
    size_t maxArgs = 0;
    if (program_)
        for (const auto& a : program_->actions) maxArgs = std::max(maxArgs, a.params.size());
    for (uint64_t n = 0; n < logical && in.ok(); ++n) {
        Logical l;
        l.entry = getEntry(in, keys, maxArgs);
        l.id = in.u64();
        if (in.ok() && l.id >= t.nextSeq_) in.fail("an entry with an unknown id");
        t.logical_.push_back(std::move(l));
    }
    const uint64_t hash = in.u64();
    t.used_ = used;
    if (in.ok() && !sealMatches(hash, [&](SnapshotWriter& again) { t.saveUnsealed(again); }))
        in.fail("the checksum does not match");
    if (!in.ok()) {
        error = "ternary table snapshot: " + in.error();
        return false;
    }
    *this = std::move(t);
    return true;
}

}  // namespace hop::tables
