// SPDX-License-Identifier: Apache-2.0
// Compound assignments (P4_16 1.2.4): `a op= b` is `a = a op b` with `a` evaluated once, for
// every operator that has one, on a field, on a slice of a field and in an action.
#include <core.p4>
#include <v1model.p4>

header h_t {
    bit<8>  x;
    bit<8>  y;
    bit<8>  add;   // x += y
    bit<8>  sub;   // x -= y
    bit<8>  mul;   // x *= y
    bit<8>  and_;  // x &= y
    bit<8>  or_;   // x |= y
    bit<8>  xor_;  // x ^= y
    bit<8>  shl;   // x <<= 2
    bit<8>  shr;   // x >>= 3
    bit<8>  sadd;  // x |+|= y
    bit<8>  ssub;  // x |-|= y
    bit<8>  k;     // k += 3 in an action
    bit<16> w;     // w[11:4] += 1
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
    action bump(bit<8> v) {
        hdr.h.k += v;
    }
    apply {
        sm.egress_spec = 1;
        hdr.h.add = hdr.h.x;
        hdr.h.add += hdr.h.y;
        hdr.h.sub = hdr.h.x;
        hdr.h.sub -= hdr.h.y;
        hdr.h.mul = hdr.h.x;
        hdr.h.mul *= hdr.h.y;
        hdr.h.and_ = hdr.h.x;
        hdr.h.and_ &= hdr.h.y;
        hdr.h.or_ = hdr.h.x;
        hdr.h.or_ |= hdr.h.y;
        hdr.h.xor_ = hdr.h.x;
        hdr.h.xor_ ^= hdr.h.y;
        hdr.h.shl = hdr.h.x;
        hdr.h.shl <<= 2;
        hdr.h.shr = hdr.h.x;
        hdr.h.shr >>= 3;
        hdr.h.sadd = hdr.h.x;
        hdr.h.sadd |+|= hdr.h.y;
        hdr.h.ssub = hdr.h.x;
        hdr.h.ssub |-|= hdr.h.y;
        bump(3);
        hdr.h.w[11:4] += 1;
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t hdr, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t hdr) { apply { pkt.emit(hdr.h); } }

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
