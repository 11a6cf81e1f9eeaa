// SPDX-License-Identifier: Apache-2.0
// A sub-parser that applies a sub-parser of its own (P4_16 13.8.1, inlined recursively): Pair
// parses two bytes with two applies of one Byte instance, then looks ahead (a field of a header
// lookahead) to decide whether a third byte follows, parsed by another Byte instance. Byte
// rejects a zero byte with error.ZeroByte, which rejects the whole parse. Ingress writes the sum
// of the bytes and the parser error into res.
#include <core.p4>
#include <v1model.p4>

error { ZeroByte }

header res_t {
    bit<8> sum;
    bit<8> err;
}
header b_t { bit<8> v; }
header peek_t { bit<8> v; }

struct headers_t {
    res_t res;
    b_t   b0;
    b_t   b1;
    b_t   b2;
}
struct meta_t { bit<8> sum; }

parser Byte(packet_in pkt, out b_t b, inout bit<8> sum) {
    state start {
        pkt.extract(b);
        verify(b.v != 0, error.ZeroByte);
        sum = sum + b.v;
        transition accept;
    }
}

parser Pair(packet_in pkt, inout headers_t hdr, inout meta_t meta) {
    Byte() one;
    Byte() extra;
    state start {
        one.apply(pkt, hdr.b0, meta.sum);
        one.apply(pkt, hdr.b1, meta.sum);
        transition select(pkt.lookahead<peek_t>().v) {
            0xee: more;
            default: accept;
        }
    }
    state more {
        extra.apply(pkt, hdr.b2, meta.sum);
        transition accept;
    }
}

parser P(packet_in pkt, out headers_t hdr, inout meta_t meta,
         inout standard_metadata_t sm) {
    Pair() pair;
    state start {
        pair.apply(pkt, hdr, meta);
        transition accept;
    }
}

control VC(inout headers_t hdr, inout meta_t meta) {
    apply { }
}

control I(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    apply {
        hdr.res.setValid();
        hdr.res.sum = meta.sum;
        hdr.res.err = sm.parser_error == error.ZeroByte ? 8w1 :
                      sm.parser_error == error.PacketTooShort ? 8w2 : 8w0;
        // What a rejected parse left in hdr and meta is the sub-parsers' copy-out question: a
        // rejected packet keeps only res.
        if (hdr.res.err != 0) {
            hdr.res.sum = 0;
            hdr.b0.setInvalid();
            hdr.b1.setInvalid();
            hdr.b2.setInvalid();
        }
        sm.egress_spec = 3;
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    apply { }
}

control CC(inout headers_t hdr, inout meta_t meta) {
    apply { }
}

control D(packet_out pkt, in headers_t hdr) {
    apply {
        pkt.emit(hdr.res);
        pkt.emit(hdr.b0);
        pkt.emit(hdr.b1);
        pkt.emit(hdr.b2);
    }
}

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
