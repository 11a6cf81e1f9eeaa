// SPDX-License-Identifier: Apache-2.0
// The board model (board.hpp) behind hopsim's Engine interface, so the STF runner
// (sim/hopsim/stf.*) and the command loaders (sim/hopsim/run.hpp) drive it as they drive the
// other engines, and the line-rate runs of linerate.hpp.
//
// Everything goes through the board's edges: table commands become CSR writes
// (tables::PipelineLoader) that the host sends through its TLM initiator socket to the board's
// CSR target; packets are received by the MAC of their port (or, for the CPU port, sent by the
// host over the DMA channel); what leaves is what the MACs sent and the host received. drain()
// runs the simulation until the board is empty, which the host decides as a driver would: the
// input side is idle, the pipeline's RX/TX/DROPPED counters (read through the socket) account
// for every frame that went in and came out, and the output queues, MACs and DMA are idle.
//
// One board per process: the SystemC kernel elaborates once, so create() works once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ir/ir.hpp"
#include "runtime/tables/loader.hpp"
#include "sim/board/board.hpp"
#include "sim/engine/engine.hpp"
#include "sim/rtl/rtl_build.hpp"

namespace hop::board {

// The pipeline block's packet counters (regmap::PipelineWord), as read through the CSR socket.
struct PipelineCounters {
    uint32_t rx = 0, tx = 0, dropped = 0, tooLong = 0;
};

class BoardEngine : public sim::Engine {
  public:
    // Takes the model rtl::buildModel loaded (the RTL engine's), elaborates the board around it
    // (the harness has reset the model), waits for the tables' init walks and writes the default
    // actions and const entries.
    static std::unique_ptr<BoardEngine> create(const ir::Program& program, sim::rtl::Built built,
                                               const BoardConfig& config, std::string& error);
    ~BoardEngine() override;

    const ir::Program& program() const override { return program_; }
    std::string name() const override { return "board"; }
    bool apply(const tables::Command& command, std::string& error) override;
    uint64_t send(const sim::Packet& packet) override;
    bool drain(sim::Drained& out, std::string& error) override;
    bool knowsDecisions() const override { return false; }
    uint32_t cpuPort() const override { return board_->config().cpuPort; }

    // CSR access through the host's socket (each one takes the CSR latency).
    std::optional<uint32_t> read(uint32_t addr, std::string& error);
    bool write(uint32_t addr, uint32_t value, std::string& error);
    std::optional<PipelineCounters> pipelineCounters(std::string& error);

    // Line rate: the MACs of these ports receive generated traffic; runs until every frame has
    // been sent, dropped or delivered (as drain()). `progress` (may be empty) is called now and
    // then with the share of the generated frames received so far.
    bool runTraffic(std::vector<std::pair<uint32_t, Generator>> generators, std::string& error,
                    const std::function<void(double)>& progress = {});

    Board& board() { return *board_; }
    const sim::rtl::Built& built() const { return built_; }
    int dataWidth() const { return dataWidth_; }
    double now() const;  // simulated seconds

  private:
    BoardEngine(const ir::Program& program, sim::rtl::Built built);
    // Runs `job` in the host thread until it returns, for at most `limit` of simulated time
    // (an error then; the engine cannot be used any more).
    bool run(const std::function<void()>& job, const sc_core::sc_time& limit, std::string& error,
             const std::function<void()>& tick = {});
    // In a job: waits until the board is empty (see the file comment).
    bool settle(std::string& error);

    const ir::Program& program_;
    sim::rtl::Built built_;  // the loaded model: outlives board_
    int dataWidth_ = 0;
    std::unique_ptr<Board> board_;
    std::unique_ptr<Host> host_;
    std::unique_ptr<tables::PipelineLoader> loader_;
    bool broken_ = false;
    std::string brokenReason_;

    struct Pending {
        uint64_t seq = 0;
        std::string error;
    };
    std::vector<Pending> pending_;  // sent since the last drain
    uint64_t nextSeq_ = 0;
    uint64_t pendingWireBytes_ = 0;
};

}  // namespace hop::board
