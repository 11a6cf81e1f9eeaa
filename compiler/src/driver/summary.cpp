// SPDX-License-Identifier: Apache-2.0
#include "driver/summary.hpp"

#include <fmt/format.h>

#include <map>

namespace hop {
namespace {

std::string str(const nlohmann::json& j, const char* key, const std::string& fallback = "") {
    auto it = j.find(key);
    if (it == j.end()) return fallback;
    if (it->is_string()) return it->get<std::string>();
    return it->dump();
}

std::string matchTypeName(const nlohmann::json& field) {
    std::string t = str(field, "matchType", "OTHER");
    for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return t;
}

}  // namespace

std::string summarizeP4Info(const nlohmann::json& p4info) {
    std::map<uint64_t, std::string> actionNames;
    std::string actionsText;
    const auto actions = p4info.value("actions", nlohmann::json::array());
    for (const auto& a : actions) {
        const auto& pre = a.at("preamble");
        actionNames[pre.value("id", uint64_t{0})] = str(pre, "name");
        std::string params;
        for (const auto& p : a.value("params", nlohmann::json::array()))
            params += fmt::format("{}{}: bit<{}>", params.empty() ? "" : ", ", str(p, "name"),
                                  p.value("bitwidth", 0));
        actionsText += fmt::format("    {}({})\n", str(pre, "name"), params);
    }
    const auto tables = p4info.value("tables", nlohmann::json::array());
    std::string out = fmt::format("  {} table{}\n", tables.size(), tables.size() == 1 ? "" : "s");
    for (const auto& t : tables) {
        std::string keys;
        for (const auto& k : t.value("matchFields", nlohmann::json::array()))
            keys += fmt::format("{}{}: {} bit<{}>", keys.empty() ? "" : ", ", str(k, "name"),
                                matchTypeName(k), k.value("bitwidth", 0));
        std::string refs;
        for (const auto& r : t.value("actionRefs", nlohmann::json::array())) {
            auto it = actionNames.find(r.value("id", uint64_t{0}));
            refs += fmt::format("{}{}", refs.empty() ? "" : ", ",
                                it == actionNames.end() ? std::string("?") : it->second);
        }
        out += fmt::format("    {}  key [{}]  actions [{}]  size {}{}\n",
                           str(t.at("preamble"), "name"), keys, refs, str(t, "size", "?"),
                           t.value("isConstTable", false) ? "  (const entries)" : "");
    }
    out += fmt::format("  {} action{}\n", actions.size(), actions.size() == 1 ? "" : "s");
    out += actionsText;
    const auto cpm = p4info.value("controllerPacketMetadata", nlohmann::json::array());
    for (const auto& c : cpm) {
        std::string fields;
        for (const auto& m : c.value("metadata", nlohmann::json::array()))
            fields += fmt::format("{}{}: bit<{}>", fields.empty() ? "" : ", ", str(m, "name"),
                                  m.value("bitwidth", 0));
        out += fmt::format("  controller header {} ({})\n", str(c.at("preamble"), "name"), fields);
    }
    return out;
}

}  // namespace hop
