// SPDX-License-Identifier: Apache-2.0
// Controls instantiated inside controls and applied (P4_16 spec 13.1, 13.4): parameters bound
// per apply (an `in` argument copied in, an `inout` one written back), each instance with its own
// tables and locals, a nested instance, `return` ending only the applied control and `exit`
// ending the whole ingress.
#include <core.p4>
#include <v1model.p4>

header h_t {
    bit<8> a;
    bit<8> b;
    bit<8> x;
    bit<8> y;
    bit<8> r;  // 0x11 when the ingress ran to its end
    bit<8> z;  // 0xff: g returns early; 0xee: g exits
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

// v = v + (the entry's n for key v, else d)
control Add(inout bit<8> v, in bit<8> d) {
    bit<8> tmp;
    action set(bit<8> n) { tmp = n; }
    table t {
        key = { v: exact; }
        actions = { set; NoAction; }
        default_action = NoAction();
    }
    apply {
        tmp = d;
        t.apply();
        v = v + tmp;
    }
}

control Guard(inout h_t h) {
    Add() inner;
    apply {
        if (h.z == 0xff) {
            return;
        }
        inner.apply(h.y, 1);
        if (h.z == 0xee) {
            exit;
        }
    }
}

control I(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    Add() c1;
    Add() c2;
    Guard() g;
    apply {
        sm.egress_spec = 1;
        c1.apply(hdr.h.a, hdr.h.b);
        c2.apply(hdr.h.x, hdr.h.a);  // reads a as c1 left it
        g.apply(hdr.h);
        hdr.h.r = 0x11;
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t hdr, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t hdr) { apply { pkt.emit(hdr.h); } }

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
