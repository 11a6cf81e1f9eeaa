// SPDX-License-Identifier: Apache-2.0
#include "sim/board/pipeline.hpp"

#include <cstring>

namespace hop::board {

Pipeline::Pipeline(sc_core::sc_module_name name, const sim::rtl::Library& library, uint32_t seed)
    : sc_module(name), clk("clk"), library_(library) {
    model_ = library_.create(seed);  // reset done
    io_.m_tready = 1;                // the board's output stage always takes a beat
    io_.bready = 1;
    io_.rready = 1;
    io_.wstrb = 0xf;
    SC_METHOD(edgeMethod);
    sensitive << clk.pos();
    dont_initialize();
}

Pipeline::~Pipeline() {
    if (model_) library_.destroy(model_);
}

void Pipeline::edgeMethod() {
    // hop_rtl_cycle: the outputs before the edge into io_, the inputs from io_, the edge.
    library_.cycle(model_, &io_);
    ++cycles_;
    edge_.notify(sc_core::SC_ZERO_TIME);
}

void Pipeline::waitEdge() {
    const uint64_t before = cycles_;
    // edge_ may already be pending for an edge evaluated earlier in this time step, before the
    // caller drove its inputs: wait until one more edge has been evaluated.
    do {
        sc_core::wait(edge_);
    } while (cycles_ == before);
}

void Pipeline::driveStream(const StreamIn& in) {
    if (in.tvalid) {
        std::memcpy(io_.s_tdata, in.tdata, sizeof io_.s_tdata);
        io_.s_tkeep = in.tkeep;
        io_.s_tuser = in.tuser;
        io_.s_tlast = in.tlast;
    }
    io_.s_tvalid = in.tvalid;
}

void Pipeline::sampleStream(StreamOut& out) const {
    out.s_tready = io_.s_tready != 0;
    out.m_tvalid = io_.m_tvalid != 0;
    if (out.m_tvalid) {
        out.m_tlast = io_.m_tlast != 0;
        out.m_tkeep = io_.m_tkeep;
        out.m_tuser = io_.m_tuser;
        std::memcpy(out.m_tdata, io_.m_tdata, sizeof out.m_tdata);
    }
}

void Pipeline::driveAxil(const AxilIn& in) {
    io_.awvalid = in.awvalid;
    io_.wvalid = in.wvalid;
    io_.bready = in.bready;
    io_.arvalid = in.arvalid;
    io_.rready = in.rready;
    io_.awaddr = in.awaddr;
    io_.wdata = in.wdata;
    io_.araddr = in.araddr;
    io_.wstrb = in.wstrb;
}

void Pipeline::sampleAxil(AxilOut& out) const {
    out.awready = io_.awready != 0;
    out.wready = io_.wready != 0;
    out.bvalid = io_.bvalid != 0;
    out.bresp = io_.bresp;
    out.arready = io_.arready != 0;
    out.rvalid = io_.rvalid != 0;
    out.rresp = io_.rresp;
    out.rdata = io_.rdata;
}

}  // namespace hop::board
