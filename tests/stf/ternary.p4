// SPDX-License-Identifier: Apache-2.0
// Ternary matching: `t` is filled by the STF file (a larger priority wins); `c` has const
// entries (the earlier entry wins). Results: h.t_out from t, h.c_out from c.
#include <core.p4>
#include <v1model.p4>

header h_t {
    bit<8> k;
    bit<8> t_out;
    bit<8> c_out;
}

struct headers_t { h_t h; }
struct meta_t { }

parser P(packet_in pkt, out headers_t hdr, inout meta_t meta,
         inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.h);
        transition accept;
    }
}

control VC(inout headers_t hdr, inout meta_t meta) { apply { } }

control I(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    action set_t(bit<8> v) { hdr.h.t_out = v; }
    action set_c(bit<8> v) { hdr.h.c_out = v; }

    table t {
        size = 16;  // a few entries are all it takes; 16 slots keep the Verilated model small
        key = { hdr.h.k: ternary; }
        actions = { set_t; }
        default_action = set_t(0xee);
    }

    table c {
        size = 16;
        key = { hdr.h.k: ternary; }
        actions = { set_c; }
        const entries = {
            0x10 &&& 0xf0 : set_c(1);
            0x11 &&& 0xff : set_c(2);
            0x03 &&& 0x03 : set_c(3);
            _             : set_c(4);
        }
        default_action = set_c(0xee);
    }

    apply {
        sm.egress_spec = 1;
        t.apply();
        c.apply();
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t hdr, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t hdr) { apply { pkt.emit(hdr.h); } }

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
