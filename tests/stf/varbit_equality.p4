// SPDX-License-Identifier: Apache-2.0
// Equality of varbit values (spec 8.9.1): equal when their lengths are equal and their bits
// are; so one zero byte differs from two zero bytes.
#include <core.p4>
#include <v1model.p4>

header len_t { bit<8> n; }  // bytes of the varbit that follows
header opt_t { varbit<32> v; }
header res_t {
    bit<8> eq;  // a.v == b.v
    bit<8> ne;  // a.v != b.v
}

struct headers_t {
    len_t la;
    opt_t a;
    len_t lb;
    opt_t b;
    res_t res;
}
struct meta_t { }

parser P(packet_in pkt, out headers_t hdr, inout meta_t meta,
         inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.la);
        pkt.extract(hdr.a, (bit<32>)hdr.la.n << 3);
        pkt.extract(hdr.lb);
        pkt.extract(hdr.b, (bit<32>)hdr.lb.n << 3);
        pkt.extract(hdr.res);
        transition accept;
    }
}

control VC(inout headers_t hdr, inout meta_t meta) { apply { } }

control I(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    apply {
        sm.egress_spec = 1;
        hdr.res.eq = 0;
        hdr.res.ne = 0;
        if (hdr.a.v == hdr.b.v) {
            hdr.res.eq = 1;
        }
        if (hdr.a.v != hdr.b.v) {
            hdr.res.ne = 1;
        }
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t hdr, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t hdr) {
    apply {
        pkt.emit(hdr.la);
        pkt.emit(hdr.a);
        pkt.emit(hdr.lb);
        pkt.emit(hdr.b);
        pkt.emit(hdr.res);
    }
}

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
