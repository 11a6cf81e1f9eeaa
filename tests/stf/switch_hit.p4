// SPDX-License-Identifier: Apache-2.0
// switch on action_run (with a default label), .hit and .miss.
#include <core.p4>
#include <v1model.p4>

header h_t {
    bit<8> k;
    bit<8> r;  // written by the action t ran
    bit<8> s;  // which switch branch ran
    bit<8> h;  // t2.apply().hit: 1, else 2
    bit<8> m;  // t3.apply().miss: 1, else 0
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
    action a1() { hdr.h.r = 1; }
    action a2(bit<8> v) { hdr.h.r = v; }
    action nop() { }

    table t {
        key = { hdr.h.k: exact; }
        actions = { a1; a2; NoAction; }
        default_action = NoAction();
    }
    table t2 {
        key = { hdr.h.k: exact; }
        actions = { nop; }
        default_action = nop();
    }
    table t3 {
        key = { hdr.h.k: exact; }
        actions = { nop; }
        default_action = nop();
    }

    apply {
        sm.egress_spec = 1;
        switch (t.apply().action_run) {
            a1: { hdr.h.s = 0x11; }
            a2: { hdr.h.s = 0x22; }
            default: { hdr.h.s = 0xdd; }
        }
        if (t2.apply().hit) {
            hdr.h.h = 1;
        } else {
            hdr.h.h = 2;
        }
        if (t3.apply().miss) {
            hdr.h.m = 1;
        }
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t hdr, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t hdr) { apply { pkt.emit(hdr.h); } }

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
