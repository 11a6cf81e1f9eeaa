// SPDX-License-Identifier: Apache-2.0
// Unsigned arithmetic on bit<8>: wrap-around, saturation, shifts, bitwise operators and a
// widening multiply. Every packet leaves on port 1 with the results written in place.
#include <core.p4>
#include <v1model.p4>

header ops_t {
    bit<8>  a;
    bit<8>  b;
    bit<8>  sum;     // a + b
    bit<8>  diff;    // a - b
    bit<8>  prod;    // a * b
    bit<8>  satadd;  // a |+| b
    bit<8>  satsub;  // a |-| b
    bit<8>  shl;     // a << 3
    bit<8>  shr;     // a >> 2
    bit<8>  band;    // a & b
    bit<8>  bor;     // a | b
    bit<8>  bxor;    // a ^ b
    bit<8>  bnot;    // ~a
    bit<8>  neg;     // -a
    bit<16> wide;    // (bit<16>)a * (bit<16>)b
}

struct headers_t { ops_t ops; }
struct meta_t { }

parser P(packet_in pkt, out headers_t hdr, inout meta_t meta,
         inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.ops);
        transition accept;
    }
}

control VC(inout headers_t hdr, inout meta_t meta) { apply { } }

control I(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    apply {
        sm.egress_spec = 1;
        hdr.ops.sum = hdr.ops.a + hdr.ops.b;
        hdr.ops.diff = hdr.ops.a - hdr.ops.b;
        hdr.ops.prod = hdr.ops.a * hdr.ops.b;
        hdr.ops.satadd = hdr.ops.a |+| hdr.ops.b;
        hdr.ops.satsub = hdr.ops.a |-| hdr.ops.b;
        hdr.ops.shl = hdr.ops.a << 3;
        hdr.ops.shr = hdr.ops.a >> 2;
        hdr.ops.band = hdr.ops.a & hdr.ops.b;
        hdr.ops.bor = hdr.ops.a | hdr.ops.b;
        hdr.ops.bxor = hdr.ops.a ^ hdr.ops.b;
        hdr.ops.bnot = ~hdr.ops.a;
        hdr.ops.neg = -hdr.ops.a;
        hdr.ops.wide = (bit<16>)hdr.ops.a * (bit<16>)hdr.ops.b;
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t hdr, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t hdr) { apply { pkt.emit(hdr.ops); } }

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
