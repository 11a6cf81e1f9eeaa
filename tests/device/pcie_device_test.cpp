// SPDX-License-Identifier: Apache-2.0
// The pcie device (runtime/device/pcie_device.hpp):
//   - device strings: the BDF syntax, every option, and one clear one-line error per mistake;
//   - a file-backed BAR: a sysfs tree of the test's own whose resource0 is a regular file, holding
//     the identification words of a pipeline; CSR writes land little-endian at their offsets in
//     the file, words put in the file are read back;
//   - CPU-port frames (root only, skipped otherwise): a veth pair inside a network namespace the
//     test creates and deletes; frames sent with sendPacket appear on the peer byte for byte,
//     frames written into the peer come out of receivePacket byte for byte (also when their bytes
//     12..13 look like a VLAN tag), the device never receives its own frames. Only raw Ethernet
//     frames with made-up contents; IPv6 is off in the namespace, so no IP traffic at all.
#include "runtime/device/pcie_device.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "regmap/regmap.hpp"
#include "runtime/device/device.hpp"

namespace {

namespace fs = std::filesystem;
using hop::device::Device;
using hop::device::openDevice;
using hop::device::PcieDevice;
using namespace std::chrono_literals;

constexpr const char* kBdf = "0000:01:00.0";

// A sysfs tree of the test's own: <root>/bus/pci/devices/<bdf>/resourceN.
class SysfsTree {
  public:
    SysfsTree() {
        char pattern[] = "/tmp/hop-sysfs.XXXXXX";
        root_ = ::mkdtemp(pattern);
    }
    ~SysfsTree() {
        std::error_code ec;
        fs::remove_all(root_, ec);
    }
    const std::string& root() const { return root_; }
    std::string deviceDir(const std::string& bdf = kBdf) const {
        return root_ + "/bus/pci/devices/" + bdf;
    }
    // A BAR of `size` bytes; `words` are little-endian 32-bit words at byte offsets.
    std::string makeBar(size_t size, const std::map<uint32_t, uint32_t>& words,
                        const std::string& bdf = kBdf, int resource = 0) const {
        fs::create_directories(deviceDir(bdf));
        const std::string path = deviceDir(bdf) + "/resource" + std::to_string(resource);
        std::vector<uint8_t> bytes(size, 0);
        for (const auto& [offset, value] : words) {
            for (int i = 0; i < 4; ++i) bytes.at(offset + i) = static_cast<uint8_t>(value >> 8 * i);
        }
        std::ofstream(path, std::ios::binary | std::ios::trunc)
            .write(reinterpret_cast<const char*>(bytes.data()),
                   static_cast<std::streamsize>(bytes.size()));
        return path;
    }
    // The identification words a real board's pipeline block holds.
    std::string makePipelineBar(size_t size, uint32_t dataWidth = 512, uint32_t base = 0) const {
        return makeBar(size, {{base + 4 * hop::regmap::kWordId, hop::regmap::kPipelineId},
                              {base + 4 * hop::regmap::kWordDataWidth, dataWidth},
                              {base + 4 * hop::regmap::kWordLatency, 34},
                              {base + 4 * hop::regmap::kWordRxPackets, 1000},
                              {base + 4 * hop::regmap::kWordTxPackets, 990},
                              {base + 4 * hop::regmap::kWordDropped, 10}});
    }
    std::string spec(const std::string& extra = "") const {
        return std::string("pcie:") + kBdf + ",sysfs=" + root_ + extra;
    }

  private:
    std::string root_;
};

uint32_t fileWord(const std::string& path, uint32_t offset) {
    std::ifstream in(path, std::ios::binary);
    in.seekg(offset);
    uint8_t b[4] = {};
    in.read(reinterpret_cast<char*>(b), 4);
    return b[0] | b[1] << 8 | b[2] << 16 | static_cast<uint32_t>(b[3]) << 24;
}

void putFileWord(const std::string& path, uint32_t offset, uint32_t value) {
    const int fd = ::open(path.c_str(), O_WRONLY);
    ASSERT_GE(fd, 0);
    const uint8_t b[4] = {static_cast<uint8_t>(value), static_cast<uint8_t>(value >> 8),
                          static_cast<uint8_t>(value >> 16), static_cast<uint8_t>(value >> 24)};
    ASSERT_EQ(::pwrite(fd, b, 4, offset), 4);
    ::close(fd);
}

// The error of opening `spec`: one line, non-empty; the device must not open.
std::string openError(const std::string& spec) {
    std::string error;
    auto device = openDevice(spec, error);
    EXPECT_EQ(device, nullptr) << spec;
    EXPECT_FALSE(error.empty()) << spec;
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
    return error;
}

// ------------------------------------------------------------------------------------------
// device strings

TEST(PcieSpec, BdfSyntax) {
    EXPECT_EQ(PcieDevice::normaliseBdf("0000:01:00.0"), "0000:01:00.0");
    EXPECT_EQ(PcieDevice::normaliseBdf("01:00.0"), "0000:01:00.0");
    EXPECT_EQ(PcieDevice::normaliseBdf("0000:AF:1F.7"), "0000:af:1f.7");
    EXPECT_EQ(PcieDevice::normaliseBdf("10000:e0:00.1"), "10000:e0:00.1");  // VMD domains
    for (const char* bad : {"", "0", "01:00", "01:00.", "1:00.0", "001:00.0", "01:0.0", "01:20.0",
                            "01:00.8", "01:00.00", "000:01:00.0", "0000:01:00.0:1", "zz:00.0",
                            "0000:01:00,0", "0000-01:00.0", "0000::00.0", "0000:01:00.-"}) {
        EXPECT_EQ(PcieDevice::normaliseBdf(bad), std::nullopt) << bad;
    }
}

TEST(PcieSpec, Options) {
    std::string error;
    auto c = PcieDevice::parse(
        "pcie:01:00.0,netdev=hop0,resource=2,base=0x1000,sysfs=/x/y,program=router,cpu_port=510,"
        "csr_writes=42",
        error);
    ASSERT_TRUE(c) << error;
    EXPECT_EQ(c->bdf, "0000:01:00.0");
    EXPECT_EQ(c->netdev, "hop0");
    EXPECT_EQ(c->resource, 2);
    EXPECT_EQ(c->base, 0x1000u);
    EXPECT_EQ(c->sysfsRoot, "/x/y");
    EXPECT_EQ(c->program, "router");
    EXPECT_EQ(c->cpuPort, 510u);
    EXPECT_EQ(c->csrWrites, 42u);
}

TEST(PcieSpec, BadStringsGiveOneLineErrors) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"pcie:", "pcie:: expected pcie:BDF[,netdev=IFNAME]"},
        {"pcie:,netdev=x", "expected pcie:BDF"},
        {"pcie:01:00",
         "pcie:01:00: '01:00' is not a PCI address: expected DDDD:BB:DD.F or BB:DD.F"},
        {"pcie:0000:01:20.0", "'0000:01:20.0' is not a PCI address"},
        {"pcie:0000:01:00.8", "is not a PCI address"},
        {"pcie:0000:01:00.0,netdev", "option 'netdev' needs a value: KEY=VALUE"},
        {"pcie:0000:01:00.0,netdev=", "option 'netdev=' has no value"},
        {"pcie:0000:01:00.0,,netdev=a", "empty option"},
        {"pcie:0000:01:00.0,netdev=a,netdev=b", "option 'netdev' given twice"},
        {"pcie:0000:01:00.0,netdev=abcdefghijklmnopq", "is not an interface name"},
        {"pcie:0000:01:00.0,netdev=a/b", "is not an interface name"},
        {"pcie:0000:01:00.0,speed=10", "unknown option 'speed' (known: netdev, resource"},
        {"pcie:0000:01:00.0,resource=6", "resource=6: a BAR number is 0 to 5"},
        {"pcie:0000:01:00.0,resource=x", "a BAR number is 0 to 5"},
        {"pcie:0000:01:00.0,base=2", "base=2: expected a byte offset, a multiple of 4"},
        {"pcie:0000:01:00.0,cpu_port=512", "cpu_port=512: a port is 0 to 511"},
        {"pcie:0000:01:00.0,csr_writes=-1", "csr_writes=-1: expected a count"},
        {"pci:0000:01:00.0", "'pci:0000:01:00.0' is not a device: expected sim:PATH"},
        {"", "'' is not a device"},
    };
    for (const auto& [spec, expected] : cases) {
        const std::string error = openError(spec);
        EXPECT_NE(error.find(expected), std::string::npos)
            << spec << "\n  got:      " << error << "\n  expected: " << expected;
    }
}

TEST(PcieSpec, SysfsErrors) {
    SysfsTree tree;
    // No such device.
    EXPECT_NE(
        openError(tree.spec()).find("no such PCI device (" + tree.deviceDir() + " does not exist"),
        std::string::npos);
    // A device without that BAR.
    fs::create_directories(tree.deviceDir());
    EXPECT_NE(openError(tree.spec(",resource=2"))
                  .find("the device has no BAR 2 (" + tree.deviceDir() + "/resource2 does not"),
              std::string::npos);
    // An empty resource (an unassigned or I/O BAR looks like this in a test tree).
    tree.makeBar(0, {});
    EXPECT_NE(openError(tree.spec()).find("BAR 0 has no memory"), std::string::npos);
    // Smaller than the pipeline block needs, also with a base.
    tree.makePipelineBar(hop::regmap::kPipelineSpan - 4);
    EXPECT_NE(openError(tree.spec())
                  .find("BAR 0 has 60 bytes, smaller than the pipeline's "
                        "identification block needs (0x40 bytes from base 0x0)"),
              std::string::npos);
    tree.makePipelineBar(4096);
    EXPECT_NE(openError(tree.spec(",base=0xfe0")).find("needs (0x40 bytes from base 0xfe0)"),
              std::string::npos);
    // Not a hopline pipeline; a disabled device reads all ones.
    tree.makeBar(4096, {{0, 0x12345678}, {4, 512}});
    EXPECT_NE(openError(tree.spec())
                  .find("BAR 0 does not hold a hopline pipeline at offset 0x0: ID word "
                        "0x12345678, expected 0x484f504c"),
              std::string::npos);
    tree.makeBar(4096, {{0, 0xffffffff}, {4, 0xffffffff}});
    EXPECT_NE(
        openError(tree.spec()).find("reads all ones at offset 0x0: the device is not enabled"),
        std::string::npos);
    tree.makePipelineBar(4096, 100);
    EXPECT_NE(openError(tree.spec()).find("the pipeline's DATA_W word reads 100"),
              std::string::npos);
    // Without root a BAR's resource file cannot be opened (root ignores the mode bits).
    if (::geteuid() != 0) {
        fs::permissions(tree.deviceDir() + "/resource0", fs::perms::owner_read);
        EXPECT_NE(openError(tree.spec())
                      .find("not permitted to open " + tree.deviceDir() +
                            "/resource0: mapping a BAR needs root"),
                  std::string::npos);
    }
    // A resource that is not a file.
    fs::remove(tree.deviceDir() + "/resource0");
    fs::create_directories(tree.deviceDir() + "/resource0");
    EXPECT_NE(openError(tree.spec()).find("cannot open " + tree.deviceDir() + "/resource0"),
              std::string::npos);
}

TEST(PcieSpec, InterfaceErrors) {
    SysfsTree tree;
    tree.makePipelineBar(4096);
    EXPECT_NE(openError(tree.spec(",netdev=hopnosuch0"))
                  .find("no network interface 'hopnosuch0' (ip link show lists them)"),
              std::string::npos);
    // The loopback interface is not Ethernet; without root, packet sockets are not permitted.
    const std::string error = openError(tree.spec(",netdev=lo"));
    if (::geteuid() == 0) {
        EXPECT_NE(error.find("lo is not an Ethernet interface"), std::string::npos) << error;
    } else {
        EXPECT_NE(error.find("not permitted to open a packet socket on lo: needs root"),
                  std::string::npos)
            << error;
    }
}

// ------------------------------------------------------------------------------------------
// the file-backed BAR

TEST(PcieBar, IdentifiesAndReadsWritesTheFile) {
    SysfsTree tree;
    constexpr size_t kSize = 64 * 1024;
    const std::string bar = tree.makePipelineBar(kSize, 512);
    std::string error;
    auto device = openDevice(tree.spec(), error);
    ASSERT_NE(device, nullptr) << error;
    EXPECT_EQ(device->name(), "pcie:0000:01:00.0,sysfs=" + tree.root());
    const auto& info = device->info();
    EXPECT_EQ(info.dataWidth, 512);
    EXPECT_EQ(info.program, "");  // the BAR cannot tell
    EXPECT_EQ(info.cpuPort, 0u);
    EXPECT_EQ(info.csrWrites, 0u);
    EXPECT_EQ(device->read(4 * hop::regmap::kWordId, error), hop::regmap::kPipelineId) << error;
    EXPECT_EQ(device->read(4 * hop::regmap::kWordLatency, error), 34u) << error;
    EXPECT_EQ(device->read(4 * hop::regmap::kWordRxPackets, error), 1000u) << error;

    // Writes land little-endian at their offsets.
    ASSERT_TRUE(device->write(0x100, 0xa1b2c3d4, error)) << error;
    ASSERT_TRUE(device->write(kSize - 4, 0x01020304, error)) << error;
    const std::vector<uint32_t> burst = {0x11111111, 0x22222222, 0xdeadbeef, 0, 0xffffffff};
    ASSERT_TRUE(device->writeBurst(0x2000, burst, error)) << error;
    ASSERT_TRUE(device->writeBurst(0x3000, {}, error)) << error;
    const std::vector<hop::device::CsrWord> list = {{0x3008, 7}, {0x3000, 0x80000001}, {0x3008, 9}};
    ASSERT_TRUE(device->writeList(list, error)) << error;
    EXPECT_EQ(fileWord(bar, 0x100), 0xa1b2c3d4u);
    EXPECT_EQ(fileWord(bar, kSize - 4), 0x01020304u);
    for (size_t i = 0; i < burst.size(); ++i) {
        EXPECT_EQ(fileWord(bar, 0x2000 + 4 * i), burst[i]) << i;
    }
    EXPECT_EQ(fileWord(bar, 0x3000), 0x80000001u);
    EXPECT_EQ(fileWord(bar, 0x3008), 9u);  // in order: the last write wins
    {
        std::ifstream in(bar, std::ios::binary);
        in.seekg(0x100);
        char b[4];
        in.read(b, 4);
        EXPECT_EQ(std::string(b, 4), std::string("\xd4\xc3\xb2\xa1", 4));
    }
    // Words the "hardware" changes are read back.
    putFileWord(bar, 0x40, 0xcafef00d);
    EXPECT_EQ(device->read(0x40, error), 0xcafef00du) << error;
    putFileWord(bar, 4 * hop::regmap::kWordTxPackets, 12345);
    EXPECT_EQ(device->read(4 * hop::regmap::kWordTxPackets, error), 12345u) << error;

    // Out of the BAR, unaligned: errors, nothing written.
    EXPECT_EQ(device->read(kSize, error), std::nullopt);
    EXPECT_NE(error.find("address 0x10000 is outside the BAR (" + bar +
                         " holds 0x10000 bytes of CSR space from offset 0x0)"),
              std::string::npos)
        << error;
    EXPECT_FALSE(device->write(0x102, 1, error));
    EXPECT_NE(error.find("address 0x102 is not 32-bit aligned"), std::string::npos) << error;
    EXPECT_FALSE(device->writeBurst(kSize - 8, burst, error));
    EXPECT_NE(error.find("is outside the BAR"), std::string::npos) << error;
    EXPECT_EQ(fileWord(bar, kSize - 8), 0u);
    EXPECT_FALSE(device->writeBurst(0xfffffffc, burst, error));
    EXPECT_FALSE(error.empty());
    // A list stops at its first bad address; the writes before it are done.
    const std::vector<hop::device::CsrWord> bad = {{0x3010, 5}, {kSize, 6}, {0x3014, 7}};
    EXPECT_FALSE(device->writeList(bad, error));
    EXPECT_NE(error.find("address 0x10000 is outside the BAR"), std::string::npos) << error;
    EXPECT_EQ(fileWord(bar, 0x3010), 5u);
    EXPECT_EQ(fileWord(bar, 0x3014), 0u);

    // No interface: CSRs only, frames are a clear error.
    EXPECT_FALSE(device->sendPacket(std::vector<uint8_t>(60, 1), error));
    EXPECT_NE(error.find("no CPU-port interface (add netdev=IFNAME to the device)"),
              std::string::npos)
        << error;
    EXPECT_EQ(device->receivePacket(0ms, error), std::nullopt);
    EXPECT_NE(error.find("no CPU-port interface"), std::string::npos) << error;

    auto text = device->stats(hop::device::proto::StatsFormat::Text, error);
    ASSERT_TRUE(text) << error;
    EXPECT_NE(text->find("DATA_W=512"), std::string::npos) << *text;
    EXPECT_NE(text->find("pipeline: rx 1000, tx 12345, dropped 10"), std::string::npos) << *text;
    EXPECT_NE(text->find("writes 11"), std::string::npos) << *text;
    auto json = device->stats(hop::device::proto::StatsFormat::Json, error);
    ASSERT_TRUE(json) << error;
    EXPECT_NE(json->find("\"tx_packets\":12345"), std::string::npos) << *json;
}

TEST(PcieBar, OptionsBaseResourceAndEnvironment) {
    SysfsTree tree;
    // The pipeline at offset 0x1000 of BAR 2, DATA_W 64.
    tree.makeBar(0x2000, {{0x1000, hop::regmap::kPipelineId}, {0x1004, 64}}, kBdf, 2);
    std::string error;
    auto device = openDevice(tree.spec(",resource=2,base=0x1000,program=router,cpu_port=510,"
                                       "csr_writes=77"),
                             error);
    ASSERT_NE(device, nullptr) << error;
    EXPECT_EQ(device->name(), "pcie:0000:01:00.0,resource=2,base=0x1000,sysfs=" + tree.root());
    EXPECT_EQ(device->info().dataWidth, 64);
    EXPECT_EQ(device->info().program, "router");
    EXPECT_EQ(device->info().cpuPort, 510u);
    EXPECT_EQ(device->info().csrWrites, 77u);
    ASSERT_TRUE(device->write(0x10, 0x5555aaaa, error)) << error;
    EXPECT_EQ(fileWord(tree.deviceDir() + "/resource2", 0x1010), 0x5555aaaau);
    EXPECT_EQ(device->read(0xffc, error), 0u) << error;
    EXPECT_EQ(device->read(0x1000, error), std::nullopt);  // past the BAR's end
    auto* pcie = dynamic_cast<PcieDevice*>(device.get());
    ASSERT_NE(pcie, nullptr);
    EXPECT_EQ(pcie->csrBytes(), 0x1000u);

    // $HOP_SYSFS_ROOT, and the short BDF form.
    tree.makePipelineBar(4096, 256);
    ::setenv("HOP_SYSFS_ROOT", tree.root().c_str(), 1);
    device = openDevice("pcie:01:00.0", error);
    ::unsetenv("HOP_SYSFS_ROOT");
    ASSERT_NE(device, nullptr) << error;
    EXPECT_EQ(device->info().dataWidth, 256);
    EXPECT_EQ(device->name(), "pcie:0000:01:00.0,sysfs=" + tree.root());
}

// ------------------------------------------------------------------------------------------
// CPU-port frames on a veth pair (root only)

int run(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()); }

// A network namespace holding the veth pair hopcpu <-> hoppeer (IPv6 off: no traffic of the
// kernel's own), entered by this thread for the test and left, then deleted, at the end.
class VethNamespace {
  public:
    bool create(std::string& why) {
        name_ = "hopdevt" + std::to_string(::getpid());
        if (run("ip netns add " + name_) != 0) {
            why = "ip netns add failed";
            name_.clear();
            return false;
        }
        const std::string in = "ip netns exec " + name_ + " ";
        for (const std::string& cmd :
             {in + "sysctl -w net.ipv6.conf.all.disable_ipv6=1",
              in + "sysctl -w net.ipv6.conf.default.disable_ipv6=1",
              "ip -n " + name_ + " link add hopcpu type veth peer name hoppeer",
              "ip -n " + name_ + " link set hopcpu up",
              "ip -n " + name_ + " link set hoppeer up"}) {
            if (run(cmd) != 0) {
                why = "failed: " + cmd;
                return false;
            }
        }
        home_ = ::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        const int ns = ::open(("/run/netns/" + name_).c_str(), O_RDONLY | O_CLOEXEC);
        const bool entered = home_ >= 0 && ns >= 0 && ::setns(ns, CLONE_NEWNET) == 0;
        if (ns >= 0) ::close(ns);
        if (!entered) why = std::string("setns: ") + std::strerror(errno);
        inside_ = entered;
        return entered;
    }
    void leave() {
        if (inside_) ::setns(home_, CLONE_NEWNET);
        inside_ = false;
    }
    ~VethNamespace() {
        leave();
        if (home_ >= 0) ::close(home_);
        if (!name_.empty()) run("ip netns del " + name_);
    }

  private:
    std::string name_;
    int home_ = -1;
    bool inside_ = false;
};

// The test's own end of the wire: a packet socket on the peer.
class PeerSocket {
  public:
    explicit PeerSocket(const char* ifname) {
        fd_ = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
        ifindex_ = static_cast<int>(::if_nametoindex(ifname));
        const int one = 1;
        ::setsockopt(fd_, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
        sockaddr_ll addr{};
        addr.sll_family = AF_PACKET;
        addr.sll_protocol = htons(ETH_P_ALL);
        addr.sll_ifindex = ifindex_;
        ok_ = fd_ >= 0 && ifindex_ > 0 &&
              ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    }
    ~PeerSocket() {
        if (fd_ >= 0) ::close(fd_);
    }
    bool ok() const { return ok_; }
    bool send(const std::vector<uint8_t>& frame) {
        return ::send(fd_, frame.data(), frame.size(), 0) == static_cast<ssize_t>(frame.size());
    }
    std::optional<std::vector<uint8_t>> receive(int timeoutMs) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, timeoutMs) <= 0) return std::nullopt;
        std::vector<uint8_t> buffer(65536);
        const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
        if (n < 0) return std::nullopt;
        buffer.resize(static_cast<size_t>(n));
        return buffer;
    }

  private:
    int fd_ = -1, ifindex_ = 0;
    bool ok_ = false;
};

// A CPU-port frame as router.p4 punts one: packet_in (ingress port 1, reason 5 in 9 + 7 bits),
// then an Ethernet frame with a made-up EtherType (IEEE local experimental 0x88b5).
std::vector<uint8_t> cpuFrame(size_t size, uint8_t seed) {
    std::vector<uint8_t> f = {0x00, 0x85,                          // packet_in
                              0x02, 0x00, 0x00, 0x00, 0x01, 0xfe,  // destination MAC
                              0x02, 0x00, 0x00, 0x00, 0x01, 0x01,  // source MAC
                              0x88, 0xb5};
    f.resize(std::min(f.size(), size));
    while (f.size() < size) f.push_back(static_cast<uint8_t>(seed + f.size()));
    return f;
}

TEST(PcieFrames, VethPairBothWays) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (network namespace, packet sockets)";
    if (run("command -v ip") != 0) GTEST_SKIP() << "no ip command";
    SysfsTree tree;
    tree.makePipelineBar(4096);
    VethNamespace ns;
    std::string why;
    ASSERT_TRUE(ns.create(why)) << why;

    std::string error;
    auto device = openDevice(tree.spec(",netdev=hopcpu"), error);
    ASSERT_NE(device, nullptr) << error;
    EXPECT_EQ(device->name(), "pcie:0000:01:00.0,netdev=hopcpu,sysfs=" + tree.root());
    PeerSocket peer("hoppeer");
    ASSERT_TRUE(peer.ok()) << std::strerror(errno);

    // Nothing there yet: nullopt, empty error, after the timeout.
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(device->receivePacket(100ms, error), std::nullopt);
    EXPECT_EQ(error, "");
    EXPECT_GE(std::chrono::steady_clock::now() - t0, 95ms);

    // Device -> peer: the same bytes, short and long frames; never back to the device itself.
    for (size_t size : {14, 16, 60, 64, 1000, 1514}) {
        const auto frame = cpuFrame(size, static_cast<uint8_t>(size));
        ASSERT_TRUE(device->sendPacket(frame, error)) << size << ": " << error;
        auto got = peer.receive(2000);
        ASSERT_TRUE(got) << "frame of " << size << " bytes did not reach the peer";
        EXPECT_EQ(*got, frame) << size;
    }
    EXPECT_EQ(device->receivePacket(50ms, error), std::nullopt);
    EXPECT_EQ(error, "");

    // Peer -> device: the same bytes, in order, also a frame whose bytes 12..15 look like a VLAN
    // tag (the kernel lifts it off; the device puts it back) and one with a broadcast-looking
    // start.
    std::vector<std::vector<uint8_t>> frames = {cpuFrame(60, 1), cpuFrame(1514, 2),
                                                cpuFrame(18, 3)};
    auto vlanish = cpuFrame(70, 4);
    vlanish[12] = 0x81, vlanish[13] = 0x00, vlanish[14] = 0x20, vlanish[15] = 0x05;
    frames.push_back(vlanish);
    auto broadcast = cpuFrame(64, 5);
    std::fill(broadcast.begin(), broadcast.begin() + 6, 0xff);
    frames.push_back(broadcast);
    for (const auto& frame : frames) ASSERT_TRUE(peer.send(frame));
    for (const auto& frame : frames) {
        auto got = device->receivePacket(2000ms, error);
        ASSERT_TRUE(got) << "no frame: " << error;
        EXPECT_EQ(*got, frame);
    }
    EXPECT_EQ(device->receivePacket(0ms, error), std::nullopt);
    EXPECT_EQ(error, "");

    // What the interface cannot carry: clear errors.
    EXPECT_FALSE(device->sendPacket(cpuFrame(13, 0), error));
    EXPECT_NE(error.find("a frame on hopcpu has at least 14 bytes, this one 13"), std::string::npos)
        << error;
    EXPECT_FALSE(device->sendPacket(cpuFrame(4000, 0), error));
    EXPECT_NE(error.find("a frame of 4000 bytes is longer than hopcpu carries (MTU 1500"),
              std::string::npos)
        << error;
    EXPECT_FALSE(device->sendPacket({}, error));
    EXPECT_NE(error.find("a frame to the CPU port has 1 to 16384 bytes, this one 0"),
              std::string::npos)
        << error;

    auto text = device->stats(hop::device::proto::StatsFormat::Text, error);
    ASSERT_TRUE(text) << error;
    EXPECT_NE(text->find("CPU port on hopcpu (MTU 1500): sent 6 frames"), std::string::npos)
        << *text;
    EXPECT_NE(text->find("received 5 frames"), std::string::npos) << *text;

    // An interface that is down cannot be opened; one that goes away is an error, not a hang.
    ASSERT_EQ(run("ip link set hoppeer down"), 0);
    ASSERT_EQ(run("ip link set hopcpu down"), 0);
    EXPECT_NE(openError(tree.spec(",netdev=hopcpu"))
                  .find("interface hopcpu is down (ip link set "
                        "hopcpu up)"),
              std::string::npos);
    ASSERT_EQ(run("ip link del hopcpu"), 0);
    EXPECT_FALSE(device->sendPacket(cpuFrame(60, 0), error));
    EXPECT_FALSE(error.empty());
    ns.leave();
}

}  // namespace
