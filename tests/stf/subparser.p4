// SPDX-License-Identifier: Apache-2.0
// Sub-parsers (P4_16 13.8.1): a parser instantiated in a parser and applied in its states. Two
// instances of one sub-parser, an instance applied twice, two applies in one state, `in`
// arguments (a constant, a header field: copied in at the apply), `out` headers and an `inout`
// struct, a local whose initialiser runs at every apply, the sub-parser's own states and select.
// The sub-parser's accept returns to the statement after the apply; its reject (explicit, or by
// verify or a short packet) rejects the whole parse. Ingress reports parser_error (res.err:
// 0 NoError, 1 BadLength, 2 PacketTooShort), the TLVs counted and the sum of their weighted
// lengths, and whether the parse reached `finish` (res.ok); a parse that did not keeps only
// res and op.
#include <core.p4>
#include <v1model.p4>

error { BadLength }

header res_t {
    bit<8> err;
    bit<8> count;
    bit<8> sum;
    bit<8> ok;
}
header op_t { bit<8> op; }
header tlv_t {
    bit<8>  type;
    bit<8>  len;
    bit<16> value;
}

struct headers_t {
    res_t res;
    op_t  op;
    tlv_t t1;
    tlv_t t2;
    tlv_t t3;
}
struct meta_t {
    bit<8> count;
    bit<8> sum;
    bit<8> ok;
}

// One TLV: type 0xff rejects; a type with its top bit set weighs 2, others 1; a length above
// maxLen fails verify with BadLength.
parser TlvParser(packet_in pkt, out tlv_t t, inout meta_t m, in bit<8> maxLen) {
    bit<8> weight = 1;
    state start {
        pkt.extract(t);
        m.count = m.count + 1;
        transition select(t.type) {
            0xff: reject;
            0x80 &&& 0x80: heavy;
            default: check;
        }
    }
    state heavy {
        weight = 2;
        transition check;
    }
    state check {
        verify(t.len <= maxLen, error.BadLength);
        m.sum = m.sum + t.len * weight;
        transition accept;
    }
}

parser P(packet_in pkt, out headers_t hdr, inout meta_t meta,
         inout standard_metadata_t sm) {
    TlvParser() first;
    TlvParser() second;
    state start {
        pkt.extract(hdr.op);
        first.apply(pkt, hdr.t1, meta, 8);
        transition select(hdr.op.op) {
            2: two;
            3: again;
            default: finish;
        }
    }
    state two {
        second.apply(pkt, hdr.t2, meta, hdr.t1.len);
        transition finish;
    }
    state again {
        first.apply(pkt, hdr.t2, meta, 16);
        second.apply(pkt, hdr.t3, meta, 4);
        transition finish;
    }
    state finish {
        meta.ok = 1;
        transition accept;
    }
}

control VC(inout headers_t hdr, inout meta_t meta) {
    apply { }
}

control I(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    apply {
        hdr.res.setValid();
        if (sm.parser_error == error.NoError) {
            hdr.res.err = 0;
        } else if (sm.parser_error == error.BadLength) {
            hdr.res.err = 1;
        } else if (sm.parser_error == error.PacketTooShort) {
            hdr.res.err = 2;
        } else {
            hdr.res.err = 3;
        }
        hdr.res.ok = meta.ok;
        if (meta.ok == 1) {
            hdr.res.count = meta.count;
            hdr.res.sum = meta.sum;
        } else {
            hdr.res.count = 0;
            hdr.res.sum = 0;
            hdr.t1.setInvalid();
            hdr.t2.setInvalid();
            hdr.t3.setInvalid();
        }
        sm.egress_spec = 1;
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
        pkt.emit(hdr.op);
        pkt.emit(hdr.t1);
        pkt.emit(hdr.t2);
        pkt.emit(hdr.t3);
    }
}

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
