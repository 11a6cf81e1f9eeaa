// SPDX-License-Identifier: Apache-2.0
// The board `hopsim serve` runs (serve.hpp), shared by its parts: the event loop, the TAPs and the
// pipeline's clock (serve.cpp), the device socket's client (serve_client.cpp), the statistics
// (serve_stats.cpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "runtime/common/event_loop.hpp"
#include "runtime/common/unix_listener.hpp"
#include "runtime/device/protocol.hpp"
#include "sim/hopsim/serve.hpp"
#include "sim/rtl/rtl_engine.hpp"

namespace hop::hopsim::serving {

namespace proto = device::proto;
using Clock = std::chrono::steady_clock;

// Scheduling: while frames stream, the pipeline is clocked in slices of kSlice cycles between
// polls of the file descriptors (0.2 to 1 ms of simulation); once the input is empty it is
// clocked kSettleSlice cycles at a time until its counters say it holds nothing, and never
// longer than kSettleLimit cycles (a pipeline that never settles is reported, not spun on).
constexpr uint64_t kSlice = 2048;
constexpr uint64_t kSettleSlice = 64;
constexpr uint64_t kSettleLimit = 20'000'000;
// Frames waiting at the pipeline's input beyond which the TAPs are not read (the kernel queues
// and then drops, as a NIC's ring would).
constexpr size_t kMaxQueuedFrames = 256;
// Frames waiting at the input beyond which the client's requests are not read (its frames for
// the CPU port wait in the socket; one read of 64 KiB adds at most about a thousand).
constexpr size_t kMaxClientQueue = 1024;
// Frames read from one TAP per loop iteration, so one busy port cannot starve the others.
constexpr int kTapBurst = 32;
// Bytes waiting to be sent to the client: above kReadPause requests are not read (the client
// must read its replies), above kPuntLimit punted frames are dropped and counted.
constexpr size_t kReadPause = 1 << 20;
constexpr size_t kPuntLimit = 4 << 20;

struct PortStats {
    uint64_t rxPackets = 0, rxBytes = 0;  // into the pipeline
    uint64_t txPackets = 0, txBytes = 0;  // out of the pipeline
    uint64_t txErrors = 0;                // a TAP refused the frame (interface down, full)
};

struct Tap {
    uint32_t port = 0;
    std::string name;
    int fd = -1;
    bool gone = false;  // the interface was deleted (its namespace went away): not polled
};

class Board {
  public:
    Board(sim::rtl::RtlEngine& engine, const ServeOptions& options, std::ostream& out,
          std::ostream& err)
        : engine_(engine), options_(options), out_(out), err_(err), started_(Clock::now()) {}
    ~Board();

    bool start(std::string& error);
    int run();
    std::string statsText();
    nlohmann::json statsJson();

  private:
    struct Client {
        int fd = -1;
        proto::Decoder in;
        std::vector<uint8_t> out;  // encoded messages not yet sent
        size_t outStart = 0;
        size_t pending() const { return out.size() - outStart; }
    };

    void acceptClient();
    void readClient();
    void execute(const proto::Message& message);
    // Sends what it can without blocking; false when the client is gone.
    bool flushClient();
    // Sends what it can once, then closes (after an unrecoverable request or the end of input).
    void closeClient(const std::string& why);
    void readTap(Tap& tap);
    void detach(Tap& tap, const std::string& why);
    void advance();
    void dispatchOutputs();
    nlohmann::json helloInfo() const;
    PortStats& port(uint32_t p) { return ports_[p]; }
    const Tap* tapOf(uint32_t p) const {
        for (const auto& t : taps_)
            if (t.port == p) return &t;
        return nullptr;
    }

    sim::rtl::RtlEngine& engine_;
    const ServeOptions& options_;
    std::ostream& out_;
    std::ostream& err_;
    Clock::time_point started_;
    std::vector<Tap> taps_;
    common::EventLoop loop_;
    std::optional<common::UnixListener> listener_;
    Client client_;
    std::map<uint32_t, PortStats> ports_;
    bool inFlight_ = false;  // a frame went in since the pipeline was last seen empty
    uint64_t settleStart_ = 0;
    bool failed_ = false;  // the pipeline failed on the bus

    uint64_t unattached_ = 0, puntNoClient_ = 0, puntBacklog_ = 0, punted_ = 0, oversize_ = 0;
    // Frames to the CPU port by the reason field of their packet_in header ("" when none).
    std::map<std::string, uint64_t> puntReasons_;
    // Latency (first beat in to first beat out) of frames that were alone in the pipeline: sent
    // while it was quiet (RX = TX + DROPPED) and left before another one was sent. Frames that
    // overlap are not sampled: the pipeline does not say which one a dropped frame was.
    int sinceQuiet_ = 0;  // frames sent since the pipeline was last quiet
    uint64_t latSamples_ = 0, latSum_ = 0;
    int64_t latMin_ = -1, latMax_ = -1;
    // Called before a frame goes in. When frames went in before it, the counters say whether
    // the pipeline has emptied since (the event loop may not have looked yet).
    void sending() {
        if (inFlight_) {
            std::string error;
            auto quiet = engine_.quiet(error);
            if (quiet && *quiet) inFlight_ = false;
        }
        sinceQuiet_ = inFlight_ ? sinceQuiet_ + 1 : 1;
        inFlight_ = true;
    }
    uint64_t clients_ = 0, refused_ = 0, csrReads_ = 0, csrWrites_ = 0, requestErrors_ = 0;
    uint64_t writeLists_ = 0;
};

}  // namespace hop::hopsim::serving
