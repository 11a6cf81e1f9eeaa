// SPDX-License-Identifier: Apache-2.0
// Header stacks (P4_16 8.18, 12.8.1): a parser loop extracting into `s.next` while
// `s.last.more` is 1, bounded by the stack's size (a fourth element is StackOutOfBounds);
// `lastIndex`, a run-time index read and written, push_front, pop_front and setInvalid through
// a run-time index. Ingress reports what it saw in a header it adds in front: the parser error
// (0 NoError, 3 PacketTooShort, 5 StackOutOfBounds, 4 another), lastIndex before and after
// the operation, and s[sel.idx].v. sel.op picks the operation: 1 s[idx].v = 0xee,
// 2 push_front(1), 3 pop_front(1), 4 s[idx].setInvalid().
#include <core.p4>
#include <v1model.p4>

header res_t {
    bit<8> err;
    bit<8> last_before;
    bit<8> last_after;
    bit<8> picked;
}
header sel_t {
    bit<8> idx;
    bit<8> op;
}
header e_t {
    bit<8> v;
    bit<8> more;
}

struct headers_t {
    res_t  res;
    sel_t  sel;
    e_t[3] s;
}
struct meta_t { }

parser P(packet_in pkt, out headers_t hdr, inout meta_t meta,
         inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.sel);
        transition parse_e;
    }
    state parse_e {
        pkt.extract(hdr.s.next);
        transition select(hdr.s.last.more) {
            1: parse_e;
            default: accept;
        }
    }
}

control VC(inout headers_t hdr, inout meta_t meta) { apply { } }

control I(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    apply {
        sm.egress_spec = 1;
        hdr.res.setValid();
        if (sm.parser_error == error.NoError) {
            hdr.res.err = 0;
        } else if (sm.parser_error == error.PacketTooShort) {
            hdr.res.err = 3;
        } else if (sm.parser_error == error.StackOutOfBounds) {
            hdr.res.err = 5;
        } else {
            hdr.res.err = 4;
        }
        hdr.res.last_before = (bit<8>)hdr.s.lastIndex;
        hdr.res.picked = hdr.s[hdr.sel.idx].v;
        if (hdr.sel.op == 1) {
            hdr.s[hdr.sel.idx].v = 0xee;
        } else if (hdr.sel.op == 2) {
            hdr.s.push_front(1);
        } else if (hdr.sel.op == 3) {
            hdr.s.pop_front(1);
        } else if (hdr.sel.op == 4) {
            hdr.s[hdr.sel.idx].setInvalid();
        }
        hdr.res.last_after = (bit<8>)hdr.s.lastIndex;
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t hdr, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t hdr) {
    apply {
        pkt.emit(hdr.res);
        pkt.emit(hdr.sel);
        pkt.emit(hdr.s);
    }
}

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
