// SPDX-License-Identifier: Apache-2.0
#include "sim/rtl/rtl_engine.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cstring>

#include "regmap/buffer_words.hpp"
#include "regmap/queue_words.hpp"
#include "regmap/tm_words.hpp"
#include "runtime/tables/digest_csr.hpp"

namespace hop::sim::rtl {

namespace {
constexpr int kBusTimeout = 1000;             // cycles for one AXI4-Lite transaction
constexpr uint64_t kInitWalkLimit = 4000000;  // cycles for the tables' init walks
// drain() pops the digest FIFO this often while frames stream: fewer digests than the FIFO
// holds arrive meanwhile (at most one per cycle, plus the frames in flight while it pops).
constexpr uint64_t kDigestPollCycles = 16;
}  // namespace

RtlEngine::RtlEngine(const ir::Program& program, Built built, const RtlOptions& options)
    : program_(program),
      built_(std::move(built)),
      options_(options),
      rng_(options.seed),
      idle_(std::clamp(options.idleIn, 0.0, 1.0)),
      stall_(std::clamp(options.stallOut, 0.0, 1.0)) {
    lanes_ = built_.lib->dataWidth / 8;
    streams_ = built_.lib->streams;
    model_ = built_.lib->create(options.seed);
    io_.m_tready = 1;
    io_.bready = 1;
    io_.rready = 1;
    io_.wstrb = 0xf;
    stream_.resize(static_cast<size_t>(streams_));
    if (streams_ == 1) {
        stream_[0].in = {io_.s_tdata, &io_.s_tkeep, &io_.s_tvalid, &io_.s_tlast, &io_.s_tready};
        stream_[0].out = {io_.m_tdata, &io_.m_tkeep, &io_.m_tvalid, &io_.m_tlast, &io_.m_tready};
        return;
    }
    // A switch: front-panel port i is stream i, the CPU port the last.
    for (int i = 0; i < streams_; ++i) {
        hop_rtl_stream& in = io_.in[i];
        hop_rtl_stream& out = io_.out[i];
        out.tready = 1;
        stream_[i].in = {in.tdata, &in.tkeep, &in.tvalid, &in.tlast, &in.tready};
        stream_[i].out = {out.tdata, &out.tkeep, &out.tvalid, &out.tlast, &out.tready};
        stream_[i].port = i + 1 < streams_ ? static_cast<uint32_t>(i) : options_.cpuPort;
    }
}

int RtlEngine::streamOf(uint32_t port) const {
    if (streams_ == 1) return 0;
    if (port == options_.cpuPort) return streams_ - 1;
    return port < static_cast<uint32_t>(streams_ - 1) ? static_cast<int>(port) : -1;
}

RtlEngine::~RtlEngine() {
    if (model_ && tracing_) built_.lib->traceClose(model_);
    if (model_) built_.lib->destroy(model_);
}

std::unique_ptr<RtlEngine> RtlEngine::create(const ir::Program& program, Built built,
                                             const RtlOptions& options, std::string& error) {
    if (!options.tracePath.empty() && (!built.lib->traceOpen || !built.lib->traceClose)) {
        error = built.library + " was built without waveforms (build it with tracing)";
        return nullptr;
    }
    if (built.lib->streams > 1) {
        // The switch's CPU port is the one it was generated with.
        if (!built.switchInfo || built.lib->streams != built.switchInfo->ports + 1) {
            error = built.library + " is a switch top without its parameters (switch.json)";
            return nullptr;
        }
    }
    RtlOptions opts = options;
    if (built.switchInfo && built.lib->streams > 1)
        opts.cpuPort = static_cast<uint32_t>(built.switchInfo->cpuPort);
    std::unique_ptr<RtlEngine> e(new RtlEngine(program, std::move(built), opts));
    const regmap::RegMap& map = e->built_.regmap;
    // The model must be the pipeline the register map describes.
    auto id = e->read(map.pipelineBase + 4 * regmap::kWordId, error);
    if (!id) return nullptr;
    auto width = e->read(map.pipelineBase + 4 * regmap::kWordDataWidth, error);
    if (!width) return nullptr;
    if (*id != regmap::kPipelineId || *width != static_cast<uint32_t>(e->dataWidth())) {
        error = fmt::format(
            "the RTL model in {} does not identify as a DATA_W={} pipeline "
            "(ID 0x{:08x}, DATA_W {})",
            e->built_.dir, e->dataWidth(), *id, *width);
        return nullptr;
    }
    e->loader_ = std::make_unique<tables::PipelineLoader>(program, map);
    if (!e->loader_->ok()) {
        error = e->loader_->error();
        return nullptr;
    }
    // A block's init walk (INFO[23] busy): until it is done, or an error naming `what`.
    auto waitIdle = [&](uint32_t info, const std::string& what) {
        for (;;) {
            auto v = e->read(info, error);
            if (!v) return false;
            if (!((*v >> 23) & 1)) return true;
            if (e->stats_.cycles > kInitWalkLimit) {
                error = fmt::format("{} is still busy with its init walk after {} cycles", what,
                                    e->stats_.cycles);
                return false;
            }
        }
    };
    for (uint32_t info : e->loader_->initWalkInfoAddresses()) {
        if (!waitIdle(info, fmt::format("the table block at 0x{:x}", info - 4))) return nullptr;
    }
    for (const auto& w : e->loader_->initial()) {
        if (!e->write(w.addr, w.value, error)) return nullptr;
    }
    if (e->isSwitch()) {
        // The traffic manager's init walks (its buffer's free list, the replication tables).
        const program::SwitchInfo& sw = *e->built_.switchInfo;
        if (!waitIdle(sw.base + regmap::kTmOwnOffset + 4 * regmap::kTmWordInfo,
                      "the traffic manager"))
            return nullptr;
        RtlEngine* self = e.get();
        e->tmCsr_ = std::make_unique<tables::SwitchTmCsr>(
            tables::switchTmGeometry(sw),
            tables::CsrPort{
                [self](uint32_t addr, std::string& err) { return self->read(addr, err); },
                [self](uint32_t addr, uint32_t value, std::string& err) {
                    return self->write(addr, value, err);
                }});
        if (!e->tmCsr_->checkInfo(error)) return nullptr;
    }
    e->resetStats();
    return e;
}

bool RtlEngine::runTm(const tables::TmCommand& command, std::vector<std::string>& out,
                      std::string& error) {
    if (!tmCsr_) return Engine::runTm(command, out, error);
    if (!tmCsr_->run(tm_, command, out, error)) return false;
    pausedSeen_.clear();
    return true;
}

std::optional<uint32_t> RtlEngine::queueWord(uint32_t port, uint32_t priority, uint32_t word,
                                             std::string& error) {
    const int stream = streamOf(port);
    if (!tmCsr_ || stream < 0) {
        error = fmt::format("no queue of port {} here", port);
        return std::nullopt;
    }
    return tmCsr_->readQueue(static_cast<uint32_t>(stream), priority, word, error);
}

std::optional<uint32_t> RtlEngine::queueDrops(uint32_t port, uint32_t priority,
                                              std::string& error) {
    return queueWord(port, priority, regmap::kQueueWordDrops, error);
}

std::optional<uint32_t> RtlEngine::queueDepth(uint32_t port, uint32_t priority,
                                              std::string& error) {
    return queueWord(port, priority, regmap::kQueueWordDepth, error);
}

bool RtlEngine::holdOutput(uint32_t port, bool hold) {
    const int stream = streamOf(port);
    if (stream < 0) return false;
    stream_[static_cast<size_t>(stream)].held = hold;
    return true;
}

void RtlEngine::cycle() {
    // The waveform window.
    if (!options_.tracePath.empty() && !traceDone_) {
        if (!tracing_ && stats_.cycles >= options_.traceFrom) {
            if (built_.lib->traceOpen(model_, options_.tracePath.c_str()) != 0) {
                traceDone_ = true;  // create() checked the model; the file could not be opened
                traceError_ = "cannot write waveforms to " + options_.tracePath;
            } else {
                tracing_ = true;
            }
        } else if (tracing_ && options_.traceCycles &&
                   stats_.cycles >= options_.traceFrom + options_.traceCycles) {
            built_.lib->traceClose(model_);
            tracing_ = false;
            traceDone_ = true;
        }
    }
    // Sources and sinks: what each offers and takes this cycle.
    if (streams_ == 1) {
        Stream& st = stream_[0];
        source(st, -1);
        if (io_.s_tvalid) {
            const InFrame& f = st.queue.front();
            io_.s_tuser = f.packet.port;
            io_.s_ttime = f.packet.timeNs / 1000;  // BMv2's clock: whole microseconds
        }
        io_.m_tready = !(options_.stallOut > 0 && stall_(rng_)) && !st.held;
    } else {
        // A switch's clock (`now`, BMv2's microseconds): the latest arrival time of the frames
        // offered so far, so a frame's timestamps are its own when frames come one at a time.
        for (Stream& st : stream_) {
            source(st, -1);
            if (*st.in.tvalid)
                io_.s_ttime =
                    std::max<uint64_t>(io_.s_ttime, st.queue.front().packet.timeNs / 1000);
            *st.out.tready = !(options_.stallOut > 0 && stall_(rng_)) && !st.held;
        }
    }

    built_.lib->cycle(model_, &io_);
    const int64_t now = static_cast<int64_t>(stats_.cycles);
    ++stats_.cycles;

    for (Stream& st : stream_) {
        source(st, now);
        sink(st, now);
    }
}

// Before the clock (now < 0): offers the stream's next beat, unless idle. After it: takes the
// beat when the model was ready.
void RtlEngine::source(Stream& st, int64_t now) {
    if (now < 0) {
        InFrame* in = st.queue.empty() || (holdInput_ && st.queue.front().offset == 0) ||
                              (options_.idleIn > 0 && idle_(rng_))
                          ? nullptr
                          : &st.queue.front();
        *st.in.tvalid = in != nullptr;
        if (!in) return;
        const auto& bytes = in->packet.bytes;
        const size_t n = std::min<size_t>(lanes_, bytes.size() - in->offset);
        std::memcpy(st.in.tdata, bytes.data() + in->offset, n);
        if (n < static_cast<size_t>(lanes_)) std::memset(st.in.tdata + n, 0, lanes_ - n);
        *st.in.tkeep = n >= 64 ? ~uint64_t{0} : ((uint64_t{1} << n) - 1);
        *st.in.tlast = in->offset + n == bytes.size();
        return;
    }
    if (!*st.in.tvalid) return;
    if (!*st.in.tready) {
        ++stats_.inStalls;
        return;
    }
    InFrame* in = &st.queue.front();
    const size_t n = std::min<size_t>(lanes_, in->packet.bytes.size() - in->offset);
    if (in->offset == 0) {
        in->firstCycle = now;
        lastInFirst_ = now;
        lastEntered_ = std::max(lastEntered_, static_cast<int64_t>(in->seq));
        ++stats_.framesIn;
        ++framesPushed_;
        if (stats_.firstIn < 0) stats_.firstIn = now;
    }
    in->offset += n;
    ++stats_.beatsIn;
    if (in->offset == in->packet.bytes.size()) {
        Completed c;
        c.packet = in->seq;
        c.inFirst = in->firstCycle;
        c.inLast = now;
        taken_.push_back(std::move(c));
        st.queue.pop_front();
        --queued_;
    }
}

void RtlEngine::sink(Stream& st, int64_t now) {
    if (!*st.out.tvalid) return;
    if (!*st.out.tready) {
        ++stats_.outStalls;
        return;
    }
    OutFrame& cur = st.cur;
    if (!st.curStarted) {
        st.curStarted = true;
        ++started_;
        cur.firstCycle = now;
        cur.lastPacketIn = lastEntered_;
        if (stats_.firstOut < 0) stats_.firstOut = now;
    }
    auto& bytes = cur.packet.bytes;
    const uint64_t full = lanes_ >= 64 ? ~uint64_t{0} : (uint64_t{1} << lanes_) - 1;
    const uint64_t keep = *st.out.tkeep & full;
    if ((keep & (keep + 1)) == 0) {
        // The usual case: lanes 0 .. n-1.
        bytes.insert(bytes.end(), st.out.tdata, st.out.tdata + std::popcount(keep));
    } else {
        for (int i = 0; i < lanes_; ++i) {
            if ((keep >> i) & 1) bytes.push_back(st.out.tdata[i]);
        }
    }
    cur.packet.port = streams_ == 1 ? io_.m_tuser : st.port;
    ++stats_.beatsOut;
    stats_.lastOut = now;
    if (*st.out.tlast) {
        cur.lastCycle = now;
        out_.push_back(std::move(cur));
        cur = {};
        st.curStarted = false;
        --started_;
        ++stats_.framesOut;
        ++framesPulled_;
    }
}

void RtlEngine::runUntilQueued(size_t keep) {
    while (queued_ > keep) cycle();
}

void RtlEngine::run(uint64_t cycles) {
    for (uint64_t i = 0; i < cycles; ++i) cycle();
}

std::optional<bool> RtlEngine::quiet(std::string& error) {
    if (streaming()) return false;
    return settled(error);
}

std::optional<bool> RtlEngine::settled(std::string& error) {
    if (isSwitch()) return switchSettled(error);
    const regmap::RegMap& map = built_.regmap;
    auto tx = read(map.pipelineBase + 4 * regmap::kWordTxPackets, error);
    if (!tx) return std::nullopt;
    auto dropped = read(map.pipelineBase + 4 * regmap::kWordDropped, error);
    if (!dropped) return std::nullopt;
    auto rx = read(map.pipelineBase + 4 * regmap::kWordRxPackets, error);
    if (!rx) return std::nullopt;
    if (*rx != framesPushed_ && queued_ == 0) {
        error = fmt::format("the pipeline counted {} frames in, {} were sent", *rx, framesPushed_);
        return std::nullopt;
    }
    // The reads take cycles: a frame may have started to leave meanwhile.
    return *rx == framesPushed_ && static_cast<uint32_t>(*tx + *dropped) == *rx &&
           *tx == framesPulled_ && started_ == 0;
}

std::optional<bool> RtlEngine::switchSettled(std::string& error) {
    if (tmCsr_->pauseMask(tm_) != 0) return pausedSettled(error);
    const regmap::RegMap& map = built_.regmap;
    const program::SwitchInfo& sw = *built_.switchInfo;
    const uint32_t tm = sw.base + regmap::kTmOwnOffset;
    const uint32_t buffer = sw.base + regmap::kTmBufferOffset;
    // In the order a frame passes them, so a frame that moves on between two reads is seen
    // in neither place or in the later one, never missed by both: then a count disagrees.
    const uint32_t words[] = {
        map.pipelineBase + 4 * regmap::kWordRxPackets,  // RX
        map.pipelineBase + 4 * regmap::kWordTooLong,    // TOO_LONG
        tm + 4 * regmap::kTmWordDecisions,              // DECISIONS
        buffer + 4 * regmap::kBufferWordFrames,         // FRAMES
        buffer + 4 * regmap::kBufferWordDropped,        // no cells
        buffer + 4 * regmap::kBufferWordFreed,          // FREED
        buffer + 4 * regmap::kBufferWordFree,           // FREE
        tm + 4 * regmap::kTmWordCopies,                 // COPIES
        map.pipelineBase + 4 * regmap::kWordDropped,    // DROPPED
        map.pipelineBase + 4 * regmap::kWordTxPackets,  // TX
    };
    uint32_t v[std::size(words)];
    for (size_t i = 0; i < std::size(words); ++i) {
        auto r = read(words[i], error);
        if (!r) return std::nullopt;
        v[i] = *r;
    }
    const uint32_t rx = v[0], tooLong = v[1], decisions = v[2], frames = v[3], noCells = v[4],
                   freed = v[5], free = v[6], copies = v[7], dropped = v[8], tx = v[9];
    // A frame waits in its port's input FIFO before ingress counts it: RX catches up with the
    // frames sent (a frame lost there is a drain timeout).
    return rx == framesPushed_ && decisions == rx - tooLong && frames + noCells == decisions &&
           freed == frames && free == static_cast<uint32_t>(sw.cells) &&
           tx + (dropped - tooLong) == copies && tx == framesPulled_ && started_ == 0;
}

// With ports paused the buffer keeps their frames: every frame is decided, every copy the
// queues gave up went through egress and was collected, and what the queues still hold is in
// the paused ports' queues. A copy on its way from a decision to its queue is in none of these
// counts, so the counters must also have stayed the same for 256 cycles.
std::optional<bool> RtlEngine::pausedSettled(std::string& error) {
    const regmap::RegMap& map = built_.regmap;
    const program::SwitchInfo& sw = *built_.switchInfo;
    const uint32_t tm = sw.base + regmap::kTmOwnOffset;
    const uint32_t words[] = {
        map.pipelineBase + 4 * regmap::kWordRxPackets,  // RX
        map.pipelineBase + 4 * regmap::kWordTooLong,    // TOO_LONG
        tm + 4 * regmap::kTmWordDecisions,              // DECISIONS
        tmCsr_->queueWord(regmap::kQueueWordEnqueued),  // ENQUEUED
        tmCsr_->queueWord(regmap::kQueueWordDequeued),  // DEQUEUED
        tmCsr_->queueWord(regmap::kQueueWordDropped),   // DROPPED (tail drops)
        tm + 4 * regmap::kTmWordCopies,                 // COPIES
        map.pipelineBase + 4 * regmap::kWordDropped,    // DROPPED
        map.pipelineBase + 4 * regmap::kWordTxPackets,  // TX
    };
    std::vector<uint32_t> v;
    for (uint32_t w : words) {
        auto r = read(w, error);
        if (!r) return std::nullopt;
        v.push_back(*r);
    }
    uint32_t waiting = 0;
    const uint32_t paused = tmCsr_->pauseMask(tm_);
    for (uint32_t port = 0; port < 32; ++port) {
        if (!(paused >> port & 1)) continue;
        for (int prio = 0; prio < sw.prios; ++prio) {
            auto depth = tmCsr_->readQueue(port, static_cast<uint32_t>(prio),
                                           regmap::kQueueWordDepth, error);
            if (!depth) return std::nullopt;
            waiting += *depth;
        }
    }
    v.push_back(waiting);
    const uint32_t rx = v[0], tooLong = v[1], decisions = v[2], enqueued = v[3], dequeued = v[4],
                   copies = v[6], dropped = v[7], tx = v[8];
    const bool now = rx == framesPushed_ && decisions == rx - tooLong &&
                     enqueued - dequeued == waiting && copies == dequeued &&
                     tx + (dropped - tooLong) == copies && tx == framesPulled_ && started_ == 0;
    if (!now) {
        pausedSeen_.clear();
        return false;
    }
    if (v != pausedSeen_) {
        pausedSeen_ = std::move(v);
        pausedSeenCycle_ = stats_.cycles;
        return false;
    }
    return stats_.cycles - pausedSeenCycle_ >= 256;
}

std::vector<Packet> RtlEngine::takeOutputs(std::vector<int64_t>* firstCycles) {
    std::vector<Packet> packets;
    packets.reserve(out_.size());
    for (auto& o : out_) {
        packets.push_back(std::move(o.packet));
        if (firstCycles) firstCycles->push_back(o.firstCycle);
    }
    out_.clear();
    taken_.clear();
    return packets;
}

bool RtlEngine::write(uint32_t addr, uint32_t value, std::string& error) {
    io_.awaddr = addr;
    io_.wdata = value;
    io_.wstrb = 0xf;
    io_.awvalid = 1;
    io_.wvalid = 1;
    io_.bready = 1;
    for (int n = 0; n < kBusTimeout; ++n) {
        cycle();
        if (io_.awvalid && io_.awready) io_.awvalid = 0;
        if (io_.wvalid && io_.wready) io_.wvalid = 0;
        if (io_.bvalid) {
            io_.awvalid = 0;
            io_.wvalid = 0;
            if (io_.bresp != 0) {
                error = fmt::format("CSR write of 0x{:08x} to 0x{:x} answered SLVERR/DECERR ({})",
                                    value, addr, io_.bresp);
                return false;
            }
            return true;
        }
    }
    io_.awvalid = 0;
    io_.wvalid = 0;
    error = fmt::format("CSR write to 0x{:x} got no response in {} cycles", addr, kBusTimeout);
    return false;
}

bool RtlEngine::writeList(std::span<const std::pair<uint32_t, uint32_t>> writes, size_t& done,
                          std::string& error) {
    done = 0;
    size_t issued = 0;           // AW and W both taken
    size_t answered = 0;         // B taken
    bool aw = false, w = false;  // the current write's AW / W still offered
    bool failed = false;
    int waited = 0;  // cycles since the bus last moved
    io_.wstrb = 0xf;
    io_.bready = 1;
    // A write offered is finished even after an error (the slave must not keep half of one).
    while (answered < issued || aw || w || (!failed && issued < writes.size())) {
        if (!aw && !w && !failed && issued < writes.size()) {
            io_.awaddr = writes[issued].first;
            io_.wdata = writes[issued].second;
            io_.awvalid = io_.wvalid = 1;
            aw = w = true;
        }
        cycle();
        // io_ holds what the slave drove at this rising edge: the handshakes that happened.
        bool moved = false;
        if (aw && io_.awready) {
            aw = false;
            io_.awvalid = 0;
            moved = true;
        }
        if (w && io_.wready) {
            w = false;
            io_.wvalid = 0;
            moved = true;
        }
        if (moved && !aw && !w) ++issued;
        if (io_.bvalid) {
            moved = true;
            if (io_.bresp != 0 && !failed) {
                failed = true;
                error = fmt::format("CSR write of 0x{:08x} to 0x{:x} answered SLVERR/DECERR ({})",
                                    writes[answered].second, writes[answered].first, io_.bresp);
            } else if (!failed) {
                ++done;
            }
            ++answered;
        }
        waited = moved ? 0 : waited + 1;
        if (waited >= kBusTimeout) {
            io_.awvalid = io_.wvalid = 0;
            error = fmt::format("CSR write to 0x{:x} got no response in {} cycles",
                                writes[std::min(answered, writes.size() - 1)].first, kBusTimeout);
            return false;
        }
    }
    return !failed;
}

std::optional<uint32_t> RtlEngine::read(uint32_t addr, std::string& error) {
    io_.araddr = addr;
    io_.arvalid = 1;
    io_.rready = 1;
    for (int n = 0; n < kBusTimeout; ++n) {
        cycle();
        if (io_.arvalid && io_.arready) io_.arvalid = 0;
        if (io_.rvalid) {
            io_.arvalid = 0;
            if (io_.rresp != 0) {
                error =
                    fmt::format("CSR read of 0x{:x} answered SLVERR/DECERR ({})", addr, io_.rresp);
                return std::nullopt;
            }
            return io_.rdata;
        }
    }
    io_.arvalid = 0;
    error = fmt::format("CSR read of 0x{:x} got no response in {} cycles", addr, kBusTimeout);
    return std::nullopt;
}

bool RtlEngine::apply(const tables::Command& command, std::string& error) {
    auto writes = loader_->apply(command, error);
    if (!writes) return false;
    for (const auto& w : *writes) {
        if (!write(w.addr, w.value, error)) return false;
    }
    return true;
}

uint64_t RtlEngine::send(const Packet& packet) {
    const uint64_t seq = nextSeq_++;
    ++sentSinceDrain_;
    if (packet.bytes.empty()) {
        // An AXI4-Stream frame has at least one byte: nothing to send.
        Completed c;
        c.packet = seq;
        c.error = "an empty packet cannot be sent to the RTL (a frame has at least one byte)";
        taken_.push_back(std::move(c));
        return seq;
    }
    const int stream = streamOf(packet.port);
    if (stream < 0) {
        Completed c;
        c.packet = seq;
        c.error = fmt::format(
            "port {} is not a port of this switch (front-panel ports 0 to {}, the CPU port {})",
            packet.port, streams_ - 2, options_.cpuPort);
        taken_.push_back(std::move(c));
        return seq;
    }
    InFrame f;
    f.seq = seq;
    f.packet = packet;
    stream_[static_cast<size_t>(stream)].queue.push_back(std::move(f));
    ++queued_;
    return seq;
}

bool RtlEngine::popDigests(std::vector<DigestMessage>& out, std::string& error, uint32_t* drops) {
    tables::CsrPort port{
        [this](uint32_t addr, std::string& e) { return read(addr, e); },
        [this](uint32_t addr, uint32_t value, std::string& e) { return write(addr, value, e); }};
    tables::DigestPoll poll;
    holdInput_ = true;
    const bool ok = tables::popDigests(*built_.regmap.digest, port, poll, error);
    holdInput_ = false;
    for (auto& e : poll.entries) out.push_back({e.type, std::move(e.values)});
    if (drops) *drops = poll.drops;
    return ok;
}

bool RtlEngine::drain(Drained& out, std::string& error) {
    const regmap::RegMap& map = built_.regmap;
    const bool digests = map.digest && options_.popDigests;
    uint64_t lastPoll = stats_.cycles;
    auto poll = [&]() {
        uint32_t drops = 0;
        lastPoll = stats_.cycles;
        if (!popDigests(digests_, error, &drops)) return false;
        if (drops != 0) {
            error = fmt::format("the digest FIFO dropped {} digests", drops);
            return false;
        }
        return true;
    };
    uint64_t beats = 0;
    for (const Stream& st : stream_)
        for (const auto& f : st.queue) beats += (f.packet.bytes.size() + lanes_ - 1) / lanes_;
    const uint64_t limit = options_.cycleLimit ? options_.cycleLimit : 200000 + 64 * beats;
    const uint64_t start = stats_.cycles;
    bool ok = false;
    while (stats_.cycles - start < limit) {
        if (streaming()) {
            if (digests && stats_.cycles - lastPoll >= kDigestPollCycles) {
                if (!poll()) break;
            } else {
                cycle();
            }
            continue;
        }
        auto done = settled(error);
        if (!done) break;
        if (*done) {
            // Every frame is through: so are their digests (pushed at the header assembly).
            ok = !digests || poll();
            break;
        }
        for (int i = 0; i < 4; ++i) cycle();
    }
    if (!ok && error.empty()) {
        error = fmt::format(
            "the pipeline did not drain within {} cycles ({} frames still queued at the input, "
            "{} received so far)",
            limit, queued_, out_.size());
    }
    // One packet in flight: its outputs are its own. Several: in order, but not attributable.
    std::sort(taken_.begin(), taken_.end(),
              [](const Completed& a, const Completed& b) { return a.packet < b.packet; });
    if (taken_.size() == 1 && sentSinceDrain_ == 1 && ok) {
        for (auto& o : out_) {
            taken_[0].outputs.push_back(std::move(o.packet));
            if (taken_[0].outFirst < 0) taken_[0].outFirst = o.firstCycle;
            taken_[0].outLast = o.lastCycle;
        }
    } else {
        for (auto& o : out_)
            out.unattributed.push_back({std::move(o.packet), o.firstCycle, o.lastPacketIn});
    }
    for (auto& c : taken_) out.completed.push_back(std::move(c));
    taken_.clear();
    for (auto& d : digests_) out.digests.push_back(std::move(d));
    digests_.clear();
    out_.clear();
    sentSinceDrain_ = ok ? 0 : queued_;
    return ok;
}

}  // namespace hop::sim::rtl
