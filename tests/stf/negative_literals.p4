// SPDX-License-Identifier: Apache-2.0
// Integer constants given a bit<W> type they do not fit (p4c and the specification, 8.9.2):
// a negative value wraps modulo 2^W (-1 is all ones), as does an operand given the other
// operand's width (257 as bit<8> is 1). hopc warns at each and compiles them.
#include <core.p4>
#include <v1model.p4>

header h_t {
    bit<8> x;
    bit<8> minus_one;  // -1
    bit<8> sub2;       // x + -2
    bit<8> masked;     // x & -16
    bit<8> konst;      // const K = -3
    bit<8> eq_all1;    // x == -1
    bit<8> gt_all1;    // x > -1 (-1 is 255: never)
    bit<8> plus257;    // x + 257 (257 is 1 as bit<8>)
    bit<4> nib;        // 4w8 < -1 (-1 is 15)
    bit<4> pad;
}

struct headers_t { h_t h; }
struct meta_t { }

const bit<8> K = -3;

parser P(packet_in pkt, out headers_t hdr, inout meta_t meta,
         inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.h);
        transition accept;
    }
}

control VC(inout headers_t hdr, inout meta_t meta) { apply { } }

control I(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    apply {
        sm.egress_spec = 1;
        hdr.h.minus_one = -1;
        hdr.h.sub2 = hdr.h.x + -2;
        hdr.h.masked = hdr.h.x & -16;
        hdr.h.konst = K;
        hdr.h.eq_all1 = hdr.h.x == -1 ? 8w1 : 8w0;
        hdr.h.gt_all1 = hdr.h.x > -1 ? 8w1 : 8w0;
        hdr.h.plus257 = hdr.h.x + 257;
        hdr.h.nib = 4w8 < -1 ? 4w1 : 4w0;
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t hdr, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t hdr) { apply { pkt.emit(hdr.h); } }

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
