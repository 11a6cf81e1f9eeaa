// SPDX-License-Identifier: Apache-2.0
// hopd's control requests (hopctl's commands through the control socket) and its statistics.
#include "runtime/hopd/daemon_impl.hpp"

namespace hop::hopd::detail {

// ------------------------------------------------------------------------------------------
// control requests

bool Daemon::control(const std::string& request, std::vector<std::string>& out,
                     std::string& error) {
    ++controlRequests_;
    try {
        const bool ok = commands_.run(request, out, error);
        compactState(false);  // e.g. after `load routes FILE`
        return ok;
    } catch (const Failure&) {
        throw;
    } catch (const std::runtime_error& e) {
        error = e.what();
        return false;
    }
}

void Daemon::addControlCommands() {
    using Out = std::vector<std::string>;
    constexpr size_t kAny = CommandTable::kAny;
    auto& c = commands_;
    c.add("table_dump", 1, 1, [this](const ControlRequest& r, Out& out, std::string&) {
        writer_->dump(r.args[0], out);
        return true;
    });
    for (const char* name :
         {"table_add", "table_modify", "table_delete", "table_set_default", "table_clear"}) {
        c.add(name, 0, kAny, [this](const ControlRequest& r, Out& out, std::string& error) {
            return tableCommand(r, out, error);
        });
    }
    for (const char* name : {"counter_read", "counter_reset", "register_read", "register_write",
                             "register_reset", "meter_array_set_rates", "meter_set_rates"}) {
        c.add(name, 0, kAny, [this](const ControlRequest& r, Out& out, std::string& error) {
            return externCommand(r, out, error);
        });
    }
    for (const std::string& verb : tables::tmCommandVerbs()) {
        c.add(verb, 0, kAny, [this](const ControlRequest& r, Out& out, std::string& error) {
            tables::ParseError pe;
            auto cmd = tables::parseTmCommand(r.line, {}, pe);
            if (!cmd) {
                error = pe.message;
                return false;
            }
            return runTm(*cmd, out, error);
        });
    }
    c.add("digests", 0, 0, [this](const ControlRequest&, Out& out, std::string& error) {
        if (!digests_) {
            error = binding_->name() + " sends no digests";
            return false;
        }
        pollDigests();  // what waits on the board first
        digests_->show(out);
        return true;
    });
    c.add("stats", 0, 0, [this](const ControlRequest&, Out& out, std::string&) {
        stats(out);
        return true;
    });
    if (!routes_) return;  // --no-router
    c.add("route show", 0, kAny, [this](const ControlRequest&, Out& out, std::string&) {
        for (const auto& [k, r] : routes_->routes()) {
            out.push_back(fmt::format("{} ({})", r.spec.str(), r.origin));
        }
        out.push_back(fmt::format("{} routes", routes_->routes().size()));
        return true;
    });
    c.add("route add", 0, kAny, [this](const ControlRequest& r, Out&, std::string& error) {
        std::vector<Word> words;
        for (const auto& w : r.args) words.push_back({w, 1});
        auto spec = parseRouteWords(words, error);
        return spec && routes_->addRuntimeRoute(*spec, error);
    });
    c.add("route del", 1, 1, [this](const ControlRequest& r, Out&, std::string& error) {
        Ipv4Addr prefix;
        int length = 0;
        if (!parsePrefix(r.args[0], prefix, length, error)) return false;
        if (!routes_->deleteRuntimeRoute(prefix, length, error)) return false;
        if (fib_) {  // a kernel route it hid comes in
            fib_->state().refresh(prefix.value, length);
            printFibLog();
        }
        return true;
    });
    c.add("load", 2, 2, [this](const ControlRequest& r, Out& out, std::string& error) {
        return loadCommand(r, out, error);
    });
    c.add("arp show", 0, 0, [this](const ControlRequest&, Out& out, std::string&) {
        for (const auto& n : slowPath_->neighbours()) {
            using State = router::Arp::State;
            const char* state = n.state == State::Reachable    ? "reachable"
                                : n.state == State::Refreshing ? "refreshing"
                                                               : "incomplete";
            out.push_back(fmt::format("{} port {} {} {}{}", n.ip.str(), n.port, n.mac.str(), state,
                                      n.queued ? fmt::format(" ({} queued)", n.queued) : ""));
        }
        for (const auto& [ip, n] : routes_->neighbours()) {
            if (n.inherited) {
                out.push_back(fmt::format("{} port {} {} in hardware from an earlier hopd",
                                          Ipv4Addr(ip).str(), n.port, n.mac.str()));
            }
        }
        return true;
    });
    c.add("arp flush", 0, 0, [this](const ControlRequest&, Out&, std::string&) {
        handleActions(slowPath_->flushNeighbours());
        routes_->flushInherited();
        return true;
    });
    c.add("intf show", 0, 0, [this](const ControlRequest&, Out& out, std::string&) {
        for (const auto& i : interfaces_) {
            out.push_back(fmt::format("port {} {}/{} {} mtu {}", i.port, i.address.str(),
                                      i.prefixLength, i.mac.str(), i.mtu));
        }
        return true;
    });
    c.add("counters", 0, 0, [this](const ControlRequest&, Out& out, std::string&) {
        for (const auto& counter : slowPath_->counters()) {
            out.push_back(fmt::format("{} {}", counter.name, counter.value));
        }
        return true;
    });
}

bool Daemon::tableCommand(const ControlRequest& r, std::vector<std::string>& out,
                          std::string& error) {
    tables::ParseError pe;
    auto cmd = tables::parseBmv2Command(binding_->tables(), r.line, {}, pe);
    if (!cmd) {
        error = pe.message;
        return false;
    }
    int handle = -1;
    if (!writer_->apply(*cmd, error, &handle)) return false;
    if (cmd->kind == tables::Command::Kind::Add) {
        out.push_back(fmt::format("entry handle {}", handle));
    }
    return true;
}

bool Daemon::externCommand(const ControlRequest& r, std::vector<std::string>& out,
                           std::string& error) {
    tables::ParseError pe;
    auto cmd = tables::parseExternCommand(binding_->tables(), r.line, {}, pe);
    if (!cmd) {
        error = pe.message;
        return false;
    }
    return tables::runExternCommand(*externs_, *cmd, out, error);
}

bool Daemon::loadCommand(const ControlRequest& r, std::vector<std::string>& out,
                         std::string& error) {
    // A file at run time, read by hopd (hopctl sends an absolute path). A mistake is this
    // request's error; hopd and what was loaded before it stay.
    const std::string& kind = r.args[0];
    const std::string& path = r.args[1];
    const uint64_t identical = writer_->counters.identical;
    try {
        if (kind == "routes") {
            out.push_back(fmt::format("{} routes added", routes_->loadRouteFile(path)));
            return true;
        }
        uint64_t applied = 0;
        if (kind == "commands") {
            applied = loadCommandFile(path, &out);
        } else if (kind == "runtime-json") {
            applied = loadRuntimeJsonFile(path);
        } else {
            error = "usage: load commands|runtime-json|routes FILE";
            return false;
        }
        out.push_back(fmt::format("{} table commands applied, {} identical entries skipped",
                                  applied, writer_->counters.identical - identical));
        return true;
    } catch (const Failure& f) {
        if (f.code != 1) throw;
        error = f.what();
        return false;
    }
}

void Daemon::stats(std::vector<std::string>& out) {
    device::Device& dev = binding_->device();
    const auto& n = writer_->counters;
    const double up = std::chrono::duration<double>(Clock::now() - started_).count();
    out.push_back(fmt::format("hopd: up {:.0f} s, device {}", up, dev.name()));
    out.push_back(
        fmt::format("hopd: punts handled {}, frames sent {}, table commands {}, "
                    "CSR words {}, table errors {}",
                    puntsHandled_, framesSent_, n.commands, n.csrWords, n.tableErrors));
    if (routes_) {
        out.push_back(
            fmt::format("hopd: neighbours installed {}, removed {}, routes {}, "
                        "control requests {}",
                        routes_->neighboursInstalled(), routes_->neighboursRemoved(),
                        routes_->routes().size(), controlRequests_));
    } else {
        out.push_back(fmt::format("hopd: control requests {}", controlRequests_));
    }
    if (digests_) {
        out.push_back(fmt::format("hopd: --on-digest lines run {}, failed {}", digestLines_,
                                  digestLineErrors_));
    }
    using Seconds = std::chrono::duration<double>;
    out.push_back(fmt::format(
        "hopd: limits: ICMP errors {}/s burst {}; reassembly {:g} s, {} bytes; ARP {} "
        "entries, {} requests {:g} s apart, reachable {:g} s",
        options_.icmp.ratePerSecond, options_.icmp.burst,
        Seconds(options_.reassembly.timeout).count(), options_.reassembly.memoryCap,
        options_.arp.maxEntries, options_.arp.maxRequests,
        Seconds(options_.arp.retryInterval).count(), Seconds(options_.arp.reachableTime).count()));
    out.push_back(fmt::format("hopd: punted frames dropped by the device client queue {}",
                              dev.droppedPackets()));
    const auto& info = binding_->info();
    out.push_back(fmt::format("hopd: punted messages shorter than {} bytes ({}) {}",
                              info.packetIn.bytes, info.packetIn.name, packetInShort_));
    if (fib_) {
        out.push_back(fmt::format("fib-sync: {} kernel routes held, {} in the mirror; {}",
                                  fib_->state().installed().size(), fib_->state().mirror().size(),
                                  fib_->state().counters().str()));
    }
    std::string why;
    if (auto text = dev.stats(device::proto::StatsFormat::Text, why)) {
        std::istringstream lines(*text);
        std::string line;
        while (std::getline(lines, line)) out.push_back("board: " + line);
    } else {
        out.push_back("board: " + why);
    }
}

}  // namespace hop::hopd::detail
