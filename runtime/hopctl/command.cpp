// SPDX-License-Identifier: Apache-2.0
#include "runtime/hopctl/command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "runtime/hopd/config.hpp"
#include "runtime/hopd/control_protocol.hpp"

namespace hop::hopctl {

namespace {

bool isNumber(const std::string& s) {
    return !s.empty() && s.size() <= 9 &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string join(const std::vector<std::string>& words, size_t from, const std::string& head) {
    std::string line = head;
    for (size_t i = from; i < words.size(); ++i) line += " " + words[i];
    return line;
}

std::vector<hopd::Word> asWords(const std::vector<std::string>& args, size_t from) {
    std::vector<hopd::Word> words;
    for (size_t i = from; i < args.size(); ++i) words.push_back({args[i], 1});
    return words;
}

// Shape checks shared by `table X` and the BMv2 spelling; `rest` are the words after the verb.
std::optional<std::string> checkTable(const std::string& verb, const std::vector<std::string>& rest,
                                      std::string& error) {
    auto need = [&](bool ok, const char* usage) {
        if (!ok) error = fmt::format("usage: {}", usage);
        return ok;
    };
    const bool hasArrow = std::find(rest.begin(), rest.end(), "=>") != rest.end();
    if (verb == "table_add") {
        if (!need(rest.size() >= 2, "table add TABLE ACTION KEY... => PARAM... [PRIO]")) {
            return std::nullopt;
        }
        if (!hasArrow && rest.size() > 2) {
            error = "table add: '=>' must separate the keys from the action's parameters";
            return std::nullopt;
        }
    } else if (verb == "table_modify") {
        if (!need(rest.size() >= 3, "table modify TABLE ACTION HANDLE => PARAM...")) {
            return std::nullopt;
        }
        if (!isNumber(rest[2])) {
            error = fmt::format("table modify: invalid handle '{}'", rest[2]);
            return std::nullopt;
        }
    } else if (verb == "table_delete") {
        if (!need(rest.size() == 2, "table delete TABLE HANDLE")) return std::nullopt;
        if (!isNumber(rest[1])) {
            error = fmt::format("table delete: invalid handle '{}'", rest[1]);
            return std::nullopt;
        }
    } else if (verb == "table_set_default") {
        if (!need(rest.size() >= 2, "table set-default TABLE ACTION [PARAM...]")) {
            return std::nullopt;
        }
    } else if (verb == "table_clear") {
        if (!need(rest.size() == 1, "table clear TABLE")) return std::nullopt;
    } else if (verb == "table_dump") {
        if (!need(rest.size() == 1, "table dump TABLE")) return std::nullopt;
    }
    return join(rest, 0, verb);
}

// Counters, meters and registers: the BMv2 verb, its usage and how many words follow the verb
// (hopd checks names, indexes and values against the program).
struct ExternVerb {
    const char* verb;  // the BMv2 CLI command, hopd's request
    const char* group;
    const char* sub;  // hopctl's spelling: GROUP SUB
    size_t minWords, maxWords;
    const char* usage;
};

constexpr ExternVerb kExternVerbs[] = {
    {"counter_read", "counter", "read", 2, 2, "counter read NAME INDEX"},
    {"counter_reset", "counter", "reset", 1, 1, "counter reset NAME"},
    {"register_read", "register", "read", 1, 2, "register read NAME [INDEX]"},
    {"register_write", "register", "write", 3, 3, "register write NAME INDEX VALUE"},
    {"register_reset", "register", "reset", 1, 1, "register reset NAME"},
    {"meter_set_rates", "meter", "set-rates", 4, 4,
     "meter set-rates NAME INDEX RATE:BURST RATE:BURST"},
    {"meter_array_set_rates", "meter", "array-set-rates", 3, 3,
     "meter array-set-rates NAME RATE:BURST RATE:BURST"},
};

std::optional<std::string> checkExtern(const ExternVerb& v, const std::vector<std::string>& rest,
                                       std::string& error) {
    if (rest.size() < v.minWords || rest.size() > v.maxWords) {
        error = fmt::format("usage: {} (BMv2: {} ...)", v.usage, v.verb);
        return std::nullopt;
    }
    return join(rest, 0, v.verb);
}

}  // namespace

// runtime/tables/traffic_manager.hpp's verbs (tables::tmCommandVerbs(); hopctl does not link the
// tables library: HopctlCommand.TmVerbsAreTheTablesLibrarys checks they are the same).
const std::vector<std::string> kTmVerbs = {
    "mc_mgrp_create",   "mc_mgrp_destroy",   "mc_node_create",     "mc_node_update",
    "mc_node_destroy",  "mc_node_associate", "mc_node_dissociate", "mirroring_add",
    "mirroring_add_mc", "mirroring_delete",  "mirroring_get",      "set_queue_depth",
    "set_queue_rate",   "port_pause",        "port_resume"};

const char* commandHelp() {
    return R"(commands:
  table add TABLE ACTION KEY... => PARAM... [PRIO]
  table modify TABLE ACTION HANDLE => PARAM...
  table delete TABLE HANDLE
  table set-default TABLE ACTION [PARAM...]
  table clear TABLE
  table dump TABLE                  entries read back from the device
  route add PREFIX via GATEWAY      route add PREFIX dev PORT
  route del PREFIX                  route show
  arp show                          arp flush
  intf show
  load commands FILE                BMv2 CLI / STF table lines, read by hopd
  load runtime-json FILE            the P4 tutorials' runtime JSON
  load routes FILE                  PREFIX via GATEWAY | PREFIX dev PORT, one a line
  stats                             hopd's and the board's statistics
  counters                          every slow-path counter
  digests                           the digests hopd received from the board, in order
  counter read NAME INDEX           a P4 counter's cell (a direct counter's: INDEX = entry
                                    handle), read from the device
  counter reset NAME
  register read NAME [INDEX]        one cell, or every cell
  register write NAME INDEX VALUE
  register reset NAME
  meter set-rates NAME INDEX RATE:BURST RATE:BURST       committed, then peak
  meter array-set-rates NAME RATE:BURST RATE:BURST
  BMv2 CLI lines: table_add, table_modify, table_delete, table_set_default, table_clear,
  table_dump, counter_read, counter_reset, register_read, register_write, register_reset,
  meter_set_rates, meter_array_set_rates
  the switch top's traffic manager (hopd --switch-ports N), BMv2 CLI lines: mc_mgrp_create,
  mc_mgrp_destroy, mc_node_create, mc_node_update, mc_node_destroy, mc_node_associate,
  mc_node_dissociate, mirroring_add, mirroring_add_mc, mirroring_delete, mirroring_get,
  set_queue_depth, set_queue_rate; and port_pause PORT, port_resume PORT)";
}

std::optional<std::string> buildRequest(const std::vector<std::string>& args, std::string& error) {
    if (args.empty()) {
        error = "no command (try --help)";
        return std::nullopt;
    }
    for (const auto& a : args) {
        if (a.empty() || a.find_first_of(" \t\r\n") != std::string::npos) {
            error = fmt::format("invalid word '{}' (words may not be empty or contain blanks)", a);
            return std::nullopt;
        }
    }
    const std::string& cmd = args[0];
    const std::string sub = args.size() > 1 ? args[1] : "";
    std::optional<std::string> request;
    static const std::map<std::string, std::string> tableVerbs = {
        {"add", "table_add"},    {"modify", "table_modify"},           {"delete", "table_delete"},
        {"del", "table_delete"}, {"set-default", "table_set_default"}, {"clear", "table_clear"},
        {"dump", "table_dump"},
    };
    if (cmd == "table") {
        auto it = tableVerbs.find(sub);
        if (it == tableVerbs.end()) {
            error = sub.empty() ? "table: expected add, modify, delete, set-default, clear or dump"
                                : fmt::format(
                                      "table: unknown subcommand '{}' (add, modify, "
                                      "delete, set-default, clear, dump)",
                                      sub);
            return std::nullopt;
        }
        request = checkTable(it->second, {args.begin() + 2, args.end()}, error);
    } else if (cmd.starts_with("table_")) {
        static const char* verbs[] = {"table_add",         "table_modify", "table_delete",
                                      "table_set_default", "table_clear",  "table_dump"};
        if (std::find(std::begin(verbs), std::end(verbs), cmd) == std::end(verbs)) {
            error = fmt::format("unknown BMv2 command '{}'", cmd);
            return std::nullopt;
        }
        request = checkTable(cmd, {args.begin() + 1, args.end()}, error);
    } else if (cmd == "counter" || cmd == "register" || cmd == "meter") {
        const ExternVerb* verb = nullptr;
        std::string subs;
        for (const auto& v : kExternVerbs) {
            if (cmd != v.group) continue;
            subs += (subs.empty() ? "" : ", ") + std::string(v.sub);
            if (sub == v.sub) verb = &v;
        }
        if (!verb) {
            error = sub.empty() ? fmt::format("{}: expected {}", cmd, subs)
                                : fmt::format("{}: unknown subcommand '{}' ({})", cmd, sub, subs);
            return std::nullopt;
        }
        request = checkExtern(*verb, {args.begin() + 2, args.end()}, error);
    } else if (auto v = std::find_if(std::begin(kExternVerbs), std::end(kExternVerbs),
                                     [&](const ExternVerb& e) { return cmd == e.verb; });
               v != std::end(kExternVerbs)) {
        request = checkExtern(*v, {args.begin() + 1, args.end()}, error);
    } else if (std::find(std::begin(kTmVerbs), std::end(kTmVerbs), cmd) != std::end(kTmVerbs)) {
        // hopd checks the numbers and the state.
        if (args.size() < 2) {
            error =
                fmt::format("{}: expected its arguments (BMv2's simple_switch_CLI syntax)", cmd);
            return std::nullopt;
        }
        request = join(args, 1, cmd);
    } else if (cmd == "route") {
        if (sub == "add") {
            auto route = hopd::parseRouteWords(asWords(args, 2), error);
            if (!route) {
                error = "route add: " + error;
                return std::nullopt;
            }
            request = "route add " + route->str();
        } else if (sub == "del" || sub == "delete") {
            router::Ipv4Addr prefix;
            int length = 0;
            if (args.size() != 3) {
                error = "usage: route del PREFIX";
                return std::nullopt;
            }
            if (!hopd::parsePrefix(args[2], prefix, length, error)) {
                error = "route del: " + error;
                return std::nullopt;
            }
            request = fmt::format("route del {}/{}", prefix.str(), length);
        } else if (sub == "show" && args.size() == 2) {
            request = "route show";
        } else {
            error =
                "usage: route add PREFIX via GATEWAY | route add PREFIX dev PORT | route del "
                "PREFIX | route show";
            return std::nullopt;
        }
    } else if (cmd == "load") {
        if ((sub != "commands" && sub != "runtime-json" && sub != "routes") || args.size() != 3) {
            error = "usage: load commands|runtime-json|routes FILE";
            return std::nullopt;
        }
        // hopd reads the file: give it a path that does not depend on hopctl's directory.
        std::error_code ec;
        const auto path = std::filesystem::absolute(args[2], ec).lexically_normal();
        if (ec) {
            error = fmt::format("load: {}: {}", args[2], ec.message());
            return std::nullopt;
        }
        if (path.string().find_first_of(" \t\r\n") != std::string::npos) {
            error =
                fmt::format("load: {}: a path with blanks cannot be sent to hopd", path.string());
            return std::nullopt;
        }
        request = fmt::format("load {} {}", sub, path.string());
    } else if (cmd == "arp") {
        if ((sub != "show" && sub != "flush") || args.size() != 2) {
            error = "usage: arp show | arp flush";
            return std::nullopt;
        }
        request = "arp " + sub;
    } else if (cmd == "intf") {
        if (sub != "show" || args.size() != 2) {
            error = "usage: intf show";
            return std::nullopt;
        }
        request = "intf show";
    } else if (cmd == "stats" || cmd == "counters" || cmd == "digests") {
        if (args.size() != 1) {
            error = fmt::format("usage: {} (no arguments)", cmd);
            return std::nullopt;
        }
        request = cmd;
    } else {
        error = fmt::format("unknown command '{}' (try --help)", cmd);
        return std::nullopt;
    }
    if (request && request->size() + 1 > hopd::kMaxRequestBytes) {
        error = fmt::format("the command is longer than {} bytes", hopd::kMaxRequestBytes - 1);
        return std::nullopt;
    }
    return request;
}

}  // namespace hop::hopctl
