// SPDX-License-Identifier: Apache-2.0
// Parser select with masks, ranges, tuples, don't-care and default; the first matching case
// wins. The state reached is reported in res.path.
#include <core.p4>
#include <v1model.p4>

header res_t { bit<8> path; }
header h_t {
    bit<8> a;
    bit<8> b;
}

struct headers_t {
    res_t res;
    h_t   h;
}
struct meta_t { bit<8> path; }

parser P(packet_in pkt, out headers_t hdr, inout meta_t meta,
         inout standard_metadata_t sm) {
    state start {
        meta.path = 0;
        pkt.extract(hdr.h);
        transition select(hdr.h.a, hdr.h.b) {
            (0x10 &&& 0xf0, _):     s_mask;
            (0x20 .. 0x2f, 0x01):   s_range_one;
            (0x20 .. 0x2f, _):      s_range;
            (0x30, 0x30 &&& 0x30):  s_tuple;
            default:                accept;
        }
    }
    state s_mask {
        meta.path = 1;
        transition accept;
    }
    state s_range_one {
        meta.path = 2;
        transition accept;
    }
    state s_range {
        meta.path = 3;
        transition accept;
    }
    state s_tuple {
        meta.path = 4;
        transition accept;
    }
}

control VC(inout headers_t hdr, inout meta_t meta) { apply { } }

control I(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    apply {
        sm.egress_spec = 1;
        hdr.res.setValid();
        hdr.res.path = meta.path;
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t hdr, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t hdr) {
    apply {
        pkt.emit(hdr.res);
        pkt.emit(hdr.h);
    }
}

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
