// SPDX-License-Identifier: Apache-2.0
// hopd --fib-sync: mirrors the main IPv4 routing table of the network namespace hopd runs in
// (rtnetlink: a NETLINK_ROUTE socket in RTMGRP_IPV4_ROUTE, an RTM_GETROUTE dump at the start,
// then every RTM_NEWROUTE / RTM_DELROUTE as it happens), so that FRR, BIRD or `ip route` drive
// the board. Plain Linux headers, no libnl.
//
// What is mirrored (every other message is counted by reason and left out):
//   - table main (254) only: RTA_TABLE when present, else rtm_table; the local table (local
//     and broadcast routes of the namespace's own addresses) and policy tables are not;
//   - IPv4 (AF_INET), type RTN_UNICAST (not blackhole, unreachable, prohibit, local,
//     broadcast, multicast), TOS 0, not RTM_F_CLONED; a route whose next hops are all dead
//     (RTNH_F_DEAD) is kept in the mirror but not used, as the kernel does;
//   - any protocol: static, boot, zebra (FRR), bird, dhcp, ... all drive the board. The
//     kernel's own connected routes (proto kernel, scope link) land on the prefix of a connected
//     subnet hopd already has from its interface file and are then left alone (see below);
//   - of the routes of one prefix, the kernel's choice: the lowest metric (RTA_PRIORITY), the
//     first one added among equal metrics;
//   - `via GW` (RTA_GATEWAY) becomes `PREFIX via GW` (hopd finds the port from the gateway's
//     subnet in its interface file, as for a route file); `dev IF` alone becomes `PREFIX dev
//     PORT` with the board port of IF: `--fib-port IF=PORT` if given, else the port whose
//     interface-file subnet holds one of IF's IPv4 addresses. A route with neither (only a
//     nexthop object, RTA_NH_ID, with net.ipv4.nexthop_compat_mode=0) or on an interface with
//     no port is "unmapped". ECMP (RTA_MULTIPATH) takes the first next hop (counted).
//   - a prefix hopd already routes from another origin (connected, file, hopctl, host) keeps
//     that route: the kernel route is "shadowed" and comes in when the other one goes.
// Kernel routes are not written to the state file: every start takes them from the dump again
// (before the stale-entry cleanup, so a restart does not remove and re-add them).
//
// Lost messages (ENOBUFS: the socket's buffer overran), an interrupted dump (NLM_F_DUMP_INTR),
// and link or address changes (the kernel drops routes of a downed link without telling, and
// a port mapping by address may change) start a new dump; at its end the new table replaces
// the old and only the differences reach the board. Malformed messages are counted and
// skipped; a message whose length cannot be trusted ends the buffer it came in.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "runtime/hopd/config.hpp"
#include "runtime/router/types.hpp"

namespace hop::hopd::fib {

// One RTM_NEWROUTE / RTM_DELROUTE as the kernel sent it (IPv4 fields only).
struct RouteMessage {
    bool remove = false;   // RTM_DELROUTE
    bool replace = false;  // NLM_F_REPLACE (`ip route change` / `replace`)
    uint8_t family = 0, dstLen = 0, tos = 0, protocol = 0, scope = 0, type = 0;
    uint32_t table = 0;  // RTA_TABLE, else rtm_table
    uint32_t flags = 0;  // rtm_flags
    uint32_t dst = 0;    // host byte order, 0 for a default route
    std::optional<uint32_t> gateway;
    std::optional<int> oif;
    uint32_t priority = 0;       // the metric
    bool multipath = false;      // RTA_MULTIPATH: gateway / oif are its first next hop
    bool nexthopObject = false;  // RTA_NH_ID
    std::string str() const;     // for logs: `203.0.113.0/24 via 198.51.100.1 oif 3 metric 0`
};

struct Message {
    enum class Kind {
        Route,      // `route` is filled in
        Link,       // RTM_NEWLINK / RTM_DELLINK
        Address,    // RTM_NEWADDR / RTM_DELADDR
        Done,       // NLMSG_DONE (end of a dump; `error` from its payload when there is one)
        Error,      // NLMSG_ERROR with a non-zero error (`error` is a positive errno)
        Ack,        // NLMSG_ERROR 0
        Other,      // NLMSG_NOOP and anything else
        Malformed,  // `why` says what
    };
    Kind kind = Kind::Other;
    uint32_t seq = 0, pid = 0;
    uint16_t flags = 0;  // nlmsg_flags
    int error = 0;
    RouteMessage route;
    std::string why;
};

// Parses what one recv() on a NETLINK_ROUTE socket returned: every message in it. Never throws
// and never reads past `size`; a message whose nlmsg_len is impossible is reported as Malformed
// and ends the list (the next header's position is unknown).
std::vector<Message> parseMessages(const uint8_t* data, size_t size);

// Why a route message is not mirrored; None: it is.
enum class Skip { None, Family, Table, Type, Tos, Cloned };
Skip classify(const RouteMessage& route);
const char* skipName(Skip skip);

// The mirrored routes of the main table, by prefix; each prefix's routes in the kernel's order.
class FibMirror {
  public:
    using Key = std::pair<uint32_t, int>;  // prefix, length
    // Applies an accepted (classify() == None) message; returns its prefix.
    Key apply(const RouteMessage& route);
    // The route the kernel forwards with for the prefix: lowest metric, first among equal.
    const RouteMessage* best(const Key& key) const;
    std::set<Key> keys() const;
    size_t size() const;  // routes (several per prefix possible)
    void clear() { routes_.clear(); }

  private:
    std::map<Key, std::vector<RouteMessage>> routes_;
};

// The board port of a Linux interface. Explicit `--fib-port IF=PORT` first, else the port of
// hopd's interface-file subnet that holds one of the interface's IPv4 addresses.
class PortMap {
  public:
    struct Link {
        std::string name;
        std::vector<router::Ipv4Addr> addresses;
    };
    // Looks up a Linux interface by index; the default uses if_indextoname and getifaddrs.
    using Lookup = std::function<std::optional<Link>(int ifindex)>;
    PortMap(std::map<std::string, router::Port> explicitPorts,
            std::vector<router::Interface> interfaces, Lookup lookup = {});
    std::optional<router::Port> port(int ifindex);
    // The interface's name, or its index when it has none (for messages).
    std::string name(int ifindex);
    // Links or addresses changed: forget what was looked up.
    void invalidate() { cache_.clear(); }
    // `IF=PORT` (PORT 1-509); false with `error`.
    static bool parseOption(const std::string& text, std::string& name, router::Port& port,
                            std::string& error);

  private:
    std::map<std::string, router::Port> explicit_;
    std::vector<router::Interface> interfaces_;
    Lookup lookup_;
    struct Known {
        std::optional<router::Port> port;
        std::string name;
    };
    const Known& known(int ifindex);
    std::map<int, Known> cache_;
};

struct Counters {
    uint64_t messages = 0, routeMessages = 0, malformed = 0, netlinkErrors = 0, overruns = 0,
             dumps = 0, interruptedDumps = 0, linkEvents = 0;
    std::map<std::string, uint64_t> skipped;  // by reason: table, type, family, unmapped, ...
    uint64_t multipathFirstHop = 0;
    uint64_t added = 0, changed = 0, removed = 0, shadowed = 0, failed = 0;
    std::string str() const;  // one line for `hopctl stats`
};

// What hopd did with a kernel route it was asked to hold.
enum class Outcome { Done, Shadowed, Failed };
// Asks hopd to hold `spec` for the prefix as a kernel route, or (spec null) to drop the kernel
// route of the prefix. Shadowed: another origin holds the prefix. Failed: `error` says why.
using Install = std::function<Outcome(router::Ipv4Addr prefix, int length, const RouteSpec* spec,
                                      std::string& error)>;

// The socket-free part: the dump state machine, the mirror, what hopd holds. Feed it what the
// socket returns with process(); tests feed it byte buffers.
class FibState {
  public:
    FibState(PortMap ports, Install install);
    // A dump with sequence number `seq` was requested: messages go to a new table until its
    // NLMSG_DONE, which replaces the mirror (and, once live, reaches hopd as differences).
    void startDump(uint32_t seq);
    // One recv()'s bytes.
    void process(const uint8_t* data, size_t size);
    // Messages were lost (ENOBUFS): the table must be dumped again.
    void overrun();
    bool dumping() const { return dumping_; }
    bool dumpWanted() const { return dumpWanted_; }
    // A dump has ended well at least once: the mirror is the kernel's table.
    bool haveTable() const { return haveTable_; }
    // Before go-live nothing reaches hopd (the initial dump fills the mirror while hopd loads
    // its other routes); goLive() installs the whole mirror and from then on every change.
    void goLive();
    // Another origin dropped the prefix: a kernel route it shadowed may come in.
    void refresh(uint32_t prefix, int length);
    const Counters& counters() const { return counters_; }
    const FibMirror& mirror() const { return mirror_; }
    // What hopd holds as kernel routes, by prefix.
    const std::map<FibMirror::Key, RouteSpec>& installed() const { return installed_; }
    // Messages for the log (unmapped or failed routes, errors); the caller takes them.
    std::vector<std::string> takeLog();

  private:
    void handle(const Message& m);
    void sync(const FibMirror::Key& key);
    std::optional<RouteSpec> desired(const FibMirror::Key& key, std::string& why);
    void log(std::string line);

    PortMap ports_;
    Install install_;
    FibMirror mirror_, next_;
    bool dumping_ = false, dumpWanted_ = false, dumpSpoilt_ = false, live_ = false,
         haveTable_ = false;
    uint32_t dumpSeq_ = 0;
    std::map<FibMirror::Key, RouteSpec> installed_;
    std::set<FibMirror::Key> shadowed_;
    Counters counters_;
    std::vector<std::string> log_;
    size_t logged_ = 0;  // lines logged so far (capped)
};

// The socket: NETLINK_ROUTE, groups IPv4 routes, links and IPv4 addresses, non-blocking.
class FibSync {
  public:
    FibSync(PortMap ports, Install install) : state_(std::move(ports), std::move(install)) {}
    ~FibSync();
    FibSync(const FibSync&) = delete;
    FibSync& operator=(const FibSync&) = delete;
    // Opens the socket and runs the initial dump to its end (at most `timeoutMs`); false with
    // `error`.
    bool open(std::string& error, int timeoutMs = 10000);
    int fd() const { return fd_; }
    // The socket is readable (or in error): reads what is there, starts a dump when one is due.
    // False with `error` when the socket failed beyond repair.
    bool onReadable(std::string& error);
    FibState& state() { return state_; }

  private:
    bool requestDump(std::string& error);
    bool readAll(std::string& error);

    FibState state_;
    int fd_ = -1;
    uint32_t seq_ = 0;
};

}  // namespace hop::hopd::fib
