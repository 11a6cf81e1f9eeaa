// SPDX-License-Identifier: Apache-2.0
// Functions with a result called as statements: the result is dropped and the body's effects
// (inout arguments) stay; a function whose result is used calls one whose result is not.
#include <core.p4>
#include <v1model.p4>

header h_t {
    bit<8> a;  // bump(a): a + 1, result dropped
    bit<8> b;  // b = outer(c)
    bit<8> c;  // outer: c + 1 (by inner), result c + 1 + 10, or 7 when c + 1 is 0
}

struct headers_t { h_t h; }
struct meta_t { }

bit<8> bump(inout bit<8> v) {
    v = v + 1;
    return v;
}

bit<8> inner(inout bit<8> v) {
    v = v + 1;
    return 8w100;
}

bit<8> outer(inout bit<8> v) {
    inner(v);
    if (v == 0) {
        return 8w7;
    }
    return v + 8w10;
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
    apply {
        sm.egress_spec = 1;
        bump(hdr.h.a);
        hdr.h.b = outer(hdr.h.c);
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t hdr, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t hdr) { apply { pkt.emit(hdr.h); } }

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
