// SPDX-License-Identifier: Apache-2.0
// A varbit header whose length comes from the packet; tail.t is incremented so the test sees
// that the parser found the right end of the variable part.
#include <core.p4>
#include <v1model.p4>

header len_t { bit<8> n; }  // bytes of data that follow
header opts_t { varbit<64> data; }
header tail_t { bit<8> t; }

struct headers_t {
    len_t  len;
    opts_t opts;
    tail_t tail;
}
struct meta_t { }

parser P(packet_in pkt, out headers_t hdr, inout meta_t meta,
         inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.len);
        pkt.extract(hdr.opts, (bit<32>)hdr.len.n << 3);
        pkt.extract(hdr.tail);
        transition accept;
    }
}

control VC(inout headers_t hdr, inout meta_t meta) { apply { } }

control I(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    apply {
        sm.egress_spec = 1;
        if (hdr.tail.isValid()) {
            hdr.tail.t = hdr.tail.t + 1;
        }
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t hdr, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t hdr) {
    apply {
        pkt.emit(hdr.len);
        pkt.emit(hdr.opts);
        pkt.emit(hdr.tail);
    }
}

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
