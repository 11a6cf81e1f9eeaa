// SPDX-License-Identifier: Apache-2.0
// `advance(n)` by a compile-time number of bits (core.p4): the cursor moves over bits nobody
// reads, and a packet too short for it rejects with PacketTooShort (the parser's reject does
// not drop in v1model: ingress sees parser_error). As in BMv2, whose cursor moves in whole
// bytes, an amount that is not a multiple of 8 is ParserInvalidArgument whatever the packet.
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
        transition select(hdr.a.v) {
            0xff: odd;
            default: even;
        }
    }
    state even {
        pkt.advance(16);
        pkt.extract(hdr.b);
        pkt.advance(8);
        transition accept;
    }
    state odd {
        pkt.advance(12);
        transition accept;
    }
}

control VC(inout headers_t hdr, inout meta_t meta) { apply { } }

control I(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    apply {
        sm.egress_spec = 1;
        hdr.r.setValid();
        hdr.r.err = sm.parser_error == error.PacketTooShort ? 8w1 :
                    sm.parser_error == error.ParserInvalidArgument ? 8w2 : 8w0;
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
