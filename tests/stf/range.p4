// SPDX-License-Identifier: Apache-2.0
// Range matching with const entries (overlapping ranges: the earlier entry wins) and an exact
// table filled at run time next to it.
#include <core.p4>
#include <v1model.p4>

header h_t {
    bit<16> k;
    bit<8>  r_out;
    bit<8>  e_out;
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
    action set_r(bit<8> v) { hdr.h.r_out = v; }
    action set_e(bit<8> v) { hdr.h.e_out = v; }

    table r {
        size = 16;  // a few entries are all it takes; 16 slots keep the Verilated model small
        key = { hdr.h.k: range; }
        actions = { set_r; }
        const entries = {
            0 .. 99      : set_r(1);
            100 .. 199   : set_r(2);
            150 .. 299   : set_r(3);
            1000 .. 1000 : set_r(4);
        }
        default_action = set_r(0xff);
    }

    table e {
        key = { hdr.h.k: exact; }
        actions = { set_e; NoAction; }
        default_action = NoAction();
    }

    apply {
        sm.egress_spec = 1;
        r.apply();
        e.apply();
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t hdr, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t hdr) { apply { pkt.emit(hdr.h); } }

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
