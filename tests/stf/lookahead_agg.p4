// SPDX-License-Identifier: Apache-2.0
// lookahead<T>() of a header and of a struct (P4_16 12.8.4): T's bits at the cursor, without
// moving it. A field of the result in select and in assignments (`pkt.lookahead<tag_t>().kind`),
// a whole header assigned from it (valid, like an extracted one), locals of header and struct
// type initialised from it (a struct with bool, signed and header members), and a lookahead past
// the packet's end, which rejects with PacketTooShort (res.err 1).
#include <core.p4>
#include <v1model.p4>

header res_t {
    bit<8> err;
    bit<8> len;     // tag: a header local's len; peek: the struct's `rest`
    bit<8> flag;    // peek: the struct's bool
    bit<8> neg;     // peek: 1 when the struct's int<8> is negative
}
header tag_t {
    bit<4> kind;
    bit<4> ver;
    bit<8> len;
}
header byte_t { bit<8> b; }

struct peek_t {
    bit<4> kind;
    bit<4> pad;
    bool   flag;
    bit<7> rest;
    int<8> s;
    tag_t  inner;
}

struct headers_t {
    res_t  res;
    tag_t  copy;    // assigned from a lookahead (tag), or a peek's inner header
    tag_t  tag;
    byte_t b0;
    byte_t b1;
}
struct meta_t {
    bit<8> len;
    bit<8> flag;
    bit<8> neg;
}

parser P(packet_in pkt, out headers_t hdr, inout meta_t meta,
         inout standard_metadata_t sm) {
    state start {
        transition select(pkt.lookahead<tag_t>().kind) {
            1: tag;
            2: peek;
            default: accept;
        }
    }
    state tag {
        hdr.copy = pkt.lookahead<tag_t>();
        tag_t local = pkt.lookahead<tag_t>();
        meta.len = local.len;
        pkt.extract(hdr.tag);
        transition accept;
    }
    state peek {
        peek_t p = pkt.lookahead<peek_t>();
        meta.flag = p.flag ? 8w1 : 8w0;
        meta.neg = p.s < 0 ? 8w1 : 8w0;
        meta.len = (bit<8>)pkt.lookahead<peek_t>().rest;
        hdr.copy = p.inner;
        pkt.extract(hdr.b0);
        transition select(pkt.lookahead<peek_t>().inner.len) {
            0: accept;
            default: one_more;
        }
    }
    state one_more {
        pkt.extract(hdr.b1);
        transition accept;
    }
}

control VC(inout headers_t hdr, inout meta_t meta) {
    apply { }
}

control I(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    apply {
        hdr.res.setValid();
        hdr.res.err = sm.parser_error == error.PacketTooShort ? 8w1 : 8w0;
        hdr.res.len = meta.len;
        hdr.res.flag = meta.flag;
        hdr.res.neg = meta.neg;
        sm.egress_spec = 2;
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
        pkt.emit(hdr.copy);
        pkt.emit(hdr.tag);
        pkt.emit(hdr.b0);
        pkt.emit(hdr.b1);
    }
}

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
