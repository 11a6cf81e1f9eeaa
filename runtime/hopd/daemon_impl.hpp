// SPDX-License-Identifier: Apache-2.0
// hopd's daemon, as its parts share it (daemon.cpp: setup, command files, the punt loop and the
// digests; daemon_control.cpp: hopctl's control requests and the statistics). Not an interface:
// runtime/hopd/daemon.hpp is.
#pragma once

#include <fmt/format.h>
#include <poll.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>

#include "runtime/common/command_file.hpp"
#include "runtime/common/event_loop.hpp"
#include "runtime/hopd/binding.hpp"
#include "runtime/hopd/command_table.hpp"
#include "runtime/hopd/control_socket.hpp"
#include "runtime/hopd/daemon.hpp"
#include "runtime/hopd/digests.hpp"
#include "runtime/hopd/failure.hpp"
#include "runtime/hopd/fib_sync.hpp"
#include "runtime/hopd/router_tables.hpp"
#include "runtime/hopd/routes.hpp"
#include "runtime/hopd/state_file.hpp"
#include "runtime/hopd/table_writer.hpp"
#include "runtime/tables/extern_csr.hpp"
#include "runtime/tables/switch_tm_csr.hpp"

namespace hop::hopd::detail {

using Clock = std::chrono::steady_clock;
using router::Ipv4Addr;

class Daemon {
  public:
    explicit Daemon(const Options& options) : options_(options) {}
    void start();
    int loop();

  private:
    void readConfig();
    void openBoard();
    void openState();
    void compactState(bool always);
    static constexpr uint64_t kCompactAfterLines = 1000;
    void openFibSync();
    void printFibLog();
    void handleActions(router::Actions actions);
    void handlePunts();
    // Digests: pops the board's, runs the --on-digest lines of each (digests.hpp).
    void pollDigests();
    void runDigestLine(const std::string& line);
    static constexpr std::chrono::milliseconds kDigestPoll{10};

    // Command files (BMv2 CLI / STF lines, or the tutorials' runtime JSON): entries already
    // there with the same action are skipped, others modified in place. A mistake throws
    // Failure(1) naming the file and line; the commands before it stay applied. Return the
    // commands applied.
    // Counter, meter and register lines in a command file run in file order; what they print goes
    // to `out`, or to stdout when null.
    uint64_t loadCommandFile(const std::string& path, std::vector<std::string>* out = nullptr);
    uint64_t loadRuntimeJsonFile(const std::string& path);
    bool applyLoaded(tables::Command& cmd, const common::CommandSource& source, uint64_t& applied,
                     std::string& error);

    void addControlCommands();
    bool control(const std::string& request, std::vector<std::string>& out, std::string& error);
    bool tableCommand(const ControlRequest& request, std::vector<std::string>& out,
                      std::string& error);
    bool loadCommand(const ControlRequest& request, std::vector<std::string>& out,
                     std::string& error);
    // counter_read, register_write, ... (runtime/tables/externs.hpp) on the board's blocks.
    bool externCommand(const ControlRequest& request, std::vector<std::string>& out,
                       std::string& error);
    // A traffic-manager line on the switch top's traffic manager (none: an error).
    bool runTm(const tables::TmCommand& cmd, std::vector<std::string>& out, std::string& error);
    void stats(std::vector<std::string>& out);

    Options options_;
    std::unique_ptr<Binding> binding_;
    std::unique_ptr<RouterTables> tables_;
    StateJournal journal_;
    std::string statePath_;
    std::unique_ptr<TableWriter> writer_;
    std::unique_ptr<tables::ExternCsr> externs_;  // counters and registers, through the device
    tables::CsrPort csr_;                         // the device's CSRs
    std::unique_ptr<DigestLog> digests_;          // programs with digests
    // The switch top's traffic manager (--switch-ports): its configuration and its driver.
    tables::TrafficManager tmState_;
    std::unique_ptr<tables::SwitchTmCsr> tm_;
    std::vector<DigestTemplate> onDigest_;
    Clock::time_point nextDigestPoll_ = Clock::now();
    uint64_t digestLines_ = 0, digestLineErrors_ = 0;
    std::unique_ptr<RouteManager> routes_;
    std::vector<router::Interface> interfaces_;
    std::vector<RouteSpec> fileRoutes_;
    std::unique_ptr<fib::FibSync> fib_;
    std::unique_ptr<router::SlowPath> slowPath_;
    CommandTable commands_;
    Clock::time_point started_ = Clock::now();
    uint64_t puntsHandled_ = 0, framesSent_ = 0, controlRequests_ = 0;
    uint64_t packetInShort_ = 0;  // punted messages shorter than packet_in
};

}  // namespace hop::hopd::detail
