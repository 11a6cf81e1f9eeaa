// SPDX-License-Identifier: Apache-2.0
// Signed arithmetic on int<8>: saturation at -128/127, arithmetic shift right, signed and
// unsigned comparison of the same bits, sign and zero extension by casts.
#include <core.p4>
#include <v1model.p4>

header s_t {
    int<8>  x;
    int<8>  y;
    int<8>  satadd;  // x |+| y
    int<8>  satsub;  // x |-| y
    int<8>  shr;     // x >> 2 (arithmetic)
    int<8>  sum;     // x + y (wraps)
    bit<8>  lt;      // x < y, signed
    bit<8>  gtu;     // (bit<8>)x > (bit<8>)y, unsigned
    int<16> wide;    // (int<16>)x: sign extension
    bit<16> wideu;   // (bit<16>)(bit<8>)x: zero extension
}

struct headers_t { s_t s; }
struct meta_t { }

parser P(packet_in pkt, out headers_t hdr, inout meta_t meta,
         inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.s);
        transition accept;
    }
}

control VC(inout headers_t hdr, inout meta_t meta) { apply { } }

control I(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    apply {
        sm.egress_spec = 1;
        hdr.s.satadd = hdr.s.x |+| hdr.s.y;
        hdr.s.satsub = hdr.s.x |-| hdr.s.y;
        hdr.s.shr = hdr.s.x >> 2;
        hdr.s.sum = hdr.s.x + hdr.s.y;
        hdr.s.lt = hdr.s.x < hdr.s.y ? 8w1 : 8w0;
        hdr.s.gtu = (bit<8>)hdr.s.x > (bit<8>)hdr.s.y ? 8w1 : 8w0;
        hdr.s.wide = (int<16>)hdr.s.x;
        hdr.s.wideu = (bit<16>)(bit<8>)hdr.s.x;
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t hdr, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t hdr) { apply { pkt.emit(hdr.s); } }

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
