// SPDX-License-Identifier: Apache-2.0
// Controls as constructor arguments and a control type invoked directly (`Outer.apply(...)`,
// P4_16's direct invocation): `one` is one instance applied through `two` (twice) and through
// `s`, which gets `two`. a -> a + 2; b -> (b << 1) + 2; c counts how often `one` ran (4).
#include <core.p4>
#include <v1model.p4>

header h_t {
    bit<8> a;
    bit<8> b;
    bit<8> c;
}

struct headers_t { h_t h; }
struct meta_t { }

control Ctl(inout bit<8> x, inout bit<8> runs);

control Add1(inout bit<8> x, inout bit<8> runs) {
    apply {
        x = x + 1;
        runs = runs + 1;
    }
}

control Twice(inout bit<8> x, inout bit<8> runs)(Ctl c) {
    apply {
        c.apply(x, runs);
        c.apply(x, runs);
    }
}

control Shift(inout bit<8> x, inout bit<8> runs)(Ctl c) {
    apply {
        x = x << 1;
        c.apply(x, runs);
    }
}

control Outer(inout bit<8> a, inout bit<8> b, inout bit<8> runs) {
    Add1() one;
    Twice(one) two;
    Shift(two) s;
    apply {
        two.apply(a, runs);
        s.apply(b, runs);
    }
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
        hdr.h.c = 0;
        Outer.apply(hdr.h.a, hdr.h.b, hdr.h.c);
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t hdr, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t hdr) { apply { pkt.emit(hdr.h); } }

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
