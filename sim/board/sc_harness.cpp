// SPDX-License-Identifier: Apache-2.0
// Compiled into every pipeline Verilated with --sc for the board model (sim/board/sc_harness.h):
// the Verilated module (Verilator names it Vhop, --prefix Vhop, whatever the program), one
// signal per pin, and the functions that drive and sample them as bytes. Pin types differ by
// DATA_W (bool, uint32_t, uint64_t, sc_bv<N>), so conversions are templates on the pin's type
// (C++14 at least: Verilator compiles with its own -std).
#include "sc_harness.h"

#include <verilated.h>

#include <cstdint>
#include <string>
#include <systemc>
#include <type_traits>

#include "Vhop.h"

namespace {

using sc_core::SC_MANY_WRITERS;
using sc_core::sc_signal;

// The value type of a Verilated pin (a reference to sc_in<T> or sc_out<T>).
template <typename Pin>
using PinType = typename std::remove_reference<Pin>::type::data_type;

// Signals written by the board from more than one place during elaboration and simulation are
// still written by one process at a time; SC_MANY_WRITERS only drops the kernel's check that it
// is always the same process (the board's reset writes the stream pins at elaboration).
template <typename T>
using Signal = sc_signal<T, SC_MANY_WRITERS>;

template <typename T, typename = typename std::enable_if<std::is_integral<T>::value>::type>
T fromBytes(const uint8_t* bytes, unsigned n, T*) {
    T v = 0;
    for (unsigned i = 0; i < n && i < sizeof(T); ++i) v |= static_cast<T>(bytes[i]) << (8 * i);
    return v;
}

template <int W>
sc_dt::sc_bv<W> fromBytes(const uint8_t* bytes, unsigned n, sc_dt::sc_bv<W>*) {
    sc_dt::sc_bv<W> v;
    for (int w = 0; w < (W + 31) / 32; ++w) {
        uint32_t word = 0;
        for (unsigned k = 0; k < 4; ++k) {
            const unsigned i = 4 * w + k;
            if (i < n) word |= static_cast<uint32_t>(bytes[i]) << (8 * k);
        }
        v.set_word(w, word);
    }
    return v;
}

template <typename T, typename = typename std::enable_if<std::is_integral<T>::value>::type>
void toBytes(const T& v, uint8_t* bytes, unsigned n) {
    for (unsigned i = 0; i < n; ++i)
        bytes[i] = i < sizeof(T) ? static_cast<uint8_t>(static_cast<uint64_t>(v) >> (8 * i)) : 0;
}

template <int W>
void toBytes(const sc_dt::sc_bv<W>& v, uint8_t* bytes, unsigned n) {
    for (unsigned i = 0; i < n; ++i) {
        bytes[i] = static_cast<int>(i) < (W + 7) / 8
                       ? static_cast<uint8_t>(v.get_word(i / 4) >> (8 * (i % 4)))
                       : 0;
    }
}

template <typename T, typename = typename std::enable_if<std::is_integral<T>::value>::type>
uint64_t toU64(const T& v) {
    return static_cast<uint64_t>(v);
}

template <int W>
uint64_t toU64(const sc_dt::sc_bv<W>& v) {
    uint64_t r = v.get_word(0);
    if (W > 32) r |= static_cast<uint64_t>(v.get_word(1)) << 32;
    return r;
}

template <typename T, typename = typename std::enable_if<std::is_integral<T>::value>::type>
T fromU64(uint64_t v, T*) {
    return static_cast<T>(v);
}

template <int W>
sc_dt::sc_bv<W> fromU64(uint64_t v, sc_dt::sc_bv<W>*) {
    sc_dt::sc_bv<W> r;
    r.set_word(0, static_cast<uint32_t>(v));
    if (W > 32) r.set_word(1, static_cast<uint32_t>(v >> 32));
    return r;
}

constexpr unsigned lanes() { return HOP_RTL_DATA_W / 8; }

#define HOP_PIN(pin) Signal<PinType<decltype(Vhop::pin)>>

struct Instance {
    explicit Instance(const std::string& n)
        : s_axis_tdata((n + "_s_axis_tdata").c_str()),
          s_axis_tkeep((n + "_s_axis_tkeep").c_str()),
          s_axis_tvalid((n + "_s_axis_tvalid").c_str()),
          s_axis_tready((n + "_s_axis_tready").c_str()),
          s_axis_tlast((n + "_s_axis_tlast").c_str()),
          s_axis_tuser((n + "_s_axis_tuser").c_str()),
          m_axis_tdata((n + "_m_axis_tdata").c_str()),
          m_axis_tkeep((n + "_m_axis_tkeep").c_str()),
          m_axis_tvalid((n + "_m_axis_tvalid").c_str()),
          m_axis_tready((n + "_m_axis_tready").c_str()),
          m_axis_tlast((n + "_m_axis_tlast").c_str()),
          m_axis_tuser((n + "_m_axis_tuser").c_str()),
          s_axil_awaddr((n + "_s_axil_awaddr").c_str()),
          s_axil_awprot((n + "_s_axil_awprot").c_str()),
          s_axil_awvalid((n + "_s_axil_awvalid").c_str()),
          s_axil_awready((n + "_s_axil_awready").c_str()),
          s_axil_wdata((n + "_s_axil_wdata").c_str()),
          s_axil_wstrb((n + "_s_axil_wstrb").c_str()),
          s_axil_wvalid((n + "_s_axil_wvalid").c_str()),
          s_axil_wready((n + "_s_axil_wready").c_str()),
          s_axil_bresp((n + "_s_axil_bresp").c_str()),
          s_axil_bvalid((n + "_s_axil_bvalid").c_str()),
          s_axil_bready((n + "_s_axil_bready").c_str()),
          s_axil_araddr((n + "_s_axil_araddr").c_str()),
          s_axil_arprot((n + "_s_axil_arprot").c_str()),
          s_axil_arvalid((n + "_s_axil_arvalid").c_str()),
          s_axil_arready((n + "_s_axil_arready").c_str()),
          s_axil_rdata((n + "_s_axil_rdata").c_str()),
          s_axil_rresp((n + "_s_axil_rresp").c_str()),
          s_axil_rvalid((n + "_s_axil_rvalid").c_str()),
          s_axil_rready((n + "_s_axil_rready").c_str()) {}

    Vhop* top = nullptr;
    HOP_PIN(s_axis_tdata) s_axis_tdata;
    HOP_PIN(s_axis_tkeep) s_axis_tkeep;
    HOP_PIN(s_axis_tvalid) s_axis_tvalid;
    HOP_PIN(s_axis_tready) s_axis_tready;
    HOP_PIN(s_axis_tlast) s_axis_tlast;
    HOP_PIN(s_axis_tuser) s_axis_tuser;
    HOP_PIN(m_axis_tdata) m_axis_tdata;
    HOP_PIN(m_axis_tkeep) m_axis_tkeep;
    HOP_PIN(m_axis_tvalid) m_axis_tvalid;
    HOP_PIN(m_axis_tready) m_axis_tready;
    HOP_PIN(m_axis_tlast) m_axis_tlast;
    HOP_PIN(m_axis_tuser) m_axis_tuser;
    HOP_PIN(s_axil_awaddr) s_axil_awaddr;
    HOP_PIN(s_axil_awprot) s_axil_awprot;
    HOP_PIN(s_axil_awvalid) s_axil_awvalid;
    HOP_PIN(s_axil_awready) s_axil_awready;
    HOP_PIN(s_axil_wdata) s_axil_wdata;
    HOP_PIN(s_axil_wstrb) s_axil_wstrb;
    HOP_PIN(s_axil_wvalid) s_axil_wvalid;
    HOP_PIN(s_axil_wready) s_axil_wready;
    HOP_PIN(s_axil_bresp) s_axil_bresp;
    HOP_PIN(s_axil_bvalid) s_axil_bvalid;
    HOP_PIN(s_axil_bready) s_axil_bready;
    HOP_PIN(s_axil_araddr) s_axil_araddr;
    HOP_PIN(s_axil_arprot) s_axil_arprot;
    HOP_PIN(s_axil_arvalid) s_axil_arvalid;
    HOP_PIN(s_axil_arready) s_axil_arready;
    HOP_PIN(s_axil_rdata) s_axil_rdata;
    HOP_PIN(s_axil_rresp) s_axil_rresp;
    HOP_PIN(s_axil_rvalid) s_axil_rvalid;
    HOP_PIN(s_axil_rready) s_axil_rready;
};

#undef HOP_PIN

template <typename S>
void writeU64(S& sig, uint64_t v) {
    using T = typename std::remove_reference<decltype(sig.read())>::type;
    sig.write(fromU64(v, static_cast<typename std::remove_const<T>::type*>(nullptr)));
}

}  // namespace

extern "C" {

__attribute__((visibility("default"))) uint32_t hop_sc_abi_version(void) {
    return HOP_SC_ABI_VERSION;
}

__attribute__((visibility("default"))) int hop_sc_data_width(void) { return HOP_RTL_DATA_W; }

__attribute__((visibility("default"))) void* hop_sc_create(const char* name,
                                                           sc_core::sc_signal_in_if<bool>* clk,
                                                           sc_core::sc_signal_in_if<bool>* rst,
                                                           uint32_t seed) {
    Verilated::randReset(2);
    Verilated::randSeed(static_cast<int>(seed));
    auto* in = new Instance(name);
    in->top = new Vhop(name);
    Vhop& t = *in->top;
    t.clk(*clk);
    t.rst(*rst);
    t.s_axis_tdata(in->s_axis_tdata);
    t.s_axis_tkeep(in->s_axis_tkeep);
    t.s_axis_tvalid(in->s_axis_tvalid);
    t.s_axis_tready(in->s_axis_tready);
    t.s_axis_tlast(in->s_axis_tlast);
    t.s_axis_tuser(in->s_axis_tuser);
    t.m_axis_tdata(in->m_axis_tdata);
    t.m_axis_tkeep(in->m_axis_tkeep);
    t.m_axis_tvalid(in->m_axis_tvalid);
    t.m_axis_tready(in->m_axis_tready);
    t.m_axis_tlast(in->m_axis_tlast);
    t.m_axis_tuser(in->m_axis_tuser);
    t.s_axil_awaddr(in->s_axil_awaddr);
    t.s_axil_awprot(in->s_axil_awprot);
    t.s_axil_awvalid(in->s_axil_awvalid);
    t.s_axil_awready(in->s_axil_awready);
    t.s_axil_wdata(in->s_axil_wdata);
    t.s_axil_wstrb(in->s_axil_wstrb);
    t.s_axil_wvalid(in->s_axil_wvalid);
    t.s_axil_wready(in->s_axil_wready);
    t.s_axil_bresp(in->s_axil_bresp);
    t.s_axil_bvalid(in->s_axil_bvalid);
    t.s_axil_bready(in->s_axil_bready);
    t.s_axil_araddr(in->s_axil_araddr);
    t.s_axil_arprot(in->s_axil_arprot);
    t.s_axil_arvalid(in->s_axil_arvalid);
    t.s_axil_arready(in->s_axil_arready);
    t.s_axil_rdata(in->s_axil_rdata);
    t.s_axil_rresp(in->s_axil_rresp);
    t.s_axil_rvalid(in->s_axil_rvalid);
    t.s_axil_rready(in->s_axil_rready);
    // Idle inputs until the board drives them.
    in->m_axis_tready.write(true);
    in->s_axil_bready.write(true);
    in->s_axil_rready.write(true);
    return in;
}

__attribute__((visibility("default"))) void hop_sc_destroy(void* p) {
    auto* in = static_cast<Instance*>(p);
    if (!in) return;
    in->top->final();
    delete in->top;
    delete in;
}

__attribute__((visibility("default"))) void hop_sc_drive_stream(void* p,
                                                                const hop_sc_stream_in* s) {
    auto* in = static_cast<Instance*>(p);
    if (s->tvalid) {
        using D = PinType<decltype(Vhop::s_axis_tdata)>;
        in->s_axis_tdata.write(fromBytes(s->tdata, lanes(), static_cast<D*>(nullptr)));
        writeU64(in->s_axis_tkeep, s->tkeep);
        in->s_axis_tuser.write(s->tuser);
        in->s_axis_tlast.write(s->tlast != 0);
    }
    in->s_axis_tvalid.write(s->tvalid != 0);
    in->m_axis_tready.write(s->m_tready != 0);
}

__attribute__((visibility("default"))) void hop_sc_sample_stream(void* p, hop_sc_stream_out* o) {
    auto* in = static_cast<Instance*>(p);
    o->s_tready = in->s_axis_tready.read();
    o->m_tvalid = in->m_axis_tvalid.read();
    if (o->m_tvalid) {
        toBytes(in->m_axis_tdata.read(), o->m_tdata, lanes());
        o->m_tkeep = toU64(in->m_axis_tkeep.read());
        o->m_tuser = static_cast<uint32_t>(in->m_axis_tuser.read());
        o->m_tlast = in->m_axis_tlast.read();
    }
}

__attribute__((visibility("default"))) void hop_sc_drive_axil(void* p, const hop_sc_axil_in* a) {
    auto* in = static_cast<Instance*>(p);
    in->s_axil_awaddr.write(a->awaddr);
    in->s_axil_awprot.write(0);
    in->s_axil_awvalid.write(a->awvalid != 0);
    in->s_axil_wdata.write(a->wdata);
    in->s_axil_wstrb.write(a->wstrb);
    in->s_axil_wvalid.write(a->wvalid != 0);
    in->s_axil_bready.write(a->bready != 0);
    in->s_axil_araddr.write(a->araddr);
    in->s_axil_arprot.write(0);
    in->s_axil_arvalid.write(a->arvalid != 0);
    in->s_axil_rready.write(a->rready != 0);
}

__attribute__((visibility("default"))) void hop_sc_sample_axil(void* p, hop_sc_axil_out* a) {
    auto* in = static_cast<Instance*>(p);
    a->awready = in->s_axil_awready.read();
    a->wready = in->s_axil_wready.read();
    a->bvalid = in->s_axil_bvalid.read();
    a->bresp = static_cast<uint8_t>(in->s_axil_bresp.read());
    a->arready = in->s_axil_arready.read();
    a->rvalid = in->s_axil_rvalid.read();
    a->rresp = static_cast<uint8_t>(in->s_axil_rresp.read());
    a->rdata = static_cast<uint32_t>(in->s_axil_rdata.read());
}

}  // extern "C"
