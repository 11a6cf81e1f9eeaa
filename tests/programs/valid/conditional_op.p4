/*
 * conditional_op.p4 -- the conditional operator ?: .
 * Covers: ?: on bit<W>, int<W>, bool operands; nested and
 * right-associative chains; ?: with int literal operands under a
 * compile-time condition; ?: as a function argument, in an initialiser,
 * as the operand of a slice and inside other expressions (needs
 * parentheses because ?: has the lowest precedence).
 */
#include <core.p4>
#include <v1model.p4>

const bool FAST = true;
const bit<8> LIMIT = FAST ? 100 : 50;     // both operands int, condition constant

header h_t { bit<8> a; bit<8> b; int<8> s; bit<8> pad; }
struct headers { h_t h; }
struct metadata { bool big; }

parser Prs(packet_in pkt, out headers hdr, inout metadata meta,
           inout standard_metadata_t sm) {
    state start { pkt.extract(hdr.h); transition accept; }
}

control VC(inout headers hdr, inout metadata meta) { apply { } }

control Ing(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    apply {
        bit<8> m = hdr.h.a > hdr.h.b ? hdr.h.a : hdr.h.b;
        hdr.h.pad = hdr.h.a == 0 ? 8w1 : hdr.h.a == 1 ? 8w2 : hdr.h.a == 2 ? 8w3 : 8w0;
        hdr.h.s = hdr.h.s < 0 ? -hdr.h.s : hdr.h.s;
        meta.big = m > LIMIT ? true : false;
        hdr.h.b = (meta.big ? m : LIMIT) + 8w1;
        hdr.h.a = (hdr.h.a[0:0] == 1 ? hdr.h.a : hdr.h.b)[7:0];
        sm.egress_spec = meta.big ? 9w1 : 9w2;
        log_msg("m = {}", { hdr.h.a > 3 ? m : 8w0 });
    }
}

control Eg(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata meta) { apply { } }
control Dep(packet_out pkt, in headers hdr) { apply { pkt.emit(hdr.h); } }

V1Switch(Prs(), VC(), Ing(), Eg(), CC(), Dep()) main;
