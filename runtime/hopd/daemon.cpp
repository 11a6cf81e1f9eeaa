// SPDX-License-Identifier: Apache-2.0
// hopd put together: the program binding, the table writer and its state file, the route and
// neighbour manager, the slow path; the punt loop (the control requests: daemon_control.cpp).
#include "runtime/hopd/daemon.hpp"

#include "runtime/hopd/daemon_impl.hpp"

namespace hop::hopd {

namespace detail {

// ------------------------------------------------------------------------------------------
// setup

void Daemon::readConfig() {
    std::string error;
    if (options_.noRouter && (!options_.interfaces.empty() || !options_.routes.empty() ||
                              !options_.fullTable.empty() || options_.fibSync)) {
        throw Failure(1,
                      "hopd: error: --no-router takes no --interfaces, --routes, --full-table or "
                      "--fib-sync (they program router.p4's tables)");
    }
    if (!options_.interfaces.empty()) {
        std::ifstream in(options_.interfaces);
        if (!in) throw Failure(1, options_.interfaces + ": error: cannot read the file");
        auto list = parseInterfaces(in, options_.interfaces, error);
        if (!list) throw Failure(1, error);
        interfaces_ = *list;
    }
    for (const auto& path : options_.routes) {
        std::ifstream in(path);
        if (!in) throw Failure(1, path + ": error: cannot read the file");
        auto list = parseRoutes(in, path, error);
        if (!list) throw Failure(1, error);
        fileRoutes_.insert(fileRoutes_.end(), list->begin(), list->end());
    }
    if (!options_.fullTable.empty() && !Ipv4Addr::parse(options_.fullTableVia)) {
        throw Failure(1, "hopd: error: --full-table needs --full-table-via GATEWAY");
    }
}

void Daemon::openBoard() {
    binding_->openBoard(options_.device);
    device::Device& dev = binding_->device();
    const auto& info = dev.info();
    // A PCIe board cannot tell whether an earlier hopd wrote its tables (its csr_writes= option
    // says so): an earlier hopd's state file means it probably did.
    std::error_code ec;
    if (options_.device.starts_with("pcie:") && info.csrWrites == 0 &&
        std::filesystem::file_size(statePath_, ec) > 0 && !ec) {
        throw Failure(1, fmt::format("hopd: error: {} holds the state of an earlier hopd: add "
                                     "csr_writes=1 to --device to continue from it on a board "
                                     "that kept its tables, or remove it if the board was reset",
                                     statePath_));
    }
    writer_ = std::make_unique<TableWriter>(binding_->tables(), binding_->map(), dev, journal_);
    csr_ =
        tables::CsrPort{[&dev](uint32_t addr, std::string& error) { return dev.read(addr, error); },
                        [&dev](uint32_t addr, uint32_t value, std::string& error) {
                            return dev.write(addr, value, error);
                        }};
    externs_ = std::make_unique<tables::ExternCsr>(binding_->tables(), binding_->map(), csr_);
    if (binding_->map().digest) digests_ = std::make_unique<DigestLog>(*binding_->map().digest);
    if (const auto sw = binding_->switchInfo()) {
        tm_ = std::make_unique<tables::SwitchTmCsr>(tables::switchTmGeometry(*sw), csr_);
        std::string error;
        if (!tm_->checkInfo(error))
            throw Failure(1, fmt::format("hopd: error: {}: {} (is it the switch top with "
                                         "--switch-ports {}?)",
                                         dev.name(), error, options_.switchPorts));
    }
    if (tables_)
        routes_ = std::make_unique<RouteManager>(*tables_, *writer_, journal_, interfaces_);
    std::cerr << fmt::format(
        "hopd: {} runs {} at DATA_W={}, CPU port {}, {} CSR words written "
        "by earlier clients\n",
        dev.name(), binding_->name(), info.dataWidth, info.cpuPort, info.csrWrites);
}

// A fresh board (no CSR words written by clients) starts a new state file; a board that
// clients have written continues from it: its commands go into the table drivers WITHOUT
// writing, the writes of the last command (which may have been cut short) are sent again, the
// words the last commands committed are read back and compared; reconcile() then writes only
// the differences between what the board holds and what the configuration asks for.
void Daemon::openState() {
    const device::Device& dev = binding_->device();
    const auto& info = dev.info();
    const std::string header = stateHeader(binding_->name(), info.dataWidth, dev.name());
    if (info.csrWrites == 0) {
        StateJournal::removeSnapshots(statePath_);
        journal_.create(statePath_, header);
        std::cerr << "hopd: fresh board: new state file " << statePath_ << "\n";
        return;
    }
    std::ifstream in(statePath_);
    std::string line;
    if (!in || !std::getline(in, line)) {
        throw Failure(1, fmt::format("hopd: error: {} holds tables written by another client "
                                     "({} CSR words) and there is no state file {} to continue "
                                     "from; restart the board or pass --state",
                                     dev.name(), info.csrWrites, statePath_));
    }
    if (line != header) {
        throw Failure(1, fmt::format("{}:1: error: state file of another board or program ('{}'; "
                                     "this is '{}')",
                                     statePath_, line, header));
    }
    const auto t0 = Clock::now();
    writer_->beginReplay();
    StateVisitor visitor;
    std::string restored;
    visitor.snapshot = [&](const std::string& bytes, const std::string& file, std::string& why) {
        if (!writer_->restore(bytes, why)) return false;
        journal_.setSnapshotFile(file);
        restored = fmt::format("the snapshot {} ({} bytes) and ", file, bytes.size());
        return true;
    };
    uint64_t records = 0;
    visitor.record = [&](const StateRecord& r, std::string& why) {
        if (!routes_) {
            why = "a route record, and hopd runs with --no-router";
            return false;
        }
        routes_->replay(r);
        ++records;
        return true;
    };
    visitor.command = [&](const tables::Command& c, std::string& why) {
        return writer_->apply(c, why);
    };
    visitor.bulk = [&](std::vector<tables::Command> adds, std::string&) {
        writer_->applyBulk(std::move(adds));
        return true;
    };
    const uint64_t commands = readState(in, statePath_, binding_->tables(), visitor);
    writer_->endReplay();
    journal_.append(statePath_);
    journal_.replayed(commands + records);
    std::cerr << fmt::format(
        "hopd: continuing from {}: {}{} table commands restored without writing in {:.2f} s\n",
        statePath_, restored, commands, std::chrono::duration<double>(Clock::now() - t0).count());
    const auto [checked, tail] = writer_->verify(statePath_);
    std::cerr << fmt::format(
        "hopd: read back {} table words of the last {} commands: as "
        "written\n",
        checked, tail);
}

// The state file as a new snapshot and the records that still hold, once enough lines have
// gone into it since the last one (a full table's bulk update is a million): a restart then
// restores the snapshot instead of replaying them.
void Daemon::compactState(bool always) {
    if (!always && journal_.linesSinceSnapshot() < kCompactAfterLines) return;
    const auto t0 = Clock::now();
    const device::Device& dev = binding_->device();
    const std::string header = stateHeader(binding_->name(), dev.info().dataWidth, dev.name());
    const std::string snapshot = writer_->snapshot();
    const std::string file =
        journal_.compact(statePath_, header, snapshot,
                         routes_ ? routes_->stateRecords() : std::vector<StateRecord>{});
    std::cerr << fmt::format("hopd: state file {}: snapshot {} ({} bytes) written in {:.2f} s\n",
                             statePath_, file, snapshot.size(),
                             std::chrono::duration<double>(Clock::now() - t0).count());
}

void Daemon::openFibSync() {
    std::map<std::string, router::Port> ports;
    for (const auto& text : options_.fibPorts) {
        std::string name, error;
        router::Port port = 0;
        if (!fib::PortMap::parseOption(text, name, port, error)) {
            throw Failure(1, "hopd: error: " + error);
        }
        ports[name] = port;
    }
    fib_ = std::make_unique<fib::FibSync>(
        fib::PortMap(ports, interfaces_),
        [this](Ipv4Addr prefix, int length, const RouteSpec* spec, std::string& error) {
            return routes_->kernelRoute(prefix, length, spec, error);
        });
    std::string error;
    const bool ok = fib_->open(error);
    printFibLog();
    if (!ok) throw Failure(1, "hopd: error: " + error);
    std::cerr << fmt::format("hopd: fib-sync: {} routes in the kernel's main table\n",
                             fib_->state().mirror().size());
}

void Daemon::printFibLog() {
    for (const auto& line : fib_->state().takeLog()) {
        std::cerr << "hopd: fib-sync: " << line << "\n";
    }
}

void Daemon::start() {
    binding_ = std::make_unique<Binding>(Binding::Options{options_.program, options_.includeDirs,
                                                          options_.defines, !options_.noRouter,
                                                          options_.switchPorts});
    if (!options_.noRouter)
        tables_ = std::make_unique<RouterTables>(binding_->tables(), binding_->info());
    readConfig();
    // The templates are checked before the board is touched (a digest's members do not
    // depend on the board's DATA_W).
    if (!options_.onDigest.empty()) {
        const auto& block = binding_->digests();
        if (!block)
            throw Failure(
                1, fmt::format("hopd: error: --on-digest: {} sends no digests", binding_->name()));
        for (size_t i = 0; i < options_.onDigest.size(); ++i)
            onDigest_.emplace_back(options_.onDigest[i], static_cast<int>(i + 1), *block,
                                   binding_->tables());
    }
    statePath_ = options_.state.empty() ? options_.control + ".state" : options_.state;
    openBoard();
    openState();
    if (options_.fibSync) openFibSync();
    if (routes_)
        routes_->reconcile(
            fileRoutes_,
            [this] {
                if (!fib_) return;  // the kernel's routes (a restart keeps them)
                fib_->state().goLive();
                printFibLog();
            },
            options_.fullTable, Ipv4Addr::parse(options_.fullTableVia).value_or(Ipv4Addr()));
    for (const auto& path : options_.commands) loadCommandFile(path);
    for (const auto& path : options_.runtimeJson) loadRuntimeJsonFile(path);
    compactState(false);
    std::cerr << fmt::format("hopd: {} CSR words written since it started\n",
                             writer_->counters.csrWords);
    addControlCommands();
    if (!tables_) return;
    router::SlowPathConfig config;
    config.interfaces = interfaces_;
    config.routes = [this](Ipv4Addr d) { return routes_->lookup(d); };
    config.icmp = options_.icmp;
    config.reassembly = options_.reassembly;
    config.arp = options_.arp;
    slowPath_ = std::make_unique<router::SlowPath>(config);
}

// ------------------------------------------------------------------------------------------
// command files

bool Daemon::applyLoaded(tables::Command& cmd, const common::CommandSource& source,
                         uint64_t& applied, std::string& error) {
    std::string why;
    bool ok = true, written = true;
    if (cmd.kind == tables::Command::Kind::Add) {
        const auto outcome = writer_->ensure(std::move(cmd), why);
        ok = outcome != TableWriter::Outcome::Failed;
        written = outcome == TableWriter::Outcome::Written;
    } else {
        ok = writer_->apply(cmd, why);
    }
    if (!ok) {
        error = source.error(why);
        return false;
    }
    applied += written;
    return true;
}

uint64_t Daemon::loadCommandFile(const std::string& path, std::vector<std::string>* out) {
    uint64_t applied = 0;
    std::string error;
    // A counter, register or traffic-manager line: what it prints to `out` (else stdout), its
    // error located at its line.
    auto printed = [&](const common::CommandSource& source, std::string& why,
                       const std::function<bool(std::vector<std::string>&)>& run) {
        std::vector<std::string> lines;
        const bool ok = run(lines);
        for (auto& l : lines) {
            if (out)
                out->push_back(std::move(l));
            else
                std::cout << l << "\n";
        }
        if (!ok) why = source.error(why);
        return ok;
    };
    if (!common::readCommandFile(
            binding_->tables(), path, common::CommandSyntax::Bmv2OrStf,
            [&](tables::Command& cmd, const common::CommandSource& source, std::string& why) {
                return applyLoaded(cmd, source, applied, why);
            },
            error,
            [&](const tables::ExternCommand& cmd, const common::CommandSource& source,
                std::string& why) {
                return printed(source, why, [&](std::vector<std::string>& lines) {
                    return tables::runExternCommand(*externs_, cmd, lines, why);
                });
            },
            [&](const tables::TmCommand& cmd, const common::CommandSource& source,
                std::string& why) {
                return printed(source, why, [&](std::vector<std::string>& lines) {
                    return runTm(cmd, lines, why);
                });
            })) {
        throw Failure(1, error);
    }
    return applied;
}

uint64_t Daemon::loadRuntimeJsonFile(const std::string& path) {
    uint64_t applied = 0;
    std::string error;
    if (!common::readRuntimeJsonFile(
            binding_->tables(), path,
            [&](tables::Command& cmd, const common::CommandSource& source, std::string& why) {
                return applyLoaded(cmd, source, applied, why);
            },
            error,
            [&](const tables::TmCommand& cmd, const common::CommandSource& source,
                std::string& why) {
                std::vector<std::string> lines;
                if (runTm(cmd, lines, why)) return true;
                why = source.error(why);
                return false;
            })) {
        throw Failure(1, error);
    }
    return applied;
}

bool Daemon::runTm(const tables::TmCommand& cmd, std::vector<std::string>& out,
                   std::string& error) {
    if (!tm_) {
        error =
            "the traffic manager's commands need the switch top (hopd --switch-ports N, for a "
            "board built with hopc --ports N)";
        return false;
    }
    return tm_->run(tmState_, cmd, out, error);
}

// ------------------------------------------------------------------------------------------
// the punt loop

void Daemon::handleActions(router::Actions actions) {
    for (const auto& f : actions.frames) {
        std::string error;
        const auto message = binding_->info().encodePacketOut(f.port, f.frame);
        if (!binding_->device().sendPacket(message, error)) {
            throw Failure(3, "hopd: error: " + error);
        }
        ++framesSent_;
    }
    for (const auto& e : actions.events) routes_->neighbourEvent(e);
}

void Daemon::handlePunts() {
    device::Device& dev = binding_->device();
    for (int i = 0; i < 256; ++i) {
        std::string error;
        auto frame = dev.receivePacket(std::chrono::milliseconds(0), error);
        if (!frame) {
            if (!error.empty()) throw Failure(3, "hopd: error: " + error);
            return;
        }
        ++puntsHandled_;
        if (!slowPath_) {  // --no-router: nothing handles them
            ++packetInShort_;
            continue;
        }
        const auto in = binding_->info().decodePacketIn(*frame);  // the P4Info's layout
        if (!in) {
            ++packetInShort_;
            continue;
        }
        handleActions(slowPath_->handlePunt(in->ingressPort, in->reason, in->frame, Clock::now()));
    }
}

int Daemon::loop() {
    ControlSocket control(options_.control);
    common::EventLoop events;
    std::string error;
    if (!events.stopOnSignals({SIGINT, SIGTERM}, error)) throw Failure(3, "hopd: error: " + error);
    device::Device& dev = binding_->device();
    events.watch(dev.fd(), POLLIN, [this](short) { handlePunts(); });
    events.watch(control.fd(), POLLIN, [this, &control](short) {
        control.serveOne([this](const std::string& request, std::vector<std::string>& out,
                                std::string& why) { return this->control(request, out, why); });
    });
    if (fib_) {
        events.watch(fib_->fd(), POLLIN, [this](short) {  // the kernel's routing table changed
            std::string why;
            if (!fib_->onReadable(why)) throw Failure(1, "hopd: error: " + why);
            printFibLog();
        });
    }
    events.beforePoll([this, &dev] {
        if (dev.queuedPackets() > 0) return 0;
        auto deadline = slowPath_ ? slowPath_->nextDeadline() : std::nullopt;
        if (digests_ && (!deadline || nextDigestPoll_ < *deadline)) deadline = nextDigestPoll_;
        if (!deadline) return -1;
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now());
        return static_cast<int>(std::clamp<int64_t>(left.count(), 0, 60000));
    });
    events.afterPoll([this, &dev] {
        if (dev.queuedPackets() > 0) handlePunts();  // frames the device read ahead
        const auto now = Clock::now();
        if (auto deadline = slowPath_ ? slowPath_->nextDeadline() : std::nullopt;
            deadline && *deadline <= now) {
            handleActions(slowPath_->tick(now));
        }
        if (digests_ && nextDigestPoll_ <= now) {
            pollDigests();
            nextDigestPoll_ = Clock::now() + kDigestPoll;
        }
    });
    std::cerr << fmt::format("hopd: control socket {}; ready\n", options_.control);
    const auto end = events.run();
    if (end.why == common::EventLoop::End::Why::Error) {
        throw Failure(3, "hopd: error: " + end.error);
    }
    std::cerr << fmt::format(
        "hopd: stopping: {} punts handled, {} frames sent, {} table "
        "commands\n",
        puntsHandled_, framesSent_, writer_->counters.commands);
    // A stop asked for: the next start restores one snapshot and re-sends nothing.
    if (journal_.linesSinceSnapshot() > 0) compactState(true);
    return 0;
}

// ------------------------------------------------------------------------------------------
// digests

void Daemon::pollDigests() {
    std::vector<regmap::DigestEntry> fresh;
    std::string error;
    if (!digests_->poll(csr_, fresh, error)) throw Failure(3, "hopd: error: digests: " + error);
    for (const auto& entry : fresh)
        for (const auto& t : onDigest_)
            if (const std::string line = t.expand(digests_->block(), entry); !line.empty())
                runDigestLine(line);
}

// One line, as a command file's: an add of an entry already there with the same action does
// nothing (a MAC sends digests until its entry is in). A failure is logged, and hopd goes on.
void Daemon::runDigestLine(const std::string& line) {
    ++digestLines_;
    const tables::Origin origin{"--on-digest", 0, 0};
    tables::ParseError pe;
    std::string why;
    bool ok = false;
    std::vector<std::string> out;
    if (tables::isExternCommand(line)) {
        auto cmd = tables::parseExternCommand(binding_->tables(), line, origin, pe);
        ok = cmd && tables::runExternCommand(*externs_, *cmd, out, why);
    } else if (auto cmd = tables::parseBmv2Command(binding_->tables(), line, origin, pe)) {
        uint64_t applied = 0;
        ok = applyLoaded(*cmd, common::CommandSource{"--on-digest", 0, 0, -1}, applied, why);
    }
    if (!ok) {
        ++digestLineErrors_;
        std::cerr << fmt::format("hopd: --on-digest: '{}': {}\n", line,
                                 why.empty() ? pe.message : why);
    }
}

}  // namespace detail

using detail::Daemon;

int run(const Options& options) {
    // SIGINT / SIGTERM keep their default action while the tables load (the state file is
    // written ahead of the device, so a stop there is a restart's business); the loop takes
    // them through a signalfd.
    ::signal(SIGPIPE, SIG_IGN);
    Daemon daemon(options);
    try {
        daemon.start();
        if (options.exitAfterLoad) return 0;
        return daemon.loop();
    } catch (const Failure& f) {
        std::cerr << f.what();
        if (std::string(f.what()).back() != '\n') std::cerr << "\n";
        return f.code;
    }
}

}  // namespace hop::hopd
