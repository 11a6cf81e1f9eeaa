// SPDX-License-Identifier: Apache-2.0
// The reference interpreter: v1model's stateful externs, as BMv2 simple_switch implements them.
//   register  read/write of cells of any width, initially 0. An index past the end: a read
//             leaves its destination as it was, a write does nothing (simple_switch's
//             register_read / register_write primitives check the bound and only log).
//   counter   count(i) adds 1 packet and the packet's received length in bytes (BMv2's
//             get_ingress_length(), in ingress and egress alike) to cell i; both values always
//             count, 64 bits each; past the end: nothing.
//   direct_counter  counts in the same way, per table entry, whenever the table hits (BMv2
//             updates it in the lookup, whether or not an action calls count(); a miss, the
//             default action, counts nothing). A new entry starts at 0.
//   meter     execute_meter(i, colour): two-rate three-colour marking per RFC 2698, colour-blind,
//             as BMv2's Meter::execute: the peak bucket first (short of tokens: RED, 2, and the
//             committed bucket is left alone), then the committed one (short: YELLOW, 1), else
//             GREEN, 0. Tokens are earned from time 0 as floor(us * rate) and capped at the burst;
//             a packets meter takes 1 token, a bytes meter the received length. A meter whose
//             rates were never set marks GREEN. Past the end: the destination is left as it was.
//   direct_meter  executed when its table hits, before the action; read(colour) in the action
//             gives that colour (on a miss the destination is left as it was).
// Time is Packet::timeNs on the simulated clock, in whole microseconds as BMv2 counts them.
// Rates are kept as the hardware keeps them (rtl/hop_meter.sv): unsigned Q32.32 units per
// microsecond, the rate set rounded to the nearest multiple of 2^-32 (BMv2 keeps a double);
// tokens earned are floor(us * rateQ32 / 2^32), exact. The one difference from BMv2: a rate
// that is not a multiple of 2^-32 units/us (about 0.00023 units per second) is rounded, and
// rates of 2^32 units/us or more are refused.
#include <cmath>

#include "runtime/tables/externs.hpp"
#include "sim/model/model_impl.hpp"

namespace hop::sim {

namespace {

using XK = ir::ExternObject::Kind;

bool isCounter(const ir::ExternObject& x) {
    return x.kind == XK::Counter || x.kind == XK::DirectCounter;
}
bool isMeter(const ir::ExternObject& x) { return x.kind == XK::Meter || x.kind == XK::DirectMeter; }
bool isDirect(const ir::ExternObject& x) {
    return x.kind == XK::DirectCounter || x.kind == XK::DirectMeter;
}

const char* kindName(const ir::ExternObject& x) {
    switch (x.kind) {
        case XK::Counter:
            return "counter";
        case XK::DirectCounter:
            return "direct_counter";
        case XK::Meter:
            return "meter";
        case XK::DirectMeter:
            return "direct_meter";
        case XK::Register:
            return "register";
    }
    return "extern";
}

const char* unitName(const ir::ExternObject& x) {
    switch (x.unit) {
        case ir::ExternObject::Unit::Packets:
            return "packets";
        case ir::ExternObject::Unit::Bytes:
            return "bytes";
        case ir::ExternObject::Unit::Both:
            return "packets_and_bytes";
    }
    return "";
}

void addPacket(CounterValue& c, uint64_t length) {
    c.packets += 1;
    c.bytes += length;
}

// Rates in Q32.32 (see the header comment).
constexpr int kRateFractionBits = 32;

std::string rateText(const MeterRate& r) {
    std::ostringstream os;
    os << r.perMicrosecond << ":" << r.burst;
    return os.str();
}

// Back to the order BMv2's control plane uses: committed, then peak.
// The cell a meter marks `index` with: its own, else the array's (meter_array_set_rates), else
// none (GREEN, no rates).
const MeterCell* meterCell(const ExternState& st, uint64_t index) {
    const auto it = st.meters.find(index);
    return it != st.meters.end() ? &it->second : st.arrayRates ? &*st.arrayRates : nullptr;
}

std::vector<MeterRate> ratesOf(const MeterCell& cell) {
    std::vector<MeterRate> out;
    if (!cell.configured) return out;
    for (auto it = cell.buckets.rbegin(); it != cell.buckets.rend(); ++it)
        out.push_back({it->perMicrosecond, it->burst});
    return out;
}

}  // namespace

void Model::Impl::resetExterns() {
    externs.clear();
    externs.resize(p.externs.size());
}

bool Model::Impl::checkIndex(int ext, uint64_t index, std::string& error) const {
    const ir::ExternObject& x = p.externs[ext];
    if (!isDirect(x)) {
        if (index < static_cast<uint64_t>(std::max<int64_t>(x.size, 0))) return true;
        error = kindName(x) + std::string(" ") + x.name + ": index " + std::to_string(index) +
                " is out of range (size " + std::to_string(x.size) + ")";
        return false;
    }
    const TableState& t = tables[x.table];
    const bool known = t.constEntries.empty() ? index <= static_cast<uint64_t>(INT32_MAX) &&
                                                    t.runtime->contains(static_cast<int>(index))
                                              : index < t.constEntries.size();
    if (known) return true;
    error = kindName(x) + std::string(" ") + x.name + " of table " + p.tables[x.table].name +
            ": the table has no entry with handle " + std::to_string(index);
    return false;
}

MeterCell* Model::Impl::meterCell(int ext, uint64_t key) {
    ExternState& st = externs[ext];
    auto it = st.meters.find(key);
    if (it != st.meters.end()) return &it->second;
    if (!st.arrayRates) return nullptr;
    return &st.meters.emplace(key, *st.arrayRates).first->second;
}

unsigned Model::Impl::executeMeter(const ir::ExternObject& x, MeterCell& cell) {
    if (!cell.configured) return 0;
    const uint64_t input = x.unit == ir::ExternObject::Unit::Bytes ? ingressLength : 1;
    for (MeterCell::Bucket& b : cell.buckets) {
        const auto earned = static_cast<uint64_t>(
            (static_cast<unsigned __int128>(nowUs) * b.rateQ32) >> kRateFractionBits);
        // BMv2 asserts its clock never goes back; here an earlier time earns nothing.
        const uint64_t fresh = earned > b.tokensLast ? earned - b.tokensLast : 0;
        b.tokensLast = std::max(b.tokensLast, earned);
        b.tokens = fresh >= b.burst - std::min(b.tokens, b.burst) ? b.burst : b.tokens + fresh;
        if (b.tokens < input) return b.colour;
        b.tokens -= input;
    }
    return 0;
}

void Model::Impl::execExtern(const ir::Stmt& s, const std::vector<BigInt>* args) {
    const ir::ExternObject& x = p.externs[s.object];
    ExternState& st = externs[s.object];
    // A direct counter counts at its table's hit (tableHitExterns); its count() adds nothing.
    if (s.kind == ir::StmtKind::Count && x.kind == XK::DirectCounter) return;
    if (s.kind == ir::StmtKind::MeterExec && x.kind == XK::DirectMeter) {
        const int colour = x.table >= 0 ? directColour[x.table] : -1;
        if (colour >= 0) assign(s.dst, colour);
        return;
    }
    const BigInt at = eval(s.src, args);
    const bool inRange = at < x.size;
    const uint64_t index = inRange ? static_cast<uint64_t>(at) : 0;
    if (!inRange) {
        if (tracing)
            note(TraceEvent::Kind::Note, std::string(kindName(x)) + " " + x.name + ": index " +
                                             at.str() + " is out of range (size " +
                                             std::to_string(x.size) + "): nothing done");
        return;
    }
    switch (s.kind) {
        case ir::StmtKind::Count:
            addPacket(st.counters[index], ingressLength);
            if (tracing)
                note(TraceEvent::Kind::Note, "counter " + x.name + "[" + std::to_string(index) +
                                                 "] += 1 packet, " + std::to_string(ingressLength) +
                                                 " bytes");
            return;
        case ir::StmtKind::RegRead: {
            auto it = st.registers.find(index);
            const BigInt value = it == st.registers.end() ? BigInt(0) : it->second;
            assign(s.dst, value);
            if (tracing)
                note(TraceEvent::Kind::Note, "register " + x.name + "[" + std::to_string(index) +
                                                 "] read " + number(value));
            return;
        }
        case ir::StmtKind::RegWrite: {
            const BigInt value = wrap(eval(s.src2, args), x.width);
            if (value == 0)
                st.registers.erase(index);
            else
                st.registers[index] = value;
            if (tracing)
                note(TraceEvent::Kind::Note,
                     "register " + x.name + "[" + std::to_string(index) + "] = " + number(value));
            return;
        }
        case ir::StmtKind::MeterExec: {
            MeterCell* cell = meterCell(s.object, index);
            const unsigned colour = cell ? executeMeter(x, *cell) : 0;
            assign(s.dst, colour);
            if (tracing)
                note(TraceEvent::Kind::Note, "meter " + x.name + "[" + std::to_string(index) +
                                                 "]: colour " + std::to_string(colour) +
                                                 (cell ? "" : " (rates not set)"));
            return;
        }
        default:
            throw Unsupported("unknown extern statement");
    }
}

void Model::Impl::tableHitExterns(ir::TableId tid, const Lookup& r) {
    directColour[tid] = -1;
    if (!r.hit) return;
    const uint64_t key = static_cast<uint64_t>(r.handle >= 0 ? r.handle : r.constIndex);
    for (int d : p.tables[tid].directExterns) {
        const ir::ExternObject& x = p.externs[d];
        if (x.kind == XK::DirectCounter) {
            addPacket(externs[d].counters[key], ingressLength);
        } else if (x.kind == XK::DirectMeter) {
            MeterCell* cell = meterCell(d, key);
            directColour[tid] = cell ? static_cast<int>(executeMeter(x, *cell)) : 0;
            if (tracing)
                note(TraceEvent::Kind::Note, "direct meter " + x.name + ", entry " +
                                                 std::to_string(key) + ": colour " +
                                                 std::to_string(directColour[tid]));
        }
    }
}

// A new entry starts with its direct counters at 0 and its direct meters unconfigured; a
// deleted one takes its state with it.
void Model::Impl::entryChanged(const tables::Command& cmd, int handle) {
    using Kind = tables::Command::Kind;
    const ir::Table& t = p.tables[cmd.entry.table];
    for (int d : t.directExterns) {
        ExternState& st = externs[d];
        if (cmd.kind == Kind::Clear) {
            st.counters.clear();
            st.meters.clear();
        } else if ((cmd.kind == Kind::Add || cmd.kind == Kind::Delete) && handle >= 0) {
            st.counters.erase(static_cast<uint64_t>(handle));
            st.meters.erase(static_cast<uint64_t>(handle));
        }
    }
}

// --- control-plane access

int Model::findExtern(const std::string& name, std::string& error) const {
    return findExternByName(impl_->p, name, error);
}

int findExternByName(const ir::Program& program, const std::string& name, std::string& error) {
    std::vector<std::string> names;
    for (const auto& x : program.externs) names.push_back(x.name);
    std::vector<std::string> ambiguous;
    const int i = tables::resolveName(names, name, &ambiguous);
    if (i == -2) {
        error = "'" + name + "' is ambiguous:";
        for (const auto& a : ambiguous) error += " " + a;
    } else if (i < 0) {
        error = "the program has no counter, meter or register named '" + name + "'";
    }
    return i;
}

namespace {

bool expectKind(const ir::ExternObject& x, bool ok, const char* wanted, std::string& error) {
    if (!ok) error = x.name + " is a " + kindName(x) + ", not a " + wanted;
    return ok;
}

}  // namespace

bool Model::readCounter(int ext, uint64_t index, CounterValue& value, std::string& error) const {
    const ir::ExternObject& x = impl_->p.externs.at(ext);
    if (!expectKind(x, isCounter(x), "counter", error) || !impl_->checkIndex(ext, index, error))
        return false;
    const auto& cells = impl_->externs[ext].counters;
    auto it = cells.find(index);
    value = it == cells.end() ? CounterValue{} : it->second;
    return true;
}

bool Model::writeCounter(int ext, uint64_t index, const CounterValue& value, std::string& error) {
    const ir::ExternObject& x = impl_->p.externs.at(ext);
    if (!expectKind(x, isCounter(x), "counter", error) || !impl_->checkIndex(ext, index, error))
        return false;
    impl_->externs[ext].counters[index] = value;
    return true;
}

bool Model::resetCounters(int ext, std::string& error) {
    const ir::ExternObject& x = impl_->p.externs.at(ext);
    if (!expectKind(x, isCounter(x), "counter", error)) return false;
    impl_->externs[ext].counters.clear();
    return true;
}

bool Model::readRegister(int ext, uint64_t index, ir::BigInt& value, std::string& error) const {
    const ir::ExternObject& x = impl_->p.externs.at(ext);
    if (!expectKind(x, x.kind == XK::Register, "register", error) ||
        !impl_->checkIndex(ext, index, error))
        return false;
    const auto& cells = impl_->externs[ext].registers;
    auto it = cells.find(index);
    value = it == cells.end() ? ir::BigInt(0) : it->second;
    return true;
}

bool Model::writeRegister(int ext, uint64_t index, const ir::BigInt& value, std::string& error) {
    const ir::ExternObject& x = impl_->p.externs.at(ext);
    if (!expectKind(x, x.kind == XK::Register, "register", error) ||
        !impl_->checkIndex(ext, index, error))
        return false;
    if (value < 0 || value > ones(x.width)) {
        error = "register " + x.name + ": " + value.str() + " does not fit in its " +
                std::to_string(x.width) + " bits";
        return false;
    }
    auto& cells = impl_->externs[ext].registers;
    if (value == 0)
        cells.erase(index);
    else
        cells[index] = value;
    return true;
}

bool Model::resetRegisters(int ext, std::string& error) {
    const ir::ExternObject& x = impl_->p.externs.at(ext);
    if (!expectKind(x, x.kind == XK::Register, "register", error)) return false;
    impl_->externs[ext].registers.clear();
    return true;
}

bool Model::setMeterRates(int ext, std::optional<uint64_t> index,
                          const std::vector<MeterRate>& rates, std::string& error) {
    const ir::ExternObject& x = impl_->p.externs.at(ext);
    if (!expectKind(x, isMeter(x), "meter", error)) return false;
    if (index && !impl_->checkIndex(ext, *index, error)) return false;
    // The rules every target shares (runtime/tables/externs.hpp).
    std::vector<tables::MeterRate> checked;
    for (const MeterRate& r : rates) checked.push_back({r.perMicrosecond, r.burst});
    if (!tables::checkMeterRates(x, !index, checked, error)) return false;
    MeterCell cell;
    cell.configured = true;
    for (size_t i = rates.size(); i-- > 0;) {
        MeterCell::Bucket b;
        b.rateQ32 = tables::meterRateQ32(rates[i].perMicrosecond);
        b.perMicrosecond = tables::meterRateOfQ32(b.rateQ32);
        b.burst = rates[i].burst;
        b.tokens = rates[i].burst;
        b.colour = static_cast<unsigned>(i + 1);
        cell.buckets.push_back(b);
    }
    ExternState& st = impl_->externs[ext];
    if (index) {
        st.meters[*index] = cell;
    } else {
        st.meters.clear();
        st.arrayRates = cell;
    }
    return true;
}

bool Model::meterRates(int ext, uint64_t index, std::vector<MeterRate>& rates,
                       std::string& error) const {
    const ir::ExternObject& x = impl_->p.externs.at(ext);
    if (!expectKind(x, isMeter(x), "meter", error) || !impl_->checkIndex(ext, index, error))
        return false;
    rates.clear();
    if (const MeterCell* cell = meterCell(impl_->externs[ext], index)) rates = ratesOf(*cell);
    return true;
}

bool Model::meterState(int ext, uint64_t index, std::vector<MeterBucketState>& buckets,
                       std::string& error) const {
    const ir::ExternObject& x = impl_->p.externs.at(ext);
    if (!expectKind(x, isMeter(x), "meter", error) || !impl_->checkIndex(ext, index, error))
        return false;
    const MeterCell* cell = meterCell(impl_->externs[ext], index);
    buckets.clear();
    if (cell && cell->configured)
        for (const MeterCell::Bucket& b : cell->buckets)
            buckets.push_back({b.tokens, b.tokensLast});
    return true;
}

// One header line per extern (`register NAME bit<W> x SIZE`, `counter NAME packets x SIZE`,
// `direct_counter NAME bytes table T`, ...), then one indented line per cell that is not in its
// initial state, by index or entry handle: `[3] 42` (registers, decimal), `[3] packets=2
// bytes=128` (the values the counter's type names), `[3] 0.5:4 1:8` (meter rates, committed
// then peak; `[*]` for rates set on the whole array).
std::string externHeading(const ir::Program& p, int ext) {
    const ir::ExternObject& x = p.externs.at(ext);
    std::ostringstream os;
    os << kindName(x) << " " << x.name;
    if (x.kind == XK::Register)
        os << " bit<" << x.width << ">";
    else
        os << " " << unitName(x);
    if (isDirect(x))
        os << " table " << p.tables[x.table].name;
    else
        os << " x " << x.size;
    os << "\n";
    return os.str();
}

std::string counterCellLine(const ir::ExternObject& x, uint64_t index, const CounterValue& c) {
    if (c.packets == 0 && c.bytes == 0) return "";
    std::string out = "  [" + std::to_string(index) + "]";
    if (x.unit != ir::ExternObject::Unit::Bytes) out += " packets=" + std::to_string(c.packets);
    if (x.unit != ir::ExternObject::Unit::Packets) out += " bytes=" + std::to_string(c.bytes);
    return out + "\n";
}

std::string Model::dumpState() const {
    std::ostringstream os;
    const ir::Program& p = impl_->p;
    for (size_t i = 0; i < p.externs.size(); ++i) {
        const ir::ExternObject& x = p.externs[i];
        const ExternState& st = impl_->externs[i];
        os << externHeading(p, static_cast<int>(i));
        for (const auto& [index, value] : st.registers)
            os << "  [" << index << "] " << value << "\n";
        for (const auto& [index, c] : st.counters) os << counterCellLine(x, index, c);
        auto rates = [&](const MeterCell& cell) {
            std::string text;
            for (const MeterRate& r : ratesOf(cell)) text += " " + rateText(r);
            return text;
        };
        // Cells that took the array's rates when first executed are not listed again.
        const std::string arrayRates = st.arrayRates ? rates(*st.arrayRates) : "";
        if (st.arrayRates) os << "  [*]" << arrayRates << "\n";
        for (const auto& [index, cell] : st.meters)
            if (cell.configured && rates(cell) != arrayRates)
                os << "  [" << index << "]" << rates(cell) << "\n";
    }
    return os.str();
}

}  // namespace hop::sim
