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
//   - Not modelled: multicast / clone / resubmit / recirculate (no replication engine),
//     counters, meters, registers, header stacks' `.next` (the lowering rejects it).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ir/ir.hpp"
#include "runtime/tables/entry.hpp"

namespace hop::sim {

inline constexpr uint32_t kDropPort = 511;

struct Packet {
    uint32_t port = 0;
    std::vector<uint8_t> bytes;
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

struct Result {
    std::vector<Packet> outputs;  // zero (drop) or one packet for v1model without replication
    Decision decision;
    std::vector<TraceEvent> trace;  // filled only when tracing
    std::string error;              // what the model could not do (empty when all went well)
};

// A runtime entry as the model holds it.
struct InstalledEntry {
    int handle = 0;
    tables::Entry entry;
};

// The CPU port of a program that has one: the value its parser compares
// standard_metadata.ingress_port with before extracting the @controller_header("packet_out")
// header (0 when there is no such select).
uint32_t findCpuPort(const ir::Program& program);

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

    // When the program names a CPU port (a `CPU_PORT`-style constant used for packet_in), it
    // is reported here; 0 when unknown.
    void setCpuPort(uint32_t port);
    uint32_t cpuPort() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace hop::sim
