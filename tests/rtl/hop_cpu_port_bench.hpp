// SPDX-License-Identifier: Apache-2.0
// hop_cpu_port_test.cpp's bench: stream sources and sinks, a CSR host and the reference model
// of both directions (punt and inject), for the Verilated model VMODEL the test is built with.
#pragma once

#include <bit>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <tuple>

#include VMODEL_HEADER
#include "verilator_util.hpp"

namespace hop::cpuporttest {

using hop::rtltest::AxisBeat;
using hop::rtltest::frameToBeats;
using hop::rtltest::getBytes;
using hop::rtltest::putBytes;
using hop::rtltest::Sim;

#ifndef CP_PUNT_DEPTH
#define CP_PUNT_DEPTH 16
#endif
#ifndef CP_INJ_DEPTH
#define CP_INJ_DEPTH 8
#endif
#ifndef CP_BASE
#define CP_BASE 0
#endif
#ifndef CP_CPU_PORT
#define CP_CPU_PORT 510
#endif
constexpr uint32_t kPuntDepth = CP_PUNT_DEPTH;
constexpr uint32_t kInjDepth = CP_INJ_DEPTH;
constexpr uint32_t kBase = CP_BASE;
constexpr uint32_t kCpuPort = CP_CPU_PORT;
constexpr size_t kLanes = sizeof(VMODEL::s_axis_pipe_tdata);
constexpr size_t kWordsPerBeat = kLanes / 4;
constexpr size_t kPuntCap = kPuntDepth * kLanes;
constexpr size_t kInjCap = kInjDepth * kLanes;

enum Reg : uint32_t {
    kCtrl = 0x00,
    kPuntStatus = 0x04,
    kPuntData = 0x08,
    kPuntDiscard = 0x0c,
    kInjData = 0x10,
    kInjCommit = 0x14,
    kInjBad = 0x18,
    kPuntFill = 0x1c,
    kPuntDropFull = 0x20,
    kPuntDropLong = 0x24,
    kPuntCapReg = 0x28,
    kInjCapReg = 0x2c,
    kPuntPktsLo = 0x30,
    kPuntPktsHi = 0x34,
    kPuntBytesLo = 0x38,
    kPuntBytesHi = 0x3c,
    kInjPktsLo = 0x40,
    kInjPktsHi = 0x44,
    kInjBytesLo = 0x48,
    kInjBytesHi = 0x4c,
};

using Bytes = std::vector<uint8_t>;

inline size_t beatsOf(size_t len) { return (len + kLanes - 1) / kLanes; }

// Frame lengths that matter: one byte, whole beats, and anything in between.
inline size_t pickLength(std::mt19937& rng, size_t maxBytes) {
    std::uniform_int_distribution<int> kind(0, 9);
    const int k = kind(rng);
    if (k == 0) return 1;
    if (k <= 2 && maxBytes >= kLanes)
        return kLanes * std::uniform_int_distribution<size_t>(1, maxBytes / kLanes)(rng);
    return std::uniform_int_distribution<size_t>(1, maxBytes)(rng);
}

inline Bytes randomBytes(std::mt19937& rng, size_t n) {
    Bytes b(n);
    for (auto& x : b) x = static_cast<uint8_t>(rng());
    return b;
}

// Word `w` of a frame as PUNT_DATA returns it: bytes 4w..4w+3, 0 past the end.
inline uint32_t frameWord(const Bytes& f, size_t w) {
    uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i)
        if (4 * w + i < f.size()) v |= uint32_t(f[4 * w + i]) << (8 * i);
    return v;
}

struct Config {
    double idle = 0.0;   // probability that a source (or the CSR host) does nothing in a cycle
    double stall = 0.0;  // probability that a sink is not ready in a cycle
    enum Mode { kStream, kPio, kMixed } mode = kStream;
    int puntFrames = 150;
    size_t puntMaxBytes = 2 * kPuntCap;  // 1..2 buffers' worth: some never fit
    int injFrames = 60;
    int pioTxFrames = 40;
    uint32_t seed = 1;
};

// The whole bench: sources, sinks, a CSR host and the reference model of both directions.
class Bench {
  public:
    explicit Bench(const Config& c) : cfg_(c), rng_(c.seed), idle_(c.idle), stall_(c.stall) {
        sim_->csr_wr = 0;
        sim_->csr_rd = 0;
        sim_->s_axis_pipe_tvalid = 0;
        sim_->s_axis_host_tvalid = 0;
        sim_->m_axis_host_tready = 0;
        sim_->m_axis_pipe_tready = 0;
        pioEn_ = false;
        for (int i = 0; i < c.puntFrames; ++i) {
            const int id = static_cast<int>(puntFrames_.size());
            puntFrames_.push_back(randomBytes(rng_, pickLength(rng_, c.puntMaxBytes)));
            const Bytes& f = puntFrames_.back();
            for (size_t b = 0; b < beatsOf(f.size()); ++b) puntIn_.push_back({id, b});
        }
        for (int i = 0; i < c.injFrames; ++i) {
            Bytes f = randomBytes(rng_, pickLength(rng_, 3 * kInjCap));
            for (auto& b : frameToBeats(f, kLanes)) injIn_.push_back(b);
            injStreamExpected_.push_back(std::move(f));
        }
        pioTxLeft_ = c.pioTxFrames;
        if (c.mode != Config::kStream) {  // PIO from the first frame on
            sim_->csr_wr = 1;
            sim_->csr_addr = kBase + kCtrl;
            sim_->csr_wdata = 1;
            sim_.tick();
            sim_->csr_wr = 0;
            pioEn_ = true;
        }
    }

    void run() {
        const size_t guard = 400000;
        size_t n = 0;
        for (; n < guard && !done() && !testing::Test::HasFatalFailure(); ++n) step();
        if (testing::Test::HasFatalFailure()) return;
        ASSERT_LT(n, guard) << "did not drain";
        for (int i = 0; i < 8; ++i) step();  // let a last read response land
        checkEmptyAndCounters();
    }

    // Counters the sweeps sum up, to show every path ran.
    uint64_t drops() const { return dropFull_ + dropLong_; }
    uint64_t dropLong() const { return dropLong_; }
    uint64_t pioFramesRead() const { return pioFramesRead_; }
    uint64_t streamFramesRead() const { return streamFramesRead_; }
    uint64_t discards() const { return discards_; }
    uint64_t badCommits() const { return injBad_; }
    uint64_t pioTxFrames() const { return pioTxAccepted_; }
    uint64_t cycles() const { return sim_.cycles(); }

  private:
    struct BeatRef {
        int frame;
        size_t index;
    };
    struct CsrOp {
        bool write;
        uint32_t off;
        uint32_t data;
        std::function<void(uint32_t)> onResult;  // reads: the value, the cycle after
        std::function<void()> onIssue;           // any op: the cycle it is on the bus
    };

    bool done() const {
        return puntIn_.empty() && injIn_.empty() && !injValid_ && pioTxLeft_ == 0 && ops_.empty() &&
               !pendingRead_ && ram_.empty() && tent_ == 0 && !out_ && injStreamExpected_.empty() &&
               pioExpected_.empty() && pipeFrame_.empty();
    }

    AxisBeat puntBeat(BeatRef r) const {
        const Bytes& f = puntFrames_[r.frame];
        AxisBeat b = frameToBeats(f, kLanes)[r.index];
        return b;
    }

    // The CSR host: runs queued ops; when idle, plans the next activity.
    void plan() {
        std::uniform_int_distribution<int> pick(0, 99);
        const int k = pick(rng_);
        const bool puntDone = puntIn_.empty() && ram_.empty() && tent_ == 0 && !out_;
        if (puntDone && pioTxLeft_ == 0) return;  // nothing left to do: the host goes quiet
        if (cfg_.mode == Config::kMixed && k < 4) {
            const uint32_t bit = rng_() & 1;
            ops_.push_back({true, kCtrl, bit, {}, {}});
            return;
        }
        if (pioTxLeft_ > 0 && k < 30) {
            planTx();
            return;
        }
        if (cfg_.mode == Config::kStream) {
            // A host that polls now and then: PIO reads must neither see nor pop anything.
            if (k < 34) ops_.push_back({false, kPuntData, 0, {}, {}});
            if (k >= 34 && k < 38) ops_.push_back({true, kPuntDiscard, 0, {}, {}});
            if (k >= 38 && k < 45) ops_.push_back({false, kPuntStatus, 0, {}, {}});
            return;
        }
        ops_.push_back({false,
                        kPuntStatus,
                        0,
                        [this](uint32_t v) {
                            if (!(v >> 31)) return;
                            planRead(v & 0xffffff);
                        },
                        {}});
    }

    // Read a frame of `len` bytes word by word, or part of it and discard the rest.
    void planRead(size_t len) {
        const size_t words = (len + 3) / 4;
        std::bernoulli_distribution discard(0.15);
        const size_t upTo =
            discard(rng_) ? std::uniform_int_distribution<size_t>(0, words - 1)(rng_) : words;
        auto got = std::make_shared<Bytes>();
        for (size_t w = 0; w < upTo; ++w) {
            ops_.push_back({false,
                            kPuntData,
                            0,
                            [this, got, len, w, words](uint32_t v) {
                                for (size_t i = 0; i < 4 && got->size() < len; ++i)
                                    got->push_back(static_cast<uint8_t>(v >> (8 * i)));
                                if (w + 1 == words) {
                                    hostFrames_.push_back({*got, false});
                                    ++pioFramesRead_;
                                }
                            },
                            {}});
        }
        if (upTo < words)
            ops_.push_back({true, kPuntDiscard, 0, {}, [this, got] {
                                hostFrames_.push_back({*got, true});
                                ++discards_;
                            }});
    }

    // Stage and commit one PIO frame: read the free space first, then a frame that fits
    // (accepted), a bad length, no words, or a frame longer than the ring (all refused).
    void planTx() {
        ops_.push_back({false,
                        kInjCommit,
                        0,
                        [this](uint32_t freeBytes) {
                            std::uniform_int_distribution<int> pick(0, 99);
                            const int k = pick(rng_);
                            --pioTxLeft_;
                            if (k < 8) {  // commit with nothing staged
                                commitOp(Bytes{}, static_cast<uint32_t>(rng_() % 64), false);
                                return;
                            }
                            if (k < 14) {  // longer than the ring: words overflow
                                const size_t len = kInjCap + 1 + rng_() % (2 * kLanes);
                                stage(randomBytes(rng_, len), len, false);
                                return;
                            }
                            if (freeBytes == 0) {
                                ++pioTxLeft_;
                                return;
                            }
                            const size_t len = pickLength(rng_, freeBytes);
                            Bytes f = randomBytes(rng_, len);
                            if (k < 30) {  // the right words, a wrong length
                                const size_t words = (len + 3) / 4;
                                uint32_t bad;
                                switch (rng_() % 3) {
                                    case 0:
                                        bad = 0;
                                        break;
                                    case 1:
                                        bad = uint32_t(4 * words + 1 + rng_() % 8);
                                        break;
                                    default:
                                        bad = words > 1 ? uint32_t(4 * (words - 1)) : 0x80000001u;
                                        break;
                                }
                                stage(f, bad, false);
                                return;
                            }
                            stage(f, static_cast<uint32_t>(len), true);
                        },
                        {}});
    }

    void stage(const Bytes& f, uint32_t commitLen, bool accept) {
        const size_t words = (f.size() + 3) / 4;
        for (size_t w = 0; w < words; ++w) {
            uint32_t v = static_cast<uint32_t>(rng_());  // junk past the end of the frame
            for (size_t i = 0; i < 4 && 4 * w + i < f.size(); ++i)
                v = (v & ~(0xffu << (8 * i))) | (uint32_t(f[4 * w + i]) << (8 * i));
            ops_.push_back({true, kInjData, v, {}, {}});
        }
        commitOp(f, commitLen, accept);
    }

    void commitOp(const Bytes& f, uint32_t len, bool accept) {
        ops_.push_back({true, kInjCommit, len, {}, [this, f, accept] {
                            if (accept) {
                                pioExpected_.push_back(f);
                                pioCommittedBeats_ += beatsOf(f.size());
                                ++pioTxAccepted_;
                            } else {
                                ++injBad_;
                            }
                        }});
    }

    void step() {
        auto& m = *sim_.operator->();
        // The read issued last cycle answers now.
        if (pendingRead_) {
            const uint32_t v = m.csr_rdata;
            if (pendingExpect_) {
                EXPECT_EQ(v, *pendingExpect_) << "CSR read of " << std::hex << pendingRead_->off;
            }
            if (pendingRange_) {
                EXPECT_GE(v, pendingRange_->first) << "INJ free space";
                EXPECT_LE(v, pendingRange_->second) << "INJ free space";
            }
            auto cb = pendingRead_->onResult;
            pendingRead_.reset();
            pendingExpect_.reset();
            pendingRange_.reset();
            if (cb) cb(v);
        } else {
            EXPECT_EQ(m.csr_rdata, 0u) << "csr_rdata without a read";
        }

        // Inputs.
        const bool puntValid = !puntIn_.empty() && !idle_(rng_);
        if (puntValid) {
            const BeatRef r = puntIn_.front();
            AxisBeat b = puntBeat(r);
            // Junk in the lanes past tkeep: nothing may show it.
            for (size_t i = std::popcount(b.keep); i < kLanes; ++i)
                b.data[i] = static_cast<uint8_t>(rng_());
            putBytes(m.s_axis_pipe_tdata, b.data.data(), kLanes);
            m.s_axis_pipe_tkeep = b.keep;
            m.s_axis_pipe_tlast = b.last;
            m.s_axis_pipe_tuser = kCpuPort;
        }
        m.s_axis_pipe_tvalid = puntValid;
        m.m_axis_host_tready = !stall_(rng_);
        if (!injValid_ && !injIn_.empty() && !idle_(rng_)) {
            injValid_ = true;
            const AxisBeat& b = injIn_.front();
            putBytes(m.s_axis_host_tdata, b.data.data(), kLanes);
            m.s_axis_host_tkeep = b.keep;
            m.s_axis_host_tlast = b.last;
        }
        m.s_axis_host_tvalid = injValid_;
        m.m_axis_pipe_tready = !stall_(rng_);
        std::optional<CsrOp> op;
        if (!idle_(rng_)) {
            if (ops_.empty()) plan();
            if (!ops_.empty()) {
                op = std::move(ops_.front());
                ops_.pop_front();
            }
        }
        m.csr_wr = op && op->write;
        m.csr_rd = op && !op->write;
        // Without an op the address wanders, outside the window (only the strobes matter).
        m.csr_addr =
            op ? kBase + op->off : (kBase ^ 0x1000u) + (static_cast<uint32_t>(rng_()) & 0x7cu);
        m.csr_wdata = op ? op->data : static_cast<uint32_t>(rng_());
        sim_.settle();
        checkOutputsAreFlops();

        // Model, punt side: all decisions on the state before this edge.
        const size_t used = ram_.size() + tent_;
        EXPECT_EQ(m.punt_fill, used);
        EXPECT_TRUE(m.s_axis_pipe_tready);
        const bool hostValid = out_ && !outPio_;
        ASSERT_EQ(bool(m.m_axis_host_tvalid), hostValid) << "cycle " << sim_.cycles();
        bool take = false;
        if (hostValid) {
            const AxisBeat want = puntBeat(*out_);
            AxisBeat got;
            got.data.resize(kLanes);
            getBytes(m.m_axis_host_tdata, got.data.data(), kLanes);
            got.keep = m.m_axis_host_tkeep;
            got.last = m.m_axis_host_tlast;
            for (size_t i = std::popcount(got.keep); i < kLanes; ++i) got.data[i] = 0;
            EXPECT_EQ(got, want) << "host beat " << out_->index << " of frame " << out_->frame;
            if (m.m_axis_host_tready) {
                take = true;
                const size_t n = std::popcount(got.keep);
                hostStream_.insert(hostStream_.end(), got.data.begin(), got.data.begin() + n);
                if (got.last) {
                    hostFrames_.push_back({hostStream_, false});
                    hostStream_.clear();
                    ++streamFramesRead_;
                }
            }
        }
        const bool avail = out_ && outPio_;
        bool discard = false;
        bool newPioEn = pioEn_;
        if (op) {
            if (op->onIssue) op->onIssue();
            if (!op->write) {
                pendingRead_ = *op;
                if (op->off == kPuntStatus)
                    pendingExpect_ =
                        avail ? (0x80000000u | uint32_t(puntFrames_[out_->frame].size())) : 0u;
                if (op->off == kCtrl) pendingExpect_ = pioEn_ ? 1u : 0u;
                if (op->off == kPuntData) {
                    pendingExpect_ = 0u;
                    if (avail) {
                        const Bytes& f = puntFrames_[out_->frame];
                        EXPECT_EQ(out_->index, pioOff_ / kLanes);
                        pendingExpect_ = frameWord(f, pioOff_ / 4);
                        const bool frameEnd = pioOff_ + 4 >= f.size();
                        const bool beatEnd =
                            frameEnd || (pioOff_ / 4) % kWordsPerBeat == kWordsPerBeat - 1;
                        pioOff_ = frameEnd ? 0 : pioOff_ + 4;
                        take = beatEnd;
                    }
                }
                if (op->off == kInjCommit) {
                    // Free space: the ring minus the committed beats that have not left it. A
                    // beat leaves the ring up to three beats ahead of m_axis_pipe (the reader's
                    // register and the output register slice's two).
                    const uint64_t inRing = pioCommittedBeats_ - pioSentBeats_;
                    const uint64_t lo = kInjDepth - std::min<uint64_t>(inRing, kInjDepth);
                    const uint64_t hi = std::min<uint64_t>(kInjDepth, lo + 3 + pipeFrameBeats_);
                    pendingRange_ = {uint32_t(lo * kLanes), uint32_t(hi * kLanes)};
                }
            } else {
                if (op->off == kPuntDiscard) discard = avail;
                if (op->off == kCtrl) newPioEn = op->data & 1;
            }
        }
        // Read side: the output register is refilled from the committed beats of the RAM.
        if (discard) {
            const int f = out_->frame;
            while (!ram_.empty() && ram_.front().frame == f) ram_.pop_front();
            out_.reset();
            pioOff_ = 0;
            sof_ = true;
        } else if (!out_ || take) {
            if (out_) sof_ = puntBeat(*out_).last;
            out_.reset();
            if (!ram_.empty()) {
                out_ = ram_.front();
                ram_.pop_front();
                if (sof_) outPio_ = pioEn_;
            }
        }
        // Write side: store and forward with whole-frame tail drop.
        if (puntValid) {
            const BeatRef r = puntIn_.front();
            puntIn_.pop_front();
            const bool last = r.index + 1 == beatsOf(puntFrames_[r.frame].size());
            if (dropping_ || used == kPuntDepth) {
                tent_ = 0;
                dropping_ = !last;
                if (last) {
                    if (beatsOf(puntFrames_[r.frame].size()) > kPuntDepth)
                        ++dropLong_;
                    else
                        ++dropFull_;
                }
            } else {
                ++tent_;
                if (last) {
                    for (size_t b = 0; b < tent_; ++b) ram_.push_back({r.frame, b});
                    tent_ = 0;
                    kept_.push_back(r.frame);
                    ++puntPkts_;
                    puntBytes_ += puntFrames_[r.frame].size();
                }
            }
        }
        pioEn_ = newPioEn;

        // Inject side.
        if (injValid_ && m.s_axis_host_tready) {
            injIn_.pop_front();
            injValid_ = false;
        }
        if (m.m_axis_pipe_tvalid && m.m_axis_pipe_tready) {
            EXPECT_EQ(m.m_axis_pipe_tuser, kCpuPort);
            const uint64_t keep = m.m_axis_pipe_tkeep;
            const size_t n = std::popcount(keep);
            const uint64_t full = kLanes >= 64 ? ~uint64_t{0} : ((uint64_t{1} << kLanes) - 1);
            if (m.m_axis_pipe_tlast) {
                EXPECT_TRUE(n > 0 && keep == (n >= 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1))
                    << "last beat tkeep not contiguous from lane 0: " << std::hex << keep;
            } else {
                EXPECT_EQ(keep, full) << "partial tkeep before tlast";
            }
            Bytes data(kLanes);
            getBytes(m.m_axis_pipe_tdata, data.data(), kLanes);
            pipeFrame_.insert(pipeFrame_.end(), data.begin(), data.begin() + n);
            ++pipeFrameBeats_;
            injBytes_ += n;
            if (m.m_axis_pipe_tlast) {
                ++injPkts_;
                if (!injStreamExpected_.empty() && pipeFrame_ == injStreamExpected_.front()) {
                    injStreamExpected_.pop_front();
                } else if (!pioExpected_.empty() && pipeFrame_ == pioExpected_.front()) {
                    pioExpected_.pop_front();
                    pioSentBeats_ += pipeFrameBeats_;
                } else {
                    ADD_FAILURE() << "injected frame of " << pipeFrame_.size()
                                  << " bytes is neither the next stream frame nor the next PIO "
                                     "frame";
                }
                pipeFrame_.clear();
                pipeFrameBeats_ = 0;
            }
        }
        sim_.tick();
    }

    // Every output is driven by a flop: changing any input without a clock edge changes none.
    void checkOutputsAreFlops() {
        auto& m = *sim_.operator->();
        auto snapshot = [&] {
            return std::vector<uint64_t>{
                m.s_axis_pipe_tready, m.m_axis_host_tvalid, m.m_axis_host_tkeep,
                m.m_axis_host_tlast,  m.s_axis_host_tready, m.m_axis_pipe_tvalid,
                m.m_axis_pipe_tkeep,  m.m_axis_pipe_tlast,  m.m_axis_pipe_tuser,
                m.punt_fill,          m.csr_rdata};
        };
        const auto before = snapshot();
        const auto saved = std::make_tuple(m.s_axis_pipe_tvalid, m.m_axis_host_tready,
                                           m.s_axis_host_tvalid, m.m_axis_pipe_tready, m.csr_rd,
                                           m.csr_wr, m.csr_addr, m.s_axis_pipe_tkeep);
        m.s_axis_pipe_tvalid ^= 1;
        m.m_axis_host_tready ^= 1;
        m.s_axis_host_tvalid ^= 1;
        m.m_axis_pipe_tready ^= 1;
        m.csr_rd ^= 1;
        m.csr_wr ^= 1;
        m.csr_addr ^= 0x8;
        m.s_axis_pipe_tkeep = ~m.s_axis_pipe_tkeep;
        sim_.settle();
        EXPECT_EQ(snapshot(), before) << "an output follows an input combinationally";
        std::tie(m.s_axis_pipe_tvalid, m.m_axis_host_tready, m.s_axis_host_tvalid,
                 m.m_axis_pipe_tready, m.csr_rd, m.csr_wr, m.csr_addr, m.s_axis_pipe_tkeep) = saved;
        sim_.settle();
    }

    uint32_t csrRead(uint32_t off) {
        auto& m = *sim_.operator->();
        m.s_axis_pipe_tvalid = 0;
        m.s_axis_host_tvalid = 0;
        m.csr_rd = 1;
        m.csr_wr = 0;
        m.csr_addr = kBase + off;
        sim_.tick();
        m.csr_rd = 0;
        sim_.settle();
        return m.csr_rdata;
    }

    void checkEmptyAndCounters() {
        auto& m = *sim_.operator->();
        m.csr_rd = 0;
        m.csr_wr = 0;
        // The host got exactly the kept frames, in order (a discarded one: a prefix of it).
        ASSERT_EQ(hostFrames_.size(), kept_.size());
        for (size_t i = 0; i < kept_.size(); ++i) {
            const Bytes& want = puntFrames_[kept_[i]];
            const auto& [got, discarded] = hostFrames_[i];
            if (discarded) {
                ASSERT_LT(got.size(), want.size()) << "frame " << i;
                ASSERT_TRUE(std::equal(got.begin(), got.end(), want.begin())) << "frame " << i;
            } else {
                ASSERT_EQ(got, want) << "frame " << i;
            }
        }
        EXPECT_EQ(kept_.size() + dropFull_ + dropLong_, puntFrames_.size());
        EXPECT_FALSE(m.m_axis_host_tvalid);
        EXPECT_FALSE(m.m_axis_pipe_tvalid);
        EXPECT_EQ(m.punt_fill, 0u);
        EXPECT_EQ(csrRead(kPuntStatus), 0u);
        EXPECT_EQ(csrRead(kPuntFill), 0u);
        EXPECT_EQ(csrRead(kCtrl), pioEn_ ? 1u : 0u);
        EXPECT_EQ(csrRead(kPuntPktsLo), uint32_t(puntPkts_));
        EXPECT_EQ(csrRead(kPuntPktsHi), uint32_t(puntPkts_ >> 32));
        EXPECT_EQ(csrRead(kPuntBytesLo), uint32_t(puntBytes_));
        EXPECT_EQ(csrRead(kPuntBytesHi), uint32_t(puntBytes_ >> 32));
        EXPECT_EQ(csrRead(kPuntDropFull), uint32_t(dropFull_));
        EXPECT_EQ(csrRead(kPuntDropLong), uint32_t(dropLong_));
        EXPECT_EQ(csrRead(kInjPktsLo), uint32_t(injPkts_));
        EXPECT_EQ(csrRead(kInjPktsHi), uint32_t(injPkts_ >> 32));
        EXPECT_EQ(csrRead(kInjBytesLo), uint32_t(injBytes_));
        EXPECT_EQ(csrRead(kInjBytesHi), uint32_t(injBytes_ >> 32));
        EXPECT_EQ(csrRead(kInjBad), uint32_t(injBad_));
        EXPECT_EQ(csrRead(kInjCommit), kInjCap);  // all free again
        EXPECT_EQ(csrRead(kPuntCapReg), kPuntCap);
        EXPECT_EQ(csrRead(kInjCapReg), kInjCap);
        EXPECT_EQ(injPkts_, cfg_.injFrames + pioTxAccepted_);
    }

    Config cfg_;
    Sim<VMODEL> sim_;
    std::mt19937 rng_;
    std::bernoulli_distribution idle_, stall_;

    // Punt: sources and the model.
    std::vector<Bytes> puntFrames_;
    std::deque<BeatRef> puntIn_;
    std::deque<BeatRef> ram_;  // committed beats in the RAM, not yet in the output register
    size_t tent_ = 0;          // beats of the frame being written
    bool dropping_ = false;
    std::optional<BeatRef> out_;  // the output register
    bool outPio_ = false, sof_ = true, pioEn_ = false;
    size_t pioOff_ = 0;
    std::vector<int> kept_;
    std::vector<std::pair<Bytes, bool>> hostFrames_;  // as the host got them; true: discarded
    Bytes hostStream_;
    uint64_t puntPkts_ = 0, puntBytes_ = 0, dropFull_ = 0, dropLong_ = 0;
    uint64_t pioFramesRead_ = 0, streamFramesRead_ = 0, discards_ = 0;

    // Inject.
    std::deque<AxisBeat> injIn_;
    bool injValid_ = false;
    std::deque<Bytes> injStreamExpected_, pioExpected_;
    Bytes pipeFrame_;
    size_t pipeFrameBeats_ = 0;
    int pioTxLeft_ = 0;
    uint64_t pioCommittedBeats_ = 0, pioSentBeats_ = 0, pioTxAccepted_ = 0;
    uint64_t injPkts_ = 0, injBytes_ = 0, injBad_ = 0;

    // The CSR host.
    std::deque<CsrOp> ops_;
    std::optional<CsrOp> pendingRead_;
    std::optional<uint32_t> pendingExpect_;
    std::optional<std::pair<uint32_t, uint32_t>> pendingRange_;
};

struct Totals {
    uint64_t drops = 0, dropLong = 0, pio = 0, stream = 0, discards = 0, bad = 0, pioTx = 0;
    void add(const Bench& b) {
        drops += b.drops();
        dropLong += b.dropLong();
        pio += b.pioFramesRead();
        stream += b.streamFramesRead();
        discards += b.discards();
        bad += b.badCommits();
        pioTx += b.pioTxFrames();
    }
};

inline Totals sweep(Config::Mode mode, uint32_t seed) {
    Totals t;
    for (double idle : {0.0, 0.3, 0.7})
        for (double stall : {0.0, 0.3, 0.7, 0.95}) {
            SCOPED_TRACE(testing::Message() << "idle " << idle << " stall " << stall);
            Config c;
            c.idle = idle;
            c.stall = stall;
            c.mode = mode;
            c.seed = seed++;
            Bench b(c);
            b.run();
            t.add(b);
            if (testing::Test::HasFatalFailure()) return t;
        }
    return t;
}

}  // namespace hop::cpuporttest
