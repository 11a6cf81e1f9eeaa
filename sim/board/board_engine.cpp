// SPDX-License-Identifier: Apache-2.0
#include "sim/board/board_engine.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace hop::board {

using sc_core::SC_MS;
using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

constexpr int kPollCycles = 8;                // how often a waiting host looks again
constexpr uint64_t kInitWalkPolls = 1000000;  // reads of a table's INFO word
const sc_time kSettleLimit(20, SC_MS);        // simulated time for a drain, beyond the wire time
const sc_time kCsrLimit(10, SC_MS);           // for a batch of CSR accesses

}  // namespace

BoardEngine::BoardEngine(const ir::Program& program, sim::rtl::Built built)
    : program_(program), built_(std::move(built)) {}

BoardEngine::~BoardEngine() {
    // The modules go first (the pipeline's model through the harness's destroy), then the model's
    // shared object (built_).
    host_.reset();
    board_.reset();
}

std::unique_ptr<BoardEngine> BoardEngine::create(const ir::Program& program, sim::rtl::Built built,
                                                 const BoardConfig& config, std::string& error) {
    static bool elaborated = false;
    if (elaborated) {
        error = "a process runs one board (SystemC elaborates once)";
        return nullptr;
    }
    if (!built.lib) {
        error = built.library + " is not loaded";
        return nullptr;
    }
    std::unique_ptr<BoardEngine> e(new BoardEngine(program, std::move(built)));

    std::set<uint32_t> seen;
    for (const auto& p : config.ports) {
        if (p.port > 510) {
            error = fmt::format("port {} is out of range (0..510)", p.port);
            return nullptr;
        }
        if (!seen.insert(p.port).second) {
            error = fmt::format("port {} is listed twice", p.port);
            return nullptr;
        }
        if (config.cpuPort != 0 && p.port == config.cpuPort) {
            error = fmt::format(
                "port {} is the CPU port (the host's DMA channel), it cannot have a MAC", p.port);
            return nullptr;
        }
        if (!(p.gbps > 0)) {
            error = fmt::format("port {}: the line rate must be positive", p.port);
            return nullptr;
        }
    }
    if (!(config.clockMhz > 0) || config.inputFifoBeats < 1 || config.queueBeats < 1 ||
        config.csrLatencyNs < 0 || config.dmaLatencyNs < 0) {
        error = "the clock, FIFO and queue depths must be positive and latencies not negative";
        return nullptr;
    }

    const sim::rtl::Library& lib = *e->built_.lib;
    if (lib.dataWidth != e->built_.regmap.dataWidth) {
        error = fmt::format("{} has DATA_W={}, its register map says {}", e->built_.library,
                            lib.dataWidth, e->built_.regmap.dataWidth);
        return nullptr;
    }
    e->dataWidth_ = lib.dataWidth;

    elaborated = true;
    e->board_ = std::make_unique<Board>("board", config, lib);
    e->host_ = std::make_unique<Host>("host");
    e->host_->csr.bind(e->board_->csr);
    sc_core::sc_start(sc_core::SC_ZERO_TIME);  // elaboration and initialisation

    const regmap::RegMap& map = e->built_.regmap;
    auto id = e->read(map.pipelineBase + 4 * regmap::kWordId, error);
    if (!id) return nullptr;
    auto dw = e->read(map.pipelineBase + 4 * regmap::kWordDataWidth, error);
    if (!dw) return nullptr;
    if (*id != regmap::kPipelineId || *dw != static_cast<uint32_t>(e->dataWidth_)) {
        error = fmt::format(
            "the RTL model in {} does not identify as a DATA_W={} pipeline (ID 0x{:08x}, "
            "DATA_W {})",
            e->built_.dir, e->dataWidth_, *id, *dw);
        return nullptr;
    }
    e->loader_ = std::make_unique<tables::PipelineLoader>(program, map);
    if (!e->loader_->ok()) {
        error = e->loader_->error();
        return nullptr;
    }
    // Init walks, then the default actions and const entries, as the host's driver would.
    bool ok = true;
    const auto infos = e->loader_->initWalkInfoAddresses();
    const auto& initial = e->loader_->initial();
    BoardEngine* self = e.get();
    if (!e->run(
            [&] {
                for (uint32_t info : infos) {
                    for (uint64_t n = 0;; ++n) {
                        uint32_t v = 0;
                        if (!self->host_->read(info, v, error)) {
                            ok = false;
                            return;
                        }
                        if (!((v >> 23) & 1)) break;
                        if (n > kInitWalkPolls) {
                            error = fmt::format(
                                "the table block at 0x{:x} is still busy with its init walk",
                                info - 4);
                            ok = false;
                            return;
                        }
                    }
                }
                for (const auto& w : initial) {
                    if (!self->host_->write(w.addr, w.value, error)) {
                        ok = false;
                        return;
                    }
                }
            },
            kCsrLimit + sc_time(config.csrLatencyNs * 4 * (initial.size() + 1000), SC_NS), error)) {
        return nullptr;
    }
    if (!ok) return nullptr;
    e->board_->resetCounters();
    return e;
}

double BoardEngine::now() const { return sc_core::sc_time_stamp().to_seconds(); }

bool BoardEngine::run(const std::function<void()>& job, const sc_time& limit, std::string& error,
                      const std::function<void()>& tick) {
    if (broken_) {
        error = brokenReason_;
        return false;
    }
    host_->post(job);
    const sc_time until = sc_core::sc_time_stamp() + limit;
    // With a tick, in slices of about 1/200 of the limit (at least 1 us).
    const sc_time slice = tick ? std::max(limit / 200, sc_time(1000, SC_NS)) : limit;
    while (host_->busy() && sc_core::sc_time_stamp() < until) {
        sc_core::sc_start(std::min(slice, until - sc_core::sc_time_stamp()));
        if (tick) tick();
    }
    if (host_->busy()) {
        broken_ = true;
        brokenReason_ = fmt::format(
            "the board did not finish within {} of simulated time (at {}: input {}, output {})",
            limit.to_string(), sc_core::sc_time_stamp().to_string(),
            board_->inputIdle() ? "idle" : "busy", board_->outputIdle() ? "idle" : "busy");
        error = brokenReason_;
        return false;
    }
    return true;
}

std::optional<uint32_t> BoardEngine::read(uint32_t addr, std::string& error) {
    uint32_t value = 0;
    bool ok = false;
    if (!run([&] { ok = host_->read(addr, value, error); }, kCsrLimit, error)) return std::nullopt;
    if (!ok) return std::nullopt;
    return value;
}

bool BoardEngine::write(uint32_t addr, uint32_t value, std::string& error) {
    bool ok = false;
    if (!run([&] { ok = host_->write(addr, value, error); }, kCsrLimit, error)) return false;
    return ok;
}

std::optional<PipelineCounters> BoardEngine::pipelineCounters(std::string& error) {
    const uint32_t base = built_.regmap.pipelineBase;
    PipelineCounters c;
    bool ok = false;
    auto job = [&] {
        ok = host_->read(base + 4 * regmap::kWordRxPackets, c.rx, error) &&
             host_->read(base + 4 * regmap::kWordTxPackets, c.tx, error) &&
             host_->read(base + 4 * regmap::kWordDropped, c.dropped, error) &&
             host_->read(base + 4 * regmap::kWordTooLong, c.tooLong, error);
    };
    if (!run(job, kCsrLimit, error) || !ok) return std::nullopt;
    return c;
}

bool BoardEngine::apply(const tables::Command& command, std::string& error) {
    auto writes = loader_->apply(command, error);
    if (!writes) return false;
    bool ok = true;
    auto job = [&] {
        for (const auto& w : *writes) {
            if (!host_->write(w.addr, w.value, error)) {
                ok = false;
                return;
            }
        }
    };
    const sc_time limit = kCsrLimit +
                          sc_time(board_->config().csrLatencyNs * 2 * writes->size(), SC_NS) +
                          board_->clockPeriod() * static_cast<double>(16 * writes->size());
    return run(job, limit, error) && ok;
}

uint64_t BoardEngine::send(const sim::Packet& packet) {
    Pending p;
    p.seq = nextSeq_++;
    const uint32_t cpu = board_->config().cpuPort;
    if (packet.bytes.empty()) {
        p.error = "an empty packet cannot be sent (a frame has at least one byte)";
    } else if (cpu != 0 && packet.port == cpu) {
        board_->hostSend({packet.port, packet.bytes});
    } else if (Mac* mac = board_->mac(packet.port)) {
        mac->receive({packet.port, packet.bytes});
        pendingWireBytes_ += wireBytes(packet.bytes.size());
    } else {
        p.error = fmt::format("port {} has no MAC on this board (--ports)", packet.port);
    }
    pending_.push_back(std::move(p));
    return pending_.back().seq;
}

bool BoardEngine::settle(std::string& error) {
    Board& b = *board_;
    const sc_time poll = b.clockPeriod() * kPollCycles;
    while (!b.inputIdle()) sc_core::wait(poll);
    const uint32_t base = built_.regmap.pipelineBase;
    for (;;) {
        uint32_t rx = 0, tx = 0, dropped = 0;
        if (!host_->read(base + 4 * regmap::kWordTxPackets, tx, error) ||
            !host_->read(base + 4 * regmap::kWordDropped, dropped, error) ||
            !host_->read(base + 4 * regmap::kWordRxPackets, rx, error)) {
            return false;
        }
        const auto& c = b.counters();
        if (rx != static_cast<uint32_t>(c.enteredPipeline)) {
            error = fmt::format("the pipeline counted {} frames in, the board sent it {}", rx,
                                static_cast<uint32_t>(c.enteredPipeline));
            return false;
        }
        if (static_cast<uint32_t>(tx + dropped) == rx &&
            tx == static_cast<uint32_t>(c.leftPipeline)) {
            break;
        }
        sc_core::wait(poll);
    }
    while (!b.outputIdle()) sc_core::wait(poll);
    return true;
}

bool BoardEngine::drain(sim::Drained& out, std::string& error) {
    const Counters before = board_->counters();
    bool ok = false;
    const sc_time limit = kSettleLimit + wireTime(pendingWireBytes_, 1.0);
    const bool finished = run([&] { ok = settle(error); }, limit, error);
    pendingWireBytes_ = 0;
    ok = ok && finished;
    std::vector<Frame> outputs = board_->takeOutputs();

    // What the board itself dropped is an error of the packet: the STF runner says so.
    const Counters& after = board_->counters();
    std::string boardDrops;
    for (const auto& [port, c] : after.ingress) {
        const auto it = before.ingress.find(port);
        const uint64_t was = it == before.ingress.end() ? 0 : it->second.fifoDrops;
        if (c.fifoDrops > was) {
            boardDrops += fmt::format("{} frame(s) dropped by the full input FIFO of port {}; ",
                                      c.fifoDrops - was, port);
        }
    }
    for (const auto& [port, c] : after.egress) {
        const auto it = before.egress.find(port);
        const uint64_t was = it == before.egress.end() ? 0 : it->second.queueDrops;
        if (c.queueDrops > was) {
            boardDrops += fmt::format("{} frame(s) dropped by the full output queue of port {}; ",
                                      c.queueDrops - was, port);
        }
    }
    if (!boardDrops.empty()) boardDrops.resize(boardDrops.size() - 2);

    std::vector<sim::Completed> completed;
    for (auto& p : pending_) {
        sim::Completed c;
        c.packet = p.seq;
        c.error = std::move(p.error);
        completed.push_back(std::move(c));
    }
    if (completed.size() == 1 && ok) {
        for (auto& f : outputs) completed[0].outputs.push_back({f.port, std::move(f.bytes)});
        if (!boardDrops.empty() && completed[0].error.empty()) {
            completed[0].error = "the board dropped it: " + boardDrops;
        }
    } else {
        for (auto& f : outputs) out.unattributed.push_back({{f.port, std::move(f.bytes)}, -1, -1});
    }
    for (auto& c : completed) out.completed.push_back(std::move(c));
    pending_.clear();
    return ok;
}

bool BoardEngine::runTraffic(std::vector<std::pair<uint32_t, Generator>> generators,
                             std::string& error, const std::function<void(double)>& progress) {
    uint64_t total = 0;
    sc_time longest = sc_core::SC_ZERO_TIME;
    std::vector<uint32_t> ports;
    for (auto& [port, g] : generators) {
        Mac* mac = board_->mac(port);
        if (!mac) {
            error = fmt::format("port {} has no MAC on this board", port);
            return false;
        }
        double gbps = 0;
        for (const auto& p : board_->config().ports) {
            if (p.port == port) gbps = p.gbps;
        }
        // The wire time of the longest frame, times the count, bounds the offered time.
        if (g.count > 0) {
            const Frame probe = g.make(0);
            longest = std::max(longest, wireTime(wireBytes(probe.bytes.size()), gbps) *
                                            static_cast<double>(g.count));
        }
        total += g.count;
        ports.push_back(port);
        mac->generate(std::move(g));
    }
    bool ok = false;
    auto tick = [&] {
        if (!progress || total == 0) return;
        uint64_t offered = 0;
        for (uint32_t port : ports) {
            auto it = board_->counters().ingress.find(port);
            if (it != board_->counters().ingress.end()) offered += it->second.offered;
        }
        progress(static_cast<double>(offered) / static_cast<double>(total));
    };
    const bool finished =
        run([&] { ok = settle(error); }, longest * 2.0 + kSettleLimit, error, tick);
    return finished && ok;
}

}  // namespace hop::board
