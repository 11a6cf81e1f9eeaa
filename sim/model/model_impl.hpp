// SPDX-License-Identifier: Apache-2.0
// The reference interpreter's state and the helpers its files share (sim/model only; the
// interface is model.hpp). One file per part of the pipeline:
//   model.cpp           packets through the pipeline: process(), controls, the deparser, traces
//   model_expr.cpp      expressions and statements
//   model_parser.cpp    the parser: states, select, extract
//   model_tables.cpp    tables: state, lookup, actions, commands
//   model_checksum.cpp  checksums: verify and update
//   model_externs.cpp   registers, counters and meters: state, execution, control-plane access
//   model_hash.cpp      the hash extern
//   model_tm.cpp        the traffic manager: passes through ingress and egress, clone,
//                       resubmit, multicast, recirculate
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/tables/logical_table.hpp"
#include "runtime/tables/traffic_manager.hpp"
#include "sim/model/model.hpp"

namespace hop::sim {

namespace interp {

using ir::BigInt;
using tables::Entry;
using tables::KeyMatch;

inline BigInt ones(int width) { return width <= 0 ? BigInt(0) : (BigInt(1) << width) - 1; }

// The unsigned bit pattern of `v` in `width` bits (v may be negative).
inline BigInt wrap(const BigInt& v, int width) {
    if (width <= 0) return 0;
    if (v >= 0) return v & ones(width);
    BigInt m = BigInt(1) << width;
    BigInt r = v % m;
    if (r < 0) r += m;
    return r;
}

// The two's complement value of a `width`-bit pattern.
inline BigInt toSigned(const BigInt& v, int width) {
    if (width > 0 && bit_test(v, width - 1)) return v - (BigInt(1) << width);
    return v;
}

// Arithmetic shift right of a signed value (rounds towards minus infinity, as hardware does).
inline BigInt shiftRightSigned(const BigInt& v, unsigned n) {
    if (v >= 0) return v >> n;
    return -(((-v) - 1) >> n) - 1;
}

inline std::string hexString(const BigInt& v) {
    std::ostringstream os;
    os << std::hex << v;
    return "0x" + os.str();
}

inline std::string number(const BigInt& v) { return v < 10 ? v.str() : hexString(v); }

// A parser error: the parser goes to reject with this error code.
struct ParserReject {
    ir::ErrorCode error;
    std::string detail;
};

// A failed assert / assume: BMv2 ends the switch; the model drops the packet with the message.
struct CheckFailed : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Something the model does not implement; the packet is dropped with the message.
struct Unsupported : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Reads `width` bits starting at bit `offset` (MSB first) of `bytes`.
inline BigInt readBits(const std::vector<uint8_t>& bytes, size_t offset, int width) {
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

struct TableState {
    std::optional<tables::LogicalTable> runtime;  // runtime entries and the default action
    std::vector<Entry> constEntries;              // `const entries`, in program order
    bool constByPriority = false;                 // const entries carry explicit priorities
    bool largestPriorityWins = true;              // the `largest_priority_wins` property
    int lpmKey = -1;                              // the LPM key of an exact+LPM table
    Entry hit;  // the runtime entry of the last lookup that hit one (Lookup::entry points here)
};

struct Lookup {
    bool hit = false;
    const Entry* entry = nullptr;
    int handle = -1;      // -1 for const entries
    int constIndex = -1;  // a const entry's position in the table's list
    ir::ActionCall action;
};

// One two-rate three-colour marker as BMv2 keeps it (RFC 2698, colour-blind): the peak bucket
// first (colour RED when it lacks tokens), then the committed one (YELLOW).
struct MeterCell {
    struct Bucket {
        double perMicrosecond = 0;  // the rate as set, quantized: rateQ32 / 2^32
        uint64_t rateQ32 = 0;       // units per microsecond, unsigned Q32.32 (as rtl/hop_meter)
        uint64_t burst = 0;
        uint64_t tokens = 0;
        uint64_t tokensLast = 0;  // tokens earned from time 0 up to the last update
        unsigned colour = 0;
    };
    bool configured = false;
    std::vector<Bucket> buckets;  // peak, then committed
};

// The state of one ExternObject. Cells are kept sparsely (a missing cell is 0 or unconfigured),
// so a large array costs nothing until it is used and dumps list only what changed.
struct ExternState {
    std::map<uint64_t, BigInt> registers;
    std::map<uint64_t, CounterValue> counters;  // by index, or by entry for direct counters
    std::map<uint64_t, MeterCell> meters;       // by index, or by entry for direct meters
    std::optional<MeterCell> arrayRates;        // meter_array_set_rates: every cell not in `meters`
};

// What a packet instance carries from ingress to egress: the parsed headers and metadata, and
// the frame whose unparsed payload the deparser appends.
struct PacketState {
    std::vector<BigInt> phv;
    std::vector<uint8_t> valid;
    std::vector<int> varbitBits;
    std::shared_ptr<const std::vector<uint8_t>> frame;
    size_t payloadStart = 0;
};

// One pass the traffic manager schedules: a frame into the ingress parser, or a packet instance
// into egress.
struct PipelineJob {
    bool egress = false;
    uint32_t port = 0;  // ingress: the port the frame arrived on; egress: the egress port
    uint32_t instanceType = 0;
    uint32_t rid = 0;   // egress: egress_rid
    int reentries = 0;  // resubmits, recirculations and egress-to-egress clones so far
    std::shared_ptr<const std::vector<uint8_t>> frame;  // ingress
    std::vector<std::pair<ir::FieldId, BigInt>> keep;   // ingress: preserved metadata
    PacketState state;                                  // egress
    // egress: the queue metadata (standard_metadata's enq_*, deq_*), set at the enqueue and
    // the dequeue; the time in the model's microseconds.
    uint32_t enqQdepth = 0, deqQdepth = 0;
    uint64_t enqUs = 0;
};

}  // namespace interp

using namespace interp;

struct Model::Impl {
    ir::Program p;
    std::vector<TableState> tables;
    uint32_t cpuPort = 0;

    // Standard metadata fields (-1 when the program lacks them).
    ir::FieldId fIngressPort = -1, fEgressSpec = -1, fEgressPort = -1, fPacketLength = -1,
                fParserError = -1, fChecksumError = -1, fMcastGrp = -1, fInstanceType = -1,
                fIngressTimestamp = -1, fEgressTimestamp = -1,
                fPacketSeq = -1,               // ir::kPacketSeqField: random()'s sequence number
        fTruncate = -1, fTruncateLength = -1,  // truncate()
        fDigestId = -1,                        // ir::kDigestIdField: the digest to send
        fEgressRid = -1, fClone = -1, fCloneSession = -1, fCloneList = -1,
                fResubmit = -1,  // ir::kCloneField...
        fRecirculate = -1, fPriority = -1, fEnqTimestamp = -1, fEnqQdepth = -1, fDeqTimedelta = -1,
                fDeqQdepth = -1;
    uint32_t packetSeq = 0;  // packets taken since the model was made
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
    // Stateful externs: one per Program::externs; the running packet's arrival in whole
    // microseconds and its received length; per table, the colour its direct meter gave the
    // packet's last hit (-1: none this packet).
    std::vector<ExternState> externs;
    uint64_t nowUs = 0;
    uint64_t ingressLength = 0;
    std::vector<int> directColour;
    bool exited = false;  // an `exit` ran in the running control
    BitWriter scratch;
    // The traffic manager: its configuration, the drops it counted by reason, and per processed
    // packet whether the result's decision is final (an output was sent).
    tables::TrafficManager tm;
    std::map<std::string, uint64_t> dropCounts;
    bool sentOutput = false;
    bool decided = false;
    // The copies waiting for paused ports (port_pause), per queue (port, priority), in order.
    std::map<std::pair<uint32_t, uint32_t>, std::deque<PipelineJob>> held;

    // --- packets through the pipeline: process(), controls, the deparser, traces (model.cpp)
    explicit Impl(const ir::Program& program);
    void normalizeProgramMatches();
    void note(TraceEvent::Kind kind, std::string text);
    std::string headerValues(ir::HeaderId h) const;
    std::string callText(const ir::ActionCall& c) const;
    std::string errorName(ir::ErrorCode e) const;
    void runControl(const ir::Control& c);
    void takeDigest(Result& result);
    void resetPacketState();
    uint32_t egressSpec() const;
    Result process(const Packet& packet, bool traceOn);
    void guarded(Result& result, const std::function<void()>& passes);
    void finish();
    ir::HeaderId deparse(const std::vector<uint8_t>& in, size_t payloadStart,
                         std::vector<uint8_t>& out);

    // --- the traffic manager (model_tm.cpp)
    void runPasses(const Packet& packet, Result& result);
    void ingressPass(PipelineJob& job, Result& result, std::deque<PipelineJob>& queue);
    // `live`: the packet's state is the running one (no copy was made), else job.state.
    void egressPass(PipelineJob& job, Result& result, std::deque<PipelineJob>& queue,
                    bool live = false);
    PacketState snapshot(const std::shared_ptr<const std::vector<uint8_t>>& frame,
                         size_t payloadStart) const;
    void restore(const PacketState& s);
    std::vector<std::pair<ir::FieldId, BigInt>> preserved(ir::FieldId listRef) const;
    void resetMetadata();
    void cloneTo(const PacketState& copy, uint32_t session, uint32_t type, int reentries,
                 Result& result, std::deque<PipelineJob>& queue);
    void enqueueEgress(const PacketState& s, uint32_t port, uint32_t rid, uint32_t instanceType,
                       int reentries, Result& result, std::deque<PipelineJob>& queue);
    // A copy into its queue: egress next, or held while its port is paused (false: tail-dropped
    // at a full held queue, or held).
    bool toQueue(PipelineJob& job, uint32_t priority, Result& result);
    size_t heldDepth(uint32_t port, uint32_t priority) const;
    // The passes of `queue` until it is empty.
    void runJobs(std::deque<PipelineJob>& queue, Result& result);
    Result resume(uint32_t port);
    void dropInstance(Result& result, const std::string& reason, const std::string& text = {});
    void sendOutput(Result& result, Packet out, ir::HeaderId first);

    // --- expressions and statements (model_expr.cpp)
    BigInt eval(const ir::ExprPtr& e, const std::vector<BigInt>* args);
    BigInt unaryOp(const ir::Expr& e, const std::vector<BigInt>* args);
    BigInt castOp(const ir::Expr& e, const std::vector<BigInt>* args);
    BigInt binaryOp(const ir::Expr& e, const std::vector<BigInt>* args);
    void assign(const ir::ExprPtr& dst, const BigInt& value);
    void exec(const ir::Stmt& s, const std::vector<BigInt>* args);

    // --- the parser: states, select, extract (model_parser.cpp)
    void runParser();
    ir::StateId select(const ir::ParserState& st);
    std::string stateName(ir::StateId id) const;
    std::string selectText(const ir::ParserState& st, const std::vector<BigInt>& key,
                           const ir::SelectCase* c) const;
    void extract(const ir::Stmt& s, const std::vector<BigInt>* args);
    ir::ErrorCode errorCode(const std::string& name) const;

    // --- tables: state, lookup, actions, commands (model_tables.cpp)
    void resetTables();
    Lookup lookup(ir::TableId tid, const std::vector<BigInt>& key);
    void applyTable(ir::TableId tid);
    void runAction(const ir::ActionCall& call, const ir::Table* table);
    std::string dropContext() const;
    bool apply(const tables::Command& cmd, std::string& error, int* handleOut);

    // --- registers, counters and meters (model_externs.cpp)
    void resetExterns();
    void execExtern(const ir::Stmt& s, const std::vector<BigInt>* args);
    void tableHitExterns(ir::TableId tid, const Lookup& r);
    void entryChanged(const tables::Command& cmd, int handle);
    unsigned executeMeter(const ir::ExternObject& x, MeterCell& cell);
    MeterCell* meterCell(int ext, uint64_t key);
    bool checkIndex(int ext, uint64_t index, std::string& error) const;

    // --- checksums: verify and update (model_checksum.cpp)
    const std::vector<uint8_t>& checksumBytes(const ir::ChecksumUnit& c, size_t payloadStart,
                                              const std::vector<uint8_t>* payload);
    BigInt checksum(const ir::ChecksumUnit& c, size_t payloadStart,
                    const std::vector<uint8_t>* payload);
    void verifyChecksums(size_t payloadStart);
    void updateChecksums(const std::vector<uint8_t>& payload, size_t payloadStart);

    // --- the hash extern (model_hash.cpp)
    void hashStmt(const ir::Stmt& s, const std::vector<BigInt>* args);
    void logStmt(const ir::Stmt& s, const std::vector<BigInt>* args);
    void failPacket(Result& result, const std::string& error);
};

}  // namespace hop::sim
