// SPDX-License-Identifier: Apache-2.0
// The traffic manager's configuration and its CLI lines (traffic_manager.hpp).
#include "runtime/tables/traffic_manager.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "runtime/tables/entry_parse.hpp"

namespace hop::tables {

// --- the state ------------------------------------------------------------------------------

bool TrafficManager::checkPorts(const std::vector<uint32_t>& ports, std::string& error) const {
    for (uint32_t p : ports)
        if (p > kTmMaxPort) {
            error = fmt::format("port {} is out of range (0 to {}; {} is the drop port)", p,
                                kTmMaxPort, kTmMaxPort + 1);
            return false;
        }
    return true;
}

bool TrafficManager::createGroup(uint32_t group, std::string& error) {
    if (group == 0 || group > kTmMaxGroup) {
        error = fmt::format(
            "multicast group {} is out of range (1 to {}; mcast_grp 0 means no "
            "multicast)",
            group, kTmMaxGroup);
        return false;
    }
    if (groups_.count(group)) {
        error = fmt::format("multicast group {} already exists", group);
        return false;
    }
    groups_[group];
    return true;
}

bool TrafficManager::destroyGroup(uint32_t group, std::string& error) {
    auto it = groups_.find(group);
    if (it == groups_.end()) {
        error = fmt::format("unknown multicast group {}", group);
        return false;
    }
    for (int h : it->second) nodes_[h].group.reset();
    groups_.erase(it);
    return true;
}

bool TrafficManager::createNode(uint32_t rid, const std::vector<uint32_t>& ports, int& handle,
                                std::string& error) {
    if (rid > kTmMaxRid) {
        error = fmt::format("replication id {} is out of range (0 to {})", rid, kTmMaxRid);
        return false;
    }
    if (!checkPorts(ports, error)) return false;
    Node n;
    n.rid = rid;
    n.ports = ports;
    std::sort(n.ports.begin(), n.ports.end());
    n.ports.erase(std::unique(n.ports.begin(), n.ports.end()), n.ports.end());
    handle = nextHandle_++;
    nodes_[handle] = std::move(n);
    return true;
}

bool TrafficManager::updateNode(int handle, const std::vector<uint32_t>& ports,
                                std::string& error) {
    auto it = nodes_.find(handle);
    if (it == nodes_.end()) {
        error = fmt::format("unknown node handle {}", handle);
        return false;
    }
    if (!checkPorts(ports, error)) return false;
    std::vector<uint32_t> sorted = ports;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    it->second.ports = std::move(sorted);
    return true;
}

bool TrafficManager::destroyNode(int handle, std::string& error) {
    auto it = nodes_.find(handle);
    if (it == nodes_.end()) {
        error = fmt::format("unknown node handle {}", handle);
        return false;
    }
    if (it->second.group) std::erase(groups_[*it->second.group], handle);
    nodes_.erase(it);
    return true;
}

bool TrafficManager::findGroupAndNode(uint32_t group, int handle, GroupIt& g, NodeIt& n,
                                      std::string& error) {
    g = groups_.find(group);
    if (g == groups_.end()) {
        error = fmt::format("unknown multicast group {}", group);
        return false;
    }
    n = nodes_.find(handle);
    if (n == nodes_.end()) {
        error = fmt::format("unknown node handle {}", handle);
        return false;
    }
    return true;
}

bool TrafficManager::associate(uint32_t group, int handle, std::string& error) {
    GroupIt g;
    NodeIt n;
    if (!findGroupAndNode(group, handle, g, n, error)) return false;
    if (n->second.group) {
        error = fmt::format("node {} is already associated with multicast group {}", handle,
                            *n->second.group);
        return false;
    }
    n->second.group = group;
    g->second.push_back(handle);
    return true;
}

bool TrafficManager::dissociate(uint32_t group, int handle, std::string& error) {
    GroupIt g;
    NodeIt n;
    if (!findGroupAndNode(group, handle, g, n, error)) return false;
    if (n->second.group != group) {
        error = fmt::format("node {} is not associated with multicast group {}", handle, group);
        return false;
    }
    n->second.group.reset();
    std::erase(g->second, handle);
    return true;
}

bool TrafficManager::createGroupOf(uint32_t group, const std::vector<Replica>& replicas,
                                   std::string& error) {
    std::vector<Replica> checked;
    for (const Replica& r : replicas) {
        if (r.rid > kTmMaxRid) {
            error = fmt::format("replication id {} is out of range (0 to {})", r.rid, kTmMaxRid);
            return false;
        }
        if (!checkPorts({r.port}, error)) return false;
    }
    TrafficManager next = *this;  // all or nothing
    if (!next.createGroup(group, error)) return false;
    std::vector<uint32_t> rids;
    for (const Replica& r : replicas)
        if (std::find(rids.begin(), rids.end(), r.rid) == rids.end()) rids.push_back(r.rid);
    for (uint32_t rid : rids) {
        std::vector<uint32_t> ports;
        for (const Replica& r : replicas)
            if (r.rid == rid) ports.push_back(r.port);
        int handle = -1;
        if (!next.createNode(rid, ports, handle, error) || !next.associate(group, handle, error))
            return false;
    }
    *this = std::move(next);
    return true;
}

bool TrafficManager::addMirror(uint32_t session, const MirrorSession& to, std::string& error) {
    if (session > kTmMaxSession) {
        error =
            fmt::format("mirroring session {} is out of range (0 to {})", session, kTmMaxSession);
        return false;
    }
    if (to.port && !checkPorts({*to.port}, error)) return false;
    if (to.group && (*to.group == 0 || *to.group > kTmMaxGroup)) {
        error = fmt::format("multicast group {} is out of range (1 to {})", *to.group, kTmMaxGroup);
        return false;
    }
    sessions_[session] = to;
    return true;
}

bool TrafficManager::deleteMirror(uint32_t session, std::string& error) {
    if (!sessions_.erase(session)) {
        error = fmt::format("unknown mirroring session {}", session);
        return false;
    }
    return true;
}

std::optional<MirrorSession> TrafficManager::mirror(uint32_t session) const {
    auto it = sessions_.find(session);
    if (it == sessions_.end()) return std::nullopt;
    return it->second;
}

void TrafficManager::setQueueDepth(std::optional<uint32_t> port, uint64_t depth) {
    queueDepth_[port] = depth;
}
void TrafficManager::setQueueRate(std::optional<uint32_t> port, uint64_t rate) {
    queueRate_[port] = rate;
}
uint64_t TrafficManager::queueDepth(uint32_t port, uint64_t fallback) const {
    auto it = queueDepth_.find(port);
    if (it == queueDepth_.end()) it = queueDepth_.find(std::nullopt);
    return it == queueDepth_.end() ? fallback : it->second;
}
void TrafficManager::setPaused(uint32_t port, bool paused) {
    if (paused)
        paused_.insert(port);
    else
        paused_.erase(port);
}

std::vector<Replica> TrafficManager::replicate(uint32_t group) const {
    std::vector<Replica> out;
    auto g = groups_.find(group);
    if (g == groups_.end()) return out;
    for (int h : g->second) {
        const Node& n = nodes_.at(h);
        for (uint32_t p : n.ports) out.push_back({n.rid, p});
    }
    return out;
}

// --- the lines ------------------------------------------------------------------------------

namespace {

using namespace parse;
using Kind = TmCommand::Kind;

// Arguments: 'g' group, 'r' rid, 'h' handle, 's' session, 'p' port, 'P' one or more ports,
// 'v' a value, 'o' an optional port.
struct Verb {
    const char* word;
    Kind kind;
    const char* args;
    const char* usage;
};

constexpr Verb kVerbs[] = {
    {"mc_mgrp_create", Kind::GroupCreate, "g", "mc_mgrp_create GROUP"},
    {"mc_mgrp_destroy", Kind::GroupDestroy, "g", "mc_mgrp_destroy GROUP"},
    {"mc_node_create", Kind::NodeCreate, "rP", "mc_node_create RID PORT..."},
    {"mc_node_update", Kind::NodeUpdate, "hP", "mc_node_update HANDLE PORT..."},
    {"mc_node_destroy", Kind::NodeDestroy, "h", "mc_node_destroy HANDLE"},
    {"mc_node_associate", Kind::NodeAssociate, "gh", "mc_node_associate GROUP HANDLE"},
    {"mc_node_dissociate", Kind::NodeDissociate, "gh", "mc_node_dissociate GROUP HANDLE"},
    {"mirroring_add", Kind::MirrorAdd, "sp", "mirroring_add SESSION PORT"},
    {"mirroring_add_mc", Kind::MirrorAddMc, "sg", "mirroring_add_mc SESSION GROUP"},
    {"mirroring_delete", Kind::MirrorDelete, "s", "mirroring_delete SESSION"},
    {"mirroring_get", Kind::MirrorGet, "s", "mirroring_get SESSION"},
    {"set_queue_depth", Kind::QueueDepth, "vo", "set_queue_depth DEPTH [PORT]"},
    {"set_queue_rate", Kind::QueueRate, "vo", "set_queue_rate RATE [PORT]"},
    {"port_pause", Kind::PortPause, "p", "port_pause PORT"},
    {"port_resume", Kind::PortResume, "p", "port_resume PORT"},
};

const Verb* findVerb(const std::string& word) {
    for (const Verb& v : kVerbs)
        if (word == v.word) return &v;
    return nullptr;
}

class LineReader {
  public:
    LineReader(const Origin& origin, ParseError& error) : origin_(origin), error_(error) {}
    bool fail(int offset, std::string message) {
        error_.where = origin_;
        error_.where.col = (origin_.col > 0 ? origin_.col : 1) + offset;
        error_.message = std::move(message);
        return false;
    }
    // A decimal or 0x number up to `max`; `what` names it ("port").
    bool number(const Token& w, const char* what, uint64_t max, uint64_t& out) {
        BigInt v;
        bool negative = false;
        if (!parseNumber(w.text, v, negative) || negative)
            return fail(w.offset,
                        fmt::format("expected a {} (a number), found '{}'", what, w.text));
        if (v > max)
            return fail(w.offset,
                        fmt::format("{} {} is out of range (0 to {})", what, w.text, max));
        out = static_cast<uint64_t>(v);
        return true;
    }

  private:
    Origin origin_;
    ParseError& error_;
};

}  // namespace

std::vector<std::string> tmCommandVerbs() {
    std::vector<std::string> out;
    for (const Verb& v : kVerbs) out.push_back(v.word);
    return out;
}

bool isTmCommand(const std::string& line) {
    const std::vector<Token> words = splitWords(line);
    return !words.empty() && findVerb(words[0].text) != nullptr;
}

std::optional<TmCommand> parseTmCommand(const std::string& line, const Origin& origin,
                                        ParseError& error) {
    error = ParseError{origin, {}};
    if (isBlankOrComment(line)) return std::nullopt;
    LineReader r(origin, error);
    const std::vector<Token> words = splitWords(line);
    const int lineEnd = static_cast<int>(line.find_last_not_of(" \t\r\n") + 1);
    const Verb* verb = findVerb(words[0].text);
    if (!verb) {
        r.fail(words[0].offset, "'" + words[0].text + "' is not a traffic-manager command");
        return std::nullopt;
    }
    TmCommand cmd;
    cmd.kind = verb->kind;
    size_t i = 1;
    for (const char* a = verb->args; *a; ++a) {
        const bool optional = *a == 'o';
        if (i >= words.size()) {
            if (optional) break;
            r.fail(lineEnd, std::string("usage: ") + verb->usage);
            return std::nullopt;
        }
        uint64_t v = 0;
        const Token& w = words[i++];
        switch (*a) {
            case 'g':
                if (!r.number(w, "multicast group", kTmMaxGroup, v)) return std::nullopt;
                cmd.group = static_cast<uint32_t>(v);
                break;
            case 'r':
                if (!r.number(w, "replication id", kTmMaxRid, v)) return std::nullopt;
                cmd.rid = static_cast<uint32_t>(v);
                break;
            case 'h':
                if (!r.number(w, "node handle", INT32_MAX, v)) return std::nullopt;
                cmd.handle = static_cast<int>(v);
                break;
            case 's':
                if (!r.number(w, "mirroring session", kTmMaxSession, v)) return std::nullopt;
                cmd.session = static_cast<uint32_t>(v);
                break;
            case 'p':
            case 'o':
                if (!r.number(w, "port", kTmMaxPort, v)) return std::nullopt;
                cmd.port = static_cast<uint32_t>(v);
                break;
            case 'P':
                // BMv2's port list; its `| LAGS` tail names link aggregation groups.
                for (--i; i < words.size(); ++i) {
                    if (words[i].text == "|") {
                        r.fail(words[i].offset,
                               "LAG lists ('| LAGS') are not supported by "
                               "hopline's traffic manager");
                        return std::nullopt;
                    }
                    if (!r.number(words[i], "port", kTmMaxPort, v)) return std::nullopt;
                    cmd.ports.push_back(static_cast<uint32_t>(v));
                }
                if (cmd.ports.empty()) {
                    r.fail(lineEnd, std::string("usage: ") + verb->usage);
                    return std::nullopt;
                }
                break;
            default:
                if (!r.number(w, "value", UINT32_MAX, v)) return std::nullopt;
                cmd.value = v;
                break;
        }
    }
    if (i < words.size()) {
        r.fail(words[i].offset,
               fmt::format("unexpected '{}' (usage: {})", words[i].text, verb->usage));
        return std::nullopt;
    }
    return cmd;
}

std::optional<std::vector<TmCommand>> parseRuntimeJsonGroups(const nlohmann::json& doc,
                                                             const std::string& file,
                                                             ParseError& error) {
    error = ParseError{{file, 0, 0}, {}};
    std::vector<TmCommand> out;
    if (!doc.is_object() || !doc.contains("multicast_group_entries")) return out;
    const auto& groups = doc["multicast_group_entries"];
    auto fail = [&](int index, const std::string& message) {
        error.where = {file, index + 1, 0};
        error.message =
            index >= 0 ? fmt::format("multicast_group_entries[{}]: {}", index, message) : message;
        return std::nullopt;
    };
    if (!groups.is_array()) return fail(-1, "\"multicast_group_entries\" must be an array");
    // A number from 0 to `max`, as a JSON number or a string in any syntax entries take.
    auto number = [](const nlohmann::json& v, uint64_t max, uint64_t& out) {
        BigInt n;
        bool negative = false;
        if (v.is_number_unsigned()) {
            n = v.get<uint64_t>();
        } else if (!v.is_string() || !parseNumber(v.get<std::string>(), n, negative) || negative) {
            return false;
        }
        if (n > max) return false;
        out = static_cast<uint64_t>(n);
        return true;
    };
    for (size_t i = 0; i < groups.size(); ++i) {
        const int idx = static_cast<int>(i);
        const auto& g = groups[i];
        TmCommand cmd;
        cmd.kind = Kind::GroupOf;
        uint64_t v = 0;
        if (!g.is_object() || !g.contains("multicast_group_id") ||
            !number(g["multicast_group_id"], kTmMaxGroup, v) || v == 0)
            return fail(idx, fmt::format("needs \"multicast_group_id\" from 1 to {}", kTmMaxGroup));
        cmd.group = static_cast<uint32_t>(v);
        if (!g.contains("replicas") || !g["replicas"].is_array())
            return fail(idx, "needs \"replicas\", an array");
        for (const auto& r : g["replicas"]) {
            uint64_t port = 0, rid = 0;
            if (!r.is_object() || !r.contains("egress_port") ||
                !number(r["egress_port"], kTmMaxPort, port))
                return fail(
                    idx, fmt::format("a replica needs \"egress_port\" from 0 to {}", kTmMaxPort));
            if (r.contains("instance") && !number(r["instance"], kTmMaxRid, rid))
                return fail(
                    idx, fmt::format("a replica's \"instance\" must be from 0 to {}", kTmMaxRid));
            cmd.replicas.push_back({static_cast<uint32_t>(rid), static_cast<uint32_t>(port)});
        }
        out.push_back(std::move(cmd));
    }
    return out;
}

bool runTmCommand(TrafficManager& tm, const TmCommand& c, std::vector<std::string>& out,
                  std::string& error) {
    switch (c.kind) {
        case Kind::GroupCreate:
            return tm.createGroup(c.group, error);
        case Kind::GroupDestroy:
            return tm.destroyGroup(c.group, error);
        case Kind::NodeCreate: {
            int handle = -1;
            if (!tm.createNode(c.rid, c.ports, handle, error)) return false;
            out.push_back(fmt::format("Created node with handle {}", handle));
            return true;
        }
        case Kind::NodeUpdate:
            return tm.updateNode(c.handle, c.ports, error);
        case Kind::NodeDestroy:
            return tm.destroyNode(c.handle, error);
        case Kind::NodeAssociate:
            return tm.associate(c.group, c.handle, error);
        case Kind::NodeDissociate:
            return tm.dissociate(c.group, c.handle, error);
        case Kind::MirrorAdd:
            return tm.addMirror(c.session, {c.port, std::nullopt}, error);
        case Kind::MirrorAddMc:
            return tm.addMirror(c.session, {std::nullopt, c.group}, error);
        case Kind::MirrorDelete:
            return tm.deleteMirror(c.session, error);
        case Kind::MirrorGet: {
            auto s = tm.mirror(c.session);
            if (!s) {
                error = fmt::format("unknown mirroring session {}", c.session);
                return false;
            }
            out.push_back(s->port ? fmt::format("session {}: egress port {}", c.session, *s->port)
                                  : fmt::format("session {}: multicast group {}", c.session,
                                                s->group.value_or(0)));
            return true;
        }
        case Kind::QueueDepth:
            tm.setQueueDepth(c.port, c.value);
            return true;
        case Kind::QueueRate:
            tm.setQueueRate(c.port, c.value);
            return true;
        case Kind::PortPause:
        case Kind::PortResume:
            tm.setPaused(c.port.value_or(0), c.kind == Kind::PortPause);
            return true;
        case Kind::GroupOf:
            return tm.createGroupOf(c.group, c.replicas, error);
    }
    return false;
}

}  // namespace hop::tables
