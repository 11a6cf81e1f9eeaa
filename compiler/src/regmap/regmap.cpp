// SPDX-License-Identifier: Apache-2.0
#include "regmap/regmap.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "regmap/control_plane.hpp"
#include "regmap/direct_cells.hpp"
#include "regmap/meter_cell.hpp"
#include "verilog/names.hpp"

namespace hop::regmap {

namespace {

int64_t ceilPow2(int64_t n) {
    int64_t p = 1;
    while (p < n) p <<= 1;
    return p;
}

int log2Exact(uint64_t n) {
    int l = 0;
    while ((uint64_t{1} << l) < n) ++l;
    return l;
}

const char* kindName(TableKind k) {
    switch (k) {
        case TableKind::Exact:
            return "exact";
        case TableKind::Direct:
            return "direct";
        case TableKind::Ternary:
            return "ternary";
        case TableKind::Lpm:
            return "lpm";
    }
    return "?";
}

// Bits to address `words` words (at least 1, as hop_lpm_ram wants).
int addrBits(uint64_t words) { return std::max(1, log2Exact(std::max<uint64_t>(words, 1))); }

constexpr int64_t kTernaryMax = 4096;

}  // namespace

const TableBlock* RegMap::find(const std::string& tableName) const {
    for (const auto& t : tables)
        if (t.name == tableName) return &t;
    return nullptr;
}

const ExternBlock* RegMap::findExtern(int object) const {
    for (const auto& x : externs)
        if (x.object == object) return &x;
    return nullptr;
}

int ternaryLatency(int depth) {
    constexpr int kRadix = 8;
    return 3 + (depth <= kRadix                     ? 1
                : depth <= kRadix * kRadix          ? 2
                : depth <= kRadix * kRadix * kRadix ? 3
                                                    : 4);
}

int tableWords(const TableBlock& t) {
    const int pw = (t.paramWidth + 31) / 32;
    const int kw = (t.keyWidth + 31) / 32;
    switch (t.kind) {
        case TableKind::Direct:
            return 8 + pw;
        case TableKind::Exact:
            return 8 + pw + kw;
        case TableKind::Ternary:
            return 8 + pw + 2 * kw;
        case TableKind::Lpm:
            return 0x400 / 4;  // ID .. counters, STAGE at 0x100, RDATA at 0x200
    }
    return 8;
}

std::vector<int> lpmStrides(int keyWidth) {
    if (keyWidth == 32) return {12, 4, 4, 4, 4, 4};
    if (keyWidth < 2) return {};
    const int s0 = std::min(12, keyWidth / 2);
    const int rest = keyWidth - s0;
    int t = 4;
    while (t < 8 && (rest + t - 1) / t > kLpmMaxLevels - 1) ++t;
    std::vector<int> s = {s0};
    for (int left = rest; left > 0; left -= t) s.push_back(std::min(t, left));
    if (static_cast<int>(s.size()) > kLpmMaxLevels) return {};
    return s;
}

int lpmNodeAddrWidth(const TableBlock& t, int level) {
    if (level == 0) return t.lpm.strides.at(0);
    return addrBits(t.lpm.nodeCapacity.at(level));
}

int lpmResultAddrWidth(const TableBlock& t) { return addrBits(t.lpm.resultCapacity); }

int lpmLatency(int levels) { return 2 * levels + 2; }

namespace {

uint64_t lpmNodeWords(const TableBlock& t, size_t k) {
    return k == 0 ? (uint64_t{1} << t.lpm.strides[0]) : t.lpm.nodeCapacity[k];
}

}  // namespace

std::vector<std::pair<std::string, std::string>> lpmParameters(const TableBlock& t) {
    // Byte k of STRIDES / NODE_AW, 32-bit word k of NODE_DEPTH = level k's stride / node address
    // width / node words (NODE_AW byte 0 and NODE_DEPTH word 0 unused: L0 is direct-indexed by
    // its stride).
    const auto& cfg = t.lpm;
    const int levels = static_cast<int>(cfg.strides.size());
    std::string strides, nodeAw, nodeDepth;
    for (int k = levels - 1; k >= 0; --k) {
        strides += fmt::format("{:02x}", cfg.strides[k]);
        nodeAw += fmt::format("{:02x}", k == 0 ? 0 : lpmNodeAddrWidth(t, k));
        nodeDepth += fmt::format("{}{:08x}", k + 1 < levels ? "_" : "",
                                 k == 0 ? 0 : cfg.nodeCapacity[static_cast<size_t>(k)]);
    }
    return {{"LEVELS", std::to_string(levels)},
            {"STRIDES", "128'h" + strides},
            {"NODE_AW", "128'h" + nodeAw},
            {"NODE_DEPTH", "512'h" + nodeDepth},
            {"RES_AW", std::to_string(lpmResultAddrWidth(t))},
            {"RES_DEPTH", std::to_string(cfg.resultCapacity)}};
}

std::vector<LpmMemory> lpmMemories(const std::vector<int>& strides,
                                   const std::vector<int>& nodeAddrWidth,
                                   const std::vector<uint64_t>& nodeDepth, int resAddrWidth,
                                   uint64_t resDepth, int resultWidth) {
    // rtl/hop_table_lpm.sv: L0 word {node_valid, node_ptr[AW1], res_valid, res_idx[RES_AW]};
    // level k {child_bm[2^s], internal_bm[2^(s+1)-2], child_base[AW(k+1)], res_base[RES_AW]},
    // child_bm and child_base absent on the last level; results ACTION_W + PARAM_W.
    const size_t levels = strides.size();
    std::vector<LpmMemory> out;
    if (levels < 2 || nodeAddrWidth.size() < levels || nodeDepth.size() < levels) return out;
    out.push_back({uint64_t{1} << strides[0], resAddrWidth + 2 + nodeAddrWidth[1]});
    for (size_t k = 1; k < levels; ++k) {
        int w = resAddrWidth + (1 << (strides[k] + 1)) - 2;
        if (k + 1 < levels) w += nodeAddrWidth[k + 1] + (1 << strides[k]);
        out.push_back({nodeDepth[k], w});
    }
    out.push_back({resDepth, resultWidth});
    return out;
}

std::vector<LpmMemory> lpmMemories(const TableBlock& t) {
    std::vector<int> aw;
    std::vector<uint64_t> depth;
    for (size_t k = 0; k < t.lpm.strides.size(); ++k) {
        aw.push_back(lpmNodeAddrWidth(t, static_cast<int>(k)));
        depth.push_back(lpmNodeWords(t, k));
    }
    return lpmMemories(t.lpm.strides, aw, depth, lpmResultAddrWidth(t), t.lpm.resultCapacity,
                       t.lpm.resultWidth);
}

uint64_t lpmBytes(const std::vector<LpmMemory>& memories) {
    uint64_t bits = 0;
    for (const auto& m : memories) bits += m.words * static_cast<uint64_t>(m.width);
    return (bits + 7) / 8;
}

std::optional<RegMap> build(const ir::Program& program, int dataWidth, Diagnostics& diags) {
    RegMap map;
    map.program = program.name;
    map.dataWidth = dataWidth;
    map.pipelineBase = 0;
    uint32_t next = kPipelineSpan;
    bool ok = true;
    for (size_t ti = 0; ti < program.tables.size(); ++ti) {
        const ir::Table& table = program.tables[ti];
        TableBlock t;
        t.table = static_cast<ir::TableId>(ti);
        t.name = table.name;
        t.keyWidth = 0;
        bool exactOnly = true, hasLpm = false;
        for (const auto& k : table.keys) {
            t.keyWidth += k.width;
            if (k.matchKind == ir::MatchKind::Lpm) hasLpm = true;
            if (k.matchKind != ir::MatchKind::Exact) exactOnly = false;
            if (k.matchKind == ir::MatchKind::Selector) {
                diags.unsupported(table.loc, "the selector match kind (table " + table.name + ")");
                ok = false;
            }
        }
        // A keyless table: a direct table of one 1-bit key that is always 0, so its default
        // action (and an entry with the empty key, as BMv2 takes one) work like any other's.
        if (table.keys.empty()) t.keyWidth = 1;
        if (directCells(table) > kMaxExternCells) {
            diags.unsupported(
                table.loc,
                fmt::format("direct counters or meters on table {} of {} entries (at most {} "
                            "in hardware)",
                            table.name, directCells(table), kMaxExternCells));
            ok = false;
            continue;
        }
        const int ids = std::max<int>(1, static_cast<int>(table.actions.size()));
        t.actionWidth = 1;
        while ((1 << t.actionWidth) < ids) ++t.actionWidth;
        // The parameters, then an entry's direct-counter cell (direct_cells.hpp).
        t.paramWidth = tableParamWidth(program, table);
        t.cellWidth = directCellWidth(table);
        t.cellOffset = t.cellWidth > 0 ? actionParamBits(program, table) : 0;
        for (size_t i = 0; i < table.actions.size(); ++i)
            if (table.actions[i].action == table.defaultAction.action)
                t.defaultAction = static_cast<int>(i);
        if (exactOnly && t.keyWidth <= 12) {
            t.kind = TableKind::Direct;
            t.module = "hop_table_direct";
            t.depth = 1 << t.keyWidth;
            t.latency = 2;
        } else if (exactOnly) {
            t.kind = TableKind::Exact;
            t.module = "hop_table_exact";
            t.slots = 4;
            const int64_t want = std::max<int64_t>(1, (table.size * 100 + 84) / 85);
            t.depth = static_cast<int>(std::max<int64_t>(ceilPow2(want), 16));
            t.latency = 3;
        } else {
            const bool lpmOnly = hasLpm && table.keys.size() == 1;
            const int resultWidth = t.actionWidth + t.paramWidth;
            const std::vector<int> strides = lpmOnly ? lpmStrides(t.keyWidth) : std::vector<int>{};
            const uint64_t size = static_cast<uint64_t>(std::max<int64_t>(table.size, 1));
            std::string why;  // why an lpm key cannot have the LPM block
            if (lpmOnly && strides.empty())
                why = fmt::format("a {}-bit key", t.keyWidth);
            else if (lpmOnly && resultWidth > 64)
                why = fmt::format("a {}-bit result (action id + parameters; at most 64)",
                                  resultWidth);
            if (lpmOnly && why.empty()) {
                t.kind = TableKind::Lpm;
                t.module = "hop_table_lpm";
                // Big IPv4 tables are sized for the Internet's prefix distribution; smaller
                // ones (and other widths) for the worst case.
                std::vector<double> perPrefix;
                if (t.keyWidth == 32 && size > 65536)
                    perPrefix = tables::kIpv4InternetNodesPerPrefix;
                t.lpm =
                    tables::LpmConfig::forSize(t.keyWidth, strides, size, resultWidth, perPrefix);
                const std::string bad = t.lpm.validate();
                if (!bad.empty()) {
                    diags.unsupported(table.loc,
                                      fmt::format("table {}: LPM geometry ({})", table.name, bad));
                    ok = false;
                    continue;
                }
                bool fits = lpmResultAddrWidth(t) <= 24;
                for (size_t k = 1; k < t.lpm.strides.size(); ++k)
                    fits = fits && lpmNodeAddrWidth(t, static_cast<int>(k)) <= 24;
                if (!fits) {
                    diags.unsupported(table.loc,
                                      fmt::format("table {} with {} entries (an LPM memory of "
                                                  "more than 2^24 words)",
                                                  table.name, table.size));
                    ok = false;
                    continue;
                }
                t.depth = static_cast<int>(std::min<uint64_t>(size, 1u << 30));
                t.latency = lpmLatency(static_cast<int>(t.lpm.strides.size()));
            } else {
                if (table.size > kTernaryMax) {
                    diags.unsupported(
                        table.loc,
                        lpmOnly ? fmt::format("table {} with {} entries and {} (the ternary "
                                              "fallback holds at most 4096)",
                                              table.name, table.size, why)
                                : fmt::format("table {} with {} entries (ternary tables hold at "
                                              "most 4096)",
                                              table.name, table.size));
                    ok = false;
                    continue;
                }
                t.kind = TableKind::Ternary;
                t.module = "hop_table_ternary";
                t.lpmAsTernary = hasLpm;
                t.depth = static_cast<int>(std::clamp<int64_t>(table.size, 2, kTernaryMax));
                t.latency = ternaryLatency(t.depth);
            }
        }
        t.span = static_cast<uint32_t>(ceilPow2(4 * tableWords(t)));
        next = (next + t.span - 1) / t.span * t.span;
        t.base = next;
        next += t.span;
        map.tables.push_back(t);
    }
    // Registers, counters and direct counters: one hop_register each (a direct counter has a
    // cell per entry of its table, direct_cells.hpp); meters and direct meters one hop_meter.
    for (size_t i = 0; i < program.externs.size(); ++i) {
        const ir::ExternObject& x = program.externs[i];
        using XK = ir::ExternObject::Kind;
        const bool direct = x.kind == XK::DirectCounter || x.kind == XK::DirectMeter;
        const bool meter = x.kind == XK::Meter || x.kind == XK::DirectMeter;
        if (direct && (x.table < 0 || x.table >= static_cast<int>(program.tables.size()))) continue;
        if (!direct && (x.size < 1 || x.size > kMaxExternCells)) {
            diags.unsupported(SourceLoc{}, fmt::format("{} of {} cells (at most {} in hardware)",
                                                       x.name, x.size, kMaxExternCells));
            ok = false;
            continue;
        }
        ExternBlock b;
        b.object = static_cast<int>(i);
        b.name = x.name;
        b.kind = x.kind == XK::Register ? "register" : meter ? "meter" : "counter";
        // A counter keeps packets and bytes; a meter its two buckets (meter_cell.hpp).
        b.width = x.kind == XK::Register ? x.width : meter ? kMeterCellBits : 128;
        if (meter) b.latency = kMeterLatency;
        b.depth = static_cast<int>(direct ? directCells(program.tables[x.table]) : x.size);
        if (direct) b.table = program.tables[x.table].name;
        if (direct && b.depth > kMaxExternCells) continue;  // refused with its table
        b.span = registerSpan(b.width);
        next = (next + b.span - 1) / b.span * b.span;
        b.base = next;
        next += b.span;
        map.externs.push_back(b);
    }
    if (auto d = digestBlock(program)) {
        next = (next + d->span - 1) / d->span * d->span;
        d->base = next;
        next += d->span;
        map.digest = std::move(d);
    }
    if (!ok) return std::nullopt;
    map.mapBytes = static_cast<uint32_t>(std::max<int64_t>(ceilPow2(next), 0x1000));
    map.addrWidth = log2Exact(map.mapBytes);
    map.controlPlane = controlPlaneJson(program);
    return map;
}

nlohmann::json toJson(const RegMap& map) {
    nlohmann::json tables = nlohmann::json::array();
    for (const auto& t : map.tables) {
        nlohmann::json j = {{"name", t.name},
                            {"table", t.table},
                            {"module", t.module},
                            {"kind", kindName(t.kind)},
                            {"lpm_as_ternary", t.lpmAsTernary},
                            {"base", t.base},
                            {"span", t.span},
                            {"key_width", t.keyWidth},
                            {"action_width", t.actionWidth},
                            {"param_width", t.paramWidth},
                            {"depth", t.depth},
                            {"slots", t.slots},
                            {"latency", t.latency},
                            {"default_action", t.defaultAction}};
        // An entry's direct-counter cell, above the parameters in the action data.
        if (t.cellWidth > 0) j["direct_cell"] = {{"offset", t.cellOffset}, {"width", t.cellWidth}};
        if (t.kind == TableKind::Lpm) {
            // Level 0 is direct-indexed: 2^stride words, address width = its stride.
            nlohmann::json cap = nlohmann::json::array(), aw = nlohmann::json::array();
            for (size_t k = 0; k < t.lpm.strides.size(); ++k) {
                cap.push_back(k == 0 ? (uint64_t{1} << t.lpm.strides[0]) : t.lpm.nodeCapacity[k]);
                aw.push_back(lpmNodeAddrWidth(t, static_cast<int>(k)));
            }
            j["lpm"] = {{"levels", t.lpm.strides.size()},
                        {"strides", t.lpm.strides},
                        {"size", t.lpm.size},
                        {"node_capacity", cap},
                        {"node_addr_width", aw},
                        {"result_capacity", t.lpm.resultCapacity},
                        {"result_addr_width", lpmResultAddrWidth(t)},
                        {"result_width", t.lpm.resultWidth}};
        }
        tables.push_back(std::move(j));
    }
    nlohmann::json externs = nlohmann::json::array();
    for (const auto& x : map.externs) {
        externs.push_back({{"name", x.name},
                           {"object", x.object},
                           {"kind", x.kind},
                           {"module", x.kind == "meter" ? "hop_meter" : "hop_register"},
                           {"width", x.width},
                           {"depth", x.depth},
                           {"base", x.base},
                           {"span", x.span}});
        if (!x.table.empty()) externs.back()["table"] = x.table;
        if (x.kind == "meter") externs.back()["latency"] = x.latency;
    }
    // Only when there are any: a program without registers keeps the map (and its content
    // hash) it had before they had blocks.
    nlohmann::json out = {{"program", map.program},
                          {"data_width", map.dataWidth},
                          {"store_and_forward", map.maxFrameBytes > 0},
                          {"max_frame_bytes", map.maxFrameBytes},
                          {"latency", map.latency},
                          {"map_bytes", map.mapBytes},
                          {"addr_width", map.addrWidth},
                          {"pipeline",
                           {{"base", map.pipelineBase},
                            {"span", kPipelineSpan},
                            {"id", kPipelineId},
                            {"registers",
                             {{"ID", 4 * kWordId},
                              {"DATA_W", 4 * kWordDataWidth},
                              {"LATENCY", 4 * kWordLatency},
                              {"RX_PACKETS", 4 * kWordRxPackets},
                              {"TX_PACKETS", 4 * kWordTxPackets},
                              {"DROPPED", 4 * kWordDropped},
                              {"TOO_LONG", 4 * kWordTooLong},
                              {"MAX_FRAME", 4 * kWordMaxFrame},
                              {"HASH_LO", 4 * kWordHashLo},
                              {"HASH_HI", 4 * kWordHashHi}}}}},
                          {"tables", tables},
                          {"control_plane", map.controlPlane}};
    if (!externs.empty()) out["externs"] = std::move(externs);
    if (map.digest) out["digests"] = digestToJson(*map.digest);
    return out;
}

uint64_t fnv1a64(std::string_view bytes) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (const unsigned char c : bytes) {
        h ^= c;
        h *= 0x100000001b3ull;
    }
    return h;
}

uint64_t contentHash(const RegMap& map) { return fnv1a64(toJson(map).dump()); }

namespace {

// Reads regmap.json strictly: a missing or mistyped member throws BadJson naming its path.
struct BadJson {
    std::string what;
};

const nlohmann::json& member(const nlohmann::json& j, const std::string& path, const char* key) {
    if (!j.is_object() || !j.contains(key))
        throw BadJson{fmt::format("{}.{} is missing", path, key)};
    return j.at(key);
}

template <typename T>
T number(const nlohmann::json& j, const std::string& path, const char* key, T lo, T hi) {
    const auto& v = member(j, path, key);
    if (!v.is_number_integer()) throw BadJson{fmt::format("{}.{} must be an integer", path, key)};
    // Compare as the widest types so that negative values and values past T are refused alike.
    const bool negative = v.is_number_integer() && !v.is_number_unsigned() && v.get<int64_t>() < 0;
    if ((negative && static_cast<int64_t>(lo) >= 0) ||
        (negative ? v.get<int64_t>() < static_cast<int64_t>(lo)
                  : v.get<uint64_t>() > static_cast<uint64_t>(hi))) {
        throw BadJson{fmt::format("{}.{} = {} is out of range", path, key, v.dump())};
    }
    return negative ? static_cast<T>(v.get<int64_t>()) : static_cast<T>(v.get<uint64_t>());
}

std::string text(const nlohmann::json& j, const std::string& path, const char* key) {
    const auto& v = member(j, path, key);
    if (!v.is_string()) throw BadJson{fmt::format("{}.{} must be a string", path, key)};
    return v.get<std::string>();
}

bool flag(const nlohmann::json& j, const std::string& path, const char* key) {
    const auto& v = member(j, path, key);
    if (!v.is_boolean()) throw BadJson{fmt::format("{}.{} must be true or false", path, key)};
    return v.get<bool>();
}

template <typename T>
std::vector<T> numbers(const nlohmann::json& j, const std::string& path, const char* key, T lo,
                       T hi) {
    const auto& v = member(j, path, key);
    if (!v.is_array()) throw BadJson{fmt::format("{}.{} must be an array", path, key)};
    std::vector<T> out;
    for (size_t i = 0; i < v.size(); ++i) {
        const nlohmann::json wrap = {{"v", v[i]}};
        out.push_back(number<T>(wrap, fmt::format("{}.{}[{}]", path, key, i), "v", lo, hi));
    }
    return out;
}

TableKind kindFromName(const std::string& name, const std::string& path) {
    for (TableKind k : {TableKind::Exact, TableKind::Direct, TableKind::Ternary, TableKind::Lpm})
        if (name == kindName(k)) return k;
    throw BadJson{fmt::format("{}.kind = \"{}\" is not exact, direct, ternary or lpm", path, name)};
}

TableBlock tableFromJson(const nlohmann::json& j, const std::string& path) {
    constexpr int kMaxInt = std::numeric_limits<int>::max();
    TableBlock t;
    t.name = text(j, path, "name");
    t.table = number<int>(j, path, "table", 0, kMaxInt);
    t.module = text(j, path, "module");
    t.kind = kindFromName(text(j, path, "kind"), path);
    t.lpmAsTernary = flag(j, path, "lpm_as_ternary");
    t.base = number<uint32_t>(j, path, "base", 0, UINT32_MAX);
    t.span = number<uint32_t>(j, path, "span", 4, UINT32_MAX);
    t.keyWidth = number<int>(j, path, "key_width", 1, kMaxInt);
    t.actionWidth = number<int>(j, path, "action_width", 1, 32);
    t.paramWidth = number<int>(j, path, "param_width", 1, kMaxInt);
    t.depth = number<int>(j, path, "depth", 1, kMaxInt);
    t.slots = number<int>(j, path, "slots", 1, kMaxInt);
    t.latency = number<int>(j, path, "latency", 0, kMaxInt);
    t.defaultAction = number<int>(j, path, "default_action", 0, kMaxInt);
    if (j.contains("direct_cell")) {
        const auto& c = member(j, path, "direct_cell");
        t.cellWidth = number<int>(c, path + ".direct_cell", "width", 1, 30);
        t.cellOffset = number<int>(c, path + ".direct_cell", "offset", 0, kMaxInt);
        if (t.cellOffset + t.cellWidth > t.paramWidth)
            throw BadJson{fmt::format("{}.direct_cell lies past param_width", path)};
    }
    if (t.base % t.span != 0)
        throw BadJson{
            fmt::format("{}.base 0x{:x} is not aligned to its span 0x{:x}", path, t.base, t.span)};
    if (t.kind == TableKind::Lpm) {
        const auto& l = member(j, path, "lpm");
        const std::string lp = path + ".lpm";
        t.lpm.keyWidth = t.keyWidth;
        t.lpm.strides = numbers<int>(l, lp, "strides", 1, 24);
        t.lpm.size = number<uint64_t>(l, lp, "size", 0, UINT64_MAX);
        t.lpm.resultWidth = number<int>(l, lp, "result_width", 1, 64);
        t.lpm.resultCapacity = number<uint32_t>(l, lp, "result_capacity", 1, UINT32_MAX);
        const auto caps = numbers<uint64_t>(l, lp, "node_capacity", 1, UINT32_MAX);
        if (caps.size() != t.lpm.strides.size() ||
            number<size_t>(l, lp, "levels", 1, kLpmMaxLevels) != t.lpm.strides.size()) {
            throw BadJson{fmt::format("{}: levels, strides and node_capacity disagree", lp)};
        }
        t.lpm.nodeCapacity.assign(caps.size(), 0);  // level 0 is direct-indexed: 2^stride
        for (size_t k = 1; k < caps.size(); ++k)
            t.lpm.nodeCapacity[k] = static_cast<uint32_t>(caps[k]);
        if (const std::string bad = t.lpm.validate(); !bad.empty())
            throw BadJson{fmt::format("{}: {}", lp, bad)};
    }
    return t;
}

}  // namespace

std::optional<RegMap> fromJson(const nlohmann::json& json, std::string& error) {
    try {
        constexpr int kMaxInt = std::numeric_limits<int>::max();
        RegMap map;
        map.program = text(json, "regmap", "program");
        map.dataWidth = number<int>(json, "regmap", "data_width", 64, 512);
        map.maxFrameBytes = number<int>(json, "regmap", "max_frame_bytes", 0, kMaxInt);
        if (flag(json, "regmap", "store_and_forward") != (map.maxFrameBytes > 0))
            throw BadJson{"regmap.store_and_forward disagrees with max_frame_bytes"};
        map.latency = number<int>(json, "regmap", "latency", 0, kMaxInt);
        map.mapBytes = number<uint32_t>(json, "regmap", "map_bytes", 4, UINT32_MAX);
        map.addrWidth = number<int>(json, "regmap", "addr_width", 2, 32);
        if (map.mapBytes != (uint64_t{1} << map.addrWidth))
            throw BadJson{"regmap.map_bytes is not 2^addr_width"};
        const auto& pipeline = member(json, "regmap", "pipeline");
        map.pipelineBase = number<uint32_t>(pipeline, "regmap.pipeline", "base", 0, UINT32_MAX);
        if (number<uint32_t>(pipeline, "regmap.pipeline", "id", 0, UINT32_MAX) != kPipelineId)
            throw BadJson{"regmap.pipeline.id is not the hopline pipeline's"};
        const auto& tables = member(json, "regmap", "tables");
        if (!tables.is_array()) throw BadJson{"regmap.tables must be an array"};
        for (size_t i = 0; i < tables.size(); ++i) {
            map.tables.push_back(tableFromJson(tables[i], fmt::format("regmap.tables[{}]", i)));
            const auto& t = map.tables.back();
            if (uint64_t{t.base} + t.span > map.mapBytes)
                throw BadJson{fmt::format("regmap.tables[{}] ends past map_bytes", i)};
        }
        // Absent in maps written before registers had blocks: none.
        if (json.contains("externs")) {
            const auto& externs = json["externs"];
            if (!externs.is_array()) throw BadJson{"regmap.externs must be an array"};
            for (size_t i = 0; i < externs.size(); ++i) {
                const std::string path = fmt::format("regmap.externs[{}]", i);
                const auto& j = externs[i];
                ExternBlock x;
                x.name = text(j, path, "name");
                x.object = number<int>(j, path, "object", 0, kMaxInt);
                x.kind = text(j, path, "kind");
                if (x.kind != "register" && x.kind != "counter" && x.kind != "meter")
                    throw BadJson{fmt::format("{}.kind '{}' is not register, counter or meter",
                                              path, x.kind)};
                if (x.kind == "meter") x.latency = number<int>(j, path, "latency", 1, 64);
                x.width = number<int>(j, path, "width", 1, 1024);
                x.depth = number<int>(j, path, "depth", 1, static_cast<int>(kMaxExternCells));
                if (j.contains("table")) x.table = text(j, path, "table");
                x.base = number<uint32_t>(j, path, "base", 0, UINT32_MAX);
                x.span = number<uint32_t>(j, path, "span", 4, UINT32_MAX);
                if (x.span != registerSpan(x.width) || x.base % x.span != 0 ||
                    uint64_t{x.base} + x.span > map.mapBytes)
                    throw BadJson{fmt::format("{}: base 0x{:x} / span 0x{:x} do not fit", path,
                                              x.base, x.span)};
                map.externs.push_back(x);
            }
        }
        if (json.contains("digests")) {
            std::string bad;
            map.digest = digestFromJson(json["digests"], "regmap.digests", map.mapBytes, bad);
            if (!map.digest) throw BadJson{bad};
        }
        map.controlPlane = member(json, "regmap", "control_plane");
        if (!map.controlPlane.is_object()) throw BadJson{"regmap.control_plane must be an object"};
        return map;
    } catch (const BadJson& bad) {
        error = bad.what;
    } catch (const nlohmann::json::exception& e) {
        error = e.what();
    }
    return std::nullopt;
}

std::string toHeader(const RegMap& map) {
    std::string out;
    out += "// SPDX-License-Identifier: Apache-2.0\n";
    out += fmt::format(
        "// CSR map of the hopline pipeline of {}.p4 (generated by hopc; do not edit).\n",
        map.program);
    out += "#pragma once\n\n#include <cstdint>\n\n";
    const std::string ns = verilog::sanitize(map.program);
    out += fmt::format("namespace hop::regmap::{} {{\n\n", ns);
    out += fmt::format("inline constexpr int kDataWidth = {};\n", map.dataWidth);
    out += fmt::format("inline constexpr uint32_t kMapBytes = 0x{:x};\n", map.mapBytes);
    out += fmt::format("inline constexpr int kAddrWidth = {};\n", map.addrWidth);
    out += fmt::format(
        "inline constexpr int kMaxFrameBytes = {};  // store-and-forward limit; 0 = "
        "cut-through\n\n",
        map.maxFrameBytes);
    out += "namespace pipeline {\n";
    out += fmt::format("inline constexpr uint32_t kBase = 0x{:x};\n", map.pipelineBase);
    out += fmt::format("inline constexpr uint32_t kSpan = 0x{:x};\n", kPipelineSpan);
    out += fmt::format("inline constexpr uint32_t kIdValue = 0x{:x};\n", kPipelineId);
    const std::pair<const char*, uint32_t> regs[] = {{"kId", kWordId},
                                                     {"kDataWidth", kWordDataWidth},
                                                     {"kLatency", kWordLatency},
                                                     {"kRxPackets", kWordRxPackets},
                                                     {"kTxPackets", kWordTxPackets},
                                                     {"kDropped", kWordDropped},
                                                     {"kTooLong", kWordTooLong},
                                                     {"kMaxFrame", kWordMaxFrame}};
    for (const auto& [n, w] : regs)
        out += fmt::format("inline constexpr uint32_t {} = 0x{:x};\n", n, map.pipelineBase + 4 * w);
    out += "}  // namespace pipeline\n\n";
    out +=
        "struct TableBlock {\n    const char* name;\n    const char* module;\n"
        "    int kind;  // 1 exact, 2 direct, 3 ternary, 4 lpm (the blocks' INFO.kind)\n"
        "    bool lpmAsTernary;\n    uint32_t base, span;\n"
        "    int keyWidth, actionWidth, paramWidth, depth, slots, latency, defaultAction;\n"
        "    // kind 4 (hop_table_lpm): levels, strides (level 0 first), words and address width\n"
        "    // of each level's node memory (level 0: 2^stride, direct), the result memory.\n"
        "    int lpmLevels, lpmResultWidth;\n    uint32_t lpmResultCapacity;\n"
        "    int lpmResultAddrWidth;\n    int lpmStrides[16];\n"
        "    uint32_t lpmNodeCapacity[16];\n    int lpmNodeAddrWidth[16];\n};\n\n";
    out += "inline constexpr TableBlock kTables[] = {\n";
    for (const auto& t : map.tables) {
        std::string lpm = "0, 0, 0, 0, {}, {}, {}";
        if (t.kind == TableKind::Lpm) {
            std::string st, cap, aw;
            for (size_t k = 0; k < t.lpm.strides.size(); ++k) {
                const char* sep = k ? ", " : "";
                st += fmt::format("{}{}", sep, t.lpm.strides[k]);
                cap +=
                    fmt::format("{}{}", sep,
                                k == 0 ? (uint64_t{1} << t.lpm.strides[0]) : t.lpm.nodeCapacity[k]);
                aw += fmt::format("{}{}", sep, lpmNodeAddrWidth(t, static_cast<int>(k)));
            }
            lpm = fmt::format("{}, {}, {}, {}, {{{}}}, {{{}}}, {{{}}}", t.lpm.strides.size(),
                              t.lpm.resultWidth, t.lpm.resultCapacity, lpmResultAddrWidth(t), st,
                              cap, aw);
        }
        out += fmt::format(
            "    {{\"{}\", \"{}\", {}, {}, 0x{:x}, 0x{:x}, {}, {}, {}, {}, {}, {}, {},\n     "
            "{}}},\n",
            t.name, t.module, static_cast<int>(t.kind), t.lpmAsTernary ? "true" : "false", t.base,
            t.span, t.keyWidth, t.actionWidth, t.paramWidth, t.depth, t.slots, t.latency,
            t.defaultAction, lpm);
    }
    if (map.tables.empty())
        out +=
            "    {\"\", \"\", 0, false, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, {}, {}, {}},  // no "
            "tables\n";
    out += "};\n";
    out += fmt::format("inline constexpr int kTableCount = {};\n\n", map.tables.size());
    for (const auto& t : map.tables) {
        out += fmt::format("namespace {} {{  // {}\n", verilog::sanitize(t.name), t.name);
        out += fmt::format("inline constexpr uint32_t kBase = 0x{:x};\n", t.base);
        out += fmt::format("inline constexpr uint32_t kSpan = 0x{:x};\n", t.span);
        out += "}\n";
    }
    out += fmt::format("\n}}  // namespace hop::regmap::{}\n", ns);
    return out;
}

}  // namespace hop::regmap
