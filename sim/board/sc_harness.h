// SPDX-License-Identifier: Apache-2.0
// The interface between hopsim's board model (sim/board) and a pipeline Verilated with --sc
// (sim/rtl/rtl_build.hpp, buildScModel; sc_harness.cpp is compiled into every such model, and
// hopsim dlopen()s it). The Verilated module lives in hopsim's SystemC kernel (the model links
// the same libsystemc): the board gives it its clock and reset signals at elaboration, then
// drives and samples its pins through these functions, which hold the pins' signals and convert
// between bytes and the pins' SystemC types (sc_bv<DATA_W> or integers, depending on DATA_W).
// The functions have C names (dlsym) and plain-data arguments; only hop_sc_create takes
// SystemC types, which both sides share through libsystemc. Bytes of tdata follow the lane
// convention: byte i is tdata[8*i+7 : 8*i].
//
// Sampling: called in the evaluation phase of a rising clock edge, the sample functions return
// the values the edge samples handshakes with (signals update after the evaluation phase).
// Driving: values written become visible in the next delta cycle, so the next rising edge
// samples them. Each drive function must be called from one SystemC process only (the stream
// from the board's clock process, the AXI4-Lite pins from the thread that runs CSR accesses).
#ifndef HOP_BOARD_SC_HARNESS_H
#define HOP_BOARD_SC_HARNESS_H

#include <stdint.h>

namespace sc_core {
template <class T>
class sc_signal_in_if;
}

#define HOP_SC_ABI_VERSION 1u
#define HOP_SC_MAX_LANES 64

struct hop_sc_stream_in {
    uint8_t tdata[HOP_SC_MAX_LANES];  // read only when tvalid
    uint64_t tkeep;
    uint32_t tuser;  // ingress port
    uint8_t tvalid, tlast;
    uint8_t m_tready;  // the output side's ready
};

struct hop_sc_stream_out {
    uint8_t s_tready;
    uint8_t m_tvalid;
    // Filled only when m_tvalid is set.
    uint8_t m_tlast;
    uint64_t m_tkeep;
    uint32_t m_tuser;  // egress port
    uint8_t m_tdata[HOP_SC_MAX_LANES];
};

struct hop_sc_axil_in {
    uint8_t awvalid, wvalid, bready, arvalid, rready;
    uint32_t awaddr, wdata, araddr;
    uint8_t wstrb;
};

struct hop_sc_axil_out {
    uint8_t awready, wready, bvalid, bresp, arready, rvalid, rresp;
    uint32_t rdata;
};

extern "C" {
typedef uint32_t (*hop_sc_abi_version_fn)(void);  // "hop_sc_abi_version"
typedef int (*hop_sc_data_width_fn)(void);        // "hop_sc_data_width"
// "hop_sc_create": at elaboration, inside the caller's module (the Verilated module and its
// signals become its children, named `name` and `name`_<pin>). Verilator's random initial
// values are drawn from `seed`.
typedef void* (*hop_sc_create_fn)(const char* name, sc_core::sc_signal_in_if<bool>* clk,
                                  sc_core::sc_signal_in_if<bool>* rst, uint32_t seed);
typedef void (*hop_sc_destroy_fn)(void*);  // "hop_sc_destroy": final(), then deletes
typedef void (*hop_sc_drive_stream_fn)(void*,
                                       const struct hop_sc_stream_in*);  // "hop_sc_drive_stream"
typedef void (*hop_sc_sample_stream_fn)(void*,
                                        struct hop_sc_stream_out*);  // "hop_sc_sample_stream"
typedef void (*hop_sc_drive_axil_fn)(void*, const struct hop_sc_axil_in*);  // "hop_sc_drive_axil"
typedef void (*hop_sc_sample_axil_fn)(void*, struct hop_sc_axil_out*);      // "hop_sc_sample_axil"
}

#endif
