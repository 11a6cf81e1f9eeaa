// SPDX-License-Identifier: Apache-2.0
// The reference interpreter. It follows the IR literally: the parser graph state by state, and
// each control as its ordered list of predicated statements, so that a difference between this
// model and the RTL points at the backend, not at a second reading of the P4 source.
#include "ir/passes.hpp"
#include "sim/model/model_impl.hpp"

namespace hop::sim {

Model::Impl::Impl(const ir::Program& program) : p(program) {
    if (const ir::Stmt* s = ir::findStructured(p))
        throw std::logic_error(ir::unexpandedError(*s, "the model"));
    auto field = [&](const char* name) { return p.findField(name); };
    fIngressPort = field("standard_metadata.ingress_port");
    fEgressSpec = field("standard_metadata.egress_spec");
    fEgressPort = field("standard_metadata.egress_port");
    fPacketLength = field("standard_metadata.packet_length");
    fParserError = field("standard_metadata.parser_error");
    fChecksumError = field("standard_metadata.checksum_error");
    fMcastGrp = field("standard_metadata.mcast_grp");
    fInstanceType = field("standard_metadata.instance_type");
    fPacketSeq = field(ir::kPacketSeqField);
    fTruncate = field(ir::kTruncateField);
    fTruncateLength = field(ir::kTruncateLengthField);
    fIngressTimestamp = field("standard_metadata.ingress_global_timestamp");
    fEgressTimestamp = field("standard_metadata.egress_global_timestamp");
    fDigestId = field(ir::kDigestIdField);
    fEgressRid = field("standard_metadata.egress_rid");
    fClone = field(ir::kCloneField);
    fCloneSession = field(ir::kCloneSessionField);
    fCloneList = field(ir::kCloneListField);
    fResubmit = field(ir::kResubmitField);
    fRecirculate = field(ir::kRecirculateField);
    fPriority = field("standard_metadata.priority");
    fEnqTimestamp = field("standard_metadata.enq_timestamp");
    fEnqQdepth = field("standard_metadata.enq_qdepth");
    fDeqTimedelta = field("standard_metadata.deq_timedelta");
    fDeqQdepth = field("standard_metadata.deq_qdepth");
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
    directColour.assign(p.tables.size(), -1);
    resetTables();
    resetExterns();
}

// Lpm matches of the program (select cases, const entries) get their mask from the key
// width, which only the context knows.
void Model::Impl::normalizeProgramMatches() {
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

void Model::Impl::note(TraceEvent::Kind kind, std::string text) {
    if (tracing) trace->push_back({kind, std::move(text)});
}

std::string Model::Impl::headerValues(ir::HeaderId h) const {
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

std::string Model::Impl::callText(const ir::ActionCall& c) const {
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

std::string Model::Impl::errorName(ir::ErrorCode e) const {
    if (e >= 0 && e < static_cast<int>(p.errors.size())) return p.errors[e];
    return std::to_string(e);
}

void Model::Impl::runControl(const ir::Control& c) {
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

void Model::Impl::resetPacketState() {
    for (auto& v : phv) v = 0;
    std::fill(valid.begin(), valid.end(), 0);
    std::fill(varbitBits.begin(), varbitBits.end(), -1);
    std::fill(tableHit.begin(), tableHit.end(), -1);
    std::fill(tableAction.begin(), tableAction.end(), -1);
    std::fill(directColour.begin(), directColour.end(), -1);
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

uint32_t Model::Impl::egressSpec() const {
    return fEgressSpec >= 0 ? static_cast<uint32_t>(phv[fEgressSpec]) : 0;
}

Result Model::Impl::process(const Packet& packet, bool traceOn) {
    Result result;
    tracing = traceOn;
    trace = &result.trace;
    nowUs = packet.timeNs / 1000;
    sentOutput = decided = false;
    guarded(result, [&] { runPasses(packet, result); });
    ++packetSeq;
    finish();
    return result;
}

// Runs `passes`: what the model cannot run, or an assert()/assume() that failed, ends the
// packet with its error.
void Model::Impl::guarded(Result& result, const std::function<void()>& passes) {
    try {
        passes();
    } catch (const Unsupported& e) {
        failPacket(result, std::string("not supported by the model: ") + e.what());
    } catch (const CheckFailed& e) {
        failPacket(result, e.what());
    }
}

// After ingress: the digest of the packet's last digest call, if any (ir.hpp's Digest).
void Model::Impl::takeDigest(Result& result) {
    if (fDigestId < 0 || phv[fDigestId] == 0) return;
    DigestMessage m;
    m.digest = static_cast<int>(phv[fDigestId]) - 1;
    for (const auto& f : p.digests.at(m.digest).fields) m.values.push_back(phv[f.field]);
    note(TraceEvent::Kind::Note, "digest " + digestLine(p, m));
    result.digests.push_back(std::move(m));
}

std::string digestLine(const ir::Program& program, const DigestMessage& d) {
    const ir::Digest& dg = program.digests.at(d.digest);
    std::string out = dg.name;
    for (size_t i = 0; i < dg.fields.size() && i < d.values.size(); ++i)
        out += " " + dg.fields[i].name + "=" + hexString(d.values[i]);
    return out;
}

// The packet ends in an error: dropped, with the message, keeping the trace so far.
void Model::Impl::failPacket(Result& result, const std::string& error) {
    std::vector<TraceEvent> events = std::move(result.trace);
    result = Result{};
    result.trace = std::move(events);
    trace = &result.trace;
    result.error = error;
    result.decision.kind = Decision::Kind::Drop;
    result.decision.egressPort = kDropPort;
    result.decision.reason = "model error: " + result.error;
    note(TraceEvent::Kind::Drop, result.decision.reason);
}

void Model::Impl::finish() {
    input = nullptr;
    trace = nullptr;
    tracing = false;
}

// Emits the valid headers in order, then the unparsed payload; returns the first emitted
// header (or -1).
ir::HeaderId Model::Impl::deparse(const std::vector<uint8_t>& in, size_t payloadStart,
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
    if (payloadStart < in.size()) w.writeBytes(in.data() + payloadStart, in.size() - payloadStart);
    if (tracing)
        note(TraceEvent::Kind::Note,
             "deparser: emit " + (emitted.empty() ? std::string("nothing") : emitted) + " + " +
                 std::to_string(in.size() - payloadStart) + " payload bytes");
    out = std::move(w.bytes());
    return first;
}

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

void Model::clear() {
    impl_->resetTables();
    // Direct counters and meters belong to the entries just removed.
    for (size_t i = 0; i < impl_->p.externs.size(); ++i) {
        if (impl_->p.externs[i].table < 0) continue;
        impl_->externs[i].counters.clear();
        impl_->externs[i].meters.clear();
    }
}

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
Result Model::resume(uint32_t port) { return impl_->resume(port); }

void Model::setCpuPort(uint32_t port) { impl_->cpuPort = port; }
uint32_t Model::cpuPort() const { return impl_->cpuPort; }

tables::TrafficManager& Model::trafficManager() { return impl_->tm; }
const std::map<std::string, uint64_t>& Model::dropCounts() const { return impl_->dropCounts; }

}  // namespace hop::sim
