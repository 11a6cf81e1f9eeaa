// SPDX-License-Identifier: Apache-2.0
// The P4 tutorials' runtime JSON (`table_entries`).
#include "runtime/tables/entry_parse.hpp"

namespace hop::tables {

namespace {

using namespace parse;

// A JSON scalar as text for parseValue.
bool jsonValueText(const nlohmann::json& v, std::string& out) {
    if (v.is_string()) {
        out = v.get<std::string>();
        return true;
    }
    if (v.is_number_unsigned()) {
        out = std::to_string(v.get<uint64_t>());
        return true;
    }
    if (v.is_number_integer()) {
        out = std::to_string(v.get<int64_t>());
        return true;
    }
    if (v.is_boolean()) {
        out = v.get<bool>() ? "1" : "0";
        return true;
    }
    return false;
}

}  // namespace

std::optional<std::vector<Command>> parseRuntimeJson(const ir::Program& program,
                                                     const nlohmann::json& doc,
                                                     const std::string& file, ParseError& error) {
    error = ParseError{{file, 0, 0}, {}};
    auto fail = [&](int index, const std::string& message) {
        error.where = {file, index + 1, 0};
        error.message =
            (index >= 0 ? "table_entries[" + std::to_string(index) + "]: " : std::string()) +
            message;
        return std::nullopt;
    };
    if (!doc.is_object()) return fail(-1, "expected a JSON object with \"table_entries\"");
    for (const char* unsupported : {"multicast_group_entries", "clone_session_entries"})
        if (doc.contains(unsupported) && !doc[unsupported].empty())
            return fail(-1, std::string("\"") + unsupported + "\" is not supported by hopline");
    std::vector<Command> out;
    if (!doc.contains("table_entries")) return out;
    const auto& entries = doc["table_entries"];
    if (!entries.is_array()) return fail(-1, "\"table_entries\" must be an array");
    for (size_t n = 0; n < entries.size(); ++n) {
        const int idx = static_cast<int>(n);
        const auto& e = entries[n];
        ParseError sub;
        Parser ps(program, {file, idx + 1, 0}, sub);
        auto subFail = [&]() {
            error.where = {file, idx + 1, 0};
            error.message = "table_entries[" + std::to_string(idx) + "]: " + sub.message;
            return std::nullopt;
        };
        if (!e.is_object()) return fail(idx, "expected an object");
        if (!e.contains("table") || !e["table"].is_string()) return fail(idx, "missing \"table\"");
        ir::TableId tid = ps.table(e["table"].get<std::string>(), -1);
        if (tid < 0) return subFail();
        const ir::Table& t = program.tables[tid];
        Command cmd;
        cmd.entry.table = tid;
        const bool isDefault = e.contains("default_action") && e["default_action"].is_boolean() &&
                               e["default_action"].get<bool>();
        cmd.kind = isDefault ? Command::Kind::SetDefault : Command::Kind::Add;
        if (!e.contains("action_name") || !e["action_name"].is_string())
            return fail(idx, "missing \"action_name\"");
        ir::ActionId aid = ps.action(t, e["action_name"].get<std::string>(), isDefault, -1);
        if (aid < 0) return subFail();
        const ir::Action& a = program.actions[aid];
        cmd.entry.action.action = aid;
        cmd.entry.action.args.assign(a.params.size(), 0);
        std::vector<bool> seen(a.params.size(), false);
        if (e.contains("action_params")) {
            const auto& params = e["action_params"];
            if (!params.is_object()) return fail(idx, "\"action_params\" must be an object");
            for (auto it = params.begin(); it != params.end(); ++it) {
                int pi = ps.paramIndex(a, it.key(), -1);
                if (pi < 0) return subFail();
                std::string text;
                if (!jsonValueText(it.value(), text))
                    return fail(idx, "parameter '" + it.key() + "' must be a number or a string");
                auto v = ps.param(a, pi, text, -1);
                if (!v) return subFail();
                cmd.entry.action.args[pi] = *v;
                seen[pi] = true;
            }
        }
        for (size_t i = 0; i < a.params.size(); ++i)
            if (!seen[i])
                return fail(
                    idx, "missing parameter '" + a.params[i].name + "' of action '" + a.name + "'");
        if (!isDefault) {
            std::vector<std::optional<KeyMatch>> keys(t.keys.size());
            if (e.contains("match")) {
                const auto& match = e["match"];
                if (!match.is_object()) return fail(idx, "\"match\" must be an object");
                for (auto it = match.begin(); it != match.end(); ++it) {
                    int ki = ps.keyIndex(t, it.key(), -1);
                    if (ki < 0) return subFail();
                    const ir::TableKey& k = t.keys[ki];
                    const auto& v = it.value();
                    std::string text, second;
                    const bool pair = v.is_array();
                    if (pair) {
                        if (v.size() != 2 || !jsonValueText(v[0], text) ||
                            !jsonValueText(v[1], second))
                            return fail(idx, "key '" + k.name + "' must be [value, " +
                                                 (k.matchKind == ir::MatchKind::Lpm ? "prefix_len"
                                                  : k.matchKind == ir::MatchKind::Range ? "high"
                                                                                        : "mask") +
                                                 "]");
                    } else if (!jsonValueText(v, text)) {
                        return fail(idx, "key '" + k.name + "' must be a number or a string");
                    }
                    std::string form = text;
                    if (pair) {
                        switch (k.matchKind) {
                            case ir::MatchKind::Lpm:
                                form = text + "/" + second;
                                break;
                            case ir::MatchKind::Ternary:
                                form = text + "&&&" + second;
                                break;
                            case ir::MatchKind::Range:
                                form = text + "->" + second;
                                break;
                            default:
                                return fail(idx, "key '" + k.name + "' is " +
                                                     ir::toString(k.matchKind) +
                                                     ": expected one value, not a pair");
                        }
                    }
                    keys[ki] = ps.key(k, form, -1);
                    if (!keys[ki]) return subFail();
                }
            }
            for (size_t k = 0; k < keys.size(); ++k) {
                if (!keys[k]) keys[k] = ps.missingKey(t, static_cast<int>(k), -1);
                if (!keys[k]) return subFail();
                cmd.entry.keys.push_back(*keys[k]);
            }
            if (e.contains("priority")) {
                if (!e["priority"].is_number_integer())
                    return fail(idx, "\"priority\" must be an integer");
                if (needsPriority(t)) cmd.entry.priority = e["priority"].get<int64_t>();
            } else if (needsPriority(t)) {
                cmd.entry.priority = 0;
            }
        }
        out.push_back(std::move(cmd));
    }
    return out;
}

}  // namespace hop::tables
