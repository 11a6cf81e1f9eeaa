// SPDX-License-Identifier: Apache-2.0
// `hopsim serve`: the device socket's client (one at a time), its requests and the replies.
#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "sim/hopsim/serve_board.hpp"

namespace hop::hopsim::serving {

nlohmann::json Board::helloInfo() const {
    nlohmann::json ports = nlohmann::json::array();
    for (const auto& t : taps_) ports.push_back(t.port);
    return {{"program", engine_.program().name}, {"data_width", engine_.dataWidth()},
            {"cpu_port", engine_.cpuPort()},     {"ports", ports},
            {"csr_writes", csrWrites_},          {"write_list", proto::kMaxListPairs}};
}

void Board::acceptClient() {
    const int fd = listener_->accept();
    if (fd < 0) return;  // the peer gave up already, or a transient error: nothing to do
    std::vector<uint8_t> bytes;
    // A client that closed just before this one connected may not have been read to its end
    // yet: finish it first (bounded: a live client keeps its slot).
    for (int i = 0; i < 16 && client_.fd >= 0; ++i) {
        pollfd p{client_.fd, POLLIN, 0};
        if (::poll(&p, 1, 0) <= 0 || client_.pending() >= kReadPause) break;
        readClient();
    }
    if (client_.fd >= 0) {
        ++refused_;
        proto::encodeText(bytes, proto::Type::Error, 0,
                          "the board already has a client (one at a time): try again later");
        (void)::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        ::close(fd);
        return;
    }
    ++clients_;
    client_ = Client{};
    client_.fd = fd;
    std::vector<uint8_t> hello;
    proto::putU32(hello, proto::kVersion);
    const std::string info = helloInfo().dump();
    hello.insert(hello.end(), info.begin(), info.end());
    proto::encode(client_.out, proto::Type::Hello, 0, hello);
    flushClient();
}

bool Board::flushClient() {
    while (client_.fd >= 0 && client_.pending() > 0) {
        const ssize_t n = ::send(client_.fd, client_.out.data() + client_.outStart,
                                 client_.pending(), MSG_NOSIGNAL);
        if (n > 0) {
            client_.outStart += static_cast<size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        // EPIPE, ECONNRESET: the client is gone; the board carries on.
        ::close(client_.fd);
        client_ = Client{};
        return false;
    }
    if (client_.outStart > 0 && client_.outStart == client_.out.size()) {
        client_.out.clear();
        client_.outStart = 0;
    }
    return client_.fd >= 0;
}

void Board::closeClient(const std::string& why) {
    if (client_.fd < 0) return;
    if (!why.empty()) proto::encodeText(client_.out, proto::Type::Error, 0, why);
    flushClient();
    if (client_.fd >= 0) ::close(client_.fd);
    client_ = Client{};
}

void Board::readClient() {
    uint8_t buffer[65536];
    const ssize_t n = ::recv(client_.fd, buffer, sizeof(buffer), 0);
    if (n < 0) {
        if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) return;
        closeClient({});
        return;
    }
    if (n == 0) {
        // End of the client's input; one that stopped in the middle of a message is told so
        // (it may still read, after shutdown(SHUT_WR)).
        const size_t partial = client_.in.pending();
        closeClient(partial ? fmt::format("truncated message: the connection ended {} bytes into "
                                          "a message",
                                          partial)
                            : std::string());
        return;
    }
    client_.in.feed(buffer, static_cast<size_t>(n));
    proto::Message message;
    std::string error;
    while (client_.fd >= 0) {
        switch (client_.in.next(message, error)) {
            case proto::Decoder::Status::NeedMore:
                return;
            case proto::Decoder::Status::Invalid:
                ++requestErrors_;
                proto::encodeText(client_.out, proto::Type::Error, message.id,
                                  error + "; closing the connection");
                closeClient({});
                return;
            case proto::Decoder::Status::Message:
                execute(message);
                break;
        }
    }
}

void Board::execute(const proto::Message& message) {
    std::string error;
    auto request = proto::parseRequest(message, error);
    auto& out = client_.out;
    auto fail = [&](const std::string& text) {
        ++requestErrors_;
        proto::encodeText(out, proto::Type::Error, message.id, text);
    };
    if (!request) return fail(error);
    const uint32_t id = request->id;
    std::vector<uint8_t> payload;
    switch (request->type) {
        case proto::Type::Read: {
            ++csrReads_;
            auto v = engine_.read(request->addr, error);
            if (!v) return fail(error);
            proto::putU32(payload, *v);
            proto::encode(out, proto::Type::Value, id, payload);
            return;
        }
        case proto::Type::Write:
            ++csrWrites_;
            if (!engine_.write(request->addr, request->value, error)) return fail(error);
            proto::encode(out, proto::Type::Ok, id, {});
            return;
        case proto::Type::WriteBurst:
            for (size_t i = 0; i < request->words.size(); ++i) {
                ++csrWrites_;
                const uint32_t addr = request->addr + static_cast<uint32_t>(4 * i);
                if (!engine_.write(addr, request->words[i], error)) {
                    return fail(fmt::format("word {} of the burst: {}", i, error));
                }
            }
            proto::encode(out, proto::Type::Ok, id, {});
            return;
        case proto::Type::WriteList: {
            // Back to back on the AXI4-Lite bus, as fast as its slave takes them; one reply.
            ++writeLists_;
            std::vector<std::pair<uint32_t, uint32_t>> pairs;
            pairs.reserve(request->words.size() / 2);
            for (size_t i = 0; i + 1 < request->words.size(); i += 2)
                pairs.emplace_back(request->words[i], request->words[i + 1]);
            size_t done = 0;
            const bool ok = engine_.writeList(pairs, done, error);
            csrWrites_ += done;
            if (!ok) {
                return fail(fmt::format("pair {} of the list ({} written before it): {}", done,
                                        done, error));
            }
            proto::encode(out, proto::Type::Ok, id, {});
            return;
        }
        case proto::Type::SendPacket: {
            const uint32_t cpu = engine_.cpuPort();
            if (cpu == 0) {
                return fail(fmt::format("{} has no CPU port (start hopsim serve with --cpu-port)",
                                        engine_.program().name));
            }
            auto& ps = port(cpu);
            ++ps.rxPackets;
            ps.rxBytes += request->frame.size();
            sending();
            engine_.send({cpu, std::move(request->frame)});
            proto::encode(out, proto::Type::Ok, id, {});
            return;
        }
        case proto::Type::Stats:
            if (request->format == proto::StatsFormat::Json) {
                proto::encodeText(out, proto::Type::Text, id, statsJson().dump(2));
            } else {
                proto::encodeText(out, proto::Type::Text, id, statsText());
            }
            return;
        default:
            return fail("not a request");
    }
}

}  // namespace hop::hopsim::serving
