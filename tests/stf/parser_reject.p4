// SPDX-License-Identifier: Apache-2.0
// Parser errors do not drop (BMv2): ingress runs with parser_error set, and reports which error
// it saw in a header it adds in front: 0 NoError, 1 NoMatch, 2 BadLength (a verify), 3
// PacketTooShort, 4 another error.
#include <core.p4>
#include <v1model.p4>

error { BadLength }

header res_t { bit<8> code; }
header h_t {
    bit<8> kind;
    bit<8> len;
}
header opt_t { bit<8> v; }

struct headers_t {
    res_t res;
    h_t   h;
    opt_t opt;
}
struct meta_t { }

parser P(packet_in pkt, out headers_t hdr, inout meta_t meta,
         inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.h);
        verify(hdr.h.len < 10, error.BadLength);
        transition select(hdr.h.kind) {
            1: parse_opt;
            2: accept;
        }
    }
    state parse_opt {
        pkt.extract(hdr.opt);
        transition accept;
    }
}

control VC(inout headers_t hdr, inout meta_t meta) { apply { } }

control I(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    apply {
        sm.egress_spec = 1;
        hdr.res.setValid();
        if (sm.parser_error == error.NoError) {
            hdr.res.code = 0;
        } else if (sm.parser_error == error.NoMatch) {
            hdr.res.code = 1;
        } else if (sm.parser_error == error.BadLength) {
            hdr.res.code = 2;
        } else if (sm.parser_error == error.PacketTooShort) {
            hdr.res.code = 3;
        } else {
            hdr.res.code = 4;
        }
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t hdr, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t hdr) {
    apply {
        pkt.emit(hdr.res);
        pkt.emit(hdr.h);
        pkt.emit(hdr.opt);
    }
}

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
