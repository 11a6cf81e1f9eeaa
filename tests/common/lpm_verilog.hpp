// SPDX-License-Identifier: Apache-2.0
// For tests: the RAMs of the hop_table_lpm instance of table `tableName` in Verilog hopc
// generated (the parameters it wrote, read back, then regmap::lpmMemories); nullopt with `error`
// when there is none or a parameter is missing. Lets a test compare what a pipeline instantiates
// with the register map's capacities.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "regmap/regmap.hpp"

namespace hop::testutil {

inline std::optional<std::vector<regmap::LpmMemory>> lpmMemoriesInVerilog(
    const std::string& verilog, const std::string& tableName, std::string& error) {
    // The backend writes `// table NAME (hop_table_lpm, ...)`, then `hop_table_lpm #(` with one
    // `.NAME(VALUE)` per line up to `) u_...`.
    const size_t at = verilog.find("// table " + tableName + " (hop_table_lpm");
    const size_t open = at == std::string::npos ? at : verilog.find("hop_table_lpm #(", at);
    const size_t close = open == std::string::npos ? open : verilog.find(") u_", open);
    if (close == std::string::npos) {
        error = "no hop_table_lpm instance of " + tableName;
        return std::nullopt;
    }
    const std::string params = verilog.substr(open, close - open);
    auto value = [&](const std::string& name) -> std::optional<std::string> {
        const size_t p = params.find("." + name + "(");
        if (p == std::string::npos) return std::nullopt;
        const size_t b = p + name.size() + 2, e = params.find(')', b);
        if (e == std::string::npos) return std::nullopt;
        return params.substr(b, e - b);
    };
    // Byte / word k of a hex vector `N'hXX_XX...` (least significant first).
    auto fields = [](std::string v, int bits) {
        std::vector<uint64_t> out;
        const size_t h = v.find("'h");
        if (h != std::string::npos) v = v.substr(h + 2);
        std::erase(v, '_');
        const size_t digits = static_cast<size_t>(bits / 4);
        for (size_t end = v.size(); end > 0; end = end > digits ? end - digits : 0)
            out.push_back(
                std::stoull(v.substr(end > digits ? end - digits : 0, end > digits ? digits : end),
                            nullptr, 16));
        return out;
    };
    const auto levels = value("LEVELS"), strides = value("STRIDES"), nodeAw = value("NODE_AW"),
               nodeDepth = value("NODE_DEPTH"), resAw = value("RES_AW"),
               resDepth = value("RES_DEPTH"), actionW = value("ACTION_W"),
               paramW = value("PARAM_W");
    if (!levels || !strides || !nodeAw || !nodeDepth || !resAw || !resDepth || !actionW ||
        !paramW) {
        error = "the hop_table_lpm instance of " + tableName + " lacks a geometry parameter";
        return std::nullopt;
    }
    try {
        const size_t n = std::stoul(*levels);
        auto st = fields(*strides, 8), aw = fields(*nodeAw, 8), nd = fields(*nodeDepth, 32);
        st.resize(std::max(st.size(), n));
        aw.resize(std::max(aw.size(), n));
        nd.resize(std::max(nd.size(), n));
        return regmap::lpmMemories(std::vector<int>(st.begin(), st.begin() + n),
                                   std::vector<int>(aw.begin(), aw.begin() + n),
                                   std::vector<uint64_t>(nd.begin(), nd.begin() + n),
                                   std::stoi(*resAw), std::stoull(*resDepth),
                                   std::stoi(*actionW) + std::stoi(*paramW));
    } catch (const std::exception& e) {
        error = "the hop_table_lpm instance of " + tableName + ": " + e.what();
        return std::nullopt;
    }
}

}  // namespace hop::testutil
