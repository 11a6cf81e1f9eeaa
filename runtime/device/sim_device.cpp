// SPDX-License-Identifier: Apache-2.0
#include "runtime/device/sim_device.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

namespace hop::device {

namespace {

using Clock = std::chrono::steady_clock;

int remainingMs(Clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return static_cast<int>(std::clamp<int64_t>(left, 0, 1 << 30));
}

std::string textOf(const proto::Message& m) {
    return std::string(m.payload.begin(), m.payload.end());
}

}  // namespace

std::unique_ptr<SimDevice> SimDevice::connect(const std::string& path, std::string& error,
                                              std::chrono::milliseconds timeout) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof(addr.sun_path)) {
        error = fmt::format("sim:{}: a socket path has 1 to {} characters", path,
                            sizeof(addr.sun_path) - 1);
        return nullptr;
    }
    std::memcpy(addr.sun_path, path.data(), path.size());
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        error = fmt::format("sim:{}: socket: {}", path, std::strerror(errno));
        return nullptr;
    }
    std::unique_ptr<SimDevice> device(new SimDevice(fd, path));
    device->timeout_ = timeout;
    // A unix socket connects at once or fails (a full backlog gives EAGAIN).
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
        error = fmt::format(
            "sim:{}: cannot connect: {}{}", path, std::strerror(errno),
            errno == ENOENT || errno == ECONNREFUSED ? " (is hopsim serve running?)" : "");
        return nullptr;
    }
    auto hello = device->readMessage(Clock::now() + timeout, error);
    if (!hello) {
        if (error.empty()) {
            error =
                fmt::format("sim:{}: the board sent no HELLO within {} ms", path, timeout.count());
        }
        return nullptr;
    }
    if (hello->type == static_cast<uint16_t>(proto::Type::Error)) {
        error = fmt::format("sim:{}: the board refused the connection: {}", path, textOf(*hello));
        return nullptr;
    }
    if (hello->type != static_cast<uint16_t>(proto::Type::Hello) || hello->payload.size() < 4) {
        error = fmt::format("sim:{}: expected HELLO from the board, got {} of {} bytes", path,
                            proto::typeName(hello->type), hello->payload.size());
        return nullptr;
    }
    DeviceInfo& info = device->info_;
    info.protocolVersion = proto::getU32(hello->payload.data());
    if (info.protocolVersion != proto::kVersion) {
        error = fmt::format("sim:{}: the board speaks protocol version {}, this client {}", path,
                            info.protocolVersion, proto::kVersion);
        return nullptr;
    }
    const auto doc = nlohmann::json::parse(hello->payload.begin() + 4, hello->payload.end(),
                                           nullptr, /*allow_exceptions=*/false);
    if (!doc.is_object() || !doc.contains("program") || !doc["program"].is_string() ||
        !doc.contains("data_width") || !doc["data_width"].is_number_integer()) {
        error = fmt::format("sim:{}: the board's HELLO does not describe a board", path);
        return nullptr;
    }
    info.program = doc["program"].get<std::string>();
    info.dataWidth = doc["data_width"].get<int>();
    if (doc.contains("cpu_port") && doc["cpu_port"].is_number_unsigned()) {
        info.cpuPort = doc["cpu_port"].get<uint32_t>();
    }
    if (doc.contains("ports") && doc["ports"].is_array()) {
        for (const auto& p : doc["ports"]) {
            if (p.is_number_unsigned()) info.ports.push_back(p.get<uint32_t>());
        }
    }
    if (doc.contains("csr_writes") && doc["csr_writes"].is_number_unsigned()) {
        info.csrWrites = doc["csr_writes"].get<uint64_t>();
    }
    if (doc.contains("write_list") && doc["write_list"].is_number_unsigned()) {
        info.maxListPairs = doc["write_list"].get<uint32_t>();
    }
    return device;
}

SimDevice::~SimDevice() {
    if (fd_ >= 0) ::close(fd_);
}

bool SimDevice::fail(std::string message, std::string& error) {
    broken_ = fmt::format("{}: {}", name(), message);
    error = broken_;
    return false;
}

bool SimDevice::broken(std::string& error) const {
    if (broken_.empty()) return false;
    error = broken_;
    return true;
}

std::optional<proto::Message> SimDevice::readMessage(Clock::time_point deadline,
                                                     std::string& error) {
    proto::Message m;
    for (;;) {
        std::string decodeError;
        switch (decoder_.next(m, decodeError)) {
            case proto::Decoder::Status::Message:
                return m;
            case proto::Decoder::Status::Invalid:
                fail("protocol error from the board: " + decodeError, error);
                return std::nullopt;
            case proto::Decoder::Status::NeedMore:
                break;
        }
        pollfd p{fd_, POLLIN, 0};
        const int n = ::poll(&p, 1, remainingMs(deadline));
        if (n < 0) {
            if (errno == EINTR) continue;
            fail(fmt::format("poll: {}", std::strerror(errno)), error);
            return std::nullopt;
        }
        if (n == 0) return std::nullopt;  // timeout, `error` stays empty
        uint8_t buffer[65536];
        const ssize_t got = ::recv(fd_, buffer, sizeof(buffer), 0);
        if (got < 0) {
            if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
            fail(fmt::format("receive: {}", std::strerror(errno)), error);
            return std::nullopt;
        }
        if (got == 0) {
            fail("the board closed the connection", error);
            return std::nullopt;
        }
        decoder_.feed(buffer, static_cast<size_t>(got));
    }
}

std::optional<uint32_t> SimDevice::sendRequest(proto::Type type,
                                               const std::vector<uint8_t>& payload,
                                               std::string& error) {
    if (broken(error)) return std::nullopt;
    const uint32_t id = nextId_++;
    if (nextId_ == 0) nextId_ = 1;
    std::vector<uint8_t> bytes;
    proto::encode(bytes, type, id, payload);
    const auto deadline = Clock::now() + timeout_;
    size_t sent = 0;
    while (sent < bytes.size()) {
        const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n > 0) {
            sent += static_cast<size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            // The board reads requests only while its replies are being read: keep punted
            // frames (and replies to requests in flight) flowing while waiting.
            pollfd p{fd_, POLLOUT | POLLIN, 0};
            const int r = ::poll(&p, 1, remainingMs(deadline));
            if (r == 0) {
                fail(fmt::format("{} could not be sent within {} ms",
                                 proto::typeName(static_cast<uint16_t>(type)), timeout_.count()),
                     error);
                return std::nullopt;
            }
            if (r > 0 && (p.revents & POLLIN)) {
                uint8_t buffer[65536];
                const ssize_t got = ::recv(fd_, buffer, sizeof(buffer), 0);
                if (got == 0) {
                    fail("the board closed the connection", error);
                    return std::nullopt;
                }
                if (got > 0) decoder_.feed(buffer, static_cast<size_t>(got));
            }
            continue;
        }
        fail(fmt::format("send: {}", std::strerror(errno)), error);
        return std::nullopt;
    }
    return id;
}

std::optional<proto::Message> SimDevice::awaitReply(proto::Type type, uint32_t id,
                                                    std::string& error) {
    const auto deadline = Clock::now() + timeout_;
    for (;;) {
        auto m = readMessage(deadline, error);
        if (!m) {
            if (error.empty()) {
                fail(fmt::format("no reply to {} within {} ms",
                                 proto::typeName(static_cast<uint16_t>(type)), timeout_.count()),
                     error);
            }
            return std::nullopt;
        }
        if (m->type == static_cast<uint16_t>(proto::Type::Packet)) {
            if (packets_.size() >= kMaxQueuedPackets) {
                packets_.pop_front();
                ++dropped_;
            }
            packets_.push_back(std::move(m->payload));
            continue;
        }
        if (m->id != id) {
            fail(fmt::format("the board answered request {} with {} for request {}", id,
                             proto::typeName(m->type), m->id),
                 error);
            return std::nullopt;
        }
        if (m->type == static_cast<uint16_t>(proto::Type::Error)) {
            error = textOf(*m);
            if (error.empty()) error = "the board answered ERROR with no text";
            return std::nullopt;
        }
        return m;
    }
}

std::optional<proto::Message> SimDevice::transact(proto::Type type,
                                                  const std::vector<uint8_t>& payload,
                                                  std::string& error) {
    auto id = sendRequest(type, payload, error);
    if (!id) return std::nullopt;
    return awaitReply(type, *id, error);
}

std::optional<uint32_t> SimDevice::read(uint32_t addr, std::string& error) {
    std::vector<uint8_t> payload;
    proto::putU32(payload, addr);
    auto m = transact(proto::Type::Read, payload, error);
    if (!m) return std::nullopt;
    if (m->type != static_cast<uint16_t>(proto::Type::Value) || m->payload.size() != 4) {
        fail(fmt::format("READ answered with {} of {} bytes", proto::typeName(m->type),
                         m->payload.size()),
             error);
        return std::nullopt;
    }
    return proto::getU32(m->payload.data());
}

bool SimDevice::write(uint32_t addr, uint32_t value, std::string& error) {
    std::vector<uint8_t> payload;
    proto::putU32(payload, addr);
    proto::putU32(payload, value);
    auto m = transact(proto::Type::Write, payload, error);
    if (!m) return false;
    if (m->type != static_cast<uint16_t>(proto::Type::Ok)) {
        return fail(fmt::format("WRITE answered with {}", proto::typeName(m->type)), error);
    }
    return true;
}

bool SimDevice::writeBurst(uint32_t addr, std::span<const uint32_t> values, std::string& error) {
    for (size_t done = 0; done < values.size();) {
        const size_t n = std::min<size_t>(values.size() - done, proto::kMaxBurstWords);
        std::vector<uint8_t> payload;
        payload.reserve(4 + 4 * n);
        proto::putU32(payload, static_cast<uint32_t>(addr + 4 * done));
        for (size_t i = 0; i < n; ++i) proto::putU32(payload, values[done + i]);
        auto m = transact(proto::Type::WriteBurst, payload, error);
        if (!m) return false;
        if (m->type != static_cast<uint16_t>(proto::Type::Ok)) {
            return fail(fmt::format("WRITE_BURST answered with {}", proto::typeName(m->type)),
                        error);
        }
        done += n;
    }
    return true;
}

bool SimDevice::writeList(std::span<const CsrWord> writes, std::string& error) {
    if (info_.maxListPairs == 0) return Device::writeList(writes, error);
    const size_t per = std::min<size_t>(info_.maxListPairs, proto::kMaxListPairs);
    std::deque<uint32_t> inFlight;  // ids of lists sent and not yet answered, oldest first
    std::string firstError;
    // One reply: OK, or the first ERROR (the lists after it still run on the board; their
    // replies are read so the connection stays in step).
    auto settle = [&]() {
        const uint32_t id = inFlight.front();
        inFlight.pop_front();
        std::string why;
        auto m = awaitReply(proto::Type::WriteList, id, why);
        if (!m) {
            if (firstError.empty()) firstError = why;
            return !broken(why);
        }
        if (m->type != static_cast<uint16_t>(proto::Type::Ok)) {
            fail(fmt::format("WRITE_LIST answered with {}", proto::typeName(m->type)), why);
            if (firstError.empty()) firstError = why;
            return false;
        }
        return true;
    };
    std::vector<uint8_t> payload;
    for (size_t done = 0; done < writes.size() && firstError.empty();) {
        const size_t n = std::min(writes.size() - done, per);
        payload.clear();
        payload.reserve(8 * n);
        for (size_t i = 0; i < n; ++i) {
            proto::putU32(payload, writes[done + i].addr);
            proto::putU32(payload, writes[done + i].value);
        }
        auto id = sendRequest(proto::Type::WriteList, payload, error);
        if (!id) return false;
        inFlight.push_back(*id);
        done += n;
        while (inFlight.size() >= kListsInFlight) {
            if (!settle()) break;
        }
        if (broken(error)) return false;
    }
    while (!inFlight.empty()) {
        if (!settle()) break;
    }
    if (!firstError.empty()) {
        error = firstError;
        return false;
    }
    return !broken(error);
}

bool SimDevice::sendPacket(std::span<const uint8_t> frame, std::string& error) {
    if (frame.empty() || frame.size() > proto::kMaxFrameBytes) {
        error = fmt::format("a frame to the CPU port has 1 to {} bytes, this one {}",
                            proto::kMaxFrameBytes, frame.size());
        return false;
    }
    auto m =
        transact(proto::Type::SendPacket, std::vector<uint8_t>(frame.begin(), frame.end()), error);
    if (!m) return false;
    if (m->type != static_cast<uint16_t>(proto::Type::Ok)) {
        return fail(fmt::format("SEND_PACKET answered with {}", proto::typeName(m->type)), error);
    }
    return true;
}

std::optional<std::vector<uint8_t>> SimDevice::receivePacket(std::chrono::milliseconds timeout,
                                                             std::string& error) {
    error.clear();
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        if (!packets_.empty()) {
            auto frame = std::move(packets_.front());
            packets_.pop_front();
            return frame;
        }
        if (broken(error)) return std::nullopt;
        auto m = readMessage(deadline, error);
        if (!m) return std::nullopt;  // timeout (error empty) or failure
        if (m->type != static_cast<uint16_t>(proto::Type::Packet)) {
            fail(fmt::format("unexpected {} (id {}) with no request outstanding",
                             proto::typeName(m->type), m->id),
                 error);
            return std::nullopt;
        }
        return std::move(m->payload);
    }
}

std::optional<std::string> SimDevice::stats(proto::StatsFormat format, std::string& error) {
    std::vector<uint8_t> payload;
    proto::putU32(payload, static_cast<uint32_t>(format));
    auto m = transact(proto::Type::Stats, payload, error);
    if (!m) return std::nullopt;
    if (m->type != static_cast<uint16_t>(proto::Type::Text)) {
        fail(fmt::format("STATS answered with {}", proto::typeName(m->type)), error);
        return std::nullopt;
    }
    return textOf(*m);
}

}  // namespace hop::device
