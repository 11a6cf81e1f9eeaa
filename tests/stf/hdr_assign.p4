// SPDX-License-Identifier: Apache-2.0
// Headers as values (P4_16 8.17): a header-typed local (invalid until set), initialised from a
// list (which makes it valid), whole-header assignment copying fields and validity, == on
// headers (equal when both invalid, or both valid with equal fields), a struct local holding
// a header, and a header passed by value to an action (copy-in). op picks the case:
// 1 a = local {0x11, 0x22}; 2 b = a (both valid); 3 b = the invalid local (b becomes invalid);
// 4 res.eq = (a == b), res.neq = (a != local); 5 an action whose `in` copy of a is read after
// the action overwrites a.
#include <core.p4>
#include <v1model.p4>

header res_t {
    bit<8> eq;
    bit<8> neq;
}
header op_t { bit<8> op; }
header p_t {
    bit<8> x;
    bit<8> y;
}

struct headers_t {
    res_t res;
    op_t  op;
    p_t   a;
    p_t   b;
}
struct pair_t {
    p_t    h;
    bit<8> tag;
}
struct meta_t { }

parser P(packet_in pkt, out headers_t hdr, inout meta_t meta,
         inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.op);
        transition select(hdr.op.op) {
            3: parse_a;
            4: parse_ab;
            5: parse_a;
            default: parse_ab;
        }
    }
    state parse_a {
        pkt.extract(hdr.a);
        transition accept;
    }
    state parse_ab {
        pkt.extract(hdr.a);
        pkt.extract(hdr.b);
        transition accept;
    }
}

control VC(inout headers_t hdr, inout meta_t meta) { apply { } }

control I(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    action overwrite_then_read(in p_t v) {
        hdr.a.x = 0x99;
        hdr.b.x = v.x;
    }
    apply {
        sm.egress_spec = 1;
        p_t unset;
        pair_t pr;
        pr.h = { 0x11, 0x22 };
        pr.tag = 7;
        if (hdr.op.op == 1) {
            hdr.a = pr.h;
        } else if (hdr.op.op == 2) {
            hdr.b = hdr.a;
        } else if (hdr.op.op == 3) {
            hdr.b = hdr.a;
            hdr.a = unset;
        } else if (hdr.op.op == 4) {
            hdr.res.setValid();
            hdr.res.eq = (hdr.a == hdr.b) ? 8w1 : 8w0;
            hdr.res.neq = (hdr.a != unset) ? 8w1 : 8w0;
        } else if (hdr.op.op == 5) {
            hdr.b.setValid();
            overwrite_then_read(hdr.a);
        }
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t hdr, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t hdr) {
    apply {
        pkt.emit(hdr.res);
        pkt.emit(hdr.op);
        pkt.emit(hdr.a);
        pkt.emit(hdr.b);
    }
}

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
