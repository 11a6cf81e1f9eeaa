// SPDX-License-Identifier: Apache-2.0
// The reference interpreter. It follows the IR literally: the parser graph state by state, and
// each control as its ordered list of predicated statements, so that a difference between this
// model and the RTL points at the backend, not at a second reading of the P4 source.
#include "sim/model/model.hpp"

#include <algorithm>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "runtime/tables/logical_table.hpp"

namespace hop::sim {

namespace {

using ir::BigInt;
using tables::Entry;
using tables::KeyMatch;

BigInt ones(int width) { return width <= 0 ? BigInt(0) : (BigInt(1) << width) - 1; }

// The unsigned bit pattern of `v` in `width` bits (v may be negative).
BigInt wrap(const BigInt& v, int width) {
    if (width <= 0) return 0;
    if (v >= 0) return v & ones(width);
    BigInt m = BigInt(1) << width;
    BigInt r = v % m;
    if (r < 0) r += m;
    return r;
}

// The two's complement value of a `width`-bit pattern.
BigInt toSigned(const BigInt& v, int width) {
    if (width > 0 && bit_test(v, width - 1)) return v - (BigInt(1) << width);
    return v;
}

// Arithmetic shift right of a signed value (rounds towards minus infinity, as hardware does).
BigInt shiftRightSigned(const BigInt& v, unsigned n) {
    if (v >= 0) return v >> n;
    return -(((-v) - 1) >> n) - 1;
}

std::string hexString(const BigInt& v) {
    std::ostringstream os;
    os << std::hex << v;
    return "0x" + os.str();
}

std::string number(const BigInt& v) { return v < 10 ? v.str() : hexString(v); }

// A parser error: the parser goes to reject with this error code.
struct ParserReject {
    ir::ErrorCode error;
    std::string detail;
};

// Something the model does not implement; the packet is dropped with the message.
struct Unsupported : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Reads `width` bits starting at bit `offset` (MSB first) of `bytes`.
BigInt readBits(const std::vector<uint8_t>& bytes, size_t offset, int width) {
    BigInt v = 0;
    int left = width;
    size_t pos = offset;
    while (left > 0) {
        const size_t byte = pos / 8;
        const int bitInByte = static_cast<int>(pos % 8);
        const int take = std::min(8 - bitInByte, left);
        const unsigned chunk = (bytes[byte] >> (8 - bitInByte - take)) & ((1u << take) - 1);
        v = (v << take) | chunk;
        left -= take;
        pos += take;
    }
    return v;
}

// Appends bits MSB first.
class BitWriter {
  public:
    void write(const BigInt& value, int width) {
        for (int i = width - 1; i >= 0; --i) {
            if (bits_ % 8 == 0) bytes_.push_back(0);
            if (bit_test(value, i)) bytes_.back() |= static_cast<uint8_t>(0x80 >> (bits_ % 8));
            ++bits_;
        }
    }
    void writeBytes(const uint8_t* data, size_t n) {
        if (bits_ % 8 == 0) {
            bytes_.insert(bytes_.end(), data, data + n);
            bits_ += n * 8;
            return;
        }
        for (size_t i = 0; i < n; ++i) write(data[i], 8);
    }
    size_t bits() const { return bits_; }
    std::vector<uint8_t>& bytes() { return bytes_; }
    void clear() {
        bytes_.clear();
        bits_ = 0;
    }

  private:
    std::vector<uint8_t> bytes_;
    size_t bits_ = 0;
};

// RFC 1071 over the bytes (an odd last byte is padded with a zero byte, as BMv2 does).
uint16_t csum16(const std::vector<uint8_t>& bytes) {
    uint32_t sum = 0;
    for (size_t i = 0; i < bytes.size(); i += 2) {
        uint32_t word = static_cast<uint32_t>(bytes[i]) << 8;
        if (i + 1 < bytes.size()) word |= bytes[i + 1];
        sum += word;
        sum = (sum & 0xffff) + (sum >> 16);
    }
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(~sum & 0xffff);
}

uint16_t xor16(const std::vector<uint8_t>& bytes) {
    uint16_t x = 0;
    for (size_t i = 0; i < bytes.size(); i += 2) {
        uint16_t word = static_cast<uint16_t>(bytes[i] << 8);
        if (i + 1 < bytes.size()) word |= bytes[i + 1];
        x ^= word;
    }
    return x;
}

struct TableState {
    std::optional<tables::LogicalTable> runtime;  // runtime entries and the default action
    std::vector<Entry> constEntries;              // `const entries`, in program order
    bool constByPriority = false;                 // const entries carry explicit priorities
    bool largestPriorityWins = true;              // the `largest_priority_wins` property
    int lpmKey = -1;                              // the LPM key of an exact+LPM table
};

struct Lookup {
    bool hit = false;
    const Entry* entry = nullptr;
    int handle = -1;  // -1 for const entries
    ir::ActionCall action;
};

}  // namespace

struct Model::Impl {
    ir::Program p;
    std::vector<TableState> tables;
    uint32_t cpuPort = 0;

    // Standard metadata fields (-1 when the program lacks them).
    ir::FieldId fIngressPort = -1, fEgressSpec = -1, fEgressPort = -1, fPacketLength = -1,
                fParserError = -1, fChecksumError = -1, fMcastGrp = -1, fInstanceType = -1;
    ir::ErrorCode errPacketTooShort = -1, errNoMatch = -1, errParserTimeout = -1;

    // Per-packet state, kept between packets so that the BigInts keep their storage.
    std::vector<BigInt> phv;
    std::vector<uint8_t> valid;    // per header id
    std::vector<int> varbitBits;   // per field: extracted length of a varbit field, -1 if fixed
    std::vector<int8_t> tableHit;  // per table: -1 not applied, 0 miss, 1 hit
    std::vector<int> tableAction;  // per table: the action run, -1 when not applied
    const std::vector<uint8_t>* input = nullptr;
    size_t cursor = 0;  // parser position in bits
    bool tracing = false;
    std::vector<TraceEvent>* trace = nullptr;
    bool egressSpecByMark = false;  // last write to egress_spec was mark_to_drop
    // Which action called mark_to_drop, for the trace; pointers, so that untraced packets
    // build no strings.
    const ir::Action* dropAction = nullptr;
    const ir::Table* dropTable = nullptr;
    const ir::Action* currentAction = nullptr;
    const ir::Table* currentTable = nullptr;
    std::vector<std::vector<BigInt>> keyScratch;  // per table: the lookup key
    ir::FieldId exitFlag = -1;                    // of the running control
    bool exited = false;                          // an `exit` ran in the running control
    BitWriter scratch;

    explicit Impl(const ir::Program& program) : p(program) {
        auto field = [&](const char* name) { return p.findField(name); };
        fIngressPort = field("standard_metadata.ingress_port");
        fEgressSpec = field("standard_metadata.egress_spec");
        fEgressPort = field("standard_metadata.egress_port");
        fPacketLength = field("standard_metadata.packet_length");
        fParserError = field("standard_metadata.parser_error");
        fChecksumError = field("standard_metadata.checksum_error");
        fMcastGrp = field("standard_metadata.mcast_grp");
        fInstanceType = field("standard_metadata.instance_type");
        auto error = [&](const char* name) {
            for (size_t i = 0; i < p.errors.size(); ++i)
                if (p.errors[i] == name) return static_cast<ir::ErrorCode>(i);
            return -1;
        };
        errPacketTooShort = error("PacketTooShort");
        errNoMatch = error("NoMatch");
        errParserTimeout = error("ParserTimeout");
        normalizeProgramMatches();
        phv.assign(p.fields.size(), BigInt(0));
        valid.assign(p.headers.size(), 0);
        varbitBits.assign(p.fields.size(), -1);
        tableHit.assign(p.tables.size(), -1);
        tableAction.assign(p.tables.size(), -1);
        keyScratch.resize(p.tables.size());
        resetTables();
    }

    // Lpm matches of the program (select cases, const entries) get their mask from the key
    // width, which only the context knows.
    void normalizeProgramMatches() {
        auto fix = [](ir::Match& m, int width) {
            if (m.kind == ir::Match::Kind::Lpm) {
                m.mask = ones(width) ^ ones(width - m.prefixLen);
                m.value &= m.mask;
            } else if (m.kind == ir::Match::Kind::Ternary) {
                m.value &= m.mask;
            }
        };
        for (auto& st : p.parser.states)
            for (auto& c : st.cases)
                for (size_t i = 0; i < c.keys.size() && i < st.selectKeys.size(); ++i)
                    fix(c.keys[i], st.selectKeys[i]->width);
        for (auto& t : p.tables)
            for (auto& e : t.entries)
                for (size_t i = 0; i < e.keys.size() && i < t.keys.size(); ++i)
                    fix(e.keys[i], t.keys[i].width);
    }

    void resetTables() {
        tables.clear();
        tables.resize(p.tables.size());
        for (size_t ti = 0; ti < p.tables.size(); ++ti) {
            const ir::Table& t = p.tables[ti];
            TableState& s = tables[ti];
            s.runtime.emplace(p, static_cast<ir::TableId>(ti));
            for (size_t k = 0; k < t.keys.size(); ++k)
                if (t.keys[k].matchKind == ir::MatchKind::Lpm) s.lpmKey = static_cast<int>(k);
            for (const auto& [name, value] : t.properties)
                if (name == "largest_priority_wins" && value == "false")
                    s.largestPriorityWins = false;
            if (!t.entriesConst) {
                // The compiler has checked the program's entries against the table.
                std::string ignored;
                s.runtime->addInitial(ignored);
                continue;
            }
            for (const ir::TableEntry& te : t.entries) {
                Entry e;
                e.table = static_cast<ir::TableId>(ti);
                e.keys = te.keys;
                e.action = te.action;
                if (te.priority) {
                    e.priority = static_cast<int64_t>(*te.priority);
                    s.constByPriority = true;
                }
                s.constEntries.push_back(std::move(e));
            }
        }
    }

    // --- trace ---------------------------------------------------------------------------

    void note(TraceEvent::Kind kind, std::string text) {
        if (tracing) trace->push_back({kind, std::move(text)});
    }

    std::string headerValues(ir::HeaderId h) const {
        std::string out;
        const ir::Header& hd = p.headers[h];
        for (ir::FieldId f : hd.fields) {
            const std::string& full = p.fields[f].name;
            std::string local = full.substr(full.rfind('.') + 1);
            if (!out.empty()) out += " ";
            out += local + "=" + number(phv[f]);
        }
        return out;
    }

    std::string callText(const ir::ActionCall& c) const {
        if (c.action < 0) return "<none>";
        const ir::Action& a = p.actions[c.action];
        std::string out = a.name + "(";
        for (size_t i = 0; i < c.args.size(); ++i) {
            if (i) out += ", ";
            if (i < a.params.size()) out += a.params[i].name + "=";
            out += number(c.args[i]);
        }
        return out + ")";
    }

    std::string errorName(ir::ErrorCode e) const {
        if (e >= 0 && e < static_cast<int>(p.errors.size())) return p.errors[e];
        return std::to_string(e);
    }

    // --- expressions ---------------------------------------------------------------------

    BigInt eval(const ir::ExprPtr& e, const std::vector<BigInt>* args) {
        switch (e->kind) {
            case ir::ExprKind::Constant:
                return e->value;
            case ir::ExprKind::Field:
                return phv[e->index];
            case ir::ExprKind::Valid:
                return valid[e->index] ? 1 : 0;
            case ir::ExprKind::Param:
                if (!args || e->index < 0 || e->index >= static_cast<int>(args->size()))
                    throw Unsupported("action parameter outside of an action");
                return (*args)[e->index];
            case ir::ExprKind::Unary:
                return unaryOp(*e, args);
            case ir::ExprKind::Binary:
                return binaryOp(*e, args);
            case ir::ExprKind::Ternary:
                return eval(e->args[0], args) != 0 ? eval(e->args[1], args)
                                                   : eval(e->args[2], args);
            case ir::ExprKind::Slice:
                return (eval(e->args[0], args) >> e->lo) & ones(e->hi - e->lo + 1);
            case ir::ExprKind::Cast:
                return castOp(*e, args);
            case ir::ExprKind::TableHit:
                return tableHit[e->index] == 1 ? 1 : 0;
            case ir::ExprKind::ActionRun:
                return tableAction[e->index] == e->action ? 1 : 0;
            case ir::ExprKind::Lookahead: {
                if (!input) throw Unsupported("lookahead outside of the parser");
                if (cursor + e->width > input->size() * 8)
                    throw ParserReject{errPacketTooShort,
                                       "lookahead of " + std::to_string(e->width) + " bits"};
                return readBits(*input, cursor, e->width);
            }
        }
        throw Unsupported("unknown expression kind");
    }

    BigInt unaryOp(const ir::Expr& e, const std::vector<BigInt>* args) {
        BigInt v = eval(e.args[0], args);
        switch (e.unaryOp) {
            case ir::UnaryOp::LNot:
                return v == 0 ? 1 : 0;
            case ir::UnaryOp::BitNot:
                return ones(e.width) ^ v;
            case ir::UnaryOp::Neg:
                return wrap(-v, e.width);
        }
        throw Unsupported("unknown unary operator");
    }

    BigInt castOp(const ir::Expr& e, const std::vector<BigInt>* args) {
        const ir::ExprPtr& a = e.args[0];
        BigInt v = eval(a, args);
        if (a->isBool) return v != 0 ? 1 : 0;
        if (e.isBool) return v != 0 ? 1 : 0;
        // Widening extends by the source's signedness; narrowing keeps the low bits.
        if (a->isSigned && e.width > a->width) return wrap(toSigned(v, a->width), e.width);
        return wrap(v, e.width);
    }

    BigInt binaryOp(const ir::Expr& e, const std::vector<BigInt>* args) {
        using Op = ir::BinaryOp;
        const ir::ExprPtr& l = e.args[0];
        const ir::ExprPtr& r = e.args[1];
        if (e.binaryOp == Op::LAnd) return eval(l, args) != 0 && eval(r, args) != 0 ? 1 : 0;
        if (e.binaryOp == Op::LOr) return eval(l, args) != 0 || eval(r, args) != 0 ? 1 : 0;
        BigInt a = eval(l, args);
        BigInt b = eval(r, args);
        const int w = e.width;
        const bool sgn = l->isSigned;
        auto sa = [&]() { return sgn ? toSigned(a, l->width) : a; };
        auto sb = [&]() { return r->isSigned ? toSigned(b, r->width) : b; };
        switch (e.binaryOp) {
            case Op::Add:
                return wrap(a + b, w);
            case Op::Sub:
                return wrap(a - b, w);
            case Op::Mul:
                return wrap(a * b, w);
            case Op::Div:
            case Op::Mod: {
                BigInt x = sa(), y = sb();
                if (y == 0) return 0;  // undefined in P4; BMv2 gives 0 too
                // cpp_int truncates towards zero, as C does.
                return wrap(e.binaryOp == Op::Div ? BigInt(x / y) : BigInt(x % y), w);
            }
            case Op::AddSat:
            case Op::SubSat: {
                BigInt x = sa(), y = sgn ? toSigned(b, r->width) : b;
                BigInt v = e.binaryOp == Op::AddSat ? BigInt(x + y) : BigInt(x - y);
                BigInt lo = sgn ? BigInt(-(BigInt(1) << (w - 1))) : BigInt(0);
                BigInt hi = sgn ? BigInt((BigInt(1) << (w - 1)) - 1) : ones(w);
                if (v < lo) v = lo;
                if (v > hi) v = hi;
                return wrap(v, w);
            }
            case Op::Shl:
                if (b >= w) return 0;
                return wrap(a << static_cast<unsigned>(b), w);
            case Op::Shr:
                if (sgn) {
                    BigInt x = toSigned(a, w);
                    if (b >= w) return x < 0 ? ones(w) : BigInt(0);
                    return wrap(shiftRightSigned(x, static_cast<unsigned>(b)), w);
                }
                if (b >= w) return 0;
                return a >> static_cast<unsigned>(b);
            case Op::Eq:
                return a == b ? 1 : 0;
            case Op::Ne:
                return a != b ? 1 : 0;
            case Op::Lt:
                return sa() < sb() ? 1 : 0;
            case Op::Le:
                return sa() <= sb() ? 1 : 0;
            case Op::Gt:
                return sa() > sb() ? 1 : 0;
            case Op::Ge:
                return sa() >= sb() ? 1 : 0;
            case Op::BitAnd:
                return a & b;
            case Op::BitOr:
                return a | b;
            case Op::BitXor:
                return a ^ b;
            case Op::Concat:
                return (a << r->width) | b;
            default:
                break;
        }
        throw Unsupported(std::string("operator ") + ir::toString(e.binaryOp));
    }

    // --- statements ----------------------------------------------------------------------

    void assign(const ir::ExprPtr& dst, const BigInt& value) {
        if (dst->kind == ir::ExprKind::Field) {
            const ir::FieldId f = dst->index;
            phv[f] = wrap(value, p.fields[f].width);
            if (f == fEgressSpec) egressSpecByMark = false;
            return;
        }
        if (dst->kind == ir::ExprKind::Slice && dst->args[0]->kind == ir::ExprKind::Field) {
            const ir::FieldId f = dst->args[0]->index;
            const int n = dst->hi - dst->lo + 1;
            const BigInt mask = ones(n) << dst->lo;
            phv[f] = (phv[f] & (ones(p.fields[f].width) ^ mask)) | ((value & ones(n)) << dst->lo);
            if (f == fEgressSpec) egressSpecByMark = false;
            return;
        }
        throw Unsupported("assignment to something other than a field or a slice of one");
    }

    void exec(const ir::Stmt& s, const std::vector<BigInt>* args) {
        if (s.pred && eval(s.pred, args) == 0) return;
        switch (s.kind) {
            case ir::StmtKind::Assign:
                assign(s.dst, eval(s.src, args));
                return;
            case ir::StmtKind::SetValid:
                valid[s.header] = 1;
                return;
            case ir::StmtKind::SetInvalid:
                valid[s.header] = 0;
                return;
            case ir::StmtKind::MarkToDrop:
                if (fEgressSpec >= 0) phv[fEgressSpec] = kDropPort;
                if (fMcastGrp >= 0) phv[fMcastGrp] = 0;
                egressSpecByMark = true;
                dropAction = currentAction;
                dropTable = currentTable;
                return;
            case ir::StmtKind::Exit:
                if (exitFlag >= 0) phv[exitFlag] = 1;
                exited = true;
                return;
            case ir::StmtKind::ApplyTable:
                applyTable(s.table);
                return;
            case ir::StmtKind::Extract:
                extract(s, args);
                return;
            case ir::StmtKind::Advance: {
                BigInt n = eval(s.src, args);
                if (cursor + n > input->size() * 8)
                    throw ParserReject{errPacketTooShort, "advance by " + n.str() + " bits"};
                cursor += static_cast<size_t>(n);
                return;
            }
            case ir::StmtKind::Verify:
                if (eval(s.src, args) == 0) throw ParserReject{s.error, "verify failed"};
                return;
            case ir::StmtKind::Count:
                throw Unsupported("counters");
            case ir::StmtKind::RegRead:
            case ir::StmtKind::RegWrite:
                throw Unsupported("registers");
            case ir::StmtKind::MeterExec:
                throw Unsupported("meters");
        }
        throw Unsupported("unknown statement kind");
    }

    void extract(const ir::Stmt& s, const std::vector<BigInt>* args) {
        const ir::Header& h = p.headers[s.header];
        int varbitLen = -1;
        int fixedBits = h.width;
        // The IR gives a varbit field its maximum width; a header holds at most one, and P4
        // programs put it last, which is what the model assumes.
        if (s.length) {
            BigInt n = eval(s.length, args);
            const ir::Field& last = p.fields[h.fields.back()];
            if (n > last.width)
                throw ParserReject{
                    errorCode("HeaderTooShort"),
                    "varbit length " + n.str() + " above " + std::to_string(last.width)};
            varbitLen = static_cast<int>(n);
            fixedBits = h.width - last.width + varbitLen;
        }
        const size_t total = input->size() * 8;
        if (cursor + fixedBits > total)
            throw ParserReject{errPacketTooShort, "extract " + h.name + " needs " +
                                                      std::to_string(fixedBits) + " bits at bit " +
                                                      std::to_string(cursor) + ", packet has " +
                                                      std::to_string(total)};
        const size_t start = cursor;
        for (size_t i = 0; i < h.fields.size(); ++i) {
            const ir::FieldId f = h.fields[i];
            int w = p.fields[f].width;
            if (varbitLen >= 0 && i + 1 == h.fields.size()) {
                w = varbitLen;
                varbitBits[f] = varbitLen;
            }
            phv[f] = readBits(*input, cursor, w);
            cursor += w;
        }
        valid[s.header] = 1;
        if (tracing)
            note(TraceEvent::Kind::Extract, "extract " + h.name + " (" +
                                                std::to_string((cursor - start) / 8) +
                                                " bytes at byte " + std::to_string(start / 8) +
                                                "): " + headerValues(s.header));
    }

    ir::ErrorCode errorCode(const std::string& name) const {
        for (size_t i = 0; i < p.errors.size(); ++i)
            if (p.errors[i] == name) return static_cast<ir::ErrorCode>(i);
        return -1;
    }

    // --- tables --------------------------------------------------------------------------

    Lookup lookup(ir::TableId tid, const std::vector<BigInt>& key) {
        TableState& s = tables[tid];
        Lookup r;
        auto all = [&](const Entry& e) {
            for (size_t i = 0; i < e.keys.size(); ++i)
                if (!tables::matches(e.keys[i], key[i])) return false;
            return true;
        };
        // Const entries: the earliest match, or the best explicit priority (earliest on ties).
        const Entry* best = nullptr;
        for (const Entry& e : s.constEntries) {
            if (!all(e)) continue;
            if (!s.constByPriority) {
                best = &e;
                break;
            }
            const int64_t pe = e.priority.value_or(0);
            if (!best) {
                best = &e;
            } else {
                const int64_t pb = best->priority.value_or(0);
                if (s.largestPriorityWins ? pe > pb : pe < pb) best = &e;
            }
        }
        if (best) {
            r.hit = true;
            r.entry = best;
            r.action = best->action;
            return r;
        }
        const tables::LogicalTable& rt = *s.runtime;
        const bool priorityTable = rt.priorityTable();
        const tables::LogicalTable::Slot* found = nullptr;
        for (const auto& se : rt) {
            if (!all(se.entry)) continue;
            if (!found) {
                found = &se;
                if (!priorityTable && s.lpmKey < 0) break;  // exact: at most one match
                continue;
            }
            if (priorityTable) {
                if (se.entry.priority.value_or(0) > found->entry.priority.value_or(0)) found = &se;
            } else if (se.entry.keys[s.lpmKey].prefixLen > found->entry.keys[s.lpmKey].prefixLen) {
                found = &se;
            }
        }
        if (found) {
            r.hit = true;
            r.entry = &found->entry;
            r.handle = found->handle;
            r.action = found->entry.action;
            return r;
        }
        r.action = rt.defaultAction();
        return r;
    }

    void applyTable(ir::TableId tid) {
        const ir::Table& t = p.tables[tid];
        std::vector<BigInt>& key = keyScratch[tid];
        key.resize(t.keys.size());
        for (size_t i = 0; i < t.keys.size(); ++i) key[i] = eval(t.keys[i].expr, nullptr);
        Lookup r = lookup(tid, key);
        tableHit[tid] = r.hit ? 1 : 0;
        tableAction[tid] = r.action.action;
        if (tracing) {
            std::string text = "table " + t.name + ": key";
            if (t.keys.empty()) text += " (none)";
            for (size_t i = 0; i < t.keys.size(); ++i)
                text += " " + t.keys[i].name + "=" + number(key[i]);
            if (r.hit) {
                text += " -> hit";
                text += r.handle >= 0 ? " entry " + std::to_string(r.handle) : " const entry";
                text += " [" + tables::formatEntry(p, *r.entry) + "]";
            } else {
                text += " -> miss, default action";
            }
            note(TraceEvent::Kind::Table, text);
            note(TraceEvent::Kind::Action, "action " + callText(r.action));
        }
        runAction(r.action, &t);
    }

    void runAction(const ir::ActionCall& call, const ir::Table* table) {
        if (call.action < 0) return;
        const ir::Action& a = p.actions[call.action];
        const ir::Action* savedAction = currentAction;
        const ir::Table* savedTable = currentTable;
        currentAction = &a;
        currentTable = table;
        for (const auto& s : a.body) exec(s, &call.args);
        currentAction = savedAction;
        currentTable = savedTable;
    }

    std::string dropContext() const {
        if (!dropAction) return "in the control body";
        return "by action " + dropAction->name +
               (dropTable ? " of table " + dropTable->name : std::string());
    }

    // --- blocks --------------------------------------------------------------------------

    void runParser() {
        ir::StateId state = p.parser.states.empty() ? ir::kAccept : 0;
        int steps = 0;
        try {
            while (state >= 0) {
                if (++steps > 100000)
                    throw ParserReject{errParserTimeout, "too many parser states"};
                const ir::ParserState& st = p.parser.states[state];
                note(TraceEvent::Kind::State, "parser state " + st.name);
                for (const auto& s : st.stmts) exec(s, nullptr);
                state = select(st);
            }
            if (state == ir::kReject) {
                // An explicit `transition reject` leaves parser_error as it is (NoError).
                note(TraceEvent::Kind::Note, "parser: reject");
            } else {
                note(TraceEvent::Kind::Note,
                     "parser: accept after " + std::to_string(cursor / 8) + " bytes");
            }
        } catch (const ParserReject& r) {
            if (fParserError >= 0 && r.error >= 0) phv[fParserError] = r.error;
            note(TraceEvent::Kind::Note, "parser: reject with error." + errorName(r.error) + " (" +
                                             r.detail + "); ingress still runs (v1model)");
        }
    }

    ir::StateId select(const ir::ParserState& st) {
        if (st.selectKeys.empty()) return st.cases.empty() ? ir::kReject : st.cases[0].next;
        std::vector<BigInt> key;
        for (const auto& k : st.selectKeys) key.push_back(eval(k, nullptr));
        for (const auto& c : st.cases) {
            bool ok = true;
            for (size_t i = 0; i < c.keys.size() && ok; ++i)
                ok = tables::matches(c.keys[i], key[i]);
            if (!ok) continue;
            if (tracing) note(TraceEvent::Kind::Select, selectText(st, key, &c));
            return c.next;
        }
        if (tracing) note(TraceEvent::Kind::Select, selectText(st, key, nullptr));
        throw ParserReject{errNoMatch, "no select case matched"};
    }

    std::string stateName(ir::StateId id) const {
        if (id == ir::kAccept) return "accept";
        if (id == ir::kReject) return "reject";
        return p.parser.states[id].name;
    }

    std::string selectText(const ir::ParserState& st, const std::vector<BigInt>& key,
                           const ir::SelectCase* c) const {
        std::string out = "select (";
        for (size_t i = 0; i < key.size(); ++i) out += (i ? ", " : "") + number(key[i]);
        out += ")";
        if (!c) return out + " -> no case matched";
        bool isDefault = true;
        std::string keys;
        for (size_t i = 0; i < c->keys.size(); ++i) {
            isDefault = isDefault && c->keys[i].kind == ir::Match::Kind::DontCare;
            keys += (i ? ", " : "") + tables::formatMatch(c->keys[i]);
        }
        return out + " -> case " + (isDefault ? "default" : keys) + " -> " + stateName(c->next);
    }

    const std::vector<uint8_t>& checksumBytes(const ir::ChecksumUnit& c, size_t payloadStart,
                                              const std::vector<uint8_t>* payload) {
        scratch.clear();
        for (const auto& d : c.data) scratch.write(eval(d, nullptr), d->width);
        if (c.withPayload && payload && payloadStart < payload->size())
            scratch.writeBytes(payload->data() + payloadStart, payload->size() - payloadStart);
        return scratch.bytes();
    }

    BigInt checksum(const ir::ChecksumUnit& c, size_t payloadStart,
                    const std::vector<uint8_t>* payload) {
        const auto& bytes = checksumBytes(c, payloadStart, payload);
        switch (c.algorithm) {
            case ir::ChecksumAlgorithm::Csum16:
                return csum16(bytes);
            case ir::ChecksumAlgorithm::Xor16:
                return xor16(bytes);
            case ir::ChecksumAlgorithm::Identity: {
                BigInt v = 0;
                for (uint8_t b : bytes) v = (v << 8) | b;
                return v;
            }
            default:
                throw Unsupported(std::string("checksum algorithm ") + ir::toString(c.algorithm));
        }
    }

    void verifyChecksums(size_t payloadStart) {
        for (const auto& c : p.verifyChecksums) {
            if (c.condition && eval(c.condition, nullptr) == 0) continue;
            const int w = c.checksum->width;
            BigInt computed = wrap(checksum(c, payloadStart, input), w);
            BigInt actual = eval(c.checksum, nullptr);
            const std::string what =
                "verify_checksum of " + (c.checksum->kind == ir::ExprKind::Field
                                             ? p.fields[c.checksum->index].name
                                             : std::string("checksum"));
            if (computed == actual) {
                note(TraceEvent::Kind::Checksum, what + ": ok (" + number(actual) + ")");
            } else {
                if (fChecksumError >= 0) phv[fChecksumError] = 1;
                note(TraceEvent::Kind::Checksum, what + ": MISMATCH, packet has " + number(actual) +
                                                     ", computed " + number(computed) +
                                                     " -> standard_metadata.checksum_error = 1");
            }
        }
    }

    void updateChecksums(const std::vector<uint8_t>& payload, size_t payloadStart) {
        for (const auto& c : p.updateChecksums) {
            if (c.condition && eval(c.condition, nullptr) == 0) continue;
            BigInt v = wrap(checksum(c, payloadStart, &payload), c.checksum->width);
            assign(c.checksum, v);
            if (tracing && c.checksum->kind == ir::ExprKind::Field)
                note(TraceEvent::Kind::Checksum,
                     "update_checksum " + p.fields[c.checksum->index].name + " = " + number(v));
        }
    }

    void runControl(const ir::Control& c) {
        exitFlag = c.exitFlag;
        exited = false;
        for (const auto& s : c.stmts) {
            exec(s, nullptr);
            // `exit` ends the control. The lowering also guards later statements with the exit
            // flag; stopping here keeps the model right even where a guard is missing, so the
            // RTL (which relies on the guards) is checked against P4, not against the lowering.
            if (exited) {
                note(TraceEvent::Kind::Note, "exit: the rest of " + c.name + " is skipped");
                break;
            }
        }
        exitFlag = -1;
        exited = false;
    }

    void resetPacketState() {
        for (auto& v : phv) v = 0;
        std::fill(valid.begin(), valid.end(), 0);
        std::fill(varbitBits.begin(), varbitBits.end(), -1);
        std::fill(tableHit.begin(), tableHit.end(), -1);
        std::fill(tableAction.begin(), tableAction.end(), -1);
        // Metadata and temporaries are always valid; only packet headers have a validity bit.
        for (size_t h = 0; h < p.headers.size(); ++h)
            if (p.headers[h].kind != ir::Header::Kind::Packet) valid[h] = 1;
        cursor = 0;
        egressSpecByMark = false;
        dropAction = nullptr;
        dropTable = nullptr;
        currentAction = nullptr;
        currentTable = nullptr;
        exitFlag = -1;
    }

    uint32_t egressSpec() const {
        return fEgressSpec >= 0 ? static_cast<uint32_t>(phv[fEgressSpec]) : 0;
    }

    Result process(const Packet& packet, bool traceOn) {
        Result result;
        tracing = traceOn;
        trace = &result.trace;
        resetPacketState();
        input = &packet.bytes;
        if (fIngressPort >= 0) phv[fIngressPort] = wrap(packet.port, p.fields[fIngressPort].width);
        if (fPacketLength >= 0) phv[fPacketLength] = packet.bytes.size();
        if (fInstanceType >= 0) phv[fInstanceType] = 0;
        note(TraceEvent::Kind::Note, "packet in on port " + std::to_string(packet.port) + " (" +
                                         std::to_string(packet.bytes.size()) + " bytes)");
        try {
            runParser();
            // The payload is what the parser did not consume.
            const size_t payloadStart = std::min((cursor + 7) / 8, packet.bytes.size());
            verifyChecksums(payloadStart);
            input = nullptr;

            runControl(p.ingress);
            if (egressSpec() == kDropPort) {
                result.decision.kind = Decision::Kind::Drop;
                result.decision.egressPort = kDropPort;
                result.decision.reason =
                    egressSpecByMark ? "mark_to_drop in ingress" : "egress_spec 511";
                note(TraceEvent::Kind::Drop,
                     "drop after ingress: " + result.decision.reason +
                         (egressSpecByMark ? " (" + dropContext() + ")" : std::string()));
                finish();
                return result;
            }
            if (fEgressPort >= 0) phv[fEgressPort] = egressSpec();
            egressSpecByMark = false;
            runControl(p.egress);
            // simple_switch drops a packet whose egress_spec is 511 after egress as well.
            if (egressSpec() == kDropPort) {
                result.decision.kind = Decision::Kind::Drop;
                result.decision.egressPort = kDropPort;
                result.decision.reason =
                    egressSpecByMark ? "mark_to_drop in egress" : "egress_spec 511 in egress";
                note(TraceEvent::Kind::Drop,
                     "drop after egress: " + result.decision.reason +
                         (egressSpecByMark ? " (" + dropContext() + ")" : std::string()));
                finish();
                return result;
            }
            updateChecksums(packet.bytes, payloadStart);
            const uint32_t port =
                fEgressPort >= 0 ? static_cast<uint32_t>(phv[fEgressPort]) : egressSpec();
            Packet out;
            out.port = port;
            ir::HeaderId first = deparse(packet.bytes, payloadStart, out.bytes);
            result.decision.egressPort = port;
            if (out.bytes.empty()) {
                // No header emitted and every byte consumed: there is no frame to send (the
                // hardware's deparser drops it too).
                result.decision.kind = Decision::Kind::Drop;
                result.decision.egressPort = kDropPort;
                result.decision.reason = "nothing to send (no header emitted, no payload)";
                note(TraceEvent::Kind::Drop, result.decision.reason);
                finish();
                return result;
            }
            if (first >= 0 && p.headers[first].controllerHeader == "packet_in") {
                result.decision.kind = Decision::Kind::Punt;
                for (ir::FieldId f : p.headers[first].fields) {
                    const std::string& n = p.fields[f].name;
                    if (n.size() >= 7 && n.compare(n.size() - 7, 7, ".reason") == 0)
                        result.decision.reason = phv[f].str();
                }
            } else if (cpuPort != 0 && port == cpuPort) {
                result.decision.kind = Decision::Kind::Punt;
            }
            if (result.decision.kind == Decision::Kind::Punt) {
                note(TraceEvent::Kind::Note,
                     "punt to the CPU on port " + std::to_string(port) +
                         (result.decision.reason.empty() ? std::string()
                                                         : ", reason " + result.decision.reason) +
                         " (" + std::to_string(out.bytes.size()) + " bytes)");
            } else {
                note(TraceEvent::Kind::Note, "forward to port " + std::to_string(port) + " (" +
                                                 std::to_string(out.bytes.size()) + " bytes)");
            }
            result.outputs.push_back(std::move(out));
        } catch (const Unsupported& e) {
            std::vector<TraceEvent> events = std::move(result.trace);
            result = Result{};
            result.trace = std::move(events);
            result.error = std::string("not supported by the model: ") + e.what();
            result.decision.kind = Decision::Kind::Drop;
            result.decision.egressPort = kDropPort;
            result.decision.reason = "model error: " + result.error;
            note(TraceEvent::Kind::Drop, result.decision.reason);
        }
        finish();
        return result;
    }

    void finish() {
        input = nullptr;
        trace = nullptr;
        tracing = false;
    }

    // Emits the valid headers in order, then the unparsed payload; returns the first emitted
    // header (or -1).
    ir::HeaderId deparse(const std::vector<uint8_t>& in, size_t payloadStart,
                         std::vector<uint8_t>& out) {
        BitWriter w;
        ir::HeaderId first = -1;
        std::string emitted;
        for (ir::HeaderId h : p.deparser) {
            if (!valid[h]) continue;
            if (first < 0) first = h;
            for (ir::FieldId f : p.headers[h].fields) {
                const int width = varbitBits[f] >= 0 ? varbitBits[f] : p.fields[f].width;
                w.write(phv[f], width);
            }
            emitted += (emitted.empty() ? "" : ", ") + p.headers[h].name;
        }
        if (w.bits() % 8 != 0)
            throw Unsupported("emitted headers that are not a whole number of bytes");
        if (payloadStart < in.size())
            w.writeBytes(in.data() + payloadStart, in.size() - payloadStart);
        if (tracing)
            note(TraceEvent::Kind::Note,
                 "deparser: emit " + (emitted.empty() ? std::string("nothing") : emitted) + " + " +
                     std::to_string(in.size() - payloadStart) + " payload bytes");
        out = std::move(w.bytes());
        return first;
    }

    // --- table state ---------------------------------------------------------------------

    bool apply(const tables::Command& cmd, std::string& error, int* handleOut) {
        const ir::TableId tid = cmd.entry.table;
        if (tid < 0 || tid >= static_cast<int>(p.tables.size())) {
            error = "unknown table id " + std::to_string(tid);
            return false;
        }
        return tables[tid].runtime->apply(cmd, error, handleOut);
    }
};

Model::Model(const ir::Program& program) : impl_(std::make_unique<Impl>(program)) {
    impl_->cpuPort = findCpuPort(program);
}

uint32_t findCpuPort(const ir::Program& program) {
    ir::HeaderId packetOut = -1;
    for (const auto& c : program.controllerHeaders) {
        if (c.name == "packet_out") packetOut = c.instance;
    }
    const ir::FieldId ingress = program.findField("standard_metadata.ingress_port");
    if (packetOut < 0 || ingress < 0) return 0;
    const auto& states = program.parser.states;
    for (const auto& state : states) {
        if (state.selectKeys.size() != 1 || !state.selectKeys[0]) continue;
        const auto& key = *state.selectKeys[0];
        if (key.kind != ir::ExprKind::Field || key.index != ingress) continue;
        for (const auto& c : state.cases) {
            if (c.keys.size() != 1 || c.keys[0].kind != ir::Match::Kind::Exact || c.next < 0 ||
                c.next >= static_cast<int>(states.size())) {
                continue;
            }
            for (const auto& s : states[c.next].stmts) {
                if (s.kind == ir::StmtKind::Extract && s.header == packetOut) {
                    return static_cast<uint32_t>(c.keys[0].value);
                }
            }
        }
    }
    return 0;
}

Model::~Model() = default;

const ir::Program& Model::program() const { return impl_->p; }

bool Model::apply(const tables::Command& command, std::string& error, int* handle) {
    return impl_->apply(command, error, handle);
}

void Model::clear() { impl_->resetTables(); }

std::vector<InstalledEntry> Model::entries(ir::TableId table) const {
    std::vector<InstalledEntry> out;
    if (table < 0 || table >= static_cast<int>(impl_->tables.size())) return out;
    const tables::LogicalTable& rt = *impl_->tables[table].runtime;
    out.reserve(rt.size());
    for (const auto& se : rt) out.push_back({se.handle, se.entry});
    return out;
}

ir::ActionCall Model::defaultAction(ir::TableId table) const {
    if (table < 0 || table >= static_cast<int>(impl_->tables.size())) return {};
    return impl_->tables[table].runtime->defaultAction();
}

Result Model::process(const Packet& packet, bool trace) { return impl_->process(packet, trace); }

void Model::setCpuPort(uint32_t port) { impl_->cpuPort = port; }
uint32_t Model::cpuPort() const { return impl_->cpuPort; }

}  // namespace hop::sim
