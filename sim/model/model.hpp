// SPDX-License-Identifier: Apache-2.0
// The reference interpreter: runs a program's pipeline IR on packets with v1model semantics as
// BMv2 documents them. It is the golden model every other engine is checked against.
//
// Changes since the first contract (all additions, no renames):
//   - Result::error: set (and the decision is Drop with reason "model error: ...") when the
//     program uses something the model does not implement (registers, counters, meters,
//     checksum algorithms other than csum16 / xor16 / identity).
//   - Model::entries / Model::defaultAction: the table state, for dumps and tests.
//   - Model::cpuPort().
//   - Decision::reason values: "mark_to_drop in ingress", "egress_spec 511" (set by an
//     assignment in ingress), "mark_to_drop in egress", "egress_spec 511 in egress"; punt: the
//     packet_in `reason` field in decimal ("" when the header has none).
//   - A packet is a punt when the first emitted header is the @controller_header("packet_in")
//     instance, or when it leaves on the port given to setCpuPort (when not 0).
//   - The model keeps its own copy of the program; program() returns that copy (entries must
//     be parsed against it or an identical program: table and action ids are indices).
//   - The traffic manager (model_tm.cpp) as BMv2 simple_switch's: resubmit, clone I2E and E2E
//     to mirroring sessions, multicast through replication groups, recirculate; configured
//     through trafficManager() (runtime/tables/traffic_manager.hpp). A packet may re-enter the
//     pipeline (resubmit, recirculate, a clone of an egress-to-egress clone) at most
//     kMaxReentries times; the request past that is dropped with the reason
//     "re-entry limit (...)". Result::outputs lists every copy that left, in the order they
//     left; Result::decision is the first output's (a forward or a punt), or the first drop's
//     when nothing left.
//   - Result::digests: v1model's digest (ir.hpp's Digest).
//   - Packet::timeNs, and the stateful externs (model_externs.cpp): registers, counters,
//     direct counters, meters and direct meters with BMv2 simple_switch's semantics; their
//     state persists across packets and is read and written through the Model's extern calls.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ir/ir.hpp"
#include "runtime/tables/entry.hpp"
#include "runtime/tables/traffic_manager.hpp"

namespace hop::sim {

inline constexpr uint32_t kDropPort = 511;
// How many times one received packet's copies may re-enter the pipeline (resubmit, recirculate,
// an egress-to-egress clone of a packet that is itself one), so that a program that loops cannot
// live-lock the switch; and how many packet instances one received packet may make in all
// (multicast and clones included).
inline constexpr int kMaxReentries = 16;
inline constexpr int kMaxInstances = 4096;
// The traffic manager's queues (model_tm.cpp): priorities 0..7 per port, and the copies a queue
// holds when set_queue_depth gave none (the switch top's QDEPTH).
inline constexpr uint32_t kMaxPriority = 7;
inline constexpr uint64_t kDefaultQueueDepth = 256;
// standard_metadata.instance_type as BMv2 simple_switch sets it.
enum InstanceType : uint32_t {
    kInstanceNormal = 0,
    kInstanceIngressClone = 1,
    kInstanceEgressClone = 2,
    kInstanceRecirc = 4,
    kInstanceReplication = 5,
    kInstanceResubmit = 6,
};

struct Packet {
    uint32_t port = 0;
    std::vector<uint8_t> bytes;
    // Arrival time on the simulated clock, in nanoseconds from the start of the run: what
    // meters measure rates against (BMv2 reads its own clock in whole microseconds, so the model
    // uses timeNs / 1000). The caller sets it: `hopsim stf` gives the n-th packet n us,
    // `hopsim run` the pcap timestamp less the first packet's.
    uint64_t timeNs = 0;
};

// Why a packet left the pipeline the way it did.
struct Decision {
    enum class Kind { Forward, Drop, Punt } kind = Kind::Forward;
    uint32_t egressPort = 0;
    std::string reason;  // drop: "mark_to_drop in ingress", "egress_spec 511",
                         // "mark_to_drop in egress", "egress_spec 511 in egress",
                         // "model error: ..."; punt: the packet_in reason field's value
                         // (decimal) when known. A parser reject is not a drop in v1model:
                         // it shows in the trace and in standard_metadata.parser_error.
};

// What --trace-packets prints: the parser path, every table lookup (key, hit or miss, entry,
// action and data), checksum results and the decision.
struct TraceEvent {
    enum class Kind { State, Extract, Select, Table, Action, Checksum, Drop, Note } kind;
    std::string text;
};

// A digest the packet sends (ir.hpp's Digest): which one (index into Program::digests) and its
// fields' values as copied by the packet's last digest call, in the digest type's order.
struct DigestMessage {
    int digest = -1;
    std::vector<ir::BigInt> values;
};

// One line for a digest: `NAME field=value ...`, values in hex (0x..., as hopsim prints fields).
std::string digestLine(const ir::Program& program, const DigestMessage& d);

struct Result {
    std::vector<Packet> outputs;  // every copy that left, in order (none: dropped)
    // The digest the packet sent after ingress (none or one: BMv2 keeps one per packet), sent
    // whatever the packet's fate after ingress.
    std::vector<DigestMessage> digests;
    Decision decision;
    std::vector<TraceEvent> trace;  // filled only when tracing
    std::string error;              // what the model could not do (empty when all went well)
};

// A runtime entry as the model holds it.
struct InstalledEntry {
    int handle = 0;
    tables::Entry entry;
};

// A counter cell as BMv2 keeps it: both values always count, whatever the counter's type (the
// type says which of them the control plane is meant to read).
struct CounterValue {
    uint64_t packets = 0;
    uint64_t bytes = 0;
};

// One rate of a meter, as BMv2's CLI takes it: units (packets or bytes) per microsecond, and the
// bucket size in units.
struct MeterRate {
    double perMicrosecond = 0;
    uint64_t burst = 0;
};

// The CPU port of a program that has one: the value its parser compares
// standard_metadata.ingress_port with before extracting the @controller_header("packet_out")
// header (0 when there is no such select).
uint32_t findCpuPort(const ir::Program& program);

// The counter, meter or register `name` names (its full name or a unique dotted suffix): its
// index in program.externs, or -1 (unknown) / -2 (ambiguous) with `error` saying which.
int findExternByName(const ir::Program& program, const std::string& name, std::string& error);
// Model::dumpState's lines, for any engine's dump: an extern's heading (`register I.r bit<32>
// x 8`), and a counter cell (`  [1] packets=2 bytes=164`, the values its type counts; empty
// when both are 0).
std::string externHeading(const ir::Program& program, int ext);
std::string counterCellLine(const ir::ExternObject& x, uint64_t index, const CounterValue& c);

class Model {
  public:
    // The CPU port starts as findCpuPort(program).
    explicit Model(const ir::Program& program);
    ~Model();

    const ir::Program& program() const;

    // Table state. Errors (duplicate entry, table full, unknown handle, const table) return
    // false with a message; the table is left as it was.
    bool apply(const tables::Command& command, std::string& error, int* handle = nullptr);
    void clear();  // every runtime entry and default back to the program's

    // Runtime entries of a table in insertion order (const entries are not listed), and its
    // current default action.
    std::vector<InstalledEntry> entries(ir::TableId table) const;
    ir::ActionCall defaultAction(ir::TableId table) const;

    // Runs one packet through parser, verify checksum, ingress, egress, compute checksum and
    // deparser.
    Result process(const Packet& packet, bool trace = false);
    // port_resume's work: the copies that waited for `port` while it was paused, through
    // egress (the traffic manager's pause state is trafficManager()'s; model_tm.cpp).
    Result resume(uint32_t port);

    // When the program names a CPU port (a `CPU_PORT`-style constant used for packet_in), it
    // is reported here; 0 when unknown.
    void setCpuPort(uint32_t port);
    uint32_t cpuPort() const;

    // The traffic manager's configuration (multicast groups, mirroring sessions); and every
    // packet instance it dropped since the model was made, by reason.
    tables::TrafficManager& trafficManager();
    const std::map<std::string, uint64_t>& dropCounts() const;

    // --- stateful externs (model_externs.cpp). `name` is the extern's full name or a unique
    // dotted suffix. `index` is the cell of a counter, meter or register array, or the entry
    // handle of a direct counter or meter (a const entry's position in the table's list). Each
    // call returns false with `error` set (naming the extern and the valid range) when the name
    // or index is not valid for it; the state is then unchanged.
    int findExtern(const std::string& name, std::string& error) const;
    bool readCounter(int ext, uint64_t index, CounterValue& value, std::string& error) const;
    bool writeCounter(int ext, uint64_t index, const CounterValue& value, std::string& error);
    bool resetCounters(int ext, std::string& error);  // every cell (entry) to 0
    bool readRegister(int ext, uint64_t index, ir::BigInt& value, std::string& error) const;
    bool writeRegister(int ext, uint64_t index, const ir::BigInt& value, std::string& error);
    bool resetRegisters(int ext, std::string& error);
    // Rates as BMv2 takes them: committed then peak ({CIR, PIR}), CIR <= PIR. Setting rates
    // fills both buckets. `index` absent: every cell of a meter array (meter_array_set_rates).
    bool setMeterRates(int ext, std::optional<uint64_t> index, const std::vector<MeterRate>& rates,
                       std::string& error);
    // Empty when the meter is not configured (it then marks every packet GREEN).
    bool meterRates(int ext, uint64_t index, std::vector<MeterRate>& rates,
                    std::string& error) const;
    // A meter cell's buckets (peak, then committed): tokens, and tokens earned from time 0 up
    // to the last update, as rtl/hop_meter.sv keeps them; empty when not configured.
    struct MeterBucketState {
        uint64_t tokens = 0, last = 0;
        bool operator==(const MeterBucketState&) const = default;
    };
    bool meterState(int ext, uint64_t index, std::vector<MeterBucketState>& buckets,
                    std::string& error) const;
    // Every register and counter cell that is not 0 and every configured meter, extern by
    // extern in program order, one line each (the format is in model_externs.cpp).
    std::string dumpState() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace hop::sim
