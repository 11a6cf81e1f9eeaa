// SPDX-License-Identifier: Apache-2.0
#include "regmap/control_plane.hpp"

#include <fmt/format.h>

#include <limits>

namespace hop::regmap {

namespace {

using nlohmann::json;

// Arbitrary-precision values as hexadecimal strings (JSON numbers stop at 64 bits).
std::string hex(const ir::BigInt& v) {
    std::ostringstream s;
    s << "0x" << std::hex << v;
    return s.str();
}

const char* matchKindName(ir::MatchKind k) {
    switch (k) {
        case ir::MatchKind::Exact:
            return "exact";
        case ir::MatchKind::Lpm:
            return "lpm";
        case ir::MatchKind::Ternary:
            return "ternary";
        case ir::MatchKind::Range:
            return "range";
        case ir::MatchKind::Optional:
            return "optional";
        case ir::MatchKind::Selector:
            return "selector";
    }
    return "?";
}

const char* scopeName(ir::ActionRef::Scope s) {
    switch (s) {
        case ir::ActionRef::Scope::TableAndDefault:
            return "table_and_default";
        case ir::ActionRef::Scope::TableOnly:
            return "table_only";
        case ir::ActionRef::Scope::DefaultOnly:
            return "default_only";
    }
    return "?";
}

const char* matchName(ir::Match::Kind k) {
    switch (k) {
        case ir::Match::Kind::Exact:
            return "exact";
        case ir::Match::Kind::Ternary:
            return "ternary";
        case ir::Match::Kind::Lpm:
            return "lpm";
        case ir::Match::Kind::Range:
            return "range";
        case ir::Match::Kind::DontCare:
            return "dont_care";
    }
    return "?";
}

const char* externKindName(ir::ExternObject::Kind k) {
    switch (k) {
        case ir::ExternObject::Kind::Counter:
            return "counter";
        case ir::ExternObject::Kind::DirectCounter:
            return "direct_counter";
        case ir::ExternObject::Kind::Meter:
            return "meter";
        case ir::ExternObject::Kind::DirectMeter:
            return "direct_meter";
        case ir::ExternObject::Kind::Register:
            return "register";
    }
    return "?";
}

const char* unitName(ir::ExternObject::Unit u) {
    switch (u) {
        case ir::ExternObject::Unit::Packets:
            return "packets";
        case ir::ExternObject::Unit::Bytes:
            return "bytes";
        case ir::ExternObject::Unit::Both:
            return "packets_and_bytes";
    }
    return "?";
}

json callJson(const ir::ActionCall& call) {
    json args = json::array();
    for (const auto& a : call.args) args.push_back(hex(a));
    return {{"action", call.action}, {"args", args}};
}

// --- reading

struct Bad {
    std::string what;
};

const json& at(const json& j, const std::string& path, const char* key) {
    if (!j.is_object() || !j.contains(key)) throw Bad{fmt::format("{}.{} is missing", path, key)};
    return j.at(key);
}

const json& array(const json& j, const std::string& path, const char* key) {
    const json& v = at(j, path, key);
    if (!v.is_array()) throw Bad{fmt::format("{}.{} must be an array", path, key)};
    return v;
}

std::string str(const json& j, const std::string& path, const char* key) {
    const json& v = at(j, path, key);
    if (!v.is_string()) throw Bad{fmt::format("{}.{} must be a string", path, key)};
    return v.get<std::string>();
}

bool boolean(const json& j, const std::string& path, const char* key) {
    const json& v = at(j, path, key);
    if (!v.is_boolean()) throw Bad{fmt::format("{}.{} must be true or false", path, key)};
    return v.get<bool>();
}

int64_t integer(const json& j, const std::string& path, const char* key, int64_t lo, int64_t hi) {
    const json& v = at(j, path, key);
    if (!v.is_number_integer() || (v.is_number_unsigned() && v.get<uint64_t>() > uint64_t(hi)) ||
        v.get<int64_t>() < lo || v.get<int64_t>() > hi) {
        throw Bad{fmt::format("{}.{} must be an integer from {} to {}", path, key, lo, hi)};
    }
    return v.get<int64_t>();
}

ir::BigInt big(const json& v, const std::string& path) {
    if (!v.is_string()) throw Bad{path + " must be a hexadecimal string"};
    const std::string s = v.get<std::string>();
    if (s.size() < 3 || s.substr(0, 2) != "0x" ||
        s.find_first_not_of("0123456789abcdefABCDEF", 2) != std::string::npos) {
        throw Bad{fmt::format("{} = \"{}\" is not a hexadecimal value", path, s)};
    }
    return ir::BigInt(s);
}

template <typename E, size_t N>
E named(const std::string& name, const std::string& path, const E (&values)[N],
        const char* (*nameOf)(E)) {
    for (E e : values)
        if (name == nameOf(e)) return e;
    throw Bad{fmt::format("{} = \"{}\" is not a known name", path, name)};
}

ir::ActionCall callFrom(const json& j, const std::string& path, const ir::Program& p) {
    ir::ActionCall call;
    call.action = static_cast<ir::ActionId>(
        integer(j, path, "action", 0, static_cast<int64_t>(p.actions.size()) - 1));
    const json& args = array(j, path, "args");
    if (args.size() != p.actions[call.action].params.size())
        throw Bad{fmt::format("{}.args: {} values for {} parameters", path, args.size(),
                              p.actions[call.action].params.size())};
    for (size_t i = 0; i < args.size(); ++i)
        call.args.push_back(big(args[i], fmt::format("{}.args[{}]", path, i)));
    return call;
}

}  // namespace

nlohmann::json controlPlaneJson(const ir::Program& program) {
    json actions = json::array();
    for (const auto& a : program.actions) {
        json params = json::array();
        for (const auto& p : a.params)
            params.push_back(
                {{"name", p.name}, {"width", p.width}, {"signed", p.isSigned}, {"bool", p.isBool}});
        json j = {{"name", a.name}, {"local_name", a.localName}, {"params", params}};
        if (a.id) j["id"] = *a.id;
        actions.push_back(std::move(j));
    }
    json tables = json::array();
    for (const auto& t : program.tables) {
        json keys = json::array(), refs = json::array(), entries = json::array();
        for (const auto& k : t.keys)
            keys.push_back(
                {{"name", k.name}, {"width", k.width}, {"match", matchKindName(k.matchKind)}});
        for (const auto& r : t.actions)
            refs.push_back({{"action", r.action}, {"scope", scopeName(r.scope)}});
        for (const auto& e : t.entries) {
            json matches = json::array();
            for (const auto& m : e.keys)
                matches.push_back({{"kind", matchName(m.kind)},
                                   {"value", hex(m.value)},
                                   {"mask", hex(m.mask)},
                                   {"high", hex(m.high)},
                                   {"prefix_len", m.prefixLen}});
            json entry = {{"keys", matches}, {"action", callJson(e.action)}};
            if (e.priority) entry["priority"] = hex(*e.priority);
            entries.push_back(std::move(entry));
        }
        json j = {{"name", t.name},
                  {"local_name", t.localName},
                  {"control", t.control},
                  {"keys", keys},
                  {"actions", refs},
                  {"default_action", callJson(t.defaultAction)},
                  {"default_action_const", t.defaultActionIsConst},
                  {"entries", entries},
                  {"entries_const", t.entriesConst},
                  {"size", t.size},
                  {"has_size", t.hasSize}};
        if (t.id) j["id"] = *t.id;
        tables.push_back(std::move(j));
    }
    json out = {{"actions", actions}, {"tables", tables}};
    // Counters, meters and registers in the program's order (ExternBlock::object indexes them);
    // left out when there are none, so that such programs' maps stay as they were.
    json externs = json::array();
    for (const auto& x : program.externs) {
        json j = {{"name", x.name},           {"kind", externKindName(x.kind)},
                  {"unit", unitName(x.unit)}, {"size", x.size},
                  {"width", x.width},         {"table", x.table}};
        if (x.id) j["id"] = *x.id;
        externs.push_back(std::move(j));
    }
    if (!externs.empty()) out["externs"] = std::move(externs);
    return out;
}

std::optional<ir::Program> controlPlaneProgram(const nlohmann::json& json, const std::string& name,
                                               std::string& error) {
    constexpr int64_t kMaxInt = std::numeric_limits<int>::max();
    static const ir::MatchKind kMatchKinds[] = {ir::MatchKind::Exact,    ir::MatchKind::Lpm,
                                                ir::MatchKind::Ternary,  ir::MatchKind::Range,
                                                ir::MatchKind::Optional, ir::MatchKind::Selector};
    static const ir::ActionRef::Scope kScopes[] = {ir::ActionRef::Scope::TableAndDefault,
                                                   ir::ActionRef::Scope::TableOnly,
                                                   ir::ActionRef::Scope::DefaultOnly};
    static const ir::Match::Kind kMatches[] = {ir::Match::Kind::Exact, ir::Match::Kind::Ternary,
                                               ir::Match::Kind::Lpm, ir::Match::Kind::Range,
                                               ir::Match::Kind::DontCare};
    try {
        ir::Program p;
        p.name = name;
        const std::string root = "control_plane";
        const auto& actions = array(json, root, "actions");
        for (size_t i = 0; i < actions.size(); ++i) {
            const std::string path = fmt::format("{}.actions[{}]", root, i);
            ir::Action a;
            a.name = str(actions[i], path, "name");
            a.localName = str(actions[i], path, "local_name");
            const auto& params = array(actions[i], path, "params");
            for (size_t k = 0; k < params.size(); ++k) {
                const std::string pp = fmt::format("{}.params[{}]", path, k);
                a.params.push_back(
                    {.name = str(params[k], pp, "name"),
                     .width = static_cast<int>(integer(params[k], pp, "width", 1, kMaxInt)),
                     .isSigned = boolean(params[k], pp, "signed"),
                     .isBool = boolean(params[k], pp, "bool"),
                     .annotations = {}});
            }
            if (actions[i].contains("id"))
                a.id = static_cast<uint32_t>(integer(actions[i], path, "id", 0, UINT32_MAX));
            a.controlPlane = true;
            p.actions.push_back(std::move(a));
        }
        const auto& tables = array(json, root, "tables");
        for (size_t i = 0; i < tables.size(); ++i) {
            const std::string path = fmt::format("{}.tables[{}]", root, i);
            const auto& j = tables[i];
            ir::Table t;
            t.name = str(j, path, "name");
            t.localName = str(j, path, "local_name");
            t.control = str(j, path, "control");
            const auto& keys = array(j, path, "keys");
            for (size_t k = 0; k < keys.size(); ++k) {
                const std::string kp = fmt::format("{}.keys[{}]", path, k);
                ir::TableKey key;
                key.name = str(keys[k], kp, "name");
                key.width = static_cast<int>(integer(keys[k], kp, "width", 1, kMaxInt));
                key.matchKind =
                    named(str(keys[k], kp, "match"), kp + ".match", kMatchKinds, matchKindName);
                t.keys.push_back(std::move(key));
            }
            const auto& refs = array(j, path, "actions");
            for (size_t k = 0; k < refs.size(); ++k) {
                const std::string rp = fmt::format("{}.actions[{}]", path, k);
                ir::ActionRef ref;
                ref.action = static_cast<ir::ActionId>(
                    integer(refs[k], rp, "action", 0, static_cast<int64_t>(p.actions.size()) - 1));
                ref.scope = named(str(refs[k], rp, "scope"), rp + ".scope", kScopes, scopeName);
                t.actions.push_back(std::move(ref));
            }
            t.defaultAction = callFrom(at(j, path, "default_action"), path + ".default_action", p);
            t.defaultActionIsConst = boolean(j, path, "default_action_const");
            const auto& entries = array(j, path, "entries");
            for (size_t e = 0; e < entries.size(); ++e) {
                const std::string ep = fmt::format("{}.entries[{}]", path, e);
                ir::TableEntry entry;
                const auto& matches = array(entries[e], ep, "keys");
                if (matches.size() != t.keys.size())
                    throw Bad{fmt::format("{}.keys: {} values for {} keys", ep, matches.size(),
                                          t.keys.size())};
                for (size_t k = 0; k < matches.size(); ++k) {
                    const std::string mp = fmt::format("{}.keys[{}]", ep, k);
                    ir::Match m;
                    m.kind = named(str(matches[k], mp, "kind"), mp + ".kind", kMatches, matchName);
                    m.value = big(at(matches[k], mp, "value"), mp + ".value");
                    m.mask = big(at(matches[k], mp, "mask"), mp + ".mask");
                    m.high = big(at(matches[k], mp, "high"), mp + ".high");
                    m.prefixLen =
                        static_cast<int>(integer(matches[k], mp, "prefix_len", 0, t.keys[k].width));
                    entry.keys.push_back(std::move(m));
                }
                entry.action = callFrom(at(entries[e], ep, "action"), ep + ".action", p);
                if (entries[e].contains("priority"))
                    entry.priority = big(entries[e].at("priority"), ep + ".priority");
                t.entries.push_back(std::move(entry));
            }
            t.entriesConst = boolean(j, path, "entries_const");
            t.size = integer(j, path, "size", 0, std::numeric_limits<int64_t>::max());
            t.hasSize = boolean(j, path, "has_size");
            if (j.contains("id"))
                t.id = static_cast<uint32_t>(integer(j, path, "id", 0, UINT32_MAX));
            p.tables.push_back(std::move(t));
        }
        static const ir::ExternObject::Kind kExternKinds[] = {
            ir::ExternObject::Kind::Counter, ir::ExternObject::Kind::DirectCounter,
            ir::ExternObject::Kind::Meter, ir::ExternObject::Kind::DirectMeter,
            ir::ExternObject::Kind::Register};
        static const ir::ExternObject::Unit kUnits[] = {ir::ExternObject::Unit::Packets,
                                                        ir::ExternObject::Unit::Bytes,
                                                        ir::ExternObject::Unit::Both};
        const nlohmann::json none = nlohmann::json::array();
        const auto& externs = json.contains("externs") ? array(json, root, "externs") : none;
        for (size_t i = 0; i < externs.size(); ++i) {
            const std::string path = fmt::format("{}.externs[{}]", root, i);
            const auto& j = externs[i];
            ir::ExternObject x;
            x.name = str(j, path, "name");
            x.kind = named(str(j, path, "kind"), path + ".kind", kExternKinds, externKindName);
            x.unit = named(str(j, path, "unit"), path + ".unit", kUnits, unitName);
            x.size = integer(j, path, "size", 0, std::numeric_limits<int64_t>::max());
            x.width = static_cast<int>(integer(j, path, "width", 0, kMaxInt));
            x.table = static_cast<ir::TableId>(
                integer(j, path, "table", -1, static_cast<int64_t>(p.tables.size()) - 1));
            if (j.contains("id"))
                x.id = static_cast<uint32_t>(integer(j, path, "id", 0, UINT32_MAX));
            p.externs.push_back(std::move(x));
        }
        return p;
    } catch (const Bad& bad) {
        error = bad.what;
    } catch (const nlohmann::json::exception& e) {
        error = e.what();
    }
    return std::nullopt;
}

}  // namespace hop::regmap
