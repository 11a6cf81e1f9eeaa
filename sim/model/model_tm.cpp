// SPDX-License-Identifier: Apache-2.0
// The reference interpreter: the traffic manager, as BMv2 simple_switch documents and implements
// it (docs/simple_switch.md's pseudocode; targets/simple_switch). A received packet makes passes
// through ingress and egress, queued in order:
//   after ingress   1. clone I2E requested: a copy of the packet as it was received, parsed
//                      again, to the mirroring session's port or multicast group; its metadata
//                      is zero but for the preserved fields and instance_type INGRESS_CLONE
//                   2. resubmit requested: the packet as received goes through ingress again
//                      (standard metadata as on arrival, user metadata zero but for the
//                      preserved fields, instance_type RESUBMIT); nothing else happens to it
//                   3. else mcast_grp != 0: one copy per port of each node of the group, with
//                      egress_rid the node's rid and instance_type REPLICATION
//                   4. else egress_spec 511: dropped
//                   5. else one copy to egress_spec (instance_type NORMAL)
//   after egress    1. clone E2E requested: a copy of the packet as egress left it (headers
//                      kept, metadata zero but for the preserved fields, instance_type
//                      EGRESS_CLONE) into egress again, on the session's port(s)
//                   2. egress_spec 511: dropped
//                   3. deparsed; recirculate requested: the frame goes through ingress again
//                      (instance_type RECIRC, user metadata zero but for the preserved fields)
//                   4. else it leaves on egress_port
// A clone to a session that is not configured makes no copy (simple_switch ignores it).
// Every copy into egress passes through its queue (port, priority), as on the switch top: egress
// takes it at once unless the port is paused (port_pause), when it waits, in order, until
// port_resume (resume()) sends the port's copies through egress, highest priority first, or is
// dropped at the tail when its queue holds set_queue_depth's limit (256, the switch top's
// queue size, when none was set). The queue metadata counts these copies: enq_qdepth the
// copies ahead in the queue at the enqueue, deq_qdepth those left behind at the dequeue,
// enq_timestamp the packet's arrival and deq_timedelta the time it waited, in microseconds of
// the engine's clock; egress_global_timestamp is the dequeue. The switch top reports the same
// depths and times for the same pauses (its `now` is the engine's latest arrival time).
#include <fmt/format.h>

#include "sim/model/model_impl.hpp"

namespace hop::sim {

PacketState Model::Impl::snapshot(const std::shared_ptr<const std::vector<uint8_t>>& frame,
                                  size_t payloadStart) const {
    return PacketState{phv, valid, varbitBits, frame, payloadStart};
}

void Model::Impl::restore(const PacketState& s) {
    phv = s.phv;
    valid = s.valid;
    varbitBits = s.varbitBits;
}

// The values of the fields a clone, resubmit or recirculate keeps (ir.hpp's FieldList), read
// now: simple_switch copies them when the control is done, whatever ran after the call.
std::vector<std::pair<ir::FieldId, BigInt>> Model::Impl::preserved(ir::FieldId listRef) const {
    std::vector<std::pair<ir::FieldId, BigInt>> out;
    if (listRef < 0) return out;
    const auto ref = static_cast<size_t>(phv[listRef]);
    if (ref == 0 || ref > p.fieldLists.size()) return out;
    for (ir::FieldId f : p.fieldLists[ref - 1].fields) out.emplace_back(f, phv[f]);
    return out;
}

// simple_switch's reset_metadata: every metadata field and temporary to 0 (headers stay).
void Model::Impl::resetMetadata() {
    for (size_t f = 0; f < p.fields.size(); ++f)
        if (p.headers[p.fields[f].header].kind != ir::Header::Kind::Packet) phv[f] = 0;
}

// A packet instance ends here: counted by `reason` (the decision's reason when it is the first
// fate of the packet), traced as `text` (the reason when empty).
void Model::Impl::dropInstance(Result& result, const std::string& reason, const std::string& text) {
    ++dropCounts[reason];
    note(TraceEvent::Kind::Drop, text.empty() ? reason : text);
    if (decided) return;
    decided = true;
    result.decision.kind = Decision::Kind::Drop;
    result.decision.egressPort = kDropPort;
    result.decision.reason = reason;
}

void Model::Impl::enqueueEgress(const PacketState& s, uint32_t port, uint32_t rid,
                                uint32_t instanceType, int reentries, Result& result,
                                std::deque<PipelineJob>& queue) {
    PipelineJob j;
    j.egress = true;
    j.port = port;
    j.rid = rid;
    j.instanceType = instanceType;
    j.reentries = reentries;
    j.state = s;
    const uint32_t priority = fPriority >= 0 ? static_cast<uint32_t>(s.phv[fPriority]) : 0;
    if (toQueue(j, priority, result)) queue.push_back(std::move(j));
}

size_t Model::Impl::heldDepth(uint32_t port, uint32_t priority) const {
    if (held.empty()) return 0;
    auto it = held.find({port, priority});
    return it == held.end() ? 0 : it->second.size();
}

bool Model::Impl::toQueue(PipelineJob& job, uint32_t priority, Result& result) {
    priority &= kMaxPriority;
    const size_t depth = heldDepth(job.port, priority);
    job.enqQdepth = static_cast<uint32_t>(depth);
    job.enqUs = nowUs;
    if (!tm.paused(job.port)) return true;
    const uint64_t limit = tm.queueDepth(job.port, kDefaultQueueDepth);
    if (depth >= limit) {
        const std::string reason =
            fmt::format("queue full (port {}, priority {}, {} copies)", job.port, priority, limit);
        dropInstance(result, reason, "tail drop: " + reason);
        return false;
    }
    note(TraceEvent::Kind::Note,
         fmt::format("port {} paused: the copy waits in its queue (priority {}, {} ahead)",
                     job.port, priority, depth));
    if (!decided) {
        decided = true;
        result.decision.kind = Decision::Kind::Forward;
        result.decision.egressPort = job.port;
        result.decision.reason = fmt::format("waits in paused port {}'s queue", job.port);
    }
    held[{job.port, priority}].push_back(std::move(job));
    return false;
}

// port_resume: the port's waiting copies through egress, highest priority first.
Result Model::Impl::resume(uint32_t port) {
    Result result;
    tracing = false;
    trace = &result.trace;
    sentOutput = decided = false;
    std::deque<PipelineJob> queue;
    for (int prio = kMaxPriority; prio >= 0; --prio) {
        auto it = held.find({port, static_cast<uint32_t>(prio)});
        if (it == held.end()) continue;
        while (!it->second.empty()) {
            queue.push_back(std::move(it->second.front()));
            it->second.pop_front();
            queue.back().deqQdepth = static_cast<uint32_t>(it->second.size());
        }
        held.erase(it);
    }
    guarded(result, [&] { runJobs(queue, result); });
    finish();
    return result;
}

// The copies of a clone to `session`: its port, or one per replica of its multicast group.
void Model::Impl::cloneTo(const PacketState& copy, uint32_t session, uint32_t type, int reentries,
                          Result& result, std::deque<PipelineJob>& queue) {
    const auto cfg = tm.mirror(session);
    if (!cfg) {
        note(TraceEvent::Kind::Note,
             fmt::format("clone to mirroring session {}: not configured, no copy", session));
        return;
    }
    if (cfg->port) {
        note(TraceEvent::Kind::Note,
             fmt::format("clone to mirroring session {}: port {}", session, *cfg->port));
        enqueueEgress(copy, *cfg->port, 0, type, reentries, result, queue);
    }
    if (cfg->group) {
        const auto replicas = tm.replicate(*cfg->group);
        note(TraceEvent::Kind::Note,
             fmt::format("clone to mirroring session {}: multicast group {} ({} copies)", session,
                         *cfg->group, replicas.size()));
        for (const auto& r : replicas)
            enqueueEgress(copy, r.port, r.rid, type, reentries, result, queue);
    }
}

void Model::Impl::runPasses(const Packet& packet, Result& result) {
    std::deque<PipelineJob> queue;
    PipelineJob first;
    first.port = packet.port;
    first.frame = std::make_shared<const std::vector<uint8_t>>(packet.bytes);
    queue.push_back(std::move(first));
    runJobs(queue, result);
    if (!decided) dropInstance(result, "no copy left the traffic manager");
}

void Model::Impl::runJobs(std::deque<PipelineJob>& queue, Result& result) {
    int instances = 0;
    while (!queue.empty()) {
        PipelineJob job = std::move(queue.front());
        queue.pop_front();
        if (job.egress && ++instances > kMaxInstances) {
            dropInstance(result,
                         fmt::format("instance limit ({} copies of one packet)", kMaxInstances));
            continue;
        }
        if (job.egress)
            egressPass(job, result, queue);
        else
            ingressPass(job, result, queue);
    }
}

void Model::Impl::ingressPass(PipelineJob& job, Result& result, std::deque<PipelineJob>& queue) {
    resetPacketState();
    const std::vector<uint8_t>& bytes = *job.frame;
    input = &bytes;
    ingressLength = bytes.size();
    if (fIngressPort >= 0) phv[fIngressPort] = wrap(job.port, p.fields[fIngressPort].width);
    if (fPacketLength >= 0) phv[fPacketLength] = bytes.size();
    if (fInstanceType >= 0) phv[fInstanceType] = job.instanceType;
    if (fPacketSeq >= 0) phv[fPacketSeq] = packetSeq;
    // BMv2's clock in microseconds: the arrival time, and (no queue between the pipelines) the
    // same time when egress starts; the hardware samples the same time with the first beat.
    if (fIngressTimestamp >= 0)
        phv[fIngressTimestamp] = wrap(nowUs, p.fields[fIngressTimestamp].width);
    for (const auto& [f, v] : job.keep) phv[f] = v;
    if (job.instanceType == kInstanceNormal) {
        note(TraceEvent::Kind::Note, "packet in on port " + std::to_string(job.port) + " (" +
                                         std::to_string(bytes.size()) + " bytes)");
    } else {
        note(TraceEvent::Kind::Note,
             fmt::format("{} packet into ingress (instance_type {}, {} bytes)",
                         job.instanceType == kInstanceResubmit ? "resubmitted" : "recirculated",
                         job.instanceType, bytes.size()));
    }
    runParser();
    // The payload is what the parser did not consume.
    const size_t payloadStart = std::min((cursor + 7) / 8, bytes.size());
    verifyChecksums(payloadStart);
    input = nullptr;

    runControl(p.ingress);
    takeDigest(result);
    // The packet as ingress left it, for the copies the traffic manager makes; not needed (nor
    // made) for a packet that only goes on to egress.
    std::optional<PacketState> ingressEnd;
    auto atIngressEnd = [&]() -> const PacketState& {
        if (!ingressEnd) ingressEnd = snapshot(job.frame, payloadStart);
        return *ingressEnd;
    };

    // 1. Clone I2E: the packet as received, parsed again, metadata reset.
    if (fClone >= 0 && phv[fClone] != 0) {
        const auto session = static_cast<uint32_t>(phv[fCloneSession]);
        const auto keep = preserved(fCloneList);
        atIngressEnd();
        resetPacketState();
        if (fIngressPort >= 0) phv[fIngressPort] = wrap(job.port, p.fields[fIngressPort].width);
        if (fPacketLength >= 0) phv[fPacketLength] = bytes.size();
        input = &bytes;
        const bool wasTracing = tracing;
        tracing = false;  // the same parse again: not traced twice
        runParser();
        tracing = wasTracing;
        const size_t cloneStart = std::min((cursor + 7) / 8, bytes.size());
        input = nullptr;
        resetMetadata();
        for (const auto& [f, v] : keep) phv[f] = v;
        if (fInstanceType >= 0) phv[fInstanceType] = kInstanceIngressClone;
        if (fPacketLength >= 0) phv[fPacketLength] = bytes.size();
        const PacketState copy = snapshot(job.frame, cloneStart);
        cloneTo(copy, session, kInstanceIngressClone, job.reentries, result, queue);
        restore(*ingressEnd);
    }
    // 2. Resubmit: the packet as received, through ingress again.
    if (fResubmit >= 0 && phv[fResubmit] != 0) {
        if (job.reentries >= kMaxReentries) {
            const std::string reason = fmt::format("re-entry limit ({})", kMaxReentries);
            dropInstance(result, reason, reason + ": resubmit dropped");
            return;
        }
        note(TraceEvent::Kind::Note, "resubmit: the packet as received goes through ingress again");
        PipelineJob r;
        r.port = job.port;
        r.instanceType = kInstanceResubmit;
        r.reentries = job.reentries + 1;
        r.frame = job.frame;
        r.keep = preserved(fResubmit);
        queue.push_back(std::move(r));
        return;
    }
    // 3. Multicast.
    const uint32_t group = fMcastGrp >= 0 ? static_cast<uint32_t>(phv[fMcastGrp]) : 0;
    if (group != 0) {
        const auto replicas = tm.replicate(group);
        note(TraceEvent::Kind::Note,
             fmt::format("multicast group {}: {} copies", group, replicas.size()));
        if (replicas.empty()) {
            const std::string reason = fmt::format("multicast group {} has no copies", group);
            dropInstance(
                result, reason,
                reason + (tm.hasGroup(group) ? " (no node with a port)" : " (no such group)"));
            return;
        }
        for (const auto& r : replicas)
            enqueueEgress(atIngressEnd(), r.port, r.rid, kInstanceReplication, job.reentries,
                          result, queue);
        return;
    }
    // 4. Drop, 5. unicast.
    if (egressSpec() == kDropPort) {
        const std::string reason = egressSpecByMark ? "mark_to_drop in ingress" : "egress_spec 511";
        dropInstance(result, reason,
                     "drop after ingress: " + reason +
                         (egressSpecByMark ? " (" + dropContext() + ")" : std::string()));
        return;
    }
    if (!queue.empty() || tm.paused(egressSpec())) {
        enqueueEgress(atIngressEnd(), egressSpec(), 0, kInstanceNormal, job.reentries, result,
                      queue);
        return;
    }
    // Nothing else queued (the common case): egress goes on with the state as it is.
    PipelineJob unicast;
    unicast.egress = true;
    unicast.port = egressSpec();
    unicast.reentries = job.reentries;
    unicast.state.frame = job.frame;
    unicast.state.payloadStart = payloadStart;
    const uint32_t priority = fPriority >= 0 ? static_cast<uint32_t>(phv[fPriority]) : 0;
    toQueue(unicast, priority, result);
    egressPass(unicast, result, queue, true);
}

void Model::Impl::egressPass(PipelineJob& job, Result& result, std::deque<PipelineJob>& queue,
                             bool live) {
    if (live) {
        egressSpecByMark = false;  // the packet's state is ingress's, as it left it
    } else {
        resetPacketState();
        restore(job.state);
    }
    const std::vector<uint8_t>& frame = *job.state.frame;
    const size_t payloadStart = job.state.payloadStart;
    if (fEgressPort >= 0) phv[fEgressPort] = wrap(job.port, p.fields[fEgressPort].width);
    if (fEgressRid >= 0) phv[fEgressRid] = wrap(job.rid, p.fields[fEgressRid].width);
    if (fInstanceType >= 0) phv[fInstanceType] = job.instanceType;
    if (fEgressTimestamp >= 0)
        phv[fEgressTimestamp] = wrap(nowUs, p.fields[fEgressTimestamp].width);
    if (fEnqTimestamp >= 0) phv[fEnqTimestamp] = wrap(job.enqUs, p.fields[fEnqTimestamp].width);
    if (fEnqQdepth >= 0) phv[fEnqQdepth] = wrap(job.enqQdepth, p.fields[fEnqQdepth].width);
    if (fDeqTimedelta >= 0)
        phv[fDeqTimedelta] = wrap(nowUs - job.enqUs, p.fields[fDeqTimedelta].width);
    if (fDeqQdepth >= 0) phv[fDeqQdepth] = wrap(job.deqQdepth, p.fields[fDeqQdepth].width);
    // Requests start clear in every control.
    for (ir::FieldId f : {fClone, fCloneSession, fCloneList, fResubmit, fRecirculate})
        if (f >= 0) phv[f] = 0;
    if (job.instanceType != kInstanceNormal || job.rid != 0)
        note(TraceEvent::Kind::Note,
             fmt::format("into egress on port {} (instance_type {}, egress_rid {})", job.port,
                         job.instanceType, job.rid));
    runControl(p.egress);

    // 1. Clone E2E: the packet as egress left it, metadata reset.
    if (fClone >= 0 && phv[fClone] != 0) {
        const auto session = static_cast<uint32_t>(phv[fCloneSession]);
        if (job.reentries >= kMaxReentries) {
            const std::string reason = fmt::format("re-entry limit ({})", kMaxReentries);
            dropInstance(result, reason, reason + ": egress-to-egress clone not made");
        } else {
            const auto keep = preserved(fCloneList);
            const PacketState egressEnd = snapshot(job.state.frame, payloadStart);
            const BigInt length = fPacketLength >= 0 ? phv[fPacketLength] : BigInt(0);
            resetMetadata();
            for (const auto& [f, v] : keep) phv[f] = v;
            if (fInstanceType >= 0) phv[fInstanceType] = kInstanceEgressClone;
            if (fPacketLength >= 0) phv[fPacketLength] = length;
            const PacketState copy = snapshot(job.state.frame, payloadStart);
            cloneTo(copy, session, kInstanceEgressClone, job.reentries + 1, result, queue);
            restore(egressEnd);
        }
    }
    // 2. simple_switch drops a packet whose egress_spec is 511 after egress as well.
    if (egressSpec() == kDropPort) {
        const std::string reason =
            egressSpecByMark ? "mark_to_drop in egress" : "egress_spec 511 in egress";
        dropInstance(result, reason,
                     "drop after egress: " + reason +
                         (egressSpecByMark ? " (" + dropContext() + ")" : std::string()));
        return;
    }
    updateChecksums(frame, payloadStart);
    Packet out;
    out.port = fEgressPort >= 0 ? static_cast<uint32_t>(phv[fEgressPort]) : egressSpec();
    const ir::HeaderId first = deparse(frame, payloadStart, out.bytes);
    if (fTruncate >= 0 && phv[fTruncate] != 0 && phv[fTruncateLength] < out.bytes.size()) {
        const auto n = static_cast<size_t>(phv[fTruncateLength]);
        note(TraceEvent::Kind::Note, "truncate: " + std::to_string(out.bytes.size()) +
                                         " bytes cut to " + std::to_string(n));
        out.bytes.resize(n);
        if (n == 0) {
            dropInstance(result, "truncated to 0 bytes");
            return;
        }
    }
    if (out.bytes.empty()) {
        // No header emitted and every byte consumed: there is no frame to send (the hardware's
        // deparser drops it too).
        dropInstance(result, "nothing to send (no header emitted, no payload)");
        return;
    }
    // 3. Recirculate: the deparsed frame into ingress again.
    if (fRecirculate >= 0 && phv[fRecirculate] != 0) {
        if (job.reentries >= kMaxReentries) {
            const std::string reason = fmt::format("re-entry limit ({})", kMaxReentries);
            dropInstance(result, reason, reason + ": recirculate dropped");
            return;
        }
        note(TraceEvent::Kind::Note,
             fmt::format("recirculate: {} bytes into ingress again", out.bytes.size()));
        PipelineJob r;
        r.port = fIngressPort >= 0 ? static_cast<uint32_t>(phv[fIngressPort]) : 0;
        r.instanceType = kInstanceRecirc;
        r.reentries = job.reentries + 1;
        r.frame = std::make_shared<const std::vector<uint8_t>>(std::move(out.bytes));
        r.keep = preserved(fRecirculate);
        queue.push_back(std::move(r));
        return;
    }
    sendOutput(result, std::move(out), first);
}

// 4. The packet leaves: a punt when it carries packet_in or leaves on the CPU port.
void Model::Impl::sendOutput(Result& result, Packet out, ir::HeaderId first) {
    Decision d;
    d.egressPort = out.port;
    if (first >= 0 && p.headers[first].controllerHeader == "packet_in") {
        d.kind = Decision::Kind::Punt;
        for (ir::FieldId f : p.headers[first].fields) {
            const std::string& n = p.fields[f].name;
            if (n.size() >= 7 && n.compare(n.size() - 7, 7, ".reason") == 0)
                d.reason = phv[f].str();
        }
    } else if (cpuPort != 0 && out.port == cpuPort) {
        d.kind = Decision::Kind::Punt;
    }
    if (d.kind == Decision::Kind::Punt) {
        note(TraceEvent::Kind::Note,
             "punt to the CPU on port " + std::to_string(out.port) +
                 (d.reason.empty() ? std::string() : ", reason " + d.reason) + " (" +
                 std::to_string(out.bytes.size()) + " bytes)");
    } else {
        note(TraceEvent::Kind::Note, "forward to port " + std::to_string(out.port) + " (" +
                                         std::to_string(out.bytes.size()) + " bytes)");
    }
    if (!sentOutput) {
        result.decision = d;
        sentOutput = decided = true;
    }
    result.outputs.push_back(std::move(out));
}

}  // namespace hop::sim
