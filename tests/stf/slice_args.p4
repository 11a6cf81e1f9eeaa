// SPDX-License-Identifier: Apache-2.0
// Slices as out and inout arguments: copied in before the call and out after it (spec 6.8),
// so the callee's own writes to the whole field come first.
#include <core.p4>
#include <v1model.p4>

header h_t {
    bit<8> a;  // set_low(a[0:0]): a = 2 in the body, then bit 0 = 1 by copy-out
    bit<8> b;  // get(b[7:4]): high nibble 9
    bit<8> c;  // incr(c[3:0]): low nibble + 1, wrapping in 4 bits
}

struct headers_t { h_t h; }
struct meta_t { }

void incr(inout bit<4> x) {
    x = x + 1;
}

parser P(packet_in pkt, out headers_t hdr, inout meta_t meta,
         inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.h);
        transition accept;
    }
}

control VC(inout headers_t hdr, inout meta_t meta) { apply { } }

control I(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    action set_low(inout bit<1> bit0) {
        hdr.h.a = 2;
        bit0 = 1;
    }
    action get(out bit<4> n) {
        n = 4w9;
    }
    apply {
        sm.egress_spec = 1;
        set_low(hdr.h.a[0:0]);
        get(hdr.h.b[7:4]);
        incr(hdr.h.c[3:0]);
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t hdr, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t hdr) { apply { pkt.emit(hdr.h); } }

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
