// SPDX-License-Identifier: Apache-2.0
// What hopsim's commands run packets on: the reference model (ModelEngine) or the Verilated
// pipeline (sim/rtl/RtlEngine). An engine takes table commands and packets and gives back what
// left the pipeline, in order. It streams: send() may be called many times before drain(), so
// `hopsim run` can push packets back to back; the STF runner drains after every packet, which
// ties each output to the packet that caused it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ir/ir.hpp"
#include "runtime/tables/entry.hpp"
#include "sim/model/model.hpp"

namespace hop::sim {

// One sent packet, once the engine is done with it.
struct Completed {
    uint64_t packet = 0;  // the send() sequence number (0, 1, ...)
    // The packets that left, in order. An engine that cannot tell which sent packet caused an
    // output (the RTL with several packets in flight) reports outputs in `Drained::unattributed`
    // instead.
    std::vector<Packet> outputs;
    std::optional<Decision> decision;  // the model's decision; the RTL does not know it
    std::string error;                 // the model could not run the packet
    std::vector<TraceEvent> trace;     // the model's trace (when tracing)
    // RTL cycle numbers (-1 when unknown): first/last beat accepted at the input, first/last
    // beat of the output.
    int64_t inFirst = -1, inLast = -1, outFirst = -1, outLast = -1;
};

struct Drained {
    std::vector<Completed> completed;  // in send order
    // Outputs no single packet can be held responsible for (several packets were in flight),
    // with the cycle their first beat left and the last packet that had started to enter by
    // then.
    struct Output {
        Packet packet;
        int64_t firstCycle = -1;
        int64_t lastPacketIn = -1;  // send() number; -1 when none
    };
    std::vector<Output> unattributed;
    // The digests the pipeline sent (v1model's digest, ir.hpp's Digest), in the order it sent
    // them: the packets' order on both engines.
    std::vector<DigestMessage> digests;
};

class Engine {
  public:
    virtual ~Engine() = default;
    virtual const ir::Program& program() const = 0;
    virtual std::string name() const = 0;  // "model", "rtl"

    // Table state; false with `error` when the command cannot be applied (the tables are left as
    // they were).
    virtual bool apply(const tables::Command& command, std::string& error) = 0;

    // Queues a packet; returns its sequence number.
    virtual uint64_t send(const Packet& packet) = 0;
    // Runs until every queued packet has left or been dropped. False with `error` when the
    // engine itself failed (the RTL did not drain within its cycle limit, a bus error); what
    // completed before that is still in `out`.
    virtual bool drain(Drained& out, std::string& error) = 0;

    // Whether the engine explains its decisions (drop reasons, traces).
    virtual bool knowsDecisions() const = 0;
    // The CPU port punts leave on, when the program names one (0 when unknown).
    virtual uint32_t cpuPort() const = 0;
    // The traffic manager's configuration (multicast groups, mirroring sessions); null for an
    // engine without one (the RTL pipeline: the switch top's comes with issue 16).
    virtual tables::TrafficManager* trafficManager() { return nullptr; }
    // Runs a traffic-manager command (mc_*, mirroring_*, set_queue_*) on it, all or nothing;
    // `out` gets what BMv2's CLI prints. An engine whose hardware holds the state overrides it.
    virtual bool runTm(const tables::TmCommand& command, std::vector<std::string>& out,
                       std::string& error) {
        tables::TrafficManager* tm = trafficManager();
        if (!tm) {
            error = "no traffic manager";
            return false;
        }
        return tables::runTmCommand(*tm, command, out, error);
    }
};

// The reference interpreter behind the Engine interface. Packets are run at send() (so the
// model's per-packet result, trace and error are kept) and handed out at drain().
class ModelEngine : public Engine {
  public:
    explicit ModelEngine(const ir::Program& program, bool trace = false)
        : model_(program), trace_(trace) {}
    const ir::Program& program() const override { return model_.program(); }
    std::string name() const override { return "model"; }
    bool apply(const tables::Command& command, std::string& error) override {
        return model_.apply(command, error);
    }
    uint64_t send(const Packet& packet) override {
        Result r = model_.process(packet, trace_);
        Completed c;
        c.packet = next_++;
        c.outputs = std::move(r.outputs);
        c.decision = std::move(r.decision);
        c.error = std::move(r.error);
        c.trace = std::move(r.trace);
        for (auto& d : r.digests) digests_.push_back(std::move(d));
        pending_.push_back(std::move(c));
        return pending_.back().packet;
    }
    bool drain(Drained& out, std::string&) override {
        for (auto& c : pending_) out.completed.push_back(std::move(c));
        pending_.clear();
        for (auto& d : digests_) out.digests.push_back(std::move(d));
        digests_.clear();
        for (auto& o : released_) out.unattributed.push_back(std::move(o));
        released_.clear();
        return true;
    }
    bool knowsDecisions() const override { return true; }
    uint32_t cpuPort() const override { return model_.cpuPort(); }
    tables::TrafficManager* trafficManager() override { return &model_.trafficManager(); }
    // port_resume sends the copies that waited for the port through egress: what leaves is
    // handed out at the next drain(), no sent packet's own.
    bool runTm(const tables::TmCommand& command, std::vector<std::string>& out,
               std::string& error) override {
        if (!Engine::runTm(command, out, error)) return false;
        if (command.kind == tables::TmCommand::Kind::PortResume) {
            Result r = model_.resume(command.port.value_or(0));
            for (auto& p : r.outputs) released_.push_back({std::move(p), -1, -1});
            for (auto& d : r.digests) digests_.push_back(std::move(d));
        }
        return true;
    }

    Model& model() { return model_; }
    void setTrace(bool trace) { trace_ = trace; }

  private:
    Model model_;
    bool trace_ = false;
    uint64_t next_ = 0;
    std::vector<Completed> pending_;
    std::vector<DigestMessage> digests_;
    std::vector<Drained::Output> released_;  // port_resume's outputs
};

}  // namespace hop::sim
