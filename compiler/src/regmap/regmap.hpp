// SPDX-License-Identifier: Apache-2.0
// The register map of a generated pipeline: which rtl/ block serves each table, with which
// parameters, at which CSR address. The ONLY place addresses come from: the Verilog backend
// passes these bases to the blocks it instantiates, and hopc writes the same map as
// regmap.json (for tools) and regmap.hpp (for C++: runtime, hopsim, tests).
//
// Layout: the pipeline's own block (identification and packet counters) at 0, then one block
// per table in program order, each aligned to its span (a power of two, as the blocks decode
// it). Table parameters follow runtime/tables (table_csr.hpp, exact.cpp, ternary.cpp):
//   - exact keys only, key <= 12 bits: hop_table_direct, DEPTH = 2^KEY_W;
//   - exact keys only, wider: hop_table_exact, SLOTS = 4, DEPTH = the power of two that holds
//     `size` at 85% load (at least 16);
//   - ternary / range / optional keys: hop_table_ternary, DEPTH = size clamped to 2..4096;
//   - lpm: hop_table_ternary as well for now (TEMPORARY, until rtl/hop_table_lpm.sv exists):
//     prefixes are value/mask slots, and the loader must give every entry the priority of its
//     prefix length (`lpm_as_ternary` in the map says so). Tables of more than 4096 entries are
//     rejected ("... is not supported by hopline").
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ir/ir.hpp"
#include "regmap/lpm_config.hpp"
#include "source/diagnostics.hpp"

namespace hop::regmap {

// Words of the pipeline block (byte offset = 4 * word).
inline constexpr uint32_t kPipelineId = 0x484f504c;  // "HOPL"
enum PipelineWord : uint32_t {
    kWordId = 0,         // R  kPipelineId
    kWordDataWidth = 1,  // R  DATA_W
    kWordLatency = 2,    // R  cycles of the header pipeline (window to descriptor)
    kWordRxPackets = 3,  // R  frames accepted (wraps)
    kWordTxPackets = 4,  // R  frames sent (wraps)
    kWordDropped = 5,    // R  frames dropped by the program (egress_spec 511)
};
inline constexpr uint32_t kPipelineSpan = 0x40;

enum class TableKind { Exact = 1, Direct = 2, Ternary = 3, Lpm = 4 };  // = the blocks' INFO.kind

struct TableBlock {
    ir::TableId table = -1;
    std::string name;    // P4 control-plane name
    std::string module;  // rtl/ module
    TableKind kind = TableKind::Exact;
    bool lpmAsTernary = false;
    int keyWidth = 1, actionWidth = 1, paramWidth = 1, depth = 2, slots = 1;
    int latency = 0;        // the block's LATENCY
    tables::LpmConfig lpm;  // kind Lpm: strides and memory sizes (hop_table_lpm parameters)
    int defaultAction = 0;  // index into Table::actions
    uint32_t base = 0, span = 0;
};

struct RegMap {
    std::string program;
    int dataWidth = 512;
    uint32_t pipelineBase = 0;
    std::vector<TableBlock> tables;
    uint32_t mapBytes = 0;  // a power of two
    int addrWidth = 0;      // log2(mapBytes)

    const TableBlock* find(const std::string& tableName) const;
};

// The map of `program`, or nullopt after located errors for tables no block can serve.
std::optional<RegMap> build(const ir::Program& program, int dataWidth, Diagnostics& diags);

// Words a table block decodes, as the block's header comment gives them.
int tableWords(const TableBlock& t);
// The ternary block's LATENCY for DEPTH slots (RADIX 8).
int ternaryLatency(int depth);

nlohmann::json toJson(const RegMap& map);
std::string toHeader(const RegMap& map);

}  // namespace hop::regmap
