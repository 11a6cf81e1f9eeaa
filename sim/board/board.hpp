// SPDX-License-Identifier: Apache-2.0
// The SystemC/TLM-2.0 board model around a program's pipeline: the plain C++ Verilated model the
// RTL engine uses, in a SystemC module on the board's pipeline clock (pipeline.hpp): what a NIC
// board adds to the pipeline, at the level of detail a board designer asks about (what is
// forwarded, what is dropped where, how deep queues get).
//
//   wire -> Mac rx -> input FIFO --+
//   wire -> Mac rx -> input FIFO --+-> arbiter -> pipeline -+-> out queue -> Mac tx -> wire
//   host -> DMA (host to card) ----+   (Verilated)          +-> out queue -> Mac tx -> wire
//                                          ^ AXI4-Lite      +-> DMA (card to host) -> host
//   host -> TLM b_transport -> CSR target -+                    (the CPU port)
//
// Time: the pipeline runs on a clock of its own (sc_clock, default 250 MHz; one cycle of the
// model per rising edge); the MACs run in continuous time at their line rates. A frame takes, on
// the wire, 8 bytes of preamble and SFD, its bytes plus a 4-byte FCS (the frames the pipeline sees
// never carry the FCS: the MAC strips it on receive and appends it on transmit), padded to the
// 64-byte minimum (FCS included), and a 12-byte inter-frame gap: max(L + 4, 64) + 20 bytes for a
// frame of L bytes, at the port's rate.
//
// Input: a MAC hands a frame to its port's input FIFO when the frame's last byte (its FCS) has
// arrived (store-and-forward, as a MAC that checks the FCS does); a FIFO holds at most
// `inputFifoBeats` beats of DATA_W, and a frame that does not fit is dropped whole and counted
// against the port (a MAC cannot be backpressured). The arbiter, a SystemC process that runs
// after each edge of the pipeline clock (on Pipeline::edge()), does what rtl/hop_axis_arbiter
// does: frame-by-frame round robin over the FIFOs holding a whole frame (and the DMA queue of
// frames from the host, which has ingress port = the CPU port and is never dropped: the DMA
// engine waits for room), one beat per clock with no bubble between frames, honouring the
// pipeline's s_axis_tready.
// Output: the pipeline's m_axis_tready is always 1; every beat goes to the output queue of its
// egress port, which behaves as rtl/hop_axis_out_queue: `queueBeats` beats, store-and-forward,
// a frame is dropped whole (tail drop) when one of its beats arrives while the queue is full.
// The port's MAC takes committed frames in order and sends each at line rate; its beats are freed
// when its last byte and the inter-frame gap are on the wire. High-water marks count beats.
// Frames for the CPU port go to the host after `dmaLatency`; frames for a port with no MAC are
// dropped and counted ("no port").
// The arbiter and the output queues are SystemC rather than the rtl/ blocks in a SystemVerilog
// top so that ports, rates and depths are run-time options: one Verilated model per program and
// DATA_W serves every board configuration, and it is the RTL engine's model, from the same cache
// entry (the rtl/ blocks have their own tests).
//
// Host: `csr` is a tlm_utils::simple_target_socket; b_transport turns 4-byte reads and writes
// into AXI4-Lite transactions on the pipeline's CSR port (clocked by the pipeline clock) and
// annotates `csrLatency` on return (the host bus round trip: the host sees each access take
// that much longer). The Host module holds the matching initiator socket and runs jobs (table
// loads, counter polls) in an SC_THREAD on behalf of code outside the simulation.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <systemc>
#include <tlm>
#include <vector>

#include "sim/board/pipeline.hpp"
#include "sim/rtl/rtl_build.hpp"

namespace hop::board {

struct PortConfig {
    uint32_t port = 0;   // the pipeline port number (tuser)
    double gbps = 100;   // line rate
    bool offer = false;  // line-rate mode: this port's MAC receives generated traffic
};

struct BoardConfig {
    std::vector<PortConfig> ports;
    double clockMhz = 250;
    int inputFifoBeats = 256;  // per port, beats of DATA_W
    int queueBeats = 256;      // per output queue, beats of DATA_W
    uint32_t cpuPort = 0;      // frames to/from the host by DMA; 0 = no CPU port
    double csrLatencyNs = 500;
    double dmaLatencyNs = 1000;
    uint32_t seed = 1;  // Verilator's random initial values
    // Keep every frame that leaves (STF); otherwise only count them (line rate).
    bool keepOutputs = true;
};

// Bytes on the wire for a frame of `frameBytes` (no FCS): preamble + SFD, the frame, FCS, padding
// to 64, inter-frame gap.
uint64_t wireBytes(size_t frameBytes);
// The time the wire needs for `bytes` at `gbps`.
sc_core::sc_time wireTime(uint64_t bytes, double gbps);

// The wire time of a frame is split at its FCS: the MAC has the whole frame once `frameBytes`
// + preamble + FCS (and padding) are in; the inter-frame gap follows.
inline constexpr uint64_t kPreambleBytes = 8, kFcsBytes = 4, kMinFrameBytes = 64, kGapBytes = 12;

// Line-rate frames end with a tag that says where they came from, so the output stage can count
// per ingress port what it sees (the pipeline keeps the payload; it only rewrites headers):
// "HOPB", the ingress port (16 bits) and the frame's sequence number on its port (32 bits), big
// endian.
inline constexpr size_t kTagBytes = 10;
void writeTag(std::vector<uint8_t>& bytes, uint32_t port, uint32_t seq);
std::optional<uint32_t> readTagPort(const std::vector<uint8_t>& bytes);

struct Frame {
    uint32_t port = 0;  // ingress port on the way in, egress port on the way out
    std::vector<uint8_t> bytes;
};

// Generated traffic for one MAC (line-rate mode): `count` frames back to back.
struct Generator {
    uint64_t count = 0;
    std::function<Frame(uint64_t index)> make;
};

// Per-port counts. Ingress counts are kept per ingress port; for frames that leave the pipeline
// the ingress port is known only from a line-rate tag (untagged ones are in Counters::untagged).
struct IngressCounts {
    uint64_t offered = 0;       // frames the MAC received
    uint64_t offeredBytes = 0;  // their bytes (no FCS)
    uint64_t fifoDrops = 0;     // input FIFO full
    uint64_t entered = 0;       // frames that went whole into the pipeline
    uint64_t left = 0;          // tagged frames out of the pipeline (any egress)
    uint64_t forwarded = 0;     // tagged frames sent on a MAC
    uint64_t toHost = 0;        // tagged frames delivered to the host (CPU port)
    uint64_t queueDrops = 0;    // tagged frames dropped by a full output queue
    uint64_t noPortDrops = 0;   // tagged frames for a port with no MAC
    int fifoHighWater = 0;      // beats
};

struct EgressCounts {
    uint64_t frames = 0, bytes = 0;  // sent on the wire
    uint64_t queueDrops = 0;
    int queueHighWater = 0;                // beats
    double firstStart = -1, lastEnd = -1;  // seconds: the first frame began, the last ended
};

struct Counters {
    std::map<uint32_t, IngressCounts> ingress;  // by port (the CPU port for DMA frames)
    std::map<uint32_t, EgressCounts> egress;    // by MAC port
    uint64_t toHost = 0;                        // frames delivered to the host
    uint64_t noPort = 0;                        // frames for a port with no MAC (all)
    uint64_t untagged = 0;                      // frames out of the pipeline with no tag
    uint64_t enteredPipeline = 0, leftPipeline = 0;
    double firstEntered = -1, lastEntered = -1;  // seconds: first and last frame into the pipeline
};

class Board;

// One port's MAC: receive (wire -> input FIFO) and transmit (output queue -> wire) at line rate.
class Mac : public sc_core::sc_module {
  public:
    SC_HAS_PROCESS(Mac);
    Mac(sc_core::sc_module_name name, Board& board, size_t index, const PortConfig& config);

    // Frames to receive from the wire, back to back after what is queued (STF).
    void receive(Frame frame);
    void generate(Generator generator);
    bool rxIdle() const { return !rxBusy_ && rxQueue_.empty() && generated_ >= generator_.count; }
    bool txIdle() const { return !txBusy_; }

    sc_core::sc_event txWake;  // a frame was committed to this port's queue

  private:
    void rxThread();
    void txThread();

    Board& board_;
    size_t index_;
    PortConfig config_;
    std::deque<Frame> rxQueue_;
    Generator generator_;
    uint64_t generated_ = 0;
    bool rxBusy_ = false, txBusy_ = false;
    sc_core::sc_event rxWake_;
};

class Board : public sc_core::sc_module {
  public:
    SC_HAS_PROCESS(Board);
    // `model` is the loaded model of the pipeline (rtl::buildModel); it must outlive the board.
    Board(sc_core::sc_module_name name, const BoardConfig& config, const sim::rtl::Library& model);
    ~Board() override;

    tlm_utils::simple_target_socket<Board> csr;

    const BoardConfig& config() const { return config_; }
    int lanes() const { return lanes_; }
    sc_core::sc_time clockPeriod() const { return clk_.period(); }
    Pipeline& pipeline() { return *pipeline_; }
    // The MAC of a port (null when the board has none there).
    Mac* mac(uint32_t port);

    // Host side of the DMA channel: a frame for the pipeline, ingress port = the CPU port.
    void hostSend(Frame frame);
    // Frames the host received (CPU port) or the MACs sent, since the last take (keepOutputs).
    std::vector<Frame> takeOutputs();

    // Nothing left to go into the pipeline: MACs idle, FIFOs and the DMA queue empty, no frame
    // half way in.
    bool inputIdle() const;
    // Nothing left on the way out: no frame half way out of the pipeline, queues empty, MACs and
    // DMA idle.
    bool outputIdle() const;
    const Counters& counters() const { return counters_; }
    void resetCounters();

    // Called by the MACs.
    void frameReceived(size_t macIndex, Frame frame);  // whole frame off the wire
    // The next committed frame of a MAC's queue (null when none); release after sending.
    const Frame* nextToSend(size_t macIndex);
    void frameSent(size_t macIndex, const sc_core::sc_time& started);

  private:
    struct InputFifo {
        uint32_t port = 0;
        bool unlimited = false;  // the DMA queue
        std::deque<Frame> frames;
        size_t offset = 0;  // bytes of the front frame already in the pipeline
        int fill = 0;       // beats
    };
    struct OutQueue {
        std::deque<Frame> committed;
        int fill = 0;       // beats, the frame being written included
        int tentative = 0;  // beats of the frame being written
    };
    struct Timed {
        sc_core::sc_time due;
        Frame frame;
    };

    void clockMethod();
    void dmaToHostThread();
    void dmaToCardThread();
    void csrTransport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    // AXI4-Lite on the pipeline's pins, from the thread that runs b_transport.
    bool axilWrite(uint32_t addr, uint32_t value, uint8_t& resp);
    bool axilRead(uint32_t addr, uint32_t& value, uint8_t& resp);

    int beatsOf(size_t bytes) const { return static_cast<int>((bytes + lanes_ - 1) / lanes_); }
    void driveNextBeat();
    void beatOut(const StreamOut& out);
    void frameOut(Frame frame, bool dropped);
    IngressCounts* tagged(const Frame& frame);

    BoardConfig config_;
    int lanes_ = 64;
    sc_core::sc_clock clk_;
    std::unique_ptr<Pipeline> pipeline_;

    std::vector<std::unique_ptr<Mac>> macs_;
    std::map<uint32_t, size_t> macIndex_;  // port -> index in macs_ and queues_
    std::vector<InputFifo> inputs_;        // one per MAC, then the DMA queue (if a CPU port)
    std::vector<OutQueue> queues_;

    // Arbiter.
    bool locked_ = false;
    size_t sel_ = 0, last_ = 0;
    bool offering_ = false;  // a beat is on s_axis
    StreamIn in_{};
    StreamOut sampled_{};

    // Output stage: the frame coming out of the pipeline.
    bool outStarted_ = false;
    bool outDropping_ = false;
    Frame out_;
    uint32_t outPort_ = 0;
    enum class Dest { Queue, Host, NoPort } outDest_ = Dest::NoPort;
    size_t outQueue_ = 0;

    std::deque<Timed> toHost_, toCard_;
    sc_core::sc_event toHostWake_, toCardWake_;
    std::vector<Frame> outputs_;
    Counters counters_;

    AxilIn axil_{};
};

// The host: runs jobs inside the simulation (they may wait and use the CSR socket), on behalf of
// code that only calls sc_start().
class Host : public sc_core::sc_module {
  public:
    SC_HAS_PROCESS(Host);
    explicit Host(sc_core::sc_module_name name);

    tlm_utils::simple_initiator_socket<Host> csr;

    // Hands a job to the host thread; sc_start() then runs until it is done (it pauses the
    // simulation when it returns).
    void post(std::function<void()> job);
    bool busy() const { return busy_; }

    // For jobs: one CSR access through the socket; false with `error` on an error response.
    bool read(uint32_t addr, uint32_t& value, std::string& error);
    bool write(uint32_t addr, uint32_t value, std::string& error);

  private:
    void thread();
    bool access(tlm::tlm_command command, uint32_t addr, uint32_t& value, std::string& error);

    std::function<void()> job_;
    bool busy_ = false;
    sc_core::sc_event wake_;
};

}  // namespace hop::board
