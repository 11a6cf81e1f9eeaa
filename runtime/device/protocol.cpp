// SPDX-License-Identifier: Apache-2.0
#include "runtime/device/protocol.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace hop::device::proto {

std::string typeName(uint16_t type) {
    switch (static_cast<Type>(type)) {
        case Type::Read:
            return "READ";
        case Type::Write:
            return "WRITE";
        case Type::WriteBurst:
            return "WRITE_BURST";
        case Type::SendPacket:
            return "SEND_PACKET";
        case Type::Stats:
            return "STATS";
        case Type::WriteList:
            return "WRITE_LIST";
        case Type::Hello:
            return "HELLO";
        case Type::Ok:
            return "OK";
        case Type::Value:
            return "VALUE";
        case Type::Error:
            return "ERROR";
        case Type::Text:
            return "TEXT";
        case Type::Packet:
            return "PACKET";
    }
    return fmt::format("type 0x{:04x}", type);
}

void putU32(std::vector<uint8_t>& out, uint32_t value) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(value >> (8 * i)));
}

uint32_t getU32(const uint8_t* p) {
    return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

void encode(std::vector<uint8_t>& out, Type type, uint32_t id, std::span<const uint8_t> payload) {
    const size_t n = std::min<size_t>(payload.size(), kMaxPayloadBytes);
    putU32(out, static_cast<uint32_t>(n));
    const auto t = static_cast<uint16_t>(type);
    out.push_back(static_cast<uint8_t>(t));
    out.push_back(static_cast<uint8_t>(t >> 8));
    out.push_back(0);
    out.push_back(0);
    putU32(out, id);
    out.insert(out.end(), payload.begin(), payload.begin() + n);
}

void encodeText(std::vector<uint8_t>& out, Type type, uint32_t id, std::string_view text) {
    encode(out, type, id, std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

void Decoder::feed(const uint8_t* data, size_t size) {
    // Compact now and then so a long-lived connection does not grow the buffer.
    if (start_ > 0 && start_ >= buffer_.size() / 2) {
        buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(start_));
        start_ = 0;
    }
    buffer_.insert(buffer_.end(), data, data + size);
}

Decoder::Status Decoder::next(Message& message, std::string& error) {
    if (pending() < kHeaderBytes) return Status::NeedMore;
    const uint8_t* h = buffer_.data() + start_;
    const uint32_t length = getU32(h);
    message.type = static_cast<uint16_t>(h[4] | h[5] << 8);
    message.flags = static_cast<uint16_t>(h[6] | h[7] << 8);
    message.id = getU32(h + 8);
    if (length > kMaxPayloadBytes) {
        error = fmt::format("{} message of {} bytes: the limit is {} bytes", typeName(message.type),
                            length, kMaxPayloadBytes);
        message.payload.clear();
        return Status::Invalid;
    }
    if (pending() < kHeaderBytes + length) return Status::NeedMore;
    message.payload.assign(h + kHeaderBytes, h + kHeaderBytes + length);
    start_ += kHeaderBytes + length;
    return Status::Message;
}

std::optional<Request> parseRequest(const Message& message, std::string& error) {
    Request r;
    r.id = message.id;
    const auto& p = message.payload;
    const std::string name = typeName(message.type);
    if (message.flags != 0) {
        error = fmt::format("{}: flags must be 0 (got 0x{:04x})", name, message.flags);
        return std::nullopt;
    }
    auto needSize = [&](size_t n) {
        if (p.size() == n) return true;
        error = fmt::format("{} needs a payload of {} bytes, got {}", name, n, p.size());
        return false;
    };
    auto aligned = [&](uint32_t addr) {
        if (addr % 4 == 0) return true;
        error = fmt::format("{}: address 0x{:x} is not a multiple of 4", name, addr);
        return false;
    };
    switch (static_cast<Type>(message.type)) {
        case Type::Read:
            if (!needSize(4)) return std::nullopt;
            r.type = Type::Read;
            r.addr = getU32(p.data());
            if (!aligned(r.addr)) return std::nullopt;
            return r;
        case Type::Write:
            if (!needSize(8)) return std::nullopt;
            r.type = Type::Write;
            r.addr = getU32(p.data());
            r.value = getU32(p.data() + 4);
            if (!aligned(r.addr)) return std::nullopt;
            return r;
        case Type::WriteBurst: {
            if (p.size() < 8 || p.size() % 4 != 0) {
                error = fmt::format(
                    "WRITE_BURST needs an address and 1 to {} words (a multiple of 4 bytes, at "
                    "least 8), got {} bytes",
                    kMaxBurstWords, p.size());
                return std::nullopt;
            }
            const size_t words = p.size() / 4 - 1;
            if (words > kMaxBurstWords) {
                error =
                    fmt::format("WRITE_BURST of {} words: the limit is {}", words, kMaxBurstWords);
                return std::nullopt;
            }
            r.type = Type::WriteBurst;
            r.addr = getU32(p.data());
            if (!aligned(r.addr)) return std::nullopt;
            if (uint64_t{r.addr} + 4 * uint64_t{words} > (uint64_t{1} << 32)) {
                error = fmt::format(
                    "WRITE_BURST of {} words at 0x{:x} passes the end of the "
                    "address space",
                    words, r.addr);
                return std::nullopt;
            }
            r.words.reserve(words);
            for (size_t i = 0; i < words; ++i) r.words.push_back(getU32(p.data() + 4 + 4 * i));
            return r;
        }
        case Type::WriteList: {
            if (p.empty() || p.size() % 8 != 0) {
                error = fmt::format(
                    "WRITE_LIST needs 1 to {} (address, value) pairs (a multiple of 8 bytes), got "
                    "{} bytes",
                    kMaxListPairs, p.size());
                return std::nullopt;
            }
            const size_t pairs = p.size() / 8;
            if (pairs > kMaxListPairs) {
                error =
                    fmt::format("WRITE_LIST of {} pairs: the limit is {}", pairs, kMaxListPairs);
                return std::nullopt;
            }
            r.type = Type::WriteList;
            r.words.reserve(2 * pairs);
            for (size_t i = 0; i < pairs; ++i) {
                const uint32_t addr = getU32(p.data() + 8 * i);
                if (addr % 4 != 0) {
                    error = fmt::format(
                        "WRITE_LIST: address 0x{:x} of pair {} is not a multiple "
                        "of 4 (nothing was written)",
                        addr, i);
                    return std::nullopt;
                }
                r.words.push_back(addr);
                r.words.push_back(getU32(p.data() + 8 * i + 4));
            }
            return r;
        }
        case Type::SendPacket:
            if (p.empty() || p.size() > kMaxFrameBytes) {
                error = fmt::format("SEND_PACKET needs a frame of 1 to {} bytes, got {}",
                                    kMaxFrameBytes, p.size());
                return std::nullopt;
            }
            r.type = Type::SendPacket;
            r.frame = p;
            return r;
        case Type::Stats:
            r.type = Type::Stats;
            if (p.empty()) return r;
            if (!needSize(4)) return std::nullopt;
            if (getU32(p.data()) > 1) {
                error = fmt::format("STATS: format {} is neither 0 (text) nor 1 (JSON)",
                                    getU32(p.data()));
                return std::nullopt;
            }
            r.format = static_cast<StatsFormat>(getU32(p.data()));
            return r;
        default:
            break;
    }
    error = fmt::format("{} is not a request", name);
    return std::nullopt;
}

}  // namespace hop::device::proto
