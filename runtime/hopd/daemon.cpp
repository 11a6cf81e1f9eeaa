// SPDX-License-Identifier: Apache-2.0
#include "runtime/hopd/daemon.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

#include "p4info/p4info.hpp"
#include "runtime/device/sim_device.hpp"
#include "runtime/hopd/bmv2_text.hpp"
#include "runtime/hopd/config.hpp"
#include "runtime/hopd/control_protocol.hpp"
#include "runtime/hopd/fib_sync.hpp"
#include "runtime/hopd/hw_shadow.hpp"
#include "runtime/hopd/program_info.hpp"
#include "runtime/router/slow_path.hpp"
#include "runtime/tables/loader.hpp"
#include "runtime/tables/lpm.hpp"
#include "runtime/tables/lpm_routes.hpp"
#include "runtime/tables/lpm_table.hpp"
#include "sim/hopsim/program.hpp"
#include "verilog/backend.hpp"

namespace hop::hopd {

namespace {

using Clock = std::chrono::steady_clock;
using router::Ipv4Addr;
using router::MacAddr;
using router::Port;

constexpr size_t kVerifyTail = 64;  // commands whose words are read back on a restart

class Failure : public std::runtime_error {
  public:
    Failure(int code, const std::string& what) : std::runtime_error(what), code(code) {}
    int code;
};

struct Neighbour {
    uint16_t id = 0;
    bool host = false;  // an on-link host with a /32 of its own (else a gateway)
    int hwHandle = -1;  // its nexthop entry
    MacAddr mac;
    Port port = 0;
    bool inherited = false;  // in hardware from an earlier hopd, not yet re-learnt
};

struct RouteState {
    RouteSpec spec;
    std::string origin;  // file, runtime, connected, host, full-table
};

class Daemon {
  public:
    explicit Daemon(const Options& options) : options_(options) {}
    int start();
    int loop();

  private:
    // --- setup
    void loadProgram();
    void openBoard();
    void readConfig();
    void replayState();
    void verifyTail();
    void reconcile();
    void loadCommandFiles();
    // One file of BMv2 CLI / STF lines, or of the tutorials' runtime JSON: entries already there
    // with the same action are skipped, others modified in place. A mistake throws Failure(1)
    // naming the file and line; the commands before it stay applied. Returns commands applied.
    uint64_t loadCommandFile(const std::string& path);
    uint64_t loadRuntimeJsonFile(const std::string& path);
    // `hopctl load routes FILE`: every route of a route file, added as hopctl's `route add`
    // would (kept across restarts); the whole file is checked before any route is added.
    uint64_t loadRouteFile(const std::string& path);
    bool applyLoaded(tables::Command cmd, const std::string& where);
    std::string lpmMemory() const;
    // --full-table: the prefixes no route holds yet go into ipv4_lpm in one bulk update (the
    // image built in software, written in WRITE_LISTs), with progress and a report.
    void loadFullTable();
    // Adds to one table as one bulk update (PipelineLoader::addMany): an `@bulk N` record and
    // the N commands in the state file, the writes (unless replaying), indexes and shadow.
    void applyBulk(std::vector<tables::Command> adds);
    // The N commands after an `@bulk N` record of the state file.
    void replayBulk(std::istream& in, int& lineNo, size_t count);
    void startControl();

    // --- tables
    // Applies one command: drivers, state file (before the writes), device, shadow.
    int apply(const tables::Command& command, std::string& error);
    int applyText(const std::string& bmv2, std::string& error);
    bool writeAll(const tables::CsrWrites& writes, std::string& error);
    void journal(const std::string& line);
    ir::TableId tableId(const std::string& localName) const;
    std::optional<std::pair<int, tables::Entry>> findEntry(ir::TableId table,
                                                           const tables::Entry& like) const;
    // Adds the entry, or modifies it when the match exists with another action; nothing when
    // it is there already.
    bool ensure(const std::string& bmv2Add, std::string& error);
    uint16_t allocateId();
    uint16_t linkId(Port port);
    uint16_t gatewayId(Ipv4Addr gateway);
    std::string lpmAdd(Ipv4Addr prefix, int length, uint16_t id) const;

    // --- routes and neighbours
    std::optional<router::Route> softwareRoute(Ipv4Addr destination) const;
    bool addRoute(const RouteSpec& spec, const std::string& origin, std::string& error);
    bool removeRoute(Ipv4Addr prefix, int length, std::string& error);
    // --fib-sync: opens the netlink socket and dumps the kernel's table (before reconcile());
    // kernelRoute() is FibSync's hook: hold `spec` as the prefix's kernel route (null: drop it).
    void openFibSync();
    fib::Outcome kernelRoute(Ipv4Addr prefix, int length, const RouteSpec* spec,
                             std::string& error);
    void printFibLog();
    void neighbourEvent(const router::NeighbourEvent& e);
    const router::Interface* interfaceOn(Port port) const;
    void handleActions(router::Actions actions);

    // --- control
    void serveClient(int fd);
    bool command(const std::string& request, std::vector<std::string>& out, std::string& error);
    void tableDump(const std::string& name, std::vector<std::string>& out);

    Options options_;
    std::unique_ptr<hopsim::LoadedProgram> program_;
    const ir::Program* ir_ = nullptr;
    std::optional<regmap::RegMap> map_;
    std::unique_ptr<tables::PipelineLoader> loader_;
    std::unique_ptr<HwShadow> shadow_;
    std::unique_ptr<device::Device> dev_;
    std::unique_ptr<router::SlowPath> slowPath_;
    std::optional<ProgramInfo> info_;  // packet_in / packet_out layouts, tables by alias
    std::unique_ptr<fib::FibSync> fib_;
    uint64_t packetInShort_ = 0;  // punted messages shorter than packet_in
    ir::TableId tPortMac_ = -1, tLocal_ = -1, tLpm_ = -1, tNexthop_ = -1, tMtu_ = -1;

    std::vector<router::Interface> interfaces_;
    std::vector<RouteSpec> fileRoutes_;
    std::map<std::string, RouteSpec> runtimeRoutes_;  // from the state file / hopctl
    std::map<std::pair<uint32_t, int>, RouteState> routes_;
    router::RouteTable softwareRoutes_;
    std::map<uint32_t, Neighbour> neighbours_;  // by IP
    std::map<Port, uint16_t> linkIds_;
    std::set<uint16_t> usedIds_;

    // ipv4_lpm's entries by prefix (loader_->entries() copies the whole table: too slow for a
    // full table): handle, action, first argument.
    struct LpmSlot {
        int handle = -1;
        ir::ActionId action = -1;
        tables::BigInt arg;
    };
    std::map<std::pair<uint64_t, int>, LpmSlot> lpmIndex_;
    std::map<int, std::pair<uint64_t, int>> lpmByHandle_;
    int lastHandle_ = -1;  // of the last command apply() ran

    std::string statePath_;
    std::ofstream state_;
    bool replaying_ = false;
    std::deque<std::vector<HwShadow::WordRef>> tail_;
    tables::CsrWrites lastWrites_;
    int listenFd_ = -1, signalFd_ = -1;
    Clock::time_point started_ = Clock::now();

    // counters
    uint64_t commandsApplied_ = 0, csrWords_ = 0, puntsHandled_ = 0, framesSent_ = 0;
    uint64_t neighboursInstalled_ = 0, neighboursRemoved_ = 0, controlRequests_ = 0;
    uint64_t tableErrors_ = 0, skippedIdentical_ = 0;
    // Called by writeAll() after each slice of a long list: (words written, words in all).
    std::function<void(size_t, size_t)> writeProgress_;
    // What hopd last wrote to each STAGE register of an LPM block (plain storage: only writes
    // change it, COMMIT copies it to a memory word), so writeAll() leaves out a write of the
    // value the register holds already; and how many it left out.
    std::unordered_map<uint32_t, uint32_t> staged_;
    uint64_t stagedSkipped_ = 0;
};

// ------------------------------------------------------------------------------------------
// setup

void Daemon::loadProgram() {
    std::ostringstream err;
    program_ = hopsim::loadProgram(options_.program, {options_.includeDirs, options_.defines}, err);
    if (!program_) throw Failure(1, err.str());
    ir_ = &program_->ir();
    // The packet_in / packet_out layouts and the table names come from the program's P4Info:
    // a hopc output directory's <prog>.p4info.json, or for a .p4 the P4Info hopc would write,
    // generated in process from the same IR.
    std::string error, generatedError;
    const auto generated = parseP4Info(
        p4info::p4infoJson(*ir_),
        fmt::format("{} (P4Info generated in process)", program_->sourcePath()), generatedError);
    if (std::filesystem::is_directory(options_.program)) {
        auto file = findP4InfoFile(options_.program, program_->sourcePath(), error);
        if (!file || !(info_ = readP4InfoFile(*file, error))) throw Failure(1, error);
        // The directory's source is compiled again: it must still be the program of the P4Info.
        if (!generated || !(generated->packetIn == info_->packetIn) ||
            !(generated->packetOut == info_->packetOut) || generated->tables != info_->tables) {
            throw Failure(1, fmt::format("{}: error: does not describe {} as it compiles now "
                                         "({}; compile the program again with hopc)",
                                         *file, program_->sourcePath(),
                                         generated ? generated->packetIn.str() + ", " +
                                                         generated->packetOut.str()
                                                   : generatedError));
        }
    } else if (!(info_ = generated)) {
        throw Failure(1, generatedError);
    }
    std::cerr << fmt::format("hopd: {}: {}, {}\n", info_->file, info_->packetIn.str(),
                             info_->packetOut.str());
    tPortMac_ = tableId("port_mac");
    tLocal_ = tableId("local_addr");
    tLpm_ = tableId("ipv4_lpm");
    tNexthop_ = tableId("nexthop");
    tMtu_ = tableId("egress_mtu");
}

ir::TableId Daemon::tableId(const std::string& localName) const {
    // By the P4Info's alias, then the full name it gives.
    if (auto alias = info_->tables.find(localName); alias != info_->tables.end()) {
        for (size_t i = 0; i < ir_->tables.size(); ++i) {
            if (ir_->tables[i].name == alias->second) return static_cast<ir::TableId>(i);
        }
    }
    throw Failure(1, fmt::format("hopd: error: {} has no table '{}' (hopd runs router.p4's "
                                 "tables: port_mac, local_addr, ipv4_lpm, nexthop, egress_mtu)",
                                 info_->file, localName));
}

void Daemon::openBoard() {
    const std::string& spec = options_.device;
    if (!spec.starts_with("sim:") && !spec.starts_with("pcie:")) {
        throw Failure(1, fmt::format("hopd: error: --device {}: expected sim:PATH (a hopsim serve "
                                     "socket) or pcie:BDF,netdev=IFNAME (a board on PCIe)",
                                     spec));
    }
    std::string error;
    std::unique_ptr<device::Device> board = device::openDevice(spec, error);
    if (!board) throw Failure(3, "hopd: error: " + error);
    const auto& info = board->info();
    if (info.program.empty()) {
        // A PCIe board's BAR identifies the pipeline (ID, DATA_W) but cannot name its program.
        std::cerr << fmt::format("hopd: {} does not name its program: trusting --program ({})\n",
                                 board->name(), ir_->name);
    } else if (info.program != ir_->name) {
        throw Failure(1, fmt::format("hopd: error: {} runs {}, not {}", board->name(), info.program,
                                     ir_->name));
    }
    Diagnostics diags(program_->source());
    auto gen = verilog::generate(*ir_, {.dataWidth = info.dataWidth}, diags);
    if (!gen) {
        std::ostringstream text;
        diags.print(text);
        throw Failure(1, text.str());
    }
    map_ = gen->regmap;
    auto id = board->read(map_->pipelineBase + 4 * regmap::kWordId, error);
    auto width =
        id ? board->read(map_->pipelineBase + 4 * regmap::kWordDataWidth, error) : std::nullopt;
    if (!width) throw Failure(3, "hopd: error: " + error);
    if (*id != regmap::kPipelineId || *width != static_cast<uint32_t>(info.dataWidth)) {
        throw Failure(3, fmt::format("hopd: error: {} does not identify as a DATA_W={} pipeline",
                                     board->name(), info.dataWidth));
    }
    // The whole register map must be decoded (a BAR too small for it fails here, not halfway
    // through loading a table).
    if (!board->read(map_->mapBytes - 4, error)) {
        throw Failure(3, fmt::format("hopd: error: the register map of {} at DATA_W={} needs "
                                     "0x{:x} bytes of CSR space: {}",
                                     ir_->name, info.dataWidth, map_->mapBytes, error));
    }
    // A PCIe board cannot tell whether an earlier hopd wrote its tables (its csr_writes= option
    // says so): an earlier hopd's state file means it probably did.
    const std::string state = options_.state.empty() ? options_.control + ".state" : options_.state;
    std::error_code ec;
    if (spec.starts_with("pcie:") && info.csrWrites == 0 &&
        std::filesystem::file_size(state, ec) > 0 && !ec) {
        throw Failure(1, fmt::format("hopd: error: {} holds the state of an earlier hopd: add "
                                     "csr_writes=1 to --device to continue from it on a board "
                                     "that kept its tables, or remove it if the board was reset",
                                     state));
    }
    dev_ = std::move(board);
    loader_ = std::make_unique<tables::PipelineLoader>(*ir_, *map_);
    if (!loader_->ok()) throw Failure(1, "hopd: error: " + loader_->error());
    shadow_ = std::make_unique<HwShadow>(*map_);
    std::cerr << fmt::format(
        "hopd: {} runs {} at DATA_W={}, CPU port {}, {} CSR words written "
        "by earlier clients\n",
        dev_->name(), ir_->name, info.dataWidth, info.cpuPort, info.csrWrites);
}

void Daemon::readConfig() {
    std::string error;
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

void Daemon::journal(const std::string& line) {
    if (replaying_) return;
    state_ << line << '\n';
    state_.flush();  // before the CSR writes: a crash in between replays the command
}

void Daemon::replayState() {
    statePath_ = options_.state.empty() ? options_.control + ".state" : options_.state;
    const auto& info = dev_->info();
    const std::string header =
        fmt::format("@hopd-state 1 {} {} {}", ir_->name, info.dataWidth, dev_->name());
    if (info.csrWrites == 0) {
        state_.open(statePath_, std::ios::trunc);
        if (!state_) throw Failure(1, statePath_ + ": error: cannot write the state file");
        journal(header);
        std::cerr << "hopd: fresh board: new state file " << statePath_ << "\n";
        return;
    }
    std::ifstream in(statePath_);
    std::string line;
    if (!in || !std::getline(in, line)) {
        throw Failure(1, fmt::format("hopd: error: {} holds tables written by another client "
                                     "({} CSR words) and there is no state file {} to continue "
                                     "from; restart the board or pass --state",
                                     dev_->name(), info.csrWrites, statePath_));
    }
    if (line != header) {
        throw Failure(1, fmt::format("{}:1: error: state file of another board or program ('{}'; "
                                     "this is '{}')",
                                     statePath_, line, header));
    }
    const auto t0 = Clock::now();
    replaying_ = true;
    int lineNo = 1;
    uint64_t commands = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        const auto words = splitWords(line);
        if (words.empty()) continue;
        auto bad = [&](const std::string& why) {
            return Failure(1, fmt::format("{}:{}: error: {}", statePath_, lineNo, why));
        };
        if (line[0] == '@') {
            const std::string& kind = words[0].text;
            if ((kind == "@nexthop" || kind == "@host") && words.size() == 3) {
                auto ip = Ipv4Addr::parse(words[1].text);
                if (!ip) throw bad("invalid address");
                Neighbour n;
                n.id = static_cast<uint16_t>(std::stoul(words[2].text));
                n.host = kind == "@host";
                neighbours_[ip->value] = n;
                usedIds_.insert(n.id);
            } else if (kind == "@nexthop-free" && words.size() == 2) {
                auto ip = Ipv4Addr::parse(words[1].text);
                if (!ip) throw bad("invalid address");
                auto it = neighbours_.find(ip->value);
                if (it != neighbours_.end()) {
                    usedIds_.erase(it->second.id);
                    neighbours_.erase(it);
                }
            } else if (kind == "@link" && words.size() == 3) {
                const auto id = static_cast<uint16_t>(std::stoul(words[2].text));
                linkIds_[static_cast<Port>(std::stoul(words[1].text))] = id;
                usedIds_.insert(id);
            } else if (kind == "@route" && words.size() >= 2) {
                std::vector<Word> rest(words.begin() + 1, words.end());
                std::string why;
                auto spec = parseRouteWords(rest, why);
                if (!spec) throw bad(why);
                runtimeRoutes_[fmt::format("{}/{}", spec->prefix.str(), spec->length)] = *spec;
            } else if (kind == "@route-del" && words.size() == 2) {
                runtimeRoutes_.erase(words[1].text);
            } else if (kind == "@bulk" && words.size() == 2) {  // the table commands that follow
                replayBulk(in, lineNo, std::stoul(words[1].text));
                commands += std::stoul(words[1].text);
            } else {
                throw bad(fmt::format("unknown record '{}'", kind));
            }
            continue;
        }
        tables::ParseError parseError;
        auto cmd = tables::parseBmv2Command(*ir_, line, {statePath_, lineNo, 1}, parseError);
        if (!cmd) throw Failure(1, parseError.str());
        std::string why;
        if (apply(*cmd, why) != 0) throw bad(why);
        ++commands;
    }
    replaying_ = false;
    // Make the last command whole (hopd may have died in the middle of its writes): the same
    // words again are the same table.
    std::string error;
    if (!writeAll(lastWrites_, error)) throw Failure(3, "hopd: error: " + error);
    state_.open(statePath_, std::ios::app);
    if (!state_) throw Failure(1, statePath_ + ": error: cannot write the state file");
    std::cerr << fmt::format(
        "hopd: continuing from {}: {} table commands replayed without writing in {:.2f} s\n",
        statePath_, commands, std::chrono::duration<double>(Clock::now() - t0).count());
    verifyTail();
}

void Daemon::verifyTail() {
    std::set<HwShadow::WordRef> refs;
    for (const auto& c : tail_) refs.insert(c.begin(), c.end());
    size_t checked = 0;
    for (const auto& ref : refs) {
        const auto* want = shadow_->expected(ref);
        if (!want) continue;
        std::string error;
        auto got = shadow_->readBack(*dev_, ref, want->size(), error);
        if (!got) throw Failure(3, "hopd: error: " + error);
        if (*got != *want) {
            throw Failure(
                3, fmt::format("hopd: error: {} does not hold what {} says: table {} word 0x{:x} "
                               "reads back differently; restart the board (a fresh board starts "
                               "a new state file)",
                               dev_->name(), statePath_, map_->tables[ref.block].name, ref.where));
        }
        ++checked;
    }
    std::cerr << fmt::format(
        "hopd: read back {} table words of the last {} commands: as "
        "written\n",
        checked, tail_.size());
}

// ------------------------------------------------------------------------------------------
// tables

bool Daemon::writeAll(const tables::CsrWrites& writes, std::string& error) {
    // In order, as write lists (SimDevice: WRITE_LIST messages, several in flight, one reply
    // each; a device without lists writes word by word): one round trip per command instead of
    // one per word. A long list (a full table) goes in slices, reporting progress after each.
    constexpr size_t kSlice = size_t{1} << 16;
    auto isStage = [&](uint32_t addr) {
        for (const auto& b : map_->tables) {
            if (b.kind == regmap::TableKind::Lpm && addr >= b.base + tables::LpmCsr::kStage &&
                addr < b.base + tables::LpmCsr::kRdata) {
                return true;
            }
        }
        return false;
    };
    std::vector<device::CsrWord> list;
    if (writeProgress_) writeProgress_(0, writes.size());
    for (size_t i = 0; i < writes.size(); i += kSlice) {
        const size_t n = std::min(kSlice, writes.size() - i);
        list.clear();
        list.reserve(n);
        for (size_t k = i; k < i + n; ++k) {
            const auto& w = writes[k];
            if (isStage(w.addr)) {
                auto [it, fresh] = staged_.try_emplace(w.addr, w.value);
                if (!fresh && it->second == w.value) {
                    ++stagedSkipped_;
                    continue;
                }
                it->second = w.value;
            }
            list.push_back({w.addr, w.value});
        }
        if (!dev_->writeList(list, error)) {
            staged_.clear();  // not known which of them the board took
            return false;
        }
        csrWords_ += list.size();
        if (writeProgress_) writeProgress_(i + n, writes.size());
    }
    return true;
}

int Daemon::apply(const tables::Command& command, std::string& error) {
    int handle = -1;
    auto writes = loader_->apply(command, error, &handle);
    if (!writes) {
        ++tableErrors_;
        return 1;
    }
    tables::Command canonical = command;
    if (command.kind == tables::Command::Kind::Modify ||
        command.kind == tables::Command::Kind::Delete) {
        canonical.handle = command.handle ? command.handle : std::optional<int>(handle);
    }
    journal(toBmv2(*ir_, canonical));
    if (!replaying_ && !writeAll(*writes, error)) throw Failure(3, "hopd: error: " + error);
    lastHandle_ = handle;
    if (command.entry.table == tLpm_ ||
        (command.kind == tables::Command::Kind::Clear && command.entry.table == tLpm_)) {
        using Kind = tables::Command::Kind;
        if (command.kind == Kind::Clear) {
            lpmIndex_.clear();
            lpmByHandle_.clear();
        } else if (command.kind == Kind::Add || command.kind == Kind::Modify) {
            std::pair<uint64_t, int> key;
            if (command.kind == Kind::Add) {
                const auto& k = command.entry.keys[0];
                key = {static_cast<uint64_t>(k.value),
                       k.kind == ir::Match::Kind::Lpm ? k.prefixLen : 32};
                lpmByHandle_[handle] = key;
            } else {
                key = lpmByHandle_.at(handle);
            }
            const auto& args = command.entry.action.args;
            lpmIndex_[key] = {handle, command.entry.action.action,
                              args.empty() ? tables::BigInt(0) : args[0]};
        } else if (command.kind == Kind::Delete) {
            auto it = lpmByHandle_.find(handle);
            if (it != lpmByHandle_.end()) {
                lpmIndex_.erase(it->second);
                lpmByHandle_.erase(it);
            }
        }
    }
    auto committed = shadow_->observe(*writes);
    if (replaying_) {
        tail_.push_back(std::move(committed));
        if (tail_.size() > kVerifyTail) tail_.pop_front();
        lastWrites_ = std::move(*writes);
    }
    ++commandsApplied_;
    return 0;
}

int Daemon::applyText(const std::string& bmv2, std::string& error) {
    tables::ParseError parseError;
    auto cmd = tables::parseBmv2Command(*ir_, bmv2, {}, parseError);
    if (!cmd) {
        error = parseError.message.empty() ? "empty command" : parseError.message;
        return 1;
    }
    return apply(*cmd, error);
}

std::optional<std::pair<int, tables::Entry>> Daemon::findEntry(ir::TableId table,
                                                               const tables::Entry& like) const {
    if (table == tLpm_ && !like.keys.empty()) {
        const auto& k = like.keys[0];
        auto it = lpmIndex_.find(
            {static_cast<uint64_t>(k.value), k.kind == ir::Match::Kind::Lpm ? k.prefixLen : 32});
        if (it == lpmIndex_.end()) return std::nullopt;
        tables::Entry entry = like;
        entry.action.action = it->second.action;
        entry.action.args.clear();
        if (!ir_->actions.at(it->second.action).params.empty()) {
            entry.action.args.push_back(it->second.arg);
        }
        return std::pair{it->second.handle, entry};
    }
    for (auto& [handle, entry] : loader_->entries(table)) {
        if (tables::sameMatch(entry, like)) return std::pair{handle, entry};
    }
    return std::nullopt;
}

bool Daemon::ensure(const std::string& bmv2Add, std::string& error) {
    tables::ParseError parseError;
    auto cmd = tables::parseBmv2Command(*ir_, bmv2Add, {}, parseError);
    if (!cmd) {
        error = parseError.message;
        return false;
    }
    if (auto existing = findEntry(cmd->entry.table, cmd->entry)) {
        if (existing->second.action.action == cmd->entry.action.action &&
            existing->second.action.args == cmd->entry.action.args) {
            ++skippedIdentical_;
            return true;
        }
        cmd->kind = tables::Command::Kind::Modify;
        cmd->handle = existing->first;
    }
    return apply(*cmd, error) == 0;
}

uint16_t Daemon::allocateId() {
    for (uint32_t id = 1; id < 65536; ++id) {
        if (!usedIds_.count(static_cast<uint16_t>(id))) {
            usedIds_.insert(static_cast<uint16_t>(id));
            return static_cast<uint16_t>(id);
        }
    }
    throw Failure(3, "hopd: error: all 65,535 next-hop ids are in use");
}

uint16_t Daemon::linkId(Port port) {
    auto it = linkIds_.find(port);
    if (it != linkIds_.end()) return it->second;
    const uint16_t id = allocateId();
    linkIds_[port] = id;
    journal(fmt::format("@link {} {}", port, id));
    return id;
}

uint16_t Daemon::gatewayId(Ipv4Addr gateway) {
    auto it = neighbours_.find(gateway.value);
    if (it != neighbours_.end()) return it->second.id;
    Neighbour n;
    n.id = allocateId();
    neighbours_[gateway.value] = n;
    journal(fmt::format("@nexthop {} {}", gateway.str(), n.id));
    return n.id;
}

std::string Daemon::lpmAdd(Ipv4Addr prefix, int length, uint16_t id) const {
    return fmt::format("table_add {} set_nexthop {}/{} => {}", ir_->tables[tLpm_].name,
                       prefix.str(), length, id);
}

const router::Interface* Daemon::interfaceOn(Port port) const {
    for (const auto& i : interfaces_) {
        if (i.port == port) return &i;
    }
    return nullptr;
}

// ------------------------------------------------------------------------------------------
// routes

std::optional<router::Route> Daemon::softwareRoute(Ipv4Addr destination) const {
    return softwareRoutes_.lookup(destination);
}

bool Daemon::addRoute(const RouteSpec& spec, const std::string& origin, std::string& error) {
    router::Route r;
    uint16_t id = 0;
    if (spec.gateway) {
        const router::Interface* on = nullptr;
        for (const auto& i : interfaces_) {
            if (i.contains(*spec.gateway)) on = &i;
        }
        if (!on) {
            error = fmt::format("{}: gateway {} is not on the subnet of any interface", spec.str(),
                                spec.gateway->str());
            return false;
        }
        r.port = on->port;
        r.gateway = *spec.gateway;
        id = gatewayId(*spec.gateway);
    } else {
        if (!interfaceOn(*spec.port)) {
            error = fmt::format("{}: port {} has no interface (no MAC address to send from)",
                                spec.str(), *spec.port);
            return false;
        }
        r.port = *spec.port;
        id = linkId(*spec.port);
    }
    if (ensure(lpmAdd(spec.prefix, spec.length, id), error) == false) return false;
    routes_[{spec.prefix.value, spec.length}] = {spec, origin};
    softwareRoutes_.add(spec.prefix, spec.length, r.port, r.gateway);
    return true;
}

bool Daemon::removeRoute(Ipv4Addr prefix, int length, std::string& error) {
    auto it = routes_.find({prefix.value, length});
    if (it == routes_.end() || it->second.origin == "connected" || it->second.origin == "host") {
        error = fmt::format("no route {}/{} to delete{}", prefix.str(), length,
                            it == routes_.end() ? "" : " (it is " + it->second.origin + ")");
        return false;
    }
    tables::ParseError pe;
    auto cmd = tables::parseBmv2Command(*ir_, lpmAdd(prefix, length, 0), {}, pe);
    auto existing = cmd ? findEntry(tLpm_, cmd->entry) : std::nullopt;
    if (existing) {
        tables::Command del;
        del.kind = tables::Command::Kind::Delete;
        del.entry = existing->second;
        del.handle = existing->first;
        if (apply(del, error) != 0) return false;
    }
    softwareRoutes_.remove(prefix, length);
    routes_.erase(it);
    return true;
}

void Daemon::openFibSync() {
    std::map<std::string, Port> ports;
    for (const auto& text : options_.fibPorts) {
        std::string name, error;
        Port port = 0;
        if (!fib::PortMap::parseOption(text, name, port, error)) {
            throw Failure(1, "hopd: error: " + error);
        }
        ports[name] = port;
    }
    fib_ = std::make_unique<fib::FibSync>(
        fib::PortMap(ports, interfaces_),
        [this](Ipv4Addr prefix, int length, const RouteSpec* spec, std::string& error) {
            return kernelRoute(prefix, length, spec, error);
        });
    std::string error;
    const bool ok = fib_->open(error);
    printFibLog();
    if (!ok) throw Failure(1, "hopd: error: " + error);
    std::cerr << fmt::format("hopd: fib-sync: {} routes in the kernel's main table\n",
                             fib_->state().mirror().size());
}

fib::Outcome Daemon::kernelRoute(Ipv4Addr prefix, int length, const RouteSpec* spec,
                                 std::string& error) {
    auto it = routes_.find({prefix.value, length});
    const bool ours = it != routes_.end() && it->second.origin == "kernel";
    if (it != routes_.end() && !ours) {  // connected, file, hopctl, host, full-table: kept
        error = it->second.origin;
        return spec ? fib::Outcome::Shadowed : fib::Outcome::Done;
    }
    if (!spec) {
        if (!ours) return fib::Outcome::Done;
        return removeRoute(prefix, length, error) ? fib::Outcome::Done : fib::Outcome::Failed;
    }
    // A changed route is modified in place (ensure()): no moment without a route.
    return addRoute(*spec, "kernel", error) ? fib::Outcome::Done : fib::Outcome::Failed;
}

void Daemon::printFibLog() {
    for (const auto& line : fib_->state().takeLog()) {
        std::cerr << "hopd: fib-sync: " << line << "\n";
    }
}

void Daemon::reconcile() {
    const auto t0 = Clock::now();
    const uint64_t before = commandsApplied_;
    std::string error;
    auto must = [&](bool ok) {
        if (!ok) throw Failure(1, "hopd: error: " + error);
    };
    // Interfaces: port MACs, MTUs, local addresses; connected subnets to the port's link id.
    for (const auto& i : interfaces_) {
        must(ensure(fmt::format("table_add {} set_port_mac {} => {}", ir_->tables[tPortMac_].name,
                                i.port, i.mac.str()),
                    error));
        must(ensure(
            fmt::format("table_add {} set_mtu {} => {}", ir_->tables[tMtu_].name, i.port, i.mtu),
            error));
        must(ensure(
            fmt::format("table_add {} local_hit {} =>", ir_->tables[tLocal_].name, i.address.str()),
            error));
        const Ipv4Addr subnet(i.address.value & router::prefixMask(i.prefixLength));
        must(ensure(lpmAdd(subnet, i.prefixLength, linkId(i.port)), error));
        routes_[{subnet.value, i.prefixLength}] = {
            RouteSpec{subnet, i.prefixLength, std::nullopt, i.port}, "connected"};
    }
    for (const auto& r : fileRoutes_) {
        if (!addRoute(r, "file", error)) throw Failure(1, "hopd: error: " + error);
    }
    for (const auto& [key, r] : runtimeRoutes_) {
        if (!addRoute(r, "runtime", error)) {
            std::cerr << "hopd: warning: route from the state file: " << error << "\n";
        }
    }
    if (fib_) {  // the kernel's routes (before the cleanup below: a restart keeps them)
        fib_->state().goLive();
        printFibLog();
    }
    if (!options_.fullTable.empty()) loadFullTable();
    // Host routes and next hops the hardware holds from an earlier run are kept (forwarding
    // goes on); the slow path re-learns them.
    for (auto& [handle, entry] : loader_->entries(tNexthop_)) {
        const auto id = static_cast<uint16_t>(entry.keys[0].value);
        for (auto& [ip, n] : neighbours_) {
            if (n.id != id) continue;
            n.hwHandle = handle;
            n.inherited = true;
            const auto& a = entry.action.args;
            for (int b = 0; b < 6; ++b) {
                n.mac.bytes[b] = static_cast<uint8_t>(a[0] >> (8 * (5 - b)) & 0xff);
            }
            n.port = static_cast<Port>(a[2]);
            if (n.host) {
                routes_[{ip, 32}] = {RouteSpec{Ipv4Addr(ip), 32, std::nullopt, n.port}, "host"};
            }
        }
    }
    // LPM entries that point at hopd's ids but are no longer asked for go (after the adds).
    std::set<uint16_t> ours(usedIds_.begin(), usedIds_.end());
    for (auto& [handle, entry] : loader_->entries(tLpm_)) {
        const auto id = static_cast<uint16_t>(entry.action.args.empty() ? 0 : entry.action.args[0]);
        const auto& key = entry.keys[0];
        const std::pair<uint32_t, int> k{static_cast<uint32_t>(key.value), key.prefixLen};
        if (key.kind == ir::Match::Kind::Exact) continue;
        if (!ours.count(id) || routes_.count(k)) continue;
        tables::Command del;
        del.kind = tables::Command::Kind::Delete;
        del.entry = entry;
        del.handle = handle;
        if (apply(del, error) != 0) throw Failure(1, "hopd: error: " + error);
    }
    // Host routes of inherited hosts still count as host routes; gateways without a route left
    // keep their id (cheap) until hopd restarts on a fresh board.
    std::cerr << fmt::format(
        "hopd: tables as configured: {} interfaces, {} routes, {} entries written, {} already "
        "there, {:.2f} s; LPM node memory written: {}\n",
        interfaces_.size(), routes_.size(), commandsApplied_ - before, skippedIdentical_,
        std::chrono::duration<double>(Clock::now() - t0).count(), lpmMemory());
}

// Node memory of the LPM block as hopd wrote it: distinct words per memory times its width.
std::string Daemon::lpmMemory() const {
    auto block = shadow_->blockOf(ir_->tables[tLpm_].name);
    if (!block) return "none";
    const auto& config = map_->tables[*block].lpm;
    tables::Lpm probe(config);  // for the word widths only
    std::map<int, uint64_t> words;
    for (const auto& [ref, data] : shadow_->words(*block))
        ++words[static_cast<int>(ref.where >> 24)];
    uint64_t bits = 0, count = 0;
    for (const auto& [mem, n] : words) {
        if (mem >= probe.memories()) continue;  // the default result register
        bits += n * static_cast<uint64_t>(probe.wordBits(mem));
        count += n;
    }
    return fmt::format("{} words, {} bytes", count, (bits + 7) / 8);
}

namespace {

// Progress of a long step on stderr: one line rewritten in place on a tty (5 times a second at
// most), else a line every 5 seconds.
class Progress {
  public:
    explicit Progress(bool tty) : tty_(tty) {}
    ~Progress() { finish(); }
    void show(const std::string& line) {
        const auto now = Clock::now();
        if (now - last_ < (tty_ ? std::chrono::milliseconds(200) : std::chrono::seconds(5))) {
            return;
        }
        last_ = now;
        if (tty_) {
            std::cerr << "\r\033[K" << line << std::flush;
            open_ = true;
        } else {
            std::cerr << line << "\n";
        }
    }
    void finish() {
        if (open_) std::cerr << "\n";
        open_ = false;
    }

  private:
    bool tty_;
    bool open_ = false;
    Clock::time_point last_ = Clock::now();
};

std::string bar(double fraction) {
    const int n = static_cast<int>(std::clamp(fraction, 0.0, 1.0) * 30 + 0.5);
    return "[" + std::string(static_cast<size_t>(n), '#') + std::string(30 - n, '.') + "]";
}

}  // namespace

void Daemon::loadFullTable() {
    const auto t0 = Clock::now();
    const uint64_t words0 = csrWords_, skipped0 = stagedSkipped_;
    const auto gateway = *Ipv4Addr::parse(options_.fullTableVia);
    const std::string& file = options_.fullTable;
    std::string why;
    auto prefixes = tables::readPrefixFile(file, 4, why);
    if (!why.empty()) throw Failure(1, file + ": error: " + why);
    const double readS = std::chrono::duration<double>(Clock::now() - t0).count();
    std::cerr << fmt::format("hopd: full table: {} prefixes in {} ({:.2f} s to read), via {}\n",
                             prefixes.size(), file, readS, gateway.str());
    const router::Interface* on = nullptr;
    for (const auto& i : interfaces_) {
        if (i.contains(gateway)) on = &i;
    }
    if (!on) {
        throw Failure(1, fmt::format("{}: error: gateway {} is not on the subnet of any interface",
                                     file, gateway.str()));
    }
    const uint16_t id = gatewayId(gateway);
    tables::ParseError pe;
    const auto probe = tables::parseBmv2Command(*ir_, lpmAdd(Ipv4Addr(0x0a000000), 8, id), {}, pe);
    if (!probe) throw Failure(1, fmt::format("{}: error: {}", file, pe.message));
    const ir::ActionId setNexthop = probe->entry.action.action;
    // Each prefix: held by another route (kept, as before), already in the table as asked (a
    // restart: nothing to write), in it with another next hop (modified in place, one by one),
    // or new (the bulk update). Entries are made from one parsed command per prefix length.
    std::map<int, tables::Command> templates;
    std::vector<tables::Command> adds;
    uint64_t held = 0, present = 0, changed = 0;
    for (const auto& p : prefixes) {
        const auto value = static_cast<uint32_t>(p.value);
        const std::pair<uint32_t, int> key{value, p.length};
        if (routes_.count(key)) {
            ++held;
            continue;
        }
        RouteSpec spec{Ipv4Addr(value), p.length, gateway, {}};
        if (auto it = lpmIndex_.find({value, p.length}); it != lpmIndex_.end()) {
            if (it->second.action == setNexthop && it->second.arg == id) {
                ++present;
                ++skippedIdentical_;
                routes_[key] = {spec, "full-table"};
                softwareRoutes_.add(spec.prefix, spec.length, on->port, gateway);
            } else {
                ++changed;
                if (!addRoute(spec, "full-table", why)) {
                    throw Failure(1, fmt::format("{}: error: {}", file, why));
                }
            }
            continue;
        }
        auto t = templates.find(p.length);
        if (t == templates.end()) {
            auto cmd = tables::parseBmv2Command(*ir_, lpmAdd(spec.prefix, p.length, id), {}, pe);
            if (!cmd) throw Failure(1, fmt::format("{}: error: {}", file, pe.message));
            t = templates.emplace(p.length, std::move(*cmd)).first;
        }
        tables::Command cmd = t->second;
        auto& k = cmd.entry.keys[0];
        k.value = tables::BigInt(value) & k.mask;
        adds.push_back(std::move(cmd));
        routes_[key] = {spec, "full-table"};
        softwareRoutes_.add(spec.prefix, spec.length, on->port, gateway);
    }
    const auto t1 = Clock::now();
    auto t2 = t1;  // the bulk update's image built, its writes start
    const size_t added = adds.size();
    if (added < 64) {
        // A few: the ordinary incremental adds.
        for (const auto& cmd : adds) {
            if (apply(cmd, why) != 0) throw Failure(1, fmt::format("{}: error: {}", file, why));
        }
    } else {
        Progress progress(::isatty(2));
        writeProgress_ = [&](size_t done, size_t all) {
            if (done == 0) {
                t2 = Clock::now();
                std::cerr << fmt::format(
                    "hopd: full table: image of {} prefixes built in {:.2f} s: {} CSR writes to "
                    "make\n",
                    added, std::chrono::duration<double>(t2 - t1).count(), all);
                return;
            }
            const double s = std::chrono::duration<double>(Clock::now() - t2).count();
            progress.show(fmt::format(
                "hopd: full table: {} {:5.1f} % of {} CSR writes, {:.1f} s, {:.0f} writes/s",
                bar(double(done) / double(all)), 100.0 * double(done) / double(all), all, s,
                double(done) / std::max(s, 1e-3)));
        };
        struct Reset {
            std::function<void(size_t, size_t)>& f;
            ~Reset() { f = nullptr; }
        } reset{writeProgress_};
        applyBulk(std::move(adds));
    }
    const auto t3 = Clock::now();
    const double total = std::chrono::duration<double>(t3 - t0).count();
    const uint64_t words = csrWords_ - words0;
    const double writeS = std::chrono::duration<double>(t3 - t2).count();
    std::cerr << fmt::format(
        "hopd: full table: {} prefixes: {} added{}, {} already in the table, {} changed, {} held "
        "by other routes or listed twice; {} CSR writes in {:.2f} s ({:.0f} writes/s; {} more "
        "left out: STAGE registers held the value); {:.2f} s wall in all ({:.2f} s reading the "
        "file, {:.2f} s building the image), {:.0f} routes/s\n",
        prefixes.size(), added, added >= 64 ? " in one bulk update" : "", present, changed, held,
        words, writeS, double(words) / std::max(writeS, 1e-3), stagedSkipped_ - skipped0, total,
        readS, std::chrono::duration<double>(t2 - t1).count(),
        double(prefixes.size()) / std::max(total, 1e-3));
    if (const tables::LpmTable* lpm = loader_->lpmTable(tLpm_)) {
        uint64_t used = 0, capacity = 0;
        for (const auto& m : lpm->image().memoryInfo()) {
            std::cerr << fmt::format(
                "hopd: full table: {} node memory {:<14} {:>9} of {:>9} words x {:>3} bits = "
                "{:>10} of {:>10} bytes ({:5.1f} %)\n",
                ir_->tables[tLpm_].name, m.name, m.usedWords, m.capacityWords, m.wordBits,
                m.usedBytes(), m.capacityBytes(),
                100.0 * double(m.usedWords) / double(std::max<uint64_t>(m.capacityWords, 1)));
            used += m.usedBytes();
            capacity += m.capacityBytes();
        }
        std::cerr << fmt::format(
            "hopd: full table: {} prefixes in {}, node memory {} of {} bytes ({:.1f} %, {:.2f} "
            "MiB)\n",
            lpm->size(), ir_->tables[tLpm_].name, used, capacity,
            100.0 * double(used) / double(std::max<uint64_t>(capacity, 1)),
            double(used) / (1024.0 * 1024.0));
    }
}

void Daemon::applyBulk(std::vector<tables::Command> adds) {
    if (adds.empty()) return;
    const ir::TableId table = adds.front().entry.table;
    // The state file's lines and ipv4_lpm's index entries first: the entries then move into
    // the loader (a full table is not copied).
    std::string lines;
    if (!replaying_) {
        lines = fmt::format("@bulk {}\n", adds.size());
        for (const auto& c : adds) {
            lines += toBmv2(*ir_, c);
            lines += '\n';
        }
    }
    struct Indexed {
        std::pair<uint64_t, int> key;
        ir::ActionId action;
        tables::BigInt arg;
    };
    std::vector<Indexed> indexed;
    std::vector<tables::Entry> entries;
    entries.reserve(adds.size());
    for (auto& c : adds) {
        if (c.kind != tables::Command::Kind::Add || c.entry.table != table) {
            throw Failure(1, "hopd: error: a bulk update holds adds to one table only");
        }
        if (table == tLpm_) {
            const auto& k = c.entry.keys[0];
            const auto& args = c.entry.action.args;
            indexed.push_back({{static_cast<uint64_t>(k.value),
                                k.kind == ir::Match::Kind::Lpm ? k.prefixLen : 32},
                               c.entry.action.action,
                               args.empty() ? tables::BigInt(0) : args[0]});
        }
        entries.push_back(std::move(c.entry));
    }
    const size_t count = adds.size();
    adds = {};
    std::string error;
    std::vector<int> handles;
    auto writes = loader_->addMany(table, std::move(entries), error, &handles);
    if (!writes) {
        ++tableErrors_;
        throw Failure(1, "hopd: error: " + error);
    }
    if (!replaying_) {
        // The commands before the writes, as apply() journals them.
        state_ << lines;
        state_.flush();
        lines = {};
        if (!writeAll(*writes, error)) throw Failure(3, "hopd: error: " + error);
    }
    for (size_t i = 0; i < indexed.size(); ++i) {
        lpmByHandle_[handles[i]] = indexed[i].key;
        lpmIndex_[indexed[i].key] = {handles[i], indexed[i].action, std::move(indexed[i].arg)};
    }
    lastHandle_ = handles.empty() ? -1 : handles.back();
    auto committed = shadow_->observe(*writes);
    if (replaying_) {
        // A restart reads back the words of the last commands: of a bulk update, its last
        // words (the L0 words that switched to the new image, and the deepest before them).
        constexpr size_t kBulkReadBack = 512;
        if (committed.size() > kBulkReadBack) {
            committed.erase(committed.begin(), committed.end() - kBulkReadBack);
        }
        tail_.push_back(std::move(committed));
        if (tail_.size() > kVerifyTail) tail_.pop_front();
        lastWrites_ = std::move(*writes);
    }
    commandsApplied_ += count;
}

void Daemon::replayBulk(std::istream& in, int& lineNo, size_t count) {
    const int first = lineNo;
    std::vector<tables::Command> adds;
    adds.reserve(count);
    std::string line;
    for (size_t i = 0; i < count; ++i) {
        if (!std::getline(in, line)) {
            throw Failure(1, fmt::format("{}:{}: error: the @bulk record announces {} commands, "
                                         "the file ends after {}",
                                         statePath_, first, count, i));
        }
        ++lineNo;
        tables::ParseError parseError;
        auto cmd = tables::parseBmv2Command(*ir_, line, {statePath_, lineNo, 1}, parseError);
        if (!cmd) throw Failure(1, parseError.str());
        adds.push_back(std::move(*cmd));
    }
    applyBulk(std::move(adds));
}

bool Daemon::applyLoaded(tables::Command cmd, const std::string& where) {
    std::string error;
    if (cmd.kind == tables::Command::Kind::Add) {
        if (auto existing = findEntry(cmd.entry.table, cmd.entry)) {
            if (existing->second.action.action == cmd.entry.action.action &&
                existing->second.action.args == cmd.entry.action.args) {
                ++skippedIdentical_;
                return false;
            }
            cmd.kind = tables::Command::Kind::Modify;
            cmd.handle = existing->first;
        }
    }
    if (apply(cmd, error) != 0) throw Failure(1, where + ": error: " + error);
    return true;
}

uint64_t Daemon::loadCommandFile(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw Failure(1, path + ": error: cannot read the file");
    std::string line;
    int lineNo = 0;
    uint64_t applied = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        size_t first = line.find_first_not_of(" \t\r");
        if (first == std::string::npos || line[first] == '#') continue;
        const std::string text = line.substr(first);
        const tables::Origin origin{path, lineNo, static_cast<int>(first) + 1};
        tables::ParseError pe;
        const bool stf = text.starts_with("add ") || text.starts_with("setdefault ");
        auto cmd = stf ? tables::parseStfTableCommand(*ir_, text, origin, pe)
                       : tables::parseBmv2Command(*ir_, text, origin, pe);
        if (!cmd) {
            if (pe.message.empty()) continue;
            throw Failure(1, pe.str());
        }
        applied += applyLoaded(*cmd, fmt::format("{}:{}:{}", path, lineNo, first + 1));
    }
    return applied;
}

uint64_t Daemon::loadRuntimeJsonFile(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) throw Failure(1, path + ": error: cannot read the file");
    const auto doc = nlohmann::json::parse(text.str(), nullptr, false);
    if (doc.is_discarded()) throw Failure(1, path + ": error: malformed JSON");
    tables::ParseError pe;
    auto list = tables::parseRuntimeJson(*ir_, doc, path, pe);
    if (!list) throw Failure(1, pe.str());
    uint64_t applied = 0;
    for (size_t i = 0; i < list->size(); ++i) {
        applied += applyLoaded((*list)[i], fmt::format("{}: table_entries[{}]", path, i));
    }
    return applied;
}

uint64_t Daemon::loadRouteFile(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw Failure(1, path + ": error: cannot read the file");
    std::string error;
    auto list = parseRoutes(in, path, error);
    if (!list) throw Failure(1, error);
    for (const auto& spec : *list) {
        auto it = routes_.find({spec.prefix.value, spec.length});
        if (it != routes_.end() && it->second.spec.str() != spec.str()) {
            throw Failure(1, fmt::format("{}: error: {}/{} is already routed ({}, {})", path,
                                         spec.prefix.str(), spec.length, it->second.spec.str(),
                                         it->second.origin));
        }
    }
    uint64_t added = 0;
    for (const auto& spec : *list) {
        if (routes_.count({spec.prefix.value, spec.length})) continue;  // the same route
        if (!addRoute(spec, "runtime", error)) throw Failure(1, path + ": error: " + error);
        journal("@route " + spec.str());
        ++added;
    }
    return added;
}

void Daemon::loadCommandFiles() {
    for (const auto& path : options_.commands) loadCommandFile(path);
    for (const auto& path : options_.runtimeJson) loadRuntimeJsonFile(path);
}

// ------------------------------------------------------------------------------------------
// neighbours and the punt loop

void Daemon::neighbourEvent(const router::NeighbourEvent& e) {
    std::string error;
    const auto& nhTable = ir_->tables[tNexthop_].name;
    if (e.kind == router::NeighbourEvent::Kind::Resolved) {
        const router::Interface* on = interfaceOn(e.port);
        if (!on) return;
        auto it = neighbours_.find(e.ip.value);
        bool newHost = false;
        if (it == neighbours_.end()) {
            // An on-link host: its own id and a /32, unless a route already names it exactly.
            if (routes_.count({e.ip.value, 32})) return;
            Neighbour n;
            n.id = allocateId();
            n.host = true;
            it = neighbours_.emplace(e.ip.value, n).first;
            journal(fmt::format("@host {} {}", e.ip.str(), n.id));
            newHost = true;
        }
        Neighbour& n = it->second;
        n.inherited = false;
        if (n.hwHandle >= 0 && n.mac == e.mac && n.port == e.port) return;
        const std::string args =
            fmt::format("{} => {} {} {}", n.id, e.mac.str(), on->mac.str(), e.port);
        std::string text =
            n.hwHandle >= 0 ? fmt::format("table_modify {} set_nexthop_l2 {} => {} {} {}", nhTable,
                                          n.hwHandle, e.mac.str(), on->mac.str(), e.port)
                            : fmt::format("table_add {} set_nexthop_l2 {}", nhTable, args);
        tables::ParseError pe;
        auto cmd = tables::parseBmv2Command(*ir_, text, {}, pe);
        int handle = -1;
        if (!cmd) {
            std::cerr << "hopd: warning: " << pe.message << "\n";
            return;
        }
        // apply() does not report the handle of an add: find it afterwards.
        if (apply(*cmd, error) != 0) {
            std::cerr << "hopd: warning: neighbour " << e.ip.str() << ": " << error << "\n";
            return;
        }
        if (auto found = findEntry(tNexthop_, cmd->entry)) handle = found->first;
        n.hwHandle = handle;
        n.mac = e.mac;
        n.port = e.port;
        ++neighboursInstalled_;
        if (newHost) {
            if (!ensure(lpmAdd(e.ip, 32, n.id), error)) {
                std::cerr << "hopd: warning: host route " << e.ip.str() << ": " << error << "\n";
            } else {
                routes_[{e.ip.value, 32}] = {RouteSpec{e.ip, 32, std::nullopt, e.port}, "host"};
            }
        }
        return;
    }
    auto it = neighbours_.find(e.ip.value);
    if (it == neighbours_.end()) return;
    Neighbour& n = it->second;
    if (n.host) {  // the /32 first, so nothing looks up a missing next hop
        auto r = routes_.find({e.ip.value, 32});
        if (r != routes_.end() && r->second.origin == "host") {
            tables::ParseError pe;
            auto like = tables::parseBmv2Command(*ir_, lpmAdd(e.ip, 32, n.id), {}, pe);
            if (auto found = like ? findEntry(tLpm_, like->entry) : std::nullopt) {
                tables::Command del{tables::Command::Kind::Delete, found->second, found->first};
                apply(del, error);
            }
            routes_.erase(r);
        }
    }
    if (n.hwHandle >= 0) {
        applyText(fmt::format("table_delete {} {}", nhTable, n.hwHandle), error);
        n.hwHandle = -1;
        ++neighboursRemoved_;
    }
    if (n.host) {
        journal(fmt::format("@nexthop-free {}", e.ip.str()));
        usedIds_.erase(n.id);
        neighbours_.erase(it);
    }
}

void Daemon::handleActions(router::Actions actions) {
    for (const auto& f : actions.frames) {
        std::string error;
        const auto message = info_->encodePacketOut(f.port, f.frame);
        if (!dev_->sendPacket(message, error)) throw Failure(3, "hopd: error: " + error);
        ++framesSent_;
    }
    for (const auto& e : actions.events) neighbourEvent(e);
}

void Daemon::startControl() {
    const std::string& path = options_.control;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof(addr.sun_path))
        throw Failure(1, "hopd: error: control path too long");
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    listenFd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    // A stale socket (an earlier hopd that died) is replaced; a live hopd is an error.
    const int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (::connect(probe, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
        ::close(probe);
        throw Failure(1, "hopd: error: another hopd answers on " + path);
    }
    ::close(probe);
    ::unlink(path.c_str());
    if (listenFd_ < 0 || ::bind(listenFd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        ::listen(listenFd_, 16) != 0) {
        throw Failure(1, fmt::format("hopd: error: {}: {}", path, std::strerror(errno)));
    }
}

int Daemon::start() {
    loadProgram();
    readConfig();
    openBoard();
    replayState();
    if (options_.fibSync) openFibSync();
    reconcile();
    loadCommandFiles();
    router::SlowPathConfig config;
    config.interfaces = interfaces_;
    config.routes = [this](Ipv4Addr d) { return softwareRoute(d); };
    config.icmp = options_.icmp;
    config.reassembly = options_.reassembly;
    config.arp = options_.arp;
    slowPath_ = std::make_unique<router::SlowPath>(config);
    return 0;
}

int Daemon::loop() {
    startControl();
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    ::pthread_sigmask(SIG_BLOCK, &mask, nullptr);
    signalFd_ = ::signalfd(-1, &mask, SFD_CLOEXEC);
    std::cerr << fmt::format("hopd: control socket {}; ready\n", options_.control);
    for (;;) {
        int timeoutMs = -1;
        if (dev_->queuedPackets() > 0) {
            timeoutMs = 0;
        } else if (auto deadline = slowPath_->nextDeadline()) {
            const auto left =
                std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now());
            timeoutMs = static_cast<int>(std::clamp<int64_t>(left.count(), 0, 60000));
        }
        pollfd fds[4] = {{dev_->fd(), POLLIN, 0},
                         {listenFd_, POLLIN, 0},
                         {signalFd_, POLLIN, 0},
                         {fib_ ? fib_->fd() : -1, POLLIN, 0}};
        if (::poll(fds, 4, timeoutMs) < 0 && errno != EINTR) {
            throw Failure(3, fmt::format("hopd: error: poll: {}", std::strerror(errno)));
        }
        if (fds[2].revents & POLLIN) {
            std::cerr << fmt::format(
                "hopd: stopping: {} punts handled, {} frames sent, {} table "
                "commands\n",
                puntsHandled_, framesSent_, commandsApplied_);
            ::unlink(options_.control.c_str());
            return 0;
        }
        if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) || dev_->queuedPackets() > 0) {
            for (int i = 0; i < 256; ++i) {
                std::string error;
                auto frame = dev_->receivePacket(std::chrono::milliseconds(0), error);
                if (!frame) {
                    if (!error.empty()) throw Failure(3, "hopd: error: " + error);
                    break;
                }
                ++puntsHandled_;
                const auto in = info_->decodePacketIn(*frame);  // the P4Info's layout
                if (!in) {
                    ++packetInShort_;
                    continue;
                }
                handleActions(
                    slowPath_->handlePunt(in->ingressPort, in->reason, in->frame, Clock::now()));
            }
        }
        if (auto deadline = slowPath_->nextDeadline(); deadline && *deadline <= Clock::now()) {
            handleActions(slowPath_->tick(Clock::now()));
        }
        if (fds[1].revents & POLLIN) {
            const int client = ::accept4(listenFd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (client >= 0) {
                serveClient(client);
                ::close(client);
            }
        }
        if (fds[3].revents) {  // the kernel's routing table changed
            std::string error;
            if (!fib_->onReadable(error)) throw Failure(1, "hopd: error: " + error);
            printFibLog();
        }
    }
}

// ------------------------------------------------------------------------------------------
// control

void Daemon::serveClient(int fd) {
    ++controlRequests_;
    timeval tv{0, static_cast<suseconds_t>(kRequestTimeout.count() * 1000)};
    tv.tv_sec = tv.tv_usec / 1000000;
    tv.tv_usec %= 1000000;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    timeval sendTv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &sendTv, sizeof(sendTv));
    std::string request;
    char buffer[4096];
    bool complete = false;
    while (request.size() <= kMaxRequestBytes) {
        const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
        if (n <= 0) break;
        request.append(buffer, static_cast<size_t>(n));
        if (auto nl = request.find('\n'); nl != std::string::npos) {
            request.resize(nl);
            complete = true;
            break;
        }
    }
    std::string reply;
    std::vector<std::string> out;
    std::string error;
    if (!complete) {
        error = request.size() > kMaxRequestBytes ? "request too long" : "no request";
    } else if (!request.empty() && request.back() == '\r') {
        request.pop_back();
    }
    bool ok = complete && command(request, out, error);
    size_t lines = 0;
    for (const auto& line : out) {
        if (++lines > kMaxReplyLines) {
            reply += fmt::format("-({} more lines)\n", out.size() - kMaxReplyLines);
            break;
        }
        reply += "-" + line + "\n";
    }
    if (ok) {
        reply += "=ok\n";
    } else {
        for (char& c : error) {
            if (c == '\n') c = ' ';
        }
        reply += "!" + error + "\n";
    }
    for (size_t sent = 0; sent < reply.size();) {
        const ssize_t n = ::send(fd, reply.data() + sent, reply.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return;
        sent += static_cast<size_t>(n);
    }
}

void Daemon::tableDump(const std::string& name, std::vector<std::string>& out) {
    std::vector<std::string> names;
    for (const auto& t : ir_->tables) names.push_back(t.name);
    const int index = tables::resolveName(names, name);
    if (index < 0) throw std::runtime_error(fmt::format("unknown table '{}'", name));
    const ir::Table& table = ir_->tables[static_cast<size_t>(index)];
    auto entries = loader_->entries(index);
    out.push_back(fmt::format("{}: {} entries", table.name, entries.size()));
    for (const auto& [handle, entry] : entries) {
        out.push_back(fmt::format("  {:>6}  {}", handle, tables::formatEntry(*ir_, entry)));
    }
    // Read back every word hopd committed to the block and compare.
    auto block = shadow_->blockOf(table.name);
    if (!block) {
        out.push_back("hardware: no block for this table");
        return;
    }
    size_t checked = 0, differ = 0, valid = 0;
    const bool lpm = map_->tables[*block].kind == regmap::TableKind::Lpm;
    for (const auto& [ref, want] : shadow_->words(*block)) {
        std::string error;
        auto got = shadow_->readBack(*dev_, ref, want->size(), error);
        if (!got) throw Failure(3, "hopd: error: " + error);
        ++checked;
        if (*got != *want) {
            ++differ;
            if (differ <= 10) {
                out.push_back(fmt::format("hardware: word 0x{:x} differs", ref.where));
            }
        }
        if (!lpm && ref.where != HwShadow::kDefault && !got->empty() && ((*got)[0] & 1)) ++valid;
    }
    if (lpm) {
        out.push_back(
            fmt::format("hardware: {} memory words read back, {} differ", checked, differ));
    } else {
        out.push_back(fmt::format("hardware: {} entries valid of {} read back, {} differ", valid,
                                  checked, differ));
    }
}

bool Daemon::command(const std::string& request, std::vector<std::string>& out,
                     std::string& error) {
    std::vector<std::string> w;
    for (const auto& word : splitWords(request)) w.push_back(word.text);
    if (w.empty()) {
        error = "empty request";
        return false;
    }
    try {
        if (w[0] == "table_dump" && w.size() == 2) {
            tableDump(w[1], out);
            return true;
        }
        if (w[0].starts_with("table_")) {
            tables::ParseError pe;
            auto cmd = tables::parseBmv2Command(*ir_, request, {}, pe);
            if (!cmd) {
                error = pe.message;
                return false;
            }
            if (apply(*cmd, error) != 0) return false;
            if (cmd->kind == tables::Command::Kind::Add) {
                if (auto found = findEntry(cmd->entry.table, cmd->entry)) {
                    out.push_back(fmt::format("entry handle {}", found->first));
                }
            }
            return true;
        }
        if (w[0] == "route" && w.size() >= 2) {
            if (w[1] == "show") {
                for (const auto& [k, r] : routes_) {
                    out.push_back(fmt::format("{} ({})", r.spec.str(), r.origin));
                }
                out.push_back(fmt::format("{} routes", routes_.size()));
                return true;
            }
            if (w[1] == "add") {
                std::vector<Word> words;
                for (size_t i = 2; i < w.size(); ++i) words.push_back({w[i], 1});
                auto spec = parseRouteWords(words, error);
                if (!spec) return false;
                if (routes_.count({spec->prefix.value, spec->length})) {
                    error = fmt::format("{}/{} is already routed ({})", spec->prefix.str(),
                                        spec->length,
                                        routes_[{spec->prefix.value, spec->length}].spec.str());
                    return false;
                }
                if (!addRoute(*spec, "runtime", error)) return false;
                journal("@route " + spec->str());
                return true;
            }
            if (w[1] == "del" && w.size() == 3) {
                Ipv4Addr prefix;
                int length = 0;
                if (!parsePrefix(w[2], prefix, length, error)) return false;
                if (auto k = routes_.find({prefix.value, length});
                    k != routes_.end() && k->second.origin == "kernel") {
                    error = fmt::format(
                        "{}/{} is a kernel route (--fib-sync): delete it in Linux, "
                        "`ip route del`",
                        prefix.str(), length);
                    return false;
                }
                if (!removeRoute(prefix, length, error)) return false;
                journal(fmt::format("@route-del {}/{}", prefix.str(), length));
                if (fib_) {  // a kernel route it hid comes in
                    fib_->state().refresh(prefix.value, length);
                    printFibLog();
                }
                return true;
            }
        }
        if (w[0] == "load" && w.size() == 3) {
            // A file at run time, read by hopd (hopctl sends an absolute path). A mistake is
            // this request's error; hopd and what was loaded before it stay.
            const uint64_t skipped = skippedIdentical_;
            uint64_t applied = 0;
            try {
                if (w[1] == "commands") {
                    applied = loadCommandFile(w[2]);
                } else if (w[1] == "runtime-json") {
                    applied = loadRuntimeJsonFile(w[2]);
                } else if (w[1] == "routes") {
                    out.push_back(fmt::format("{} routes added", loadRouteFile(w[2])));
                    return true;
                } else {
                    error = "usage: load commands|runtime-json|routes FILE";
                    return false;
                }
            } catch (const Failure& f) {
                if (f.code != 1) throw;
                error = f.what();
                return false;
            }
            out.push_back(fmt::format("{} table commands applied, {} identical entries skipped",
                                      applied, skippedIdentical_ - skipped));
            return true;
        }
        if (request == "arp show") {
            for (const auto& n : slowPath_->neighbours()) {
                using State = router::Arp::State;
                const char* state = n.state == State::Reachable    ? "reachable"
                                    : n.state == State::Refreshing ? "refreshing"
                                                                   : "incomplete";
                out.push_back(fmt::format("{} port {} {} {}{}", n.ip.str(), n.port, n.mac.str(),
                                          state,
                                          n.queued ? fmt::format(" ({} queued)", n.queued) : ""));
            }
            for (const auto& [ip, n] : neighbours_) {
                if (n.inherited) {
                    out.push_back(fmt::format("{} port {} {} in hardware from an earlier hopd",
                                              Ipv4Addr(ip).str(), n.port, n.mac.str()));
                }
            }
            return true;
        }
        if (request == "arp flush") {
            handleActions(slowPath_->flushNeighbours());
            for (auto& [ip, n] : neighbours_) {  // inherited ones too
                if (n.inherited) {
                    router::NeighbourEvent gone;
                    gone.kind = router::NeighbourEvent::Kind::Gone;
                    gone.ip = Ipv4Addr(ip);
                    neighbourEvent(gone);
                    break;  // the map may have changed; the next flush takes the rest
                }
            }
            return true;
        }
        if (request == "intf show") {
            for (const auto& i : interfaces_) {
                out.push_back(fmt::format("port {} {}/{} {} mtu {}", i.port, i.address.str(),
                                          i.prefixLength, i.mac.str(), i.mtu));
            }
            return true;
        }
        if (request == "counters") {
            for (const auto& c : slowPath_->counters()) {
                out.push_back(fmt::format("{} {}", c.name, c.value));
            }
            return true;
        }
        if (request == "stats") {
            const double up = std::chrono::duration<double>(Clock::now() - started_).count();
            out.push_back(fmt::format("hopd: up {:.0f} s, device {}", up, dev_->name()));
            out.push_back(
                fmt::format("hopd: punts handled {}, frames sent {}, table commands {}, "
                            "CSR words {}, table errors {}",
                            puntsHandled_, framesSent_, commandsApplied_, csrWords_, tableErrors_));
            out.push_back(fmt::format(
                "hopd: neighbours installed {}, removed {}, routes {}, "
                "control requests {}",
                neighboursInstalled_, neighboursRemoved_, routes_.size(), controlRequests_));
            using Seconds = std::chrono::duration<double>;
            out.push_back(fmt::format(
                "hopd: limits: ICMP errors {}/s burst {}; reassembly {:g} s, {} bytes; ARP {} "
                "entries, {} requests {:g} s apart, reachable {:g} s",
                options_.icmp.ratePerSecond, options_.icmp.burst,
                Seconds(options_.reassembly.timeout).count(), options_.reassembly.memoryCap,
                options_.arp.maxEntries, options_.arp.maxRequests,
                Seconds(options_.arp.retryInterval).count(),
                Seconds(options_.arp.reachableTime).count()));
            out.push_back(fmt::format("hopd: punted frames dropped by the device client queue {}",
                                      dev_->droppedPackets()));
            out.push_back(fmt::format("hopd: punted messages shorter than {} bytes ({}) {}",
                                      info_->packetIn.bytes, info_->packetIn.name, packetInShort_));
            if (fib_) {
                out.push_back(fmt::format("fib-sync: {} kernel routes held, {} in the mirror; {}",
                                          fib_->state().installed().size(),
                                          fib_->state().mirror().size(),
                                          fib_->state().counters().str()));
            }
            std::string why;
            if (auto text = dev_->stats(device::proto::StatsFormat::Text, why)) {
                std::istringstream lines(*text);
                std::string line;
                while (std::getline(lines, line)) out.push_back("board: " + line);
            } else {
                out.push_back("board: " + why);
            }
            return true;
        }
    } catch (const std::runtime_error& e) {
        if (dynamic_cast<const Failure*>(&e)) throw;
        error = e.what();
        return false;
    }
    error = fmt::format("unknown request '{}'", request);
    return false;
}

}  // namespace

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
