// SPDX-License-Identifier: Apache-2.0
// SimDevice: the Device of a board served by `hopsim serve` on a unix stream socket
// (protocol.hpp). Requests are synchronous: send one, wait for its reply (at most timeout(),
// 10 s by default). PACKET messages that arrive meanwhile are kept, up to kMaxQueuedPackets
// (beyond that the oldest are dropped and counted), for receivePacket(). Once the connection
// fails (the board went away, a protocol error, a timeout), every later call fails with the
// same message: open a new SimDevice to reconnect.
#pragma once

#include <deque>

#include "runtime/device/device.hpp"

namespace hop::device {

class SimDevice : public Device {
  public:
    static constexpr size_t kMaxQueuedPackets = 4096;

    // Connects and reads the board's HELLO; null with `error` otherwise (no such socket, the
    // board is busy with another client, a different protocol version).
    static std::unique_ptr<SimDevice> connect(
        const std::string& path, std::string& error,
        std::chrono::milliseconds timeout = std::chrono::seconds(10));
    ~SimDevice() override;
    SimDevice(const SimDevice&) = delete;
    SimDevice& operator=(const SimDevice&) = delete;

    std::string name() const override { return "sim:" + path_; }
    const DeviceInfo& info() const override { return info_; }
    std::optional<uint32_t> read(uint32_t addr, std::string& error) override;
    bool write(uint32_t addr, uint32_t value, std::string& error) override;
    bool writeBurst(uint32_t addr, std::span<const uint32_t> values, std::string& error) override;
    // WRITE_LIST messages (proto::kMaxListPairs pairs each) with up to kListsInFlight awaiting
    // their reply, so the board never waits for the client; the default loop on a board that
    // does not serve WRITE_LIST.
    bool writeList(std::span<const CsrWord> writes, std::string& error) override;
    bool sendPacket(std::span<const uint8_t> frame, std::string& error) override;
    std::optional<std::vector<uint8_t>> receivePacket(std::chrono::milliseconds timeout,
                                                      std::string& error) override;
    std::optional<std::string> stats(proto::StatsFormat format, std::string& error) override;

    static constexpr size_t kListsInFlight = 4;

    std::chrono::milliseconds timeout() const { return timeout_; }
    void setTimeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }
    // Punted frames dropped because kMaxQueuedPackets were waiting.
    uint64_t droppedPackets() const override { return dropped_; }
    // The socket, for a caller's poll(): readable when a message may have arrived. Frames
    // already kept count in queuedPackets().
    int fd() const override { return fd_; }
    size_t queuedPackets() const override { return packets_.size(); }

  private:
    SimDevice(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
    // Sends a request and waits for its reply: the reply (OK, VALUE, TEXT), or nullopt with
    // `error` (the board's ERROR text, or why the connection failed).
    std::optional<proto::Message> transact(proto::Type type, const std::vector<uint8_t>& payload,
                                           std::string& error);
    // The two halves of transact(): send a request (its id, or nullopt with `error` and the
    // device broken), and wait for the reply to request `id` (PACKETs meanwhile are kept).
    std::optional<uint32_t> sendRequest(proto::Type type, const std::vector<uint8_t>& payload,
                                        std::string& error);
    std::optional<proto::Message> awaitReply(proto::Type type, uint32_t id, std::string& error);
    // Reads until one message is decoded or `deadline` passes (nullopt, `error` empty) or the
    // connection fails (nullopt, `error`, and the device is broken from then on).
    std::optional<proto::Message> readMessage(std::chrono::steady_clock::time_point deadline,
                                              std::string& error);
    bool fail(std::string message, std::string& error);
    bool broken(std::string& error) const;

    int fd_ = -1;
    std::string path_;
    DeviceInfo info_;
    proto::Decoder decoder_;
    std::deque<std::vector<uint8_t>> packets_;
    uint64_t dropped_ = 0;
    uint32_t nextId_ = 1;
    std::chrono::milliseconds timeout_ = std::chrono::seconds(10);
    std::string broken_;  // why the connection is unusable; empty while it works
};

}  // namespace hop::device
