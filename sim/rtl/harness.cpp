// SPDX-License-Identifier: Apache-2.0
// Compiled into every Verilated pipeline hopsim builds (sim/rtl/rtl_build.cpp): the C ABI of
// harness.h around the model, which Verilator names Vhop (--prefix Vhop) whatever the program.
// Signal widths differ by DATA_W (CData .. QData or VlWide), so bytes move through templates
// (C++14: Verilator compiles with its own -std).
#include "harness.h"

#include <verilated.h>

#include <cstdint>
#include <cstring>
#include <type_traits>

#include "Vhop.h"
#include "Vhop___024root.h"

// Waveforms: a model built with --trace-fst (or --trace, VCD) can write them
// (hop_rtl_trace_open); every other model says it cannot.
#if VM_TRACE
#if VM_TRACE_FST
#include <verilated_fst_c.h>
using HopTracer = VerilatedFstC;
#else
#include <verilated_vcd_c.h>
using HopTracer = VerilatedVcdC;
#endif
#endif

namespace {

template <typename T, typename = typename std::enable_if<std::is_integral<T>::value>::type>
void put(T& sig, const uint8_t* bytes, unsigned n) {
    T v = 0;
    for (unsigned i = 0; i < n && i < sizeof(T); ++i) v |= static_cast<T>(bytes[i]) << (8 * i);
    sig = v;
}

// A VlWide is an array of 32-bit words, word 0 the low bits; on a little-endian host its bytes
// are already in lane order, so a beat moves with one memcpy (the byte loops cost more than a
// tenth of a router cycle).
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
constexpr bool kLittleEndian = true;
#else
constexpr bool kLittleEndian = false;
#endif

template <std::size_t N>
void put(VlWide<N>& sig, const uint8_t* bytes, unsigned n) {
    if (kLittleEndian && n == 4 * N) {
        std::memcpy(&sig[0], bytes, 4 * N);
        return;
    }
    for (std::size_t w = 0; w < N; ++w) {
        EData v = 0;
        for (unsigned k = 0; k < 4; ++k) {
            const std::size_t i = 4 * w + k;
            if (i < n) v |= static_cast<EData>(bytes[i]) << (8 * k);
        }
        sig[w] = v;
    }
}

template <typename T, typename = typename std::enable_if<std::is_integral<T>::value>::type>
void get(const T& sig, uint8_t* bytes, unsigned n) {
    for (unsigned i = 0; i < n; ++i)
        bytes[i] = i < sizeof(T) ? static_cast<uint8_t>(static_cast<uint64_t>(sig) >> (8 * i)) : 0;
}

template <std::size_t N>
void get(const VlWide<N>& sig, uint8_t* bytes, unsigned n) {
    if (kLittleEndian && n == 4 * N) {
        std::memcpy(bytes, &sig[0], 4 * N);
        return;
    }
    for (unsigned i = 0; i < n; ++i)
        bytes[i] = i < 4 * N ? static_cast<uint8_t>(sig[i / 4] >> (8 * (i % 4))) : 0;
}

template <typename T, typename = typename std::enable_if<std::is_integral<T>::value>::type>
uint64_t get64(const T& sig) {
    return static_cast<uint64_t>(sig);
}

template <std::size_t N>
uint64_t get64(const VlWide<N>& sig) {
    uint64_t v = sig[0];
    if (N > 1) v |= static_cast<uint64_t>(sig[1]) << 32;
    return v;
}

template <typename T, typename = typename std::enable_if<std::is_integral<T>::value>::type>
void put64(T& sig, uint64_t v) {
    sig = static_cast<T>(v);
}

template <std::size_t N>
void put64(VlWide<N>& sig, uint64_t v) {
    for (std::size_t w = 0; w < N; ++w) sig[w] = 0;
    sig[0] = static_cast<EData>(v);
    if (N > 1) sig[1] = static_cast<EData>(v >> 32);
}

struct Instance {
    VerilatedContext ctx;
    Vhop* top = nullptr;
    uint64_t cycle = 0;
#if VM_TRACE
    HopTracer* tracer = nullptr;  // open: every cycle is dumped, clk low then high
#endif
};

// DATA_W is given at build time (-DHOP_RTL_DATA_W=N), the same value the RTL was generated with.
constexpr unsigned lanes() { return HOP_RTL_DATA_W / 8; }

// One rising edge per eval(): Verilator finds an edge by comparing clk with the value it saw at
// the previous eval(), so the usual way is two eval() calls per cycle (clk = 0, then clk = 1),
// and every eval() runs the logic that depends on the inputs again. Where the model keeps that
// previous value in a member this Verilator names as below, the harness sets it to 0 and runs
// ONE eval() per cycle with clk = 1; otherwise it falls back to an eval() with clk = 0 first.
template <typename R>
auto forgetClock(R* root, int) -> decltype(root->__Vtrigrprev__TOP__clk = 0, bool()) {
    root->__Vtrigrprev__TOP__clk = 0;  // Verilator 5.006 .. 5.01x
    return true;
}
template <typename R>
auto forgetClock(R* root, long) -> decltype(root->__Vtrigprevexpr___TOP__clk__0 = 0, bool()) {
    root->__Vtrigprevexpr___TOP__clk__0 = 0;  // later Verilator 5
    return true;
}
template <typename R>
bool forgetClock(R*, ...) {
    return false;
}

void tick(Instance* in) {
    in->top->clk = 1;
    in->top->eval();
    in->ctx.timeInc(1);
    in->top->clk = 0;
    in->top->eval();
    in->ctx.timeInc(1);
}

#ifdef HOP_RTL_SWITCH_PORTS
// A switch top (hopc --ports N): the front-panel ports' streams are packed vectors (port p's
// tdata at bits [p*DATA_W +: DATA_W], its tkeep at [p*KEEP_W +: KEEP_W], one bit of each
// handshake), the CPU port's are the host streams. The outputs are read as they are before the
// edge, then the inputs driven, as for the pipeline.
constexpr unsigned kPorts = HOP_RTL_SWITCH_PORTS;
constexpr unsigned kKeepBytes = lanes() / 8;  // DATA_W >= 64: whole bytes of tkeep per port

void switchStreams(Vhop& t, hop_rtl_ports* io) {
    hop_rtl_stream* out = io->out;
    hop_rtl_stream* inp = io->in;
    const uint64_t sReady = t.s_port_tready, mValid = t.m_port_tvalid, mLast = t.m_port_tlast;
    uint64_t taking = 0;
    for (unsigned p = 0; p < kPorts; ++p) {
        inp[p].tready = (sReady >> p) & 1;
        out[p].tvalid = (mValid >> p) & 1;
        if (out[p].tvalid && out[p].tready) taking |= uint64_t{1} << p;
    }
    if (taking) {
        uint8_t data[kPorts * lanes()] = {}, keep[kPorts * kKeepBytes] = {};
        get(t.m_port_tdata, data, sizeof data);
        get(t.m_port_tkeep, keep, sizeof keep);
        for (unsigned p = 0; p < kPorts; ++p) {
            if (!((taking >> p) & 1)) continue;
            std::memcpy(out[p].tdata, data + p * lanes(), lanes());
            uint64_t k = 0;
            for (unsigned i = 0; i < kKeepBytes; ++i)
                k |= static_cast<uint64_t>(keep[p * kKeepBytes + i]) << (8 * i);
            out[p].tkeep = k;
            out[p].tlast = (mLast >> p) & 1;
        }
    }
    hop_rtl_stream& hin = inp[kPorts];
    hop_rtl_stream& hout = out[kPorts];
    hin.tready = t.s_host_tready;
    hout.tvalid = t.m_host_tvalid;
    if (hout.tvalid && hout.tready) {
        get(t.m_host_tdata, hout.tdata, lanes());
        hout.tkeep = get64(t.m_host_tkeep);
        hout.tlast = t.m_host_tlast;
    }

    // Inputs: tdata and tkeep only when some port offers a beat.
    uint64_t valid = 0, last = 0, ready = 0;
    for (unsigned p = 0; p < kPorts; ++p) {
        valid |= static_cast<uint64_t>(inp[p].tvalid & 1) << p;
        last |= static_cast<uint64_t>(inp[p].tlast & 1) << p;
        ready |= static_cast<uint64_t>(out[p].tready & 1) << p;
    }
    if (valid) {
        uint8_t data[kPorts * lanes()] = {}, keep[kPorts * kKeepBytes] = {};
        for (unsigned p = 0; p < kPorts; ++p) {
            if (!((valid >> p) & 1)) continue;
            std::memcpy(data + p * lanes(), inp[p].tdata, lanes());
            for (unsigned i = 0; i < kKeepBytes; ++i)
                keep[p * kKeepBytes + i] = static_cast<uint8_t>(inp[p].tkeep >> (8 * i));
        }
        put(t.s_port_tdata, data, sizeof data);
        put(t.s_port_tkeep, keep, sizeof keep);
        t.s_port_tlast = static_cast<uint32_t>(last);
    }
    t.s_port_tvalid = static_cast<uint32_t>(valid);
    t.m_port_tready = static_cast<uint32_t>(ready);
    if (hin.tvalid) {
        put(t.s_host_tdata, hin.tdata, lanes());
        put64(t.s_host_tkeep, hin.tkeep);
        t.s_host_tlast = hin.tlast;
    }
    t.s_host_tvalid = hin.tvalid;
    t.m_host_tready = hout.tready;
    t.now = static_cast<uint32_t>(io->s_ttime);
}
#endif

}  // namespace

extern "C" {

__attribute__((visibility("default"))) uint32_t hop_rtl_abi_version(void) {
    return HOP_RTL_ABI_VERSION;
}

__attribute__((visibility("default"))) int hop_rtl_data_width(void) { return HOP_RTL_DATA_W; }

__attribute__((visibility("default"))) int hop_rtl_streams(void) {
#ifdef HOP_RTL_SWITCH_PORTS
    return HOP_RTL_SWITCH_PORTS + 1;
#else
    return 1;
#endif
}

__attribute__((visibility("default"))) void* hop_rtl_create(uint32_t seed) {
    auto* in = new Instance;
    in->ctx.randReset(2);
    in->ctx.randSeed(static_cast<int>(seed));
#if VM_TRACE
    in->ctx.traceEverOn(true);
#endif
    in->top = new Vhop(&in->ctx);
    Vhop& t = *in->top;
    t.clk = 0;
    t.rst = 1;
#ifdef HOP_RTL_SWITCH_PORTS
    t.s_port_tvalid = 0;
    t.m_port_tready = (1u << HOP_RTL_SWITCH_PORTS) - 1;
    t.s_host_tvalid = 0;
    t.m_host_tready = 1;
#else
    t.s_axis_tvalid = 0;
    t.m_axis_tready = 1;
#endif
    t.s_axil_awvalid = 0;
    t.s_axil_wvalid = 0;
    t.s_axil_arvalid = 0;
    t.s_axil_bready = 1;
    t.s_axil_rready = 1;
    t.eval();
    for (int i = 0; i < 4; ++i) tick(in);
    t.rst = 0;
    t.eval();
    return in;
}

__attribute__((visibility("default"))) void hop_rtl_destroy(void* p) {
    auto* in = static_cast<Instance*>(p);
    if (!in) return;
#if VM_TRACE
    if (in->tracer) {
        in->tracer->close();
        delete in->tracer;
    }
#endif
    in->top->final();
    delete in->top;
    delete in;
}

__attribute__((visibility("default"))) void hop_rtl_cycle(void* p, hop_rtl_ports* io) {
    auto* in = static_cast<Instance*>(p);
    Vhop& t = *in->top;
    // The outputs the rising edge samples the handshakes with. Every output of a generated top
    // comes from a register (harness.h), so they are the values the previous eval() left and
    // do not depend on the inputs about to be driven.
#ifdef HOP_RTL_SWITCH_PORTS
    switchStreams(t, io);
#else
    io->s_tready = t.s_axis_tready;
    io->m_tvalid = t.m_axis_tvalid;
    if (t.m_axis_tvalid && io->m_tready) {
        get(t.m_axis_tdata, io->m_tdata, lanes());
        io->m_tkeep = get64(t.m_axis_tkeep);
        io->m_tuser = t.m_axis_tuser;
        io->m_tlast = t.m_axis_tlast;
    }
#endif
    io->awready = t.s_axil_awready;
    io->wready = t.s_axil_wready;
    io->bvalid = t.s_axil_bvalid;
    io->bresp = t.s_axil_bresp;
    io->arready = t.s_axil_arready;
    io->rvalid = t.s_axil_rvalid;
    io->rresp = t.s_axil_rresp;
    io->rdata = t.s_axil_rdata;
#ifndef HOP_RTL_SWITCH_PORTS
    // Inputs; tdata only when a beat is offered (the pipeline ignores it otherwise).
    if (io->s_tvalid) {
        put(t.s_axis_tdata, io->s_tdata, lanes());
        put64(t.s_axis_tkeep, io->s_tkeep);
        t.s_axis_tuser = io->s_tuser;
        t.s_axis_ttime = io->s_ttime;
        t.s_axis_tlast = io->s_tlast;
    }
    t.s_axis_tvalid = io->s_tvalid;
    t.m_axis_tready = io->m_tready;
#endif
    t.s_axil_awaddr = io->awaddr;
    t.s_axil_awprot = 0;
    t.s_axil_awvalid = io->awvalid;
    t.s_axil_wdata = io->wdata;
    t.s_axil_wstrb = io->wstrb;
    t.s_axil_wvalid = io->wvalid;
    t.s_axil_bready = io->bready;
    t.s_axil_araddr = io->araddr;
    t.s_axil_arprot = 0;
    t.s_axil_arvalid = io->arvalid;
    t.s_axil_rready = io->rready;
    ++in->cycle;
#if VM_TRACE
    if (in->tracer) {
        // Two evaluations so that the waves show the clock: low (inputs applied) at time
        // 2 * cycle, the rising edge at 2 * cycle + 1.
        t.clk = 0;
        t.eval();
        in->tracer->dump(2 * in->cycle);
        t.clk = 1;
        t.eval();
        in->tracer->dump(2 * in->cycle + 1);
        in->ctx.timeInc(1);
        return;
    }
#endif
    // The rising edge.
    if (!forgetClock(t.rootp, 0)) {
        t.clk = 0;
        t.eval();
    }
    t.clk = 1;
    t.eval();
    in->ctx.timeInc(1);
}

// Starts writing waves to `path` (FST or VCD, as the model was built); 0 on success, -1 when the
// model was built without tracing or one is already open.
__attribute__((visibility("default"))) int hop_rtl_trace_open(void* p, const char* path) {
#if VM_TRACE
    auto* in = static_cast<Instance*>(p);
    if (in->tracer) return -1;
    in->tracer = new HopTracer;
    in->top->trace(in->tracer, 99);
    in->tracer->open(path);
    if (!in->tracer->isOpen()) {
        delete in->tracer;
        in->tracer = nullptr;
        return -1;
    }
    in->tracer->dump(2 * in->cycle + 1);
    return 0;
#else
    (void)p;
    (void)path;
    return -1;
#endif
}

// Stops writing waves (the file is complete afterwards).
__attribute__((visibility("default"))) void hop_rtl_trace_close(void* p) {
#if VM_TRACE
    auto* in = static_cast<Instance*>(p);
    if (!in->tracer) return;
    in->tracer->close();
    delete in->tracer;
    in->tracer = nullptr;
#else
    (void)p;
#endif
}

}  // extern "C"
