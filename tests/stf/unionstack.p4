// SPDX-License-Identifier: Apache-2.0
// Header unions (P4_16 8.20) and a stack of them (8.21). The parser extracts one member of the
// union x by sel.kind (1 a, 2 b, 3 a then b: the second extract leaves only b valid), then a
// stack of three unions in a loop, the first element's member chosen by sel.first and each
// next one's by the `next` field of the element before (1 a, 2 b, another value ends the
// stack; a fourth element is StackOutOfBounds). Ingress reports, in a header it adds
// in front: the parser error (0 NoError, 3 PacketTooShort, 5 StackOutOfBounds, 4 another), the
// members' validity before and after sel.op (bit 7 x.a, 6 x.b, then u[0].a, u[0].b, ...,
// u[2].b), lastIndex and flags (bit 0 x == u[0], bit 1 x.isValid(), bit 2 u[1] == u[2], bit 3
// u.last.b.isValid() when the stack holds an element). sel.op: 1 x.b.setValid() (x.a becomes
// invalid), 2 x = u[sel.idx], 3 u[sel.idx] = x, 4 push_front(1) and u[0].a set, 5 pop_front(1),
// 6 u[sel.idx].b.setValid() (its a becomes invalid), 7 x = {#}, 8 a local union assigned from
// x.a then copied back into u[2], 9 x.a = u[0].a (x.a valid and x.b invalid when u[0].a is
// valid, else no member of x valid), 10 x.a.setInvalid() (no member of x stays valid, whichever
// was).
#include <core.p4>
#include <v1model.p4>

header res_t {
    bit<8> err;
    bit<8> before;
    bit<8> after;
    bit<8> last;
    bit<8> flags;
}
header sel_t {
    bit<8> kind;
    bit<8> op;
    bit<8> idx;
    bit<8> first;
}
header a_t {
    bit<8> v;
    bit<8> next;
}
header b_t {
    bit<16> w;
    bit<8>  next;
}
header_union ab_t {
    a_t a;
    b_t b;
}

struct headers_t {
    res_t   res;
    sel_t   sel;
    ab_t    x;
    ab_t[3] u;
}
struct meta_t { }

// The members' validity, x.a first (bit 7).
bit<8> validity(in headers_t h) {
    return (bit<1>)h.x.a.isValid() ++ (bit<1>)h.x.b.isValid() ++
           (bit<1>)h.u[0].a.isValid() ++ (bit<1>)h.u[0].b.isValid() ++
           (bit<1>)h.u[1].a.isValid() ++ (bit<1>)h.u[1].b.isValid() ++
           (bit<1>)h.u[2].a.isValid() ++ (bit<1>)h.u[2].b.isValid();
}

parser P(packet_in pkt, out headers_t hdr, inout meta_t meta,
         inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.sel);
        transition select(hdr.sel.kind) {
            1: x_a;
            2: x_b;
            3: x_ab;
            default: parse_u;
        }
    }
    state x_a {
        pkt.extract(hdr.x.a);
        transition parse_u;
    }
    state x_b {
        pkt.extract(hdr.x.b);
        transition parse_u;
    }
    state x_ab {
        pkt.extract(hdr.x.a);
        pkt.extract(hdr.x.b);
        transition parse_u;
    }
    state parse_u {
        transition select(hdr.sel.first) {
            1: u_a;
            2: u_b;
            default: accept;
        }
    }
    state u_a {
        pkt.extract(hdr.u.next.a);
        transition select(hdr.u.last.a.next) {
            1: u_a;
            2: u_b;
            default: accept;
        }
    }
    state u_b {
        pkt.extract(hdr.u.next.b);
        transition select(hdr.u.last.b.next) {
            1: u_a;
            2: u_b;
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
        hdr.res.before = validity(hdr);
        hdr.res.last = (bit<8>)hdr.u.lastIndex;
        hdr.res.flags = 0;
        if (hdr.x == hdr.u[0]) hdr.res.flags[0:0] = 1;
        if (hdr.x.isValid()) hdr.res.flags[1:1] = 1;
        if (hdr.u[1] == hdr.u[2]) hdr.res.flags[2:2] = 1;
        if (hdr.u[0].isValid() && hdr.u.last.b.isValid()) hdr.res.flags[3:3] = 1;
        if (hdr.sel.op == 1) {
            hdr.x.b.setValid();
            hdr.x.b.w = 0xbbbb;
            hdr.x.b.next = 0;
        } else if (hdr.sel.op == 2) {
            hdr.x = hdr.u[hdr.sel.idx];
        } else if (hdr.sel.op == 3) {
            hdr.u[hdr.sel.idx] = hdr.x;
        } else if (hdr.sel.op == 4) {
            hdr.u.push_front(1);
            hdr.u[0].a.setValid();
            hdr.u[0].a.v = 0x77;
            hdr.u[0].a.next = 0;
        } else if (hdr.sel.op == 5) {
            hdr.u.pop_front(1);
        } else if (hdr.sel.op == 6) {
            hdr.u[hdr.sel.idx].b.setValid();
            hdr.u[hdr.sel.idx].b.w = 0xcccc;
            hdr.u[hdr.sel.idx].b.next = 0;
        } else if (hdr.sel.op == 7) {
            hdr.x = {#};
        } else if (hdr.sel.op == 8) {
            ab_t tmp;
            tmp.a = hdr.x.a;
            hdr.u[2] = tmp;
        } else if (hdr.sel.op == 9) {
            hdr.x.a = hdr.u[0].a;
        } else if (hdr.sel.op == 10) {
            hdr.x.a.setInvalid();
        }
        hdr.res.after = validity(hdr);
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t hdr, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t hdr) {
    apply {
        pkt.emit(hdr.res);
        pkt.emit(hdr.sel);
        pkt.emit(hdr.x);
        pkt.emit(hdr.u);
    }
}

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
