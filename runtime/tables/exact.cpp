// SPDX-License-Identifier: Apache-2.0
#include "runtime/tables/exact.hpp"

#include <algorithm>
#include <unordered_set>

#include "runtime/tables/snapshot_values.hpp"

namespace hop::tables {

ExactTable::ExactTable(const TableGeometry& geometry, Options options)
    : geom_(geometry), options_(options), slots_(geometry.depth) {
    if (geom_.kind == TableKind::Exact) {
        while ((1 << idxBits_) < geom_.buckets()) ++idxBits_;
    }
}

ExactTable::ExactTable(const ir::Program& program, ir::TableId table, Options options)
    : ExactTable(geometryFor(program, program.tables[table]), options) {
    program_ = &program;
    table_ = &program.tables[table];
}

TableGeometry ExactTable::geometryFor(const ir::Program& program, const ir::Table& table) {
    TableGeometry g = baseGeometry(program, table);
    if (g.keyWidth <= kDirectMaxKeyWidth) {
        g.kind = TableKind::Direct;
        g.depth = 1 << g.keyWidth;
        g.slots = 1;
    } else {
        g.kind = TableKind::Exact;
        g.slots = 4;
        const int64_t want = std::max<int64_t>(1, (table.size * 100 + 84) / 85);
        g.depth = static_cast<int>(std::max<int64_t>(ceilPow2(want), 4 * g.slots));
    }
    return g;
}

uint32_t ExactTable::bucketOf(int way, const KeyWords& key) const {
    return hashKey(way == 0 ? kPolyWay0 : kPolyWay1, key, geom_.keyWidth, idxBits_);
}

HwEntry ExactTable::hw(const Slot& s) const {
    HwEntry e;
    e.valid = s.used;
    e.key = fromWords(s.key);
    e.action = s.action;
    e.params = s.params;
    return e;
}

int64_t ExactTable::findWords(const KeyWords& key) const {
    if (geom_.kind == TableKind::Direct) {
        const uint32_t i = key.empty() ? 0 : key[0];
        return slots_[i].used ? int64_t(i) : -1;
    }
    for (int way = 0; way < 2; ++way) {
        const uint32_t b = bucketOf(way, key);
        for (int s = 0; s < geom_.slots; ++s) {
            const uint32_t i = index(way, s, b);
            if (slots_[i].used && slots_[i].key == key) return i;
        }
    }
    return -1;
}

int64_t ExactTable::find(const BigInt& key) const {
    if (!fitsWidth(key, geom_.keyWidth)) return -1;
    return findWords(toWords(key, geom_.keyWidth));
}

// Breadth-first search for the shortest chain of moves that frees a slot in one of the key's
// buckets; performs it (shadow and writes) and returns the freed slot for the new key.
std::optional<uint32_t> ExactTable::place(const KeyWords& key, CsrWrites& out) {
    if (geom_.kind == TableKind::Direct) return key.empty() ? 0u : key[0];
    struct Node {
        int way;
        uint32_t bucket;
        int parent;    // node index, -1 for the key's own buckets
        uint32_t via;  // entry index in the parent's bucket whose resident moves here
    };
    std::vector<Node> nodes;
    std::unordered_set<uint32_t> seen;
    auto visit = [&](int way, uint32_t bucket, int parent, uint32_t via) {
        const uint32_t id = uint32_t(way) * uint32_t(geom_.buckets()) + bucket;
        if (seen.insert(id).second) nodes.push_back({way, bucket, parent, via});
    };
    visit(0, bucketOf(0, key), -1, 0);
    visit(1, bucketOf(1, key), -1, 0);
    for (size_t n = 0; n < nodes.size() && int(n) < options_.maxSearch; ++n) {
        const Node node = nodes[n];
        for (int s = 0; s < geom_.slots; ++s) {
            const uint32_t i = index(node.way, s, node.bucket);
            if (slots_[i].used) continue;
            // Found a free slot: walk the chain back, each resident moving one step forward.
            uint32_t target = i;
            for (int m = int(n); nodes[m].parent >= 0; m = nodes[m].parent) {
                const uint32_t from = nodes[m].via;
                slots_[target] = slots_[from];
                const HwEntry e = hw(slots_[target]);
                const CsrWrites w = stageAndCommit(geom_, e, target);
                out.insert(out.end(), w.begin(), w.end());
                ++moves_;
                target = from;
            }
            return target;
        }
        for (int s = 0; s < geom_.slots; ++s) {
            const uint32_t i = index(node.way, s, node.bucket);
            const int other = 1 - node.way;
            visit(other, slots_[i].bucket[other], int(n), i);
        }
    }
    return std::nullopt;
}

std::optional<CsrWrites> ExactTable::insert(const BigInt& key, uint32_t action,
                                            const BigInt& params, std::string& error) {
    if (!fitsWidth(key, geom_.keyWidth)) {
        error = "key does not fit in " + std::to_string(geom_.keyWidth) + " bits";
        return std::nullopt;
    }
    if (action >> geom_.actionWidth || !fitsWidth(params, geom_.paramWidth)) {
        error = "action data does not fit the table";
        return std::nullopt;
    }
    const KeyWords words = toWords(key, geom_.keyWidth);
    if (findWords(words) >= 0) {
        error = "duplicate entry: the key is already in the table";
        return std::nullopt;
    }
    CsrWrites out;
    const std::optional<uint32_t> at = place(words, out);
    if (!at) {
        error = "table" + (table_ ? " '" + table_->name + "'" : std::string()) + " is full (" +
                std::to_string(used_) + " of " + std::to_string(geom_.depth) +
                " entries; no cuckoo path within " + std::to_string(options_.maxSearch) +
                " buckets)";
        return std::nullopt;
    }
    Slot& s = slots_[*at];
    s.used = true;
    s.key = words;
    s.action = action;
    s.params = params;
    if (geom_.kind == TableKind::Exact) {
        s.bucket[0] = bucketOf(0, words);
        s.bucket[1] = bucketOf(1, words);
    }
    ++used_;
    const CsrWrites w = stageAndCommit(geom_, hw(s), *at);
    out.insert(out.end(), w.begin(), w.end());
    return out;
}

std::optional<CsrWrites> ExactTable::modify(const BigInt& key, uint32_t action,
                                            const BigInt& params, std::string& error) {
    const int64_t i = find(key);
    if (i < 0) {
        error = "no such entry";
        return std::nullopt;
    }
    if (action >> geom_.actionWidth || !fitsWidth(params, geom_.paramWidth)) {
        error = "action data does not fit the table";
        return std::nullopt;
    }
    slots_[i].action = action;
    slots_[i].params = params;
    return stageAndCommit(geom_, hw(slots_[i]), uint32_t(i));
}

std::optional<CsrWrites> ExactTable::erase(const BigInt& key, std::string& error) {
    const int64_t i = find(key);
    if (i < 0) {
        error = "no such entry";
        return std::nullopt;
    }
    slots_[i].used = false;
    --used_;
    // Only the valid bit matters for a cleared entry.
    return CsrWrites{{TableGeometry::kStgCtrl, 0},
                     {TableGeometry::kCommit, commitWord(CommitOp::Write, uint32_t(i))}};
}

CsrWrites ExactTable::setDefault(uint32_t action, const BigInt& params) const {
    HwEntry e;
    e.action = action;
    e.params = params;
    return stageAndCommit(geom_, e, 0, CommitOp::SetDefault);
}

CsrWrites ExactTable::clear() {
    CsrWrites out;
    for (uint32_t i = 0; i < slots_.size(); ++i) {
        if (!slots_[i].used) continue;
        slots_[i].used = false;
        out.push_back({TableGeometry::kStgCtrl, 0});
        out.push_back({TableGeometry::kCommit, commitWord(CommitOp::Write, i)});
    }
    used_ = 0;
    return out;
}

std::optional<BigInt> ExactTable::concatKey(const ir::Table& table, const Entry& entry,
                                            std::string& error) {
    if (entry.keys.size() != table.keys.size()) {
        error = "entry has " + std::to_string(entry.keys.size()) + " keys, table '" + table.name +
                "' has " + std::to_string(table.keys.size());
        return std::nullopt;
    }
    BigInt key = 0;
    for (size_t i = 0; i < table.keys.size(); ++i) {
        const KeyMatch& m = entry.keys[i];
        const int w = table.keys[i].width;
        if (m.kind != KeyMatch::Kind::Exact) {
            error = "key '" + table.keys[i].name + "' of an exact table needs an exact value";
            return std::nullopt;
        }
        if (!fitsWidth(m.value, w)) {
            error =
                "key '" + table.keys[i].name + "' does not fit in " + std::to_string(w) + " bits";
            return std::nullopt;
        }
        key = (key << w) | m.value;
    }
    return key;
}

#define HOP_NEED_PROGRAM(ret)                                        \
    if (!program_ || !table_) {                                      \
        error = "table built from a geometry takes hardware values"; \
        return ret;                                                  \
    }

std::optional<CsrWrites> ExactTable::add(const Entry& entry, std::string& error) {
    HOP_NEED_PROGRAM(std::nullopt)
    const std::optional<BigInt> key = concatKey(*table_, entry, error);
    if (!key) return std::nullopt;
    BigInt params;
    const std::optional<uint32_t> action =
        encodeAction(*program_, *table_, entry.action, params, error);
    if (!action) return std::nullopt;
    return insert(*key, *action, params, error);
}

std::optional<CsrWrites> ExactTable::modify(const Entry& entry, std::string& error) {
    HOP_NEED_PROGRAM(std::nullopt)
    const std::optional<BigInt> key = concatKey(*table_, entry, error);
    if (!key) return std::nullopt;
    BigInt params;
    const std::optional<uint32_t> action =
        encodeAction(*program_, *table_, entry.action, params, error);
    if (!action) return std::nullopt;
    return modify(*key, *action, params, error);
}

std::optional<CsrWrites> ExactTable::remove(const Entry& entry, std::string& error) {
    HOP_NEED_PROGRAM(std::nullopt)
    const std::optional<BigInt> key = concatKey(*table_, entry, error);
    if (!key) return std::nullopt;
    return erase(*key, error);
}

std::optional<CsrWrites> ExactTable::setDefault(const ir::ActionCall& call, std::string& error) {
    HOP_NEED_PROGRAM(std::nullopt)
    BigInt params;
    const std::optional<uint32_t> action = encodeAction(*program_, *table_, call, params, error);
    if (!action) return std::nullopt;
    default_ = {*action, params};
    return setDefault(*action, params);
}

#undef HOP_NEED_PROGRAM

namespace {

// What a snapshot must have been taken with.
std::vector<uint64_t> fingerprint(const TableGeometry& g) {
    return {static_cast<uint64_t>(g.kind), uint64_t(g.keyWidth), uint64_t(g.actionWidth),
            uint64_t(g.paramWidth),        uint64_t(g.depth),    uint64_t(g.slots)};
}

}  // namespace

void ExactTable::save(SnapshotWriter& out) const {
    const size_t start = out.bytes().size();
    saveUnsealed(out);
    sealSection(out, start);
}

void ExactTable::saveUnsealed(SnapshotWriter& out) const {
    out.tag("EXCT");
    out.seq(fingerprint(geom_));
    out.u64(used_);
    out.u64(moves_);
    out.u8(default_.has_value());
    out.u32(default_ ? default_->first : 0);
    putBigInt(out, default_ ? default_->second : BigInt(0));
    for (uint32_t i = 0; i < slots_.size(); ++i) {
        const Slot& s = slots_[i];
        if (!s.used) continue;
        out.u32(i);
        putBigInt(out, fromWords(s.key));
        out.u32(s.action);
        putBigInt(out, s.params);
    }
}

bool ExactTable::restore(SnapshotReader& in, std::string& error) {
    ExactTable t(geom_, options_);
    t.program_ = program_;
    t.table_ = table_;
    if (in.expect("EXCT") && in.seq<uint64_t>() != fingerprint(geom_) && in.ok())
        in.fail("the snapshot is of a table of another geometry");
    const uint64_t used = in.u64();
    t.moves_ = in.u64();
    const uint8_t hasDefault = in.u8();
    const uint32_t defaultAction = in.u32();
    const BigInt defaultParams = getBigInt(in);
    if (in.ok() && (hasDefault > 1 || used > slots_.size())) in.fail("a damaged header");
    if (hasDefault == 1) t.default_ = {defaultAction, defaultParams};
    for (uint64_t n = 0; n < used && in.ok(); ++n) {
        const uint32_t i = in.u32();
        const BigInt key = getBigInt(in);
        const uint32_t action = in.u32();
        const BigInt params = getBigInt(in);
        if (!in.ok()) break;
        if (i >= t.slots_.size() || t.slots_[i].used || !fitsWidth(key, geom_.keyWidth) ||
            action >> geom_.actionWidth || !fitsWidth(params, geom_.paramWidth)) {
            in.fail("entry " + std::to_string(n) + " does not fit the table");
            break;
        }
        Slot& s = t.slots_[i];
        s.used = true;
        s.key = toWords(key, geom_.keyWidth);
        s.action = action;
        s.params = params;
        // The entry must sit where a lookup looks for its key.
        bool home;
        if (geom_.kind == TableKind::Exact) {
            s.bucket[0] = t.bucketOf(0, s.key);
            s.bucket[1] = t.bucketOf(1, s.key);
            const uint32_t buckets = uint32_t(geom_.buckets());
            const uint32_t way = i / (uint32_t(geom_.slots) * buckets);
            home = way < 2 && s.bucket[way] == i % buckets;
        } else {
            home = (s.key.empty() ? 0u : s.key[0]) == i;
        }
        if (!home || t.findWords(s.key) != int64_t(i)) {
            in.fail("entry " + std::to_string(n) + " is not where its key is looked up");
            break;
        }
    }
    const uint64_t hash = in.u64();
    t.used_ = used;
    if (in.ok() && !sealMatches(hash, [&](SnapshotWriter& again) { t.saveUnsealed(again); }))
        in.fail("the checksum does not match");
    if (!in.ok()) {
        error = "exact table snapshot: " + in.error();
        return false;
    }
    *this = std::move(t);
    return true;
}

}  // namespace hop::tables
