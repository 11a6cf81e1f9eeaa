// SPDX-License-Identifier: Apache-2.0
// The register map of a generated pipeline: which rtl/ block serves each table, with which
// parameters, at which CSR address. The ONLY place addresses come from: the Verilog backend
// passes these bases to the blocks it instantiates, and hopc writes the same map as
// regmap.json (for tools) and regmap.hpp (for C++: runtime, hopsim, tests).
//
// Layout: the pipeline's own block (identification and packet counters) at 0, then one block
// per table in program order, then one hop_register per register, counter and direct counter,
// each aligned to its span (a power of two, as the blocks decode it), then the digest FIFO
// (digest_block.hpp) when the program calls digest. A table with direct
// counters has PARAM_W = its parameters + the entry's cell index (direct_cells.hpp). Table
// parameters follow runtime/tables (table_csr.hpp, exact.cpp, ternary.cpp):
//   - exact keys only, key <= 12 bits: hop_table_direct, DEPTH = 2^KEY_W;
//   - exact keys only, wider: hop_table_exact, SLOTS = 4, DEPTH = the power of two that holds
//     `size` at 85% load (at least 16);
//   - ternary / range / optional keys: hop_table_ternary, DEPTH = size clamped to 2..4096;
//   - one key, match kind lpm: hop_table_lpm (span 0x400), geometry LpmConfig::forSize (the
//     sizing rule of runtime/tables/lpm.hpp) with result width ACTION_W + PARAM_W and strides
//     lpmStrides(): 32-bit keys 12-4-4-4-4-4, sized for the Internet's prefix distribution
//     (kIpv4InternetNodesPerPrefix) when size > 65536 and for the worst case otherwise; other
//     widths: level 0 min(12, W/2) bits, then 4-bit strides (wider, up to 8, when 4 would need
//     more than 15 trie levels), the last stride the remainder; worst-case sizing.
//     LATENCY = 2 * LEVELS + 2. Its RAMs are exactly these capacities (NODE_DEPTH, RES_DEPTH:
//     lpmParameters), not rounded up to powers of two;
//   - lpm combined with other keys, or one lpm key whose result is wider than 64 bits (or a
//     1-bit key): hop_table_ternary with priority = prefix length (`lpm_as_ternary`), at most
//     4096 entries; bigger ones are rejected ("... is not supported by hopline").
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ir/ir.hpp"
#include "regmap/digest_block.hpp"
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
    kWordDropped = 5,    // R  frames dropped (by the program, egress_spec 511, or too long)
    kWordTooLong = 6,    // R  frames longer than the maximum frame, dropped (store-and-forward)
    kWordMaxFrame = 7,   // R  maximum frame in bytes (store-and-forward), 0 = cut-through
    kWordHashLo = 8,     // R  contentHash() of the register map, bits 31:0
    kWordHashHi = 9,     // R  contentHash() of the register map, bits 63:32
};
inline constexpr uint32_t kPipelineSpan = 0x40;

// Words of an extern's memory, rtl/hop_register.sv (registers; counters' cells): byte offset =
// 4 * word; the staged value takes ceil(width / 32) words from kRegWordData, low word first.
enum RegisterWord : uint32_t {
    kRegWordInfo = 0,   // R  [31] busy, [23:0] cells
    kRegWordWidth = 1,  // R  bits of a cell
    kRegWordIndex = 2,  // RW the cell of the next READ / WRITE
    kRegWordCmd = 3,    // W  a RegisterCmd (reads as kRegWordInfo)
    kRegWordData = 4,   // RW the staged value
};
enum RegisterCmd : uint32_t { kRegCmdRead = 1, kRegCmdWrite = 2, kRegCmdReset = 3 };
// A register block's CSR span: the five words and the staged value's, to a power of two.
constexpr uint32_t registerSpan(int width) {
    uint32_t need = 4 * (kRegWordData + static_cast<uint32_t>((width + 31) / 32)), span = 32;
    while (span < need) span *= 2;
    return span;
}

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
    // Tables with direct counters: an entry's cell index, bits [cellOffset, cellOffset +
    // cellWidth) of the action data (direct_cells.hpp); cellWidth 0 for other tables.
    int cellOffset = 0, cellWidth = 0;
    uint32_t base = 0, span = 0;
};

// A register array or a counter's cells: one rtl/hop_register.sv (a counter's cell is 128 bits,
// packets in the low half, bytes in the high half, whatever its type: BMv2 counts both, and its
// control plane reads both). A direct counter is a
// counter with one cell per entry of its table (`table`), at the entry's handle. A meter or a
// direct meter is one rtl/hop_meter.sv (hop_register's CSR words, the cell of meter_cell.hpp).
struct ExternBlock {
    int object = -1;    // index into ir::Program::externs
    std::string name;   // P4 control-plane name
    std::string kind;   // "register", "counter" or "meter"
    std::string table;  // a direct counter's or meter's table (its control-plane name)
    int width = 1, depth = 1;
    // A meter (rtl/hop_meter.sv, its cell regmap/meter_cell.hpp): cycles from the index in to
    // the colour out; 1 for the hop_register of a register or counter.
    int latency = 1;
    uint32_t base = 0, span = 0;
};
inline constexpr int64_t kMaxExternCells = 65536;
// hop_meter's LATENCY: the index in at cycle 0, the colour (and the write-back) at this cycle
// (the cell's read, the multiply of the tokens earned in three stages, the marking, each at most
// 8 LUT levels: issue 13).
inline constexpr int kMeterLatency = 8;

struct RegMap {
    std::string program;
    int dataWidth = 512;
    // Set by the Verilog backend: programs that read standard_metadata.packet_length are
    // store-and-forward (the header window fires at the frame's last beat) and drop frames
    // longer than this; 0 = cut-through, no limit.
    int maxFrameBytes = 0;
    // Set by the Verilog backend: cycles of the header pipeline (window to descriptor), the
    // pipeline block's LATENCY word.
    int latency = 0;
    uint32_t pipelineBase = 0;
    std::vector<TableBlock> tables;
    std::vector<ExternBlock> externs;
    std::optional<DigestBlock> digest;  // programs that call digest: after the externs
    uint32_t mapBytes = 0;              // a power of two
    int addrWidth = 0;                  // log2(mapBytes)
    // The control-plane view of the program (control_plane.hpp): what each table block's key,
    // action and parameter encodings mean, and its default action and const entries, so that a
    // table loader needs nothing but this map.
    nlohmann::json controlPlane = nlohmann::json::object();

    const TableBlock* find(const std::string& tableName) const;
    const ExternBlock* findExtern(int object) const;
};

// The map of `program`, or nullopt after located errors for tables no block can serve.
std::optional<RegMap> build(const ir::Program& program, int dataWidth, Diagnostics& diags);

// Words a table block decodes, as the block's header comment gives them.
int tableWords(const TableBlock& t);
// The ternary block's LATENCY for DEPTH slots (RADIX 8).
int ternaryLatency(int depth);

// LPM geometry (TableKind::Lpm): the strides for a key width (empty when no block can serve
// it), the node memory address width of trie level `level` (1..LEVELS-1; level 0 is the
// direct-indexed L0, its stride), the result memory's address width, and the block's LATENCY.
inline constexpr int kLpmMaxLevels = 16;  // hop_table_lpm: STRIDES / NODE_AW are 16 bytes
std::vector<int> lpmStrides(int keyWidth);
int lpmNodeAddrWidth(const TableBlock& t, int level);
int lpmResultAddrWidth(const TableBlock& t);
int lpmLatency(int levels);

// hop_table_lpm's geometry parameters for a TableKind::Lpm block, as the backend passes them
// (name, Verilog value): LEVELS, STRIDES, NODE_AW, NODE_DEPTH (word k = trie level k's node
// capacity), RES_AW, RES_DEPTH (the result capacity). The block instantiates exactly these
// depths, so its RAM is the capacities below, not 2^AW words per level.
std::vector<std::pair<std::string, std::string>> lpmParameters(const TableBlock& t);

// One RAM of hop_table_lpm: L0 (2^STRIDES[0] words), trie levels 1..LEVELS-1, the results.
struct LpmMemory {
    uint64_t words = 0;
    int width = 0;  // bits per word, as the block computes it
};
// The RAMs a block with these parameters instantiates (level 0 first, results last).
std::vector<LpmMemory> lpmMemories(const std::vector<int>& strides,
                                   const std::vector<int>& nodeAddrWidth,
                                   const std::vector<uint64_t>& nodeDepth, int resAddrWidth,
                                   uint64_t resDepth, int resultWidth);
// ... of a register-map block (its capacities: regmap.json's node_capacity / result_capacity).
std::vector<LpmMemory> lpmMemories(const TableBlock& t);
// Sum of words x width / 8 (bytes, rounded up once).
uint64_t lpmBytes(const std::vector<LpmMemory>& memories);

// regmap.json: toJson writes it, fromJson reads it back (nullopt with `error` naming what is
// missing or malformed); fromJson(toJson(m)) equals m.
nlohmann::json toJson(const RegMap& map);
std::optional<RegMap> fromJson(const nlohmann::json& json, std::string& error);
std::string toHeader(const RegMap& map);

// The identity of a compiled program: FNV-1a (64 bits) over regmap.json's compact text, which
// covers every address, parameter and table encoding. The pipeline block's HASH words carry it
// and the directory's manifest records it, so a board and a directory are matched exactly.
uint64_t contentHash(const RegMap& map);
uint64_t fnv1a64(std::string_view bytes);

}  // namespace hop::regmap
