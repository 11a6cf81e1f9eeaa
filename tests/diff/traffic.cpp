// SPDX-License-Identifier: Apache-2.0
#include "tests/diff/traffic.hpp"

#include <algorithm>
#include <set>

namespace hop::difftest {

namespace {

BigInt ones(int width) { return (BigInt(1) << width) - 1; }

bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

Traffic::Traffic(const ir::Program& program, uint64_t seed, TrafficMix mix)
    : p_(program), rng_(seed), mix_(mix) {}

BigInt Traffic::randomBits(int width) {
    BigInt v = 0;
    for (int i = 0; i < width; i += 64) v = (v << 64) | BigInt(rng_());
    return v & ones(width);
}

// Per width: a few fixed values (0, all ones, small numbers for narrow fields such as ports)
// and three random ones, drawn once per generator.
BigInt Traffic::poolValue(int width) {
    auto& pool = pools_[width];
    if (pool.empty()) {
        if (width <= 9) {
            for (uint32_t p = 0; p < std::min<uint32_t>(mix_.ports, 1u << width); ++p)
                pool.push_back(p);
            if (width == 9) pool.push_back(510);
        } else {
            pool.push_back(0);
            pool.push_back(ones(width));
            for (int i = 0; i < 3; ++i) pool.push_back(randomBits(width));
            pool.push_back(1);
        }
    }
    return pool[rng_() % pool.size()];
}

std::vector<uint8_t> Traffic::serialize(const std::vector<ir::HeaderId>& order,
                                        const std::map<ir::FieldId, BigInt>& values) const {
    std::vector<uint8_t> out;
    uint64_t acc = 0;
    int bits = 0;
    for (ir::HeaderId h : order)
        for (ir::FieldId f : p_.headers[h].fields) {
            const int w = p_.fields[f].width;
            const BigInt& v = values.at(f);
            for (int b = w - 1; b >= 0; --b) {
                acc = (acc << 1) | static_cast<uint64_t>((v >> b) & 1);
                if (++bits == 8) {
                    out.push_back(static_cast<uint8_t>(acc));
                    acc = 0;
                    bits = 0;
                }
            }
        }
    if (bits) out.push_back(static_cast<uint8_t>(acc << (8 - bits)));
    return out;
}

// A case with don't-care keys (`default`, `_`) is taken only when no case before it matches:
// its don't-care keys that are extracted fields get random values until none does (a few
// tries; else the parse takes the earlier case, a path of its own). Without this a default
// after `5: accept` would almost never be taken for the IHL the frames are made with.
void Traffic::takeDontCares(const ir::ParserState& st, size_t chosen,
                            std::map<ir::FieldId, BigInt>& values) {
    const ir::SelectCase& c = st.cases[chosen];
    std::vector<size_t> free;
    for (size_t k = 0; k < c.keys.size() && k < st.selectKeys.size(); ++k) {
        const ir::ExprPtr& key = st.selectKeys[k];
        if (c.keys[k].kind == ir::Match::Kind::DontCare && key &&
            key->kind == ir::ExprKind::Field && values.count(key->index))
            free.push_back(k);
    }
    if (free.empty()) return;
    // Whether case `sc` matches the values (a key that is not an extracted field: unknown,
    // taken as matching, so the loop tries other values).
    auto matches = [&](const ir::SelectCase& sc) {
        for (size_t k = 0; k < sc.keys.size() && k < st.selectKeys.size(); ++k) {
            const ir::Match& m = sc.keys[k];
            if (m.kind == ir::Match::Kind::DontCare) continue;
            const ir::ExprPtr& key = st.selectKeys[k];
            if (!key || key->kind != ir::ExprKind::Field || !values.count(key->index)) continue;
            const BigInt& v = values[key->index];
            bool hit = false;
            switch (m.kind) {
                case ir::Match::Kind::Exact:
                    hit = v == m.value;
                    break;
                case ir::Match::Kind::Ternary:
                case ir::Match::Kind::Lpm:
                    hit = (v & m.mask) == (m.value & m.mask);
                    break;
                case ir::Match::Kind::Range:
                    hit = v >= m.value && v <= m.high;
                    break;
                case ir::Match::Kind::DontCare:
                    hit = true;
                    break;
            }
            if (!hit) return false;
        }
        return true;
    };
    for (int tries = 0; tries < 16; ++tries) {
        bool earlier = false;
        for (size_t j = 0; j < chosen && !earlier; ++j) earlier = matches(st.cases[j]);
        if (!earlier) return;
        for (size_t k : free) {
            const ir::ExprPtr& key = st.selectKeys[k];
            values[key->index] = randomBits(key->width);
        }
    }
}

sim::Packet Traffic::packet() {
    std::uniform_real_distribution<double> u(0, 1);
    sim::Packet pkt;
    pkt.port = static_cast<uint32_t>(rng_() % mix_.ports);
    if (u(rng_) < mix_.random) {
        pkt.bytes.resize(1 + rng_() % 300);
        for (auto& b : pkt.bytes) b = static_cast<uint8_t>(rng_());
        return pkt;
    }
    const bool badLengths = u(rng_) < mix_.badLengths;
    std::map<ir::FieldId, BigInt> values;
    std::vector<ir::HeaderId> order;
    const ir::FieldId ingressPort = p_.findField("standard_metadata.ingress_port");
    // Extracts into each stack's `.next` so far: which element the next one fills, and which
    // element a select key reading `stack.last` names.
    std::map<ir::FieldId, size_t> nextIndex;
    ir::StateId s = p_.parser.states.empty() ? ir::kAccept : 0;
    for (int depth = 0; depth < 24 && s >= 0; ++depth) {
        const ir::ParserState& st = p_.parser.states[s];
        bool stackFull = false;  // the parser rejects here (StackOutOfBounds): the rest is payload
        for (const ir::Stmt& stmt : st.stmts) {
            if (stmt.kind != ir::StmtKind::Extract || stmt.length) continue;
            ir::HeaderId h = stmt.header;
            if (stmt.stack >= 0) {
                size_t& n = nextIndex[p_.stacks[stmt.stack].nextIndex];
                if (n >= p_.stacks[stmt.stack].size()) {
                    stackFull = true;
                    break;
                }
                h = p_.nextTarget(stmt, n++);
            }
            if (std::find(order.begin(), order.end(), h) != order.end()) continue;
            order.push_back(h);
            for (ir::FieldId f : p_.headers[h].fields) {
                const ir::Field& fd = p_.fields[f];
                BigInt v = u(rng_) < 0.7 ? poolValue(fd.width) : randomBits(fd.width);
                if (!badLengths && fd.width == 4 && endsWith(fd.name, ".version")) v = 4;
                if (!badLengths && fd.width == 4 && endsWith(fd.name, ".ihl")) v = 5;
                if (endsWith(fd.name, ".ttl")) v = rng_() % 8 ? 2 + rng_() % 100 : rng_() % 2;
                values[f] = v;
            }
        }
        if (st.cases.empty() || stackFull) break;
        const size_t chosen = rng_() % st.cases.size();
        const ir::SelectCase& c = st.cases[chosen];
        for (size_t k = 0; k < c.keys.size() && k < st.selectKeys.size(); ++k) {
            ir::ExprPtr key = st.selectKeys[k];
            // `stack.last.f`: one field per element, chosen by the stack's nextIndex.
            while (key && key->kind == ir::ExprKind::Ternary) {
                const ir::ExprPtr& cond = key->args[0];
                if (cond->kind != ir::ExprKind::Binary || cond->binaryOp != ir::BinaryOp::Eq ||
                    cond->args[0]->kind != ir::ExprKind::Field ||
                    cond->args[1]->kind != ir::ExprKind::Constant ||
                    !nextIndex.count(cond->args[0]->index)) {
                    key = nullptr;
                    break;
                }
                key = cond->args[1]->value == nextIndex[cond->args[0]->index] ? key->args[1]
                                                                              : key->args[2];
            }
            if (!key || key->kind != ir::ExprKind::Field) continue;
            const ir::Match& m = c.keys[k];
            BigInt v;
            switch (m.kind) {
                case ir::Match::Kind::Exact:
                    v = m.value;
                    break;
                case ir::Match::Kind::Ternary:
                case ir::Match::Kind::Lpm:
                    v = (randomBits(key->width) & ~m.mask & ones(key->width)) | (m.value & m.mask);
                    break;
                case ir::Match::Kind::Range:
                    v = m.value;
                    break;
                case ir::Match::Kind::DontCare:
                    continue;
            }
            if (key->index == ingressPort)
                pkt.port = static_cast<uint32_t>(v);
            else if (values.count(key->index))
                values[key->index] = v;
        }
        takeDontCares(st, chosen, values);
        s = c.next;
    }
    // Payload.
    std::vector<uint8_t> payload(rng_() % (mix_.maxPayload + 1));
    for (auto& b : payload) b = static_cast<uint8_t>(rng_());
    // Length fields: bytes from the start of their header to the end of the frame.
    if (!badLengths) {
        int before = 0;
        int total = static_cast<int>(payload.size());
        for (ir::HeaderId h : order) total += p_.headers[h].width / 8;
        for (ir::HeaderId h : order) {
            for (ir::FieldId f : p_.headers[h].fields) {
                const ir::Field& fd = p_.fields[f];
                if (fd.width == 16 &&
                    (endsWith(fd.name, ".totalLen") || endsWith(fd.name, ".totalLength") ||
                     endsWith(fd.name, ".total_len")))
                    values[f] = total - before;
            }
            before += p_.headers[h].width / 8;
        }
    }
    // csum16 checksums the program verifies, over fields of extracted headers.
    for (const ir::ChecksumUnit& cu : p_.verifyChecksums) {
        if (cu.algorithm != ir::ChecksumAlgorithm::Csum16 || cu.withPayload || !cu.checksum ||
            cu.checksum->kind != ir::ExprKind::Field || !values.count(cu.checksum->index))
            continue;
        if (u(rng_) < mix_.badChecksum) continue;
        BigInt bits = 0;
        int n = 0;
        bool ok = true;
        for (const ir::ExprPtr& d : cu.data) {
            if (!d || d->kind != ir::ExprKind::Field || !values.count(d->index)) {
                ok = false;
                break;
            }
            bits = (bits << d->width) | values[d->index];
            n += d->width;
        }
        if (!ok || n % 16) continue;
        uint32_t sum = 0;
        for (int i = n - 16; i >= 0; i -= 16) sum += static_cast<uint32_t>((bits >> i) & 0xffff);
        while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
        values[cu.checksum->index] = (~sum) & 0xffff;
    }
    pkt.bytes = serialize(order, values);
    pkt.bytes.insert(pkt.bytes.end(), payload.begin(), payload.end());
    if (pkt.bytes.empty()) pkt.bytes.push_back(static_cast<uint8_t>(rng_()));
    const double d = u(rng_);
    if (d < mix_.runt)
        pkt.bytes.resize(1 + rng_() % 13);
    else if (d < mix_.runt + mix_.truncated)
        pkt.bytes.resize(1 + rng_() % pkt.bytes.size());
    return pkt;
}

std::vector<tables::Command> Traffic::tableCommands(int perTable) {
    std::vector<tables::Command> out;
    for (ir::TableId t = 0; t < static_cast<ir::TableId>(p_.tables.size()); ++t) {
        const ir::Table& table = p_.tables[t];
        if (table.entriesConst || table.keys.empty()) continue;
        std::vector<ir::ActionRef> entryActions, defaultActions;
        for (const auto& a : table.actions) {
            if (a.scope != ir::ActionRef::Scope::DefaultOnly) entryActions.push_back(a);
            if (a.scope != ir::ActionRef::Scope::TableOnly) defaultActions.push_back(a);
        }
        auto call = [&](const std::vector<ir::ActionRef>& from) {
            ir::ActionCall c;
            c.action = from[rng_() % from.size()].action;
            for (const auto& prm : p_.actions[c.action].params)
                c.args.push_back(poolValue(prm.width));
            return c;
        };
        const int n = static_cast<int>(std::min<int64_t>(perTable, table.size));
        for (int i = 0; i < n && !entryActions.empty(); ++i) {
            tables::Command cmd;
            cmd.kind = tables::Command::Kind::Add;
            cmd.entry.table = t;
            for (const ir::TableKey& k : table.keys) {
                ir::Match m;
                const int w = k.width;
                switch (k.matchKind) {
                    case ir::MatchKind::Exact:
                        m.kind = ir::Match::Kind::Exact;
                        m.value = rng_() % 4 ? poolValue(w) : randomBits(w);
                        break;
                    case ir::MatchKind::Lpm: {
                        m.kind = ir::Match::Kind::Lpm;
                        // Prefixes of w/4..w bits (a default route now and then), so
                        // random addresses miss.
                        m.prefixLen = rng_() % 50 == 0
                                          ? 0
                                          : w / 4 + static_cast<int>(rng_() % (w - w / 4 + 1));
                        m.mask =
                            m.prefixLen == 0 ? BigInt(0) : ones(m.prefixLen) << (w - m.prefixLen);
                        m.value = poolValue(w) & m.mask;
                        break;
                    }
                    case ir::MatchKind::Ternary: {
                        const int kind = static_cast<int>(rng_() % 4);
                        m.mask = kind == 0   ? ones(w)
                                 : kind == 1 ? ones(w) ^ ones(w / 2)
                                 : kind == 2 ? randomBits(w)
                                             : BigInt(0);
                        if (m.mask == 0) {
                            m.kind = ir::Match::Kind::DontCare;
                        } else {
                            m.kind = ir::Match::Kind::Ternary;
                            m.value = poolValue(w) & m.mask;
                        }
                        break;
                    }
                    case ir::MatchKind::Range: {
                        m.kind = ir::Match::Kind::Range;
                        m.value = poolValue(w);
                        m.high = std::min<BigInt>(ones(w), m.value + BigInt(rng_() % 1000));
                        break;
                    }
                    case ir::MatchKind::Optional:
                        if (rng_() % 2) {
                            m.kind = ir::Match::Kind::Exact;
                            m.value = poolValue(w);
                        } else {
                            m.kind = ir::Match::Kind::DontCare;
                        }
                        break;
                    default:
                        m.kind = ir::Match::Kind::DontCare;
                        break;
                }
                cmd.entry.keys.push_back(m);
            }
            if (tables::needsPriority(table)) cmd.entry.priority = 1 + rng_() % 1000;
            cmd.entry.action = call(entryActions);
            out.push_back(std::move(cmd));
        }
        if (!table.defaultActionIsConst && !defaultActions.empty() && rng_() % 2) {
            tables::Command cmd;
            cmd.kind = tables::Command::Kind::SetDefault;
            cmd.entry.table = t;
            cmd.entry.action = call(defaultActions);
            out.push_back(std::move(cmd));
        }
    }
    std::shuffle(out.begin(), out.end(), rng_);
    return out;
}

}  // namespace hop::difftest
