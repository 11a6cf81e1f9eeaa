// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the Verilator testbenches: clocking, and moving bytes in and out of signals
// of any width (CData/SData/IData/QData or VlWide). Lane convention everywhere in hopline:
// byte i of a beat is tdata[8*i+7 : 8*i] and tkeep[i] says it is present.
#pragma once

#include <verilated.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <type_traits>
#include <vector>

namespace hop::rtltest {

template <typename T>
requires std::is_integral_v<T>
void putBytes(T& sig, const uint8_t* bytes, size_t n) {
    sig = 0;
    for (size_t i = 0; i < n && i < sizeof(T); ++i) sig |= static_cast<T>(bytes[i]) << (8 * i);
}

template <std::size_t N>
void putBytes(VlWide<N>& sig, const uint8_t* bytes, size_t n) {
    for (std::size_t w = 0; w < N; ++w) sig[w] = 0;
    for (size_t i = 0; i < n && i < 4 * N; ++i)
        sig[i / 4] |= static_cast<EData>(bytes[i]) << (8 * (i % 4));
}

template <typename T>
requires std::is_integral_v<T>
void getBytes(const T& sig, uint8_t* bytes, size_t n) {
    for (size_t i = 0; i < n && i < sizeof(T); ++i) bytes[i] = static_cast<uint8_t>(sig >> (8 * i));
}

template <std::size_t N>
void getBytes(const VlWide<N>& sig, uint8_t* bytes, size_t n) {
    for (size_t i = 0; i < n && i < 4 * N; ++i)
        bytes[i] = static_cast<uint8_t>(sig[i / 4] >> (8 * (i % 4)));
}

// Byte slices at a byte offset, for flat per-port vectors (port p's tdata starts at byte
// p * DATA_W / 8). Leaves the other bytes of the signal untouched.
template <typename T>
requires std::is_integral_v<T>
void putBytesAt(T& sig, size_t offset, const uint8_t* bytes, size_t n) {
    for (size_t i = 0; i < n && offset + i < sizeof(T); ++i) {
        const unsigned sh = 8 * (offset + i);
        sig = static_cast<T>((sig & ~(static_cast<T>(0xff) << sh)) |
                             (static_cast<T>(bytes[i]) << sh));
    }
}

template <std::size_t N>
void putBytesAt(VlWide<N>& sig, size_t offset, const uint8_t* bytes, size_t n) {
    for (size_t i = 0; i < n && offset + i < 4 * N; ++i) {
        const size_t b = offset + i;
        const unsigned sh = 8 * (b % 4);
        sig[b / 4] = (sig[b / 4] & ~(EData{0xff} << sh)) | (static_cast<EData>(bytes[i]) << sh);
    }
}

template <typename T>
requires std::is_integral_v<T>
void getBytesAt(const T& sig, size_t offset, uint8_t* bytes, size_t n) {
    for (size_t i = 0; i < n && offset + i < sizeof(T); ++i)
        bytes[i] = static_cast<uint8_t>(sig >> (8 * (offset + i)));
}

template <std::size_t N>
void getBytesAt(const VlWide<N>& sig, size_t offset, uint8_t* bytes, size_t n) {
    for (size_t i = 0; i < n && offset + i < 4 * N; ++i) {
        const size_t b = offset + i;
        bytes[i] = static_cast<uint8_t>(sig[b / 4] >> (8 * (b % 4)));
    }
}

// Bit fields of up to 64 bits at any bit offset (tkeep / tuser / tvalid of port p in a flat
// vector), for signals of any width.
template <typename T>
requires std::is_integral_v<T> uint64_t getField(const T& sig, unsigned lsb, unsigned width) {
    const uint64_t v = static_cast<uint64_t>(sig) >> lsb;
    return width >= 64 ? v : (v & ((uint64_t{1} << width) - 1));
}

template <std::size_t N>
uint64_t getField(const VlWide<N>& sig, unsigned lsb, unsigned width) {
    uint64_t v = 0;
    for (unsigned i = 0; i < width; ++i) {
        const unsigned b = lsb + i;
        if (b < 32 * N && ((sig[b / 32] >> (b % 32)) & 1)) v |= uint64_t{1} << i;
    }
    return v;
}

template <typename T>
requires std::is_integral_v<T>
void putField(T& sig, unsigned lsb, unsigned width, uint64_t value) {
    const uint64_t mask = width >= 64 ? ~uint64_t{0} : ((uint64_t{1} << width) - 1);
    uint64_t v = static_cast<uint64_t>(sig);
    v = (v & ~(mask << lsb)) | ((value & mask) << lsb);
    sig = static_cast<T>(v);
}

template <std::size_t N>
void putField(VlWide<N>& sig, unsigned lsb, unsigned width, uint64_t value) {
    for (unsigned i = 0; i < width; ++i) {
        const unsigned b = lsb + i;
        if (b >= 32 * N) break;
        const EData bit = EData{1} << (b % 32);
        if ((value >> i) & 1)
            sig[b / 32] |= bit;
        else
            sig[b / 32] &= ~bit;
    }
}

// One AXI-Stream beat as the testbenches see it: `lanes` data bytes, tkeep as a bit mask (up
// to 64 lanes), tlast and tuser.
struct AxisBeat {
    std::vector<uint8_t> data;
    uint64_t keep = 0;
    bool last = false;
    uint32_t user = 0;
    bool operator==(const AxisBeat&) const = default;
};

// Splits a frame into beats of `lanes` bytes following the lane convention: full beats, then
// a last beat whose tkeep is contiguous from lane 0. Absent lanes carry zeros.
inline std::vector<AxisBeat> frameToBeats(const std::vector<uint8_t>& frame, size_t lanes,
                                          uint32_t user = 0) {
    std::vector<AxisBeat> beats;
    for (size_t off = 0; off < frame.size(); off += lanes) {
        AxisBeat b;
        const size_t n = std::min(lanes, frame.size() - off);
        b.data.assign(lanes, 0);
        std::copy(frame.begin() + off, frame.begin() + off + n, b.data.begin());
        b.keep = n >= 64 ? ~uint64_t{0} : ((uint64_t{1} << n) - 1);
        b.last = off + n == frame.size();
        b.user = user;
        beats.push_back(std::move(b));
    }
    return beats;
}

inline std::vector<uint8_t> randomFrame(std::mt19937& rng, size_t minBytes, size_t maxBytes) {
    std::uniform_int_distribution<size_t> len(minBytes, maxBytes);
    std::vector<uint8_t> f(len(rng));
    for (auto& x : f) x = static_cast<uint8_t>(rng());
    return f;
}

// Owns the context and the model; tick() is one full clock cycle (inputs set before it are
// sampled at its rising edge; outputs read after it are the registered results).
template <typename Model>
class Sim {
  public:
    Sim() : ctx_(std::make_unique<VerilatedContext>()) {
        ctx_->randReset(2);
        model_ = std::make_unique<Model>(ctx_.get());
        model_->clk = 0;
        model_->rst = 1;
        model_->eval();
        for (int i = 0; i < 4; ++i) tick();
        model_->rst = 0;
        model_->eval();
    }
    ~Sim() { model_->final(); }
    Model* operator->() { return model_.get(); }
    Model& model() { return *model_; }
    void tick() {
        model_->clk = 1;
        model_->eval();
        ctx_->timeInc(1);
        model_->clk = 0;
        model_->eval();
        ctx_->timeInc(1);
        ++cycles_;
    }
    // Settles combinational outputs after inputs changed, without a clock edge.
    void settle() { model_->eval(); }
    uint64_t cycles() const { return cycles_; }

  private:
    std::unique_ptr<VerilatedContext> ctx_;
    std::unique_ptr<Model> model_;
    uint64_t cycles_ = 0;
};

}  // namespace hop::rtltest
