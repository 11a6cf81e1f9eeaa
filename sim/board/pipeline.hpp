// SPDX-License-Identifier: Apache-2.0
// The program's pipeline on the board: the plain C++ Verilated model the RTL engine loads
// (sim/rtl/rtl_build.hpp, buildModel: the same cache entry and the same harness.h C API) inside
// a SystemC module. An SC_METHOD sensitive to the rising edge of `clk` runs one hop_rtl_cycle()
// per edge: it hands the model the inputs the board drove before the edge and gets back the
// outputs that edge sampled the handshakes with, then notifies edge() one delta cycle later.
// The model is reset by the harness when it is created (at elaboration, before time 0).
//
// Pins, as the board sees them:
// - Sampling: after edge(), sampleStream() and sampleAxil() return the values the last edge
//   sampled with (s_axis_tready, m_axis_*: a beat on m_axis left at that edge, as m_axis_tready
//   is always 1 on the board; the AXI4-Lite handshakes).
// - Driving: driveStream() and driveAxil() set the inputs of the next edge evaluated after the
//   call. A process that drives and then waits for its handshake uses waitEdge(), which returns
//   after that edge whatever the delta cycle the drive happened in (an edge evaluated earlier in
//   the same time step does not count). The stream is driven by one process (the board's clock
//   method, on edge()), the AXI4-Lite pins by one at a time (the thread running b_transport).
// Bytes of tdata follow the lane convention: byte i is tdata[8*i+7 : 8*i].
#pragma once

#include <cstdint>
#include <systemc>

#include "sim/rtl/harness.h"
#include "sim/rtl/rtl_build.hpp"

namespace hop::board {

struct StreamIn {
    uint8_t tdata[HOP_RTL_MAX_LANES];  // read only when tvalid
    uint64_t tkeep = 0;
    uint32_t tuser = 0;  // ingress port
    bool tvalid = false, tlast = false;
};

struct StreamOut {
    bool s_tready = false;
    bool m_tvalid = false;
    // Filled only when m_tvalid is set.
    bool m_tlast = false;
    uint64_t m_tkeep = 0;
    uint32_t m_tuser = 0;  // egress port
    uint8_t m_tdata[HOP_RTL_MAX_LANES];
};

struct AxilIn {
    bool awvalid = false, wvalid = false, bready = true, arvalid = false, rready = true;
    uint32_t awaddr = 0, wdata = 0, araddr = 0;
    uint8_t wstrb = 0xf;
};

struct AxilOut {
    bool awready = false, wready = false, bvalid = false, arready = false, rvalid = false;
    uint8_t bresp = 0, rresp = 0;
    uint32_t rdata = 0;
};

class Pipeline : public sc_core::sc_module {
  public:
    SC_HAS_PROCESS(Pipeline);
    // `library` (a loaded model, see rtl::buildModel) must outlive the module; `seed` draws
    // Verilator's random initial values.
    Pipeline(sc_core::sc_module_name name, const sim::rtl::Library& library, uint32_t seed);
    ~Pipeline() override;

    sc_core::sc_in<bool> clk;

    int dataWidth() const { return library_.dataWidth; }
    // Notified one delta cycle after each rising edge has been evaluated.
    const sc_core::sc_event& edge() const { return edge_; }
    uint64_t cycles() const { return cycles_; }
    // In a thread: waits until an edge evaluated with what was driven before the call.
    void waitEdge();

    void driveStream(const StreamIn& in);
    void sampleStream(StreamOut& out) const;
    void driveAxil(const AxilIn& in);
    void sampleAxil(AxilOut& out) const;

  private:
    void edgeMethod();

    const sim::rtl::Library& library_;
    void* model_ = nullptr;
    hop_rtl_ports io_{};  // the inputs of the next edge, the outputs of the last one
    uint64_t cycles_ = 0;
    sc_core::sc_event edge_;
};

}  // namespace hop::board
