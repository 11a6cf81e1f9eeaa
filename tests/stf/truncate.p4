// SPDX-License-Identifier: Apache-2.0
// v1model's truncate(length): the deparsed frame, headers included, leaves with at most
// `length` bytes; a frame shorter than that is left whole; the last call wins (here egress's
// when x is 2); a length of 0 sends nothing. The length comes from the packet (h.len) or
// from a table entry's action.
#include <core.p4>
#include <v1model.p4>

header h_t {
    bit<8>  len;
    bit<8>  x;
    bit<16> tag;
}

struct headers_t { h_t h; }
struct meta_t { }

parser P(packet_in pkt, out headers_t hdr, inout meta_t meta,
         inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.h);
        transition accept;
    }
}

control VC(inout headers_t hdr, inout meta_t meta) { apply { } }

control I(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    action cut(bit<32> n) { truncate(n); }
    table by_tag {
        key = { hdr.h.tag : exact; }
        actions = { cut; NoAction; }
        default_action = NoAction();
    }
    apply {
        sm.egress_spec = 1;
        hdr.h.tag = hdr.h.tag + 1;  // the cut frame carries the new value
        if (hdr.h.x != 0) truncate((bit<32>)hdr.h.len);
        by_tag.apply();
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    apply {
        if (hdr.h.x == 2) truncate(3);
    }
}
control CC(inout headers_t hdr, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t hdr) { apply { pkt.emit(hdr.h); } }

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
