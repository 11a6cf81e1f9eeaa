// SPDX-License-Identifier: Apache-2.0
#include "p4info/p4info.hpp"

#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <vector>

namespace hop::p4info {

using nlohmann::json;

uint32_t nameHash(const std::string& name) {
    uint32_t hash = 0;
    for (unsigned char c : name) {
        hash += c;
        hash += hash << 10;
        hash ^= hash >> 6;
    }
    hash += hash << 3;
    hash ^= hash >> 11;
    hash += hash << 15;
    return hash;
}

namespace {

std::vector<std::string> splitDots(const std::string& s) {
    std::vector<std::string> parts;
    size_t start = 0;
    for (;;) {
        size_t dot = s.find('.', start);
        parts.push_back(
            s.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    return parts;
}

// Counts, for every dot-separated suffix, how many names end with it; the alias of a name is its
// shortest suffix that only one name has (the whole name at worst).
class SuffixSet {
  public:
    void add(const std::string& name) {
        if (!names_.insert(name).second) return;
        Node* node = &root_;
        auto parts = splitDots(name);
        for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
            auto& child = node->edges[*it];
            if (!child) child = std::make_unique<Node>();
            node = child.get();
            node->instances++;
        }
    }
    std::string shortestUniqueSuffix(const std::string& name) const {
        auto parts = splitDots(name);
        const Node* node = &root_;
        size_t needed = 0;
        for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
            node = node->edges.at(*it).get();
            ++needed;
            if (node->instances < 2) break;
        }
        std::string out;
        for (size_t i = parts.size() - needed; i < parts.size(); ++i)
            out += (out.empty() ? "" : ".") + parts[i];
        return out;
    }

  private:
    struct Node {
        unsigned instances = 0;
        std::map<std::string, std::unique_ptr<Node>> edges;
    };
    std::set<std::string> names_;
    Node root_;
};

struct Entity {
    IdPrefix prefix;
    std::string name;
    std::optional<uint32_t> id;
};

std::vector<Entity> entities(const ir::Program& p) {
    std::vector<Entity> out;
    for (const auto& a : p.actions) out.push_back({IdPrefix::Action, a.name, a.id});
    for (const auto& t : p.tables) out.push_back({IdPrefix::Table, t.name, t.id});
    for (const auto& c : p.controllerHeaders)
        out.push_back({IdPrefix::ControllerHeader, c.name, std::nullopt});
    for (const auto& x : p.externs) {
        IdPrefix prefix = IdPrefix::Counter;
        switch (x.kind) {
            case ir::ExternObject::Kind::Counter:
                prefix = IdPrefix::Counter;
                break;
            case ir::ExternObject::Kind::DirectCounter:
                prefix = IdPrefix::DirectCounter;
                break;
            case ir::ExternObject::Kind::Meter:
                prefix = IdPrefix::Meter;
                break;
            case ir::ExternObject::Kind::DirectMeter:
                prefix = IdPrefix::DirectMeter;
                break;
            case ir::ExternObject::Kind::Register:
                prefix = IdPrefix::Register;
                break;
        }
        out.push_back({prefix, x.name, x.id});
    }
    for (const auto& d : p.digests) out.push_back({IdPrefix::Digest, d.name, std::nullopt});
    return out;
}

}  // namespace

uint32_t Symbols::id(IdPrefix prefix, const std::string& name) const {
    auto it = ids.find({prefix, name});
    if (it == ids.end()) throw std::logic_error("p4info: no id for " + name);
    return it->second;
}

std::string Symbols::alias(const std::string& name) const {
    auto it = aliases.find(name);
    return it == aliases.end() ? name : it->second;
}

Symbols assignIds(const ir::Program& program) {
    Symbols symbols;
    std::set<uint32_t> assigned;
    SuffixSet suffixes;
    // Sorted by (prefix, name) like p4c, because linear probing makes an id depend on which
    // names were placed before it.
    std::map<IdPrefix, std::set<std::string>> pending;
    for (const auto& e : entities(program)) {
        suffixes.add(e.name);
        if (symbols.ids.count({e.prefix, e.name})) continue;
        if (e.id) {
            uint32_t prefixBits = static_cast<uint32_t>(e.prefix) << 24;
            uint32_t id = *e.id;
            // An @id without a prefix gets the kind's prefix; a different prefix or a duplicate
            // falls back to a hashed id rather than producing an invalid P4Info.
            if ((id & 0xff000000u) == 0) id |= prefixBits;
            if ((id & 0xff000000u) == prefixBits && assigned.insert(id).second) {
                symbols.ids[{e.prefix, e.name}] = id;
                continue;
            }
        }
        pending[e.prefix].insert(e.name);
    }
    for (const auto& [prefix, names] : pending) {
        for (const auto& name : names) {
            uint32_t source = nameHash(name);
            auto make = [prefix = prefix](uint32_t v) {
                return (static_cast<uint32_t>(prefix) << 24) | (v & 0xffffffu);
            };
            uint32_t v = source;
            while (assigned.count(make(v))) ++v;
            assigned.insert(make(v));
            symbols.ids[{prefix, name}] = make(v);
        }
    }
    for (const auto& e : entities(program))
        symbols.aliases[e.name] = suffixes.shortestUniqueSuffix(e.name);
    return symbols;
}

namespace {

// @name and @id are consumed by the id/name assignment; p4c does not repeat them.
json annotationList(const std::vector<std::string>& annotations) {
    json out = json::array();
    for (const auto& a : annotations) {
        if (a.rfind("@name", 0) == 0 || a.rfind("@id", 0) == 0) continue;
        out.push_back(a);
    }
    return out;
}

json preamble(const Symbols& symbols, IdPrefix prefix, const std::string& name,
              const std::vector<std::string>& annotations) {
    json p = {{"id", symbols.id(prefix, name)}, {"name", name}, {"alias", symbols.alias(name)}};
    json a = annotationList(annotations);
    if (!a.empty()) p["annotations"] = a;
    return p;
}

const char* matchType(ir::MatchKind kind) {
    switch (kind) {
        case ir::MatchKind::Exact:
            return "EXACT";
        case ir::MatchKind::Lpm:
            return "LPM";
        case ir::MatchKind::Ternary:
            return "TERNARY";
        case ir::MatchKind::Range:
            return "RANGE";
        case ir::MatchKind::Optional:
            return "OPTIONAL";
        case ir::MatchKind::Selector:
            return nullptr;  // an architecture-specific kind
    }
    throw std::logic_error("p4info: unknown match kind");
}

json counterUnit(ir::ExternObject::Unit u) {
    switch (u) {
        case ir::ExternObject::Unit::Packets:
            return "PACKETS";
        case ir::ExternObject::Unit::Bytes:
            return "BYTES";
        case ir::ExternObject::Unit::Both:
            return "BOTH";
    }
    throw std::logic_error("p4info: unknown counter unit");
}

IdPrefix directPrefix(const ir::ExternObject& x) {
    return x.kind == ir::ExternObject::Kind::DirectMeter ? IdPrefix::DirectMeter
                                                         : IdPrefix::DirectCounter;
}

json tableJson(const ir::Program& p, const Symbols& symbols, const ir::Table& t) {
    json table = {{"preamble", preamble(symbols, IdPrefix::Table, t.name, t.annotations)}};
    json fields = json::array();
    for (size_t i = 0; i < t.keys.size(); ++i) {
        const auto& k = t.keys[i];
        json f = {{"id", i + 1}, {"name", k.name}, {"bitwidth", k.width}};
        json a = annotationList(k.annotations);
        if (!a.empty()) f["annotations"] = a;
        if (const char* mt = matchType(k.matchKind))
            f["matchType"] = mt;
        else
            f["otherMatchType"] = ir::toString(k.matchKind);
        fields.push_back(f);
    }
    if (!fields.empty()) table["matchFields"] = fields;
    json refs = json::array();
    for (const auto& r : t.actions) {
        json ref = {{"id", symbols.id(IdPrefix::Action, p.actions.at(r.action).name)}};
        if (r.scope == ir::ActionRef::Scope::TableOnly) ref["scope"] = "TABLE_ONLY";
        if (r.scope == ir::ActionRef::Scope::DefaultOnly) ref["scope"] = "DEFAULT_ONLY";
        json a = annotationList(r.annotations);
        if (!a.empty()) ref["annotations"] = a;
        refs.push_back(ref);
    }
    if (!refs.empty()) table["actionRefs"] = refs;
    if (t.defaultActionIsConst && t.defaultAction.action >= 0)
        table["constDefaultActionId"] =
            symbols.id(IdPrefix::Action, p.actions.at(t.defaultAction.action).name);
    json direct = json::array();
    for (int d : t.directExterns) {
        const auto& x = p.externs.at(d);
        direct.push_back(symbols.id(directPrefix(x), x.name));
    }
    if (!direct.empty()) table["directResourceIds"] = direct;
    if (t.size != 0) table["size"] = std::to_string(t.size);  // int64: a string in JSON
    if (t.entriesConst) table["isConstTable"] = true;
    return table;
}

json actionJson(const Symbols& symbols, const ir::Action& a) {
    json action = {{"preamble", preamble(symbols, IdPrefix::Action, a.name, a.annotations)}};
    json params = json::array();
    for (size_t i = 0; i < a.params.size(); ++i) {
        json prm = {{"id", i + 1}, {"name", a.params[i].name}, {"bitwidth", a.params[i].width}};
        json an = annotationList(a.params[i].annotations);
        if (!an.empty()) prm["annotations"] = an;
        params.push_back(prm);
    }
    if (!params.empty()) action["params"] = params;
    return action;
}

json controllerHeaderJson(const Symbols& symbols, const ir::ControllerHeader& c) {
    json meta = {
        {"preamble", preamble(symbols, IdPrefix::ControllerHeader, c.name, c.annotations)}};
    json fields = json::array();
    for (size_t i = 0; i < c.fields.size(); ++i)
        fields.push_back(
            {{"id", i + 1}, {"name", c.fields[i].name}, {"bitwidth", c.fields[i].width}});
    if (!fields.empty()) meta["metadata"] = fields;
    return meta;
}

// A digest as p4c writes it: named by its struct type, whose members type_info describes.
json digestJson(const Symbols& symbols, const ir::Program& p, const ir::Digest& d, json& structs) {
    json members = json::array();
    for (const auto& f : d.fields) {
        const ir::Field& fd = p.fields.at(f.field);
        json spec =
            fd.isBool
                ? json{{"bool", json::object()}}
                : json{{"bitstring", {{fd.isSigned ? "int" : "bit", {{"bitwidth", f.width}}}}}};
        members.push_back({{"name", f.name}, {"typeSpec", spec}});
    }
    structs[d.name] = {{"members", members}};
    return {{"preamble", preamble(symbols, IdPrefix::Digest, d.name, d.annotations)},
            {"typeSpec", {{"struct", {{"name", d.name}}}}}};
}

}  // namespace

json p4infoJson(const ir::Program& program) {
    Symbols symbols = assignIds(program);
    json out = {{"pkgInfo", {{"arch", "v1model"}}}};
    json tables = json::array();
    for (const auto& t : program.tables) tables.push_back(tableJson(program, symbols, t));
    if (!tables.empty()) out["tables"] = tables;
    json actions = json::array();
    for (const auto& a : program.actions) actions.push_back(actionJson(symbols, a));
    if (!actions.empty()) out["actions"] = actions;

    json counters = json::array(), directCounters = json::array(), meters = json::array(),
         directMeters = json::array(), registers = json::array();
    for (const auto& x : program.externs) {
        switch (x.kind) {
            case ir::ExternObject::Kind::Counter:
                counters.push_back(
                    {{"preamble", preamble(symbols, IdPrefix::Counter, x.name, x.annotations)},
                     {"spec", {{"unit", counterUnit(x.unit)}}},
                     {"size", std::to_string(x.size)}});
                break;
            case ir::ExternObject::Kind::DirectCounter:
                directCounters.push_back(
                    {{"preamble",
                      preamble(symbols, IdPrefix::DirectCounter, x.name, x.annotations)},
                     {"spec", {{"unit", counterUnit(x.unit)}}},
                     {"directTableId",
                      symbols.id(IdPrefix::Table, program.tables.at(x.table).name)}});
                break;
            case ir::ExternObject::Kind::Meter:
                meters.push_back(
                    {{"preamble", preamble(symbols, IdPrefix::Meter, x.name, x.annotations)},
                     {"spec",
                      {{"unit", x.unit == ir::ExternObject::Unit::Bytes ? "BYTES" : "PACKETS"}}},
                     {"size", std::to_string(x.size)}});
                break;
            case ir::ExternObject::Kind::DirectMeter:
                directMeters.push_back(
                    {{"preamble", preamble(symbols, IdPrefix::DirectMeter, x.name, x.annotations)},
                     {"spec",
                      {{"unit", x.unit == ir::ExternObject::Unit::Bytes ? "BYTES" : "PACKETS"}}},
                     {"directTableId",
                      symbols.id(IdPrefix::Table, program.tables.at(x.table).name)}});
                break;
            case ir::ExternObject::Kind::Register:
                // Register.size is int32: a JSON number, unlike the int64 sizes.
                registers.push_back(
                    {{"preamble", preamble(symbols, IdPrefix::Register, x.name, x.annotations)},
                     {"typeSpec", {{"bitstring", {{"bit", {{"bitwidth", x.width}}}}}}},
                     {"size", x.size}});
                break;
        }
    }
    if (!counters.empty()) out["counters"] = counters;
    if (!directCounters.empty()) out["directCounters"] = directCounters;
    if (!meters.empty()) out["meters"] = meters;
    if (!directMeters.empty()) out["directMeters"] = directMeters;

    json packetMetadata = json::array();
    for (const auto& c : program.controllerHeaders)
        packetMetadata.push_back(controllerHeaderJson(symbols, c));
    if (!packetMetadata.empty()) out["controllerPacketMetadata"] = packetMetadata;
    if (!registers.empty()) out["registers"] = registers;
    json digests = json::array(), structs = json::object();
    for (const auto& d : program.digests)
        digests.push_back(digestJson(symbols, program, d, structs));
    if (!digests.empty()) {
        out["digests"] = digests;
        out["typeInfo"] = {{"structs", structs}};
    }
    return out;
}

}  // namespace hop::p4info
