// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the Verilator testbenches: clocking, and moving bytes in and out of signals
// of any width (CData/SData/IData/QData or VlWide). Lane convention everywhere in hopline:
// byte i of a beat is tdata[8*i+7 : 8*i] and tkeep[i] says it is present.
#pragma once

#include <verilated.h>

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
    for (size_t i = 0; i < n && i < 4 * N; ++i) sig[i / 4] |= static_cast<EData>(bytes[i]) << (8 * (i % 4));
}

template <typename T>
    requires std::is_integral_v<T>
void getBytes(const T& sig, uint8_t* bytes, size_t n) {
    for (size_t i = 0; i < n && i < sizeof(T); ++i) bytes[i] = static_cast<uint8_t>(sig >> (8 * i));
}

template <std::size_t N>
void getBytes(const VlWide<N>& sig, uint8_t* bytes, size_t n) {
    for (size_t i = 0; i < n && i < 4 * N; ++i) bytes[i] = static_cast<uint8_t>(sig[i / 4] >> (8 * (i % 4)));
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
