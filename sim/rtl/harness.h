/* SPDX-License-Identifier: Apache-2.0 */
/* The C ABI between hopsim and a Verilated pipeline built as a shared object (harness.cpp is
 * compiled into every model; hopsim dlopen()s it). Plain data only, so the two sides share no
 * C++ types. Bytes of tdata follow the lane convention: byte i is tdata[8*i+7 : 8*i]. */
#ifndef HOP_RTL_HARNESS_H
#define HOP_RTL_HARNESS_H

#include <stdint.h>

#define HOP_RTL_ABI_VERSION 3u
#define HOP_RTL_MAX_LANES 64
/* A switch top's streams: its front-panel ports, then the CPU port (hopc --ports, at most 30). */
#define HOP_RTL_MAX_STREAMS 32

#ifdef __cplusplus
extern "C" {
#endif

/* One AXI4-Stream of a switch top: `in` holds what goes into the model (tready is the model's),
 * `out` what comes out of it (tready is hopsim's). Same conventions as the pipeline's below. */
struct hop_rtl_stream {
    uint8_t tdata[HOP_RTL_MAX_LANES];
    uint64_t tkeep;
    uint8_t tvalid, tlast, tready;
};

struct hop_rtl_ports {
    /* inputs (hopsim -> model) */
    uint8_t s_tdata[HOP_RTL_MAX_LANES];
    uint64_t s_tkeep;
    uint32_t s_tuser;
    uint8_t s_tvalid, s_tlast, m_tready;
    uint8_t awvalid, wvalid, bready, arvalid, rready;
    uint32_t awaddr, wdata, araddr;
    uint8_t wstrb;
    uint64_t s_ttime; /* the frame's arrival time in microseconds, with each of its beats; a
                         switch top's `now` (its clock in microseconds), every cycle */
    /* outputs (model -> hopsim), as they were before the clock edge */
    uint8_t s_tready;
    uint8_t m_tdata[HOP_RTL_MAX_LANES];
    uint64_t m_tkeep;
    uint32_t m_tuser;
    uint8_t m_tvalid, m_tlast;
    uint8_t awready, wready, bvalid, bresp, arready, rvalid, rresp;
    uint32_t rdata;
    /* A switch top (hop_rtl_streams() > 1) has no s_t* / m_t* above: stream i of `in` and `out`
     * is front-panel port i, the last one the CPU port (the host's side of hop_cpu_port). */
    struct hop_rtl_stream in[HOP_RTL_MAX_STREAMS];
    struct hop_rtl_stream out[HOP_RTL_MAX_STREAMS];
};

/* The functions a model exports (dlsym names in quotes). */
typedef uint32_t (*hop_rtl_abi_version_fn)(void); /* "hop_rtl_abi_version" */
typedef int (*hop_rtl_data_width_fn)(void);       /* "hop_rtl_data_width" */
/* "hop_rtl_streams": 1 for a pipeline top (s_t* / m_t*), PORTS + 1 for a switch top (in[],
 * out[]). */
typedef int (*hop_rtl_streams_fn)(void);
typedef void* (*hop_rtl_create_fn)(uint32_t seed); /* "hop_rtl_create": reset done */
typedef void (*hop_rtl_destroy_fn)(void*);         /* "hop_rtl_destroy" */
/* "hop_rtl_cycle": one clock. Copies the outputs into `ports` (the values the rising edge will
 * sample the handshakes with), drives the inputs, then the rising edge: one eval() of the model
 * where the Verilator version allows it (harness.cpp). The outputs are read before the inputs
 * are driven, which needs what every generated top gives: no combinational path from an input
 * to an output (AXI4-Stream out from the deparser's output register, s_axis_tready and the
 * AXI4-Lite handshakes from flops). m_tdata, m_tkeep, m_tuser and m_tlast are only written when
 * a beat leaves (m_tvalid and m_tready); s_tdata, s_tkeep, s_tuser and s_tlast are only read
 * when s_tvalid is set. */
typedef void (*hop_rtl_cycle_fn)(void*, struct hop_rtl_ports*);
/* Waveforms (optional symbols; a model built without tracing returns -1):
 * "hop_rtl_trace_open": start writing FST / VCD to a path, 0 on success;
 * "hop_rtl_trace_close": stop (the file is complete). */
typedef int (*hop_rtl_trace_open_fn)(void*, const char*);
typedef void (*hop_rtl_trace_close_fn)(void*);

#ifdef __cplusplus
}
#endif

#endif
