// SPDX-License-Identifier: Apache-2.0
#include "runtime/device/pcie_device.hpp"

#include <arpa/inet.h>
#include <endian.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

#include "regmap/regmap.hpp"

namespace hop::device {

namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kEthernetHeaderBytes = 14;
constexpr size_t kVlanTagBytes = 4;
// Larger than any frame an interface delivers without GRO (and GRO does not merge frames whose
// "EtherType" is a packet_in header's bytes).
constexpr size_t kReceiveBytes = 65536;
constexpr int kSocketBufferBytes = 4 << 20;
constexpr auto kSendPatience = std::chrono::seconds(1);
constexpr const char* kOptionNames = "netdev, resource, base, sysfs, program, cpu_port, csr_writes";

bool isHex(const std::string& s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isxdigit(c); });
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// Decimal or 0x-prefixed hexadecimal, at most `max`.
std::optional<uint64_t> parseNumber(const std::string& text, uint64_t max) {
    int radix = 10;
    std::string_view digits(text);
    if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
        radix = 16;
        digits.remove_prefix(2);
    }
    uint64_t value = 0;
    const auto [end, ec] =
        std::from_chars(digits.data(), digits.data() + digits.size(), value, radix);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() ||
        value > max) {
        return std::nullopt;
    }
    return value;
}

int remainingMs(Clock::time_point deadline) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return static_cast<int>(std::clamp<int64_t>(left, 0, 1 << 30));
}

}  // namespace

std::optional<std::string> PcieDevice::normaliseBdf(const std::string& text) {
    // [domain:]bus:device.function
    const size_t lastColon = text.rfind(':');
    if (lastColon == std::string::npos) return std::nullopt;
    const std::string slotFn = text.substr(lastColon + 1);
    const std::string front = text.substr(0, lastColon);
    std::string domain = "0000", bus = front;
    if (const size_t colon = front.find(':'); colon != std::string::npos) {
        domain = front.substr(0, colon);
        bus = front.substr(colon + 1);
        if (domain.size() < 4 || domain.size() > 8 || !isHex(domain)) return std::nullopt;
    }
    if (bus.size() != 2 || !isHex(bus)) return std::nullopt;
    if (slotFn.size() != 4 || slotFn[2] != '.') return std::nullopt;
    const std::string slot = slotFn.substr(0, 2), function = slotFn.substr(3);
    if (!isHex(slot) || std::stoul(slot, nullptr, 16) > 0x1f) return std::nullopt;
    if (function.size() != 1 || function[0] < '0' || function[0] > '7') return std::nullopt;
    return lower(fmt::format("{}:{}:{}.{}", domain, bus, slot, function));
}

std::optional<PcieDevice::Config> PcieDevice::parse(const std::string& spec, std::string& error) {
    const std::string body = spec.starts_with("pcie:") ? spec.substr(5) : spec;
    auto fail = [&](const std::string& why) -> std::optional<Config> {
        error = fmt::format("pcie:{}: {}", body, why);
        return std::nullopt;
    };
    std::vector<std::string> fields;
    for (size_t start = 0;;) {
        const size_t comma = body.find(',', start);
        fields.push_back(body.substr(start, comma - start));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    Config config;
    if (fields[0].empty()) {
        return fail(
            "expected pcie:BDF[,netdev=IFNAME][,OPTION=VALUE...] (BDF as lspci -D shows it)");
    }
    auto bdf = normaliseBdf(fields[0]);
    if (!bdf) {
        return fail(
            fmt::format("'{}' is not a PCI address: expected DDDD:BB:DD.F or BB:DD.F in hex "
                        "(device at most 1f, function at most 7)",
                        fields[0]));
    }
    config.bdf = *bdf;
    std::vector<std::string> seen;
    for (size_t i = 1; i < fields.size(); ++i) {
        const std::string& field = fields[i];
        const size_t eq = field.find('=');
        if (field.empty()) return fail("empty option (two commas in a row?)");
        if (eq == std::string::npos) {
            return fail(fmt::format("option '{}' needs a value: KEY=VALUE (keys: {})", field,
                                    kOptionNames));
        }
        const std::string key = field.substr(0, eq), value = field.substr(eq + 1);
        if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
            return fail(fmt::format("option '{}' given twice", key));
        }
        seen.push_back(key);
        if (value.empty()) return fail(fmt::format("option '{}=' has no value", key));
        if (key == "netdev") {
            if (value.size() >= IFNAMSIZ || value == "." || value == ".." ||
                std::any_of(value.begin(), value.end(), [](unsigned char c) {
                    return c == '/' || c == ':' || std::isspace(c) || !std::isprint(c);
                })) {
                return fail(
                    fmt::format("'{}' is not an interface name (1 to {} characters, no "
                                "'/', ':' or spaces)",
                                value, IFNAMSIZ - 1));
            }
            config.netdev = value;
        } else if (key == "resource") {
            auto n = parseNumber(value, 5);
            if (!n) return fail(fmt::format("resource={}: a BAR number is 0 to 5", value));
            config.resource = static_cast<int>(*n);
        } else if (key == "base") {
            auto n = parseNumber(value, uint64_t{1} << 48);
            if (!n || *n % 4 != 0) {
                return fail(fmt::format("base={}: expected a byte offset, a multiple of 4", value));
            }
            config.base = *n;
        } else if (key == "sysfs") {
            config.sysfsRoot = value;
        } else if (key == "program") {
            config.program = value;
        } else if (key == "cpu_port") {
            auto n = parseNumber(value, 511);
            if (!n) return fail(fmt::format("cpu_port={}: a port is 0 to 511", value));
            config.cpuPort = static_cast<uint32_t>(*n);
        } else if (key == "csr_writes") {
            auto n = parseNumber(value, UINT64_MAX);
            if (!n) return fail(fmt::format("csr_writes={}: expected a count", value));
            config.csrWrites = *n;
        } else {
            return fail(fmt::format("unknown option '{}' (known: {})", key, kOptionNames));
        }
    }
    return config;
}

std::unique_ptr<PcieDevice> PcieDevice::open(const std::string& spec, std::string& error) {
    auto config = parse(spec, error);
    if (!config) return nullptr;
    return open(*config, error);
}

std::unique_ptr<PcieDevice> PcieDevice::open(const Config& config, std::string& error) {
    std::unique_ptr<PcieDevice> device(new PcieDevice(config));
    Config& c = device->config_;
    if (c.sysfsRoot.empty()) {
        const char* env = std::getenv("HOP_SYSFS_ROOT");
        c.sysfsRoot = env && *env ? env : "/sys";
    }
    std::string name = "pcie:" + c.bdf;
    if (c.resource != 0) name += fmt::format(",resource={}", c.resource);
    if (c.base != 0) name += fmt::format(",base=0x{:x}", c.base);
    if (!c.netdev.empty()) name += ",netdev=" + c.netdev;
    if (c.sysfsRoot != "/sys") name += ",sysfs=" + c.sysfsRoot;
    device->name_ = name;
    if (!device->mapBar(error)) return nullptr;
    if (!c.netdev.empty() && !device->openInterface(error)) return nullptr;
    DeviceInfo& info = device->info_;
    info.program = c.program;
    info.cpuPort = c.cpuPort;
    info.csrWrites = c.csrWrites;
    return device;
}

PcieDevice::~PcieDevice() {
    if (map_) ::munmap(map_, mapBytes_);
    if (fd_ >= 0) ::close(fd_);
}

bool PcieDevice::mapBar(std::string& error) {
    auto fail = [&](const std::string& why) {
        error = fmt::format("{}: {}", name_, why);
        return false;
    };
    const std::string deviceDir = config_.sysfsRoot + "/bus/pci/devices/" + config_.bdf;
    struct stat st {};
    if (::stat(deviceDir.c_str(), &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) {
            return fail(fmt::format("no such PCI device ({} does not exist; lspci -D lists them)",
                                    deviceDir));
        }
        return fail(fmt::format("cannot look at {}: {}", deviceDir, std::strerror(errno)));
    }
    resourcePath_ = fmt::format("{}/resource{}", deviceDir, config_.resource);
    const int fd = ::open(resourcePath_.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        const int e = errno;
        if (e == ENOENT) {
            return fail(fmt::format("the device has no BAR {} ({} does not exist)",
                                    config_.resource, resourcePath_));
        }
        if (e == EACCES || e == EPERM) {
            return fail(
                fmt::format("not permitted to open {}: mapping a BAR needs root "
                            "(CAP_SYS_ADMIN)",
                            resourcePath_));
        }
        return fail(fmt::format("cannot open {}: {}", resourcePath_, std::strerror(e)));
    }
    auto closeAndFail = [&](const std::string& why) {
        ::close(fd);
        return fail(why);
    };
    if (::fstat(fd, &st) != 0) {
        return closeAndFail(fmt::format("cannot stat {}: {}", resourcePath_, std::strerror(errno)));
    }
    if (!S_ISREG(st.st_mode)) return closeAndFail(resourcePath_ + " is not a BAR's resource file");
    const uint64_t size = static_cast<uint64_t>(st.st_size);
    if (size == 0) {
        return closeAndFail(
            fmt::format("BAR {} has no memory ({} is empty: not a memory BAR, or unassigned)",
                        config_.resource, resourcePath_));
    }
    const uint64_t need = config_.base + regmap::kPipelineSpan;
    if (size < need) {
        return closeAndFail(fmt::format(
            "BAR {} has {} bytes, smaller than the pipeline's identification block needs "
            "(0x{:x} bytes from base 0x{:x})",
            config_.resource, size, regmap::kPipelineSpan, config_.base));
    }
    // CSR addresses are 32-bit: nothing past base + 4 GiB is ever touched.
    const uint64_t length = std::min<uint64_t>(size, config_.base + (uint64_t{1} << 32));
    void* p = ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    const int e = errno;
    ::close(fd);
    if (p == MAP_FAILED) {
        if (e == EINVAL || e == ENODEV) {
            return fail(
                fmt::format("BAR {} cannot be mapped ({}: {}; an I/O-port BAR, or a "
                            "driver holds the region: unbind it)",
                            config_.resource, resourcePath_, std::strerror(e)));
        }
        if (e == EPERM || e == EACCES) {
            return fail(
                fmt::format("not permitted to map {} (root needed; kernel lockdown "
                            "forbids it)",
                            resourcePath_));
        }
        return fail(fmt::format("cannot map {}: {}", resourcePath_, std::strerror(e)));
    }
    map_ = p;
    mapBytes_ = static_cast<size_t>(length);
    csrBytes_ = length - config_.base;

    const uint32_t id = le32toh(*word(4 * regmap::kWordId));
    const uint32_t width = le32toh(*word(4 * regmap::kWordDataWidth));
    csrReads_ += 2;
    if (id != regmap::kPipelineId) {
        if (id == 0xffffffffu) {
            return fail(
                fmt::format("BAR {} reads all ones at offset 0x{:x}: the device is not "
                            "enabled (echo 1 > {}/enable) or its FPGA is not configured",
                            config_.resource, config_.base, deviceDir));
        }
        return fail(
            fmt::format("BAR {} does not hold a hopline pipeline at offset 0x{:x}: ID word "
                        "0x{:08x}, expected 0x{:08x} (\"HOPL\"; see base=)",
                        config_.resource, config_.base, id, regmap::kPipelineId));
    }
    if (width != 64 && width != 128 && width != 256 && width != 512) {
        return fail(fmt::format(
            "the pipeline's DATA_W word reads {} (expected 64, 128, 256 or 512)", width));
    }
    info_.dataWidth = static_cast<int>(width);
    return true;
}

bool PcieDevice::openInterface(std::string& error) {
    const std::string& ifname = config_.netdev;
    auto fail = [&](const std::string& why) {
        error = fmt::format("{}: {}", name_, why);
        return false;
    };
    const unsigned index = ::if_nametoindex(ifname.c_str());
    if (index == 0) {
        return fail(fmt::format("no network interface '{}' (ip link show lists them)", ifname));
    }
    ifindex_ = static_cast<int>(index);
    // Protocol 0: the socket receives nothing until bind() names the interface.
    fd_ = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd_ < 0) {
        if (errno == EPERM || errno == EACCES) {
            return fail(
                fmt::format("not permitted to open a packet socket on {}: needs root "
                            "(CAP_NET_RAW)",
                            ifname));
        }
        return fail(fmt::format("packet socket: {}", std::strerror(errno)));
    }
    ifreq req{};
    std::memcpy(req.ifr_name, ifname.c_str(), ifname.size());
    if (::ioctl(fd_, SIOCGIFHWADDR, &req) != 0) {
        return fail(fmt::format("{}: {}", ifname, std::strerror(errno)));
    }
    if (req.ifr_hwaddr.sa_family != ARPHRD_ETHER) {
        return fail(fmt::format("{} is not an Ethernet interface (link type {})", ifname,
                                req.ifr_hwaddr.sa_family));
    }
    if (::ioctl(fd_, SIOCGIFFLAGS, &req) != 0) {
        return fail(fmt::format("{}: {}", ifname, std::strerror(errno)));
    }
    if (!(req.ifr_flags & IFF_UP)) {
        return fail(fmt::format("interface {} is down (ip link set {} up)", ifname, ifname));
    }
    if (::ioctl(fd_, SIOCGIFMTU, &req) == 0) mtu_ = req.ifr_mtu;

    const int one = 1;
    // The host's own frames on the interface (IPv6 neighbour discovery, ...) are not punts.
    filterOutgoing_ = ::setsockopt(fd_, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one)) != 0;
    if (::setsockopt(fd_, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)) != 0) {
        return fail(fmt::format("PACKET_AUXDATA: {}", std::strerror(errno)));
    }
    packet_mreq promisc{};
    promisc.mr_ifindex = ifindex_;
    promisc.mr_type = PACKET_MR_PROMISC;  // released when the socket closes
    if (::setsockopt(fd_, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &promisc, sizeof(promisc)) != 0) {
        return fail(fmt::format("cannot make {} promiscuous: {}", ifname, std::strerror(errno)));
    }
    if (::setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &kSocketBufferBytes,
                     sizeof(kSocketBufferBytes)) != 0) {
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &kSocketBufferBytes, sizeof(kSocketBufferBytes));
    }
    sockaddr_ll addr{};
    addr.sll_family = AF_PACKET;
    addr.sll_protocol = htons(ETH_P_ALL);
    addr.sll_ifindex = ifindex_;
    if (::bind(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
        return fail(
            fmt::format("cannot bind a packet socket to {}: {}", ifname, std::strerror(errno)));
    }
    rxBuffer_.resize(kReceiveBytes + kVlanTagBytes);
    return true;
}

volatile uint32_t* PcieDevice::word(uint32_t addr) const {
    return reinterpret_cast<volatile uint32_t*>(static_cast<uint8_t*>(map_) + config_.base + addr);
}

bool PcieDevice::checkAddr(uint32_t addr, std::string& error) const {
    if (addr % 4 != 0) {
        error = fmt::format("{}: address 0x{:x} is not 32-bit aligned", name_, addr);
        return false;
    }
    if (uint64_t{addr} + 4 > csrBytes_) {
        error = fmt::format(
            "{}: address 0x{:x} is outside the BAR ({} holds 0x{:x} bytes of CSR "
            "space from offset 0x{:x})",
            name_, addr, resourcePath_, csrBytes_, config_.base);
        return false;
    }
    return true;
}

std::optional<uint32_t> PcieDevice::read(uint32_t addr, std::string& error) {
    if (!checkAddr(addr, error)) return std::nullopt;
    ++csrReads_;
    return le32toh(*word(addr));
}

bool PcieDevice::write(uint32_t addr, uint32_t value, std::string& error) {
    if (!checkAddr(addr, error)) return false;
    *word(addr) = htole32(value);
    ++csrWritten_;
    return true;
}

bool PcieDevice::writeBurst(uint32_t addr, std::span<const uint32_t> values, std::string& error) {
    if (values.empty()) return true;
    if (!checkAddr(addr, error)) return false;
    const uint64_t last = uint64_t{addr} + 4 * (uint64_t{values.size()} - 1);
    if (last > UINT32_MAX || !checkAddr(static_cast<uint32_t>(last), error)) {
        if (last > UINT32_MAX) {
            error = fmt::format(
                "{}: a burst of {} words from 0x{:x} passes the end of the 32-bit "
                "address space",
                name_, values.size(), addr);
        }
        return false;
    }
    // PCIe keeps posted writes in order: a plain loop of stores is the burst.
    volatile uint32_t* p = word(addr);
    for (size_t i = 0; i < values.size(); ++i) p[i] = htole32(values[i]);
    csrWritten_ += values.size();
    return true;
}

bool PcieDevice::writeList(std::span<const CsrWord> writes, std::string& error) {
    for (const CsrWord& w : writes) {
        if (!checkAddr(w.addr, error)) return false;
        *word(w.addr) = htole32(w.value);
        ++csrWritten_;
    }
    return true;
}

bool PcieDevice::sendPacket(std::span<const uint8_t> frame, std::string& error) {
    if (fd_ < 0) {
        error = fmt::format("{}: no CPU-port interface (add netdev=IFNAME to the device)", name_);
        return false;
    }
    if (frame.empty() || frame.size() > proto::kMaxFrameBytes) {
        error = fmt::format("a frame to the CPU port has 1 to {} bytes, this one {}",
                            proto::kMaxFrameBytes, frame.size());
        return false;
    }
    if (frame.size() < kEthernetHeaderBytes) {
        // The kernel would pad it (changing the bytes) or refuse it.
        error = fmt::format("{}: a frame on {} has at least {} bytes, this one {}", name_,
                            config_.netdev, kEthernetHeaderBytes, frame.size());
        return false;
    }
    sockaddr_ll to{};
    to.sll_family = AF_PACKET;
    to.sll_protocol = htons(ETH_P_ALL);
    to.sll_ifindex = ifindex_;
    const auto deadline = Clock::now() + kSendPatience;
    for (;;) {
        const ssize_t n = ::sendto(fd_, frame.data(), frame.size(), 0,
                                   reinterpret_cast<const sockaddr*>(&to), sizeof(to));
        if (n == static_cast<ssize_t>(frame.size())) break;
        const int e = n < 0 ? errno : 0;
        if (e == EINTR) continue;
        if ((e == EAGAIN || e == EWOULDBLOCK || e == ENOBUFS) && Clock::now() < deadline) {
            pollfd p{fd_, POLLOUT, 0};
            ::poll(&p, 1, std::min(remainingMs(deadline), 10));
            continue;
        }
        ++sendErrors_;
        if (n >= 0) {
            error =
                fmt::format("{}: {} sent {} of {} bytes", name_, config_.netdev, n, frame.size());
        } else if (e == EMSGSIZE) {
            ifreq req{};
            std::memcpy(req.ifr_name, config_.netdev.c_str(), config_.netdev.size());
            if (::ioctl(fd_, SIOCGIFMTU, &req) == 0) mtu_ = req.ifr_mtu;
            error = fmt::format(
                "{}: a frame of {} bytes is longer than {} carries (MTU {}: "
                "{} bytes with the first 14)",
                name_, frame.size(), config_.netdev, mtu_, mtu_ + 14);
        } else if (e == ENETDOWN) {
            error = fmt::format("{}: interface {} is down", name_, config_.netdev);
        } else if (e == ENXIO || e == ENODEV) {
            error = fmt::format("{}: interface {} is gone", name_, config_.netdev);
        } else {
            error = fmt::format("{}: sending on {}: {}", name_, config_.netdev,
                                e == EAGAIN || e == EWOULDBLOCK || e == ENOBUFS
                                    ? "its queue stayed full for 1 s"
                                    : std::strerror(e));
        }
        return false;
    }
    ++framesSent_;
    bytesSent_ += frame.size();
    return true;
}

std::optional<std::vector<uint8_t>> PcieDevice::receivePacket(std::chrono::milliseconds timeout,
                                                              std::string& error) {
    error.clear();
    if (fd_ < 0) {
        error = fmt::format("{}: no CPU-port interface (add netdev=IFNAME to the device)", name_);
        return std::nullopt;
    }
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        sockaddr_ll from{};
        union {
            cmsghdr align;
            char bytes[CMSG_SPACE(sizeof(tpacket_auxdata))];
        } control{};
        // Room for a VLAN tag in front, moved into place below.
        iovec iov{rxBuffer_.data() + kVlanTagBytes, kReceiveBytes};
        msghdr msg{};
        msg.msg_name = &from;
        msg.msg_namelen = sizeof(from);
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.bytes;
        msg.msg_controllen = sizeof(control.bytes);
        const ssize_t n = ::recvmsg(fd_, &msg, MSG_TRUNC | MSG_DONTWAIT);
        if (n < 0) {
            const int e = errno;
            if (e == EINTR) continue;
            if (e != EAGAIN && e != EWOULDBLOCK) {
                error = e == ENETDOWN ? fmt::format("{}: interface {} went down or away", name_,
                                                    config_.netdev)
                                      : fmt::format("{}: receiving on {}: {}", name_,
                                                    config_.netdev, std::strerror(e));
                return std::nullopt;
            }
            const int wait = remainingMs(deadline);
            if (wait == 0) return std::nullopt;  // none in time: `error` stays empty
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, wait) < 0 && errno != EINTR) {
                error = fmt::format("{}: poll: {}", name_, std::strerror(errno));
                return std::nullopt;
            }
            continue;
        }
        if (filterOutgoing_ && from.sll_pkttype == PACKET_OUTGOING) continue;
        if ((msg.msg_flags & MSG_TRUNC) || static_cast<size_t>(n) > kReceiveBytes) {
            ++truncated_;
            continue;
        }
        uint8_t* start = rxBuffer_.data() + kVlanTagBytes;
        size_t length = static_cast<size_t>(n);
        for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA ||
                c->cmsg_len < CMSG_LEN(sizeof(tpacket_auxdata))) {
                continue;
            }
            tpacket_auxdata aux;
            std::memcpy(&aux, CMSG_DATA(c), sizeof(aux));
            const bool tagged = aux.tp_vlan_tci != 0 || (aux.tp_status & TP_STATUS_VLAN_VALID);
            if (!tagged || length < 12) continue;
            // The kernel took a VLAN tag out of the frame's bytes 12..15: put it back, so the
            // frame is the pipeline's bytes whatever its 13th and 14th bytes happen to be.
            const uint16_t tpid =
                (aux.tp_status & TP_STATUS_VLAN_TPID_VALID) ? aux.tp_vlan_tpid : ETH_P_8021Q;
            std::memmove(start - kVlanTagBytes, start, 12);
            start -= kVlanTagBytes;
            start[12] = static_cast<uint8_t>(tpid >> 8);
            start[13] = static_cast<uint8_t>(tpid);
            start[14] = static_cast<uint8_t>(aux.tp_vlan_tci >> 8);
            start[15] = static_cast<uint8_t>(aux.tp_vlan_tci);
            length += kVlanTagBytes;
        }
        ++framesReceived_;
        bytesReceived_ += length;
        return std::vector<uint8_t>(start, start + length);
    }
}

uint64_t PcieDevice::droppedPackets() const {
    if (fd_ >= 0) {
        tpacket_stats s{};
        socklen_t len = sizeof(s);
        // The kernel's counts since the last call.
        if (::getsockopt(fd_, SOL_PACKET, PACKET_STATISTICS, &s, &len) == 0) {
            kernelDrops_ += s.tp_drops;
        }
    }
    return kernelDrops_ + truncated_;
}

std::optional<std::string> PcieDevice::stats(proto::StatsFormat format, std::string& error) {
    error.clear();
    const uint64_t dropped = droppedPackets();
    auto counter = [&](regmap::PipelineWord w) -> std::optional<uint32_t> {
        std::string ignored;
        return read(4 * w, ignored);
    };
    const auto rx = counter(regmap::kWordRxPackets), tx = counter(regmap::kWordTxPackets),
               drops = counter(regmap::kWordDropped), tooLong = counter(regmap::kWordTooLong);
    if (format == proto::StatsFormat::Json) {
        nlohmann::json j{
            {"device", name_},
            {"bar", {{"path", resourcePath_}, {"csr_bytes", csrBytes_}, {"base", config_.base}}},
            {"data_width", info_.dataWidth},
            {"csr_reads", csrReads_},
            {"csr_writes", csrWritten_},
            {"pipeline",
             {{"rx_packets", rx.value_or(0)},
              {"tx_packets", tx.value_or(0)},
              {"dropped", drops.value_or(0)},
              {"too_long", tooLong.value_or(0)}}},
        };
        if (fd_ >= 0) {
            j["cpu_port"] = {
                {"netdev", config_.netdev},           {"mtu", mtu_},
                {"frames_sent", framesSent_},         {"bytes_sent", bytesSent_},
                {"frames_received", framesReceived_}, {"bytes_received", bytesReceived_},
                {"send_errors", sendErrors_},         {"dropped", dropped}};
        }
        return j.dump();
    }
    std::string text = fmt::format("device {}: DATA_W={}\n", name_, info_.dataWidth);
    text += fmt::format(
        "BAR {}: 0x{:x} bytes of CSR space from offset 0x{:x}; CSR reads {}, "
        "writes {}\n",
        resourcePath_, csrBytes_, config_.base, csrReads_, csrWritten_);
    text += fmt::format("pipeline: rx {}, tx {}, dropped {}, too long {}\n", rx.value_or(0),
                        tx.value_or(0), drops.value_or(0), tooLong.value_or(0));
    if (fd_ >= 0) {
        text += fmt::format(
            "CPU port on {} (MTU {}): sent {} frames ({} bytes), received {} frames ({} bytes), "
            "send errors {}, dropped {} (socket buffer full or frame too long)\n",
            config_.netdev, mtu_, framesSent_, bytesSent_, framesReceived_, bytesReceived_,
            sendErrors_, dropped);
    } else {
        text += "no CPU-port interface\n";
    }
    return text;
}

}  // namespace hop::device
