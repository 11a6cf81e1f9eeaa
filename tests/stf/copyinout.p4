// SPDX-License-Identifier: Apache-2.0
// Copy-in/copy-out (P4_16 6.8): out and inout arguments are copied into the callee's parameters
// at the call and back, left to right, when it returns, so a callee that reaches an argument's
// location another way (another argument naming it, or the name itself) sees its own copy.
#include <core.p4>
#include <v1model.p4>

header h_t {
    bit<8> x;   // both arguments of twice(x, x): the last copy-out wins
    bit<8> y;   // inout argument of global(y), which also writes y by name
    bit<8> z;   // what global() computed from its copy
    bit<8> x2;  // inout argument of late(x2), which reads x2 by name after writing its copy
    bit<8> w;   // what late() read
    bit<8> q;   // out and inout argument of both(q, q)
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
    action twice(inout bit<8> a, inout bit<8> b) {
        a = a + 1;
        b = b + 10;
    }
    action global(inout bit<8> v) {
        hdr.h.y = 5;
        v = v + hdr.h.y;
        hdr.h.z = v;
    }
    action late(inout bit<8> v) {
        v = 1;
        hdr.h.w = hdr.h.x2;
    }
    action both(out bit<8> o, inout bit<8> io) {
        o = 7;
        io = io + 1;
    }
    apply {
        sm.egress_spec = 1;
        twice(hdr.h.x, hdr.h.x);
        global(hdr.h.y);
        late(hdr.h.x2);
        both(hdr.h.q, hdr.h.q);
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t hdr, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t hdr) { apply { pkt.emit(hdr.h); } }

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
