// SPDX-License-Identifier: Apache-2.0
// `advance(n)` by a compile-time number of bits (core.p4): the cursor moves over bits nobody
// reads, not necessarily whole bytes, and a packet too short for it rejects with PacketTooShort
// (the parser's reject does not drop in v1model: ingress sees parser_error).
#include <core.p4>
#include <v1model.p4>

header a_t { bit<8> v; }
header b_t { bit<4> lo; bit<12> w; }
header r_t { bit<8> err; }

struct headers_t { a_t a; b_t b; r_t r; }
struct meta_t { }

parser P(packet_in pkt, out headers_t hdr, inout meta_t meta,
         inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.a);
        pkt.advance(12);
        pkt.extract(hdr.b);
        pkt.advance(12);
        transition accept;
    }
}

control VC(inout headers_t hdr, inout meta_t meta) { apply { } }

control I(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    apply {
        sm.egress_spec = 1;
        hdr.r.setValid();
        hdr.r.err = sm.parser_error == error.PacketTooShort ? 8w1 : 8w0;
        if (hdr.b.isValid()) {
            hdr.b.w = hdr.b.w + 1;
        }
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t hdr, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t hdr) {
    apply {
        pkt.emit(hdr.r);
        pkt.emit(hdr.a);
        pkt.emit(hdr.b);
    }
}

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
