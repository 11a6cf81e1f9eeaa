// SPDX-License-Identifier: Apache-2.0
// hopd: the host runtime of a router board (runtime/hopd/daemon.hpp). Exit codes: 0 clean stop
// (SIGINT / SIGTERM), 1 bad configuration or files, 2 usage, 3 the device failed.
#include <CLI/CLI.hpp>
#include <chrono>

#include "runtime/hopd/control_protocol.hpp"
#include "runtime/hopd/daemon.hpp"

int main(int argc, char** argv) {
    CLI::App app{"hopd: programs a router board's tables and handles what it punts"};
    hop::hopd::Options o;
    o.control = hop::hopd::defaultControlPath();
    app.add_option("--device", o.device,
                   "the board: sim:PATH (a `hopsim serve` socket) or "
                   "pcie:BDF,netdev=IFNAME[,OPTION=VALUE...] (a board on PCIe)")
        ->required();
    app.add_option("--program", o.program, "the P4 program (.p4 or a hopc output directory)")
        ->required();
    app.add_option("-I", o.includeDirs, "include directory for compiling a .p4")
        ->allow_extra_args(false);
    app.add_option("-D", o.defines, "preprocessor macro NAME[=VALUE]")->allow_extra_args(false);
    app.add_option("--interfaces", o.interfaces, "interface file: PORT ADDRESS/LEN MAC [mtu N]");
    app.add_option("--routes", o.routes, "route file: PREFIX via GATEWAY | PREFIX dev PORT")
        ->allow_extra_args(false);
    app.add_option("--commands", o.commands, "BMv2 CLI / STF table commands, loaded after routes")
        ->allow_extra_args(false);
    app.add_option("--runtime-json", o.runtimeJson, "P4 tutorials' runtime JSON")
        ->allow_extra_args(false);
    app.add_option("--full-table", o.fullTable,
                   "prefix list (one a.b.c.d/len a line, .gz read through zcat), all routed via "
                   "--full-table-via");
    app.add_option("--full-table-via", o.fullTableVia, "gateway of the --full-table prefixes");
    app.add_option("--control", o.control, "control socket for hopctl")->capture_default_str();
    app.add_option("--state", o.state, "state file (default CONTROL.state)");
    app.add_flag("--exit-after-load", o.exitAfterLoad,
                 "program the tables, then exit instead of running the punt loop");
    app.add_flag("--fib-sync", o.fibSync,
                 "mirror the main IPv4 routing table of hopd's network namespace (rtnetlink)");
    app.add_option("--fib-port", o.fibPorts,
                   "IFNAME=PORT: routes `dev IFNAME` go out of board port PORT (else the port "
                   "whose interface-file subnet holds an address of IFNAME)")
        ->allow_extra_args(false);
    app.add_flag("--no-router", o.noRouter,
                 "the program is not a router: tables, externs and digests only (no "
                 "interfaces, routes or slow path)");
    app.add_option("--switch-ports", o.switchPorts,
                   "the board is the switch top with this many front-panel ports (hopc --ports "
                   "N): multicast groups, queues and pauses through hopctl and command files")
        ->check(CLI::Range(1, 30));
    app.add_option("--on-digest", o.onDigest,
                   "for each digest, run this command line with {member} replaced by the "
                   "digest's values, e.g. 'table_add dmac forward {srcAddr} => {ingress_port}'")
        ->allow_extra_args(false);
    // The slow path's limits; durations in seconds.
    auto* limits = app.add_option_group("slow path");
    limits
        ->add_option("--icmp-rate", o.icmp.ratePerSecond,
                     "ICMP errors per second (token bucket; echo replies are not limited)")
        ->capture_default_str();
    limits->add_option("--icmp-burst", o.icmp.burst, "ICMP errors in a burst (bucket size)")
        ->capture_default_str();
    double reassemblyTimeout = std::chrono::duration<double>(o.reassembly.timeout).count();
    limits
        ->add_option("--reassembly-timeout", reassemblyTimeout,
                     "seconds a datagram may take to arrive whole")
        ->check(CLI::Range(0.001, 3600.0))
        ->capture_default_str();
    limits
        ->add_option("--reassembly-memory", o.reassembly.memoryCap,
                     "bytes held across all datagrams being reassembled")
        ->check(CLI::Range(size_t{1}, size_t{1} << 30))
        ->capture_default_str();
    limits->add_option("--arp-entries", o.arp.maxEntries, "neighbours in the ARP cache")
        ->check(CLI::Range(size_t{1}, size_t{1} << 20))
        ->capture_default_str();
    limits
        ->add_option("--arp-requests", o.arp.maxRequests,
                     "ARP requests before a next hop is given up (host unreachable)")
        ->check(CLI::Range(1u, 100u))
        ->capture_default_str();
    double arpRetry = std::chrono::duration<double>(o.arp.retryInterval).count();
    limits->add_option("--arp-retry", arpRetry, "seconds between ARP requests")
        ->check(CLI::Range(0.01, 60.0))
        ->capture_default_str();
    double arpReachable = std::chrono::duration<double>(o.arp.reachableTime).count();
    limits
        ->add_option("--arp-reachable", arpReachable,
                     "seconds a neighbour stays reachable before it is refreshed")
        ->check(CLI::Range(1.0, 86400.0))
        ->capture_default_str();
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    }
    auto seconds = [](double s) {
        return std::chrono::duration_cast<hop::router::Duration>(std::chrono::duration<double>(s));
    };
    o.reassembly.timeout = seconds(reassemblyTimeout);
    o.arp.retryInterval = seconds(arpRetry);
    o.arp.reachableTime = seconds(arpReachable);
    return hop::hopd::run(o);
}
