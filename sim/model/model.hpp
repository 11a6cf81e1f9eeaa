// SPDX-License-Identifier: Apache-2.0
// The reference interpreter: runs a program's pipeline IR on packets with v1model semantics as
// BMv2 documents them. It is the golden model every other engine is checked against.
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
    std::string reason;  // drop: "mark_to_drop", "egress_spec 511", "parser reject: ...";
                         // punt: the packet_in reason field's value when known
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
};

class Model {
public:
    explicit Model(const ir::Program& program);
    ~Model();

    const ir::Program& program() const;

    // Table state. Errors (duplicate entry, table full, unknown handle, const table) return
    // false with a message; the table is left as it was.
    bool apply(const tables::Command& command, std::string& error, int* handle = nullptr);
    void clear();  // every runtime entry and default back to the program's

    // Runs one packet through parser, verify checksum, ingress, egress, compute checksum and
    // deparser.
    Result process(const Packet& packet, bool trace = false);

    // When the program names a CPU port (a `CPU_PORT`-style constant used for packet_in), it
    // is reported here; 0 when unknown.
    void setCpuPort(uint32_t port);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace hop::sim
