// SPDX-License-Identifier: Apache-2.0
#include "sim/board/board.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cstring>

namespace hop::board {

using sc_core::SC_NS;
using sc_core::SC_PS;
using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

namespace {
constexpr int kBusTimeout = 1000;  // pipeline cycles for one AXI4-Lite transaction
constexpr uint8_t kTagMagic[4] = {'H', 'O', 'P', 'B'};
}  // namespace

uint64_t wireBytes(size_t frameBytes) {
    return kPreambleBytes + std::max<uint64_t>(frameBytes + kFcsBytes, kMinFrameBytes) + kGapBytes;
}

sc_time wireTime(uint64_t bytes, double gbps) {
    return sc_time(static_cast<double>(bytes) * 8.0 * 1000.0 / gbps, SC_PS);
}

void writeTag(std::vector<uint8_t>& bytes, uint32_t port, uint32_t seq) {
    if (bytes.size() < kTagBytes) return;
    uint8_t* t = bytes.data() + bytes.size() - kTagBytes;
    std::memcpy(t, kTagMagic, 4);
    t[4] = static_cast<uint8_t>(port >> 8);
    t[5] = static_cast<uint8_t>(port);
    for (int i = 0; i < 4; ++i) t[6 + i] = static_cast<uint8_t>(seq >> (24 - 8 * i));
}

std::optional<uint32_t> readTagPort(const std::vector<uint8_t>& bytes) {
    if (bytes.size() < kTagBytes) return std::nullopt;
    const uint8_t* t = bytes.data() + bytes.size() - kTagBytes;
    if (std::memcmp(t, kTagMagic, 4) != 0) return std::nullopt;
    return static_cast<uint32_t>(t[4]) << 8 | t[5];
}

// ---- Mac ----------------------------------------------------------------------------------

Mac::Mac(sc_core::sc_module_name name, Board& board, size_t index, const PortConfig& config)
    : sc_module(name), board_(board), index_(index), config_(config) {
    SC_THREAD(rxThread);
    SC_THREAD(txThread);
}

void Mac::receive(Frame frame) {
    rxQueue_.push_back(std::move(frame));
    rxWake_.notify(SC_ZERO_TIME);
}

void Mac::generate(Generator generator) {
    generator_ = std::move(generator);
    generated_ = 0;
    rxWake_.notify(SC_ZERO_TIME);
}

void Mac::rxThread() {
    for (;;) {
        Frame frame;
        if (generated_ < generator_.count) {
            frame = generator_.make(generated_++);
        } else if (!rxQueue_.empty()) {
            frame = std::move(rxQueue_.front());
            rxQueue_.pop_front();
        } else {
            wait(rxWake_);
            continue;
        }
        frame.port = config_.port;
        rxBusy_ = true;
        const uint64_t wire = wireBytes(frame.bytes.size());
        wait(wireTime(wire - kGapBytes, config_.gbps));
        rxBusy_ = false;
        board_.frameReceived(index_, std::move(frame));
        wait(wireTime(kGapBytes, config_.gbps));
    }
}

void Mac::txThread() {
    for (;;) {
        const Frame* frame = board_.nextToSend(index_);
        if (!frame) {
            wait(txWake);
            continue;
        }
        txBusy_ = true;
        const sc_time started = sc_core::sc_time_stamp();
        const uint64_t wire = wireBytes(frame->bytes.size());
        wait(wireTime(wire - kGapBytes, config_.gbps));
        board_.frameSent(index_, started);
        wait(wireTime(kGapBytes, config_.gbps));
        txBusy_ = false;
    }
}

// ---- Board --------------------------------------------------------------------------------

Board::Board(sc_core::sc_module_name name, const BoardConfig& config,
             const sim::rtl::Library& model)
    : sc_module(name),
      csr("csr"),
      config_(config),
      lanes_(model.dataWidth / 8),
      clk_("clk", sc_time(1e6 / config.clockMhz, SC_PS)) {
    pipeline_ = std::make_unique<Pipeline>("pipeline", model, config_.seed);
    pipeline_->clk(clk_);
    for (size_t i = 0; i < config_.ports.size(); ++i) {
        const PortConfig& p = config_.ports[i];
        macIndex_[p.port] = i;
        macs_.push_back(std::make_unique<Mac>(fmt::format("mac{}", p.port).c_str(), *this, i, p));
        InputFifo f;
        f.port = p.port;
        inputs_.push_back(std::move(f));
        queues_.emplace_back();
        counters_.ingress[p.port];
        counters_.egress[p.port];
    }
    if (config_.cpuPort != 0) {
        InputFifo f;
        f.port = config_.cpuPort;
        f.unlimited = true;
        inputs_.push_back(std::move(f));
        counters_.ingress[config_.cpuPort];
    }
    last_ = inputs_.empty() ? 0 : inputs_.size() - 1;
    csr.register_b_transport(this, &Board::csrTransport);

    // After each edge the pipeline evaluated: what it took and what left, then the next beat.
    SC_METHOD(clockMethod);
    sensitive << pipeline_->edge();
    dont_initialize();
    SC_THREAD(dmaToHostThread);
    SC_THREAD(dmaToCardThread);
}

Board::~Board() {
    macs_.clear();
    pipeline_.reset();
}

Mac* Board::mac(uint32_t port) {
    auto it = macIndex_.find(port);
    return it == macIndex_.end() ? nullptr : macs_[it->second].get();
}

void Board::clockMethod() {
    StreamOut& out = sampled_;
    pipeline_->sampleStream(out);
    if (offering_ && out.s_tready) {
        // This edge takes the beat on s_axis.
        InputFifo& f = inputs_[sel_];
        f.offset += lanes_;
        --f.fill;
        if (f.offset >= f.frames.front().bytes.size()) {
            ++counters_.enteredPipeline;
            ++counters_.ingress[f.port].entered;
            const double now = sc_core::sc_time_stamp().to_seconds();
            if (counters_.firstEntered < 0) counters_.firstEntered = now;
            counters_.lastEntered = now;
            f.frames.pop_front();
            f.offset = 0;
            locked_ = false;
            last_ = sel_;
        }
        offering_ = false;
    }
    if (out.m_tvalid) beatOut(out);
    driveNextBeat();
}

void Board::driveNextBeat() {
    if (offering_) return;  // not taken yet: it stays on the bus
    if (!locked_) {
        // Round robin: the first input after the one granted last that holds a whole frame.
        const size_t n = inputs_.size();
        bool found = false;
        for (size_t k = 1; k <= n && !found; ++k) {
            const size_t i = (last_ + k) % n;
            if (!inputs_[i].frames.empty()) {
                sel_ = i;
                found = true;
            }
        }
        if (!found) {
            if (in_.tvalid) {
                in_.tvalid = false;
                pipeline_->driveStream(in_);
            }
            return;
        }
        locked_ = true;
    }
    const InputFifo& f = inputs_[sel_];
    const auto& bytes = f.frames.front().bytes;
    const size_t n = std::min<size_t>(lanes_, bytes.size() - f.offset);
    std::memcpy(in_.tdata, bytes.data() + f.offset, n);
    if (n < static_cast<size_t>(lanes_)) std::memset(in_.tdata + n, 0, lanes_ - n);
    in_.tkeep = n >= 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1;
    in_.tlast = f.offset + n == bytes.size();
    in_.tuser = f.port;
    in_.tvalid = true;
    pipeline_->driveStream(in_);
    offering_ = true;
}

IngressCounts* Board::tagged(const Frame& frame) {
    auto port = readTagPort(frame.bytes);
    if (!port) return nullptr;
    auto it = counters_.ingress.find(*port);
    return it == counters_.ingress.end() ? nullptr : &it->second;
}

void Board::beatOut(const StreamOut& out) {
    if (!outStarted_) {
        outStarted_ = true;
        outDropping_ = false;
        outPort_ = out.m_tuser;
        out_.port = outPort_;
        out_.bytes.clear();
        if (config_.cpuPort != 0 && outPort_ == config_.cpuPort) {
            outDest_ = Dest::Host;
        } else if (auto it = macIndex_.find(outPort_); it != macIndex_.end()) {
            outDest_ = Dest::Queue;
            outQueue_ = it->second;
        } else {
            outDest_ = Dest::NoPort;
        }
    }
    const uint64_t full = lanes_ >= 64 ? ~uint64_t{0} : (uint64_t{1} << lanes_) - 1;
    const uint64_t keep = out.m_tkeep & full;
    if ((keep & (keep + 1)) == 0) {
        out_.bytes.insert(out_.bytes.end(), out.m_tdata, out.m_tdata + std::popcount(keep));
    } else {
        for (int i = 0; i < lanes_; ++i) {
            if ((keep >> i) & 1) out_.bytes.push_back(out.m_tdata[i]);
        }
    }
    if (outDest_ == Dest::Queue && !outDropping_) {
        // hop_axis_out_queue: a beat that finds the queue full drops its whole frame.
        OutQueue& q = queues_[outQueue_];
        if (q.fill >= config_.queueBeats) {
            outDropping_ = true;
            q.fill -= q.tentative;
            q.tentative = 0;
        } else {
            ++q.fill;
            ++q.tentative;
            EgressCounts& e = counters_.egress[outPort_];
            e.queueHighWater = std::max(e.queueHighWater, q.fill);
        }
    }
    if (!out.m_tlast) return;

    outStarted_ = false;
    ++counters_.leftPipeline;
    IngressCounts* from = tagged(out_);
    if (from) {
        ++from->left;
    } else {
        ++counters_.untagged;
    }
    switch (outDest_) {
        case Dest::Queue: {
            OutQueue& q = queues_[outQueue_];
            if (outDropping_) {
                ++counters_.egress[outPort_].queueDrops;
                if (from) ++from->queueDrops;
                out_ = Frame{};
            } else {
                q.tentative = 0;
                q.committed.push_back(std::move(out_));
                out_ = Frame{};
                macs_[outQueue_]->txWake.notify(SC_ZERO_TIME);
            }
            break;
        }
        case Dest::Host:
            toHost_.push_back(
                {sc_core::sc_time_stamp() + sc_time(config_.dmaLatencyNs, SC_NS), std::move(out_)});
            out_ = Frame{};
            toHostWake_.notify(SC_ZERO_TIME);
            break;
        case Dest::NoPort:
            ++counters_.noPort;
            if (from) ++from->noPortDrops;
            // STF: what the pipeline sent is still part of the test's verdict.
            if (config_.keepOutputs) outputs_.push_back(std::move(out_));
            out_ = Frame{};
            break;
    }
}

void Board::frameReceived(size_t macIndex, Frame frame) {
    InputFifo& f = inputs_[macIndex];
    IngressCounts& c = counters_.ingress[f.port];
    ++c.offered;
    c.offeredBytes += frame.bytes.size();
    const int beats = beatsOf(frame.bytes.size());
    if (frame.bytes.empty() || f.fill + beats > config_.inputFifoBeats) {
        ++c.fifoDrops;
        return;
    }
    f.fill += beats;
    c.fifoHighWater = std::max(c.fifoHighWater, f.fill);
    f.frames.push_back(std::move(frame));
}

const Frame* Board::nextToSend(size_t macIndex) {
    const OutQueue& q = queues_[macIndex];
    return q.committed.empty() ? nullptr : &q.committed.front();
}

void Board::frameSent(size_t macIndex, const sc_time& started) {
    OutQueue& q = queues_[macIndex];
    Frame frame = std::move(q.committed.front());
    q.committed.pop_front();
    q.fill -= beatsOf(frame.bytes.size());
    EgressCounts& e = counters_.egress[config_.ports[macIndex].port];
    ++e.frames;
    e.bytes += frame.bytes.size();
    if (e.firstStart < 0) e.firstStart = started.to_seconds();
    e.lastEnd = sc_core::sc_time_stamp().to_seconds();
    if (IngressCounts* from = tagged(frame)) ++from->forwarded;
    if (config_.keepOutputs) outputs_.push_back(std::move(frame));
}

void Board::dmaToHostThread() {
    for (;;) {
        if (toHost_.empty()) {
            wait(toHostWake_);
            continue;
        }
        const sc_time now = sc_core::sc_time_stamp();
        if (toHost_.front().due > now) {
            wait(toHost_.front().due - now);
            continue;
        }
        Frame frame = std::move(toHost_.front().frame);
        toHost_.pop_front();
        ++counters_.toHost;
        if (IngressCounts* from = tagged(frame)) ++from->toHost;
        if (config_.keepOutputs) outputs_.push_back(std::move(frame));
    }
}

void Board::hostSend(Frame frame) {
    frame.port = config_.cpuPort;
    toCard_.push_back(
        {sc_core::sc_time_stamp() + sc_time(config_.dmaLatencyNs, SC_NS), std::move(frame)});
    toCardWake_.notify(SC_ZERO_TIME);
}

void Board::dmaToCardThread() {
    for (;;) {
        if (toCard_.empty()) {
            wait(toCardWake_);
            continue;
        }
        const sc_time now = sc_core::sc_time_stamp();
        if (toCard_.front().due > now) {
            wait(toCard_.front().due - now);
            continue;
        }
        Frame frame = std::move(toCard_.front().frame);
        toCard_.pop_front();
        InputFifo& f = inputs_.back();
        IngressCounts& c = counters_.ingress[f.port];
        ++c.offered;
        c.offeredBytes += frame.bytes.size();
        if (frame.bytes.empty()) {
            ++c.fifoDrops;
            continue;
        }
        f.fill += beatsOf(frame.bytes.size());
        c.fifoHighWater = std::max(c.fifoHighWater, f.fill);
        f.frames.push_back(std::move(frame));
    }
}

std::vector<Frame> Board::takeOutputs() {
    std::vector<Frame> out = std::move(outputs_);
    outputs_.clear();
    return out;
}

bool Board::inputIdle() const {
    if (locked_ || offering_ || !toCard_.empty()) return false;
    for (const auto& m : macs_) {
        if (!m->rxIdle()) return false;
    }
    for (const auto& f : inputs_) {
        if (!f.frames.empty()) return false;
    }
    return true;
}

bool Board::outputIdle() const {
    if (outStarted_ || !toHost_.empty()) return false;
    for (const auto& q : queues_) {
        if (!q.committed.empty() || q.fill != 0) return false;
    }
    for (const auto& m : macs_) {
        if (!m->txIdle()) return false;
    }
    return true;
}

void Board::resetCounters() {
    Counters fresh;
    for (const auto& [port, c] : counters_.ingress) fresh.ingress[port];
    for (const auto& [port, c] : counters_.egress) fresh.egress[port];
    counters_ = std::move(fresh);
}

// ---- CSR target: TLM-2.0 to AXI4-Lite -----------------------------------------------------

void Board::csrTransport(tlm::tlm_generic_payload& trans, sc_time& delay) {
    // Loosely timed: catch up with the initiator's local time before touching the pins.
    wait(delay);
    delay = SC_ZERO_TIME;
    const uint64_t addr = trans.get_address();
    if (trans.get_byte_enable_ptr() != nullptr) {
        trans.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return;
    }
    if (trans.get_data_length() != 4 || trans.get_streaming_width() < 4) {
        trans.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return;
    }
    if ((addr & 3) != 0 || addr > 0xffffffffull) {
        trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    uint32_t value = 0;
    uint8_t resp = 0;
    bool answered = false;
    if (trans.is_write()) {
        std::memcpy(&value, trans.get_data_ptr(), 4);
        answered = axilWrite(static_cast<uint32_t>(addr), value, resp);
    } else if (trans.is_read()) {
        answered = axilRead(static_cast<uint32_t>(addr), value, resp);
        if (answered) std::memcpy(trans.get_data_ptr(), &value, 4);
    } else {
        trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
        return;
    }
    if (!answered) {
        trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);  // no response in time
    } else if (resp == 3) {
        trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);  // DECERR
    } else if (resp != 0) {
        trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);  // SLVERR
    } else {
        trans.set_response_status(tlm::TLM_OK_RESPONSE);
    }
    delay += sc_time(config_.csrLatencyNs, SC_NS);
}

bool Board::axilWrite(uint32_t addr, uint32_t value, uint8_t& resp) {
    axil_.awaddr = addr;
    axil_.wdata = value;
    axil_.wstrb = 0xf;
    axil_.awvalid = true;
    axil_.wvalid = true;
    pipeline_->driveAxil(axil_);
    for (int n = 0; n < kBusTimeout; ++n) {
        pipeline_->waitEdge();
        AxilOut o;
        pipeline_->sampleAxil(o);
        if (o.bvalid) {
            resp = o.bresp;
            axil_.awvalid = false;
            axil_.wvalid = false;
            pipeline_->driveAxil(axil_);
            return true;
        }
        bool changed = false;
        if (axil_.awvalid && o.awready) {
            axil_.awvalid = false;
            changed = true;
        }
        if (axil_.wvalid && o.wready) {
            axil_.wvalid = false;
            changed = true;
        }
        if (changed) pipeline_->driveAxil(axil_);
    }
    axil_.awvalid = false;
    axil_.wvalid = false;
    pipeline_->driveAxil(axil_);
    return false;
}

bool Board::axilRead(uint32_t addr, uint32_t& value, uint8_t& resp) {
    axil_.araddr = addr;
    axil_.arvalid = true;
    pipeline_->driveAxil(axil_);
    for (int n = 0; n < kBusTimeout; ++n) {
        pipeline_->waitEdge();
        AxilOut o;
        pipeline_->sampleAxil(o);
        if (o.rvalid) {
            value = o.rdata;
            resp = o.rresp;
            axil_.arvalid = false;
            pipeline_->driveAxil(axil_);
            return true;
        }
        if (axil_.arvalid && o.arready) {
            axil_.arvalid = false;
            pipeline_->driveAxil(axil_);
        }
    }
    axil_.arvalid = false;
    pipeline_->driveAxil(axil_);
    return false;
}

// ---- Host ---------------------------------------------------------------------------------

Host::Host(sc_core::sc_module_name name) : sc_module(name), csr("csr") {
    SC_THREAD(thread);
    // Jobs run table loads and counter polls: more stack than SystemC's default.
    set_stack_size(1 << 20);
}

void Host::post(std::function<void()> job) {
    job_ = std::move(job);
    busy_ = true;
    wake_.notify(SC_ZERO_TIME);
}

void Host::thread() {
    for (;;) {
        while (!busy_) wait(wake_);
        job_();
        job_ = nullptr;
        busy_ = false;
        sc_core::sc_pause();
    }
}

bool Host::access(tlm::tlm_command command, uint32_t addr, uint32_t& value, std::string& error) {
    tlm::tlm_generic_payload trans;
    uint8_t data[4];
    std::memcpy(data, &value, 4);
    trans.set_command(command);
    trans.set_address(addr);
    trans.set_data_ptr(data);
    trans.set_data_length(4);
    trans.set_streaming_width(4);
    trans.set_byte_enable_ptr(nullptr);
    trans.set_dmi_allowed(false);
    trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_time delay = SC_ZERO_TIME;
    csr->b_transport(trans, delay);
    wait(delay);
    if (trans.is_response_error()) {
        error =
            fmt::format("CSR {} of 0x{:x}: {}", command == tlm::TLM_READ_COMMAND ? "read" : "write",
                        addr, trans.get_response_string());
        return false;
    }
    std::memcpy(&value, data, 4);
    return true;
}

bool Host::read(uint32_t addr, uint32_t& value, std::string& error) {
    value = 0;
    return access(tlm::TLM_READ_COMMAND, addr, value, error);
}

bool Host::write(uint32_t addr, uint32_t value, std::string& error) {
    return access(tlm::TLM_WRITE_COMMAND, addr, value, error);
}

}  // namespace hop::board

// libsystemc's own main() calls sc_main, so the library refers to it; hopsim has a main() of its
// own and starts the kernel from the board engine, so this one only satisfies the linker.
int sc_main(int, char**) { return 3; }
