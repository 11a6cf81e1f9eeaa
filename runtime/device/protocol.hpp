// SPDX-License-Identifier: Apache-2.0
// The device socket protocol: how a client (hopd, `hopsim load`, tests) talks to a board served
// by `hopsim serve` over a unix stream socket. Binary, little-endian, one message =
//
//   u32 length   bytes of payload that follow the 12-byte header (at most kMaxPayloadBytes)
//   u16 type     Type below
//   u16 flags    0 (a request with other flags gets an ERROR reply)
//   u32 id       request id, chosen by the client and echoed in the reply
//   payload      `length` bytes
//
// On connect the board sends HELLO (id 0): u32 protocol version, then UTF-8 JSON
// {"program", "data_width", "cpu_port", "ports": [...], "csr_writes", "write_list"} (csr_writes =
// CSR words clients have written since the board started; write_list = the most pairs a
// WRITE_LIST may carry, absent on boards that do not serve it). A board that already has a client
// sends ERROR (id 0) instead and closes the connection.
//
// Requests (client -> board), each answered by exactly one reply with the same id, in order:
//   READ         u32 addr                      -> VALUE u32
//   WRITE        u32 addr, u32 value           -> OK
//   WRITE_BURST  u32 addr, u32 value x N       -> OK (words to addr, addr+4, ...; 1..4096 words,
//                                                 written in order; stops at the first error)
//   WRITE_LIST   (u32 addr, u32 value) x N     -> OK (1..8192 pairs, any addresses, written in
//                                                 order back to back; stops at the first error,
//                                                 whose ERROR names the pair). Boards that
//                                                 serve it say "write_list": N in HELLO.
//   SEND_PACKET  frame bytes (1..16384)        -> OK (queued: enters the pipeline with ingress
//                                                 port = the program's CPU port)
//   STATS        empty or u32 format (0 text, 1 JSON) -> TEXT
// Any request can instead get ERROR: UTF-8 text saying why (unknown type, a payload of the wrong
// size, an unaligned address, a bus error, no CPU port, ...). The connection stays usable.
//
// Board -> client, unsolicited: PACKET (id = the board's count of punted frames, from 1): a frame
// the pipeline sent to the CPU port. It may arrive between a request and its reply.
//
// A header whose length exceeds kMaxPayloadBytes cannot be skipped safely: the board replies
// ERROR and closes the connection. A connection that ends in the middle of a message gets an
// ERROR reply (when the client still reads) and is closed. Neither affects forwarding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hop::device::proto {

inline constexpr uint32_t kVersion = 1;
inline constexpr size_t kHeaderBytes = 12;
inline constexpr uint32_t kMaxFrameBytes = 16384;
inline constexpr uint32_t kMaxBurstWords = 4096;
// (address, value) pairs in one WRITE_LIST: 8 bytes each, a full list is kMaxPayloadBytes.
inline constexpr uint32_t kMaxListPairs = 8192;
// The largest message either side sends or accepts (a full burst is 4 + 4 * 4096 bytes;
// STATS text is cut to fit).
inline constexpr uint32_t kMaxPayloadBytes = 65536;

enum class Type : uint16_t {
    // client -> board
    Read = 0x01,
    Write = 0x02,
    WriteBurst = 0x03,
    SendPacket = 0x04,
    Stats = 0x05,
    WriteList = 0x06,
    // board -> client
    Hello = 0x80,
    Ok = 0x81,
    Value = 0x82,
    Error = 0x83,
    Text = 0x84,
    Packet = 0x85,
};

enum class StatsFormat : uint32_t { Text = 0, Json = 1 };

// The name of a type for messages ("READ", "type 0x0042" when unknown).
std::string typeName(uint16_t type);

struct Message {
    uint16_t type = 0;
    uint16_t flags = 0;
    uint32_t id = 0;
    std::vector<uint8_t> payload;
};

// Appends one message to `out`. The payload must be at most kMaxPayloadBytes (longer ones are
// cut: callers keep within the limits).
void encode(std::vector<uint8_t>& out, Type type, uint32_t id, std::span<const uint8_t> payload);
void encodeText(std::vector<uint8_t>& out, Type type, uint32_t id, std::string_view text);

void putU32(std::vector<uint8_t>& out, uint32_t value);
uint32_t getU32(const uint8_t* p);

// Splits a byte stream into messages.
class Decoder {
  public:
    enum class Status { Message, NeedMore, Invalid };
    void feed(const uint8_t* data, size_t size);
    // Message: `message` holds the next one. NeedMore: no complete message yet. Invalid: the
    // next header announces more than kMaxPayloadBytes (`error` says so, `message` has its type
    // and id); the stream cannot be resynchronised.
    Status next(Message& message, std::string& error);
    // Bytes of an incomplete message held back (0 at a message boundary).
    size_t pending() const { return buffer_.size() - start_; }

  private:
    std::vector<uint8_t> buffer_;
    size_t start_ = 0;
};

// A request as the board executes it, checked against its type's payload layout.
struct Request {
    Type type = Type::Read;
    uint32_t id = 0;
    uint32_t addr = 0;
    uint32_t value = 0;
    std::vector<uint32_t> words;  // WRITE_BURST; WRITE_LIST: addr0, value0, addr1, value1, ...
    std::vector<uint8_t> frame;   // SEND_PACKET
    StatsFormat format = StatsFormat::Text;
};

// The request in `message`, or nullopt with `error` (the text of the ERROR reply).
std::optional<Request> parseRequest(const Message& message, std::string& error);

}  // namespace hop::device::proto
