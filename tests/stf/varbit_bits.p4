// SPDX-License-Identifier: Apache-2.0
// A varbit whose length in bits comes straight from the packet, so the compiler cannot know it
// is whole bytes. BMv2 extracts varbits in whole bytes: a length that is not a multiple of 8
// is ParserInvalidArgument (checked before anything else); longer than the field's 32 bits is
// HeaderTooShort. Ingress reports the error in a header it adds in front: 0 NoError,
// 1 PacketTooShort, 2 ParserInvalidArgument, 3 HeaderTooShort.
#include <core.p4>
#include <v1model.p4>

header res_t { bit<8> code; }
header len_t { bit<8> bits; }
header opts_t { varbit<32> data; }
header tail_t { bit<8> t; }

struct headers_t {
    res_t  res;
    len_t  len;
    opts_t opts;
    tail_t tail;
}
struct meta_t { }

parser P(packet_in pkt, out headers_t hdr, inout meta_t meta,
         inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.len);
        pkt.extract(hdr.opts, (bit<32>)hdr.len.bits);
        pkt.extract(hdr.tail);
        transition accept;
    }
}

control VC(inout headers_t hdr, inout meta_t meta) { apply { } }

control I(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    apply {
        sm.egress_spec = 1;
        hdr.res.setValid();
        hdr.res.code = sm.parser_error == error.NoError ? 8w0 :
                       sm.parser_error == error.PacketTooShort ? 8w1 :
                       sm.parser_error == error.ParserInvalidArgument ? 8w2 :
                       sm.parser_error == error.HeaderTooShort ? 8w3 : 8w255;
        if (hdr.tail.isValid()) {
            hdr.tail.t = hdr.tail.t + 1;
        }
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t hdr, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t hdr) {
    apply {
        pkt.emit(hdr.res);
        pkt.emit(hdr.len);
        pkt.emit(hdr.opts);
        pkt.emit(hdr.tail);
    }
}

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
