// SPDX-License-Identifier: Apache-2.0
// Actions whose in/out/inout parameters are bound in a table's action list (P4_16 spec 14.2.1.2:
// `actions = { a(hdr.h.x); }`); the control plane supplies only the directionless ones. An `in`
// argument is read as it was before the action ran (copy-in), even when an inout parameter
// names the same field.
#include <core.p4>
#include <v1model.p4>

header h_t {
    bit<8> k;
    bit<8> a;
    bit<8> b;
    bit<8> c;
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
    // dst = 2 * src + n, with dst and src the same field: src keeps its value from before
    action addto(inout bit<8> dst, in bit<8> src, bit<8> n) {
        dst = src + n;
        dst = dst + src;
    }
    action swap(inout bit<8> x, inout bit<8> y) {
        bit<8> t = x;
        x = y;
        y = t;
    }
    table t {
        key = { hdr.h.k: exact; }
        actions = { addto(hdr.h.a, hdr.h.a); swap(hdr.h.b, hdr.h.c); NoAction; }
        default_action = addto(hdr.h.a, hdr.h.a, 100);
    }
    apply {
        sm.egress_spec = 1;
        t.apply();
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t hdr, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t hdr) { apply { pkt.emit(hdr.h); } }

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
