// SPDX-License-Identifier: Apache-2.0
// The Verilated pipeline behind the Engine interface, driven cycle by cycle through the harness
// (harness.h): an AXI4-Stream source (frames -> beats, lane 0 = first byte, tkeep, tuser =
// ingress port), an AXI4-Stream sink (tuser = egress port) and an AXI4-Lite master for the CSRs.
// Both streams keep moving while CSRs are read or written.
//
// After reset it waits for the tables' init walks (INFO[23] busy) and writes the default actions
// and const entries (tables::PipelineLoader). Table commands become CSR writes through the same
// loader. drain() knows the pipeline is empty from its own counters (regmap pipeline words RX,
// TX, DROPPED): every frame sent went in (RX = frames sent), every frame was sent or dropped
// (RX = TX + DROPPED) and every sent frame was collected (TX = frames received), with a cycle
// limit that makes a hung pipeline an error rather than a hang. A program's digests are popped
// from its digest FIFO through the CSRs (RtlOptions::popDigests) and handed out by drain().
//
// A switch top (hopc --ports N, hopsim --rtl-top switch) has a stream in and out per front-panel
// port and one for the CPU port: a packet goes in on its port's stream, each stream's frames
// come out with its port. The traffic manager's commands (mc_*, mirroring_*) keep a
// tables::TrafficManager and, through tables::ReplicatorCsr, the switch's replication tables.
// drain() knows the switch is empty from its counters: every frame sent went into ingress,
// ingress passed on every frame it did not drop as too long (the traffic manager's DECISIONS),
// the packet buffer took or dropped each, freed every one it took and has every cell free, the
// egress pipeline sent or dropped every copy the traffic manager made, and every frame sent was
// collected.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "runtime/tables/loader.hpp"
#include "runtime/tables/switch_tm_csr.hpp"
#include "runtime/tables/traffic_manager.hpp"
#include "sim/engine/engine.hpp"
#include "sim/rtl/rtl_build.hpp"

namespace hop::sim::rtl {

struct RtlOptions {
    double idleIn = 0;        // probability that the source offers nothing in a cycle
    double stallOut = 0;      // probability that the sink is not ready in a cycle
    uint32_t seed = 1;        // for both, and for Verilator's random initial values
    uint64_t cycleLimit = 0;  // per drain; 0 = 200,000 + 64 per queued beat
    uint32_t cpuPort = 0;     // punts leave here (0 = unknown)
    // Programs with digests: drain() pops the digest FIFO through its CSRs as the host would
    // (every kDigestPollCycles while frames stream, holding back new frames meanwhile, so the
    // FIFO never fills) and fails when it dropped one. false: it is left alone (a host that
    // lags; tests read COUNT / DROPS themselves and popDigests() later).
    bool popDigests = true;
    // Waveforms (a model built with BuildOptions::trace): written to tracePath from cycle
    // traceFrom (the engine's cycle count, reset and table loading included) for traceCycles
    // cycles (0: to the end).
    std::string tracePath;
    uint64_t traceFrom = 0, traceCycles = 0;
};

// Cycle counts, since construction or resetStats().
struct RtlStats {
    uint64_t cycles = 0;
    uint64_t inStalls = 0;   // cycles a beat was offered and not taken
    uint64_t outStalls = 0;  // cycles a beat was ready to leave and the sink was not ready
    uint64_t beatsIn = 0, beatsOut = 0;
    uint64_t framesIn = 0, framesOut = 0;
    int64_t firstIn = -1, firstOut = -1;  // cycle of the first beat in / out (latency)
    int64_t lastOut = -1;                 // cycle of the last beat out
};

class RtlEngine : public Engine {
  public:
    // Takes the loaded model; fails (null, `error`) when the tables cannot be initialised.
    static std::unique_ptr<RtlEngine> create(const ir::Program& program, Built built,
                                             const RtlOptions& options, std::string& error);
    ~RtlEngine() override;

    const ir::Program& program() const override { return program_; }
    std::string name() const override { return "rtl"; }
    bool apply(const tables::Command& command, std::string& error) override;
    uint64_t send(const Packet& packet) override;
    bool drain(Drained& out, std::string& error) override;
    bool knowsDecisions() const override { return false; }
    uint32_t cpuPort() const override { return options_.cpuPort; }
    // A switch top's traffic manager (null for a pipeline top).
    tables::TrafficManager* trafficManager() override { return tmCsr_ ? &tm_ : nullptr; }
    bool runTm(const tables::TmCommand& command, std::vector<std::string>& out,
               std::string& error) override;
    bool isSwitch() const { return streams_ > 1; }
    // A switch's output of `port` takes nothing while held (a congested link; tests), on top of
    // RtlOptions::stallOut. False when the port is not the engine's.
    bool holdOutput(uint32_t port, bool hold);
    // The tail drops of the switch's queue (port, priority) so far (hop_queue_set DROPS).
    std::optional<uint32_t> queueDrops(uint32_t port, uint32_t priority, std::string& error);
    // The copies waiting in that queue now (hop_queue_set DEPTH).
    std::optional<uint32_t> queueDepth(uint32_t port, uint32_t priority, std::string& error);

    // CSR access (absolute addresses); false with `error` on a bus error or a timeout.
    bool write(uint32_t addr, uint32_t value, std::string& error);
    std::optional<uint32_t> read(uint32_t addr, std::string& error);
    // (addr, value) writes in order, pipelined on the AXI4-Lite bus: the next AW/W is offered
    // as soon as the slave took the previous one and B is taken every cycle, so writes go back
    // to back as fast as the slave accepts them (hop_axil_csr: one every 2 cycles; write()
    // takes 3). `done` counts the writes answered OKAY. Stops issuing at the first error
    // (SLVERR/DECERR or a timeout; `error` names the write), after the writes already issued
    // are answered.
    bool writeList(std::span<const std::pair<uint32_t, uint32_t>> writes, size_t& done,
                   std::string& error);

    // Pops every digest waiting in the digest FIFO (regmap "digests") into `out`, in order,
    // holding back new frames meanwhile; false with `error` on a bus error or an entry whose
    // number names no digest. `drops` (when given) gets the FIFO's DROPS word.
    bool popDigests(std::vector<DigestMessage>& out, std::string& error, uint32_t* drops = nullptr);

    // Streaming without drain() (benchmarks, long runs): runs clock cycles until at most `keep`
    // frames wait at the input, so the caller can top the queue up with no gap in the input;
    // then takeOutputs() hands over and forgets what left so far.
    void runUntilQueued(size_t keep);
    std::vector<Packet> takeOutputs(std::vector<int64_t>* firstCycles = nullptr);
    // The cycle the most recent frame's first beat went in (-1: none yet).
    int64_t lastInFirstCycle() const { return lastInFirst_; }

    // Live use (hopsim serve): frames waiting at the input or half collected at the output;
    // clock cycles; and whether the pipeline holds no frame at all (from its RX/TX/DROPPED
    // counters, as drain() decides: nothing queued, every frame in was sent or dropped, every
    // frame sent was collected), nullopt with `error` on a bus error.
    bool streaming() const { return queued_ != 0 || started_ != 0; }
    size_t queued() const { return queued_; }
    void run(uint64_t cycles);
    std::optional<bool> quiet(std::string& error);

    const RtlStats& stats() const { return stats_; }
    // Empty, or why no waveforms were written (the file could not be opened).
    const std::string& traceError() const { return traceError_; }
    void resetStats() { stats_ = RtlStats{}; }
    int dataWidth() const { return built_.lib->dataWidth; }
    const Built& built() const { return built_; }
    tables::PipelineLoader& loader() { return *loader_; }

  private:
    RtlEngine(const ir::Program& program, Built built, const RtlOptions& options);
    // One clock: each source offers its next beat (unless idle), each sink takes one (unless
    // stalled), the AXI4-Lite inputs are whatever the caller set in io_.
    void cycle();
    // Whether every frame sent is through (pipeline or switch counters, see above); nullopt
    // with `error` on a bus error or counters that cannot be.
    std::optional<bool> settled(std::string& error);
    std::optional<bool> switchSettled(std::string& error);
    // The same while ports are paused (port_pause): their copies wait in their queues.
    std::optional<bool> pausedSettled(std::string& error);
    // A word (regmap::kQueueWord*) of the queue (port, priority).
    std::optional<uint32_t> queueWord(uint32_t port, uint32_t priority, uint32_t word,
                                      std::string& error);
    // The stream a packet for `port` enters on (-1: the switch has no such port).
    int streamOf(uint32_t port) const;

    struct InFrame {
        uint64_t seq = 0;
        Packet packet;
        size_t offset = 0;  // bytes already taken
        int64_t firstCycle = -1;
    };
    struct OutFrame {
        Packet packet;
        int64_t firstCycle = -1, lastCycle = -1;
        int64_t lastPacketIn = -1;  // the last packet whose first beat had entered by then
    };

    // Where one stream's signals are in io_: the pipeline's s_t* / m_t* or a switch's in[i] /
    // out[i].
    struct SourceIo {
        uint8_t* tdata;
        uint64_t* tkeep;
        uint8_t *tvalid, *tlast, *tready;
    };
    struct SinkIo {
        const uint8_t* tdata;
        const uint64_t* tkeep;
        const uint8_t *tvalid, *tlast;
        uint8_t* tready;
    };
    struct Stream {
        SourceIo in;
        SinkIo out;
        uint32_t port = 0;          // a switch's: the port the stream is
        std::deque<InFrame> queue;  // not yet fully taken
        OutFrame cur;
        bool curStarted = false;
        bool held = false;  // holdOutput()
    };
    void source(Stream& s, int64_t now);
    void sink(Stream& s, int64_t now);

    const ir::Program& program_;
    Built built_;
    RtlOptions options_;
    void* model_ = nullptr;
    hop_rtl_ports io_{};
    std::unique_ptr<tables::PipelineLoader> loader_;
    std::mt19937 rng_;
    std::bernoulli_distribution idle_, stall_;
    int lanes_ = 64;
    int streams_ = 1;
    std::vector<Stream> stream_;
    size_t queued_ = 0;   // frames not yet fully taken, every stream
    size_t started_ = 0;  // streams with a frame half collected
    // A switch top's traffic manager: its state, and its driver.
    tables::TrafficManager tm_;
    std::unique_ptr<tables::SwitchTmCsr> tmCsr_;
    // pausedSettled(): the counters at its last look, and the cycle it took them.
    std::vector<uint32_t> pausedSeen_;
    uint64_t pausedSeenCycle_ = 0;

    std::vector<Completed> taken_;  // fully taken since the last drain
    std::vector<OutFrame> out_;     // collected since the last drain
    uint64_t nextSeq_ = 0;
    int64_t lastEntered_ = -1;
    int64_t lastInFirst_ = -1;
    bool holdInput_ = false;              // no new frame starts (popDigests)
    std::vector<DigestMessage> digests_;  // popped since the last drain
    uint64_t sentSinceDrain_ = 0;
    uint32_t framesPushed_ = 0;  // since reset, mod 2^32 as the counters
    uint32_t framesPulled_ = 0;
    RtlStats stats_;
    bool tracing_ = false, traceDone_ = false;
    std::string traceError_;
};

}  // namespace hop::sim::rtl
