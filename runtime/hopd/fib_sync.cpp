// SPDX-License-Identifier: Apache-2.0
#include "runtime/hopd/fib_sync.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <ifaddrs.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace hop::hopd::fib {

namespace {

constexpr size_t kMaxLogLines = 200;
constexpr int kReceiveBuffer = 16 << 20;  // a full table's worth of notifications

template <typename T>
T load(const uint8_t* p) {
    T value;
    std::memcpy(&value, p, sizeof(T));
    return value;
}

uint32_t loadAddress(const uint8_t* p) { return ntohl(load<uint32_t>(p)); }

// The first usable next hop of RTA_MULTIPATH into `r`; false with `why`.
bool parseMultipath(const uint8_t* data, size_t size, RouteMessage& r, std::string& why) {
    r.multipath = true;
    bool found = false, anyDead = false;
    for (size_t off = 0; off + sizeof(rtnexthop) <= size;) {
        const auto nh = load<rtnexthop>(data + off);
        if (nh.rtnh_len < sizeof(rtnexthop) || nh.rtnh_len > size - off) {
            why =
                fmt::format("RTA_MULTIPATH next hop length {} exceeds the attribute", nh.rtnh_len);
            return false;
        }
        std::optional<uint32_t> gateway;
        for (size_t a = RTNH_LENGTH(0); a + sizeof(rtattr) <= nh.rtnh_len;) {
            const auto ra = load<rtattr>(data + off + a);
            if (ra.rta_len < sizeof(rtattr) || ra.rta_len > nh.rtnh_len - a) {
                why = fmt::format("attribute {} of a next hop: length {} exceeds the next hop",
                                  ra.rta_type, ra.rta_len);
                return false;
            }
            if ((ra.rta_type & NLA_TYPE_MASK) == RTA_GATEWAY) {
                if (ra.rta_len != RTA_LENGTH(4)) {
                    why = "RTA_GATEWAY of a next hop is not 4 bytes";
                    return false;
                }
                gateway = loadAddress(data + off + a + RTA_LENGTH(0));
            }
            a += RTA_ALIGN(ra.rta_len);
        }
        if (nh.rtnh_flags & RTNH_F_DEAD) {
            anyDead = true;
        } else if (!found) {
            found = true;
            r.gateway = gateway;
            r.oif = nh.rtnh_ifindex;
        }
        off += RTNH_ALIGN(nh.rtnh_len);
    }
    if (!found && anyDead) r.flags |= RTNH_F_DEAD;
    return true;
}

// A route message's payload; false with `why`.
bool parseRoute(const uint8_t* p, size_t size, RouteMessage& r, std::string& why) {
    if (size < sizeof(rtmsg)) {
        why = fmt::format("route message of {} bytes, shorter than struct rtmsg", size);
        return false;
    }
    const auto rtm = load<rtmsg>(p);
    r.family = rtm.rtm_family;
    r.dstLen = rtm.rtm_dst_len;
    r.tos = rtm.rtm_tos;
    r.table = rtm.rtm_table;
    r.protocol = rtm.rtm_protocol;
    r.scope = rtm.rtm_scope;
    r.type = rtm.rtm_type;
    r.flags = rtm.rtm_flags;
    if (r.family != AF_INET) return true;  // classify() leaves it out; its attributes differ
    if (r.dstLen > 32) {
        why = fmt::format("IPv4 route with prefix length {}", r.dstLen);
        return false;
    }
    bool hasDst = false;
    size_t a = NLMSG_ALIGN(sizeof(rtmsg));
    auto four = [&](const rtattr& ra, const char* name) {
        if (ra.rta_len == RTA_LENGTH(4)) return true;
        why = fmt::format("{} of {} bytes (4 expected)", name, ra.rta_len - RTA_LENGTH(0));
        return false;
    };
    while (a + sizeof(rtattr) <= size) {
        const auto ra = load<rtattr>(p + a);
        if (ra.rta_len < sizeof(rtattr) || ra.rta_len > size - a) {
            why = fmt::format(
                "attribute {} of length {} at offset {} exceeds the message ({} "
                "bytes)",
                ra.rta_type, ra.rta_len, a, size);
            return false;
        }
        const uint8_t* value = p + a + RTA_LENGTH(0);
        const size_t valueSize = ra.rta_len - RTA_LENGTH(0);
        switch (ra.rta_type & NLA_TYPE_MASK) {
            case RTA_DST:
                if (!four(ra, "RTA_DST")) return false;
                r.dst = loadAddress(value);
                hasDst = true;
                break;
            case RTA_GATEWAY:
                if (!four(ra, "RTA_GATEWAY")) return false;
                r.gateway = loadAddress(value);
                break;
            case RTA_OIF:
                if (!four(ra, "RTA_OIF")) return false;
                r.oif = load<int32_t>(value);
                break;
            case RTA_PRIORITY:
                if (!four(ra, "RTA_PRIORITY")) return false;
                r.priority = load<uint32_t>(value);
                break;
            case RTA_TABLE:
                if (!four(ra, "RTA_TABLE")) return false;
                r.table = load<uint32_t>(value);
                break;
            case RTA_NH_ID:
                r.nexthopObject = true;
                break;
            case RTA_MULTIPATH:
                if (!parseMultipath(value, valueSize, r, why)) return false;
                break;
            default:
                break;
        }
        a += RTA_ALIGN(ra.rta_len);
    }
    if (a < size) {
        why = fmt::format("{} bytes after the last attribute, too few for an attribute", size - a);
        return false;
    }
    if (r.dstLen > 0 && !hasDst) {
        why = fmt::format("route /{} without RTA_DST", r.dstLen);
        return false;
    }
    if (r.dstLen < 32 && (r.dst & ~router::prefixMask(r.dstLen)) != 0) {
        why = fmt::format("destination {}/{} has host bits set", router::Ipv4Addr(r.dst).str(),
                          r.dstLen);
        return false;
    }
    return true;
}

}  // namespace

std::string RouteMessage::str() const {
    std::string s = fmt::format("{}/{}", router::Ipv4Addr(dst).str(), dstLen);
    if (gateway) s += " via " + router::Ipv4Addr(*gateway).str();
    if (oif) s += fmt::format(" oif {}", *oif);
    s += fmt::format(" table {} proto {} type {} metric {}", table, protocol, type, priority);
    if (multipath) s += " (multipath)";
    return s;
}

std::vector<Message> parseMessages(const uint8_t* data, size_t size) {
    std::vector<Message> out;
    size_t off = 0;
    while (off < size) {
        Message m;
        if (size - off < sizeof(nlmsghdr)) {
            m.kind = Message::Kind::Malformed;
            m.why = fmt::format("{} bytes left, too few for a netlink header", size - off);
            out.push_back(std::move(m));
            break;
        }
        const auto h = load<nlmsghdr>(data + off);
        if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > size - off) {
            m.kind = Message::Kind::Malformed;
            m.why = fmt::format("message length {} at offset {} ({} bytes left)", h.nlmsg_len, off,
                                size - off);
            out.push_back(std::move(m));
            break;
        }
        m.seq = h.nlmsg_seq;
        m.pid = h.nlmsg_pid;
        m.flags = h.nlmsg_flags;
        const uint8_t* payload = data + off + NLMSG_HDRLEN;
        const size_t payloadSize = h.nlmsg_len - NLMSG_HDRLEN;
        switch (h.nlmsg_type) {
            case NLMSG_DONE:
                m.kind = Message::Kind::Done;
                if (payloadSize >= sizeof(int)) m.error = -load<int>(payload);
                break;
            case NLMSG_ERROR:
                if (payloadSize < sizeof(int)) {
                    m.kind = Message::Kind::Malformed;
                    m.why = "NLMSG_ERROR without an error code";
                } else {
                    m.error = -load<int>(payload);
                    m.kind = m.error == 0 ? Message::Kind::Ack : Message::Kind::Error;
                }
                break;
            case RTM_NEWROUTE:
            case RTM_DELROUTE:
                m.kind = Message::Kind::Route;
                m.route.remove = h.nlmsg_type == RTM_DELROUTE;
                m.route.replace = (h.nlmsg_flags & NLM_F_REPLACE) != 0;
                if (!parseRoute(payload, payloadSize, m.route, m.why)) {
                    m.kind = Message::Kind::Malformed;
                }
                break;
            case RTM_NEWLINK:
            case RTM_DELLINK:
                m.kind = Message::Kind::Link;
                break;
            case RTM_NEWADDR:
            case RTM_DELADDR:
                m.kind = Message::Kind::Address;
                break;
            default:
                m.kind = Message::Kind::Other;
                break;
        }
        out.push_back(std::move(m));
        off += std::min<size_t>(NLMSG_ALIGN(h.nlmsg_len), size - off);
    }
    return out;
}

Skip classify(const RouteMessage& r) {
    if (r.family != AF_INET) return Skip::Family;
    if (r.table != RT_TABLE_MAIN) return Skip::Table;
    if (r.type != RTN_UNICAST) return Skip::Type;
    if (r.tos != 0) return Skip::Tos;
    if (r.flags & RTM_F_CLONED) return Skip::Cloned;
    return Skip::None;
}

const char* skipName(Skip skip) {
    switch (skip) {
        case Skip::None:
            return "none";
        case Skip::Family:
            return "family";
        case Skip::Table:
            return "table";
        case Skip::Type:
            return "type";
        case Skip::Tos:
            return "tos";
        case Skip::Cloned:
            return "cloned";
    }
    return "?";
}

// ------------------------------------------------------------------------------------------
// FibMirror

FibMirror::Key FibMirror::apply(const RouteMessage& r) {
    const Key key{r.dst, r.dstLen};
    auto& list = routes_[key];
    auto samePriority = [&](const RouteMessage& x) { return x.priority == r.priority; };
    auto same = [&](const RouteMessage& x) {
        return x.priority == r.priority && x.gateway == r.gateway && x.oif == r.oif;
    };
    if (r.remove) {
        auto it = std::find_if(list.begin(), list.end(), same);
        if (it == list.end()) it = std::find_if(list.begin(), list.end(), samePriority);
        if (it != list.end()) list.erase(it);
    } else if (auto it = std::find_if(list.begin(), list.end(), same); it != list.end()) {
        *it = r;  // announced again (a dump, a flag change)
    } else if (auto first = std::find_if(list.begin(), list.end(), samePriority);
               r.replace && first != list.end()) {
        *first = r;
    } else {
        list.push_back(r);
    }
    if (list.empty()) routes_.erase(key);
    return key;
}

const RouteMessage* FibMirror::best(const Key& key) const {
    auto it = routes_.find(key);
    if (it == routes_.end()) return nullptr;
    const RouteMessage* best = nullptr;
    for (const auto& r : it->second) {
        if (r.flags & RTNH_F_DEAD) continue;
        if (!best || r.priority < best->priority) best = &r;
    }
    return best;
}

std::set<FibMirror::Key> FibMirror::keys() const {
    std::set<Key> keys;
    for (const auto& [key, list] : routes_) keys.insert(key);
    return keys;
}

size_t FibMirror::size() const {
    size_t n = 0;
    for (const auto& [key, list] : routes_) n += list.size();
    return n;
}

// ------------------------------------------------------------------------------------------
// PortMap

namespace {

std::optional<PortMap::Link> systemLink(int ifindex) {
    char name[IF_NAMESIZE] = {};
    if (!::if_indextoname(static_cast<unsigned>(ifindex), name)) return std::nullopt;
    PortMap::Link link;
    link.name = name;
    ifaddrs* list = nullptr;
    if (::getifaddrs(&list) == 0) {
        for (const ifaddrs* i = list; i; i = i->ifa_next) {
            if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || !i->ifa_name) continue;
            const std::string label = i->ifa_name;  // `eth0` or an alias label `eth0:1`
            if (label != link.name && !label.starts_with(link.name + ":")) continue;
            const auto* sin = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
            link.addresses.emplace_back(ntohl(sin->sin_addr.s_addr));
        }
        ::freeifaddrs(list);
    }
    return link;
}

}  // namespace

PortMap::PortMap(std::map<std::string, router::Port> explicitPorts,
                 std::vector<router::Interface> interfaces, Lookup lookup)
    : explicit_(std::move(explicitPorts)),
      interfaces_(std::move(interfaces)),
      lookup_(lookup ? std::move(lookup) : Lookup(systemLink)) {}

const PortMap::Known& PortMap::known(int ifindex) {
    if (auto it = cache_.find(ifindex); it != cache_.end()) return it->second;
    Known k;
    k.name = std::to_string(ifindex);
    if (auto link = lookup_(ifindex)) {
        k.name = link->name;
        if (auto it = explicit_.find(link->name); it != explicit_.end()) {
            k.port = it->second;
        } else {
            for (const auto& address : link->addresses) {
                for (const auto& i : interfaces_) {
                    if (!k.port && i.contains(address)) k.port = i.port;
                }
            }
        }
    }
    return cache_[ifindex] = k;
}

std::optional<router::Port> PortMap::port(int ifindex) { return known(ifindex).port; }

std::string PortMap::name(int ifindex) { return known(ifindex).name; }

bool PortMap::parseOption(const std::string& text, std::string& name, router::Port& port,
                          std::string& error) {
    const auto eq = text.rfind('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) {
        error = fmt::format("--fib-port {}: expected IFNAME=PORT", text);
        return false;
    }
    name = text.substr(0, eq);
    if (name.size() >= IF_NAMESIZE) {
        error = fmt::format("--fib-port {}: interface name longer than {} characters", text,
                            IF_NAMESIZE - 1);
        return false;
    }
    const std::string number = text.substr(eq + 1);
    unsigned long value = 0;
    if (number.find_first_not_of("0123456789") != std::string::npos || number.size() > 4 ||
        (value = std::stoul(number)) < 1 || value > 509) {
        error = fmt::format("--fib-port {}: port '{}' is not 1-509", text, number);
        return false;
    }
    port = static_cast<router::Port>(value);
    return true;
}

// ------------------------------------------------------------------------------------------
// FibState

std::string Counters::str() const {
    std::string skips;
    for (const auto& [reason, n] : skipped) skips += fmt::format(" {} {},", reason, n);
    if (!skips.empty()) skips.pop_back();
    return fmt::format(
        "{} messages ({} routes), added {}, changed {}, removed {}, shadowed {}, failed {}, "
        "malformed {}, netlink errors {}, overruns {}, dumps {} ({} interrupted), link/address "
        "events {}, multipath (first hop) {}; skipped:{}",
        messages, routeMessages, added, changed, removed, shadowed, failed, malformed,
        netlinkErrors, overruns, dumps, interruptedDumps, linkEvents, multipathFirstHop,
        skips.empty() ? " none" : skips);
}

FibState::FibState(PortMap ports, Install install)
    : ports_(std::move(ports)), install_(std::move(install)) {}

void FibState::log(std::string line) {
    if (logged_ < kMaxLogLines) {
        log_.push_back(std::move(line));
    } else if (logged_ == kMaxLogLines) {
        log_.push_back("further messages are not logged (see `hopctl stats`)");
    }
    ++logged_;
}

std::vector<std::string> FibState::takeLog() { return std::exchange(log_, {}); }

void FibState::startDump(uint32_t seq) {
    dumping_ = true;
    dumpWanted_ = false;
    dumpSpoilt_ = false;
    dumpSeq_ = seq;
    next_.clear();
    ++counters_.dumps;
}

void FibState::overrun() {
    ++counters_.overruns;
    if (dumping_) {
        dumpSpoilt_ = true;
    } else {
        dumpWanted_ = true;
    }
}

void FibState::process(const uint8_t* data, size_t size) {
    for (const auto& m : parseMessages(data, size)) handle(m);
}

void FibState::handle(const Message& m) {
    ++counters_.messages;
    const bool ofDump = dumping_ && m.seq == dumpSeq_ && m.seq != 0;
    if (ofDump && (m.flags & NLM_F_DUMP_INTR) && !dumpSpoilt_) {
        ++counters_.interruptedDumps;
        dumpSpoilt_ = true;
    }
    switch (m.kind) {
        case Message::Kind::Malformed:
            ++counters_.malformed;
            log("malformed netlink message: " + m.why);
            return;
        case Message::Kind::Link:
        case Message::Kind::Address:
            // Port mappings may change, and the kernel drops the routes of a downed link
            // without a message: dump again.
            ++counters_.linkEvents;
            ports_.invalidate();
            if (dumping_) {
                dumpSpoilt_ = true;
            } else {
                dumpWanted_ = true;
            }
            return;
        case Message::Kind::Error:
            ++counters_.netlinkErrors;
            log(fmt::format("netlink error: {}", std::strerror(m.error)));
            if (ofDump) {
                dumping_ = false;
                // EBUSY / EINTR: try again; anything else keeps the table as it is.
                dumpWanted_ = m.error == EBUSY || m.error == EINTR || m.error == ENOBUFS;
            }
            return;
        case Message::Kind::Done:
            if (!ofDump) return;
            dumping_ = false;
            if (m.error != 0 || dumpSpoilt_) {
                if (m.error != 0) {
                    ++counters_.netlinkErrors;
                    log(fmt::format("route dump ended with an error: {}", std::strerror(m.error)));
                }
                dumpWanted_ = true;
                return;
            }
            {
                auto keys = mirror_.keys();
                for (const auto& [key, spec] : installed_) keys.insert(key);
                keys.insert(shadowed_.begin(), shadowed_.end());
                for (const auto& key : next_.keys()) keys.insert(key);
                mirror_ = std::move(next_);
                next_.clear();
                haveTable_ = true;
                if (live_) {
                    for (const auto& key : keys) sync(key);
                }
            }
            return;
        case Message::Kind::Route: {
            ++counters_.routeMessages;
            const Skip skip = classify(m.route);
            if (skip != Skip::None) {
                ++counters_.skipped[skipName(skip)];
                return;
            }
            if (m.route.multipath && !m.route.remove) ++counters_.multipathFirstHop;
            if (dumping_) {
                next_.apply(m.route);  // replies and notifications alike, in their order
                return;
            }
            const auto key = mirror_.apply(m.route);
            if (live_) sync(key);
            return;
        }
        case Message::Kind::Ack:
        case Message::Kind::Other:
            return;
    }
}

std::optional<RouteSpec> FibState::desired(const FibMirror::Key& key, std::string& why) {
    const RouteMessage* r = mirror_.best(key);
    if (!r) return std::nullopt;
    RouteSpec spec;
    spec.prefix = router::Ipv4Addr(key.first);
    spec.length = key.second;
    if (r->gateway) {
        spec.gateway = router::Ipv4Addr(*r->gateway);
        return spec;
    }
    if (!r->oif) {
        why = fmt::format("{}: neither a gateway nor an interface{}", r->str(),
                          r->nexthopObject ? " (a nexthop object)" : "");
        return std::nullopt;
    }
    auto port = ports_.port(*r->oif);
    if (!port) {
        why = fmt::format(
            "{}: interface {} maps to no board port (--fib-port IF=PORT, or an "
            "address in a subnet of the interface file)",
            r->str(), ports_.name(*r->oif));
        return std::nullopt;
    }
    spec.port = *port;
    return spec;
}

void FibState::sync(const FibMirror::Key& key) {
    const router::Ipv4Addr prefix(key.first);
    std::string why;
    auto want = desired(key, why);
    auto have = installed_.find(key);
    if (want && have != installed_.end() && have->second == *want) return;
    std::string error;
    auto drop = [&] {
        if (have == installed_.end()) return;
        if (install_(prefix, key.second, nullptr, error) == Outcome::Failed) {
            log(fmt::format("removing {}/{}: {}", prefix.str(), key.second, error));
        }
        installed_.erase(have);
        ++counters_.removed;
    };
    if (!want) {
        if (!why.empty()) {
            ++counters_.skipped["unmapped"];
            log(why);
        }
        drop();
        shadowed_.erase(key);
        return;
    }
    switch (install_(prefix, key.second, &*want, error)) {
        case Outcome::Done:
            ++(have == installed_.end() ? counters_.added : counters_.changed);
            installed_[key] = *want;
            shadowed_.erase(key);
            return;
        case Outcome::Shadowed:
            ++counters_.shadowed;
            if (!error.empty()) ++counters_.skipped["shadowed by " + error];
            shadowed_.insert(key);
            return;
        case Outcome::Failed:
            ++counters_.failed;
            log(error.starts_with(want->str()) ? error : want->str() + ": " + error);
            drop();  // the kernel no longer routes the prefix the way hopd holds it
            shadowed_.erase(key);
            return;
    }
}

void FibState::goLive() {
    live_ = true;
    for (const auto& key : mirror_.keys()) sync(key);
}

void FibState::refresh(uint32_t prefix, int length) {
    if (live_) sync({prefix, length});
}

// ------------------------------------------------------------------------------------------
// FibSync

FibSync::~FibSync() {
    if (fd_ >= 0) ::close(fd_);
}

bool FibSync::open(std::string& error, int timeoutMs) {
    fd_ = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
    if (fd_ < 0) {
        error = fmt::format("fib-sync: netlink socket: {}", std::strerror(errno));
        return false;
    }
    // A large buffer: a table's worth of notifications may come at once (FORCE needs
    // CAP_NET_ADMIN; without it the plain option, capped by net.core.rmem_max).
    if (::setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &kReceiveBuffer, sizeof(int)) != 0) {
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &kReceiveBuffer, sizeof(int));
    }
    sockaddr_nl local{};
    local.nl_family = AF_NETLINK;
    local.nl_groups = RTMGRP_IPV4_ROUTE | RTMGRP_LINK | RTMGRP_IPV4_IFADDR;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof(local)) != 0) {
        error = fmt::format("fib-sync: binding the netlink socket: {}", std::strerror(errno));
        return false;
    }
    // Sequence numbers of our dumps, unlike those of requests other programs make.
    seq_ = static_cast<uint32_t>(std::chrono::system_clock::now().time_since_epoch().count());
    if (!requestDump(error)) return false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (state_.dumping() || state_.dumpWanted()) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                              deadline - std::chrono::steady_clock::now())
                              .count();
        if (left <= 0) {
            error = fmt::format("fib-sync: the kernel's route dump did not end within {} ms",
                                timeoutMs);
            return false;
        }
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left)) < 0 && errno != EINTR) {
            error = fmt::format("fib-sync: poll: {}", std::strerror(errno));
            return false;
        }
        if (!onReadable(error)) return false;
    }
    if (!state_.haveTable()) {
        error = "fib-sync: the kernel refused the route dump (see the netlink error above)";
        return false;
    }
    return true;
}

bool FibSync::requestDump(std::string& error) {
    struct {
        nlmsghdr h;
        rtmsg r;
    } request{};
    request.h.nlmsg_len = NLMSG_LENGTH(sizeof(rtmsg));
    request.h.nlmsg_type = RTM_GETROUTE;
    request.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    request.h.nlmsg_seq = ++seq_;
    request.r.rtm_family = AF_INET;
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    for (;;) {
        if (::sendto(fd_, &request, request.h.nlmsg_len, 0, reinterpret_cast<sockaddr*>(&kernel),
                     sizeof(kernel)) >= 0) {
            break;
        }
        if (errno == EINTR) continue;
        error = fmt::format("fib-sync: requesting the route dump: {}", std::strerror(errno));
        return false;
    }
    state_.startDump(request.h.nlmsg_seq);
    return true;
}

bool FibSync::readAll(std::string& error) {
    static thread_local std::vector<uint8_t> buffer(1 << 20);
    for (int i = 0; i < 4096; ++i) {  // bounded: the poll loop has other work
        sockaddr_nl from{};
        iovec iov{buffer.data(), buffer.size()};
        msghdr msg{};
        msg.msg_name = &from;
        msg.msg_namelen = sizeof(from);
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        const ssize_t n = ::recvmsg(fd_, &msg, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
            if (errno == ENOBUFS) {  // messages lost: the table must be dumped again
                state_.overrun();
                continue;
            }
            error = fmt::format("fib-sync: netlink receive: {}", std::strerror(errno));
            return false;
        }
        if (msg.msg_flags & MSG_TRUNC) {  // cannot happen with 1 MiB; treat as lost
            state_.overrun();
            continue;
        }
        if (from.nl_pid != 0) continue;  // only the kernel speaks here
        state_.process(buffer.data(), static_cast<size_t>(n));
    }
    return true;
}

bool FibSync::onReadable(std::string& error) {
    if (!readAll(error)) return false;
    if (!state_.dumping() && state_.dumpWanted()) return requestDump(error);
    return true;
}

}  // namespace hop::hopd::fib
